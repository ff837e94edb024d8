//! Benchmarks of the foundation, printed as figures and ratios in one run:
//!
//! - unlock time at the default KDF parameters (PBKDF2-HMAC-SHA256, 600,000
//!   iterations): the offline unlock path end to end (stretch, key-store
//!   pepper, hub-share cache, vault-key unwrap, canary, profile);
//! - insert + read of 10,000 records through the encrypted store, against the
//!   same rows in plain rusqlite with the same schema shape and pragmas (the
//!   limit). Target: encrypted throughput ≥ 0.7× plain.
//!
//! Run: `cargo bench -p workervoice-core --bench store_and_unlock`.

use std::time::{Duration, Instant};

use rusqlite::{Connection, params};
use workervoice_core::auth::{self, Session};
use workervoice_core::device::{Device, DeviceMode};
use workervoice_core::keystore::MemoryKeyStore;
use workervoice_core::notes;
use workervoice_core::store::Store;
use workervoice_protocol::auth::LoginResponse;

const RECORDS: usize = 10_000;
const ROUNDS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn record(i: usize) -> String {
    format!("Record {i:05}: the supervisor shouted at the sewing line again and overtime was not paid for the week.")
}

/// A personal device with one worker vault, without a hub: the same code
/// paths the app runs after the hub accepted a PIN.
fn personal_device_with_vault(dir: &std::path::Path, keystore: &MemoryKeyStore) -> (Store, Session) {
    let mut store = Store::open(dir).expect("store");
    let mut device = Device::create_pending(&store, keystore, "https://hub.example.org", "CODE", DeviceMode::Personal)
        .expect("device");
    device.mark_enrolled(&store, "device-1", "factory-1", "Factory", 0).expect("enrolled");
    let kdf = auth::new_kdf_params(workervoice_protocol::auth::MIN_PBKDF2_ITERATIONS).expect("kdf");
    let secrets = auth::stretch("482913", &kdf).expect("stretch");
    let login = LoginResponse {
        worker_id: "w-1".into(),
        worker_number: "1001".into(),
        display_name: "Lan".into(),
        language: "vi".into(),
        hub_share: vec![7u8; 32],
        hub_sealing_key: None,
        utc_offset_minutes: 0,
    };
    let session =
        auth::open_vault_online(&mut store, &device, keystore, &login, &kdf, &secrets, None, 0).expect("vault");
    (store, session)
}

fn bench_unlock() {
    let dir = tempfile::tempdir().expect("dir");
    let keystore = MemoryKeyStore::new();
    let (mut store, _) = personal_device_with_vault(dir.path(), &keystore);
    let samples: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let device = Device::load(&store, &keystore).expect("load").expect("device");
            let start = Instant::now();
            let session = auth::unlock_offline(&mut store, &device, &keystore, "1001", "482913").expect("unlock");
            let elapsed = start.elapsed();
            drop(session);
            elapsed
        })
        .collect();
    println!(
        "unlock (offline, PBKDF2-HMAC-SHA256 × {} iterations): median {:.0} ms over {ROUNDS} runs",
        workervoice_protocol::auth::MIN_PBKDF2_ITERATIONS,
        median(samples).as_secs_f64() * 1e3
    );
}

fn encrypted_round(texts: &[String]) -> Duration {
    let dir = tempfile::tempdir().expect("dir");
    let keystore = MemoryKeyStore::new();
    let (mut store, session) = personal_device_with_vault(dir.path(), &keystore);
    let start = Instant::now();
    notes::save(&mut store, &session, texts, 0).expect("save");
    let mut read = 0;
    for page in 0..(RECORDS as u32 / notes::MAX_PAGE) {
        read += notes::list(&store, &session, notes::MAX_PAGE, page * notes::MAX_PAGE).expect("list").len();
    }
    let elapsed = start.elapsed();
    assert_eq!(read, RECORDS);
    elapsed
}

fn plain_round(texts: &[String]) -> Duration {
    let dir = tempfile::tempdir().expect("dir");
    let mut conn = Connection::open(dir.path().join("plain.db")).expect("open");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY;
         CREATE TABLE workers (local_id TEXT PRIMARY KEY) STRICT;
         CREATE TABLE notes (id TEXT PRIMARY KEY, owner TEXT NOT NULL REFERENCES workers(local_id),
                             created_at INTEGER NOT NULL, body BLOB NOT NULL) STRICT;
         CREATE INDEX notes_by_owner ON notes(owner, created_at);",
    )
    .expect("schema");
    // The same rows as the encrypted store: a UUID owner, a UUID id.
    let owner = uuid::Uuid::new_v4().to_string();
    conn.execute("INSERT INTO workers VALUES (?1)", params![owner]).expect("worker");
    let start = Instant::now();
    let tx = conn.transaction().expect("tx");
    {
        let mut insert = tx.prepare_cached("INSERT INTO notes VALUES (?1, ?2, 0, ?3)").expect("prepare");
        for text in texts {
            insert.execute(params![uuid::Uuid::new_v4().to_string(), owner, text.as_bytes()]).expect("insert");
        }
    }
    tx.commit().expect("commit");
    let mut read = 0;
    let mut select = conn
        .prepare_cached("SELECT id, owner, created_at, body FROM notes WHERE owner = ?1 ORDER BY created_at DESC, id LIMIT ?2 OFFSET ?3")
        .expect("prepare");
    for page in 0..10u32 {
        let rows = select
            .query_map(params![owner, 1000, page * 1000], |row| {
                let body: Vec<u8> = row.get(3)?;
                Ok(String::from_utf8(body).unwrap_or_default())
            })
            .expect("query");
        read += rows.count();
    }
    let elapsed = start.elapsed();
    assert_eq!(read, RECORDS);
    elapsed
}

fn bench_store() {
    let texts: Vec<String> = (0..RECORDS).map(record).collect();
    // Warm up both paths once (page cache, allocator), then alternate rounds.
    encrypted_round(&texts);
    plain_round(&texts);
    let (mut encrypted, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        encrypted.push(encrypted_round(&texts));
        plain.push(plain_round(&texts));
    }
    let (encrypted, plain) = (median(encrypted), median(plain));
    let per_second = |d: Duration| RECORDS as f64 / d.as_secs_f64();
    println!(
        "store, {RECORDS} records insert + read: encrypted {:.1} ms ({:.0} rec/s), plain rusqlite {:.1} ms ({:.0} rec/s)",
        encrypted.as_secs_f64() * 1e3,
        per_second(encrypted),
        plain.as_secs_f64() * 1e3,
        per_second(plain)
    );
    let ratio = per_second(encrypted) / per_second(plain);
    println!("store throughput ratio encrypted/plain: {ratio:.2}× (target ≥ 0.70×)");
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters nothing here.
    bench_unlock();
    bench_store();
}
