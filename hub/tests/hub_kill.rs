//! The hub process killed (SIGKILL) at random moments while 100 devices
//! send: after each restart, every report it acknowledged is there, once.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::cases::Programme;
use support::within_time;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{SUBMISSION_CONTENT_TYPE, SubmitResponse};
use workervoice_protocol::paths;

/// Devices sending at once.
const DEVICES: usize = 100;
/// Times the hub is killed.
const KILLS: u64 = 3;

/// Reports the hub acknowledged: (framed bytes, its answer).
type Acknowledged = Arc<Mutex<Vec<(Vec<u8>, SubmitResponse)>>>;

/// The hub binary on `data_dir`; returns the child and its URL.
fn spawn_hub(data_dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_workervoice-hub"))
        .args(["--data-dir", data_dir.to_str().expect("utf-8 path"), "--listen", "127.0.0.1:0", "--ready-json"])
        // The data directory's own PostgreSQL database when the suite runs there.
        .envs(workervoice_hub::testing::database_url_for(data_dir).map(|url| ("WORKERVOICE_HUB_DATABASE_URL", url)))
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the ready line");
    let ready: serde_json::Value = serde_json::from_str(&line).expect("the ready line is JSON");
    (child, ready["url"].as_str().expect("a url").to_owned())
}

/// Pseudo-random milliseconds from the clock (one test, no dependency).
fn jitter_ms(round: u64, span: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or(7);
    (u64::from(nanos) ^ round.wrapping_mul(0x9E37_79B9_7F4A_7C15)) % span
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_report_acknowledged_before_a_kill_is_there_after_the_restart() {
    within_time(async {
        // A programme set up by an in-process hub, then served by the binary
        // on the same data directory.
        let programme = Programme::start().await;
        let reports: Vec<Vec<Vec<u8>>> = (0..DEVICES)
            .map(|device| {
                (0..30)
                    .map(|i| {
                        programme.seal(&[Route::IndependentHotline], &format!("device {device} report {i}"), &[]).framed
                    })
                    .collect()
            })
            .collect();
        let Programme { hub: test_hub, .. } = programme;
        let support::TestHub { hub, http, dir } = test_hub;
        hub.shutdown().await;
        let data_dir = dir.path().join("data");

        let acknowledged: Acknowledged = Arc::default();
        let next: Arc<Vec<Mutex<usize>>> = Arc::new((0..DEVICES).map(|_| Mutex::new(0)).collect());
        let reports = Arc::new(reports);
        for round in 0..KILLS {
            let (mut child, url) = tokio::task::block_in_place(|| spawn_hub(&data_dir));
            let senders: Vec<_> = (0..DEVICES)
                .map(|device| {
                    let (http, url, acknowledged, next, reports) = (
                        http.clone(),
                        format!("{url}{}", paths::SUBMISSIONS),
                        acknowledged.clone(),
                        next.clone(),
                        reports.clone(),
                    );
                    tokio::spawn(async move {
                        loop {
                            let index = *next[device].lock().expect("lock");
                            let Some(framed) = reports[device].get(index) else { return };
                            let sent = http
                                .post(&url)
                                .header(reqwest::header::CONTENT_TYPE, SUBMISSION_CONTENT_TYPE)
                                .body(framed.clone())
                                .send()
                                .await;
                            // A connection cut by the kill: not acknowledged,
                            // the device keeps the report and stops for now.
                            let Ok(response) = sent else { return };
                            if response.status().as_u16() != 200 {
                                return;
                            }
                            let Ok(answer) = response.json::<SubmitResponse>().await else { return };
                            acknowledged.lock().expect("lock").push((framed.clone(), answer));
                            *next[device].lock().expect("lock") += 1;
                        }
                    })
                })
                .collect();
            tokio::time::sleep(Duration::from_millis(300 + jitter_ms(round, 700))).await;
            child.kill().expect("SIGKILL");
            let _ = child.wait();
            for sender in senders {
                let _ = sender.await;
            }
        }

        // A last start: every acknowledged report is there, once, with the
        // answer the device was given.
        let (mut child, url) = tokio::task::block_in_place(|| spawn_hub(&data_dir));
        let acknowledged = acknowledged.lock().expect("lock").clone();
        assert!(acknowledged.len() >= DEVICES, "too few reports acknowledged to test anything: {}", acknowledged.len());
        let replayers: Vec<_> = acknowledged
            .chunks(acknowledged.len().div_ceil(16))
            .map(|slice| {
                let (slice, http, url) = (slice.to_vec(), http.clone(), format!("{url}{}", paths::SUBMISSIONS));
                tokio::spawn(async move {
                    for (framed, answer) in slice {
                        let replay: SubmitResponse = http
                            .post(&url)
                            .header(reqwest::header::CONTENT_TYPE, SUBMISSION_CONTENT_TYPE)
                            .body(framed)
                            .send()
                            .await
                            .expect("sent")
                            .json()
                            .await
                            .expect("an answer");
                        assert_eq!(replay, answer, "the replay is answered from what was stored");
                    }
                })
            })
            .collect();
        for replayer in replayers {
            replayer.await.expect("every acknowledged report replays");
        }
        let _ = child.kill();
        let _ = child.wait();
        let stored = workervoice_hub::testing::TestDatabase::open(&data_dir).integer("SELECT count(*) FROM cases", &[]);
        assert!(stored as usize >= acknowledged.len(), "{stored} stored, {} acknowledged", acknowledged.len());
        // At most one report per device can have been stored but not
        // acknowledged at each kill (its answer was cut off).
        assert!(stored as usize <= acknowledged.len() + DEVICES * KILLS as usize);
        println!("{KILLS} kills, {} reports acknowledged, {stored} stored, none lost", acknowledged.len());
    })
    .await;
}
