//! A worker's cases on the device: what the app shows, and applying the
//! hub's updates (replies decrypted with the case's reply key, re-sealed under
//! the vault key, all in one transaction).

use serde::{Deserialize, Serialize};
use workervoice_protocol::envelope;
use workervoice_protocol::grievance::{Author, CaseEvent, CaseStatus, CaseUpdates};
use zeroize::Zeroizing;

use crate::crypto::{self, Aad, Key32};
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

fn case_aad<'a>(case_id: &'a str, owner: &'a str) -> Aad<'a> {
    Aad { table: "cases", row: case_id, owner, column: "sealed" }
}

fn event_row(case_id: &str, seq: u64) -> String {
    format!("{case_id}:{seq}")
}

pub(crate) fn seal_case_for(
    vault_key: &Key32,
    case_id: &str,
    owner: &str,
    stored: &StoredCase,
) -> Result<Vec<u8>, Error> {
    let json = Zeroizing::new(serde_json::to_vec(stored).map_err(|_| ErrorCode::Internal)?);
    Ok(crypto::seal(vault_key, case_aad(case_id, owner), &json)?)
}

pub(crate) fn open_case_row(vault_key: &Key32, row: &rows::CaseRow) -> Result<StoredCase, Error> {
    let json = Zeroizing::new(crypto::open(vault_key, case_aad(&row.case_id, &row.owner), &row.sealed)?);
    serde_json::from_slice(&json).map_err(|_| ErrorCode::StorageCorrupt.into())
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
        let Some(row) = rows::get(tx, owner, &update.case_id)? else { continue };
        let reply_key = reply_key_of(&update.case_id).ok_or(ErrorCode::StorageCorrupt)?;
        let messages = decrypt_thread(&update.case_id, &reply_key, &update.events)?;
        let mut sealed_events = Vec::with_capacity(messages.len());
        for message in &messages {
            let json = Zeroizing::new(serde_json::to_vec(message).map_err(|_| ErrorCode::Internal)?);
            let row_id = event_row(&update.case_id, message.seq);
            let aad = Aad { table: "case_events", row: &row_id, owner, column: "sealed" };
            sealed_events.push((message.seq, crypto::seal(vault_key, aad, &json)?));
        }
        let cursor = update.events.iter().map(|e| e.seq).max().unwrap_or(row.cursor).max(row.cursor);
        let status = CaseState::from(update.status).as_str();
        rows::apply_events(tx, owner, &update.case_id, status, cursor, &sealed_events, now).map_err(Error::from)?;
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
    let row = rows::get(conn, owner, case_id)?.ok_or(ErrorCode::InvalidInput)?;
    let messages = rows::events(conn, owner, case_id)?
        .into_iter()
        .map(|(seq, sealed)| {
            let row_id = event_row(case_id, seq);
            let aad = Aad { table: "case_events", row: &row_id, owner, column: "sealed" };
            let json = Zeroizing::new(crypto::open(vault_key, aad, &sealed)?);
            serde_json::from_slice(&json).map_err(|_| Error::from(StoreError::Malformed("case event")))
        })
        .collect::<Result<Vec<CaseMessage>, Error>>()?;
    Ok(CaseThread { case_id: row.case_id, state: CaseState::parse(&row.status), messages })
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
        let mut store = Store::open(dir.path()).unwrap();
        let vault = Key32::from_bytes([0x17; 32]);
        store
            .conn()
            .execute_batch(
                "INSERT INTO workers (local_id, lookup, kdf, wrapped_vault_key, canary, profile, created_at)
                 VALUES ('worker-1', x'01', 'test', x'01', x'01', x'01', 1);",
            )
            .unwrap();
        let row = rows::CaseRow {
            case_id: "7KQ2M-XW4HD".into(),
            owner: "worker-1".into(),
            client_id: "client-1".into(),
            sealed: vec![1, 2, 3],
            status: "received".into(),
            cursor: 0,
            updated_at: 1,
        };
        rows::insert(store.conn(), &row).unwrap();
        let reply: CaseSyncResponse =
            serde_json::from_slice(include_bytes!("../../../fuzz/regressions/case_updates/seq-beyond-sqlite-integers"))
                .unwrap();
        let key_of = |_: &str| Some(Key32::from_bytes([0x42; 32]));
        let applied =
            store.transaction(|tx| apply_updates(tx, &vault, "worker-1", &reply.updates, &key_of, 1_780_000_000));
        assert_eq!(applied, Err(ErrorCode::BadReply.into()));
        let thread = stored_thread(store.conn(), &vault, "worker-1", "7KQ2M-XW4HD").unwrap();
        assert!(thread.messages.is_empty());
        assert_eq!(rows::get(store.conn(), "worker-1", "7KQ2M-XW4HD").unwrap().unwrap().cursor, 0);
    }
}
