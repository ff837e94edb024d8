//! HPKE (RFC 9180) base mode, single shot, for the one suite
//! DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305
//! (kem_id 0x0020, kdf_id 0x0001, aead_id 0x0003), built from `ring`'s
//! primitives: ephemeral X25519 agreement, HMAC-SHA256 for HKDF-Extract,
//! HKDF-SHA256 for Expand, and ChaCha20-Poly1305.
//!
//! Devices use it to seal a one-time content key to each case handler's X25519
//! public key. Opening needs the recipient's static private key, which `ring`
//! cannot load, so the hub and handlers open with an independent
//! implementation (the `hpke` crate); the tests check this module against the
//! RFC's published vector (Appendix A.2.1) and against that crate.
//!
//! The device opens too, in one place: a kiosk seals the drafts of a worker
//! signed in offline to that worker's own draft key ([`open_base`], with the
//! X25519 of `curve25519-dalek`), and opens them at the worker's next online
//! sign-in.
//!
//! What this protects against: anyone but the holder of the recipient's
//! private key reading the plaintext (including the hub that routes it and the
//! device that sealed it: the ephemeral private key is consumed by `ring` in the
//! agreement, and the DH output, the KEM shared secret, the key-schedule
//! secrets and the AEAD key are zeroized here once the seal is done); a
//! ciphertext altered in transit, or presented with another `info`, `aad` or
//! encapsulated key (the tag does not verify); a low-order recipient key that
//! would make the shared secret predictable (refused: RFC 9180 §7.1.4).
//!
//! What it does not protect against: base mode does not authenticate the
//! sender, so anyone who has the recipient's public key can seal to it (bind
//! the sender elsewhere, e.g. by the device's signature over the submission);
//! a substituted recipient key (the caller must take keys only from the signed
//! directory); compromise of the recipient's private key, which opens every
//! message ever sealed to it (no forward secrecy for the recipient); replay of
//! a sealed message, or its length. `ring` keeps its own copies of the ephemeral
//! key and the AEAD key inside its key objects and does not zeroize them; they
//! live only for the duration of one call. Only sequence number 0 of the
//! context is used (one message per encapsulation), and neither the exporter
//! nor the PSK and auth modes are implemented.

use curve25519_dalek::constants::X25519_BASEPOINT;
use curve25519_dalek::montgomery::MontgomeryPoint;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey, X25519};
use ring::hkdf::{HKDF_SHA256, KeyType, Prk};
use ring::hmac::{self, HMAC_SHA256};
use ring::rand::SystemRandom;
use zeroize::Zeroizing;

use super::CryptoError;
use super::keys::Key32;

/// Length of an X25519 public key, of the encapsulated key and of the DH output (Npk, Nenc, Ndh).
const X25519_LEN: usize = 32;
/// Nsecret of DHKEM(X25519, HKDF-SHA256), Nh of HKDF-SHA256 and Nk of ChaCha20-Poly1305: all 32.
const SECRET_LEN: usize = 32;
/// Length of the Poly1305 tag (Nt).
const TAG_LEN: usize = 16;

const KEM_ID: u16 = 0x0020;
const KDF_ID: u16 = 0x0001;
const AEAD_ID: u16 = 0x0003;
/// RFC 9180 §5: mode_base.
const MODE_BASE: u8 = 0x00;

/// RFC 9180 §4.1: suite_id of the KEM, `"KEM" || I2OSP(kem_id, 2)`.
const KEM_SUITE_ID: [u8; 5] = {
    let k = KEM_ID.to_be_bytes();
    [b'K', b'E', b'M', k[0], k[1]]
};
/// RFC 9180 §5.1: suite_id of the key schedule,
/// `"HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)`.
const HPKE_SUITE_ID: [u8; 10] = {
    let (k, f, a) = (KEM_ID.to_be_bytes(), KDF_ID.to_be_bytes(), AEAD_ID.to_be_bytes());
    [b'H', b'P', b'K', b'E', k[0], k[1], f[0], f[1], a[0], a[1]]
};

// The labels are fixed by RFC 9180 (§4, §4.1, §5.1), not chosen by us, so they
// stay here beside the code they must match rather than in `labels`: every one
// of them is prefixed by "HPKE-v1" and a suite_id, so none can collide with a
// `workervoice/...` label.
const VERSION_LABEL: &[u8] = b"HPKE-v1";
const LABEL_EAE_PRK: &[u8] = b"eae_prk";
const LABEL_SHARED_SECRET: &[u8] = b"shared_secret";
const LABEL_PSK_ID_HASH: &[u8] = b"psk_id_hash";
const LABEL_INFO_HASH: &[u8] = b"info_hash";
const LABEL_SECRET: &[u8] = b"secret";
const LABEL_KEY: &[u8] = b"key";
const LABEL_BASE_NONCE: &[u8] = b"base_nonce";

/// What [`seal_base`] produces: the encapsulated key (the ephemeral X25519
/// public key, `enc` in RFC 9180) and the AEAD ciphertext with its 16-byte tag
/// appended. Both are public values; the recipient needs both to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// Encapsulated key, 32 bytes.
    pub enc: [u8; 32],
    /// Ciphertext: as long as the plaintext, plus 16 bytes of tag.
    pub ciphertext: Vec<u8>,
}

/// HPKE base-mode single-shot seal (RFC 9180 §6.1, `SealBase`) of `plaintext`
/// to `recipient_public` (a 32-byte X25519 public key), bound to `info` (the
/// context of the key schedule) and `aad` (associated data of the AEAD).
///
/// Errors: `InvalidKey` if the key is not 32 bytes or is a low-order point
/// (the DH output would be all zero); `Random` if the system's random source
/// fails.
pub fn seal_base(recipient_public: &[u8], info: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Sealed, CryptoError> {
    let pk_r: &[u8; X25519_LEN] = recipient_public.try_into().map_err(|_| CryptoError::InvalidKey)?;

    // Encap (RFC 9180 §4.1), DH step: a fresh ephemeral key for every seal.
    let sk_e = EphemeralPrivateKey::generate(&X25519, &SystemRandom::new()).map_err(|_| CryptoError::Random)?;
    let enc: [u8; X25519_LEN] = sk_e
        .compute_public_key()
        .map_err(|_| CryptoError::InvalidKey)
        .and_then(|pk_e| pk_e.as_ref().try_into().map_err(|_| CryptoError::InvalidKey))?;
    // `ring` itself refuses an all-zero output (a low-order peer key) with an
    // error; `encap_with` checks again so the rule does not rest on that.
    let dh = agreement::agree_ephemeral(sk_e, &UnparsedPublicKey::new(&X25519, pk_r), |dh| {
        <[u8; X25519_LEN]>::try_from(dh).map(Zeroizing::new).map_err(|_| CryptoError::InvalidKey)
    })
    .map_err(|_| CryptoError::InvalidKey)??;

    seal_with_dh(&dh, enc, pk_r, info, aad, plaintext)
}

/// Everything in [`seal_base`] after the DH step, given its output and the
/// ephemeral public key: the rest of Encap, the key schedule and the seal.
/// Separate so that the RFC's test vector, whose ephemeral key `ring` cannot
/// import, runs through the same code as production.
fn seal_with_dh(
    dh: &[u8; X25519_LEN],
    enc: [u8; X25519_LEN],
    pk_r: &[u8; X25519_LEN],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Sealed, CryptoError> {
    let shared_secret = encap_with(dh, &enc, pk_r)?;
    let context = key_schedule(&shared_secret, info)?;
    let ciphertext = context.seal_first(aad, plaintext)?;
    Ok(Sealed { enc, ciphertext })
}

/// The X25519 public key of a static secret (RFC 7748 clamping).
pub fn public_key_of(secret: &Key32) -> [u8; X25519_LEN] {
    X25519_BASEPOINT.mul_clamped(*secret.expose()).to_bytes()
}

/// HPKE base-mode single-shot open (RFC 9180 §6.1, `OpenBase`) of what
/// [`seal_base`] sealed to the public key of `recipient_secret`, with the same
/// `info` and `aad`. Errors: `InvalidKey` for an encapsulated key of the wrong
/// length or of low order; `Unauthentic` when anything does not match.
pub fn open_base(
    recipient_secret: &Key32,
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let enc: [u8; X25519_LEN] = enc.try_into().map_err(|_| CryptoError::InvalidKey)?;
    let pk_r = public_key_of(recipient_secret);
    // Decap (RFC 9180 §4.1): the same ExtractAndExpand as Encap, from DH(skR, pkE).
    let dh = Zeroizing::new(MontgomeryPoint(enc).mul_clamped(*recipient_secret.expose()).to_bytes());
    let shared_secret = encap_with(&dh, &enc, &pk_r)?;
    key_schedule(&shared_secret, info)?.open_first(aad, ciphertext)
}

/// The rest of DHKEM's Encap (RFC 9180 §4.1) once the DH output is known:
/// `ExtractAndExpand(dh, kem_context = enc || pkRm)`. Refuses an all-zero DH
/// output (§7.1.4).
fn encap_with(dh: &[u8; X25519_LEN], enc: &[u8; X25519_LEN], pk_r: &[u8; X25519_LEN]) -> Result<Key32, CryptoError> {
    // No early exit at the first non-zero byte: OR all of them, compare once.
    if dh.iter().fold(0u8, |acc, byte| acc | byte) == 0 {
        return Err(CryptoError::InvalidKey);
    }
    let eae_prk = labeled_extract(&KEM_SUITE_ID, &[], LABEL_EAE_PRK, &[dh])?;
    let mut shared_secret = Zeroizing::new([0u8; SECRET_LEN]);
    labeled_expand(&KEM_SUITE_ID, &eae_prk, LABEL_SHARED_SECRET, &[enc, pk_r], &mut shared_secret[..])?;
    Ok(Key32::from_bytes(*shared_secret))
}

/// The AEAD key and base nonce of an HPKE context (either side).
struct SenderContext {
    key: Key32,
    base_nonce: Zeroizing<[u8; NONCE_LEN]>,
}

impl SenderContext {
    /// `ContextS.Seal` at sequence number 0 (RFC 9180 §5.2): the nonce is
    /// `base_nonce XOR I2OSP(0, Nn)`, i.e. the base nonce itself. Consumes the
    /// context, so no second message can reuse the nonce.
    fn seal_first(self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let key = UnboundKey::new(&CHACHA20_POLY1305, self.key.expose())
            .map(LessSafeKey::new)
            .map_err(|_| CryptoError::InvalidKey)?;
        // Room for the tag up front, so appending it cannot reallocate and
        // leave a copy of the plaintext in freed memory; wiped if sealing fails.
        let mut buffer = Zeroizing::new(Vec::with_capacity(plaintext.len().saturating_add(TAG_LEN)));
        buffer.extend_from_slice(plaintext);
        key.seal_in_place_append_tag(Nonce::assume_unique_for_key(*self.base_nonce), Aad::from(aad), &mut *buffer)
            .map_err(|_| CryptoError::InvalidKey)?;
        Ok(std::mem::take(&mut *buffer))
    }

    /// `ContextR.Open` at sequence number 0: the counterpart of [`Self::seal_first`].
    fn open_first(self, aad: &[u8], ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let key = UnboundKey::new(&CHACHA20_POLY1305, self.key.expose())
            .map(LessSafeKey::new)
            .map_err(|_| CryptoError::InvalidKey)?;
        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        let length = key
            .open_in_place(Nonce::assume_unique_for_key(*self.base_nonce), Aad::from(aad), &mut buffer[..])
            .map_err(|_| CryptoError::Unauthentic)?
            .len();
        buffer.truncate(length);
        Ok(buffer)
    }
}

/// `KeySchedule<ROLE>(mode_base, shared_secret, info, psk = "", psk_id = "")`
/// of RFC 9180 §5.1, without the exporter secret (no export API here).
fn key_schedule(shared_secret: &Key32, info: &[u8]) -> Result<SenderContext, CryptoError> {
    // Neither hash is secret: they are digests of the (empty) psk_id and the public info.
    let psk_id_hash = labeled_extract(&HPKE_SUITE_ID, &[], LABEL_PSK_ID_HASH, &[])?;
    let info_hash = labeled_extract(&HPKE_SUITE_ID, &[], LABEL_INFO_HASH, &[info])?;
    let context: [&[u8]; 3] = [&[MODE_BASE], &psk_id_hash[..], &info_hash[..]];

    // psk = "" in base mode.
    let secret = labeled_extract(&HPKE_SUITE_ID, shared_secret.expose(), LABEL_SECRET, &[])?;

    let mut key = Zeroizing::new([0u8; SECRET_LEN]);
    labeled_expand(&HPKE_SUITE_ID, &secret, LABEL_KEY, &context, &mut key[..])?;

    let mut base_nonce = Zeroizing::new([0u8; NONCE_LEN]);
    labeled_expand(&HPKE_SUITE_ID, &secret, LABEL_BASE_NONCE, &context, &mut base_nonce[..])?;

    Ok(SenderContext { key: Key32::from_bytes(*key), base_nonce })
}

/// RFC 9180 §4: `LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" ||
/// suite_id || label || ikm)`, with HKDF-Extract computed as
/// HMAC-SHA256(salt, labeled_ikm) (RFC 5869 §2.2). `ring::hkdf::Prk` does not
/// give its bytes out, and the key schedule needs some extract outputs as
/// bytes, hence HMAC directly. An empty salt is an empty HMAC key, which HMAC
/// pads with zeros exactly like RFC 5869's default salt of HashLen zeros.
/// `ikm` is given in parts, fed in order, so no secret is concatenated into a
/// temporary buffer.
fn labeled_extract(
    suite_id: &[u8],
    salt: &[u8],
    label: &[u8],
    ikm: &[&[u8]],
) -> Result<Zeroizing<[u8; SECRET_LEN]>, CryptoError> {
    let mut mac = hmac::Context::with_key(&hmac::Key::new(HMAC_SHA256, salt));
    mac.update(VERSION_LABEL);
    mac.update(suite_id);
    mac.update(label);
    for part in ikm {
        mac.update(part);
    }
    let tag = mac.sign();
    <[u8; SECRET_LEN]>::try_from(tag.as_ref()).map(Zeroizing::new).map_err(|_| CryptoError::InvalidKey)
}

/// RFC 9180 §4: `LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2)
/// || "HPKE-v1" || suite_id || label || info, L)`, with `L = out.len()`.
/// `info` is given in parts (ring's HKDF-Expand takes its info that way).
fn labeled_expand(
    suite_id: &[u8],
    prk: &[u8; SECRET_LEN],
    label: &[u8],
    info: &[&[u8]],
    out: &mut [u8],
) -> Result<(), CryptoError> {
    let length = u16::try_from(out.len()).map_err(|_| CryptoError::InvalidKey)?.to_be_bytes();
    let mut labeled_info: Vec<&[u8]> = Vec::with_capacity(4 + info.len());
    labeled_info.extend_from_slice(&[&length[..], VERSION_LABEL, suite_id, label]);
    labeled_info.extend_from_slice(info);
    // Fails only when L > 255 × HashLen; the lengths used here are 12 and 32.
    Prk::new_less_safe(HKDF_SHA256, prk)
        .expand(&labeled_info, OutputLen(out.len()))
        .and_then(|okm| okm.fill(out))
        .map_err(|_| CryptoError::InvalidKey)
}

/// An HKDF output length for `ring`.
struct OutputLen(usize);

impl KeyType for OutputLen {
    fn len(&self) -> usize {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::random_bytes;
    use hpke::aead::ChaCha20Poly1305;
    use hpke::kdf::HkdfSha256;
    use hpke::kem::X25519HkdfSha256;
    use hpke::{Deserializable, Kem, OpModeR, Serializable};

    fn unhex<const N: usize>(hex_str: &str) -> [u8; N] {
        hex::decode(hex_str).unwrap().try_into().unwrap()
    }

    /// RFC 9180 Appendix A.2.1, "DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
    /// ChaCha20Poly1305", §A.2.1.1 Base Setup Information and its first
    /// encryption (sequence number 0).
    mod rfc_9180_a_2_1 {
        pub const INFO: &str = "4f6465206f6e2061204772656369616e2055726e";
        pub const SK_EM: &str = "f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600";
        pub const PK_EM: &str = "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a";
        pub const PK_RM: &str = "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a";
        pub const ENC: &str = "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a";
        pub const SHARED_SECRET: &str = "0bbe78490412b4bbea4812666f7916932b828bba79942424abb65244930d69a7";
        pub const KEY: &str = "ad2744de8e17f4ebba575b3f5f5a8fa1f69c2a07f6e7500bc60ca6e3e3ec1c91";
        pub const BASE_NONCE: &str = "5c4d98150661b848853b547f";
        pub const PT: &str = "4265617574792069732074727574682c20747275746820626561757479";
        pub const AAD_0: &str = "436f756e742d30";
        pub const CT_0: &str =
            "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28";
    }

    #[test]
    fn rfc_9180_a_2_1_base_vector_is_reproduced_byte_for_byte() {
        use rfc_9180_a_2_1::*;
        let sk_e = x25519_dalek::StaticSecret::from(unhex::<32>(SK_EM));
        let pk_e = x25519_dalek::PublicKey::from(&sk_e).to_bytes();
        assert_eq!(hex::encode(pk_e), PK_EM);
        let pk_r = unhex::<32>(PK_RM);
        let dh = sk_e.diffie_hellman(&x25519_dalek::PublicKey::from(pk_r)).to_bytes();
        let info = hex::decode(INFO).unwrap();

        let shared_secret = encap_with(&dh, &pk_e, &pk_r).unwrap();
        assert_eq!(hex::encode(shared_secret.expose()), SHARED_SECRET);

        let context = key_schedule(&shared_secret, &info).unwrap();
        assert_eq!(hex::encode(context.key.expose()), KEY);
        assert_eq!(hex::encode(*context.base_nonce), BASE_NONCE);

        let sealed =
            seal_with_dh(&dh, pk_e, &pk_r, &info, &hex::decode(AAD_0).unwrap(), &hex::decode(PT).unwrap()).unwrap();
        assert_eq!(hex::encode(sealed.enc), ENC);
        assert_eq!(hex::encode(&sealed.ciphertext), CT_0);
    }

    /// A recipient key pair made by the `hpke` crate (the hub's implementation).
    fn hpke_crate_recipient() -> (<X25519HkdfSha256 as Kem>::PrivateKey, [u8; 32]) {
        let (sk, pk) = X25519HkdfSha256::derive_keypair(&random_bytes::<32>().unwrap());
        let pk_bytes: [u8; 32] = pk.to_bytes().as_slice().try_into().unwrap();
        (sk, pk_bytes)
    }

    fn hpke_crate_open(
        sk: &<X25519HkdfSha256 as Kem>::PrivateKey,
        enc: &[u8],
        info: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Vec<u8>, hpke::HpkeError> {
        let encapped = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(enc)?;
        hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
            &OpModeR::Base,
            sk,
            &encapped,
            info,
            ciphertext,
            aad,
        )
    }

    #[test]
    fn the_hpke_crate_opens_what_seal_base_sealed() {
        let (sk, pk) = hpke_crate_recipient();
        for len in [0usize, 1, 32, 1000] {
            let plaintext: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let sealed = seal_base(&pk, b"workervoice test info", b"case 42", &plaintext).unwrap();
            assert_eq!(sealed.ciphertext.len(), len + TAG_LEN);
            let opened = hpke_crate_open(&sk, &sealed.enc, b"workervoice test info", b"case 42", &sealed.ciphertext);
            assert_eq!(opened.unwrap(), plaintext);
        }
    }

    #[test]
    fn the_hpke_crate_refuses_a_wrong_info_a_wrong_aad_a_flipped_bit_or_another_recipient() {
        let (sk, pk) = hpke_crate_recipient();
        let sealed = seal_base(&pk, b"info", b"aad", b"one-time content key").unwrap();
        assert!(hpke_crate_open(&sk, &sealed.enc, b"info", b"aad", &sealed.ciphertext).is_ok());

        assert!(hpke_crate_open(&sk, &sealed.enc, b"other info", b"aad", &sealed.ciphertext).is_err());
        assert!(hpke_crate_open(&sk, &sealed.enc, b"info", b"other aad", &sealed.ciphertext).is_err());
        for index in [0, sealed.ciphertext.len() / 2, sealed.ciphertext.len() - 1] {
            let mut flipped = sealed.ciphertext.clone();
            flipped[index] ^= 0x01;
            assert!(hpke_crate_open(&sk, &sealed.enc, b"info", b"aad", &flipped).is_err());
        }
        let mut other_enc = sealed.enc;
        other_enc[5] ^= 0x80;
        assert!(hpke_crate_open(&sk, &other_enc, b"info", b"aad", &sealed.ciphertext).is_err());

        let (other_sk, _) = hpke_crate_recipient();
        assert!(hpke_crate_open(&other_sk, &sealed.enc, b"info", b"aad", &sealed.ciphertext).is_err());
    }

    #[test]
    fn open_base_opens_what_seal_base_and_the_hpke_crate_sealed_and_nothing_altered() {
        let secret = crate::crypto::random_key().unwrap();
        let pk = public_key_of(&secret);
        // The public key matches an independent X25519.
        let independent = x25519_dalek::StaticSecret::from(*secret.expose());
        assert_eq!(x25519_dalek::PublicKey::from(&independent).to_bytes(), pk);

        let sealed = seal_base(&pk, b"info", b"aad", b"a half-written report").unwrap();
        assert_eq!(
            &open_base(&secret, &sealed.enc, b"info", b"aad", &sealed.ciphertext).unwrap()[..],
            b"a half-written report"
        );

        /// The system's random source, for the `hpke` crate's sealing side.
        struct RingRng;
        impl hpke::rand_core::TryRng for RingRng {
            type Error = std::convert::Infallible;
            fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
                Ok(u32::from_le_bytes(random_bytes::<4>().unwrap()))
            }
            fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
                Ok(u64::from_le_bytes(random_bytes::<8>().unwrap()))
            }
            fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
                ring::rand::SecureRandom::fill(&SystemRandom::new(), dst).unwrap();
                Ok(())
            }
        }
        impl hpke::rand_core::TryCryptoRng for RingRng {}
        let pk_r = <X25519HkdfSha256 as Kem>::PublicKey::from_bytes(&pk).unwrap();
        let (enc, ciphertext) = hpke::single_shot_seal_with_rng::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
            &hpke::OpModeS::Base,
            &pk_r,
            b"info",
            b"from the hpke crate",
            b"aad",
            &mut RingRng,
        )
        .unwrap();
        assert_eq!(
            &open_base(&secret, &enc.to_bytes(), b"info", b"aad", &ciphertext).unwrap()[..],
            b"from the hpke crate"
        );

        let other = crate::crypto::random_key().unwrap();
        assert_eq!(open_base(&other, &sealed.enc, b"info", b"aad", &sealed.ciphertext), Err(CryptoError::Unauthentic));
        assert_eq!(
            open_base(&secret, &sealed.enc, b"other", b"aad", &sealed.ciphertext),
            Err(CryptoError::Unauthentic)
        );
        assert_eq!(
            open_base(&secret, &sealed.enc, b"info", b"other", &sealed.ciphertext),
            Err(CryptoError::Unauthentic)
        );
        let mut flipped = sealed.ciphertext.clone();
        flipped[3] ^= 1;
        assert_eq!(open_base(&secret, &sealed.enc, b"info", b"aad", &flipped), Err(CryptoError::Unauthentic));
        assert_eq!(
            open_base(&secret, &sealed.enc[..31], b"info", b"aad", &sealed.ciphertext),
            Err(CryptoError::InvalidKey)
        );
        assert_eq!(open_base(&secret, &[0u8; 32], b"info", b"aad", &sealed.ciphertext), Err(CryptoError::InvalidKey));
    }

    #[test]
    fn a_recipient_key_of_the_wrong_length_is_refused() {
        for len in [0usize, 31, 33, 65] {
            assert_eq!(seal_base(&vec![9u8; len], b"", b"", b"x"), Err(CryptoError::InvalidKey));
        }
    }

    #[test]
    fn low_order_recipient_keys_including_all_zero_are_refused() {
        // u-coordinates of the points of small order on Curve25519 (and their
        // non-canonical encodings p, p + 1): DH with any of them is all zero.
        let low_order: [&str; 7] = [
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        ];
        let any_secret = x25519_dalek::StaticSecret::from(random_bytes::<32>().unwrap());
        for point in low_order {
            let pk = unhex::<32>(point);
            // The list is right: an independent X25519 gives an all-zero output.
            assert_eq!(any_secret.diffie_hellman(&x25519_dalek::PublicKey::from(pk)).to_bytes(), [0u8; 32], "{point}");
            assert_eq!(seal_base(&pk, b"", b"", b"x"), Err(CryptoError::InvalidKey), "{point}");
        }
    }

    #[test]
    fn an_all_zero_dh_output_is_refused_by_the_kem_itself() {
        // `ring` already refuses it; this checks the module's own §7.1.4 check.
        let pk_r = unhex::<32>(rfc_9180_a_2_1::PK_RM);
        assert_eq!(encap_with(&[0u8; 32], &[7u8; 32], &pk_r).err(), Some(CryptoError::InvalidKey));
        assert_eq!(seal_with_dh(&[0u8; 32], [7u8; 32], &pk_r, b"", b"", b"x"), Err(CryptoError::InvalidKey));
    }

    #[test]
    fn two_seals_of_the_same_plaintext_to_the_same_key_differ() {
        let (sk, pk) = hpke_crate_recipient();
        let a = seal_base(&pk, b"info", b"aad", b"same plaintext").unwrap();
        let b = seal_base(&pk, b"info", b"aad", b"same plaintext").unwrap();
        assert_ne!(a.enc, b.enc);
        assert_ne!(a.ciphertext, b.ciphertext);
        for sealed in [a, b] {
            let opened = hpke_crate_open(&sk, &sealed.enc, b"info", b"aad", &sealed.ciphertext);
            assert_eq!(opened.unwrap(), b"same plaintext");
        }
    }
}
