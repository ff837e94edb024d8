//! Survey definitions a device downloads (verified body of a `survey`
//! manifest, `protocol::survey::SurveyDefinition::parse`), the answers a
//! worker gives to one (checked on the device and, for anonymous responses,
//! by the hub's tally), and `YYYY-MM-DD` dates in answers.
//!
//! The input is the definition, a NUL byte, then the answers (JSON object of
//! question id → answer) or a date.
//!
//! Asserts: a definition that parses round-trips through JSON and parses
//! again; skip logic and validation never panic and cover every question;
//! a date that parses prints back to the same text.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use workervoice_fuzz::split_nul;
use workervoice_protocol::survey::{SurveyAnswer, SurveyDefinition, parse_date};

fuzz_target!(|data: &[u8]| {
    let (body, answers_text) = split_nul(data);
    if let Ok(text) = std::str::from_utf8(answers_text)
        && let Some((year, month, day)) = parse_date(text)
    {
        assert_eq!(format!("{year:04}-{month:02}-{day:02}"), text, "a date parsed to another date");
    }
    let listed = |reference: &str| reference.len() == 71 && reference.starts_with("sha256:");
    let Ok(definition) = SurveyDefinition::parse(body, listed) else { return };
    let written =
        serde_json::to_vec(&definition).unwrap_or_else(|error| panic!("a definition does not serialize: {error}"));
    match SurveyDefinition::parse(&written, listed) {
        Ok(again) => assert_eq!(again, definition, "JSON round trip changed the definition"),
        Err(error) => panic!("a serialized definition does not parse back: {error}"),
    }
    let answers: BTreeMap<String, SurveyAnswer> = serde_json::from_slice(answers_text).unwrap_or_default();
    let visible = definition.visible(&answers);
    assert_eq!(visible.len(), definition.questions.len());
    let problems = definition.validate(&answers);
    for id in problems.keys() {
        assert!(
            answers.contains_key(id) || definition.questions.iter().any(|question| &question.id == id),
            "a problem with a question that is neither asked nor answered"
        );
    }
    let _ = definition.opens_case_for(&answers);
    for (id, answer) in &answers {
        let _ = definition.check_one(id, answer);
    }
});
