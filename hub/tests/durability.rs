//! What an operator relies on after a power cut or a mistake: the hub stops
//! rather than run with a missing or foreign secret, and keeps everything it
//! writes private.

mod support;

use std::path::Path;

use support::{TestHub, within_time};
use workervoice_hub::HubConfig;
use workervoice_protocol::enrol::DeviceMode;

/// A hub with a worker on its roster (so the database depends on its
/// secret), stopped; returns the kept temp dir and the data directory.
async fn stopped_hub_with_a_worker() -> (tempfile::TempDir, std::path::PathBuf) {
    let hub = TestHub::start().await;
    let (factory, _device) = hub.factory_with_device(false, DeviceMode::Personal).await;
    hub.import_roster(&factory.id, &[("1001", "Lan", "vi")]).await;
    let data_dir = hub.data_dir();
    let TestHub { hub: running, dir, .. } = hub;
    running.shutdown().await;
    (dir, data_dir)
}

#[tokio::test]
async fn a_hub_whose_secret_file_is_missing_refuses_to_start_and_makes_no_new_one() {
    within_time(async {
        let (_dir, data_dir) = stopped_hub_with_a_worker().await;
        std::fs::remove_file(data_dir.join("hub-secret.key")).expect("remove");
        let error = workervoice_hub::start(HubConfig::for_tests(data_dir.clone()))
            .await
            .expect_err("a missing secret must stop the hub");
        let message = format!("{error:#}");
        assert!(message.contains("hub-secret.key is missing"), "{message}");
        assert!(message.contains("restore"), "{message}");
        assert!(!data_dir.join("hub-secret.key").exists(), "no replacement secret may be made");
    })
    .await;
}

#[tokio::test]
async fn a_hub_given_another_hubs_secret_refuses_to_start_and_changes_nothing() {
    within_time(async {
        let (_dir, data_dir) = stopped_hub_with_a_worker().await;
        let (_other_dir, other_data_dir) = stopped_hub_with_a_worker().await;
        let foreign = std::fs::read(other_data_dir.join("hub-secret.key")).expect("other secret");
        std::fs::write(data_dir.join("hub-secret.key"), &foreign).expect("swap");
        let error = workervoice_hub::start(HubConfig::for_tests(data_dir.clone()))
            .await
            .expect_err("a foreign secret must stop the hub");
        let message = format!("{error:#}");
        assert!(message.contains("does not belong with"), "{message}");
        assert_eq!(std::fs::read(data_dir.join("hub-secret.key")).expect("kept"), foreign);
    })
    .await;
}

#[tokio::test]
async fn a_hub_restarted_with_its_own_secret_starts() {
    within_time(async {
        let (_dir, data_dir) = stopped_hub_with_a_worker().await;
        let hub = workervoice_hub::start(HubConfig::for_tests(data_dir)).await.expect("its own secret starts");
        hub.shutdown().await;
    })
    .await;
}

#[cfg(unix)]
fn assert_private(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(path).expect("list") {
        let entry = entry.expect("entry");
        let metadata = entry.metadata().expect("metadata");
        let mode = metadata.permissions().mode() & 0o777;
        if metadata.is_dir() {
            assert_eq!(mode, 0o700, "{}", entry.path().display());
            assert_private(&entry.path());
        } else {
            assert_eq!(mode, 0o600, "{}", entry.path().display());
        }
    }
}

#[cfg(unix)]
#[tokio::test]
async fn every_file_the_hub_writes_is_private_even_in_a_directory_that_was_open() {
    use std::os::unix::fs::PermissionsExt;
    within_time(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().join("data");
        std::fs::create_dir(&data_dir).expect("pre-existing dir");
        std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(0o755)).expect("open it");
        let hub = workervoice_hub::start(HubConfig::for_tests(data_dir.clone())).await.expect("starts");
        let test_hub = TestHub { hub, http: support::http_client(), dir };
        let (factory, device) = test_hub.factory_with_device(false, DeviceMode::Personal).await;
        let imported = test_hub.import_roster(&factory.id, &[("1001", "Lan", "vi")]).await;
        let _: workervoice_protocol::auth::LoginResponse =
            device.activate("1001", &imported.activation_codes[0].activation_code, "2468").await.ok();
        let mode = std::fs::metadata(&data_dir).expect("dir").permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        let names: Vec<String> = std::fs::read_dir(&data_dir)
            .expect("list")
            .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        let database: &[&str] =
            if workervoice_hub::testing::on_postgres() { &[] } else { &["hub.db", "hub.db-wal", "hub.db-shm"] };
        for expected in database.iter().chain(&["hub-secret.key", "admin-token"]) {
            assert!(names.iter().any(|name| name == expected), "{expected} missing from {names:?}");
        }
        assert_private(&data_dir);
        test_hub.hub.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_full_disk_refuses_a_submission_as_retryable_keeps_nothing_and_takes_it_once_there_is_room() {
    if workervoice_hub::testing::skip_on_postgres("fills the database with SQLite's max_page_count") {
        return;
    }
    within_time(async {
        let programme = support::cases::Programme::start().await;
        let big_text = "a long report ".repeat(8_000);
        let seal = || programme.seal(&[workervoice_protocol::directory::Route::IndependentHotline], &big_text, &[]);
        let tables = ["cases", "case_keys", "case_events", "case_audit"];
        let counts = |hub: &TestHub| tables.map(|table| hub.count_rows(table));

        // As if the disk had room for little more than the database now
        // holds: a few reports fit, then the hub refuses.
        programme.hub.hub.limit_database_pages(1).await.expect("limit");
        let mut accepted = 0;
        let (sealed, refused) = loop {
            let before = counts(&programme.hub);
            let sealed = seal();
            let reply = programme.hub.submit(&sealed).await;
            if reply.status != 200 {
                assert_eq!(counts(&programme.hub), before, "nothing of a refused submission is kept");
                break (sealed, reply);
            }
            accepted += 1;
            assert!(accepted < 200, "the page limit never filled up");
        };
        assert_eq!(refused.status, 429, "{refused:?}");
        refused.assert_error("rate_limited");
        assert_eq!(refused.body["error"]["retry_after_secs"], 300, "{refused:?}");
        let before = counts(&programme.hub);

        // Room again: the device's retry of the same bytes is stored once.
        programme.hub.hub.limit_database_pages(u64::from(u32::MAX)).await.expect("lift");
        let stored = programme.hub.submit(&sealed).await;
        assert_eq!(stored.status, 200, "{stored:?}");
        let after = counts(&programme.hub);
        assert_eq!(after[0], before[0] + 1);
    })
    .await;
}
