//! The production transport: HTTPS with rustls on ring, a certificate from a
//! programme CA the device is told to trust, and no test-only setting.

use std::sync::Arc;

use workervoice::{AppOptions, DeviceMode, ErrorCode, WorkerVoiceApp, new_memory_key_store};
use workervoice_hub::{HubConfig, TlsFiles};

fn tls_files(dir: &std::path::Path) -> (TlsFiles, String) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).expect("certificate");
    let cert_pem = certified.cert.pem();
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    std::fs::write(&cert, &cert_pem).expect("write cert");
    std::fs::write(&key, certified.signing_key.serialize_pem()).expect("write key");
    (TlsFiles { cert_pem: cert, key_pem: key }, cert_pem)
}

fn device(dir: &std::path::Path, trusted: Vec<String>) -> Arc<WorkerVoiceApp> {
    WorkerVoiceApp::open(
        AppOptions {
            data_dir: dir.to_string_lossy().into_owned(),
            default_hub_url: None,
            languages: vec!["en".into()],
            allow_insecure_http_for_tests: false,
            extra_root_certs_pem: trusted,
            request_timeout_secs: 10,
            programme_public_key: None,
        },
        new_memory_key_store(),
    )
    .expect("app")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_enrols_and_logs_in_over_https_with_the_production_configuration() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let (tls, cert_pem) = tls_files(dir.path());
    let mut config = HubConfig::for_tests(dir.path().join("hub"));
    config.tls = Some(tls);
    let hub = workervoice_hub::start(config).await.expect("hub with TLS");
    assert!(hub.base_url.starts_with("https://"), "{}", hub.base_url);
    let seed = workervoice_hub::seed_demo(&hub).await.expect("demo");
    let worker = seed.workers().into_iter().find(|w| w.activation_code.is_some()).expect("worker");

    // A device that does not trust the certificate refuses to talk, and says
    // so (not "offline", which it would retry forever).
    let untrusting = device(&dir.path().join("untrusting"), vec![]);
    let refused = untrusting.enrol(seed.personal_code.qr_payload.clone(), DeviceMode::Personal).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InsecureHubUrl);

    let phone = device(&dir.path().join("phone"), vec![cert_pem]);
    let status =
        phone.enrol(seed.personal_code.qr_payload.clone(), DeviceMode::Personal).await.expect("enrol over TLS");
    assert!(status.enrolled);
    let activation = worker.activation_code.clone().unwrap_or_default();
    phone.activate(worker.worker_number.clone(), activation, "482913".into()).await.expect("activate over TLS");
    phone.lock();
    phone.login(worker.worker_number.clone(), "482913".into()).await.expect("login over TLS");
    hub.shutdown().await;
}
