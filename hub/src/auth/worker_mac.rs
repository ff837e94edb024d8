//! Proof that a request about a worker comes from a device where that worker
//! signed in: a MAC under a key derived from the hub share of that (worker,
//! device) pair. Only a device the share was released to, after a right
//! PIN, holds it.
//!
//! Training progress (`training`) and surveys (`surveys`) both require it,
//! so that another device of the factory cannot read or act for a worker who
//! never signed in on it.

use crate::db::sql::{Connection, OptionalExtension, params};
use ring::hmac;
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::progress::PROGRESS_MAC_LABEL;
use zeroize::Zeroizing;

use crate::device_auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::keys::HubKeys;
use crate::state::AppState;

/// The key that authenticates a worker's requests from one device:
/// HKDF-SHA256 of the pair's share with `label` — `PROGRESS_MAC_LABEL` for
/// training progress, `SURVEY_MAC_LABEL` for surveys from apps of format 2.
fn mac_key(share: &[u8], label: &[u8]) -> hmac::Key {
    let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, &[]).extract(share);
    let info = [label];
    let mut key = Zeroizing::new([0u8; 32]);
    // ok: one block of output is always available from HKDF-SHA256.
    prk.expand(&info, ring::hkdf::HKDF_SHA256).and_then(|okm| okm.fill(key.as_mut_slice())).expect("one block");
    hmac::Key::new(hmac::HMAC_SHA256, key.as_slice())
}

/// Whether `worker_id` is a worker of the device's factory.
pub(crate) fn in_factory(connection: &Connection, worker_id: &str, factory_id: &str) -> Result<bool, ApiError> {
    Ok(connection
        .query_row(
            "SELECT 1 FROM workers WHERE id = ?1 AND factory_id = ?2",
            params![worker_id, factory_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Whether `mac` is a MAC over `input` under the key from the share of
/// (`worker_id`, `device_id`); `false` when the worker never signed in on
/// that device (there is no share).
pub(crate) fn share_mac_verifies(
    connection: &Connection,
    keys: &HubKeys,
    worker_id: &str,
    device_id: &str,
    input: &[u8],
    mac: &[u8],
) -> Result<bool, ApiError> {
    share_mac_verifies_under(connection, keys, worker_id, device_id, input, mac, PROGRESS_MAC_LABEL)
}

/// [`share_mac_verifies`] with the key derived under `label`.
fn share_mac_verifies_under(
    connection: &Connection,
    keys: &HubKeys,
    worker_id: &str,
    device_id: &str,
    input: &[u8],
    mac: &[u8],
    label: &[u8],
) -> Result<bool, ApiError> {
    let Some(share) = crate::auth::shares::existing_share(connection, keys, worker_id, device_id)? else {
        return Ok(false);
    };
    Ok(hmac::verify(&mac_key(&share, label), input, mac).is_ok())
}

/// Checks that a request about `worker_id` comes from a device where that
/// worker signed in: a worker of the device's factory, and a MAC over
/// `input` under the key from their share on that device.
pub(crate) fn check_worker_mac(
    connection: &Connection,
    state: &AppState,
    device: &AuthenticatedDevice,
    worker_id: &str,
    input: &[u8],
    mac: &[u8],
) -> Result<(), ApiError> {
    check_worker_mac_under(connection, state, device, worker_id, input, mac, PROGRESS_MAC_LABEL)
}

/// [`check_worker_mac`] with the key derived under `label` (surveys:
/// `SURVEY_MAC_LABEL`).
pub(crate) fn check_worker_mac_under(
    connection: &Connection,
    state: &AppState,
    device: &AuthenticatedDevice,
    worker_id: &str,
    input: &[u8],
    mac: &[u8],
    label: &[u8],
) -> Result<(), ApiError> {
    if !in_factory(connection, worker_id, &device.factory_id)?
        || !share_mac_verifies_under(connection, &state.keys, worker_id, &device.id, input, mac, label)?
    {
        return Err(ApiError::code(HubErrorCode::Unauthorized));
    }
    Ok(())
}
