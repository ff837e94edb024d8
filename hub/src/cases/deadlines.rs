//! The deadlines a route sets its readers (ADR 0020): acknowledge, respond
//! (reply to the worker: the EU whistleblowing directive's "feedback") and
//! resolve, in whole days from the day a case was received.
//!
//! These are the handlers' working deadlines, kept on the hub and set by a
//! programme admin (`POST /admin/v1/deadlines/{route}`, audited). They are
//! not the escalation deadline: that one is in the signed directory
//! (`response_deadline_hours`), which devices hold and which moves a case
//! nobody acknowledged to the next route; changing it needs the key
//! holder's signature. A route without a row has the programme's defaults
//! (acknowledge in 7 days, reply in 90, no resolution deadline).
//!
//! Dates are computed from the times the hub already keeps: a report's
//! receipt to the hour (ADR 0016), rounded here to its day; nothing finer is
//! stored for them.

use crate::db::sql::{Connection, OptionalExtension, TransactionBehavior, params};
use axum::Json;
use axum::extract::{Extension, State};
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::CaseStatus;
use workervoice_protocol::handler::{DeadlineKind, RouteDeadlines, SetRouteDeadlinesRequest};

use super::CaseRow;
use crate::clock::{DAY_SECS, coarse};
use crate::directory::route_from_str;
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams};
use crate::staff::audit;
use crate::staff::guard::StaffActor;
use crate::state::AppState;

/// Days to acknowledge by default (EU directive 2019/1937, art. 9(1)(b)).
pub(crate) const DEFAULT_ACKNOWLEDGE_DAYS: u32 = 7;
/// Days to reply by default (the directive's three months for feedback).
pub(crate) const DEFAULT_RESPOND_DAYS: u32 = 90;
/// Longest acknowledge or respond deadline accepted.
const MAX_DAYS: u32 = 366;
/// Longest resolution deadline accepted.
const MAX_RESOLVE_DAYS: u32 = 3660;

/// A route's deadlines, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Deadlines {
    pub(crate) acknowledge_days: u32,
    pub(crate) respond_days: u32,
    pub(crate) resolve_days: Option<u32>,
    /// No admin set them.
    pub(crate) default: bool,
}

impl Default for Deadlines {
    fn default() -> Self {
        Self {
            acknowledge_days: DEFAULT_ACKNOWLEDGE_DAYS,
            respond_days: DEFAULT_RESPOND_DAYS,
            resolve_days: None,
            default: true,
        }
    }
}

/// The end of the `days`-th day after the day of `received_at` (UTC).
fn due(received_at: i64, days: u32) -> i64 {
    coarse(received_at, DAY_SECS).saturating_add((i64::from(days) + 1) * DAY_SECS)
}

/// A case's deadlines as dates, and what it missed by `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaseDeadlines {
    pub(crate) acknowledge_by: i64,
    pub(crate) respond_by: i64,
    pub(crate) resolve_by: Option<i64>,
    pub(crate) next_deadline_at: Option<i64>,
    pub(crate) overdue: Vec<DeadlineKind>,
}

impl Deadlines {
    /// The dates for `case` (of which a reader replied if `answered`) at `now`.
    pub(crate) fn for_case(&self, case: &CaseRow, answered: bool, now: i64) -> CaseDeadlines {
        let acknowledge_by = due(case.received_at, self.acknowledge_days);
        let respond_by = due(case.received_at, self.respond_days);
        let resolve_by = self.resolve_days.map(|days| due(case.received_at, days));
        let open = !matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed);
        let mut pending = Vec::new();
        if case.unacknowledged() {
            pending.push((DeadlineKind::Acknowledge, acknowledge_by));
        }
        if open && !answered {
            pending.push((DeadlineKind::Respond, respond_by));
        }
        if open && let Some(resolve_by) = resolve_by {
            pending.push((DeadlineKind::Resolve, resolve_by));
        }
        let overdue = pending.iter().filter(|(_, at)| *at <= now).map(|(kind, _)| *kind).collect();
        // The escalation deadline is a deadline too while nobody acknowledged.
        let escalation = (case.unacknowledged() && !case.escalation_exhausted).then_some(case.deadline_at);
        let next_deadline_at = pending.iter().map(|(_, at)| *at).chain(escalation).min();
        CaseDeadlines { acknowledge_by, respond_by, resolve_by, next_deadline_at, overdue }
    }
}

/// The deadlines of `route`: the admin's, or the programme's defaults.
pub(crate) fn route_deadlines(connection: &Connection, route: Route) -> Result<Deadlines, ApiError> {
    let row = connection
        .query_row(
            "SELECT acknowledge_days, respond_days, resolve_days FROM route_deadlines WHERE route = ?1",
            [route.as_str()],
            |row| Ok((row.get::<_, u32>(0)?, row.get::<_, u32>(1)?, row.get::<_, Option<u32>>(2)?)),
        )
        .optional()?;
    Ok(match row {
        Some((acknowledge_days, respond_days, resolve_days)) => {
            Deadlines { acknowledge_days, respond_days, resolve_days, default: false }
        }
        None => Deadlines::default(),
    })
}

fn wire(route: Route, deadlines: Deadlines) -> RouteDeadlines {
    RouteDeadlines {
        route,
        acknowledge_days: deadlines.acknowledge_days,
        respond_days: deadlines.respond_days,
        resolve_days: deadlines.resolve_days,
        default: deadlines.default,
    }
}

/// `GET /admin/v1/deadlines`: every route's deadlines.
pub(crate) async fn list(State(state): State<AppState>) -> Result<Json<Vec<RouteDeadlines>>, ApiError> {
    let all = state
        .db
        .run(|connection| {
            Route::ALL
                .into_iter()
                .map(|route| Ok(wire(route, route_deadlines(connection, route)?)))
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    Ok(Json(all))
}

/// Checks an admin's deadlines: each in range, and in the order a case
/// meets them (acknowledge, then reply, then resolve).
fn checked(request: &SetRouteDeadlinesRequest) -> Result<(), ApiError> {
    let in_range = (1..=MAX_DAYS).contains(&request.acknowledge_days)
        && (1..=MAX_DAYS).contains(&request.respond_days)
        && request.resolve_days.is_none_or(|days| (1..=MAX_RESOLVE_DAYS).contains(&days));
    let ordered = request.acknowledge_days <= request.respond_days
        && request.resolve_days.is_none_or(|days| request.respond_days <= days);
    if in_range && ordered { Ok(()) } else { Err(ApiError::bad_request()) }
}

/// `POST /admin/v1/deadlines/{route}`: sets a route's deadlines (programme
/// admins), with an audit row naming the new values.
pub(crate) async fn set(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams(route): PathParams<String>,
    JsonBody(request): JsonBody<SetRouteDeadlinesRequest>,
) -> Result<Json<RouteDeadlines>, ApiError> {
    let route = route_from_str(&route).ok_or_else(ApiError::not_found)?;
    checked(&request)?;
    let now = state.calendar_now();
    let set = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO route_deadlines (route, acknowledge_days, respond_days, resolve_days, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (route) DO UPDATE SET acknowledge_days = excluded.acknowledge_days, \
                   respond_days = excluded.respond_days, resolve_days = excluded.resolve_days, \
                   updated_at = excluded.updated_at",
                params![route.as_str(), request.acknowledge_days, request.respond_days, request.resolve_days, now],
            )?;
            let resolve = request.resolve_days.map_or_else(|| "-".to_owned(), |days| days.to_string());
            let action = format!("deadlines_set:{},{},{resolve}", request.acknowledge_days, request.respond_days);
            audit::append(&tx, &actor.actor, &action, "route", route.as_str())?;
            let set = route_deadlines(&tx, route)?;
            tx.commit()?;
            Ok(set)
        })
        .await?;
    Ok(Json(wire(route, set)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(status: CaseStatus, received_at: i64) -> CaseRow {
        CaseRow {
            case_id: "AAAAA-AAAAA".into(),
            client_id: "c".into(),
            factory_id: "f".into(),
            routes: vec![Route::IndependentHotline],
            route_index: 0,
            current_route: Route::IndependentHotline,
            directory_version: 1,
            receipt_verifier: vec![],
            status,
            received_at,
            deadline_at: received_at + 120 * 3600,
            escalation_exhausted: false,
        }
    }

    const RECEIVED: i64 = 1_765_000_800; // 2025-12-06 06:00 UTC, an hour's start

    #[test]
    fn a_deadline_of_n_days_ends_with_the_nth_day_after_the_day_of_receipt() {
        let dates = Deadlines::default().for_case(&case(CaseStatus::Received, RECEIVED), false, RECEIVED);
        let day = coarse(RECEIVED, DAY_SECS);
        assert_eq!(dates.acknowledge_by, day + 8 * DAY_SECS);
        assert_eq!(dates.respond_by, day + 91 * DAY_SECS);
        assert_eq!(dates.resolve_by, None);
        assert_eq!(dates.next_deadline_at, Some(RECEIVED + 120 * 3600), "escalation comes first");
        assert!(dates.overdue.is_empty());
    }

    #[test]
    fn only_what_a_case_still_owes_can_be_overdue() {
        let deadlines = Deadlines { resolve_days: Some(120), ..Deadlines::default() };
        let late = RECEIVED + 200 * DAY_SECS;
        let fresh = deadlines.for_case(&case(CaseStatus::Received, RECEIVED), false, late);
        assert_eq!(fresh.overdue, [DeadlineKind::Acknowledge, DeadlineKind::Respond, DeadlineKind::Resolve]);
        let answered = deadlines.for_case(&case(CaseStatus::Investigating, RECEIVED), true, late);
        assert_eq!(answered.overdue, [DeadlineKind::Resolve]);
        let resolved = deadlines.for_case(&case(CaseStatus::Resolved, RECEIVED), false, late);
        assert!(resolved.overdue.is_empty());
        assert_eq!(resolved.next_deadline_at, None);
    }

    #[test]
    fn deadlines_out_of_range_or_out_of_order_are_refused() {
        let ok = SetRouteDeadlinesRequest { acknowledge_days: 7, respond_days: 90, resolve_days: Some(180) };
        assert!(checked(&ok).is_ok());
        for bad in [
            SetRouteDeadlinesRequest { acknowledge_days: 0, ..ok.clone() },
            SetRouteDeadlinesRequest { respond_days: 400, ..ok.clone() },
            SetRouteDeadlinesRequest { acknowledge_days: 100, ..ok.clone() },
            SetRouteDeadlinesRequest { resolve_days: Some(30), ..ok.clone() },
            SetRouteDeadlinesRequest { resolve_days: Some(0), ..ok.clone() },
        ] {
            assert!(checked(&bad).is_err(), "{bad:?}");
        }
    }
}
