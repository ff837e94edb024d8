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
use workervoice_protocol::grievance::{MAX_REPORT_ATTACHMENT_BYTES, MAX_REPORT_ATTACHMENTS};

use crate::grievance::{AttachmentType, check_attachment_sizes};

/// Largest draft, in bytes (the app's own encoding of a form: its words,
/// choices and place; photos and voice notes go with
/// [`save_attachment_parts`], each in a row of its own).
pub const MAX_DRAFT_BYTES: usize = 4 * 1024 * 1024;
/// Longest draft name.
pub const MAX_NAME_BYTES: usize = 128;
/// Longest MIME type or file name of a draft's attachment.
pub const MAX_ATTACHMENT_LABEL_BYTES: usize = 255;

/// A photo or voice note kept with a draft (a half-written report), sealed
/// under the worker's key like the draft's words, until the report is sent
/// or the draft deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DraftAttachment {
    /// The name the worker sees (`photo-1.jpg`, `voice-note.m4a`).
    pub name: String,
    /// Photo or voice note.
    pub kind: AttachmentType,
    /// MIME type (`image/jpeg`, `audio/mp4`, …).
    pub mime: String,
    /// The bytes, as they will be sealed into the report.
    pub bytes: Vec<u8>,
}

/// The internal draft name of attachment slot `index` of draft `name`. The
/// NUL byte keeps it apart from every name an app can give
/// ([`check_name`] refuses NUL), so no app draft can overwrite or read it.
fn attachment_part(name: &str, index: usize) -> String {
    format!("{name}\u{0}attachment\u{0}{index}")
}

/// The internal names of every attachment slot of draft `name`, in order.
pub fn attachment_parts(name: &str) -> Vec<String> {
    (0..MAX_REPORT_ATTACHMENTS).map(|index| attachment_part(name, index)).collect()
}

/// Largest attachment part: one attachment at the report's whole budget
/// plus its labels and header.
const MAX_PART_BYTES: usize = MAX_REPORT_ATTACHMENT_BYTES as usize + 2 * MAX_ATTACHMENT_LABEL_BYTES + 8;

const ATTACHMENT_PART_VERSION: u8 = 1;

/// Checks a draft's attachments as a report's (how many, how large: the
/// core's one rule, [`check_attachment_sizes`]) and their labels.
pub fn check_attachments(attachments: &[DraftAttachment]) -> Result<(), Error> {
    let sizes: Vec<u64> = attachments.iter().map(|a| a.bytes.len() as u64).collect();
    check_attachment_sizes(&sizes)?;
    let label_ok = |label: &str| !label.is_empty() && label.len() <= MAX_ATTACHMENT_LABEL_BYTES;
    if attachments.iter().any(|a| !label_ok(&a.name) || !label_ok(&a.mime)) {
        return Err(ErrorCode::InvalidInput.into());
    }
    Ok(())
}

/// `version || kind || len(mime) || mime || len(name) || name || bytes`,
/// lengths as one byte each (labels are at most 255 bytes).
pub fn encode_attachment(attachment: &DraftAttachment) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mime = u8::try_from(attachment.mime.len()).map_err(|_| ErrorCode::InvalidInput)?;
    let name = u8::try_from(attachment.name.len()).map_err(|_| ErrorCode::InvalidInput)?;
    let kind = match attachment.kind {
        AttachmentType::Photo => 0,
        AttachmentType::Voice => 1,
    };
    let mut plain =
        Zeroizing::new(Vec::with_capacity(4 + attachment.mime.len() + attachment.name.len() + attachment.bytes.len()));
    plain.extend_from_slice(&[ATTACHMENT_PART_VERSION, kind, mime]);
    plain.extend_from_slice(attachment.mime.as_bytes());
    plain.push(name);
    plain.extend_from_slice(attachment.name.as_bytes());
    plain.extend_from_slice(&attachment.bytes);
    Ok(plain)
}

/// The attachment in a part written by [`encode_attachment`]; `None` for
/// bytes this version did not write.
pub fn decode_attachment(plain: &[u8]) -> Option<DraftAttachment> {
    let (&[version, kind, mime_len], rest) = plain.split_first_chunk::<3>()?;
    if version != ATTACHMENT_PART_VERSION {
        return None;
    }
    let kind = match kind {
        0 => AttachmentType::Photo,
        1 => AttachmentType::Voice,
        _ => return None,
    };
    let (mime, rest) = rest.split_at_checked(usize::from(mime_len))?;
    let (&name_len, rest) = rest.split_first()?;
    let (name, bytes) = rest.split_at_checked(usize::from(name_len))?;
    Some(DraftAttachment {
        name: String::from_utf8(name.to_vec()).ok()?,
        kind,
        mime: String::from_utf8(mime.to_vec()).ok()?,
        bytes: bytes.to_vec(),
    })
}

/// Refuses an attachment part larger than one attachment can make.
pub fn check_part(content: &[u8]) -> Result<(), Error> {
    if content.len() > MAX_PART_BYTES {
        return Err(ErrorCode::TooLarge.into());
    }
    Ok(())
}

fn row_id(session: &Session, name: &str) -> Result<Vec<u8>, Error> {
    Ok(crypto::blind_index(session.vault_key()?, crypto::labels::DRAFT_ID, name.as_bytes()))
}

fn aad<'a>(row: &'a str, owner: &'a str) -> Aad<'a> {
    Aad { table: "drafts", row, owner, column: "sealed" }
}

fn check_name(name: &str) -> Result<(), Error> {
    if name.is_empty() || name.len() > MAX_NAME_BYTES || name.contains('\0') {
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

/// Saves (replaces) the draft `name` of the session's worker. Its
/// attachment rows, written only when one is added or removed, are marked
/// as saved with it ([`keep_together`]).
pub fn save(store: &mut Store, session: &Session, name: &str, content: &[u8], now: i64) -> Result<(), Error> {
    check(name, content)?;
    put(store, session, name, content, now)?;
    keep_together(store, session, name, now)
}

/// Marks the draft `name` and every one of its attachment rows as saved at
/// `now`, without rewriting them. The upkeep deletes draft rows by age, row
/// by row (their blinded ids do not say which belong together): without
/// this, a worker editing a report's words for longer than the age limit
/// would lose the photo attached at the start while keeping the words, and
/// a photo added late would outlive words left untouched.
pub(crate) fn keep_together(store: &mut Store, session: &Session, name: &str, now: i64) -> Result<(), Error> {
    let mut ids = vec![row_id(session, name)?];
    for part in attachment_parts(name) {
        ids.push(row_id(session, &part)?);
    }
    store.transaction(|tx| {
        for id in &ids {
            rows::touch(tx, id, now)?;
        }
        Ok::<_, Error>(())
    })
}

/// Seals and stores a draft row whose name and size the caller checked
/// (an app's draft, or one of its attachment parts).
pub(crate) fn put(store: &mut Store, session: &Session, name: &str, content: &[u8], now: i64) -> Result<(), Error> {
    let id = row_id(session, name)?;
    let sealed = crypto::seal(session.vault_key()?, aad(&hex::encode(&id), &session.local_id), content)?;
    store.transaction(|tx| rows::put(tx, &id, &sealed, now).map_err(Error::from))
}

/// The draft `name` of the session's worker, if any.
pub fn load(store: &Store, session: &Session, name: &str) -> Result<Option<Vec<u8>>, Error> {
    check_name(name)?;
    get(store, session, name)
}

/// Opens a draft row by a name the caller checked.
pub(crate) fn get(store: &Store, session: &Session, name: &str) -> Result<Option<Vec<u8>>, Error> {
    let id = row_id(session, name)?;
    let Some(sealed) = rows::get(store.conn(), &id)? else { return Ok(None) };
    let plain = Zeroizing::new(crypto::open(session.vault_key()?, aad(&hex::encode(&id), &session.local_id), &sealed)?);
    Ok(Some(plain.to_vec()))
}

/// Deletes the draft `name` of the session's worker.
pub fn delete(store: &mut Store, session: &Session, name: &str) -> Result<(), Error> {
    check_name(name)?;
    let mut ids = vec![row_id(session, name)?];
    for part in attachment_parts(name) {
        ids.push(row_id(session, &part)?);
    }
    store.transaction(|tx| {
        for id in &ids {
            rows::delete(tx, id)?;
        }
        Ok::<_, Error>(())
    })
}

/// Deletes a draft row by a name the caller checked.
pub(crate) fn remove(store: &mut Store, session: &Session, name: &str) -> Result<(), Error> {
    let id = row_id(session, name)?;
    store.transaction(|tx| rows::delete(tx, &id).map_err(Error::from))
}

/// Checks a name an app gives a draft (for the attachment calls).
pub fn check_draft_name(name: &str) -> Result<(), Error> {
    check_name(name)
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
    put_offline(store, drafts, held_by, name, content, now)?;
    keep_together_offline(store, drafts, name, now)
}

/// [`keep_together`] for a provisional session: its rows of the draft
/// `name` (those this session wrote; earlier sessions' rows have random ids
/// it cannot find, and move with their own ages at the worker's next online
/// sign-in, where the next save joins them up).
pub(crate) fn keep_together_offline(
    store: &mut Store,
    drafts: &ProvisionalDrafts,
    name: &str,
    now: i64,
) -> Result<(), Error> {
    let ids: Vec<[u8; 16]> = std::iter::once(name.to_owned())
        .chain(attachment_parts(name))
        .filter_map(|row| drafts.entries.get(&row).map(|(_, id)| *id))
        .collect();
    store.transaction(|tx| {
        for id in &ids {
            offline_rows::touch(tx, id, now)?;
        }
        Ok::<_, Error>(())
    })
}

/// [`save_offline`] for a name and size the caller checked.
pub(crate) fn put_offline(
    store: &mut Store,
    drafts: &mut ProvisionalDrafts,
    held_by: Option<&str>,
    name: &str,
    content: &[u8],
    now: i64,
) -> Result<(), Error> {
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
    remove_offline(store, drafts, name)?;
    for part in attachment_parts(name) {
        remove_offline(store, drafts, &part)?;
    }
    Ok(())
}

/// Deletes a provisional session's draft row by a name the caller checked.
pub(crate) fn remove_offline(store: &mut Store, drafts: &mut ProvisionalDrafts, name: &str) -> Result<(), Error> {
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

#[cfg(test)]
mod attachment_part_tests {
    use super::*;

    fn photo(bytes: Vec<u8>) -> DraftAttachment {
        DraftAttachment { name: "fire-exit.jpg".into(), kind: AttachmentType::Photo, mime: "image/jpeg".into(), bytes }
    }

    #[test]
    fn an_attachment_part_reads_back_as_it_was_written() {
        let voice = DraftAttachment {
            name: "ghi âm.m4a".into(),
            kind: AttachmentType::Voice,
            mime: "audio/mp4".into(),
            bytes: vec![7; 1000],
        };
        for attachment in [photo(vec![1, 2, 3]), voice] {
            let part = encode_attachment(&attachment).unwrap();
            assert_eq!(decode_attachment(&part), Some(attachment));
        }
    }

    #[test]
    fn a_part_of_another_version_or_cut_short_is_not_guessed_at() {
        let part = encode_attachment(&photo(vec![1, 2, 3])).unwrap();
        let mut other_version = part.to_vec();
        other_version[0] = 2;
        assert_eq!(decode_attachment(&other_version), None);
        assert_eq!(decode_attachment(&part[..5]), None);
        assert_eq!(decode_attachment(&[]), None);
    }

    #[test]
    fn attachment_parts_have_names_no_app_draft_can_take() {
        for part in attachment_parts("grievance") {
            assert_eq!(check_name(&part), Err(ErrorCode::InvalidInput.into()));
        }
        assert_eq!(attachment_parts("grievance").len(), MAX_REPORT_ATTACHMENTS);
    }

    #[test]
    fn a_draft_holds_no_more_attachments_than_its_report_could_send() {
        let four = vec![photo(vec![1]); MAX_REPORT_ATTACHMENTS + 1];
        assert_eq!(check_attachments(&four), Err(ErrorCode::TooManyAttachments.into()));
        let unnamed = DraftAttachment { name: String::new(), ..photo(vec![1]) };
        assert_eq!(check_attachments(&[unnamed]), Err(ErrorCode::InvalidInput.into()));
        assert_eq!(check_attachments(&[photo(vec![1]), photo(vec![2])]), Ok(()));
    }
}
