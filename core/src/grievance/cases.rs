//! A worker's cases on the device: what the app shows, and applying the
//! hub's updates (replies decrypted with the case's reply key, re-sealed under
//! the vault key, all in one transaction).

use serde::{Deserialize, Serialize};
use workervoice_protocol::envelope;
use workervoice_protocol::grievance::{Author, CaseEvent, CaseStatus, CaseUpdates};
use zeroize::Zeroizing;

use crate::crypto::{self, Aad, Key32, labels};
use crate::error::{Error, ErrorCode};
use crate::store::StoreError;
use crate::store::cases as rows;
use crate::store::outbox::OutboxState;

/// A case's state (mirrors the wire type, with uniffi support).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CaseState {
    /// Not yet on the hub (still in the outbox).
    NotSent,
    /// On the hub, not yet seen by a handler.
    Received,
    /// A handler confirmed receipt.
    Acknowledged,
    /// Being investigated.
    Investigating,
    /// Resolved.
    Resolved,
    /// Closed.
    Closed,
    /// Escalated to the next route.
    Escalated,
}

impl From<CaseStatus> for CaseState {
    fn from(status: CaseStatus) -> Self {
        match status {
            CaseStatus::Received => Self::Received,
            CaseStatus::Acknowledged => Self::Acknowledged,
            CaseStatus::Investigating => Self::Investigating,
            CaseStatus::Resolved => Self::Resolved,
            CaseStatus::Closed => Self::Closed,
            CaseStatus::Escalated => Self::Escalated,
        }
    }
}

impl CaseState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::NotSent => "not_sent",
            Self::Received => "received",
            Self::Acknowledged => "acknowledged",
            Self::Investigating => "investigating",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
            Self::Escalated => "escalated",
        }
    }

    pub(crate) fn parse(text: &str) -> Self {
        match text {
            "received" => Self::Received,
            "acknowledged" => Self::Acknowledged,
            "investigating" => Self::Investigating,
            "resolved" => Self::Resolved,
            "closed" => Self::Closed,
            "escalated" => Self::Escalated,
            _ => Self::NotSent,
        }
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MessageAuthor {
    /// The case handler.
    Handler,
    /// The worker.
    Worker,
}

/// One entry of a case's thread: a status change or a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CaseMessage {
    /// Position in the case's log.
    pub seq: u64,
    /// Time, unix seconds.
    pub at: i64,
    /// The new state, for a status change.
    pub status: Option<CaseState>,
    /// For a reply: who wrote it.
    pub author: Option<MessageAuthor>,
    /// For a reply: its text.
    pub text: Option<String>,
}

/// A case and its thread.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CaseThread {
    /// Public case id.
    pub case_id: String,
    /// Current state.
    pub state: CaseState,
    /// Status changes and replies, in order.
    pub messages: Vec<CaseMessage>,
}

/// A case in the worker's list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CaseSummary {
    /// Public case id.
    pub case_id: String,
    /// Current state on the hub (or `NotSent`).
    pub state: CaseState,
    /// Delivery state of the submission.
    pub delivery: OutboxState,
    /// Category id.
    pub category_id: String,
    /// Whether it was sent anonymously.
    pub anonymous: bool,
    /// The worker's own copy of the text (named reports only).
    pub text: Option<String>,
    /// When submitted, unix seconds.
    pub created_at: i64,
}

/// What the vault keeps of a case (sealed).
#[derive(Serialize, Deserialize)]
pub(crate) struct StoredCase {
    pub receipt_secret: String,
    pub anonymous: bool,
    pub category_id: String,
    pub text: Option<String>,
    pub created_at: i64,
}

impl Drop for StoredCase {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.receipt_secret.zeroize();
        if let Some(text) = self.text.as_mut() {
            text.zeroize();
        }
    }
}

/// What the vault keeps of a new case: the receipt, and for a named report
/// the worker's own copy of the text.
pub(crate) fn new_stored_case(receipt_secret: &str, draft: &crate::grievance::GrievanceDraft, now: i64) -> StoredCase {
    StoredCase {
        receipt_secret: receipt_secret.to_owned(),
        anonymous: draft.anonymous,
        category_id: draft.category_id.clone(),
        text: (!draft.anonymous).then(|| draft.text.trim().to_owned()),
        created_at: now,
    }
}

/// A case as its row holds it, sealed under the vault key: with the case id,
/// status and cursor, which the file keeps in clear nowhere (ADR 0016).
#[derive(Serialize, Deserialize)]
pub(crate) struct CaseRecord {
    pub case_id: String,
    /// The submission's outbox id (joins the outbox for delivery state).
    pub client_id: String,
    /// Last known status (wire name).
    pub status: String,
    /// Highest event `seq` applied.
    pub cursor: u64,
    /// Last change, unix seconds.
    pub updated_at: i64,
    pub case: StoredCase,
}

impl Drop for CaseRecord {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.case_id.zeroize();
        self.client_id.zeroize();
        self.status.zeroize();
    }
}

/// The row id of a case: its id hashed under a key of the worker's own, so
/// the worker's lookups work while signed in and nobody else's can.
fn case_ref(vault_key: &Key32, case_id: &str) -> Vec<u8> {
    crypto::blind_index(vault_key, labels::CASE_ID, case_id.as_bytes())
}

fn event_ref(vault_key: &Key32, case_id: &str, seq: u64) -> Vec<u8> {
    crypto::blind_index(vault_key, labels::CASE_EVENT_ID, event_row(case_id, seq).as_bytes())
}

fn record_aad<'a>(row: &'a str, owner: &'a str) -> Aad<'a> {
    Aad { table: "sealed_cases", row, owner, column: "sealed" }
}

fn event_aad<'a>(row: &'a str, owner: &'a str) -> Aad<'a> {
    Aad { table: "sealed_case_events", row, owner, column: "sealed" }
}

fn event_row(case_id: &str, seq: u64) -> String {
    format!("{case_id}:{seq}")
}

/// Seals and writes (inserts or replaces) one of `owner`'s cases.
pub(crate) fn put_case(
    conn: &rusqlite::Connection,
    vault_key: &Key32,
    owner: &str,
    record: &CaseRecord,
) -> Result<(), Error> {
    let id = case_ref(vault_key, &record.case_id);
    let json = Zeroizing::new(serde_json::to_vec(record).map_err(|_| ErrorCode::Internal)?);
    let sealed = crypto::seal(vault_key, record_aad(&hex::encode(&id), owner), &json)?;
    rows::put(conn, &id, &sealed)?;
    Ok(())
}

fn open_record(vault_key: &Key32, owner: &str, id: &[u8], sealed: &[u8]) -> Result<CaseRecord, Error> {
    let json = Zeroizing::new(crypto::open(vault_key, record_aad(&hex::encode(id), owner), sealed)?);
    let record: CaseRecord = serde_json::from_slice(&json).map_err(|_| ErrorCode::StorageCorrupt)?;
    // The id is the hash of the id inside: a row moved under another id does not open as that case.
    if case_ref(vault_key, &record.case_id) != id {
        return Err(ErrorCode::StorageCorrupt.into());
    }
    Ok(record)
}

/// One of `owner`'s cases.
pub(crate) fn load_case(
    conn: &rusqlite::Connection,
    vault_key: &Key32,
    owner: &str,
    case_id: &str,
) -> Result<Option<CaseRecord>, Error> {
    let id = case_ref(vault_key, case_id);
    rows::get(conn, &id)?.map(|sealed| open_record(vault_key, owner, &id, &sealed)).transpose()
}

/// `owner`'s cases, most recently changed first. Rows have no owner column:
/// those that do not open under this worker's key are other workers' and
/// are skipped.
pub(crate) fn list_cases(
    conn: &rusqlite::Connection,
    vault_key: &Key32,
    owner: &str,
) -> Result<Vec<CaseRecord>, Error> {
    let mut records: Vec<CaseRecord> = rows::all(conn)?
        .into_iter()
        .filter_map(|(id, sealed)| open_record(vault_key, owner, &id, &sealed).ok())
        .collect();
    records.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then_with(|| a.case_id.cmp(&b.case_id)));
    Ok(records)
}

fn put_event(
    conn: &rusqlite::Connection,
    vault_key: &Key32,
    owner: &str,
    case_id: &str,
    message: &CaseMessage,
) -> Result<(), Error> {
    let id = event_ref(vault_key, case_id, message.seq);
    let json = Zeroizing::new(serde_json::to_vec(message).map_err(|_| ErrorCode::Internal)?);
    let sealed = crypto::seal(vault_key, event_aad(&hex::encode(&id), owner), &json)?;
    rows::insert_event(conn, &id, &case_ref(vault_key, case_id), &sealed)?;
    Ok(())
}

/// Converts `owner`'s rows of the old tables (case id, owner and status in
/// clear; schema versions 1–8) into sealed rows and deletes them. Called at
/// sign-in, the first moment their vault key is open after the upgrade.
/// Returns how many cases were converted.
pub(crate) fn convert_legacy(tx: &rusqlite::Transaction<'_>, vault_key: &Key32, owner: &str) -> Result<usize, Error> {
    let legacy = rows::legacy_of(tx, owner)?;
    for row in &legacy {
        let aad = Aad { table: "cases", row: &row.case_id, owner, column: "sealed" };
        let json = Zeroizing::new(crypto::open(vault_key, aad, &row.sealed)?);
        let case: StoredCase = serde_json::from_slice(&json).map_err(|_| ErrorCode::StorageCorrupt)?;
        let record = CaseRecord {
            case_id: row.case_id.clone(),
            client_id: row.client_id.clone(),
            status: row.status.clone(),
            cursor: row.cursor,
            updated_at: row.updated_at,
            case,
        };
        put_case(tx, vault_key, owner, &record)?;
        for (seq, sealed) in rows::legacy_events(tx, owner, &row.case_id)? {
            let row_id = event_row(&row.case_id, seq);
            let aad = Aad { table: "case_events", row: &row_id, owner, column: "sealed" };
            let json = Zeroizing::new(crypto::open(vault_key, aad, &sealed)?);
            let message: CaseMessage = serde_json::from_slice(&json).map_err(|_| ErrorCode::StorageCorrupt)?;
            put_event(tx, vault_key, owner, &row.case_id, &message)?;
        }
    }
    rows::delete_legacy(tx, owner)?;
    Ok(legacy.len())
}

/// Decrypts hub events with the case's reply key. An event whose reply does
/// not open, or whose `seq` the store cannot keep as it is (SQLite integers
/// are i64: a larger one would come back as another number and its sealed
/// row would no longer open), is refused as a whole batch (`bad_reply`): the
/// cursor then stays where it was and nothing is applied.
pub fn decrypt_thread(case_id: &str, reply_key: &Key32, events: &[CaseEvent]) -> Result<Vec<CaseMessage>, Error> {
    events
        .iter()
        .map(|event| {
            if i64::try_from(event.seq).is_err() {
                return Err(ErrorCode::BadReply.into());
            }
            let text = match (&event.reply, &event.reply_id, event.author) {
                (Some(sealed), Some(reply_id), Some(author)) => {
                    let aad = envelope::reply_aad(case_id, reply_id, author);
                    let plain = Zeroizing::new(
                        envelope::open(reply_key.expose(), &aad, sealed).map_err(|_| ErrorCode::BadReply)?,
                    );
                    Some(String::from_utf8(plain.to_vec()).map_err(|_| ErrorCode::BadReply)?)
                }
                (None, _, _) => None,
                _ => return Err(ErrorCode::BadReply.into()),
            };
            Ok(CaseMessage {
                seq: event.seq,
                at: event.at,
                status: event.status.map(CaseState::from),
                author: event.author.map(|author| match author {
                    Author::Handler => MessageAuthor::Handler,
                    Author::Worker => MessageAuthor::Worker,
                }),
                text,
            })
        })
        .collect()
}

/// Applies a batch of updates for `owner`'s cases in one transaction.
/// `reply_keys` gives each case's reply key. Returns the number of events applied.
pub fn apply_updates(
    tx: &rusqlite::Transaction<'_>,
    vault_key: &Key32,
    owner: &str,
    updates: &[CaseUpdates],
    reply_key_of: &dyn Fn(&str) -> Option<Key32>,
    now: i64,
) -> Result<u32, Error> {
    let mut applied = 0;
    for update in updates {
        let Some(mut record) = load_case(tx, vault_key, owner, &update.case_id)? else { continue };
        let reply_key = reply_key_of(&update.case_id).ok_or(ErrorCode::StorageCorrupt)?;
        let messages = decrypt_thread(&update.case_id, &reply_key, &update.events)?;
        for message in &messages {
            put_event(tx, vault_key, owner, &update.case_id, message)?;
        }
        record.cursor = update.events.iter().map(|e| e.seq).fold(record.cursor, u64::max);
        CaseState::from(update.status).as_str().clone_into(&mut record.status);
        record.updated_at = now;
        put_case(tx, vault_key, owner, &record)?;
        applied += messages.len() as u32;
    }
    Ok(applied)
}

/// The stored thread of one of `owner`'s cases.
pub(crate) fn stored_thread(
    conn: &rusqlite::Connection,
    vault_key: &Key32,
    owner: &str,
    case_id: &str,
) -> Result<CaseThread, Error> {
    let record = load_case(conn, vault_key, owner, case_id)?.ok_or(ErrorCode::InvalidInput)?;
    let messages = stored_events(conn, vault_key, owner, case_id)?;
    Ok(CaseThread { case_id: record.case_id.clone(), state: CaseState::parse(&record.status), messages })
}

/// A case's sync cursor as the store holds it (for checks outside the crate).
pub fn stored_cursor(
    conn: &rusqlite::Connection,
    vault_key: &Key32,
    owner: &str,
    case_id: &str,
) -> Result<Option<u64>, Error> {
    Ok(load_case(conn, vault_key, owner, case_id)?.map(|record| record.cursor))
}

/// Keeps a case of `owner`'s at `cursor`, with a made-up receipt, as a
/// submission would (tests and the `case_updates` fuzz target only).
#[cfg(any(test, feature = "test-hooks"))]
pub fn keep_case_for_tests(
    conn: &rusqlite::Connection,
    vault_key: &Key32,
    owner: &str,
    case_id: &str,
    cursor: u64,
) -> Result<(), Error> {
    let record = CaseRecord {
        case_id: case_id.to_owned(),
        client_id: format!("client-{case_id}"),
        status: CaseState::Received.as_str().to_owned(),
        cursor,
        updated_at: 1,
        case: StoredCase {
            receipt_secret: String::new(),
            anonymous: true,
            category_id: String::new(),
            text: None,
            created_at: 1,
        },
    };
    put_case(conn, vault_key, owner, &record)
}

/// A case's events as the store holds them, opened and in order (for checks
/// outside the crate, such as the `case_updates` fuzz target).
pub fn stored_events(
    conn: &rusqlite::Connection,
    vault_key: &Key32,
    owner: &str,
    case_id: &str,
) -> Result<Vec<CaseMessage>, Error> {
    let mut messages = rows::events(conn, &case_ref(vault_key, case_id))?
        .into_iter()
        .map(|(id, sealed)| {
            let json = Zeroizing::new(crypto::open(vault_key, event_aad(&hex::encode(&id), owner), &sealed)?);
            serde_json::from_slice(&json).map_err(|_| Error::from(StoreError::Malformed("case event")))
        })
        .collect::<Result<Vec<CaseMessage>, Error>>()?;
    messages.sort_by_key(|message| message.seq);
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use workervoice_protocol::grievance::CaseSyncResponse;

    /// Found by the `case_updates` fuzz target's check that every stored
    /// event opens again (fuzz/regressions/case_updates/): the store keeps
    /// `seq` as an SQLite integer, so a larger one came back as another
    /// number, its event no longer opened, and the worker's thread showed
    /// "data damaged" for good.
    #[test]
    fn an_event_numbered_past_what_the_store_holds_is_refused_and_the_thread_still_opens() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_with_worker(dir.path());
        let vault = Key32::from_bytes([0x17; 32]);
        put_case(store.conn(), &vault, "worker-1", &record("7KQ2M-XW4HD", 0)).unwrap();
        let reply: CaseSyncResponse =
            serde_json::from_slice(include_bytes!("../../../fuzz/regressions/case_updates/seq-beyond-sqlite-integers"))
                .unwrap();
        let key_of = |_: &str| Some(Key32::from_bytes([0x42; 32]));
        let applied =
            store.transaction(|tx| apply_updates(tx, &vault, "worker-1", &reply.updates, &key_of, 1_780_000_000));
        assert_eq!(applied, Err(ErrorCode::BadReply.into()));
        let thread = stored_thread(store.conn(), &vault, "worker-1", "7KQ2M-XW4HD").unwrap();
        assert!(thread.messages.is_empty());
        assert_eq!(load_case(store.conn(), &vault, "worker-1", "7KQ2M-XW4HD").unwrap().unwrap().cursor, 0);
    }

    fn record(case_id: &str, cursor: u64) -> CaseRecord {
        CaseRecord {
            case_id: case_id.into(),
            client_id: "client-1".into(),
            status: "received".into(),
            cursor,
            updated_at: 1,
            case: StoredCase {
                receipt_secret: "secret".into(),
                anonymous: true,
                category_id: "safety".into(),
                text: None,
                created_at: 1,
            },
        }
    }

    fn store_with_worker(dir: &std::path::Path) -> Store {
        let store = Store::open(dir).unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO workers (local_id, lookup, kdf, wrapped_vault_key, canary, profile, created_at)
                 VALUES ('worker-1', x'01', 'test', x'01', x'01', x'01', 1),
                        ('worker-2', x'02', 'test', x'01', x'01', x'01', 1);",
            )
            .unwrap();
        store
    }

    #[test]
    fn a_case_is_found_by_its_worker_and_not_by_another_worker_on_the_same_device() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_worker(dir.path());
        let (mine, theirs) = (Key32::from_bytes([0x17; 32]), Key32::from_bytes([0x18; 32]));
        put_case(store.conn(), &mine, "worker-1", &record("7KQ2M-XW4HD", 3)).unwrap();
        let found = load_case(store.conn(), &mine, "worker-1", "7KQ2M-XW4HD").unwrap().unwrap();
        assert_eq!((found.status.as_str(), found.cursor), ("received", 3));
        assert_eq!(list_cases(store.conn(), &mine, "worker-1").unwrap().len(), 1);
        assert!(load_case(store.conn(), &theirs, "worker-2", "7KQ2M-XW4HD").unwrap().is_none());
        assert!(list_cases(store.conn(), &theirs, "worker-2").unwrap().is_empty());
    }

    /// A store upgraded from version 8 keeps its old rows until the worker
    /// signs in (the upgrade has no vault key); then they are sealed and the
    /// clear rows deleted, events and cursor kept.
    #[test]
    fn old_clear_rows_are_sealed_at_the_workers_sign_in_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_with_worker(dir.path());
        let vault = Key32::from_bytes([0x17; 32]);
        let owner = "worker-1";
        let stored = serde_json::to_vec(&record("x", 0).case).unwrap();
        let sealed =
            crypto::seal(&vault, Aad { table: "cases", row: "7KQ2M-XW4HD", owner, column: "sealed" }, &stored).unwrap();
        let message = CaseMessage { seq: 4, at: 9, status: Some(CaseState::Acknowledged), author: None, text: None };
        let event = crypto::seal(
            &vault,
            Aad { table: "case_events", row: "7KQ2M-XW4HD:4", owner, column: "sealed" },
            &serde_json::to_vec(&message).unwrap(),
        )
        .unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO cases (case_id, owner, client_id, sealed, status, cursor, updated_at)
                 VALUES ('7KQ2M-XW4HD', 'worker-1', 'client-1', ?1, 'acknowledged', 4, 5)",
                [&sealed],
            )
            .unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO case_events (case_id, seq, owner, sealed) VALUES ('7KQ2M-XW4HD', 4, 'worker-1', ?1)",
                [&event],
            )
            .unwrap();
        // Another worker's sign-in converts nothing of this one's.
        let other = Key32::from_bytes([0x18; 32]);
        assert_eq!(store.transaction(|tx| convert_legacy(tx, &other, "worker-2")), Ok(0));
        assert_eq!(store.transaction(|tx| convert_legacy(tx, &vault, owner)), Ok(1));
        let clear: i64 = store.conn().query_row("SELECT count(*) FROM cases", [], |r| r.get(0)).unwrap();
        let clear_events: i64 = store.conn().query_row("SELECT count(*) FROM case_events", [], |r| r.get(0)).unwrap();
        assert_eq!((clear, clear_events), (0, 0));
        let thread = stored_thread(store.conn(), &vault, owner, "7KQ2M-XW4HD").unwrap();
        assert_eq!((thread.state, thread.messages), (CaseState::Acknowledged, vec![message]));
        let converted = load_case(store.conn(), &vault, owner, "7KQ2M-XW4HD").unwrap().unwrap();
        assert_eq!((converted.cursor, converted.client_id.as_str(), converted.updated_at), (4, "client-1", 5));
        // Signing in again finds nothing left to convert.
        assert_eq!(store.transaction(|tx| convert_legacy(tx, &vault, owner)), Ok(0));
    }
}
