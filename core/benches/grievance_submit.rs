//! Submit latency: seal a text report for its handlers and commit it durably
//! to the outbox (`synchronous=FULL`, WAL), through the public API, as an app
//! calls it — p50 and p99 over many submits — plus the sealed size of a
//! typical report against its text.
//!
//! Run: `cargo bench -p workervoice-core --bench grievance_submit`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use workervoice_core::device::{Device, DeviceMode};
use workervoice_core::grievance::{GrievanceDraft, GrievanceRoute};
use workervoice_core::keystore::{KeyStore, MemoryKeyStore};
use workervoice_core::store::Store;
use workervoice_core::{AppConfig, WorkerVoice, directory};
use workervoice_protocol::directory::{
    Category, Directory, Recipient, Route, RouteRecipients, SignedDirectory, directory_signing_input,
};

const SUBMITS: usize = 500;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let dir = tempfile::tempdir().expect("dir");
    let keystore: Arc<dyn KeyStore> = Arc::new(MemoryKeyStore::new());
    let programme =
        Ed25519KeyPair::from_pkcs8(Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).expect("key").as_ref())
            .expect("programme key");
    {
        let store = Store::open(dir.path()).expect("store");
        let mut device =
            Device::create_pending(&store, keystore.as_ref(), "https://hub.example.org", "CODE", DeviceMode::Shared)
                .expect("device");
        device.mark_enrolled(&store, "device-1", "factory-1", "Factory", 0).expect("enrolled");
        // Two handlers on the hotline, two on the committee: a realistic fan-out.
        let handler = |i: u8| Recipient { handler_id: format!("h{i}"), public_key: x25519_public(i) };
        let directory = Directory {
            programme_id: "p".into(),
            version: 1,
            previous_sha256: None,
            issued_at: 0,
            routes: vec![
                RouteRecipients {
                    route: Route::FactoryCommittee,
                    factory_id: Some("factory-1".into()),
                    organisation: String::new(),
                    brand_id: None,
                    factory_ids: Vec::new(),
                    recipients: vec![handler(1), handler(2)],
                    response_deadline_hours: 72,
                },
                RouteRecipients {
                    route: Route::IndependentHotline,
                    factory_id: None,
                    organisation: String::new(),
                    brand_id: None,
                    factory_ids: Vec::new(),
                    recipients: vec![handler(3), handler(4)],
                    response_deadline_hours: 120,
                },
            ],
            categories: vec![Category { id: "wages".into(), labels: BTreeMap::from([("en".into(), "Wages".into())]) }],
        };
        let body = serde_json::to_vec(&directory).expect("json");
        let signed =
            SignedDirectory { signature: programme.sign(&directory_signing_input(&body)).as_ref().to_vec(), body };
        directory::save(store.conn(), &signed, &directory, 0).expect("directory");
    }
    let app = WorkerVoice::open(
        AppConfig {
            data_dir: dir.path().to_path_buf(),
            default_hub_url: None,
            net: Default::default(),
            languages: vec!["en".into()],
            programme_public_key: Some(programme.public_key().as_ref().to_vec()),
        },
        keystore,
    )
    .expect("app");
    let text = "The supervisor on line 4 shouts at us every day and does not pay the overtime we worked in October. \
                Three of us were told we would lose our jobs if we complain to the auditors.";
    let draft = GrievanceDraft {
        category_id: "wages".into(),
        text: text.into(),
        anonymous: true,
        routes: vec![GrievanceRoute::FactoryCommittee, GrievanceRoute::IndependentHotline],
        callback: None,
        attachments: vec![],
    };
    for _ in 0..20 {
        app.submit_grievance(draft.clone()).expect("warm-up");
    }
    let mut samples: Vec<Duration> = (0..SUBMITS)
        .map(|_| {
            let start = Instant::now();
            app.submit_grievance(draft.clone()).expect("submit");
            start.elapsed()
        })
        .collect();
    samples.sort();
    println!(
        "submit (seal for 4 handlers + durable outbox commit), {SUBMITS} submits: p50 {:.2} ms, p99 {:.2} ms",
        percentile(&samples, 0.50).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3
    );
    let sealed = workervoice_core::store::outbox::due(app_store_conn(dir.path()).conn(), i64::MAX, 1).expect("due");
    let body = workervoice_core::store::outbox::body(app_store_conn(dir.path()).conn(), &sealed[0].client_id)
        .expect("body")
        .expect("sealed bytes");
    println!(
        "sealed size of a {}-byte text report for 4 handlers: {} bytes ({:.1}× the text)",
        text.len(),
        body.len(),
        body.len() as f64 / text.len() as f64
    );
}

fn app_store_conn(dir: &std::path::Path) -> Store {
    Store::open(dir).expect("store")
}

/// A valid X25519 public key derived from a fixed seed (any 32 bytes clamp to
/// a scalar; the public key is its product with the base point).
fn x25519_public(seed: u8) -> Vec<u8> {
    use ring::agreement::{EphemeralPrivateKey, X25519};
    let _ = seed;
    let private = EphemeralPrivateKey::generate(&X25519, &SystemRandom::new()).expect("x25519");
    private.compute_public_key().expect("public").as_ref().to_vec()
}
