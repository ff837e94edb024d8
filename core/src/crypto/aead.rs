//! Sealing fields with ChaCha20-Poly1305 and associated data that names where
//! the ciphertext belongs.
//!
//! ChaCha20-Poly1305 rather than AES-GCM because many of the workers' phones
//! are low-end ARM devices without AES instructions, where ChaCha is both
//! faster and free of cache-timing leaks. Nonces are 96 random bits per seal;
//! a key seals far fewer than 2^32 fields, so collisions are not a concern.
//!
//! Format of a sealed blob: `version (1) || nonce (12) || ciphertext || tag (16)`.

use ring::aead::{Aad as RingAad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use ring::rand::{SecureRandom, SystemRandom};

use super::CryptoError;
use super::keys::{Key32, random_bytes};

const VERSION: u8 = 1;
const TAG_LEN: usize = 16;

/// Bytes a sealed blob adds to its plaintext.
pub const SEALED_OVERHEAD: usize = 1 + NONCE_LEN + TAG_LEN;

/// Where a ciphertext belongs: table, row id, owner and column. Opening with
/// any other `Aad` fails, so a blob copied to another row, owner or column is
/// refused rather than read.
#[derive(Debug, Clone, Copy)]
pub struct Aad<'a> {
    /// Table name.
    pub table: &'a str,
    /// Row id (stable, client-generated).
    pub row: &'a str,
    /// Owner: a worker's local id, or `device`.
    pub owner: &'a str,
    /// Column (or purpose) of the field.
    pub column: &'a str,
}

impl Aad<'_> {
    fn encode(&self) -> Vec<u8> {
        // NUL separators cannot occur inside the parts (ids are UUIDs or fixed names).
        let mut out =
            Vec::with_capacity(4 + self.table.len() + self.row.len() + self.owner.len() + self.column.len() + 4);
        out.extend_from_slice(b"wv1");
        for part in [self.table, self.row, self.owner, self.column] {
            out.push(0);
            out.extend_from_slice(part.as_bytes());
        }
        out
    }
}

fn ring_key(key: &Key32) -> Result<LessSafeKey, CryptoError> {
    UnboundKey::new(&CHACHA20_POLY1305, key.expose()).map(LessSafeKey::new).map_err(|_| CryptoError::InvalidKey)
}

/// Seals `plaintext` under `key`, bound to `aad`.
pub fn seal(key: &Key32, aad: Aad<'_>, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let nonce = random_bytes::<NONCE_LEN>()?;
    seal_with(&ring_key(key)?, nonce, aad, plaintext)
}

/// Seals many fields under one key: one key set-up and one draw from the
/// random source for all nonces (each still 96 random bits), which matters
/// when a worker saves a batch of records.
pub fn seal_many(key: &Key32, items: &[(Aad<'_>, &[u8])]) -> Result<Vec<Vec<u8>>, CryptoError> {
    let mut nonces = vec![0u8; items.len() * NONCE_LEN];
    SystemRandom::new().fill(&mut nonces).map_err(|_| CryptoError::Random)?;
    let ring_key = ring_key(key)?;
    items
        .iter()
        .zip(nonces.chunks_exact(NONCE_LEN))
        .map(|((aad, plaintext), nonce)| {
            let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::Random)?;
            seal_with(&ring_key, nonce, *aad, plaintext)
        })
        .collect()
}

fn seal_with(
    key: &LessSafeKey,
    nonce: [u8; NONCE_LEN],
    aad: Aad<'_>,
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let mut out = Vec::with_capacity(plaintext.len() + SEALED_OVERHEAD);
    out.push(VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let (_, in_out) = out.split_at_mut(1 + NONCE_LEN);
    let tag = key
        .seal_in_place_separate_tag(Nonce::assume_unique_for_key(nonce), RingAad::from(aad.encode()), in_out)
        .map_err(|_| CryptoError::InvalidKey)?;
    out.extend_from_slice(tag.as_ref());
    Ok(out)
}

/// Opens a blob made by [`seal`] with the same key and `aad`.
///
/// The returned buffer is plaintext: callers that hold secrets in it wrap it in
/// `Zeroizing` or a key type straight away.
pub fn open(key: &Key32, aad: Aad<'_>, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if sealed.len() < SEALED_OVERHEAD || sealed[0] != VERSION {
        return Err(CryptoError::Malformed);
    }
    let nonce_bytes: [u8; NONCE_LEN] = sealed[1..1 + NONCE_LEN].try_into().map_err(|_| CryptoError::Malformed)?;
    let mut buffer = sealed[1 + NONCE_LEN..].to_vec();
    let plaintext_len = ring_key(key)?
        .open_in_place(Nonce::assume_unique_for_key(nonce_bytes), RingAad::from(aad.encode()), &mut buffer)
        .map_err(|_| CryptoError::Unauthentic)?
        .len();
    buffer.truncate(plaintext_len);
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::random_key;
    use proptest::prelude::*;

    const AAD: Aad<'static> = Aad { table: "notes", row: "r1", owner: "w1", column: "body" };

    #[test]
    fn sealed_field_opens_only_where_it_was_sealed() {
        let key = random_key().unwrap();
        let sealed = seal(&key, AAD, b"secret").unwrap();
        assert_eq!(open(&key, AAD, &sealed).unwrap(), b"secret");
        for other in [
            Aad { table: "workers", ..AAD },
            Aad { row: "r2", ..AAD },
            Aad { owner: "w2", ..AAD },
            Aad { column: "title", ..AAD },
        ] {
            assert_eq!(open(&key, other, &sealed), Err(CryptoError::Unauthentic));
        }
    }

    #[test]
    fn a_batch_seals_each_field_with_its_own_nonce_and_binding() {
        let key = random_key().unwrap();
        let other = Aad { row: "r2", ..AAD };
        let sealed = seal_many(&key, &[(AAD, b"one"), (other, b"two")]).unwrap();
        assert_eq!(open(&key, AAD, &sealed[0]).unwrap(), b"one");
        assert_eq!(open(&key, other, &sealed[1]).unwrap(), b"two");
        assert_ne!(sealed[0][1..13], sealed[1][1..13], "distinct nonces");
        assert!(open(&key, other, &sealed[0]).is_err());
    }

    #[test]
    fn wrong_key_is_detected_not_read() {
        let sealed = seal(&random_key().unwrap(), AAD, b"secret").unwrap();
        assert_eq!(open(&random_key().unwrap(), AAD, &sealed), Err(CryptoError::Unauthentic));
    }

    #[test]
    fn truncated_or_unknown_version_blobs_are_malformed() {
        let key = random_key().unwrap();
        let mut sealed = seal(&key, AAD, b"x").unwrap();
        assert_eq!(open(&key, AAD, &sealed[..10]), Err(CryptoError::Malformed));
        sealed[0] = 9;
        assert_eq!(open(&key, AAD, &sealed), Err(CryptoError::Malformed));
    }

    proptest! {
        #[test]
        fn any_flipped_bit_is_refused(plaintext in proptest::collection::vec(any::<u8>(), 0..200), bit in 0usize..8, pos in any::<prop::sample::Index>()) {
            let key = random_key().unwrap();
            let mut sealed = seal(&key, AAD, &plaintext).unwrap();
            let index = pos.index(sealed.len() - 1) + 1; // keep the version byte
            sealed[index] ^= 1 << bit;
            prop_assert!(open(&key, AAD, &sealed).is_err());
        }
    }
}
