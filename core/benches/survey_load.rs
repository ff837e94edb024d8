//! Survey figures, printed, one run: the rendering-ready load of a
//! 60-question definition in three languages with skip logic (parse and
//! check every label, option, bound and condition), and one evaluation of
//! its skip logic after an answer changes — both in microseconds; and one
//! survey token issued, checked and presented (device and hub sides).
//!
//! Run: `cargo bench -p workervoice-core --bench survey_load`.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::json;
use workervoice_protocol::oprf;
use workervoice_protocol::survey::{SurveyAnswer, SurveyDefinition};

/// Sixty questions, three languages: every fifth a yes/no gate, the four
/// after it shown only on "yes" (the last of them only if a rating is high).
fn definition() -> Vec<u8> {
    let texts = |text: &str| json!({"en": text, "vi": format!("{text} (vi)"), "zh-CN": format!("{text} (zh)")});
    let mut questions = Vec::new();
    for i in 0..60 {
        let id = format!("q{i}");
        let gate = format!("q{}", i - i % 5);
        let question = match i % 5 {
            0 => json!({"id": id, "type": "yes_no", "required": true, "label": texts("Gate")}),
            1 => json!({"id": id, "type": "single_choice", "label": texts("Pick one"),
                        "show_if": {"equals": {"question": gate, "value": true}},
                        "options": (0..6).map(|o| json!({"id": format!("o{o}"), "label": texts("Option")})).collect::<Vec<_>>()}),
            2 => json!({"id": id, "type": "rating", "min": 1, "max": 5, "label": texts("Rate"),
                        "show_if": {"equals": {"question": gate, "value": true}}}),
            3 => json!({"id": id, "type": "multiple_choice", "label": texts("Pick some"), "max_selected": 3,
                        "show_if": {"all": [{"equals": {"question": gate, "value": true}},
                                             {"at_least": {"question": format!("q{}", i - 1), "value": 3}}]},
                        "options": (0..6).map(|o| json!({"id": format!("o{o}"), "label": texts("Option")})).collect::<Vec<_>>()}),
            _ => json!({"id": id, "type": "text", "max_length": 500, "label": texts("Tell us"),
                        "show_if": {"any": [{"answered": {"question": format!("q{}", i - 1)}},
                                             {"not": {"equals": {"question": gate, "value": false}}}]}}),
        };
        questions.push(question);
    }
    serde_json::to_vec(&json!({"languages": ["en", "vi", "zh-CN"], "title": texts("Check-in"), "questions": questions}))
        .expect("json")
}

fn median_micros(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let body = definition();
    let mut loads = Vec::new();
    let mut survey = None;
    for _ in 0..300 {
        let start = Instant::now();
        survey = Some(SurveyDefinition::parse(std::hint::black_box(&body), |_| true).expect("valid"));
        loads.push(start.elapsed().as_secs_f64() * 1e6);
    }
    let survey = survey.expect("loaded");

    let mut answers: BTreeMap<String, SurveyAnswer> = BTreeMap::new();
    let mut evaluations = Vec::new();
    for round in 0..20_000usize {
        let gate = (round % 12) * 5;
        // One answer changes: a gate flips, or a rating moves.
        if round % 2 == 0 {
            answers.insert(format!("q{gate}"), SurveyAnswer::YesNo(round % 4 == 0));
        } else {
            answers.insert(format!("q{}", gate + 2), SurveyAnswer::Rating(i32::try_from(round % 5).unwrap_or(0) + 1));
        }
        let start = Instant::now();
        let visible = survey.visible(std::hint::black_box(&answers));
        evaluations.push(start.elapsed().as_secs_f64() * 1e6);
        std::hint::black_box(visible);
    }
    println!(
        "survey, 60 questions × 3 languages ({} bytes): rendering-ready load (parse + check) median {:.0} µs; \
         skip logic after one answer changes: median {:.1} µs",
        body.len(),
        median_micros(loads),
        median_micros(evaluations)
    );

    // One survey token end to end (ADR 0010): the device blinds, the hub
    // evaluates with its DLEQ proof, the device checks the proof and
    // unblinds, and the hub checks the presented token when it arrives.
    let key = oprf::SecretKey::derive(&[7u8; 32], b"check-in").expect("key");
    let public = key.public_key();
    let (mut device_side, mut hub_side, mut check) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..200u32 {
        let input = round.to_le_bytes();
        let start = Instant::now();
        let blind = oprf::random_blind().expect("blind");
        let (state, blinded) = oprf::BlindState::restore(&input, blind.as_slice()).expect("blinded");
        let blinding = start.elapsed();
        let start = Instant::now();
        let (evaluated, proof) = key.blind_evaluate(&blinded).expect("evaluated");
        hub_side.push(start.elapsed().as_secs_f64() * 1e6);
        let start = Instant::now();
        let output = oprf::finalize(state, &evaluated, &proof, &public).expect("verified");
        device_side.push((blinding + start.elapsed()).as_secs_f64() * 1e6);
        let start = Instant::now();
        assert!(key.verify_token(&input, &output));
        check.push(start.elapsed().as_secs_f64() * 1e6);
    }
    println!(
        "survey token (VOPRF ristretto255): device blind + proof check + unblind median {:.0} µs; \
         hub evaluation with proof {:.0} µs; hub check of a presented token {:.0} µs",
        median_micros(device_side),
        median_micros(hub_side),
        median_micros(check)
    );
}
