//! Surveys end to end: a definition whose bytes were changed on the hub, or
//! that would not render, never reaches the worker; one response per worker
//! (also from a second device) without the hub learning whose it is; the
//! post-audit check-in open to exactly the interviewed workers on day 5; an
//! answer reporting retaliation opening an anonymous case; an answer bound
//! to its worker's factory (ADR 0021).

use serde_json::json;
use workervoice::{DeviceMode, ErrorCode, OpenSurveyState};
use workervoice_core::app::{SurveyAnswerEntry, SurveyAnswerInput};
use workervoice_e2e::{Factory, PIN, TestDevice, TestHub};
use workervoice_hub::PackAssignment;
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
    hub.analyst("analyst password 1").await;
    let folder = hub.dir.path().join("survey-source");
    std::fs::create_dir_all(&folder).unwrap();
    let document = serde_json::to_vec(&pack["document"]).unwrap();
    std::fs::write(folder.join("pack.json"), serde_json::to_vec(&pack).unwrap()).unwrap();
    let published = hub.publish_pack(&folder, &PackAssignment::AllFactories).await.expect("publish");
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
async fn a_survey_that_would_not_render_is_not_published() {
    // A condition on a later question: a definition devices cannot evaluate
    // in one pass. The publisher refuses it (devices check again, and
    // refuse it too: see `a_survey_whose_bytes_changed_on_the_hub_is_refused`).
    let hub = TestHub::start().await;
    hub.analyst("analyst password 1").await;
    let mut pack = survey_pack("interviewed");
    pack["document"]["questions"][0]["show_if"] = json!({"answered": {"question": "punished"}});
    let folder = hub.dir.path().join("bad-survey");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("pack.json"), serde_json::to_vec(&pack).unwrap()).unwrap();
    let error = hub.publish_pack(&folder, &PackAssignment::AllFactories).await.unwrap_err();
    assert!(format!("{error:#}").contains("would not render"), "{error:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_survey_the_programme_signed_but_that_would_not_render_is_refused_on_the_device() {
    // publish-pack refuses such a definition, so sign one here with the
    // programme key from the key holder's folder, as a buggy or older
    // publisher could have: the device must still refuse it.
    let hub = TestHub::start().await;
    hub.analyst("analyst password 1").await;
    let folder = hub.dir.path().join("survey-source");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("pack.json"), serde_json::to_vec(&survey_pack("interviewed")).unwrap()).unwrap();
    hub.publish_pack(&folder, &PackAssignment::AllFactories).await.expect("publish");

    let db = rusqlite::Connection::open(hub.dir.path().join("hub.db")).unwrap();
    let manifest: Vec<u8> =
        db.query_row("SELECT body FROM content_manifests WHERE content_id = 'check-in'", [], |row| row.get(0)).unwrap();
    let mut manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    let content = hub.dir.path().join("content");
    let body_sha = manifest["body"]["sha256"].as_str().unwrap().to_owned();
    let mut document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(content.join(&body_sha)).unwrap()).unwrap();
    // A condition on a later question: not evaluable in one pass.
    document["questions"][0]["show_if"] = json!({"answered": {"question": "punished"}});
    let bad = serde_json::to_vec(&document).unwrap();
    let bad_sha = sha256_hex(&bad);
    std::fs::write(content.join(&bad_sha), &bad).unwrap();
    db.execute(
        "INSERT INTO content_blobs (sha256, size, media_type, created_at) VALUES (?1, ?2, ?3, 0)",
        rusqlite::params![bad_sha, bad.len() as i64, manifest["body"]["media_type"].as_str().unwrap()],
    )
    .unwrap();
    manifest["version"] = json!(2);
    manifest["body"]["sha256"] = json!(bad_sha);
    manifest["body"]["size"] = json!(bad.len());
    let body = serde_json::to_vec(&manifest).unwrap();
    let pkcs8 = std::fs::read(hub.key_holder_dir().join("programme-signing.key")).unwrap();
    let key = ring::signature::Ed25519KeyPair::from_pkcs8(&pkcs8).unwrap();
    let signature = key.sign(&workervoice_protocol::content::manifest_signing_input(&body));
    let address = sha256_hex(&body);
    db.execute(
        "INSERT INTO content_manifests (sha256, kind, content_id, version, body, signature, total_bytes, published_at)
         VALUES (?1, 'survey', 'check-in', 2, ?2, ?3, ?4, 0)",
        rusqlite::params![address, body, signature.as_ref(), bad.len() as i64],
    )
    .unwrap();
    db.execute("UPDATE content_items SET current_manifest = ?1 WHERE content_id = 'check-in'", [&address]).unwrap();

    let device = TestDevice::open_pinned(&hub.url(), Some(&hub.programme_key().await));
    let factory = hub.factory(false).await;
    let (code, _) = hub.code(&factory, "personal").await;
    device.app.enrol(code, DeviceMode::Personal).await.expect("enrol");
    let report = device.app.sync_content().await.expect("the sync itself succeeds");
    assert_eq!(report.refused, vec!["check-in".to_owned()], "{report:?}");
    assert_eq!(device.app.load_survey("check-in".into()).unwrap_err().code(), ErrorCode::ContentNotDownloaded);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_survey_without_an_analyst_to_read_it_is_not_published() {
    let hub = TestHub::start().await;
    let folder = hub.dir.path().join("survey");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("pack.json"), serde_json::to_vec(&survey_pack("interviewed")).unwrap()).unwrap();
    let error = hub.publish_pack(&folder, &PackAssignment::AllFactories).await.unwrap_err();
    assert!(format!("{error:#}").contains("analyst"), "{error:#}");
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

// ---------------------------------------------------------------------------
// Responses

/// A hub with an analyst, a published check-in (with its case rule), a
/// directory, and a factory.
async fn survey_programme() -> (TestHub, Factory, String) {
    let hub = TestHub::start().await;
    hub.analyst("analyst password 1").await;
    let factory = hub.factory(false).await;
    hub.handler("independent_hotline", None, "hotline password 1").await;
    hub.publish_directory().await;
    let mut pack = survey_pack("interviewed");
    pack["document"]["opens_case"] =
        json!({"when": {"equals": {"question": "punished", "value": true}}, "category_id": "retaliation"});
    let folder = hub.dir.path().join("survey-source");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("pack.json"), serde_json::to_vec(&pack).unwrap()).unwrap();
    hub.publish_pack(&folder, &PackAssignment::AllFactories).await.expect("publish");
    let key = hub.programme_key().await;
    (hub, factory, key)
}

/// A personal device of `factory` with worker `number` signed in (activated
/// when `activation` is given), content synced, responses sent at once.
async fn worker_device(
    hub: &TestHub,
    factory: &Factory,
    key: &str,
    number: &str,
    activation: Option<String>,
) -> TestDevice {
    let device = TestDevice::open_pinned(&hub.url(), Some(key));
    let (code, _) = hub.code(factory, "personal").await;
    device.app.enrol(code, DeviceMode::Personal).await.expect("enrol");
    match activation {
        Some(activation) => device.app.activate(number.into(), activation, PIN.into()).await.expect("activate"),
        None => device.app.login(number.into(), PIN.into()).await.expect("login"),
    };
    device.app.sync_content().await.expect("content");
    device.app.sync_now(true).await.expect("directory");
    device.app.set_survey_send_delay(0);
    device
}

fn yes_no(question: &str, value: bool) -> SurveyAnswerEntry {
    SurveyAnswerEntry { question_id: question.into(), answer: SurveyAnswerInput::YesNo { value } }
}

fn check_in_state(open: &[workervoice::OpenSurveyView]) -> Option<OpenSurveyState> {
    open.iter().find(|survey| survey.id == "check-in").map(|survey| survey.state)
}

/// Moves the hub's calendar by `offset` seconds; then, per device, whether
/// the check-in is among the surveys open to its worker.
async fn check_in_open_on(hub: &TestHub, devices: &[TestDevice], offset: i64) -> Vec<bool> {
    hub.hub.set_calendar_offset(offset);
    let mut open = Vec::new();
    for device in devices {
        open.push(check_in_state(&device.app.open_surveys().await.expect("open surveys")).is_some());
    }
    open
}

fn hub_db(hub: &TestHub) -> rusqlite::Connection {
    rusqlite::Connection::open(hub.dir.path().join("hub.db")).expect("hub database")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_answers_once_even_with_two_devices_and_nobody_else_can_use_their_token() {
    let (hub, factory, key) = survey_programme().await;
    let activation = hub.worker(&factory, "S-1", "Trần Văn Minh", "vi").await;
    let phone = worker_device(&hub, &factory, &key, "S-1", Some(activation)).await;
    let tablet = worker_device(&hub, &factory, &key, "S-1", None).await;

    let open = phone.app.open_surveys().await.expect("open surveys");
    assert_eq!(check_in_state(&open), Some(OpenSurveyState::Ready));
    let submitted = phone.app.submit_survey("check-in".into(), vec![yes_no("interviewed", false)]).expect("submit");
    assert!(submitted.case.is_none());
    // Submitted: a second submission from the same device is refused.
    let again = phone.app.submit_survey("check-in".into(), vec![yes_no("interviewed", false)]).unwrap_err();
    assert_eq!(again.code(), ErrorCode::AlreadyAnswered);

    // What someone with the phone (or a shared tablet) in hand can read of
    // the queued response: the token input and a MAC, not the token itself.
    let queued: Vec<u8> = rusqlite::Connection::open(phone.data_dir().join("workervoice.db"))
        .unwrap()
        .query_row("SELECT body FROM outbox WHERE kind = 'survey_response'", [], |row| row.get(0))
        .unwrap();
    let queued: serde_json::Value = serde_json::from_slice(&queued).unwrap();
    assert!(queued.get("token_output").is_none());
    let http = reqwest::Client::new();
    let post = |body: serde_json::Value| {
        let http = http.clone();
        let url = format!("{}/v1/surveys/responses", hub.url());
        async move {
            let reply = http.post(url).json(&body).send().await.unwrap();
            (reply.status().as_u16(), reply.text().await.unwrap())
        }
    };
    // Other answers under the worker's token, before the phone sends: refused.
    let mut hijacked = queued.clone();
    hijacked["sealed"] = json!(workervoice_protocol::b64::encode(b"answers the factory would prefer"));
    let (status, body) = post(hijacked).await;
    assert_eq!((status, body.contains("token_invalid")), (403, true), "{body}");
    let mut renamed = queued.clone();
    renamed["response_id"] = json!(another_response_id());
    let (status, body) = post(renamed).await;
    assert_eq!(status, 403, "{body}");

    let report = phone.app.sync_now(true).await.expect("sync");
    assert_eq!(report.delivered, 1, "{report:?}");
    // The phone's outbox id is its own, not the id the hub stored.
    let stored_as = queued["response_id"].as_str().expect("the hub's id in the upload");
    assert_ne!(submitted.response_id, stored_as);
    let on_hub: i64 = hub_db(&hub)
        .query_row("SELECT count(*) FROM survey_responses WHERE response_id = ?1", [&submitted.response_id], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(on_hub, 0);
    // The same upload again (a reply lost on the way): accepted, stored once.
    let (status, body) = post(queued).await;
    assert_eq!(status, 200, "{body}");

    // The same worker on their second device: the token went to the phone.
    let open = tablet.app.open_surveys().await.expect("open surveys");
    assert_eq!(check_in_state(&open), Some(OpenSurveyState::AnsweredElsewhere));
    let refused = tablet.app.submit_survey("check-in".into(), vec![yes_no("interviewed", true)]).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::NeedsHub, "no token on this device");
    assert_eq!(tablet.app.sync_now(true).await.expect("sync").delivered, 0);

    let count: i64 = hub_db(&hub).query_row("SELECT count(*) FROM survey_responses", [], |row| row.get(0)).unwrap();
    assert_eq!(count, 1, "exactly one response stored");
}

/// The survey's token key as the hub derives it from its secret
/// (`hub/src/keys.rs`, `surveys::token_key`): what the test needs to compute
/// the token output a worker's device holds, to play that worker.
fn hub_token_key(hub: &TestHub, survey_id: &str) -> workervoice_protocol::oprf::SecretKey {
    use ring::{hkdf, hmac};
    let secret = std::fs::read(hub.dir.path().join("hub-secret.key")).expect("the hub secret");
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"workervoice/hub").extract(&secret);
    let info = [b"workervoice/hub/survey-token/v1".as_slice()];
    let okm = prk.expand(&info, hmac::HMAC_SHA256).expect("one block");
    let survey_token = hmac::Key::from(okm);
    let seed: [u8; 32] = hmac::sign(&survey_token, survey_id.as_bytes()).as_ref().try_into().expect("32 bytes");
    workervoice_protocol::oprf::SecretKey::derive(&seed, survey_id.as_bytes()).expect("the key derives")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_cannot_move_their_answer_to_another_factory_even_holding_their_token() {
    use workervoice_protocol::survey_response::{
        RESPONSE_FORMAT_V1, ResponseUpload, response_mac, token_info, token_oprf_input,
    };
    let (hub, factory, key) = survey_programme().await;
    let other = hub.factory(false).await;
    let activation = hub.worker(&factory, "F-1", "Nguyễn Thị Lan", "vi").await;
    let phone = worker_device(&hub, &factory, &key, "F-1", Some(activation)).await;
    phone.app.open_surveys().await.expect("open surveys");
    phone.app.submit_survey("check-in".into(), vec![yes_no("interviewed", false)]).expect("submit");
    let queued: Vec<u8> = rusqlite::Connection::open(phone.data_dir().join("workervoice.db"))
        .unwrap()
        .query_row("SELECT body FROM outbox WHERE kind = 'survey_response'", [], |row| row.get(0))
        .unwrap();
    let queued: ResponseUpload = serde_json::from_slice(&queued).unwrap();
    assert_eq!(queued.format, 2, "a new token is bound to the factory");
    assert_eq!(queued.factory_id, factory.id);

    // The worker holds the token output their device unblinded (the test
    // computes the same value with the hub's key) and re-MACs the answer as
    // if it came from another factory.
    let token_key = hub_token_key(&hub, "check-in");
    let oprf_input = token_oprf_input("check-in", &queued.token_input);
    let output = token_key.evaluate_bound(&oprf_input, &token_info(&factory.id)).unwrap();
    assert_eq!(response_mac(&output, &queued), queued.token_mac, "the test holds what the device holds");
    let http = reqwest::Client::new();
    let post = |body: &ResponseUpload| {
        let request = http.post(format!("{}/v1/surveys/responses", hub.url())).json(body);
        async move {
            let reply = request.send().await.unwrap();
            (reply.status().as_u16(), reply.text().await.unwrap())
        }
    };
    let mut moved = queued.clone();
    moved.factory_id = other.id.clone();
    moved.token_mac = response_mac(&output, &moved);
    let (status, body) = post(&moved).await;
    assert_eq!((status, body.contains("token_invalid")), (403, true), "{body}");

    // Nor as format 1 (an unbound token): the hub issued none of those, so it
    // takes no format-1 answer at all — even one whose MAC is right.
    let unbound_output = token_key.evaluate(&oprf_input).unwrap();
    let mut unbound = queued.clone();
    unbound.format = RESPONSE_FORMAT_V1;
    unbound.factory_id = other.id.clone();
    unbound.token_mac = response_mac(&unbound_output, &unbound);
    let (status, body) = post(&unbound).await;
    assert_eq!((status, body.contains("token_invalid")), (403, true), "{body}");

    // The answer as the device made it goes in, for its own factory.
    assert_eq!(phone.app.sync_now(true).await.expect("sync").delivered, 1);
    let factories: Vec<String> = hub_db(&hub)
        .prepare("SELECT factory_id FROM survey_responses")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(factories, vec![factory.id.clone()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_queued_before_the_update_still_goes_in_but_no_more_unbound_answers_than_tokens_issued() {
    use workervoice_protocol::survey_response::{RESPONSE_FORMAT_V1, ResponseUpload, response_mac, token_oprf_input};
    let (hub, factory, key) = survey_programme().await;
    let activation = hub.worker(&factory, "F-2", "Nguyễn Văn Bình", "vi").await;
    let phone = worker_device(&hub, &factory, &key, "F-2", Some(activation)).await;
    phone.app.open_surveys().await.expect("open surveys");
    phone.app.submit_survey("check-in".into(), vec![yes_no("interviewed", false)]).expect("submit");
    let queued: Vec<u8> = rusqlite::Connection::open(phone.data_dir().join("workervoice.db"))
        .unwrap()
        .query_row("SELECT body FROM outbox WHERE kind = 'survey_response'", [], |row| row.get(0))
        .unwrap();
    let template: ResponseUpload = serde_json::from_slice(&queued).unwrap();
    // Two unbound tokens issued before the hub was updated (the rows as the
    // upgrade leaves them: factory_bound 0), and three format-1 answers.
    for number in ["O-1", "O-2"] {
        hub.worker(&factory, number, "Đặng Văn Cường", "vi").await;
    }
    let db = hub_db(&hub);
    for (number, blinded) in [("O-1", [1u8; 32]), ("O-2", [2u8; 32])] {
        db.execute(
            "INSERT INTO survey_tokens_issued (survey_id, worker_id, blinded, issued_day, factory_bound)
             SELECT 'check-in', id, ?2, 0, 0 FROM workers WHERE worker_number = ?1",
            rusqlite::params![number, blinded.to_vec()],
        )
        .unwrap();
    }
    let issued: i64 = db
        .query_row(
            "SELECT count(*) FROM survey_tokens_issued WHERE survey_id = 'check-in' AND factory_bound = 0",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(issued, 2);
    let token_key = hub_token_key(&hub, "check-in");
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for n in 0..(issued + 1) {
        let mut old = template.clone();
        old.format = RESPONSE_FORMAT_V1;
        old.token_input = vec![n as u8 + 40; 32];
        old.response_id = format!("3f2b8c4e-6a1d-4e2f-9b3c-0d4e5f6a7b{n:02x}");
        let output = token_key.evaluate(&token_oprf_input("check-in", &old.token_input)).unwrap();
        old.token_mac = response_mac(&output, &old);
        let reply = http.post(format!("{}/v1/surveys/responses", hub.url())).json(&old).send().await.unwrap();
        statuses.push(reply.status().as_u16());
    }
    let mut expected = vec![200; issued as usize];
    expected.push(403);
    assert_eq!(statuses, expected, "one format-1 answer per unbound token issued, then none");
}

/// A well-formed response id other than the device's.
fn another_response_id() -> String {
    "3f2b8c4e-6a1d-4e2f-9b3c-0d4e5f6a7b8c".to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hub_stores_nothing_that_links_a_response_to_a_worker() {
    let (hub, factory, key) = survey_programme().await;
    let mut devices = Vec::new();
    for (number, punished) in [("L-1", false), ("L-2", false), ("L-3", true)] {
        let activation = hub.worker(&factory, number, "Lê Thị Hoa", "vi").await;
        let device = worker_device(&hub, &factory, &key, number, Some(activation)).await;
        device.app.open_surveys().await.expect("open surveys");
        let mut answers = vec![yes_no("interviewed", true)];
        answers.push(yes_no("punished", punished));
        device.app.submit_survey("check-in".into(), answers).expect("submit");
        let expected = if punished { 2 } else { 1 }; // the response, and the case it opened
        assert_eq!(device.app.sync_now(true).await.expect("sync").delivered, expected);
        devices.push(device);
    }
    let db = hub_db(&hub);
    let issued: Vec<(String, Vec<u8>)> = db
        .prepare("SELECT worker_id, blinded FROM survey_tokens_issued")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(issued.len(), 3);
    let mut identifiers: Vec<Vec<u8>> = Vec::new();
    for (worker_id, blinded) in &issued {
        identifiers.push(worker_id.as_bytes().to_vec());
        identifiers.push(blinded.clone());
    }
    let devices_and_numbers: Vec<(String, String)> = db
        .prepare("SELECT d.id, w.worker_number FROM devices d, workers w")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (device_id, number) in devices_and_numbers {
        identifiers.push(device_id.into_bytes());
        identifiers.push(number.into_bytes());
    }
    let mut statement = db.prepare("SELECT * FROM survey_responses").unwrap();
    let columns: Vec<String> = statement.column_names().map(str::to_owned).collect();
    assert!(
        columns.iter().all(|c| !c.contains("worker") && !c.contains("device") && !c.ends_with("_at")),
        "no worker, device or time-of-day column: {columns:?}"
    );
    let rows: Vec<Vec<Vec<u8>>> = statement
        .query_map([], |row| {
            (0..columns.len())
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => t.to_vec(),
                        rusqlite::types::ValueRef::Integer(n) => n.to_string().into_bytes(),
                        _ => Vec::new(),
                    })
                })
                .collect()
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        for value in row {
            for identifier in &identifiers {
                assert!(
                    !value.windows(identifier.len().max(1)).any(|w| w == identifier.as_slice()),
                    "a response holds a worker's or device's identifier or issuance"
                );
            }
        }
    }
    // Keyed by random ids, so not even the order of the rows follows the
    // order in which the workers got their tokens.
    let schema: String =
        db.query_row("SELECT sql FROM sqlite_master WHERE name = 'survey_responses'", [], |row| row.get(0)).unwrap();
    assert!(schema.contains("WITHOUT ROWID"), "{schema}");
    drop(devices);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_reporting_retaliation_opens_an_anonymous_case_on_the_independent_route() {
    let (hub, factory, key) = survey_programme().await;
    let activation = hub.worker(&factory, "R-1", "Phạm Văn Nam", "vi").await;
    let device = worker_device(&hub, &factory, &key, "R-1", Some(activation)).await;
    device.app.open_surveys().await.expect("open surveys");
    let submitted = device
        .app
        .submit_survey("check-in".into(), vec![yes_no("interviewed", true), yes_no("punished", true)])
        .expect("submit");
    let case = submitted.case.expect("a case was opened");
    device.app.sync_now(true).await.expect("sync");
    let db = hub_db(&hub);
    let (routes, factory_id): (String, String) = db
        .query_row("SELECT routes, factory_id FROM cases WHERE case_id = ?1", [&case.receipt.case_id], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .expect("the case is on the hub");
    assert_eq!(routes, "independent_hotline");
    assert_eq!(factory_id, factory.id);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_case_a_retaliation_answer_opens_waits_for_a_delay_like_the_answer_even_in_a_forced_sync() {
    let (hub, factory, key) = survey_programme().await;
    let activation = hub.worker(&factory, "R-2", "Phạm Văn Nam", "vi").await;
    let device = worker_device(&hub, &factory, &key, "R-2", Some(activation)).await;
    device.app.open_surveys().await.expect("open surveys");
    device.app.set_survey_send_delay(6 * 3600);
    let submitted = device
        .app
        .submit_survey("check-in".into(), vec![yes_no("interviewed", true), yes_no("punished", true)])
        .expect("submit");
    let case = submitted.case.expect("a case was opened");
    // The worker's signed requests go out now; neither the answer nor its
    // case goes with them (both wait for their own random delays; the
    // chance that either drew under a second is about one in ten thousand).
    let report = device.app.sync_now(true).await.expect("sync");
    assert_eq!(report.delivered, 0, "{report:?}");
    assert_eq!(report.pending, 2);
    let on_hub: i64 = hub_db(&hub)
        .query_row("SELECT count(*) FROM cases WHERE case_id = ?1", [&case.receipt.case_id], |row| row.get(0))
        .expect("count");
    assert_eq!(on_hub, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_audit_opens_the_check_in_for_exactly_the_interviewed_workers_on_day_five() {
    let (hub, factory, key) = survey_programme().await;
    let mut devices = Vec::new();
    for number in ["A-1", "A-2", "A-3"] {
        let activation = hub.worker(&factory, number, "Vũ Thị Mai", "vi").await;
        devices.push(worker_device(&hub, &factory, &key, number, Some(activation)).await);
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    hub.admin(
        "/admin/v1/events",
        json!({"kind": "audit", "factory_id": factory.id, "at": now, "worker_numbers": ["A-1", "A-2"]}),
    )
    .await;
    hub.admin(
        "/admin/v1/surveys/check-in/schedule",
        json!({"target": {"type": "after_event", "event": "audit", "after_days": 5, "open_days": 14}}),
    )
    .await;

    let open_to = |offset: i64| check_in_open_on(&hub, &devices, offset);
    assert_eq!(open_to(0).await, [false, false, false], "the day of the audit");
    assert_eq!(open_to(5 * 86_400 - 3_600).await, [false, false, false], "an hour before day five");
    assert_eq!(open_to(5 * 86_400 + 60).await, [true, true, false], "day five: the interviewed workers only");
    // The worker not interviewed cannot get a token by asking directly.
    let refused = devices[2].app.submit_survey("check-in".into(), vec![yes_no("interviewed", false)]).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::NeedsHub);
    devices[0]
        .app
        .submit_survey("check-in".into(), vec![yes_no("interviewed", true), yes_no("punished", false)])
        .expect("an interviewed worker answers on day five");
    assert_eq!(open_to(19 * 86_400 + 60).await, [false, false, false], "closed after its fourteen days");
}

// ---------------------------------------------------------------------------
// Results

fn pulse_pack(version_two: bool) -> serde_json::Value {
    let options = if version_two {
        // Reordered, relabelled, and "rotating" removed.
        json!([{"id": "night", "label": {"en": "Night shift (22-06)"}}, {"id": "day", "label": {"en": "Day"}}])
    } else {
        json!([{"id": "day", "label": {"en": "Day shift"}}, {"id": "night", "label": {"en": "Night shift"}},
               {"id": "rotating", "label": {"en": "Rotating"}}])
    };
    json!({
        "kind": "survey", "id": "pulse", "languages": ["en"], "titles": {"en": "Pulse"},
        "document": {"languages": ["en"], "title": {"en": "Pulse"}, "questions": [
            {"id": "shift", "type": "single_choice", "required": true, "label": {"en": "Your shift"}, "options": options},
            {"id": "safe", "type": "yes_no", "required": true, "label": {"en": "Do you feel safe?"}}
        ]}
    })
}

async fn publish(hub: &TestHub, pack: &serde_json::Value) -> u64 {
    let folder = hub.dir.path().join("pulse-source");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("pack.json"), serde_json::to_vec(pack).unwrap()).unwrap();
    hub.publish_pack(&folder, &PackAssignment::AllFactories).await.expect("publish").version
}

async fn answer_pulse(device: &TestDevice, shift: &str, safe: bool) {
    device.app.sync_content().await.expect("content");
    let open = device.app.open_surveys().await.expect("open surveys");
    assert!(open.iter().any(|s| s.id == "pulse" && s.state == OpenSurveyState::Ready), "{open:?}");
    let answers = vec![
        SurveyAnswerEntry {
            question_id: "shift".into(),
            answer: SurveyAnswerInput::Choice { option_id: shift.into() },
        },
        yes_no("safe", safe),
    ];
    device.app.submit_survey("pulse".into(), answers).expect("submit");
    assert_eq!(device.app.sync_now(true).await.expect("sync").delivered, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn analysts_see_aggregates_with_each_versions_labels_and_no_group_of_four() {
    let hub = TestHub::start().await;
    let analyst = hub.analyst("analyst password 1").await;
    let hotline = hub.handler("independent_hotline", None, "hotline password 1").await;
    assert_eq!(publish(&hub, &pulse_pack(false)).await, 1);
    let key = hub.programme_key().await;
    let small = hub.factory(false).await;
    let large = hub.factory(false).await;
    let mut number = 0;
    let mut new_device = |factory: &Factory| {
        number += 1;
        let number = format!("P-{number}");
        let factory = factory.clone();
        let hub = &hub;
        let key = key.clone();
        async move {
            let activation = hub.worker(&factory, &number, "Đỗ Văn Hùng", "en").await;
            worker_device(hub, &factory, &key, &number, Some(activation)).await
        }
    };
    // Four at the small factory and three at the large one answer version 1.
    for shift in ["day", "day", "night", "day"] {
        answer_pulse(&new_device(&small).await, shift, true).await;
    }
    for shift in ["rotating", "day", "night"] {
        answer_pulse(&new_device(&large).await, shift, false).await;
    }
    // Version 2 reorders and relabels the options and drops "rotating";
    // three more at the large factory answer it.
    assert_eq!(publish(&hub, &pulse_pack(true)).await, 2);
    for shift in ["night", "night", "day"] {
        answer_pulse(&new_device(&large).await, shift, true).await;
    }

    let session = hub.handler_session(&analyst, "analyst password 1").await;
    // The hub serves the responses sealed; the analyst's client opens and
    // aggregates them, with small groups suppressed.
    let report = session.session.survey_results("pulse").await.expect("the results open in the client");
    let results = serde_json::to_value(&report).unwrap();
    let groups = results["groups"].as_array().unwrap();
    let all = &groups[0];
    assert_eq!(all["respondents"], 10);
    let shift = &all["questions"][0];
    assert_eq!(shift["answered"], 10);
    let count = |value: &str| shift["counts"].as_array().unwrap().iter().find(|c| c["value"] == value).cloned();
    assert_eq!(count("day").unwrap()["count"], 5);
    assert_eq!(count("night").unwrap()["count"], 4);
    assert_eq!(count("night").unwrap()["label"], "Night shift (22-06)", "the newest version's label");
    assert_eq!(count("rotating").unwrap()["count"], 1, "an option version 2 removed keeps its answers");
    assert_eq!(count("rotating").unwrap()["label"], "Rotating", "…and its own label");
    // Four respondents at the small factory: not shown. Nor the large
    // factory's six, which the total minus the small one would give away.
    assert_eq!(groups.len(), 3);
    assert!(groups[1..].iter().all(|g| g["respondents"].is_null() && g["questions"].as_array().unwrap().is_empty()));

    let csv = wv_reader::surveys::to_csv(&report);
    assert!(csv.starts_with("factory_id,respondents,question_id"), "{csv}");
    assert!(csv.contains("all,10,shift,Your shift,10,rotating,Rotating,1,"), "{csv}");
    assert_eq!(csv.matches(",suppressed,").count(), 2, "{csv}");

    // The analyst publishes the aggregates; staff read their factory's
    // group only, suppressed as the client left it.
    session.session.publish_aggregates(&report).await.expect("the aggregates are published");
    let published = hub.admin_get(&format!("/admin/v1/factories/{}/surveys/pulse/aggregates", large.id)).await;
    let groups = published["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 1, "{published}");
    assert_eq!(groups[0]["factory_id"], large.id.as_str());
    assert!(groups[0]["respondents"].is_null(), "suppressed stays suppressed: {published}");
    // A group of four is refused by the hub, whatever the client says.
    let mut leaky = report.clone();
    leaky.groups[1].respondents = Some(4);
    let refused = session.session.publish_aggregates(&leaky).await.expect_err("refused");
    assert_eq!(refused.status(), Some(400));

    // A case handler cannot read survey results.
    let handler = hub.handler_session(&hotline, "hotline password 1").await;
    let (status, _) = handler.get_text("/handler/v1/surveys/pulse/responses").await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn schedules_target_departments_or_named_workers_between_their_dates() {
    let (hub, factory, key) = survey_programme().await;
    let roster = json!({"workers": [
        {"worker_number": "D-1", "display_name": "Hoa", "language": "vi", "department": "Sewing"},
        {"worker_number": "D-2", "display_name": "Minh", "language": "vi", "department": "Cutting"},
        {"worker_number": "D-3", "display_name": "Lan", "language": "vi", "department": "Sewing"}
    ]});
    let imported = hub.admin(&format!("/admin/v1/factories/{}/roster", factory.id), roster).await;
    let mut devices = Vec::new();
    for code in imported["activation_codes"].as_array().unwrap() {
        let number = code["worker_number"].as_str().unwrap();
        let activation = code["activation_code"].as_str().unwrap().to_owned();
        devices.push(worker_device(&hub, &factory, &key, number, Some(activation)).await);
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let open_to = |offset: i64| check_in_open_on(&hub, &devices, offset);
    let schedule = |body: serde_json::Value| hub.admin("/admin/v1/surveys/check-in/schedule", body);
    schedule(json!({"opens_at": now + 86_400,
                    "target": {"type": "departments", "factory_id": factory.id, "departments": ["Sewing"]}}))
    .await;
    assert_eq!(open_to(0).await, [false, false, false], "not open yet");
    assert_eq!(open_to(86_400 + 60).await, [true, false, true], "the sewing department");
    schedule(json!({"closes_at": now + 2 * 86_400,
                    "target": {"type": "workers", "factory_id": factory.id, "worker_numbers": ["D-2"]}}))
    .await;
    assert_eq!(open_to(86_400).await, [false, true, false], "one named worker");
    assert_eq!(open_to(3 * 86_400).await, [false, false, false], "closed");
}

/// Key-like values in `bytes`: itself if 32 bytes, its base64 and hex
/// decodings, and every 32-byte window when it is small.
fn key_like(bytes: &[u8], out: &mut std::collections::HashSet<[u8; 32]>) {
    let mut add = |candidate: &[u8]| {
        if let Ok(key) = <[u8; 32]>::try_from(candidate) {
            out.insert(key);
        }
    };
    add(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        for word in text.split(|c: char| c.is_whitespace() || "\"',:{}[]$=".contains(c)) {
            if let Some(decoded) = workervoice_protocol::b64::decode(word) {
                add(&decoded);
            }
            if let Ok(decoded) = hex::decode(word) {
                add(&decoded);
            }
        }
    }
    if bytes.len() <= 4096 {
        bytes.windows(32).for_each(&mut add);
    }
}

fn all_files(dir: &std::path::Path, out: &mut Vec<Vec<u8>>) {
    for entry in std::fs::read_dir(dir).expect("dir reads") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            all_files(&path, out);
        } else {
            out.push(std::fs::read(&path).expect("file reads"));
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn with_everything_on_the_hub_no_survey_answer_opens() {
    use workervoice_protocol::grievance::WrappedKey;
    use workervoice_protocol::survey_response::{response_aad, response_hpke_info};

    let hub = TestHub::start().await;
    let analyst = hub.analyst("analyst password 1").await;
    assert_eq!(publish(&hub, &pulse_pack(false)).await, 1);
    let key = hub.programme_key().await;
    let factory = hub.factory(false).await;
    for (i, shift) in ["day", "night", "day", "rotating", "night"].into_iter().enumerate() {
        let number = format!("A-{i}");
        let activation = hub.worker(&factory, &number, "Đỗ Văn Hùng", "en").await;
        answer_pulse(&worker_device(&hub, &factory, &key, &number, Some(activation)).await, shift, true).await;
    }
    let session = hub.handler_session(&analyst, "analyst password 1").await;
    let report = session.session.survey_results("pulse").await.expect("the analyst's client opens them");
    assert_eq!(report.groups[0].respondents, Some(5));

    // The hub's haul: every file under its data directory (database, WAL,
    // key files, admin token, blobs) and every value in its database.
    let mut files = Vec::new();
    all_files(hub.dir.path(), &mut files);
    let mut candidates = std::collections::HashSet::new();
    for bytes in &files {
        key_like(bytes, &mut candidates);
    }
    let db = files_db(hub.dir.path());
    let connection = rusqlite::Connection::open(&db).expect("db opens");
    let tables: Vec<String> = connection
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables {
        let mut statement = connection.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = statement.column_count();
        let mut rows = statement.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for column in 0..columns {
                match row.get_ref(column).unwrap() {
                    rusqlite::types::ValueRef::Blob(bytes) | rusqlite::types::ValueRef::Text(bytes) => {
                        key_like(bytes, &mut candidates)
                    }
                    _ => {}
                }
            }
        }
    }
    assert!(candidates.len() > 1_000, "the search has material: {}", candidates.len());

    // (response id, version, factory id, recipients JSON, sealed answers)
    type StoredResponse = (String, i64, String, Vec<u8>, Vec<u8>);
    let responses: Vec<StoredResponse> = connection
        .prepare("SELECT response_id, version, factory_id, recipients, sealed FROM survey_responses")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(responses.len(), 5);
    let analyst_keys: Vec<Vec<u8>> = connection
        .prepare("SELECT public_key FROM handlers WHERE analyst = 1")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for candidate in &candidates {
        // No candidate is an analyst's private key (HPKE opens a share only
        // with the private key of the public key it was sealed to)...
        if let Ok(pair) = wv_reader::account::ReaderKeyPair::from_private(candidate) {
            assert!(
                !analyst_keys.iter().any(|public| public[..] == pair.public_key()[..]),
                "an analyst's key is on the hub"
            );
        }
        // ...nor opens an answer directly.
        for (response_id, version, factory_id, _, sealed) in &responses {
            let version = u64::try_from(*version).expect("a version");
            let aad = response_aad(response_id, "pulse", version, factory_id);
            assert!(workervoice_protocol::envelope::open(candidate, &aad, sealed).is_err(), "an answer opened");
        }
    }
    // The shares are sealed to the analysts' keys the search did not find.
    for (response_id, _, _, recipients, _) in &responses {
        let recipients: Vec<WrappedKey> = serde_json::from_slice(recipients).unwrap();
        let info = response_hpke_info(response_id);
        assert!(recipients.iter().any(|r| {
            wv_reader::open::hpke_open(
                session.session.key_pair(),
                &info,
                response_id.as_bytes(),
                &r.enc,
                &r.wrapped_key,
            )
            .is_ok()
        }));
    }
}

fn files_db(dir: &std::path::Path) -> std::path::PathBuf {
    dir.join("hub.db")
}
