//! Case handlers' API (`/handler/v1/...`), with a session token from login.
//!
//! A handler's X25519 private key is stored on the hub wrapped by a key
//! derived from the handler's password; it is unwrapped only inside that
//! handler's session, so reports are opened in memory for the handler who
//! asks, and never written in clear.

use serde::{Deserialize, Serialize};

use crate::directory::Route;
use crate::grievance::{Author, CaseStatus};

/// `POST /admin/v1/handlers` (staff): a new handler account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateHandlerRequest {
    /// Display name.
    pub name: String,
    /// The route the handler works on.
    pub route: Route,
    /// For the factory committee route: the factory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factory_id: Option<String>,
    /// Initial password (at least 12 characters).
    pub password: String,
    /// A survey analyst: reads survey results, never grievances (on the
    /// independent route, with no factory, and left out of directories).
    #[serde(default)]
    pub analyst: bool,
}

/// A handler account as staff see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HandlerSummary {
    /// Id (in directories as `handler_id`).
    pub handler_id: String,
    /// Name.
    pub name: String,
    /// Route.
    pub route: Route,
    /// Factory, for committee handlers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factory_id: Option<String>,
    /// X25519 public key.
    #[serde(with = "crate::b64")]
    pub public_key: Vec<u8>,
    /// Whether too many wrong passwords locked the account (staff unlock it).
    #[serde(default)]
    pub locked: bool,
    /// A survey analyst (see [`CreateHandlerRequest::analyst`]).
    #[serde(default)]
    pub analyst: bool,
}

/// `POST /handler/v1/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HandlerLoginRequest {
    /// The handler id.
    pub handler_id: String,
    /// The password.
    pub password: String,
}

/// Reply to a handler login.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HandlerLoginResponse {
    /// Bearer token for `/handler/v1/...` until logout or expiry.
    pub session_token: String,
    /// Expiry, unix seconds.
    pub expires_at: i64,
}

/// A case in a handler's list (metadata only).
#[derive(Debug, Clone, Serialize, Deserialize)]
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

/// One reply in a handler's view of a case (decrypted in the session).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReplyView {
    /// Author.
    pub author: Author,
    /// Time, unix seconds.
    pub at: i64,
    /// Text.
    pub text: String,
}

/// `GET /handler/v1/cases/{case_id}`: the report opened for this handler.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseView {
    /// Metadata.
    pub summary: CaseSummary,
    /// The decrypted report content (JSON as sealed by the device).
    pub content: serde_json::Value,
    /// The conversation.
    pub replies: Vec<ReplyView>,
}

/// `POST /handler/v1/cases/{case_id}/status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetStatusRequest {
    /// New status (not `received` or `escalated`: those are the hub's).
    pub status: CaseStatus,
}

/// `POST /handler/v1/cases/{case_id}/replies`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HandlerReplyRequest {
    /// The reply text; the hub seals it under the case's reply key in the session.
    pub text: String,
}

/// One audit log entry: who did what to a case, never content.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Time, unix seconds.
    pub at: i64,
    /// `device`, `hub`, `staff`, or `handler:<id>`.
    pub actor: String,
    /// What happened (`received`, `opened`, `status:acknowledged`, `reply`, `escalated:independent_hotline`, …).
    pub action: String,
}
