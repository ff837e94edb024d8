//! The recipient directory: built from handler accounts, signed with the
//! programme key, served by version.

mod support;

use reqwest::Method;
use serde_json::json;
use support::cases::Programme;
use support::{TestHub, within_time};
use workervoice_hub::HubConfig;
use workervoice_protocol::admin::{ProgrammeInfo, PublishDirectoryResponse};
use workervoice_protocol::directory::{Directory, Route, directory_signing_input};
use workervoice_protocol::paths;

#[tokio::test]
async fn a_published_directory_verifies_with_the_programme_key_and_lists_every_route() {
    within_time(async {
        let programme = Programme::start().await;
        assert_eq!(programme.programme.public_key.len(), 32);
        let directory = &programme.directory;
        assert_eq!(directory.programme_id, programme.programme.programme_id);
        assert_eq!(directory.version, 1);

        let routes: Vec<(Route, Option<&str>, usize, u32)> = directory
            .routes
            .iter()
            .map(|entry| {
                (entry.route, entry.factory_id.as_deref(), entry.recipients.len(), entry.response_deadline_hours)
            })
            .collect();
        assert_eq!(
            routes,
            vec![
                (Route::FactoryCommittee, Some(programme.factory.id.as_str()), 1, 72),
                (Route::IndependentHotline, None, 2, 120),
                (Route::Brand, None, 1, 168),
            ]
        );
        let committee = &directory.routes[0].recipients[0];
        // Readers are named by key id: account ids (logins) are not published.
        assert_eq!(committee.handler_id, programme.committee.summary.key_id);
        let published = serde_json::to_string(directory).expect("json");
        for account in [&programme.committee, &programme.hotline, &programme.hotline_2, &programme.brand] {
            assert!(!published.contains(account.id()), "the directory names an account id");
        }
        let brand = &directory.routes[2];
        assert_eq!(brand.factory_ids, vec![programme.factory.id.clone()], "a brand entry lists its suppliers");
        assert_eq!(committee.public_key, programme.committee.summary.public_key);

        let ids: Vec<&str> = directory.categories.iter().map(|category| category.id.as_str()).collect();
        assert_eq!(ids, ["wages", "hours", "safety", "harassment", "discrimination", "retaliation", "other"]);
        for category in &directory.categories {
            for language in ["en", "zh-CN", "vi"] {
                assert!(category.labels.contains_key(language), "{} has no {language} label", category.id);
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_directory_with_a_changed_byte_does_not_verify() {
    within_time(async {
        let hub = TestHub::start().await;
        hub.create_handler("Hotline", Route::IndependentHotline, None).await;
        let published = hub.publish_directory().await;
        let programme: ProgrammeInfo = hub.admin(Method::GET, "/admin/v1/programme", None).await.ok();
        let key = ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &programme.public_key);
        let signed = published.directory;
        key.verify(&directory_signing_input(&signed.body), &signed.signature).expect("verifies");
        let mut tampered = signed.body.clone();
        let last = tampered.len() - 2;
        tampered[last] ^= 1;
        assert!(key.verify(&directory_signing_input(&tampered), &signed.signature).is_err());
        assert!(key.verify(&signed.body, &signed.signature).is_err(), "the signature covers the domain label");
    })
    .await;
}

#[tokio::test]
async fn each_publication_increases_the_version_and_an_up_to_date_device_gets_nothing() {
    within_time(async {
        let hub = TestHub::start().await;
        let empty = hub.http.get(hub.url(paths::DIRECTORY)).send().await.expect("sent");
        assert_eq!(empty.status().as_u16(), 200);
        assert_eq!(empty.text().await.expect("body"), "{}", "nothing published yet");

        hub.create_handler("Hotline", Route::IndependentHotline, None).await;
        assert_eq!(hub.publish_directory().await.version, 1);
        hub.create_handler("Brand", Route::Brand, None).await;
        assert_eq!(hub.publish_directory().await.version, 2);

        let newer = hub.fetch_directory(1).await.directory.expect("version 2 is newer than 1");
        let parsed: Directory = serde_json::from_slice(&newer.body).expect("parses");
        assert_eq!(parsed.version, 2);
        assert_eq!(parsed.routes.len(), 2);

        let current = hub.http.get(hub.url(&format!("{}?have=2", paths::DIRECTORY))).send().await.expect("sent");
        assert_eq!(current.status().as_u16(), 200);
        assert_eq!(current.text().await.expect("body"), "{}", "a device that is up to date pays two bytes");
        assert!(hub.fetch_directory(7).await.directory.is_none());

        let reply = hub.http.get(hub.url(&format!("{}?have=two", paths::DIRECTORY))).send().await.expect("sent");
        assert_eq!(reply.status().as_u16(), 400);
    })
    .await;
}

#[tokio::test]
async fn staff_may_choose_categories_and_deadlines_within_bounds() {
    within_time(async {
        let hub = TestHub::start().await;
        hub.create_handler("Brand", Route::Brand, None).await;
        let body = json!({
            "categories": [{"id": "pay", "labels": {"en": "Pay", "vi": "Lương"}}],
            "response_deadline_hours": {"brand": 200}
        });
        let published: PublishDirectoryResponse = hub.publish_directory_with(Some(body)).await;
        let directory: Directory = serde_json::from_slice(&published.directory.body).expect("parses");
        assert_eq!(directory.categories.len(), 1);
        assert_eq!(directory.routes[0].response_deadline_hours, 200);

        for bad in [
            json!({"categories": [{"id": "pay", "labels": {"vi": "Lương"}}]}),
            json!({"categories": []}),
            json!({"categories": [{"id": "Pay Day", "labels": {"en": "Pay"}}]}),
            json!({"response_deadline_hours": {"brand": 0}}),
            json!({"response_deadline_hours": {"police": 10}}),
        ] {
            hub.admin(Method::POST, "/admin/v1/directory/propose", Some(bad)).await.assert_error("bad_request");
        }
        assert_eq!(hub.publish_directory().await.version, 2, "refused publications take no version");
    })
    .await;
}

#[tokio::test]
async fn directory_staff_endpoints_need_the_staff_token() {
    within_time(async {
        let hub = TestHub::start().await;
        for (method, path) in [(Method::GET, "/admin/v1/programme"), (Method::POST, "/admin/v1/directory/propose")] {
            let response = hub.http.request(method, hub.url(path)).send().await.expect("sent");
            assert_eq!(response.status().as_u16(), 401, "{path}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_programme_public_key_survives_a_restart_and_its_private_key_stays_out_of_the_data_directory() {
    within_time(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let first = workervoice_hub::start(HubConfig::for_tests(data.clone())).await.expect("starts");
        let client = support::http_client();
        let info = |hub: &workervoice_hub::RunningHub| {
            client
                .get(format!("{}/admin/v1/programme", hub.base_url))
                .bearer_auth(hub.staff_token.clone().expect("staff token"))
                .send()
        };
        let before: ProgrammeInfo = info(&first).await.expect("sent").json().await.expect("json");
        first.shutdown().await;
        let second = workervoice_hub::start(HubConfig::for_tests(data.clone())).await.expect("restarts");
        let after: ProgrammeInfo = info(&second).await.expect("sent").json().await.expect("json");
        assert_eq!(before, after);
        assert!(!data.join("programme-signing.key").exists(), "the hub keeps no programme private key");
        let pinned = std::fs::read_to_string(data.join("programme.pub")).expect("the public key is pinned");
        assert_eq!(workervoice_protocol::b64::decode(pinned.trim()), Some(before.public_key.clone()));
        let holder = dir.path().join("data.keyholder").join("programme-signing.key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&holder).expect("key file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let database: Vec<u8> =
            workervoice_hub::testing::database_files(&data).into_iter().flat_map(|(_, bytes)| bytes).collect();
        let key_file = std::fs::read(&holder).expect("key");
        // Ring's PKCS#8 v2 document holds the 32-byte seed at bytes 16..48.
        let seed = &key_file[16..48];
        assert!(!database.windows(seed.len()).any(|window| window == seed), "the private key stays out of hub.db");
        second.shutdown().await;
    })
    .await;
}
