//! `console/test-vectors/survey-results.json`: sealed survey responses as
//! the hub serves them to an analyst, with what `wv_reader::surveys` makes of
//! them — the results per factory with small groups suppressed, per version,
//! and the CSV — for the browser console's analyst page to reproduce
//! (issue 14). The sealed inputs are made once (sealing draws fresh
//! randomness); this test checks that the Rust client still opens and
//! aggregates them to the stored results and CSV.
//!
//! After a deliberate change of the aggregation or the inputs, regenerate and
//! commit: `WV_UPDATE_SURVEY_VECTORS=1 cargo test -p wv-reader --test survey_vectors`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Value, json};
use workervoice_protocol::envelope;
use workervoice_protocol::grievance::WrappedKey;
use workervoice_protocol::survey::SurveyAnswer;
use workervoice_protocol::survey_response::{
    ResponseContent, SealedSurveyResponse, SealedSurveyResults, SurveyDefinitionBody, response_aad, response_hpke_info,
};
use wv_reader::account::ReaderKeyPair;
use wv_reader::open::hpke_seal;
use wv_reader::surveys::{open_and_aggregate, to_csv};

const SURVEY: &str = "pay-and-safety";

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../console/test-vectors/survey-results.json")
}

/// The analyst: the fixed test key of `reader.json`.
fn analyst() -> ReaderKeyPair {
    let text = std::fs::read_to_string(path().with_file_name("reader.json")).expect("reader.json exists");
    let file: Value = serde_json::from_str(&text).expect("reader.json parses");
    let private = hex::decode(file["account"]["private_key"].as_str().expect("private key")).expect("hex");
    ReaderKeyPair::from_private(&private).expect("a key pair")
}

fn texts(en: &str, vi: &str) -> Value {
    json!({"en": en, "vi": vi})
}

/// Version 1, and version 2 which relabels an option, drops another, adds
/// a question shown only after "yes", and reorders.
fn definitions() -> Vec<Value> {
    let v1 = json!({
        "languages": ["en", "vi"],
        "title": texts("Pay and safety", "Lương và an toàn"),
        "questions": [
            {"id": "shift", "type": "single_choice", "required": true, "label": texts("Your shift", "Ca của bạn"),
             "options": [{"id": "day", "label": texts("Day", "Ngày")}, {"id": "night", "label": texts("Night", "Đêm")},
                         {"id": "rotating", "label": texts("Rotating", "Luân phiên")}]},
            {"id": "on_time", "type": "yes_no", "required": true,
             "label": texts("Is pay on time, \"usually\"?", "Lương có đúng hạn không?")},
            {"id": "safe", "type": "rating", "min": 1, "max": 5, "label": texts("How safe do you feel?", "An toàn?")},
            {"id": "hours", "type": "number", "min": 0, "max": 100, "label": texts("=Hours last week", "Số giờ")},
            {"id": "comment", "type": "text", "max_length": 500, "label": texts("Anything else?", "Điều gì khác?")}
        ]
    });
    let v2 = json!({
        "languages": ["vi", "en"],
        "title": texts("Pay and safety", "Lương và an toàn"),
        "questions": [
            {"id": "on_time", "type": "yes_no", "required": true,
             "label": texts("Is pay on time?", "Lương có trả đúng hạn không?")},
            {"id": "late_fee", "type": "yes_no", "required": true,
             "show_if": {"equals": {"question": "on_time", "value": false}},
             "label": texts("Were you fined when it was late?", "Bạn có bị phạt không?")},
            {"id": "shift", "type": "single_choice", "required": true, "label": texts("Your shift", "Ca làm việc"),
             "options": [{"id": "day", "label": texts("Day shift", "Ca ngày")}, {"id": "night", "label": texts("Night", "Ca đêm")}]},
            {"id": "safe", "type": "rating", "min": 1, "max": 5, "label": texts("How safe do you feel?", "Cảm thấy an toàn?")},
            {"id": "comment", "type": "text", "max_length": 500, "label": texts("Anything else?", "Điều gì khác?")}
        ]
    });
    vec![v1, v2]
}

/// (factory, version, answers) of every response, some of which are left
/// out: one answered for a version the hub does not serve, one whose answers
/// do not fit its version (an option of v1 under v2).
fn responses() -> Vec<(&'static str, u64, Value)> {
    let mut out = Vec::new();
    let v1 = |shift: &str, on_time: bool, safe: Option<i32>, hours: Option<f64>, comment: Option<&str>| {
        let mut answers = json!({
            "shift": {"type": "choice", "value": shift},
            "on_time": {"type": "yes_no", "value": on_time},
        });
        if let Some(safe) = safe {
            answers["safe"] = json!({"type": "rating", "value": safe});
        }
        if let Some(hours) = hours {
            answers["hours"] = json!({"type": "number", "value": hours});
        }
        if let Some(comment) = comment {
            answers["comment"] = json!({"type": "text", "value": comment});
        }
        answers
    };
    let v2 = |on_time: bool, late_fee: Option<bool>, shift: &str, safe: Option<i32>| {
        let mut answers = json!({
            "on_time": {"type": "yes_no", "value": on_time},
            "shift": {"type": "choice", "value": shift},
        });
        if let Some(late_fee) = late_fee {
            answers["late_fee"] = json!({"type": "yes_no", "value": late_fee});
        }
        if let Some(safe) = safe {
            answers["safe"] = json!({"type": "rating", "value": safe});
        }
        answers
    };
    // factory-a: 8 (5 on v1, 3 on v2).
    out.push(("factory-a", 1, v1("day", true, Some(4), Some(48.0), Some("The canteen is fine."))));
    out.push(("factory-a", 1, v1("day", true, Some(5), Some(52.5), None)));
    out.push(("factory-a", 1, v1("night", false, Some(2), Some(60.0), Some("Supervisor shouts, \"every day\"."))));
    out.push(("factory-a", 1, v1("rotating", true, Some(3), None, None)));
    out.push(("factory-a", 1, v1("day", true, None, Some(44.0), None)));
    out.push(("factory-a", 2, v2(false, Some(true), "night", Some(2))));
    out.push(("factory-a", 2, v2(true, None, "day", Some(4))));
    out.push(("factory-a", 2, v2(false, Some(false), "day", Some(3))));
    // factory-b: 6, all on v2.
    for (on_time, late_fee, shift, safe) in [
        (true, None, "day", Some(5)),
        (true, None, "day", Some(4)),
        (false, Some(true), "night", Some(1)),
        (true, None, "night", Some(4)),
        (true, None, "day", None),
        (false, Some(true), "day", Some(2)),
    ] {
        out.push(("factory-b", 2, v2(on_time, late_fee, shift, safe)));
    }
    // factory-c: 3 (hidden, and so the smallest factory shown must be too).
    out.push(("factory-c", 1, v1("day", true, Some(5), Some(40.0), None)));
    out.push(("factory-c", 2, v2(true, None, "day", Some(5))));
    out.push(("factory-c", 2, v2(false, Some(true), "night", Some(1))));
    // factory-d: 5, on v1.
    for (shift, on_time, safe, hours) in [
        ("day", true, Some(4), Some(45.0)),
        ("night", true, Some(3), Some(50.0)),
        ("day", false, Some(2), Some(61.0)),
        ("rotating", true, Some(4), Some(48.0)),
        ("day", true, Some(5), None),
    ] {
        out.push(("factory-d", 1, v1(shift, on_time, safe, hours, None)));
    }
    // Left out: a version the hub does not serve; an option v2 dropped.
    out.push(("factory-a", 3, v2(true, None, "day", Some(5))));
    out.push(("factory-b", 2, v2(true, None, "rotating", Some(5))));
    out
}

fn generate(pair: &ReaderKeyPair) -> Value {
    let key_id = pair.key_id();
    let definitions: Vec<SurveyDefinitionBody> = definitions()
        .into_iter()
        .enumerate()
        .map(|(index, body)| SurveyDefinitionBody {
            version: index as u64 + 1,
            body: serde_json::to_vec(&body).expect("json"),
        })
        .collect();
    let mut sealed = Vec::new();
    for (index, (factory_id, version, answers)) in responses().into_iter().enumerate() {
        let response_id = format!("resp-{index:02}");
        let answers: BTreeMap<String, SurveyAnswer> = serde_json::from_value(answers).expect("answers");
        let content = ResponseContent { survey_id: SURVEY.into(), version, answers, language: "vi".into() };
        let json = serde_json::to_vec(&content).expect("json");
        let content_key = [index as u8 + 1; 32];
        let aad = response_aad(&response_id, SURVEY, version, factory_id);
        let body = envelope::seal(&content_key, &aad, &json).expect("seals");
        let (enc, wrapped_key) =
            hpke_seal(pair.public_key(), &response_hpke_info(&response_id), response_id.as_bytes(), &content_key)
                .expect("wraps");
        sealed.push(SealedSurveyResponse {
            response_id,
            version,
            factory_id: factory_id.into(),
            recipients: vec![WrappedKey { handler_id: key_id.clone(), enc, wrapped_key }],
            sealed: body,
        });
    }
    let served = SealedSurveyResults { survey_id: SURVEY.into(), definitions, responses: sealed };
    json!({
        "about": "Survey responses as GET /handler/v1/surveys/{id}/responses serves them to the analyst of reader.json, and what wv_reader::surveys makes of them (reader/tests/survey_vectors.rs). The sealed inputs are random once; the results and CSV are what the Rust client computes from them.",
        "format": "workervoice/console-vectors/survey-results/v1",
        "key_id": key_id,
        "served": served,
    })
}

/// The served results with only the responses to `version`.
fn only_version(served: &SealedSurveyResults, version: u64) -> SealedSurveyResults {
    SealedSurveyResults {
        survey_id: served.survey_id.clone(),
        definitions: served.definitions.clone(),
        responses: served.responses.iter().filter(|response| response.version == version).cloned().collect(),
    }
}

/// Adds what the Rust client computes to the file's inputs.
fn with_expected(pair: &ReaderKeyPair, mut file: Value) -> Value {
    let key_id = file["key_id"].as_str().expect("key id").to_owned();
    let served: SealedSurveyResults = serde_json::from_value(file["served"].clone()).expect("served results");
    let results = open_and_aggregate(pair, &key_id, &served).expect("aggregates");
    file["csv"] = json!(to_csv(&results));
    file["results"] = serde_json::to_value(&results).expect("json");
    let mut by_version = serde_json::Map::new();
    for version in [1u64, 2] {
        let results = open_and_aggregate(pair, &key_id, &only_version(&served, version)).expect("aggregates");
        by_version.insert(version.to_string(), serde_json::to_value(&results).expect("json"));
    }
    file["results_by_version"] = Value::Object(by_version);
    file
}

#[test]
fn the_survey_vectors_file_holds_what_the_rust_client_makes_of_its_sealed_responses() {
    let pair = analyst();
    if std::env::var_os("WV_UPDATE_SURVEY_VECTORS").is_some() {
        let file = with_expected(&pair, generate(&pair));
        std::fs::write(path(), serde_json::to_string_pretty(&file).expect("json") + "\n").expect("written");
    }
    let stored = std::fs::read_to_string(path()).expect("survey-results.json exists (see the module doc)");
    let file: Value = serde_json::from_str(&stored).expect("parses");
    let recomputed = with_expected(&pair, file.clone());
    assert!(recomputed == file, "survey-results.json is out of date: regenerate it (see the module doc)");

    // What the vectors are meant to show, so a regeneration cannot quietly lose it.
    let groups = file["results"]["groups"].as_array().expect("groups");
    let by_factory = |id: &str| groups.iter().find(|g| g["factory_id"] == id).expect("a group");
    assert_eq!(groups[0]["respondents"], 22, "all factories: the two responses that do not fit are left out");
    assert!(by_factory("factory-c")["respondents"].is_null(), "three people: hidden");
    assert!(by_factory("factory-d")["respondents"].is_null(), "22 - 8 - 6 would give factory-c away");
    assert_eq!(by_factory("factory-a")["respondents"], 8);
    let csv = file["csv"].as_str().expect("csv");
    assert!(csv.contains("factory-c,suppressed,,,,,,,\r\n"), "{csv}");
    assert!(csv.contains(",'=Hours last week,"), "a formula label is defused: {csv}");
    assert!(!csv.contains("canteen"), "free text never reaches the results");
}
