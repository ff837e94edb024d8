//! Grievances end to end: the real core (sealing, outbox, sync) against the
//! real hub (routing, handlers, replies) over loopback, through a proxy that
//! can cut the network or misbehave.

use std::time::Duration;

use workervoice::{CaseState, DeviceMode, ErrorCode, GrievanceDraft, GrievanceRoute, MessageAuthor, OutboxState};
use workervoice_e2e::fault_proxy::FaultProxy;
use workervoice_e2e::{PIN, TestDevice, TestHub, files_containing};

fn draft(text: &str, anonymous: bool, routes: Vec<GrievanceRoute>) -> GrievanceDraft {
    GrievanceDraft {
        category_id: "wages".into(),
        text: text.into(),
        anonymous,
        routes,
        callback: None,
        attachments: vec![],
    }
}

async fn sync_until_delivered(device: &TestDevice) {
    for _ in 0..50 {
        let report = device.app.sync_now(true).await.expect("sync");
        if report.pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("outbox never drained");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_named_report_made_offline_reaches_the_handler_and_replies_come_back() {
    let hub = TestHub::start().await;
    let (factory, committee, hotline) = hub.grievance_programme().await;
    let proxy = FaultProxy::start(&hub.url(), 0, 1).await;
    let phone = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Personal, Some("1001")).await;
    let first = phone.app.sync_now(false).await.expect("first sync brings the directory");
    assert!(first.directory_version.is_some());
    assert!(phone.app.categories().unwrap().iter().any(|c| c.id == "wages"));

    proxy.set_offline(true);
    let text = "Our line leader keeps the overtime pay. MARKER-named-4471";
    let outcome = phone
        .app
        .submit_grievance(draft(text, false, vec![GrievanceRoute::IndependentHotline]))
        .expect("offline submit");
    assert!(outcome.kept_on_device);
    assert_eq!(phone.app.submission_status(outcome.client_id.clone()).unwrap().unwrap().state, OutboxState::Queued);
    let offline = phone.app.sync_now(true).await.expect("sync while offline is not an error");
    assert!(offline.offline && offline.pending == 1);
    assert_eq!(phone.app.my_cases().unwrap()[0].state, CaseState::NotSent);

    proxy.set_offline(false);
    let online = phone.app.sync_now(true).await.unwrap();
    assert_eq!((online.delivered, online.pending), (1, 0));
    assert_eq!(phone.app.submission_status(outcome.client_id.clone()).unwrap().unwrap().state, OutboxState::Delivered);

    let case_id = outcome.receipt.case_id.clone();
    assert!(committee.cases().await.iter().all(|c| c["case_id"] != case_id.as_str()), "not the committee's");
    let listed = hotline.cases().await;
    assert!(listed.iter().any(|c| c["case_id"] == case_id.as_str()));
    let (status, view) = hotline.open(&case_id).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["content"]["text"], text);
    assert_eq!(view["content"]["reporter"]["worker_number"], "1001");

    hotline.set_status(&case_id, "acknowledged").await;
    hotline.reply(&case_id, "Thank you. We will call you on Friday.").await;
    let pulled = phone.app.sync_now(false).await.unwrap();
    assert!(pulled.case_events >= 2, "{pulled:?}");
    let thread = phone.app.case_thread(case_id.clone()).unwrap();
    assert_eq!(thread.state, CaseState::Acknowledged);
    assert!(thread.messages.iter().any(|m| m.author == Some(MessageAuthor::Handler)
        && m.text.as_deref() == Some("Thank you. We will call you on Friday.")));
    assert_eq!(phone.app.my_cases().unwrap()[0].text.as_deref(), Some(text));

    phone.app.reply_to_case(case_id.clone(), "Friday after 6 pm please.".into()).await.unwrap();
    let (_, view) = hotline.open(&case_id).await;
    assert!(view["replies"].as_array().unwrap().iter().any(|r| r["text"] == "Friday after 6 pm please."));

    // A second sync with nothing new changes nothing.
    let quiet = phone.app.sync_now(false).await.unwrap();
    assert_eq!((quiet.delivered, quiet.case_events), (0, 1), "only the worker's own reply comes back");
    let quieter = phone.app.sync_now(false).await.unwrap();
    assert_eq!((quieter.delivered, quieter.case_events), (0, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_anonymous_kiosk_report_is_followed_up_from_another_device_with_only_the_receipt() {
    let hub = TestHub::start().await;
    let (factory, committee, hotline) = hub.grievance_programme().await;
    let kiosk = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Shared, None).await;
    kiosk.app.sync_now(false).await.unwrap();
    let marker = "MARKER-anon-9920 the supervisor threatened us after the audit";
    let outcome = kiosk
        .app
        .submit_grievance(draft(
            marker,
            true,
            vec![GrievanceRoute::FactoryCommittee, GrievanceRoute::IndependentHotline],
        ))
        .expect("anonymous submit without login");
    assert!(!outcome.kept_on_device);
    assert!(files_containing(kiosk.root.path(), marker.as_bytes()).is_empty(), "sealed before it touches the disk");
    assert!(files_containing(kiosk.root.path(), outcome.receipt.secret.as_bytes()).is_empty(), "receipt not stored");
    sync_until_delivered(&kiosk).await;

    let case_id = outcome.receipt.case_id.clone();
    let (status, view) = committee.open(&case_id).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["content"]["text"], marker);
    assert!(view["content"]["reporter"].is_null(), "anonymous: no name inside");
    // Not yet escalated: the hotline cannot see it.
    assert!(hotline.cases().await.iter().all(|c| c["case_id"] != case_id.as_str()));
    committee.reply(&case_id, "We have opened an investigation.").await;

    // Any other device, with only the receipt.
    let other = TestDevice::open(&hub.url());
    let thread = other.app.follow_up(case_id.clone(), outcome.receipt.secret.clone()).await.expect("follow up");
    assert!(thread.messages.iter().any(|m| m.text.as_deref() == Some("We have opened an investigation.")));
    other
        .app
        .reply_with_receipt(
            case_id.clone(),
            outcome.receipt.secret.clone(),
            "Thank you, it happened on night shift.".into(),
        )
        .await
        .unwrap();
    let (_, view) = committee.open(&case_id).await;
    assert!(view["replies"].as_array().unwrap().iter().any(|r| r["text"] == "Thank you, it happened on night shift."));

    let wrong = other.app.follow_up(case_id.clone(), "1111 2222 3333 4444 5555".into()).await.unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::ReceiptInvalid);
    let malformed = other.app.follow_up(case_id, "12".into()).await.unwrap_err();
    assert_eq!(malformed.code(), ErrorCode::ReceiptInvalid);
    // Nothing of the report or the receipt is on either device.
    for device in [&kiosk, &other] {
        assert!(files_containing(device.root.path(), marker.as_bytes()).is_empty());
        assert!(files_containing(device.root.path(), outcome.receipt.secret.as_bytes()).is_empty());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_directory_signed_by_another_key_or_rolled_back_is_refused() {
    let hub = TestHub::start().await;
    let (factory, _, _) = hub.grievance_programme().await;
    // A device that pins another programme's key refuses the hub's directory.
    let other_programme = workervoice_protocol::b64::encode(&[7u8; 32]);
    let stranger = TestDevice::open_pinned(&hub.url(), Some(&other_programme));
    let (code, _) = hub.code(&factory, "personal").await;
    stranger.app.enrol(code, DeviceMode::Personal).await.unwrap();
    let report = stranger.app.sync_now(true).await.unwrap();
    assert!(report.directory_refused && report.directory_version.is_none());
    assert!(stranger.app.categories().unwrap().is_empty());
    let refused =
        stranger.app.submit_grievance(draft("x", true, vec![GrievanceRoute::IndependentHotline])).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::DirectoryMissing);

    // Roll back: record version 1, publish version 2, then serve version 1 again.
    let proxy = FaultProxy::start(&hub.url(), 0, 2).await;
    let device = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Personal, None).await;
    let v1 = reqwest::get(format!("{}/v1/directory?have=0", hub.url())).await.unwrap().bytes().await.unwrap();
    hub.publish_directory().await;
    let held = device.app.sync_now(true).await.unwrap().directory_version.expect("v2");
    let mut response =
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", v1.len())
            .into_bytes();
    response.extend_from_slice(&v1);
    proxy.serve_canned("/v1/directory", response);
    let report = device.app.sync_now(true).await.unwrap();
    assert!(report.directory_refused, "{report:?}");
    assert_eq!(report.directory_version, Some(held));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hubs_files_hold_no_plaintext_of_reports_or_replies() {
    let hub = TestHub::start().await;
    let (factory, _, hotline) = hub.grievance_programme().await;
    let phone = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Personal, Some("2002")).await;
    phone.app.sync_now(false).await.unwrap();
    let report_marker = "MARKER-hub-report-5531";
    let outcome =
        phone.app.submit_grievance(draft(report_marker, false, vec![GrievanceRoute::IndependentHotline])).unwrap();
    sync_until_delivered(&phone).await;
    let case_id = outcome.receipt.case_id.clone();
    let (_, view) = hotline.open(&case_id).await;
    assert_eq!(view["content"]["text"], report_marker);
    hotline.reply(&case_id, "MARKER-hub-handler-reply-7780").await;
    phone.app.reply_to_case(case_id, "MARKER-hub-worker-reply-3312".into()).await.unwrap();
    phone.app.sync_now(false).await.unwrap();
    for marker in
        [report_marker, "MARKER-hub-handler-reply-7780", "MARKER-hub-worker-reply-3312", &outcome.receipt.secret]
    {
        let found = files_containing(hub.dir.path(), marker.as_bytes());
        assert!(found.is_empty(), "{marker} in {found:?}");
    }
    // The device keeps its own copy only under the worker's key.
    for marker in [report_marker, "MARKER-hub-handler-reply-7780"] {
        assert!(files_containing(phone.root.path(), marker.as_bytes()).is_empty());
    }
    let _ = PIN;
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_replies_give_typed_outcomes_and_never_corrupt_the_outbox() {
    let hub = TestHub::start().await;
    let (factory, _, hotline) = hub.grievance_programme().await;
    let proxy = FaultProxy::start(&hub.url(), 0, 3).await;
    let kiosk = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Shared, None).await;
    kiosk.app.sync_now(false).await.unwrap();
    let outcome = kiosk
        .app
        .submit_grievance(draft("kept whatever happens", true, vec![GrievanceRoute::IndependentHotline]))
        .unwrap();
    let oversized = {
        let body = vec![b'a'; 300 * 1024];
        let mut raw =
            format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len())
                .into_bytes();
        raw.extend_from_slice(&body);
        raw
    };
    let canned: Vec<Vec<u8>> = vec![
        b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\n{\"case_id".to_vec(),
        b"HTTP/1.1 200 OK\r\ncontent-length: 30\r\n\r\n{\"case_id\":5,\"received_at\":\"x\"}".to_vec(),
        b"HTTP/1.1 400 Bad Request\r\ncontent-length: 40\r\n\r\n{\"error\":{\"code\":\"from_version_nine\"}}  "
            .to_vec(),
        b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n\xff\xfe\x00\x01".to_vec(),
        oversized,
    ];
    for response in canned {
        proxy.clear_canned();
        proxy.serve_canned("/v1/submissions", response);
        let report = kiosk.app.sync_now(true).await.expect("a bad reply is not a sync failure");
        assert_eq!(report.pending, 1, "{report:?}");
        let status = kiosk.app.submission_status(outcome.client_id.clone()).unwrap().unwrap();
        assert_eq!(status.state, OutboxState::Queued, "never delivered on a bad reply");
    }
    proxy.clear_canned();
    sync_until_delivered(&kiosk).await;
    assert_eq!(hotline.cases().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_reports_through_a_faulty_network_arrive_exactly_once() {
    let reports: usize = std::env::var("WV_FAULT_REPORTS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let hub = TestHub::start().await;
    let (factory, _, hotline) = hub.grievance_programme().await;
    let proxy = FaultProxy::start(&hub.url(), 0, 4).await;
    let kiosk = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Shared, None).await;
    kiosk.app.sync_now(false).await.unwrap();
    let mut case_ids = std::collections::HashSet::new();
    for i in 0..reports {
        let outcome = kiosk
            .app
            .submit_grievance(draft(&format!("report {i}"), true, vec![GrievanceRoute::IndependentHotline]))
            .unwrap();
        case_ids.insert(outcome.receipt.case_id);
    }
    assert_eq!(case_ids.len(), reports);
    proxy.set_fault_percent(4);
    // A kiosk sends its queue in batches (few requests): lose two batch
    // replies for certain, so exactly-once is tested whatever the dice say.
    proxy.lose_answers("/v1/submissions/batch", 2);
    let mut rounds = 0;
    loop {
        rounds += 1;
        let report = kiosk.app.sync_now(true).await.expect("sync");
        assert_eq!(report.needs_attention, 0, "{report:?}");
        if report.pending == 0 {
            break;
        }
        assert!(rounds < 500, "not drained after {rounds} rounds: {report:?}");
    }
    let counts = &proxy.counts;
    use std::sync::atomic::Ordering::Relaxed;
    println!(
        "{reports} reports in {rounds} sync rounds; faults: {} dropped requests, {} dropped responses, {} resets, {} 503s, {} garbled",
        counts.dropped_requests.load(Relaxed),
        counts.dropped_responses.load(Relaxed),
        counts.resets.load(Relaxed),
        counts.injected_5xx.load(Relaxed),
        counts.garbled.load(Relaxed)
    );
    let other_faults = counts.garbled.load(Relaxed)
        + counts.resets.load(Relaxed)
        + counts.injected_5xx.load(Relaxed)
        + counts.dropped_requests.load(Relaxed);
    assert!(counts.dropped_responses.load(Relaxed) >= 2 && other_faults > 0, "faults were injected");
    let listed = hotline.cases().await;
    assert_eq!(listed.len(), reports, "none lost, none duplicated");
    let on_hub: std::collections::HashSet<String> =
        listed.iter().filter_map(|c| c["case_id"].as_str().map(str::to_owned)).collect();
    assert_eq!(on_hub, case_ids);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_travels_in_chunks_resumes_through_faults_and_opens_only_for_the_handler() {
    let hub = TestHub::start().await;
    let (factory, _, hotline) = hub.grievance_programme().await;
    let proxy = FaultProxy::start(&hub.url(), 0, 5).await;
    let kiosk = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Shared, None).await;
    kiosk.app.sync_now(false).await.unwrap();
    let photo: Vec<u8> = (0..700_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let mut report = draft("Photo of the blocked fire exit.", true, vec![GrievanceRoute::IndependentHotline]);
    report.attachments = vec![workervoice::AttachmentDraft {
        kind: workervoice::AttachmentType::Photo,
        mime: "image/jpeg".into(),
        bytes: photo.clone(),
    }];
    let outcome = kiosk.app.submit_grievance(report).unwrap();
    proxy.set_fault_percent(8);
    for round in 0.. {
        let report = kiosk.app.sync_now(true).await.unwrap();
        if report.pending == 0 {
            break;
        }
        assert!(round < 200, "attachment never completed: {report:?}");
    }
    proxy.set_fault_percent(0);
    assert_eq!(kiosk.app.submission_status(outcome.client_id).unwrap().unwrap().state, OutboxState::Delivered);
    let (_, view) = hotline.open(&outcome.receipt.case_id).await;
    let attachment_id =
        view["content"]["attachments"][0]["attachment_id"].as_str().expect("attachment listed").to_owned();
    assert_eq!(hotline.attachment(&outcome.receipt.case_id, &attachment_id).await, photo);
    // Neither the photo nor the report is readable in the hub's files.
    assert!(files_containing(hub.dir.path(), &photo[1000..1064]).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn submissions_carry_no_device_or_worker_identifier_on_the_wire() {
    let hub = TestHub::start().await;
    let (factory, _, _) = hub.grievance_programme().await;
    let proxy = workervoice_e2e::RecordingProxy::start(&hub.url()).await;
    let phone = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Personal, Some("W-3391")).await;
    phone.app.sync_now(false).await.unwrap();
    let device_id = phone.app.status().unwrap().device_id.expect("enrolled");
    phone
        .app
        .submit_grievance(draft("named, inside the seal only", false, vec![GrievanceRoute::IndependentHotline]))
        .unwrap();
    phone.app.sync_now(true).await.unwrap();
    let sent = proxy.request("POST /v1/submissions").expect("submission recorded");
    let text = String::from_utf8_lossy(&sent).to_lowercase();
    for identifier in ["x-wv-device", "x-wv-signature", &device_id.to_lowercase(), "w-3391", "nguyễn"] {
        assert!(!text.contains(identifier), "{identifier} on the wire");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn with_no_network_sync_sends_nothing_and_login_unlocks_offline_at_once() {
    let hub = TestHub::start().await;
    let (factory, _, _) = hub.grievance_programme().await;
    let proxy = FaultProxy::start(&hub.url(), 0, 6).await;
    let phone = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Personal, Some("W-4410")).await;
    phone.app.sync_now(false).await.unwrap();
    phone
        .app
        .submit_grievance(draft(
            "queued while the phone has no network",
            false,
            vec![GrievanceRoute::IndependentHotline],
        ))
        .unwrap();
    phone.app.lock();
    phone.app.core().set_connectivity(workervoice_e2e::NetworkSwitch::new(false));
    proxy.counts.reset_traffic();
    let report = phone.app.sync_now(true).await.unwrap();
    assert!(report.offline && report.pending == 1);
    let started = std::time::Instant::now();
    phone.app.login("W-4410".into(), PIN.into()).await.expect("offline unlock");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(proxy.counts.requests.load(std::sync::atomic::Ordering::SeqCst), 0, "nothing was sent");
    phone.app.core().set_connectivity(std::sync::Arc::new(workervoice_core::AlwaysOnline));
    assert_eq!(phone.app.sync_now(true).await.unwrap().delivered, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kiosk_delivers_its_queue_in_a_few_batches_and_a_lost_batch_reply_doubles_nothing() {
    let hub = TestHub::start().await;
    let (factory, _, hotline) = hub.grievance_programme().await;
    let proxy = FaultProxy::start(&hub.url(), 0, 5).await;
    let kiosk = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Shared, None).await;
    kiosk.app.sync_now(false).await.unwrap();
    let reports = 600;
    for i in 0..reports {
        kiosk
            .app
            .submit_grievance(draft(&format!("queued report {i}"), true, vec![GrievanceRoute::IndependentHotline]))
            .unwrap();
    }
    // The hub stores the first batch, and its reply never arrives.
    proxy.lose_answers("/v1/submissions/batch", 1);
    proxy.clear_connection_log();
    let first = kiosk.app.sync_now(true).await.unwrap();
    assert!(first.pending > 0 && first.needs_attention == 0, "{first:?}");
    let second = kiosk.app.sync_now(true).await.unwrap();
    assert_eq!((second.pending, second.needs_attention), (0, 0), "{second:?}");
    assert_eq!(first.delivered + second.delivered, reports);
    let batches: usize = proxy
        .connection_log()
        .iter()
        .flatten()
        .filter(|request| request.line.contains("/v1/submissions/batch"))
        .count();
    let singles: usize = proxy
        .connection_log()
        .iter()
        .flatten()
        .filter(|request| request.line.contains("POST /v1/submissions "))
        .count();
    // 600 reports: one batch, sent again after its lost reply (and perhaps a
    // second if the reports outgrow a batch's bytes).
    assert!((2..=4).contains(&batches), "{batches} batch requests");
    assert_eq!(singles, 0);
    assert_eq!(hotline.cases().await.len(), reports as usize, "none lost, none doubled");
}

/// A seized phone after logout, read as an attacker with no key would read
/// it (raw SQLite, then the bytes of every file: database, WAL, key store):
/// the worker's case ids, their statuses and sync cursors are nowhere in
/// clear (ADR 0016). Signed in again, the worker finds their cases as before.
#[tokio::test(flavor = "multi_thread")]
async fn after_logout_a_seized_phone_shows_no_case_id_status_or_cursor_of_the_worker() {
    let hub = TestHub::start().await;
    let (factory, _, hotline) = hub.grievance_programme().await;
    let phone = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Personal, Some("5511")).await;
    phone.app.sync_now(false).await.expect("directory");
    let hotline_route = vec![GrievanceRoute::IndependentHotline];
    let named = phone.app.submit_grievance(draft("named, seized", false, hotline_route.clone())).expect("named");
    let anonymous = phone.app.submit_grievance(draft("anonymous, seized", true, hotline_route)).expect("anonymous");
    sync_until_delivered(&phone).await;
    let case_id = named.receipt.case_id.clone();
    hotline.set_status(&case_id, "investigating").await;
    hotline.reply(&case_id, "We are looking into it.").await;
    let pulled = phone.app.sync_now(false).await.expect("pull");
    assert!(pulled.case_events >= 2, "{pulled:?}");
    assert_eq!(phone.app.case_thread(case_id.clone()).unwrap().state, CaseState::Investigating);

    phone.app.lock();

    let db = rusqlite::Connection::open(phone.data_dir().join("workervoice.db")).expect("the phone's database");
    // Every value of every table; then the files byte by byte (free pages
    // and the WAL: the store runs with `secure_delete` on, so converted or
    // rewritten rows leave no old copy behind).
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in &tables {
        let values: Vec<Vec<rusqlite::types::Value>> = {
            let mut statement = db.prepare(&format!("SELECT * FROM {table}")).unwrap();
            let width = statement.column_count();
            statement
                .query_map([], |row| (0..width).map(|i| row.get(i)).collect())
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        for value in values.iter().flatten() {
            if let rusqlite::types::Value::Text(text) = value {
                for secret in [&named.receipt.case_id, &anonymous.receipt.case_id] {
                    assert!(!text.contains(secret.as_str()), "case id {secret} in clear in {table}");
                }
                assert!(!["received", "investigating"].contains(&text.as_str()), "a status in clear in {table}");
            }
        }
    }
    let cursors: i64 = db.query_row("SELECT count(*) FROM cases", [], |row| row.get(0)).unwrap();
    assert_eq!(cursors, 0, "the old table with clear ids, statuses and cursors is empty");
    let columns: Vec<String> = db
        .prepare("SELECT name FROM pragma_table_info('sealed_cases') UNION ALL SELECT name FROM pragma_table_info('sealed_case_events')")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(columns, ["id", "sealed", "id", "case_ref", "sealed"], "no owner, status or cursor column");
    drop(db);
    for dir in [phone.data_dir(), phone.keys_dir()] {
        for secret in [&named.receipt.case_id, &anonymous.receipt.case_id] {
            let found = files_containing(&dir, secret.as_bytes());
            assert!(found.is_empty(), "case id {secret} in {found:?}");
        }
        let found = files_containing(&dir, b"investigating");
        assert!(found.is_empty(), "the case's status in {found:?}");
    }

    phone.app.login("5511".into(), PIN.into()).await.expect("sign in again");
    let mine = phone.app.my_cases().expect("the worker's cases");
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().any(|c| c.case_id == case_id && c.state == CaseState::Investigating));
    let quiet = phone.app.sync_now(false).await.expect("pull again");
    assert_eq!(quiet.case_events, 0, "the sealed cursor still says what was applied");
}
