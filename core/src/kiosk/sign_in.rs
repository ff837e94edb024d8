//! Offline sign-in on a shared tablet, confirmed by the hub later.
//!
//! A kiosk never caches the hub share (so no vault opens without the hub)
//! and holds no full PIN verifier. What it keeps, per worker who signed in
//! there online, sealed under that worker's key-store key:
//!
//! - the profile (number, name, language), so the session speaks the
//!   worker's language and a named report carries the name;
//! - an **8-bit check** of the stretched PIN. It catches most typos at once,
//!   and leaves someone who copied the tablet (with its key store) about one
//!   in 256 of all PINs per worker, each needing the full PBKDF2 stretch, and
//!   no way to tell the right one from the other ~4,000 of a 6-digit space.
//!
//! A sign-in that passes the check gives a *provisional* session: no vault
//! key, so nothing stored opens (history and replies need the hub), but the
//! worker can write and submit. Its PIN proof — what an online login would
//! have sent — is sealed with HPKE to the hub's offline sign-in key, bound to
//! this device and a random sign-in id, so the tablet cannot test PINs
//! against it. Named reports from the session are held in the outbox under
//! that id. At the next sync the hub checks the proof (counting a wrong one
//! toward the worker's lock): confirmed, the held items go out; rejected,
//! they stay on the tablet, parked as *needs attention*, and are never sent
//! as the worker's. Five wrong checks in a row remove the offline data: the
//! next sign-in of that worker must be online.
//!
//! A failed offline sign-in always gets the same answer
//! (`OfflineSignInFailed`) after the same work (one PIN stretch), whether the
//! PIN was wrong, the worker never signed in here, or their tries ran out:
//! someone at the tablet cannot probe worker numbers to learn who used it.

use workervoice_protocol::auth::{OfflineSignInProof, offline_sign_in_info};
use zeroize::Zeroizing;

use crate::auth::{
    MAX_OFFLINE_FAILURES, OfflineData, Session, check_of, day_of, offline_data_aad, parse_kdf, stretch, worker_secret,
};
use crate::crypto::{self, labels};
use crate::device::{Device, DeviceMode};
use crate::error::{Error, ErrorCode};
use crate::keystore::KeyStore;
use crate::store::Store;
use crate::store::sign_ins::{self, PendingSignIn};
use crate::store::workers as rows;

/// Meta key of the hub's sealing key (X25519), sent with every online
/// login: offline sign-in proofs and training uploads are sealed to it.
pub const HUB_KEY_META: &str = "hub_sealing_key";

/// The vault row and opened offline data of `worker_number`, if this tablet
/// holds them and the worker has tries left (the data is dropped once not).
fn offline_data_of(
    store: &mut Store,
    device: &Device,
    keystore: &dyn KeyStore,
    worker_number: &str,
) -> Result<Option<(rows::WorkerRow, OfflineData)>, Error> {
    let Some(row) = rows::find(store.conn(), &device.worker_lookup(worker_number))? else { return Ok(None) };
    let Some(sealed) = row.kiosk_offline.as_deref() else { return Ok(None) };
    if row.offline_failures >= MAX_OFFLINE_FAILURES {
        store.transaction(|tx| rows::drop_kiosk_offline(tx, &row.local_id).map_err(Error::from))?;
        return Ok(None);
    }
    let key = crypto::derive_key(&worker_secret(keystore, &row.local_id)?, labels::KIOSK_OFFLINE);
    let json = Zeroizing::new(
        crypto::open(&key, offline_data_aad(&row.local_id), sealed).map_err(|_| ErrorCode::DeviceKeysMissing)?,
    );
    let data: OfflineData = serde_json::from_slice(&json).map_err(|_| ErrorCode::StorageCorrupt)?;
    Ok(Some((row, data)))
}

/// Signs a worker in on a shared device without the hub. Returns a
/// provisional session; the sealed proof is stored for the next sync.
pub fn sign_in_offline(
    store: &mut Store,
    device: &Device,
    keystore: &dyn KeyStore,
    worker_number: &str,
    pin: &str,
    now: i64,
) -> Result<Session, Error> {
    if device.mode() != DeviceMode::Shared {
        return Err(ErrorCode::OfflineUnlockUnavailable.into());
    }
    let device_id = device.row().device_id.clone().ok_or(ErrorCode::NotEnrolled)?;
    // No worker has ever signed in online here: true of every worker alike.
    let hub_key = store.meta_blob(HUB_KEY_META)?.ok_or(ErrorCode::OfflineUnlockUnavailable)?;
    let found = offline_data_of(store, device, keystore, worker_number)?;
    // Whoever is typing, the PIN is stretched once and a failure gets one
    // answer: neither the time taken nor the message tells a worker who has
    // used this tablet from one who has not (or who used up their tries).
    let kdf = match &found {
        Some((row, _)) => parse_kdf(&row.kdf)?,
        None => crate::auth::new_kdf_params(workervoice_protocol::auth::MIN_PBKDF2_ITERATIONS)?,
    };
    let secrets = stretch(pin, &kdf)?;
    let Some((row, data)) = found else { return Err(ErrorCode::OfflineSignInFailed.into()) };
    if check_of(&secrets) != data.check {
        let failures = store.transaction(|tx| rows::count_offline_failure(tx, &row.local_id).map_err(Error::from))?;
        if failures >= MAX_OFFLINE_FAILURES {
            store.transaction(|tx| rows::drop_kiosk_offline(tx, &row.local_id).map_err(Error::from))?;
        }
        return Err(ErrorCode::OfflineSignInFailed.into());
    }
    let sign_in_id = uuid::Uuid::new_v4().to_string();
    let proof = OfflineSignInProof {
        worker_number: data.profile.worker_number.clone(),
        pin_proof: secrets.proof.to_vec(),
        signed_in_at: now,
    };
    let proof_json = Zeroizing::new(serde_json::to_vec(&proof).map_err(|_| ErrorCode::Internal)?);
    let sealed_proof = crypto::hpke::seal_base(
        &hub_key,
        &offline_sign_in_info(&device_id, &sign_in_id),
        sign_in_id.as_bytes(),
        &proof_json,
    )
    .map_err(|_| ErrorCode::OfflineUnlockUnavailable)?;
    let pending = PendingSignIn {
        id: sign_in_id.clone(),
        enc: sealed_proof.enc.to_vec(),
        sealed: sealed_proof.ciphertext,
        created_at: now,
    };
    store.transaction(|tx| {
        sign_ins::insert(tx, &pending)?;
        rows::reset_offline_failures(tx, &row.local_id)?;
        rows::touch(tx, &row.local_id, day_of(now))?;
        Ok::<_, Error>(())
    })?;
    Ok(Session::provisional(row.local_id, data.profile, sign_in_id, data.draft_key))
}
