//! Reader sessions, in the database with the staff sessions (`sessions`,
//! `account_kind = 'reader'`), so they survive a restart: a random 32-byte
//! bearer token goes to the client once and only its SHA-256 is stored. A
//! session holds no key: the reader's private key lives only in the
//! reader's client. A session ends at its absolute expiry, after an idle
//! spell, at logout, at a password change (the others), or when the account
//! is disabled.

use crate::db::sql::{Connection, OptionalExtension, params};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use workervoice_protocol::directory::Route;

use crate::clock::unix_now;
use crate::directory::route_from_str;
use crate::error::ApiError;
use crate::keys::HubKeys;
use crate::staff::guard::bearer;
use crate::staff::sessions::token_hash;
use crate::state::AppState;

/// Who a session belongs to.
#[derive(Debug, Clone)]
pub(crate) struct HandlerIdentity {
    pub(crate) handler_id: String,
    pub(crate) route: Route,
    pub(crate) factory_id: Option<String>,
    pub(crate) brand_id: Option<String>,
    /// The reader's key id (as directories and survey documents name it).
    pub(crate) key_id: String,
    /// A survey analyst (reads survey answers, not cases).
    pub(crate) analyst: bool,
}

/// A new session for a reader; returns the token (shown once) and expiry.
pub(crate) fn open(
    connection: &Connection,
    keys: &HubKeys,
    handler_id: &str,
    now: i64,
    absolute_secs: i64,
) -> Result<(String, i64), ApiError> {
    let token = workervoice_protocol::b64::encode(&keys.random::<32>()?);
    let expires_at = now.saturating_add(absolute_secs);
    connection.execute(
        "INSERT INTO sessions (token_hash, account_id, account_kind, created_at, last_used_at, expires_at) \
         VALUES (?1, ?2, 'reader', ?3, ?3, ?4)",
        params![token_hash(&token), handler_id, now, expires_at],
    )?;
    Ok((token, expires_at))
}

/// Ends every session of a reader except the one with `keep`'s token.
pub(crate) fn revoke_others(connection: &Connection, handler_id: &str, keep: &str, now: i64) -> Result<(), ApiError> {
    connection.execute(
        "UPDATE sessions SET revoked_at = ?1 \
          WHERE account_kind = 'reader' AND account_id = ?2 AND revoked_at IS NULL AND token_hash != ?3",
        params![now, handler_id, token_hash(keep)],
    )?;
    Ok(())
}

/// Ends every session of a reader.
pub(crate) fn revoke_all(connection: &Connection, handler_id: &str, now: i64) -> Result<(), ApiError> {
    connection.execute(
        "UPDATE sessions SET revoked_at = ?1 WHERE account_kind = 'reader' AND account_id = ?2 AND revoked_at IS NULL",
        params![now, handler_id],
    )?;
    Ok(())
}

/// Ends one session (logout).
pub(crate) fn revoke(connection: &Connection, token: &str, now: i64) -> Result<(), ApiError> {
    connection.execute(
        "UPDATE sessions SET revoked_at = ?1 WHERE token_hash = ?2 AND account_kind = 'reader' AND revoked_at IS NULL",
        params![now, token_hash(token)],
    )?;
    Ok(())
}

/// Only reads (a reader connection will do): the reader behind a live
/// session, and whether its idle clock is due to be written
/// ([`crate::staff::sessions::touch_due`]).
fn authenticate(
    connection: &Connection,
    token: &str,
    now: i64,
    idle_secs: i64,
) -> Result<Option<(HandlerIdentity, bool)>, ApiError> {
    let hash = token_hash(token);
    let row = connection
        .query_row(
            "SELECT h.id, h.route, h.factory_id, h.brand_id, h.analyst, h.key_id, s.last_used_at FROM sessions s \
               JOIN handlers h ON h.id = s.account_id \
              WHERE s.token_hash = ?1 AND s.account_kind = 'reader' AND s.revoked_at IS NULL \
                AND s.expires_at > ?2 AND s.last_used_at + ?3 > ?2 AND h.disabled_at IS NULL",
            params![hash, now, idle_secs],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, bool>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, i64>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((handler_id, route, factory_id, brand_id, analyst, key_id, last_used_at)) = row else { return Ok(None) };
    let route = route_from_str(&route).ok_or_else(|| ApiError::internal("a reader row has an unknown route"))?;
    let due = crate::staff::sessions::touch_due(last_used_at, now, idle_secs);
    Ok(Some((HandlerIdentity { handler_id, route, factory_id, brand_id, key_id, analyst }, due)))
}

/// A request from a signed-in reader (`Authorization: Bearer <token>`).
pub(crate) struct HandlerSession {
    pub(crate) identity: HandlerIdentity,
    pub(crate) token: String,
}

impl FromRequestParts<AppState> for HandlerSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or_else(ApiError::unauthorized)?;
        let idle = state.staff.session_idle_secs;
        let presented = token.clone();
        let now = unix_now();
        let (identity, due) = state
            .db
            .read(move |connection| authenticate(connection, &presented, now, idle))
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if due {
            let touched = token.clone();
            state.db.run(move |connection| crate::staff::sessions::touch(connection, &touched, now)).await?;
        }
        Ok(Self { identity, token })
    }
}
