//! Key derivation: PIN stretching (PBKDF2-HMAC-SHA256), the unlock key, and
//! labelled HKDF sub-keys.
//!
//! The unlock key of a worker's vault needs three inputs, so that no single
//! party or file can test a PIN:
//! - the PIN, stretched with PBKDF2 at ≥ 600,000 iterations (parameters stored
//!   with the wrapped vault key),
//! - a pepper derived from a secret held in the device's platform key store,
//! - a share the hub releases only after it verified a proof of the PIN (and
//!   counted the attempt).
//!
//! From the stretched PIN two independent values are expanded: the *proof*
//! (sent to the hub) and the *PIN secret* (never leaves the device). Knowing
//! the proof, the hub cannot compute the PIN secret.

use std::num::NonZeroU32;

use ring::{hkdf, hmac, pbkdf2};
use zeroize::Zeroizing;

use super::keys::Key32;
use super::labels;

/// What a stretched PIN yields.
pub struct PinSecrets {
    /// Sent to the hub to prove knowledge of the PIN.
    pub proof: Zeroizing<Vec<u8>>,
    /// Input to the unlock key; never leaves the device.
    pub pin_secret: Key32,
}

/// Stretches a PIN with PBKDF2-HMAC-SHA256 and expands proof and PIN secret.
/// Deliberately slow (hundreds of milliseconds); call it off the UI thread.
pub fn stretch_pin(pin: &str, salt: &[u8], iterations: NonZeroU32) -> PinSecrets {
    let mut stretched = Zeroizing::new([0u8; 32]);
    pbkdf2::derive(pbkdf2::PBKDF2_HMAC_SHA256, iterations, salt, pin.as_bytes(), &mut *stretched);
    let proof = derive_key(&Key32::from_bytes(*stretched), labels::PIN_PROOF);
    let pin_secret = derive_key(&Key32::from_bytes(*stretched), labels::PIN_UNLOCK);
    PinSecrets { proof: Zeroizing::new(proof.expose().to_vec()), pin_secret }
}

/// A labelled 32-byte sub-key of `input` (HKDF-SHA256, empty salt).
pub fn derive_key(input: &Key32, label: &[u8]) -> Key32 {
    hkdf_expand(&[input.expose()], &[], label)
}

/// A 32-byte key from arbitrary input material and a salt (HKDF-SHA256
/// extract then expand with an empty label); callers derive labelled sub-keys
/// from it with [`derive_key`].
pub fn derive_salted(input: &[u8], salt: &[u8]) -> Key32 {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(input);
    let mut out = [0u8; 32];
    if let Ok(okm) = prk.expand(&[b"workervoice/salted/v1"], Len32) {
        let _ = okm.fill(&mut out);
    }
    Key32::from_bytes(out)
}

/// The unlock key of a worker's vault on this device: HKDF over the PIN secret,
/// the pepper and the hub share, salted with the worker's local id.
pub fn derive_unlock_key(pin_secret: &Key32, pepper: &Key32, hub_share: &Key32, local_id: &str) -> Key32 {
    hkdf_expand(&[pin_secret.expose(), pepper.expose(), hub_share.expose()], local_id.as_bytes(), labels::UNLOCK_KEY)
}

/// A keyed blind index (HMAC-SHA256 under a labelled sub-key) so a record can
/// be found by a value without storing the value.
pub fn blind_index(key: &Key32, label: &[u8], value: &[u8]) -> Vec<u8> {
    let sub = derive_key(key, label);
    let mac_key = hmac::Key::new(hmac::HMAC_SHA256, sub.expose());
    hmac::sign(&mac_key, value).as_ref().to_vec()
}

/// The blind index of a worker number (see [`blind_index`]).
pub fn derive_lookup(key: &Key32, value: &[u8]) -> Vec<u8> {
    blind_index(key, labels::WORKER_LOOKUP, value)
}

struct Len32;

impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

fn hkdf_expand(ikm_parts: &[&[u8; 32]], salt: &[u8], label: &[u8]) -> Key32 {
    let mut ikm = Zeroizing::new(Vec::with_capacity(32 * ikm_parts.len()));
    for part in ikm_parts {
        ikm.extend_from_slice(&part[..]);
    }
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(&ikm);
    let info = [label];
    let mut out = [0u8; 32];
    // `expand` and `fill` fail only when the requested length exceeds 255 × 32
    // bytes; 32 is a constant well inside that, so this cannot fail.
    if let Ok(okm) = prk.expand(&info, Len32) {
        let _ = okm.fill(&mut out);
    }
    Key32::from_bytes(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: NonZeroU32 = NonZeroU32::MIN; // unit tests only; production floor is enforced elsewhere

    #[test]
    fn proof_and_pin_secret_are_independent_and_deterministic() {
        let a = stretch_pin("482913", b"0123456789abcdef", FAST);
        let b = stretch_pin("482913", b"0123456789abcdef", FAST);
        assert_eq!(*a.proof, *b.proof);
        assert_eq!(a.pin_secret.expose(), b.pin_secret.expose());
        assert_ne!(&a.proof[..], &a.pin_secret.expose()[..]);
        let other = stretch_pin("482914", b"0123456789abcdef", FAST);
        assert_ne!(*a.proof, *other.proof);
    }

    #[test]
    fn unlock_key_depends_on_every_input() {
        let k = |b: u8| Key32::from_bytes([b; 32]);
        let base = derive_unlock_key(&k(1), &k(2), &k(3), "w");
        for other in [
            derive_unlock_key(&k(9), &k(2), &k(3), "w"),
            derive_unlock_key(&k(1), &k(9), &k(3), "w"),
            derive_unlock_key(&k(1), &k(2), &k(9), "w"),
            derive_unlock_key(&k(1), &k(2), &k(3), "v"),
        ] {
            assert_ne!(base.expose(), other.expose());
        }
    }

    #[test]
    fn pbkdf2_matches_rfc_7914_test_vector() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256("passwd", "salt", c=1, dkLen=64), first 32 bytes.
        let mut out = [0u8; 32];
        pbkdf2::derive(pbkdf2::PBKDF2_HMAC_SHA256, FAST, b"salt", b"passwd", &mut out);
        assert_eq!(hex::encode(out), "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    }
}
