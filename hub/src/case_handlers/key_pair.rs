//! Handlers' X25519 key pairs: generating them, keeping the private key
//! wrapped under the handler's password, and opening content keys with it.
//!
//! The private key is stored only sealed (ChaCha20-Poly1305, the envelope
//! format of [`workervoice_protocol::envelope`]) under a key derived from the
//! password with PBKDF2-HMAC-SHA256 (random 16-byte salt, 600,000 iterations
//! or more, both stored) and then keyed with the hub secret (a pepper), with
//! the handler id as associated data so a wrapped key cannot be moved to
//! another account.
//!
//! Protects against: a copy of `hub.db`, alone or with the hub secret,
//! opening any report without a handler's password (with the hub secret,
//! passwords can be guessed offline at PBKDF2's cost — hence the 12-character
//! minimum). Does not protect against whoever controls the running hub: a
//! handler's password and unwrapped key pass through its memory at login,
//! and the unwrapped key stays there for the session.
//!
//! Content keys are opened with HPKE (RFC 9180 base mode,
//! DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305) through the
//! `hpke` crate, since ring cannot load a stored X25519 private key.

use std::num::NonZeroU32;

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, Serializable};
use ring::pbkdf2;
use workervoice_protocol::envelope;
use zeroize::{Zeroize, Zeroizing};

use crate::error::ApiError;
use crate::keys::HubKeys;

/// PBKDF2 iterations for new handler passwords.
pub(crate) const PASSWORD_ITERATIONS: u32 = 600_000;
/// Salt length.
pub(crate) const SALT_LEN: usize = 16;
/// Shortest password accepted, in characters.
pub(crate) const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted, in bytes.
pub(crate) const MAX_PASSWORD_BYTES: usize = 1024;

const KEY_LEN: usize = 32;

/// A handler's X25519 private key, unwrapped. Zeroized on drop; no `Debug`.
pub(crate) struct HandlerPrivateKey(Zeroizing<[u8; KEY_LEN]>);

/// A new key pair from 32 bytes of the system RNG.
pub(crate) fn generate_key_pair(keys: &HubKeys) -> Result<(HandlerPrivateKey, Vec<u8>), ApiError> {
    let ikm = Zeroizing::new(keys.random::<KEY_LEN>()?);
    let (private, public) = X25519HkdfSha256::derive_keypair(ikm.as_slice());
    Ok((HandlerPrivateKey::from_hpke(&private), public.to_bytes().to_vec()))
}

impl HandlerPrivateKey {
    fn from_hpke(private: &<X25519HkdfSha256 as Kem>::PrivateKey) -> Self {
        let mut bytes = private.to_bytes();
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        key.copy_from_slice(bytes.as_slice());
        bytes.as_mut_slice().zeroize();
        Self(key)
    }
}

/// PBKDF2 of the password, then keyed with the hub secret for this handler.
fn derive_wrap_key(
    keys: &HubKeys,
    handler_id: &str,
    password: &str,
    salt: &[u8],
    iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, ApiError> {
    let iterations = NonZeroU32::new(iterations).ok_or_else(|| ApiError::internal("zero PBKDF2 iterations"))?;
    let mut stretched = Zeroizing::new([0u8; KEY_LEN]);
    pbkdf2::derive(pbkdf2::PBKDF2_HMAC_SHA256, iterations, salt, password.as_bytes(), stretched.as_mut_slice());
    Ok(keys.derive_handler_wrap_key(handler_id, stretched.as_slice()))
}

fn wrap_aad(handler_id: &str) -> Vec<u8> {
    format!("workervoice/hub/handler-private-key/v1\n{handler_id}").into_bytes()
}

/// Seals a private key under the password (slow: PBKDF2).
pub(crate) fn wrap_private_key(
    keys: &HubKeys,
    handler_id: &str,
    password: &str,
    salt: &[u8],
    iterations: u32,
    private: &HandlerPrivateKey,
) -> Result<Vec<u8>, ApiError> {
    let wrap_key = derive_wrap_key(keys, handler_id, password, salt, iterations)?;
    envelope::seal(&wrap_key, &wrap_aad(handler_id), private.0.as_slice())
        .map_err(|_| ApiError::internal("sealing a handler key failed"))
}

/// Opens a wrapped private key with the password (slow: PBKDF2). `Ok(None)`
/// for a wrong password.
pub(crate) fn unwrap_private_key(
    keys: &HubKeys,
    handler_id: &str,
    password: &str,
    salt: &[u8],
    iterations: u32,
    wrapped: &[u8],
) -> Result<Option<HandlerPrivateKey>, ApiError> {
    let wrap_key = derive_wrap_key(keys, handler_id, password, salt, iterations)?;
    let Ok(opened) = envelope::open(&wrap_key, &wrap_aad(handler_id), wrapped) else {
        return Ok(None);
    };
    let opened = Zeroizing::new(opened);
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    if opened.len() != KEY_LEN {
        return Err(ApiError::internal("a wrapped handler key has the wrong length"));
    }
    key.copy_from_slice(&opened);
    Ok(Some(HandlerPrivateKey(key)))
}

/// Opens a case's content key wrapped to this handler (`info` names the
/// submission's client id, the associated data is the case id).
pub(crate) fn open_content_key(
    private: &HandlerPrivateKey,
    client_id: &str,
    case_id: &str,
    enc: &[u8],
    wrapped_key: &[u8],
) -> Result<Zeroizing<Vec<u8>>, ApiError> {
    open_wrapped_key(private, &envelope::hpke_info(client_id), case_id.as_bytes(), enc, wrapped_key)
}

/// Opens a content key wrapped to this key pair with HPKE under `info` and
/// associated data `aad` (a case's, or a survey response's).
pub(crate) fn open_wrapped_key(
    private: &HandlerPrivateKey,
    info: &[u8],
    aad: &[u8],
    enc: &[u8],
    wrapped_key: &[u8],
) -> Result<Zeroizing<Vec<u8>>, ApiError> {
    let failed = |_| ApiError::internal("a wrapped content key did not open for its handler");
    let private = <X25519HkdfSha256 as Kem>::PrivateKey::from_bytes(private.0.as_slice()).map_err(failed)?;
    let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(enc).map_err(failed)?;
    let key = hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        &private,
        &enc,
        info,
        wrapped_key,
        aad,
    )
    .map_err(failed)?;
    Ok(Zeroizing::new(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hub_keys() -> HubKeys {
        let dir = tempfile::tempdir().unwrap();
        HubKeys::load_or_create(dir.path()).unwrap()
    }

    #[test]
    fn a_wrapped_key_opens_only_with_its_password_and_handler() {
        let keys = hub_keys();
        let (private, _) = generate_key_pair(&keys).unwrap();
        let salt = [5u8; SALT_LEN];
        // Few iterations: this tests the wrapping, not PBKDF2.
        let wrapped = wrap_private_key(&keys, "h1", "correct horse battery", &salt, 1000, &private).unwrap();
        let opened = unwrap_private_key(&keys, "h1", "correct horse battery", &salt, 1000, &wrapped).unwrap().unwrap();
        assert_eq!(opened.0.as_slice(), private.0.as_slice());
        assert!(unwrap_private_key(&keys, "h1", "wrong horse battery", &salt, 1000, &wrapped).unwrap().is_none());
        assert!(unwrap_private_key(&keys, "h2", "correct horse battery", &salt, 1000, &wrapped).unwrap().is_none());
        assert!(!wrapped.windows(KEY_LEN).any(|window| window == private.0.as_slice()));
    }

    #[test]
    fn a_content_key_sealed_to_the_public_key_opens_with_the_private_key() {
        use hpke::rand_core::{TryCryptoRng, TryRng};

        struct TestRng;
        impl TryRng for TestRng {
            type Error = std::convert::Infallible;
            fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
                Ok(7)
            }
            fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
                Ok(7)
            }
            fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
                dst.fill(7);
                Ok(())
            }
        }
        impl TryCryptoRng for TestRng {}

        let keys = hub_keys();
        let (private, public) = generate_key_pair(&keys).unwrap();
        let public = <X25519HkdfSha256 as Kem>::PublicKey::from_bytes(&public).unwrap();
        let (enc, wrapped) = hpke::single_shot_seal_with_rng::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
            &hpke::OpModeS::Base,
            &public,
            &envelope::hpke_info("client"),
            &[3u8; 32],
            b"CASE1-CASE2",
            &mut TestRng,
        )
        .unwrap();
        let enc = enc.to_bytes().to_vec();
        let opened = open_content_key(&private, "client", "CASE1-CASE2", &enc, &wrapped).unwrap();
        assert_eq!(opened.as_slice(), &[3u8; 32]);
        assert!(open_content_key(&private, "other", "CASE1-CASE2", &enc, &wrapped).is_err());
        assert!(open_content_key(&private, "client", "CASE1-CASE3", &enc, &wrapped).is_err());
    }
}
