//! Escalation: a case nobody acknowledged by its deadline moves to the next
//! route the worker allowed.
//!
//! A case is due when its status is still `received` (or `escalated`, i.e.
//! the route it escalated to has not acknowledged it either) and its
//! deadline has passed. It then moves to the next route in its allowed
//! list: status `escalated`, an event the worker sees, a new deadline from
//! the route's entry in the directory version the case was sealed to, and an
//! audit entry `escalated:<route>`. A route the worker did not allow never
//! gets the case — it holds no wrapped key for it anyway.
//!
//! Escalation hands over, it does not widen: the route a case leaves is
//! recorded with the escalation event's sequence number (`case_handovers`),
//! and its readers are served the case's events up to that one only. This
//! is the hub's rule, not cryptography's: replies are sealed under the one
//! reply key in the payload, which the earlier readers hold (ADR 0015).
//!
//! A due case on the last allowed route stays where it is. It is marked
//! (`escalation_exhausted`), shows as `overdue` in handlers' lists, gets the
//! audit entry `escalation_exhausted`, and is not looked at again until a
//! handler sets a status.
//!
//! The hub runs [`escalate_due`] every
//! [`HubConfig::escalation_interval`](crate::HubConfig::escalation_interval);
//! tests call it directly with a `now` of their choosing.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::db::sql::{Connection, TransactionBehavior, params};
use workervoice_protocol::directory::{Directory, Route};
use workervoice_protocol::grievance::CaseStatus;

use super::{CASE_COLUMNS, CaseRow, append_audit, append_event, status_str};
use crate::db::sql_u64;
use crate::directory::{default_deadline_hours, load_directory, route_entry};
use crate::error::ApiError;
use crate::state::AppState;

/// What one escalation pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EscalationReport {
    /// Cases moved to their next allowed route.
    pub escalated: usize,
    /// Cases overdue on their last allowed route, newly marked as such.
    pub exhausted: usize,
}

/// The advisory lock key of the escalation pass ("WVESCALA" in ASCII).
pub(crate) const ESCALATION_JOB: i64 = 0x5756_4553_4341_4c41;

/// Escalates every case whose deadline passed by `now` (unix seconds).
pub(crate) async fn escalate_due(state: &AppState, now: i64) -> Result<EscalationReport, ApiError> {
    let report = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // One pass at a time across hub processes on one PostgreSQL
            // database: the others skip this round (ADR 0019).
            if !tx.try_job_lock(ESCALATION_JOB)? {
                return Ok(EscalationReport::default());
            }
            let due = {
                let mut statement = tx.prepare(&format!(
                    "SELECT {CASE_COLUMNS} FROM cases \
                     WHERE status IN ('received', 'escalated') AND escalation_exhausted = 0 AND deadline_at <= ?1 \
                     ORDER BY deadline_at, case_id"
                ))?;
                statement.query_map([now], CaseRow::from_row)?.collect::<Result<Vec<_>, _>>()?
            };
            let mut directories: HashMap<u64, Directory> = HashMap::new();
            let mut report = EscalationReport::default();
            for case in due {
                let Some(&next_route) = case.routes.get(case.route_index + 1) else {
                    tx.execute("UPDATE cases SET escalation_exhausted = 1 WHERE case_id = ?1", [&case.case_id])?;
                    append_audit(&tx, &case.case_id, now, "hub", "escalation_exhausted")?;
                    report.exhausted += 1;
                    continue;
                };
                let directory = match directories.entry(case.directory_version) {
                    Entry::Occupied(entry) => entry.into_mut(),
                    Entry::Vacant(entry) => entry.insert(
                        load_directory(&tx, case.directory_version)?
                            .ok_or_else(|| ApiError::internal("a case names a directory version that is gone"))?,
                    ),
                };
                move_to_route(&tx, &case, directory, next_route, now, "hub")?;
                report.escalated += 1;
            }
            tx.commit()?;
            Ok(report)
        })
        .await?;
    if report != EscalationReport::default() {
        tracing::info!(escalated = report.escalated, exhausted = report.exhausted, "escalation pass");
    }
    Ok(report)
}

/// Moves `case` to `next_route` (the next route its worker allowed) at
/// `now`, as `actor`: the route's deadline from `directory`, an `escalated`
/// event, the hand-over mark that keeps what the earlier route may read, and
/// the audit line. The deadline pass and a reader's hand-over both use it.
pub(crate) fn move_to_route(
    connection: &Connection,
    case: &CaseRow,
    directory: &Directory,
    next_route: Route,
    now: i64,
    actor: &str,
) -> Result<(), ApiError> {
    let hours = route_entry(directory, next_route, &case.factory_id)
        .map_or(default_deadline_hours(next_route), |entry| entry.response_deadline_hours);
    connection.execute(
        "UPDATE cases SET route_index = ?1, current_route = ?2, status = ?3, deadline_at = ?4, \
           escalation_exhausted = 0 WHERE case_id = ?5",
        params![
            sql_u64(case.route_index as u64 + 1),
            next_route.as_str(),
            status_str(CaseStatus::Escalated),
            now.saturating_add(i64::from(hours) * 3600),
            case.case_id
        ],
    )?;
    let handover = append_event(connection, &case.case_id, now, Some(CaseStatus::Escalated), None)?;
    // The route the case leaves keeps what it had, up to and including the
    // escalation itself, and sees nothing newer.
    connection.execute(
        "INSERT INTO case_handovers (case_id, route, last_seq) VALUES (?1, ?2, ?3) \
         ON CONFLICT (case_id, route) DO UPDATE SET last_seq = excluded.last_seq",
        params![case.case_id, case.current_route.as_str(), sql_u64(handover.seq)],
    )?;
    append_audit(connection, &case.case_id, now, actor, &format!("escalated:{}", next_route.as_str()))
}
