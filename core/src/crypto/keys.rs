//! Key material: one newtype that zeroizes on drop and never prints its bytes.

use ring::rand::{SecureRandom, SystemRandom};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::CryptoError;

/// A 32-byte secret key. Zeroized when dropped; `Debug` shows no bytes; not
/// `Clone`, so every copy is explicit (`duplicate`) and visible in review.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Key32([u8; 32]);

impl Key32 {
    /// Takes ownership of raw key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Copies a key from a slice; `InvalidKey` unless it is exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let array: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::InvalidKey)?;
        Ok(Self(array))
    }

    /// The raw bytes, for the crypto functions of this crate only.
    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// An explicit copy (for handing a key to a second owner, e.g. a session).
    pub fn duplicate(&self) -> Self {
        Self(self.0)
    }
}

impl std::fmt::Debug for Key32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key32(<redacted>)")
    }
}

/// Fills a buffer from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    SystemRandom::new().fill(&mut out).map_err(|_| CryptoError::Random)?;
    Ok(out)
}

/// Generates a fresh random 32-byte key.
pub fn random_key() -> Result<Key32, CryptoError> {
    random_bytes::<32>().map(Key32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_key_bytes() {
        let key = Key32::from_bytes([0xAB; 32]);
        let shown = format!("{key:?}");
        assert!(!shown.to_lowercase().contains("ab"), "{shown}");
        assert!(!shown.contains("171"), "{shown}");
    }

    #[test]
    fn random_keys_differ() {
        let (a, b) = (random_key().unwrap(), random_key().unwrap());
        assert_ne!(a.expose(), b.expose());
    }
}
