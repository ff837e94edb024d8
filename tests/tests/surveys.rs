//! Survey definitions through the content channel: a definition whose bytes
//! were changed on the hub, or that is signed but would not render, never
//! reaches the worker.

use serde_json::json;
use workervoice::{DeviceMode, ErrorCode};
use workervoice_e2e::{TestDevice, TestHub};
use workervoice_hub::{PackAssignment, publish_pack};
use workervoice_protocol::content::sha256_hex;

fn survey_pack(show_if_question: &str) -> serde_json::Value {
    json!({
        "kind": "survey", "id": "check-in", "languages": ["en", "vi"],
        "titles": {"en": "Check-in", "vi": "Hỏi thăm"},
        "document": {
            "languages": ["en", "vi"],
            "title": {"en": "Check-in", "vi": "Hỏi thăm"},
            "questions": [
                {"id": "interviewed", "type": "yes_no", "required": true,
                 "label": {"en": "Did the auditor talk to you?", "vi": "Kiểm toán viên có nói chuyện với bạn không?"}},
                {"id": "punished", "type": "yes_no",
                 "show_if": {"equals": {"question": show_if_question, "value": true}},
                 "label": {"en": "Were you punished for it?", "vi": "Bạn có bị phạt vì điều đó không?"}}
            ]
        }
    })
}

async fn publish_and_sync(
    pack: serde_json::Value,
    tamper: bool,
) -> (TestHub, TestDevice, workervoice::ContentSyncReport) {
    let hub = TestHub::start().await;
    let folder = hub.dir.path().join("survey-source");
    std::fs::create_dir_all(&folder).unwrap();
    let document = serde_json::to_vec(&pack["document"]).unwrap();
    std::fs::write(folder.join("pack.json"), serde_json::to_vec(&pack).unwrap()).unwrap();
    let published = publish_pack(hub.dir.path(), &folder, &PackAssignment::AllFactories).expect("publish");
    assert_eq!(published.version, 1);
    if tamper {
        // The document is the pack's only blob (no media): change one byte.
        let dir = hub.dir.path().join("content");
        let blobs: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|entry| entry.path()).collect();
        assert_eq!(blobs.len(), 1, "the document is the only blob: {blobs:?}");
        let mut bytes = std::fs::read(&blobs[0]).unwrap();
        let at = bytes.windows(6).position(|w| w == b"talk t").expect("the question text");
        bytes[at] = b'w';
        std::fs::write(&blobs[0], &bytes).unwrap();
        assert_ne!(sha256_hex(&bytes), sha256_hex(&document));
    }
    let key = hub.programme_key().await;
    let device = TestDevice::open_pinned(&hub.url(), Some(&key));
    let factory = hub.factory(false).await;
    let (code, _) = hub.code(&factory, "personal").await;
    device.app.enrol(code, DeviceMode::Personal).await.expect("enrol");
    let report = device.app.sync_content().await.expect("the sync itself succeeds");
    (hub, device, report)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_survey_whose_bytes_changed_on_the_hub_is_refused() {
    let (_hub, device, report) = publish_and_sync(survey_pack("interviewed"), true).await;
    assert_eq!(report.refused, vec!["check-in".to_owned()]);
    assert_eq!(device.app.load_survey("check-in".into()).unwrap_err().code(), ErrorCode::ContentNotDownloaded);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_survey_that_would_not_render_is_refused_on_the_device() {
    // A condition on a later question: signed by the programme, but a
    // definition the device cannot evaluate in one pass.
    let mut pack = survey_pack("interviewed");
    pack["document"]["questions"][0]["show_if"] = json!({"answered": {"question": "punished"}});
    let (_hub, device, report) = publish_and_sync(pack, false).await;
    assert_eq!(report.refused, vec!["check-in".to_owned()]);
    assert_eq!(device.app.load_survey("check-in".into()).unwrap_err().code(), ErrorCode::ContentNotDownloaded);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_untouched_survey_loads_in_the_devices_language() {
    let (_hub, device, report) = publish_and_sync(survey_pack("interviewed"), false).await;
    assert!(report.refused.is_empty(), "{report:?}");
    device.app.set_languages(vec!["vi".into()]);
    let survey = device.app.load_survey("check-in".into()).unwrap();
    assert_eq!(survey.title, "Hỏi thăm");
    assert_eq!(survey.questions[1].label, "Bạn có bị phạt vì điều đó không?");
}
