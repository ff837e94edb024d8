//! What the hub keeps on disk: no PIN proof, no hub share in the clear, no
//! code; a secret that survives restarts; a damaged database left alone.

mod support;

use std::path::Path;

use support::{FakeDevice, TestHub, proof, within_time};
use workervoice_hub::HubConfig;
use workervoice_protocol::auth::LoginResponse;
use workervoice_protocol::enrol::DeviceMode;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Every file in the data directory, by name.
fn data_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir(dir)
        .expect("data dir lists")
        .map(|entry| {
            let entry = entry.expect("entry");
            (entry.file_name().to_string_lossy().into_owned(), std::fs::read(entry.path()).expect("file reads"))
        })
        .collect()
}

#[tokio::test]
async fn the_hub_database_holds_no_pin_proof_share_or_code() {
    within_time(async {
        let hub = TestHub::start().await;
        let (factory, device) = hub.factory_with_device(false, DeviceMode::Personal).await;
        let enrol_code = hub.issue_code(&factory.id, DeviceMode::Shared).await;
        let imported = hub.import_roster(&factory.id, &[("1001", "Lan", "vi")]).await;
        let activation_code = imported.activation_codes[0].activation_code.clone();
        let activated: LoginResponse = device.activate("1001", &activation_code, "2468").await.ok();
        let logged_in = device.login_ok("1001", "2468").await;
        device.login("1001", "1111").await.assert_error("wrong_pin");

        let mut files = data_files(&hub.data_dir());
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        if workervoice_hub::testing::on_postgres() {
            files.extend(workervoice_hub::testing::database_files(&hub.data_dir()));
        } else {
            assert!(names.contains(&"hub.db"), "{names:?}");
            assert!(names.contains(&"hub.db-wal"), "the test means to scan the WAL too: {names:?}");
        }
        let secrets: Vec<(&str, Vec<u8>)> = vec![
            ("right PIN proof", proof("2468")),
            ("wrong PIN proof", proof("1111")),
            ("hub share", activated.hub_share.clone()),
            ("hub share (again)", logged_in.hub_share.clone()),
            ("activation code", activation_code.clone().into_bytes()),
            ("activation code, normalised", activation_code.replace('-', "").into_bytes()),
            ("enrolment code", enrol_code.code.clone().into_bytes()),
            ("enrolment code, normalised", enrol_code.code.replace('-', "").into_bytes()),
        ];
        for (name, bytes) in files.iter().filter(|(name, _)| name.starts_with("hub.db")) {
            for (what, secret) in &secrets {
                assert!(!contains(bytes, secret), "{name} contains the {what}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn the_hub_secret_and_token_are_private_files_outside_the_database() {
    within_time(async {
        let hub = TestHub::start().await;
        let secret = std::fs::read(hub.data_dir().join("hub-secret.key")).expect("secret file");
        assert_eq!(secret.len(), 32);
        for (name, database) in workervoice_hub::testing::database_files(&hub.data_dir()) {
            assert!(!contains(&database, &secret), "{name}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for file in ["hub-secret.key", "admin-token"] {
                let mode = std::fs::metadata(hub.data_dir().join(file)).expect("metadata").permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "{file}");
            }
            let dir_mode = std::fs::metadata(hub.data_dir()).expect("metadata").permissions().mode();
            assert_eq!(dir_mode & 0o777, 0o700);
        }
    })
    .await;
}

#[tokio::test]
async fn workers_log_in_with_the_same_share_after_a_restart() {
    within_time(async {
        let hub = TestHub::start().await;
        let (factory, device) = hub.factory_with_device(false, DeviceMode::Personal).await;
        let imported = hub.import_roster(&factory.id, &[("1001", "Lan", "vi")]).await;
        let before: LoginResponse =
            device.activate("1001", &imported.activation_codes[0].activation_code, "2468").await.ok();
        let data_dir = hub.data_dir();
        let TestHub { hub: running, http, dir } = hub;
        running.shutdown().await;

        let restarted = workervoice_hub::start(HubConfig::for_tests(data_dir)).await.expect("restarts");
        let moved = FakeDevice { base_url: restarted.base_url.clone(), ..device };
        let after = moved.login_ok("1001", "2468").await;
        assert_eq!(after.hub_share, before.hub_share);
        restarted.shutdown().await;
        drop((http, dir));
    })
    .await;
}

#[tokio::test]
async fn a_corrupt_database_stops_the_start_and_is_left_in_place() {
    if workervoice_hub::testing::skip_on_postgres("a corrupt hub.db is SQLite's") {
        return;
    }
    within_time(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let garbage: Vec<u8> = (0..16_384u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(dir.path().join("hub.db"), &garbage).expect("write");
        let error = workervoice_hub::start(HubConfig::for_tests(dir.path().to_path_buf()))
            .await
            .expect_err("a corrupt database must not start");
        let message = format!("{error:#}");
        assert!(message.contains("hub.db"), "{message}");
        assert!(message.contains("not a readable hub database"), "{message}");
        assert_eq!(std::fs::read(dir.path().join("hub.db")).expect("still there"), garbage);
    })
    .await;
}

#[tokio::test]
async fn plain_http_off_loopback_is_refused_unless_allowed() {
    within_time(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = HubConfig::for_tests(dir.path().to_path_buf());
        config.listen = "0.0.0.0:0".parse().expect("address");
        let error = workervoice_hub::start(config.clone()).await.expect_err("refused");
        assert!(format!("{error:#}").contains("plain HTTP"), "{error:#}");

        config.allow_plain_http_off_loopback = true;
        let hub = workervoice_hub::start(config).await.expect("allowed");
        assert!(hub.base_url.starts_with("http://127.0.0.1:"), "{}", hub.base_url);
        let health = support::http_client().get(format!("{}/health", hub.base_url)).send().await.expect("sent");
        assert_eq!(health.status().as_u16(), 200);
        hub.shutdown().await;
    })
    .await;
}
