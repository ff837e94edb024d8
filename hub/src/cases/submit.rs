//! `POST /v1/submissions`: a framed, sealed grievance from a device.
//!
//! The hub checks the clear header against the directory version the device
//! sealed to, and stores the header fields, the wrapped keys and the sealed
//! payload as received. It never needs to open anything here.
//!
//! Idempotency: `client_id` is unique. A request with a client id the hub
//! already stored is answered with the original [`SubmitResponse`] — even if
//! its body differs, since a device never changes the bytes of an item once
//! queued and anything else sending that id is not to be trusted with a
//! second case. A new client id with a case id already in use is refused
//! with `case_id_taken`.
//!
//! `POST /v1/submissions/batch` takes many framed submissions in one body
//! (`protocol::grievance::frame_batch`): each is checked and stored on its
//! own (a savepoint each, so one refused item undoes nothing of the others)
//! and answered on its own, in order; the batch's stored items are durable
//! before the reply. A device resending a batch whose reply it lost gets
//! each stored item's original reply back (the client id is the key), so a
//! batch cut half-way loses and doubles nothing.
//!
//! No log line per submission: a line with its own time beside the signed
//! requests' lines would date an anonymous report to the second (ADR 0016).

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::db::sql::{Connection, params};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use ring::digest::SHA256_OUTPUT_LEN;
use workervoice_protocol::directory::{Directory, Route};
use workervoice_protocol::envelope::OVERHEAD;
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::grievance::{
    BATCH_CONTENT_TYPE, BatchItemResult, BatchSubmitResponse, CaseStatus, FrameError, MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS, SUBMISSION_CONTENT_TYPE, SubmissionHeader, SubmitResponse, parse_batch, parse_submission,
};

use super::{
    CaseRow, append_audit, append_event, canonical_case_id, is_canonical_uuid, load_case_by_client_id, routes_to_text,
    status_str,
};
use crate::clock::{HOUR_SECS, coarse, unix_now};
use crate::db::sql_u64;
use crate::directory::{DirectoryCache, route_entries};
use crate::error::ApiError;
use crate::extract::read_body;
use crate::state::AppState;

/// Length of an HPKE X25519 encapsulated key.
const ENC_LEN: usize = 32;
/// Length of a wrapped 32-byte content key (plus the AEAD tag).
const WRAPPED_KEY_LEN: usize = 32 + 16;

fn has_content_type(request: &Request, expected: &str) -> bool {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case(expected))
}

/// Parses one framed submission and checks what needs no database.
fn parse_one(bytes: &[u8]) -> Result<(SubmissionHeader, Vec<u8>), ApiError> {
    let (header, payload) = parse_submission(bytes).map_err(|error| match error {
        FrameError::TooLarge => ApiError::code(HubErrorCode::PayloadTooLarge),
        FrameError::Malformed | FrameError::BadHeader => ApiError::bad_request(),
    })?;
    if !is_canonical_uuid(&header.client_id) {
        return Err(ApiError::bad_request());
    }
    Ok((header, payload.to_vec()))
}

pub(crate) async fn submit(State(state): State<AppState>, request: Request) -> Result<Json<SubmitResponse>, ApiError> {
    if !has_content_type(&request, SUBMISSION_CONTENT_TYPE) {
        return Err(ApiError::bad_request());
    }
    let body = read_body(request).await?;
    let (header, payload) = parse_one(&body)?;
    state.limits.check_attachments(&header)?;
    // Grouped with other submissions into one durable commit (db::Db::run_grouped).
    let directories = Arc::clone(&state.directories);
    let (response, _replayed) = state
        .db
        .run_grouped(move |connection| store(connection, &directories, header.clone(), payload.clone()))
        .await?;
    Ok(Json(response))
}

/// `POST /v1/submissions/batch`: every submission of the batch checked,
/// stored and answered on its own, in one durable commit.
pub(crate) async fn submit_batch(
    State(state): State<AppState>,
    request: Request,
) -> Result<Json<BatchSubmitResponse>, ApiError> {
    if !has_content_type(&request, BATCH_CONTENT_TYPE) {
        return Err(ApiError::bad_request());
    }
    let body = read_body(request).await?;
    let items: Vec<Result<(SubmissionHeader, Vec<u8>), ApiError>> = parse_batch(&body)
        .map_err(|error| match error {
            FrameError::TooLarge => ApiError::code(HubErrorCode::PayloadTooLarge),
            FrameError::Malformed | FrameError::BadHeader => ApiError::bad_request(),
        })?
        .into_iter()
        .map(|bytes| {
            let (header, payload) = parse_one(bytes)?;
            state.limits.check_attachments(&header)?;
            Ok((header, payload))
        })
        .collect();
    let directories = Arc::clone(&state.directories);
    let results = state
        .db
        .run_grouped(move |connection| {
            let mut results = Vec::with_capacity(items.len());
            for item in &items {
                let stored = match item {
                    Ok((header, payload)) => {
                        in_item_savepoint(connection, &directories, header.clone(), payload.clone())
                    }
                    Err(refused) => Err(refused.again()),
                };
                results.push(match stored {
                    Ok((response, _replayed)) => BatchItemResult::Stored(response),
                    // The whole transaction is gone (a storage failure that
                    // rolled it back): nothing of the batch is stored; the
                    // device sends it all again.
                    Err(error) if connection.is_autocommit() => return Err(error),
                    // A serialization conflict (PostgreSQL): the whole batch
                    // runs again rather than refusing this item.
                    Err(ApiError::Storage(error)) if error.is_retryable() => return Err(ApiError::Storage(error)),
                    Err(ApiError::Refused(refusal)) => BatchItemResult::Refused { code: refusal.code },
                    Err(ApiError::Storage(_) | ApiError::Internal(_)) => {
                        BatchItemResult::Refused { code: HubErrorCode::Internal }
                    }
                });
            }
            Ok(results)
        })
        .await?;
    Ok(Json(BatchSubmitResponse { results }))
}

/// Stores one submission of a batch in its own savepoint: a refusal or
/// failure undoes this item only.
fn in_item_savepoint(
    connection: &Connection,
    directories: &DirectoryCache,
    header: SubmissionHeader,
    payload: Vec<u8>,
) -> Result<(SubmitResponse, bool), ApiError> {
    connection.savepoint("batch_item")?;
    let result = store(connection, directories, header, payload);
    if connection.is_autocommit() {
        return result;
    }
    if result.is_err() {
        connection.rollback_to("batch_item")?;
    } else {
        connection.release("batch_item")?;
    }
    result
}

/// Checks and stores a submission inside the caller's transaction (a
/// savepoint of a group commit: an error undoes this submission only);
/// returns the reply and whether it is a replay of a stored one.
fn store(
    connection: &Connection,
    directories: &DirectoryCache,
    header: SubmissionHeader,
    payload: Vec<u8>,
) -> Result<(SubmitResponse, bool), ApiError> {
    let tx = connection;
    if let Some(stored) = load_case_by_client_id(tx, &header.client_id)? {
        return Ok((original_response(&stored), true));
    }
    check_shape(&header, &payload)?;
    let exists: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM factories WHERE id = ?1)", [&header.factory_id], |row| row.get(0))?;
    if !exists {
        return Err(ApiError::code(HubErrorCode::UnknownRecipient));
    }
    let directory =
        directories.load(tx, header.directory_version)?.ok_or(ApiError::code(HubErrorCode::UnknownRecipient))?;
    let first_deadline_hours = check_recipients(&header, &directory)?;
    let taken: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM cases WHERE case_id = ?1)", [&header.case_id], |row| row.get(0))?;
    if taken {
        return Err(ApiError::code(HubErrorCode::CaseIdTaken));
    }

    // The hour only, for the case, its first event and its audit line (ADR
    // 0016): a handler or the operator must not date a report to the second
    // a device's signed request arrived. The deadline counts from the start
    // of that hour, so it is at most an hour early, never late.
    let now = coarse(unix_now(), HOUR_SECS);
    let deadline_at = now.saturating_add(i64::from(first_deadline_hours) * 3600);
    tx.execute(
        "INSERT INTO cases (case_id, client_id, factory_id, routes, route_index, current_route, directory_version, \
             receipt_verifier, payload, status, received_at, deadline_at) \
         VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            header.case_id,
            header.client_id,
            header.factory_id,
            routes_to_text(&header.routes),
            header.routes[0].as_str(),
            sql_u64(header.directory_version),
            header.receipt_verifier,
            payload,
            status_str(CaseStatus::Received),
            now,
            deadline_at,
        ],
    )?;
    for wrapped in &header.recipients {
        tx.execute(
            // Directories name readers by key id; the share is kept against the account.
            "INSERT INTO case_keys (case_id, handler_id, enc, wrapped_key) \
             SELECT ?1, id, ?3, ?4 FROM handlers WHERE key_id = ?2",
            params![header.case_id, wrapped.handler_id, wrapped.enc, wrapped.wrapped_key],
        )?;
    }
    for attachment in &header.attachments {
        tx.execute(
            "INSERT INTO case_attachments (case_id, attachment_id, size, sha256) VALUES (?1, ?2, ?3, ?4)",
            params![header.case_id, attachment.attachment_id, sql_u64(attachment.size), attachment.sha256],
        )?;
    }
    append_event(tx, &header.case_id, now, Some(CaseStatus::Received), None)?;
    append_audit(tx, &header.case_id, now, "device", "received")?;
    Ok((SubmitResponse { case_id: header.case_id, received_at: now }, false))
}

fn original_response(stored: &CaseRow) -> SubmitResponse {
    SubmitResponse { case_id: stored.case_id.clone(), received_at: stored.received_at }
}

/// Everything that can be checked without the database.
fn check_shape(header: &SubmissionHeader, payload: &[u8]) -> Result<(), ApiError> {
    let bad = ApiError::bad_request;
    if canonical_case_id(&header.case_id).as_deref() != Some(header.case_id.as_str()) {
        return Err(bad());
    }
    let distinct_routes: BTreeSet<Route> = header.routes.iter().copied().collect();
    if header.routes.is_empty() || distinct_routes.len() != header.routes.len() {
        return Err(bad());
    }
    if header.receipt_verifier.len() != SHA256_OUTPUT_LEN || payload.len() < OVERHEAD {
        return Err(bad());
    }
    if header.attachments.len() > MAX_ATTACHMENTS {
        return Err(bad());
    }
    let mut attachment_ids = BTreeSet::new();
    for attachment in &header.attachments {
        if !is_canonical_uuid(&attachment.attachment_id)
            || !attachment_ids.insert(attachment.attachment_id.as_str())
            || attachment.sha256.len() != SHA256_OUTPUT_LEN
            || attachment.size == 0
        {
            return Err(bad());
        }
        if attachment.size > MAX_ATTACHMENT_BYTES {
            return Err(ApiError::code(HubErrorCode::PayloadTooLarge));
        }
    }
    let mut handler_ids = BTreeSet::new();
    for wrapped in &header.recipients {
        if wrapped.enc.len() != ENC_LEN
            || wrapped.wrapped_key.len() != WRAPPED_KEY_LEN
            || !handler_ids.insert(wrapped.handler_id.as_str())
        {
            return Err(bad());
        }
    }
    Ok(())
}

/// Checks the wrapped keys against the directory version the device sealed
/// to: every allowed route has handlers there, every handler of every entry
/// serving an allowed route got the content key, and nobody else did. Returns the first
/// route's deadline in hours.
fn check_recipients(header: &SubmissionHeader, directory: &Directory) -> Result<u32, ApiError> {
    let unknown = || ApiError::code(HubErrorCode::UnknownRecipient);
    let mut expected = BTreeSet::new();
    let mut first_deadline_hours = None;
    for route in &header.routes {
        // Every entry serving the route: both brands of a factory that
        // supplies two must have been sealed to.
        let entries = route_entries(directory, *route, &header.factory_id);
        if entries.iter().all(|entry| entry.recipients.is_empty()) {
            return Err(unknown());
        }
        for entry in entries {
            first_deadline_hours.get_or_insert(entry.response_deadline_hours);
            expected.extend(entry.recipients.iter().map(|recipient| recipient.handler_id.as_str()));
        }
    }
    let wrapped: BTreeSet<&str> = header.recipients.iter().map(|wrapped| wrapped.handler_id.as_str()).collect();
    if wrapped != expected {
        return Err(unknown());
    }
    first_deadline_hours.ok_or_else(unknown)
}
