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
    /// The day retention will delete the case if nothing else happens, as
    /// [`InboxCase::expires_on`] (counting this fetch, which is activity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<i64>,
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

// --- The inbox: deadlines, assignment, last visit (issue 14, ADR 0020) ---

/// Which of a case's deadlines it missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// Nobody acknowledged the case in time.
    Acknowledge,
    /// No reader replied to the worker in time (the EU directive's "feedback").
    Respond,
    /// The case was not resolved or closed in time.
    Resolve,
}

/// The deadlines of one route, in whole days counted from the day (UTC) a
/// case was received: a deadline of `n` days ends when day `received + n`
/// ends. Set by a programme admin; the programme's defaults follow the EU
/// whistleblowing directive (acknowledge in 7 days, feedback in 3 months).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteDeadlines {
    /// The route.
    pub route: Route,
    /// Days to acknowledge a case.
    pub acknowledge_days: u32,
    /// Days to reply to the worker.
    pub respond_days: u32,
    /// Days to resolve or close a case; `None`: no such deadline.
    #[serde(default)]
    pub resolve_days: Option<u32>,
    /// Whether these are the programme's defaults (no admin set them).
    #[serde(default)]
    pub default: bool,
}

/// `POST /admin/v1/deadlines/{route}`: a route's deadlines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetRouteDeadlinesRequest {
    /// Days to acknowledge (1 to 366).
    pub acknowledge_days: u32,
    /// Days to reply to the worker (1 to 366, not before acknowledging).
    pub respond_days: u32,
    /// Days to resolve (1 to 3660, not before replying), or none.
    #[serde(default)]
    pub resolve_days: Option<u32>,
}

/// A case in a reader's inbox (`GET /handler/v1/cases`): the summary every
/// client knew (its fields at the top level, so a client that reads only
/// [`CaseSummary`] still can), the route's deadlines as dates, what is
/// overdue, who it is assigned to, and whether it is new since the
/// reader's last visit. Metadata only: the category is sealed in the
/// report and filtered by the reader's client after opening.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxCase {
    /// What [`CaseSummary`] says (`deadline_at` and `overdue` are the
    /// escalation deadline of the current route).
    #[serde(flatten)]
    pub summary: CaseSummary,
    /// When the case must be acknowledged by (unix seconds, a day's start).
    pub acknowledge_by: i64,
    /// When a reader must have replied to the worker by.
    pub respond_by: i64,
    /// When the case must be resolved or closed by, if the route sets it.
    #[serde(default)]
    pub resolve_by: Option<i64>,
    /// The next deadline still to meet (escalation included); `None` once
    /// every deadline is met or the case is resolved or closed.
    #[serde(default)]
    pub next_deadline_at: Option<i64>,
    /// The deadlines missed so far.
    #[serde(default)]
    pub overdue_deadlines: Vec<DeadlineKind>,
    /// Whether a reader has replied to the worker.
    #[serde(default)]
    pub answered: bool,
    /// The key id of the reader it is assigned to, if any.
    #[serde(default)]
    pub assignee_key_id: Option<String>,
    /// Whether it is assigned to the reader asking.
    #[serde(default)]
    pub assigned_to_me: bool,
    /// Whether it reached this reader's route since their last visit.
    #[serde(default)]
    pub new_since_last_visit: bool,
    /// The day (unix seconds, the start of a UTC day) on which retention
    /// will delete the case if nothing happens to it before: set only for a
    /// closed case on a hub whose programme deletes closed cases. Any
    /// activity (a reply, a note, a reader opening it) moves it later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<i64>,
}

/// Largest page of `GET /handler/v1/cases`.
pub const INBOX_MAX_LIMIT: u32 = 200;
/// Response header of `GET /handler/v1/cases`: how many cases match the
/// filters on every page together.
pub const INBOX_TOTAL_HEADER: &str = "x-workervoice-total";

/// `POST /handler/v1/cases/{case_id}/assignment`: assigns the case to a
/// reader of its route (by key id), or clears the assignment with `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignRequest {
    /// The assignee's key id.
    #[serde(default)]
    pub assignee_key_id: Option<String>,
}

/// The assignment of a case after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    /// The assignee's key id, if any.
    #[serde(default)]
    pub assignee_key_id: Option<String>,
}

/// A reader of the same route (and factory or brand) as the one asking:
/// whom a case can be assigned to (`GET /handler/v1/colleagues`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Colleague {
    /// Key id (as the directory names readers).
    pub key_id: String,
    /// Name.
    pub name: String,
}

/// `POST /handler/v1/visits`: the reader's previous visit, kept to the hour;
/// `None` on a first visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitResponse {
    /// The start of the hour of the visit before this one.
    #[serde(default)]
    pub previous_visit_at: Option<i64>,
}

/// `GET /handler/v1/cases/{case_id}/escalation`: where a case stands on
/// its way through the routes the worker allowed, and what it missed.
/// Metadata only, for readers of any route the case has reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseEscalation {
    /// The routes the worker allowed, in the order the case moves through them.
    pub routes: Vec<Route>,
    /// The route that holds the case now.
    pub current_route: Route,
    /// The next allowed route, if there is one.
    #[serde(default)]
    pub next_route: Option<Route>,
    /// When the current route must acknowledge by before the hub moves the
    /// case on (the directory's `response_deadline_hours`; unix seconds).
    pub escalation_deadline_at: i64,
    /// The case missed that deadline on its last allowed route.
    #[serde(default)]
    pub escalation_exhausted: bool,
    /// When the case must be acknowledged by (the route's working deadline).
    pub acknowledge_by: i64,
    /// When a reader must have replied to the worker by.
    pub respond_by: i64,
    /// When the case must be resolved or closed by, if the route sets it.
    #[serde(default)]
    pub resolve_by: Option<i64>,
    /// The working deadlines missed so far.
    #[serde(default)]
    pub overdue_deadlines: Vec<DeadlineKind>,
    /// Whether the reader asking is of the route that holds the case now:
    /// only that route may reply, set the status or add notes. A route the
    /// case left sees it up to the hand-over.
    #[serde(default)]
    pub current: bool,
    /// Whether the reader asking may hand the case to the next route now
    /// (`POST …/escalate`): a reader of the current route, a next route, and
    /// the case neither resolved nor closed.
    #[serde(default)]
    pub can_escalate: bool,
}

/// A survey an analyst may read (`GET /handler/v1/surveys`): what the hub
/// knows of it in the clear (its published definition) and how many
/// responses are sealed to this analyst.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnalystSurvey {
    /// The survey's id.
    pub survey_id: String,
    /// The title of its latest version, by language.
    pub title: std::collections::BTreeMap<String, String>,
    /// Its latest published version.
    pub version: u64,
    /// Every published version, oldest first.
    pub versions: Vec<u64>,
    /// Whether it is published to every factory.
    pub all_factories: bool,
    /// The factories it is published to (empty when `all_factories`).
    #[serde(default)]
    pub factory_ids: Vec<String>,
    /// The responses sealed to this analyst.
    pub responses: u64,
}

/// Longest e-mail address a reader may give for notifications (RFC 5321's
/// path limit).
pub const NOTIFICATION_EMAIL_MAX_LEN: usize = 254;

/// A reader's e-mail notifications (`GET` and `POST
/// /handler/v1/notifications`, ADR 0023): where the hub writes when new,
/// answered or overdue cases wait on the reader's route. The message says
/// how many and on which route, and nothing about any case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationSettings {
    /// Whether this hub's operator configured an SMTP server; without one
    /// the hub stores no address and sends nothing.
    pub available: bool,
    /// The address the reader opted in with, if any.
    #[serde(default)]
    pub email: Option<String>,
    /// The language of the messages (a tag the console ships, e.g. `vi`).
    #[serde(default)]
    pub language: Option<String>,
    /// At most one message per this many minutes (the operator's setting).
    pub digest_minutes: u32,
    /// Failed attempts at sending the message now waiting (0: none waits,
    /// or the last attempt worked): the hub keeps trying, with back-off.
    pub failed_attempts: u32,
}

/// `POST /handler/v1/notifications`: opt in with an address (or change it),
/// or opt out with `None`, which deletes the address and everything the hub
/// kept to notify it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetNotificationsRequest {
    /// The address, at most [`NOTIFICATION_EMAIL_MAX_LEN`] bytes.
    #[serde(default)]
    pub email: Option<String>,
    /// The language of the messages; one the hub does not have falls back
    /// to English.
    #[serde(default)]
    pub language: Option<String>,
}
