//! Test support for grievances: a programme with one handler per route, a
//! minimal *device-side sealer* (the real one lives in the core crate, which
//! the hub cannot depend on), and clients for handlers and for the anonymous
//! follow-up.
//!
//! The sealer follows the protocol exactly: a random content key; the
//! payload sealed with `envelope::seal` under `payload_aad`; the content key
//! wrapped with HPKE base mode to every handler of every allowed route, with
//! `info = hpke_info(client_id)` and `aad = case_id`; attachments sealed with
//! `seal_attachment`; the receipt verifier is SHA-256 of a random token.

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::rand_core::{TryCryptoRng, TryRng};
use hpke::{Deserializable, Kem, OpModeS, Serializable};
use reqwest::Method;
use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ED25519, UnparsedPublicKey};
use serde::Serialize;
use workervoice_protocol::admin::{Factory, ProgrammeInfo, PublishDirectoryResponse};
use workervoice_protocol::b64;
use workervoice_protocol::codes::format_case_id;
use workervoice_protocol::directory::{Directory, DirectoryResponse, Route, RouteRecipients, directory_signing_input};
use workervoice_protocol::envelope::{self, AttachmentInfo, AttachmentKind, GrievanceContent};
use workervoice_protocol::grievance::Author;
use workervoice_protocol::grievance::{
    AttachmentMeta, CaseCursor, CaseSyncRequest, HEADER_CASE_TOKEN, SUBMISSION_CONTENT_TYPE, SubmissionHeader,
    WorkerReplyRequest, WrappedKey, case_replies_path, frame_submission,
};
use workervoice_protocol::handler::{
    CaseSummary, HandlerLoginRequest, HandlerSummary, ReaderInvitationRequest, ReaderInvitationResponse,
};
use workervoice_protocol::paths;
use wv_reader::account::PasswordKeys;
use wv_reader::client::{ReaderClient, ReaderSession};

use super::{Reply, TestHub};

/// The system RNG (ring), as the `hpke` crate wants it.
pub struct SystemRng;

impl TryRng for SystemRng {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(u32::from_le_bytes(random()))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(u64::from_le_bytes(random()))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        SystemRandom::new().fill(dst).expect("rng");
        Ok(())
    }
}

impl TryCryptoRng for SystemRng {}

pub fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    SystemRandom::new().fill(&mut bytes).expect("rng");
    bytes
}

/// A reader account, its password, and the keys the password gives (kept
/// from acceptance so each login does not pay PBKDF2 again).
#[derive(Clone)]
pub struct Account {
    pub summary: HandlerSummary,
    pub password: String,
    pub keys: PasswordKeys,
}

impl Account {
    pub fn id(&self) -> &str {
        &self.summary.handler_id
    }
}

/// One reply in a reader's view, opened by the reader's client.
#[derive(Debug, Clone)]
pub struct ReplyView {
    pub author: Author,
    pub at: i64,
    pub text: String,
}

/// A case as the reader's client opened it.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub summary: CaseSummary,
    /// The report's JSON, as the device sealed it.
    pub content: serde_json::Value,
    pub replies: Vec<ReplyView>,
    pub notes: Vec<String>,
}

/// A signed-in reader: the client session (which opens and seals) and raw
/// HTTP with its token (for status codes).
pub struct HandlerClient {
    pub session: ReaderSession,
    pub token: String,
    pub base_url: String,
    pub http: reqwest::Client,
}

impl HandlerClient {
    pub async fn get(&self, path: &str) -> Reply {
        let request = self.http.get(format!("{}{path}", self.base_url)).bearer_auth(&self.token);
        Reply::from(request.send().await.expect("sent")).await
    }

    pub async fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let response =
            self.http.get(format!("{}{path}", self.base_url)).bearer_auth(&self.token).send().await.expect("sent");
        (response.status().as_u16(), response.bytes().await.expect("body").to_vec())
    }

    pub async fn post<T: Serialize>(&self, path: &str, body: &T) -> Reply {
        let request = self.http.post(format!("{}{path}", self.base_url)).bearer_auth(&self.token).json(body);
        Reply::from(request.send().await.expect("sent")).await
    }

    /// The case at `/handler/v1/cases/{id}`, opened in the client.
    pub async fn view(&self, case_path: &str) -> CaseView {
        self.case(case_path.rsplit('/').next().expect("a case path")).await
    }

    /// Seals a reply to the case at `case_path` in the client and posts it;
    /// the hub's answer (a refusal to serve the case comes back as is).
    pub async fn reply_at(&self, case_path: &str, text: &str) -> Reply {
        let case_id = case_path.rsplit('/').next().expect("a case path");
        match self.session.reply(case_id, text).await {
            Ok(event) => Reply {
                status: 200,
                body: serde_json::to_value(event).expect("json"),
                content_type: "application/json".into(),
            },
            Err(wv_reader::ReaderError::Refused { status, body }) => Reply {
                status,
                body: serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
                content_type: "application/json".into(),
            },
            Err(error) => panic!("{error}"),
        }
    }

    /// Fetches the case sealed and opens it in the client; `Err(status)` if
    /// the hub refused.
    pub async fn try_case(&self, case_id: &str) -> Result<CaseView, u16> {
        let opened = match self.session.open_case(case_id).await {
            Ok(opened) => opened,
            Err(error) => return Err(error.status().unwrap_or_else(|| panic!("{error}"))),
        };
        Ok(CaseView {
            summary: opened.sealed.summary.clone(),
            content: serde_json::to_value(&opened.content).expect("content serialises"),
            replies: opened
                .replies
                .iter()
                .map(|reply| ReplyView { author: reply.author, at: reply.at, text: reply.text.clone() })
                .collect(),
            notes: opened.notes.iter().map(|note| note.text.clone()).collect(),
        })
    }

    /// The case opened in the client (the hub must serve it).
    pub async fn case(&self, case_id: &str) -> CaseView {
        self.try_case(case_id).await.expect("the hub serves the case")
    }

    /// Seals a reply in the client and posts it; the HTTP status.
    pub async fn reply(&self, case_id: &str, text: &str) -> Result<workervoice_protocol::grievance::CaseEvent, u16> {
        self.session.reply(case_id, text).await.map_err(|error| error.status().unwrap_or_else(|| panic!("{error}")))
    }

    /// An attachment fetched sealed and opened in the client.
    pub async fn attachment(&self, case_id: &str, attachment_id: &str) -> Result<Vec<u8>, u16> {
        self.session
            .attachment(case_id, attachment_id)
            .await
            .map_err(|error| error.status().unwrap_or_else(|| panic!("{error}")))
    }
}

/// A hub with a factory, one handler per route (two on the hotline) and a
/// published directory.
pub struct Programme {
    pub hub: TestHub,
    pub factory: Factory,
    pub committee: Account,
    pub hotline: Account,
    pub hotline_2: Account,
    pub brand: Account,
    pub programme: ProgrammeInfo,
    pub directory: Directory,
}

impl Programme {
    pub async fn start() -> Self {
        let hub = TestHub::start().await;
        Self::on(hub).await
    }

    pub async fn on(hub: TestHub) -> Self {
        let factory = hub.create_factory(false).await;
        let committee = hub.create_handler("Committee", Route::FactoryCommittee, Some(&factory.id)).await;
        let hotline = hub.create_handler("Hotline", Route::IndependentHotline, None).await;
        let hotline_2 = hub.create_handler("Hotline two", Route::IndependentHotline, None).await;
        let brand_id = hub.create_brand("Brand", &[&factory.id]).await;
        let brand = hub.create_reader("Brand", Route::Brand, None, Some(&brand_id), false).await;
        hub.publish_directory().await;
        let programme: ProgrammeInfo = hub.admin(Method::GET, "/admin/v1/programme", None).await.ok();
        let directory = hub.latest_directory(&programme).await;
        Self { hub, factory, committee, hotline, hotline_2, brand, programme, directory }
    }

    /// Seals a report to `routes` of this programme's factory.
    pub fn seal(&self, routes: &[Route], text: &str, attachments: &[Vec<u8>]) -> Sealed {
        seal_report(&self.directory, &self.factory.id, routes, text, attachments)
    }
}

impl TestHub {
    /// Invites a reader as the test programme admin and accepts as the
    /// reader's client would, with a random password.
    /// A brand reader gets a brand of its own, supplied by a factory of its
    /// own (a brand no factory supplies is left out of directories).
    pub async fn create_handler(&self, name: &str, route: Route, factory_id: Option<&str>) -> Account {
        let brand_id = match route {
            Route::Brand => {
                let supplier = self.create_factory(false).await;
                Some(self.create_brand(&format!("Brand of {name}"), &[&supplier.id]).await)
            }
            _ => None,
        };
        self.create_reader(name, route, factory_id, brand_id.as_deref(), false).await
    }

    /// Invites and accepts any kind of reader.
    pub async fn create_reader(
        &self,
        name: &str,
        route: Route,
        factory_id: Option<&str>,
        brand_id: Option<&str>,
        analyst: bool,
    ) -> Account {
        let invitation = self.invite_reader(name, route, factory_id, brand_id, analyst).await;
        let password = format!("pw-{}", b64::encode(&random::<12>()));
        let (summary, keys) = self
            .reader_client()
            .accept(&invitation.handler_id, &invitation.invitation_token, &password)
            .await
            .expect("the invitation is accepted");
        Account { summary, password, keys }
    }

    /// A reader invitation (what a programme admin sends as a link).
    pub async fn invite_reader(
        &self,
        name: &str,
        route: Route,
        factory_id: Option<&str>,
        brand_id: Option<&str>,
        analyst: bool,
    ) -> ReaderInvitationResponse {
        let request = ReaderInvitationRequest {
            name: name.into(),
            route,
            factory_id: factory_id.map(str::to_owned),
            brand_id: brand_id.map(str::to_owned),
            analyst,
        };
        self.admin_post("/admin/v1/readers/invitations", &request).await.ok()
    }

    /// A brand supplied by `factory_ids`; returns its id.
    pub async fn create_brand(&self, name: &str, factory_ids: &[&str]) -> String {
        let brand: workervoice_protocol::staff::Brand =
            self.admin(Method::POST, "/admin/v1/brands", Some(serde_json::json!({ "name": name }))).await.ok();
        for factory_id in factory_ids {
            let path = format!("/admin/v1/brands/{}/factories", brand.id);
            self.admin(Method::POST, &path, Some(serde_json::json!({ "factory_id": factory_id })))
                .await
                .ok::<serde_json::Value>();
        }
        brand.id
    }

    /// A reader client for this hub.
    pub fn reader_client(&self) -> ReaderClient {
        ReaderClient::with_http(&self.hub.base_url, self.http.clone())
    }

    /// Proposes a directory with the defaults and signs it as the test key
    /// holder: what staff and the key holder do together.
    pub async fn publish_directory(&self) -> PublishDirectoryResponse {
        self.publish_directory_with(None).await
    }

    /// Proposes a directory with `body` and signs it as the test key holder.
    pub async fn publish_directory_with(&self, body: Option<serde_json::Value>) -> PublishDirectoryResponse {
        let proposed: workervoice_protocol::proposal::DirectoryProposed =
            self.admin(Method::POST, "/admin/v1/directory/propose", body).await.ok();
        self.sign_pending().await;
        let have = proposed.version - 1;
        let directory = self.fetch_directory(have).await.directory.expect("signed and published");
        PublishDirectoryResponse { version: proposed.version, directory }
    }

    pub async fn fetch_directory(&self, have: u64) -> DirectoryResponse {
        let response =
            self.http.get(self.url(&format!("{}?have={have}", paths::DIRECTORY))).send().await.expect("sent");
        Reply::from(response).await.ok()
    }

    /// The latest directory, verified with the programme key as a device would.
    pub async fn latest_directory(&self, programme: &ProgrammeInfo) -> Directory {
        let signed = self.fetch_directory(0).await.directory.expect("a directory is published");
        UnparsedPublicKey::new(&ED25519, &programme.public_key)
            .verify(&directory_signing_input(&signed.body), &signed.signature)
            .expect("the directory verifies with the programme key");
        serde_json::from_slice(&signed.body).expect("the directory parses")
    }

    /// A raw login with a `login_key` (and device token); what a client sends.
    pub async fn try_login_key(&self, handler_id: &str, login_key: &[u8], device_token: Option<&str>) -> Reply {
        let request = HandlerLoginRequest {
            handler_id: handler_id.into(),
            login_key: login_key.to_vec(),
            device_token: device_token.map(str::to_owned),
        };
        let response = self.http.post(self.url("/handler/v1/login")).json(&request).send().await.expect("sent");
        Reply::from(response).await
    }

    pub async fn login(&self, account: &Account) -> HandlerClient {
        let session = self
            .reader_client()
            .login_with_keys(account.id(), account.keys.clone(), None)
            .await
            .expect("the reader signs in");
        HandlerClient {
            token: session.token().to_owned(),
            session,
            base_url: self.hub.base_url.clone(),
            http: self.http.clone(),
        }
    }

    /// Sends framed bytes to the submission endpoint.
    pub async fn submit_bytes(&self, framed: Vec<u8>) -> Reply {
        let response = self
            .http
            .post(self.url(paths::SUBMISSIONS))
            .header(reqwest::header::CONTENT_TYPE, SUBMISSION_CONTENT_TYPE)
            .body(framed)
            .send()
            .await
            .expect("sent");
        Reply::from(response).await
    }

    pub async fn submit(&self, sealed: &Sealed) -> Reply {
        self.submit_bytes(sealed.framed.clone()).await
    }

    /// Uploads every attachment of `sealed` in chunks of `chunk` bytes.
    pub async fn upload_attachments(&self, sealed: &Sealed, chunk: usize) {
        for (attachment_id, bytes) in &sealed.attachments {
            let mut offset = 0;
            while offset < bytes.len() {
                let end = (offset + chunk).min(bytes.len());
                let reply =
                    self.put_chunk(&sealed.client_id, attachment_id, offset as u64, bytes[offset..end].to_vec()).await;
                assert_eq!(reply.status, 200, "{reply:?}");
                offset = end;
            }
        }
    }

    pub async fn put_chunk(&self, client_id: &str, attachment_id: &str, offset: u64, bytes: Vec<u8>) -> Reply {
        let path = workervoice_protocol::grievance::attachment_path(client_id, attachment_id);
        let response = self
            .http
            .put(self.url(&format!("{path}?offset={offset}")))
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .expect("sent");
        Reply::from(response).await
    }

    pub async fn attachment_progress(&self, client_id: &str, attachment_id: &str) -> Reply {
        let path = workervoice_protocol::grievance::attachment_path(client_id, attachment_id);
        Reply::from(self.http.get(self.url(&path)).send().await.expect("sent")).await
    }

    /// `POST /v1/cases/sync` for (case id, token, since) triples.
    pub async fn sync_cases(&self, cases: &[(&str, &[u8], u64)]) -> Reply {
        let request = CaseSyncRequest {
            cases: cases
                .iter()
                .map(|(case_id, token, since)| CaseCursor {
                    case_id: (*case_id).to_owned(),
                    token: token.to_vec(),
                    since: *since,
                })
                .collect(),
        };
        let response = self.http.post(self.url(paths::CASES_SYNC)).json(&request).send().await.expect("sent");
        Reply::from(response).await
    }

    /// The worker's reply, sealed under the reply key, with the token.
    pub async fn worker_reply(&self, sealed: &Sealed, token: &[u8], reply_id: &str, text: &str) -> Reply {
        let aad = envelope::reply_aad(&sealed.case_id, reply_id, workervoice_protocol::grievance::Author::Worker);
        let request = WorkerReplyRequest {
            reply_id: reply_id.into(),
            reply: envelope::seal(&sealed.reply_key, &aad, text.as_bytes()).expect("seal"),
        };
        let response = self
            .http
            .post(self.url(&case_replies_path(&sealed.case_id)))
            .header(HEADER_CASE_TOKEN, b64::encode(token))
            .json(&request)
            .send()
            .await
            .expect("sent");
        Reply::from(response).await
    }

    /// Rows of a table, read from the database file as an operator could.
    pub fn count_rows(&self, table: &str) -> i64 {
        self.database().integer(&format!("SELECT count(*) FROM {table}"), &[])
    }
}

/// A sealed report, with what the device keeps (the receipt) and what the
/// test needs to check the handler's view.
pub struct Sealed {
    pub client_id: String,
    pub case_id: String,
    pub header: SubmissionHeader,
    pub payload: Vec<u8>,
    pub framed: Vec<u8>,
    /// (attachment id, ciphertext).
    pub attachments: Vec<(String, Vec<u8>)>,
    pub token: Vec<u8>,
    pub reply_key: Vec<u8>,
    pub content: GrievanceContent,
}

impl Sealed {
    /// The same payload under a changed header.
    pub fn reframed(&self, change: impl FnOnce(&mut SubmissionHeader)) -> Vec<u8> {
        let mut header = self.header.clone();
        change(&mut header);
        frame_submission(&header, &self.payload).expect("frames")
    }
}

/// The directory entry of `route` for `factory_id` (the first that serves it).
pub fn route_entry<'a>(directory: &'a Directory, route: Route, factory_id: &str) -> &'a RouteRecipients {
    route_entries(directory, route, factory_id).into_iter().next().expect("the route is in the directory")
}

/// Every directory entry of `route` that serves `factory_id`, as a device
/// chooses them (a factory supplying two brands is read by both).
pub fn route_entries<'a>(directory: &'a Directory, route: Route, factory_id: &str) -> Vec<&'a RouteRecipients> {
    directory
        .routes
        .iter()
        .filter(|entry| {
            entry.route == route
                && match route {
                    Route::FactoryCommittee => entry.factory_id.as_deref() == Some(factory_id),
                    Route::Brand => entry.factory_ids.iter().any(|id| id == factory_id),
                    Route::IndependentHotline => true,
                }
        })
        .collect()
}

/// Seals a report as a device would.
pub fn seal_report(
    directory: &Directory,
    factory_id: &str,
    routes: &[Route],
    text: &str,
    attachments: &[Vec<u8>],
) -> Sealed {
    let client_id = uuid::Uuid::new_v4().to_string();
    let case_id = format_case_id(random());
    let token = random::<32>().to_vec();
    let reply_key = random::<32>().to_vec();
    let content_key = random::<32>();

    let mut recipients = Vec::new();
    for route in routes {
        let entries = route_entries(directory, *route, factory_id);
        assert!(!entries.is_empty(), "the route is in the directory");
        for recipient in entries.iter().flat_map(|entry| entry.recipients.iter()) {
            let public_key =
                <X25519HkdfSha256 as Kem>::PublicKey::from_bytes(&recipient.public_key).expect("an X25519 key");
            let (enc, wrapped_key) = hpke::single_shot_seal_with_rng::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
                &OpModeS::Base,
                &public_key,
                &envelope::hpke_info(&client_id),
                &content_key,
                case_id.as_bytes(),
                &mut SystemRng,
            )
            .expect("hpke seals");
            recipients.push(WrappedKey {
                handler_id: recipient.handler_id.clone(),
                enc: enc.to_bytes().to_vec(),
                wrapped_key,
            });
        }
    }

    let mut sealed_attachments = Vec::new();
    let mut metas = Vec::new();
    let mut infos = Vec::new();
    for plain in attachments {
        let attachment_id = uuid::Uuid::new_v4().to_string();
        let sealed = envelope::seal_attachment(&content_key, &client_id, &attachment_id, plain).expect("seals");
        metas.push(AttachmentMeta {
            attachment_id: attachment_id.clone(),
            size: sealed.len() as u64,
            sha256: digest(&SHA256, &sealed).as_ref().to_vec(),
        });
        infos.push(AttachmentInfo {
            attachment_id: attachment_id.clone(),
            kind: AttachmentKind::Photo,
            mime: "image/jpeg".into(),
            size: plain.len() as u64,
        });
        sealed_attachments.push((attachment_id, sealed));
    }

    let content = GrievanceContent {
        version: 1,
        category_id: "wages".into(),
        text: text.into(),
        language: "vi".into(),
        reporter: None,
        callback: None,
        reply_key: reply_key.clone(),
        attachments: infos,
        created_at: super::now(),
    };
    let json = serde_json::to_vec(&content).expect("serialises");
    let payload =
        envelope::seal(&content_key, &envelope::payload_aad(&client_id, &case_id), &json).expect("payload seals");
    let header = SubmissionHeader {
        client_id: client_id.clone(),
        case_id: case_id.clone(),
        factory_id: factory_id.into(),
        routes: routes.to_vec(),
        directory_version: directory.version,
        recipients,
        receipt_verifier: digest(&SHA256, &token).as_ref().to_vec(),
        attachments: metas,
    };
    let framed = frame_submission(&header, &payload).expect("frames");
    Sealed { client_id, case_id, header, payload, framed, attachments: sealed_attachments, token, reply_key, content }
}

/// Opens a reply event's text with the reply key, as the worker's device does.
pub fn open_reply(sealed: &Sealed, event: &workervoice_protocol::grievance::CaseEvent) -> String {
    let aad = envelope::reply_aad(
        &sealed.case_id,
        event.reply_id.as_deref().expect("reply id"),
        event.author.expect("author"),
    );
    let text =
        envelope::open(&sealed.reply_key, &aad, event.reply.as_deref().expect("reply")).expect("the reply opens");
    String::from_utf8(text).expect("utf-8")
}
