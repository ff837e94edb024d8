//! Anonymous stays anonymous on the wire (issue 16, ADR 0016): read as the
//! hub's operator reads its traffic — which connection carried which
//! request, and when — a sync never puts a request that names the device or
//! a worker (signed) beside one that must not be linked to them (reports,
//! survey answers, case pulls).
//!
//! The rule an observer would use, and that these tests defeat: "requests
//! on one connection come from one device" and "requests in the same second
//! as a signed one come from the device that signed it".

use workervoice::{DeviceMode, GrievanceDraft, GrievanceRoute};
use workervoice_e2e::fault_proxy::{FaultProxy, SeenRequest};
use workervoice_e2e::{TestDevice, TestHub};

fn draft(text: &str, anonymous: bool) -> GrievanceDraft {
    GrievanceDraft {
        category_id: "wages".into(),
        text: text.into(),
        anonymous,
        routes: vec![GrievanceRoute::IndependentHotline],
        callback: None,
        attachments: vec![],
    }
}

/// Requests that must never be tied to a device or a worker.
fn is_unlinkable_traffic(request: &SeenRequest) -> bool {
    ["/v1/submissions", "/v1/cases", "/v1/surveys/responses"].iter().any(|path| request.line.contains(path))
}

/// Panics if a connection carried a signed request and an unlinkable one,
/// or if an unlinkable request carried a signature.
fn assert_separated(log: &[Vec<SeenRequest>]) {
    for (index, connection) in log.iter().enumerate() {
        let signed = connection.iter().filter(|request| request.signed).count();
        let unlinkable = connection.iter().filter(|request| is_unlinkable_traffic(request)).count();
        assert!(
            signed == 0 || unlinkable == 0,
            "connection {index} carried signed and unlinkable requests: {connection:#?}"
        );
        assert!(connection.iter().all(|request| !(request.signed && is_unlinkable_traffic(request))));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_connection_carries_both_a_signed_request_and_a_report_or_case_pull() {
    let hub = TestHub::start().await;
    let (factory, _, _) = hub.grievance_programme().await;
    let proxy = FaultProxy::start(&hub.url(), 0, 3).await;
    let phone = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Personal, Some("5101")).await;
    phone.app.sync_now(false).await.expect("directory");
    phone.app.submit_grievance(draft("named report", false)).expect("named");
    phone.app.submit_grievance(draft("anonymous report", true)).expect("anonymous");
    let kiosk = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Shared, None).await;
    kiosk.app.sync_now(false).await.expect("directory");
    kiosk.app.submit_grievance(draft("kiosk report", true)).expect("kiosk anonymous");
    proxy.clear_connection_log();

    let delivered = phone.app.sync_now(true).await.expect("phone sync");
    assert_eq!(delivered.delivered, 2);
    // A second pass pulls both cases: one request each, on its own connection.
    phone.app.sync_now(true).await.expect("phone pull");
    assert_eq!(kiosk.app.sync_now(true).await.expect("kiosk sync").delivered, 1);

    let log = proxy.connection_log();
    assert_separated(&log);
    let requests: Vec<&SeenRequest> = log.iter().flatten().collect();
    assert!(requests.iter().any(|request| request.signed), "the passes made no signed request: {log:#?}");
    assert_eq!(requests.iter().filter(|r| r.line.contains("/v1/submissions")).count(), 3);
    // Each unlinkable request on a connection of its own.
    for connection in &log {
        assert!(connection.iter().filter(|request| is_unlinkable_traffic(request)).count() <= 1, "{connection:#?}");
    }
    let pulls = requests.iter().filter(|r| r.line.contains("/v1/cases/sync")).count();
    assert!(pulls >= 2, "one pull per case, not one for all: {pulls}");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_signed_request_goes_out_inside_the_unsigned_phase_and_random_pauses_part_them() {
    let hub = TestHub::start().await;
    let (factory, _, _) = hub.grievance_programme().await;
    let proxy = FaultProxy::start(&hub.url(), 0, 4).await;
    // A tablet: its pass always makes a signed request (the health report).
    let kiosk = TestDevice::grievance_device(&hub, &proxy.url, &factory, DeviceMode::Shared, None).await;
    kiosk.app.sync_now(false).await.expect("directory");
    // Reports with a photo each go alone (a batch takes only text reports).
    for i in 0..4 {
        let mut report = draft(&format!("report {i}"), true);
        report.attachments = vec![workervoice::AttachmentDraft {
            kind: workervoice::AttachmentType::Photo,
            mime: "image/jpeg".into(),
            bytes: vec![i; 2_000],
        }];
        kiosk.app.submit_grievance(report).expect("submit");
    }
    kiosk.app.set_unsigned_send_spacing(1);
    proxy.clear_connection_log();
    assert_eq!(kiosk.app.sync_now(true).await.expect("sync").delivered, 4);

    let log = proxy.connection_log();
    assert_separated(&log);
    let requests: Vec<&SeenRequest> = log.iter().flatten().collect();
    let mut unsigned: Vec<_> = requests.iter().filter(|r| is_unlinkable_traffic(r)).map(|r| r.at).collect();
    unsigned.sort();
    // A submission, its upload's progress and one chunk, four times.
    assert!(unsigned.len() >= 12, "{log:#?}");
    let (first, last) = (unsigned[0], unsigned[unsigned.len() - 1]);
    let signed: Vec<_> = requests.iter().filter(|r| r.signed).map(|r| r.at).collect();
    assert!(!signed.is_empty(), "the tablet reports its health, signed");
    assert!(
        signed.iter().all(|at| *at < first || *at > last),
        "a signed request went out inside the unsigned phase: {log:#?}"
    );
    // Pauses are random in [0, 1 s]: one after each of three reports and one
    // before the health report are not all (near) zero unless the random
    // source is broken (chance about 1e-6).
    let health = signed.iter().copied().filter(|at| *at > last).min().expect("the health report after the outbox");
    assert!(health - first > std::time::Duration::from_millis(100), "no pauses: {:?}", health - first);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_outbox_keys_a_report_by_an_id_the_hub_never_sees() {
    let hub = TestHub::start().await;
    let (factory, _, _) = hub.grievance_programme().await;
    let phone = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Personal, Some("5103")).await;
    phone.app.sync_now(false).await.expect("directory");
    let mut report = draft("with a photo, so the resumable upload is used too", true);
    report.attachments = vec![workervoice::AttachmentDraft {
        kind: workervoice::AttachmentType::Photo,
        mime: "image/jpeg".into(),
        bytes: vec![9; 3_000],
    }];
    let outcome = phone.app.submit_grievance(report).expect("submit");
    assert_eq!(phone.app.sync_now(true).await.expect("sync").delivered, 1);
    let db = rusqlite::Connection::open(hub.dir.path().join("hub.db")).expect("hub database");
    let (hub_client_id, complete): (String, i64) = db
        .query_row(
            "SELECT c.client_id, (SELECT count(*) FROM case_attachments a WHERE a.case_id = c.case_id AND a.complete) \
             FROM cases c WHERE c.case_id = ?1",
            [&outcome.receipt.case_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("the case is on the hub");
    assert_ne!(hub_client_id, outcome.client_id, "the device's outbox id is its own");
    assert_eq!(complete, 1, "the attachment arrived under the hub's id");
}
