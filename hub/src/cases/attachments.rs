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
//! `bad_request`. The bytes are ciphertext the hub cannot open.
//!
//! Storage (ADR 0014): chunks are files beside the database,
//! `<data-dir>/attachments/<case_id>/<attachment_id>/<offset>` (offset
//! zero-padded, so names sort in order); the database holds only the
//! metadata (announced size and hash, bytes received, complete). A chunk is
//! written and synced to a temporary file, and the whole-file hash of a last
//! chunk computed, *outside* the database lock; only then, in a short
//! transaction, is the upload's row taken, the offset checked again, the
//! progress written, the chunk renamed into place (once, however often the
//! transaction is retried), the directory synced and the progress
//! committed — so a large upload never holds the database while bytes
//! arrive or are hashed, and nothing is acknowledged before its bytes are
//! on disk. A crash between the rename and the commit leaves a chunk file
//! the database does not count; the device resends from the committed
//! offset and the file is replaced.
//! Attachments stored as rows by earlier hubs (`attachment_chunks`) are moved
//! into files at start ([`move_chunk_rows_to_files`]).
//!
//! Unknown client ids and attachment ids are `not_found`. Like submissions,
//! these requests are unsigned: knowing the client id (a random UUID that
//! only the device and the hub know) is what allows an upload.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::db::sql::{Connection, OptionalExtension, TransactionBehavior, params};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ring::digest::{Context, SHA256};
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::grievance::{AttachmentProgress, MAX_CHUNK_BYTES};

use super::{append_audit, is_canonical_uuid};
use crate::clock::{HOUR_SECS, coarse, unix_now};
use crate::data_dir::{create_private_dir, private_file_options, sync_dir, write_durably};
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
    let upload = state.db.read(move |connection| load_upload(connection, &client_id, &attachment_id)).await?;
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
    let (ids, data_dir) = ((client_id.clone(), attachment_id.clone()), state.data_dir.clone());
    let upload = state.db.read(move |connection| load_upload(connection, &ids.0, &ids.1)).await?;
    if let Some(outcome) = answer_without_storing(&upload, offset, &body)? {
        return Ok(respond(outcome));
    }
    // Write (and for the last chunk, hash) outside the database lock.
    let end = upload.received + body.len() as u64;
    let dir = attachment_dir(&data_dir, &upload.case_id, &attachment_id);
    let staged = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || stage_chunk(&dir, offset, &body, end == upload.size))
            .await
            .map_err(|error| ApiError::internal(format!("attachment task failed: {error}")))??
    };
    let daily_cap = state.attachment_bytes_per_day;
    // Whether an earlier attempt of the transaction below already renamed
    // the chunk into place: on PostgreSQL a serialization conflict at commit
    // runs the closure again, and the staged file is then gone.
    let mut placed = false;
    let temporary = staged.temporary.clone();
    let outcome = state
        .db
        .run(move |connection| {
            commit_chunk(connection, &client_id, &attachment_id, (offset, end), &dir, &staged, &mut placed, daily_cap)
        })
        .await;
    // A chunk not placed (a conflict, a refusal, a failure) is dropped only
    // now: an attempt that failed and is run again still needs it. (An
    // unlink, quick enough for the async thread; gone already if placed.)
    let _ = std::fs::remove_file(&temporary);
    Ok(respond(outcome?))
}

fn respond(outcome: Outcome) -> Response {
    match outcome {
        Outcome::Accepted(progress) => Json(progress).into_response(),
        Outcome::Conflict(progress) => (StatusCode::CONFLICT, Json(progress)).into_response(),
    }
}

/// The answers that need no storing: a wrong offset, a complete upload, an
/// empty chunk, a chunk past the announced size.
fn answer_without_storing(upload: &Upload, offset: u64, chunk: &[u8]) -> Result<Option<Outcome>, ApiError> {
    if upload.complete || offset != upload.received {
        // A complete upload answers any further chunk with its progress,
        // so a device whose last reply was lost learns it is done.
        let empty_at_end = upload.complete && offset == upload.received && chunk.is_empty();
        return Ok(Some(if empty_at_end {
            Outcome::Accepted(upload.progress())
        } else {
            Outcome::Conflict(upload.progress())
        }));
    }
    upload
        .received
        .checked_add(chunk.len() as u64)
        .filter(|end| *end <= upload.size)
        .ok_or_else(ApiError::bad_request)?;
    if chunk.is_empty() {
        return Ok(Some(Outcome::Accepted(upload.progress())));
    }
    Ok(None)
}

/// `<data-dir>/attachments/<case_id>/<attachment_id>`.
pub(crate) fn attachment_dir(data_dir: &Path, case_id: &str, attachment_id: &str) -> PathBuf {
    data_dir.join(ATTACHMENTS_DIR).join(case_id).join(attachment_id)
}

/// The directory holding every attachment's chunks.
pub(crate) const ATTACHMENTS_DIR: &str = "attachments";

fn chunk_name(offset: u64) -> String {
    format!("{offset:020}")
}

/// A chunk written and synced under a temporary name, not yet counted.
#[derive(Clone)]
struct Staged {
    temporary: PathBuf,
    /// For a last chunk: the SHA-256 of the whole attachment.
    sha256: Option<Vec<u8>>,
}

fn stage_chunk(dir: &Path, offset: u64, chunk: &[u8], last: bool) -> Result<Staged, ApiError> {
    let failed = |error: std::io::Error| storage_error("writing an attachment chunk", error);
    create_private_dir(dir).map_err(|error| ApiError::internal(format!("{error:#}")))?;
    let temporary = dir.join(format!(".incoming-{}", uuid::Uuid::new_v4()));
    let written = (|| {
        let mut file = private_file_options().open(&temporary)?;
        file.write_all(chunk)?;
        file.sync_all()
    })();
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(failed(error));
    }
    let sha256 = if last {
        let mut hash = Context::new(&SHA256);
        for (_, path) in chunk_files(dir, offset).map_err(failed)? {
            hash.update(&std::fs::read(path).map_err(failed)?);
        }
        hash.update(chunk);
        Some(hash.finish().as_ref().to_vec())
    } else {
        None
    };
    Ok(Staged { temporary, sha256 })
}

/// The chunk files below `limit` (an offset), in order.
fn chunk_files(dir: &Path, limit: u64) -> std::io::Result<Vec<(u64, PathBuf)>> {
    let mut chunks = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(chunks),
        Err(error) => return Err(error),
    };
    for entry in entries {
        let entry = entry?;
        if let Some(offset) = entry.file_name().to_str().and_then(|name| name.parse::<u64>().ok())
            && offset < limit
        {
            chunks.push((offset, entry.path()));
        }
    }
    chunks.sort();
    Ok(chunks)
}

/// A failed file write: a full disk is a retryable refusal, anything else
/// an internal error.
fn storage_error(what: &str, error: std::io::Error) -> ApiError {
    if error.kind() == std::io::ErrorKind::StorageFull {
        tracing::error!(%error, "storage full: refusing attachment chunks until there is room");
        ApiError::storage_full()
    } else {
        ApiError::internal(format!("{what}: {error}"))
    }
}

/// Counts a staged chunk, if the upload is still where it was.
///
/// The rename into place is the transaction's last step before its commit,
/// and it is done once: `placed` remembers it across the attempts the
/// database layer makes (on PostgreSQL a conflict, which may come at the
/// commit itself, runs this again from the start). A rename whose commit
/// then failed for good leaves a chunk file past the committed progress,
/// which nothing reads and the device's resend replaces.
#[allow(clippy::too_many_arguments)] // one call site; a struct would only rename them
fn commit_chunk(
    connection: &mut Connection,
    client_id: &str,
    attachment_id: &str,
    (offset, end): (u64, u64),
    dir: &Path,
    staged: &Staged,
    placed: &mut bool,
    daily_cap: u64,
) -> Result<Outcome, ApiError> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let upload = load_upload(&tx, client_id, attachment_id)?;
    // Takes the upload's row before anything is placed: on PostgreSQL two
    // requests for one attachment would otherwise both rename a chunk to
    // the same name, and the one whose commit lost would leave its bytes
    // under the winner's count. The second now waits here and, once the
    // first commits, is rerun and answered `Conflict`. (SQLite's immediate
    // transaction already runs one writer at a time.)
    tx.execute(
        "UPDATE case_attachments SET received = received WHERE case_id = ?1 AND attachment_id = ?2",
        params![upload.case_id, attachment_id],
    )?;
    if upload.complete || upload.received != offset {
        // Another request for the same attachment got there first.
        return Ok(Outcome::Conflict(upload.progress()));
    }
    count_todays_bytes(&tx, end - offset, daily_cap)?;
    let place = |placed: &mut bool| -> Result<(), ApiError> {
        if !*placed {
            std::fs::rename(&staged.temporary, dir.join(chunk_name(offset)))
                .and_then(|()| sync_dir(dir))
                .map_err(|error| storage_error("placing an attachment chunk", error))?;
            *placed = true;
        }
        Ok(())
    };
    match &staged.sha256 {
        None => {
            tx.execute(
                "UPDATE case_attachments SET received = ?1 WHERE case_id = ?2 AND attachment_id = ?3",
                params![sql_u64(end), upload.case_id, attachment_id],
            )?;
            place(placed)?;
            tx.commit()?;
            Ok(Outcome::Accepted(AttachmentProgress { received: end, complete: false }))
        }
        Some(sha256) if constant_time_eq(sha256, &upload.sha256) => {
            tx.execute(
                "UPDATE case_attachments SET received = ?1, complete = 1 WHERE case_id = ?2 AND attachment_id = ?3",
                params![sql_u64(end), upload.case_id, attachment_id],
            )?;
            // To the hour, like every event a device causes (ADR 0016): the
            // second an upload ended would time the worker's connection.
            append_audit(&tx, &upload.case_id, coarse(unix_now(), HOUR_SECS), "device", "attachment_received")?;
            place(placed)?;
            tx.commit()?;
            Ok(Outcome::Accepted(AttachmentProgress { received: end, complete: true }))
        }
        Some(_) => {
            tx.execute(
                "UPDATE case_attachments SET received = 0 WHERE case_id = ?1 AND attachment_id = ?2",
                params![upload.case_id, attachment_id],
            )?;
            tx.commit()?;
            // The counted bytes are gone from the database; the files follow.
            if let Ok(chunks) = chunk_files(dir, u64::MAX) {
                for (_, path) in chunks {
                    let _ = std::fs::remove_file(path);
                }
            }
            tracing::warn!("an attachment upload did not match its announced hash and was discarded");
            Err(ApiError::bad_request())
        }
    }
}

/// Adds `bytes` to today's count of accepted attachment bytes, or refuses
/// (`rate_limited` until the next UTC day) when that would pass `cap`.
/// Runs inside the chunk's transaction, so a refused or failed chunk is not
/// counted. Days before yesterday are forgotten.
fn count_todays_bytes(connection: &Connection, bytes: u64, cap: u64) -> Result<(), ApiError> {
    const DAY: i64 = 86_400;
    let now = unix_now();
    let today = now.div_euclid(DAY);
    let counted: u64 = connection
        .query_row("SELECT bytes FROM attachment_bytes_by_day WHERE day = ?1", [today], |row| column_u64(row, 0))
        .optional()?
        .unwrap_or(0);
    if counted.saturating_add(bytes) > cap {
        let until_tomorrow = (today + 1) * DAY - now;
        tracing::warn!("the daily attachment storage cap is reached: refusing chunks until tomorrow (UTC)");
        return Err(ApiError::Refused(workervoice_protocol::error::HubError {
            code: HubErrorCode::RateLimited,
            attempts_left: None,
            retry_after_secs: Some(u32::try_from(until_tomorrow).unwrap_or(u32::MAX)),
        }));
    }
    connection.execute("DELETE FROM attachment_bytes_by_day WHERE day < ?1", [today - 1])?;
    connection.execute(
        "INSERT INTO attachment_bytes_by_day (day, bytes) VALUES (?1, ?2) \
         ON CONFLICT (day) DO UPDATE SET bytes = attachment_bytes_by_day.bytes + excluded.bytes",
        params![today, sql_u64(bytes)],
    )?;
    Ok(())
}

/// Moves attachment chunks that earlier hubs stored as rows into files,
/// one attachment per transaction: the files are written durably first,
/// then the rows deleted, so a crash half-way repeats the work at the next
/// start without losing anything.
pub(crate) fn move_chunk_rows_to_files(data_dir: &Path, connection: &mut Connection) -> anyhow::Result<usize> {
    let pending: Vec<(String, String)> = {
        let mut statement = connection.prepare("SELECT DISTINCT case_id, attachment_id FROM attachment_chunks")?;
        statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<_, _>>()?
    };
    for (case_id, attachment_id) in &pending {
        let dir = attachment_dir(data_dir, case_id, attachment_id);
        create_private_dir(&dir)?;
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut statement = tx.prepare(
                "SELECT position, data FROM attachment_chunks WHERE case_id = ?1 AND attachment_id = ?2 \
                 ORDER BY position",
            )?;
            let mut rows = statement.query(params![case_id, attachment_id])?;
            while let Some(row) = rows.next()? {
                let position = column_u64(&row, 0)?;
                let data: Vec<u8> = row.get(1)?;
                write_durably(&dir.join(chunk_name(position)), &data)?;
            }
        }
        tx.execute(
            "DELETE FROM attachment_chunks WHERE case_id = ?1 AND attachment_id = ?2",
            params![case_id, attachment_id],
        )?;
        tx.commit()?;
    }
    if !pending.is_empty() {
        tracing::info!(attachments = pending.len(), "moved attachment chunks from the database into files");
    }
    Ok(pending.len())
}

/// The size of a complete attachment of a case; `None` while it is
/// incomplete or unknown. Its bytes are then read with
/// [`read_complete_attachment`], outside the database closure: a complete
/// attachment's files never change, and 20 MiB must not be read while a
/// connection is held.
pub(crate) fn complete_attachment_size(
    connection: &Connection,
    case_id: &str,
    attachment_id: &str,
) -> Result<Option<u64>, ApiError> {
    let stored: Option<(bool, u64)> = connection
        .query_row(
            "SELECT complete, size FROM case_attachments WHERE case_id = ?1 AND attachment_id = ?2",
            params![case_id, attachment_id],
            |row| Ok((row.get(0)?, column_u64(row, 1)?)),
        )
        .optional()?;
    Ok(match stored {
        Some((true, size)) => Some(size),
        _ => None,
    })
}

/// The bytes of a complete attachment of `size` bytes (see
/// [`complete_attachment_size`]), from its chunk files.
pub(crate) fn read_complete_attachment(
    data_dir: &Path,
    case_id: &str,
    attachment_id: &str,
    size: u64,
) -> Result<Vec<u8>, ApiError> {
    let dir = attachment_dir(data_dir, case_id, attachment_id);
    let failed = |error: std::io::Error| ApiError::internal(format!("reading an attachment: {error}"));
    let mut bytes = Vec::new();
    for (offset, path) in chunk_files(&dir, size).map_err(failed)? {
        if offset != bytes.len() as u64 {
            return Err(ApiError::internal("an attachment's chunk files do not follow each other"));
        }
        bytes.extend_from_slice(&std::fs::read(path).map_err(failed)?);
    }
    if bytes.len() as u64 != size {
        return Err(ApiError::internal("an attachment's chunk files do not add up to its size"));
    }
    Ok(bytes)
}
