//! Handler accounts: created by staff, each with its own X25519 key pair
//! (the public half goes into directories), and logged into with a password.
//!
//! Wrong passwords count like worker PINs: after the hub's limit
//! ([`HubConfig::max_pin_attempts`](crate::HubConfig::max_pin_attempts),
//! 10 by default) the account is locked (`pin_locked`) until staff unlock it.
//! A wrong password, or an unknown handler id, is `unauthorized`. An attempt
//! is counted *before* the password is checked, so parallel guesses cannot
//! overshoot the limit.

use rusqlite::{Connection, OptionalExtension, params};
use workervoice_protocol::directory::Route;
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::handler::{CreateHandlerRequest, HandlerLoginRequest, HandlerLoginResponse, HandlerSummary};

use super::key_pair::{
    MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS, PASSWORD_ITERATIONS, SALT_LEN, generate_key_pair, unwrap_private_key,
    wrap_private_key,
};
use super::sessions::HandlerIdentity;
use crate::admin::factories::ensure_factory_exists;
use crate::clock::unix_now;
use crate::directory::route_from_str;
use crate::error::ApiError;
use crate::state::AppState;
use crate::workers::checked_display_name;

const SUMMARY_COLUMNS: &str = "id, name, route, factory_id, public_key, locked, analyst";

fn summary_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<HandlerSummary> {
    let route: String = row.get(2)?;
    Ok(HandlerSummary {
        handler_id: row.get(0)?,
        name: row.get(1)?,
        route: route_from_str(&route)
            .ok_or_else(|| rusqlite::Error::InvalidColumnType(2, "route".into(), rusqlite::types::Type::Text))?,
        factory_id: row.get(3)?,
        public_key: row.get(4)?,
        locked: row.get(5)?,
        analyst: row.get(6)?,
    })
}

fn load_summary(connection: &Connection, handler_id: &str) -> Result<Option<HandlerSummary>, ApiError> {
    Ok(connection
        .query_row(&format!("SELECT {SUMMARY_COLUMNS} FROM handlers WHERE id = ?1"), [handler_id], summary_from_row)
        .optional()?)
}

/// Whether a password is long enough (and not absurdly long).
fn acceptable_password(password: &str) -> bool {
    password.chars().count() >= MIN_PASSWORD_CHARS && password.len() <= MAX_PASSWORD_BYTES
}

/// Creates a handler with a fresh key pair.
pub(crate) async fn create_handler(
    state: &AppState,
    request: CreateHandlerRequest,
) -> Result<HandlerSummary, ApiError> {
    let name = checked_display_name(&request.name)?;
    if !acceptable_password(&request.password) {
        return Err(ApiError::bad_request());
    }
    if request.analyst && (request.route != Route::IndependentHotline || request.factory_id.is_some()) {
        return Err(ApiError::bad_request());
    }
    let factory_id = match (request.route, request.factory_id) {
        (Route::FactoryCommittee, Some(factory_id)) => Some(factory_id),
        (Route::FactoryCommittee, None) | (Route::IndependentHotline | Route::Brand, Some(_)) => {
            return Err(ApiError::bad_request());
        }
        (Route::IndependentHotline | Route::Brand, None) => None,
    };
    if let Some(factory_id) = factory_id.clone() {
        state.db.run(move |connection| ensure_factory_exists(connection, &factory_id)).await?;
    }

    let handler_id = uuid::Uuid::new_v4().to_string();
    let salt: [u8; SALT_LEN] = state.keys.random()?;
    let shared = state.clone();
    let id = handler_id.clone();
    let password = zeroize::Zeroizing::new(request.password);
    let (public_key, wrapped) = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let (private, public) = generate_key_pair(&shared.keys)?;
        let wrapped = wrap_private_key(&shared.keys, &id, &password, &salt, PASSWORD_ITERATIONS, &private)?;
        Ok((public, wrapped))
    })
    .await
    .map_err(|error| ApiError::internal(format!("key generation task failed: {error}")))??;

    let summary = HandlerSummary {
        handler_id,
        name,
        route: request.route,
        factory_id,
        public_key,
        locked: false,
        analyst: request.analyst,
    };
    let stored = summary.clone();
    state
        .db
        .run(move |connection| {
            connection.execute(
                "INSERT INTO handlers (id, name, route, factory_id, public_key, kdf_salt, kdf_iterations, \
                     wrapped_private_key, created_at, analyst) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    stored.handler_id,
                    stored.name,
                    stored.route.as_str(),
                    stored.factory_id,
                    stored.public_key,
                    salt.as_slice(),
                    PASSWORD_ITERATIONS,
                    wrapped,
                    unix_now(),
                    stored.analyst
                ],
            )?;
            Ok(())
        })
        .await?;
    tracing::info!(route = summary.route.as_str(), "handler created");
    Ok(summary)
}

/// Every handler, oldest first.
pub(crate) async fn handlers(state: &AppState) -> Result<Vec<HandlerSummary>, ApiError> {
    state
        .db
        .run(|connection| {
            let mut statement =
                connection.prepare(&format!("SELECT {SUMMARY_COLUMNS} FROM handlers ORDER BY created_at, rowid"))?;
            let rows = statement.query_map([], summary_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
}

/// Clears a handler's wrong-password count and lock.
pub(crate) async fn unlock_handler(state: &AppState, handler_id: String) -> Result<HandlerSummary, ApiError> {
    state
        .db
        .run(move |connection| {
            let changed =
                connection.execute("UPDATE handlers SET failed_logins = 0, locked = 0 WHERE id = ?1", [&handler_id])?;
            if changed == 0 {
                return Err(ApiError::not_found());
            }
            load_summary(connection, &handler_id)?.ok_or_else(ApiError::not_found)
        })
        .await
}

/// What a login needs of the handler's row.
struct LoginRow {
    route: String,
    factory_id: Option<String>,
    kdf_salt: Vec<u8>,
    kdf_iterations: u32,
    wrapped_private_key: Vec<u8>,
    analyst: bool,
}

/// Checks the password; on success starts a session holding the unwrapped key.
pub(crate) async fn login(state: &AppState, request: HandlerLoginRequest) -> Result<HandlerLoginResponse, ApiError> {
    if request.password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::bad_request());
    }
    let max_attempts = state.max_pin_attempts;
    let handler_id = request.handler_id;
    let id = handler_id.clone();
    let row = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let found = tx
                .query_row(
                    "SELECT route, factory_id, kdf_salt, kdf_iterations, wrapped_private_key, failed_logins, locked, \
                     analyst \
                     FROM handlers WHERE id = ?1",
                    [&id],
                    |row| {
                        Ok((
                            LoginRow {
                                route: row.get(0)?,
                                factory_id: row.get(1)?,
                                kdf_salt: row.get(2)?,
                                kdf_iterations: row.get(3)?,
                                wrapped_private_key: row.get(4)?,
                                analyst: row.get(7)?,
                            },
                            row.get::<_, u32>(5)?,
                            row.get::<_, bool>(6)?,
                        ))
                    },
                )
                .optional()?;
            let Some((row, failed, locked)) = found else {
                return Err(ApiError::unauthorized());
            };
            if locked || failed >= max_attempts {
                return Err(ApiError::code(HubErrorCode::PinLocked));
            }
            tx.execute("UPDATE handlers SET failed_logins = failed_logins + 1 WHERE id = ?1", [&id])?;
            tx.commit()?;
            Ok(row)
        })
        .await?;

    let shared = state.clone();
    let id = handler_id.clone();
    let password = zeroize::Zeroizing::new(request.password);
    let salt = row.kdf_salt.clone();
    let wrapped = row.wrapped_private_key.clone();
    let iterations = row.kdf_iterations;
    let unwrapped = tokio::task::spawn_blocking(move || {
        unwrap_private_key(&shared.keys, &id, &password, &salt, iterations, &wrapped)
    })
    .await
    .map_err(|error| ApiError::internal(format!("password check task failed: {error}")))??;

    let id = handler_id.clone();
    let passed = unwrapped.is_some();
    state
        .db
        .run(move |connection| {
            if passed {
                let reset =
                    connection.execute("UPDATE handlers SET failed_logins = 0 WHERE id = ?1 AND locked = 0", [&id])?;
                return if reset == 1 { Ok(()) } else { Err(ApiError::code(HubErrorCode::PinLocked)) };
            }
            connection.execute(
                "UPDATE handlers SET locked = 1 WHERE id = ?1 AND failed_logins >= ?2",
                params![id, max_attempts],
            )?;
            let locked: bool =
                connection.query_row("SELECT locked FROM handlers WHERE id = ?1", [&id], |row| row.get(0))?;
            Err(if locked { ApiError::code(HubErrorCode::PinLocked) } else { ApiError::unauthorized() })
        })
        .await?;
    let Some(private_key) = unwrapped else {
        return Err(ApiError::unauthorized());
    };
    let route = route_from_str(&row.route).ok_or_else(|| ApiError::internal("a handler row has an unknown route"))?;
    let identity = HandlerIdentity { handler_id, route, factory_id: row.factory_id, analyst: row.analyst };
    let (session_token, expires_at) = state.sessions.start(identity, private_key, state.keys.random()?, unix_now());
    tracing::info!(route = route.as_str(), "handler logged in");
    Ok(HandlerLoginResponse { session_token, expires_at })
}
