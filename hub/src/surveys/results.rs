//! `GET /handler/v1/surveys/{id}/results`: a survey's answers, aggregated,
//! for an analyst.
//!
//! Responses are opened in the request with the analyst's private key from
//! their login session (never stored in clear, as for cases), each against
//! the definition version it names — the hub keeps every version — so a
//! later version that removed or reordered options does not change what an
//! earlier answer meant: answers name options by id, and an option keeps the
//! label of the newest version that has it.
//!
//! Small groups are suppressed ([`MIN_GROUP`]): a factory (or all factories)
//! with 1 to 4 respondents shows nothing; a question answered by 1 to 4 in a
//! group shows no counts; and when the groups hidden would add up to 1 to 4
//! — so that "all factories" minus the factories shown would give them away
//! — the smallest group shown is hidden too (complementary suppression).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use rusqlite::params;
use workervoice_protocol::envelope;
use workervoice_protocol::grievance::WrappedKey;
use workervoice_protocol::progress::MIN_GROUP;
use workervoice_protocol::survey::{QuestionKind, SurveyAnswer, SurveyDefinition, pick_text};
use workervoice_protocol::survey_response::{
    GroupResults, QuestionResults, ResponseContent, SurveyResults, ValueCount, response_aad, response_hpke_info,
};

use super::definition;
use crate::admin::csv::quote;
use crate::case_handlers::key_pair::open_wrapped_key;
use crate::case_handlers::sessions::HandlerSession;
use crate::error::ApiError;
use crate::extract::PathParams;
use crate::state::AppState;

/// A response opened for the analyst.
struct Opened {
    factory_id: String,
    answers: BTreeMap<String, SurveyAnswer>,
}

pub(crate) async fn results(
    State(state): State<AppState>,
    session: HandlerSession,
    PathParams(survey_id): PathParams<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    if !session.identity.analyst {
        return Err(ApiError::unauthorized());
    }
    let shared = state.clone();
    let report = state
        .db
        .run(move |connection| {
            let mut statement = connection.prepare(
                "SELECT response_id, version, factory_id, recipients, sealed FROM survey_responses
                  WHERE survey_id = ?1",
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
            let versions: Vec<u64> = connection
                .prepare("SELECT version FROM content_manifests WHERE kind = 'survey' AND content_id = ?1")?
                .query_map(params![survey_id], |row| crate::db::column_u64(row, 0))?
                .collect::<Result<_, _>>()?;
            let mut definitions = BTreeMap::new();
            for version in versions {
                if let Some(found) = definition(connection, &survey_id, version, &shared.data_dir)? {
                    definitions.insert(version, found);
                }
            }
            if definitions.is_empty() {
                return Err(ApiError::not_found());
            }
            let mut opened = Vec::with_capacity(rows.len());
            for (response_id, version, factory_id, recipients, sealed) in rows {
                let Some(definition) = definitions.get(&version) else { continue };
                let recipients: Vec<WrappedKey> = serde_json::from_slice(&recipients)
                    .map_err(|_| ApiError::internal("stored survey recipients do not parse"))?;
                let Some(wrapped) = recipients.iter().find(|r| r.handler_id == session.identity.handler_id) else {
                    continue; // sealed to analysts before this one existed
                };
                let key = open_wrapped_key(
                    &session.private_key,
                    &response_hpke_info(&response_id),
                    response_id.as_bytes(),
                    &wrapped.enc,
                    &wrapped.wrapped_key,
                )?;
                let aad = response_aad(&response_id, &survey_id, version, &factory_id);
                let json = envelope::open(&key, &aad, &sealed)
                    .map_err(|_| ApiError::internal("a survey response did not open"))?;
                let content: ResponseContent = serde_json::from_slice(&json)
                    .map_err(|_| ApiError::internal("an opened survey response does not parse"))?;
                // Only answers that fit the version they name are counted.
                if content.survey_id != survey_id
                    || content.version != version
                    || !definition.validate(&content.answers).is_empty()
                {
                    tracing::warn!("a survey response does not fit its definition; left out of the results");
                    continue;
                }
                opened.push(Opened { factory_id, answers: content.answers });
            }
            Ok(aggregate(&survey_id, &definitions, &opened))
        })
        .await?;
    if query.as_deref() == Some("format=csv") {
        return Ok(([(CONTENT_TYPE, "text/csv; charset=utf-8")], to_csv(&report)).into_response());
    }
    Ok(Json(report).into_response())
}

/// Question and option labels, newest version first.
struct Labels {
    questions: Vec<(String, String)>,
    options: BTreeMap<(String, String), String>,
}

fn labels(definitions: &BTreeMap<u64, SurveyDefinition>) -> Labels {
    let mut questions: Vec<(String, String)> = Vec::new();
    let mut options = BTreeMap::new();
    for definition in definitions.values().rev() {
        let text = |texts| pick_text(texts, &[], &definition.languages).to_owned();
        for question in &definition.questions {
            if !questions.iter().any(|(id, _)| *id == question.id) {
                questions.push((question.id.clone(), text(&question.label)));
            }
            if let QuestionKind::SingleChoice { options: choices }
            | QuestionKind::MultipleChoice { options: choices, .. } = &question.kind
            {
                for option in choices {
                    options.entry((question.id.clone(), option.id.clone())).or_insert_with(|| text(&option.label));
                }
            }
        }
    }
    Labels { questions, options }
}

fn aggregate(survey_id: &str, definitions: &BTreeMap<u64, SurveyDefinition>, opened: &[Opened]) -> SurveyResults {
    let labels = labels(definitions);
    let mut factories: Vec<&str> = opened.iter().map(|response| response.factory_id.as_str()).collect();
    factories.sort_unstable();
    factories.dedup();
    let mut groups = vec![group(None, opened.iter().collect(), &labels)];
    for factory in factories {
        let members = opened.iter().filter(|response| response.factory_id == factory).collect();
        groups.push(group(Some(factory), members, &labels));
    }
    suppress(&mut groups);
    SurveyResults { survey_id: survey_id.to_owned(), groups }
}

fn group(factory_id: Option<&str>, members: Vec<&Opened>, labels: &Labels) -> GroupResults {
    let questions = labels
        .questions
        .iter()
        .map(|(question_id, label)| {
            let mut answered = 0u32;
            let mut counts: BTreeMap<String, u32> = BTreeMap::new();
            let (mut sum, mut numbers) = (0f64, 0u32);
            for member in &members {
                let Some(answer) = member.answers.get(question_id) else { continue };
                answered += 1;
                match answer {
                    SurveyAnswer::Choice(id) => *counts.entry(id.clone()).or_default() += 1,
                    SurveyAnswer::Choices(ids) => {
                        for id in ids {
                            *counts.entry(id.clone()).or_default() += 1;
                        }
                    }
                    SurveyAnswer::YesNo(yes) => *counts.entry(if *yes { "yes" } else { "no" }.into()).or_default() += 1,
                    SurveyAnswer::Rating(value) => {
                        *counts.entry(value.to_string()).or_default() += 1;
                        sum += f64::from(*value);
                        numbers += 1;
                    }
                    SurveyAnswer::Number(value) => {
                        sum += value;
                        numbers += 1;
                    }
                    SurveyAnswer::Text(_) | SurveyAnswer::Date(_) => {}
                }
            }
            let counts = counts
                .into_iter()
                .map(|(value, count)| {
                    let label = labels
                        .options
                        .get(&(question_id.clone(), value.clone()))
                        .cloned()
                        .unwrap_or_else(|| value.clone());
                    ValueCount { value, label, count }
                })
                .collect();
            QuestionResults {
                question_id: question_id.clone(),
                label: label.clone(),
                answered: Some(answered),
                counts,
                mean: (numbers > 0).then(|| sum / f64::from(numbers)),
            }
        })
        .collect();
    GroupResults {
        factory_id: factory_id.map(str::to_owned),
        respondents: Some(u32::try_from(members.len()).unwrap_or(u32::MAX)),
        questions,
    }
}

/// Whether a count of people is too small to show (0 is no one: shown).
fn small(count: u32) -> bool {
    (1..MIN_GROUP).contains(&count)
}

/// Hides small groups, small question cells, and what the rest would give away.
fn suppress(groups: &mut [GroupResults]) {
    // Whole groups. groups[0] is all factories; the rest are factories.
    let sizes: Vec<u32> = groups.iter().map(|g| g.respondents.unwrap_or(0)).collect();
    let mut hidden: Vec<bool> = sizes.iter().map(|&n| small(n)).collect();
    complement(&sizes, &mut hidden);
    for (group, hide) in groups.iter_mut().zip(&hidden) {
        if *hide {
            group.respondents = None;
            group.questions.clear();
        }
    }
    // Question cells in the groups still shown.
    let Some(questions) = groups.first().map(|g| g.questions.len()) else { return };
    for index in 0..questions {
        let sizes: Vec<u32> =
            groups.iter().map(|g| g.questions.get(index).and_then(|q| q.answered).unwrap_or(0)).collect();
        let mut cell_hidden: Vec<bool> =
            sizes.iter().zip(&hidden).map(|(&n, &group_hidden)| group_hidden || small(n)).collect();
        complement(&sizes, &mut cell_hidden);
        for ((group, hide), group_hidden) in groups.iter_mut().zip(&cell_hidden).zip(&hidden) {
            if *hide
                && !group_hidden
                && let Some(question) = group.questions.get_mut(index)
            {
                question.answered = None;
                question.counts.clear();
                question.mean = None;
            }
        }
    }
}

/// Complementary suppression over the factory groups (index 1..): while the
/// factories hidden add up to 1–4 people and the total (index 0) is shown,
/// hide the smallest factory still shown.
fn complement(sizes: &[u32], hidden: &mut [bool]) {
    if hidden.first().copied().unwrap_or(true) {
        return;
    }
    loop {
        let hidden_total: u32 = (1..sizes.len()).filter(|&i| hidden[i]).map(|i| sizes[i]).sum();
        if !small(hidden_total) {
            return;
        }
        let smallest = (1..sizes.len()).filter(|&i| !hidden[i] && sizes[i] > 0).min_by_key(|&i| sizes[i]);
        match smallest {
            Some(i) => hidden[i] = true,
            None => return,
        }
    }
}

fn to_csv(report: &SurveyResults) -> String {
    let shown = |value: Option<u32>| value.map_or_else(|| "suppressed".to_owned(), |n| n.to_string());
    let mut text = String::from("factory_id,respondents,question_id,question,answered,value,label,count,mean\r\n");
    for group in &report.groups {
        let factory = quote(group.factory_id.as_deref().unwrap_or("all"));
        if group.respondents.is_none() {
            text.push_str(&format!("{factory},suppressed,,,,,,,\r\n"));
            continue;
        }
        for question in &group.questions {
            let head = format!(
                "{factory},{},{},{},{}",
                shown(group.respondents),
                quote(&question.question_id),
                quote(&question.label),
                shown(question.answered)
            );
            let mean = question.mean.map(|m| format!("{m:.2}")).unwrap_or_default();
            if question.counts.is_empty() {
                text.push_str(&format!("{head},,,,{mean}\r\n"));
            }
            for count in &question.counts {
                text.push_str(&format!(
                    "{head},{},{},{},{mean}\r\n",
                    quote(&count.value),
                    quote(&count.label),
                    count.count
                ));
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(factory: Option<&str>, respondents: u32, answered: u32) -> GroupResults {
        GroupResults {
            factory_id: factory.map(str::to_owned),
            respondents: Some(respondents),
            questions: vec![QuestionResults {
                question_id: "q".into(),
                label: "Q".into(),
                answered: Some(answered),
                counts: vec![ValueCount { value: "yes".into(), label: "yes".into(), count: answered }],
                mean: None,
            }],
        }
    }

    #[test]
    fn a_group_of_four_is_hidden_and_so_is_the_group_that_would_give_it_away() {
        let mut groups = vec![group(None, 11, 11), group(Some("a"), 4, 4), group(Some("b"), 7, 7)];
        suppress(&mut groups);
        assert_eq!(groups[0].respondents, Some(11), "all factories: 11 people");
        assert_eq!(groups[1].respondents, None, "four people: hidden");
        assert_eq!(groups[2].respondents, None, "11 - 7 would give the four away");
        assert!(groups[1].questions.is_empty() && groups[2].questions.is_empty());
    }

    #[test]
    fn groups_of_five_or_more_are_shown_and_a_small_total_hides_everything() {
        let mut groups = vec![group(None, 10, 10), group(Some("a"), 5, 5), group(Some("b"), 5, 5)];
        suppress(&mut groups);
        assert!(groups.iter().all(|g| g.respondents.is_some()));
        let mut groups = vec![group(None, 4, 4), group(Some("a"), 4, 4)];
        suppress(&mut groups);
        assert!(groups.iter().all(|g| g.respondents.is_none()));
    }

    #[test]
    fn a_question_few_answered_is_hidden_in_that_group_and_its_complement() {
        let mut groups = vec![group(None, 12, 9), group(Some("a"), 6, 3), group(Some("b"), 6, 6)];
        suppress(&mut groups);
        assert_eq!(groups[0].questions[0].answered, Some(9));
        assert_eq!(groups[1].questions[0].answered, None, "three answered");
        assert_eq!(groups[2].questions[0].answered, None, "9 - 6 would give the three away");
        assert_eq!(groups[1].respondents, Some(6), "the groups themselves stay");
    }

    #[test]
    fn csv_marks_suppressed_cells_and_keeps_formulas_out() {
        let mut groups = vec![group(None, 5, 5), group(Some("=cmd"), 5, 5)];
        groups[0].questions[0].label = "=HYPERLINK(\"x\")".into();
        let text = to_csv(&SurveyResults { survey_id: "s".into(), groups });
        assert!(text.starts_with("factory_id,respondents,question_id"));
        assert!(text.contains("'=cmd"), "{text}");
        assert!(!text.contains(",=HYPERLINK"), "{text}");
    }
}
