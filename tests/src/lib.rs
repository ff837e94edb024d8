//! Support for the end-to-end tests: a real hub on a random loopback port with
//! its own SQLite file, staff set-up through the hub's admin API, devices as
//! real `WorkerVoiceApp`s on real data directories, and a recording TCP proxy
//! for replay and tamper tests.
//!
//! Everything listens on 127.0.0.1 only and every wait is bounded.

pub mod fault_proxy;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use workervoice::{AppOptions, DeviceMode, PlatformKeyStore, WorkerVoiceApp, new_file_key_store};
use workervoice_hub::{HubConfig, RunningHub};

/// A PIN that passes the policy.
pub const PIN: &str = "482913";
/// Another PIN that passes the policy.
pub const OTHER_PIN: &str = "739164";
/// A third, wrong, PIN that passes the format check.
pub const WRONG_PIN: &str = "905172";

/// A connectivity monitor a test switches on and off (the platform's view of
/// the network, without touching the network itself).
pub struct NetworkSwitch(std::sync::atomic::AtomicBool);

impl NetworkSwitch {
    /// A switch in the given position.
    pub fn new(online: bool) -> Arc<Self> {
        Arc::new(Self(std::sync::atomic::AtomicBool::new(online)))
    }

    /// Turns the network on or off.
    pub fn set(&self, online: bool) {
        self.0.store(online, std::sync::atomic::Ordering::SeqCst);
    }
}

impl workervoice_core::Connectivity for NetworkSwitch {
    fn is_online(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn is_metered(&self) -> bool {
        false
    }
}

/// Installs ring as the process's rustls provider (for the admin client).
fn ensure_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A hub for one test, with its data directory.
pub struct TestHub {
    /// The running hub.
    pub hub: RunningHub,
    /// Its data directory (kept until the test ends).
    pub dir: tempfile::TempDir,
    /// The programme key holder's folder (kept until the test ends).
    key_holder: tempfile::TempDir,
    http: reqwest::Client,
}

/// A factory set up for a test.
#[derive(Debug, Clone)]
pub struct Factory {
    /// Its id.
    pub id: String,
    /// The join code, if self-registration is on.
    pub join_code: Option<String>,
}

impl TestHub {
    /// Starts a hub on 127.0.0.1:0 with a fresh database.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// As [`TestHub::start`], with the test configuration changed by
    /// `configure` first (a benchmark's backend, say).
    pub async fn start_with(configure: impl FnOnce(&mut HubConfig)) -> Self {
        ensure_crypto_provider();
        let dir = tempfile::tempdir().expect("temp dir");
        // The programme's key holder, standing in for a person with
        // wv-keyholder: a folder of its own, never the hub's data directory.
        let key_holder = tempfile::tempdir().expect("temp dir");
        let mut config = HubConfig::for_tests(dir.path().to_path_buf());
        config.demo_key_holder =
            Some(workervoice_hub::DemoKeyHolder { dir: key_holder.path().to_path_buf(), sign_automatically: true });
        configure(&mut config);
        let hub = workervoice_hub::start(config).await.expect("hub starts");
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
        Self { hub, dir, key_holder, http }
    }

    /// `publish-pack` on this hub's data directory, then the key holder's
    /// signature: the pack is published once this returns.
    pub async fn publish_pack(
        &self,
        folder: &Path,
        assignment: &workervoice_hub::PackAssignment,
    ) -> anyhow::Result<workervoice_hub::PublishedPack> {
        let published = workervoice_hub::publish_pack(self.dir.path(), folder, assignment)?;
        workervoice_hub::sign_pending(&self.hub).await?;
        Ok(published)
    }

    /// The folder of the programme key (the key holder's, not the hub's).
    pub fn key_holder_dir(&self) -> &Path {
        self.key_holder.path()
    }

    /// The demo programme admin's session token (`HubConfig::for_tests` signs it in).
    pub fn staff_token(&self) -> &str {
        self.hub.staff_token.as_deref().expect("a test hub has a staff session")
    }

    /// The hub's base URL.
    pub fn url(&self) -> String {
        self.hub.base_url.clone()
    }

    /// Calls the admin API; panics on failure (set-up, not behaviour under test).
    pub async fn admin(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", self.hub.base_url))
            .bearer_auth(self.staff_token())
            .json(&body)
            .send()
            .await
            .expect("admin request");
        let status = response.status();
        let text = response.text().await.expect("admin body");
        assert!(status.is_success(), "admin {path}: {status} {text}");
        serde_json::from_str(&text).expect("admin JSON")
    }

    /// Creates a factory.
    pub async fn factory(&self, self_registration: bool) -> Factory {
        let reply = self
            .admin("/admin/v1/factories", json!({"name": "Test Factory", "self_registration": self_registration}))
            .await;
        Factory {
            id: reply["id"].as_str().expect("id").to_owned(),
            join_code: reply["join_code"].as_str().map(str::to_owned),
        }
    }

    /// Issues one enrolment code; returns (code, qr payload).
    pub async fn code(&self, factory: &Factory, mode: &str) -> (String, String) {
        let reply = self
            .admin(&format!("/admin/v1/factories/{}/enrolment-codes", factory.id), json!({"mode": mode, "count": 1}))
            .await;
        let code = &reply["codes"][0];
        (code["code"].as_str().expect("code").to_owned(), code["qr_payload"].as_str().expect("qr").to_owned())
    }

    /// Adds one worker; returns the activation code.
    pub async fn worker(&self, factory: &Factory, number: &str, name: &str, language: &str) -> String {
        self.worker_card(factory, number, name, language).await.0
    }

    /// Adds one worker; returns the activation code and the QR payload of
    /// the worker's card.
    pub async fn worker_card(&self, factory: &Factory, number: &str, name: &str, language: &str) -> (String, String) {
        let reply = self
            .admin(
                &format!("/admin/v1/factories/{}/roster", factory.id),
                json!({"workers": [{"worker_number": number, "display_name": name, "language": language}]}),
            )
            .await;
        let code = &reply["activation_codes"][0];
        (
            code["activation_code"].as_str().expect("activation code").to_owned(),
            code["qr_payload"].as_str().expect("card QR payload").to_owned(),
        )
    }

    /// GET on the admin API.
    pub async fn admin_get(&self, path: &str) -> Value {
        let response = self
            .http
            .get(format!("{}{path}", self.hub.base_url))
            .bearer_auth(self.staff_token())
            .send()
            .await
            .expect("admin request");
        let status = response.status();
        let text = response.text().await.expect("admin body");
        assert!(status.is_success(), "admin {path}: {status} {text}");
        serde_json::from_str(&text).expect("admin JSON")
    }

    /// The programme's public key (base64), to pin in devices.
    pub async fn programme_key(&self) -> String {
        self.admin_get("/admin/v1/programme").await["public_key"].as_str().expect("programme key").to_owned()
    }

    /// Invites a reader (as the programme admin) and accepts the invitation
    /// as the reader's client does, with `password`; returns the account id.
    pub async fn reader(&self, mut invitation: Value, password: &str) -> String {
        if invitation.get("name").is_none() {
            invitation["name"] = json!("Reader");
        }
        let invited = self.admin("/admin/v1/readers/invitations", invitation).await;
        let handler_id = invited["handler_id"].as_str().expect("account id");
        let token = invited["invitation_token"].as_str().expect("invitation token");
        let client = wv_reader::client::ReaderClient::with_http(&self.hub.base_url, self.http.clone());
        client.accept(handler_id, token, password).await.expect("the reader accepts");
        handler_id.to_owned()
    }

    /// Creates a handler; returns its id.
    pub async fn handler(&self, route: &str, factory: Option<&Factory>, password: &str) -> String {
        let mut body = json!({"name": format!("{route} handler"), "route": route});
        if let Some(factory) = factory {
            body["factory_id"] = json!(factory.id);
        }
        self.reader(body, password).await
    }

    /// Creates a survey analyst (reads survey results, no cases); returns its id.
    pub async fn analyst(&self, password: &str) -> String {
        self.reader(json!({"name": "Survey analyst", "route": "independent_hotline", "analyst": true}), password).await
    }

    /// Publishes the directory from the current handlers; returns its version.
    pub async fn publish_directory(&self) -> u64 {
        // The key holder signs at once (sign_automatically), so the proposed
        // version is the published one.
        let reply = self.admin("/admin/v1/directory/propose", json!({})).await;
        reply["version"].as_u64().unwrap_or_default()
    }

    /// A factory with a committee and a hotline handler and a published
    /// directory; returns (factory, committee handler session, hotline handler session).
    pub async fn grievance_programme(&self) -> (Factory, HandlerSession, HandlerSession) {
        let factory = self.factory(false).await;
        let committee = self.handler("factory_committee", Some(&factory), HANDLER_PASSWORD).await;
        let hotline = self.handler("independent_hotline", None, HANDLER_PASSWORD).await;
        self.publish_directory().await;
        let committee = self.handler_session(&committee, HANDLER_PASSWORD).await;
        let hotline = self.handler_session(&hotline, HANDLER_PASSWORD).await;
        (factory, committee, hotline)
    }

    /// Signs a reader in through the reader's client (prelogin, KDF, unwrap).
    pub async fn handler_session(&self, handler_id: &str, password: &str) -> HandlerSession {
        let client = wv_reader::client::ReaderClient::with_http(&self.hub.base_url, self.http.clone());
        let session = client.login(handler_id, password, None).await.expect("the reader signs in");
        HandlerSession { base: self.hub.base_url.clone(), http: self.http.clone(), session }
    }

    /// Staff unlock of a locked worker.
    pub async fn unlock_worker(&self, factory: &Factory, number: &str) {
        self.admin(&format!("/admin/v1/factories/{}/workers/{number}/unlock", factory.id), json!({})).await;
    }
}

/// A password for test handlers.
pub const HANDLER_PASSWORD: &str = "correct horse battery staple";

/// A signed-in reader, through the reader's client: cases are fetched
/// sealed and opened here, replies sealed here (ADR 0015).
pub struct HandlerSession {
    base: String,
    http: reqwest::Client,
    /// The reader's client session.
    pub session: wv_reader::client::ReaderSession,
}

fn refused(error: &wv_reader::ReaderError) -> u16 {
    error.status().unwrap_or_else(|| panic!("the reader's client failed: {error}"))
}

impl HandlerSession {
    /// A GET on the handler API with the session's token; (HTTP status, body text).
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(self.session.token())
            .send()
            .await
            .expect("handler request");
        (response.status().as_u16(), response.text().await.unwrap_or_default())
    }

    /// The cases on the reader's route.
    pub async fn cases(&self) -> Vec<Value> {
        let cases = self.session.cases().await.expect("the case list");
        cases.iter().map(|case| serde_json::to_value(case).expect("json")).collect()
    }

    /// Opens a case in the client; (HTTP status, view as JSON: `summary`,
    /// `content` (the report as the device sealed it), `replies`, `notes`).
    pub async fn open(&self, case_id: &str) -> (u16, Value) {
        match self.session.open_case(case_id).await {
            Ok(opened) => {
                let replies: Vec<Value> = opened
                    .replies
                    .iter()
                    .map(|reply| json!({"author": reply.author, "at": reply.at, "text": reply.text}))
                    .collect();
                let notes: Vec<Value> =
                    opened.notes.iter().map(|note| json!({"author": note.author, "text": note.text})).collect();
                let view = json!({
                    "summary": opened.sealed.summary,
                    "content": opened.content,
                    "replies": replies,
                    "notes": notes,
                });
                (200, view)
            }
            Err(error) => (refused(&error), Value::Null),
        }
    }

    /// Replies to a case (sealed in the client).
    pub async fn reply(&self, case_id: &str, text: &str) {
        self.session.reply(case_id, text).await.expect("the reply is sent");
    }

    /// Sets a case's status.
    pub async fn set_status(&self, case_id: &str, status: &str) {
        let status = serde_json::from_value(json!(status)).expect("a case status");
        self.session.set_status(case_id, status).await.expect("the status is set");
    }

    /// An attachment of a case, fetched sealed and opened in the client.
    pub async fn attachment(&self, case_id: &str, attachment_id: &str) -> Vec<u8> {
        self.session.attachment(case_id, attachment_id).await.expect("the attachment opens")
    }

    /// The case's audit log.
    pub async fn audit(&self, case_id: &str) -> Vec<Value> {
        let entries = self.session.audit(case_id).await.unwrap_or_default();
        entries.iter().map(|entry| serde_json::to_value(entry).expect("json")).collect()
    }
}

/// A device: a real `WorkerVoiceApp` on its own data directory and file key store.
pub struct TestDevice {
    /// The app.
    pub app: Arc<WorkerVoiceApp>,
    /// Parent of `data` and `keys`.
    pub root: tempfile::TempDir,
}

impl TestDevice {
    /// Opens a device talking to `hub_url`.
    pub fn open(hub_url: &str) -> Self {
        Self::open_pinned(hub_url, None)
    }

    /// Opens a device that pins a programme key.
    pub fn open_pinned(hub_url: &str, programme_key: Option<&str>) -> Self {
        let root = tempfile::tempdir().expect("temp dir");
        let app =
            open_app_pinned(&root.path().join("data"), &root.path().join("keys"), hub_url, &["en"], programme_key);
        Self { app, root }
    }

    /// Enrols (via `hub_url`, perhaps a proxy) with a code from `hub`, pinning
    /// the programme key, and activates a worker unless `mode` is shared and
    /// `number` is `None`.
    pub async fn grievance_device(
        hub: &TestHub,
        hub_url: &str,
        factory: &Factory,
        mode: DeviceMode,
        number: Option<&str>,
    ) -> Self {
        let key = hub.programme_key().await;
        let device = Self::open_pinned(hub_url, Some(&key));
        let (code, _) = hub.code(factory, if mode == DeviceMode::Shared { "shared" } else { "personal" }).await;
        device.app.enrol(code, mode).await.expect("enrol");
        if let Some(number) = number {
            let activation = hub.worker(factory, number, "Nguyễn Thị Lan", "vi").await;
            device.app.activate(number.to_owned(), activation, PIN.to_owned()).await.expect("activate");
        }
        device
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.root.path().join("data")
    }

    /// The key store directory.
    pub fn keys_dir(&self) -> PathBuf {
        self.root.path().join("keys")
    }

    /// Enrols with a fresh code and activates a worker with [`PIN`].
    pub async fn enrolled_with_worker(
        hub: &TestHub,
        factory: &Factory,
        mode: DeviceMode,
        number: &str,
        language: &str,
    ) -> Self {
        let device = Self::open(&hub.url());
        let mode_name = if mode == DeviceMode::Shared { "shared" } else { "personal" };
        let (code, _) = hub.code(factory, mode_name).await;
        device.app.enrol(code, mode).await.expect("enrol");
        let activation = hub.worker(factory, number, "Nguyễn Thị Lan", language).await;
        device.app.activate(number.to_owned(), activation, PIN.to_owned()).await.expect("activate");
        device
    }
}

/// Opens an app on explicit directories.
pub fn open_app(data: &Path, keys: &Path, hub_url: &str, languages: &[&str]) -> Arc<WorkerVoiceApp> {
    open_app_pinned(data, keys, hub_url, languages, None)
}

/// Opens an app on explicit directories, pinning a programme key.
pub fn open_app_pinned(
    data: &Path,
    keys: &Path,
    hub_url: &str,
    languages: &[&str],
    programme_key: Option<&str>,
) -> Arc<WorkerVoiceApp> {
    let key_store: Arc<dyn PlatformKeyStore> =
        new_file_key_store(keys.to_string_lossy().into_owned()).expect("key store");
    let app = WorkerVoiceApp::open(
        AppOptions {
            data_dir: data.to_string_lossy().into_owned(),
            default_hub_url: Some(hub_url.to_owned()),
            languages: languages.iter().map(|l| (*l).to_owned()).collect(),
            allow_insecure_http_for_tests: true,
            extra_root_certs_pem: Vec::new(),
            request_timeout_secs: 10,
            programme_public_key: programme_key.map(str::to_owned),
        },
        key_store,
    )
    .expect("app opens");
    // The random pauses of the unsigned phase are tested on their own
    // (tests/tests/unlinkability.rs); elsewhere they only slow tests down.
    app.set_unsigned_send_spacing(0);
    app
}

/// Every file under `dir` (recursively) whose bytes contain `needle`.
pub fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path)
                && bytes.windows(needle.len()).any(|window| window == needle)
            {
                found.push(path);
            }
        }
    }
    found
}

/// A TCP proxy on 127.0.0.1 that forwards to the hub and records every byte
/// clients send, so a test can replay or tamper with a real device request.
pub struct RecordingProxy {
    /// The proxy's URL (use it as the device's hub URL).
    pub url: String,
    recorded: Arc<Mutex<Vec<u8>>>,
    target: String,
}

impl RecordingProxy {
    /// Starts a proxy in front of `hub_url` (`http://127.0.0.1:PORT`).
    pub async fn start(hub_url: &str) -> Self {
        let target = hub_url.trim_start_matches("http://").trim_end_matches('/').to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let (log, upstream) = (recorded.clone(), target.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let (log, upstream) = (log.clone(), upstream.clone());
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&upstream).await else { return };
                    let (mut client_read, mut client_write) = client.split();
                    let (mut server_read, mut server_write) = server.split();
                    let upload = async {
                        let mut buffer = [0u8; 8192];
                        loop {
                            let n = client_read.read(&mut buffer).await.unwrap_or(0);
                            if n == 0 {
                                break;
                            }
                            log.lock().expect("log").extend_from_slice(&buffer[..n]);
                            if server_write.write_all(&buffer[..n]).await.is_err() {
                                break;
                            }
                        }
                        let _ = server_write.shutdown().await;
                    };
                    let download = tokio::io::copy(&mut server_read, &mut client_write);
                    let _ =
                        tokio::time::timeout(Duration::from_secs(30), async { tokio::join!(upload, download) }).await;
                });
            }
        });
        Self { url, recorded, target }
    }

    /// The first recorded request whose request line starts with `start`
    /// (e.g. `POST /v1/auth/login`), as raw bytes (head and body).
    pub fn request(&self, start: &str) -> Option<Vec<u8>> {
        let bytes = self.recorded.lock().expect("log").clone();
        let at = bytes.windows(start.len()).position(|w| w == start.as_bytes())?;
        let rest = &bytes[at..];
        let head_end = rest.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
        let head = String::from_utf8_lossy(&rest[..head_end]).to_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0);
        Some(rest[..head_end + length].to_vec())
    }

    /// Sends raw request bytes straight to the hub; returns the status code.
    pub async fn send_raw(&self, request: &[u8]) -> u16 {
        let mut stream = TcpStream::connect(&self.target).await.expect("connect hub");
        stream.write_all(request).await.expect("write");
        let mut reply = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), async {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buffer).await {
                if n == 0 {
                    break;
                }
                reply.extend_from_slice(&buffer[..n]);
                if reply.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
        })
        .await;
        String::from_utf8_lossy(&reply).split_whitespace().nth(1).and_then(|code| code.parse().ok()).unwrap_or(0)
    }
}
