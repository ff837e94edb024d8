//! Wire types shared by the Worker Voice core (on devices) and the hub.
//!
//! Everything that crosses the network is defined here, once, so the two sides
//! cannot drift: JSON request and response bodies ([`enrol`], [`auth`],
//! [`admin`], [`handler`]), the signed recipient directory ([`directory`]),
//! framed grievance submissions and case follow-up ([`grievance`]), the
//! sealed-envelope formats both sides must agree on byte for byte
//! ([`envelope`]), the error body every endpoint returns ([`error`]), the
//! canonical form a device signs for every request after enrolment
//! ([`signing`]), and the human-facing code formats (enrolment codes, QR
//! payloads, activation codes, case ids and receipt secrets, [`codes`]), and
//! the verifiable oblivious PRF (RFC 9497) that issues one-time anonymous
//! survey tokens ([`oprf`]).
//!
//! This crate holds no policy and no I/O: it only says what bytes mean.
//! Binary fields travel as unpadded URL-safe base64 ([`b64`]).

pub mod admin;
pub mod auth;
pub mod b64;
pub mod category_counts;
pub mod codes;
pub mod content;
pub mod delegation;
pub mod directory;
pub mod enrol;
pub mod envelope;
pub mod error;
pub mod grievance;
pub mod handler;
pub mod oprf;
pub mod progress;
pub mod proposal;
pub mod signing;
pub mod staff;
pub mod staff_lists;
pub mod survey;
pub mod survey_response;
pub mod training;

/// Version of the wire protocol; every path is prefixed with `/v{PROTOCOL_VERSION}`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest JSON body the hub accepts on the device and admin endpoints of this
/// version, and the largest reply a device reads. Anything larger is refused
/// with [`error::HubErrorCode::PayloadTooLarge`] before it is parsed.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Device paths (signed with the device identity, except enrolment).
pub mod paths {
    /// Enrol a device with a one-time code.
    pub const ENROL: &str = "/v1/enrol";
    /// KDF parameters for a worker's PIN.
    pub const AUTH_PARAMS: &str = "/v1/auth/params";
    /// First login: activation code + new PIN.
    pub const AUTH_ACTIVATE: &str = "/v1/auth/activate";
    /// Self-registration with the factory's join code.
    pub const AUTH_REGISTER: &str = "/v1/auth/register";
    /// Login with a PIN proof; releases the device's hub share.
    pub const AUTH_LOGIN: &str = "/v1/auth/login";
    /// Change PIN (old proof + new proof).
    pub const AUTH_CHANGE_PIN: &str = "/v1/auth/change-pin";
    /// Signed (shared devices): confirm a sign-in made offline.
    pub const AUTH_CONFIRM_OFFLINE: &str = "/v1/auth/confirm-offline";
    /// Signed: a sealed batch of a worker's training progress events.
    pub const PROGRESS_UPLOAD: &str = "/v1/progress/upload";
    /// Signed: a worker's merged training progress after a cursor.
    pub const PROGRESS_PULL: &str = "/v1/progress/pull";
    /// Signed: join or leave the factory's leaderboard, and see it.
    pub const PROGRESS_LEADERBOARD: &str = "/v1/progress/leaderboard";
    /// Surveys open to a worker now (signed, with the worker's MAC).
    pub const SURVEYS_OPEN: &str = "/v1/surveys/open";
    /// A worker's one token for a survey (signed, with the worker's MAC).
    pub const SURVEYS_TOKEN: &str = "/v1/surveys/token";
    /// An anonymous survey response with its token (not signed: it names no device).
    pub const SURVEYS_RESPONSES: &str = "/v1/surveys/responses";
    /// The device's own status (is it still enrolled, has it been retired).
    pub const DEVICE_STATUS: &str = "/v1/device/status";
    /// A shared device's health report at sync (signed).
    pub const DEVICE_HEALTH: &str = "/v1/device/health";
    /// The signed recipient directory (`?have=N`), unsigned.
    pub const DIRECTORY: &str = "/v1/directory";
    /// Submit a sealed grievance (framed, unsigned).
    pub const SUBMISSIONS: &str = "/v1/submissions";
    /// Submit many sealed grievances in one request (a framed batch,
    /// unsigned), each stored and answered on its own.
    pub const SUBMISSIONS_BATCH: &str = "/v1/submissions/batch";
    /// Follow up cases with receipt tokens (unsigned).
    pub const CASES_SYNC: &str = "/v1/cases/sync";
    /// The device's factory's content catalog (`?have=ETAG`), signed;
    /// `304 Not Modified` with no body while the ETag matches.
    pub const CONTENT_CATALOG: &str = "/v1/content/catalog";
    /// A signed content manifest by its SHA-256 (`/v1/content/manifests/{sha256}`), unsigned.
    pub const CONTENT_MANIFESTS: &str = "/v1/content/manifests";
    /// A content blob by its SHA-256 (`/v1/content/blobs/{sha256}`), raw
    /// bytes, unsigned, with `Range: bytes=N-` for resuming.
    pub const CONTENT_BLOBS: &str = "/v1/content/blobs";
    /// Liveness probe, unsigned.
    pub const HEALTH: &str = "/health";
}
