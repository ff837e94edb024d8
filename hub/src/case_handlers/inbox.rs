//! A reader's inbox (ADR 0020): the cases on their route with the route's
//! deadlines and what is overdue, filtered, sorted and paged on the hub;
//! assignment of a case to a colleague on the route; colleagues to assign
//! to; and the reader's last visit, for "new since last visit".
//!
//! Everything here is metadata the hub already holds in the clear (status,
//! routes, factory, hour-coarse receipt, events' authors). The category is
//! sealed inside the report, so the hub cannot filter by it: the reader's
//! client does, after opening.
//!
//! Deadlines and "new" are computed on the hub's calendar clock
//! ([`crate::state::SharedState::calendar_now`]), which tests move forward.
//! The last visit is one row per reader holding the start of the hour of
//! the current visit and of the one before, overwritten at each visit: it
//! answers "what is new to me", and is never a log of when a reader worked.

use crate::db::sql::{Connection, OptionalExtension, TransactionBehavior, params};
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::CaseStatus;
use workervoice_protocol::handler::{
    AssignRequest, Assignment, Colleague, INBOX_MAX_LIMIT, INBOX_TOTAL_HEADER, InboxCase, VisitResponse,
};

use super::sessions::{HandlerIdentity, HandlerSession};
use super::work::{actor, covers_factory, load_access, no_store, route_readers};
use crate::cases::deadlines::{Deadlines, route_deadlines};
use crate::cases::{CASE_COLUMNS, CaseRow, append_audit, status_str};
use crate::clock::{HOUR_SECS, coarse};
use crate::directory::route_from_str;
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams};
use crate::retention::{LAST_ACTIVITY, Retention};
use crate::state::AppState;

/// A page when the client names none.
const DEFAULT_LIMIT: u32 = 100;
/// The highest page number accepted (a bound, not a real inbox's size).
const MAX_PAGE: u32 = 100_000;

/// Which routes' cases the list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RouteFilter {
    /// On the reader's route now (the default).
    Mine,
    /// Now on this route (another one: cases handed over from the reader's).
    Only(Route),
    /// Every case the reader may see.
    All,
}

/// Who a case is assigned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AssignedFilter {
    Any,
    Me,
    Nobody,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    /// The next deadline still to meet, soonest first; cases with none last.
    Deadline,
    /// Newest first.
    Received,
}

/// The query of `GET /handler/v1/cases`.
#[derive(Debug, Clone)]
struct InboxQuery {
    statuses: Vec<CaseStatus>,
    route: RouteFilter,
    factory: Option<String>,
    overdue: bool,
    new: bool,
    assigned: AssignedFilter,
    sort: Sort,
    page: u32,
    limit: u32,
}

fn status_from_wire(text: &str) -> Option<CaseStatus> {
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

fn flag(value: &str) -> Result<bool, ApiError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ApiError::bad_request()),
    }
}

fn bounded(value: &str, max: u32) -> Result<u32, ApiError> {
    match value.parse::<u32>() {
        Ok(number) if (1..=max).contains(&number) => Ok(number),
        _ => Err(ApiError::bad_request()),
    }
}

impl InboxQuery {
    /// Reads the query string; an unknown or repeated name, or a value out
    /// of its range, is `bad_request` (a typo must not widen a filter).
    fn parse(query: Option<&str>) -> Result<Self, ApiError> {
        let mut parsed = Self {
            statuses: Vec::new(),
            route: RouteFilter::Mine,
            factory: None,
            overdue: false,
            new: false,
            assigned: AssignedFilter::Any,
            sort: Sort::Deadline,
            page: 1,
            limit: DEFAULT_LIMIT,
        };
        let mut seen = std::collections::BTreeSet::new();
        for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            if !seen.insert(key.clone().into_owned()) {
                return Err(ApiError::bad_request());
            }
            match &*key {
                "status" => {
                    for name in value.split(',') {
                        parsed.statuses.push(status_from_wire(name).ok_or_else(ApiError::bad_request)?);
                    }
                }
                "route" => {
                    parsed.route = match &*value {
                        "mine" => RouteFilter::Mine,
                        "all" => RouteFilter::All,
                        name => RouteFilter::Only(route_from_str(name).ok_or_else(ApiError::bad_request)?),
                    }
                }
                "factory" if !value.is_empty() && value.len() <= 64 => parsed.factory = Some(value.into_owned()),
                "overdue" => parsed.overdue = flag(&value)?,
                "new" => parsed.new = flag(&value)?,
                "assigned" => {
                    parsed.assigned = match &*value {
                        "any" => AssignedFilter::Any,
                        "me" => AssignedFilter::Me,
                        "none" => AssignedFilter::Nobody,
                        _ => return Err(ApiError::bad_request()),
                    }
                }
                "sort" => {
                    parsed.sort = match &*value {
                        "deadline" => Sort::Deadline,
                        "received" => Sort::Received,
                        _ => return Err(ApiError::bad_request()),
                    }
                }
                "page" => parsed.page = bounded(&value, MAX_PAGE)?,
                "limit" => parsed.limit = bounded(&value, INBOX_MAX_LIMIT)?,
                _ => return Err(ApiError::bad_request()),
            }
        }
        Ok(parsed)
    }
}

/// One case as read for the inbox, before filtering.
struct Candidate {
    case: CaseRow,
    answered: bool,
    /// When the case reached its current route (its receipt, or the last
    /// escalation).
    arrived_at: i64,
    assignee: Option<(String, String)>,
    /// The case's last activity, by retention's rule.
    last_activity: i64,
}

/// The day retention will delete `case` if nothing happens: closed cases
/// only, by [`crate::retention::expires_on`].
pub(super) fn expires_on(retention: &Retention, case: &CaseRow, last_activity: i64) -> Option<i64> {
    (case.status == CaseStatus::Closed).then(|| crate::retention::expires_on(retention, last_activity)).flatten()
}

/// Every case this reader may see, with what the inbox needs to know.
fn candidates(connection: &Connection, identity: &HandlerIdentity) -> Result<Vec<Candidate>, ApiError> {
    let mut statement = connection.prepare(&format!(
        "SELECT {CASE_COLUMNS}, \
           EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.case_id AND e.author = 'handler'), \
           (SELECT max(e.at) FROM case_events e WHERE e.case_id = c.case_id AND e.status = 'escalated'), \
           (SELECT a.handler_id FROM case_assignments a WHERE a.case_id = c.case_id), \
           (SELECT h.key_id FROM case_assignments a JOIN handlers h ON h.id = a.handler_id \
             WHERE a.case_id = c.case_id), \
           {LAST_ACTIVITY} \
         FROM cases c \
         WHERE EXISTS (SELECT 1 FROM case_keys k WHERE k.case_id = c.case_id AND k.handler_id = ?1)"
    ))?;
    let rows = statement.query_map([&identity.handler_id], |row| {
        let case = CaseRow::from_row(row)?;
        let escalated_at: Option<i64> = row.get(13)?;
        let assignee = match (row.get::<_, Option<String>>(14)?, row.get::<_, Option<String>>(15)?) {
            (Some(handler_id), Some(key_id)) => Some((handler_id, key_id)),
            _ => None,
        };
        Ok(Candidate {
            arrived_at: escalated_at.unwrap_or(case.received_at),
            answered: row.get(12)?,
            assignee,
            last_activity: row.get(16)?,
            case,
        })
    })?;
    let mut visible = Vec::new();
    for candidate in rows {
        let candidate = candidate?;
        let case = &candidate.case;
        // The same rule as fetching one: a route the case has reached (now
        // or before), for a factory this reader covers.
        let reached =
            case.routes.iter().position(|route| *route == identity.route).is_some_and(|at| at <= case.route_index);
        if reached && covers_factory(connection, identity, &case.factory_id)? {
            visible.push(candidate);
        }
    }
    Ok(visible)
}

/// The reader's previous visit (the hour it started), if any.
fn previous_visit(connection: &Connection, handler_id: &str) -> Result<Option<Option<i64>>, ApiError> {
    Ok(connection
        .query_row("SELECT previous_at FROM reader_visits WHERE handler_id = ?1", [handler_id], |row| row.get(0))
        .optional()?)
}

/// `GET /handler/v1/cases`: the reader's inbox, one page of it (an array,
/// as before paging: a client that reads only `CaseSummary` still works),
/// with the number of matching cases in the [`INBOX_TOTAL_HEADER`] header.
pub(super) async fn list_cases(
    State(state): State<AppState>,
    session: HandlerSession,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let identity = session.identity;
    if identity.analyst {
        return Err(ApiError::unauthorized());
    }
    let query = InboxQuery::parse(query.as_deref())?;
    let now = state.calendar_now();
    let retention = state.retention;
    let (total, page) = state
        .db
        .read(move |connection| {
            let candidates = candidates(connection, &identity)?;
            // `None`: never visited, so everything is new.
            let since = previous_visit(connection, &identity.handler_id)?.flatten();
            let mut deadlines: Vec<(Route, Deadlines)> = Vec::new();
            let mut cases = Vec::new();
            for candidate in candidates {
                let case = &candidate.case;
                let route_ok = match query.route {
                    RouteFilter::Mine => case.current_route == identity.route,
                    RouteFilter::Only(route) => case.current_route == route,
                    RouteFilter::All => true,
                };
                if !route_ok
                    || (!query.statuses.is_empty() && !query.statuses.contains(&case.status))
                    || query.factory.as_ref().is_some_and(|factory| *factory != case.factory_id)
                {
                    continue;
                }
                let route_deadline = match deadlines.iter().find(|(route, _)| *route == case.current_route) {
                    Some((_, found)) => *found,
                    None => {
                        let found = route_deadlines(connection, case.current_route)?;
                        deadlines.push((case.current_route, found));
                        found
                    }
                };
                let dates = route_deadline.for_case(case, candidate.answered, now);
                let summary = case.summary(now);
                let assigned_to_me = candidate.assignee.as_ref().is_some_and(|(id, _)| *id == identity.handler_id);
                // Both hour-coarse: a case that came in the hour of the last
                // visit counts as new (shown twice rather than missed).
                let new = since.is_none_or(|since| coarse(candidate.arrived_at, HOUR_SECS) >= since);
                let entry = InboxCase {
                    acknowledge_by: dates.acknowledge_by,
                    respond_by: dates.respond_by,
                    resolve_by: dates.resolve_by,
                    next_deadline_at: dates.next_deadline_at,
                    answered: candidate.answered,
                    assignee_key_id: candidate.assignee.map(|(_, key_id)| key_id),
                    assigned_to_me,
                    new_since_last_visit: new,
                    expires_on: expires_on(&retention, case, candidate.last_activity),
                    overdue_deadlines: dates.overdue,
                    summary,
                };
                let overdue = entry.summary.overdue || !entry.overdue_deadlines.is_empty();
                let assigned_ok = match query.assigned {
                    AssignedFilter::Any => true,
                    AssignedFilter::Me => entry.assigned_to_me,
                    AssignedFilter::Nobody => entry.assignee_key_id.is_none(),
                };
                if (query.overdue && !overdue) || (query.new && !new) || !assigned_ok {
                    continue;
                }
                cases.push(entry);
            }
            match query.sort {
                Sort::Deadline => cases.sort_by(|a, b| {
                    let key = |case: &InboxCase| (case.next_deadline_at.is_none(), case.next_deadline_at);
                    key(a).cmp(&key(b)).then_with(|| a.summary.case_id.cmp(&b.summary.case_id))
                }),
                Sort::Received => cases.sort_by(|a, b| {
                    b.summary
                        .received_at
                        .cmp(&a.summary.received_at)
                        .then_with(|| a.summary.case_id.cmp(&b.summary.case_id))
                }),
            }
            let total = cases.len();
            let skip = (query.page as usize - 1).saturating_mul(query.limit as usize);
            let page: Vec<InboxCase> = cases.into_iter().skip(skip).take(query.limit as usize).collect();
            Ok((total, page))
        })
        .await?;
    let mut response = no_store(Json(page));
    response.headers_mut().insert(HeaderName::from_static(INBOX_TOTAL_HEADER), HeaderValue::from(total));
    Ok(response)
}

/// `POST /handler/v1/cases/{case_id}/assignment`: assigns the case to a
/// reader of its current route who holds a key to it, or clears the
/// assignment. Only the current route's readers may; anyone else named is
/// `bad_request`, as a note's recipients are. Audited on the case
/// (`assigned:handler:<id>`, `unassigned`).
pub(super) async fn assign(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(case_id): PathParams<String>,
    JsonBody(request): JsonBody<AssignRequest>,
) -> Result<Response, ApiError> {
    let identity = session.identity;
    let now = state.calendar_now();
    let assignment = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let access = load_access(&tx, &case_id, &identity)?;
            if !access.current {
                return Err(ApiError::unauthorized());
            }
            let case_id = access.case.case_id;
            let Some(key_id) = request.assignee_key_id.clone() else {
                if tx.execute("DELETE FROM case_assignments WHERE case_id = ?1", [&case_id])? > 0 {
                    append_audit(&tx, &case_id, now, &actor(&identity), "unassigned")?;
                }
                tx.commit()?;
                return Ok(Assignment { assignee_key_id: None });
            };
            let readers = route_readers(&tx, &identity, &access.case.factory_id)?;
            let (assignee, _) =
                readers.iter().find(|(_, reader)| reader.key_id == key_id).ok_or_else(ApiError::bad_request)?;
            let holds_key: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM case_keys WHERE case_id = ?1 AND handler_id = ?2)",
                params![case_id, assignee],
                |row| row.get(0),
            )?;
            if !holds_key {
                // On the route, but joined after the report was sealed: they
                // could not open it.
                return Err(ApiError::bad_request());
            }
            let before: Option<String> = tx
                .query_row("SELECT handler_id FROM case_assignments WHERE case_id = ?1", [&case_id], |row| row.get(0))
                .optional()?;
            if before.as_deref() != Some(assignee.as_str()) {
                tx.execute(
                    "INSERT INTO case_assignments (case_id, handler_id, assigned_at) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (case_id) DO UPDATE SET handler_id = excluded.handler_id, \
                       assigned_at = excluded.assigned_at",
                    params![case_id, assignee, now],
                )?;
                append_audit(&tx, &case_id, now, &actor(&identity), &format!("assigned:handler:{assignee}"))?;
            }
            tx.commit()?;
            Ok(Assignment { assignee_key_id: Some(key_id) })
        })
        .await?;
    Ok(no_store(Json(assignment)))
}

/// `GET /handler/v1/colleagues`: the readers of this reader's route who
/// cover what it covers (its factory for a committee, its brand for a
/// brand; the whole hotline), itself included, oldest account first.
pub(super) async fn colleagues(
    State(state): State<AppState>,
    session: HandlerSession,
) -> Result<Json<Vec<Colleague>>, ApiError> {
    let identity = session.identity;
    if identity.analyst {
        return Err(ApiError::unauthorized());
    }
    let colleagues = state
        .db
        .read(move |connection| {
            let mut statement = connection.prepare(
                "SELECT key_id, name FROM handlers \
                  WHERE route = ?1 AND analyst = 0 AND disabled_at IS NULL \
                    AND (?1 = 'independent_hotline' OR factory_id IS NOT DISTINCT FROM ?2 AND brand_id IS NOT DISTINCT FROM ?3) \
                  ORDER BY created_at, rowid",
            )?;
            let rows = statement
                .query_map(params![identity.route.as_str(), identity.factory_id, identity.brand_id], |row| {
                    Ok(Colleague { key_id: row.get(0)?, name: row.get(1)? })
                })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(Json(colleagues))
}

/// `POST /handler/v1/visits`: records a visit to the hour and answers the
/// one before (what "new since last visit" compares with). A second visit
/// in the same hour changes nothing.
pub(super) async fn visit(
    State(state): State<AppState>,
    session: HandlerSession,
) -> Result<Json<VisitResponse>, ApiError> {
    let handler_id = session.identity.handler_id;
    let hour = coarse(state.calendar_now(), HOUR_SECS);
    let previous = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let stored: Option<(Option<i64>, i64)> = tx
                .query_row(
                    "SELECT previous_at, current_at FROM reader_visits WHERE handler_id = ?1",
                    [&handler_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let previous = match stored {
                None => {
                    tx.execute(
                        "INSERT INTO reader_visits (handler_id, previous_at, current_at) VALUES (?1, NULL, ?2)",
                        params![handler_id, hour],
                    )?;
                    None
                }
                Some((previous, current)) if current >= hour => previous,
                Some((_, current)) => {
                    tx.execute(
                        "UPDATE reader_visits SET previous_at = ?1, current_at = ?2 WHERE handler_id = ?3",
                        params![current, hour, handler_id],
                    )?;
                    Some(current)
                }
            };
            tx.commit()?;
            Ok(previous)
        })
        .await?;
    Ok(Json(VisitResponse { previous_visit_at: previous }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inbox_query_reads_every_filter_and_refuses_what_it_does_not_know() {
        let query = InboxQuery::parse(Some(
            "status=received,escalated&route=all&factory=f-1&overdue=true&new=true&assigned=me&sort=received&page=2&limit=25",
        ))
        .expect("parses");
        assert_eq!(query.statuses, [CaseStatus::Received, CaseStatus::Escalated]);
        assert_eq!(query.route, RouteFilter::All);
        assert_eq!(query.factory.as_deref(), Some("f-1"));
        assert!(query.overdue && query.new);
        assert_eq!((query.assigned, query.sort, query.page, query.limit), (AssignedFilter::Me, Sort::Received, 2, 25));
        for bad in [
            "limit=0",
            "limit=201",
            "page=0",
            "page=-1",
            "status=lost",
            "route=elsewhere",
            "category=wages",
            "overdue=yes",
            "sort=random",
            "limit=10&limit=20",
        ] {
            assert!(InboxQuery::parse(Some(bad)).is_err(), "{bad}");
        }
        let plain = InboxQuery::parse(None).expect("no query");
        assert_eq!((plain.route, plain.page, plain.limit), (RouteFilter::Mine, 1, DEFAULT_LIMIT));
    }
}
