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

use crate::db::sql::{Connection, ToSql, params};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use ring::digest::SHA256_OUTPUT_LEN;
use workervoice_protocol::directory::{Directory, Route};
use workervoice_protocol::envelope::OVERHEAD;
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::grievance::{
    BATCH_CONTENT_TYPE, BatchItemResult, BatchSubmitResponse, FrameError, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS,
    SUBMISSION_CONTENT_TYPE, SubmissionHeader, SubmitResponse, parse_batch, parse_submission,
};

use super::{CaseRow, canonical_case_id, is_canonical_uuid, load_case_by_client_id, routes_to_text};
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
    if state.db.is_postgres() {
        // Many reports to a statement (cases::intake).
        return Ok(Json(state.intake.submit(&state.db, &state.directories, header, payload).await?));
    }
    // Grouped with other submissions into one durable commit.
    let directories = Arc::clone(&state.directories);
    let (response, _replayed) =
        state.db.run_grouped(move |connection| store(connection, &directories, &header, &payload)).await?;
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
                    Ok((header, payload)) => in_item_savepoint(connection, &directories, header, payload),
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
    header: &SubmissionHeader,
    payload: &[u8],
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
/// savepoint of a group commit, or on PostgreSQL no transaction at all:
/// [`crate::db::Db::run_single_write`]); returns the reply and whether it
/// is a replay of a stored one.
///
/// A device resending what the hub stored gets the original reply whatever
/// else is now wrong with it (a refusal is looked up by its client id
/// first), so a lost reply never turns a stored report into a refused one.
pub(crate) fn store(
    connection: &Connection,
    directories: &DirectoryCache,
    header: &SubmissionHeader,
    payload: &[u8],
) -> Result<(SubmitResponse, bool), ApiError> {
    match check_and_insert(connection, directories, header, payload) {
        Err(ApiError::Refused(refusal)) => match load_case_by_client_id(connection, &header.client_id)? {
            Some(stored) => Ok((original_response(&stored), true)),
            None => Err(ApiError::Refused(refusal)),
        },
        other => other,
    }
}

/// The checks, then the insert; the work of a stored report is the insert
/// alone (one statement on PostgreSQL): the client id and case id are
/// settled by their unique indexes, the factory and the directory version
/// by the insert's own `WHERE`. Only when nothing was inserted does the hub
/// read why.
fn check_and_insert(
    connection: &Connection,
    directories: &DirectoryCache,
    header: &SubmissionHeader,
    payload: &[u8],
) -> Result<(SubmitResponse, bool), ApiError> {
    let unknown = || ApiError::code(HubErrorCode::UnknownRecipient);
    check_shape(header, payload)?;
    let version = header.directory_version;
    let mut cached = directories.cached(version);
    // A parse from the cache first; read afresh when it does not fit (its
    // version may have been rewritten since), at most once.
    let mut from_cache = cached.is_some();
    loop {
        let (signature, directory) = match cached.take() {
            Some(entry) => entry,
            None => directories.load_fresh(connection, version)?.ok_or_else(unknown)?,
        };
        let first_deadline_hours = match check_recipients(header, &directory) {
            Ok(hours) => hours,
            Err(_) if from_cache => {
                from_cache = false;
                continue;
            }
            Err(refused) => return Err(refused),
        };
        let (now, deadline_at) = hour_and_deadline(first_deadline_hours);
        let new_case = NewCase { header, payload, signature: &signature, now, deadline_at };
        if insert(connection, &new_case)? {
            return Ok((SubmitResponse { case_id: header.case_id.clone(), received_at: now }, false));
        }
        match why_not_inserted(connection, &new_case)? {
            NotInserted::Stored(stored) => return Ok((original_response(&stored), true)),
            NotInserted::CaseIdTaken => return Err(ApiError::code(HubErrorCode::CaseIdTaken)),
            NotInserted::Unknown => return Err(unknown()),
            NotInserted::DirectoryRewritten if from_cache => from_cache = false,
            NotInserted::DirectoryRewritten => {
                return Err(ApiError::internal("a directory version was rewritten while a report was checked"));
            }
        }
    }
}

/// What the checks that need no database found for a submission: the
/// stored signature of the directory version it was checked against, and
/// its hour and deadline.
pub(crate) struct Prepared {
    pub(crate) signature: Vec<u8>,
    pub(crate) now: i64,
    pub(crate) deadline_at: i64,
}

/// The checks that need no database, against the parsed directory version
/// in the cache; `None` when the version is not cached or a check fails
/// (then [`store`] reads what it needs and says why).
pub(crate) fn prepare(directories: &DirectoryCache, header: &SubmissionHeader, payload: &[u8]) -> Option<Prepared> {
    check_shape(header, payload).ok()?;
    let (signature, directory) = directories.cached(header.directory_version)?;
    let first_deadline_hours = check_recipients(header, &directory).ok()?;
    let (now, deadline_at) = hour_and_deadline(first_deadline_hours);
    Some(Prepared { signature, now, deadline_at })
}

/// The hour only, for the case, its first event and its audit line (ADR
/// 0016): a handler or the operator must not date a report to the second a
/// device's signed request arrived. The deadline counts from the start of
/// that hour, so it is at most an hour early, never late.
fn hour_and_deadline(first_deadline_hours: u32) -> (i64, i64) {
    let now = coarse(unix_now(), HOUR_SECS);
    (now, now.saturating_add(i64::from(first_deadline_hours) * 3600))
}

/// What a submission's insert needs.
#[derive(Clone, Copy)]
pub(super) struct NewCase<'a> {
    pub(super) header: &'a SubmissionHeader,
    pub(super) payload: &'a [u8],
    /// The stored signature of the directory version it was checked against.
    pub(super) signature: &'a [u8],
    pub(super) now: i64,
    pub(super) deadline_at: i64,
}

impl Prepared {
    /// The insert of `header` and `payload`, as prepared.
    pub(super) fn case<'a>(&'a self, header: &'a SubmissionHeader, payload: &'a [u8]) -> NewCase<'a> {
        NewCase { header, payload, signature: &self.signature, now: self.now, deadline_at: self.deadline_at }
    }
}

/// SQLite: the columns of a new case, `?1` to `?10`, and the guard: the
/// factory exists and the directory version still has the signature
/// (`?11`) of the parse the recipients were checked against. `ON CONFLICT
/// DO NOTHING` covers both the client id and the case id.
///
/// The status (`received`) is written into the statement, not bound: the
/// partial index `cases_by_deadline` depends on it, and SQLite recompiles a
/// statement whose bound values decide whether a partial index's condition
/// holds each time they are bound anew.
const INSERT_CASE: &str = "INSERT INTO cases (case_id, client_id, factory_id, routes, route_index, current_route, \
         directory_version, receipt_verifier, payload, status, received_at, deadline_at) \
     SELECT ?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?8, 'received', ?9, ?10 \
     WHERE EXISTS (SELECT 1 FROM factories WHERE id = ?3) \
         AND EXISTS (SELECT 1 FROM directories WHERE version = ?6 AND signature = ?11) \
     ON CONFLICT DO NOTHING";

/// SQLite: the first event (`received`, seq 1) and the audit line of the
/// case `?1`, at the hour `?9`.
const FIRST_EVENT: [&str; 2] = [
    "INSERT INTO case_events (case_id, seq, at, status) VALUES (?1, 1, ?9, 'received')",
    "INSERT INTO case_audit (case_id, at, actor, action) VALUES (?1, ?9, 'device', 'received')",
];

/// `(?a, ?b, ?c), …` for `rows` rows of three columns, numbered from `first`.
fn three_column_rows(first: usize, rows: usize) -> String {
    (0..rows)
        .map(|row| {
            let n = first + row * 3;
            format!("(?{n}, ?{}, ?{})", n + 1, n + 2)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts the case, its wrapped keys, its announced attachments, its first
/// event and its audit line, all or nothing; false when nothing was
/// inserted (the client id or case id is taken, the factory is unknown, or
/// the directory version no longer has the signature checked against).
///
/// PostgreSQL does it in one statement, the one that stores a group of
/// reports ([`super::intake`]), here with a group of one, in autocommit
/// ([`crate::db::Db::run_single_write`]); SQLite, which has no such
/// statement and no round trips, in one statement per table inside the
/// caller's savepoint.
fn insert(connection: &Connection, case: &NewCase<'_>) -> Result<bool, ApiError> {
    if connection.is_postgres() {
        return Ok(!super::intake::Columns::of([*case]).insert(connection)?.is_empty());
    }
    let header = case.header;
    let routes = routes_to_text(&header.routes);
    let directory_version = sql_u64(header.directory_version);
    let current_route = header.routes[0].as_str();
    let mut binds: Vec<&dyn ToSql> = vec![
        &header.case_id,
        &header.client_id,
        &header.factory_id,
        &routes,
        &current_route,
        &directory_version,
        &header.receipt_verifier,
        &case.payload,
        &case.now,
        &case.deadline_at,
        &case.signature,
    ];
    if connection.execute(INSERT_CASE, binds.as_slice())? == 0 {
        return Ok(false);
    }
    for sql in FIRST_EVENT {
        connection.execute(sql, &binds[..9])?;
    }
    // The rows that follow the case name it by `?1`; each statement is
    // given the parameters up to the highest it uses.
    binds.truncate(1);
    if !header.recipients.is_empty() {
        for wrapped in &header.recipients {
            binds.extend([&wrapped.handler_id as &dyn ToSql, &wrapped.enc, &wrapped.wrapped_key]);
        }
        // Directories name readers by key id; the share is kept against the account.
        let sql = format!(
            "INSERT INTO case_keys (case_id, handler_id, enc, wrapped_key) \
             SELECT ?1, handlers.id, wrapped.column2, wrapped.column3 \
             FROM (VALUES {}) AS wrapped JOIN handlers ON handlers.key_id = wrapped.column1",
            three_column_rows(2, header.recipients.len())
        );
        connection.execute(&sql, binds.as_slice())?;
    }
    if !header.attachments.is_empty() {
        binds.truncate(1);
        let sizes: Vec<i64> = header.attachments.iter().map(|attachment| sql_u64(attachment.size)).collect();
        for (attachment, size) in header.attachments.iter().zip(&sizes) {
            binds.extend([&attachment.attachment_id as &dyn ToSql, size, &attachment.sha256]);
        }
        let sql = format!(
            "INSERT INTO case_attachments (case_id, attachment_id, size, sha256) \
             SELECT ?1, column1, column2, column3 FROM (VALUES {})",
            three_column_rows(2, header.attachments.len())
        );
        connection.execute(&sql, binds.as_slice())?;
    }
    Ok(true)
}

/// Why a checked submission was not inserted.
enum NotInserted {
    /// Its client id is stored: a device resending what it already sent.
    Stored(CaseRow),
    CaseIdTaken,
    /// The factory or the directory version is not (or no longer) there.
    Unknown,
    /// The directory version now has another signature than the one
    /// checked against.
    DirectoryRewritten,
}

fn why_not_inserted(connection: &Connection, case: &NewCase<'_>) -> Result<NotInserted, ApiError> {
    let header = case.header;
    if let Some(stored) = load_case_by_client_id(connection, &header.client_id)? {
        return Ok(NotInserted::Stored(stored));
    }
    let (taken, factory, signature): (bool, bool, Option<Vec<u8>>) = connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM cases WHERE case_id = ?1), EXISTS (SELECT 1 FROM factories WHERE id = ?2), \
             (SELECT signature FROM directories WHERE version = ?3)",
        params![header.case_id, header.factory_id, sql_u64(header.directory_version)],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    Ok(if taken {
        NotInserted::CaseIdTaken
    } else if !factory || signature.is_none() {
        NotInserted::Unknown
    } else if signature.as_deref() != Some(case.signature) {
        NotInserted::DirectoryRewritten
    } else {
        return Err(ApiError::internal("a checked submission was neither inserted nor refused"));
    })
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
