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
