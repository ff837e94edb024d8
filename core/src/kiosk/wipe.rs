//! Wiping: crypto-shredding a device or its workers' data. The key-store
//! secrets of the device and of every worker vault are deleted (nothing
//! sealed under them can be opened again), and the rows are deleted too
//! (`secure_delete` overwrites them; the WAL is truncated). The app ends
//! the session first and calls these with its store and key store.

use std::sync::Mutex;

use crate::error::Error;
use crate::keystore::{DEVICE_SECRET_ALIAS, KeyStore, worker_alias};
use crate::runtime::lock;
use crate::store::Store;

/// Meta key of the last wipe request from the hub that this device carried out.
pub(crate) const WIPED_REQUEST: &str = "wiped_request";

/// Crypto-shreds the device; `retired` keeps a marker row so it refuses
/// everything afterwards, otherwise it returns to "not enrolled".
pub(crate) fn wipe_device(store: &Mutex<Store>, keystore: &dyn KeyStore, retired: bool) -> Result<(), Error> {
    let local_ids = lock(store).wipe(retired)?;
    shred_vault_secrets(keystore, &local_ids);
    if keystore.delete_secret(DEVICE_SECRET_ALIAS).is_err() {
        tracing::warn!(kind = "wipe_keystore", failures = 1, "some key-store secrets could not be deleted");
    }
    Ok(())
}

/// Staff asked the hub to wipe this tablet's workers' data and keep it in
/// service (`requested` names the request): every vault, note, draft,
/// case, token and progress row goes with the workers' key-store secrets
/// (crypto-shredding); the device's identity, the directory, content and
/// what is still queued for the hub stay.
pub(crate) fn wipe_workers(store: &Mutex<Store>, keystore: &dyn KeyStore, requested: i64) -> Result<(), Error> {
    let local_ids = {
        let mut store = lock(store);
        let local_ids = store.wipe_workers()?;
        store.set_meta(WIPED_REQUEST, requested)?;
        local_ids
    };
    shred_vault_secrets(keystore, &local_ids);
    Ok(())
}

/// Deletes the key-store secrets of vaults whose rows are gone, so that
/// nothing of them opens again (crypto-shredding). A secret that cannot
/// be deleted opens nothing without its rows either: said, without detail.
pub(crate) fn shred_vault_secrets(keystore: &dyn KeyStore, local_ids: &[String]) {
    let failures = local_ids.iter().filter(|local_id| keystore.delete_secret(&worker_alias(local_id)).is_err()).count();
    if failures > 0 {
        tracing::warn!(kind = "wipe_keystore", failures, "some key-store secrets could not be deleted");
    }
}
