//! Every refusal is a protocol `ErrorBody` in JSON with the status its code
//! maps to — even the ones the web framework would answer by itself.

mod support;

use reqwest::Method;
use serde_json::json;
use support::{TestHub, within_time};
use workervoice_protocol::MAX_BODY_BYTES;
use workervoice_protocol::enrol::DeviceMode;
use workervoice_protocol::paths;

async fn unsigned_post(hub: &TestHub, path: &str, body: Vec<u8>) -> support::Reply {
    let device = support::FakeDevice {
        key: support::new_key(),
        device_id: String::new(),
        base_url: hub.hub.base_url.clone(),
        http: hub.http.clone(),
    };
    device.send_raw(Method::POST, path, body, &[]).await
}

#[tokio::test]
async fn health_answers_ok_unsigned() {
    within_time(async {
        let hub = TestHub::start().await;
        let response = hub.http.get(hub.url(paths::HEALTH)).send().await.expect("sent");
        assert_eq!(response.status().as_u16(), 200);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body, json!({"ok": true}));
    })
    .await;
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    within_time(async {
        let hub = TestHub::start().await;
        unsigned_post(&hub, paths::ENROL, b"{not json".to_vec()).await.assert_error("bad_request");
        unsigned_post(&hub, paths::ENROL, Vec::new()).await.assert_error("bad_request");
        hub.admin(Method::POST, "/admin/v1/factories", Some(json!([1, 2]))).await.assert_error("bad_request");
    })
    .await;
}

#[tokio::test]
async fn wrong_types_and_bad_base64_are_bad_requests() {
    within_time(async {
        let hub = TestHub::start().await;
        let wrong_mode =
            json!({"code": "X", "mode": "kiosk", "public_key": "AAAA", "platform": "t", "signature": "AAAA"});
        unsigned_post(&hub, paths::ENROL, wrong_mode.to_string().into_bytes()).await.assert_error("bad_request");
        let padded = json!({"code": "X", "mode": "shared", "public_key": "AAA=", "platform": "t", "signature": "AAAA"});
        unsigned_post(&hub, paths::ENROL, padded.to_string().into_bytes()).await.assert_error("bad_request");
        let count_as_text = json!({"name": 12});
        hub.admin(Method::POST, "/admin/v1/factories", Some(count_as_text)).await.assert_error("bad_request");

        // Signed requests parse after verifying, with the same answers.
        let (_, device) = hub.factory_with_device(false, DeviceMode::Personal).await;
        let reply = device.post(paths::AUTH_LOGIN, &json!({"worker_number": 1001, "pin_proof": "AAAA"})).await;
        reply.assert_error("bad_request");
        let short_proof = json!({"worker_number": "1001", "pin_proof": "AAAA"});
        device.post(paths::AUTH_LOGIN, &short_proof).await.assert_error("bad_request");
        let bad_number = json!({"worker_number": "1001; drop", "pin_proof": "AAAA"});
        device.post(paths::AUTH_PARAMS, &bad_number).await.assert_error("bad_request");
    })
    .await;
}

#[tokio::test]
async fn an_oversized_body_is_payload_too_large() {
    within_time(async {
        let hub = TestHub::start().await;
        let huge = vec![b' '; MAX_BODY_BYTES + 1];
        unsigned_post(&hub, paths::ENROL, huge.clone()).await.assert_error("payload_too_large");

        let (_, device) = hub.factory_with_device(false, DeviceMode::Personal).await;
        let reply = device.send(&device.request(Method::POST, paths::AUTH_LOGIN, huge.clone())).await;
        reply.assert_error("payload_too_large");

        let admin = hub
            .http
            .post(hub.url("/admin/v1/factories"))
            .bearer_auth(hub.staff_token())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(huge)
            .send()
            .await
            .expect("sent");
        assert_eq!(admin.status().as_u16(), 413);

        // Right at the route's own limit is still read (and then refused
        // for what it says).
        let enrol_limit = workervoice_hub::route_body_limits()
            .into_iter()
            .find(|(method, path, _)| *method == "POST" && *path == paths::ENROL)
            .map(|(_, _, limit)| limit)
            .expect("enrolment has its own limit");
        assert!(enrol_limit < MAX_BODY_BYTES);
        let at_limit = vec![b' '; enrol_limit];
        unsigned_post(&hub, paths::ENROL, at_limit).await.assert_error("bad_request");
    })
    .await;
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_answer_json() {
    within_time(async {
        let hub = TestHub::start().await;
        unsigned_post(&hub, "/v1/nothing-here", b"{}".to_vec()).await.assert_error("not_found");
        unsigned_post(&hub, "/", Vec::new()).await.assert_error("not_found");
        let reply = hub.admin(Method::DELETE, "/admin/v1/factories", None).await;
        reply.assert_error("bad_request");
        let get_enrol = hub.http.get(hub.url(paths::ENROL)).send().await.expect("sent");
        assert_eq!(get_enrol.status().as_u16(), 400);
        let body: serde_json::Value = get_enrol.json().await.expect("json");
        assert_eq!(body["error"]["code"], "bad_request");
    })
    .await;
}
