//! Who may answer a survey, and when: open and close dates, a target (every
//! worker of the factories the survey is assigned to, some factories, some
//! departments, a list of workers), or "N days after an event" — an audit
//! recorded with the workers interviewed opens the check-in for exactly
//! those workers N days later.
//!
//! Staff set a schedule with `POST /admin/v1/surveys/{id}/schedule` and
//! record events with `POST /admin/v1/events`. A survey without a schedule
//! is open to every worker of the factories it is assigned to. Dates are
//! read on the hub's calendar clock ([`crate::state::SharedState::calendar_now`]).

use crate::db::sql::{Connection, OptionalExtension, params};
use workervoice_protocol::admin::{RecordEventRequest, RecordedEvent, SurveySchedule, SurveyTarget};
use workervoice_protocol::content::{ContentKind, is_content_id};

use crate::error::ApiError;
use crate::staff::audit::{self, ActorId};
use crate::state::AppState;

/// Most workers named by one event or one target list.
pub(crate) const MAX_LISTED: usize = 10_000;

/// When a survey is open to one worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    /// Responses are refused (tokens are not issued) from then on.
    pub(crate) closes_at: Option<i64>,
}

/// Surveys assigned to a factory (or to every factory).
pub(crate) fn assigned_surveys(connection: &Connection, factory_id: &str) -> Result<Vec<String>, ApiError> {
    Ok(crate::content::catalog_entries(connection, factory_id)?
        .into_iter()
        .filter(|entry| entry.kind == ContentKind::Survey)
        .map(|entry| entry.id)
        .collect())
}

struct ScheduleRow {
    opens_at: Option<i64>,
    closes_at: Option<i64>,
    target: String,
    event_kind: Option<String>,
    after_days: Option<i64>,
    open_days: Option<i64>,
}

/// Whether `survey_id` is open to `worker_id` at `now`, and until when.
/// (Whether the survey is assigned to the worker's factory is checked by
/// the caller, with [`assigned_surveys`].)
pub(crate) fn open_for(
    connection: &Connection,
    survey_id: &str,
    worker_id: &str,
    now: i64,
) -> Result<Option<Window>, ApiError> {
    let row = connection
        .query_row(
            "SELECT opens_at, closes_at, target, event_kind, after_days, open_days
               FROM survey_schedules WHERE survey_id = ?1",
            [survey_id],
            |row| {
                Ok(ScheduleRow {
                    opens_at: row.get(0)?,
                    closes_at: row.get(1)?,
                    target: row.get(2)?,
                    event_kind: row.get(3)?,
                    after_days: row.get(4)?,
                    open_days: row.get(5)?,
                })
            },
        )
        .optional()?;
    let Some(row) = row else { return Ok(Some(Window { closes_at: None })) };
    if row.opens_at.is_some_and(|opens| now < opens) || row.closes_at.is_some_and(|closes| now >= closes) {
        return Ok(None);
    }
    let listed = |value: &str| -> Result<bool, ApiError> {
        Ok(connection
            .query_row(
                "SELECT 1 FROM survey_targets WHERE survey_id = ?1 AND value = ?2",
                params![survey_id, value],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    };
    let (factory_id, department): (String, Option<String>) =
        connection.query_row("SELECT factory_id, department FROM workers WHERE id = ?1", [worker_id], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
    let window = Window { closes_at: row.closes_at };
    let open = match row.target.as_str() {
        "everyone" => Some(window),
        "factories" => listed(&factory_id)?.then_some(window),
        "departments" => match department {
            Some(department) => listed(&format!("{factory_id}/{department}"))?.then_some(window),
            None => None,
        },
        "workers" => listed(worker_id)?.then_some(window),
        "after_event" => {
            let (Some(kind), Some(after_days)) = (row.event_kind, row.after_days) else { return Ok(None) };
            after_event(connection, worker_id, &kind, after_days, row.open_days, row.closes_at, now)?
        }
        _ => return Err(ApiError::internal("a survey schedule has an unknown target")),
    };
    Ok(open)
}

/// "N days after an event": open from the latest such event concerning the
/// worker plus `after_days`, for `open_days` (or until the schedule closes).
fn after_event(
    connection: &Connection,
    worker_id: &str,
    kind: &str,
    after_days: i64,
    open_days: Option<i64>,
    closes_at: Option<i64>,
    now: i64,
) -> Result<Option<Window>, ApiError> {
    let mut statement = connection.prepare_cached(
        "SELECT e.at FROM hub_events e JOIN hub_event_workers w ON w.event_id = e.id
          WHERE w.worker_id = ?1 AND e.kind = ?2 ORDER BY e.at DESC",
    )?;
    let times = statement.query_map(params![worker_id, kind], |row| row.get::<_, i64>(0))?;
    for at in times {
        let opens = at?.saturating_add(after_days.saturating_mul(86_400));
        let closes = open_days.map(|days| opens.saturating_add(days.saturating_mul(86_400)));
        let closes = match (closes, closes_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if now >= opens && closes.is_none_or(|closes| now < closes) {
            return Ok(Some(Window { closes_at: closes }));
        }
    }
    Ok(None)
}

/// Sets (replaces) a survey's schedule.
pub(crate) async fn set_schedule(
    state: &AppState,
    actor: &ActorId,
    survey_id: String,
    schedule: SurveySchedule,
) -> Result<SurveySchedule, ApiError> {
    if !is_content_id(&survey_id)
        || schedule.opens_at.zip(schedule.closes_at).is_some_and(|(opens, closes)| opens >= closes)
    {
        return Err(ApiError::bad_request());
    }
    let (target, event_kind, after_days, open_days, values) = match &schedule.target {
        SurveyTarget::Everyone => ("everyone", None, None, None, Vec::new()),
        SurveyTarget::Factories { factory_ids } => ("factories", None, None, None, factory_ids.clone()),
        SurveyTarget::Departments { factory_id, departments } => (
            "departments",
            None,
            None,
            None,
            departments.iter().map(|department| format!("{factory_id}/{}", department.trim())).collect(),
        ),
        // Resolved to worker ids inside the transaction below.
        SurveyTarget::Workers { .. } => ("workers", None, None, None, Vec::new()),
        SurveyTarget::AfterEvent { event: kind, after_days, open_days } => {
            if kind.is_empty() || kind.len() > 64 || *after_days > 3_650 || open_days.is_some_and(|d| d == 0) {
                return Err(ApiError::bad_request());
            }
            ("after_event", Some(kind.clone()), Some(i64::from(*after_days)), open_days.map(i64::from), Vec::new())
        }
    };
    if values.len() > MAX_LISTED {
        return Err(ApiError::bad_request());
    }
    let stored = schedule.clone();
    let actor = actor.clone();
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(crate::db::sql::TransactionBehavior::Immediate)?;
            let published = tx
                .query_row(
                    "SELECT 1 FROM content_items WHERE kind = 'survey' AND content_id = ?1",
                    [&survey_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if !published {
                return Err(ApiError::not_found());
            }
            let values = match &stored.target {
                SurveyTarget::Workers { factory_id, worker_numbers } => {
                    worker_ids(&tx, factory_id, worker_numbers)?.ok_or_else(ApiError::bad_request)?
                }
                _ => values.clone(),
            };
            tx.execute("DELETE FROM survey_schedules WHERE survey_id = ?1", [&survey_id])?;
            tx.execute(
                "INSERT INTO survey_schedules (survey_id, opens_at, closes_at, target, event_kind, after_days, open_days)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![survey_id, stored.opens_at, stored.closes_at, target, event_kind, after_days, open_days],
            )?;
            for value in values {
                tx.execute(
                    "INSERT INTO survey_targets (survey_id, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                    params![survey_id, value],
                )?;
            }
            audit::append(&tx, &actor, "survey_schedule_set", "survey", &survey_id)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    tracing::info!(target, "survey schedule set");
    Ok(schedule)
}

/// The ids of a factory's workers by number; `None` if one is unknown.
fn worker_ids(connection: &Connection, factory_id: &str, numbers: &[String]) -> Result<Option<Vec<String>>, ApiError> {
    let mut ids = Vec::with_capacity(numbers.len());
    for number in numbers {
        let key = crate::workers::number_key(number);
        let id: Option<String> = connection
            .query_row(
                "SELECT id FROM workers WHERE factory_id = ?1 AND number_key = ?2",
                params![factory_id, key],
                |row| row.get(0),
            )
            .optional()?;
        match id {
            Some(id) => ids.push(id),
            None => return Ok(None),
        }
    }
    Ok(Some(ids))
}

/// Records an event (e.g. an audit) at a factory with the workers it concerns.
pub(crate) async fn record_event(
    state: &AppState,
    actor: &ActorId,
    request: RecordEventRequest,
) -> Result<RecordedEvent, ApiError> {
    if request.kind.is_empty()
        || request.kind.len() > 64
        || request.worker_numbers.is_empty()
        || request.worker_numbers.len() > MAX_LISTED
    {
        return Err(ApiError::bad_request());
    }
    let event_id = uuid::Uuid::new_v4().to_string();
    let recorded_at = crate::clock::unix_now();
    let id = event_id.clone();
    let actor = actor.clone();
    let workers = state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(crate::db::sql::TransactionBehavior::Immediate)?;
            let ids =
                worker_ids(&tx, &request.factory_id, &request.worker_numbers)?.ok_or_else(ApiError::bad_request)?;
            tx.execute(
                "INSERT INTO hub_events (id, kind, factory_id, at, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, request.kind, request.factory_id, request.at, recorded_at],
            )?;
            for worker_id in &ids {
                tx.execute(
                    "INSERT INTO hub_event_workers (event_id, worker_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                    params![id, worker_id],
                )?;
            }
            audit::append(&tx, &actor, "factory_event_recorded", "factory", &request.factory_id)?;
            tx.commit()?;
            Ok(ids.len())
        })
        .await?;
    tracing::info!(workers, "event recorded");
    Ok(RecordedEvent { event_id, workers: u32::try_from(workers).unwrap_or(u32::MAX) })
}
