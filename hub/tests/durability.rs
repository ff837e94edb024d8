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
        for expected in ["hub.db", "hub.db-wal", "hub.db-shm", "hub-secret.key", "admin-token"] {
            assert!(names.iter().any(|name| name == expected), "{expected} missing from {names:?}");
        }
        assert_private(&data_dir);
        test_hub.hub.shutdown().await;
    })
    .await;
}
