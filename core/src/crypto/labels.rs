//! Every HKDF label and fixed context string of the core, in one place, so no
//! two purposes can ever share a derivation. Format: `workervoice/<purpose>/v1`.

/// PIN proof sent to the hub (from the stretched PIN).
pub const PIN_PROOF: &[u8] = b"workervoice/pin-proof/v1";
/// The PIN's contribution to the unlock key (from the stretched PIN).
pub const PIN_UNLOCK: &[u8] = b"workervoice/pin-unlock/v1";
/// The unlock key of a worker's vault on this device.
pub const UNLOCK_KEY: &[u8] = b"workervoice/unlock-key/v1";
/// Pepper derived from the worker's secret in the platform key store.
pub const PIN_PEPPER: &[u8] = b"workervoice/pin-pepper/v1";
/// Key that wraps the cached hub share for offline unlock (personal devices).
pub const OFFLINE_UNLOCK: &[u8] = b"workervoice/offline-unlock/v1";
/// Key-encryption key for the device storage key, from the device secret.
pub const DEVICE_KEK: &[u8] = b"workervoice/device-kek/v1";
/// Key for the blind index that finds a worker's vault by worker number.
pub const WORKER_LOOKUP: &[u8] = b"workervoice/worker-lookup/v1";
/// Plaintext of every canary.
pub const CANARY_PLAINTEXT: &[u8] = b"workervoice/canary/v1";
/// Auth token of an anonymous-follow-up receipt (the hub stores its SHA-256).
pub const RECEIPT_AUTH: &[u8] = b"workervoice/receipt-auth/v1";
/// Reply key of a receipt: opens and seals the replies of the case.
pub const RECEIPT_REPLY: &[u8] = b"workervoice/receipt-reply/v1";
/// Row ids of drafts (blind index under the vault key).
pub const DRAFT_ID: &[u8] = b"workervoice/draft-id/v1";
/// Row ids of a worker's cases (blind index of the case id under the vault key).
pub const CASE_ID: &[u8] = b"workervoice/case-id/v1";
/// Row ids of a case's events (blind index of `case_id:seq` under the vault key).
pub const CASE_EVENT_ID: &[u8] = b"workervoice/case-event-id/v1";
/// Blind index of a worker's survey token row (keyed by the survey id).
pub const SURVEY_TOKEN_ID: &[u8] = b"workervoice/survey-token-id/v1";
/// Key sealing a worker's kiosk offline sign-in data, from the worker's key-store secret.
pub const KIOSK_OFFLINE: &[u8] = b"workervoice/kiosk-offline/v1";
/// The 8-bit PIN check a kiosk keeps for offline sign-in (from the stretched PIN).
pub const KIOSK_PIN_CHECK: &[u8] = b"workervoice/kiosk-pin-check/v1";
/// A worker's draft key on a kiosk (X25519 secret, from the vault key): drafts
/// written while signed in offline are sealed to its public half.
pub const KIOSK_DRAFT_KEY: &[u8] = b"workervoice/kiosk-draft-key/v1";
/// HPKE `info` prefix of a kiosk offline draft (followed by its row id).
pub const OFFLINE_DRAFT_INFO: &[u8] = b"workervoice/offline-draft/v1";
