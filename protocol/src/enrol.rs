//! Device enrolment: a one-time code from the hub plus a fresh Ed25519 identity.

use serde::{Deserialize, Serialize};

/// How a device is used, fixed at enrolment by the code the hub issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceMode {
    /// A worker's own phone: one worker, offline unlock allowed.
    Personal,
    /// A factory-owned tablet used by many workers in turn (kiosk): never
    /// caches anything that unlocks a worker's data offline.
    Shared,
}

impl DeviceMode {
    /// The stable wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Personal => "personal",
            Self::Shared => "shared",
        }
    }

    /// Parses the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "personal" => Some(Self::Personal),
            "shared" => Some(Self::Shared),
            _ => None,
        }
    }
}

/// `POST /v1/enrol`: the only device request not signed with a known identity.
/// Instead it proves possession of the new key by signing
/// [`enrol_challenge`] with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolRequest {
    /// The one-time enrolment code as typed or scanned (normalised by the hub).
    pub code: String,
    /// The mode the device asks for; must match the code's mode.
    pub mode: DeviceMode,
    /// Raw 32-byte Ed25519 public key of the new device identity.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub public_key: Vec<u8>,
    /// Free-form platform label for staff ("android", "ios", "desktop").
    pub platform: String,
    /// Signature over [`enrol_challenge`] by the new identity.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub signature: Vec<u8>,
}

/// The reply to a successful enrolment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolResponse {
    /// The hub's id for this device; sent in every signed request.
    pub device_id: String,
    /// The factory the code belonged to.
    pub factory_id: String,
    /// The factory's display name.
    pub factory_name: String,
    /// The mode the device is enrolled in.
    pub mode: DeviceMode,
    /// The hub's clock (unix seconds), so the device can detect a wrong clock.
    pub hub_time: i64,
    /// The factory's kiosk idle time-out, seconds (shared devices apply it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kiosk_idle_timeout_secs: Option<u32>,
}

/// `GET /v1/device/status` reply.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceStatusResponse {
    /// The device id the hub knows.
    pub device_id: String,
    /// `active`, or `retired` after staff retired or wiped it.
    pub state: String,
    /// The hub's clock (unix seconds).
    pub hub_time: i64,
    /// The factory's kiosk idle time-out, seconds (shared devices apply it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kiosk_idle_timeout_secs: Option<u32>,
    /// Staff asked this shared device to wipe its workers' data (the
    /// request's time, as its id). The device pushes its queue, deletes
    /// every vault and reports [`DeviceHealthReport::wiped`]; it stays enrolled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wipe_requested: Option<i64>,
}

/// `POST /v1/device/health` (signed, shared devices at each sync): what the
/// tablet holds, for staff who look after devices. Counts only, never content
/// or who queued what. The reply is a [`DeviceStatusResponse`]; a retired
/// device gets `device_retired` and wipes itself.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceHealthReport {
    /// Items waiting in the outbox.
    pub queued: u64,
    /// Items the hub refused, kept for attention.
    pub needs_attention: u64,
    /// Bytes the app's database uses.
    pub storage_bytes: u64,
    /// The recipient directory version held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_version: Option<u64>,
    /// The last wipe request ([`DeviceStatusResponse::wipe_requested`]) the
    /// device carried out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wiped: Option<i64>,
}

/// The bytes the new identity signs during enrolment: binds the code, the
/// requested mode and the key together so none can be swapped in transit.
pub fn enrol_challenge(code: &str, mode: DeviceMode, public_key: &[u8]) -> Vec<u8> {
    format!(
        "workervoice/enrol/v1\n{}\n{}\n{}",
        crate::codes::normalize_code(code),
        mode.as_str(),
        crate::b64::encode(public_key)
    )
    .into_bytes()
}
