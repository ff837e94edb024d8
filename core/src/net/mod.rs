//! The device's HTTP client to the hub: HTTPS with rustls on ring, signed
//! requests, bounded replies, and typed errors for every way a reply can be bad.
//!
//! Production configuration refuses `http://`. Plain HTTP is possible only to a
//! loopback address and only with [`NetConfig::allow_insecure_http_for_tests`],
//! which exists for tests and demos on one machine.

mod signer;

use std::sync::Arc;
use std::time::Duration;

pub use reqwest::{Method, StatusCode};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;
use workervoice_protocol::MAX_BODY_BYTES;
use workervoice_protocol::error::{ErrorBody, HubError, HubErrorCode};

use crate::error::{Error, ErrorCode};

pub use signer::Signer;

/// How the device reaches the hub.
#[derive(Debug, Clone)]
pub struct NetConfig {
    /// Leave `false` in the apps. Allows plain `http://` to a loopback hub
    /// (127.0.0.0/8, `::1`, `localhost`) and nowhere else; any other host
    /// still needs HTTPS. It exists because the Kotlin tests on the JVM
    /// (`bindings/tests/kotlin`, run by `scripts/test-kotlin`), the end-to-end
    /// tests (`tests/`) and the command-line device talk to a hub they start
    /// on 127.0.0.1 without TLS; the Android and iOS apps never need it.
    pub allow_insecure_http_for_tests: bool,
    /// Extra trusted root certificates (PEM), for a programme with its own CA.
    pub extra_root_certs_pem: Vec<String>,
    /// Connection timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub request_timeout: Duration,
}

impl Default for NetConfig {
    fn default() -> Self {
        Self {
            allow_insecure_http_for_tests: false,
            extra_root_certs_pem: Vec::new(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Why a request to the hub failed.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// The hub could not be reached (no network, DNS, refused, timed out).
    #[error("hub unreachable")]
    Unreachable,
    /// The hub answered with a typed refusal.
    #[error("hub refused: {:?}", .0.code)]
    Refused(HubError),
    /// The hub answered something that is not what the protocol says.
    #[error("bad reply: {0}")]
    BadReply(&'static str),
    /// The hub URL is not acceptable (not HTTPS, or malformed).
    #[error("insecure or malformed hub URL")]
    InsecureUrl,
    /// The TLS configuration could not be built (bad extra root certificate).
    #[error("TLS configuration invalid")]
    Tls,
    /// The hub's TLS certificate is not trusted (or TLS failed in a way that
    /// suggests interception).
    #[error("hub certificate not trusted")]
    Untrusted,
    /// The device identity could not sign (random source or key failure).
    #[error("request could not be signed")]
    Signing,
}

impl NetError {
    /// Whether retrying later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable => true,
            Self::Refused(error) => error.code.is_transient(),
            Self::BadReply(_) | Self::InsecureUrl | Self::Tls | Self::Signing | Self::Untrusted => false,
        }
    }

    pub(crate) fn into_public(self) -> Error {
        match self {
            Self::Unreachable => ErrorCode::NetworkUnavailable.into(),
            Self::BadReply(_) => ErrorCode::BadReply.into(),
            Self::InsecureUrl => ErrorCode::InsecureHubUrl.into(),
            Self::Tls | Self::Untrusted => ErrorCode::InsecureHubUrl.into(),
            Self::Signing => ErrorCode::Internal.into(),
            Self::Refused(error) => match error.code {
                HubErrorCode::WrongPin => Error::WrongPin { attempts_left: error.attempts_left },
                HubErrorCode::BadRequest => ErrorCode::InvalidInput.into(),
                HubErrorCode::Unauthorized | HubErrorCode::Replayed | HubErrorCode::NotFound => {
                    ErrorCode::HubRefused.into()
                }
                HubErrorCode::ClockSkew => ErrorCode::ClockWrong.into(),
                HubErrorCode::EnrolmentCodeInvalid => ErrorCode::EnrolmentCodeInvalid.into(),
                HubErrorCode::DeviceRetired => ErrorCode::DeviceRetired.into(),
                HubErrorCode::PinLocked => ErrorCode::PinLocked.into(),
                HubErrorCode::ActivationInvalid => ErrorCode::ActivationInvalid.into(),
                HubErrorCode::SelfRegistrationDisabled => ErrorCode::SelfRegistrationDisabled.into(),
                HubErrorCode::WorkerExists => ErrorCode::WorkerExists.into(),
                HubErrorCode::CaseIdTaken | HubErrorCode::UnknownRecipient => ErrorCode::HubRefused.into(),
                HubErrorCode::PayloadTooLarge => ErrorCode::TooLarge.into(),
                HubErrorCode::RateLimited | HubErrorCode::Internal => ErrorCode::HubUnavailable.into(),
                HubErrorCode::AlreadyAnswered => ErrorCode::AlreadyAnswered.into(),
                HubErrorCode::SurveyNotOpen => ErrorCode::SurveyNotOpen.into(),
                HubErrorCode::TokenInvalid | HubErrorCode::Forbidden | HubErrorCode::BadSignature => {
                    ErrorCode::HubRefused.into()
                }
            },
        }
    }
}

// Here rather than in `error`: `error` sits below `net` and imports nothing of it.
impl From<NetError> for Error {
    fn from(error: NetError) -> Self {
        error.into_public()
    }
}

/// The device's idea of the hub's clock: its own clock plus the offset the
/// hub's replies taught it (their `Date` header). Signed requests carry this
/// time, so a device whose clock is off by a day still syncs: its first
/// signed request is refused (`clock_skew`), the refusal's `Date` teaches the
/// offset, and the request is signed again once.
#[derive(Clone)]
pub struct HubTime {
    clock: Arc<dyn crate::clock::Clock>,
    offset_secs: Arc<std::sync::atomic::AtomicI64>,
}

impl HubTime {
    /// The device's `clock` and the offset learned so far (shared, updated in place).
    pub fn new(clock: Arc<dyn crate::clock::Clock>, offset_secs: Arc<std::sync::atomic::AtomicI64>) -> Self {
        Self { clock, offset_secs }
    }

    /// The device's own clock, unix seconds.
    pub fn device_secs(&self) -> i64 {
        self.clock.now_millis().div_euclid(1000)
    }

    /// The hub's clock as the device knows it, unix seconds.
    pub fn hub_secs(&self) -> i64 {
        self.device_secs().saturating_add(self.offset_secs.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// Learns the hub's clock from a reply; returns whether the offset moved
    /// by more than a minute.
    fn learn(&self, hub_secs: i64) -> bool {
        let offset = hub_secs.saturating_sub(self.device_secs());
        let previous = self.offset_secs.swap(offset, std::sync::atomic::Ordering::SeqCst);
        (offset - previous).abs() > 60
    }
}

/// The `Date` header of a reply, unix seconds.
fn reply_date(headers: &reqwest::header::HeaderMap) -> Option<i64> {
    let text = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    crate::clock::parse_http_date(text)
}

/// A client for one hub.
#[derive(Clone)]
pub struct HubClient {
    base: Url,
    http: reqwest::Client,
    request_timeout: Duration,
    time: Option<HubTime>,
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    }
}

/// Checks a hub URL against the configuration; returns it parsed.
pub fn check_hub_url(text: &str, config: &NetConfig) -> Result<Url, NetError> {
    let url = Url::parse(text.trim()).map_err(|_| NetError::InsecureUrl)?;
    let allowed = match url.scheme() {
        "https" => true,
        "http" => config.allow_insecure_http_for_tests && is_loopback(&url),
        _ => false,
    };
    if !allowed || url.host().is_none() || !url.username().is_empty() || url.password().is_some() {
        return Err(NetError::InsecureUrl);
    }
    Ok(url)
}

/// Key loading is for client certificates, which the app never presents.
#[derive(Debug)]
struct NoClientKeys;

impl rustls::crypto::KeyProvider for NoClientKeys {
    fn load_private_key(
        &self,
        _key: rustls::pki_types::PrivateKeyDer<'static>,
    ) -> Result<Arc<dyn rustls::sign::SigningKey>, rustls::Error> {
        Err(rustls::Error::General("no client certificates".into()))
    }
}

/// *ring*'s provider cut to what the app needs (ADR 0004): TLS 1.3 only,
/// X25519 key exchange only, every signature algorithm a server's chain may
/// use (public CAs sign with RSA and ECDSA P-256/P-384), and no private keys.
/// The hub and any programme proxy speak TLS 1.3 with X25519; dropping the
/// rest keeps the library within its size budget (RSA signing, P-256/P-384
/// key exchange and TLS 1.2 suites are not linked from here).
fn crypto_provider() -> rustls::crypto::CryptoProvider {
    use rustls::crypto::ring::{cipher_suite, kx_group};
    rustls::crypto::CryptoProvider {
        cipher_suites: vec![
            cipher_suite::TLS13_CHACHA20_POLY1305_SHA256,
            cipher_suite::TLS13_AES_128_GCM_SHA256,
            cipher_suite::TLS13_AES_256_GCM_SHA384,
        ],
        kx_groups: vec![kx_group::X25519],
        signature_verification_algorithms: SIGNATURE_ALGORITHMS,
        secure_random: &SystemRandom,
        key_provider: &NoClientKeys,
    }
}

/// The system's random source (*ring*), for rustls.
#[derive(Debug)]
struct SystemRandom;

impl rustls::crypto::SecureRandom for SystemRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), rustls::crypto::GetRandomFailed> {
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), buf)
            .map_err(|_| rustls::crypto::GetRandomFailed)
    }
}

/// What a server's certificate chain may be signed with (`all`: RSA and
/// ECDSA from public CAs, Ed25519 from a programme CA), and, per TLS 1.3
/// signature scheme, what its handshake signature is checked with (TLS 1.3
/// fixes the curve and padding by scheme; PKCS#1 v1.5 is for chains only).
static SIGNATURE_ALGORITHMS: rustls::crypto::WebPkiSupportedAlgorithms = {
    use rustls::SignatureScheme as Scheme;
    use webpki::ring as alg;
    rustls::crypto::WebPkiSupportedAlgorithms {
        all: &[
            alg::ECDSA_P256_SHA256,
            alg::ECDSA_P256_SHA384,
            alg::ECDSA_P384_SHA256,
            alg::ECDSA_P384_SHA384,
            alg::ED25519,
            alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
            alg::RSA_PKCS1_2048_8192_SHA256,
            alg::RSA_PKCS1_2048_8192_SHA384,
            alg::RSA_PKCS1_2048_8192_SHA512,
        ],
        mapping: &[
            (Scheme::ECDSA_NISTP256_SHA256, &[alg::ECDSA_P256_SHA256]),
            (Scheme::ECDSA_NISTP384_SHA384, &[alg::ECDSA_P384_SHA384]),
            (Scheme::ED25519, &[alg::ED25519]),
            (Scheme::RSA_PSS_SHA256, &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY]),
            (Scheme::RSA_PSS_SHA384, &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY]),
            (Scheme::RSA_PSS_SHA512, &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY]),
        ],
    }
};

fn tls_config(config: &NetConfig) -> Result<rustls::ClientConfig, NetError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for pem in &config.extra_root_certs_pem {
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            roots.add(cert.map_err(|_| NetError::Tls)?).map_err(|_| NetError::Tls)?;
        }
    }
    let mut tls = rustls::ClientConfig::builder_with_provider(Arc::new(crypto_provider()))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|_| NetError::Tls)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tls)
}

impl HubClient {
    /// A client for the hub at `base_url`.
    pub fn new(base_url: &str, config: &NetConfig) -> Result<Self, NetError> {
        Self::build_client(base_url, config, true)
    }

    /// A client that keeps no connection for reuse: every request it sends
    /// opens its own connection, closed once the reply is read. Unsigned
    /// traffic (reports, survey answers, case pulls) goes through one of
    /// these, so no connection the hub sees carries both a request that
    /// names the device and one that must not be linked to it (ADR 0016).
    pub fn unpooled(base_url: &str, config: &NetConfig) -> Result<Self, NetError> {
        Self::build_client(base_url, config, false)
    }

    fn build_client(base_url: &str, config: &NetConfig, pooled: bool) -> Result<Self, NetError> {
        let base = check_hub_url(base_url, config)?;
        let mut builder = reqwest::Client::builder();
        let mut tls = tls_config(config)?;
        if !pooled {
            builder = builder.pool_max_idle_per_host(0);
            // A TLS session ticket the hub issued on one connection and the
            // device presents on the next would tie the two together as
            // surely as one connection does: every handshake is a full one.
            tls.resumption = rustls::client::Resumption::disabled();
        }
        let http = builder
            .tls_backend_preconfigured(tls)
            .https_only(!config.allow_insecure_http_for_tests)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| NetError::Tls)?;
        Ok(Self { base, http, request_timeout: config.request_timeout, time: None })
    }

    /// Signs with (and keeps learning) the hub's clock as `time` knows it,
    /// instead of the system clock.
    pub fn with_time(mut self, time: HubTime) -> Self {
        self.time = Some(time);
        self
    }

    /// The hub's base URL.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// POST JSON without a device signature.
    pub async fn post_unsigned<Q: Serialize, R: DeserializeOwned>(&self, path: &str, body: &Q) -> Result<R, NetError> {
        let bytes = serde_json::to_vec(body).map_err(|_| NetError::BadReply("request did not serialize"))?;
        self.send(Request::new(Method::POST, path).json(bytes)).await
    }

    /// POST JSON signed with the device identity.
    pub async fn post_signed<Q: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &Q,
        signer: &Signer,
    ) -> Result<R, NetError> {
        let bytes = serde_json::to_vec(body).map_err(|_| NetError::BadReply("request did not serialize"))?;
        self.send(Request::new(Method::POST, path).json(bytes).signed(signer)).await
    }

    /// GET signed with the device identity.
    pub async fn get_signed<R: DeserializeOwned>(&self, path: &str, signer: &Signer) -> Result<R, NetError> {
        self.send(Request::new(Method::GET, path).signed(signer)).await
    }

    /// Sends a request built with [`Request`].
    pub async fn send<R: DeserializeOwned>(&self, request: Request<'_>) -> Result<R, NetError> {
        let (status, bytes) = self.send_raw(request).await?;
        decode_reply(status, &bytes)
    }

    /// Sends a request and returns its status and (bounded) body undecoded,
    /// for replies whose status carries meaning of its own (`304`).
    pub async fn send_raw(&self, request: Request<'_>) -> Result<(StatusCode, Vec<u8>), NetError> {
        let retry = request.signer.is_some().then(|| request.clone());
        let (status, bytes, moved) = self.send_once(request).await?;
        // A refused timestamp after the clock offset just moved: sign again, once.
        if let Some(retry) = retry
            && moved
            && status == StatusCode::UNAUTHORIZED
            && decode_reply::<serde_json::Value>(status, &bytes)
                .is_err_and(|error| matches!(&error, NetError::Refused(e) if e.code == HubErrorCode::ClockSkew))
        {
            let (status, bytes, _) = self.send_once(retry).await?;
            return Ok((status, bytes));
        }
        Ok((status, bytes))
    }

    async fn send_once(&self, request: Request<'_>) -> Result<(StatusCode, Vec<u8>, bool), NetError> {
        let mut response = self.build(request)?.send().await.map_err(|error| classify(&error))?;
        let moved = match (&self.time, reply_date(response.headers())) {
            (Some(time), Some(date)) => time.learn(date),
            _ => false,
        };
        let status = response.status();
        let bytes = read_bounded(&mut response).await?;
        Ok((status, bytes, moved))
    }

    /// Starts a request whose body the caller streams (content blobs), with
    /// `timeout` for the whole transfer instead of the configured request
    /// timeout: a large blob on a slow link takes longer than any one JSON
    /// reply, and the caller detects stalls chunk by chunk.
    pub async fn open_stream(&self, request: Request<'_>, timeout: Duration) -> Result<reqwest::Response, NetError> {
        self.build(request)?.timeout(timeout).send().await.map_err(|error| classify(&error))
    }

    /// The configured timeout of one request.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    fn build(&self, request: Request<'_>) -> Result<reqwest::RequestBuilder, NetError> {
        let url = self.base.join(request.path).map_err(|_| NetError::InsecureUrl)?;
        let mut builder = self.http.request(request.method.clone(), url.clone());
        if let Some(content_type) = request.content_type {
            builder = builder.header(reqwest::header::CONTENT_TYPE, content_type);
        }
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        if let Some(signer) = request.signer {
            let mut path_and_query = url.path().to_owned();
            if let Some(query) = url.query() {
                path_and_query.push('?');
                path_and_query.push_str(query);
            }
            // A client made without `with_time` (the app never does) signs with
            // the system clock, still read through `Clock`.
            let timestamp = self.time.as_ref().map_or_else(
                || crate::clock::Clock::now_millis(&crate::clock::SystemClock).div_euclid(1000),
                HubTime::hub_secs,
            );
            for (name, value) in signer.headers(request.method.as_str(), &path_and_query, &request.body, timestamp)? {
                builder = builder.header(name, value);
            }
        }
        Ok(builder.body(request.body))
    }
}

/// One request to the hub: method, path (with query), body and headers.
#[derive(Clone)]
pub struct Request<'a> {
    method: Method,
    path: &'a str,
    body: Vec<u8>,
    content_type: Option<&'static str>,
    headers: Vec<(&'static str, String)>,
    signer: Option<&'a Signer>,
}

impl<'a> Request<'a> {
    /// A request without body.
    pub fn new(method: Method, path: &'a str) -> Self {
        Self { method, path, body: Vec::new(), content_type: None, headers: Vec::new(), signer: None }
    }

    /// A JSON body.
    pub fn json(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self.content_type = Some("application/json");
        self
    }

    /// A raw body of the given content type (sealed submissions, attachment chunks).
    pub fn bytes(mut self, content_type: &'static str, body: Vec<u8>) -> Self {
        self.body = body;
        self.content_type = Some(content_type);
        self
    }

    /// An extra header (e.g. the case token).
    pub fn header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Signs the request with the device identity.
    pub fn signed(mut self, signer: &'a Signer) -> Self {
        self.signer = Some(signer);
        self
    }
}

/// A failed send: a certificate the device does not trust (possibly someone
/// in the middle) is not "offline" and must not be retried silently.
fn classify(error: &reqwest::Error) -> NetError {
    if is_tls_failure(error) { NetError::Untrusted } else { NetError::Unreachable }
}

fn is_tls_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    if error.is::<rustls::Error>() {
        return true;
    }
    // `io::Error::source()` skips the error it wraps (and hyper nests them):
    // look inside explicitly.
    if let Some(inner) = error.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref())
        && is_tls_failure(inner)
    {
        return true;
    }
    error.source().is_some_and(is_tls_failure)
}

async fn read_bounded(response: &mut reqwest::Response) -> Result<Vec<u8>, NetError> {
    if response.content_length().is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return Err(NetError::BadReply("reply too large"));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|_| NetError::Unreachable)? {
        if bytes.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(NetError::BadReply("reply too large"));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Turns a status and body into the typed reply or a typed error. Separate
/// from I/O so every malformed case is unit-tested.
pub fn decode_reply<R: DeserializeOwned>(status: StatusCode, bytes: &[u8]) -> Result<R, NetError> {
    if status.is_success() {
        return serde_json::from_slice(bytes).map_err(|_| NetError::BadReply("reply does not match the protocol"));
    }
    match serde_json::from_slice::<ErrorBody>(bytes) {
        Ok(body) => Err(NetError::Refused(body.error)),
        // A proxy or load balancer in the way, not the hub: treat as unavailable.
        Err(_) if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS => {
            Err(NetError::Refused(HubError::new(HubErrorCode::Internal)))
        }
        Err(_) => Err(NetError::BadReply("error reply does not match the protocol")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use workervoice_protocol::auth::LoginResponse;

    #[test]
    fn production_configuration_refuses_plain_http() {
        let production = NetConfig::default();
        assert!(matches!(check_hub_url("http://127.0.0.1:8787", &production), Err(NetError::InsecureUrl)));
        assert!(check_hub_url("https://hub.example.org", &production).is_ok());
        let tests = NetConfig { allow_insecure_http_for_tests: true, ..NetConfig::default() };
        assert!(check_hub_url("http://127.0.0.1:8787", &tests).is_ok());
        assert!(check_hub_url("http://localhost:8787", &tests).is_ok());
        // Even the test setting never allows plain HTTP off the machine.
        assert!(matches!(check_hub_url("http://10.0.0.5:8787", &tests), Err(NetError::InsecureUrl)));
        assert!(matches!(check_hub_url("ftp://hub.example.org", &tests), Err(NetError::InsecureUrl)));
        assert!(matches!(check_hub_url("https://user:pw@hub.example.org", &tests), Err(NetError::InsecureUrl)));
    }

    #[test]
    fn malformed_replies_are_typed_errors() {
        let ok = StatusCode::OK;
        for body in [&b""[..], b"{", b"[]", b"{\"worker_id\": 5}", b"\xff\xfe", b"null"] {
            assert!(matches!(decode_reply::<LoginResponse>(ok, body), Err(NetError::BadReply(_))), "{body:?}");
        }
        let refused = decode_reply::<LoginResponse>(
            StatusCode::BAD_REQUEST,
            br#"{"error":{"code":"wrong_pin","attempts_left":4}}"#,
        );
        assert!(matches!(
            refused,
            Err(NetError::Refused(HubError { code: HubErrorCode::WrongPin, attempts_left: Some(4), .. }))
        ));
        let unknown_code =
            decode_reply::<LoginResponse>(StatusCode::BAD_REQUEST, br#"{"error":{"code":"from_the_future"}}"#);
        assert!(matches!(unknown_code, Err(NetError::BadReply(_))));
        let proxy_page = decode_reply::<LoginResponse>(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>");
        assert!(proxy_page.as_ref().is_err_and(NetError::is_transient));
    }
}
