//! What sync costs on the wire, and what the hub sustains — printed figures,
//! one run, a real hub on loopback and real devices behind a counting proxy:
//!
//! - bytes on the wire for one text report, against its sealed size and text;
//! - round trips to deliver 1,000 queued reports (a tablet: batches);
//! - what the separation of unsigned traffic costs a personal phone: requests
//!   and connections of a sync that delivers one report and pulls its cases;
//! - a sync with nothing new (target: one request, under 1 KB);
//! - a content (catalog) re-sync with nothing new (target: one request, under 2 KB);
//! - hub: acknowledged reports per second with 100 concurrent devices.
//!
//! Run: `cargo bench -p workervoice-e2e --bench sync_wire`.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use workervoice::{DeviceMode, GrievanceDraft, GrievanceRoute};
use workervoice_core::grievance::{self, receipt};
use workervoice_e2e::fault_proxy::FaultProxy;
use workervoice_e2e::{TestDevice, TestHub};
use workervoice_protocol::directory::DirectoryResponse;
use workervoice_protocol::grievance::SUBMISSION_CONTENT_TYPE;

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
    let per_device = 50;
    let devices = 100;
    let bodies: Vec<Vec<Vec<u8>>> = (0..devices)
        .map(|_| {
            (0..per_device)
                .map(|_| {
                    let keys = receipt::keys_of(&receipt::generate().expect("receipt")).expect("keys");
                    grievance::seal(&core_draft, &directory, &factory.id, None, &keys, "en", 0).expect("seal").framed
                })
                .collect()
        })
        .collect();
    let url = Arc::new(format!("{}/v1/submissions", hub.url()));
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
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "hub: {acknowledged} reports acknowledged from {devices} concurrent devices in {elapsed:.2} s = {:.0} reports/s",
        f64::from(acknowledged) / elapsed
    );
}
