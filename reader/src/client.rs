//! The hub's reader API over HTTP(S): accept an invitation, sign in (prelogin,
//! KDF, login, unwrap), and work on cases. Everything opened is opened here.

use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use workervoice_protocol::auth;
use workervoice_protocol::grievance::{CaseEvent, CaseStatus};
use workervoice_protocol::handler::{
    AuditEntry, CaseSummary, HandlerLoginRequest, HandlerLoginResponse, HandlerSummary, PreloginRequest,
    PreloginResponse, RouteReader, SealedCase, SetStatusRequest,
};
use workervoice_protocol::survey_response::{SealedSurveyResults, SurveyResults};

use crate::ReaderError;
use crate::account::{Enrolment, PasswordKeys, ReaderKeyPair, password_change};
use crate::open::{OpenedCase, open_case, seal_note};

/// A hub's reader API.
#[derive(Clone)]
pub struct ReaderClient {
    base: String,
    http: reqwest::Client,
}

fn transport(error: impl std::fmt::Display) -> ReaderError {
    ReaderError::Transport(error.to_string())
}

async fn parse<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, ReaderError> {
    let status = response.status();
    let bytes = response.bytes().await.map_err(transport)?;
    if !status.is_success() {
        return Err(ReaderError::Refused {
            status: status.as_u16(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
        });
    }
    serde_json::from_slice(&bytes).map_err(transport)
}

impl ReaderClient {
    /// A client for the hub at `base_url`, with TLS through ring and the
    /// web PKI roots.
    pub fn new(base_url: &str) -> Result<Self, ReaderError> {
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(transport)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .tls_backend_preconfigured(tls)
            .build()
            .map_err(transport)?;
        Ok(Self::with_http(base_url, http))
    }

    /// A client on an HTTP client the caller built (tests: a loopback hub).
    pub fn with_http(base_url: &str, http: reqwest::Client) -> Self {
        Self { base: base_url.trim_end_matches('/').to_owned(), http }
    }

    async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T, ReaderError> {
        let response = self.http.post(format!("{}{path}", self.base)).json(body).send().await.map_err(transport)?;
        parse(response).await
    }

    /// Accepts an invitation: makes the key pair, wraps it under `password`,
    /// and sends the hub the public parts. Returns the account and the keys
    /// (so the first sign-in needs no second PBKDF2).
    pub async fn accept(
        &self,
        handler_id: &str,
        invitation_token: &str,
        password: &str,
    ) -> Result<(HandlerSummary, PasswordKeys), ReaderError> {
        let enrolment = Enrolment::new(handler_id, invitation_token, password)?;
        let account: HandlerSummary = self.post("/handler/v1/invitations/accept", &enrolment.request).await?;
        Ok((account, enrolment.keys))
    }

    /// The salt and iterations the hub has for `handler_id`.
    pub async fn prelogin(&self, handler_id: &str) -> Result<PreloginResponse, ReaderError> {
        self.post("/handler/v1/prelogin", &PreloginRequest { handler_id: handler_id.to_owned() }).await
    }

    /// Signs in with a password: prelogin, PBKDF2, login, unwrap.
    pub async fn login(
        &self,
        handler_id: &str,
        password: &str,
        device_token: Option<String>,
    ) -> Result<ReaderSession, ReaderError> {
        let prelogin = self.prelogin(handler_id).await?;
        let password = password.to_owned();
        let keys = tokio::task::spawn_blocking(move || {
            PasswordKeys::derive(&password, &prelogin.kdf_salt, prelogin.kdf_iterations)
        })
        .await
        .map_err(transport)??;
        self.login_with_keys(handler_id, keys, device_token).await
    }

    /// Signs in with keys already derived from the password.
    pub async fn login_with_keys(
        &self,
        handler_id: &str,
        keys: PasswordKeys,
        device_token: Option<String>,
    ) -> Result<ReaderSession, ReaderError> {
        let request = HandlerLoginRequest {
            handler_id: handler_id.to_owned(),
            login_key: keys.login_key().to_vec(),
            device_token,
        };
        let response: HandlerLoginResponse = self.post("/handler/v1/login", &request).await?;
        let key_pair = ReaderKeyPair::unwrap(&keys, handler_id, &response.wrapped_private_key)?;
        if key_pair.public_key()[..] != response.account.public_key[..] {
            return Err(ReaderError::Crypto("the unwrapped key is not the account's public key"));
        }
        Ok(ReaderSession {
            client: self.clone(),
            token: response.session_token,
            device_token: response.device_token,
            account: response.account,
            key_pair,
            keys,
        })
    }
}

/// A signed-in reader: a session token and the unwrapped key pair, in this
/// process only.
pub struct ReaderSession {
    client: ReaderClient,
    token: String,
    device_token: String,
    account: HandlerSummary,
    key_pair: ReaderKeyPair,
    keys: PasswordKeys,
}

impl ReaderSession {
    /// The account.
    pub fn account(&self) -> &HandlerSummary {
        &self.account
    }

    /// The bearer token (for raw requests in tests).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The device token to send at the next sign-in from this client.
    pub fn device_token(&self) -> &str {
        &self.device_token
    }

    /// The hub's base URL.
    pub fn base_url(&self) -> &str {
        &self.client.base
    }

    /// The key pair.
    pub fn key_pair(&self) -> &ReaderKeyPair {
        &self.key_pair
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&(dyn erased::Body + Sync)>,
    ) -> Result<T, ReaderError> {
        let mut request =
            self.client.http.request(method, format!("{}{path}", self.client.base)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.to_json()?);
        }
        parse(request.send().await.map_err(transport)?).await
    }

    /// Every case on this reader's route now (metadata), oldest first: the
    /// hub pages its inbox (at most `INBOX_MAX_LIMIT` a page), so this asks
    /// page after page until one comes back short.
    pub async fn cases(&self) -> Result<Vec<CaseSummary>, ReaderError> {
        let limit = workervoice_protocol::handler::INBOX_MAX_LIMIT;
        let mut cases = Vec::new();
        for page in 1.. {
            let batch: Vec<CaseSummary> = self
                .call(Method::GET, &format!("/handler/v1/cases?sort=received&limit={limit}&page={page}"), None)
                .await?;
            let short = batch.len() < usize::try_from(limit).unwrap_or(usize::MAX);
            cases.extend(batch);
            if short {
                break;
            }
        }
        Ok(cases)
    }

    /// A case as the hub serves it: sealed.
    pub async fn sealed_case(&self, case_id: &str) -> Result<SealedCase, ReaderError> {
        self.call(Method::GET, &format!("/handler/v1/cases/{case_id}"), None).await
    }

    /// A case, fetched sealed and opened here.
    pub async fn open_case(&self, case_id: &str) -> Result<OpenedCase, ReaderError> {
        open_case(&self.key_pair, self.sealed_case(case_id).await?)
    }

    /// Seals a reply here and sends it.
    pub async fn reply(&self, case_id: &str, text: &str) -> Result<CaseEvent, ReaderError> {
        let opened = self.open_case(case_id).await?;
        let request = opened.seal_reply(&uuid::Uuid::new_v4().to_string(), text)?;
        self.call(Method::POST, &format!("/handler/v1/cases/{}/replies", opened.case_id()), Some(&request)).await
    }

    /// Sets a case's status (clear metadata).
    pub async fn set_status(&self, case_id: &str, status: CaseStatus) -> Result<CaseEvent, ReaderError> {
        self.call(Method::POST, &format!("/handler/v1/cases/{case_id}/status"), Some(&SetStatusRequest { status }))
            .await
    }

    /// An attachment, fetched as ciphertext and opened here.
    pub async fn attachment(&self, case_id: &str, attachment_id: &str) -> Result<Vec<u8>, ReaderError> {
        let opened = self.open_case(case_id).await?;
        let response = self
            .client
            .http
            .get(format!("{}/handler/v1/cases/{case_id}/attachments/{attachment_id}", self.client.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(transport)?;
        if !status.is_success() {
            return Err(ReaderError::Refused { status: status.as_u16(), body: String::from_utf8_lossy(&bytes).into() });
        }
        opened.open_attachment(attachment_id, &bytes)
    }

    /// The case's audit log.
    pub async fn audit(&self, case_id: &str) -> Result<Vec<AuditEntry>, ReaderError> {
        self.call(Method::GET, &format!("/handler/v1/cases/{case_id}/audit"), None).await
    }

    /// Writes an internal note, sealed here to every reader of the case's route.
    pub async fn add_note(&self, case_id: &str, text: &str) -> Result<(), ReaderError> {
        let readers: Vec<RouteReader> =
            self.call(Method::GET, &format!("/handler/v1/cases/{case_id}/readers"), None).await?;
        let request = seal_note(case_id, &uuid::Uuid::new_v4().to_string(), text, &readers)?;
        let _: auth::Ok =
            self.call(Method::POST, &format!("/handler/v1/cases/{case_id}/notes"), Some(&request)).await?;
        Ok(())
    }

    /// Changes the password: the same key re-wrapped here under the new one.
    pub async fn change_password(&mut self, new_password: &str) -> Result<(), ReaderError> {
        let (request, keys) = password_change(&self.key_pair, &self.account.handler_id, &self.keys, new_password)?;
        let _: auth::Ok = self.call(Method::POST, "/handler/v1/password", Some(&request)).await?;
        self.keys = keys;
        Ok(())
    }

    /// A survey's answers, fetched sealed, opened and aggregated here.
    pub async fn survey_results(&self, survey_id: &str) -> Result<SurveyResults, ReaderError> {
        let sealed: SealedSurveyResults =
            self.call(Method::GET, &format!("/handler/v1/surveys/{survey_id}/responses"), None).await?;
        crate::surveys::open_and_aggregate(&self.key_pair, &self.account.key_id, &sealed)
    }

    /// Publishes aggregates this analyst's client computed (small groups
    /// suppressed here; the hub re-checks) for staff to read per factory.
    pub async fn publish_aggregates(&self, results: &SurveyResults) -> Result<(), ReaderError> {
        let path = format!("/handler/v1/surveys/{}/aggregates", results.survey_id);
        let _: auth::Ok = self.call(Method::POST, &path, Some(results)).await?;
        Ok(())
    }

    /// Ends the session.
    pub async fn logout(self) -> Result<(), ReaderError> {
        let _: auth::Ok = self.call(Method::POST, "/handler/v1/logout", None).await?;
        Ok(())
    }
}

/// A request body as JSON bytes, behind a trait object (the calls above take
/// different body types).
mod erased {
    use crate::ReaderError;

    pub(super) trait Body {
        fn to_json(&self) -> Result<Vec<u8>, ReaderError>;
    }

    impl<T: serde::Serialize> Body for T {
        fn to_json(&self) -> Result<Vec<u8>, ReaderError> {
            serde_json::to_vec(self).map_err(|error| ReaderError::Transport(error.to_string()))
        }
    }
}
