//! Training progress uploads the hub must not trust: another worker's MAC,
//! a lesson the module does not have, a quiz attempt with questions left
//! out. Each is sent as a real signed, sealed upload, the way a tampered
//! app (with a device key and a worker's share in hand) could send it.

mod support;

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeS, Serializable};
use ring::hmac;
use serde_json::json;
use support::cases::SystemRng;
use support::{FakeDevice, Reply, TestHub, now, within_time};
use workervoice_hub::PackAssignment;
use workervoice_protocol::auth::LoginResponse;
use workervoice_protocol::enrol::DeviceMode;
use workervoice_protocol::paths;
use workervoice_protocol::progress::{
    AnswerGiven, EventKind, PROGRESS_MAC_LABEL, ProgressBatch, ProgressEvent, ProgressPullRequest,
    ProgressPullResponse, ProgressUpload, ProgressUploadResponse, batch_mac_input, pull_mac_input, upload_info,
};

const MODULE: &str = "fire-safety";

/// A module of one lesson (10 points) and two questions (5 each, 20 for passing).
async fn publish(hub: &TestHub) {
    let folder = write_module(hub);
    hub.publish_and_sign(&folder, &PackAssignment::AllFactories).await;
}

/// Writes the module's pack folder; returns it.
fn write_module(hub: &TestHub) -> std::path::PathBuf {
    let folder = hub.data_dir().join("pack-source");
    std::fs::create_dir_all(&folder).unwrap();
    let pack = json!({
        "kind": "training_module", "id": MODULE, "languages": ["en"], "titles": {"en": "Fire safety"},
        "document": {
            "lessons": [{"id": "exits", "title": {"en": "Exits"}, "text": {"en": "Know two ways out."}}],
            "quiz": {"pass_mark_percent": 50, "questions": [
                {"id": "q1", "prompt": {"en": "Lifts are safe."}, "answer": {"type": "true_false", "correct": false}},
                {"id": "q2", "prompt": {"en": "Stairs are safe."}, "answer": {"type": "true_false", "correct": true}}
            ]},
            "points": {"lesson": 10, "correct_answer": 5, "passing": 20}
        }
    });
    std::fs::write(folder.join("pack.json"), pack.to_string()).unwrap();
    folder
}

/// The key a worker's share on a device authenticates progress with.
fn mac_key(share: &[u8]) -> hmac::Key {
    let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, &[]).extract(share);
    let mut key = [0u8; 32];
    prk.expand(&[PROGRESS_MAC_LABEL], ring::hkdf::HKDF_SHA256).and_then(|okm| okm.fill(&mut key)).unwrap();
    hmac::Key::new(hmac::HMAC_SHA256, &key)
}

fn event(kind: EventKind) -> ProgressEvent {
    ProgressEvent { id: uuid::Uuid::new_v4().to_string(), module_id: MODULE.into(), module_version: 1, at: now(), kind }
}

/// Sends `events` as `worker_id`'s, with a MAC under `share`.
async fn upload(
    device: &FakeDevice,
    hub_key: &[u8],
    worker_id: &str,
    share: &[u8],
    events: Vec<ProgressEvent>,
) -> Reply {
    let upload_id = uuid::Uuid::new_v4().to_string();
    let input = batch_mac_input(&upload_id, worker_id, &events);
    let mac = hmac::sign(&mac_key(share), &input).as_ref().to_vec();
    let batch = ProgressBatch { worker_id: worker_id.into(), events, mac: Some(mac), sign_in_id: None };
    let public_key = <X25519HkdfSha256 as Kem>::PublicKey::from_bytes(hub_key).expect("an X25519 key");
    let (enc, sealed) = hpke::single_shot_seal_with_rng::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeS::Base,
        &public_key,
        &upload_info(&device.device_id, &upload_id),
        &serde_json::to_vec(&batch).unwrap(),
        upload_id.as_bytes(),
        &mut SystemRng,
    )
    .expect("hpke seals");
    let upload = ProgressUpload { upload_id, enc: enc.to_bytes().to_vec(), sealed, device_sent_at: now() };
    device.post(paths::PROGRESS_UPLOAD, &upload).await
}

async fn pull(device: &FakeDevice, worker: &LoginResponse) -> ProgressPullResponse {
    let mac = hmac::sign(&mac_key(&worker.hub_share), &pull_mac_input(&worker.worker_id, 0)).as_ref().to_vec();
    let request = ProgressPullRequest { worker_id: worker.worker_id.clone(), cursor: 0, mac };
    device.post(paths::PROGRESS_PULL, &request).await.ok()
}

/// A hub with the module, one phone, and two workers activated on it.
async fn two_workers() -> (TestHub, FakeDevice, LoginResponse, LoginResponse) {
    let hub = TestHub::start().await;
    publish(&hub).await;
    let (factory, phone) = hub.factory_with_device(false, DeviceMode::Personal).await;
    let imported = hub.import_roster(&factory.id, &[("1001", "Lan Nguyen", "vi"), ("1002", "Wei Li", "zh-CN")]).await;
    let code = |number: &str| {
        imported.activation_codes.iter().find(|c| c.worker_number == number).unwrap().activation_code.clone()
    };
    let lan: LoginResponse = phone.activate("1001", &code("1001"), "2468").await.ok();
    let wei: LoginResponse = phone.activate("1002", &code("1002"), "1357").await.ok();
    (hub, phone, lan, wei)
}

#[tokio::test]
async fn events_for_another_worker_under_ones_own_share_are_refused() {
    within_time(async {
        let (_hub, phone, lan, wei) = two_workers().await;
        let key = lan.hub_sealing_key.clone().expect("the hub's sealing key");
        let lesson = event(EventKind::LessonCompleted { lesson_id: "exits".into() });
        upload(&phone, &key, &wei.worker_id, &lan.hub_share, vec![lesson.clone()]).await.assert_error("unauthorized");
        let progress = pull(&phone, &wei).await;
        assert!(progress.events.is_empty(), "nothing was merged into Wei's log");
        assert_eq!(progress.totals.points, 0);

        // The same lesson under the right share counts: the refusal was the MAC.
        let merged: ProgressUploadResponse =
            upload(&phone, &key, &wei.worker_id, &wei.hub_share, vec![lesson]).await.ok();
        assert_eq!(merged.merged, 1);
        assert_eq!(pull(&phone, &wei).await.totals.points, 10);
    })
    .await;
}

#[tokio::test]
async fn a_lesson_the_module_lacks_and_a_quiz_with_questions_left_out_earn_nothing() {
    within_time(async {
        let (_hub, phone, lan, _) = two_workers().await;
        let key = lan.hub_sealing_key.clone().expect("the hub's sealing key");
        let unknown = event(EventKind::LessonCompleted { lesson_id: "no-such-lesson".into() });
        let half = event(EventKind::QuizAttempt { answers: [("q1".to_owned(), AnswerGiven::Bool(false))].into() });
        let stray = event(EventKind::QuizAttempt {
            answers: [("q1".to_owned(), AnswerGiven::Bool(false)), ("q9".to_owned(), AnswerGiven::Bool(true))].into(),
        });
        let reply = upload(&phone, &key, &lan.worker_id, &lan.hub_share, vec![unknown, half, stray]).await;
        let merged: ProgressUploadResponse = reply.ok();
        assert_eq!(merged.merged, 3, "kept in the log, as the device sent them");
        let progress = pull(&phone, &lan).await;
        assert!(progress.events.iter().all(|merged| merged.earned.activities.is_empty()), "{:?}", progress.events);
        assert_eq!((progress.totals.points, progress.totals.lessons_completed), (0, 0));
        assert!(progress.totals.modules_passed.is_empty());
        assert!(progress.certificates.is_empty(), "no certificate for a quiz not taken");

        // A whole attempt does earn: the hub scored the others, and found nothing.
        let whole = event(EventKind::QuizAttempt {
            answers: [("q1".to_owned(), AnswerGiven::Bool(false)), ("q2".to_owned(), AnswerGiven::Bool(true))].into(),
        });
        let _: ProgressUploadResponse = upload(&phone, &key, &lan.worker_id, &lan.hub_share, vec![whole]).await.ok();
        assert_eq!(pull(&phone, &lan).await.totals.points, 5 + 5 + 20);
    })
    .await;
}

#[tokio::test]
async fn certificates_wait_for_the_delegation_then_verify_through_it_and_an_undelegated_signer_is_refused() {
    within_time(async {
        use workervoice_protocol::progress::{
            Certificate, SignedCertificate, certificate_signing_input, verify_certificate,
        };
        // The key holder signs the module but not yet the hub's certificate delegation.
        let hub = TestHub::start_unsigned(|_| {}).await;
        let folder = write_module(&hub);
        let pack = hub.publish_pack(&folder, &PackAssignment::AllFactories).unwrap();
        let holder = hub.key_holder();
        hub.sign_proposal(&pack.proposal_id.expect("a pack proposal"), &holder).await.ok::<serde_json::Value>();
        let (factory, phone) = hub.factory_with_device(false, DeviceMode::Personal).await;
        let imported = hub.import_roster(&factory.id, &[("1001", "Lan Nguyen", "vi")]).await;
        let lan: LoginResponse =
            phone.activate("1001", &imported.activation_codes[0].activation_code, "2468").await.ok();
        let key = lan.hub_sealing_key.clone().expect("the hub's sealing key");
        let whole = event(EventKind::QuizAttempt {
            answers: [("q1".to_owned(), AnswerGiven::Bool(false)), ("q2".to_owned(), AnswerGiven::Bool(true))].into(),
        });
        let _: ProgressUploadResponse = upload(&phone, &key, &lan.worker_id, &lan.hub_share, vec![whole]).await.ok();
        let waiting = pull(&phone, &lan).await;
        assert_eq!(waiting.totals.modules_passed.len(), 1);
        assert!(waiting.certificates.is_empty() && waiting.certificates_waiting, "no delegation, no certificate");

        assert_eq!(hub.sign_pending().await, 1, "the delegation");
        let issued = pull(&phone, &lan).await;
        assert!(!issued.certificates_waiting);
        let signed = issued.certificates.first().expect("one certificate").clone();
        let certificate = verify_certificate(&signed, holder.public_key()).expect("verifies through the delegation");
        assert!(certificate.delegation.is_some());
        assert_eq!(certificate.worker_number, "1001");

        // The same statement signed by a key the programme never delegated to.
        let stranger = ring::signature::Ed25519KeyPair::from_seed_unchecked(&[7; 32]).unwrap();
        let forged = SignedCertificate {
            signature: stranger.sign(&certificate_signing_input(&signed.body)).as_ref().to_vec(),
            body: signed.body.clone(),
        };
        assert!(verify_certificate(&forged, holder.public_key()).is_none());
        // Or without the delegation, claiming the programme key signed it.
        let mut bare: Certificate = certificate.clone();
        bare.delegation = None;
        let body = serde_json::to_vec(&bare).unwrap();
        let unsigned =
            SignedCertificate { signature: stranger.sign(&certificate_signing_input(&body)).as_ref().to_vec(), body };
        assert!(verify_certificate(&unsigned, holder.public_key()).is_none());
    })
    .await;
}
