//! Staff accounts (`/staff/v1/...` and the staff parts of `/admin/v1/...`):
//! per-person accounts with a role, invited by a one-time token, signing in
//! with a password (and a TOTP code when their role requires one) for a
//! session token sent as `Authorization: Bearer`.
//!
//! Roles decide what an account may do; factory admins and brand staff are
//! further limited to their factories (the brand's supplier factories). A
//! request outside the role or scope is refused with
//! [`HubErrorCode::Forbidden`](crate::error::HubErrorCode::Forbidden).

use serde::{Deserialize, Serialize};

/// What a staff account is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Runs the programme: every factory, staff accounts, handlers, the
    /// directory, surveys and the audit log. Never reads a case or an answer.
    ProgrammeAdmin,
    /// Manages the factories it is given: roster, devices, enrolment codes,
    /// worker cards, the factory's training report.
    FactoryAdmin,
    /// Sees aggregates (training report) of its brand's supplier factories only.
    BrandStaff,
    /// Reads lists and the audit log; changes nothing.
    Auditor,
}

impl StaffRole {
    /// Every role, in a stable order.
    pub const ALL: [StaffRole; 4] = [Self::ProgrammeAdmin, Self::FactoryAdmin, Self::BrandStaff, Self::Auditor];

    /// The wire (and database) spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProgrammeAdmin => "programme_admin",
            Self::FactoryAdmin => "factory_admin",
            Self::BrandStaff => "brand_staff",
            Self::Auditor => "auditor",
        }
    }

    /// Parses [`as_str`](Self::as_str).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

/// Shortest staff password the hub accepts.
pub const MIN_STAFF_PASSWORD_CHARS: usize = 12;

/// `POST /admin/v1/bootstrap` (admin token, only while no programme admin
/// exists) and `POST /admin/v1/staff/invitations`: a one-time invitation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationResponse {
    /// The one-time token, shown once (the hub keeps only its hash).
    pub invitation_token: String,
    /// The role the account will have.
    pub role: StaffRole,
    /// Unix seconds after which the token no longer works (7 days).
    pub expires_at: i64,
}

/// `POST /admin/v1/staff/invitations` (programme admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateInvitationRequest {
    /// Role of the new account.
    pub role: StaffRole,
    /// For a factory admin: the factories it manages (at least one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factory_ids: Vec<String>,
    /// For brand staff: the brand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<String>,
}

/// `POST /staff/v1/invitations/accept` (no session: the token is the credential).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptInvitationRequest {
    /// The invitation token.
    pub invitation_token: String,
    /// The login the person chooses (3–64 characters: letters, digits, `.`, `-`, `_`, `@`).
    pub login: String,
    /// Their name as other staff see it.
    pub display_name: String,
    /// Their password (at least [`MIN_STAFF_PASSWORD_CHARS`] characters).
    pub password: String,
    /// A TOTP secret their authenticator holds (16–64 random bytes, chosen by
    /// the client), required when the role requires a second factor.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::b64::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub totp_secret: Option<Vec<u8>>,
    /// The authenticator's current code for `totp_secret`, proving it holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_code: Option<String>,
}

/// A staff account as staff see it (never a password hash or TOTP secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccount {
    /// Id.
    pub id: String,
    /// Login.
    pub login: String,
    /// Name.
    pub display_name: String,
    /// Role.
    pub role: StaffRole,
    /// Factories in scope (factory admins).
    #[serde(default)]
    pub factory_ids: Vec<String>,
    /// Brand in scope (brand staff).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<String>,
    /// Whether the account signs in with a TOTP code.
    pub totp_enabled: bool,
    /// Whether the account was disabled.
    pub disabled: bool,
    /// Unix seconds.
    pub created_at: i64,
}

/// `POST /staff/v1/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffLoginRequest {
    /// Login.
    pub login: String,
    /// Password.
    pub password: String,
    /// Six-digit TOTP code, when the account has a second factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_code: Option<String>,
}

/// Reply to a login.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffLoginResponse {
    /// Bearer token for this session (shown once; the hub keeps its hash).
    pub session_token: String,
    /// Unix seconds at which the session ends however active it is (12 h);
    /// it also ends after 30 idle minutes.
    pub expires_at: i64,
    /// Who signed in.
    pub account: StaffAccount,
}

/// `POST /staff/v1/password`: change one's own password. Every other session
/// of the account ends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    /// The current password.
    pub old_password: String,
    /// The new one (at least [`MIN_STAFF_PASSWORD_CHARS`] characters).
    pub new_password: String,
}

/// `GET /admin/v1/staff/roles` item and `POST /admin/v1/staff/roles/{role}` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleSettings {
    /// The role (ignored in a request body: the path names it).
    pub role: StaffRole,
    /// Whether accounts of this role must sign in with a TOTP code.
    pub totp_required: bool,
}

/// One row of the staff audit log (`GET /admin/v1/audit?after=SEQ`): who did
/// what to which object, when. Never content, a worker's name, a PIN or a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAuditEntry {
    /// Position in the log (strictly increasing).
    pub seq: i64,
    /// Unix seconds.
    pub at: i64,
    /// `staff:<account id>`, `admin-token` (bootstrap only) or `hub`.
    pub actor: String,
    /// What was done, e.g. `factory_created`, `worker_reset`, `login`.
    pub action: String,
    /// The kind of object, e.g. `factory`, `worker`, `device`, `staff_account`.
    pub object_kind: String,
    /// Its id (an opaque id, never a name).
    pub object_id: String,
}

/// `POST /admin/v1/brands` (programme admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateBrandRequest {
    /// The brand's name.
    pub name: String,
}

/// A brand and its supplier factories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Brand {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Factories that supply it.
    #[serde(default)]
    pub factory_ids: Vec<String>,
}

/// `POST /admin/v1/brands/{brand_id}/factories` (programme admin): a factory
/// now supplies the brand.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkFactoryRequest {
    /// The supplier factory.
    pub factory_id: String,
}
