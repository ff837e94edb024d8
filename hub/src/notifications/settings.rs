//! A reader's notification address: `GET` and `POST
//! /handler/v1/notifications`. Survey analysts read no cases and have none.
//!
//! The hub keeps the address and the language the reader chose, with the
//! day it was last set; opting out deletes the row, the per-case marks and
//! any digest still waiting, in one transaction (ADR 0023).

use crate::db::sql::{Connection, OptionalExtension, TransactionBehavior, params};
use axum::Json;
use axum::extract::State;
use workervoice_protocol::handler::{NOTIFICATION_EMAIL_MAX_LEN, NotificationSettings, SetNotificationsRequest};

use super::mail;
use crate::case_handlers::sessions::HandlerSession;
use crate::clock::{DAY_SECS, coarse, unix_now};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

/// `GET /handler/v1/notifications`.
pub(crate) async fn get_settings(
    State(state): State<AppState>,
    session: HandlerSession,
) -> Result<Json<NotificationSettings>, ApiError> {
    let identity = session.identity;
    if identity.analyst {
        return Err(ApiError::unauthorized());
    }
    let handler_id = identity.handler_id;
    let stored = state.db.read(move |connection| load(connection, &handler_id)).await?;
    Ok(Json(answer(&state, stored)))
}

/// `POST /handler/v1/notifications`: opt in (or change the address or
/// language), or opt out with no address. On a hub without an SMTP server
/// an address is refused (`bad_request`): it would be kept for nothing.
pub(crate) async fn set_settings(
    State(state): State<AppState>,
    session: HandlerSession,
    JsonBody(request): JsonBody<SetNotificationsRequest>,
) -> Result<Json<NotificationSettings>, ApiError> {
    let identity = session.identity;
    if identity.analyst {
        return Err(ApiError::unauthorized());
    }
    let handler_id = identity.handler_id;
    let language = mail::supported_language(request.language.as_deref()).to_owned();
    let email = match request.email {
        Some(email) => {
            if state.notifications.is_none() {
                return Err(ApiError::bad_request());
            }
            Some(checked_address(&email).ok_or_else(ApiError::bad_request)?)
        }
        None => None,
    };
    let today = coarse(unix_now(), DAY_SECS);
    let stored = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            match &email {
                Some(email) => {
                    // A changed address keeps the marks: what the reader was
                    // told stays told.
                    tx.execute(
                        "INSERT INTO reader_notification_addresses (handler_id, email, language, updated_at) \
                         VALUES (?1, ?2, ?3, ?4) \
                         ON CONFLICT (handler_id) DO UPDATE SET email = excluded.email, \
                           language = excluded.language, updated_at = excluded.updated_at",
                        params![handler_id, email, language, today],
                    )?;
                }
                None => forget(&tx, &handler_id)?,
            }
            let stored = load(&tx, &handler_id)?;
            tx.commit()?;
            Ok(stored)
        })
        .await?;
    Ok(Json(answer(&state, stored)))
}

/// Deletes everything kept to notify a reader.
pub(crate) fn forget(connection: &Connection, handler_id: &str) -> Result<(), ApiError> {
    for table in ["reader_notification_pending", "reader_notification_marks", "reader_notification_addresses"] {
        connection.execute(&format!("DELETE FROM {table} WHERE handler_id = ?1"), [handler_id])?;
    }
    Ok(())
}

/// What is stored for a reader: address, language, failed attempts of the
/// waiting digest.
struct Stored {
    email: String,
    language: String,
    failed_attempts: u32,
}

fn load(connection: &Connection, handler_id: &str) -> Result<Option<Stored>, ApiError> {
    Ok(connection
        .query_row(
            "SELECT a.email, a.language, \
               COALESCE((SELECT p.attempts FROM reader_notification_pending p WHERE p.handler_id = a.handler_id), 0) \
             FROM reader_notification_addresses a WHERE a.handler_id = ?1",
            [handler_id],
            |row| Ok(Stored { email: row.get(0)?, language: row.get(1)?, failed_attempts: row.get(2)? }),
        )
        .optional()?)
}

fn answer(state: &AppState, stored: Option<Stored>) -> NotificationSettings {
    let (email, language, failed_attempts) = match stored {
        Some(stored) => (Some(stored.email), Some(stored.language), stored.failed_attempts),
        None => (None, None, 0),
    };
    NotificationSettings {
        available: state.notifications.is_some(),
        email,
        language,
        digest_minutes: state.notifications.as_ref().map_or(0, |settings| settings.digest_minutes()),
        failed_attempts,
    }
}

/// The address trimmed, if it is one a message can be sent to: one
/// mailbox (`name@domain`), no display name, no control characters, at
/// most [`NOTIFICATION_EMAIL_MAX_LEN`] bytes.
fn checked_address(email: &str) -> Option<String> {
    let email = email.trim();
    if email.is_empty() || email.len() > NOTIFICATION_EMAIL_MAX_LEN || email.chars().any(char::is_control) {
        return None;
    }
    email.parse::<lettre::Address>().ok().map(|address| address.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_one_plain_mailbox() {
        assert_eq!(checked_address("  ana@example.org "), Some("ana@example.org".into()));
        for bad in
            ["", "ana", "ana@", "@example.org", "Ana <ana@example.org>", "ana@example.org\r\nBcc: x@y.z", "a b@c.d"]
        {
            assert_eq!(checked_address(bad), None, "{bad:?}");
        }
        let long = format!("{}@example.org", "a".repeat(NOTIFICATION_EMAIL_MAX_LEN));
        assert_eq!(checked_address(&long), None);
    }
}
