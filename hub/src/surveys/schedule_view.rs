//! What staff read back of [`super::schedule`]: a survey's schedule as set
//! (`GET /admin/v1/surveys/{survey_id}/schedule`) and the events recorded at
//! factories (`GET /admin/v1/events`, optionally `?factory_id=`), for the
//! console's schedule and event pages. Programme admins and auditors read
//! them (the right `read_programme`).
//!
//! An event's workers are counted, never listed: which workers an auditor
//! interviewed is what the schedule needs to open their check-in, and
//! nothing a page should show.

use crate::db::sql::{Connection, OptionalExtension, params};
use axum::Json;
use axum::extract::{RawQuery, State};
use workervoice_protocol::admin::{SurveySchedule, SurveyTarget};
use workervoice_protocol::content::is_content_id;
use workervoice_protocol::staff_lists::{EventSummary, SurveyScheduleView};

use crate::error::ApiError;
use crate::extract::PathParams;
use crate::state::AppState;

/// Most events one answer holds (the newest first).
const MAX_EVENTS: i64 = 1_000;

/// `GET /admin/v1/surveys/{survey_id}/schedule`: `not_found` for a survey
/// never published; no schedule when none is set.
pub(crate) async fn get_schedule(
    State(state): State<AppState>,
    PathParams(survey_id): PathParams<String>,
) -> Result<Json<SurveyScheduleView>, ApiError> {
    if !is_content_id(&survey_id) {
        return Err(ApiError::not_found());
    }
    let id = survey_id.clone();
    let schedule = state.db.read(move |connection| read_schedule(connection, &id)).await?;
    Ok(Json(SurveyScheduleView { survey_id, schedule }))
}

fn read_schedule(connection: &Connection, survey_id: &str) -> Result<Option<SurveySchedule>, ApiError> {
    let published = connection
        .query_row("SELECT 1 FROM content_items WHERE kind = 'survey' AND content_id = ?1", [survey_id], |_| Ok(()))
        .optional()?
        .is_some();
    if !published {
        return Err(ApiError::not_found());
    }
    type Row = (Option<i64>, Option<i64>, String, Option<String>, Option<i64>, Option<i64>);
    let row: Option<Row> = connection
        .query_row(
            "SELECT opens_at, closes_at, target, event_kind, after_days, open_days
               FROM survey_schedules WHERE survey_id = ?1",
            [survey_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?)),
        )
        .optional()?;
    let Some((opens_at, closes_at, target, event_kind, after_days, open_days)) = row else { return Ok(None) };
    let values = |sql: &str| -> Result<Vec<(String, String)>, ApiError> {
        let mut statement = connection.prepare(sql)?;
        let rows = statement.query_map([survey_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    };
    let days = |value: Option<i64>| value.and_then(|days| u32::try_from(days).ok());
    let target = match target.as_str() {
        "everyone" => SurveyTarget::Everyone,
        "factories" => SurveyTarget::Factories {
            factory_ids: values("SELECT value, value FROM survey_targets WHERE survey_id = ?1 ORDER BY value")?
                .into_iter()
                .map(|(id, _)| id)
                .collect(),
        },
        "departments" => {
            // Stored as `factory/department`; factory ids hold no '/'.
            let mut factory = String::new();
            let mut departments = Vec::new();
            for (value, _) in values("SELECT value, value FROM survey_targets WHERE survey_id = ?1 ORDER BY value")? {
                if let Some((factory_id, department)) = value.split_once('/') {
                    factory = factory_id.to_owned();
                    departments.push(department.to_owned());
                }
            }
            SurveyTarget::Departments { factory_id: factory, departments }
        }
        "workers" => {
            let rows = values(
                "SELECT w.factory_id, w.worker_number FROM survey_targets t JOIN workers w ON w.id = t.value
                  WHERE t.survey_id = ?1 ORDER BY w.worker_number",
            )?;
            let factory_id = rows.first().map(|(factory, _)| factory.clone()).unwrap_or_default();
            SurveyTarget::Workers { factory_id, worker_numbers: rows.into_iter().map(|(_, number)| number).collect() }
        }
        "after_event" => SurveyTarget::AfterEvent {
            event: event_kind.unwrap_or_default(),
            after_days: days(after_days).unwrap_or_default(),
            open_days: days(open_days),
        },
        _ => return Err(ApiError::internal("a survey schedule has an unknown target")),
    };
    Ok(Some(SurveySchedule { opens_at, closes_at, target }))
}

/// `GET /admin/v1/events`, newest first; `?factory_id=` keeps one factory's.
pub(crate) async fn list_events(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<EventSummary>>, ApiError> {
    let mut factory = None;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "factory_id" if factory.is_none() && value.len() <= 128 => factory = Some(value.into_owned()),
            _ => return Err(ApiError::bad_request()),
        }
    }
    let events = state
        .db
        .read(move |connection| {
            let mut statement = connection.prepare(
                "SELECT e.id, e.kind, e.factory_id, e.at, e.recorded_at,
                        (SELECT COUNT(*) FROM hub_event_workers w WHERE w.event_id = e.id)
                   FROM hub_events e
                  WHERE ?1 = '' OR e.factory_id = ?1
                  ORDER BY e.at DESC, e.recorded_at DESC, e.id
                  LIMIT ?2",
            )?;
            let rows = statement.query_map(params![factory.clone().unwrap_or_default(), MAX_EVENTS], |row| {
                Ok(EventSummary {
                    event_id: row.get(0)?,
                    kind: row.get(1)?,
                    factory_id: row.get(2)?,
                    at: row.get(3)?,
                    recorded_at: row.get(4)?,
                    workers: u32::try_from(row.get::<_, i64>(5)?).unwrap_or(u32::MAX),
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(Json(events))
}
