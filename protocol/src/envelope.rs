//! Envelope formats shared by devices and the hub: how a grievance's payload,
//! its attachment chunks and the replies of a case are sealed.
//!
//! All use ChaCha20-Poly1305 with a random 96-bit nonce, in the format
//! `version (1) || nonce (12) || ciphertext || tag (16)`, and associated data
//! that names exactly what the bytes are, so a payload cannot pass for a
//! reply, one case's reply for another's, or chunk 3 for chunk 4.
//!
//! - payload: under the one-time *content key*, which the device wraps to each
//!   allowed handler with HPKE (the device keeps no copy);
//! - attachment chunks: under the content key, [`ATTACHMENT_CHUNK`] plaintext
//!   bytes each, the last flagged so truncation is detected;
//! - replies (both directions): under the case's *reply key*, which the worker
//!   derives from the receipt and which travels to handlers inside the payload.

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};

const VERSION: u8 = 1;
const TAG_LEN: usize = 16;
/// Bytes each sealed part adds.
pub const OVERHEAD: usize = 1 + NONCE_LEN + TAG_LEN;
/// Plaintext bytes per attachment chunk (the last may be shorter).
pub const ATTACHMENT_CHUNK: usize = 64 * 1024;

/// HPKE `info` for wrapping a submission's content key.
pub fn hpke_info(client_id: &str) -> Vec<u8> {
    format!("workervoice/grievance/v1\n{client_id}").into_bytes()
}

/// Associated data of a submission's payload.
pub fn payload_aad(client_id: &str, case_id: &str) -> Vec<u8> {
    format!("workervoice/grievance-payload/v1\n{client_id}\n{case_id}").into_bytes()
}

/// Associated data of one attachment chunk.
pub fn chunk_aad(client_id: &str, attachment_id: &str, index: u64, last: bool) -> Vec<u8> {
    format!("workervoice/attachment/v1\n{client_id}\n{attachment_id}\n{index}\n{}", u8::from(last)).into_bytes()
}

/// Associated data of a reply.
pub fn reply_aad(case_id: &str, reply_id: &str, author: crate::grievance::Author) -> Vec<u8> {
    let author = match author {
        crate::grievance::Author::Handler => "handler",
        crate::grievance::Author::Worker => "worker",
    };
    format!("workervoice/reply/v1\n{case_id}\n{reply_id}\n{author}").into_bytes()
}

/// Why an envelope could not be sealed or opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// Wrong key, wrong associated data, or tampered bytes.
    #[error("envelope did not authenticate")]
    Unauthentic,
    /// Too short or unknown version.
    #[error("envelope is malformed")]
    Malformed,
    /// Key of the wrong length, or the random source failed.
    #[error("envelope key or randomness failed")]
    Key,
}

fn aead_key(key: &[u8]) -> Result<LessSafeKey, EnvelopeError> {
    UnboundKey::new(&CHACHA20_POLY1305, key).map(LessSafeKey::new).map_err(|_| EnvelopeError::Key)
}

/// Seals `plaintext` under a 32-byte key with `aad`.
pub fn seal(key: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new().fill(&mut nonce).map_err(|_| EnvelopeError::Key)?;
    let mut out = Vec::with_capacity(plaintext.len() + OVERHEAD);
    out.push(VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let tag = aead_key(key)?
        .seal_in_place_separate_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad), &mut out[1 + NONCE_LEN..])
        .map_err(|_| EnvelopeError::Key)?;
    out.extend_from_slice(tag.as_ref());
    Ok(out)
}

/// Opens what [`seal`] made with the same key and `aad`.
pub fn open(key: &[u8], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
    if sealed.len() < OVERHEAD || sealed[0] != VERSION {
        return Err(EnvelopeError::Malformed);
    }
    let nonce: [u8; NONCE_LEN] = sealed[1..1 + NONCE_LEN].try_into().map_err(|_| EnvelopeError::Malformed)?;
    let mut buffer = sealed[1 + NONCE_LEN..].to_vec();
    let len = aead_key(key)?
        .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::from(aad), &mut buffer)
        .map_err(|_| EnvelopeError::Unauthentic)?
        .len();
    buffer.truncate(len);
    Ok(buffer)
}

/// Seals an attachment: chunk by chunk, concatenated.
pub fn seal_attachment(
    key: &[u8],
    client_id: &str,
    attachment_id: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, EnvelopeError> {
    let chunks: Vec<&[u8]> =
        if plaintext.is_empty() { vec![&[][..]] } else { plaintext.chunks(ATTACHMENT_CHUNK).collect() };
    let count = chunks.len();
    let mut out = Vec::with_capacity(plaintext.len() + count * OVERHEAD);
    for (index, chunk) in chunks.into_iter().enumerate() {
        let aad = chunk_aad(client_id, attachment_id, index as u64, index + 1 == count);
        out.extend_from_slice(&seal(key, &aad, chunk)?);
    }
    Ok(out)
}

/// Opens an attachment sealed by [`seal_attachment`]; refuses a truncated,
/// reordered or extended one.
pub fn open_attachment(
    key: &[u8],
    client_id: &str,
    attachment_id: &str,
    sealed: &[u8],
) -> Result<Vec<u8>, EnvelopeError> {
    let sealed_chunk = ATTACHMENT_CHUNK + OVERHEAD;
    let parts: Vec<&[u8]> = sealed.chunks(sealed_chunk).collect();
    if parts.is_empty() {
        return Err(EnvelopeError::Malformed);
    }
    let mut out = Vec::with_capacity(sealed.len());
    for (index, part) in parts.iter().enumerate() {
        let aad = chunk_aad(client_id, attachment_id, index as u64, index + 1 == parts.len());
        out.extend_from_slice(&open(key, &aad, part)?);
    }
    Ok(out)
}

/// Kind of attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// A photo.
    Photo,
    /// A voice note.
    Voice,
}

/// An attachment as described inside the sealed payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentInfo {
    /// Matches [`crate::grievance::AttachmentMeta::attachment_id`].
    pub attachment_id: String,
    /// Photo or voice note.
    pub kind: AttachmentKind,
    /// MIME type as recorded by the device.
    pub mime: String,
    /// Plaintext size in bytes.
    pub size: u64,
}

/// A request to be called back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Callback {
    /// Phone number.
    pub phone: String,
    /// When to call, in the worker's words.
    pub preferred_time: String,
    /// Language to call in (BCP 47).
    pub language: String,
}

/// Who reported, for a named report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reporter {
    /// Worker number.
    pub worker_number: String,
    /// Name.
    pub display_name: String,
}

/// The sealed content of a grievance (JSON inside the payload envelope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GrievanceContent {
    /// Format version (1).
    pub version: u32,
    /// Category id from the directory.
    pub category_id: String,
    /// The worker's words.
    pub text: String,
    /// The language the worker wrote in (BCP 47).
    pub language: String,
    /// Who reported, unless anonymous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter: Option<Reporter>,
    /// A call-back request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<Callback>,
    /// The case's reply key (32 bytes), so handlers can write replies the hub
    /// stores only sealed.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reply_key: Vec<u8>,
    /// Attachments, uploaded separately.
    #[serde(default)]
    pub attachments: Vec<AttachmentInfo>,
    /// When the worker submitted, device clock, unix seconds.
    pub created_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grievance::Author;

    const KEY: [u8; 32] = [9; 32];

    #[test]
    fn a_reply_opens_only_for_its_case_reply_and_author() {
        let sealed = seal(&KEY, &reply_aad("case-1", "r1", Author::Handler), b"we will visit").unwrap();
        assert_eq!(open(&KEY, &reply_aad("case-1", "r1", Author::Handler), &sealed).unwrap(), b"we will visit");
        for aad in [
            reply_aad("case-2", "r1", Author::Handler),
            reply_aad("case-1", "r2", Author::Handler),
            reply_aad("case-1", "r1", Author::Worker),
            payload_aad("r1", "case-1"),
        ] {
            assert_eq!(open(&KEY, &aad, &sealed), Err(EnvelopeError::Unauthentic));
        }
    }

    #[test]
    fn attachments_round_trip_and_refuse_truncation_or_reordering() {
        let photo: Vec<u8> = (0..(ATTACHMENT_CHUNK * 2 + 100)).map(|i| (i % 251) as u8).collect();
        let sealed = seal_attachment(&KEY, "c", "a", &photo).unwrap();
        assert_eq!(open_attachment(&KEY, "c", "a", &sealed).unwrap(), photo);
        let one_chunk = ATTACHMENT_CHUNK + OVERHEAD;
        assert!(open_attachment(&KEY, "c", "a", &sealed[..one_chunk * 2]).is_err(), "dropped last chunk");
        let mut swapped = sealed[one_chunk..one_chunk * 2].to_vec();
        swapped.extend_from_slice(&sealed[..one_chunk]);
        swapped.extend_from_slice(&sealed[one_chunk * 2..]);
        assert!(open_attachment(&KEY, "c", "a", &swapped).is_err(), "reordered chunks");
        assert!(open_attachment(&KEY, "c", "b", &sealed).is_err(), "another attachment id");
        assert_eq!(open_attachment(&KEY, "c", "a", &seal_attachment(&KEY, "c", "a", b"").unwrap()).unwrap(), b"");
    }
}
