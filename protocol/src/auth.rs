//! Per-worker PIN authentication between a device and the hub.
//!
//! The hub never sees a PIN. The device stretches the PIN with the worker's
//! KDF parameters and sends a *proof* derived from the stretched value; the hub
//! keeps only a keyed hash of that proof, counts wrong proofs, and on a right
//! one releases the *hub share* for this (worker, device) pair, one of the
//! three inputs of the worker's unlock key on the device.

use serde::{Deserialize, Serialize};

/// The only PIN stretching algorithm of protocol v1.
pub const KDF_PBKDF2_SHA256: &str = "pbkdf2-hmac-sha256";

/// The floor for PBKDF2-HMAC-SHA256 iterations (OWASP 2023). Devices refuse
/// parameters below it, so a hostile or misconfigured hub cannot downgrade.
pub const MIN_PBKDF2_ITERATIONS: u32 = 600_000;

/// Length in bytes of a PIN proof, a hub share and a KDF salt.
pub const PROOF_LEN: usize = 32;
/// Length in bytes of the hub share.
pub const HUB_SHARE_LEN: usize = 32;
/// Length in bytes of a KDF salt.
pub const SALT_LEN: usize = 16;

/// How a PIN is stretched; stored beside every blob it protects so it can be raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KdfParams {
    /// Always [`KDF_PBKDF2_SHA256`] in v1.
    pub algorithm: String,
    /// PBKDF2 iteration count, at least [`MIN_PBKDF2_ITERATIONS`].
    pub iterations: u32,
    /// Per-worker random salt, [`SALT_LEN`] bytes.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub salt: Vec<u8>,
}

impl KdfParams {
    /// Whether a device may use these parameters.
    pub fn is_acceptable(&self) -> bool {
        self.algorithm == KDF_PBKDF2_SHA256 && self.iterations >= MIN_PBKDF2_ITERATIONS && self.salt.len() == SALT_LEN
    }
}

/// `POST /v1/auth/params`: which KDF parameters to stretch this worker's PIN with.
///
/// The hub answers for any worker number, with plausible parameters for
/// numbers it does not know, so the reply does not reveal the roster.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthParamsRequest {
    /// The worker number as printed on the worker's card.
    pub worker_number: String,
}

/// Reply to [`AuthParamsRequest`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthParamsResponse {
    /// Parameters to stretch the PIN with.
    pub kdf: KdfParams,
}

/// `POST /v1/auth/activate`: a worker's first PIN, authorised by the one-time
/// activation code from their worker card.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivateRequest {
    /// The worker number.
    pub worker_number: String,
    /// The one-time activation code staff gave the worker.
    pub activation_code: String,
    /// The parameters the proof was computed with (as returned by `params`).
    pub kdf: KdfParams,
    /// Proof derived from the new PIN.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub pin_proof: Vec<u8>,
}

/// `POST /v1/auth/register`: self-registration, where the programme allows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    /// The factory's join code (printed on posters when self-registration is on).
    pub join_code: String,
    /// The worker number the worker chooses or was given by the factory.
    pub worker_number: String,
    /// Name as the worker wants case handlers to see it.
    pub display_name: String,
    /// BCP 47 language tag the worker prefers.
    pub language: String,
    /// Parameters chosen by the device (fresh random salt).
    pub kdf: KdfParams,
    /// Proof derived from the new PIN.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub pin_proof: Vec<u8>,
}

/// `POST /v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// The worker number.
    pub worker_number: String,
    /// Proof derived from the PIN.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub pin_proof: Vec<u8>,
}

/// Reply to a successful login, activation or registration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// The hub's stable id for the worker.
    pub worker_id: String,
    /// The worker number.
    pub worker_number: String,
    /// Display name from the roster.
    pub display_name: String,
    /// Preferred language (BCP 47).
    pub language: String,
    /// The share for this (worker, device) pair: one input of the unlock key.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub hub_share: Vec<u8>,
    /// The hub's X25519 public key that a device seals to what only the hub
    /// may read: offline sign-in proofs ([`OfflineSignInProof`]) and training
    /// progress uploads. HPKE `info` strings keep the uses apart.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::b64::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub hub_sealing_key: Option<Vec<u8>>,
    /// The factory's offset from UTC in minutes (its staff setting), for
    /// counting days (training streaks) in the worker's time zone.
    #[serde(default)]
    pub utc_offset_minutes: i32,
}

/// `POST /v1/auth/change-pin`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePinRequest {
    /// The worker number.
    pub worker_number: String,
    /// Proof of the current PIN (a wrong one counts as a wrong PIN).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub old_pin_proof: Vec<u8>,
    /// New parameters (fresh salt).
    pub new_kdf: KdfParams,
    /// Proof of the new PIN.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub new_pin_proof: Vec<u8>,
}

/// Empty success body.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ok {
    /// Always true.
    pub ok: bool,
}

/// What a shared device seals to the hub's offline sign-in key when a worker
/// signs in without a network: the same proof an online login sends. Sealed
/// with HPKE ([`offline_sign_in_info`]), so the tablet that holds it cannot
/// test PINs against it; only the hub can open and check it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfflineSignInProof {
    /// The worker number typed at the kiosk.
    pub worker_number: String,
    /// Proof derived from the PIN, with the parameters the kiosk held.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub pin_proof: Vec<u8>,
    /// When the worker signed in (device clock, unix seconds).
    pub signed_in_at: i64,
}

/// `POST /v1/auth/confirm-offline` (signed by the shared device): asks the
/// hub to check a sign-in made offline. Idempotent per (device, `sign_in_id`):
/// a replay gets the first answer and is not counted again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmSignInRequest {
    /// Random id the device gave the sign-in (a UUID).
    pub sign_in_id: String,
    /// HPKE encapsulated key.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub enc: Vec<u8>,
    /// The sealed [`OfflineSignInProof`] (JSON).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sealed: Vec<u8>,
}

/// Reply to [`ConfirmSignInRequest`]. A locked worker is a refusal
/// (`pin_locked`): the device keeps asking until staff unlock the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmSignInResponse {
    /// Whether the PIN was right. `false` is final: what was done in that
    /// session must not be attributed to the worker.
    pub confirmed: bool,
}

/// Longest sign-in id a device may send.
pub const MAX_SIGN_IN_ID_LEN: usize = 64;
/// Largest sealed offline proof accepted, in bytes.
pub const MAX_SEALED_PROOF_LEN: usize = 1024;

/// HPKE `info` for an offline sign-in proof: binds it to the device that
/// made it and to its id, so it cannot be replayed from another device or
/// under another id.
pub fn offline_sign_in_info(device_id: &str, sign_in_id: &str) -> Vec<u8> {
    format!("workervoice/offline-sign-in/v1\n{device_id}\n{sign_in_id}").into_bytes()
}
