//! Escalation seen and done by a reader: where a case stands among the
//! routes the worker allowed (`GET /handler/v1/cases/{case_id}/escalation`),
//! and handing it to the next allowed route by hand
//! (`POST /handler/v1/cases/{case_id}/escalate`), e.g. when the factory
//! committee sees that the report is about one of its own members.
//!
//! Handing over by hand needs no key on the hub: the device wrapped the
//! content key to every reader of every route the worker allowed when it
//! sealed the report (`cases::submit` checks exactly that), so the readers
//! of the next route can already open it; the hub only moves the case, as
//! the escalation pass does when a deadline passes (`cases::escalation`):
//! status `escalated`, an event the worker sees, the next route's deadline
//! from the directory the case was sealed to, the hand-over recorded (the
//! route left sees the events up to it only), and `escalated:<route>` in
//! the case's audit log — here with the reader as its actor. Only a reader
//! of the current route may do it, only to the next route the worker
//! allowed, never past the last, and not once the case is resolved or closed.

use crate::db::sql::{Connection, TransactionBehavior};
use axum::Json;
use axum::extract::State;
use workervoice_protocol::grievance::CaseStatus;
use workervoice_protocol::handler::CaseEscalation;

use super::sessions::{HandlerIdentity, HandlerSession};
use super::work::{Access, actor, load_access};
use crate::cases::deadlines::route_deadlines;
use crate::clock::unix_now;
use crate::directory::load_directory;
use crate::error::ApiError;
use crate::extract::PathParams;
use crate::state::AppState;

/// Whether a reader replied to the case.
fn answered(connection: &Connection, case_id: &str) -> Result<bool, ApiError> {
    Ok(connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM case_events WHERE case_id = ?1 AND author = 'handler')",
        [case_id],
        |row| row.get(0),
    )?)
}

/// Whether the reader of `access` may hand the case on now.
fn may_escalate(access: &Access) -> bool {
    access.current
        && access.case.routes.get(access.case.route_index + 1).is_some()
        && !matches!(access.case.status, CaseStatus::Resolved | CaseStatus::Closed)
}

/// The case's standing for the reader of `access`; deadlines at `calendar_now`.
fn standing(connection: &Connection, access: &Access, calendar_now: i64) -> Result<CaseEscalation, ApiError> {
    let case = &access.case;
    let deadlines = route_deadlines(connection, case.current_route)?;
    let dates = deadlines.for_case(case, answered(connection, &case.case_id)?, calendar_now);
    Ok(CaseEscalation {
        routes: case.routes.clone(),
        current_route: case.current_route,
        next_route: case.routes.get(case.route_index + 1).copied(),
        escalation_deadline_at: case.deadline_at,
        escalation_exhausted: case.escalation_exhausted,
        acknowledge_by: dates.acknowledge_by,
        respond_by: dates.respond_by,
        resolve_by: dates.resolve_by,
        overdue_deadlines: dates.overdue,
        current: access.current,
        can_escalate: may_escalate(access),
    })
}

/// `GET /handler/v1/cases/{case_id}/escalation`.
pub(super) async fn view(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(case_id): PathParams<String>,
) -> Result<Json<CaseEscalation>, ApiError> {
    let identity = session.identity;
    let calendar_now = state.calendar_now();
    let standing = state
        .db
        .read(move |connection| {
            let access = load_access(connection, &case_id, &identity)?;
            standing(connection, &access, calendar_now)
        })
        .await?;
    Ok(Json(standing))
}

/// Moves the case of `access` to its next allowed route at `now`, as
/// `identity`. The caller checked [`may_escalate`].
fn hand_over(connection: &Connection, access: &Access, identity: &HandlerIdentity, now: i64) -> Result<(), ApiError> {
    let case = &access.case;
    let next_route = *case.routes.get(case.route_index + 1).ok_or_else(ApiError::bad_request)?;
    let directory = load_directory(connection, case.directory_version)?
        .ok_or_else(|| ApiError::internal("a case names a directory version that is gone"))?;
    crate::cases::escalation::move_to_route(connection, case, &directory, next_route, now, &actor(identity))
}

/// `POST /handler/v1/cases/{case_id}/escalate`: hands the case to the next
/// route the worker allowed. `unauthorized` for a reader of an earlier
/// route, `bad_request` on the last route or for a resolved or closed case.
/// Answers the case's new standing (which this reader, now of an earlier
/// route, may still read).
pub(super) async fn escalate(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(case_id): PathParams<String>,
) -> Result<Json<CaseEscalation>, ApiError> {
    let identity = session.identity;
    let calendar_now = state.calendar_now();
    let standing = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let access = load_access(&tx, &case_id, &identity)?;
            if !access.current {
                return Err(ApiError::unauthorized());
            }
            if !may_escalate(&access) {
                return Err(ApiError::bad_request());
            }
            hand_over(&tx, &access, &identity, unix_now())?;
            let moved = load_access(&tx, &case_id, &identity)?;
            let standing = standing(&tx, &moved, calendar_now)?;
            tx.commit()?;
            Ok(standing)
        })
        .await?;
    Ok(Json(standing))
}
