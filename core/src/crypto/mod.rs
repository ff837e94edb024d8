//! Cryptographic building blocks of the device, all on `ring`.
//!
//! What this protects against: a copied database file (every sensitive field
//! is sealed, and the keys that open it live in the platform key store and,
//! for a worker's vault, also depend on the PIN and on a share only the hub
//! releases after verifying the PIN); rows moved between workers or tables
//! (the associated data of every ciphertext names its table, row, owner and
//! column); a wrong key read as data (AEAD tags and canaries).
//!
//! What it does not protect against: malware running inside the app process
//! while a worker is logged in (keys are in memory then), or a key store that
//! is itself compromised. `ring` keeps its own expanded copies of keys inside
//! its key objects and does not zeroize them; we build those objects only for
//! the duration of one operation to keep that window short.

mod aead;
pub mod hpke;
mod identity;
mod kdf;
mod keys;
pub mod labels;

pub use aead::{Aad, SEALED_OVERHEAD, open, seal, seal_many};
pub use identity::DeviceIdentity;
pub use kdf::{PinSecrets, blind_index, derive_key, derive_lookup, derive_salted, derive_unlock_key, stretch_pin};
pub use keys::{Key32, random_bytes, random_key};

/// Why a cryptographic operation failed. Deliberately coarse: an attacker
/// learns nothing from which check failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// The tag did not verify: wrong key, wrong associated data, or tampered bytes.
    #[error("ciphertext did not authenticate")]
    Unauthentic,
    /// The sealed blob is too short or has an unknown version byte.
    #[error("sealed blob is malformed")]
    Malformed,
    /// The operating system's random source failed.
    #[error("random source failed")]
    Random,
    /// A key or signature could not be built from its bytes.
    #[error("key material is invalid")]
    InvalidKey,
}
