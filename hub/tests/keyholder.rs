//! The programme key off the hub: what staff ask for waits as a proposal
//! until the key holder signs it, devices trust only a chain of signed
//! directories, and the hub never holds the programme's private key.

mod support;

use reqwest::Method;
use support::cases::{Programme, seal_report};
use support::{TestHub, within_time};
use workervoice_hub::{HubConfig, PackAssignment};
use workervoice_protocol::directory::{
    Directory, DirectoryError, DirectoryResponse, Recipient, Route, SignedDirectory, body_sha256, verify_update,
};
use workervoice_protocol::handler::CaseSummary;
use workervoice_protocol::proposal::{DirectoryProposed, ProposalKind, ProposalSummary};

/// What a device holding `held` accepts from the hub now (verified as the
/// core does), or why it refuses.
async fn device_update(
    hub: &TestHub,
    held: &SignedDirectory,
    programme_key: &[u8],
) -> Result<Option<Directory>, DirectoryError> {
    let have: Directory = serde_json::from_slice(&held.body).expect("held directory parses");
    let response = hub.fetch_directory(have.version).await;
    verify_update(Some((&held.body, have.version)), &response, programme_key).map(|update| update.map(|(_, d)| d))
}

async fn propose(hub: &TestHub) -> DirectoryProposed {
    hub.admin(Method::POST, "/admin/v1/directory/propose", None).await.ok()
}

#[tokio::test]
async fn a_handler_added_by_staff_receives_no_report_until_a_directory_the_key_holder_signed_includes_them() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let held = hub.fetch_directory(0).await.directory.expect("version 1 is published");
        let newcomer = hub.create_handler("Newcomer", Route::IndependentHotline, None).await;
        let proposed = propose(hub).await;
        assert_eq!(proposed.version, 2);

        // Nothing signed yet: the device still seals to version 1's readers.
        assert_eq!(device_update(hub, &held, &programme.programme.public_key).await, Ok(None));
        let first = programme.seal(&[Route::IndependentHotline], "before the signature", &[]);
        hub.submit(&first).await.ok::<serde_json::Value>();
        let newcomer_client = hub.login(&newcomer).await;
        let seen: Vec<CaseSummary> = newcomer_client.get("/handler/v1/cases").await.ok();
        assert!(seen.is_empty(), "a reader staff added alone sees nothing: {seen:?}");
        let hotline: Vec<CaseSummary> = hub.login(&programme.hotline).await.get("/handler/v1/cases").await.ok();
        assert_eq!(hotline.len(), 1);

        // The key holder signs; the device takes version 2 and seals to the newcomer too.
        assert_eq!(hub.sign_pending().await, 1);
        let directory = device_update(hub, &held, &programme.programme.public_key)
            .await
            .expect("version 2 extends version 1")
            .expect("a newer directory");
        assert_eq!(directory.version, 2);
        let second = seal_report(&directory, &programme.factory.id, &[Route::IndependentHotline], "after", &[]);
        hub.submit(&second).await.ok::<serde_json::Value>();
        let seen: Vec<CaseSummary> = newcomer_client.get("/handler/v1/cases").await.ok();
        assert_eq!(seen.iter().map(|case| case.case_id.as_str()).collect::<Vec<_>>(), [second.case_id.as_str()]);
    })
    .await;
}

#[tokio::test]
async fn a_directory_signed_with_the_right_key_but_not_extending_the_devices_chain_is_refused() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let key = programme.programme.public_key.clone();
        let held = hub.fetch_directory(0).await.directory.expect("version 1");

        // Two honest versions later, a device holding version 1 gets both links.
        hub.create_handler("Second", Route::Brand, None).await;
        hub.publish_directory().await;
        hub.create_handler("Third", Route::Brand, None).await;
        hub.publish_directory().await;
        let response = hub.fetch_directory(1).await;
        assert_eq!(response.chain.len(), 1, "version 2 comes as a link");
        assert_eq!(device_update(hub, &held, &key).await.expect("a valid chain").expect("newer").version, 3);

        // The key holder's key signs a version 2 that names another parent
        // (and one more reader): a device holding version 1 refuses it.
        let mut forged: Directory = serde_json::from_slice(&held.body).expect("parses");
        forged.version = 2;
        forged.previous_sha256 = Some(body_sha256(b"a directory this device never held"));
        forged.routes[0].recipients.push(Recipient { handler_id: "mallory".into(), public_key: vec![9; 32] });
        let body = serde_json::to_vec(&forged).expect("serialises");
        let signature = hub.key_holder().sign_proposal(ProposalKind::Directory, &body);
        let fork = DirectoryResponse { directory: Some(SignedDirectory { body, signature }), chain: Vec::new() };
        let held_version = 1;
        assert_eq!(
            verify_update(Some((&held.body, held_version)), &fork, &key).map(|update| update.is_some()),
            Err(DirectoryError::BrokenChain)
        );
        // The same bytes as a "version 4" skipping nothing but naming the wrong parent: refused too.
        let (newest, _) = verify_update(Some((&held.body, 1)), &response, &key).expect("chain").expect("newer");
        let newest_version = 3;
        let mut next: Directory = serde_json::from_slice(&newest.body).expect("parses");
        next.version = 4;
        next.previous_sha256 = Some(body_sha256(&held.body));
        let body = serde_json::to_vec(&next).expect("serialises");
        let signature = hub.key_holder().sign_proposal(ProposalKind::Directory, &body);
        let skip = DirectoryResponse { directory: Some(SignedDirectory { body, signature }), chain: Vec::new() };
        assert_eq!(
            verify_update(Some((&newest.body, newest_version)), &skip, &key).map(|update| update.is_some()),
            Err(DirectoryError::BrokenChain)
        );
    })
    .await;
}

#[tokio::test]
async fn a_proposal_with_a_bad_signature_is_refused_and_stays_pending() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        hub.create_handler("Newcomer", Route::Brand, None).await;
        let proposed = propose(hub).await;

        let stranger = workervoice_keyholder::key::ProgrammeKey::init(&hub.dir.path().join("stranger")).expect("key");
        hub.sign_proposal(&proposed.proposal_id, &stranger).await.assert_error("bad_signature");
        let pending: Vec<ProposalSummary> = hub.pending().await;
        assert_eq!(pending.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), [proposed.proposal_id.as_str()]);
        assert!(hub.fetch_directory(1).await.directory.is_none(), "nothing was published");

        // The right key over other bytes is refused as well.
        let key = hub.key_holder();
        let wrong = key.sign_proposal(ProposalKind::Directory, b"{}");
        let upload = workervoice_protocol::proposal::SignatureUpload { signature: wrong };
        let path = format!("/admin/v1/proposals/{}/signature", proposed.proposal_id);
        hub.admin_post(&path, &upload).await.assert_error("bad_signature");

        // A newer proposal supersedes it; signing the old one then publishes nothing.
        let newer = propose(hub).await;
        hub.sign_proposal(&proposed.proposal_id, &key).await.assert_error("bad_request");
        let signed: ProposalSummary = hub.sign_proposal(&newer.proposal_id, &key).await.ok();
        assert_eq!(signed.state, workervoice_protocol::proposal::ProposalState::Published);
        assert_eq!(hub.fetch_directory(1).await.directory.map(|d| !d.body.is_empty()), Some(true));
    })
    .await;
}

#[tokio::test]
async fn the_hub_refuses_to_start_with_the_programme_private_key_in_its_data_directory() {
    within_time(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).expect("data dir");
        std::fs::write(data.join("programme-signing.key"), b"an old hub's key").expect("key file");
        let error = workervoice_hub::start(HubConfig::for_tests(data.clone())).await.expect_err("refused");
        let message = format!("{error:#}");
        assert!(message.contains("key holder") && message.contains("programme-signing.key"), "{message}");
        assert_eq!(std::fs::read(data.join("programme-signing.key")).expect("kept"), b"an old hub's key");

        // Without a demo key holder and without a public key, a hub does not start either.
        let mut bare = HubConfig::for_tests(dir.path().join("bare"));
        bare.demo_key_holder = None;
        let error = workervoice_hub::start(bare).await.expect_err("no programme key");
        assert!(format!("{error:#}").contains("--programme-public-key"), "{error:#}");
    })
    .await;
}

#[tokio::test]
async fn a_production_hub_runs_with_only_the_public_key_and_the_demo_key_holder_lives_elsewhere() {
    within_time(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = workervoice_keyholder::key::ProgrammeKey::init(&dir.path().join("holder")).expect("key");
        let mut config = HubConfig::for_tests(dir.path().join("data"));
        config.demo_key_holder = None;
        config.programme_public_key = Some(key.public_key().to_vec());
        let hub = workervoice_hub::start(config).await.expect("starts with the public key only");
        let names: Vec<String> = std::fs::read_dir(dir.path().join("data"))
            .expect("data dir")
            .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.contains(&"programme.pub".to_owned()), "{names:?}");
        assert!(!names.iter().any(|name| name.contains("signing")), "{names:?}");
        let error = workervoice_hub::sign_pending(&hub).await.expect_err("no key to sign with");
        assert!(format!("{error:#}").contains("wv-keyholder"), "{error:#}");
        hub.shutdown().await;

        let mut demo = HubConfig::for_tests(dir.path().join("demo-data"));
        demo.demo_key_holder =
            Some(workervoice_hub::DemoKeyHolder { dir: dir.path().join("demo-data"), sign_automatically: true });
        std::fs::create_dir_all(dir.path().join("demo-data")).expect("dir");
        assert!(workervoice_hub::start(demo).await.is_err(), "the demo key holder's folder is not the data directory");
    })
    .await;
}

#[tokio::test]
async fn publish_pack_waits_for_the_key_holders_signature() {
    within_time(async {
        let hub = TestHub::start().await;
        let folder = hub.dir.path().join("pack");
        std::fs::create_dir_all(&folder).expect("folder");
        let pack = serde_json::json!({
            "kind": "training_module", "id": "exits", "languages": ["en"], "titles": {"en": "Exits"},
            "document": {"lessons": [{"id": "l1", "title": {"en": "Exits"}, "text": {"en": "Two ways out."}}],
                         "quiz": {"pass_mark_percent": 50, "questions": []}}
        });
        std::fs::write(folder.join("pack.json"), pack.to_string()).expect("pack.json");
        let prepared = hub.publish_pack(&folder, &PackAssignment::AllFactories).expect("prepared");
        let proposal_id = prepared.proposal_id.clone().expect("a proposal to sign");
        assert_eq!(hub.count_rows("content_manifests"), 0, "nothing is published before the signature");
        assert_eq!(hub.count_rows("content_items"), 0);

        let detail: workervoice_protocol::proposal::ProposalDetail =
            hub.admin(Method::GET, &format!("/admin/v1/proposals/{proposal_id}"), None).await.ok();
        let review = workervoice_keyholder::review::review(&detail, hub.key_holder().public_key()).expect("reviews");
        assert!(review.signable && review.text.contains("training_module exits version 1"), "{}", review.text);

        let signed: ProposalSummary = hub.sign_proposal(&proposal_id, &hub.key_holder()).await.ok();
        assert_eq!(signed.kind, ProposalKind::Pack);
        assert_eq!(hub.count_rows("content_manifests"), 1);
        assert_eq!(hub.count_rows("content_items"), 1);
    })
    .await;
}

#[tokio::test]
async fn the_key_holders_review_of_a_directory_names_the_added_reader_with_its_key_fingerprint() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let newcomer = hub.create_handler("Newcomer", Route::IndependentHotline, None).await;
        let proposed = propose(hub).await;
        let detail: workervoice_protocol::proposal::ProposalDetail =
            hub.admin(Method::GET, &format!("/admin/v1/proposals/{}", proposed.proposal_id), None).await.ok();
        let review = workervoice_keyholder::review::review(&detail, &programme.programme.public_key).expect("reviews");
        let fingerprint = workervoice_protocol::directory::key_id(&newcomer.summary.public_key);
        let added = review.text.lines().find(|line| line.contains("ADDED")).expect("an added reader");
        assert!(added.contains(&fingerprint) && !added.contains(newcomer.id()), "{}", review.text);
        assert!(!review.text.contains("REMOVED"), "{}", review.text);
        assert!(review.signable);
    })
    .await;
}

#[tokio::test]
async fn a_report_sealed_after_a_recovery_reader_joins_opens_with_the_recovery_key_when_the_only_handler_forgot() {
    use workervoice_keyholder::recovery::RecoveryKey;
    use workervoice_protocol::handler::{
        HandlerLoginRequest, HandlerLoginResponse, PreloginRequest, PreloginResponse, SealedCase,
    };
    const PASSPHRASE: &str = "the key holder's long passphrase";
    within_time(async {
        // The committee route has one reader, who will forget their password.
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let before = programme.seal(&[Route::FactoryCommittee], "BEFORE recovery", &[]);
        hub.submit(&before).await.ok::<serde_json::Value>();

        // Offline: the key holder makes a recovery key in their folder.
        let folder = tempfile::tempdir().expect("a folder");
        let recovery = RecoveryKey::generate(folder.path(), "committee recovery", PASSPHRASE).expect("generated");
        // Staff invite an ordinary reader for the route; the key holder's
        // tool accepts it with the recovery key's public half.
        let invitation = hub
            .invite_reader("Committee recovery", Route::FactoryCommittee, Some(&programme.factory.id), None, false)
            .await;
        let accept = recovery
            .enrolment(folder.path(), PASSPHRASE, &invitation.handler_id, &invitation.invitation_token)
            .expect("an enrolment");
        let http = &hub.http;
        let reply = http.post(hub.url("/handler/v1/invitations/accept")).json(&accept).send().await.expect("sent");
        assert!(reply.status().is_success(), "accepted: {}", reply.status());
        hub.publish_directory().await;
        let directory = hub.latest_directory(&programme.programme).await;
        let committee = support::cases::route_entry(&directory, Route::FactoryCommittee, &programme.factory.id);
        assert!(committee.recipients.iter().any(|r| r.handler_id == recovery.key_id), "signed into the directory");

        let after = seal_report(&directory, &programme.factory.id, &[Route::FactoryCommittee], "AFTER recovery", &[]);
        hub.submit(&after).await.ok::<serde_json::Value>();

        // The handler forgot their password: their sign-in fails.
        let forgotten = hub.reader_client().login(programme.committee.id(), "a password I forgot!!", None).await;
        assert!(forgotten.is_err());

        // The key holder signs in as the recovery reader and opens the case
        // locally with the recovery key from their folder.
        let prelogin: PreloginResponse = http
            .post(hub.url("/handler/v1/prelogin"))
            .json(&PreloginRequest { handler_id: invitation.handler_id.clone() })
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("a prelogin");
        let login_key = RecoveryKey::login_key(PASSPHRASE, &prelogin.kdf_salt, prelogin.kdf_iterations).expect("key");
        let login: HandlerLoginResponse = http
            .post(hub.url("/handler/v1/login"))
            .json(&HandlerLoginRequest { handler_id: invitation.handler_id.clone(), login_key, device_token: None })
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("a login");
        let fetch = |case_id: String| {
            let token = login.session_token.clone();
            async move {
                let response = http
                    .get(hub.url(&format!("/handler/v1/cases/{case_id}")))
                    .bearer_auth(token)
                    .send()
                    .await
                    .expect("sent");
                (response.status().as_u16(), response.json::<SealedCase>().await.ok())
            }
        };
        let pair = RecoveryKey::unlock(folder.path(), &recovery.key_id, PASSPHRASE).expect("unlocked");
        let (status, sealed) = fetch(after.case_id.clone()).await;
        assert_eq!(status, 200);
        let opened = wv_reader::open::open_case(&pair, sealed.expect("a sealed case")).expect("the recovery key opens");
        assert_eq!(opened.content.text, "AFTER recovery");
        // A report sealed before the recovery reader joined stays closed to it.
        let (status, _) = fetch(before.case_id.clone()).await;
        assert_ne!(status, 200, "the earlier report was not sealed to the recovery key");
        // And the wrong passphrase opens nothing.
        assert!(RecoveryKey::unlock(folder.path(), &recovery.key_id, "not the passphrase, sorry").is_err());
    })
    .await;
}
