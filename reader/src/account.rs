//! A reader's account formats, made and kept on the reader's side (ADR 0015):
//! the password KDF, the X25519 key pair, its key id, and the private key
//! wrapped under the password. The hub stores what [`Enrolment`] produces
//! except `login_key`, which it keeps only as Argon2id.
//!
//! - `master = PBKDF2-HMAC-SHA256(password UTF-8, salt, iterations, 32 bytes)`
//! - `login_key = HKDF-SHA256(ikm = master, salt = empty, info = "workervoice/reader/login/v1", 32 bytes)`
//! - `wrap_key  = HKDF-SHA256(ikm = master, salt = empty, info = "workervoice/reader/wrap/v1", 32 bytes)`
//! - `key_id = hex(SHA-256(public key)[0..16])`
//! - wrapped private key = envelope seal (`0x01 || nonce(12) || ChaCha20-Poly1305(ct || tag)`)
//!   of the raw 32-byte X25519 private key under `wrap_key`, associated data
//!   `"workervoice/reader/private-key/v1\n" + account id`.
//!
//! Protects against: the hub (its database, files, memory) learning anything
//! that opens the private key except by guessing the password offline at
//! PBKDF2's cost per guess *plus* Argon2id's on the verifier. Does not
//! protect against a weak password, or against a hub that serves a client
//! which leaks the password (the console's build hash, issue 14).

use std::num::NonZeroU32;

use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, Serializable};
use ring::hkdf;
use ring::pbkdf2;
use ring::rand::{SecureRandom, SystemRandom};
use workervoice_protocol::envelope;
use workervoice_protocol::handler::{
    AcceptReaderInvitationRequest, READER_MAX_KDF_ITERATIONS, READER_MIN_KDF_ITERATIONS, READER_SALT_LEN,
    ReaderPasswordChangeRequest,
};
use zeroize::Zeroizing;

use crate::ReaderError;

/// HKDF info of the key sent to the hub at login.
pub const LOGIN_INFO: &[u8] = b"workervoice/reader/login/v1";
/// HKDF info of the key that wraps the private key.
pub const WRAP_INFO: &[u8] = b"workervoice/reader/wrap/v1";
/// PBKDF2 iterations for new passwords (OWASP 2023 for PBKDF2-HMAC-SHA256).
pub const DEFAULT_ITERATIONS: u32 = READER_MIN_KDF_ITERATIONS;
/// Shortest password a client accepts, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;

const KEY_LEN: usize = 32;

/// Associated data of a wrapped private key.
pub fn private_key_aad(account_id: &str) -> Vec<u8> {
    format!("workervoice/reader/private-key/v1\n{account_id}").into_bytes()
}

/// Hex of the first 16 bytes of SHA-256 of a public key.
pub fn key_id(public_key: &[u8]) -> String {
    workervoice_protocol::directory::key_id(public_key)
}

/// `count` random bytes from the system RNG.
pub(crate) fn random<const N: usize>() -> Result<[u8; N], ReaderError> {
    let mut bytes = [0u8; N];
    SystemRandom::new().fill(&mut bytes).map_err(|_| ReaderError::Random)?;
    Ok(bytes)
}

/// The two keys a password gives. Zeroized on drop; no `Debug`.
#[derive(Clone)]
pub struct PasswordKeys {
    login_key: Zeroizing<[u8; KEY_LEN]>,
    wrap_key: Zeroizing<[u8; KEY_LEN]>,
}

struct Len32;

impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        KEY_LEN
    }
}

fn expand(prk: &hkdf::Prk, info: &[u8]) -> Result<Zeroizing<[u8; KEY_LEN]>, ReaderError> {
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    let info = [info];
    prk.expand(&info, Len32)
        .and_then(|okm| okm.fill(out.as_mut_slice()))
        .map_err(|_| ReaderError::Crypto("HKDF expansion failed"))?;
    Ok(out)
}

impl PasswordKeys {
    /// Derives both keys (slow: PBKDF2 at `iterations`). Iterations outside
    /// what the hub accepts are refused, so a hub cannot talk a client down
    /// to a cheap KDF.
    pub fn derive(password: &str, salt: &[u8], iterations: u32) -> Result<Self, ReaderError> {
        if !(READER_MIN_KDF_ITERATIONS..=READER_MAX_KDF_ITERATIONS).contains(&iterations) {
            return Err(ReaderError::Crypto("KDF iterations out of range"));
        }
        Self::derive_unchecked(password, salt, iterations)
    }

    /// [`derive`](Self::derive) without the iteration floor: for test vectors.
    pub fn derive_unchecked(password: &str, salt: &[u8], iterations: u32) -> Result<Self, ReaderError> {
        let iterations = NonZeroU32::new(iterations).ok_or(ReaderError::Crypto("zero KDF iterations"))?;
        let mut master = Zeroizing::new([0u8; KEY_LEN]);
        pbkdf2::derive(pbkdf2::PBKDF2_HMAC_SHA256, iterations, salt, password.as_bytes(), master.as_mut_slice());
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &[]).extract(master.as_slice());
        Ok(Self { login_key: expand(&prk, LOGIN_INFO)?, wrap_key: expand(&prk, WRAP_INFO)? })
    }

    /// What the client sends at login.
    pub fn login_key(&self) -> &[u8] {
        self.login_key.as_slice()
    }

    /// The wrapping key (for test vectors; never sent).
    pub fn wrap_key(&self) -> &[u8] {
        self.wrap_key.as_slice()
    }
}

/// A reader's X25519 key pair. The private half is zeroized on drop; no `Debug`.
pub struct ReaderKeyPair {
    private: Zeroizing<[u8; KEY_LEN]>,
    public: [u8; KEY_LEN],
}

impl ReaderKeyPair {
    /// A new key pair: 32 random bytes are the private key.
    pub fn generate() -> Result<Self, ReaderError> {
        Self::from_private(&Zeroizing::new(random::<KEY_LEN>()?)[..])
    }

    /// The key pair of a raw X25519 private key.
    pub fn from_private(private: &[u8]) -> Result<Self, ReaderError> {
        let secret = <X25519HkdfSha256 as Kem>::PrivateKey::from_bytes(private)
            .map_err(|_| ReaderError::Crypto("not an X25519 private key"))?;
        let public = X25519HkdfSha256::sk_to_pk(&secret);
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        key.copy_from_slice(private);
        let mut public_bytes = [0u8; KEY_LEN];
        public_bytes.copy_from_slice(&public.to_bytes());
        Ok(Self { private: key, public: public_bytes })
    }

    /// The public key.
    pub fn public_key(&self) -> &[u8; KEY_LEN] {
        &self.public
    }

    /// Its key id.
    pub fn key_id(&self) -> String {
        key_id(&self.public)
    }

    #[cfg(any(feature = "client", test))]
    pub(crate) fn private_bytes(&self) -> &[u8] {
        self.private.as_slice()
    }

    /// The private key sealed under `keys`' wrap key for `account_id`.
    pub fn wrap(&self, keys: &PasswordKeys, account_id: &str) -> Result<Vec<u8>, ReaderError> {
        envelope::seal(keys.wrap_key.as_slice(), &private_key_aad(account_id), self.private.as_slice())
            .map_err(|_| ReaderError::Crypto("sealing the private key failed"))
    }

    /// Opens a wrapped private key; `WrongPassword` if it does not open
    /// (a wrong password, or a key moved from another account).
    pub fn unwrap(keys: &PasswordKeys, account_id: &str, wrapped: &[u8]) -> Result<Self, ReaderError> {
        let opened = envelope::open(keys.wrap_key.as_slice(), &private_key_aad(account_id), wrapped)
            .map(Zeroizing::new)
            .map_err(|_| ReaderError::WrongPassword)?;
        if opened.len() != KEY_LEN {
            return Err(ReaderError::Crypto("a wrapped private key has the wrong length"));
        }
        Self::from_private(&opened)
    }
}

/// What accepting an invitation makes: the request for the hub, and the
/// key pair and password keys the client keeps for this sign-in.
pub struct Enrolment {
    /// Send this to `POST /handler/v1/invitations/accept`.
    pub request: AcceptReaderInvitationRequest,
    /// The new key pair.
    pub key_pair: ReaderKeyPair,
    /// The password's keys (saves a second PBKDF2 for the first login).
    pub keys: PasswordKeys,
}

/// Whether a new password is long enough (counted in characters).
pub fn acceptable_password(password: &str) -> bool {
    password.chars().count() >= MIN_PASSWORD_CHARS && password.len() <= 1024
}

impl Enrolment {
    /// Makes a key pair and wraps it under `password` for the invited account.
    pub fn new(handler_id: &str, invitation_token: &str, password: &str) -> Result<Self, ReaderError> {
        if !acceptable_password(password) {
            return Err(ReaderError::WeakPassword);
        }
        let salt = random::<READER_SALT_LEN>()?;
        let keys = PasswordKeys::derive(password, &salt, DEFAULT_ITERATIONS)?;
        let key_pair = ReaderKeyPair::generate()?;
        let request = AcceptReaderInvitationRequest {
            invitation_token: invitation_token.to_owned(),
            handler_id: handler_id.to_owned(),
            public_key: key_pair.public_key().to_vec(),
            key_id: key_pair.key_id(),
            wrapped_private_key: key_pair.wrap(&keys, handler_id)?,
            kdf_salt: salt.to_vec(),
            kdf_iterations: DEFAULT_ITERATIONS,
            login_key: keys.login_key().to_vec(),
        };
        Ok(Self { request, key_pair, keys })
    }
}

/// A password change: the same key pair re-wrapped under the new password.
pub fn password_change(
    key_pair: &ReaderKeyPair,
    handler_id: &str,
    old: &PasswordKeys,
    new_password: &str,
) -> Result<(ReaderPasswordChangeRequest, PasswordKeys), ReaderError> {
    if !acceptable_password(new_password) {
        return Err(ReaderError::WeakPassword);
    }
    let salt = random::<READER_SALT_LEN>()?;
    let keys = PasswordKeys::derive(new_password, &salt, DEFAULT_ITERATIONS)?;
    let request = ReaderPasswordChangeRequest {
        old_login_key: old.login_key().to_vec(),
        new_login_key: keys.login_key().to_vec(),
        kdf_salt: salt.to_vec(),
        kdf_iterations: DEFAULT_ITERATIONS,
        wrapped_private_key: key_pair.wrap(&keys, handler_id)?,
    };
    Ok((request, keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_key_opens_only_with_its_password_and_account() {
        let keys = PasswordKeys::derive_unchecked("correct horse battery", &[5; 16], 1000).unwrap();
        let wrong = PasswordKeys::derive_unchecked("wrong horse battery", &[5; 16], 1000).unwrap();
        let pair = ReaderKeyPair::generate().unwrap();
        let wrapped = pair.wrap(&keys, "h1").unwrap();
        let opened = ReaderKeyPair::unwrap(&keys, "h1", &wrapped).unwrap();
        assert_eq!(opened.public_key(), pair.public_key());
        assert!(matches!(ReaderKeyPair::unwrap(&wrong, "h1", &wrapped), Err(ReaderError::WrongPassword)));
        assert!(matches!(ReaderKeyPair::unwrap(&keys, "h2", &wrapped), Err(ReaderError::WrongPassword)));
        assert!(!wrapped.windows(32).any(|window| window == pair.private_bytes()));
    }

    #[test]
    fn login_and_wrap_keys_differ_and_neither_is_the_pbkdf2_output() {
        let keys = PasswordKeys::derive_unchecked("pw", b"salt", 1).unwrap();
        let mut master = [0u8; 32];
        pbkdf2::derive(pbkdf2::PBKDF2_HMAC_SHA256, NonZeroU32::MIN, b"salt", b"pw", &mut master);
        assert_ne!(keys.login_key(), keys.wrap_key());
        assert_ne!(keys.login_key(), master);
        assert_ne!(keys.wrap_key(), master);
    }

    #[test]
    fn a_hub_cannot_talk_the_client_down_to_few_iterations() {
        assert!(PasswordKeys::derive("pw", &[0; 16], 1000).is_err());
        assert!(PasswordKeys::derive("pw", &[0; 16], READER_MAX_KDF_ITERATIONS + 1).is_err());
    }
}
