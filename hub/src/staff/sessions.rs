//! Staff sessions, kept in the database so they survive a restart: a random
//! 32-byte token goes to the client once; only its SHA-256 is stored. A
//! session ends at its absolute expiry (12 hours after sign-in), after an
//! idle spell (30 minutes without a request), at logout, when an admin
//! revokes the account's sessions, when the password changes, or when the
//! account is disabled.

use crate::db::sql::{Connection, OptionalExtension, params};
use ring::digest::{SHA256, digest};
use workervoice_protocol::staff::StaffRole;

use super::roles::Scope;
use crate::error::ApiError;
use crate::keys::HubKeys;

/// Who a valid session belongs to, as a request sees them.
#[derive(Debug, Clone)]
pub(crate) struct Principal {
    /// The staff account's id.
    pub(crate) account_id: String,
    /// Its role.
    pub(crate) role: StaffRole,
    /// Its factories (factory admin) or its brand's suppliers (brand staff).
    pub(crate) scope: Scope,
}

/// SHA-256 of a bearer token: what the database keeps.
pub(crate) fn token_hash(token: &str) -> Vec<u8> {
    digest(&SHA256, token.as_bytes()).as_ref().to_vec()
}

/// A new session for `account_id`; returns the token (shown once) and the
/// absolute expiry.
pub(crate) fn open(
    connection: &Connection,
    keys: &HubKeys,
    account_id: &str,
    now: i64,
    absolute_secs: i64,
) -> Result<(String, i64), ApiError> {
    let token = workervoice_protocol::b64::encode(&keys.random::<32>()?);
    let expires_at = now.saturating_add(absolute_secs);
    connection.execute(
        "INSERT INTO sessions (token_hash, account_id, account_kind, created_at, last_used_at, expires_at) \
         VALUES (?1, ?2, 'staff', ?3, ?3, ?4)",
        params![token_hash(&token), account_id, now, expires_at],
    )?;
    Ok((token, expires_at))
}

/// The principal of a live staff session, touching its idle clock; `None`
/// for an unknown, ended, idle or revoked session or a disabled account.
/// Needs the writer; requests use [`check`] on a reader and [`touch`].
pub(crate) fn authenticate(
    connection: &Connection,
    token: &str,
    now: i64,
    idle_secs: i64,
) -> Result<Option<Principal>, ApiError> {
    let Some((principal, _)) = check(connection, token, now, idle_secs)? else { return Ok(None) };
    touch(connection, token, now)?;
    Ok(Some(principal))
}

/// Like [`authenticate`], but only reads (a reader connection will do):
/// the principal, and whether the session's idle clock is due to be
/// written ([`touch_due`]).
pub(crate) fn check(
    connection: &Connection,
    token: &str,
    now: i64,
    idle_secs: i64,
) -> Result<Option<(Principal, bool)>, ApiError> {
    let hash = token_hash(token);
    let row = connection
        .query_row(
            "SELECT s.account_id, a.role, a.brand_id, s.last_used_at \
               FROM sessions s JOIN staff_accounts a ON a.id = s.account_id \
              WHERE s.token_hash = ?1 AND s.account_kind = 'staff' AND s.revoked_at IS NULL \
                AND s.expires_at > ?2 AND s.last_used_at + ?3 > ?2 AND a.disabled_at IS NULL",
            params![hash, now, idle_secs],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((account_id, role, brand_id, last_used_at)) = row else { return Ok(None) };
    let role = StaffRole::parse(&role).ok_or_else(|| ApiError::internal("a stored staff role is unknown"))?;
    let scope = scope_of(connection, &account_id, role, brand_id.as_deref())?;
    Ok(Some((Principal { account_id, role, scope }, touch_due(last_used_at, now, idle_secs))))
}

/// Whether a session last written as used at `last_used_at` should be
/// written again now. Writing it on every request would send every staff
/// and reader request to the one writer; writing it at most every tenth of
/// the idle time (at most a minute) keeps reads on readers. The stored time
/// then lags the real last use by less than that, so an idle session ends
/// up to that much early, never late.
pub(crate) fn touch_due(last_used_at: i64, now: i64, idle_secs: i64) -> bool {
    now.saturating_sub(last_used_at) > (idle_secs / 10).clamp(0, 60)
}

/// Writes a session's idle clock (staff and reader sessions alike).
pub(crate) fn touch(connection: &Connection, token: &str, now: i64) -> Result<(), ApiError> {
    connection.execute(
        "UPDATE sessions SET last_used_at = ?1 WHERE token_hash = ?2 AND last_used_at < ?1",
        params![now, token_hash(token)],
    )?;
    Ok(())
}

/// Reads a staff session on a reader and, when due, writes its idle clock
/// on the writer: what every staff request does first.
pub(crate) async fn authenticate_request(
    state: &crate::state::AppState,
    token: String,
    now: i64,
) -> Result<Option<Principal>, ApiError> {
    let idle = state.staff.session_idle_secs;
    let lookup = token.clone();
    let Some((principal, due)) = state.db.read(move |connection| check(connection, &lookup, now, idle)).await? else {
        return Ok(None);
    };
    if due {
        state.db.run(move |connection| touch(connection, &token, now)).await?;
    }
    Ok(Some(principal))
}

/// The factories an account's role is limited to.
pub(crate) fn scope_of(
    connection: &Connection,
    account_id: &str,
    role: StaffRole,
    brand_id: Option<&str>,
) -> Result<Scope, ApiError> {
    let factory_ids = match role {
        StaffRole::FactoryAdmin => {
            let mut statement =
                connection.prepare("SELECT factory_id FROM staff_scopes WHERE account_id = ?1 ORDER BY factory_id")?;
            statement.query_map([account_id], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?
        }
        StaffRole::BrandStaff => {
            let mut statement =
                connection.prepare("SELECT factory_id FROM brand_factories WHERE brand_id = ?1 ORDER BY factory_id")?;
            statement
                .query_map([brand_id.unwrap_or_default()], |row| row.get(0))?
                .collect::<Result<Vec<String>, _>>()?
        }
        StaffRole::ProgrammeAdmin | StaffRole::Auditor => Vec::new(),
    };
    Ok(Scope { factory_ids })
}

/// Ends one session (logout). Ending an ended session changes nothing.
pub(crate) fn revoke(connection: &Connection, token: &str, now: i64) -> Result<(), ApiError> {
    connection.execute(
        "UPDATE sessions SET revoked_at = ?1 WHERE token_hash = ?2 AND revoked_at IS NULL",
        params![now, token_hash(token)],
    )?;
    Ok(())
}

/// Ends every session of an account, except `keep` (the caller's own, on a
/// password change). Returns how many ended.
pub(crate) fn revoke_all(
    connection: &Connection,
    account_id: &str,
    keep: Option<&str>,
    now: i64,
) -> Result<usize, ApiError> {
    let keep = keep.map(token_hash).unwrap_or_default();
    Ok(connection.execute(
        "UPDATE sessions SET revoked_at = ?1 \
          WHERE account_kind = 'staff' AND account_id = ?2 AND revoked_at IS NULL AND token_hash != ?3",
        params![now, account_id, keep],
    )?)
}

/// Deletes sessions (staff and reader) that ended more than a day ago (they can never be used
/// again; keeping them only grows the file).
pub(crate) fn purge_ended(connection: &Connection, now: i64, idle_secs: i64) -> Result<usize, ApiError> {
    Ok(connection.execute(
        "DELETE FROM sessions WHERE (expires_at < ?1 OR revoked_at < ?1 OR last_used_at + ?2 < ?1)",
        params![now - 86_400, idle_secs],
    )?)
}
