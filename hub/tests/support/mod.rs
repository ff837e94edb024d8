//! Test support: a real hub on a free loopback port with its data in a
//! temporary directory, a staff client, and a fake device that enrols with
//! a fresh Ed25519 key and signs its requests the way the core does.
#![allow(dead_code)] // each test file uses a different part of this module

pub mod cases;

use std::future::Future;
use std::time::Duration;

use reqwest::Method;
use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tempfile::TempDir;
use workervoice_hub::{HubConfig, RunningHub};
use workervoice_protocol::admin::{
    CreateFactoryRequest, Factory, IssueCodesRequest, IssuedCode, RosterEntry, RosterImport, RosterImportResponse,
};
use workervoice_protocol::auth::{AuthParamsRequest, AuthParamsResponse, KdfParams, LoginResponse};
use workervoice_protocol::b64;
use workervoice_protocol::enrol::{DeviceMode, EnrolRequest, EnrolResponse, enrol_challenge};
use workervoice_protocol::paths;
use workervoice_protocol::signing::{
    HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, NONCE_LEN, RequestToSign, canonical_request,
};

/// Every test runs inside this bound.
pub const TEST_TIME_LIMIT: Duration = Duration::from_secs(90);

/// Waits until just after the clock's next whole second: the hub counts
/// login back-offs in whole seconds of the clock, so a failure and the
/// retry a test expects refused must fall in one second.
pub async fn at_the_start_of_a_second() {
    let into_second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| u64::from(since.subsec_millis()));
    tokio::time::sleep(Duration::from_millis(1_000 - into_second + 20)).await;
}

/// Runs a test body, failing it if it takes longer than [`TEST_TIME_LIMIT`].
pub async fn within_time<F: Future>(body: F) -> F::Output {
    tokio::time::timeout(TEST_TIME_LIMIT, body).await.expect("the test took too long")
}

/// Waits for the next minute of the Unix clock when less than `needed` of
/// this one is left. The per-source rate limits count per minute of the
/// Unix clock (`hub/src/rate_limit.rs`): a test that counts up to a limit
/// and expects the next request refused must not see the window end
/// half-way.
pub async fn in_one_rate_limit_window(needed: Duration) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let left = Duration::from_secs(60) - Duration::from_millis(u64::try_from(now.as_millis() % 60_000).unwrap_or(0));
    if left < needed {
        tokio::time::sleep(left + Duration::from_millis(100)).await;
    }
}

/// An HTTP client with a per-request timeout, trusting only `roots` for
/// TLS, with rustls on the ring provider handed over ready-made (reqwest is
/// built without a provider of its own).
pub fn http_client_trusting(roots: rustls::RootCertStore) -> reqwest::Client {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .tls_backend_preconfigured(tls)
        .build()
        .expect("client builds")
}

/// A client for plain-HTTP test hubs.
pub fn http_client() -> reqwest::Client {
    http_client_trusting(rustls::RootCertStore::empty())
}

/// A stand-in for the proof the device derives from a PIN: the hub treats
/// proofs as opaque 32-byte strings.
pub fn proof(pin: &str) -> Vec<u8> {
    digest(&SHA256, format!("test-proof:{pin}").as_bytes()).as_ref().to_vec()
}

/// A fresh random KDF salt.
pub fn fresh_kdf() -> KdfParams {
    let mut salt = vec![0u8; workervoice_protocol::auth::SALT_LEN];
    SystemRandom::new().fill(&mut salt).expect("rng");
    KdfParams {
        algorithm: workervoice_protocol::auth::KDF_PBKDF2_SHA256.to_owned(),
        iterations: workervoice_protocol::auth::MIN_PBKDF2_ITERATIONS,
        salt,
    }
}

/// An HTTP answer: status and JSON body (`Value::Null` if the body is not JSON).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub content_type: String,
}

impl Reply {
    pub async fn from(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response.bytes().await.expect("body reads");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Self { status, body, content_type }
    }

    /// The protocol error code, if this is an error body.
    pub fn error_code(&self) -> Option<&str> {
        self.body.pointer("/error/code").and_then(Value::as_str)
    }

    /// `attempts_left` of a wrong-PIN error.
    pub fn attempts_left(&self) -> Option<u64> {
        self.body.pointer("/error/attempts_left").and_then(Value::as_u64)
    }

    /// Asserts an error reply with this code and the status the protocol maps it to.
    #[track_caller]
    pub fn assert_error(&self, code: &str) {
        assert_eq!(self.error_code(), Some(code), "unexpected reply {self:?}");
        let parsed: workervoice_protocol::error::ErrorBody =
            serde_json::from_value(self.body.clone()).expect("a protocol ErrorBody");
        assert_eq!(self.status, parsed.error.code.http_status(), "status of {code}");
        assert!(self.content_type.starts_with("application/json"), "content type {}", self.content_type);
    }

    /// Parses a success body.
    #[track_caller]
    pub fn ok<T: DeserializeOwned>(&self) -> T {
        assert!((200..300).contains(&self.status), "expected success, got {self:?}");
        serde_json::from_value(self.body.clone()).expect("the success body parses")
    }
}

/// A hub started for one test.
pub struct TestHub {
    pub hub: RunningHub,
    pub http: reqwest::Client,
    pub dir: TempDir,
}

impl TestHub {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut HubConfig)) -> Self {
        let hub = Self::start_unsigned(adjust).await;
        // The test key holder signs what the hub asks for at start (the
        // delegation that lets it issue certificates).
        hub.sign_pending().await;
        hub
    }

    /// A hub whose start-up proposals (the certificate delegation) wait for
    /// the key holder.
    pub async fn start_unsigned(adjust: impl FnOnce(&mut HubConfig)) -> Self {
        // The hub's log in the test's output when RUST_LOG asks for it.
        if std::env::var_os("RUST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_test_writer()
                .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
                .try_init();
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = HubConfig::for_tests(dir.path().join("data"));
        adjust(&mut config);
        let hub = workervoice_hub::start(config).await.expect("the hub starts");
        Self { hub, http: http_client(), dir }
    }

    /// The test key holder's programme key, as `wv-keyholder` loads it.
    pub fn key_holder(&self) -> workervoice_keyholder::key::ProgrammeKey {
        workervoice_keyholder::key::ProgrammeKey::load(&self.dir.path().join("data.keyholder")).expect("the key")
    }

    /// The pending proposals, as `wv-keyholder pending` lists them.
    pub async fn pending(&self) -> Vec<workervoice_protocol::proposal::ProposalSummary> {
        self.admin(Method::GET, "/admin/v1/proposals?state=pending", None).await.ok()
    }

    /// Does what `wv-keyholder sign` does for one proposal: fetch, sign the
    /// exact bytes with `key`, upload the signature.
    pub async fn sign_proposal(&self, id: &str, key: &workervoice_keyholder::key::ProgrammeKey) -> Reply {
        let detail: workervoice_protocol::proposal::ProposalDetail =
            self.admin(Method::GET, &format!("/admin/v1/proposals/{id}"), None).await.ok();
        let signature = key.sign_proposal(detail.summary.kind, &detail.body);
        let upload = workervoice_protocol::proposal::SignatureUpload { signature };
        self.admin_post(&format!("/admin/v1/proposals/{id}/signature"), &upload).await
    }

    /// Signs every pending proposal as the test key holder (the key lives in
    /// `<data-dir>.keyholder`, not in the hub's data directory); returns how
    /// many were published.
    pub async fn sign_pending(&self) -> usize {
        workervoice_hub::sign_pending(&self.hub).await.expect("the test key holder signs")
    }

    /// `publish-pack` on this hub's data directory and database.
    pub fn publish_pack(
        &self,
        folder: &std::path::Path,
        assignment: &workervoice_hub::PackAssignment,
    ) -> anyhow::Result<workervoice_hub::PublishedPack> {
        let (data_dir, url) = (self.data_dir(), workervoice_hub::testing::database_url_for(&self.data_dir()));
        // Its own thread: it may call the synchronous PostgreSQL client.
        std::thread::scope(|scope| {
            scope.spawn(|| workervoice_hub::publish_pack_to(&data_dir, url.as_deref(), folder, assignment)).join()
        })
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }

    /// `publish-pack` then the test key holder's signature: the pack is
    /// published once this returns.
    pub async fn publish_and_sign(
        &self,
        folder: &std::path::Path,
        assignment: &workervoice_hub::PackAssignment,
    ) -> workervoice_hub::PublishedPack {
        let published = self.publish_pack(folder, assignment).expect("the pack is prepared");
        self.sign_pending().await;
        published
    }

    pub fn data_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.hub.base_url)
    }

    /// The demo programme admin's session token (every test hub signs it in).
    pub fn staff_token(&self) -> &str {
        self.hub.staff_token.as_deref().expect("HubConfig::for_tests signs the demo programme admin in")
    }

    /// A staff request as the demo programme admin.
    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let token = self.staff_token().to_owned();
        self.as_staff(&token, method, path, body).await
    }

    /// A staff request with `token` as the bearer token.
    pub async fn as_staff(&self, token: &str, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        Reply::from(request.send().await.expect("request sent")).await
    }

    pub async fn admin_post<T: Serialize>(&self, path: &str, body: &T) -> Reply {
        self.admin(Method::POST, path, Some(serde_json::to_value(body).expect("serialisable"))).await
    }

    pub async fn create_factory(&self, self_registration: bool) -> Factory {
        let request =
            CreateFactoryRequest { name: "Test Factory".into(), self_registration, kiosk_idle_timeout_secs: None };
        self.admin_post("/admin/v1/factories", &request).await.ok()
    }

    pub async fn issue_code(&self, factory_id: &str, mode: DeviceMode) -> IssuedCode {
        let request = IssueCodesRequest { mode, count: 1, valid_days: 7 };
        let reply = self.admin_post(&format!("/admin/v1/factories/{factory_id}/enrolment-codes"), &request).await;
        let response: workervoice_protocol::admin::IssueCodesResponse = reply.ok();
        response.codes.into_iter().next().expect("one code")
    }

    pub async fn import_roster(&self, factory_id: &str, workers: &[(&str, &str, &str)]) -> RosterImportResponse {
        let roster = RosterImport {
            workers: workers
                .iter()
                .map(|(number, name, language)| RosterEntry {
                    worker_number: (*number).into(),
                    display_name: (*name).into(),
                    language: (*language).into(),
                    department: None,
                })
                .collect(),
        };
        self.admin_post(&format!("/admin/v1/factories/{factory_id}/roster"), &roster).await.ok()
    }

    /// A factory with one device of `mode` enrolled.
    pub async fn factory_with_device(&self, self_registration: bool, mode: DeviceMode) -> (Factory, FakeDevice) {
        let factory = self.create_factory(self_registration).await;
        let code = self.issue_code(&factory.id, mode).await;
        let device = FakeDevice::enrol(self, &code.code, mode).await;
        (factory, device)
    }

    /// Runs SQL against the hub's database from outside, as an operator
    /// (or an attacker with a copy of the file) could.
    pub fn sql(&self, statement: &str) {
        self.database().execute_batch(statement);
    }

    /// The hub's database, through the hub's own query layer: SQLite's
    /// hub.db, or the hub's PostgreSQL database when the suite runs there.
    pub fn database(&self) -> workervoice_hub::testing::TestDatabase {
        workervoice_hub::testing::TestDatabase::open(&self.data_dir())
    }
}

/// A device with an Ed25519 identity, enrolled or not.
pub struct FakeDevice {
    pub key: Ed25519KeyPair,
    pub device_id: String,
    pub base_url: String,
    pub http: reqwest::Client,
}

/// A signed request, with every field open to tampering.
pub struct Signed {
    pub method: Method,
    pub path: String,
    pub body: Vec<u8>,
    pub timestamp: i64,
    pub nonce: String,
}

pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64
}

pub fn random_nonce() -> String {
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new().fill(&mut nonce).expect("rng");
    b64::encode(&nonce)
}

pub fn new_key() -> Ed25519KeyPair {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).expect("key generates");
    Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("key parses")
}

/// The enrolment request for `code` signed by `key`.
pub fn enrol_request(key: &Ed25519KeyPair, code: &str, mode: DeviceMode) -> EnrolRequest {
    let public_key = key.public_key().as_ref().to_vec();
    let signature = key.sign(&enrol_challenge(code, mode, &public_key)).as_ref().to_vec();
    EnrolRequest { code: code.into(), mode, public_key, platform: "test".into(), signature }
}

impl FakeDevice {
    /// Enrols a new key with `code`; panics unless the hub accepts.
    pub async fn enrol(hub: &TestHub, code: &str, mode: DeviceMode) -> Self {
        let key = new_key();
        let reply = Self::try_enrol(hub, &enrol_request(&key, code, mode)).await;
        let enrolled: EnrolResponse = reply.ok();
        assert_eq!(enrolled.mode, mode);
        Self { key, device_id: enrolled.device_id, base_url: hub.hub.base_url.clone(), http: hub.http.clone() }
    }

    /// Sends an enrolment request as is.
    pub async fn try_enrol(hub: &TestHub, request: &EnrolRequest) -> Reply {
        let response = hub.http.post(hub.url(paths::ENROL)).json(request).send().await.expect("request sent");
        Reply::from(response).await
    }

    /// A request to sign, stamped now with a fresh nonce.
    pub fn request(&self, method: Method, path: &str, body: Vec<u8>) -> Signed {
        Signed { method, path: path.into(), body, timestamp: now(), nonce: random_nonce() }
    }

    /// The four signature headers for `signed`, signed with `key`.
    pub fn headers_for(&self, signed: &Signed, key: &Ed25519KeyPair) -> Vec<(&'static str, String)> {
        let message = canonical_request(&RequestToSign {
            method: signed.method.as_str(),
            path_and_query: &signed.path,
            device_id: &self.device_id,
            timestamp: signed.timestamp,
            nonce: &signed.nonce,
            body: &signed.body,
        });
        vec![
            (HEADER_DEVICE, self.device_id.clone()),
            (HEADER_TIMESTAMP, signed.timestamp.to_string()),
            (HEADER_NONCE, signed.nonce.clone()),
            (HEADER_SIGNATURE, b64::encode(key.sign(&message).as_ref())),
        ]
    }

    /// Sends `signed` to `path_sent` (normally `signed.path`) with `body_sent`
    /// (normally `signed.body`) and the given headers.
    pub async fn send_raw(
        &self,
        method: Method,
        path_sent: &str,
        body_sent: Vec<u8>,
        headers: &[(&'static str, String)],
    ) -> Reply {
        let mut request = self
            .http
            .request(method, format!("{}{path_sent}", self.base_url))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body_sent);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        Reply::from(request.send().await.expect("request sent")).await
    }

    /// Signs and sends a request as the core would.
    pub async fn send(&self, signed: &Signed) -> Reply {
        let headers = self.headers_for(signed, &self.key);
        self.send_raw(signed.method.clone(), &signed.path, signed.body.clone(), &headers).await
    }

    /// Signs and sends a JSON POST.
    pub async fn post<T: Serialize>(&self, path: &str, body: &T) -> Reply {
        let bytes = serde_json::to_vec(body).expect("serialisable");
        self.send(&self.request(Method::POST, path, bytes)).await
    }

    pub async fn params(&self, worker_number: &str) -> KdfParams {
        let reply = self.post(paths::AUTH_PARAMS, &AuthParamsRequest { worker_number: worker_number.into() }).await;
        reply.ok::<AuthParamsResponse>().kdf
    }

    /// Activates a roster worker with `pin`, using the parameters the hub hands out.
    pub async fn activate(&self, worker_number: &str, activation_code: &str, pin: &str) -> Reply {
        let kdf = self.params(worker_number).await;
        let request = workervoice_protocol::auth::ActivateRequest {
            worker_number: worker_number.into(),
            activation_code: activation_code.into(),
            kdf,
            pin_proof: proof(pin),
        };
        self.post(paths::AUTH_ACTIVATE, &request).await
    }

    pub async fn login(&self, worker_number: &str, pin: &str) -> Reply {
        let request =
            workervoice_protocol::auth::LoginRequest { worker_number: worker_number.into(), pin_proof: proof(pin) };
        self.post(paths::AUTH_LOGIN, &request).await
    }

    pub async fn login_ok(&self, worker_number: &str, pin: &str) -> LoginResponse {
        self.login(worker_number, pin).await.ok()
    }
}
