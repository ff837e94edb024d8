//! The device identity: an Ed25519 key pair that signs every request to the
//! hub after enrolment. Its PKCS#8 document is stored sealed under the device
//! storage key; it is parsed only for the moment of signing.

use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use zeroize::Zeroizing;

use super::CryptoError;

/// A device identity loaded for signing.
pub struct DeviceIdentity {
    pkcs8: Zeroizing<Vec<u8>>,
}

impl DeviceIdentity {
    /// Generates a new identity.
    pub fn generate() -> Result<Self, CryptoError> {
        let document = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| CryptoError::Random)?;
        Ok(Self { pkcs8: Zeroizing::new(document.as_ref().to_vec()) })
    }

    /// Loads an identity from its PKCS#8 document.
    pub fn from_pkcs8(pkcs8: Zeroizing<Vec<u8>>) -> Result<Self, CryptoError> {
        Ed25519KeyPair::from_pkcs8(&pkcs8).map_err(|_| CryptoError::InvalidKey)?;
        Ok(Self { pkcs8 })
    }

    /// The PKCS#8 document, for sealing into storage.
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The raw 32-byte public key.
    pub fn public_key(&self) -> Result<Vec<u8>, CryptoError> {
        Ok(self.key_pair()?.public_key().as_ref().to_vec())
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(self.key_pair()?.sign(message).as_ref().to_vec())
    }

    fn key_pair(&self) -> Result<Ed25519KeyPair, CryptoError> {
        Ed25519KeyPair::from_pkcs8(&self.pkcs8).map_err(|_| CryptoError::InvalidKey)
    }
}

impl std::fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceIdentity(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{ED25519, UnparsedPublicKey};

    #[test]
    fn signatures_verify_with_the_public_key_after_a_storage_round_trip() {
        let identity = DeviceIdentity::generate().unwrap();
        let reloaded = DeviceIdentity::from_pkcs8(Zeroizing::new(identity.pkcs8().to_vec())).unwrap();
        let signature = reloaded.sign(b"hello").unwrap();
        let public = UnparsedPublicKey::new(&ED25519, identity.public_key().unwrap());
        assert!(public.verify(b"hello", &signature).is_ok());
        assert!(public.verify(b"hellO", &signature).is_err());
    }
}
