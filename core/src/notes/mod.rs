//! Worker-private notes, sealed under the worker's vault key.
//!
//! Each note's body is bound to its row id and owner (associated data), so a
//! note copied into another worker's rows, or onto another row, does not open.

use zeroize::Zeroizing;

use crate::auth::Session;
use crate::crypto::{self, Aad};
use crate::error::{Error, ErrorCode};
use crate::store::Store;
use crate::store::notes::{self as rows, NoteRow};

/// Largest note body accepted, in bytes of UTF-8.
pub const MAX_NOTE_BYTES: usize = 64 * 1024;
/// Largest page returned by one call.
pub const MAX_PAGE: u32 = 1000;

/// A note as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Note {
    /// Client-generated id.
    pub id: String,
    /// Creation time, unix milliseconds.
    pub created_at_ms: i64,
    /// The text.
    pub text: String,
}

fn aad<'a>(row: &'a str, owner: &'a str) -> Aad<'a> {
    Aad { table: "notes", row, owner, column: "body" }
}

/// Seals and saves notes in one transaction; returns their ids in order.
pub fn save(store: &mut Store, session: &Session, texts: &[String], now_ms: i64) -> Result<Vec<String>, Error> {
    if texts.iter().any(|text| text.len() > MAX_NOTE_BYTES) {
        return Err(ErrorCode::TooLarge.into());
    }
    let ids: Vec<String> = texts.iter().map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let items: Vec<(Aad<'_>, &[u8])> =
        ids.iter().zip(texts).map(|(id, text)| (aad(id, &session.local_id), text.as_bytes())).collect();
    let bodies = crypto::seal_many(session.vault_key()?, &items)?;
    let rows: Vec<NoteRow> = ids
        .into_iter()
        .zip(bodies)
        .map(|(id, body)| NoteRow { id, owner: session.local_id.clone(), created_at: now_ms, body })
        .collect();
    store.transaction(|tx| rows::insert(tx, &rows).map_err(Error::from))?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}

/// A page of the worker's notes, newest first.
pub fn list(store: &Store, session: &Session, limit: u32, offset: u32) -> Result<Vec<Note>, Error> {
    let vault_key = session.vault_key()?;
    rows::list(store.conn(), &session.local_id, limit.min(MAX_PAGE), offset)?
        .into_iter()
        .map(|row| {
            let plain = crypto::open(vault_key, aad(&row.id, &row.owner), &row.body)?;
            // The buffer becomes the returned text without a copy; one that is
            // not UTF-8 is zeroized on the way out.
            let text = String::from_utf8(plain).map_err(|error| {
                drop(Zeroizing::new(error.into_bytes()));
                ErrorCode::StorageCorrupt
            })?;
            Ok(Note { id: row.id, created_at_ms: row.created_at, text })
        })
        .collect()
}

/// How many notes the worker has.
pub fn count(store: &Store, session: &Session) -> Result<u64, Error> {
    session.vault_key()?;
    Ok(rows::count(store.conn(), &session.local_id)?)
}
