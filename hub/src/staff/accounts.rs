//! Staff accounts: the bootstrap invitation, invitations, accepting one
//! (password and optional TOTP), signing in and out, changing a password,
//! and what programme admins do to accounts (list, revoke sessions,
//! disable, the per-role TOTP rule).
//!
//! Wrong passwords slow a login down instead of locking it: after the n-th
//! failure in a row the login is refused for 2^(n-1) seconds (capped at 15
//! minutes) without looking at the password, answered `rate_limited` with
//! the seconds to wait. The count is kept per login *name*, known or not, and
//! an unknown login's password is checked against a dummy hash, so the
//! answers and their timing do not tell who has an account.

use crate::db::sql::{Connection, OptionalExtension, TransactionBehavior, params};
use workervoice_protocol::error::{HubError, HubErrorCode};
use workervoice_protocol::staff::{
    AcceptInvitationRequest, ChangePasswordRequest, CreateInvitationRequest, InvitationResponse, RoleSettings,
    StaffAccount, StaffLoginRequest, StaffLoginResponse, StaffRole,
};
use zeroize::Zeroizing;

use super::audit::{self, ActorId};
use super::sessions::{self, Principal, token_hash};
use super::{passwords, totp};
use crate::admin::factories::ensure_factory_exists;
use crate::clock::unix_now;
use crate::error::ApiError;
use crate::state::AppState;
use crate::workers::checked_display_name;

/// How long an invitation token works.
pub(crate) const INVITATION_VALID_SECS: i64 = 7 * 24 * 3600;
/// Longest back-off after wrong passwords.
const MAX_BACKOFF_SECS: i64 = 15 * 60;
/// The demo programme admin's login.
pub(crate) const DEMO_ADMIN_LOGIN: &str = "demo-admin";

/// A login as stored: trimmed, lower case, 3–64 of `a-z 0-9 . - _ @`.
pub(crate) fn checked_login(login: &str) -> Result<String, ApiError> {
    let login = login.trim().to_lowercase();
    let valid = (3..=64).contains(&login.len())
        && login.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-@".contains(&b));
    if valid { Ok(login) } else { Err(ApiError::bad_request()) }
}

/// Whether a live (not disabled) programme admin exists.
pub(crate) fn programme_admin_exists(connection: &Connection) -> Result<bool, ApiError> {
    Ok(connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM staff_accounts WHERE role = 'programme_admin' AND disabled_at IS NULL)",
        [],
        |row| row.get(0),
    )?)
}

fn role_requires_totp(connection: &Connection, role: StaffRole) -> Result<bool, ApiError> {
    Ok(connection
        .query_row("SELECT totp_required FROM staff_role_settings WHERE role = ?1", [role.as_str()], |row| row.get(0))
        .optional()?
        .unwrap_or(false))
}

fn short_id(hash: &[u8]) -> String {
    hex::encode(&hash[..8])
}

fn new_invitation(
    connection: &Connection,
    state: &AppState,
    actor: &ActorId,
    role: StaffRole,
    factory_ids: &[String],
    brand_id: Option<&str>,
) -> Result<InvitationResponse, ApiError> {
    let token = workervoice_protocol::b64::encode(&state.keys.random::<32>()?);
    let hash = token_hash(&token);
    let now = unix_now();
    let expires_at = now + INVITATION_VALID_SECS;
    connection.execute(
        "INSERT INTO invitations (token_hash, kind, role, factory_ids, brand_id, created_by, created_at, expires_at) \
         VALUES (?1, 'staff', ?2, ?3, ?4, ?5, ?6, ?7)",
        params![hash, role.as_str(), factory_ids.join(" "), brand_id, actor.label(), now, expires_at],
    )?;
    audit::append(connection, actor, &format!("invitation_created:{}", role.as_str()), "invitation", &short_id(&hash))?;
    Ok(InvitationResponse { invitation_token: token, role, expires_at })
}

/// `POST /admin/v1/bootstrap`: the first programme admin's invitation, only
/// while no programme admin exists.
pub(crate) async fn bootstrap(state: &AppState) -> Result<InvitationResponse, ApiError> {
    let shared = state.clone();
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if programme_admin_exists(&tx)? {
                return Err(ApiError::code(HubErrorCode::Forbidden));
            }
            let invitation = new_invitation(&tx, &shared, &ActorId::AdminToken, StaffRole::ProgrammeAdmin, &[], None)?;
            tx.commit()?;
            Ok(invitation)
        })
        .await
}

/// `POST /admin/v1/staff/invitations`.
pub(crate) async fn create_invitation(
    state: &AppState,
    actor: ActorId,
    request: CreateInvitationRequest,
) -> Result<InvitationResponse, ApiError> {
    let shared = state.clone();
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            match request.role {
                StaffRole::FactoryAdmin => {
                    if request.factory_ids.is_empty() || request.brand_id.is_some() {
                        return Err(ApiError::bad_request());
                    }
                    for factory_id in &request.factory_ids {
                        ensure_factory_exists(&tx, factory_id)?;
                    }
                }
                StaffRole::BrandStaff => {
                    let brand_id = request.brand_id.as_deref().ok_or_else(ApiError::bad_request)?;
                    if !request.factory_ids.is_empty() {
                        return Err(ApiError::bad_request());
                    }
                    super::brands::ensure_brand_exists(&tx, brand_id)?;
                }
                StaffRole::ProgrammeAdmin | StaffRole::Auditor => {
                    if !request.factory_ids.is_empty() || request.brand_id.is_some() {
                        return Err(ApiError::bad_request());
                    }
                }
            }
            let invitation =
                new_invitation(&tx, &shared, &actor, request.role, &request.factory_ids, request.brand_id.as_deref())?;
            tx.commit()?;
            Ok(invitation)
        })
        .await
}

/// `POST /staff/v1/invitations/accept`: creates the account. An unknown,
/// used or expired token is `unauthorized`.
pub(crate) async fn accept_invitation(
    state: &AppState,
    request: AcceptInvitationRequest,
) -> Result<StaffAccount, ApiError> {
    let login = checked_login(&request.login)?;
    let display_name = checked_display_name(&request.display_name)?;
    if !passwords::acceptable_password(&request.password) {
        return Err(ApiError::bad_request());
    }
    let totp_secret = match (&request.totp_secret, &request.totp_code) {
        (Some(secret), Some(code)) => {
            if !(totp::MIN_SECRET_LEN..=totp::MAX_SECRET_LEN).contains(&secret.len()) {
                return Err(ApiError::bad_request());
            }
            let step = totp::accepted_step(secret, code, unix_now(), None).ok_or_else(ApiError::bad_request)?;
            Some((Zeroizing::new(secret.clone()), step))
        }
        (None, None) => None,
        _ => return Err(ApiError::bad_request()),
    };
    let password_hash = hash_off_thread(state, request.password.clone()).await?;
    let hash = token_hash(&request.invitation_token);
    let shared = state.clone();
    state
        .db
        .run(move |connection| {
            let now = unix_now();
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let invitation = tx
                .query_row(
                    "SELECT role, factory_ids, brand_id, created_by FROM invitations \
                      WHERE token_hash = ?1 AND kind = 'staff' AND used_at IS NULL AND expires_at > ?2",
                    params![hash, now],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, Option<String>>(2)?,
                            row.get::<_, String>(3)?,
                        ))
                    },
                )
                .optional()?;
            let Some((role, factory_ids, brand_id, created_by)) = invitation else {
                return Err(ApiError::unauthorized());
            };
            let role = StaffRole::parse(&role).ok_or_else(|| ApiError::internal("an invitation's role is unknown"))?;
            // Two bootstrap invitations must not make two first admins.
            if created_by == ActorId::AdminToken.label() && programme_admin_exists(&tx)? {
                return Err(ApiError::unauthorized());
            }
            if totp_secret.is_none() && role_requires_totp(&tx, role)? {
                return Err(ApiError::bad_request());
            }
            let taken: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM staff_accounts WHERE login = ?1)", [&login], |row| {
                    row.get(0)
                })?;
            if taken {
                return Err(ApiError::code(HubErrorCode::WorkerExists));
            }
            let id = uuid::Uuid::new_v4().to_string();
            let (sealed, step) = match &totp_secret {
                Some((secret, step)) => (Some(shared.keys.seal_totp_secret(&id, secret)?), Some(*step)),
                None => (None, None),
            };
            tx.execute(
                "INSERT INTO staff_accounts (id, login, display_name, role, password_hash, totp_secret_sealed, \
                     totp_required, totp_last_step, brand_id, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    id,
                    login,
                    display_name,
                    role.as_str(),
                    password_hash,
                    sealed,
                    sealed.is_some(),
                    step,
                    brand_id,
                    now
                ],
            )?;
            for factory_id in factory_ids.split_whitespace() {
                tx.execute(
                    "INSERT INTO staff_scopes (account_id, factory_id) VALUES (?1, ?2)",
                    params![id, factory_id],
                )?;
            }
            tx.execute("UPDATE invitations SET used_at = ?1 WHERE token_hash = ?2", params![now, hash])?;
            let actor = ActorId::Staff(id.clone());
            audit::append(&tx, &actor, &format!("invitation_accepted:{}", role.as_str()), "staff_account", &id)?;
            let account = load_account(&tx, &id)?.ok_or_else(ApiError::not_found)?;
            tx.commit()?;
            Ok(account)
        })
        .await
}

async fn hash_off_thread(state: &AppState, password: String) -> Result<String, ApiError> {
    let shared = state.clone();
    let password = Zeroizing::new(password);
    tokio::task::spawn_blocking(move || passwords::hash_password(&shared.keys, &password))
        .await
        .map_err(|error| ApiError::internal(format!("hashing task failed: {error}")))?
}

async fn verify_off_thread(stored: String, password: String) -> Result<bool, ApiError> {
    let password = Zeroizing::new(password);
    tokio::task::spawn_blocking(move || passwords::verify_password(&stored, &password))
        .await
        .map_err(|error| ApiError::internal(format!("verifying task failed: {error}")))
}

/// What a login needs from the account row.
#[derive(Clone)]
struct LoginRow {
    id: String,
    password_hash: String,
    role: StaffRole,
    totp_sealed: Option<Vec<u8>>,
}

/// `POST /staff/v1/login`.
pub(crate) async fn login(state: &AppState, request: StaffLoginRequest) -> Result<StaffLoginResponse, ApiError> {
    // A malformed login is answered like a wrong one (after the same work).
    let login = checked_login(&request.login).unwrap_or_else(|_| "\u{0}invalid".to_owned());
    let key = login.clone();
    let row = state
        .db
        .run(move |connection| {
            let now = unix_now();
            let next_allowed: Option<i64> = connection
                .query_row("SELECT next_allowed_at FROM staff_login_backoff WHERE login = ?1", [&key], |row| row.get(0))
                .optional()?;
            if let Some(next) = next_allowed.filter(|next| *next > now) {
                return Err(ApiError::Refused(HubError {
                    code: HubErrorCode::RateLimited,
                    attempts_left: None,
                    retry_after_secs: Some(u32::try_from(next - now).unwrap_or(u32::MAX)),
                }));
            }
            let row = connection
                .query_row(
                    "SELECT id, password_hash, role, totp_secret_sealed FROM staff_accounts \
                      WHERE login = ?1 AND disabled_at IS NULL",
                    [&key],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, String>(2)?,
                            row.get::<_, Option<Vec<u8>>>(3)?,
                        ))
                    },
                )
                .optional()?;
            row.map(|(id, password_hash, role, totp_sealed)| {
                let role =
                    StaffRole::parse(&role).ok_or_else(|| ApiError::internal("a stored staff role is unknown"))?;
                Ok(LoginRow { id, password_hash, role, totp_sealed })
            })
            .transpose()
        })
        .await?;
    let stored = row.as_ref().map_or_else(|| state.staff.dummy_hash.clone(), |row| row.password_hash.clone());
    let password_ok = verify_off_thread(stored, request.password.clone()).await? && row.is_some();
    let shared = state.clone();
    let totp_code = request.totp_code.clone();
    let outcome = state
        .db
        .run(move |connection| {
            let now = unix_now();
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let accepted = match (&row, password_ok) {
                (Some(row), true) => second_factor_step(&tx, &shared, row, totp_code.as_deref(), now)?,
                _ => None,
            };
            let (Some(row), Some(step)) = (row.clone(), accepted) else {
                record_failure(&tx, &login, now)?;
                tx.commit()?;
                return Ok(None);
            };
            tx.execute("DELETE FROM staff_login_backoff WHERE login = ?1", [&login])?;
            if let Some(step) = step {
                tx.execute("UPDATE staff_accounts SET totp_last_step = ?1 WHERE id = ?2", params![step, row.id])?;
            }
            let (token, expires_at) =
                sessions::open(&tx, &shared.keys, &row.id, now, shared.staff.session_absolute_secs)?;
            audit::append(&tx, &ActorId::Staff(row.id.clone()), "login", "staff_account", &row.id)?;
            let account = load_account(&tx, &row.id)?.ok_or_else(ApiError::unauthorized)?;
            tx.commit()?;
            Ok(Some(StaffLoginResponse { session_token: token, expires_at, account }))
        })
        .await?;
    outcome.ok_or_else(ApiError::unauthorized)
}

/// `Some(Some(step))`: the TOTP code for `step` was right; `Some(None)`: no
/// second factor needed; `None`: a second factor is needed and was missing
/// or wrong (or the role needs one the account does not have).
fn second_factor_step(
    connection: &Connection,
    state: &AppState,
    row: &LoginRow,
    code: Option<&str>,
    now: i64,
) -> Result<Option<Option<i64>>, ApiError> {
    match &row.totp_sealed {
        None => Ok(if role_requires_totp(connection, row.role)? { None } else { Some(None) }),
        Some(sealed) => {
            let Some(code) = code else { return Ok(None) };
            let secret = state.keys.open_totp_secret(&row.id, sealed)?;
            let last: Option<i64> =
                connection
                    .query_row("SELECT totp_last_step FROM staff_accounts WHERE id = ?1", [&row.id], |r| r.get(0))?;
            Ok(totp::accepted_step(&secret, code, now, last).map(Some))
        }
    }
}

fn record_failure(connection: &Connection, login: &str, now: i64) -> Result<(), ApiError> {
    let failures: i64 = connection
        .query_row("SELECT failures FROM staff_login_backoff WHERE login = ?1", [login], |row| row.get(0))
        .optional()?
        .unwrap_or(0)
        + 1;
    let wait = 1i64.checked_shl(u32::try_from(failures - 1).unwrap_or(31).min(30)).unwrap_or(MAX_BACKOFF_SECS);
    connection.execute(
        "INSERT INTO staff_login_backoff (login, failures, next_allowed_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (login) DO UPDATE SET failures = excluded.failures, next_allowed_at = excluded.next_allowed_at",
        params![login, failures, now + wait.min(MAX_BACKOFF_SECS)],
    )?;
    Ok(())
}

/// `POST /staff/v1/logout`.
pub(crate) async fn logout(state: &AppState, principal: Principal, token: String) -> Result<(), ApiError> {
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            sessions::revoke(&tx, &token, unix_now())?;
            audit::append(
                &tx,
                &ActorId::Staff(principal.account_id.clone()),
                "logout",
                "staff_account",
                &principal.account_id,
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
}

/// `GET /staff/v1/me`.
pub(crate) async fn me(state: &AppState, principal: Principal) -> Result<StaffAccount, ApiError> {
    state
        .db
        .read(move |connection| load_account(connection, &principal.account_id)?.ok_or_else(ApiError::unauthorized))
        .await
}

/// `POST /staff/v1/password`: checks the old password (a wrong one counts
/// towards the login back-off), sets the new one, ends the account's other
/// sessions.
pub(crate) async fn change_password(
    state: &AppState,
    principal: Principal,
    token: String,
    request: ChangePasswordRequest,
) -> Result<(), ApiError> {
    if !passwords::acceptable_password(&request.new_password) {
        return Err(ApiError::bad_request());
    }
    let id = principal.account_id.clone();
    let (login, stored) = state
        .db
        .run(move |connection| {
            Ok(connection.query_row("SELECT login, password_hash FROM staff_accounts WHERE id = ?1", [&id], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?)
        })
        .await?;
    let right = verify_off_thread(stored, request.old_password.clone()).await?;
    let new_hash = if right { Some(hash_off_thread(state, request.new_password.clone()).await?) } else { None };
    let ok = state
        .db
        .run(move |connection| {
            let now = unix_now();
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(new_hash) = new_hash.clone() else {
                record_failure(&tx, &login, now)?;
                tx.commit()?;
                return Ok(false);
            };
            tx.execute(
                "UPDATE staff_accounts SET password_hash = ?1 WHERE id = ?2",
                params![new_hash, principal.account_id],
            )?;
            sessions::revoke_all(&tx, &principal.account_id, Some(&token), now)?;
            let actor = ActorId::Staff(principal.account_id.clone());
            audit::append(&tx, &actor, "password_changed", "staff_account", &principal.account_id)?;
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if ok { Ok(()) } else { Err(ApiError::unauthorized()) }
}

/// `GET /admin/v1/staff/accounts`.
pub(crate) async fn accounts(state: &AppState) -> Result<Vec<StaffAccount>, ApiError> {
    state
        .db
        .read(|connection| {
            let ids = {
                let mut statement = connection.prepare("SELECT id FROM staff_accounts ORDER BY created_at, rowid")?;
                statement.query_map([], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?
            };
            let mut accounts = Vec::with_capacity(ids.len());
            for id in ids {
                accounts.extend(load_account(connection, &id)?);
            }
            Ok(accounts)
        })
        .await
}

/// `POST /admin/v1/staff/accounts/{id}/revoke-sessions`: ends every session
/// of the account; `disable` (`true`) also refuses its future logins.
pub(crate) async fn revoke_sessions(
    state: &AppState,
    actor: ActorId,
    account_id: String,
    disable: bool,
) -> Result<StaffAccount, ApiError> {
    state
        .db
        .run(move |connection| {
            let now = unix_now();
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            load_account(&tx, &account_id)?.ok_or_else(ApiError::not_found)?;
            sessions::revoke_all(&tx, &account_id, None, now)?;
            let action = if disable {
                tx.execute(
                    "UPDATE staff_accounts SET disabled_at = coalesce(disabled_at, ?1) WHERE id = ?2",
                    params![now, account_id],
                )?;
                "account_disabled"
            } else {
                "sessions_revoked"
            };
            audit::append(&tx, &actor, action, "staff_account", &account_id)?;
            let account = load_account(&tx, &account_id)?.ok_or_else(ApiError::not_found)?;
            tx.commit()?;
            Ok(account)
        })
        .await
}

/// `GET /admin/v1/staff/roles`.
pub(crate) async fn role_settings(state: &AppState) -> Result<Vec<RoleSettings>, ApiError> {
    state
        .db
        .read(|connection| {
            StaffRole::ALL
                .into_iter()
                .map(|role| Ok(RoleSettings { role, totp_required: role_requires_totp(connection, role)? }))
                .collect()
        })
        .await
}

/// `POST /admin/v1/staff/roles/{role}`: whether the role must use TOTP.
/// Applies from each account's next sign-in.
pub(crate) async fn set_role_settings(
    state: &AppState,
    actor: ActorId,
    role: String,
    totp_required: bool,
) -> Result<RoleSettings, ApiError> {
    let role = StaffRole::parse(&role).ok_or_else(ApiError::not_found)?;
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO staff_role_settings (role, totp_required) VALUES (?1, ?2) \
                 ON CONFLICT (role) DO UPDATE SET totp_required = excluded.totp_required",
                params![role.as_str(), totp_required],
            )?;
            let action = if totp_required { "role_totp_required" } else { "role_totp_optional" };
            audit::append(&tx, &actor, action, "staff_role", role.as_str())?;
            tx.commit()?;
            Ok(RoleSettings { role, totp_required })
        })
        .await
}

/// An account as staff see it.
pub(crate) fn load_account(connection: &Connection, id: &str) -> Result<Option<StaffAccount>, ApiError> {
    let row = connection
        .query_row(
            "SELECT id, login, display_name, role, totp_secret_sealed IS NOT NULL, disabled_at IS NOT NULL, \
                    created_at, brand_id FROM staff_accounts WHERE id = ?1",
            [id],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, bool>(4)?,
                    row.get::<_, bool>(5)?,
                    row.get::<_, i64>(6)?,
                    row.get::<_, Option<String>>(7)?,
                ))
            },
        )
        .optional()?;
    let Some((id, login, display_name, role, totp_enabled, disabled, created_at, brand_id)) = row else {
        return Ok(None);
    };
    let role = StaffRole::parse(&role).ok_or_else(|| ApiError::internal("a stored staff role is unknown"))?;
    let factory_ids = if role == StaffRole::FactoryAdmin {
        sessions::scope_of(connection, &id, role, None)?.factory_ids
    } else {
        Vec::new()
    };
    Ok(Some(StaffAccount { id, login, display_name, role, factory_ids, brand_id, totp_enabled, disabled, created_at }))
}

/// The demo programme admin (tests and `--demo`): created on first start
/// with a password and TOTP secret derived from the hub secret (so a re-run
/// prints the same ones and nothing extra is stored), and a fresh session
/// for the harness. Returns (login, password, TOTP secret, session token).
pub(crate) async fn ensure_demo_admin(state: &AppState) -> anyhow::Result<DemoAdmin> {
    let password = state.keys.derive_demo_password("staff:demo-admin");
    let secret = state.keys.derive_demo_totp_secret(DEMO_ADMIN_LOGIN);
    let password_hash = hash_off_thread(state, password.clone()).await?;
    let shared = state.clone();
    let totp_secret = secret.clone();
    let session_token = state
        .db
        .run(move |connection| {
            let now = unix_now();
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let existing: Option<String> = tx
                .query_row("SELECT id FROM staff_accounts WHERE login = ?1", [DEMO_ADMIN_LOGIN], |row| row.get(0))
                .optional()?;
            let id = match existing {
                Some(id) => id,
                None => {
                    let id = uuid::Uuid::new_v4().to_string();
                    let sealed = shared.keys.seal_totp_secret(&id, &totp_secret)?;
                    tx.execute(
                        "INSERT INTO staff_accounts (id, login, display_name, role, password_hash, \
                             totp_secret_sealed, totp_required, created_at) \
                         VALUES (?1, ?2, 'Demo programme admin', 'programme_admin', ?3, ?4, 1, ?5)",
                        params![id, DEMO_ADMIN_LOGIN, password_hash, sealed, now],
                    )?;
                    audit::append(&tx, &ActorId::Hub, "demo_admin_created", "staff_account", &id)?;
                    id
                }
            };
            let (token, _) = sessions::open(&tx, &shared.keys, &id, now, shared.staff.session_absolute_secs)?;
            audit::append(&tx, &ActorId::Hub, "demo_session_opened", "staff_account", &id)?;
            tx.commit()?;
            Ok(token)
        })
        .await?;
    Ok(DemoAdmin {
        login: DEMO_ADMIN_LOGIN.to_owned(),
        password,
        totp_secret_base32: totp::base32(&secret),
        session_token,
    })
}

/// The demo programme admin, as printed for a newcomer.
pub(crate) struct DemoAdmin {
    pub(crate) login: String,
    pub(crate) password: String,
    pub(crate) totp_secret_base32: String,
    pub(crate) session_token: String,
}
