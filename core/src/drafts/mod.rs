//! Drafts: work in progress the app saves as the worker goes, kept under the
//! worker's vault key so that a kiosk time-out loses nothing and shows nothing
//! to the next worker; it reappears at that worker's next sign-in.

use zeroize::Zeroizing;

use crate::auth::Session;
use crate::crypto::{self, Aad};
use crate::error::{Error, ErrorCode};
use crate::store::Store;
use crate::store::drafts as rows;

/// Largest draft, in bytes (the app's own encoding: JSON, a photo…).
pub const MAX_DRAFT_BYTES: usize = 4 * 1024 * 1024;
/// Longest draft name.
pub const MAX_NAME_BYTES: usize = 128;

fn row_id(session: &Session, name: &str) -> Result<Vec<u8>, Error> {
    Ok(crypto::blind_index(session.vault_key()?, crypto::labels::DRAFT_ID, name.as_bytes()))
}

fn aad<'a>(row: &'a str, owner: &'a str) -> Aad<'a> {
    Aad { table: "drafts", row, owner, column: "sealed" }
}

fn check_name(name: &str) -> Result<(), Error> {
    if name.is_empty() || name.len() > MAX_NAME_BYTES {
        return Err(ErrorCode::InvalidInput.into());
    }
    Ok(())
}

/// Refuses a bad name or an oversized draft.
pub fn check(name: &str, content: &[u8]) -> Result<(), Error> {
    check_name(name)?;
    if content.len() > MAX_DRAFT_BYTES {
        return Err(ErrorCode::TooLarge.into());
    }
    Ok(())
}

/// Saves (replaces) the draft `name` of the session's worker.
pub fn save(store: &mut Store, session: &Session, name: &str, content: &[u8], now: i64) -> Result<(), Error> {
    check(name, content)?;
    let id = row_id(session, name)?;
    let sealed = crypto::seal(session.vault_key()?, aad(&hex::encode(&id), &session.local_id), content)?;
    store.transaction(|tx| rows::put(tx, &id, &sealed, now).map_err(Error::from))
}

/// The draft `name` of the session's worker, if any.
pub fn load(store: &Store, session: &Session, name: &str) -> Result<Option<Vec<u8>>, Error> {
    check_name(name)?;
    let id = row_id(session, name)?;
    let Some(sealed) = rows::get(store.conn(), &id)? else { return Ok(None) };
    let plain = Zeroizing::new(crypto::open(session.vault_key()?, aad(&hex::encode(&id), &session.local_id), &sealed)?);
    Ok(Some(plain.to_vec()))
}

/// Deletes the draft `name` of the session's worker.
pub fn delete(store: &mut Store, session: &Session, name: &str) -> Result<(), Error> {
    check_name(name)?;
    let id = row_id(session, name)?;
    store.transaction(|tx| rows::delete(tx, &id).map_err(Error::from))
}
