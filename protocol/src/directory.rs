//! The recipient directory: who may read grievances on each route, signed by
//! the programme.
//!
//! Devices pin the programme's Ed25519 public key. They accept a directory
//! only if its signature verifies under that key and its version is not older
//! than the one they hold, so neither the hub nor someone on the network can
//! add a reader or roll back to a directory with a removed one.
//!
//! The signed bytes are the directory's JSON exactly as produced by the
//! programme ([`SignedDirectory::body`]); devices parse what they verified.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Who a grievance goes to, in the default order of escalation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// The factory's worker–management committee (per factory).
    FactoryCommittee,
    /// The independent hotline of the programme.
    IndependentHotline,
    /// The brand sourcing from the factory.
    Brand,
}

impl Route {
    /// Every route, in escalation order.
    pub const ALL: [Route; 3] = [Route::FactoryCommittee, Route::IndependentHotline, Route::Brand];

    /// The stable wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FactoryCommittee => "factory_committee",
            Self::IndependentHotline => "independent_hotline",
            Self::Brand => "brand",
        }
    }
}

/// One case handler's public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// The hub's id of the handler account.
    pub handler_id: String,
    /// X25519 public key (32 bytes) the device seals content keys to.
    #[serde(with = "crate::b64")]
    pub public_key: Vec<u8>,
}

/// The handlers of one route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteRecipients {
    /// The route.
    pub route: Route,
    /// For [`Route::FactoryCommittee`]: the factory whose committee this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factory_id: Option<String>,
    /// The handlers who may read reports on this route.
    pub recipients: Vec<Recipient>,
    /// Hours the route has to acknowledge a case before it escalates.
    pub response_deadline_hours: u32,
}

/// A grievance category, with its label per language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Stable id (e.g. `wages`).
    pub id: String,
    /// BCP 47 tag → label. Always has `en`.
    pub labels: BTreeMap<String, String>,
}

/// The directory content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    /// The programme it belongs to.
    pub programme_id: String,
    /// Increases with every publication; devices refuse an older one.
    pub version: u64,
    /// Publication time, unix seconds.
    pub issued_at: i64,
    /// Handlers per route.
    pub routes: Vec<RouteRecipients>,
    /// Grievance categories.
    pub categories: Vec<Category>,
}

/// A directory with the programme's signature over its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedDirectory {
    /// The JSON of a [`Directory`], as signed.
    #[serde(with = "crate::b64")]
    pub body: Vec<u8>,
    /// Ed25519 signature over [`directory_signing_input`]`(body)`.
    #[serde(with = "crate::b64")]
    pub signature: Vec<u8>,
}

/// `GET /v1/directory?have=N` reply: the current directory, or nothing when
/// the device already has version `N` or newer (a sync with nothing new).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryResponse {
    /// The directory, if newer than `have`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<SignedDirectory>,
}

/// The bytes the programme key signs.
pub fn directory_signing_input(body: &[u8]) -> Vec<u8> {
    let mut input = b"workervoice/directory/v1\n".to_vec();
    input.extend_from_slice(body);
    input
}
