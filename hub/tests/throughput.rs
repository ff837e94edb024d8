//! A measurement, not a check (ignored by default): acknowledged reports
//! per second with 100 concurrent devices on whichever backend the suite
//! runs on, so that `cargo test` and `scripts/test-hub-postgres` give the
//! two figures side by side on one build:
//!
//! ```sh
//! cargo test -p workervoice-hub --test throughput -- --ignored --nocapture
//! scripts/test-hub-postgres --test throughput -- --ignored --nocapture
//! ```
//!
//! The release-build figures of the whole system are `sync_wire`'s
//! (tests/benches); this one isolates the database backend.
//!
//! The second measurement is what the per-source rate limit costs an
//! anonymous request (`hub/src/rate_limit.rs`: in memory on SQLite, one
//! short transaction on PostgreSQL): case follow-ups with nothing to
//! follow, with the limit on and off.

mod support;

use std::time::Instant;

use support::cases::Programme;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::SUBMISSION_CONTENT_TYPE;
use workervoice_protocol::paths;

/// Devices sending at once.
const DEVICES: usize = 100;
/// Reports per device.
const PER_DEVICE: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn reports_per_second_with_a_hundred_concurrent_devices() {
    let programme = Programme::start().await;
    let reports: Vec<Vec<Vec<u8>>> = (0..DEVICES)
        .map(|device| {
            (0..PER_DEVICE)
                .map(|i| {
                    programme.seal(&[Route::IndependentHotline], &format!("device {device} report {i}"), &[]).framed
                })
                .collect()
        })
        .collect();
    let url = programme.hub.url(paths::SUBMISSIONS);
    let http = programme.hub.http.clone();
    let started = Instant::now();
    let devices: Vec<_> = reports
        .into_iter()
        .map(|reports| {
            let (http, url) = (http.clone(), url.clone());
            tokio::spawn(async move {
                for framed in reports {
                    let response = http
                        .post(&url)
                        .header(reqwest::header::CONTENT_TYPE, SUBMISSION_CONTENT_TYPE)
                        .body(framed)
                        .send()
                        .await
                        .expect("sent");
                    let status = response.status().as_u16();
                    if status != 200 {
                        panic!("answered {status}: {}", response.text().await.unwrap_or_default());
                    }
                }
            })
        })
        .collect();
    for device in devices {
        device.await.expect("a device's reports are acknowledged");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let backend = if workervoice_hub::testing::on_postgres() { "PostgreSQL" } else { "SQLite" };
    println!(
        "{backend}: {} reports acknowledged from {DEVICES} concurrent devices in {elapsed:.2} s = {:.0} reports/s",
        DEVICES * PER_DEVICE,
        (DEVICES * PER_DEVICE) as f64 / elapsed
    );
    let stored = programme.hub.database().integer("SELECT count(*) FROM cases", &[]);
    assert_eq!(usize::try_from(stored).expect("a count"), DEVICES * PER_DEVICE);
}

/// Follow-ups in each run of the rate-limit measurement.
const FOLLOW_UPS: usize = 1_200;
/// Runs of each configuration, alternating (the machine is shared: the
/// median of a few runs says more than one).
const ROUNDS: usize = 3;

/// Sends [`FOLLOW_UPS`] case follow-ups with nothing to follow from
/// `clients` at once to `hub`, from one source or each from its own;
/// returns the seconds it took.
async fn follow_ups(hub: &support::TestHub, clients: usize, many_sources: bool) -> f64 {
    let url = hub.url(paths::CASES_SYNC);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let (http, url) = (hub.http.clone(), url.clone());
            tokio::spawn(async move {
                for i in 0..FOLLOW_UPS / clients {
                    let source = if many_sources {
                        format!("10.{}.{}.{}", client, i / 256, i % 256)
                    } else {
                        "203.0.113.7".to_owned()
                    };
                    let response = http
                        .post(&url)
                        .header("x-forwarded-for", source)
                        .json(&serde_json::json!({"cases": []}))
                        .send()
                        .await
                        .expect("sent");
                    assert_eq!(response.status().as_u16(), 200);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("every follow-up answered");
    }
    started.elapsed().as_secs_f64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn anonymous_requests_per_second_with_the_per_source_limit_on_and_off() {
    let backend = if workervoice_hub::testing::on_postgres() { "PostgreSQL" } else { "SQLite" };
    let mut hubs = Vec::new();
    for (limit, per_minute) in [("limit off", 0), ("limit on ", u32::MAX)] {
        let hub = support::TestHub::start_with(|config| {
            config.limits = workervoice_hub::TrafficLimits {
                anonymous_requests_per_source_per_minute: per_minute,
                source_from_forwarded_for: true,
                ..workervoice_hub::TrafficLimits::default()
            };
        })
        .await;
        hubs.push((limit, hub));
    }
    for clients in [1, 16] {
        for many_sources in [false, true] {
            let mut seconds = vec![Vec::new(); hubs.len()];
            for _ in 0..ROUNDS {
                for (index, (_, hub)) in hubs.iter().enumerate() {
                    seconds[index].push(follow_ups(hub, clients, many_sources).await);
                }
            }
            for ((limit, _), mut runs) in hubs.iter().zip(seconds) {
                runs.sort_by(f64::total_cmp);
                let median = runs[runs.len() / 2];
                println!(
                    "{backend}, {limit}, {clients:>2} at once, {}: median of {ROUNDS} runs of {FOLLOW_UPS}: {:.0}/s, {:.2} ms each",
                    if many_sources { "many sources" } else { "one source  " },
                    FOLLOW_UPS as f64 / median,
                    median * 1000.0 * clients as f64 / FOLLOW_UPS as f64,
                );
            }
        }
    }
}
