//! Programme-staff endpoints (`/admin/v1/...`), authorised by a bearer token.
//!
//! These are the API a staff dashboard and the `workervoice-hub` CLI use to
//! set up a programme: factories, enrolment codes, rosters, worker unlock,
//! the programme's identity and publishing the recipient directory. (Case
//! handler accounts are in [`crate::handler`].)

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::directory::{Category, Route, SignedDirectory};
use crate::enrol::DeviceMode;

/// `POST /admin/v1/factories`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateFactoryRequest {
    /// Display name.
    pub name: String,
    /// Whether workers may self-register with the factory's join code.
    #[serde(default)]
    pub self_registration: bool,
    /// Seconds of inactivity after which a kiosk session ends on this
    /// factory's shared tablets (30..=1800; default 90).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kiosk_idle_timeout_secs: Option<u32>,
}

/// Default kiosk idle time-out of a factory, seconds.
pub const DEFAULT_KIOSK_IDLE_TIMEOUT_SECS: u32 = 90;
/// Allowed kiosk idle time-outs, seconds.
pub const KIOSK_IDLE_TIMEOUT_RANGE: std::ops::RangeInclusive<u32> = 30..=1800;

/// `POST /admin/v1/factories/{id}/settings`: a factory's settings for its devices.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactorySettings {
    /// Seconds of inactivity after which a kiosk session ends (30..=1800).
    pub kiosk_idle_timeout_secs: u32,
    /// The factory's offset from UTC in minutes (−720..=840), for counting
    /// training streak days in the workers' time zone. Left out: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utc_offset_minutes: Option<i32>,
}

/// Allowed offsets from UTC, minutes.
pub const UTC_OFFSET_RANGE: std::ops::RangeInclusive<i32> = -720..=840;

/// A factory as staff see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Factory {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The join code for self-registration, when it is allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_code: Option<String>,
    /// Kiosk idle time-out of the factory's shared tablets, seconds.
    #[serde(default = "default_idle")]
    pub kiosk_idle_timeout_secs: u32,
}

fn default_idle() -> u32 {
    DEFAULT_KIOSK_IDLE_TIMEOUT_SECS
}

/// `POST /admin/v1/factories/{id}/enrolment-codes`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueCodesRequest {
    /// The mode devices enrolled with these codes will have.
    pub mode: DeviceMode,
    /// How many one-time codes to issue (1..=500).
    pub count: u32,
    /// Days until unused codes expire (1..=90).
    #[serde(default = "default_valid_days")]
    pub valid_days: u32,
}

fn default_valid_days() -> u32 {
    14
}

/// One issued enrolment code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedCode {
    /// The code to type, grouped for reading (`XXXX-XXXX-XXXX`).
    pub code: String,
    /// The same code as a QR payload that also names the hub.
    pub qr_payload: String,
    /// The device mode it enrols.
    pub mode: DeviceMode,
    /// Expiry, unix seconds.
    pub expires_at: i64,
}

/// Reply to [`IssueCodesRequest`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueCodesResponse {
    /// The codes, shown once: the hub keeps only their hashes.
    pub codes: Vec<IssuedCode>,
}

/// One roster row.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterEntry {
    /// The worker number (unique per factory).
    pub worker_number: String,
    /// Name.
    pub display_name: String,
    /// Preferred language (BCP 47).
    pub language: String,
    /// Department, for surveys targeted at departments (kept when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

/// `POST /admin/v1/factories/{id}/roster` (JSON; `text/csv` with the header
/// `worker_number,display_name,language` and optionally `department` is
/// accepted too).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterImport {
    /// Workers to add or update.
    pub workers: Vec<RosterEntry>,
}

/// A one-time activation code for a worker's first login.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivationCode {
    /// The worker it activates.
    pub worker_number: String,
    /// The code, shown once.
    pub activation_code: String,
    /// What the worker card's QR code holds: the hub's public URL, the
    /// worker number and the code (`workervoice://activate?…`,
    /// [`crate::codes::ActivationQr`]), for the app to fill them in. The
    /// hub writes it so that a card names the hub devices enrol with,
    /// whatever address staff opened the console on.
    pub qr_payload: String,
}

/// Reply to a roster import.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterImportResponse {
    /// Workers added.
    pub added: u32,
    /// Existing workers whose name or language changed.
    pub updated: u32,
    /// Activation codes for the added workers (to print on worker cards).
    pub activation_codes: Vec<ActivationCode>,
}

/// Reply to `POST /admin/v1/factories/{id}/workers/{number}/reset` — a new
/// activation code after a worker forgot their PIN (the old PIN stops working).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetWorkerResponse {
    /// The new code.
    pub activation: ActivationCode,
}

/// A worker as staff see it (no secrets).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkerSummary {
    /// The worker number.
    pub worker_number: String,
    /// Name.
    pub display_name: String,
    /// Preferred language.
    pub language: String,
    /// Whether a PIN has been set.
    pub activated: bool,
    /// Wrong PINs since the last success.
    pub failed_attempts: u32,
    /// Whether the worker is locked out.
    pub locked: bool,
}

/// A device as staff see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceSummary {
    /// Device id.
    pub device_id: String,
    /// Mode.
    pub mode: DeviceMode,
    /// Platform label.
    pub platform: String,
    /// `active` or `retired`.
    pub state: String,
    /// Enrolment time, unix seconds.
    pub enrolled_at: i64,
    /// Last signed request, unix seconds.
    pub last_seen_at: Option<i64>,
    /// Last health report (shared devices), unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync_at: Option<i64>,
    /// Outbox items waiting at the last report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued: Option<u64>,
    /// Outbox items needing attention at the last report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_attention: Option<u64>,
    /// Database size at the last report, bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_bytes: Option<u64>,
    /// When staff last asked the device to wipe its workers' data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wipe_requested_at: Option<i64>,
    /// When the device reported that wipe done (absent while it is pending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wiped_at: Option<i64>,
}

/// `GET /admin/v1/programme`: the programme's identity, as apps pin it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeInfo {
    /// The programme id written into every directory.
    pub programme_id: String,
    /// The programme's Ed25519 public key (32 raw bytes) that signs
    /// directories; apps pin it.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub public_key: Vec<u8>,
}

/// `POST /admin/v1/directory/propose` (staff). Every field is optional, and
/// so is the body: the hub builds the routes from its handler accounts and
/// fills in default categories and deadlines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishDirectoryRequest {
    /// The grievance categories; `None` for the hub's defaults (`wages`,
    /// `hours`, `safety`, `harassment`, `discrimination`, `retaliation`,
    /// `other`, labelled in `en`, `zh-CN` and `vi`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<Category>>,
    /// Hours each route has to acknowledge a case (1..=8760), overriding
    /// the defaults (committee 72, hotline 120, brand 168) route by route.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub response_deadline_hours: BTreeMap<Route, u32>,
}

/// Reply to [`PublishDirectoryRequest`]: the new version, signed, exactly
/// as devices will receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishDirectoryResponse {
    /// The version published.
    pub version: u64,
    /// The signed directory.
    pub directory: SignedDirectory,
}

/// One month of a factory's grievance cases
/// (`GET /admin/v1/factories/{factory_id}/grievance-report`): counts of
/// cases by the month (UTC) they were received, from the metadata the hub
/// keeps in the clear (receipt time, status, status changes); nothing sealed.
/// A count of 1 to 4 is left out (`null`), and so is a part of `received`
/// whose complement (the rest of `received`) is 1 to 4, which would give it away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GrievanceMonth {
    /// The month, `YYYY-MM` (UTC).
    pub month: String,
    /// Cases received that month (`null`: suppressed).
    pub received: Option<u32>,
    /// Of those, acknowledged by a reader by the route's acknowledge deadline.
    pub acknowledged_in_time: Option<u32>,
    /// Of those, with a working deadline still owed and past (now).
    pub overdue: Option<u32>,
    /// Of those, resolved or closed (now).
    pub resolved: Option<u32>,
    /// Median whole hours from receipt to a reader's first acknowledgement,
    /// over the month's acknowledged cases (`null`: fewer than five).
    #[serde(default)]
    pub median_hours_to_acknowledge: Option<u32>,
    /// Median whole days from receipt to resolution, over the month's
    /// resolved or closed cases (`null`: fewer than five).
    #[serde(default)]
    pub median_days_to_resolve: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_are_keyed_by_route_name() {
        let request = PublishDirectoryRequest {
            categories: None,
            response_deadline_hours: BTreeMap::from([(Route::Brand, 200)]),
        };
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(json, r#"{"response_deadline_hours":{"brand":200}}"#);
        assert_eq!(serde_json::from_str::<PublishDirectoryRequest>(&json).unwrap(), request);
        assert_eq!(serde_json::from_str::<PublishDirectoryRequest>("{}").unwrap(), PublishDirectoryRequest::default());
    }
}

/// `GET /admin/v1/factories/{id}/training-report`: per module, how many of
/// the factory's workers started it and how many passed. A count of 1 to 4
/// is left out (`null`), and so is the number passed when fewer than five
/// started but did not pass (it would single those out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleCompletion {
    /// The module.
    pub module_id: String,
    /// Workers with any activity in it (`null`: suppressed).
    pub workers_started: Option<u32>,
    /// Workers who passed its quiz (`null`: suppressed).
    pub workers_passed: Option<u32>,
}

/// `POST /admin/v1/surveys/{id}/schedule`: when a survey is open, and to whom.
/// Replaces the survey's previous schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveySchedule {
    /// Unix seconds before which it is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<i64>,
    /// Unix seconds from which it is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<i64>,
    /// Who may answer.
    pub target: SurveyTarget,
}

/// Who may answer a survey (within the factories it is assigned to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SurveyTarget {
    /// Every worker.
    Everyone,
    /// The workers of these factories.
    Factories {
        /// Factory ids.
        factory_ids: Vec<String>,
    },
    /// The workers of these departments of a factory (as on the roster).
    Departments {
        /// The factory.
        factory_id: String,
        /// Department names.
        departments: Vec<String>,
    },
    /// These workers of a factory.
    Workers {
        /// The factory.
        factory_id: String,
        /// Worker numbers.
        worker_numbers: Vec<String>,
    },
    /// The workers an event of this kind concerned, from `after_days` days
    /// after it, for `open_days` days (or until the survey closes).
    AfterEvent {
        /// Event kind, e.g. `audit`.
        event: String,
        /// Days after the event.
        after_days: u32,
        /// Days it stays open for each worker.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        open_days: Option<u32>,
    },
}

/// `POST /admin/v1/events`: something that happened at a factory (e.g. an
/// audit) and the workers it concerned (e.g. those interviewed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordEventRequest {
    /// Kind, e.g. `audit`.
    pub kind: String,
    /// The factory.
    pub factory_id: String,
    /// When it happened, unix seconds.
    pub at: i64,
    /// The workers concerned, by number.
    pub worker_numbers: Vec<String>,
}

/// Reply to [`RecordEventRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordedEvent {
    /// Its id.
    pub event_id: String,
    /// Workers recorded.
    pub workers: u32,
}
