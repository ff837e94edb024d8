//! Grievance cases: sealed submissions from devices, their attachments, the
//! anonymous follow-up by receipt token, and escalation when a route misses
//! its deadline.
//!
//! The hub routes and stores ciphertext. It never holds a key that opens a
//! submission (ADR 0015, [`crate::case_handlers`]): the payload and
//! attachments are sealed under a content key that only the readers' private
//! keys unwrap — kept by the readers' own clients —, and replies are sealed
//! under the case's reply key, which travels inside the payload. What the hub does read is
//! the routing metadata of [`SubmissionHeader`](workervoice_protocol::grievance::SubmissionHeader):
//! factory, allowed routes, directory version, recipients, attachment sizes,
//! and a SHA-256 verifier of the receipt's token.
//!
//! This module holds the case rows, events and audit log shared by the
//! device endpoints (submodules) and the handler endpoints.

pub(crate) mod attachments;
pub(crate) mod category_counts;
pub(crate) mod deadlines;
pub(crate) mod escalation;
pub(crate) mod follow_up;
pub(crate) mod grievance_report;
pub(crate) mod intake;
pub(crate) mod submit;

use crate::db::sql::{Connection, OptionalExtension, Row, params};
use axum::Router;
use axum::routing::{post, put};
use workervoice_protocol::codes::{CASE_ID_SYMBOLS, normalize_code};
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{Author, CaseEvent, CaseStatus};
use workervoice_protocol::handler::{AuditEntry, CaseSummary};
use workervoice_protocol::paths;

use crate::db::{column_u64, sql_u64};
use crate::directory::route_from_str;
use crate::error::ApiError;
use crate::state::AppState;

/// The device routes for grievances (all unsigned: a submission carries no
/// device or worker identifier).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::SUBMISSIONS, post(submit::submit))
        // A batch is larger than any other request: its own body limit.
        .route(
            paths::SUBMISSIONS_BATCH,
            post(submit::submit_batch)
                .layer(axum::extract::DefaultBodyLimit::max(workervoice_protocol::grievance::MAX_BATCH_BYTES)),
        )
        .route(
            "/v1/submissions/{client_id}/attachments/{attachment_id}",
            put(attachments::upload).get(attachments::progress),
        )
        .route(paths::CASES_SYNC, post(follow_up::sync))
        .route("/v1/cases/{case_id}/replies", post(follow_up::worker_reply))
}

const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The canonical form of a case id (`XXXXX-XXXXX`, upper-case Crockford
/// base32), from the way a person may type it; `None` if it cannot be one.
pub(crate) fn canonical_case_id(typed: &str) -> Option<String> {
    if typed.len() > 4 * CASE_ID_SYMBOLS {
        return None;
    }
    let normalized = normalize_code(typed);
    let valid = normalized.len() == CASE_ID_SYMBOLS && normalized.chars().all(|c| CROCKFORD.contains(c));
    valid.then(|| format!("{}-{}", &normalized[..5], &normalized[5..]))
}

/// Whether `text` is a UUID in its canonical form (lower-case, hyphenated).
/// Ids that end up in associated data must have exactly one spelling.
pub(crate) fn is_canonical_uuid(text: &str) -> bool {
    uuid::Uuid::try_parse(text).is_ok_and(|uuid| uuid.hyphenated().to_string() == text)
}

/// The stored name of a status.
pub(crate) fn status_str(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Received => "received",
        CaseStatus::Acknowledged => "acknowledged",
        CaseStatus::Investigating => "investigating",
        CaseStatus::Resolved => "resolved",
        CaseStatus::Closed => "closed",
        CaseStatus::Escalated => "escalated",
    }
}

fn status_from_str(text: &str) -> Option<CaseStatus> {
    [
        CaseStatus::Received,
        CaseStatus::Acknowledged,
        CaseStatus::Investigating,
        CaseStatus::Resolved,
        CaseStatus::Closed,
        CaseStatus::Escalated,
    ]
    .into_iter()
    .find(|status| status_str(*status) == text)
}

fn author_str(author: Author) -> &'static str {
    match author {
        Author::Handler => "handler",
        Author::Worker => "worker",
    }
}

fn author_from_str(text: &str) -> Option<Author> {
    [Author::Handler, Author::Worker].into_iter().find(|author| author_str(*author) == text)
}

/// Allowed routes as stored: wire names, comma-separated, in order.
pub(crate) fn routes_to_text(routes: &[Route]) -> String {
    routes.iter().map(|route| route.as_str()).collect::<Vec<_>>().join(",")
}

fn damaged(what: &str) -> crate::db::sql::Error {
    crate::db::sql::Error::Damaged(what.to_owned())
}

/// One case, with everything but its payload.
#[derive(Debug, Clone)]
pub(crate) struct CaseRow {
    pub(crate) case_id: String,
    pub(crate) client_id: String,
    pub(crate) factory_id: String,
    pub(crate) routes: Vec<Route>,
    pub(crate) route_index: usize,
    pub(crate) current_route: Route,
    pub(crate) directory_version: u64,
    pub(crate) receipt_verifier: Vec<u8>,
    pub(crate) status: CaseStatus,
    pub(crate) received_at: i64,
    pub(crate) deadline_at: i64,
    pub(crate) escalation_exhausted: bool,
}

/// The columns [`CaseRow::from_row`] reads, in order.
pub(crate) const CASE_COLUMNS: &str = "case_id, client_id, factory_id, routes, route_index, current_route, \
     directory_version, receipt_verifier, status, received_at, deadline_at, escalation_exhausted";

impl CaseRow {
    /// Reads a row selected with [`CASE_COLUMNS`].
    pub(crate) fn from_row(row: &Row<'_>) -> crate::db::sql::Result<Self> {
        let routes_text: String = row.get(3)?;
        let routes = routes_text
            .split(',')
            .map(|name| route_from_str(name).ok_or_else(|| damaged("route")))
            .collect::<crate::db::sql::Result<Vec<_>>>()?;
        let current_route: String = row.get(5)?;
        let status: String = row.get(8)?;
        Ok(Self {
            case_id: row.get(0)?,
            client_id: row.get(1)?,
            factory_id: row.get(2)?,
            routes,
            route_index: usize::try_from(column_u64(row, 4)?).map_err(|_| damaged("route index"))?,
            current_route: route_from_str(&current_route).ok_or_else(|| damaged("route"))?,
            directory_version: column_u64(row, 6)?,
            receipt_verifier: row.get(7)?,
            status: status_from_str(&status).ok_or_else(|| damaged("status"))?,
            received_at: row.get(9)?,
            deadline_at: row.get(10)?,
            escalation_exhausted: row.get(11)?,
        })
    }

    /// Whether nobody has acknowledged the case on its current route.
    pub(crate) fn unacknowledged(&self) -> bool {
        matches!(self.status, CaseStatus::Received | CaseStatus::Escalated)
    }

    /// The case as a handler's list shows it.
    pub(crate) fn summary(&self, now: i64) -> CaseSummary {
        CaseSummary {
            case_id: self.case_id.clone(),
            status: self.status,
            current_route: self.current_route,
            factory_id: self.factory_id.clone(),
            received_at: self.received_at,
            deadline_at: self.deadline_at,
            overdue: self.unacknowledged() && (self.escalation_exhausted || self.deadline_at <= now),
        }
    }
}

/// A case by its canonical id.
pub(crate) fn load_case(connection: &Connection, case_id: &str) -> Result<Option<CaseRow>, ApiError> {
    Ok(connection
        .query_row(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE case_id = ?1"), [case_id], CaseRow::from_row)
        .optional()?)
}

/// A case by the client id of its submission.
pub(crate) fn load_case_by_client_id(connection: &Connection, client_id: &str) -> Result<Option<CaseRow>, ApiError> {
    Ok(connection
        .query_row(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE client_id = ?1"), [client_id], CaseRow::from_row)
        .optional()?)
}

/// A reply to store with an event.
pub(crate) struct NewReply<'a> {
    pub(crate) author: Author,
    pub(crate) reply_id: &'a str,
    pub(crate) sealed: &'a [u8],
}

/// Appends the next event of a case and returns it.
pub(crate) fn append_event(
    connection: &Connection,
    case_id: &str,
    at: i64,
    status: Option<CaseStatus>,
    reply: Option<NewReply<'_>>,
) -> Result<CaseEvent, ApiError> {
    let seq = connection.query_row(
        "SELECT coalesce(max(seq), 0) + 1 FROM case_events WHERE case_id = ?1",
        [case_id],
        |row| column_u64(row, 0),
    )?;
    connection.execute(
        "INSERT INTO case_events (case_id, seq, at, status, author, reply, reply_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            case_id,
            sql_u64(seq),
            at,
            status.map(status_str),
            reply.as_ref().map(|reply| author_str(reply.author)),
            reply.as_ref().map(|reply| reply.sealed),
            reply.as_ref().map(|reply| reply.reply_id),
        ],
    )?;
    Ok(CaseEvent {
        seq,
        at,
        status,
        author: reply.as_ref().map(|reply| reply.author),
        reply: reply.as_ref().map(|reply| reply.sealed.to_vec()),
        reply_id: reply.map(|reply| reply.reply_id.to_owned()),
    })
}

const EVENT_COLUMNS: &str = "seq, at, status, author, reply, reply_id";

fn event_from_row(row: &Row<'_>) -> crate::db::sql::Result<CaseEvent> {
    let status: Option<String> = row.get(2)?;
    let author: Option<String> = row.get(3)?;
    Ok(CaseEvent {
        seq: column_u64(row, 0)?,
        at: row.get(1)?,
        status: status.map(|text| status_from_str(&text).ok_or_else(|| damaged("status"))).transpose()?,
        author: author.map(|text| author_from_str(&text).ok_or_else(|| damaged("author"))).transpose()?,
        reply: row.get(4)?,
        reply_id: row.get(5)?,
    })
}

/// The events of a case after `since`, in order.
pub(crate) fn events_after(connection: &Connection, case_id: &str, since: u64) -> Result<Vec<CaseEvent>, ApiError> {
    let since = sql_u64(since);
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM case_events WHERE case_id = ?1 AND seq > ?2 ORDER BY seq"
    ))?;
    let events = statement.query_map(params![case_id, since], event_from_row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(events)
}

/// The event holding reply `reply_id` of a case, if there is one.
pub(crate) fn reply_event(
    connection: &Connection,
    case_id: &str,
    reply_id: &str,
) -> Result<Option<CaseEvent>, ApiError> {
    Ok(connection
        .query_row(
            &format!("SELECT {EVENT_COLUMNS} FROM case_events WHERE case_id = ?1 AND reply_id = ?2"),
            params![case_id, reply_id],
            event_from_row,
        )
        .optional()?)
}

/// The latest status change of a case.
pub(crate) fn last_status_event(connection: &Connection, case_id: &str) -> Result<Option<CaseEvent>, ApiError> {
    Ok(connection
        .query_row(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM case_events WHERE case_id = ?1 AND status IS NOT NULL \
                 ORDER BY seq DESC LIMIT 1"
            ),
            [case_id],
            event_from_row,
        )
        .optional()?)
}

/// Adds an audit entry: who did what, never content.
pub(crate) fn append_audit(
    connection: &Connection,
    case_id: &str,
    at: i64,
    actor: &str,
    action: &str,
) -> Result<(), ApiError> {
    connection.execute(
        "INSERT INTO case_audit (case_id, at, actor, action) VALUES (?1, ?2, ?3, ?4)",
        params![case_id, at, actor, action],
    )?;
    Ok(())
}

/// The audit log of a case, oldest first.
pub(crate) fn audit_entries(connection: &Connection, case_id: &str) -> Result<Vec<AuditEntry>, ApiError> {
    let mut statement =
        connection.prepare_cached("SELECT at, actor, action FROM case_audit WHERE case_id = ?1 ORDER BY id")?;
    let entries = statement
        .query_map([case_id], |row| Ok(AuditEntry { at: row.get(0)?, actor: row.get(1)?, action: row.get(2)? }))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use workervoice_protocol::codes::format_case_id;

    #[test]
    fn case_ids_are_canonicalised_from_sloppy_typing() {
        assert_eq!(canonical_case_id("k7q2m 9xd4r").as_deref(), Some("K7Q2M-9XD4R"));
        assert_eq!(canonical_case_id("K7Q2M-9XD4R").as_deref(), Some("K7Q2M-9XD4R"));
        assert_eq!(canonical_case_id("K7Q2M-9XD4").as_deref(), None);
        assert_eq!(canonical_case_id("K7Q2M-9XD4U").as_deref(), None, "U is not Crockford");
        assert_eq!(canonical_case_id("").as_deref(), None);
    }

    #[test]
    fn only_canonical_uuids_pass() {
        let uuid = uuid::Uuid::new_v4();
        assert!(is_canonical_uuid(&uuid.to_string()));
        assert!(!is_canonical_uuid(&uuid.to_string().to_uppercase()));
        assert!(!is_canonical_uuid(&uuid.simple().to_string()));
        assert!(!is_canonical_uuid("not-a-uuid"));
    }

    proptest! {
        #[test]
        fn every_formatted_case_id_is_its_own_canonical_form(bytes in any::<[u8; 8]>()) {
            let case_id = format_case_id(bytes);
            prop_assert_eq!(canonical_case_id(&case_id), Some(case_id));
        }

        #[test]
        fn canonicalising_arbitrary_text_never_panics(text in ".*") {
            let _ = canonical_case_id(&text);
        }
    }
}
