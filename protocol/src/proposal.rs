//! Proposals: what the hub prepares for the programme's key holder to sign.
//!
//! The hub does not hold the programme's private key. A new recipient
//! directory, a content pack's manifest or a certificate delegation is
//! stored as a proposal: the exact bytes to sign. The key holder fetches it,
//! reviews it with their own tool (which recomputes what changed from the
//! bytes, not from anything the hub says about them), signs it on their own
//! machine and uploads only the signature. The hub verifies it under the
//! programme's public key and publishes.

use serde::{Deserialize, Serialize};

use crate::directory::SignedDirectory;

/// `GET /admin/v1/proposals?state=pending`: the proposals in a state.
pub const PROPOSALS: &str = "/admin/v1/proposals";

/// What a proposal asks the key holder to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// A [`crate::directory::Directory`].
    Directory,
    /// A content pack's [`crate::content::Manifest`].
    Pack,
    /// A [`crate::delegation::Delegation`] of the certificate power to the hub.
    Delegation,
}

impl ProposalKind {
    /// The stable wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Directory => "directory",
            Self::Pack => "pack",
            Self::Delegation => "delegation",
        }
    }

    /// The kind from its wire name.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Directory, Self::Pack, Self::Delegation].into_iter().find(|kind| kind.as_str() == name)
    }

    /// The bytes the programme key signs for a proposal body of this kind:
    /// the same signing input devices verify for the published item.
    pub fn signing_input(self, body: &[u8]) -> Vec<u8> {
        match self {
            Self::Directory => crate::directory::directory_signing_input(body),
            Self::Pack => crate::content::manifest_signing_input(body),
            Self::Delegation => crate::delegation::delegation_signing_input(body),
        }
    }
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    /// Waiting for the key holder's signature.
    Pending,
    /// Signed and published.
    Published,
    /// Replaced by a newer proposal of the same item before it was signed.
    Superseded,
}

impl ProposalState {
    /// The stable wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Published => "published",
            Self::Superseded => "superseded",
        }
    }

    /// The state from its wire name.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Pending, Self::Published, Self::Superseded].into_iter().find(|state| state.as_str() == name)
    }
}

/// One line of `GET /admin/v1/proposals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalSummary {
    /// The proposal id.
    pub id: String,
    /// What it is.
    pub kind: ProposalKind,
    /// Where it stands.
    pub state: ProposalState,
    /// When the hub prepared it, unix seconds.
    pub created_at: i64,
    /// Who asked for it (staff account or `admin-token`).
    pub created_by: String,
}

/// `GET /admin/v1/proposals/{id}`: everything the key holder needs to review
/// and sign it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalDetail {
    /// Id, kind, state.
    #[serde(flatten)]
    pub summary: ProposalSummary,
    /// The exact bytes to sign (with [`ProposalKind::signing_input`]).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub body: Vec<u8>,
    /// For a directory: the current signed directory, to compute what
    /// changes (the tool verifies its signature first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_directory: Option<SignedDirectory>,
    /// For a pack: its document (the manifest's body blob), so the tool can
    /// check its hash and show, for a survey, whose keys answers are sealed to.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::b64::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub document: Option<Vec<u8>>,
}

/// `POST /admin/v1/proposals/{id}/signature`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureUpload {
    /// Ed25519 over the kind's signing input of the proposal body.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub signature: Vec<u8>,
}

/// `POST /admin/v1/directory/propose` reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryProposed {
    /// The proposal to sign.
    pub proposal_id: String,
    /// The version it will publish once signed.
    pub version: u64,
}
