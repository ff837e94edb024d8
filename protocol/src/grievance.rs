//! Grievance submissions, anonymous receipts and case follow-up.
//!
//! A submission is sealed on the device. The hub sees only what it needs to
//! route and protect it: a client id (idempotency), the public case id, the
//! factory, the routes the worker allowed (in escalation order), which
//! handlers hold a wrapped content key, a verifier for the receipt, and the
//! sizes of attachments. No worker or device identifier travels with a
//! submission: the endpoint is not signed, for named and anonymous reports
//! alike, so the hub cannot tell them apart from the outside.
//!
//! Wire format of `POST /v1/submissions` (content type
//! [`SUBMISSION_CONTENT_TYPE`]): `"WVS1" || u32 BE header length || header
//! JSON ([`SubmissionHeader`]) || sealed payload (raw bytes)`. Raw bytes, not
//! base64: workers pay for data.

use serde::{Deserialize, Serialize};

use crate::directory::Route;

/// Content type of a framed submission.
pub const SUBMISSION_CONTENT_TYPE: &str = "application/vnd.workervoice.submission";
/// Magic bytes at the start of a framed submission.
pub const SUBMISSION_MAGIC: &[u8; 4] = b"WVS1";
/// Largest header accepted.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Largest sealed payload accepted (text and metadata; media travel as attachments).
pub const MAX_PAYLOAD_BYTES: usize = 128 * 1024;
/// Largest attachment (ciphertext) accepted.
pub const MAX_ATTACHMENT_BYTES: u64 = 20 * 1024 * 1024;
/// Largest chunk of an attachment upload.
pub const MAX_CHUNK_BYTES: usize = 256 * 1024;
/// Most attachments per submission the frame format allows (more is a
/// malformed frame). What a report may carry is lower:
/// [`MAX_REPORT_ATTACHMENTS`].
pub const MAX_ATTACHMENTS: usize = 4;

/// Most attachments one report carries: what the app lets a worker attach
/// and the hub accepts by default (ADR 0014). A report needs a photo or two
/// and a voice note; every extra slot is storage a stranger can fill on an
/// unsigned route.
pub const MAX_REPORT_ATTACHMENTS: usize = 3;

/// Most attachment bytes (as the worker attached them, before sealing) one
/// report carries, all its attachments together: two phone photos (about
/// 3 MB each at full size, far less downscaled) and a few minutes of voice
/// note (about 0.25 MB a minute at 32 kbit/s) with room to spare (ADR 0014).
pub const MAX_REPORT_ATTACHMENT_BYTES: u64 = 8 * 1024 * 1024;

/// The size of an attachment of `plaintext_len` bytes once sealed
/// ([`crate::envelope::seal_attachment`]: every chunk of up to
/// [`crate::envelope::ATTACHMENT_CHUNK`] bytes carries
/// [`crate::envelope::OVERHEAD`], and an empty attachment is one chunk).
pub const fn sealed_attachment_len(plaintext_len: u64) -> u64 {
    let chunk = crate::envelope::ATTACHMENT_CHUNK as u64;
    let chunks = if plaintext_len == 0 { 1 } else { plaintext_len.div_ceil(chunk) };
    plaintext_len + chunks * crate::envelope::OVERHEAD as u64
}

/// The most sealed bytes the attachments of a report within
/// [`MAX_REPORT_ATTACHMENTS`] and [`MAX_REPORT_ATTACHMENT_BYTES`] add up to
/// (each attachment may end in a partial chunk): the hub's default cap on
/// what one report announces.
pub const MAX_SEALED_REPORT_ATTACHMENT_BYTES: u64 = MAX_REPORT_ATTACHMENT_BYTES
    + (MAX_REPORT_ATTACHMENT_BYTES / crate::envelope::ATTACHMENT_CHUNK as u64 + MAX_REPORT_ATTACHMENTS as u64)
        * crate::envelope::OVERHEAD as u64;

/// Upload an attachment chunk: `PUT /v1/submissions/{client_id}/attachments/{attachment_id}?offset=N`
/// with raw bytes; `GET` the same path for the bytes received so far.
pub fn attachment_path(client_id: &str, attachment_id: &str) -> String {
    format!("/v1/submissions/{client_id}/attachments/{attachment_id}")
}

/// Post a worker's reply to a case: `POST /v1/cases/{case_id}/replies` with
/// the receipt's token in [`HEADER_CASE_TOKEN`] and a [`WorkerReplyRequest`].
pub fn case_replies_path(case_id: &str) -> String {
    format!("/v1/cases/{case_id}/replies")
}

/// What the hub holds of one attachment upload: the reply to `GET` and `PUT`
/// on [`attachment_path`].
///
/// A `PUT` whose `offset` is not the hub's count is answered `409 Conflict`
/// with this body (not an error body: it is an instruction to resume from
/// `received`), and changes nothing. Once `complete`, the bytes matched the
/// announced SHA-256; a finished upload that does not match is discarded
/// (`received` goes back to 0) and answered `bad_request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentProgress {
    /// Bytes received so far, in order from the start.
    pub received: u64,
    /// Whether all bytes arrived and matched the announced SHA-256.
    #[serde(default)]
    pub complete: bool,
}

/// The content key wrapped to one handler with HPKE (RFC 9180 base mode,
/// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305), with
/// `info = "workervoice/grievance/v1\n" || client_id` and `aad = case_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WrappedKey {
    /// The reader, by key id as the directory (or survey document) names
    /// them (ADR 0015; the wire name predates key ids).
    pub handler_id: String,
    /// The HPKE encapsulated key (32 bytes).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub enc: Vec<u8>,
    /// The sealed content key (32 + 16 bytes).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub wrapped_key: Vec<u8>,
}

/// An attachment announced with the submission and uploaded separately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentMeta {
    /// Client-generated id (UUID).
    pub attachment_id: String,
    /// Size of the ciphertext in bytes.
    pub size: u64,
    /// SHA-256 of the ciphertext, so the hub can check a finished upload.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sha256: Vec<u8>,
}

/// The clear header of a submission: routing metadata only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionHeader {
    /// Client-generated id (UUID v4): the idempotency key.
    pub client_id: String,
    /// The public case id of the receipt (see [`crate::codes::format_case_id`]).
    pub case_id: String,
    /// The factory the grievance is about.
    pub factory_id: String,
    /// Routes the worker allowed, first = first to handle; later ones only on escalation.
    pub routes: Vec<Route>,
    /// The directory version the recipients came from.
    pub directory_version: u64,
    /// The content key, wrapped to every handler of every allowed route.
    pub recipients: Vec<WrappedKey>,
    /// SHA-256 of the receipt's auth token; the hub keeps only this.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub receipt_verifier: Vec<u8>,
    /// Attachments to be uploaded.
    #[serde(default)]
    pub attachments: Vec<AttachmentMeta>,
}

/// Why a framed submission could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Too short, wrong magic, or a header length past the end.
    #[error("malformed submission frame")]
    Malformed,
    /// Header or payload over the limits.
    #[error("submission too large")]
    TooLarge,
    /// The header is not valid JSON of the right shape.
    #[error("submission header does not parse")]
    BadHeader,
}

/// Frames a header and sealed payload.
pub fn frame_submission(header: &SubmissionHeader, payload: &[u8]) -> Result<Vec<u8>, FrameError> {
    let header_json = serde_json::to_vec(header).map_err(|_| FrameError::BadHeader)?;
    if header_json.len() > MAX_HEADER_BYTES || payload.len() > MAX_PAYLOAD_BYTES {
        return Err(FrameError::TooLarge);
    }
    let header_len = u32::try_from(header_json.len()).map_err(|_| FrameError::TooLarge)?;
    let mut out = Vec::with_capacity(8 + header_json.len() + payload.len());
    out.extend_from_slice(SUBMISSION_MAGIC);
    out.extend_from_slice(&header_len.to_be_bytes());
    out.extend_from_slice(&header_json);
    out.extend_from_slice(payload);
    Ok(out)
}

/// Splits a framed submission into its header and sealed payload.
pub fn parse_submission(bytes: &[u8]) -> Result<(SubmissionHeader, &[u8]), FrameError> {
    if bytes.len() < 8 || &bytes[..4] != SUBMISSION_MAGIC {
        return Err(FrameError::Malformed);
    }
    let header_len = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    if header_len > MAX_HEADER_BYTES {
        return Err(FrameError::TooLarge);
    }
    let header_end = 8usize.checked_add(header_len).filter(|end| *end <= bytes.len()).ok_or(FrameError::Malformed)?;
    let payload = &bytes[header_end..];
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(FrameError::TooLarge);
    }
    let header = serde_json::from_slice(&bytes[8..header_end]).map_err(|_| FrameError::BadHeader)?;
    Ok((header, payload))
}

/// Reply to a submission (also to a replay of the same `client_id`: the
/// original reply, unchanged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitResponse {
    /// The case id.
    pub case_id: String,
    /// When the hub first received it, unix seconds.
    pub received_at: i64,
}

/// Content type of a framed batch of submissions.
pub const BATCH_CONTENT_TYPE: &str = "application/vnd.workervoice.submission-batch";
/// Magic bytes at the start of a framed batch.
pub const BATCH_MAGIC: &[u8; 4] = b"WVB1";
/// Most submissions in one batch.
pub const MAX_BATCH_ITEMS: usize = 1000;
/// Largest batch body accepted (its framing included). A device fills a
/// batch up to this or [`MAX_BATCH_ITEMS`], whichever comes first.
pub const MAX_BATCH_BYTES: usize = 1024 * 1024;

/// Frames framed submissions into one batch: `"WVB1" || u32 BE count ||
/// (u32 BE length || framed submission)*`. Raw bytes, as a single
/// submission is.
pub fn frame_batch<'a>(items: impl IntoIterator<Item = &'a [u8]>) -> Result<Vec<u8>, FrameError> {
    let mut out = Vec::new();
    out.extend_from_slice(BATCH_MAGIC);
    out.extend_from_slice(&[0; 4]);
    let mut count = 0u32;
    for item in items {
        let len = u32::try_from(item.len()).map_err(|_| FrameError::TooLarge)?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(item);
        count += 1;
    }
    if count as usize > MAX_BATCH_ITEMS || out.len() > MAX_BATCH_BYTES {
        return Err(FrameError::TooLarge);
    }
    out[4..8].copy_from_slice(&count.to_be_bytes());
    Ok(out)
}

/// Bytes a submission of `len` bytes adds to a batch (its length prefix).
pub const fn batch_item_bytes(len: usize) -> usize {
    4 + len
}

/// Bytes of a batch's own framing (magic and count).
pub const BATCH_OVERHEAD: usize = 8;

/// Splits a batch into its framed submissions (not parsed: each is parsed,
/// and may be refused, on its own).
pub fn parse_batch(bytes: &[u8]) -> Result<Vec<&[u8]>, FrameError> {
    if bytes.len() > MAX_BATCH_BYTES {
        return Err(FrameError::TooLarge);
    }
    if bytes.len() < BATCH_OVERHEAD || &bytes[..4] != BATCH_MAGIC {
        return Err(FrameError::Malformed);
    }
    let count = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    if count > MAX_BATCH_ITEMS {
        return Err(FrameError::TooLarge);
    }
    let mut items = Vec::with_capacity(count);
    let mut at = BATCH_OVERHEAD;
    for _ in 0..count {
        let len_end = at.checked_add(4).filter(|end| *end <= bytes.len()).ok_or(FrameError::Malformed)?;
        let len = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        let end = len_end.checked_add(len).filter(|end| *end <= bytes.len()).ok_or(FrameError::Malformed)?;
        items.push(&bytes[len_end..end]);
        at = end;
    }
    if at != bytes.len() {
        return Err(FrameError::Malformed);
    }
    Ok(items)
}

/// The hub's answer to one submission of a batch, in the batch's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BatchItemResult {
    /// Stored (or a replay of a stored one: the original reply).
    Stored(SubmitResponse),
    /// Refused, with the code a single submission would have got. A
    /// transient code (`internal`, `rate_limited`) means "send it again".
    Refused {
        /// Why.
        code: crate::error::HubErrorCode,
    },
}

/// Reply to a batch: one result per submission, in order. Every stored
/// submission is durable before this reply is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchSubmitResponse {
    /// One per submission of the batch, in the same order.
    pub results: Vec<BatchItemResult>,
}

/// The state of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// On the hub, not yet seen by a handler.
    Received,
    /// A handler confirmed receipt.
    Acknowledged,
    /// Being investigated.
    Investigating,
    /// The handler considers it resolved.
    Resolved,
    /// Closed.
    Closed,
    /// Moved to the next route because the deadline passed.
    Escalated,
}

/// Who wrote a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Author {
    /// A case handler.
    Handler,
    /// The worker who reported.
    Worker,
}

/// One event of a case, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseEvent {
    /// Position in the case's event log (1, 2, …); cursors count these.
    pub seq: u64,
    /// Time, unix seconds.
    pub at: i64,
    /// The new status, for a status change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CaseStatus>,
    /// For a reply: who wrote it…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<Author>,
    /// …and its text sealed under the case's reply key (ChaCha20-Poly1305,
    /// format of `core::crypto::seal`, associated data `case_id`/`reply_id`).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::b64::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub reply: Option<Vec<u8>>,
    /// For a reply: its client-generated id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_id: Option<String>,
}

/// One case to follow up, with the receipt's auth token and the last event seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseCursor {
    /// The case id.
    pub case_id: String,
    /// The receipt's auth token (the hub checks SHA-256 of it).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token: Vec<u8>,
    /// Highest `seq` already applied (0 for none).
    pub since: u64,
}

/// `POST /v1/cases/sync` (unsigned).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSyncRequest {
    /// The cases (at most [`MAX_CASES_PER_SYNC`]).
    pub cases: Vec<CaseCursor>,
}

/// Most cases in one sync request.
pub const MAX_CASES_PER_SYNC: usize = 100;

/// New events of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseUpdates {
    /// The case id.
    pub case_id: String,
    /// Current status.
    pub status: CaseStatus,
    /// Events after `since`, in order.
    pub events: Vec<CaseEvent>,
}

/// Reply to [`CaseSyncRequest`]: only cases with news, so a sync with nothing
/// new is a few bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSyncResponse {
    /// Cases with new events.
    #[serde(default)]
    pub updates: Vec<CaseUpdates>,
    /// Cases whose token did not verify or that do not exist (same answer).
    #[serde(default)]
    pub refused: Vec<String>,
}

/// `POST /v1/cases/{case_id}/replies` (unsigned; header [`HEADER_CASE_TOKEN`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkerReplyRequest {
    /// Client-generated id: a replay returns the original event.
    pub reply_id: String,
    /// The text sealed under the reply key.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reply: Vec<u8>,
}

/// Header carrying the receipt's auth token (base64) on per-case requests.
pub const HEADER_CASE_TOKEN: &str = "x-wv-case-token";

#[cfg(test)]
mod tests {
    #[test]
    fn sealed_attachment_len_is_what_sealing_makes() {
        let key = [9u8; 32];
        for len in [0, 1, crate::envelope::ATTACHMENT_CHUNK - 1, crate::envelope::ATTACHMENT_CHUNK, 200_000] {
            let sealed = crate::envelope::seal_attachment(&key, "client", "attachment", &vec![1u8; len]).unwrap();
            assert_eq!(super::sealed_attachment_len(len as u64), sealed.len() as u64, "{len} bytes");
        }
    }

    #[test]
    fn attachments_within_the_report_limits_fit_the_sealed_cap_however_they_are_split() {
        let total = super::MAX_REPORT_ATTACHMENT_BYTES;
        for split in
            [[total, 0, 0], [total - 1, 1, 0], [total / 3, total / 3, total - 2 * (total / 3)], [1, 1, total - 2]]
        {
            let sealed: u64 = split.iter().filter(|&&n| n > 0).map(|&n| super::sealed_attachment_len(n)).sum();
            assert!(sealed <= super::MAX_SEALED_REPORT_ATTACHMENT_BYTES, "{split:?}: {sealed}");
        }
    }

    use super::*;
    use proptest::prelude::*;

    fn header() -> SubmissionHeader {
        SubmissionHeader {
            client_id: "c".into(),
            case_id: "K7Q2M-9XD4R".into(),
            factory_id: "f".into(),
            routes: vec![Route::IndependentHotline],
            directory_version: 3,
            recipients: vec![],
            receipt_verifier: vec![1; 32],
            attachments: vec![],
        }
    }

    #[test]
    fn frames_round_trip() {
        let framed = frame_submission(&header(), b"sealed bytes").unwrap();
        let (parsed, payload) = parse_submission(&framed).unwrap();
        assert_eq!((parsed, payload), (header(), &b"sealed bytes"[..]));
    }

    #[test]
    fn broken_frames_are_typed_errors() {
        let framed = frame_submission(&header(), b"x").unwrap();
        assert_eq!(parse_submission(&framed[..6]), Err(FrameError::Malformed));
        let mut wrong_magic = framed.clone();
        wrong_magic[0] = b'X';
        assert_eq!(parse_submission(&wrong_magic), Err(FrameError::Malformed));
        let mut long_header = framed.clone();
        long_header[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(parse_submission(&long_header), Err(FrameError::TooLarge));
        let mut bad_json = framed;
        bad_json[8] = b'[';
        assert_eq!(parse_submission(&bad_json), Err(FrameError::BadHeader));
    }

    #[test]
    fn batches_round_trip_and_broken_ones_are_typed_errors() {
        let items = [frame_submission(&header(), b"one").unwrap(), frame_submission(&header(), b"two").unwrap()];
        let batch = frame_batch(items.iter().map(Vec::as_slice)).unwrap();
        assert_eq!(batch.len(), BATCH_OVERHEAD + items.iter().map(|i| batch_item_bytes(i.len())).sum::<usize>());
        assert_eq!(parse_batch(&batch).unwrap(), vec![items[0].as_slice(), items[1].as_slice()]);
        assert_eq!(parse_batch(&batch[..batch.len() - 1]), Err(FrameError::Malformed));
        let mut trailing = batch.clone();
        trailing.push(0);
        assert_eq!(parse_batch(&trailing), Err(FrameError::Malformed));
        let mut many = batch;
        many[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(parse_batch(&many), Err(FrameError::TooLarge));
        assert!(parse_batch(&frame_batch(std::iter::empty()).unwrap()).unwrap().is_empty());
    }

    proptest! {
        #[test]
        fn parsing_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_submission(&bytes);
            let _ = parse_batch(&bytes);
        }
    }
}
