//! End to end over a real hub on loopback and real SQLite files: enrolment,
//! PIN auth, the vault, and what must never reach the disk.

use std::time::Duration;

use workervoice::{DeviceMode, ErrorCode, WeakPinReason, WorkerVoiceError};
use workervoice_e2e::{OTHER_PIN, PIN, RecordingProxy, TestDevice, TestHub, WRONG_PIN, files_containing, open_app};

fn code_of<T>(result: Result<T, WorkerVoiceError>) -> ErrorCode {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(error) => error.code(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_private_note_reaches_no_file_of_the_device_in_clear() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let device = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Personal, "1001", "vi").await;
    let marker = "MARKER-7f3a9c-grievance-about-unpaid-overtime";
    device.app.save_note(marker.to_owned()).unwrap();
    device.app.save_notes((0..50).map(|i| format!("{marker}-{i}")).collect()).unwrap();
    assert!(device.app.list_notes(100, 0).unwrap().iter().any(|note| note.text == marker));
    device.app.lock();
    let secrets = [marker.as_bytes(), PIN.as_bytes(), "Nguyễn Thị Lan".as_bytes()];
    // While the app is open (WAL and SHM live) and after it closed (checkpointed).
    for secret in secrets {
        let found = files_containing(device.root.path(), secret);
        assert!(found.is_empty(), "open: {:?} in {found:?}", String::from_utf8_lossy(secret));
    }
    let TestDevice { app, root } = device;
    drop(app);
    for secret in secrets {
        let found = files_containing(root.path(), secret);
        assert!(found.is_empty(), "closed: {:?} in {found:?}", String::from_utf8_lossy(secret));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_pins_count_down_keep_the_vault_and_the_eleventh_is_refused_until_staff_unlock() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let device = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Shared, "2001", "en").await;
    device.app.save_note("kept through wrong PINs".into()).unwrap();
    device.app.lock();

    for expected_left in (0..10u32).rev() {
        match device.app.login("2001".into(), WRONG_PIN.into()).await {
            Err(WorkerVoiceError::Pin { code: ErrorCode::WrongPin, attempts_left, .. }) => {
                assert_eq!(attempts_left, Some(expected_left));
            }
            Err(WorkerVoiceError::Pin { code: ErrorCode::PinLocked, .. }) if expected_left == 0 => {}
            other => panic!("attempt with {expected_left} left: {other:?}"),
        }
        assert!(device.app.current_worker().is_none());
    }
    // The 11th attempt, with the right PIN, is refused.
    assert_eq!(code_of(device.app.login("2001".into(), PIN.into()).await), ErrorCode::PinLocked);

    hub.unlock_worker(&factory, "2001").await;
    device.app.login("2001".into(), PIN.into()).await.expect("unlocked by staff");
    assert_eq!(device.app.list_notes(10, 0).unwrap()[0].text, "kept through wrong PINs");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_copied_to_a_fresh_key_store_cannot_be_unlocked_with_the_right_pin() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let device = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Personal, "3001", "en").await;
    device.app.save_note("stolen?".into()).unwrap();
    let (data, keys) = (device.data_dir(), device.keys_dir());
    let TestDevice { app, root } = device;
    drop(app);

    let thief = tempfile::tempdir().unwrap();
    let thief_data = thief.path().join("data");
    std::fs::create_dir_all(&thief_data).unwrap();
    for entry in std::fs::read_dir(&data).unwrap().flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), thief_data.join(entry.file_name())).unwrap();
        }
    }
    let copy = open_app(&thief_data, &thief.path().join("fresh-keys"), &hub.url(), &["en"]);
    assert_eq!(code_of(copy.login("3001".into(), PIN.into()).await), ErrorCode::DeviceKeysMissing);
    assert_eq!(code_of(copy.unlock_offline("3001".into(), PIN.into())), ErrorCode::DeviceKeysMissing);
    assert!(copy.current_worker().is_none());

    // The original, with its key store, still works.
    let original = open_app(&data, &keys, &hub.url(), &["en"]);
    original.login("3001".into(), PIN.into()).await.unwrap();
    assert_eq!(original.list_notes(10, 0).unwrap()[0].text, "stolen?");
    drop(root);
}

#[tokio::test(flavor = "multi_thread")]
async fn replayed_and_tampered_device_requests_are_rejected_by_the_hub() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let proxy = RecordingProxy::start(&hub.url()).await;
    let device = TestDevice::open(&proxy.url);
    let (code, _) = hub.code(&factory, "personal").await;
    device.app.enrol(code, DeviceMode::Personal).await.unwrap();
    let activation = hub.worker(&factory, "4001", "Worker", "en").await;
    device.app.activate("4001".into(), activation, PIN.into()).await.unwrap();
    device.app.lock();
    device.app.login("4001".into(), PIN.into()).await.unwrap();

    let login = proxy.request("POST /v1/auth/login").expect("login request recorded");
    assert_eq!(proxy.send_raw(&login).await, 401, "a replayed login must be refused");

    let mut tampered = login.clone();
    let body_at = tampered.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let digit = tampered[body_at..].windows(4).position(|w| w == b"4001").unwrap() + body_at + 3;
    tampered[digit] = b'2';
    assert_eq!(proxy.send_raw(&tampered).await, 401, "a tampered body must be refused");

    let params = proxy.request("POST /v1/auth/params").expect("params request recorded");
    let mut retargeted = params.clone();
    let path_at = retargeted.windows(6).position(|w| w == b"params").unwrap();
    retargeted[path_at..path_at + 6].copy_from_slice(b"paramz");
    assert!(matches!(proxy.send_raw(&retargeted).await, 401 | 404), "a changed path must not be served");
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_the_pin_keeps_all_data_readable_and_the_old_pin_stops_working() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let device = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Personal, "5001", "en").await;
    let texts: Vec<String> = (0..20).map(|i| format!("note {i}")).collect();
    device.app.save_notes(texts.clone()).unwrap();

    assert_eq!(code_of(device.app.change_pin(WRONG_PIN.into(), OTHER_PIN.into()).await), ErrorCode::WrongPin);
    assert!(matches!(
        device.app.change_pin(PIN.into(), "123456".into()).await,
        Err(WorkerVoiceError::Pin { weak_reason: Some(WeakPinReason::Sequence), .. })
    ));
    device.app.change_pin(PIN.into(), OTHER_PIN.into()).await.unwrap();
    device.app.lock();

    assert_eq!(code_of(device.app.login("5001".into(), PIN.into()).await), ErrorCode::WrongPin);
    device.app.login("5001".into(), OTHER_PIN.into()).await.unwrap();
    assert_eq!(device.app.count_notes().unwrap(), 20);
    device.app.lock();
    // Offline unlock follows the new PIN too.
    assert_eq!(code_of(device.app.unlock_offline("5001".into(), PIN.into())), ErrorCode::WrongPin);
    device.app.unlock_offline("5001".into(), OTHER_PIN.into()).unwrap();
    assert_eq!(device.app.list_notes(100, 0).unwrap().len(), 20);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_personal_device_unlocks_offline_and_a_shared_one_never_opens_a_vault_offline() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let phone = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Personal, "6001", "en").await;
    phone.app.save_note("offline readable".into()).unwrap();
    phone.app.lock();
    let tablet = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Shared, "6002", "en").await;
    tablet.app.save_note("kiosk note".into()).unwrap();
    tablet.app.lock();

    let TestHub { hub: running, dir, .. } = hub;
    running.shutdown().await;

    // `login` falls back to offline unlock on the phone when the hub is down.
    phone.app.login("6001".into(), PIN.into()).await.expect("offline unlock");
    assert_eq!(phone.app.list_notes(1, 0).unwrap()[0].text, "offline readable");
    phone.app.lock();

    // A tablet never opens a vault without the hub: signing in offline gives
    // a provisional session that can submit but reads nothing stored (see
    // tests/kiosk.rs for what the hub then decides).
    tablet.app.login("6002".into(), PIN.into()).await.expect("provisional sign-in");
    assert!(tablet.app.session_is_provisional());
    assert_eq!(code_of(tablet.app.list_notes(1, 0)), ErrorCode::NeedsHub);
    tablet.app.lock();
    tablet.app.unlock_offline("6002".into(), PIN.into()).expect("the same, called directly");
    assert_eq!(code_of(tablet.app.count_notes()), ErrorCode::NeedsHub);
    drop(dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn five_wrong_pins_offline_switch_offline_unlock_off_until_the_next_online_login() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let phone = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Personal, "7001", "en").await;
    phone.app.lock();
    for left in (0..5u32).rev() {
        match phone.app.unlock_offline("7001".into(), WRONG_PIN.into()) {
            Err(WorkerVoiceError::Pin { code: ErrorCode::WrongPin, attempts_left, .. }) => {
                assert_eq!(attempts_left, Some(left))
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(code_of(phone.app.unlock_offline("7001".into(), PIN.into())), ErrorCode::OfflineUnlockUnavailable);
    phone.app.login("7001".into(), PIN.into()).await.expect("online login restores it");
    phone.app.lock();
    phone.app.unlock_offline("7001".into(), PIN.into()).expect("offline again");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_is_a_typed_error_and_loses_nothing_already_saved() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let device = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Personal, "8001", "en").await;
    device.app.save_notes((0..10).map(|i| format!("saved before {i}")).collect()).unwrap();
    device.app.core().limit_storage_pages_for_tests(1).unwrap();
    let big = "x".repeat(30_000);
    let mut saw_full = false;
    for _ in 0..50 {
        match device.app.save_notes(vec![big.clone(), big.clone()]) {
            Ok(_) => {}
            Err(WorkerVoiceError::Storage { code: ErrorCode::DiskFull, .. }) => {
                saw_full = true;
                break;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    assert!(saw_full, "the capped database never filled");
    let texts: Vec<String> = device.app.list_notes(1000, 0).unwrap().into_iter().map(|n| n.text).collect();
    for i in 0..10 {
        assert!(texts.contains(&format!("saved before {i}")));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_enrolment_code_works_once_and_a_qr_payload_names_its_hub() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let (code, qr) = hub.code(&factory, "shared").await;

    // The QR payload carries the hub URL: the device needs no configured hub.
    let tablet = TestDevice::open("https://not-used.invalid");
    let status = tablet.app.enrol(qr.clone(), DeviceMode::Shared).await.unwrap();
    assert!(status.enrolled && status.mode == Some(DeviceMode::Shared));
    assert_eq!(code_of(tablet.app.enrol(qr, DeviceMode::Shared).await), ErrorCode::AlreadyEnrolled);

    let second = TestDevice::open(&hub.url());
    assert_eq!(code_of(second.app.enrol(code, DeviceMode::Shared).await), ErrorCode::EnrolmentCodeInvalid);
    let (personal_code, _) = hub.code(&factory, "personal").await;
    assert_eq!(
        code_of(second.app.enrol(personal_code.clone(), DeviceMode::Shared).await),
        ErrorCode::EnrolmentCodeInvalid,
        "a personal code cannot enrol a kiosk"
    );
    assert!(second.app.enrol(personal_code, DeviceMode::Personal).await.unwrap().enrolled);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scanned_worker_card_fills_in_the_activation_and_other_codes_are_refused_by_name() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let (code, enrolment_qr) = hub.code(&factory, "personal").await;
    let phone = TestDevice::open(&hub.url());
    let (activation, card) = hub.worker_card(&factory, "5101", "Mai", "vi").await;
    // Before the phone is set up it has no hub to match the card against.
    assert_eq!(code_of(phone.app.read_worker_card(card.clone())), ErrorCode::NotEnrolled);
    phone.app.enrol(code, DeviceMode::Personal).await.unwrap();

    let read = phone.app.read_worker_card(card.clone()).unwrap();
    assert_eq!((read.worker_number.as_str(), read.activation_code.as_str()), ("5101", activation.as_str()));
    // What the card filled in activates the worker.
    let profile = phone.app.activate(read.worker_number, read.activation_code, PIN.into()).await.unwrap();
    assert_eq!(profile.worker_number, "5101");

    // The set-up QR code is not a card; nor is a web address.
    for other in [enrolment_qr.as_str(), "https://example.org/", "5101 1234-5678"] {
        let error = phone.app.read_worker_card(other.to_owned()).unwrap_err();
        assert_eq!(error.code(), ErrorCode::NotAWorkerCard, "{other}");
        // In the signed-in worker's language.
        assert!(error.localized().contains("thẻ công nhân"), "{}", error.localized());
    }
    // A card printed by another programme's hub names it, and is refused
    // before its code is tried here.
    let elsewhere = card.replace(&urlencode(&hub.url()), &urlencode("https://hub.other-programme.org"));
    assert_ne!(elsewhere, card);
    assert_eq!(code_of(phone.app.read_worker_card(elsewhere)), ErrorCode::CardForAnotherHub);
}

/// The query-string form of a URL, as a card's payload holds it.
fn urlencode(text: &str) -> String {
    text.replace(':', "%3A").replace('/', "%2F")
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_speak_the_workers_language_after_login_and_the_devices_before() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let root = tempfile::tempdir().unwrap();
    let app = open_app(&root.path().join("d"), &root.path().join("k"), &hub.url(), &["zh-CN"]);
    let (code, _) = hub.code(&factory, "personal").await;
    app.enrol(code, DeviceMode::Personal).await.unwrap();
    let activation = hub.worker(&factory, "9001", "Lan", "vi").await;

    let before = app.login("9001".into(), WRONG_PIN.into()).await.unwrap_err();
    assert!(before.localized().contains("密码错误"), "{}", before.localized());
    app.activate("9001".into(), activation, PIN.into()).await.unwrap();
    assert_eq!(app.current_language(), "vi");
    let during = app.change_pin(WRONG_PIN.into(), OTHER_PIN.into()).await.unwrap_err();
    assert!(during.localized().contains("Sai mã PIN"), "{}", during.localized());
    app.lock();
    assert_eq!(app.current_language(), "zh-CN");
}

#[tokio::test(flavor = "multi_thread")]
async fn weak_pins_and_wrong_activation_codes_are_refused() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let device = TestDevice::open(&hub.url());
    let (code, _) = hub.code(&factory, "personal").await;
    device.app.enrol(code, DeviceMode::Personal).await.unwrap();
    let activation = hub.worker(&factory, "1101", "W", "en").await;
    for (pin, reason) in [
        ("000000", WeakPinReason::Repeated),
        ("250990", WeakPinReason::LooksLikeDate),
        ("12345", WeakPinReason::TooShort),
    ] {
        match device.app.activate("1101".into(), activation.clone(), pin.into()).await {
            Err(WorkerVoiceError::Pin { code: ErrorCode::WeakPin, weak_reason: Some(r), localized, .. }) => {
                assert_eq!(r, reason);
                assert!(!localized.is_empty());
            }
            other => panic!("{pin}: {other:?}"),
        }
    }
    assert_eq!(
        code_of(device.app.activate("1101".into(), "00000-00000".into(), PIN.into()).await),
        ErrorCode::ActivationInvalid
    );
    device.app.activate("1101".into(), activation.clone(), PIN.into()).await.unwrap();
    device.app.lock();
    assert_eq!(
        code_of(device.app.activate("1101".into(), activation, OTHER_PIN.into()).await),
        ErrorCode::ActivationInvalid,
        "activation codes are one-time"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn self_registration_follows_the_programme_setting() {
    let hub = TestHub::start().await;
    let open_factory = hub.factory(true).await;
    let join = open_factory.join_code.clone().expect("join code");
    let device = TestDevice::open(&hub.url());
    let (code, _) = hub.code(&open_factory, "personal").await;
    device.app.enrol(code, DeviceMode::Personal).await.unwrap();
    assert_eq!(
        code_of(device.app.register("WRONG-JOIN".into(), "1201".into(), "Mai".into(), "vi".into(), PIN.into()).await),
        ErrorCode::SelfRegistrationDisabled
    );
    let profile =
        device.app.register(join.clone(), "1201".into(), "Mai".into(), "vi".into(), PIN.into()).await.unwrap();
    assert_eq!(profile.language, "vi");
    device.app.lock();
    assert_eq!(
        code_of(device.app.register(join, "1201".into(), "Other".into(), "en".into(), OTHER_PIN.into()).await),
        ErrorCode::WorkerExists
    );
    device.app.login("1201".into(), PIN.into()).await.unwrap();

    let closed = hub.factory(false).await;
    let other = TestDevice::open(&hub.url());
    let (code, _) = hub.code(&closed, "personal").await;
    other.app.enrol(code, DeviceMode::Personal).await.unwrap();
    assert_eq!(
        code_of(other.app.register("ANY".into(), "1301".into(), "X".into(), "en".into(), PIN.into()).await),
        ErrorCode::SelfRegistrationDisabled
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_database_is_reported_and_left_untouched() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let garbage: Vec<u8> = (0..16_384u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(data.join("workervoice.db"), &garbage).unwrap();
    let key_store = workervoice::new_file_key_store(root.path().join("k").to_string_lossy().into_owned()).unwrap();
    let result = workervoice::WorkerVoiceApp::open(
        workervoice::AppOptions {
            data_dir: data.to_string_lossy().into_owned(),
            default_hub_url: None,
            languages: vec!["vi".into()],
            allow_insecure_http_for_tests: false,
            extra_root_certs_pem: vec![],
            request_timeout_secs: 0,
            programme_public_key: None,
        },
        key_store,
    );
    match result {
        Err(WorkerVoiceError::Storage { code: ErrorCode::StorageCorrupt, localized }) => {
            assert!(localized.contains("hỏng"), "{localized}");
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("opened a corrupt database"),
    }
    assert_eq!(std::fs::read(data.join("workervoice.db")).unwrap(), garbage);
}

#[tokio::test(flavor = "multi_thread")]
async fn production_configuration_refuses_a_plain_http_hub() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let (_, qr) = hub.code(&factory, "personal").await;
    let root = tempfile::tempdir().unwrap();
    let key_store = workervoice::new_memory_key_store();
    let app = workervoice::WorkerVoiceApp::open(
        workervoice::AppOptions {
            data_dir: root.path().to_string_lossy().into_owned(),
            default_hub_url: None,
            languages: vec!["en".into()],
            allow_insecure_http_for_tests: false,
            extra_root_certs_pem: vec![],
            request_timeout_secs: 5,
            programme_public_key: None,
        },
        key_store,
    )
    .unwrap();
    assert_eq!(
        code_of(tokio::time::timeout(Duration::from_secs(20), app.enrol(qr, DeviceMode::Personal)).await.unwrap()),
        ErrorCode::InsecureHubUrl
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pin_changed_on_one_phone_is_caught_up_on_the_other_with_the_previous_pin_once() {
    let hub = TestHub::start().await;
    let factory = hub.factory(false).await;
    let phone_a = TestDevice::enrolled_with_worker(&hub, &factory, DeviceMode::Personal, "7701", "en").await;
    // The same worker on a second phone.
    let phone_b = TestDevice::open(&hub.url());
    let (code, _) = hub.code(&factory, "personal").await;
    phone_b.app.enrol(code, DeviceMode::Personal).await.unwrap();
    phone_b.app.login("7701".into(), PIN.into()).await.unwrap();
    phone_b.app.save_note("kept on the second phone".into()).unwrap();
    phone_b.app.lock();

    phone_a.app.change_pin(PIN.into(), OTHER_PIN.into()).await.unwrap();

    assert_eq!(code_of(phone_b.app.login("7701".into(), OTHER_PIN.into()).await), ErrorCode::VaultUnreadable);
    assert_eq!(
        code_of(phone_b.app.login_with_previous_pin("7701".into(), OTHER_PIN.into(), WRONG_PIN.into()).await),
        ErrorCode::WrongPin
    );
    phone_b.app.login_with_previous_pin("7701".into(), OTHER_PIN.into(), PIN.into()).await.expect("caught up");
    assert_eq!(phone_b.app.list_notes(10, 0).unwrap()[0].text, "kept on the second phone");
    phone_b.app.lock();
    // From now on the new PIN alone opens it, online and offline.
    phone_b.app.login("7701".into(), OTHER_PIN.into()).await.unwrap();
    phone_b.app.lock();
    phone_b.app.unlock_offline("7701".into(), OTHER_PIN.into()).unwrap();
    assert_eq!(code_of(phone_b.app.unlock_offline("7701".into(), PIN.into())), ErrorCode::WrongPin);
}
