//! Anonymous follow-up with the receipt: `POST /v1/cases/sync` (news of
//! many cases at once) and `POST /v1/cases/{case_id}/replies` (the worker
//! answers a handler).
//!
//! The worker proves the receipt with its auth token; the hub keeps only
//! `SHA-256(token)` and compares in constant time. A wrong token and an
//! unknown case get the same answer (`refused` in a sync, `unauthorized` on
//! a reply), so the answers do not reveal which case ids exist.
//!
//! Wrong tokens are counted per case id, and the right token always passes.
//! An earlier rule refused every attempt for a case id after ten wrong
//! tokens within an hour — the right one too — so anyone who knew a case id
//! (its committee handler does) could keep the worker from following up
//! their own case (issue 16). Now, past [`MAX_TOKEN_FAILURES`] within
//! [`THROTTLE_WINDOW_SECS`], a case id's wrong tokens are refused without
//! being counted further, and a right token still opens the case. What stops
//! guessing is the receipt's 66-bit secret, not the count: at the hub's
//! request limits (ADR 0014) a guesser needs far longer than any case lives.
//! The count stays bounded and is kept for the operator's metrics.

use crate::db::sql::{Connection, TransactionBehavior, params};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use ring::digest::{SHA256, digest};
use workervoice_protocol::b64;
use workervoice_protocol::envelope::OVERHEAD;
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::grievance::{
    Author, CaseEvent, CaseSyncRequest, CaseSyncResponse, CaseUpdates, HEADER_CASE_TOKEN, MAX_CASES_PER_SYNC,
    WorkerReplyRequest,
};

use super::{CaseRow, NewReply, append_audit, append_event, canonical_case_id, events_after, load_case, reply_event};
use crate::clock::{HOUR_SECS, coarse, unix_now};
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams};
use crate::keys::constant_time_eq;
use crate::state::AppState;

/// Wrong tokens counted per case id within the window (more are refused uncounted).
pub(crate) const MAX_TOKEN_FAILURES: i64 = 10;
/// At most this many wrong-token rows are kept in all (ADR 0014): a flood
/// of wrong tokens for ever new case ids, within one throttle window, can
/// not grow the table past it; the oldest rows go first.
const MAX_TOKEN_FAILURE_ROWS: i64 = 100_000;
/// The throttling window.
pub(crate) const THROTTLE_WINDOW_SECS: i64 = 3600;
/// Longest token accepted (the device's is 32 bytes).
const MAX_TOKEN_BYTES: usize = 64;
/// Longest sealed reply accepted (text of up to 16 KiB).
pub(crate) const MAX_SEALED_REPLY_BYTES: usize = 16 * 1024 + OVERHEAD;
/// Longest reply id accepted.
const MAX_REPLY_ID_CHARS: usize = 64;

/// `POST /v1/cases/sync`.
pub(crate) async fn sync(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<CaseSyncRequest>,
) -> Result<Json<CaseSyncResponse>, ApiError> {
    if request.cases.len() > MAX_CASES_PER_SYNC {
        return Err(ApiError::bad_request());
    }
    // Every token right (what a worker's app sends): answered from a reader,
    // in one read transaction so every case is seen at one moment. Any wrong
    // token sends the whole sync to the writer, which counts failures and
    // throttles exactly as before; a right token is never refused there,
    // so the two paths agree on every case.
    let cursors = request.cases.clone();
    let read = state
        .db
        .read(move |connection| {
            let tx = connection.transaction()?;
            let mut response = CaseSyncResponse::default();
            for cursor in cursors.clone() {
                let Some(case) = token_matches(&tx, &cursor.case_id, &cursor.token)? else { return Ok(None) };
                let events = events_after(&tx, &case.case_id, cursor.since)?;
                if !events.is_empty() {
                    response.updates.push(CaseUpdates { case_id: cursor.case_id, status: case.status, events });
                }
            }
            Ok(Some(response))
        })
        .await?;
    if let Some(response) = read {
        return Ok(Json(response));
    }
    let response = state
        .db
        .run(move |connection| {
            let now = unix_now();
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            forget_old_failures(&tx, now)?;
            let mut response = CaseSyncResponse::default();
            for cursor in request.cases.clone() {
                match check_token(&tx, &cursor.case_id, &cursor.token, now)? {
                    Some(case) => {
                        let events = events_after(&tx, &case.case_id, cursor.since)?;
                        if !events.is_empty() {
                            response.updates.push(CaseUpdates { case_id: cursor.case_id, status: case.status, events });
                        }
                    }
                    None => response.refused.push(cursor.case_id),
                }
            }
            tx.commit()?;
            Ok(response)
        })
        .await?;
    Ok(Json(response))
}

/// `POST /v1/cases/{case_id}/replies` with the token in [`HEADER_CASE_TOKEN`]:
/// appends the worker's sealed reply, or returns the event already holding
/// this `reply_id`.
pub(crate) async fn worker_reply(
    State(state): State<AppState>,
    PathParams(case_id): PathParams<String>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<WorkerReplyRequest>,
) -> Result<Json<CaseEvent>, ApiError> {
    let token = headers
        .get(HEADER_CASE_TOKEN)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| b64::decode(value.trim()))
        .ok_or_else(ApiError::unauthorized)?;
    if !is_plausible_reply_id(&request.reply_id) || request.reply.len() < OVERHEAD {
        return Err(ApiError::bad_request());
    }
    if request.reply.len() > MAX_SEALED_REPLY_BYTES {
        return Err(ApiError::code(HubErrorCode::PayloadTooLarge));
    }
    let event = state
        .db
        .run(move |connection| {
            let now = unix_now();
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            forget_old_failures(&tx, now)?;
            let Some(case) = check_token(&tx, &case_id, &token, now)? else {
                tx.commit()?;
                return Err(ApiError::unauthorized());
            };
            if let Some(existing) = reply_event(&tx, &case.case_id, &request.reply_id)? {
                return Ok(existing);
            }
            let reply = NewReply { author: Author::Worker, reply_id: &request.reply_id, sealed: &request.reply };
            // The hour only (ADR 0016), as for the report itself.
            let at = coarse(now, HOUR_SECS);
            let event = append_event(&tx, &case.case_id, at, None, Some(reply))?;
            append_audit(&tx, &case.case_id, at, "device", "reply")?;
            tx.commit()?;
            Ok(event)
        })
        .await?;
    Ok(Json(event))
}

/// A client-generated reply id: 1 to 64 characters of `[A-Za-z0-9_-]`.
pub(crate) fn is_plausible_reply_id(reply_id: &str) -> bool {
    !reply_id.is_empty()
        && reply_id.len() <= MAX_REPLY_ID_CHARS
        && reply_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn forget_old_failures(connection: &Connection, now: i64) -> Result<(), ApiError> {
    connection.execute("DELETE FROM case_token_failures WHERE at <= ?1", [now - THROTTLE_WINDOW_SECS])?;
    Ok(())
}

/// Checks a receipt token for a case id as typed, inside the caller's write
/// transaction, counting a failure. `Some` exactly for an existing case
/// whose verifier matches, however many wrong tokens its id has seen.
fn check_token(
    connection: &Connection,
    typed_case_id: &str,
    token: &[u8],
    now: i64,
) -> Result<Option<CaseRow>, ApiError> {
    let Some(case_id) = canonical_case_id(typed_case_id) else {
        return Ok(None);
    };
    if let Some(case) = token_matches(connection, &case_id, token)? {
        return Ok(Some(case));
    }
    let failures: i64 = connection.query_row(
        "SELECT count(*) FROM case_token_failures WHERE case_id = ?1 AND at > ?2",
        params![case_id, now - THROTTLE_WINDOW_SECS],
        |row| row.get(0),
    )?;
    if failures >= MAX_TOKEN_FAILURES {
        return Ok(None);
    }
    connection.execute("INSERT INTO case_token_failures (case_id, at) VALUES (?1, ?2)", params![case_id, now])?;
    cap_token_failures(connection, MAX_TOKEN_FAILURE_ROWS)?;
    Ok(None)
}

/// The case a receipt token opens, if it is right; only reads, counts
/// nothing (a reader connection will do).
fn token_matches(connection: &Connection, typed_case_id: &str, token: &[u8]) -> Result<Option<CaseRow>, ApiError> {
    let Some(case_id) = canonical_case_id(typed_case_id) else {
        return Ok(None);
    };
    let case = load_case(connection, &case_id)?;
    let presented = digest(&SHA256, token);
    // Compare against a dummy for unknown cases, so both take the same path.
    let verifier = case.as_ref().map_or(&[0u8; 32][..], |case| case.receipt_verifier.as_slice());
    let matches = constant_time_eq(presented.as_ref(), verifier);
    Ok(if matches && token.len() <= MAX_TOKEN_BYTES && !token.is_empty() { case } else { None })
}

/// Deletes the oldest wrong-token rows beyond `cap`. Row ids only grow while
/// the table is not empty, so `max(rowid) - cap` bounds the rows to keep
/// without counting them.
fn cap_token_failures(connection: &Connection, cap: i64) -> Result<(), ApiError> {
    connection.execute(
        "DELETE FROM case_token_failures WHERE rowid <= (SELECT max(rowid) FROM case_token_failures) - ?1",
        [cap],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_ids_are_short_plain_tokens() {
        assert!(is_plausible_reply_id(&uuid::Uuid::new_v4().to_string()));
        assert!(is_plausible_reply_id("r_1"));
        assert!(!is_plausible_reply_id(""));
        assert!(!is_plausible_reply_id("a b"));
        assert!(!is_plausible_reply_id(&"x".repeat(65)));
    }

    #[test]
    fn wrong_tokens_for_ever_new_case_ids_keep_at_most_the_cap_of_rows() {
        let dir = tempfile::tempdir().unwrap();
        let connection = crate::db::open_connection(dir.path()).unwrap();
        let now = unix_now();
        for _ in 0..50 {
            let case_id = uuid::Uuid::new_v4().to_string();
            connection
                .execute("INSERT INTO case_token_failures (case_id, at) VALUES (?1, ?2)", params![case_id, now])
                .unwrap();
            cap_token_failures(&connection, 20).unwrap();
        }
        let rows: i64 = connection.query_row("SELECT count(*) FROM case_token_failures", [], |row| row.get(0)).unwrap();
        assert_eq!(rows, 20);
    }
}
