//! Reader accounts (case handlers and survey analysts), made by the reader's
//! own client (ADR 0015): a programme admin invites; the reader's client
//! accepts with a key pair it made, the private key wrapped under its
//! password, and `login_key`, which the hub keeps only as Argon2id. The hub
//! never sees the password, and nothing it holds opens the private key.
//!
//! Wrong logins slow an account down instead of locking it: after the n-th
//! failure in a row the account refuses logins for 2^(n-1) seconds (capped
//! at 15 minutes), answered `rate_limited` with the seconds to wait. The
//! count is kept per account and per *bucket*: a client that signed in
//! before sends the device token it was given then, and its failures count
//! in that token's own bucket; everyone else shares one bucket. An attempt
//! is counted before the key is checked (a right key then clears the
//! count), so parallel guesses cannot share one back-off window. So a
//! stranger hammering the login delays only strangers, never the reader on
//! their usual browser (OWASP's device cookies). An unknown account is
//! answered like a wrong key, after the same work, and prelogin gives it a
//! stable made-up salt.

use crate::db::sql::{Connection, OptionalExtension, TransactionBehavior, params};
use workervoice_protocol::directory::Route;
use workervoice_protocol::error::{HubError, HubErrorCode};
use workervoice_protocol::handler::{
    AcceptReaderInvitationRequest, HandlerLoginRequest, HandlerLoginResponse, HandlerSummary, PreloginRequest,
    PreloginResponse, READER_MAX_KDF_ITERATIONS, READER_MIN_KDF_ITERATIONS, READER_SALT_LEN, ReaderInvitationRequest,
    ReaderInvitationResponse, ReaderPasswordChangeRequest,
};

use super::sessions::{self, HandlerSession};
use crate::admin::factories::ensure_factory_exists;
use crate::clock::unix_now;
use crate::directory::route_from_str;
use crate::error::ApiError;
use crate::staff::accounts::INVITATION_VALID_SECS;
use crate::staff::audit::{self, ActorId};
use crate::staff::passwords;
use crate::staff::sessions::token_hash;
use crate::state::AppState;
use crate::workers::checked_display_name;

/// Longest back-off after wrong logins.
pub(crate) const MAX_BACKOFF_SECS: i64 = 15 * 60;
/// Length of a `login_key`.
const LOGIN_KEY_LEN: usize = 32;
/// The bucket of clients without a device token of this account.
const STRANGERS: &str = "";

const SUMMARY_COLUMNS: &str = "id, name, route, factory_id, brand_id, public_key, key_id, analyst";

fn summary_from_row(row: &crate::db::sql::Row<'_>) -> crate::db::sql::Result<HandlerSummary> {
    let route: String = row.get(2)?;
    Ok(HandlerSummary {
        handler_id: row.get(0)?,
        name: row.get(1)?,
        route: route_from_str(&route).ok_or_else(|| crate::db::sql::Error::Damaged("a reader's route".into()))?,
        factory_id: row.get(3)?,
        brand_id: row.get(4)?,
        public_key: row.get(5)?,
        key_id: row.get(6)?,
        analyst: row.get(7)?,
    })
}

pub(crate) fn load_summary(connection: &Connection, handler_id: &str) -> Result<Option<HandlerSummary>, ApiError> {
    Ok(connection
        .query_row(
            &format!("SELECT {SUMMARY_COLUMNS} FROM handlers WHERE id = ?1 AND disabled_at IS NULL"),
            [handler_id],
            summary_from_row,
        )
        .optional()?)
}

/// Hex of the first 16 bytes of SHA-256 of a public key (as the client computes it).
pub(crate) fn key_id(public_key: &[u8]) -> String {
    workervoice_protocol::directory::key_id(public_key)
}

/// `POST /admin/v1/readers/invitations`: a one-time link for a new reader.
/// The account id is fixed now, so the client can bind its wrapped key to it.
pub(crate) async fn invite(
    state: &AppState,
    actor: ActorId,
    request: ReaderInvitationRequest,
) -> Result<ReaderInvitationResponse, ApiError> {
    let name = checked_display_name(&request.name)?;
    if request.analyst
        && (request.route != Route::IndependentHotline || request.factory_id.is_some() || request.brand_id.is_some())
    {
        return Err(ApiError::bad_request());
    }
    match (request.route, &request.factory_id, &request.brand_id) {
        (Route::FactoryCommittee, Some(_), None)
        | (Route::IndependentHotline, None, None)
        | (Route::Brand, None, Some(_)) => {}
        _ => return Err(ApiError::bad_request()),
    }
    let token = workervoice_protocol::b64::encode(&state.keys.random::<32>()?);
    let handler_id = uuid::Uuid::new_v4().to_string();
    let (id, hash) = (handler_id.clone(), token_hash(&token));
    let expires_at = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some(factory_id) = &request.factory_id {
                ensure_factory_exists(&tx, factory_id)?;
            }
            if let Some(brand_id) = &request.brand_id {
                crate::staff::brands::ensure_brand_exists(&tx, brand_id)?;
            }
            let now = unix_now();
            let expires_at = now + INVITATION_VALID_SECS;
            tx.execute(
                "INSERT INTO invitations (token_hash, kind, route, factory_ids, brand_id, created_by, created_at, \
                     expires_at, reader_id, reader_name, analyst) \
                 VALUES (?1, 'reader', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    hash,
                    request.route.as_str(),
                    request.factory_id.clone().unwrap_or_default(),
                    request.brand_id,
                    actor.label(),
                    now,
                    expires_at,
                    id,
                    name,
                    request.analyst
                ],
            )?;
            let action = if request.analyst { "reader_invited:analyst" } else { "reader_invited" };
            audit::append(&tx, &actor, action, "handler", &id)?;
            tx.commit()?;
            Ok(expires_at)
        })
        .await?;
    Ok(ReaderInvitationResponse { handler_id, invitation_token: token, expires_at })
}

fn check_kdf(salt: &[u8], iterations: u32) -> Result<(), ApiError> {
    if salt.len() != READER_SALT_LEN || !(READER_MIN_KDF_ITERATIONS..=READER_MAX_KDF_ITERATIONS).contains(&iterations) {
        return Err(ApiError::bad_request());
    }
    Ok(())
}

/// Whether a wrapped private key has the envelope's shape for 32 bytes.
fn plausible_wrapped_key(wrapped: &[u8]) -> bool {
    wrapped.len() == 32 + workervoice_protocol::envelope::OVERHEAD
}

async fn hash_login_key(state: &AppState, login_key: Vec<u8>) -> Result<String, ApiError> {
    if login_key.len() != LOGIN_KEY_LEN {
        return Err(ApiError::bad_request());
    }
    let shared = state.clone();
    let encoded = zeroize::Zeroizing::new(workervoice_protocol::b64::encode(&login_key));
    tokio::task::spawn_blocking(move || passwords::hash_password(&shared.keys, &encoded))
        .await
        .map_err(|error| ApiError::internal(format!("hashing task failed: {error}")))?
}

async fn verify_login_key(stored: String, login_key: &[u8]) -> Result<bool, ApiError> {
    let encoded = zeroize::Zeroizing::new(workervoice_protocol::b64::encode(login_key));
    tokio::task::spawn_blocking(move || passwords::verify_password(&stored, &encoded))
        .await
        .map_err(|error| ApiError::internal(format!("verifying task failed: {error}")))
}

/// `POST /handler/v1/invitations/accept`: creates the account from what the
/// reader's client made. An unknown, used or expired token, or an account id
/// that is not the invitation's, is `unauthorized`.
pub(crate) async fn accept(
    state: &AppState,
    request: AcceptReaderInvitationRequest,
) -> Result<HandlerSummary, ApiError> {
    check_kdf(&request.kdf_salt, request.kdf_iterations)?;
    if request.public_key.len() != 32
        || key_id(&request.public_key) != request.key_id
        || !plausible_wrapped_key(&request.wrapped_private_key)
    {
        return Err(ApiError::bad_request());
    }
    let verifier = hash_login_key(state, request.login_key).await?;
    let hash = token_hash(&request.invitation_token);
    state
        .db
        .run(move |connection| {
            let now = unix_now();
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let invitation = tx
                .query_row(
                    "SELECT route, factory_ids, brand_id, reader_id, reader_name, analyst FROM invitations \
                      WHERE token_hash = ?1 AND kind = 'reader' AND used_at IS NULL AND expires_at > ?2",
                    params![hash, now],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, Option<String>>(2)?,
                            row.get::<_, Option<String>>(3)?,
                            row.get::<_, Option<String>>(4)?,
                            row.get::<_, bool>(5)?,
                        ))
                    },
                )
                .optional()?;
            let Some((route, factory_id, brand_id, Some(reader_id), Some(name), analyst)) = invitation else {
                return Err(ApiError::unauthorized());
            };
            if reader_id != request.handler_id {
                return Err(ApiError::unauthorized());
            }
            let factory_id = Some(factory_id).filter(|id| !id.is_empty());
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM handlers WHERE public_key = ?1 OR key_id = ?2)",
                params![request.public_key, request.key_id],
                |row| row.get(0),
            )?;
            if taken {
                return Err(ApiError::bad_request());
            }
            tx.execute(
                "INSERT INTO handlers (id, name, route, factory_id, brand_id, analyst, public_key, key_id, \
                     wrapped_private_key, kdf_salt, kdf_iterations, login_verifier, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    reader_id,
                    name,
                    route,
                    factory_id,
                    brand_id,
                    analyst,
                    request.public_key,
                    request.key_id,
                    request.wrapped_private_key,
                    request.kdf_salt,
                    request.kdf_iterations,
                    verifier,
                    now
                ],
            )?;
            tx.execute("UPDATE invitations SET used_at = ?1 WHERE token_hash = ?2", params![now, hash])?;
            audit::append(
                &tx,
                &ActorId::Reader(reader_id.clone()),
                "invitation_accepted:reader",
                "handler",
                &reader_id,
            )?;
            let summary = load_summary(&tx, &reader_id)?.ok_or_else(ApiError::not_found)?;
            tx.commit()?;
            tracing::info!(route = summary.route.as_str(), "reader account created by its client");
            Ok(summary)
        })
        .await
}

/// `POST /handler/v1/prelogin`: the account's salt and iterations, or for an
/// unknown account a stable made-up salt and the default iterations.
pub(crate) async fn prelogin(state: &AppState, request: PreloginRequest) -> Result<PreloginResponse, ApiError> {
    let id = request.handler_id.clone();
    let found = state
        .db
        .run(move |connection| {
            Ok(connection
                .query_row(
                    "SELECT kdf_salt, kdf_iterations FROM handlers WHERE id = ?1 AND disabled_at IS NULL",
                    [&id],
                    |row| Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, u32>(1)?)),
                )
                .optional()?)
        })
        .await?;
    Ok(match found {
        Some((kdf_salt, kdf_iterations)) => PreloginResponse { kdf_salt, kdf_iterations },
        None => PreloginResponse {
            kdf_salt: state.keys.derive_reader_fake_salt(&request.handler_id),
            kdf_iterations: READER_MIN_KDF_ITERATIONS,
        },
    })
}

/// The back-off bucket of a login: the device token's, if it is one this
/// account was given, else the strangers'.
fn bucket(connection: &Connection, handler_id: &str, device_token: Option<&str>) -> Result<String, ApiError> {
    let Some(token) = device_token else { return Ok(STRANGERS.to_owned()) };
    let hash = token_hash(token);
    let known: bool = connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM reader_devices WHERE token_hash = ?1 AND handler_id = ?2)",
        params![hash, handler_id],
        |row| row.get(0),
    )?;
    Ok(if known { hex::encode(hash) } else { STRANGERS.to_owned() })
}

fn rate_limited(wait: i64) -> ApiError {
    ApiError::Refused(HubError {
        code: HubErrorCode::RateLimited,
        attempts_left: None,
        retry_after_secs: Some(u32::try_from(wait).unwrap_or(u32::MAX)),
    })
}

fn record_failure(connection: &Connection, handler_id: &str, bucket: &str, now: i64) -> Result<(), ApiError> {
    let failures: i64 = connection
        .query_row(
            "SELECT failures FROM reader_login_backoff WHERE handler_id = ?1 AND bucket = ?2",
            params![handler_id, bucket],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or(0)
        + 1;
    let wait = 1i64.checked_shl(u32::try_from(failures - 1).unwrap_or(31).min(30)).unwrap_or(MAX_BACKOFF_SECS);
    connection.execute(
        "INSERT INTO reader_login_backoff (handler_id, bucket, failures, next_allowed_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (handler_id, bucket) DO UPDATE \
           SET failures = excluded.failures, next_allowed_at = excluded.next_allowed_at",
        params![handler_id, bucket, failures, now + wait.min(MAX_BACKOFF_SECS)],
    )?;
    Ok(())
}

/// `POST /handler/v1/login`: checks `login_key`; answers a session, a device
/// token and the wrapped private key (which only the client can open).
pub(crate) async fn login(state: &AppState, request: HandlerLoginRequest) -> Result<HandlerLoginResponse, ApiError> {
    if request.login_key.len() != LOGIN_KEY_LEN || request.handler_id.len() > 64 {
        return Err(ApiError::bad_request());
    }
    let id = request.handler_id.clone();
    let device = request.device_token.clone();
    let (bucket, stored) = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let bucket = bucket(&tx, &id, device.as_deref())?;
            let next: Option<i64> = tx
                .query_row(
                    "SELECT next_allowed_at FROM reader_login_backoff WHERE handler_id = ?1 AND bucket = ?2",
                    params![id, bucket],
                    |row| row.get(0),
                )
                .optional()?;
            let now = unix_now();
            if let Some(next) = next.filter(|next| *next > now) {
                return Err(rate_limited(next - now));
            }
            // Counted as a failure before the key is checked, so guesses sent
            // in parallel cannot all slip through one back-off window; a
            // right key clears the count below.
            record_failure(&tx, &id, &bucket, now)?;
            let stored: Option<String> = tx
                .query_row("SELECT login_verifier FROM handlers WHERE id = ?1 AND disabled_at IS NULL", [&id], |row| {
                    row.get(0)
                })
                .optional()?;
            tx.commit()?;
            Ok((bucket, stored))
        })
        .await?;
    let known = stored.is_some();
    let verifier = stored.unwrap_or_else(|| state.staff.dummy_hash.clone());
    let passed = verify_login_key(verifier, &request.login_key).await? && known;
    let shared = state.clone();
    let id = request.handler_id;
    let device = request.device_token;
    let outcome = state
        .db
        .run(move |connection| {
            let now = unix_now();
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if !passed {
                // Already counted before the check.
                return Ok(None);
            }
            tx.execute("DELETE FROM reader_login_backoff WHERE handler_id = ?1 AND bucket = ?2", params![id, bucket])?;
            let device_token = match device.clone().filter(|_| bucket != STRANGERS) {
                Some(token) => token,
                None => {
                    let token = workervoice_protocol::b64::encode(&shared.keys.random::<32>()?);
                    tx.execute(
                        "INSERT INTO reader_devices (token_hash, handler_id, created_at) VALUES (?1, ?2, ?3)",
                        params![token_hash(&token), id, now],
                    )?;
                    token
                }
            };
            let account = load_summary(&tx, &id)?.ok_or_else(ApiError::unauthorized)?;
            let wrapped: Vec<u8> =
                tx.query_row("SELECT wrapped_private_key FROM handlers WHERE id = ?1", [&id], |row| row.get(0))?;
            let (session_token, expires_at) =
                sessions::open(&tx, &shared.keys, &id, now, shared.staff.session_absolute_secs)?;
            tx.commit()?;
            Ok(Some(HandlerLoginResponse {
                session_token,
                expires_at,
                device_token,
                account,
                wrapped_private_key: wrapped,
            }))
        })
        .await?;
    let response = outcome.ok_or_else(ApiError::unauthorized)?;
    tracing::info!(route = response.account.route.as_str(), "reader logged in");
    Ok(response)
}

/// `POST /handler/v1/password`: checks the old `login_key` (a wrong one
/// counts in the strangers' bucket), stores the client's new salt, verifier
/// and wrapped key, and ends the account's other sessions.
pub(crate) async fn change_password(
    state: &AppState,
    session: HandlerSession,
    request: ReaderPasswordChangeRequest,
) -> Result<(), ApiError> {
    check_kdf(&request.kdf_salt, request.kdf_iterations)?;
    if !plausible_wrapped_key(&request.wrapped_private_key) || request.old_login_key.len() != LOGIN_KEY_LEN {
        return Err(ApiError::bad_request());
    }
    let id = session.identity.handler_id.clone();
    let stored: String = state
        .db
        .run(move |connection| {
            Ok(connection.query_row("SELECT login_verifier FROM handlers WHERE id = ?1", [&id], |row| row.get(0))?)
        })
        .await?;
    let old_ok = verify_login_key(stored, &request.old_login_key).await?;
    let id = session.identity.handler_id.clone();
    if !old_ok {
        state.db.run(move |connection| record_failure(connection, &id, STRANGERS, unix_now())).await?;
        return Err(ApiError::unauthorized());
    }
    let verifier = hash_login_key(state, request.new_login_key).await?;
    let token = session.token.clone();
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "UPDATE handlers SET wrapped_private_key = ?1, kdf_salt = ?2, kdf_iterations = ?3, login_verifier = ?4 \
                  WHERE id = ?5",
                params![request.wrapped_private_key, request.kdf_salt, request.kdf_iterations, verifier, id],
            )?;
            sessions::revoke_others(&tx, &id, &token, unix_now())?;
            audit::append(&tx, &ActorId::Reader(id.clone()), "password_changed", "handler", &id)?;
            tx.commit()?;
            Ok(())
        })
        .await
}

/// Every reader account, oldest first.
pub(crate) async fn handlers(state: &AppState) -> Result<Vec<HandlerSummary>, ApiError> {
    state
        .db
        .read(|connection| {
            let mut statement = connection.prepare(&format!(
                "SELECT {SUMMARY_COLUMNS} FROM handlers WHERE disabled_at IS NULL ORDER BY created_at, rowid"
            ))?;
            let rows = statement.query_map([], summary_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
}

/// `POST /admin/v1/handlers/{id}/disable`: the account can no longer sign
/// in, its sessions end, and the next directory leaves it out.
pub(crate) async fn disable(state: &AppState, actor: ActorId, handler_id: String) -> Result<HandlerSummary, ApiError> {
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let summary = load_summary(&tx, &handler_id)?.ok_or_else(ApiError::not_found)?;
            let now = unix_now();
            tx.execute("UPDATE handlers SET disabled_at = ?1 WHERE id = ?2", params![now, handler_id])?;
            sessions::revoke_all(&tx, &handler_id, now)?;
            audit::append(&tx, &actor, "reader_disabled", "handler", &handler_id)?;
            tx.commit()?;
            Ok(summary)
        })
        .await
}
