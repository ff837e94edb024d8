//! Kiosk mode on a shared tablet: idle time-outs, drafts that return to the
//! same worker only, and switching worker.

use std::sync::Arc;

use workervoice::{DeviceMode, ErrorCode};
use workervoice_core::ManualClock;
use workervoice_e2e::{PIN, TestDevice, TestHub, files_containing};

const MINUTE_MS: i64 = 60_000;

#[tokio::test(flavor = "multi_thread")]
async fn an_idle_time_out_mid_report_keeps_the_draft_for_the_same_worker_only() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let tablet = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Shared, "K-1", "vi").await;
    let clock = Arc::new(ManualClock::starting_at(1_800_000_000_000));
    tablet.app.core().set_clock(clock.clone());
    tablet.app.lock();
    let other_code = hub.worker(&factory, "K-2", "Trần Văn Minh", "zh-CN").await;

    tablet.app.login("K-1".into(), PIN.into()).await.unwrap();
    let draft = "MARKER-draft-3391 the line leader took our".as_bytes().to_vec();
    tablet.app.save_draft("grievance".into(), draft.clone()).unwrap();
    clock.advance_millis(MINUTE_MS);
    assert!(!tablet.app.check_idle(), "a minute is not the 90 s default");
    assert!(tablet.app.current_worker().is_some());
    clock.advance_millis(MINUTE_MS);
    assert!(tablet.app.check_idle(), "two idle minutes end the session");
    assert!(tablet.app.current_worker().is_none());
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap_err().code(), ErrorCode::NotLoggedIn);
    assert!(files_containing(tablet.root.path(), b"MARKER-draft-3391").is_empty(), "the draft is sealed");

    // The next worker sees nothing of it.
    tablet.app.activate("K-2".into(), other_code, PIN.into()).await.unwrap();
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap(), None);
    tablet.app.lock();

    // The same worker finds it again.
    tablet.app.login("K-1".into(), PIN.into()).await.unwrap();
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap(), Some(draft));
    tablet.app.delete_draft("grievance".into()).unwrap();
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn activity_keeps_a_kiosk_session_alive_and_personal_phones_have_no_kiosk_time_out() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let tablet = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Shared, "K-3", "en").await;
    let clock = Arc::new(ManualClock::starting_at(1_800_000_000_000));
    tablet.app.core().set_clock(clock.clone());
    tablet.app.core().set_idle_timeout_secs(30);
    tablet.app.lock();
    tablet.app.login("K-3".into(), PIN.into()).await.unwrap();
    for _ in 0..5 {
        clock.advance_millis(20_000);
        tablet.app.save_note("still typing".into()).unwrap();
    }
    assert!(tablet.app.current_worker().is_some(), "activity every 20 s keeps a 30 s session alive");
    clock.advance_millis(31_000);
    assert!(tablet.app.current_worker().is_none());

    let phone = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Personal, "P-1", "en").await;
    let phone_clock = Arc::new(ManualClock::starting_at(1_800_000_000_000));
    phone.app.core().set_clock(phone_clock.clone());
    phone.app.save_note("mine".into()).unwrap();
    phone_clock.advance_millis(60 * MINUTE_MS);
    assert!(!phone.app.check_idle());
    assert!(phone.app.current_worker().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn switching_worker_ends_the_previous_session_completely() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let tablet = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Shared, "S-1", "vi").await;
    tablet.app.save_note("MARKER-first-worker-note".into()).unwrap();
    tablet.app.save_draft("survey".into(), b"first worker's answers".to_vec()).unwrap();
    assert_eq!(tablet.app.current_language(), "vi");

    let code = hub.worker(&factory, "S-2", "Second", "zh-CN").await;
    tablet.app.activate("S-2".into(), code, PIN.into()).await.unwrap();
    assert_eq!(tablet.app.current_worker().unwrap().worker_number, "S-2");
    assert_eq!(tablet.app.current_language(), "zh-CN", "the language follows the new worker");
    assert!(tablet.app.list_notes(100, 0).unwrap().is_empty(), "no note of the first worker");
    assert_eq!(tablet.app.load_draft("survey".into()).unwrap(), None);
    tablet.app.lock();
    assert_eq!(tablet.app.current_language(), "en", "and resets with the session");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_remote_wipe_shreds_the_tablet_at_its_next_sync_and_refuses_sign_ins() {
    use workervoice::{GrievanceDraft, GrievanceRoute};
    let hub = TestHub::start().await;
    let (factory, _, hotline) = hub.grievance_programme().await;
    let tablet = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Shared, Some("R-1")).await;
    tablet.app.save_note("MARKER-wipe-note-5512".into()).unwrap();
    tablet.app.save_draft("grievance".into(), b"MARKER-wipe-draft-5513".to_vec()).unwrap();
    tablet.app.lock();
    tablet.app.sync_now(false).await.unwrap();

    // Staff see the tablet's health, in counts.
    let report = |text: &str| GrievanceDraft {
        category_id: "wages".into(),
        text: text.into(),
        anonymous: true,
        routes: vec![GrievanceRoute::IndependentHotline],
        callback: None,
        attachments: vec![],
    };
    let queued = tablet.app.submit_grievance(report("queued before the wipe")).unwrap();
    tablet.app.core().set_connectivity(workervoice_e2e::NetworkSwitch::new(false));
    let _ = tablet.app.sync_now(false).await.unwrap();
    tablet.app.core().set_connectivity(Arc::new(workervoice_core::AlwaysOnline));
    let health = tablet.app.device_health().unwrap();
    assert_eq!((health.queued, health.worker_vaults), (1, 1));
    assert!(health.last_sync_at.is_some());
    let devices = hub.admin_get(&format!("/admin/v1/factories/{}/devices", factory.id)).await;
    let device_id = tablet.app.status().unwrap().device_id.unwrap();
    let listed = devices.as_array().unwrap().iter().find(|d| d["device_id"] == device_id.as_str()).unwrap().clone();
    assert!(listed["last_sync_at"].is_i64(), "{listed}");

    hub.admin(&format!("/admin/v1/devices/{device_id}/retire"), serde_json::json!({})).await;
    let refused = tablet.app.sync_now(false).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::DeviceRetired);
    // What was queued went out first: a lost grievance is a harm.
    assert!(hotline.cases().await.iter().any(|c| c["case_id"] == queued.receipt.case_id.as_str()));

    let health = tablet.app.device_health().unwrap();
    assert!(health.retired && health.worker_vaults == 0 && health.queued == 0);
    assert_eq!(tablet.app.login("R-1".into(), PIN.into()).await.unwrap_err().code(), ErrorCode::DeviceRetired);
    let keys = std::fs::read_dir(tablet.keys_dir()).map(|entries| entries.count()).unwrap_or(0);
    assert_eq!(keys, 0, "every key-store secret is gone");
    for marker in [&b"MARKER-wipe-note-5512"[..], b"MARKER-wipe-draft-5513"] {
        assert!(files_containing(tablet.root.path(), marker).is_empty());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_handed_back_tablet_holds_nothing_and_can_be_enrolled_again() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let tablet = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Shared, "H-1", "en").await;
    tablet.app.save_note("kept until hand-back".into()).unwrap();
    tablet.app.hand_back_device().unwrap();
    let status = tablet.app.status().unwrap();
    assert!(!status.enrolled && status.worker.is_none());
    assert_eq!(tablet.app.device_health().unwrap().worker_vaults, 0);
    let (code, _) = hub.code(&factory, "shared").await;
    assert!(tablet.app.enrol(code, DeviceMode::Shared).await.unwrap().enrolled);
    assert_eq!(tablet.app.login("H-1".into(), PIN.into()).await.map(|p| p.worker_number).unwrap(), "H-1");
    assert!(tablet.app.list_notes(10, 0).unwrap().is_empty(), "the old vault is gone; a new one starts empty");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_sign_in_never_leaves_the_previous_workers_session_open() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let tablet = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Shared, "F-1", "en").await;
    tablet.app.save_note("MARKER-first-worker".into()).unwrap();
    // The next person at the tablet types someone's number and a wrong PIN.
    let wrong = tablet.app.login("F-2".into(), workervoice_e2e::WRONG_PIN.into()).await.unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::WrongPin);
    assert!(tablet.app.current_worker().is_none(), "the first worker's session ended with the attempt");
    assert_eq!(tablet.app.list_notes(10, 0).unwrap_err().code(), ErrorCode::NotLoggedIn);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_idle_time_out_is_the_factorys_setting_and_follows_its_changes() {
    let hub = TestHub::start().await;
    let reply = hub
        .admin("/admin/v1/factories", serde_json::json!({"name": "Strict Factory", "kiosk_idle_timeout_secs": 45}))
        .await;
    assert_eq!(reply["kiosk_idle_timeout_secs"], 45);
    let factory = workervoice_e2e::Factory { id: reply["id"].as_str().unwrap().to_owned(), join_code: None };
    let tablet = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Shared, "T-1", "en").await;
    let clock = Arc::new(ManualClock::starting_at(1_800_000_000_000));
    tablet.app.core().set_clock(clock.clone());
    tablet.app.login("T-1".into(), PIN.into()).await.unwrap();
    clock.advance_millis(46_000);
    assert!(tablet.app.check_idle(), "the factory's 45 s applies from enrolment");

    // Staff relax it; the tablet picks it up at its next sync.
    hub.admin(
        &format!("/admin/v1/factories/{}/settings", factory.id),
        serde_json::json!({"kiosk_idle_timeout_secs": 300}),
    )
    .await;
    tablet.app.sync_now(false).await.unwrap();
    tablet.app.login("T-1".into(), PIN.into()).await.unwrap();
    clock.advance_millis(200_000);
    assert!(!tablet.app.check_idle(), "300 s now");
    clock.advance_millis(101_000);
    assert!(tablet.app.check_idle());

    // Out-of-range settings are refused.
    let refused = reqwest::Client::new()
        .post(format!("{}/admin/v1/factories/{}/settings", hub.url(), factory.id))
        .bearer_auth(&hub.hub.admin_token)
        .json(&serde_json::json!({"kiosk_idle_timeout_secs": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);
}
