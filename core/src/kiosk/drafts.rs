//! Drafts: work in progress the app saves as the worker goes, kept under the
//! worker's vault key so that a kiosk time-out loses nothing and shows nothing
//! to the next worker; it reappears at that worker's next sign-in.
//!
//! A worker signed in *offline* on a kiosk has no vault key. Their drafts are
//! sealed instead (HPKE) to their **draft key**, an X25519 key derived from
//! the vault key whose public half the kiosk keeps with the worker's offline
//! data: the tablet can seal to it but never open. Rows get random ids and
//! no owner. At the worker's next online sign-in the open vault derives the
//! private half, finds the worker's rows by trying it on each, and moves them
//! into ordinary drafts. Rows written under an offline sign-in wait for the
//! hub to confirm it; a rejected sign-in's rows are deleted, so someone who
//! got past the kiosk's PIN check cannot plant a draft in a worker's vault.

use zeroize::Zeroizing;

use crate::auth::{ProvisionalDrafts, Session, draft_secret};
use crate::crypto::{self, Aad, hpke, labels};
use crate::error::{Error, ErrorCode};
use crate::store::Store;
use crate::store::drafts as rows;
use crate::store::offline_drafts::{self as offline_rows, OfflineDraft};

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

fn offline_info(id: &[u8]) -> Vec<u8> {
    [labels::OFFLINE_DRAFT_INFO, id].concat()
}

/// `len(name) || name || content`: the name is at most [`MAX_NAME_BYTES`].
fn encode(name: &str, content: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    let length = u8::try_from(name.len()).map_err(|_| ErrorCode::InvalidInput)?;
    let mut plain = Zeroizing::new(Vec::with_capacity(1 + name.len() + content.len()));
    plain.push(length);
    plain.extend_from_slice(name.as_bytes());
    plain.extend_from_slice(content);
    Ok(plain)
}

fn decode(plain: &[u8]) -> Option<(String, &[u8])> {
    let (&length, rest) = plain.split_first()?;
    let (name, content) = rest.split_at_checked(usize::from(length))?;
    Some((String::from_utf8(name.to_vec()).ok()?, content))
}

/// Saves a draft of a provisional (offline) kiosk session: kept in memory for
/// the session, and sealed to the worker's draft key on disk, held by
/// `held_by` (the sign-in the hub has not yet confirmed).
pub(crate) fn save_offline(
    store: &mut Store,
    drafts: &mut ProvisionalDrafts,
    held_by: Option<&str>,
    name: &str,
    content: &[u8],
    now: i64,
) -> Result<(), Error> {
    check(name, content)?;
    let id = match drafts.entries.get(name) {
        Some((_, id)) => *id,
        None => crypto::random_bytes::<16>()?,
    };
    if let Some(key) = drafts.draft_key {
        let sealed = hpke::seal_base(&key, &offline_info(&id), &[], &encode(name, content)?)?;
        let row =
            OfflineDraft { id: id.to_vec(), enc: sealed.enc.to_vec(), sealed: sealed.ciphertext, updated_at: now };
        store.transaction(|tx| offline_rows::put(tx, &row, held_by).map_err(Error::from))?;
    }
    drafts.entries.insert(name.to_owned(), (Zeroizing::new(content.to_vec()), id));
    Ok(())
}

/// Deletes a provisional session's draft, in memory and on disk.
pub(crate) fn delete_offline(store: &mut Store, drafts: &mut ProvisionalDrafts, name: &str) -> Result<(), Error> {
    check_name(name)?;
    if let Some((_, id)) = drafts.entries.remove(name) {
        store.transaction(|tx| offline_rows::delete(tx, &id).map_err(Error::from))?;
    }
    Ok(())
}

/// Moves the open vault's offline drafts (those whose sign-in the hub
/// confirmed) into its ordinary drafts; a draft saved online since wins.
/// Rows of other workers stay untouched. Returns how many moved.
pub fn import_offline(store: &mut Store, session: &Session) -> Result<usize, Error> {
    let candidates = offline_rows::released(store.conn())?;
    if candidates.is_empty() {
        return Ok(0);
    }
    let vault_key = session.vault_key()?;
    let secret = draft_secret(vault_key);
    let mine: Vec<(OfflineDraft, Zeroizing<Vec<u8>>)> = candidates
        .into_iter()
        .filter_map(|row| {
            let plain = hpke::open_base(&secret, &row.enc, &offline_info(&row.id), &[], &row.sealed).ok()?;
            Some((row, plain))
        })
        .collect();
    let mut moved = 0;
    store.transaction(|tx| {
        for (row, plain) in &mine {
            // Opened under this worker's key but not a draft: only this app
            // writes such rows, so it is damage; drop it rather than keep it.
            if let Some((name, content)) = decode(plain) {
                let id = row_id(session, &name)?;
                let newer_online = rows::updated_at(tx, &id)?.is_some_and(|saved| saved > row.updated_at);
                if !newer_online {
                    let sealed = crypto::seal(vault_key, aad(&hex::encode(&id), &session.local_id), content)?;
                    rows::put(tx, &id, &sealed, row.updated_at)?;
                    moved += 1;
                }
            }
            offline_rows::delete(tx, &row.id)?;
        }
        Ok::<_, Error>(())
    })?;
    Ok(moved)
}
