//! What the staff console lists beside the programme's settings: the
//! published content packs with their versions and assignment
//! (`GET /admin/v1/content`), a survey's schedule as set
//! (`GET /admin/v1/surveys/{survey_id}/schedule`), and the events recorded at
//! factories that schedules follow (`GET /admin/v1/events`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::admin::SurveySchedule;
use crate::content::ContentKind;

/// Whether the programme key holder's signature is on a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignatureState {
    /// Signed, and the signature verifies under the programme's public key
    /// (the hub checks it again for this answer).
    Verified,
    /// A signature is stored but does not verify: devices refuse this version.
    Invalid,
    /// Proposed, waiting for the key holder: devices do not see it yet.
    Awaiting,
}

/// One version of a published (or proposed) content item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedVersion {
    /// Its version number.
    pub version: u64,
    /// The SHA-256 of its manifest (its address for devices).
    pub manifest_sha256: String,
    /// Unix seconds the hub published it (after the signature), or proposed
    /// it when still awaiting the key holder.
    pub published_at: i64,
    /// Bytes of its document and media.
    pub total_bytes: u64,
    /// Media files it names.
    pub media: u32,
    /// Whether the key holder's signature is on it.
    pub signature: SignatureState,
    /// The proposal awaiting the key holder (awaiting versions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal_id: Option<String>,
}

/// `GET /admin/v1/content`: one training module or survey, its versions
/// (newest first) and the factories it is assigned to, as the viewer's
/// scope allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedItem {
    /// Training module or survey.
    pub kind: ContentKind,
    /// Its id.
    pub id: String,
    /// Titles by language tag, of the newest version.
    pub titles: BTreeMap<String, String>,
    /// The version devices are given (`None` while the first awaits signature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<u64>,
    /// Assigned to every factory, present and future.
    pub all_factories: bool,
    /// The factories it is assigned to that the viewer may see (empty with
    /// `all_factories`).
    pub factory_ids: Vec<String>,
    /// Its versions, newest first.
    pub versions: Vec<PublishedVersion>,
}

/// `GET /admin/v1/surveys/{survey_id}/schedule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyScheduleView {
    /// The survey.
    pub survey_id: String,
    /// Its schedule; `None`: none set, so open to every worker of the
    /// factories it is assigned to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<SurveySchedule>,
}

/// `GET /admin/v1/events`: one recorded event. The workers it concerned are
/// counted, never named: who an auditor interviewed is not for a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventSummary {
    /// Its id.
    pub event_id: String,
    /// Kind, e.g. `audit`.
    pub kind: String,
    /// The factory.
    pub factory_id: String,
    /// When it happened, unix seconds.
    pub at: i64,
    /// When it was recorded, unix seconds.
    pub recorded_at: i64,
    /// Workers it concerned.
    pub workers: u32,
}
