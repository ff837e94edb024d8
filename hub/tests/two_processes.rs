//! Two hub processes on one PostgreSQL database (ADR 0019): a fleet of
//! devices sends its reports to either at random, each report to both at
//! once now and then; every report is stored exactly once and both
//! processes give a device the same answer; a reader signed in on one
//! process is served by the other; a source's per-minute limit holds across
//! both, not once per process. PostgreSQL only (SQLite is one process per
//! data directory).

mod support;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use support::cases::Programme;
use support::within_time;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{SUBMISSION_CONTENT_TYPE, SubmitResponse};
use workervoice_protocol::paths;

/// Devices sending at once.
const DEVICES: usize = 40;
/// Reports per device.
const REPORTS: usize = 8;

/// The second process, killed when the test ends, also when it fails.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The hub binary on `data_dir` and its database, with `more` arguments;
/// returns the child and its URL.
fn spawn_hub(data_dir: &std::path::Path, database_url: &str, more: &[&str]) -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_workervoice-hub"))
        .args(["--data-dir", data_dir.to_str().expect("utf-8 path"), "--listen", "127.0.0.1:0", "--ready-json"])
        .args(more)
        .env("WORKERVOICE_HUB_DATABASE_URL", database_url)
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the ready line");
    let ready: serde_json::Value = serde_json::from_str(&line).expect("the ready line is JSON");
    (Killed(child), ready["url"].as_str().expect("a url").to_owned())
}

/// A pseudo-random number from a counter (one test, no dependency).
fn mix(seed: u64) -> u64 {
    let mut x = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

async fn send(http: &reqwest::Client, url: &str, framed: &[u8]) -> SubmitResponse {
    let response = http
        .post(format!("{url}{}", paths::SUBMISSIONS))
        .header(reqwest::header::CONTENT_TYPE, SUBMISSION_CONTENT_TYPE)
        .body(framed.to_vec())
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 200, "{url}");
    response.json().await.expect("an answer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hub_processes_on_one_database_store_each_report_once_and_share_sessions() {
    if !workervoice_hub::testing::on_postgres() {
        eprintln!("skipped on SQLite: one hub process per data directory (runs on PostgreSQL)");
        return;
    }
    within_time(async {
        // Process one: the test's own hub. Process two: the binary, on the
        // same data directory (secret, files) and the same database.
        let programme = Programme::start().await;
        let data_dir = programme.hub.data_dir();
        let database_url = workervoice_hub::testing::database_url_for(&data_dir).expect("on PostgreSQL");
        let (child, other_url) = tokio::task::block_in_place(|| spawn_hub(&data_dir, &database_url, &[]));
        let urls = Arc::new([programme.hub.hub.base_url.clone(), other_url.clone()]);

        let reports: Vec<Vec<Vec<u8>>> = (0..DEVICES)
            .map(|device| {
                (0..REPORTS)
                    .map(|i| {
                        programme.seal(&[Route::IndependentHotline], &format!("device {device} report {i}"), &[]).framed
                    })
                    .collect()
            })
            .collect();
        let senders: Vec<_> = reports
            .into_iter()
            .enumerate()
            .map(|(device, reports)| {
                let (http, urls) = (programme.hub.http.clone(), Arc::clone(&urls));
                tokio::spawn(async move {
                    let mut answers = Vec::new();
                    for (i, framed) in reports.iter().enumerate() {
                        let roll = mix((device * REPORTS + i) as u64);
                        let first = &urls[usize::from(roll % 2 == 1)];
                        if roll.is_multiple_of(5) {
                            // The same report to both processes at once (a
                            // retry that raced its first attempt).
                            let other = &urls[usize::from(roll.is_multiple_of(2))];
                            let (a, b) = tokio::join!(send(&http, first, framed), send(&http, other, framed));
                            assert_eq!(a, b, "both processes answer a report the same");
                            answers.push(a);
                        } else {
                            answers.push(send(&http, first, framed).await);
                        }
                    }
                    answers
                })
            })
            .collect();
        let mut case_ids = HashSet::new();
        for sender in senders {
            for answer in sender.await.expect("a device's reports are all acknowledged") {
                case_ids.insert(answer.case_id);
            }
        }
        assert_eq!(case_ids.len(), DEVICES * REPORTS, "every report has its own case");
        let stored = programme.hub.database().integer("SELECT count(*) FROM cases", &[]);
        assert_eq!(usize::try_from(stored).expect("a count"), DEVICES * REPORTS, "each report stored once");

        // A reader signed in on process one is served by process two.
        let reader = programme.hub.login(&programme.hotline).await;
        let listed = programme
            .hub
            .http
            .get(format!("{other_url}/handler/v1/cases"))
            .bearer_auth(&reader.token)
            .send()
            .await
            .expect("sent");
        assert_eq!(listed.status().as_u16(), 200, "the session works on the other process");
        drop(child);
    })
    .await;
}

/// Anonymous requests one source may send per minute in the test below.
const PER_MINUTE: u32 = 6;

/// A worker's case follow-up with nothing to follow (a counted anonymous
/// request), as if from `source` behind a trusted proxy.
async fn follow_up_from(http: &reqwest::Client, url: &str, source: &str) -> support::Reply {
    let response = http
        .post(format!("{url}{}", paths::CASES_SYNC))
        .header("x-forwarded-for", source)
        .json(&serde_json::json!({"cases": []}))
        .send()
        .await
        .expect("sent");
    support::Reply::from(response).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_source_s_limit_per_minute_holds_across_both_processes_not_once_per_process() {
    if !workervoice_hub::testing::on_postgres() {
        eprintln!("skipped on SQLite: one hub process per data directory (runs on PostgreSQL)");
        return;
    }
    within_time(async {
        let limits = workervoice_hub::TrafficLimits {
            anonymous_requests_per_source_per_minute: PER_MINUTE,
            source_from_forwarded_for: true,
            ..workervoice_hub::TrafficLimits::default()
        };
        let hub = support::TestHub::start_with(|config| config.limits = limits).await;
        let data_dir = hub.data_dir();
        let database_url = workervoice_hub::testing::database_url_for(&data_dir).expect("on PostgreSQL");
        let per_minute = PER_MINUTE.to_string();
        let (child, other_url) = tokio::task::block_in_place(|| {
            spawn_hub(
                &data_dir,
                &database_url,
                &["--anonymous-requests-per-source-per-minute", &per_minute, "--source-from-forwarded-for"],
            )
        });
        let urls = [hub.hub.base_url.clone(), other_url];

        support::in_one_rate_limit_window(std::time::Duration::from_secs(20)).await;
        // Alternately to each process: each would admit PER_MINUTE on its own.
        for i in 0..PER_MINUTE as usize {
            let reply = follow_up_from(&hub.http, &urls[i % 2], "203.0.113.7").await;
            assert_eq!(reply.status, 200, "request {} of the minute: {reply:?}", i + 1);
        }
        for url in &urls {
            let refused = follow_up_from(&hub.http, url, "203.0.113.7").await;
            refused.assert_error("rate_limited");
            let retry_after = refused.body.pointer("/error/retry_after_secs").and_then(serde_json::Value::as_u64);
            assert!(retry_after.is_some_and(|secs| (1..=60).contains(&secs)), "{refused:?}");
        }
        // Another factory is not held back, on either process.
        for url in &urls {
            let reply = follow_up_from(&hub.http, url, "198.51.100.2").await;
            assert_eq!(reply.status, 200, "{reply:?}");
        }
        drop(child);
    })
    .await;
}
