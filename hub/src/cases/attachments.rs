//! Resumable attachment uploads:
//! `PUT /v1/submissions/{client_id}/attachments/{attachment_id}?offset=N`
//! with raw ciphertext bytes, and `GET` on the same path for the progress.
//!
//! Chunks are appended in order only: `offset` must equal the bytes the hub
//! already holds, otherwise the reply is `409` with an
//! [`AttachmentProgress`] body saying where to resume (and nothing is
//! stored). When the announced size is reached the SHA-256 announced in the
//! submission header is checked: a match completes the upload, a mismatch
//! discards every byte of it (`received` back to 0) and is answered
//! `bad_request`. Chunks are kept as rows of `attachment_chunks`; they are
//! ciphertext the hub cannot open.
//!
//! Unknown client ids and attachment ids are `not_found`. Like submissions,
//! these requests are unsigned: knowing the client id (a random UUID that
//! only the device and the hub know) is what allows an upload.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ring::digest::{Context, SHA256};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::grievance::{AttachmentProgress, MAX_CHUNK_BYTES};

use super::{append_audit, is_canonical_uuid};
use crate::clock::unix_now;
use crate::db::{column_u64, sql_u64};
use crate::error::ApiError;
use crate::extract::{PathParams, query_u64};
use crate::keys::constant_time_eq;
use crate::state::AppState;

/// One attachment's upload state.
struct Upload {
    case_id: String,
    size: u64,
    sha256: Vec<u8>,
    received: u64,
    complete: bool,
}

impl Upload {
    fn progress(&self) -> AttachmentProgress {
        AttachmentProgress { received: self.received, complete: self.complete }
    }
}

fn load_upload(connection: &Connection, client_id: &str, attachment_id: &str) -> Result<Upload, ApiError> {
    if !is_canonical_uuid(client_id) || !is_canonical_uuid(attachment_id) {
        return Err(ApiError::not_found());
    }
    connection
        .query_row(
            "SELECT a.case_id, a.size, a.sha256, a.received, a.complete \
             FROM case_attachments a JOIN cases c ON c.case_id = a.case_id \
             WHERE c.client_id = ?1 AND a.attachment_id = ?2",
            params![client_id, attachment_id],
            |row| {
                Ok(Upload {
                    case_id: row.get(0)?,
                    size: column_u64(row, 1)?,
                    sha256: row.get(2)?,
                    received: column_u64(row, 3)?,
                    complete: row.get(4)?,
                })
            },
        )
        .optional()?
        .ok_or_else(ApiError::not_found)
}

/// `GET`: how much of the attachment the hub holds.
pub(crate) async fn progress(
    State(state): State<AppState>,
    PathParams((client_id, attachment_id)): PathParams<(String, String)>,
) -> Result<Json<AttachmentProgress>, ApiError> {
    let upload = state.db.run(move |connection| load_upload(connection, &client_id, &attachment_id)).await?;
    Ok(Json(upload.progress()))
}

/// What an upload request came to.
enum Outcome {
    /// Stored (or nothing to store): the new progress.
    Accepted(AttachmentProgress),
    /// The offset is not where the hub is: resume from here.
    Conflict(AttachmentProgress),
}

/// `PUT ?offset=N`: appends one chunk.
pub(crate) async fn upload(
    State(state): State<AppState>,
    PathParams((client_id, attachment_id)): PathParams<(String, String)>,
    RawQuery(query): RawQuery,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::code(HubErrorCode::PayloadTooLarge)
        } else {
            ApiError::bad_request()
        }
    })?;
    if body.len() > MAX_CHUNK_BYTES {
        return Err(ApiError::code(HubErrorCode::PayloadTooLarge));
    }
    let offset = query_u64(query.as_deref(), "offset")?.ok_or_else(ApiError::bad_request)?;
    let outcome =
        state.db.run(move |connection| append_chunk(connection, &client_id, &attachment_id, offset, &body)).await?;
    Ok(match outcome {
        Outcome::Accepted(progress) => Json(progress).into_response(),
        Outcome::Conflict(progress) => (StatusCode::CONFLICT, Json(progress)).into_response(),
    })
}

fn append_chunk(
    connection: &mut Connection,
    client_id: &str,
    attachment_id: &str,
    offset: u64,
    chunk: &[u8],
) -> Result<Outcome, ApiError> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let upload = load_upload(&tx, client_id, attachment_id)?;
    if upload.complete || offset != upload.received {
        // A complete upload answers any further chunk with its progress,
        // so a device whose last reply was lost learns it is done.
        let empty_at_end = upload.complete && offset == upload.received && chunk.is_empty();
        return Ok(if empty_at_end {
            Outcome::Accepted(upload.progress())
        } else {
            Outcome::Conflict(upload.progress())
        });
    }
    let chunk_len = chunk.len() as u64;
    let received =
        upload.received.checked_add(chunk_len).filter(|end| *end <= upload.size).ok_or_else(ApiError::bad_request)?;
    if chunk.is_empty() {
        return Ok(Outcome::Accepted(upload.progress()));
    }
    tx.execute(
        "INSERT INTO attachment_chunks (case_id, attachment_id, position, data) VALUES (?1, ?2, ?3, ?4)",
        params![upload.case_id, attachment_id, sql_u64(offset), chunk],
    )?;
    if received < upload.size {
        tx.execute(
            "UPDATE case_attachments SET received = ?1 WHERE case_id = ?2 AND attachment_id = ?3",
            params![sql_u64(received), upload.case_id, attachment_id],
        )?;
        tx.commit()?;
        return Ok(Outcome::Accepted(AttachmentProgress { received, complete: false }));
    }
    if constant_time_eq(&stored_sha256(&tx, &upload.case_id, attachment_id)?, &upload.sha256) {
        tx.execute(
            "UPDATE case_attachments SET received = ?1, complete = 1 WHERE case_id = ?2 AND attachment_id = ?3",
            params![sql_u64(received), upload.case_id, attachment_id],
        )?;
        append_audit(&tx, &upload.case_id, unix_now(), "device", "attachment_received")?;
        tx.commit()?;
        return Ok(Outcome::Accepted(AttachmentProgress { received, complete: true }));
    }
    tx.execute(
        "DELETE FROM attachment_chunks WHERE case_id = ?1 AND attachment_id = ?2",
        params![upload.case_id, attachment_id],
    )?;
    tx.execute(
        "UPDATE case_attachments SET received = 0 WHERE case_id = ?1 AND attachment_id = ?2",
        params![upload.case_id, attachment_id],
    )?;
    tx.commit()?;
    tracing::warn!("an attachment upload did not match its announced hash and was discarded");
    Err(ApiError::bad_request())
}

/// SHA-256 over the stored chunks, in order.
fn stored_sha256(connection: &Connection, case_id: &str, attachment_id: &str) -> Result<Vec<u8>, ApiError> {
    let mut statement = connection
        .prepare("SELECT data FROM attachment_chunks WHERE case_id = ?1 AND attachment_id = ?2 ORDER BY position")?;
    let mut rows = statement.query(params![case_id, attachment_id])?;
    let mut hash = Context::new(&SHA256);
    while let Some(row) = rows.next()? {
        hash.update(row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?);
    }
    Ok(hash.finish().as_ref().to_vec())
}

/// The complete ciphertext of an attachment, if it finished uploading.
pub(crate) fn complete_attachment(
    connection: &Connection,
    case_id: &str,
    attachment_id: &str,
) -> Result<Option<Vec<u8>>, ApiError> {
    let complete: Option<bool> = connection
        .query_row(
            "SELECT complete FROM case_attachments WHERE case_id = ?1 AND attachment_id = ?2",
            params![case_id, attachment_id],
            |row| row.get(0),
        )
        .optional()?;
    if complete != Some(true) {
        return Ok(None);
    }
    let mut statement = connection
        .prepare("SELECT data FROM attachment_chunks WHERE case_id = ?1 AND attachment_id = ?2 ORDER BY position")?;
    let mut rows = statement.query(params![case_id, attachment_id])?;
    let mut bytes = Vec::new();
    while let Some(row) = rows.next()? {
        bytes.extend_from_slice(row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?);
    }
    Ok(Some(bytes))
}
