//! What an online sign-in on a shared device leaves behind for the worker's
//! later *offline* sign-in there (see `crate::kiosk`): their profile, an
//! 8-bit check of their stretched PIN and the public half of their draft
//! key, sealed under their key-store key. Written here, with the vault row,
//! because it is made from what only an open vault and a fresh PIN stretch
//! have; read by `kiosk::sign_in`.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{Session, WorkerProfile, worker_secret};
use crate::crypto::{self, Aad, PinSecrets, labels};
use crate::device::{Device, DeviceMode};
use crate::error::{Error, ErrorCode};
use crate::keystore::KeyStore;
use crate::store::Store;
use crate::store::workers as rows;

/// What the kiosk keeps per worker for offline sign-in.
#[derive(Serialize, Deserialize)]
pub(crate) struct OfflineData {
    pub(crate) profile: WorkerProfile,
    pub(crate) check: u8,
    /// The worker's draft key (X25519 public): drafts written while signed
    /// in offline are sealed to it, and open only in their vault.
    #[serde(default)]
    pub(crate) draft_key: Option<[u8; 32]>,
}

/// The AAD of a worker's sealed offline data.
pub(crate) fn offline_data_aad(local_id: &str) -> Aad<'_> {
    Aad { table: "workers", row: local_id, owner: local_id, column: "kiosk_offline" }
}

/// The 8-bit check of a stretched PIN.
pub(crate) fn check_of(secrets: &PinSecrets) -> u8 {
    crypto::derive_key(&secrets.pin_secret, labels::KIOSK_PIN_CHECK).expose()[0]
}

/// The sealed offline data for a worker who just signed in online (shared
/// devices only; `None` on personal ones).
pub(crate) fn offline_data(
    device: &Device,
    keystore: &dyn KeyStore,
    local_id: &str,
    profile: &WorkerProfile,
    secrets: &PinSecrets,
    vault_key: &crypto::Key32,
) -> Result<Option<Vec<u8>>, Error> {
    if device.mode() != DeviceMode::Shared {
        return Ok(None);
    }
    let key = crypto::derive_key(&worker_secret(keystore, local_id)?, labels::KIOSK_OFFLINE);
    let data = OfflineData {
        profile: profile.clone(),
        check: check_of(secrets),
        draft_key: Some(super::draft_public_key(vault_key)),
    };
    let json = Zeroizing::new(serde_json::to_vec(&data).map_err(|_| ErrorCode::Internal)?);
    Ok(Some(crypto::seal(&key, offline_data_aad(local_id), &json)?))
}

/// After a PIN change on the tablet, the offline check follows the new PIN.
pub(crate) fn refresh_after_pin_change(
    store: &mut Store,
    device: &Device,
    keystore: &dyn KeyStore,
    session: &Session,
    new: &PinSecrets,
) -> Result<(), Error> {
    let sealed = offline_data(device, keystore, &session.local_id, &session.profile, new, session.vault_key()?)?;
    store.transaction(|tx| rows::set_kiosk_offline(tx, &session.local_id, sealed.as_deref()).map_err(Error::from))
}
