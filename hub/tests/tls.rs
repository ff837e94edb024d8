//! TLS termination with a certificate the hub was given.

mod support;

use support::{TestHub, within_time};
use workervoice_hub::TlsFiles;
use workervoice_protocol::codes::EnrolmentQr;
use workervoice_protocol::enrol::DeviceMode;

/// A self-signed certificate for 127.0.0.1 and localhost, written as PEM
/// files into `dir`, plus a root store that trusts it.
fn self_signed(dir: &std::path::Path) -> (TlsFiles, rustls::RootCertStore) {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("certificate generates");
    let files = TlsFiles { cert_pem: dir.join("cert.pem"), key_pem: dir.join("key.pem") };
    std::fs::write(&files.cert_pem, certified.cert.pem()).expect("cert written");
    std::fs::write(&files.key_pem, certified.signing_key.serialize_pem()).expect("key written");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(certified.cert.der().clone()).expect("root added");
    (files, roots)
}

#[tokio::test]
async fn the_hub_serves_tls_with_a_given_certificate() {
    within_time(async {
        let pem_dir = tempfile::tempdir().expect("temp dir");
        let (files, roots) = self_signed(pem_dir.path());
        let mut hub = TestHub::start_with(|config| config.tls = Some(files)).await;
        assert!(hub.hub.base_url.starts_with("https://127.0.0.1:"), "{}", hub.hub.base_url);
        hub.http = support::http_client_trusting(roots);

        let health = hub.http.get(hub.url("/health")).send().await.expect("TLS handshake and request");
        assert_eq!(health.status().as_u16(), 200);

        // The whole device flow works over TLS, and QR codes name the https URL.
        let (factory, device) = hub.factory_with_device(false, DeviceMode::Personal).await;
        let code = hub.issue_code(&factory.id, DeviceMode::Shared).await;
        assert!(EnrolmentQr::parse(&code.qr_payload).expect("payload").hub_url.starts_with("https://"));
        let status = device.send(&device.request(reqwest::Method::GET, "/v1/device/status", Vec::new())).await;
        assert_eq!(status.status, 200);
    })
    .await;
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_certificate_is_refused() {
    within_time(async {
        let pem_dir = tempfile::tempdir().expect("temp dir");
        let (files, _) = self_signed(pem_dir.path());
        let hub = TestHub::start_with(|config| config.tls = Some(files)).await;
        let untrusting = support::http_client();
        assert!(untrusting.get(hub.url("/health")).send().await.is_err());
        // Plain HTTP to the TLS port gets no answer either.
        let plain = hub.url("/health").replace("https://", "http://");
        let answer = untrusting.get(plain).send().await;
        assert!(answer.is_err() || !answer.expect("reply").status().is_success());
    })
    .await;
}

#[tokio::test]
async fn unreadable_tls_files_stop_the_start() {
    within_time(async {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("cert.pem"), "not a certificate").expect("write");
        std::fs::write(dir.path().join("key.pem"), "not a key").expect("write");
        let mut config = workervoice_hub::HubConfig::for_tests(dir.path().join("data"));
        config.tls = Some(TlsFiles { cert_pem: dir.path().join("cert.pem"), key_pem: dir.path().join("key.pem") });
        assert!(workervoice_hub::start(config).await.is_err());
    })
    .await;
}
