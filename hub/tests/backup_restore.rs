//! Backup and restore of a live hub: a backup taken while devices send holds
//! every report acknowledged before it started, and restores into a hub that
//! starts.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::cases::Programme;
use support::within_time;
use workervoice_hub::HubConfig;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{SUBMISSION_CONTENT_TYPE, SubmitResponse};
use workervoice_protocol::paths;

/// Acknowledged reports: (framed bytes, the hub's answer).
type Acknowledged = Arc<Mutex<Vec<(Vec<u8>, SubmitResponse)>>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_load_restores_every_report_acknowledged_before_it_started() {
    if workervoice_hub::testing::skip_on_postgres(
        "the backup command snapshots SQLite's hub.db; PostgreSQL is backed up with pg_dump or PITR (ADR 0019)",
    ) {
        return;
    }
    within_time(async {
        let programme = Programme::start().await;
        let url = programme.hub.url(paths::SUBMISSIONS);
        let acknowledged: Acknowledged = Arc::default();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let senders: Vec<_> = (0..8)
            .map(|_| {
                let reports: Vec<Vec<u8>> = (0..60)
                    .map(|i| programme.seal(&[Route::IndependentHotline], &format!("report {i}"), &[]).framed)
                    .collect();
                let (http, url, acknowledged, stop) =
                    (programme.hub.http.clone(), url.clone(), acknowledged.clone(), stop.clone());
                tokio::spawn(async move {
                    for framed in reports {
                        if stop.load(std::sync::atomic::Ordering::Relaxed) {
                            break;
                        }
                        let response = http
                            .post(&url)
                            .header(reqwest::header::CONTENT_TYPE, SUBMISSION_CONTENT_TYPE)
                            .body(framed.clone())
                            .send()
                            .await
                            .expect("sent");
                        assert_eq!(response.status().as_u16(), 200);
                        let answer: SubmitResponse = response.json().await.expect("answer");
                        acknowledged.lock().expect("lock").push((framed, answer));
                    }
                })
            })
            .collect();

        // Let some reports through, then back up while the senders go on.
        while acknowledged.lock().expect("lock").len() < 40 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let before_backup: Vec<(Vec<u8>, SubmitResponse)> = acknowledged.lock().expect("lock").clone();
        let backup_dir = tempfile::tempdir().expect("temp dir");
        let out = backup_dir.path().join("backup");
        let (data_dir, out_for_task) = (programme.hub.data_dir(), out.clone());
        let manifest = tokio::task::spawn_blocking(move || workervoice_hub::backup(&data_dir, &out_for_task))
            .await
            .expect("backup task")
            .expect("backup");
        let during = acknowledged.lock().expect("lock").len();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for sender in senders {
            sender.await.expect("sender");
        }
        let sent_after = acknowledged.lock().expect("lock").len();
        assert!(sent_after > before_backup.len(), "the devices kept sending during the backup");
        assert!(manifest.files.iter().any(|file| file.path == "hub-secret.key"), "{manifest:?}");

        let restore_root = tempfile::tempdir().expect("temp dir");
        let restored_dir = restore_root.path().join("restored");
        workervoice_hub::restore(&out, &restored_dir).expect("restore");
        // The restored hub reads the programme public key pinned in the
        // backup; the test key holder's folder beside the new directory
        // would hold a different key, so it runs without one.
        let restored_config = HubConfig { demo_key_holder: None, ..HubConfig::for_tests(restored_dir.clone()) };
        let restored = workervoice_hub::start(restored_config).await.expect("starts");

        // Every report acknowledged before the backup is there: sending it
        // again is answered as a replay, with the original answer.
        let http = support::http_client();
        for (framed, answer) in &before_backup {
            let response = http
                .post(format!("{}{}", restored.base_url, paths::SUBMISSIONS))
                .header(reqwest::header::CONTENT_TYPE, SUBMISSION_CONTENT_TYPE)
                .body(framed.clone())
                .send()
                .await
                .expect("sent");
            let replayed: SubmitResponse = response.json().await.expect("answer");
            assert_eq!(&replayed, answer, "a report acknowledged before the backup is missing");
        }
        let connection = rusqlite::Connection::open(restored_dir.join("hub.db")).expect("db");
        let cases: i64 = connection.query_row("SELECT count(*) FROM cases", [], |row| row.get(0)).expect("count");
        let cases = usize::try_from(cases).expect("a count");
        assert!(cases >= before_backup.len() && cases <= during.max(sent_after), "{cases} cases");
        restored.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_restore_refuses_a_directory_that_is_not_empty_and_a_damaged_backup() {
    if workervoice_hub::testing::skip_on_postgres(
        "the backup command snapshots SQLite's hub.db; PostgreSQL is backed up with pg_dump or PITR (ADR 0019)",
    ) {
        return;
    }
    within_time(async {
        let programme = Programme::start().await;
        let sealed = programme.seal(&[Route::IndependentHotline], "one report", &[]);
        assert_eq!(programme.hub.submit(&sealed).await.status, 200);
        let root = tempfile::tempdir().expect("temp dir");
        let out = root.path().join("backup");
        workervoice_hub::backup(&programme.hub.data_dir(), &out).expect("backup");
        assert!(workervoice_hub::backup(&programme.hub.data_dir(), &out).is_err(), "a backup never overwrites");

        let occupied = root.path().join("occupied");
        std::fs::create_dir(&occupied).expect("dir");
        std::fs::write(occupied.join("something"), b"x").expect("file");
        let error = workervoice_hub::restore(&out, &occupied).expect_err("not empty");
        assert!(format!("{error:#}").contains("not empty"), "{error:#}");

        let mut secret = std::fs::read(out.join("hub-secret.key")).expect("secret");
        secret[0] ^= 1;
        std::fs::write(out.join("hub-secret.key"), &secret).expect("damage");
        let fresh = root.path().join("fresh");
        let error = workervoice_hub::restore(&out, &fresh).expect_err("damaged");
        assert!(format!("{error:#}").contains("does not match its manifest"), "{error:#}");
        assert!(!fresh.exists(), "nothing is restored from a damaged backup");
    })
    .await;
}
