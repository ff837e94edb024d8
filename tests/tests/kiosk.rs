//! Kiosk mode on a shared tablet: idle time-outs, drafts that return to the
//! same worker only, and switching worker.

use std::sync::Arc;

use workervoice::{AttachmentType, DeviceMode, DraftAttachment, ErrorCode};
use workervoice_core::ManualClock;
use workervoice_core::kiosk::DRAFT_MAX_AGE_SECS;
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
async fn a_draft_and_its_attachments_outlive_the_age_limit_together_while_the_worker_keeps_editing() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let tablet = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Shared, "D-1", "vi").await;
    let clock = Arc::new(ManualClock::starting_at(1_800_000_000_000));
    tablet.app.core().set_clock(clock.clone());
    tablet.app.lock();
    let photo = |bytes: &[u8]| DraftAttachment {
        name: "fire-exit.jpg".into(),
        kind: AttachmentType::Photo,
        mime: "image/jpeg".into(),
        bytes: bytes.to_vec(),
    };
    let day_ms = 86_400_000;
    let past_limit_days = DRAFT_MAX_AGE_SECS / 86_400 + 5;

    // Day 0: one report with its photo attached at once; another with words only.
    tablet.app.login("D-1".into(), PIN.into()).await.unwrap();
    tablet.app.save_draft("grievance".into(), b"the fire exit".to_vec()).unwrap();
    tablet.app.save_draft_attachments("grievance".into(), vec![photo(b"early photo")]).unwrap();
    tablet.app.save_draft("second".into(), b"the canteen".to_vec()).unwrap();
    tablet.app.lock();

    // Twenty days on: the first report's words are edited again (its photo
    // row is not rewritten), the second gets a photo (its words are not).
    clock.advance_millis(20 * day_ms);
    tablet.app.login("D-1".into(), PIN.into()).await.unwrap();
    tablet.app.save_draft("grievance".into(), b"the fire exit is locked".to_vec()).unwrap();
    tablet.app.save_draft_attachments("second".into(), vec![photo(b"late photo")]).unwrap();
    tablet.app.lock();

    // Past the age limit counted from day 0, within it from day 20: the
    // upkeep at the next sync keeps each draft whole.
    clock.advance_millis((past_limit_days - 20) * day_ms);
    tablet.app.sync_now(false).await.unwrap();
    tablet.app.login("D-1".into(), PIN.into()).await.unwrap();
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap(), Some(b"the fire exit is locked".to_vec()));
    assert_eq!(
        tablet.app.load_draft_attachments("grievance".into()).unwrap(),
        vec![photo(b"early photo")],
        "the photo attached first lives as long as the words edited since"
    );
    assert_eq!(
        tablet.app.load_draft("second".into()).unwrap(),
        Some(b"the canteen".to_vec()),
        "words kept with the photo added later"
    );
    assert_eq!(tablet.app.load_draft_attachments("second".into()).unwrap(), vec![photo(b"late photo")]);
    tablet.app.lock();

    // Left alone past the limit, a draft goes whole: words and photo.
    clock.advance_millis(past_limit_days * day_ms);
    tablet.app.sync_now(false).await.unwrap();
    tablet.app.login("D-1".into(), PIN.into()).await.unwrap();
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap(), None);
    assert!(tablet.app.load_draft_attachments("grievance".into()).unwrap().is_empty());
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
    // Retiring is final: there is nothing left to wipe and keep.
    let no_wipe = reqwest::Client::new()
        .post(format!("{}/admin/v1/devices/{device_id}/wipe", hub.url()))
        .bearer_auth(hub.staff_token())
        .send()
        .await
        .unwrap();
    assert_eq!(no_wipe.status().as_u16(), 410);
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
async fn a_remote_wipe_keeps_the_tablet_in_service_with_no_worker_data_left() {
    use workervoice::{GrievanceDraft, GrievanceRoute};
    let hub = TestHub::start().await;
    let (factory, _, hotline) = hub.grievance_programme().await;
    let tablet = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Shared, Some("W-1")).await;
    tablet.app.save_note("MARKER-kept-wipe-note-8170".into()).unwrap();
    tablet.app.save_draft("grievance".into(), b"MARKER-kept-wipe-draft-8171".to_vec()).unwrap();
    tablet.app.lock();
    tablet.app.sync_now(false).await.unwrap();
    let device_id = tablet.app.status().unwrap().device_id.unwrap();

    // Staff ask for a wipe; a report made before the next sync still goes out.
    let asked = hub.admin(&format!("/admin/v1/devices/{device_id}/wipe"), serde_json::json!({})).await;
    assert!(asked["wipe_requested_at"].is_i64() && asked["wiped_at"].is_null(), "{asked}");
    let queued = tablet
        .app
        .submit_grievance(GrievanceDraft {
            category_id: "wages".into(),
            text: "made before the wipe".into(),
            anonymous: true,
            routes: vec![GrievanceRoute::IndependentHotline],
            callback: None,
            attachments: vec![],
        })
        .unwrap();
    tablet.app.sync_now(false).await.unwrap();
    assert!(hotline.cases().await.iter().any(|c| c["case_id"] == queued.receipt.case_id.as_str()));

    let health = tablet.app.device_health().unwrap();
    assert!(health.enrolled && !health.retired, "still in service");
    assert_eq!(health.worker_vaults, 0);
    for marker in [&b"MARKER-kept-wipe-note-8170"[..], b"MARKER-kept-wipe-draft-8171"] {
        assert!(files_containing(tablet.root.path(), marker).is_empty());
    }
    let keys = std::fs::read_dir(tablet.keys_dir()).map(|entries| entries.count()).unwrap_or(0);
    assert_eq!(keys, 1, "only the device's own secret is left in the key store");
    let devices = hub.admin_get(&format!("/admin/v1/factories/{}/devices", factory.id)).await;
    let listed = devices.as_array().unwrap().iter().find(|d| d["device_id"] == device_id.as_str()).unwrap().clone();
    assert!(listed["wiped_at"].is_i64(), "staff see the wipe done: {listed}");
    assert_eq!(listed["state"], "active");

    // The worker signs in again online: a fresh vault, nothing of the old one.
    // Offline, the tablet has nothing left to sign anyone in with.
    tablet.app.core().set_connectivity(workervoice_e2e::NetworkSwitch::new(false));
    let offline = tablet.app.login("W-1".into(), PIN.into()).await.unwrap_err();
    assert_eq!(offline.code(), ErrorCode::OfflineSignInFailed);
    tablet.app.core().set_connectivity(Arc::new(workervoice_core::AlwaysOnline));
    tablet.app.login("W-1".into(), PIN.into()).await.unwrap();
    assert!(tablet.app.list_notes(10, 0).unwrap().is_empty());
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap(), None);
    tablet.app.save_note("after the wipe".into()).unwrap();
    tablet.app.lock();

    // The request is carried out once: later syncs keep the new data.
    tablet.app.sync_now(false).await.unwrap();
    tablet.app.login("W-1".into(), PIN.into()).await.unwrap();
    assert_eq!(tablet.app.list_notes(10, 0).unwrap().len(), 1);

    // A personal phone is retired, not wiped and kept.
    let phone = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Personal, None).await;
    let phone_id = phone.app.status().unwrap().device_id.unwrap();
    let refused = reqwest::Client::new()
        .post(format!("{}/admin/v1/devices/{phone_id}/wipe", hub.url()))
        .bearer_auth(hub.staff_token())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_vault_unused_for_half_a_year_is_forgotten_with_its_secret_and_the_next_sign_in_is_online() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let clock = Arc::new(ManualClock::starting_at(1_800_000_000_000));
    let tablet = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Shared, "E-1", "en").await;
    tablet.app.core().set_clock(clock.clone());
    tablet.app.lock();
    tablet.app.login("E-1".into(), PIN.into()).await.unwrap();
    tablet.app.save_note("MARKER-evicted-note-4410".into()).unwrap();
    tablet.app.lock();
    let code = hub.worker(&factory, "E-2", "Wei Li", "zh-CN").await;
    tablet.app.activate("E-2".into(), code, PIN.into()).await.unwrap();
    tablet.app.lock();
    tablet.app.sync_now(false).await.unwrap();
    assert_eq!(tablet.app.device_health().unwrap().worker_vaults, 2, "both kept: used today");

    // 150 days on, E-2 signs in again; 31 days later E-1 has not been seen for 181.
    clock.advance_millis(150 * 86_400_000);
    tablet.app.login("E-2".into(), PIN.into()).await.unwrap();
    tablet.app.lock();
    clock.advance_millis(31 * 86_400_000);
    tablet.app.sync_now(false).await.unwrap();
    assert_eq!(tablet.app.device_health().unwrap().worker_vaults, 1, "E-1's vault is forgotten");
    assert!(files_containing(tablet.root.path(), b"MARKER-evicted-note-4410").is_empty());
    let keys = std::fs::read_dir(tablet.keys_dir()).map(|entries| entries.count()).unwrap_or(0);
    assert_eq!(keys, 2, "the device's secret and E-2's are left; E-1's is deleted");

    // Offline, the tablet no longer knows E-1; online, a fresh vault starts.
    let network = workervoice_e2e::NetworkSwitch::new(false);
    tablet.app.core().set_connectivity(network.clone());
    let offline = tablet.app.login("E-1".into(), PIN.into()).await.unwrap_err();
    assert_eq!(offline.code(), ErrorCode::OfflineSignInFailed);
    network.set(true);
    tablet.app.login("E-1".into(), PIN.into()).await.unwrap();
    assert!(tablet.app.list_notes(10, 0).unwrap().is_empty());
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
        .bearer_auth(hub.staff_token())
        .json(&serde_json::json!({"kiosk_idle_timeout_secs": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);
}

fn named_report(text: &str) -> workervoice::GrievanceDraft {
    workervoice::GrievanceDraft {
        category_id: "wages".into(),
        text: text.into(),
        anonymous: false,
        routes: vec![workervoice::GrievanceRoute::IndependentHotline],
        callback: None,
        attachments: vec![],
    }
}

fn anonymous_report(text: &str) -> workervoice::GrievanceDraft {
    workervoice::GrievanceDraft { anonymous: true, ..named_report(text) }
}

async fn failed_attempts(hub: &TestHub, factory: &workervoice_e2e::Factory, number: &str) -> u64 {
    let workers = hub.admin_get(&format!("/admin/v1/factories/{}/workers", factory.id)).await;
    let worker = workers.as_array().unwrap().iter().find(|w| w["worker_number"] == number).unwrap().clone();
    worker["failed_attempts"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_offline_sign_in_with_a_wrong_pin_is_rejected_at_sync_and_its_report_kept_and_flagged() {
    use workervoice::OutboxState;
    use workervoice_e2e::OTHER_PIN;
    use workervoice_e2e::fault_proxy::FaultProxy;

    let hub = TestHub::start().await;
    let (factory, _, hotline) = hub.grievance_programme().await;
    let proxy = FaultProxy::start(&hub.url(), 0, 7).await;
    let tablet = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Shared, Some("O-1")).await;
    tablet.app.sync_now(false).await.unwrap();
    tablet.app.lock();

    // The worker changes their PIN on their phone; the tablet still holds
    // the check of the old one.
    let phone = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Personal, None).await;
    phone.app.login("O-1".into(), PIN.into()).await.unwrap();
    phone.app.change_pin(PIN.into(), OTHER_PIN.into()).await.unwrap();

    // Offline, someone types the old PIN at the tablet: it passes the
    // tablet's 8-bit check, so the session is provisional.
    let network = workervoice_e2e::NetworkSwitch::new(false);
    tablet.app.core().set_connectivity(network.clone());
    let profile = tablet.app.login("O-1".into(), PIN.into()).await.expect("provisional sign-in");
    assert_eq!((profile.worker_number.as_str(), profile.language.as_str()), ("O-1", "vi"));
    assert!(tablet.app.session_is_provisional());
    assert_eq!(tablet.app.my_cases().unwrap_err().code(), ErrorCode::NeedsHub);
    assert_eq!(tablet.app.list_notes(10, 0).unwrap_err().code(), ErrorCode::NeedsHub);
    let named = tablet.app.submit_grievance(named_report("MARKER-held-7731 named while offline")).unwrap();
    tablet.app.save_draft("grievance".into(), b"planted by whoever typed the old PIN".to_vec()).unwrap();
    let anonymous = tablet.app.submit_grievance(anonymous_report("anonymous while offline")).unwrap();
    assert!(files_containing(tablet.root.path(), b"MARKER-held-7731").is_empty());

    // Back online, the hub checks the sign-in. The first answer is lost on
    // the way: the tablet asks again and the hub answers the same, counting
    // the wrong PIN once.
    network.set(true);
    proxy.lose_answers("confirm-offline", 1);
    let interrupted = tablet.app.sync_now(true).await.unwrap();
    assert_eq!((interrupted.sign_ins_confirmed, interrupted.sign_ins_rejected), (0, 0));
    let report = tablet.app.sync_now(true).await.unwrap();
    assert_eq!((report.sign_ins_confirmed, report.sign_ins_rejected), (0, 1), "{report:?}");
    assert_eq!(failed_attempts(&hub, &factory, "O-1").await, 1, "one wrong PIN, counted once");
    assert!(tablet.app.current_worker().is_none(), "a rejected sign-in ends the session still open");

    // The named report is kept, parked, and never sent as the worker's; the
    // anonymous one carried no name and went out.
    let status = tablet.app.submission_status(named.client_id.clone()).unwrap().unwrap();
    assert_eq!(status.state, OutboxState::NeedsAttention);
    assert_eq!(status.reason.as_deref(), Some(workervoice_core::app::SIGN_IN_NOT_CONFIRMED));
    let cases = hotline.cases().await;
    assert!(cases.iter().any(|c| c["case_id"] == anonymous.receipt.case_id.as_str()));
    assert!(cases.iter().all(|c| c["case_id"] != named.receipt.case_id.as_str()));
    let again = tablet.app.sync_now(true).await.unwrap();
    assert_eq!((again.delivered, again.needs_attention), (0, 1));
    assert!(hotline.cases().await.iter().all(|c| c["case_id"] != named.receipt.case_id.as_str()));
    assert_eq!(tablet.app.device_health().unwrap().needs_attention, 1);
    // Programme staff see the same counts for the tablet (never what or whose).
    let device_id = tablet.app.status().unwrap().device_id.unwrap();
    let devices = hub.admin_get(&format!("/admin/v1/factories/{}/devices", factory.id)).await;
    let listed = devices.as_array().unwrap().iter().find(|d| d["device_id"] == device_id.as_str()).unwrap().clone();
    assert_eq!((listed["queued"].as_u64(), listed["needs_attention"].as_u64()), (Some(0), Some(1)), "{listed}");
    assert!(listed["last_sync_at"].is_i64(), "{listed}");

    // The worker's new PIN works online on the tablet, with a full session.
    tablet.app.login_with_previous_pin("O-1".into(), OTHER_PIN.into(), PIN.into()).await.unwrap();
    assert!(!tablet.app.session_is_provisional());
    // A right PIN gives no fresh budget: the wrong one stays counted (it fades a day at a time).
    assert_eq!(failed_attempts(&hub, &factory, "O-1").await, 1);
    // The rejected session's draft was deleted: nothing reaches the worker's vault.
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_offline_session_timed_out_mid_report_keeps_its_draft_for_that_worker_only() {
    let hub = TestHub::start().await;
    let (factory, _, _) = hub.grievance_programme().await;
    let tablet = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Shared, Some("D-1")).await;
    let other_code = hub.worker(&factory, "D-2", "Lê Thị Hoa", "vi").await;
    tablet.app.lock();
    tablet.app.activate("D-2".into(), other_code, PIN.into()).await.unwrap();
    tablet.app.sync_now(false).await.unwrap();
    tablet.app.lock();
    let clock = Arc::new(ManualClock::starting_at(1_800_000_000_000));
    tablet.app.core().set_clock(clock.clone());

    // Offline, D-1 starts a report and a survey and walks away.
    let network = workervoice_e2e::NetworkSwitch::new(false);
    tablet.app.core().set_connectivity(network.clone());
    tablet.app.login("D-1".into(), PIN.into()).await.expect("provisional sign-in");
    let report = b"MARKER-offline-draft-5184 the supervisor kept our".to_vec();
    let survey = br#"[{"question_id":"q1","choice":"MARKER-offline-survey-2203"}]"#.to_vec();
    tablet.app.save_draft("grievance".into(), report.clone()).unwrap();
    tablet.app.save_draft("survey:wellbeing".into(), survey.clone()).unwrap();
    clock.advance_millis(2 * MINUTE_MS);
    assert!(tablet.app.check_idle(), "the idle time-out ends a provisional session too");
    for marker in [&b"MARKER-offline-draft-5184"[..], b"MARKER-offline-survey-2203"] {
        assert!(files_containing(tablet.root.path(), marker).is_empty(), "sealed to a key the tablet lacks");
    }

    // The next worker, offline and then online, finds nothing of it.
    tablet.app.login("D-2".into(), PIN.into()).await.expect("provisional sign-in");
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap(), None);
    tablet.app.lock();
    network.set(true);
    tablet.app.login("D-2".into(), PIN.into()).await.unwrap();
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap(), None);
    assert_eq!(tablet.app.load_draft("survey:wellbeing".into()).unwrap(), None);
    let report_sync = tablet.app.sync_now(true).await.unwrap();
    assert_eq!(report_sync.sign_ins_confirmed, 2, "{report_sync:?}");
    assert_eq!(
        tablet.app.load_draft("grievance".into()).unwrap(),
        None,
        "confirmation moves drafts to their owner only"
    );
    tablet.app.lock();

    // D-1 signs in online: both drafts are back, under the vault key, once.
    tablet.app.login("D-1".into(), PIN.into()).await.unwrap();
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap(), Some(report.clone()));
    assert_eq!(tablet.app.load_draft("survey:wellbeing".into()).unwrap(), Some(survey));
    tablet.app.delete_draft("grievance".into()).unwrap();
    tablet.app.lock();
    tablet.app.login("D-1".into(), PIN.into()).await.unwrap();
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap(), None, "moved, not copied");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_offline_sign_in_with_the_right_pin_is_confirmed_and_its_report_delivered_with_the_name() {
    let hub = TestHub::start().await;
    let (factory, _, hotline) = hub.grievance_programme().await;
    let tablet = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Shared, Some("O-2")).await;
    tablet.app.sync_now(false).await.unwrap();
    tablet.app.save_draft("grievance".into(), b"saved online".to_vec()).unwrap();
    tablet.app.lock();

    let network = workervoice_e2e::NetworkSwitch::new(false);
    tablet.app.core().set_connectivity(network.clone());
    tablet.app.login("O-2".into(), PIN.into()).await.expect("provisional sign-in");
    // Nothing stored opens without the hub; a draft saved now is read back
    // in this session, and sealed on disk to a key the tablet does not hold.
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap(), None);
    tablet.app.save_draft("offline".into(), b"MARKER-mem-draft-6620".to_vec()).unwrap();
    assert_eq!(tablet.app.load_draft("offline".into()).unwrap().as_deref(), Some(&b"MARKER-mem-draft-6620"[..]));
    assert!(files_containing(tablet.root.path(), b"MARKER-mem-draft-6620").is_empty());
    let held = tablet.app.submit_grievance(named_report("named, signed in offline")).unwrap();
    let offline = tablet.app.sync_now(true).await.unwrap();
    assert!(offline.offline);
    assert_eq!(offline.pending, 1);

    network.set(true);
    let report = tablet.app.sync_now(true).await.unwrap();
    assert_eq!((report.sign_ins_confirmed, report.delivered, report.pending), (1, 1, 0), "{report:?}");
    let (_, view) = hotline.open(&held.receipt.case_id).await;
    assert_eq!(view["content"]["reporter"]["worker_number"], "O-2");
    // The session stays open; what it submits now is not held.
    assert!(tablet.app.session_is_provisional());
    let later = tablet.app.submit_grievance(named_report("after confirmation")).unwrap();
    assert_eq!(tablet.app.sync_now(true).await.unwrap().delivered, 1);
    assert!(hotline.cases().await.iter().any(|c| c["case_id"] == later.receipt.case_id.as_str()));

    // Online, the worker finds both: the draft saved online before, and the
    // one written offline (its sign-in is confirmed), now under the vault key.
    tablet.app.lock();
    tablet.app.login("O-2".into(), PIN.into()).await.unwrap();
    assert!(!tablet.app.session_is_provisional());
    assert_eq!(tablet.app.load_draft("offline".into()).unwrap().as_deref(), Some(&b"MARKER-mem-draft-6620"[..]));
    assert_eq!(tablet.app.load_draft("grievance".into()).unwrap().as_deref(), Some(&b"saved online"[..]));
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_sign_in_needs_an_earlier_online_one_and_five_wrong_checks_switch_it_off_all_failing_alike() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let tablet = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Shared, "O-3", "en").await;
    tablet.app.lock();
    let newcomer = hub.worker(&factory, "O-4", "Wei Li", "zh-CN").await;
    assert!(!newcomer.is_empty());
    tablet.app.core().set_connectivity(workervoice_e2e::NetworkSwitch::new(false));
    let never_here = tablet.app.login("O-4".into(), PIN.into()).await.unwrap_err();
    assert_eq!(never_here.code(), ErrorCode::OfflineSignInFailed);
    // Someone probing numbers learns nothing: a number that is no worker's,
    // a worker who never used this tablet and a wrong PIN of one who did
    // all get the same answer.
    let nobody = tablet.app.login("NOBODY-9".into(), PIN.into()).await.unwrap_err();
    assert_eq!(format!("{nobody:?}"), format!("{never_here:?}"));

    // Wrong PINs: most fail the 8-bit check at once (about 1 in 256 passes it
    // and becomes a provisional session the hub will reject; that resets the
    // local count, so count consecutive failures).
    let mut in_a_row = 0;
    for candidate in 100_000..100_400u32 {
        let wrong = format!("{candidate}");
        if wrong == PIN {
            continue;
        }
        match tablet.app.login("O-3".into(), wrong).await {
            Ok(_) => in_a_row = 0,
            Err(error) => {
                assert_eq!(format!("{error:?}"), format!("{never_here:?}"), "no count of tries left either");
                in_a_row += 1;
                if in_a_row == 5 {
                    break;
                }
            }
        }
    }
    assert_eq!(in_a_row, 5);
    let switched_off = tablet.app.login("O-3".into(), PIN.into()).await.unwrap_err();
    assert_eq!(format!("{switched_off:?}"), format!("{never_here:?}"), "the right PIN now needs the hub");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_offline_sign_in_of_a_locked_worker_waits_for_staff_to_unlock_and_is_then_confirmed() {
    use workervoice_e2e::WRONG_PIN;
    let hub = TestHub::start().await;
    let (factory, _, hotline) = hub.grievance_programme().await;
    let tablet = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Shared, Some("O-5")).await;
    tablet.app.sync_now(false).await.unwrap();
    tablet.app.lock();
    let network = workervoice_e2e::NetworkSwitch::new(false);
    tablet.app.core().set_connectivity(network.clone());
    tablet.app.login("O-5".into(), PIN.into()).await.expect("provisional sign-in");
    let held = tablet.app.submit_grievance(named_report("held while the worker is locked")).unwrap();
    tablet.app.lock();

    // Meanwhile someone locks the worker out with wrong PINs on a phone the
    // worker once signed in on (a device that never saw them sign in could
    // only delay them, never lock them).
    let phone = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Personal, None).await;
    phone.app.login("O-5".into(), PIN.into()).await.expect("the worker signs in on the phone once");
    phone.app.lock();
    for _ in 0..10 {
        let _ = phone.app.login("O-5".into(), WRONG_PIN.into()).await;
    }
    assert_eq!(phone.app.login("O-5".into(), PIN.into()).await.unwrap_err().code(), ErrorCode::PinLocked);

    network.set(true);
    let waiting = tablet.app.sync_now(true).await.unwrap();
    assert_eq!((waiting.sign_ins_confirmed, waiting.sign_ins_rejected, waiting.pending), (0, 0, 1), "{waiting:?}");
    hub.unlock_worker(&factory, "O-5").await;
    let released = tablet.app.sync_now(true).await.unwrap();
    assert_eq!((released.sign_ins_confirmed, released.delivered, released.pending), (1, 1, 0), "{released:?}");
    assert!(hotline.cases().await.iter().any(|c| c["case_id"] == held.receipt.case_id.as_str()));
}
