//! Case-sync replies as the device applies them to its database
//! (`core::grievance::apply_updates`, called by `core/src/sync/pull.rs` with
//! what `POST /v1/cases/sync` answered): the events are decrypted with each
//! case's reply key, sealed again under the worker's vault key and stored,
//! and the case's cursor and status move, in one transaction.
//!
//! The store is a real SQLite database (`core::store::Store`) holding two of
//! the worker's cases, with no events; every input is applied inside a
//! transaction that is then rolled back, so each input meets the same state.
//!
//! Asserts: nothing panics; the batch is applied exactly when every reply of
//! every known case opens under its key (else `bad_reply`, and the caller's
//! transaction keeps nothing); unknown cases are ignored; the count is the
//! number of events of known cases; each stored event opens under the vault
//! key to the first message the batch gave for its `seq`; a case's cursor
//! becomes the highest `seq` it was sent (never lower than before); a case
//! the batch does not name is untouched.
#![no_main]

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use workervoice_core::crypto::Key32;
use workervoice_core::grievance::{
    CaseMessage, apply_updates, decrypt_thread, keep_case_for_tests, stored_cursor, stored_events,
};
use workervoice_core::store::Store;
use workervoice_core::{Error, ErrorCode};
use workervoice_protocol::grievance::CaseSyncResponse;

/// The reply key of the worker's cases (the seeds seal with it too).
const REPLY_KEY: [u8; 32] = [0x42; 32];
/// The worker's vault key.
const VAULT_KEY: [u8; 32] = [0x17; 32];
const OWNER: &str = "worker-1";
/// The worker's cases and their cursors before each input.
const CASES: [(&str, u64); 2] = [("7KQ2M-XW4HD", 0), ("AAAAA-BBBBB", 5)];
const NOW: i64 = 1_780_000_000;

/// Rolls the transaction back once the checks are done.
struct Rollback;

impl From<workervoice_core::store::StoreError> for Rollback {
    fn from(error: workervoice_core::store::StoreError) -> Self {
        panic!("the store failed: {error}")
    }
}

fn store() -> &'static Mutex<Store> {
    static STORE: OnceLock<Mutex<Store>> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("wv-fuzz-case-updates-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir).expect("a store in the temp directory");
        // The worker the cases belong to (only its id matters here).
        store
            .conn()
            .execute_batch(
                "INSERT INTO workers (local_id, lookup, kdf, wrapped_vault_key, canary, profile, created_at)
                 VALUES ('worker-1', x'01', 'fuzz', x'01', x'01', x'01', 1);",
            )
            .expect("the worker row");
        let vault = Key32::from_bytes(VAULT_KEY);
        for (case_id, cursor) in CASES {
            keep_case_for_tests(store.conn(), &vault, OWNER, case_id, cursor).expect("a case row");
        }
        Mutex::new(store)
    })
}

fn known(case_id: &str) -> bool {
    CASES.iter().any(|(id, _)| *id == case_id)
}

fuzz_target!(|data: &[u8]| {
    let Ok(response) = serde_json::from_slice::<CaseSyncResponse>(data) else { return };
    let vault = Key32::from_bytes(VAULT_KEY);
    let reply_key_of = |case_id: &str| known(case_id).then(|| Key32::from_bytes(REPLY_KEY));

    // What the batch should do, from decrypt_thread alone.
    let mut expected_ok = true;
    let mut expected_count = 0u32;
    let mut first: BTreeMap<&str, BTreeMap<u64, CaseMessage>> = BTreeMap::new();
    let mut highest: BTreeMap<&str, u64> = BTreeMap::new();
    for update in response.updates.iter().filter(|u| known(&u.case_id)) {
        match decrypt_thread(&update.case_id, &Key32::from_bytes(REPLY_KEY), &update.events) {
            Ok(messages) => {
                expected_count += messages.len() as u32;
                let kept = first.entry(update.case_id.as_str()).or_default();
                for message in messages {
                    kept.entry(message.seq).or_insert(message);
                }
                let top = highest.entry(update.case_id.as_str()).or_default();
                *top = update.events.iter().map(|e| e.seq).fold(*top, u64::max);
            }
            Err(_) => expected_ok = false,
        }
    }

    let mut store = store().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let outcome: Result<(), Rollback> = store.transaction(|tx| {
        let applied = apply_updates(tx, &vault, OWNER, &response.updates, &reply_key_of, NOW);
        match applied {
            Err(error) => {
                assert!(!expected_ok, "a batch whose replies all open was refused: {error:?}");
                assert_eq!(error, Error::from(ErrorCode::BadReply));
            }
            Ok(count) => {
                assert!(expected_ok, "a batch with a reply that does not open was applied");
                assert_eq!(count, expected_count, "applied count");
                for (case_id, before) in CASES {
                    let cursor =
                        stored_cursor(tx, &vault, OWNER, case_id).expect("read back").expect("the case is still there");
                    // Each stored event must open under the vault key.
                    let stored: BTreeMap<u64, CaseMessage> = stored_events(tx, &vault, OWNER, case_id)
                        .expect("every stored event opens under the vault key")
                        .into_iter()
                        .map(|message| (message.seq, message))
                        .collect();
                    match first.get(case_id) {
                        None => {
                            assert_eq!(cursor, before, "a case the batch did not name moved");
                            assert!(stored.is_empty(), "a case the batch did not name got events");
                        }
                        Some(messages) => {
                            let want = highest.get(case_id).copied().unwrap_or_default().max(before);
                            assert_eq!(cursor, want, "{case_id}: cursor");
                            assert_eq!(&stored, messages, "{case_id}: stored events");
                        }
                    }
                }
            }
        }
        Err(Rollback)
    });
    assert!(outcome.is_err());
});
