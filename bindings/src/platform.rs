//! Platform services as foreign traits: the shells implement them in Kotlin or
//! Swift; desktop and test implementations live here in Rust.

use std::sync::Arc;

use workervoice_core::keystore::{FileKeyStore, KeyStore, KeyStoreError, MemoryKeyStore};
use workervoice_core::{Event, EventListener};
use zeroize::Zeroizing;

/// Why the platform key store failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum PlatformKeyStoreError {
    /// Temporarily unavailable (device locked since boot, user auth needed).
    #[error("unavailable: {reason}")]
    Unavailable {
        /// For logs; never shown to workers.
        reason: String,
    },
    /// Failed.
    #[error("failed: {reason}")]
    Failed {
        /// For logs.
        reason: String,
    },
    /// The platform code threw something unexpected (a Kotlin exception, a Swift error).
    #[error("unexpected: {reason}")]
    Unexpected {
        /// For logs.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformKeyStoreError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Unexpected { reason: error.reason }
    }
}

/// The device's hardware-backed key store (Android Keystore, iOS Keychain).
///
/// It creates random secrets with the platform's CSPRNG, keeps them so they
/// never leave the device (no backup, no sync: Android
/// `setIsStrongBoxBacked`/not exported; iOS
/// `kSecAttrAccessibleWhenUnlockedThisDeviceOnly`), and hands them to the core
/// on request. Secrets only travel towards the core.
#[uniffi::export(with_foreign)]
pub trait PlatformKeyStore: Send + Sync {
    /// Creates a new 32-byte random secret under `alias` (replacing any) and returns it.
    fn create_secret(&self, alias: String) -> Result<Vec<u8>, PlatformKeyStoreError>;
    /// The secret under `alias`, or `None`.
    fn load_secret(&self, alias: String) -> Result<Option<Vec<u8>>, PlatformKeyStoreError>;
    /// Deletes the secret under `alias` (no error if missing).
    fn delete_secret(&self, alias: String) -> Result<(), PlatformKeyStoreError>;
}

fn to_core(error: PlatformKeyStoreError) -> KeyStoreError {
    match error {
        PlatformKeyStoreError::Unavailable { reason } => KeyStoreError::Unavailable { reason },
        PlatformKeyStoreError::Failed { reason } | PlatformKeyStoreError::Unexpected { reason } => {
            KeyStoreError::Failed { reason }
        }
    }
}

fn from_core(error: KeyStoreError) -> PlatformKeyStoreError {
    match error {
        KeyStoreError::Unavailable { reason } => PlatformKeyStoreError::Unavailable { reason },
        KeyStoreError::Failed { reason } => PlatformKeyStoreError::Failed { reason },
    }
}

/// Adapts a platform key store to the core's trait.
pub(crate) struct ForeignKeyStore(pub Arc<dyn PlatformKeyStore>);

impl KeyStore for ForeignKeyStore {
    fn create_secret(&self, alias: &str) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
        self.0.create_secret(alias.to_owned()).map(Zeroizing::new).map_err(to_core)
    }

    fn load_secret(&self, alias: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyStoreError> {
        self.0.load_secret(alias.to_owned()).map(|secret| secret.map(Zeroizing::new)).map_err(to_core)
    }

    fn delete_secret(&self, alias: &str) -> Result<(), KeyStoreError> {
        self.0.delete_secret(alias.to_owned()).map_err(to_core)
    }
}

/// A Rust key store exposed as a [`PlatformKeyStore`] (desktop, tests).
struct RustKeyStore<K: KeyStore>(K);

impl<K: KeyStore> PlatformKeyStore for RustKeyStore<K> {
    fn create_secret(&self, alias: String) -> Result<Vec<u8>, PlatformKeyStoreError> {
        self.0.create_secret(&alias).map(|secret| secret.to_vec()).map_err(from_core)
    }

    fn load_secret(&self, alias: String) -> Result<Option<Vec<u8>>, PlatformKeyStoreError> {
        self.0.load_secret(&alias).map(|secret| secret.map(|s| s.to_vec())).map_err(from_core)
    }

    fn delete_secret(&self, alias: String) -> Result<(), PlatformKeyStoreError> {
        self.0.delete_secret(&alias).map_err(from_core)
    }
}

/// A key store in files under `dir` (desktop and the CLI; not hardware-backed).
#[uniffi::export]
pub fn new_file_key_store(dir: String) -> Result<Arc<dyn PlatformKeyStore>, PlatformKeyStoreError> {
    Ok(Arc::new(RustKeyStore(FileKeyStore::open(dir).map_err(from_core)?)))
}

/// A key store in memory (tests).
#[uniffi::export]
pub fn new_memory_key_store() -> Arc<dyn PlatformKeyStore> {
    Arc::new(RustKeyStore(MemoryKeyStore::new()))
}

/// The platform's view of the network (Android `ConnectivityManager`, iOS
/// `NWPathMonitor`). Answer from a cached state; do not block.
#[uniffi::export(with_foreign)]
pub trait ConnectivityMonitor: Send + Sync {
    /// Whether some network is available now.
    fn is_online(&self) -> bool;
    /// Whether the network is metered (mobile data the worker pays for).
    fn is_metered(&self) -> bool;
}

pub(crate) struct ForeignConnectivity(pub Arc<dyn ConnectivityMonitor>);

impl workervoice_core::Connectivity for ForeignConnectivity {
    fn is_online(&self) -> bool {
        self.0.is_online()
    }

    fn is_metered(&self) -> bool {
        self.0.is_metered()
    }
}

struct RustAlwaysOnline;

impl ConnectivityMonitor for RustAlwaysOnline {
    fn is_online(&self) -> bool {
        true
    }

    fn is_metered(&self) -> bool {
        false
    }
}

/// Desktop and tests: a monitor that always says online and unmetered.
#[uniffi::export]
pub fn new_always_online() -> Arc<dyn ConnectivityMonitor> {
    Arc::new(RustAlwaysOnline)
}

/// The platform's clock (milliseconds since the Unix epoch). Tests pass a
/// manual one to make the kiosk idle timeout happen without waiting.
#[uniffi::export(with_foreign)]
pub trait ClockSource: Send + Sync {
    /// Now, in milliseconds since the Unix epoch.
    fn now_millis(&self) -> i64;
}

pub(crate) struct ForeignClock(pub Arc<dyn ClockSource>);

impl workervoice_core::Clock for ForeignClock {
    fn now_millis(&self) -> i64 {
        self.0.now_millis()
    }
}

/// Receives core events (session started/ended, enrolment, later sync progress).
#[uniffi::export(with_foreign)]
pub trait WorkerVoiceListener: Send + Sync {
    /// One event. Called on a core thread: hand it to the UI thread and return.
    fn on_event(&self, event: Event);
}

pub(crate) struct ForeignListener(pub Arc<dyn WorkerVoiceListener>);

impl EventListener for ForeignListener {
    fn on_event(&self, event: Event) {
        self.0.on_event(event);
    }
}
