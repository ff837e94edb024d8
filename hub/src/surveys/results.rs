//! `GET /handler/v1/surveys/{id}/responses`: a survey's responses as sealed,
//! for an analyst's client to open and aggregate (ADR 0015). The hub cannot
//! open them: each response's content key is sealed by the device to the
//! analysts named in the signed survey document. With them go the definition
//! documents of every published version, since a response is read against
//! the version it names. Aggregation and small-group suppression happen in
//! the client (`wv_reader::surveys`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use rusqlite::params;
use workervoice_protocol::content::ContentKind;
use workervoice_protocol::grievance::WrappedKey;
use workervoice_protocol::survey_response::{SealedSurveyResponse, SealedSurveyResults, SurveyDefinitionBody};

use crate::case_handlers::sessions::HandlerSession;
use crate::error::ApiError;
use crate::extract::PathParams;
use crate::state::AppState;

pub(crate) async fn sealed_responses(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(survey_id): PathParams<String>,
) -> Result<Json<SealedSurveyResults>, ApiError> {
    if !session.identity.analyst {
        return Err(ApiError::unauthorized());
    }
    let data_dir = state.data_dir.clone();
    let analyst = session.identity.handler_id;
    let results = state
        .db
        .run(move |connection| {
            let versions: Vec<u64> = connection
                .prepare("SELECT version FROM content_manifests WHERE kind = 'survey' AND content_id = ?1")?
                .query_map(params![survey_id], |row| crate::db::column_u64(row, 0))?
                .collect::<Result<_, _>>()?;
            let mut definitions = BTreeMap::new();
            for version in versions {
                let Some(sha256) = crate::content::module_body(connection, ContentKind::Survey, &survey_id, version)?
                else {
                    continue;
                };
                let body = std::fs::read(crate::content::blobs::blob_path(&data_dir, &sha256))
                    .map_err(|_| ApiError::internal("a survey definition blob is missing"))?;
                definitions.insert(version, body);
            }
            if definitions.is_empty() {
                return Err(ApiError::not_found());
            }
            let mut statement = connection.prepare(
                "SELECT response_id, version, factory_id, recipients, sealed FROM survey_responses
                  WHERE survey_id = ?1 ORDER BY response_id",
            )?;
            let rows = statement
                .query_map(params![survey_id], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        crate::db::column_u64(row, 1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, Vec<u8>>(3)?,
                        row.get::<_, Vec<u8>>(4)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut responses = Vec::with_capacity(rows.len());
            for (response_id, version, factory_id, recipients, sealed) in rows {
                let recipients: Vec<WrappedKey> = serde_json::from_slice(&recipients)
                    .map_err(|_| ApiError::internal("stored survey recipients do not parse"))?;
                // Only this analyst's share: the others' are no use to them.
                let recipients: Vec<WrappedKey> =
                    recipients.into_iter().filter(|recipient| recipient.handler_id == analyst).collect();
                if recipients.is_empty() {
                    continue; // sealed to analysts before this one existed
                }
                responses.push(SealedSurveyResponse { response_id, version, factory_id, recipients, sealed });
            }
            Ok(SealedSurveyResults {
                survey_id,
                definitions: definitions
                    .into_iter()
                    .map(|(version, body)| SurveyDefinitionBody { version, body })
                    .collect(),
                responses,
            })
        })
        .await?;
    Ok(Json(results))
}
