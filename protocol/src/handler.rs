//! Readers' API (`/handler/v1/...`): case handlers and survey analysts.
//!
//! A reader's key pair is made by the reader's client and never seen by the
//! hub in a form that opens anything (ADR 0015): the client derives
//! `login_key` and `wrap_key` from the password (PBKDF2, then HKDF), wraps
//! the X25519 private key under `wrap_key`, and sends the hub only the public
//! key, its key id, the wrapped private key, the salt and iteration count,
//! and `login_key` (which the hub keeps only as Argon2id). The hub serves
//! cases sealed, with this reader's HPKE encapsulation of the content key;
//! the client opens them and seals replies. The byte formats are in the
//! `wv-reader` crate and the console's `FORMATS.md`.

use serde::{Deserialize, Serialize};

use crate::directory::Route;
use crate::grievance::{CaseEvent, CaseStatus};

/// Fewest PBKDF2 iterations the hub accepts for a reader's password.
pub const READER_MIN_KDF_ITERATIONS: u32 = 600_000;
/// Most PBKDF2 iterations the hub accepts (a client asking for more would
/// make every sign-in slow for nothing).
pub const READER_MAX_KDF_ITERATIONS: u32 = 10_000_000;
/// Length of a reader's KDF salt.
pub const READER_SALT_LEN: usize = 16;

/// `POST /admin/v1/readers/invitations` (programme admin): invite a reader.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReaderInvitationRequest {
    /// Display name.
    pub name: String,
    /// The route the reader works on.
    pub route: Route,
    /// For the factory committee route: the factory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factory_id: Option<String>,
    /// For the brand route: the brand (whose supplier factories' reports the
    /// reader may read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<String>,
    /// A survey analyst: reads survey results, never grievances (on the
    /// independent route, with no factory or brand, left out of directories).
    #[serde(default)]
    pub analyst: bool,
}

/// The one-time link's parts: the reader's account id and the token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReaderInvitationResponse {
    /// The account id the reader will sign in with (also bound into the
    /// wrapped private key's associated data).
    pub handler_id: String,
    /// One-time token (shown once; the hub keeps its SHA-256).
    pub invitation_token: String,
    /// Unix seconds after which the token no longer works.
    pub expires_at: i64,
}

/// `POST /handler/v1/invitations/accept`: what the reader's client made.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptReaderInvitationRequest {
    /// The invitation token.
    pub invitation_token: String,
    /// The account id from the invitation.
    pub handler_id: String,
    /// X25519 public key.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub public_key: Vec<u8>,
    /// Hex of the first 16 bytes of SHA-256(public key).
    pub key_id: String,
    /// The private key sealed under `wrap_key`.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub wrapped_private_key: Vec<u8>,
    /// PBKDF2 salt.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kdf_salt: Vec<u8>,
    /// PBKDF2 iterations.
    pub kdf_iterations: u32,
    /// `login_key` (32 bytes); the hub stores only Argon2id of it.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub login_key: Vec<u8>,
}

/// `POST /handler/v1/prelogin`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreloginRequest {
    /// The account id.
    pub handler_id: String,
}

/// Salt and iterations for a login (a stable made-up salt for an unknown
/// account, so the answer does not tell who exists).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreloginResponse {
    /// PBKDF2 salt.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kdf_salt: Vec<u8>,
    /// PBKDF2 iterations.
    pub kdf_iterations: u32,
}

/// `POST /handler/v1/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandlerLoginRequest {
    /// The account id.
    pub handler_id: String,
    /// `login_key` derived from the password.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub login_key: Vec<u8>,
    /// The device token this client was given at an earlier sign-in of this
    /// account (its wrong attempts count in their own back-off bucket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_token: Option<String>,
}

/// Reply to a reader login: a session and the wrapped private key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandlerLoginResponse {
    /// Bearer token for `/handler/v1/...` until logout, expiry or idle time-out.
    pub session_token: String,
    /// Expiry, unix seconds.
    pub expires_at: i64,
    /// Keep and send with later logins of this account from this client.
    pub device_token: String,
    /// The account.
    pub account: HandlerSummary,
    /// The private key sealed under `wrap_key`; the client unwraps it.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub wrapped_private_key: Vec<u8>,
}

/// `POST /handler/v1/password` (session): the client re-derived and re-wrapped.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReaderPasswordChangeRequest {
    /// `login_key` of the current password.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub old_login_key: Vec<u8>,
    /// `login_key` of the new password.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub new_login_key: Vec<u8>,
    /// New salt.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kdf_salt: Vec<u8>,
    /// New iterations.
    pub kdf_iterations: u32,
    /// The same private key wrapped under the new `wrap_key`.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub wrapped_private_key: Vec<u8>,
}

/// A reader account as staff (and the reader) see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandlerSummary {
    /// Account id (to sign in with; not published in directories).
    pub handler_id: String,
    /// Name.
    pub name: String,
    /// Route.
    pub route: Route,
    /// Factory, for committee readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factory_id: Option<String>,
    /// Brand, for brand readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<String>,
    /// X25519 public key (made by the reader's client).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub public_key: Vec<u8>,
    /// Hex of the first 16 bytes of SHA-256(public key), as in directories.
    pub key_id: String,
    /// A survey analyst (see [`ReaderInvitationRequest::analyst`]).
    #[serde(default)]
    pub analyst: bool,
}

/// A case in a handler's list (metadata only).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    /// The case id.
    pub case_id: String,
    /// Status.
    pub status: CaseStatus,
    /// The route now responsible.
    pub current_route: Route,
    /// The factory.
    pub factory_id: String,
    /// Received, unix seconds.
    pub received_at: i64,
    /// When the current route must acknowledge by, unix seconds.
    pub deadline_at: i64,
    /// Nobody has acknowledged the case and its deadline passed: either
    /// escalation is due, or the case is on the last route the worker
    /// allowed and cannot escalate further.
    #[serde(default)]
    pub overdue: bool,
}

/// `GET /handler/v1/cases/{case_id}`: the case sealed, for this reader's
/// client to open.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SealedCase {
    /// Metadata (clear: the hub routes and escalates by it).
    pub summary: CaseSummary,
    /// The submission's client id (in the HPKE info and the payload's AD).
    pub client_id: String,
    /// The payload as the device sealed it.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub payload: Vec<u8>,
    /// This reader's HPKE encapsulated key.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub enc: Vec<u8>,
    /// The content key sealed to this reader.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub wrapped_key: Vec<u8>,
    /// The events this reader's route may see (after an escalation, an
    /// earlier route sees those up to the hand-over only), replies sealed.
    pub events: Vec<CaseEvent>,
    /// Internal notes sealed to this reader.
    #[serde(default)]
    pub notes: Vec<SealedNote>,
}

/// An internal note as one reader receives it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SealedNote {
    /// Note id (in the note's associated data).
    pub note_id: String,
    /// Who wrote it (`handler:<id>`).
    pub author: String,
    /// Time, unix seconds.
    pub at: i64,
    /// HPKE encapsulated key for this reader.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub enc: Vec<u8>,
    /// The note key sealed to this reader.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub wrapped_key: Vec<u8>,
    /// The note text sealed under the note key.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sealed: Vec<u8>,
}

/// One reader's copy of a note key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteRecipient {
    /// The reader's key id.
    pub key_id: String,
    /// HPKE encapsulated key.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub enc: Vec<u8>,
    /// The note key sealed to the reader.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub wrapped_key: Vec<u8>,
}

/// `POST /handler/v1/cases/{case_id}/notes`: a note sealed by the client.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteRequest {
    /// Note id (random, chosen by the client).
    pub note_id: String,
    /// The note key sealed to each reader of the route.
    pub recipients: Vec<NoteRecipient>,
    /// The text sealed under the note key.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sealed: Vec<u8>,
}

/// `GET /handler/v1/cases/{case_id}/readers`: the readers a note must be
/// sealed to (the route's readers, for this case's factory).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteReader {
    /// Key id.
    pub key_id: String,
    /// X25519 public key.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub public_key: Vec<u8>,
}

/// `POST /handler/v1/cases/{case_id}/status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetStatusRequest {
    /// New status (not `received` or `escalated`: those are the hub's).
    pub status: CaseStatus,
}

/// `POST /handler/v1/cases/{case_id}/replies`: a reply the client sealed
/// under the case's reply key (associated data `envelope::reply_aad` with
/// author `handler`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandlerReplyRequest {
    /// Reply id (random, chosen by the client; in the associated data).
    pub reply_id: String,
    /// The sealed text.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reply: Vec<u8>,
}

/// One audit log entry: who did what to a case, never content.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Time, unix seconds.
    pub at: i64,
    /// `device`, `hub`, `staff`, or `handler:<id>`.
    pub actor: String,
    /// What happened (`received`, `opened`, `status:acknowledged`, `reply`, `escalated:independent_hotline`, …).
    pub action: String,
}
