//! Training end to end: a pack published on a real hub, taken on a phone and
//! a kiosk by the same worker, progress merged on the hub; points that never
//! go down or count twice; streaks on the hub's clock when the device's is a
//! day off.

use std::path::Path;
use std::sync::Arc;

use proptest::prelude::*;
use serde_json::json;
use workervoice::{DeviceMode, ErrorCode, QuizAnswerInput, QuizResponse, WorkerVoiceApp};
use workervoice_core::ManualClock;
use workervoice_e2e::{Factory, PIN, TestDevice, TestHub};
use workervoice_hub::PackAssignment;

const MODULE: &str = "fire-safety";

/// A pack: two lessons, a quiz of three questions (pass mark 60 %), points
/// 10 per lesson, 5 per right answer, 20 for passing, and three badges.
fn write_pack(folder: &Path) {
    std::fs::create_dir_all(folder).unwrap();
    let pack = json!({
        "kind": "training_module",
        "id": MODULE,
        "languages": ["en", "vi"],
        "titles": {"en": "Fire safety", "vi": "An toàn cháy nổ"},
        "document": {
            "lessons": [
                {"id": "exits", "title": {"en": "Exits"}, "text": {"en": "Know two ways out."}},
                {"id": "alarm", "title": {"en": "Alarm"}, "text": {"en": "Walk, do not run."}}
            ],
            "quiz": {"pass_mark_percent": 60, "questions": [
                {"id": "q1", "prompt": {"en": "Lifts are safe in a fire."},
                 "answer": {"type": "true_false", "correct": false}},
                {"id": "q2", "prompt": {"en": "Which exit?"}, "answer": {"type": "single_choice",
                    "options": [{"id": "a", "text": {"en": "Stairs"}}, {"id": "b", "text": {"en": "Lift"}}],
                    "correct": "a"}},
                {"id": "q3", "prompt": {"en": "In order"}, "answer": {"type": "ordering",
                    "items": [{"id": "x", "text": {"en": "Alarm"}}, {"id": "y", "text": {"en": "Leave"}},
                              {"id": "z", "text": {"en": "Gather"}}],
                    "correct_order": ["x", "y", "z"]}}
            ]},
            "points": {"lesson": 10, "correct_answer": 5, "passing": 20},
            "badges": [
                {"id": "fire-safe", "title": {"en": "Fire safe"}, "rule": {"type": "module_passed"}},
                {"id": "flawless", "title": {"en": "Flawless"}, "rule": {"type": "perfect_quiz"}},
                {"id": "three-days", "title": {"en": "Three days"}, "rule": {"type": "streak_days", "days": 3}}
            ]
        }
    });
    std::fs::write(folder.join("pack.json"), serde_json::to_vec(&pack).unwrap()).unwrap();
}

fn answers(q1: bool, q2: &str, q3: &[&str]) -> Vec<QuizAnswerInput> {
    vec![
        QuizAnswerInput { question_id: "q1".into(), response: QuizResponse::TrueFalse { value: q1 } },
        QuizAnswerInput { question_id: "q2".into(), response: QuizResponse::Choice { option_id: q2.into() } },
        QuizAnswerInput {
            question_id: "q3".into(),
            response: QuizResponse::Order { item_ids: q3.iter().map(|id| (*id).to_owned()).collect() },
        },
    ]
}

fn all_right() -> Vec<QuizAnswerInput> {
    answers(false, "a", &["x", "y", "z"])
}

/// A hub with the pack published, a factory, and one worker's activation code.
async fn programme() -> (TestHub, Factory, String, String) {
    let hub = TestHub::start().await;
    let folder = hub.dir.path().join("pack-source");
    write_pack(&folder);
    hub.publish_pack(&folder, &PackAssignment::AllFactories).await.expect("the pack publishes");
    let factory = hub.factory(false).await;
    let code = hub.worker(&factory, "T-1", "Nguyễn Thị Lan", "vi").await;
    let key = hub.programme_key().await;
    (hub, factory, code, key)
}

/// A device of `factory` with the module downloaded and the worker signed in.
async fn device(
    hub: &TestHub,
    factory: &Factory,
    key: &str,
    mode: DeviceMode,
    activation: Option<&str>,
    clock: Option<Arc<ManualClock>>,
) -> TestDevice {
    let device = TestDevice::open_pinned(&hub.url(), Some(key));
    if let Some(clock) = clock {
        device.app.core().set_clock(clock);
    }
    let (code, _) = hub.code(factory, if mode == DeviceMode::Shared { "shared" } else { "personal" }).await;
    device.app.enrol(code, mode).await.expect("enrol");
    match activation {
        Some(activation) => device.app.activate("T-1".into(), activation.into(), PIN.into()).await.expect("activate"),
        None => device.app.login("T-1".into(), PIN.into()).await.expect("login"),
    };
    device.app.sync_content().await.expect("content");
    device
}

fn points(app: &WorkerVoiceApp) -> u64 {
    app.training_progress().expect("progress").points
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lesson_and_a_quiz_earn_their_points_once_and_a_badge_that_survives_the_sync() {
    let (hub, factory, code, key) = programme().await;
    let phone = device(&hub, &factory, &key, DeviceMode::Personal, Some(&code), None).await;
    let module = phone.app.load_training_module(MODULE.into()).expect("module");
    assert_eq!(module.badges.len(), 3);

    let lesson = phone.app.complete_lesson(MODULE.into(), "exits".into()).unwrap();
    assert_eq!((lesson.points_earned, lesson.progress.points, lesson.progress.lessons_completed), (10, 10, 1));
    let again = phone.app.complete_lesson(MODULE.into(), "exits".into()).unwrap();
    assert_eq!((again.points_earned, again.progress.points), (0, 10), "a lesson counts once");
    let unknown = phone.app.complete_lesson(MODULE.into(), "no-such-lesson".into()).unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::InvalidInput);

    let mut incomplete = all_right();
    incomplete.pop();
    let refused = phone.app.submit_quiz(MODULE.into(), incomplete).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidInput, "no points without finishing the quiz");
    assert_eq!(points(&phone.app), 10);

    let failed = phone.app.submit_quiz(MODULE.into(), answers(true, "b", &["x", "y", "z"])).unwrap();
    assert_eq!((failed.correct, failed.questions, failed.passed, failed.points_earned), (1, 3, false, 5));
    let passed = phone.app.submit_quiz(MODULE.into(), all_right()).unwrap();
    assert!(passed.passed);
    assert_eq!(passed.points_earned, 2 * 5 + 20, "the two answers not right before, and the pass");
    assert!(passed.new_badges.contains(&"fire-safe".to_owned()) && passed.new_badges.contains(&"flawless".to_owned()));
    let before = phone.app.training_progress().unwrap();
    assert_eq!((before.points, before.level), (45, 1));

    let report = phone.app.sync_now(true).await.unwrap();
    assert_eq!(report.pending, 0, "{report:?}");
    assert!(report.progress_events >= 4, "{report:?}");
    let after = phone.app.training_progress().unwrap();
    assert_eq!(after, before, "the hub's scoring agrees with the device's");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_the_hub_cannot_score_stays_queued_and_never_lowers_the_points_shown() {
    let (hub, factory, code, key) = programme().await;
    let phone = device(&hub, &factory, &key, DeviceMode::Personal, Some(&code), None).await;
    phone.app.complete_lesson(MODULE.into(), "exits".into()).unwrap();
    assert_eq!(points(&phone.app), 10);

    // The hub lost its copy of the module (its blobs are out of reach).
    let blobs = hub.dir.path().join("content");
    let away = hub.dir.path().join("content-away");
    std::fs::rename(&blobs, &away).unwrap();
    let report = phone.app.sync_now(true).await.unwrap();
    assert_eq!(report.pending, 1, "the upload waits for a hub that can score it: {report:?}");
    assert_eq!(points(&phone.app), 10, "nothing the hub could not score is taken away");

    // Back in place: the same upload is scored, and the totals agree.
    std::fs::rename(&away, &blobs).unwrap();
    let report = phone.app.sync_now(true).await.unwrap();
    assert_eq!(report.pending, 0, "{report:?}");
    assert_eq!(points(&phone.app), 10);
    let db = rusqlite::Connection::open(hub.dir.path().join("hub.db")).unwrap();
    let earned: String = db.query_row("SELECT earned FROM progress_events", [], |row| row.get(0)).unwrap();
    assert!(earned.contains("exits"), "the hub stored what the lesson earned: {earned}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hub_that_scored_an_event_with_nothing_does_not_lower_the_devices_totals() {
    let (hub, factory, code, key) = programme().await;
    let phone = device(&hub, &factory, &key, DeviceMode::Personal, Some(&code), None).await;
    // A hub from before scoring failures were refused stored such events as
    // earning nothing; the pull then brings that back to the device.
    let db = rusqlite::Connection::open(hub.dir.path().join("hub.db")).unwrap();
    db.execute_batch(
        r#"CREATE TRIGGER earn_nothing AFTER INSERT ON progress_events BEGIN
             UPDATE progress_events SET earned = '{"activities":[],"counts_for_streak":false}' WHERE seq = NEW.seq;
           END;"#,
    )
    .unwrap();
    phone.app.complete_lesson(MODULE.into(), "exits".into()).unwrap();
    let before = phone.app.training_progress().unwrap();
    let report = phone.app.sync_now(true).await.unwrap();
    assert!(report.progress_events >= 1, "{report:?}");
    let after = phone.app.training_progress().unwrap();
    assert_eq!(after.points, before.points, "{after:?}");
    assert_eq!(after.lessons_completed, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quiz_half_done_at_a_kiosk_that_timed_out_comes_back_to_the_same_worker_only() {
    let (hub, factory, code, key) = programme().await;
    let clock = Arc::new(ManualClock::starting_at(chrono::Utc::now().timestamp_millis()));
    let kiosk = device(&hub, &factory, &key, DeviceMode::Shared, Some(&code), Some(clock.clone())).await;
    let other_code = hub.worker(&factory, "T-2", "Trần Văn Minh", "vi").await;
    assert!(kiosk.app.quiz_in_progress(MODULE.into()).unwrap().is_empty());

    // Two of three answers, and half of a lesson, then the worker walks away.
    let mut half = all_right();
    half.pop();
    kiosk.app.save_quiz_answers(MODULE.into(), half[..1].to_vec()).unwrap();
    kiosk.app.save_quiz_answers(MODULE.into(), half.clone()).unwrap();
    kiosk.app.save_lesson_position(MODULE.into(), "alarm".into(), 3).unwrap();
    let mut stray = half.clone();
    stray[0].question_id = "q9".into();
    assert_eq!(kiosk.app.save_quiz_answers(MODULE.into(), stray).unwrap_err().code(), ErrorCode::InvalidInput);
    let lost_lesson = kiosk.app.save_lesson_position(MODULE.into(), "no-such-lesson".into(), 1).unwrap_err();
    assert_eq!(lost_lesson.code(), ErrorCode::InvalidInput);
    clock.advance_millis(10 * 60_000);
    assert!(kiosk.app.check_idle(), "the kiosk session timed out");
    assert_eq!(kiosk.app.quiz_in_progress(MODULE.into()).unwrap_err().code(), ErrorCode::NotLoggedIn);

    // The next worker finds nothing of it.
    kiosk.app.activate("T-2".into(), other_code, PIN.into()).await.unwrap();
    assert!(kiosk.app.quiz_in_progress(MODULE.into()).unwrap().is_empty());
    assert_eq!(kiosk.app.lesson_position(MODULE.into(), "alarm".into()).unwrap(), None);
    kiosk.app.lock();

    // The same worker picks up where they were.
    kiosk.app.login("T-1".into(), PIN.into()).await.unwrap();
    assert_eq!(kiosk.app.quiz_in_progress(MODULE.into()).unwrap(), half);
    assert_eq!(kiosk.app.lesson_position(MODULE.into(), "alarm".into()).unwrap(), Some(3));
    assert_eq!(points(&kiosk.app), 0, "saving answers earns nothing");

    // Finishing clears what was saved.
    let mut rest = half;
    rest.push(all_right().pop().unwrap());
    assert!(kiosk.app.submit_quiz(MODULE.into(), rest).unwrap().passed);
    assert!(kiosk.app.quiz_in_progress(MODULE.into()).unwrap().is_empty());
    kiosk.app.complete_lesson(MODULE.into(), "alarm".into()).unwrap();
    assert_eq!(kiosk.app.lesson_position(MODULE.into(), "alarm".into()).unwrap(), None);
}

/// One step of the two-device test.
#[derive(Debug, Clone)]
enum Step {
    Lesson(bool, usize),
    Quiz(bool, [bool; 3]),
    Sync(bool),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (any::<bool>(), 0..2usize).prop_map(|(kiosk, lesson)| Step::Lesson(kiosk, lesson)),
        (any::<bool>(), any::<[bool; 3]>()).prop_map(|(kiosk, right)| Step::Quiz(kiosk, right)),
        any::<bool>().prop_map(Step::Sync),
    ]
}

async fn two_devices(steps: Vec<Step>) {
    let (hub, factory, code, key) = programme().await;
    let phone = device(&hub, &factory, &key, DeviceMode::Personal, Some(&code), None).await;
    let kiosk = device(&hub, &factory, &key, DeviceMode::Shared, None, None).await;
    let lessons = ["exits", "alarm"];
    for step in steps {
        match step {
            Step::Lesson(on_kiosk, lesson) => {
                let app = if on_kiosk { &kiosk.app } else { &phone.app };
                app.complete_lesson(MODULE.into(), lessons[lesson].into()).unwrap();
            }
            Step::Quiz(on_kiosk, right) => {
                let app = if on_kiosk { &kiosk.app } else { &phone.app };
                let given = answers(
                    !right[0],
                    if right[1] { "a" } else { "b" },
                    if right[2] { &["x", "y", "z"] } else { &["z", "y", "x"] },
                );
                app.submit_quiz(MODULE.into(), given).unwrap();
            }
            Step::Sync(on_kiosk) => {
                let app = if on_kiosk { &kiosk.app } else { &phone.app };
                let before = app.training_progress().unwrap();
                app.sync_now(true).await.unwrap();
                let after = app.training_progress().unwrap();
                assert!(after.points >= before.points, "a sync lowered points: {before:?} → {after:?}");
                assert!(after.lessons_completed >= before.lessons_completed);
                assert!(before.badges.iter().all(|badge| after.badges.contains(badge)), "a badge was lost");
            }
        }
    }
    // Each sends what it has, then each pulls what the other sent.
    for app in [&phone.app, &kiosk.app, &phone.app] {
        app.sync_now(true).await.unwrap();
    }
    let (on_phone, on_kiosk) = (phone.app.training_progress().unwrap(), kiosk.app.training_progress().unwrap());
    assert_eq!(on_phone, on_kiosk, "both devices derive the same totals from the merged log");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_phone_and_a_kiosk_merge_to_the_same_totals_and_a_sync_never_lowers_them(
        steps in prop::collection::vec(step(), 4..14)
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
        runtime.block_on(two_devices(steps));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn streak_days_use_the_hubs_clock_when_the_device_clock_is_a_day_off() {
    let (hub, factory, code, key) = programme().await;
    hub.admin(
        &format!("/admin/v1/factories/{}/settings", factory.id),
        json!({"kiosk_idle_timeout_secs": 90, "utc_offset_minutes": 420}),
    )
    .await;
    // The phone's clock runs a day ahead of the hub's: its signed requests
    // would be refused as replays from the future until it learns the hub's
    // clock from a reply.
    let day_ms = 86_400_000;
    let clock = Arc::new(ManualClock::starting_at(chrono::Utc::now().timestamp_millis() + day_ms));
    let phone = device(&hub, &factory, &key, DeviceMode::Personal, Some(&code), Some(clock.clone())).await;

    // Learning on three days in a row, by the device's clock, offline.
    phone.app.complete_lesson(MODULE.into(), "exits".into()).unwrap();
    clock.advance_millis(day_ms);
    phone.app.complete_lesson(MODULE.into(), "alarm".into()).unwrap();
    clock.advance_millis(day_ms);
    phone.app.submit_quiz(MODULE.into(), all_right()).unwrap();

    // It syncs (its clock now three days ahead): the hub moves the events
    // back by the clock's error, so the last learning day is today.
    let report = phone.app.sync_now(true).await.expect("a wrong clock does not stop the sync");
    assert_eq!(report.pending, 0, "{report:?}");
    let progress = phone.app.training_progress().unwrap();
    assert_eq!(progress.longest_streak_days, 3, "{progress:?}");
    assert!(progress.badges.contains(&"three-days".to_owned()));
    assert!(progress.current_streak_days >= 2, "the run ends today or yesterday on the hub's clock: {progress:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_clock_hours_off_does_not_shorten_the_streak_shown_at_the_sync() {
    // The phone's clock runs four hours ahead of the hub's. The factory's
    // zone is picked so that it is about 19:00 there on the hub's clock:
    // two lessons two hours apart fall on one day for the hub (19:00, 21:00)
    // but on two days for the phone's own clock (23:00, 01:00).
    let (hub, factory, code, key) = programme().await;
    let hour = 3_600i64;
    let hub_now = chrono::Utc::now().timestamp();
    let mut zone = (19 * hour - hub_now.rem_euclid(24 * hour)).rem_euclid(24 * hour);
    if zone > 12 * hour {
        zone -= 24 * hour;
    }
    let zone_minutes = i32::try_from(zone / 60).unwrap();
    hub.admin(
        &format!("/admin/v1/factories/{}/settings", factory.id),
        json!({"kiosk_idle_timeout_secs": 90, "utc_offset_minutes": zone_minutes}),
    )
    .await;
    let clock = Arc::new(ManualClock::starting_at((hub_now + 4 * hour) * 1000));
    let phone = device(&hub, &factory, &key, DeviceMode::Personal, Some(&code), Some(clock.clone())).await;

    phone.app.complete_lesson(MODULE.into(), "exits".into()).unwrap();
    clock.advance_millis(2 * hour * 1000);
    let before = phone.app.complete_lesson(MODULE.into(), "alarm".into()).unwrap().progress;
    assert_eq!(before.longest_streak_days, 1, "one day on the hub's clock, as the hub will count it: {before:?}");
    let report = phone.app.sync_now(true).await.unwrap();
    assert_eq!(report.pending, 0, "{report:?}");
    let after = phone.app.training_progress().unwrap();
    assert_eq!(after.points, before.points);
    assert!(after.longest_streak_days >= before.longest_streak_days, "{before:?} → {after:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lesson_taken_at_a_kiosk_signed_in_offline_counts_once_the_hub_confirms_the_sign_in() {
    let (hub, factory, code, key) = programme().await;
    let phone = device(&hub, &factory, &key, DeviceMode::Personal, Some(&code), None).await;
    let kiosk = device(&hub, &factory, &key, DeviceMode::Shared, None, None).await;
    kiosk.app.lock();

    let network = workervoice_e2e::NetworkSwitch::new(false);
    kiosk.app.core().set_connectivity(network.clone());
    kiosk.app.login("T-1".into(), PIN.into()).await.expect("provisional sign-in");
    assert!(kiosk.app.session_is_provisional());
    let lesson = kiosk.app.complete_lesson(MODULE.into(), "exits".into()).expect("training works offline");
    assert_eq!(lesson.progress.points, 10, "the session shows what it did");
    let quiz = kiosk.app.submit_quiz(MODULE.into(), all_right()).unwrap();
    assert!(quiz.new_badges.contains(&"fire-safe".to_owned()));
    kiosk.app.lock();

    network.set(true);
    let report = kiosk.app.sync_now(true).await.unwrap();
    assert_eq!((report.sign_ins_confirmed, report.pending), (1, 0), "{report:?}");
    phone.app.sync_now(true).await.unwrap();
    let on_phone = phone.app.training_progress().unwrap();
    assert_eq!(on_phone.points, 10 + 3 * 5 + 20, "{on_phone:?}");
    assert!(on_phone.badges.contains(&"fire-safe".to_owned()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lesson_taken_under_an_offline_sign_in_the_hub_rejects_is_never_credited() {
    let (hub, factory, code, key) = programme().await;
    let phone = device(&hub, &factory, &key, DeviceMode::Personal, Some(&code), None).await;
    let kiosk = device(&hub, &factory, &key, DeviceMode::Shared, None, None).await;
    kiosk.app.lock();
    // The worker changes their PIN on the phone: the tablet still holds the
    // check of the old one, so whoever types it there offline gets in.
    phone.app.change_pin(PIN.into(), workervoice_e2e::OTHER_PIN.into()).await.unwrap();

    let network = workervoice_e2e::NetworkSwitch::new(false);
    kiosk.app.core().set_connectivity(network.clone());
    kiosk.app.login("T-1".into(), PIN.into()).await.expect("provisional sign-in");
    kiosk.app.complete_lesson(MODULE.into(), "exits".into()).unwrap();
    kiosk.app.submit_quiz(MODULE.into(), all_right()).unwrap();
    kiosk.app.lock();

    network.set(true);
    let report = kiosk.app.sync_now(true).await.unwrap();
    assert_eq!((report.sign_ins_confirmed, report.sign_ins_rejected), (0, 1), "{report:?}");
    assert_eq!(kiosk.app.sync_now(true).await.unwrap().delivered, 0, "the held upload is never sent");
    phone.app.sync_now(true).await.unwrap();
    let on_phone = phone.app.training_progress().unwrap();
    assert_eq!(on_phone.points, 0, "nothing is attributed to the worker: {on_phone:?}");
    assert!(on_phone.badges.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn passing_a_quiz_brings_a_certificate_another_device_can_check_and_a_forgery_fails() {
    let (hub, factory, code, key) = programme().await;
    let phone = device(&hub, &factory, &key, DeviceMode::Personal, Some(&code), None).await;
    assert!(phone.app.certificates().unwrap().is_empty());
    phone.app.submit_quiz(MODULE.into(), all_right()).unwrap();
    phone.app.sync_now(true).await.unwrap();
    let certificates = phone.app.certificates().unwrap();
    assert_eq!(certificates.len(), 1, "one per module passed");
    let certificate = &certificates[0];
    assert_eq!((certificate.module_id.as_str(), certificate.worker_number.as_str()), (MODULE, "T-1"));
    assert_eq!(certificate.worker_name, "Nguyễn Thị Lan");
    assert_eq!(certificate.module_title["vi"], "An toàn cháy nổ");
    phone.app.sync_now(true).await.unwrap();
    assert_eq!(phone.app.certificates().unwrap(), certificates, "issued once, the same every sync");

    // Someone else's device, pinning the same programme, checks it.
    let checker = TestDevice::open_pinned(&hub.url(), Some(&key));
    let checked = checker.app.verify_certificate(certificate.body.clone(), certificate.signature.clone()).unwrap();
    assert_eq!(checked, *certificate);
    let forged = String::from_utf8(certificate.body.clone()).unwrap().replace("Nguyễn Thị Lan", "Trần Văn Minh");
    let refused = checker.app.verify_certificate(forged.into_bytes(), certificate.signature.clone()).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::ContentUnverified);
    let elsewhere = TestDevice::open_pinned(&hub.url(), Some(&workervoice_protocol::b64::encode(&[7u8; 32])));
    let other_programme =
        elsewhere.app.verify_certificate(certificate.body.clone(), certificate.signature.clone()).unwrap_err();
    assert_eq!(other_programme.code(), ErrorCode::ContentUnverified);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_leaderboard_shows_pseudonyms_only_once_five_take_part_and_reports_hide_small_groups() {
    let (hub, factory, code, key) = programme().await;
    let mut phones = vec![device(&hub, &factory, &key, DeviceMode::Personal, Some(&code), None).await];
    for i in 2..=5 {
        let number = format!("T-{i}");
        let activation = hub.worker(&factory, &number, &format!("Worker {i}"), "en").await;
        let phone = TestDevice::open_pinned(&hub.url(), Some(&key));
        let (enrolment, _) = hub.code(&factory, "personal").await;
        phone.app.enrol(enrolment, DeviceMode::Personal).await.unwrap();
        phone.app.activate(number, activation, PIN.into()).await.unwrap();
        phone.app.sync_content().await.unwrap();
        phones.push(phone);
    }
    for (i, phone) in phones.iter().enumerate() {
        phone.app.complete_lesson(MODULE.into(), "exits".into()).unwrap();
        if i < 4 {
            phone.app.submit_quiz(MODULE.into(), all_right()).unwrap();
        }
        phone.app.sync_now(true).await.unwrap();
    }

    // Completion report: 5 started, 4 passed — the 4 (and so the 1) stay hidden.
    let report = hub.admin_get(&format!("/admin/v1/factories/{}/training-report", factory.id)).await;
    assert_eq!(report, json!([{"module_id": MODULE, "workers_started": 5, "workers_passed": null}]), "{report}");

    let looked = phones[0].app.leaderboard(None).await.unwrap();
    assert!(!looked.opted_in && looked.suppressed && looked.entries.is_empty());
    for phone in &phones[..4] {
        let board = phone.app.leaderboard(Some(true)).await.unwrap();
        assert!(board.opted_in && board.pseudonym.is_some());
        assert!(board.suppressed && board.entries.is_empty(), "fewer than five: nothing shown");
    }
    let board = phones[4].app.leaderboard(Some(true)).await.unwrap();
    assert!(!board.suppressed, "{board:?}");
    assert_eq!(board.entries.len(), 5);
    assert_eq!(board.own_rank, Some(5), "the one who did not pass the quiz has the fewest points");
    assert_eq!(board.entries[0].points, 10 + 3 * 5 + 20);
    let shown = format!("{board:?}");
    for i in 1..=5 {
        assert!(!shown.contains(&format!("T-{i}")) && !shown.contains(&format!("Worker {i}")), "{shown}");
    }
    assert!(!shown.contains("Nguyễn"));
    let left = phones[4].app.leaderboard(Some(false)).await.unwrap();
    assert!(!left.opted_in && left.suppressed, "four left: hidden again");
}

/// The real merge, end to end: events of one worker from two devices go
/// through the hub's upload merge (scoring, insert by id) in a shuffled
/// order with duplicates, and each device keeps what it pulls in its own
/// sealed store and derives its totals from it, as the app does.
mod real_merge {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use workervoice_core::crypto::{Key32, random_key};
    use workervoice_core::store::Store;
    use workervoice_core::training::{LoggedEvent, ProgressState, derive, merged_earned, save_event, stored_log};
    use workervoice_hub::{merge_progress_events, merged_progress};
    use workervoice_protocol::progress::{
        AnswerGiven, EventKind, ProgressEvent, ScoringRules, Totals, earned, local_day,
    };
    use workervoice_protocol::training::ModuleDocument;

    use super::*;

    const OWNER: &str = "vault-1";

    /// One device's copy of the worker's log: a real store, sealed.
    struct Device {
        _dir: tempfile::TempDir,
        store: Store,
        key: Key32,
        id: &'static str,
    }

    impl Device {
        fn open(id: &'static str) -> Self {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(dir.path()).unwrap();
            store
                .conn()
                .execute(
                    "INSERT INTO workers (local_id, lookup, kdf, wrapped_vault_key, canary, profile, created_at)
                     VALUES (?1, x'01', 'test', x'00', x'00', x'00', 0)",
                    [OWNER],
                )
                .unwrap();
            Self { _dir: dir, store, key: random_key().unwrap(), id }
        }

        fn log(&self) -> Vec<LoggedEvent> {
            stored_log(self.store.conn(), &self.key, OWNER).unwrap()
        }

        fn keep(&self, entry: &LoggedEvent) {
            save_event(self.store.conn(), &self.key, OWNER, entry).unwrap();
        }

        fn totals(&self, rules: &ScoringRules, now: i64) -> Totals {
            let state = ProgressState {
                badges: [(MODULE.to_owned(), rules.badges.clone())].into(),
                ..ProgressState::default()
            };
            derive(&self.log(), &state, now)
        }

        /// A pull: every merged event, with the device's own scoring kept beside the hub's.
        fn pull(&self, data_dir: &Path, worker_id: &str) -> Totals {
            let held: BTreeMap<String, _> = self.log().into_iter().map(|e| (e.event.id, e.earned)).collect();
            let (events, hub_totals) = merged_progress(data_dir, worker_id).unwrap();
            for merged in events {
                let earned = merged_earned(&merged.earned, held.get(&merged.event.id));
                self.keep(&LoggedEvent { event: merged.event, earned });
            }
            hub_totals
        }
    }

    /// Lesson 0/1, or a quiz with these answers right (`None`: one left out).
    #[derive(Debug, Clone)]
    enum Did {
        Lesson(usize),
        Quiz([bool; 3], bool),
    }

    fn did() -> impl Strategy<Value = (Did, i64, i64)> {
        let kind = prop_oneof![
            (0..2usize).prop_map(Did::Lesson),
            (any::<[bool; 3]>(), any::<bool>()).prop_map(|(right, whole)| Did::Quiz(right, whole)),
        ];
        (kind, 0..5i64, 0..86_400i64)
    }

    fn event(id: String, (did, day, second): &(Did, i64, i64), first_day: i64) -> ProgressEvent {
        let kind = match did {
            Did::Lesson(lesson) => EventKind::LessonCompleted { lesson_id: ["exits", "alarm"][*lesson].into() },
            Did::Quiz(right, whole) => {
                let mut answers: BTreeMap<String, AnswerGiven> = [
                    ("q1".to_owned(), AnswerGiven::Bool(!right[0])),
                    ("q2".to_owned(), AnswerGiven::Choice(if right[1] { "a" } else { "b" }.into())),
                ]
                .into();
                if *whole {
                    let order = if right[2] { ["x", "y", "z"] } else { ["z", "y", "x"] };
                    answers.insert("q3".into(), AnswerGiven::Order(order.map(str::to_owned).to_vec()));
                }
                EventKind::QuizAttempt { answers }
            }
        };
        ProgressEvent { id, module_id: MODULE.into(), module_version: 1, at: first_day + day * 86_400 + second, kind }
    }

    async fn case(phone_did: Vec<(Did, i64, i64)>, kiosk_did: Vec<(Did, i64, i64)>, order: Vec<(bool, usize, bool)>) {
        let (hub, factory, _code, _key) = programme().await;
        hub.worker(&factory, "T-2", "Trần Văn Minh", "vi").await;
        let data_dir = hub.dir.path().to_path_buf();
        let db = rusqlite::Connection::open(data_dir.join("hub.db")).unwrap();
        let worker = |number: &str| -> String {
            db.query_row("SELECT id FROM workers WHERE worker_number = ?1", [number], |row| row.get(0)).unwrap()
        };
        let (shuffled_worker, in_order_worker) = (worker("T-1"), worker("T-2"));
        let pack: serde_json::Value =
            serde_json::from_slice(&std::fs::read(data_dir.join("pack-source/pack.json")).unwrap()).unwrap();
        let document = serde_json::to_vec(&pack["document"]).unwrap();
        let rules = ModuleDocument::parse(&document, |_| true).unwrap().scoring_rules(MODULE, 1);

        let now = chrono::Utc::now().timestamp();
        let first_day = (local_day(now, 0) - 5) * 86_400;
        let events = |device: &str, did: &[(Did, i64, i64)]| -> Vec<ProgressEvent> {
            did.iter().enumerate().map(|(at, did)| event(format!("{device}-{at}"), did, first_day)).collect()
        };
        let (phone_events, kiosk_events) = (events("phone", &phone_did), events("kiosk", &kiosk_did));
        let (phone, kiosk) = (Device::open("phone"), Device::open("kiosk"));
        for (device, events) in [(&phone, &phone_events), (&kiosk, &kiosk_events)] {
            for event in events {
                device.keep(&LoggedEvent { event: event.clone(), earned: earned(event, &rules) });
            }
        }

        // Uploads of a few events each, picked at random with repeats; after
        // each, the uploading device pulls. Nothing it shows may go down.
        let mut last_hub = merged_progress(&data_dir, &shuffled_worker).unwrap().1;
        let mut batch: Vec<ProgressEvent> = Vec::new();
        for (on_kiosk, index, send) in order {
            let (device, events) = if on_kiosk { (&kiosk, &kiosk_events) } else { (&phone, &phone_events) };
            batch.push(events[index % events.len()].clone());
            if !send {
                continue;
            }
            merge_progress_events(&data_dir, &shuffled_worker, device.id, std::mem::take(&mut batch), now, now)
                .unwrap();
            let before = device.totals(&rules, now);
            let hub_totals = device.pull(&data_dir, &shuffled_worker);
            let after = device.totals(&rules, now);
            for (was, is) in [(&before, &after), (&last_hub, &hub_totals)] {
                assert!(is.points >= was.points, "points went down: {was:?} → {is:?}");
                assert!(is.longest_streak_days >= was.longest_streak_days, "streak went down: {was:?} → {is:?}");
                assert!(is.lessons_completed >= was.lessons_completed && is.badges.is_superset(&was.badges));
            }
            last_hub = hub_totals;
        }

        // Everything once more from each device, then both pull.
        for (device, events) in [(&phone, &phone_events), (&kiosk, &kiosk_events)] {
            merge_progress_events(&data_dir, &shuffled_worker, device.id, events.clone(), now, now).unwrap();
        }
        let hub_totals = phone.pull(&data_dir, &shuffled_worker);
        kiosk.pull(&data_dir, &shuffled_worker);
        let (on_phone, on_kiosk) = (phone.totals(&rules, now), kiosk.totals(&rules, now));
        assert_eq!(on_phone, on_kiosk, "both devices derive the same totals");
        assert_eq!(on_phone, hub_totals, "and the same as the hub");

        // The same events delivered once each, in order, for another worker:
        // the same totals.
        for (device, events) in [("phone", &phone_events), ("kiosk", &kiosk_events)] {
            merge_progress_events(&data_dir, &in_order_worker, device, events.clone(), now, now).unwrap();
        }
        assert_eq!(merged_progress(&data_dir, &in_order_worker).unwrap().1, hub_totals);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn events_from_two_devices_in_any_order_with_repeats_merge_to_the_same_totals_and_never_lower_them(
            phone in prop::collection::vec(did(), 1..8),
            kiosk in prop::collection::vec(did(), 1..8),
            order in prop::collection::vec((any::<bool>(), 0..8usize, any::<bool>()), 0..30),
        ) {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
            runtime.block_on(case(phone, kiosk, order));
        }
    }
}
