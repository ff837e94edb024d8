//! The staff report of grievance cases per factory and month
//! (`GET /admin/v1/factories/{factory_id}/grievance-report`, right
//! `read_aggregates`, scoped like the training report): how many cases were
//! received, acknowledged in time, are overdue now, and are resolved or
//! closed, by the month (UTC) of receipt; and the median time from receipt
//! to the first acknowledgement (hours) and to resolution (days), each only
//! over at least [`MIN_GROUP`] cases.
//!
//! Only metadata the hub keeps in the clear goes in: a case's factory,
//! receipt time (to the hour, ADR 0016), current route and status, and the
//! times of its status changes and whether a reader replied. The category
//! and everything else a worker wrote are sealed and never counted here.
//! Each count of 1 to 4 is suppressed ([`MIN_GROUP`], the threshold of the
//! training report and survey aggregates), and so is a part of `received`
//! whose rest would be 1 to 4: "12 received, 10 resolved" says 2 are not.

use std::collections::BTreeMap;

use crate::db::sql::Connection;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Datelike};
use workervoice_protocol::admin::GrievanceMonth;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::CaseStatus;
use workervoice_protocol::progress::MIN_GROUP;

use super::deadlines::{Deadlines, route_deadlines};
use super::{CASE_COLUMNS, CaseRow};
use crate::error::ApiError;
use crate::extract::PathParams;
use crate::state::AppState;

/// The counts of one month before suppression.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Counts {
    received: u32,
    acknowledged_in_time: u32,
    overdue: u32,
    resolved: u32,
    /// Seconds from receipt to the first acknowledgement, per acknowledged case.
    to_acknowledge: Vec<i64>,
    /// Seconds from receipt to resolution, per resolved or closed case.
    to_resolve: Vec<i64>,
}

/// `YYYY-MM` of a unix time (UTC).
fn month_of(at: i64) -> Result<String, ApiError> {
    let time = DateTime::from_timestamp(at, 0).ok_or_else(|| ApiError::internal("a stored time is out of range"))?;
    Ok(format!("{:04}-{:02}", time.year(), time.month()))
}

/// Per month of receipt, the counts of `factory_id`'s cases at `now`.
fn count_months(connection: &Connection, factory_id: &str, now: i64) -> Result<BTreeMap<String, Counts>, ApiError> {
    // Per case: whether a reader replied, and when a reader first moved it
    // past `received`/`escalated` (the hub's own statuses).
    let mut statement = connection.prepare(&format!(
        "SELECT {CASE_COLUMNS}, \
           EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.case_id AND e.author = 'handler'), \
           (SELECT min(e.at) FROM case_events e WHERE e.case_id = c.case_id \
              AND e.status IN ('acknowledged', 'investigating', 'resolved', 'closed')), \
           (SELECT min(e.at) FROM case_events e WHERE e.case_id = c.case_id \
              AND e.status IN ('resolved', 'closed')) \
         FROM cases c WHERE c.factory_id = ?1"
    ))?;
    let rows = statement
        .query_map([factory_id], |row| {
            Ok((
                CaseRow::from_row(row)?,
                row.get::<_, bool>(12)?,
                row.get::<_, Option<i64>>(13)?,
                row.get::<_, Option<i64>>(14)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut deadlines: BTreeMap<&'static str, Deadlines> = BTreeMap::new();
    let mut months: BTreeMap<String, Counts> = BTreeMap::new();
    for (case, answered, acknowledged_at, resolved_at) in rows {
        let route: Route = case.current_route;
        let route_deadlines = match deadlines.get(route.as_str()) {
            Some(found) => *found,
            None => {
                let found = route_deadlines(connection, route)?;
                deadlines.insert(route.as_str(), found);
                found
            }
        };
        let dates = route_deadlines.for_case(&case, answered, now);
        let counts = months.entry(month_of(case.received_at)?).or_default();
        counts.received += 1;
        if acknowledged_at.is_some_and(|at| at <= dates.acknowledge_by) {
            counts.acknowledged_in_time += 1;
        }
        if let Some(at) = acknowledged_at {
            counts.to_acknowledge.push(at.saturating_sub(case.received_at).max(0));
        }
        // Missed a working deadline, or the escalation deadline of its last route.
        if !dates.overdue.is_empty() || case.summary(now).overdue {
            counts.overdue += 1;
        }
        if matches!(case.status, CaseStatus::Resolved | CaseStatus::Closed) {
            counts.resolved += 1;
            if let Some(at) = resolved_at {
                counts.to_resolve.push(at.saturating_sub(case.received_at).max(0));
            }
        }
    }
    Ok(months)
}

/// A count as shown: `None` for 1 to 4.
fn shown(count: u32) -> Option<u32> {
    (count == 0 || count >= MIN_GROUP).then_some(count)
}

/// The median of `durations` in whole `unit`s (rounded down), or `None`
/// over fewer than [`MIN_GROUP`] cases.
fn median(mut durations: Vec<i64>, unit: i64) -> Option<u32> {
    if durations.len() < usize::try_from(MIN_GROUP).unwrap_or(usize::MAX) {
        return None;
    }
    durations.sort_unstable();
    let middle = durations.len() / 2;
    let median = if durations.len() % 2 == 1 {
        durations[middle]
    } else {
        durations[middle - 1] / 2 + durations[middle] / 2 + (durations[middle - 1] % 2 + durations[middle] % 2) / 2
    };
    u32::try_from(median / unit).ok()
}

/// The month with small counts suppressed: a part of `received` is shown
/// only if it and the rest of `received` are both shown.
fn suppressed(month: String, counts: Counts) -> GrievanceMonth {
    let received = shown(counts.received);
    let part =
        |count: u32| received.and_then(|total| shown(count).filter(|_| shown(total.saturating_sub(count)).is_some()));
    GrievanceMonth {
        month,
        received,
        acknowledged_in_time: part(counts.acknowledged_in_time),
        overdue: part(counts.overdue),
        resolved: part(counts.resolved),
        median_hours_to_acknowledge: median(counts.to_acknowledge, crate::clock::HOUR_SECS),
        median_days_to_resolve: median(counts.to_resolve, crate::clock::DAY_SECS),
    }
}

/// The report of `factory_id` at `now`, newest month first.
pub(crate) fn grievance_report(
    connection: &Connection,
    factory_id: &str,
    now: i64,
) -> Result<Vec<GrievanceMonth>, ApiError> {
    Ok(count_months(connection, factory_id, now)?
        .into_iter()
        .rev()
        .map(|(month, counts)| suppressed(month, counts))
        .collect())
}

/// `GET /admin/v1/factories/{factory_id}/grievance-report`: the staff gate
/// has already checked the right and that the factory is in scope.
pub(crate) async fn report(
    State(state): State<AppState>,
    PathParams(factory_id): PathParams<String>,
) -> Result<Json<Vec<GrievanceMonth>>, ApiError> {
    let now = state.calendar_now();
    let months = state
        .db
        .read(move |connection| {
            crate::admin::factories::ensure_factory_exists(connection, &factory_id)?;
            grievance_report(connection, &factory_id, now)
        })
        .await?;
    Ok(Json(months))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(received: u32, acknowledged_in_time: u32, overdue: u32, resolved: u32) -> Counts {
        Counts { received, acknowledged_in_time, overdue, resolved, ..Counts::default() }
    }

    #[test]
    fn medians_are_given_over_five_cases_or_more_only() {
        const HOUR: i64 = 3_600;
        assert_eq!(median(vec![HOUR; 4], HOUR), None, "four cases are too few");
        assert_eq!(median(vec![5 * HOUR, HOUR, 3 * HOUR, 2 * HOUR, 40 * HOUR], HOUR), Some(3));
        assert_eq!(
            median(vec![HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 5 * HOUR, 6 * HOUR], HOUR),
            Some(3),
            "3.5 h rounds down"
        );
        let month = suppressed(
            "2026-11".into(),
            Counts { to_acknowledge: vec![HOUR; 5], to_resolve: vec![86_400 * 3; 4], ..counts(6, 5, 0, 4) },
        );
        assert_eq!((month.median_hours_to_acknowledge, month.median_days_to_resolve), (Some(1), None));
    }

    #[test]
    fn counts_of_one_to_four_and_parts_whose_rest_is_one_to_four_are_left_out() {
        let month = suppressed("2026-11".into(), counts(12, 10, 0, 5));
        assert_eq!(month.received, Some(12));
        assert_eq!(month.acknowledged_in_time, None, "12 - 10 = 2 would be given away");
        assert_eq!(month.overdue, Some(0));
        assert_eq!(month.resolved, Some(5), "5 and the rest 7 are both shown");
        let small = suppressed("2026-10".into(), counts(3, 0, 0, 0));
        assert_eq!((small.received, small.acknowledged_in_time, small.resolved), (None, None, None));
        let all = suppressed("2026-09".into(), counts(6, 6, 0, 6));
        assert_eq!((all.received, all.acknowledged_in_time, all.resolved), (Some(6), Some(6), Some(6)));
    }

    #[test]
    fn months_are_named_in_utc() {
        assert_eq!(month_of(1_764_547_199).ok().as_deref(), Some("2025-11"));
        assert_eq!(month_of(1_764_547_200).ok().as_deref(), Some("2025-12"));
    }
}
