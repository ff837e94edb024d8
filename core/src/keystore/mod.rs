//! The platform key store, as the core sees it.
//!
//! The shells implement [`KeyStore`] over Android Keystore and the iOS
//! Keychain; [`FileKeyStore`] serves desktop and the CLI, [`MemoryKeyStore`]
//! serves tests. The trait is narrow on purpose: the platform *creates* a
//! random secret with its own CSPRNG and keeps it, and hands it to the core
//! when asked. Secrets only ever travel towards the core; the core never gives
//! a key of its own to the platform.
//!
//! The core uses two kinds of alias:
//! - [`DEVICE_SECRET_ALIAS`]: wraps the device storage key. Deleting it
//!   crypto-shreds everything on the device.
//! - [`worker_alias`]: one per worker vault on the device (PIN pepper and, on
//!   personal devices, the offline-unlock cache key). Deleting it shreds that
//!   worker's data on this device only.

mod file;

use std::collections::HashMap;
use std::sync::Mutex;

use zeroize::Zeroizing;

pub use file::FileKeyStore;

/// Alias of the device-wide secret.
pub const DEVICE_SECRET_ALIAS: &str = "workervoice.device.v1";

/// Alias of the secret of one worker's vault on this device.
pub fn worker_alias(local_id: &str) -> String {
    format!("workervoice.worker.v1.{local_id}")
}

/// Length of every secret the key store creates.
pub const SECRET_LEN: usize = 32;

/// Why the key store could not answer.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum KeyStoreError {
    /// The store is locked or not available right now (e.g. the phone has not
    /// been unlocked since boot). Retry later.
    #[error("key store unavailable: {reason}")]
    Unavailable {
        /// The platform's explanation, for logs; never shown to workers.
        reason: String,
    },
    /// The platform implementation failed in an unexpected way.
    #[error("key store failed: {reason}")]
    Failed {
        /// The platform's explanation, for logs.
        reason: String,
    },
}

/// A platform key store that creates, keeps and releases random secrets.
pub trait KeyStore: Send + Sync {
    /// Creates a new random secret of [`SECRET_LEN`] bytes under `alias`,
    /// replacing any existing one, and returns it.
    fn create_secret(&self, alias: &str) -> Result<Zeroizing<Vec<u8>>, KeyStoreError>;
    /// The secret under `alias`, or `None` if there is none.
    fn load_secret(&self, alias: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyStoreError>;
    /// Deletes the secret under `alias`; deleting a missing alias is not an error.
    fn delete_secret(&self, alias: &str) -> Result<(), KeyStoreError>;
}

/// A key store in memory, for tests: everything is gone when it is dropped.
#[derive(Default)]
pub struct MemoryKeyStore {
    secrets: Mutex<HashMap<String, Zeroizing<Vec<u8>>>>,
}

impl MemoryKeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

fn poisoned() -> KeyStoreError {
    KeyStoreError::Failed { reason: "lock poisoned".into() }
}

impl KeyStore for MemoryKeyStore {
    fn create_secret(&self, alias: &str) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
        let secret = crate::crypto::random_bytes::<SECRET_LEN>()
            .map_err(|_| KeyStoreError::Failed { reason: "random source failed".into() })?;
        let secret = Zeroizing::new(secret.to_vec());
        self.secrets.lock().map_err(|_| poisoned())?.insert(alias.to_owned(), secret.clone());
        Ok(secret)
    }

    fn load_secret(&self, alias: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyStoreError> {
        Ok(self.secrets.lock().map_err(|_| poisoned())?.get(alias).cloned())
    }

    fn delete_secret(&self, alias: &str) -> Result<(), KeyStoreError> {
        self.secrets.lock().map_err(|_| poisoned())?.remove(alias);
        Ok(())
    }
}
