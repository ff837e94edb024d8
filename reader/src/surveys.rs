//! Survey answers, opened and aggregated in an analyst's client (the hub
//! serves them sealed, ADR 0015).
//!
//! Each response is opened against the definition version it names — the
//! hub serves every version — so a later version that removed or reordered
//! options does not change what an earlier answer meant: answers name
//! options by id, and an option keeps the label of the newest version that
//! has it.
//!
//! Small groups are suppressed ([`MIN_GROUP`]): a factory (or all factories)
//! with 1 to 4 respondents shows nothing; a question answered by 1 to 4 in a
//! group shows no counts; and when the groups hidden would add up to 1 to 4
//! — so that "all factories" minus the factories shown would give them away
//! — the smallest group shown is hidden too (complementary suppression).

use std::collections::BTreeMap;

use workervoice_protocol::envelope;
use workervoice_protocol::progress::MIN_GROUP;
use workervoice_protocol::survey::{QuestionKind, SurveyAnswer, SurveyDefinition, pick_text};
use workervoice_protocol::survey_response::{
    GroupResults, QuestionResults, ResponseContent, SealedSurveyResults, SurveyResults, ValueCount, response_aad,
    response_hpke_info,
};

use crate::ReaderError;
use crate::account::ReaderKeyPair;
use crate::open::hpke_open;

/// A response opened for the analyst.
struct Opened {
    factory_id: String,
    answers: BTreeMap<String, SurveyAnswer>,
}

/// Opens every response sealed to this analyst (found by its key id) and
/// aggregates them.
/// Responses sealed before this analyst existed, or that do not fit the
/// version they name, are left out.
pub fn open_and_aggregate(
    pair: &ReaderKeyPair,
    key_id: &str,
    sealed: &SealedSurveyResults,
) -> Result<SurveyResults, ReaderError> {
    let mut definitions = BTreeMap::new();
    for body in &sealed.definitions {
        let definition = SurveyDefinition::parse(&body.body, |_| true)
            .map_err(|_| ReaderError::Crypto("a survey definition does not parse"))?;
        definitions.insert(body.version, definition);
    }
    let mut opened = Vec::with_capacity(sealed.responses.len());
    for response in &sealed.responses {
        let Some(definition) = definitions.get(&response.version) else { continue };
        let Some(wrapped) = response.recipients.iter().find(|r| r.handler_id == key_id) else { continue };
        let key = hpke_open(
            pair,
            &response_hpke_info(&response.response_id),
            response.response_id.as_bytes(),
            &wrapped.enc,
            &wrapped.wrapped_key,
        )?;
        let aad = response_aad(&response.response_id, &sealed.survey_id, response.version, &response.factory_id);
        let json = zeroize::Zeroizing::new(
            envelope::open(&key, &aad, &response.sealed)
                .map_err(|_| ReaderError::Crypto("a survey response did not open"))?,
        );
        let Ok(content) = serde_json::from_slice::<ResponseContent>(&json) else { continue };
        if content.survey_id != sealed.survey_id
            || content.version != response.version
            || !definition.validate(&content.answers).is_empty()
        {
            continue;
        }
        opened.push(Opened { factory_id: response.factory_id.clone(), answers: content.answers });
    }
    Ok(aggregate(&sealed.survey_id, &definitions, &opened))
}

/// A CSV field: formulas defused, quoted when needed.
fn csv_quote(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@']) { format!("'{field}") } else { field.to_owned() };
    if field.contains([',', '"', '\n', '\r']) { format!("\"{}\"", field.replace('"', "\"\"")) } else { field }
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

/// The results as CSV (suppressed cells marked).
pub fn to_csv(report: &SurveyResults) -> String {
    let shown = |value: Option<u32>| value.map_or_else(|| "suppressed".to_owned(), |n| n.to_string());
    let mut text = String::from("factory_id,respondents,question_id,question,answered,value,label,count,mean\r\n");
    for group in &report.groups {
        let factory = csv_quote(group.factory_id.as_deref().unwrap_or("all"));
        if group.respondents.is_none() {
            text.push_str(&format!("{factory},suppressed,,,,,,,\r\n"));
            continue;
        }
        for question in &group.questions {
            let head = format!(
                "{factory},{},{},{},{}",
                shown(group.respondents),
                csv_quote(&question.question_id),
                csv_quote(&question.label),
                shown(question.answered)
            );
            let mean = question.mean.map(|m| format!("{m:.2}")).unwrap_or_default();
            if question.counts.is_empty() {
                text.push_str(&format!("{head},,,,{mean}\r\n"));
            }
            for count in &question.counts {
                text.push_str(&format!(
                    "{head},{},{},{},{mean}\r\n",
                    csv_quote(&count.value),
                    csv_quote(&count.label),
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
