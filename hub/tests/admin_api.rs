//! The staff API: token check, rosters (JSON and CSV), code issuing bounds,
//! listings.

mod support;

use reqwest::Method;
use serde_json::json;
use support::{TestHub, within_time};
use workervoice_protocol::admin::{DeviceSummary, Factory, IssueCodesResponse, RosterImportResponse, WorkerSummary};
use workervoice_protocol::enrol::DeviceMode;

async fn post_csv(hub: &TestHub, factory_id: &str, csv: &str) -> support::Reply {
    let response = hub
        .http
        .post(hub.url(&format!("/admin/v1/factories/{factory_id}/roster")))
        .bearer_auth(hub.staff_token())
        .header(reqwest::header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .body(csv.to_owned())
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(serde_json::Value::Null);
    support::Reply { status, body, content_type: "application/json".into() }
}

async fn workers(hub: &TestHub, factory_id: &str) -> Vec<WorkerSummary> {
    hub.admin(Method::GET, &format!("/admin/v1/factories/{factory_id}/workers"), None).await.ok()
}

#[tokio::test]
async fn admin_endpoints_refuse_requests_without_the_token() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let paths = [
            (Method::POST, "/admin/v1/factories".to_owned()),
            (Method::GET, "/admin/v1/factories".to_owned()),
            (Method::POST, format!("/admin/v1/factories/{}/enrolment-codes", factory.id)),
            (Method::POST, format!("/admin/v1/factories/{}/roster", factory.id)),
            (Method::GET, format!("/admin/v1/factories/{}/workers", factory.id)),
            (Method::POST, format!("/admin/v1/factories/{}/workers/1001/unlock", factory.id)),
            (Method::POST, format!("/admin/v1/factories/{}/workers/1001/reset", factory.id)),
            (Method::GET, format!("/admin/v1/factories/{}/devices", factory.id)),
            (Method::POST, "/admin/v1/devices/some-device/retire".to_owned()),
        ];
        for (method, path) in paths {
            for token in [None, Some("wrong-token"), Some("")] {
                let mut request = hub.http.request(method.clone(), hub.url(&path)).json(&json!({}));
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                let response = request.send().await.expect("sent");
                assert_eq!(response.status().as_u16(), 401, "{method} {path} with {token:?}");
                let body: serde_json::Value = response.json().await.expect("json");
                assert_eq!(body["error"]["code"], "unauthorized");
            }
        }
        // The token in another scheme is no token.
        let basic = hub
            .http
            .get(hub.url("/admin/v1/factories"))
            .header(reqwest::header::AUTHORIZATION, format!("Basic {}", hub.hub.admin_token))
            .send()
            .await
            .expect("sent");
        assert_eq!(basic.status().as_u16(), 401);
    })
    .await;
}

#[tokio::test]
async fn a_configured_admin_token_is_the_one_accepted() {
    within_time(async {
        let hub = TestHub::start_with(|config| {
            config.admin_token = Some("configured-token-123".into());
            config.seed_demo_admin = false;
        })
        .await;
        assert_eq!(hub.hub.admin_token, "configured-token-123");
        let other = hub.as_staff("another-token", Method::POST, "/admin/v1/bootstrap", None).await;
        other.assert_error("unauthorized");
        let bootstrap = hub.as_staff("configured-token-123", Method::POST, "/admin/v1/bootstrap", None).await;
        assert_eq!(bootstrap.status, 200, "{bootstrap:?}");
    })
    .await;
}

#[tokio::test]
async fn a_generated_admin_token_is_kept_across_restarts() {
    within_time(async {
        let hub = TestHub::start().await;
        let token = hub.hub.admin_token.clone();
        let data_dir = hub.data_dir();
        hub.hub.shutdown().await;
        let again = workervoice_hub::start(workervoice_hub::HubConfig::for_tests(data_dir)).await.expect("restarts");
        assert_eq!(again.admin_token, token);
        again.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_csv_roster_with_quoted_fields_imports() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let csv = "\u{feff}worker_number,display_name,language\r\n\
                   1001,\"Tran, Thi Mai\",vi\r\n\
                   1002,\"Wei \"\"Willy\"\" Li\",zh-CN\r\n\
                   1003,Amina Rahman,en\r\n";
        let imported: RosterImportResponse = post_csv(&hub, &factory.id, csv).await.ok();
        assert_eq!(imported.added, 3);
        assert_eq!(imported.updated, 0);
        assert_eq!(imported.activation_codes.len(), 3);
        for code in &imported.activation_codes {
            assert_eq!(workervoice_protocol::codes::normalize_code(&code.activation_code).len(), 10);
        }
        let listed = workers(&hub, &factory.id).await;
        assert_eq!(listed.len(), 3);
        assert_eq!(listed[0].display_name, "Tran, Thi Mai");
        assert_eq!(listed[1].display_name, "Wei \"Willy\" Li");
        assert!(listed.iter().all(|w| !w.activated && !w.locked && w.failed_attempts == 0));
    })
    .await;
}

#[tokio::test]
async fn a_bad_row_rejects_the_whole_import() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let bad_rows = [
            "1002,Wei Li,not a language",
            "10 02,Wei Li,zh-CN",
            "1002,,zh-CN",
            "1002,Wei Li",
            "1001,Duplicate,vi",
            &format!("{},Long Number,en", "9".repeat(33)),
            &format!("1002,{},en", "x".repeat(201)),
        ];
        for bad in bad_rows {
            let csv = format!("worker_number,display_name,language\n1001,Lan,vi\n{bad}\n1003,Amina,en\n");
            post_csv(&hub, &factory.id, &csv).await.assert_error("bad_request");
        }
        post_csv(&hub, &factory.id, "worker_number,name,language\n1001,Lan,vi\n").await.assert_error("bad_request");
        post_csv(&hub, &factory.id, "worker_number,display_name,language\n").await.assert_error("bad_request");
        assert!(workers(&hub, &factory.id).await.is_empty(), "nothing was imported");
    })
    .await;
}

#[tokio::test]
async fn a_json_roster_reimport_updates_names_and_adds_only_new_workers() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let first = hub.import_roster(&factory.id, &[("1001", "Lan", "vi"), ("1002", "Wei", "zh-CN")]).await;
        assert_eq!((first.added, first.updated), (2, 0));
        let second = hub
            .import_roster(
                &factory.id,
                &[("1001", "Lan Nguyen", "vi"), ("1002", "Wei", "zh-CN"), ("1003", "Amina", "en")],
            )
            .await;
        assert_eq!((second.added, second.updated), (1, 1));
        assert_eq!(second.activation_codes.len(), 1);
        assert_eq!(second.activation_codes[0].worker_number, "1003");
        let listed = workers(&hub, &factory.id).await;
        assert_eq!(listed[0].display_name, "Lan Nguyen");
    })
    .await;
}

#[tokio::test]
async fn enrolment_codes_are_issued_only_within_bounds() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let path = format!("/admin/v1/factories/{}/enrolment-codes", factory.id);
        for (count, days) in [(0, 7), (501, 7), (1, 0), (1, 91)] {
            let reply =
                hub.admin(Method::POST, &path, Some(json!({"mode": "personal", "count": count, "valid_days": days})));
            reply.await.assert_error("bad_request");
        }
        let issued: IssueCodesResponse =
            hub.admin(Method::POST, &path, Some(json!({"mode": "shared", "count": 3}))).await.ok();
        assert_eq!(issued.codes.len(), 3);
        assert!(issued.codes.iter().all(|code| code.mode == DeviceMode::Shared));
        let distinct: std::collections::HashSet<_> = issued.codes.iter().map(|c| &c.code).collect();
        assert_eq!(distinct.len(), 3);
        // Default validity: 14 days.
        let expected = support::now() + 14 * 86_400;
        assert!((issued.codes[0].expires_at - expected).abs() < 60);
    })
    .await;
}

#[tokio::test]
async fn unknown_factories_workers_and_devices_are_not_found() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let missing = "00000000-0000-4000-8000-000000000000";
        let replies = [
            hub.admin(Method::GET, &format!("/admin/v1/factories/{missing}/workers"), None).await,
            hub.admin(Method::GET, &format!("/admin/v1/factories/{missing}/devices"), None).await,
            hub.admin(
                Method::POST,
                &format!("/admin/v1/factories/{missing}/enrolment-codes"),
                Some(json!({"mode": "personal", "count": 1})),
            )
            .await,
            hub.admin(
                Method::POST,
                &format!("/admin/v1/factories/{missing}/roster"),
                Some(json!({"workers": [{"worker_number": "1", "display_name": "A", "language": "en"}]})),
            )
            .await,
            hub.admin(Method::POST, &format!("/admin/v1/factories/{}/workers/404/unlock", factory.id), None).await,
            hub.admin(Method::POST, &format!("/admin/v1/factories/{}/workers/404/reset", factory.id), None).await,
            hub.admin(Method::POST, &format!("/admin/v1/devices/{missing}/retire"), None).await,
        ];
        for reply in replies {
            reply.assert_error("not_found");
        }
    })
    .await;
}

#[tokio::test]
async fn factories_list_shows_join_codes_only_where_self_registration_is_on() {
    within_time(async {
        let hub = TestHub::start().await;
        let open = hub.create_factory(true).await;
        let closed = hub.create_factory(false).await;
        let listed: Vec<Factory> = hub.admin(Method::GET, "/admin/v1/factories", None).await.ok();
        assert_eq!(listed.len(), 2);
        let find = |id: &str| listed.iter().find(|f| f.id == id).unwrap().clone();
        assert_eq!(find(&open.id).join_code, open.join_code);
        assert_eq!(find(&closed.id).join_code, None);
        hub.admin(Method::POST, "/admin/v1/factories", Some(json!({"name": "  "}))).await.assert_error("bad_request");
    })
    .await;
}

#[tokio::test]
async fn devices_are_listed_per_factory_and_retiring_is_idempotent() {
    within_time(async {
        let hub = TestHub::start().await;
        let (factory, device) = hub.factory_with_device(false, DeviceMode::Shared).await;
        let listed: Vec<DeviceSummary> =
            hub.admin(Method::GET, &format!("/admin/v1/factories/{}/devices", factory.id), None).await.ok();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].device_id, device.device_id);
        assert_eq!(listed[0].platform, "test");
        assert_eq!(listed[0].state, "active");
        let retire = format!("/admin/v1/devices/{}/retire", device.device_id);
        let first: DeviceSummary = hub.admin(Method::POST, &retire, None).await.ok();
        let second: DeviceSummary = hub.admin(Method::POST, &retire, None).await.ok();
        assert_eq!(first.state, "retired");
        assert_eq!(second.state, "retired");
    })
    .await;
}
