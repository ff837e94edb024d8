//! Writes the seed corpus: one or a few real, valid inputs per fuzz target,
//! built with the same types and formats the device and hub use (the survey
//! and training documents are the protocol crate's test fixtures). Each seed
//! carrying a document is checked to pass its parser (`check`), so the
//! fuzzer starts from inputs that reach past the first check.
//!
//! It is built like a fuzz target (with the same instrumented dependencies,
//! so it costs no second build of the tree) and does its work in the
//! harness's `init`, then exits:
//!
//! ```sh
//! cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -s none -a --features seeds write_seeds
//! ```
//!
//! rewrites `fuzz/corpus/<target>/seed-*`.

#![no_main]

use std::path::{Path, PathBuf};

use serde_json::json;
use workervoice_core::crypto::hpke::seal_base;
use workervoice_fuzz::{format_http_date, programme_public_key, sign};
use workervoice_protocol::auth::{ConfirmSignInRequest, OfflineSignInProof, offline_sign_in_info};
use workervoice_protocol::b64::encode;
use workervoice_protocol::content::{manifest_signing_input, programme_id};
use workervoice_protocol::directory::directory_signing_input;
use workervoice_protocol::envelope::{reply_aad, seal};
use workervoice_protocol::grievance::{SubmissionHeader, frame_submission};
use workervoice_protocol::progress::{ProgressBatch, ProgressUpload, certificate_signing_input, upload_info};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn write(target: &str, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let dir = corpus().join(target);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(format!("seed-{name}")), bytes)
}

fn with_selector(selector: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![selector];
    out.extend_from_slice(body);
    out
}

/// A hub_device_inputs input: selector, device id, NUL, body.
fn device_input(selector: u8, device: &str, body: &[u8]) -> Vec<u8> {
    let mut out = vec![selector];
    out.extend_from_slice(device.as_bytes());
    out.push(0);
    out.extend_from_slice(body);
    out
}

fn to_vec(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

fn survey_definition() -> serde_json::Value {
    json!({
        "languages": ["en", "vi", "zh-CN"],
        "title": {"en": "After the audit", "vi": "Sau cuộc kiểm toán", "zh-CN": "审核之后"},
        "questions": [
            {"id": "interviewed", "type": "yes_no", "required": true,
             "label": {"en": "Did the auditor talk to you?", "vi": "Kiểm toán viên có nói chuyện với bạn không?"}},
            {"id": "punished", "type": "yes_no", "required": true,
             "show_if": {"equals": {"question": "interviewed", "value": true}},
             "label": {"en": "Were you punished for it?", "zh-CN": "你因此受到惩罚了吗？"}},
            {"id": "how", "type": "multiple_choice", "min_selected": 1, "max_selected": 2,
             "show_if": {"all": [{"equals": {"question": "punished", "value": true}}]},
             "label": {"en": "How?"},
             "options": [{"id": "pay", "label": {"en": "Pay cut"}}, {"id": "shift", "label": {"en": "Worse shifts"}},
                         {"id": "threat", "label": {"en": "Threats"}}]},
            {"id": "who", "type": "single_choice", "show_if": {"any_of": {"question": "how", "options": ["threat"]}},
             "label": {"en": "Who?"},
             "options": [{"id": "supervisor", "label": {"en": "Supervisor"}}, {"id": "manager", "label": {"en": "Manager"}}]},
            {"id": "safe", "type": "rating", "min": 1, "max": 5, "required": true,
             "label": {"en": "How safe do you feel?"}, "min_label": {"en": "Not at all"}, "max_label": {"en": "Very"}},
            {"id": "hours", "type": "number", "min": 0, "max": 100, "integer": true,
             "show_if": {"not": {"at_least": {"question": "safe", "value": 4}}},
             "label": {"en": "Hours worked last week"}},
            {"id": "comment", "type": "text", "max_length": 20, "label": {"en": "Anything else?"}},
            {"id": "when", "type": "date", "min": "2026-01-01", "max": "2026-12-31",
             "show_if": {"answered": {"question": "comment"}}, "label": {"en": "Since when?"}}
        ],
        "opens_case": {"when": {"equals": {"question": "punished", "value": true}}, "category_id": "retaliation"}
    })
}

fn survey_answers() -> serde_json::Value {
    json!({
        "interviewed": {"type": "yes_no", "value": true},
        "punished": {"type": "yes_no", "value": true},
        "how": {"type": "choices", "value": ["threat"]},
        "who": {"type": "choice", "value": "manager"},
        "safe": {"type": "rating", "value": 2},
        "hours": {"type": "number", "value": 61},
        "comment": {"type": "text", "value": "since March"},
        "when": {"type": "date", "value": "2026-03-02"}
    })
}

const MEDIA: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

fn training_document() -> serde_json::Value {
    let media = format!("sha256:{MEDIA}");
    json!({
        "lessons": [{"id": "l1", "title": {"en": "Exits", "vi": "Lối thoát"}, "text": {"en": "Know them."},
                     "media": [media], "media_by_language": {"vi": [media]}}],
        "quiz": {"pass_mark_percent": 50, "questions": [
            {"id": "q1", "prompt": {"en": "Which?"}, "answer": {"type": "single_choice",
                "options": [{"id": "a", "text": {"en": "A"}}, {"id": "b", "text": {"en": "B"}}], "correct": "a"}},
            {"id": "q2", "prompt": {"en": "True?"}, "answer": {"type": "true_false", "correct": true}},
            {"id": "q3", "prompt": {"en": "Which ones?"}, "answer": {"type": "multiple_choice",
                "options": [{"id": "a", "text": {"en": "A"}}, {"id": "b", "text": {"en": "B"}}], "correct": ["a", "b"]}},
            {"id": "q4", "prompt": {"en": "In order"}, "answer": {"type": "ordering",
                "items": [{"id": "x", "text": {"en": "X"}}, {"id": "y", "text": {"en": "Y"}}], "correct_order": ["y", "x"]}}
        ]},
        "points": {"lesson": 7, "correct_answer": 3, "passing": 11},
        "badges": [{"id": "b1", "title": {"en": "Safe"}, "rule": {"type": "module_passed"}}]
    })
}

fn directory_body() -> serde_json::Value {
    let programme = programme_id(&programme_public_key());
    json!({
        "programme_id": programme, "version": 4, "issued_at": 1_780_000_000,
        "routes": [
            {"route": "factory_committee", "factory_id": "f-1", "response_deadline_hours": 72,
             "recipients": [{"handler_id": "h-1", "public_key": encode(&[9; 32])}]},
            {"route": "brand", "brand_id": "b-1", "factory_ids": ["f-1"], "response_deadline_hours": 168,
             "recipients": [{"handler_id": "h-2", "public_key": encode(&[10; 32])}]}
        ],
        "categories": [{"id": "wages", "labels": {"en": "Wages", "vi": "Tiền lương"}}]
    })
}

fn manifest_body() -> serde_json::Value {
    json!({
        "programme_id": programme_id(&programme_public_key()), "kind": "training_module", "id": "fire-safety",
        "version": 2, "languages": ["en", "vi"], "titles": {"en": "Fire safety", "vi": "An toàn cháy nổ"},
        "body": {"sha256": "b".repeat(64), "size": 900, "media_type": "application/json"},
        "media": [{"sha256": MEDIA, "size": 5000, "media_type": "image/png"}],
        "published_at": 1_780_000_000
    })
}

libfuzzer_sys::fuzz_target!(
    init: finish(write_all()),
    |_data: &[u8]| {}
);

/// Ends the process: the harness has nothing to fuzz.
fn finish(result: Result<(), Box<dyn std::error::Error>>) {
    if let Err(error) = result {
        eprintln!("writing seeds failed: {error}");
        std::process::exit(1);
    }
    std::process::exit(0);
}

fn write_all() -> Result<(), Box<dyn std::error::Error>> {
    // Submission frames, as a device sends them.
    let header = SubmissionHeader {
        client_id: "3f1c2a9e-7d4b-4c1e-9a55-0b7e2d6f8a10".into(),
        case_id: "7KQ2M-XW4HD".into(),
        factory_id: "f-1".into(),
        routes: serde_json::from_value(json!(["factory_committee", "brand"]))?,
        directory_version: 4,
        recipients: serde_json::from_value(
            json!([{"handler_id": "h-1", "enc": encode(&[3; 32]), "wrapped_key": encode(&[4; 48])}]),
        )?,
        receipt_verifier: vec![5; 32],
        attachments: serde_json::from_value(
            json!([{"attachment_id": "a-1", "size": 1040, "sha256": encode(&[6; 32])}]),
        )?,
    };
    let sealed = seal(&[0x42; 32], b"aad", b"{\"category\":\"wages\",\"text\":\"unpaid overtime\"}")?;
    write("submission_frame", "with-attachment", &frame_submission(&header, &sealed)?)?;
    let plain = SubmissionHeader { attachments: Vec::new(), ..header };
    write("submission_frame", "plain", &frame_submission(&plain, &sealed)?)?;

    // Sealed envelopes: mode byte, aad, NUL, body.
    write("sealed_envelope", "payload", b"\x00workervoice/payload\x00{\"text\":\"hello\"}")?;
    write("sealed_envelope", "attachment", b"\x01client-1/attachment-1\x00JPEG bytes")?;
    write("sealed_envelope", "hpke", b"\x02case-1\x00content key 32 bytes long......")?;

    // Directory: the reply as served (mode 0) and a body to sign (mode 1).
    let body = to_vec(&directory_body());
    let signature = sign(&directory_signing_input(&body));
    let reply = json!({"directory": {"body": encode(&body), "signature": encode(&signature)}});
    write("directory", "reply", &with_selector(0, &to_vec(&reply)))?;
    write("directory", "empty-reply", &with_selector(0, b"{}"))?;
    write("directory", "body", &with_selector(1, &body))?;
    write("directory", "body-held-version", &with_selector(0x83, &body))?;

    // Catalog.
    let catalog = json!({"factory_id": "f-1", "etag": "0123456789abcdef0123456789abcdef", "entries": [
        {"kind": "training_module", "id": "fire-safety", "version": 2, "manifest_sha256": "c".repeat(64), "total_bytes": 5900},
        {"kind": "survey", "id": "after-audit", "version": 1, "manifest_sha256": "d".repeat(64), "total_bytes": 2100}
    ]});
    write("catalog", "two-entries", &to_vec(&catalog))?;

    // Manifests.
    let body = to_vec(&manifest_body());
    let signed = json!({"body": encode(&body), "signature": encode(&sign(&manifest_signing_input(&body)))});
    write("manifest", "reply", &with_selector(0, &to_vec(&signed)))?;
    write("manifest", "body", &with_selector(1, &body))?;

    // Survey definitions, NUL, answers (or a date).
    let mut survey = to_vec(&survey_definition());
    survey.push(0);
    survey.extend_from_slice(&to_vec(&survey_answers()));
    write("survey_definition", "every-question-type", &survey)?;
    let mut dated = to_vec(&survey_definition());
    dated.extend_from_slice(b"\x002026-02-28");
    write("survey_definition", "date", &dated)?;

    // Training modules.
    write("training_module", "every-answer-type", &to_vec(&training_document()))?;

    // Case sync replies, with a handler reply sealed under the fixture reply key.
    let case_id = "7KQ2M-XW4HD";
    let handler_reply = seal(
        &[0x42; 32],
        &reply_aad(case_id, "r-1", serde_json::from_value(json!("handler"))?),
        b"We are looking into it.",
    )?;
    let sync = json!({"updates": [{"case_id": case_id, "status": "acknowledged", "events": [
        {"seq": 1, "at": 1_780_000_100, "status": "acknowledged"},
        {"seq": 2, "at": 1_780_000_200, "author": "handler", "reply": encode(&handler_reply), "reply_id": "r-1"}
    ]}], "refused": ["AAAAA-BBBBB"]});
    write("case_sync", "reply-with-news", &to_vec(&sync))?;
    // The same reply applied to the device's store (case_updates knows the
    // case 7KQ2M-XW4HD and AAAAA-BBBBB, both under the fixture reply key),
    // and a worker's own reply echoed back with a status change.
    write("case_updates", "reply-with-news", &to_vec(&sync))?;
    let worker_reply = seal(
        &[0x42; 32],
        &reply_aad("AAAAA-BBBBB", "r-7", serde_json::from_value(json!("worker"))?),
        "Cảm ơn. 谢谢".as_bytes(),
    )?;
    let both = json!({"updates": [
        {"case_id": "AAAAA-BBBBB", "status": "resolved", "events": [
            {"seq": 6, "at": 1_780_000_300, "author": "worker", "reply": encode(&worker_reply), "reply_id": "r-7"},
            {"seq": 7, "at": 1_780_000_400, "status": "resolved"}
        ]},
        {"case_id": "7KQ2M-XW4HD", "status": "received", "events": []}
    ], "refused": []});
    write("case_updates", "two-cases", &to_vec(&both))?;

    // Hub replies: kind, status (2 bytes), body.
    let replies: Vec<(u8, u16, serde_json::Value)> = vec![
        (6, 200, reply),
        (7, 200, json!({"case_id": case_id, "received_at": 1_780_000_000})),
        (8, 200, sync),
        (10, 200, catalog),
        (11, 200, signed),
        (5, 410, json!({"error": {"code": "device_retired"}})),
        (1, 503, json!({"error": {"code": "internal"}})),
    ];
    for (index, (kind, status, body)) in replies.into_iter().enumerate() {
        let mut input = vec![kind];
        input.extend_from_slice(&(status - 100).to_be_bytes());
        input.extend_from_slice(&to_vec(&body));
        write("hub_replies", &format!("reply-{index}"), &input)?;
    }
    let certificate = json!({"certificate_id": "c-1", "programme_id": programme_id(&programme_public_key()),
        "worker_name": "Tran Thi Mai", "worker_number": "4471", "factory_name": "Factory One",
        "module_id": "fire-safety", "module_version": 2, "module_title": {"en": "Fire safety"}, "passed_at": 1_780_000_000});
    let mut input = vec![19, 0, 100];
    input.extend_from_slice(&to_vec(&certificate));
    write("hub_replies", "certificate", &input)?;
    let _ = certificate_signing_input(b"");

    // Hub requests: kind, body.
    let requests: Vec<(u8, serde_json::Value)> = vec![
        (8, json!({"cases": [{"case_id": case_id, "token": encode(&[7; 32]), "since": 1}]})),
        (9, json!({"reply_id": "r-2", "reply": encode(&[8; 40])})),
        (
            16,
            json!({"response_id": "r-1", "survey_id": "after-audit", "version": 1, "factory_id": "f-1",
                    "token_input": encode(&[1; 32]), "sealed": encode(&[2; 64]), "token_mac": encode(&[3; 32]),
                    "recipients": [{"handler_id": "h-1", "enc": encode(&[3; 32]), "wrapped_key": encode(&[4; 48])}]}),
        ),
        (22, json!({"workers": [{"worker_number": "4471", "display_name": "Tran Thi Mai", "language": "vi"}]})),
        (18, json!({"category": "wages", "text": "Overtime unpaid since March", "attachments": []})),
    ];
    for (index, (kind, body)) in requests.into_iter().enumerate() {
        write("hub_requests", &format!("request-{index}"), &with_selector(kind, &to_vec(&body)))?;
    }

    // What a device sends the hub behind private code paths
    // (hub_device_inputs): selector, device id, NUL, body or header values.
    let device = "3f1c2a9e-7d4b-4c1e-9a55-0b7e2d6f8a10";
    let hub = workervoice_hub::fuzzing::FuzzHub::new(&[0x5a; 32]);
    let proof =
        OfflineSignInProof { worker_number: "4471".into(), pin_proof: vec![0x21; 32], signed_in_at: 1_780_000_000 };
    let sign_in_id = "9b2f0c44-1e7a-4d3b-8c61-5f0a2e9d7b13";
    let sealed = seal_base(
        &hub.sealing_public_key(),
        &offline_sign_in_info(device, sign_in_id),
        sign_in_id.as_bytes(),
        &serde_json::to_vec(&proof)?,
    )?;
    let request =
        ConfirmSignInRequest { sign_in_id: sign_in_id.into(), enc: sealed.enc.to_vec(), sealed: sealed.ciphertext };
    write("hub_device_inputs", "offline-proof-sealed", &device_input(0, device, &serde_json::to_vec(&request)?))?;
    write("hub_device_inputs", "offline-proof", &device_input(0, device, &serde_json::to_vec(&proof)?))?;
    let batch: ProgressBatch = serde_json::from_value(json!({"worker_id": "w-1", "events": [
        {"id": "6d1c7f0e-2b9a-4e55-9f13-0a4b8c2d7e61", "module_id": "fire-safety", "module_version": 2,
         "at": 1_780_000_000, "kind": {"type": "lesson_completed", "lesson_id": "l1"}},
        {"id": "0e7a5b3c-9d21-4f68-a4c0-1b2e3d4f5a6b", "module_id": "fire-safety", "module_version": 2,
         "at": 1_780_000_060, "kind": {"type": "quiz_attempt", "answers": {
             "q1": {"type": "choice", "value": "a"}, "q2": {"type": "bool", "value": true},
             "q3": {"type": "choices", "value": ["a", "b"]}, "q4": {"type": "order", "value": ["y", "x"]}}}}
    ], "mac": encode(&[0x33; 32])}))?;
    let upload_id = "4c8e2f1a-7b3d-4a9e-b5c6-d7e8f9a0b1c2";
    let sealed = seal_base(
        &hub.sealing_public_key(),
        &upload_info(device, upload_id),
        upload_id.as_bytes(),
        &serde_json::to_vec(&batch)?,
    )?;
    let upload = ProgressUpload {
        upload_id: upload_id.into(),
        enc: sealed.enc.to_vec(),
        sealed: sealed.ciphertext,
        device_sent_at: 1_780_000_100,
    };
    write("hub_device_inputs", "progress-upload-sealed", &device_input(1, device, &serde_json::to_vec(&upload)?))?;
    write("hub_device_inputs", "progress-batch", &device_input(1, device, &serde_json::to_vec(&batch)?))?;
    let headers = [device, "1780000000", &encode(&[0x44; 16]), &encode(&[0x55; 64])].join("\0");
    write("hub_device_inputs", "signature-headers", &with_selector(2, headers.as_bytes()))?;
    if hub.open_offline_proof(device, &serde_json::to_vec(&request)?).is_none()
        || hub.open_progress_upload(device, &serde_json::to_vec(&upload)?).is_none()
    {
        return Err("hub_device_inputs seeds: the hub does not open what was sealed to it".into());
    }

    // OPRF: a real element (the fixture key's public key) and blinds.
    write(
        "oprf",
        "element",
        &with_selector(
            0,
            &[
                0xE2, 0xF2, 0xAE, 0x0A, 0x6A, 0xBC, 0x4E, 0x71, 0xA8, 0x84, 0xA9, 0x61, 0xC5, 0x00, 0x51, 0x5F, 0x58,
                0xE3, 0x0B, 0x6A, 0xA5, 0x82, 0xDD, 0x8D, 0xB6, 0xA6, 0x59, 0x45, 0xE0, 0x8D, 0x2D, 0x76,
            ],
        ),
    )?;
    write("oprf", "blind", &with_selector(1, &[1; 32]))?;
    write("oprf", "blind-and-forgery", &with_selector(2, &[2; 128]))?;
    write("oprf", "key", &with_selector(3, &[3; 32]))?;

    // Roster CSV.
    write("roster_csv", "roster", "\u{feff}worker_number,display_name,language,department\r\n4471,\"Tran, Thi Mai\",vi,Sewing\r\n4472,Nguyen Van An,vi,\r\n".as_bytes())?;

    // Ranges and dates.
    write("http_range", "open", b"bytes=1024-")?;
    write("http_range", "closed", b"bytes=10-19")?;
    write("http_range", "content-range", b"bytes 1024-4095/4096")?;
    for (name, secs) in [("rfc-example", 784_111_777), ("leap-day", 1_709_251_199), ("now", 1_780_000_000)] {
        write("http_date", name, format_http_date(secs).unwrap_or_default().as_bytes())?;
    }

    // Codes, QR payloads and receipts.
    write(
        "enrol_codes",
        "qr",
        b"workervoice://enrol?v=1&hub=https%3A%2F%2Fhub.example.org%3A8443&code=ABCD-EFGH-JKMN",
    )?;
    write("enrol_codes", "receipt", b"7KQ2M-XW4HD\n1234 5678 9012 3456 7890")?;
    write("enrol_codes", "activation", b"12345-67890")?;
    write("enrol_codes", "base64", encode(b"worker voice").as_bytes())?;
    check()?;
    println!("seeds written under {}", corpus().display());
    Ok(())
}

/// The seeds that carry documents must pass their parsers, or they teach the
/// fuzzer nothing past the first check.
fn check() -> Result<(), Box<dyn std::error::Error>> {
    use workervoice_protocol::content::{SignedManifest, verify_manifest};
    use workervoice_protocol::survey::SurveyDefinition;
    use workervoice_protocol::training::ModuleDocument;
    let pinned = programme_public_key();
    let body = to_vec(&directory_body());
    let signed =
        workervoice_protocol::directory::SignedDirectory { signature: sign(&directory_signing_input(&body)), body };
    workervoice_core::directory::verify(&signed, &pinned, None).map_err(|e| format!("directory seed: {e}"))?;
    let body = to_vec(&manifest_body());
    let signed = SignedManifest { signature: sign(&manifest_signing_input(&body)), body };
    verify_manifest(&signed, &pinned).map_err(|e| format!("manifest seed: {e}"))?;
    SurveyDefinition::parse(&to_vec(&survey_definition()), |_| true).map_err(|e| format!("survey seed: {e}"))?;
    let listed = |r: &str| r == format!("sha256:{MEDIA}");
    ModuleDocument::parse(&to_vec(&training_document()), listed).map_err(|e| format!("training seed: {e}"))?;
    Ok(())
}
