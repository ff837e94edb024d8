//! What a signed-in reader's client does with cases (the list is
//! [`super::inbox`]'s): fetch one
//! sealed, set its status, post a reply or a note it sealed, read the audit
//! log, fetch an attachment's ciphertext. The hub opens nothing: it serves
//! the payload as the device sealed it with *this* reader's HPKE share of
//! the content key, and stores what the client sealed (ADR 0015).
//!
//! Access: a reader sees a case only if its route is one the worker allowed
//! and the case has reached (the current route or an earlier one); a
//! committee reader only at its own factory; a brand reader only for a
//! factory that supplies its brand; and only if the device wrapped the
//! content key to this reader. Anything else is `not_found`, so the answer
//! does not reveal that the case exists. The list shows the cases on the
//! reader's route now. After an escalation the earlier route is handed the
//! events up to the hand-over only (`case_handovers`), and only the current
//! route may set the status, reply or add notes (`unauthorized` otherwise).

use crate::db::sql::{Connection, OptionalExtension, TransactionBehavior, params};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use workervoice_protocol::auth;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{Author, CaseEvent, CaseStatus};
use workervoice_protocol::handler::{
    AuditEntry, HandlerReplyRequest, NoteRequest, RouteReader, SealedCase, SealedNote, SetStatusRequest,
};

use super::sessions::{HandlerIdentity, HandlerSession};
use crate::cases::attachments::{complete_attachment_size, read_complete_attachment};
use crate::cases::{
    CaseRow, NewReply, append_audit, append_event, audit_entries, canonical_case_id, events_after, last_status_event,
    load_case, reply_event, status_str,
};
use crate::clock::unix_now;
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams};
use crate::state::AppState;

/// Largest sealed reply or note, in bytes.
const MAX_SEALED_TEXT_BYTES: usize = 16 * 1024 + workervoice_protocol::envelope::OVERHEAD;
/// Most readers a note may be sealed to.
const MAX_NOTE_RECIPIENTS: usize = 64;

/// A case this reader may fetch, with its share of the content key.
pub(super) struct Access {
    pub(super) case: CaseRow,
    enc: Vec<u8>,
    wrapped_key: Vec<u8>,
    /// Whether the reader's route is the case's current one.
    pub(super) current: bool,
    /// For an earlier route: the last event it may see.
    last_seq: Option<u64>,
}

pub(super) fn actor(identity: &HandlerIdentity) -> String {
    format!("handler:{}", identity.handler_id)
}

/// Whether `factory_id` supplies `brand_id`.
pub(crate) fn brand_supplies(connection: &Connection, brand_id: &str, factory_id: &str) -> Result<bool, ApiError> {
    Ok(connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM brand_factories WHERE brand_id = ?1 AND factory_id = ?2)",
        params![brand_id, factory_id],
        |row| row.get(0),
    )?)
}

/// Whether this reader's route covers cases from `factory_id`.
pub(crate) fn covers_factory(
    connection: &Connection,
    identity: &HandlerIdentity,
    factory_id: &str,
) -> Result<bool, ApiError> {
    Ok(match identity.route {
        Route::FactoryCommittee => identity.factory_id.as_deref() == Some(factory_id),
        Route::Brand => match &identity.brand_id {
            Some(brand_id) => brand_supplies(connection, brand_id, factory_id)?,
            None => false,
        },
        Route::IndependentHotline => true,
    })
}

/// Finds a case the reader may fetch, or `not_found`.
pub(super) fn load_access(
    connection: &Connection,
    typed_case_id: &str,
    identity: &HandlerIdentity,
) -> Result<Access, ApiError> {
    // Survey analysts read survey answers, never cases.
    if identity.analyst {
        return Err(ApiError::not_found());
    }
    let case_id = canonical_case_id(typed_case_id).ok_or_else(ApiError::not_found)?;
    let case = load_case(connection, &case_id)?.ok_or_else(ApiError::not_found)?;
    if !covers_factory(connection, identity, &case.factory_id)? {
        return Err(ApiError::not_found());
    }
    let position = case.routes.iter().position(|route| *route == identity.route).ok_or_else(ApiError::not_found)?;
    if position > case.route_index {
        return Err(ApiError::not_found());
    }
    let (enc, wrapped_key) = connection
        .query_row(
            "SELECT enc, wrapped_key FROM case_keys WHERE case_id = ?1 AND handler_id = ?2",
            params![case.case_id, identity.handler_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?
        .ok_or_else(ApiError::not_found)?;
    let current = position == case.route_index;
    let last_seq = if current {
        None
    } else {
        let seq: Option<i64> = connection
            .query_row(
                "SELECT last_seq FROM case_handovers WHERE case_id = ?1 AND route = ?2",
                params![case.case_id, identity.route.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        // A case that left the route before hand-overs were recorded: the
        // route sees nothing after the first event (its submission).
        Some(seq.map_or(1, |seq| u64::try_from(seq).unwrap_or(0)))
    };
    Ok(Access { current, case, enc, wrapped_key, last_seq })
}

pub(super) fn no_store<T: IntoResponse>(body: T) -> Response {
    ([(CACHE_CONTROL, HeaderValue::from_static("no-store"))], body).into_response()
}

fn notes_for(connection: &Connection, case_id: &str, handler_id: &str) -> Result<Vec<SealedNote>, ApiError> {
    let mut statement = connection.prepare(
        "SELECT n.note_id, n.author, n.at, k.enc, k.wrapped_key, n.sealed FROM case_notes n \
           JOIN case_note_keys k ON k.case_id = n.case_id AND k.note_id = n.note_id \
          WHERE n.case_id = ?1 AND k.handler_id = ?2 ORDER BY n.at, n.note_id",
    )?;
    let notes = statement
        .query_map(params![case_id, handler_id], |row| {
            Ok(SealedNote {
                note_id: row.get(0)?,
                author: row.get(1)?,
                at: row.get(2)?,
                enc: row.get(3)?,
                wrapped_key: row.get(4)?,
                sealed: row.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(notes)
}

/// `GET /handler/v1/cases/{case_id}`: the case sealed, with this reader's
/// share of the content key, for the client to open.
pub(super) async fn view_case(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(case_id): PathParams<String>,
) -> Result<Response, ApiError> {
    let identity = session.identity;
    let retention = state.retention;
    let sealed = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let access = load_access(&tx, &case_id, &identity)?;
            let case_id = access.case.case_id.clone();
            let payload: Vec<u8> =
                tx.query_row("SELECT payload FROM cases WHERE case_id = ?1", [&case_id], |row| row.get(0))?;
            let mut events = events_after(&tx, &case_id, 0)?;
            if let Some(last) = access.last_seq {
                events.retain(|event| event.seq <= last);
            }
            let notes = notes_for(&tx, &case_id, &identity.handler_id)?;
            append_audit(&tx, &case_id, unix_now(), &actor(&identity), "fetched")?;
            // After the fetch's own audit entry, which is activity too.
            let last_activity: i64 = tx.query_row(
                &format!("SELECT {} FROM cases c WHERE c.case_id = ?1", crate::retention::LAST_ACTIVITY),
                [&case_id],
                |row| row.get(0),
            )?;
            let expires_on = super::inbox::expires_on(&retention, &access.case, last_activity);
            tx.commit()?;
            Ok(SealedCase {
                expires_on,
                summary: access.case.summary(unix_now()),
                client_id: access.case.client_id,
                payload,
                enc: access.enc,
                wrapped_key: access.wrapped_key,
                events,
                notes,
            })
        })
        .await?;
    Ok(no_store(Json(sealed)))
}

/// `POST /handler/v1/cases/{case_id}/status`: acknowledged, investigating,
/// resolved or closed (`received` and `escalated` are the hub's). Setting
/// the status a case already has returns its last status event unchanged.
pub(super) async fn set_status(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(case_id): PathParams<String>,
    JsonBody(request): JsonBody<SetStatusRequest>,
) -> Result<Json<CaseEvent>, ApiError> {
    let status = request.status;
    if !matches!(
        status,
        CaseStatus::Acknowledged | CaseStatus::Investigating | CaseStatus::Resolved | CaseStatus::Closed
    ) {
        return Err(ApiError::bad_request());
    }
    let identity = session.identity;
    let event = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let access = load_access(&tx, &case_id, &identity)?;
            if !access.current {
                return Err(ApiError::unauthorized());
            }
            let case_id = access.case.case_id;
            if access.case.status == status
                && let Some(event) = last_status_event(&tx, &case_id)?
            {
                return Ok(event);
            }
            let now = unix_now();
            tx.execute(
                "UPDATE cases SET status = ?1, escalation_exhausted = 0 WHERE case_id = ?2",
                params![status_str(status), case_id],
            )?;
            let event = append_event(&tx, &case_id, now, Some(status), None)?;
            append_audit(&tx, &case_id, now, &actor(&identity), &format!("status:{}", status_str(status)))?;
            tx.commit()?;
            Ok(event)
        })
        .await?;
    Ok(Json(event))
}

fn checked_id(id: &str) -> Result<(), ApiError> {
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(ApiError::bad_request());
    }
    Ok(())
}

/// `POST /handler/v1/cases/{case_id}/replies`: stores a reply the client
/// sealed under the case's reply key, as an event the worker syncs. The
/// same reply id again returns the event already stored.
pub(super) async fn reply(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(case_id): PathParams<String>,
    JsonBody(request): JsonBody<HandlerReplyRequest>,
) -> Result<Json<CaseEvent>, ApiError> {
    checked_id(&request.reply_id)?;
    if request.reply.len() <= workervoice_protocol::envelope::OVERHEAD || request.reply.len() > MAX_SEALED_TEXT_BYTES {
        return Err(ApiError::bad_request());
    }
    let identity = session.identity;
    let event = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let access = load_access(&tx, &case_id, &identity)?;
            if !access.current {
                return Err(ApiError::unauthorized());
            }
            let case_id = access.case.case_id;
            if let Some(event) = reply_event(&tx, &case_id, &request.reply_id)? {
                return Ok(event);
            }
            let now = unix_now();
            let reply = NewReply { author: Author::Handler, reply_id: &request.reply_id, sealed: &request.reply };
            let event = append_event(&tx, &case_id, now, None, Some(reply))?;
            append_audit(&tx, &case_id, now, &actor(&identity), "reply")?;
            tx.commit()?;
            Ok(event)
        })
        .await?;
    Ok(Json(event))
}

/// The readers of `identity`'s route for `factory_id` (not analysts, not disabled).
pub(super) fn route_readers(
    connection: &Connection,
    identity: &HandlerIdentity,
    factory_id: &str,
) -> Result<Vec<(String, RouteReader)>, ApiError> {
    let mut statement = connection.prepare(
        "SELECT id, key_id, public_key, factory_id, brand_id FROM handlers \
          WHERE route = ?1 AND analyst = 0 AND disabled_at IS NULL ORDER BY created_at, id",
    )?;
    let rows = statement
        .query_map([identity.route.as_str()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                RouteReader { key_id: row.get(1)?, public_key: row.get(2)? },
                row.get::<_, Option<String>>(3)?,
                row.get::<_, Option<String>>(4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut readers = Vec::new();
    for (id, reader, factory, brand) in rows {
        let covers = match identity.route {
            Route::FactoryCommittee => factory.as_deref() == Some(factory_id),
            Route::Brand => match brand {
                Some(brand) => brand_supplies(connection, &brand, factory_id)?,
                None => false,
            },
            Route::IndependentHotline => true,
        };
        if covers {
            readers.push((id, reader));
        }
    }
    Ok(readers)
}

/// `GET /handler/v1/cases/{case_id}/readers`: whom a note on this case must
/// be sealed to (this reader's route, for the case's factory).
pub(super) async fn readers(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(case_id): PathParams<String>,
) -> Result<Json<Vec<RouteReader>>, ApiError> {
    let identity = session.identity;
    let readers = state
        .db
        .read(move |connection| {
            let access = load_access(connection, &case_id, &identity)?;
            route_readers(connection, &identity, &access.case.factory_id)
        })
        .await?;
    Ok(Json(readers.into_iter().map(|(_, reader)| reader).collect()))
}

/// `POST /handler/v1/cases/{case_id}/notes`: stores a note the client sealed
/// to readers of its route. Recipients must all be such readers.
pub(super) async fn add_note(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(case_id): PathParams<String>,
    JsonBody(request): JsonBody<NoteRequest>,
) -> Result<Json<auth::Ok>, ApiError> {
    checked_id(&request.note_id)?;
    if request.sealed.len() > MAX_SEALED_TEXT_BYTES
        || request.recipients.is_empty()
        || request.recipients.len() > MAX_NOTE_RECIPIENTS
    {
        return Err(ApiError::bad_request());
    }
    let identity = session.identity;
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let access = load_access(&tx, &case_id, &identity)?;
            if !access.current {
                return Err(ApiError::unauthorized());
            }
            let case_id = access.case.case_id;
            let readers = route_readers(&tx, &identity, &access.case.factory_id)?;
            let now = unix_now();
            let inserted = tx.execute(
                "INSERT INTO case_notes (case_id, note_id, author, at, sealed) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                params![case_id, request.note_id, actor(&identity), now, request.sealed],
            )?;
            if inserted == 0 {
                return Ok(());
            }
            for recipient in &request.recipients {
                let (handler_id, _) = readers
                    .iter()
                    .find(|(_, reader)| reader.key_id == recipient.key_id)
                    .ok_or_else(ApiError::bad_request)?;
                tx.execute(
                    "INSERT INTO case_note_keys (case_id, note_id, handler_id, enc, wrapped_key) \
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (case_id, note_id, handler_id) \
                     DO UPDATE SET enc = excluded.enc, wrapped_key = excluded.wrapped_key",
                    params![case_id, request.note_id, handler_id, recipient.enc, recipient.wrapped_key],
                )?;
            }
            append_audit(&tx, &case_id, now, &actor(&identity), "note")?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Json(auth::Ok { ok: true }))
}

/// `GET /handler/v1/cases/{case_id}/audit`: who did what, never content.
pub(super) async fn audit(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(case_id): PathParams<String>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let identity = session.identity;
    let entries = state
        .db
        .read(move |connection| {
            let access = load_access(connection, &case_id, &identity)?;
            audit_entries(connection, &access.case.case_id)
        })
        .await?;
    Ok(Json(entries))
}

/// `GET /handler/v1/cases/{case_id}/attachments/{attachment_id}`: the
/// attachment's ciphertext, as the device uploaded it.
pub(super) async fn attachment(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams((case_id, attachment_id)): PathParams<(String, String)>,
) -> Result<Response, ApiError> {
    let identity = session.identity;
    let data_dir = state.data_dir.clone();
    // The files are read after the closure, with no connection held.
    let (ids, size) = state
        .db
        .run(move |connection| {
            let access = load_access(connection, &case_id, &identity)?;
            let size = complete_attachment_size(connection, &access.case.case_id, &attachment_id)?
                .ok_or_else(ApiError::not_found)?;
            append_audit(connection, &access.case.case_id, unix_now(), &actor(&identity), "attachment_fetched")?;
            Ok(((access.case.case_id, attachment_id.clone()), size))
        })
        .await?;
    let sealed = tokio::task::spawn_blocking(move || read_complete_attachment(&data_dir, &ids.0, &ids.1, size))
        .await
        .map_err(|error| ApiError::internal(format!("reading an attachment failed: {error}")))??;
    Ok(no_store(([(CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"))], sealed)))
}
