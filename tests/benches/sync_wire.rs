//! What sync costs on the wire, and what the hub sustains — printed figures,
//! one run, a real hub on loopback and real devices behind a counting proxy:
//!
//! - bytes on the wire for one text report, against its sealed size and text;
//! - round trips to deliver 1,000 queued reports (a tablet: batches);
//! - what the separation of unsigned traffic costs a personal phone: requests
//!   and connections of a sync that delivers one report and pulls its cases;
//! - a sync with nothing new (target: one request, under 1 KB);
//! - a content (catalog) re-sync with nothing new (target: one request, under 2 KB);
//! - hub: acknowledged reports per second with 100 concurrent devices;
//! - hub under a mixed load: the same 100 devices submitting while 20 readers
//!   read (10 readers listing a committee's cases, 10 workers' apps syncing a
//!   case with nothing new): reports/s, reads/s, and p50/p99 of each read.
//!
//! Run: `cargo bench -p workervoice-e2e --bench sync_wire`.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use workervoice::{DeviceMode, GrievanceDraft, GrievanceRoute};
use workervoice_core::grievance::{self, receipt};
use workervoice_e2e::fault_proxy::FaultProxy;
use workervoice_e2e::{TestDevice, TestHub};
use workervoice_protocol::directory::DirectoryResponse;
use workervoice_protocol::grievance::{CaseCursor, CaseSyncRequest, SUBMISSION_CONTENT_TYPE};

const TEXT: &str =
    "The supervisor on line 4 shouts at us every day and does not pay the overtime we worked in October.";

fn draft(text: &str) -> GrievanceDraft {
    GrievanceDraft {
        category_id: "wages".into(),
        text: text.into(),
        anonymous: true,
        routes: vec![GrievanceRoute::FactoryCommittee, GrievanceRoute::IndependentHotline],
        callback: None,
        attachments: vec![],
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let hub = TestHub::start().await;
    let (factory, _, _) = hub.grievance_programme().await;
    let proxy = FaultProxy::start(&hub.url(), 0, 9).await;
    let counts = proxy.counts.clone();

    // One report: wire bytes against sealed size.
    let kiosk = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Shared, None).await;
    kiosk.app.sync_now(false).await.expect("directory");
    kiosk.app.submit_grievance(draft(TEXT)).expect("submit");
    counts.reset_traffic();
    kiosk.app.sync_now(true).await.expect("sync");
    println!(
        "one {}-byte text report: {} request(s), {} bytes up, {} bytes down (sealed for 2 handlers, incl. HTTP headers)",
        TEXT.len(),
        counts.requests.load(Relaxed),
        counts.bytes_up.load(Relaxed),
        counts.bytes_down.load(Relaxed)
    );

    // 1,000 queued reports.
    for i in 0..1000 {
        kiosk.app.submit_grievance(draft(&format!("{TEXT} ({i})"))).expect("submit");
    }
    counts.reset_traffic();
    let start = Instant::now();
    let report = kiosk.app.sync_now(true).await.expect("sync");
    println!(
        "1,000 queued reports: delivered {} in {:.2} s with {} round trips ({:.3} per report), {:.0} KB up ({:.0} bytes per report)",
        report.delivered,
        start.elapsed().as_secs_f64(),
        counts.requests.load(Relaxed),
        counts.requests.load(Relaxed) as f64 / 1000.0,
        counts.bytes_up.load(Relaxed) as f64 / 1024.0,
        counts.bytes_up.load(Relaxed) as f64 / 1000.0
    );

    // A sync with nothing new, from a personal device with a case to follow.
    let phone = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Personal, Some("7001")).await;
    phone.app.sync_now(false).await.expect("directory");
    phone.app.submit_grievance(draft(TEXT)).expect("submit");
    proxy.clear_connection_log();
    counts.reset_traffic();
    phone.app.sync_now(false).await.expect("deliver");
    let log = proxy.connection_log();
    println!(
        "personal phone, one report: {} request(s) on {} connection(s), {} bytes in all; signed and unsigned never share one",
        counts.requests.load(Relaxed),
        log.iter().filter(|connection| !connection.is_empty()).count(),
        counts.bytes_up.load(Relaxed) + counts.bytes_down.load(Relaxed)
    );
    phone.app.submit_grievance(draft(TEXT)).expect("second case");
    phone.app.sync_now(false).await.expect("deliver the second");
    phone.app.sync_now(false).await.expect("settle");
    counts.reset_traffic();
    phone.app.sync_now(false).await.expect("quiet sync");
    let (requests, bytes) =
        (counts.requests.load(Relaxed), counts.bytes_up.load(Relaxed) + counts.bytes_down.load(Relaxed));
    println!(
        "sync with nothing new, phone with 2 cases: {requests} request(s), {bytes} bytes in all (one pull per case, each on its own connection)"
    );

    // A content sync with nothing new, after a training module arrived.
    let pack = tempfile::tempdir().expect("pack dir");
    std::fs::write(pack.path().join("exit.png"), vec![7u8; 50_000]).expect("media");
    let description = serde_json::json!({
        "kind": "training_module", "id": "fire-safety", "languages": ["en"], "titles": {"en": "Fire safety"},
        "document": {"lessons": [{"id": "exits", "title": {"en": "Exits"}, "text": {"en": "Know two ways out."},
                                  "media": ["file:exit.png"]}],
                     "quiz": {"pass_mark_percent": 80, "questions": []}}
    });
    std::fs::write(pack.path().join("pack.json"), description.to_string()).expect("pack.json");
    // Proposed by the hub, signed by the test key holder: published once this returns.
    hub.publish_pack(pack.path(), &workervoice_hub::PackAssignment::AllFactories).await.expect("publish");
    phone.app.sync_content().await.expect("content");
    counts.reset_traffic();
    let quiet = phone.app.sync_content().await.expect("quiet content sync");
    assert!(!quiet.catalog_changed && quiet.blobs_downloaded == 0);
    let (requests, bytes) =
        (counts.requests.load(Relaxed), counts.bytes_up.load(Relaxed) + counts.bytes_down.load(Relaxed));
    println!(
        "content re-sync with nothing new: {requests} request(s), {bytes} bytes in all (target: 1 request, < 2,048 bytes)"
    );

    // Hub throughput: 100 concurrent devices posting pre-sealed reports.
    let key = hub.programme_key().await;
    let pinned = workervoice_protocol::b64::decode(&key).expect("key");
    let http = reqwest::Client::builder().pool_max_idle_per_host(100).build().expect("client");
    let reply: DirectoryResponse =
        http.get(format!("{}/v1/directory?have=0", hub.url())).send().await.expect("dir").json().await.expect("json");
    let directory =
        workervoice_core::directory::verify(&reply.directory.expect("signed"), &pinned, None).expect("verified");
    let core_draft = workervoice_core::grievance::GrievanceDraft {
        category_id: "wages".into(),
        text: TEXT.into(),
        anonymous: true,
        routes: vec![workervoice_core::grievance::GrievanceRoute::IndependentHotline],
        callback: None,
        attachments: vec![],
    };
    let url = Arc::new(format!("{}/v1/submissions", hub.url()));
    let (acknowledged, elapsed) = submit_all(&http, &url, seal_reports(&core_draft, &directory, &factory.id)).await;
    println!(
        "hub: {acknowledged} reports acknowledged from {DEVICES} concurrent devices in {elapsed:.2} s = {:.0} reports/s",
        f64::from(acknowledged) / elapsed
    );

    // The same load while 20 readers read. The listing readers are the
    // committee of another factory with 20 cases (the inbox of the first
    // factory's committee holds the 1,000 reports above, which would measure
    // JSON, not the database).
    let other = hub.factory(false).await;
    let committee_id = hub.handler("factory_committee", Some(&other), workervoice_e2e::HANDLER_PASSWORD).await;
    hub.publish_directory().await;
    let committee = hub.handler_session(&committee_id, workervoice_e2e::HANDLER_PASSWORD).await;
    let reply: DirectoryResponse =
        http.get(format!("{}/v1/directory?have=0", hub.url())).send().await.expect("dir").json().await.expect("json");
    let directory =
        workervoice_core::directory::verify(&reply.directory.expect("signed"), &pinned, None).expect("verified");
    let committee_draft = workervoice_core::grievance::GrievanceDraft {
        routes: vec![workervoice_core::grievance::GrievanceRoute::FactoryCommittee],
        ..core_draft.clone()
    };
    let mut followed = Vec::new();
    for _ in 0..20 {
        let keys = receipt::keys_of(&receipt::generate().expect("receipt")).expect("keys");
        let framed =
            grievance::seal(&committee_draft, &directory, &other.id, None, &keys, "en", 0).expect("seal").framed;
        let response = http
            .post(url.as_str())
            .header("content-type", SUBMISSION_CONTENT_TYPE)
            .body(framed)
            .send()
            .await
            .expect("post");
        assert!(response.status().is_success());
        followed.push(CaseCursor { case_id: keys.case_id.clone(), token: keys.token.to_vec(), since: 1 });
    }
    let bodies = seal_reports(&core_draft, &directory, &factory.id);
    let stop = Arc::new(AtomicBool::new(false));
    let list_url = Arc::new(format!("{}/handler/v1/cases", hub.url()));
    let sync_url = Arc::new(format!("{}/v1/cases/sync", hub.url()));
    let token = Arc::new(committee.session.token().to_owned());
    let listers: Vec<_> = (0..10)
        .map(|_| {
            let (http, url, token, stop) = (http.clone(), list_url.clone(), token.clone(), stop.clone());
            tokio::spawn(async move {
                read_until(&stop, || {
                    let request = http.get(url.as_str()).bearer_auth(token.as_str());
                    async move { request.send().await.expect("list").status().is_success() }
                })
                .await
            })
        })
        .collect();
    let syncers: Vec<_> = followed
        .chunks(2)
        .map(|cursors| {
            let (http, url, stop) = (http.clone(), sync_url.clone(), stop.clone());
            let body = CaseSyncRequest { cases: cursors.to_vec() };
            tokio::spawn(async move {
                read_until(&stop, || {
                    let request = http.post(url.as_str()).json(&body);
                    async move { request.send().await.expect("sync").status().is_success() }
                })
                .await
            })
        })
        .collect();
    let (acknowledged, elapsed) = submit_all(&http, &url, bodies).await;
    stop.store(true, Relaxed);
    let mut lists = Vec::new();
    for task in listers {
        lists.extend(task.await.expect("lister"));
    }
    let mut syncs = Vec::new();
    for task in syncers {
        syncs.extend(task.await.expect("syncer"));
    }
    println!(
        "hub, mixed: {acknowledged} reports acknowledged from {DEVICES} concurrent devices in {elapsed:.2} s = {:.0} reports/s, while",
        f64::from(acknowledged) / elapsed
    );
    for (what, latencies) in [("10 readers listing 20 cases", &mut lists), ("10 apps syncing nothing new", &mut syncs)]
    {
        latencies.sort();
        println!(
            "  {what}: {} answered = {:.0}/s, p50 {:.1} ms, p99 {:.1} ms",
            latencies.len(),
            latencies.len() as f64 / elapsed,
            percentile(latencies, 50).as_secs_f64() * 1000.0,
            percentile(latencies, 99).as_secs_f64() * 1000.0
        );
    }
}

/// Concurrent devices in the throughput figures, and reports each sends.
const DEVICES: usize = 100;
const PER_DEVICE: usize = 50;

/// `PER_DEVICE` sealed reports for each of `DEVICES` devices.
fn seal_reports(
    draft: &workervoice_core::grievance::GrievanceDraft,
    directory: &workervoice_protocol::directory::Directory,
    factory_id: &str,
) -> Vec<Vec<Vec<u8>>> {
    (0..DEVICES)
        .map(|_| {
            (0..PER_DEVICE)
                .map(|_| {
                    let keys = receipt::keys_of(&receipt::generate().expect("receipt")).expect("keys");
                    grievance::seal(draft, directory, factory_id, None, &keys, "en", 0).expect("seal").framed
                })
                .collect()
        })
        .collect()
}

/// Posts each device's reports in turn, the devices at once; returns the
/// reports acknowledged and the seconds it took.
async fn submit_all(http: &reqwest::Client, url: &Arc<String>, bodies: Vec<Vec<Vec<u8>>>) -> (u32, f64) {
    let start = Instant::now();
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|device_bodies| {
            let (http, url) = (http.clone(), url.clone());
            tokio::spawn(async move {
                let mut acknowledged = 0u32;
                for body in device_bodies {
                    let response = http
                        .post(url.as_str())
                        .header("content-type", SUBMISSION_CONTENT_TYPE)
                        .body(body)
                        .send()
                        .await
                        .expect("post");
                    if response.status().is_success() {
                        acknowledged += 1;
                    }
                }
                acknowledged
            })
        })
        .collect();
    let mut acknowledged = 0;
    for task in tasks {
        acknowledged += task.await.expect("task");
    }
    (acknowledged, start.elapsed().as_secs_f64())
}

/// Repeats a read until `stop`; the latency of each successful one.
async fn read_until<F, R>(stop: &AtomicBool, mut read: F) -> Vec<Duration>
where
    F: FnMut() -> R,
    R: std::future::Future<Output = bool>,
{
    let mut latencies = Vec::new();
    while !stop.load(Relaxed) {
        let start = Instant::now();
        if read().await {
            latencies.push(start.elapsed());
        }
    }
    latencies
}

/// The `p`th percentile of sorted latencies (zero when there are none).
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}
