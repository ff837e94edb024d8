//! Signed device requests: only an enrolled, active device's fresh, unaltered,
//! never-seen request gets through.

mod support;

use reqwest::Method;
use support::{FakeDevice, Signed, TestHub, new_key, within_time};
use workervoice_protocol::auth::AuthParamsRequest;
use workervoice_protocol::enrol::{DeviceMode, DeviceStatusResponse};
use workervoice_protocol::paths;
use workervoice_protocol::signing::MAX_CLOCK_SKEW_SECS;

fn params_body() -> Vec<u8> {
    serde_json::to_vec(&AuthParamsRequest { worker_number: "1001".into() }).unwrap()
}

async fn hub_with_device() -> (TestHub, FakeDevice) {
    let hub = TestHub::start().await;
    let (_, device) = hub.factory_with_device(false, DeviceMode::Personal).await;
    (hub, device)
}

#[tokio::test]
async fn a_properly_signed_request_is_answered() {
    within_time(async {
        let (_hub, device) = hub_with_device().await;
        let reply = device.send(&device.request(Method::POST, paths::AUTH_PARAMS, params_body())).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        let status: DeviceStatusResponse =
            device.send(&device.request(Method::GET, paths::DEVICE_STATUS, Vec::new())).await.ok();
        assert_eq!(status.device_id, device.device_id);
        assert_eq!(status.state, "active");
    })
    .await;
}

#[tokio::test]
async fn an_unsigned_request_is_unauthorized() {
    within_time(async {
        let (_hub, device) = hub_with_device().await;
        let reply = device.send_raw(Method::POST, paths::AUTH_PARAMS, params_body(), &[]).await;
        reply.assert_error("unauthorized");
        let status = device.send_raw(Method::GET, paths::DEVICE_STATUS, Vec::new(), &[]).await;
        status.assert_error("unauthorized");
    })
    .await;
}

#[tokio::test]
async fn a_request_missing_one_header_is_unauthorized() {
    within_time(async {
        let (_hub, device) = hub_with_device().await;
        let signed = device.request(Method::POST, paths::AUTH_PARAMS, params_body());
        let headers = device.headers_for(&signed, &device.key);
        for skipped in 0..headers.len() {
            let partial: Vec<_> =
                headers.iter().enumerate().filter(|(i, _)| *i != skipped).map(|(_, h)| h.clone()).collect();
            let reply = device.send_raw(Method::POST, &signed.path, signed.body.clone(), &partial).await;
            reply.assert_error("unauthorized");
        }
    })
    .await;
}

#[tokio::test]
async fn a_tampered_body_is_unauthorized() {
    within_time(async {
        let (_hub, device) = hub_with_device().await;
        let signed = device.request(Method::POST, paths::AUTH_PARAMS, params_body());
        let headers = device.headers_for(&signed, &device.key);
        let tampered = serde_json::to_vec(&AuthParamsRequest { worker_number: "1002".into() }).unwrap();
        let reply = device.send_raw(Method::POST, &signed.path, tampered, &headers).await;
        reply.assert_error("unauthorized");
    })
    .await;
}

#[tokio::test]
async fn a_tampered_path_or_query_is_unauthorized() {
    within_time(async {
        let (_hub, device) = hub_with_device().await;
        let signed = device.request(Method::POST, paths::AUTH_PARAMS, params_body());
        let headers = device.headers_for(&signed, &device.key);
        let with_query = format!("{}?x=1", paths::AUTH_PARAMS);
        device.send_raw(Method::POST, &with_query, signed.body.clone(), &headers).await.assert_error("unauthorized");

        let login = device.request(Method::POST, paths::AUTH_LOGIN, params_body());
        let headers = device.headers_for(&login, &device.key);
        let reply = device.send_raw(Method::POST, paths::AUTH_CHANGE_PIN, login.body.clone(), &headers).await;
        reply.assert_error("unauthorized");
    })
    .await;
}

#[tokio::test]
async fn a_request_signed_with_another_key_is_unauthorized() {
    within_time(async {
        let (_hub, device) = hub_with_device().await;
        let signed = device.request(Method::POST, paths::AUTH_PARAMS, params_body());
        let headers = device.headers_for(&signed, &new_key());
        let reply = device.send_raw(Method::POST, &signed.path, signed.body.clone(), &headers).await;
        reply.assert_error("unauthorized");
    })
    .await;
}

#[tokio::test]
async fn a_request_from_an_unknown_device_is_unauthorized() {
    within_time(async {
        let (hub, _) = hub_with_device().await;
        let stranger = FakeDevice {
            key: new_key(),
            device_id: "00000000-0000-4000-8000-000000000000".into(),
            base_url: hub.hub.base_url.clone(),
            http: hub.http.clone(),
        };
        let reply = stranger.send(&stranger.request(Method::POST, paths::AUTH_PARAMS, params_body())).await;
        reply.assert_error("unauthorized");
    })
    .await;
}

#[tokio::test]
async fn a_replayed_request_is_refused() {
    within_time(async {
        let (_hub, device) = hub_with_device().await;
        let signed = device.request(Method::POST, paths::AUTH_PARAMS, params_body());
        assert_eq!(device.send(&signed).await.status, 200);
        device.send(&signed).await.assert_error("replayed");
        // The same nonce with a new timestamp is still a replay.
        let restamped = Signed { timestamp: signed.timestamp - 1, ..signed };
        device.send(&restamped).await.assert_error("replayed");
    })
    .await;
}

#[tokio::test]
async fn a_nonce_of_the_wrong_length_is_unauthorized() {
    within_time(async {
        let (_hub, device) = hub_with_device().await;
        let mut signed = device.request(Method::POST, paths::AUTH_PARAMS, params_body());
        signed.nonce = workervoice_protocol::b64::encode(&[7u8; 8]);
        device.send(&signed).await.assert_error("unauthorized");
    })
    .await;
}

#[tokio::test]
async fn a_stale_or_future_timestamp_is_clock_skew() {
    within_time(async {
        let (_hub, device) = hub_with_device().await;
        for offset in [-(MAX_CLOCK_SKEW_SECS + 60), MAX_CLOCK_SKEW_SECS + 60] {
            let mut signed = device.request(Method::POST, paths::AUTH_PARAMS, params_body());
            signed.timestamp += offset;
            device.send(&signed).await.assert_error("clock_skew");
        }
        // Inside the window is fine.
        let mut signed = device.request(Method::POST, paths::AUTH_PARAMS, params_body());
        signed.timestamp -= MAX_CLOCK_SKEW_SECS - 30;
        assert_eq!(device.send(&signed).await.status, 200);
    })
    .await;
}

#[tokio::test]
async fn a_retired_device_gets_device_retired() {
    within_time(async {
        let (hub, device) = hub_with_device().await;
        let reply = hub.admin(Method::POST, &format!("/admin/v1/devices/{}/retire", device.device_id), None).await;
        let summary: workervoice_protocol::admin::DeviceSummary = reply.ok();
        assert_eq!(summary.state, "retired");
        device
            .send(&device.request(Method::POST, paths::AUTH_PARAMS, params_body()))
            .await
            .assert_error("device_retired");
        device
            .send(&device.request(Method::GET, paths::DEVICE_STATUS, Vec::new()))
            .await
            .assert_error("device_retired");
        // Only a request that proves the key learns the device is retired.
        let signed = device.request(Method::GET, paths::DEVICE_STATUS, Vec::new());
        let forged = device.headers_for(&signed, &new_key());
        device.send_raw(Method::GET, &signed.path, Vec::new(), &forged).await.assert_error("unauthorized");
    })
    .await;
}

#[tokio::test]
async fn a_signed_request_updates_last_seen() {
    within_time(async {
        let (hub, device) = hub_with_device().await;
        let factory_id: String = {
            let list = hub.admin(Method::GET, "/admin/v1/factories", None).await;
            let factories: Vec<workervoice_protocol::admin::Factory> = list.ok();
            factories[0].id.clone()
        };
        let devices_path = format!("/admin/v1/factories/{factory_id}/devices");
        let before: Vec<workervoice_protocol::admin::DeviceSummary> =
            hub.admin(Method::GET, &devices_path, None).await.ok();
        assert_eq!(before[0].last_seen_at, None);
        device.send(&device.request(Method::GET, paths::DEVICE_STATUS, Vec::new())).await.ok::<DeviceStatusResponse>();
        let after: Vec<workervoice_protocol::admin::DeviceSummary> =
            hub.admin(Method::GET, &devices_path, None).await.ok();
        assert!(after[0].last_seen_at.is_some());
        assert_eq!(after[0].mode, DeviceMode::Personal);
    })
    .await;
}
