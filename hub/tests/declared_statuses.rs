//! Every status a route answers is one its OpenAPI description lists for it
//! (ADR 0022), and every refusal's code is one the description lists for
//! that status (`x-error-codes`).
//!
//! A real hub on loopback is driven, route by route from its own
//! description, with the requests any client can get wrong: no credentials,
//! wrong credentials, a body that is not JSON, an empty JSON object, a query
//! that does not parse, and a body declared larger than any limit. A route
//! that starts answering a status or a code its row in `hub/src/openapi.rs`
//! does not list fails here; the API fuzzer (`scripts/api-fuzz`, check
//! `status_code_conformance`) does the same with generated requests.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;
use support::cases::Programme;
use support::{FakeDevice, within_time};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use workervoice_protocol::enrol::DeviceMode;

/// Who a probe presents itself as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Credentials {
    /// Nothing at all.
    None,
    /// Credentials of the right kind that are not valid.
    Wrong,
    /// Valid credentials for the route.
    Right,
}

/// One request a probe sends.
#[derive(Debug, Clone, Copy)]
struct Probe {
    name: &'static str,
    credentials: Credentials,
    body: &'static [u8],
    /// A query string appended to the path (for routes with query parameters).
    bad_query: bool,
}

const PROBES: [Probe; 5] = [
    Probe { name: "no credentials", credentials: Credentials::None, body: b"", bad_query: false },
    Probe { name: "wrong credentials", credentials: Credentials::Wrong, body: b"{}", bad_query: false },
    Probe { name: "a body that is not JSON", credentials: Credentials::Right, body: b"{not json", bad_query: false },
    Probe { name: "an empty JSON object", credentials: Credentials::Right, body: b"{}", bad_query: false },
    Probe { name: "a query that does not parse", credentials: Credentials::Right, body: b"", bad_query: true },
];

/// An operation as its description states it.
struct Described {
    method: Method,
    template: String,
    security: BTreeSet<String>,
    has_query: Vec<String>,
    /// Status → the error codes listed for it (empty for a success status).
    statuses: BTreeMap<u16, BTreeSet<String>>,
}

fn described_operations() -> Vec<Described> {
    let document: Value = serde_json::from_str(&workervoice_hub::openapi_json()).expect("the description is JSON");
    let mut operations = Vec::new();
    for (template, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let mut statuses = BTreeMap::new();
            for (status, response) in operation["responses"].as_object().expect("responses") {
                let status: u16 = status.parse().unwrap_or_else(|_| panic!("{method} {template}: status {status}"));
                let codes = response["x-error-codes"]
                    .as_array()
                    .map(|codes| codes.iter().filter_map(|code| code.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default();
                statuses.insert(status, codes);
            }
            let security = operation["security"]
                .as_array()
                .map(|requirements| {
                    requirements
                        .iter()
                        .filter_map(Value::as_object)
                        .flat_map(|requirement| requirement.keys().cloned())
                        .collect()
                })
                .unwrap_or_default();
            let has_query = operation["parameters"]
                .as_array()
                .map(|parameters| {
                    parameters
                        .iter()
                        .filter(|parameter| parameter["in"] == "query")
                        .filter_map(|parameter| parameter["name"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            operations.push(Described {
                method: method.to_ascii_uppercase().parse().expect("a method"),
                template: template.clone(),
                security,
                has_query,
                statuses,
            });
        }
    }
    // Sessions are ended last, so the routes after them still see a valid one.
    operations.sort_by_key(|operation| operation.template.ends_with("/logout"));
    operations
}

/// The path with each `{parameter}` replaced by a value that names nothing.
fn concrete_path(template: &str) -> String {
    template
        .split('/')
        .map(|segment| if segment.starts_with('{') { "no-such-thing" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

/// What the hub answered: status and, for a refusal, its code.
#[derive(Debug)]
struct Answer {
    status: u16,
    code: Option<String>,
}

impl Answer {
    fn from_parts(status: u16, body: &[u8]) -> Self {
        let code = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|body| body["error"]["code"].as_str().map(str::to_owned));
        Self { status, code }
    }
}

struct Prober {
    programme: Programme,
    device: FakeDevice,
    reader_token: String,
}

impl Prober {
    async fn send(&self, operation: &Described, probe: Probe) -> Answer {
        let hub = &self.programme.hub;
        let mut path = concrete_path(&operation.template);
        if probe.bad_query {
            for name in &operation.has_query {
                path.push_str(if path.contains('?') { "&" } else { "?" });
                path.push_str(&format!("{name}=%FF%FE&{name}=twice"));
            }
        }
        let mut headers: Vec<(&'static str, String)> = Vec::new();
        let bearer = |token: &str| ("authorization", format!("Bearer {token}"));
        let security = &operation.security;
        let device_signed = security.contains("device_signature");
        match probe.credentials {
            Credentials::None => {}
            Credentials::Wrong if device_signed => {
                let signed = self.device.request(operation.method.clone(), &path, probe.body.to_vec());
                // Signed by a key the hub never enrolled.
                headers = self.device.headers_for(&signed, &support::new_key());
            }
            Credentials::Wrong if !security.is_empty() => headers.push(bearer("not-a-session")),
            Credentials::Wrong => {}
            Credentials::Right if device_signed => {
                let signed = self.device.request(operation.method.clone(), &path, probe.body.to_vec());
                headers = self.device.headers_for(&signed, &self.device.key);
            }
            Credentials::Right if security.contains("staff_session") => headers.push(bearer(hub.staff_token())),
            Credentials::Right if security.contains("admin_token") => headers.push(bearer(&hub.hub.admin_token)),
            Credentials::Right if security.contains("reader_session") => headers.push(bearer(&self.reader_token)),
            Credentials::Right => {}
        }
        let mut request = hub
            .http
            .request(operation.method.clone(), hub.url(&path))
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        if operation.method != Method::GET || !probe.body.is_empty() {
            request = request.body(probe.body.to_vec());
        }
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().await.expect("the hub answers");
        let status = response.status().as_u16();
        let body = response.bytes().await.expect("a body");
        Answer::from_parts(status, &body)
    }

    /// A request head declaring a body larger than any route accepts; the
    /// hub must answer from the head alone.
    async fn send_oversized(&self, operation: &Described) -> Answer {
        let hub = &self.programme.hub;
        let mut stream = tokio::net::TcpStream::connect(hub.hub.local_addr).await.expect("connects");
        let head = format!(
            "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n",
            operation.method,
            concrete_path(&operation.template),
            1u64 << 40
        );
        stream.write_all(head.as_bytes()).await.expect("head sent");
        let mut reply = Vec::new();
        tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut reply))
            .await
            .expect("the hub answers without the body")
            .expect("the answer reads");
        let text = String::from_utf8_lossy(&reply);
        let status = text.split(' ').nth(1).and_then(|status| status.parse().ok()).unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map(|(_, body)| body.as_bytes().to_vec()).unwrap_or_default();
        Answer::from_parts(status, &body)
    }
}

/// What is wrong with `answer` for `operation`, if anything.
fn mismatch(operation: &Described, answer: &Answer) -> Option<String> {
    let Some(codes) = operation.statuses.get(&answer.status) else {
        return Some(format!("status {} is not listed ({:?})", answer.status, answer.code));
    };
    // An answer other than a refusal (304, 206, 409 with progress, 503 with
    // checks) lists no codes: its body is the route's own.
    if answer.status >= 400 && !codes.is_empty() {
        match &answer.code {
            Some(code) if codes.contains(code) => None,
            Some(code) => Some(format!("status {} with code {code}, not among {codes:?}", answer.status)),
            None => Some(format!("status {} without an ErrorBody", answer.status)),
        }
    } else {
        None
    }
}

#[tokio::test]
async fn every_route_answers_only_statuses_and_codes_its_description_lists() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let code = hub.issue_code(&programme.factory.id, DeviceMode::Personal).await;
        let device = FakeDevice::enrol(hub, &code.code, DeviceMode::Personal).await;
        let reader_token = hub.login(&programme.hotline).await.token;
        let prober = Prober { programme, device, reader_token };

        let operations = described_operations();
        assert!(operations.len() > 50, "only {} operations described", operations.len());
        let mut wrong = Vec::new();
        let mut seen = BTreeSet::new();
        for operation in &operations {
            assert!(!operation.statuses.is_empty(), "{} {} lists no status", operation.method, operation.template);
            for probe in PROBES {
                if probe.bad_query && operation.has_query.is_empty() {
                    continue;
                }
                let answer = prober.send(operation, probe).await;
                seen.insert(answer.status);
                if let Some(problem) = mismatch(operation, &answer) {
                    wrong.push(format!("{} {} ({}): {problem}", operation.method, operation.template, probe.name));
                }
            }
            let answer = prober.send_oversized(operation).await;
            seen.insert(answer.status);
            if answer.status != 413 {
                wrong
                    .push(format!("{} {}: a body over the limit got {answer:?}", operation.method, operation.template));
            } else if let Some(problem) = mismatch(operation, &answer) {
                wrong.push(format!("{} {} (oversized): {problem}", operation.method, operation.template));
            }
        }
        assert!(wrong.is_empty(), "answers the description does not list:\n{}", wrong.join("\n"));
        // The probes reached past the gates, not only into them.
        for status in [200, 400, 401, 404, 413] {
            assert!(seen.contains(&status), "no route answered {status}: the probes did not reach it ({seen:?})");
        }
    })
    .await;
}

/// Found by the API fuzzer's long run: inviting staff for a factory that
/// does not exist answered `not_found`, which the description did not list.
#[tokio::test]
async fn inviting_staff_or_a_reader_for_a_factory_that_does_not_exist_is_a_listed_not_found() {
    within_time(async {
        let hub = support::TestHub::start().await;
        let operations = described_operations();
        let described = |template: &str| {
            operations
                .iter()
                .find(|operation| operation.method == Method::POST && operation.template == template)
                .unwrap_or_else(|| panic!("POST {template} is described"))
        };
        let invitations = [
            (
                "/admin/v1/staff/invitations",
                serde_json::json!({"role": "factory_admin", "factory_ids": ["no-such-factory"]}),
            ),
            (
                "/admin/v1/staff/invitations",
                serde_json::json!({"role": "brand_staff", "factory_ids": [], "brand_id": "no-such-brand"}),
            ),
            (
                "/admin/v1/readers/invitations",
                serde_json::json!({"name": "R", "route": "factory_committee", "factory_id": "no-such-factory"}),
            ),
        ];
        for (template, body) in invitations {
            let reply = hub.admin(Method::POST, template, Some(body.clone())).await;
            reply.assert_error("not_found");
            let answer = Answer { status: reply.status, code: reply.error_code().map(str::to_owned) };
            assert_eq!(mismatch(described(template), &answer), None, "POST {template} with {body}");
        }
    })
    .await;
}
