//! What a logged-in handler does with cases: list them, open one, set its
//! status, reply, read its audit log, fetch an attachment.
//!
//! Access: a handler sees a case only if its route is one the worker allowed
//! and the case has reached (the current route or an earlier one), for a
//! committee handler only at its own factory, and only if the device wrapped
//! the content key to this handler. Anything else is `not_found`, so the
//! answer does not reveal that the case exists. The list shows the cases on
//! the handler's route now; handlers of an earlier route can still open and
//! read a case that escalated past them, but only the current route may set
//! its status or reply (`unauthorized` otherwise).
//!
//! Opening happens in memory, in the request: the session's private key
//! unwraps the content key, which opens the payload; the reply key inside
//! it opens and seals replies. Nothing opened is written anywhere, and the
//! audit log records who opened what, never content.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use workervoice_protocol::directory::Route;
use workervoice_protocol::envelope::{self, GrievanceContent};
use workervoice_protocol::grievance::{Author, CaseEvent, CaseStatus};
use workervoice_protocol::handler::{
    AuditEntry, CaseSummary, CaseView, HandlerReplyRequest, ReplyView, SetStatusRequest,
};
use zeroize::{Zeroize, Zeroizing};

use super::key_pair::{HandlerPrivateKey, open_content_key};
use super::sessions::{HandlerIdentity, HandlerSession};
use crate::cases::attachments::complete_attachment;
use crate::cases::{
    CASE_COLUMNS, CaseRow, NewReply, append_audit, append_event, audit_entries, canonical_case_id, events_after,
    last_status_event, load_case, status_str,
};
use crate::clock::unix_now;
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams};
use crate::state::AppState;

/// Longest reply a handler may write, in bytes of text.
const MAX_REPLY_TEXT_BYTES: usize = 16 * 1024;

/// A case this handler may open, with its wrapped content key.
struct Access {
    case: CaseRow,
    enc: Vec<u8>,
    wrapped_key: Vec<u8>,
    /// Whether the handler's route is the case's current one.
    current: bool,
}

fn actor(identity: &HandlerIdentity) -> String {
    format!("handler:{}", identity.handler_id)
}

/// Finds a case the handler may open, or `not_found`.
fn load_access(connection: &Connection, typed_case_id: &str, identity: &HandlerIdentity) -> Result<Access, ApiError> {
    // Survey analysts read survey results, never cases.
    if identity.analyst {
        return Err(ApiError::not_found());
    }
    let case_id = canonical_case_id(typed_case_id).ok_or_else(ApiError::not_found)?;
    let case = load_case(connection, &case_id)?.ok_or_else(ApiError::not_found)?;
    if identity.route == Route::FactoryCommittee && identity.factory_id.as_deref() != Some(case.factory_id.as_str()) {
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
    Ok(Access { current: position == case.route_index, case, enc, wrapped_key })
}

fn load_payload(connection: &Connection, case_id: &str) -> Result<Vec<u8>, ApiError> {
    Ok(connection.query_row("SELECT payload FROM cases WHERE case_id = ?1", [case_id], |row| row.get(0))?)
}

/// A case opened in memory; its keys and text are wiped when dropped.
struct Opened {
    content_key: Zeroizing<Vec<u8>>,
    json: Zeroizing<Vec<u8>>,
    content: GrievanceContent,
}

impl Drop for Opened {
    fn drop(&mut self) {
        self.content.text.zeroize();
        self.content.reply_key.zeroize();
        if let Some(reporter) = self.content.reporter.as_mut() {
            reporter.display_name.zeroize();
            reporter.worker_number.zeroize();
        }
        if let Some(callback) = self.content.callback.as_mut() {
            callback.phone.zeroize();
        }
    }
}

fn open_case(private_key: &HandlerPrivateKey, access: &Access, payload: &[u8]) -> Result<Opened, ApiError> {
    let case = &access.case;
    let content_key = open_content_key(private_key, &case.client_id, &case.case_id, &access.enc, &access.wrapped_key)?;
    let json = envelope::open(&content_key, &envelope::payload_aad(&case.client_id, &case.case_id), payload)
        .map(Zeroizing::new)
        .map_err(|_| ApiError::internal("a case payload did not open with its content key"))?;
    let content: GrievanceContent =
        serde_json::from_slice(&json).map_err(|_| ApiError::internal("a case payload is not grievance content"))?;
    let opened = Opened { content_key, json, content };
    if opened.content.reply_key.len() != 32 {
        return Err(ApiError::internal("a case's reply key has the wrong length"));
    }
    Ok(opened)
}

/// `GET /handler/v1/cases`: cases on this handler's route now.
pub(super) async fn list_cases(
    State(state): State<AppState>,
    session: HandlerSession,
) -> Result<Json<Vec<CaseSummary>>, ApiError> {
    let identity = session.identity;
    if identity.analyst {
        return Err(ApiError::unauthorized());
    }
    let cases = state
        .db
        .run(move |connection| {
            let mut statement = connection.prepare(&format!(
                "SELECT {CASE_COLUMNS} FROM cases c \
                 WHERE c.current_route = ?1 AND (?2 IS NULL OR c.factory_id = ?2) \
                   AND EXISTS (SELECT 1 FROM case_keys k WHERE k.case_id = c.case_id AND k.handler_id = ?3) \
                 ORDER BY c.received_at, c.case_id"
            ))?;
            let rows = statement.query_map(
                params![identity.route.as_str(), identity.factory_id, identity.handler_id],
                CaseRow::from_row,
            )?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    let now = unix_now();
    Ok(Json(cases.iter().map(|case| case.summary(now)).collect()))
}

fn no_store<T: IntoResponse>(body: T) -> Response {
    ([(CACHE_CONTROL, HeaderValue::from_static("no-store"))], body).into_response()
}

/// `GET /handler/v1/cases/{case_id}`: the report and conversation, opened.
pub(super) async fn view_case(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(case_id): PathParams<String>,
) -> Result<Response, ApiError> {
    let identity = session.identity.clone();
    let (access, payload, events) = state
        .db
        .run(move |connection| {
            let access = load_access(connection, &case_id, &identity)?;
            let payload = load_payload(connection, &access.case.case_id)?;
            let events = events_after(connection, &access.case.case_id, 0)?;
            Ok((access, payload, events))
        })
        .await?;
    let opened = open_case(&session.private_key, &access, &payload)?;
    let content: serde_json::Value =
        serde_json::from_slice(&opened.json).map_err(|_| ApiError::internal("a case payload is not JSON"))?;
    let case_id = access.case.case_id.clone();
    let replies = events
        .into_iter()
        .filter_map(|event| {
            let (author, sealed, reply_id) = (event.author?, event.reply?, event.reply_id?);
            let aad = envelope::reply_aad(&case_id, &reply_id, author);
            match envelope::open(&opened.content.reply_key, &aad, &sealed) {
                Ok(text) => {
                    let text = Zeroizing::new(text);
                    Some(ReplyView { author, at: event.at, text: String::from_utf8_lossy(&text).into_owned() })
                }
                Err(_) => {
                    tracing::warn!("a reply of a case did not open with the case's reply key; left out");
                    None
                }
            }
        })
        .collect();
    let actor = actor(&session.identity);
    let audited = case_id.clone();
    state.db.run(move |connection| append_audit(connection, &audited, unix_now(), &actor, "opened")).await?;
    Ok(no_store(Json(CaseView { summary: access.case.summary(unix_now()), content, replies })))
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

/// `POST /handler/v1/cases/{case_id}/replies`: seals the text under the
/// case's reply key (in memory) and stores it as an event the worker syncs.
pub(super) async fn reply(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(case_id): PathParams<String>,
    JsonBody(request): JsonBody<HandlerReplyRequest>,
) -> Result<Json<CaseEvent>, ApiError> {
    let text = Zeroizing::new(request.text);
    if text.trim().is_empty() || text.len() > MAX_REPLY_TEXT_BYTES {
        return Err(ApiError::bad_request());
    }
    let identity = session.identity.clone();
    let (access, payload) = state
        .db
        .run(move |connection| {
            let access = load_access(connection, &case_id, &identity)?;
            let payload = load_payload(connection, &access.case.case_id)?;
            Ok((access, payload))
        })
        .await?;
    if !access.current {
        return Err(ApiError::unauthorized());
    }
    let opened = open_case(&session.private_key, &access, &payload)?;
    let reply_id = uuid::Uuid::new_v4().to_string();
    let case_id = access.case.case_id;
    let aad = envelope::reply_aad(&case_id, &reply_id, Author::Handler);
    let sealed = envelope::seal(&opened.content.reply_key, &aad, text.as_bytes())
        .map_err(|_| ApiError::internal("sealing a reply failed"))?;
    drop(opened);
    let actor = actor(&session.identity);
    let event = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now = unix_now();
            let reply = NewReply { author: Author::Handler, reply_id: &reply_id, sealed: &sealed };
            let event = append_event(&tx, &case_id, now, None, Some(reply))?;
            append_audit(&tx, &case_id, now, &actor, "reply")?;
            tx.commit()?;
            Ok(event)
        })
        .await?;
    Ok(Json(event))
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
        .run(move |connection| {
            let access = load_access(connection, &case_id, &identity)?;
            audit_entries(connection, &access.case.case_id)
        })
        .await?;
    Ok(Json(entries))
}

/// `GET /handler/v1/cases/{case_id}/attachments/{attachment_id}`: the
/// attachment, opened, with the MIME type the device recorded.
pub(super) async fn attachment(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams((case_id, attachment_id)): PathParams<(String, String)>,
) -> Result<Response, ApiError> {
    let identity = session.identity.clone();
    let (id, data_dir) = (attachment_id.clone(), state.data_dir.clone());
    let (access, payload, sealed) = state
        .db
        .run(move |connection| {
            let access = load_access(connection, &case_id, &identity)?;
            let payload = load_payload(connection, &access.case.case_id)?;
            let sealed = complete_attachment(connection, &data_dir, &access.case.case_id, &id)?
                .ok_or_else(ApiError::not_found)?;
            Ok((access, payload, sealed))
        })
        .await?;
    let opened = open_case(&session.private_key, &access, &payload)?;
    let mime = opened
        .content
        .attachments
        .iter()
        .find(|info| info.attachment_id == attachment_id)
        .and_then(|info| HeaderValue::from_str(&info.mime).ok())
        .unwrap_or_else(|| HeaderValue::from_static("application/octet-stream"));
    let plain = envelope::open_attachment(&opened.content_key, &access.case.client_id, &attachment_id, &sealed)
        .map_err(|_| ApiError::internal("an attachment did not open with its content key"))?;
    drop(opened);
    let actor = actor(&session.identity);
    let case_id = access.case.case_id;
    state.db.run(move |connection| append_audit(connection, &case_id, unix_now(), &actor, "attachment_opened")).await?;
    Ok(no_store(([(CONTENT_TYPE, mime)], plain)))
}
