//! A hub whose disk is full: the device keeps what it could not deliver and
//! delivers it once there is room again, once.

use std::time::Duration;

use workervoice::{DeviceMode, GrievanceDraft, GrievanceRoute, OutboxState};
use workervoice_e2e::{TestDevice, TestHub};

fn draft(text: String) -> GrievanceDraft {
    GrievanceDraft {
        category_id: "wages".into(),
        text,
        anonymous: true,
        routes: vec![GrievanceRoute::IndependentHotline],
        callback: None,
        attachments: vec![],
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_report_refused_by_a_full_hub_stays_on_the_device_and_arrives_once_there_is_room() {
    let hub = TestHub::start().await;
    let (factory, _, hotline) = hub.grievance_programme().await;
    let phone = TestDevice::grievance_device(&hub, &hub.url(), &factory, DeviceMode::Personal, Some("3003")).await;
    phone.app.sync_now(false).await.expect("directory");

    // As if the hub's disk had room for little more than it holds now.
    hub.hub.limit_database_pages(1).await.expect("limit");
    let mut refused = None;
    for i in 0..100 {
        let text = format!("Report {i}: {}", "the fire exit on line 2 is locked again. ".repeat(600));
        let outcome = phone.app.submit_grievance(draft(text)).expect("kept on the device");
        let report = phone.app.sync_now(true).await.expect("a refusal is not a sync error");
        if report.pending > 0 {
            refused = Some(outcome);
            break;
        }
    }
    let refused = refused.expect("the hub filled up");
    let status = phone.app.submission_status(refused.client_id.clone()).unwrap().expect("still in the outbox");
    assert_eq!(status.state, OutboxState::Queued, "a full hub is a reason to retry, not a refusal: {status:?}");

    // Room again: the next syncs deliver it, once.
    hub.hub.limit_database_pages(u64::from(u32::MAX)).await.expect("lift");
    let mut delivered = false;
    for _ in 0..50 {
        let report = phone.app.sync_now(true).await.expect("sync");
        if report.pending == 0 {
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(delivered, "the outbox never drained");
    let status = phone.app.submission_status(refused.client_id.clone()).unwrap().expect("kept as delivered");
    assert_eq!(status.state, OutboxState::Delivered);
    let (code, view) = hotline.open(&refused.receipt.case_id).await;
    assert_eq!(code, 200, "{view}");
    assert!(view["content"]["text"].as_str().is_some_and(|text| text.contains("fire exit")), "{view}");
}
