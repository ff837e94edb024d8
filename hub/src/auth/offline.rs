//! Sign-ins made offline on a shared tablet, confirmed at its next sync.
//!
//! A kiosk holds no PIN verifier. When a worker signs in there without a
//! network, the tablet seals the PIN proof an online login would have sent
//! to this hub's *offline sign-in key* (HPKE base mode, X25519 / HKDF-SHA256 /
//! ChaCha20-Poly1305, `info` binding the device and the sign-in id) and
//! holds what the worker submits until the hub has checked it.
//!
//! Here the hub opens the proof and checks it exactly like a login: a wrong
//! proof counts toward the worker's lock, a right one resets the count. The
//! outcome is stored per (device, sign-in id) so a retried request (its reply
//! lost) gets the same answer and is not counted twice. A confirmed sign-in
//! keeps the worker's id, so training done in that session can be credited
//! to them (`training::upload`); a rejected one keeps nothing of anyone. A
//! locked worker is a refusal, not a rejection: the proof is not checked and
//! the device asks again after staff unlock.
//!
//! The key pair is derived from the hub secret, so it survives restarts and
//! a copy of `hub.db` alone cannot open stored proofs (none are stored).

use crate::db::sql::{Connection, OptionalExtension, params};
use axum::Json;
use axum::extract::State;
use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, Serializable};
use workervoice_protocol::auth::{
    ConfirmSignInRequest, ConfirmSignInResponse, MAX_SEALED_PROOF_LEN, MAX_SIGN_IN_ID_LEN, OfflineSignInProof,
    PROOF_LEN, offline_sign_in_info,
};
use workervoice_protocol::enrol::DeviceMode;
use workervoice_protocol::error::HubErrorCode;
use zeroize::Zeroizing;

use super::attempts::{Presented, Settled, begin, check_and_commit};
use crate::clock::unix_now;
use crate::device_auth::SignedRequest;
use crate::error::ApiError;
use crate::keys::HubKeys;
use crate::state::AppState;
use crate::workers::{checked_worker_number, load_worker, number_key};

/// The public half of the offline sign-in key, sent to shared devices with
/// every login.
pub(crate) fn public_key(keys: &HubKeys) -> Vec<u8> {
    let (_, public) = X25519HkdfSha256::derive_keypair(keys.offline_sign_in_seed());
    public.to_bytes().to_vec()
}

/// Opens what a device sealed to the hub's key (HPKE base mode, the
/// suite of the module documentation); `None` if it does not open with this
/// `info` and associated data.
pub(crate) fn open_sealed(
    keys: &HubKeys,
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    sealed: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let (private, _) = X25519HkdfSha256::derive_keypair(keys.offline_sign_in_seed());
    let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(enc).ok()?;
    hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        &private,
        &enc,
        info,
        sealed,
        aad,
    )
    .ok()
    .map(Zeroizing::new)
}

/// Opens a sealed proof; `None` if it does not open for this device and id
/// or is not a proof.
pub(crate) fn open_proof(
    keys: &HubKeys,
    device_id: &str,
    request: &ConfirmSignInRequest,
) -> Option<OfflineSignInProof> {
    let info = offline_sign_in_info(device_id, &request.sign_in_id);
    let plain = open_sealed(keys, &request.enc, &info, request.sign_in_id.as_bytes(), &request.sealed)?;
    serde_json::from_slice(&plain).ok()
}

/// `POST /v1/auth/confirm-offline`: checks a sign-in a shared device made
/// offline. See the module documentation.
pub(crate) async fn confirm(
    State(state): State<AppState>,
    request: SignedRequest,
) -> Result<Json<ConfirmSignInResponse>, ApiError> {
    let body: ConfirmSignInRequest = request.json()?;
    let device = request.device;
    if device.mode != DeviceMode::Shared {
        return Err(ApiError::code(HubErrorCode::Unauthorized));
    }
    if body.sign_in_id.is_empty()
        || body.sign_in_id.len() > MAX_SIGN_IN_ID_LEN
        || body.sealed.len() > MAX_SEALED_PROOF_LEN
    {
        return Err(ApiError::bad_request());
    }
    // HPKE before the database: the proof depends on the request and the
    // hub's key only, and opening it must not hold the writer.
    let opened = open_proof(&state.keys, &device.id, &body);
    let shared = state.clone();
    let confirmed = state
        .db
        .run(move |connection| {
            let tx = begin(connection)?;
            let decided: Option<bool> = tx
                .query_row(
                    "SELECT confirmed FROM offline_sign_ins WHERE device_id = ?1 AND sign_in_id = ?2",
                    params![device.id, body.sign_in_id],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(confirmed) = decided {
                return Ok(confirmed);
            }
            // The outcome is stored in the same transaction as the check, so a
            // retried request finds it and is not counted twice.
            let record = |tx: &Connection, confirmed: bool, worker_id: Option<&str>| {
                tx.execute(
                    "INSERT INTO offline_sign_ins (device_id, sign_in_id, confirmed, decided_at, worker_id)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    // The day only (ADR 0016): it names a worker and a device.
                    params![
                        device.id,
                        body.sign_in_id,
                        confirmed,
                        crate::clock::coarse(unix_now(), crate::clock::DAY_SECS),
                        worker_id
                    ],
                )
            };
            let Some(proof) = opened.clone() else {
                // Not a proof sealed by this device under this id: nothing to
                // count against a worker, and final.
                record(&tx, false, None)?;
                tx.commit()?;
                return Ok(false);
            };
            let Ok(worker_number) = checked_worker_number(&proof.worker_number) else {
                return Err(ApiError::bad_request());
            };
            if proof.pin_proof.len() != PROOF_LEN {
                return Err(ApiError::bad_request());
            }
            let key = number_key(&worker_number);
            if load_worker(&tx, &device.factory_id, &key)?.is_some_and(|worker| worker.locked) {
                // Not checked, not decided: staff may unlock the worker.
                return Err(ApiError::code(HubErrorCode::PinLocked));
            }
            let presented = Presented::PinProof(&proof.pin_proof);
            let settled = check_and_commit(
                tx,
                &shared,
                &device.factory_id,
                &key,
                &device.id,
                presented,
                |tx, worker| {
                    record(tx, true, Some(&worker.id))?;
                    Ok(())
                },
                |tx| {
                    record(tx, false, None)?;
                    Ok(())
                },
            )?;
            Ok(matches!(settled, Settled::Passed(())))
        })
        .await?;
    Ok(Json(ConfirmSignInResponse { confirmed }))
}
