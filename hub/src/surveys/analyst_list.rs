//! `GET /handler/v1/surveys`: the surveys an analyst may read, so the
//! console can offer them instead of asking for an id. A survey is listed
//! when one of its published versions names the analyst (by key id) among
//! the readers its responses are sealed to (`delivery.recipients`, signed
//! with the survey), or when a response stored on the hub is sealed to
//! them. With each: the title and version of the latest published
//! definition, where it is published, and how many responses the analyst
//! can open. All of it is what the hub holds in the clear; the answers stay
//! sealed (`results::sealed_responses` serves them).

use std::collections::BTreeMap;

use crate::db::sql::{Connection, params};
use axum::Json;
use axum::extract::State;
use workervoice_protocol::grievance::WrappedKey;
use workervoice_protocol::handler::AnalystSurvey;

use crate::case_handlers::sessions::HandlerSession;
use crate::error::ApiError;
use crate::state::AppState;

/// Every published survey: its id, whether it goes to every factory, and
/// its versions (oldest first).
fn published(connection: &Connection) -> Result<Vec<(String, bool, Vec<u64>)>, ApiError> {
    let mut statement = connection.prepare(
        "SELECT i.content_id, i.all_factories, m.version FROM content_items i \
           JOIN content_manifests m ON m.kind = i.kind AND m.content_id = i.content_id \
          WHERE i.kind = 'survey' ORDER BY i.content_id, m.version",
    )?;
    let rows = statement
        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, bool>(1)?, crate::db::column_u64(row, 2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut surveys: Vec<(String, bool, Vec<u64>)> = Vec::new();
    for (survey_id, all_factories, version) in rows {
        match surveys.last_mut() {
            Some((id, _, versions)) if *id == survey_id => versions.push(version),
            _ => surveys.push((survey_id, all_factories, vec![version])),
        }
    }
    Ok(surveys)
}

/// The responses to `survey_id` sealed to the analyst `key_id`.
fn responses_for(connection: &Connection, survey_id: &str, key_id: &str) -> Result<u64, ApiError> {
    let mut statement = connection.prepare("SELECT recipients FROM survey_responses WHERE survey_id = ?1")?;
    let rows = statement.query_map(params![survey_id], |row| row.get::<_, Vec<u8>>(0))?;
    let mut count = 0;
    for recipients in rows {
        let recipients: Vec<WrappedKey> = serde_json::from_slice(&recipients?)
            .map_err(|_| ApiError::internal("stored survey recipients do not parse"))?;
        if recipients.iter().any(|recipient| recipient.handler_id == key_id) {
            count += 1;
        }
    }
    Ok(count)
}

/// The factories a survey is assigned to.
fn assigned_factories(connection: &Connection, survey_id: &str) -> Result<Vec<String>, ApiError> {
    let mut statement = connection.prepare(
        "SELECT factory_id FROM content_assignments WHERE kind = 'survey' AND content_id = ?1 ORDER BY factory_id",
    )?;
    let factories = statement.query_map(params![survey_id], |row| row.get(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(factories)
}

/// The surveys the analyst `key_id` may read.
fn surveys_for(
    connection: &Connection,
    data_dir: &std::path::Path,
    key_id: &str,
) -> Result<Vec<AnalystSurvey>, ApiError> {
    let mut listed = Vec::new();
    for (survey_id, all_factories, versions) in published(connection)? {
        let mut named = false;
        let mut latest = None;
        for version in &versions {
            if let Some(definition) = super::definition(connection, &survey_id, *version, data_dir)? {
                named |= definition
                    .delivery
                    .as_ref()
                    .is_some_and(|delivery| delivery.recipients.iter().any(|r| r.handler_id == key_id));
                latest = Some((*version, definition.title));
            }
        }
        let responses = responses_for(connection, &survey_id, key_id)?;
        let Some((version, title)) = latest else { continue };
        if !named && responses == 0 {
            continue;
        }
        listed.push(AnalystSurvey {
            factory_ids: if all_factories { Vec::new() } else { assigned_factories(connection, &survey_id)? },
            survey_id,
            title: title.into_iter().collect::<BTreeMap<_, _>>(),
            version,
            versions,
            all_factories,
            responses,
        });
    }
    Ok(listed)
}

/// `GET /handler/v1/surveys` (an analyst's session; other readers are refused).
pub(crate) async fn list(
    State(state): State<AppState>,
    session: HandlerSession,
) -> Result<Json<Vec<AnalystSurvey>>, ApiError> {
    if !session.identity.analyst {
        return Err(ApiError::unauthorized());
    }
    let data_dir = state.data_dir.clone();
    let key_id = session.identity.key_id;
    let surveys = state.db.read(move |connection| surveys_for(connection, &data_dir, &key_id)).await?;
    Ok(Json(surveys))
}
