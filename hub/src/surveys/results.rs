//! `GET /handler/v1/surveys/{id}/responses`: a survey's responses as sealed,
//! for an analyst's client to open and aggregate (ADR 0015). The hub cannot
//! open them: each response's content key is sealed by the device to the
//! analysts named in the signed survey document. With them go the definition
//! documents of every published version, since a response is read against
//! the version it names. Aggregation and small-group suppression happen in
//! the client (`wv_reader::surveys`), which publishes the aggregates back
//! (`POST .../aggregates`); staff read only their factory's published group
//! (`GET /admin/v1/factories/{id}/surveys/{survey_id}/aggregates`).

use std::collections::BTreeMap;

use crate::db::sql::{OptionalExtension, params};
use axum::Json;
use axum::extract::State;
use workervoice_protocol::content::ContentKind;
use workervoice_protocol::grievance::WrappedKey;
use workervoice_protocol::progress::MIN_GROUP;
use workervoice_protocol::survey_response::{
    SealedSurveyResponse, SealedSurveyResults, SurveyDefinitionBody, SurveyResults,
};

use crate::case_handlers::sessions::HandlerSession;
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams};
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
    let analyst = session.identity.key_id;
    let results = state
        .db
        .read(move |connection| {
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
                // Only this analyst's share (named by key id, as in the
                // survey's signed document): the others' are no use to them.
                let recipients: Vec<WrappedKey> =
                    recipients.into_iter().filter(|recipient| recipient.handler_id == analyst).collect();
                if recipients.is_empty() {
                    continue; // sealed to analysts before this one existed
                }
                responses.push(SealedSurveyResponse { response_id, version, factory_id, recipients, sealed });
            }
            Ok(SealedSurveyResults {
                survey_id: survey_id.clone(),
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

/// Why published aggregates are refused: a group or question shown with
/// fewer than [`MIN_GROUP`] respondents, a suppressed cell that still holds
/// numbers, or shown factories whose total the "all" group would give away.
fn small_group_shown(results: &SurveyResults) -> bool {
    let small = |count: u32| count < MIN_GROUP;
    for group in &results.groups {
        match group.respondents {
            None if !group.questions.is_empty() => return true,
            Some(count) if small(count) => return true,
            _ => {}
        }
        for question in &group.questions {
            match question.answered {
                None if !question.counts.is_empty() || question.mean.is_some() => return true,
                Some(count) if small(count) => return true,
                _ => {}
            }
        }
    }
    // Complementary: "all" minus the factories shown must not be 1 to 4.
    let all = results.groups.iter().find(|group| group.factory_id.is_none()).and_then(|group| group.respondents);
    if let Some(all) = all {
        let shown: u32 = results
            .groups
            .iter()
            .filter(|group| group.factory_id.is_some())
            .filter_map(|group| group.respondents)
            .sum();
        let rest = all.saturating_sub(shown);
        if rest > 0 && small(rest) {
            return true;
        }
    }
    false
}

/// `POST /handler/v1/surveys/{survey_id}/aggregates` (an analyst's session):
/// publishes aggregates the analyst's client computed, for staff to read
/// per factory. The hub cannot check the numbers against the answers (it
/// cannot open them); it refuses any group or question under [`MIN_GROUP`]
/// and a total that would give a hidden group away.
pub(crate) async fn publish_aggregates(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(survey_id): PathParams<String>,
    JsonBody(results): JsonBody<SurveyResults>,
) -> Result<Json<workervoice_protocol::auth::Ok>, ApiError> {
    if !session.identity.analyst {
        return Err(ApiError::unauthorized());
    }
    if results.survey_id != survey_id || results.groups.len() > 10_000 || small_group_shown(&results) {
        return Err(ApiError::bad_request());
    }
    let body = serde_json::to_vec(&results).map_err(|_| ApiError::internal("aggregates do not serialise"))?;
    let analyst = session.identity.handler_id;
    state
        .db
        .run(move |connection| {
            let known: bool = connection.query_row(
                "SELECT EXISTS (SELECT 1 FROM content_manifests WHERE kind = 'survey' AND content_id = ?1)",
                params![survey_id],
                |row| row.get(0),
            )?;
            if !known {
                return Err(ApiError::not_found());
            }
            connection.execute(
                "INSERT INTO survey_aggregates (survey_id, body, published_by, published_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (survey_id) DO UPDATE SET body = excluded.body, published_by = excluded.published_by, \
                   published_at = excluded.published_at",
                params![survey_id, body, analyst, crate::clock::unix_now()],
            )?;
            Ok(())
        })
        .await?;
    Ok(Json(workervoice_protocol::auth::Ok { ok: true }))
}

/// The published aggregates of one factory (staff with aggregate rights on
/// it: the admin gate checks the factory in the path): only that factory's
/// group, never the programme-wide one or another factory's. `not_found`
/// until an analyst published.
pub(crate) async fn factory_aggregates(
    state: &AppState,
    factory_id: String,
    survey_id: String,
) -> Result<SurveyResults, ApiError> {
    state
        .db
        .read(move |connection| {
            let body: Option<Vec<u8>> = connection
                .query_row("SELECT body FROM survey_aggregates WHERE survey_id = ?1", params![survey_id], |row| {
                    row.get(0)
                })
                .optional()?;
            let body = body.ok_or_else(ApiError::not_found)?;
            let mut results: SurveyResults =
                serde_json::from_slice(&body).map_err(|_| ApiError::internal("stored aggregates do not parse"))?;
            results.groups.retain(|group| group.factory_id.as_deref() == Some(factory_id.as_str()));
            Ok(results)
        })
        .await
}

#[cfg(test)]
mod tests {
    use workervoice_protocol::survey_response::{GroupResults, QuestionResults, ValueCount};

    use super::*;

    fn group(factory: Option<&str>, respondents: Option<u32>, answered: Option<u32>) -> GroupResults {
        GroupResults {
            factory_id: factory.map(str::to_owned),
            respondents,
            questions: match respondents {
                None => Vec::new(),
                Some(_) => vec![QuestionResults {
                    question_id: "q".into(),
                    label: "Q".into(),
                    answered,
                    counts: answered
                        .map(|count| vec![ValueCount { value: "yes".into(), label: "Yes".into(), count }])
                        .unwrap_or_default(),
                    mean: None,
                }],
            },
        }
    }

    fn results(groups: Vec<GroupResults>) -> SurveyResults {
        SurveyResults { survey_id: "s".into(), groups }
    }

    #[test]
    fn aggregates_with_every_shown_group_of_five_or_more_are_accepted() {
        let ok = results(vec![
            group(None, Some(12), Some(12)),
            group(Some("a"), Some(5), Some(5)),
            group(Some("b"), Some(7), None),
        ]);
        assert!(!small_group_shown(&ok));
        let hidden_pair =
            results(vec![group(None, Some(10), Some(10)), group(Some("a"), None, None), group(Some("b"), None, None)]);
        assert!(!small_group_shown(&hidden_pair));
    }

    #[test]
    fn a_group_or_question_under_five_or_a_total_that_gives_one_away_is_refused() {
        assert!(small_group_shown(&results(vec![group(None, Some(4), Some(4))])));
        assert!(small_group_shown(&results(vec![group(None, Some(9), Some(3))])));
        let leaking_total = results(vec![
            group(None, Some(9), Some(9)),
            group(Some("a"), Some(6), Some(6)),
            group(Some("b"), None, None),
        ]);
        assert!(small_group_shown(&leaking_total), "9 - 6 = 3 would show the hidden factory");
        let mut hidden_with_numbers = group(Some("a"), Some(6), Some(6));
        hidden_with_numbers.respondents = None;
        assert!(small_group_shown(&results(vec![hidden_with_numbers])));
    }
}
