//! The recipient directory on the device: verified against the programme key
//! pinned in the app, never rolled back.
//!
//! What this protects against: a hub, a network attacker or a factory Wi-Fi
//! that serves a directory adding its own reader, or an old directory that
//! still lists a handler who was removed. What it does not: a compromised
//! programme signing key (whoever holds it decides who can read reports).

use ring::signature::{ED25519, UnparsedPublicKey};
use rusqlite::{Connection, OptionalExtension, params};
use workervoice_protocol::directory::{Directory, Route, SignedDirectory, directory_signing_input};

use crate::store::StoreError;

/// Why a directory was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    /// The signature does not verify under the pinned programme key.
    #[error("directory signature does not verify")]
    BadSignature,
    /// Older than the directory the device already holds.
    #[error("directory version {offered} is older than {held}")]
    Rollback {
        /// Version offered.
        offered: u64,
        /// Version held.
        held: u64,
    },
    /// Verified bytes that do not parse, or keys of the wrong size.
    #[error("directory is malformed")]
    Malformed,
    /// No programme key is configured in the app.
    #[error("no programme key pinned")]
    NoPinnedKey,
}

/// Verifies a signed directory against the pinned key and the held version.
pub fn verify(
    signed: &SignedDirectory,
    pinned_key: &[u8],
    held_version: Option<u64>,
) -> Result<Directory, DirectoryError> {
    if pinned_key.len() != 32 {
        return Err(DirectoryError::NoPinnedKey);
    }
    UnparsedPublicKey::new(&ED25519, pinned_key)
        .verify(&directory_signing_input(&signed.body), &signed.signature)
        .map_err(|_| DirectoryError::BadSignature)?;
    let directory: Directory = serde_json::from_slice(&signed.body).map_err(|_| DirectoryError::Malformed)?;
    let keys_ok = directory
        .routes
        .iter()
        .all(|route| route.recipients.iter().all(|r| r.public_key.len() == 32 && !r.handler_id.is_empty()));
    if !keys_ok {
        return Err(DirectoryError::Malformed);
    }
    if let Some(held) = held_version
        && directory.version < held
    {
        return Err(DirectoryError::Rollback { offered: directory.version, held });
    }
    Ok(directory)
}

/// The directory held by the device, re-verified when loaded (a tampered
/// database row is refused like a tampered download).
pub fn load(conn: &Connection, pinned_key: &[u8]) -> Result<Option<Directory>, StoreError> {
    let row: Option<(Vec<u8>, Vec<u8>)> = conn
        .query_row("SELECT body, signature FROM directory WHERE id = 1", [], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(row.and_then(|(body, signature)| verify(&SignedDirectory { body, signature }, pinned_key, None).ok()))
}

/// The version held, if any (not re-verified: used only as the `have=` hint).
pub fn held_version(conn: &Connection) -> Result<Option<u64>, StoreError> {
    let version: Option<i64> =
        conn.query_row("SELECT version FROM directory WHERE id = 1", [], |row| row.get(0)).optional()?;
    Ok(version.and_then(|v| u64::try_from(v).ok()))
}

/// When the hub last confirmed the held directory (unix seconds).
pub fn refreshed_at(conn: &Connection) -> Result<Option<i64>, StoreError> {
    Ok(conn.query_row("SELECT fetched_at FROM directory WHERE id = 1", [], |row| row.get(0)).optional()?)
}

/// Records that the hub confirmed the held directory is current.
pub fn touch(conn: &Connection, now: i64) -> Result<(), StoreError> {
    conn.execute("UPDATE directory SET fetched_at = ?1 WHERE id = 1", params![now])?;
    Ok(())
}

/// Replaces the held directory with a verified newer one.
pub fn save(conn: &Connection, signed: &SignedDirectory, directory: &Directory, now: i64) -> Result<(), StoreError> {
    let version = i64::try_from(directory.version).map_err(|_| StoreError::Malformed("directory version"))?;
    conn.execute(
        "INSERT INTO directory (id, version, body, signature, fetched_at) VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET version = ?1, body = ?2, signature = ?3, fetched_at = ?4",
        params![version, signed.body, signed.signature, now],
    )?;
    Ok(())
}

/// The recipients of `route` for a device of `factory_id`.
pub fn recipients_for<'a>(
    directory: &'a Directory,
    route: Route,
    factory_id: &str,
) -> Option<&'a workervoice_protocol::directory::RouteRecipients> {
    directory.routes.iter().find(|entry| {
        entry.route == route
            && !entry.recipients.is_empty()
            && (route != Route::FactoryCommittee || entry.factory_id.as_deref() == Some(factory_id))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{Ed25519KeyPair, KeyPair};
    use workervoice_protocol::directory::{Recipient, RouteRecipients};

    fn signed(key: &Ed25519KeyPair, version: u64) -> SignedDirectory {
        let directory = Directory {
            programme_id: "p".into(),
            version,
            issued_at: 0,
            routes: vec![RouteRecipients {
                route: Route::IndependentHotline,
                factory_id: None,
                recipients: vec![Recipient { handler_id: "h".into(), public_key: vec![5; 32] }],
                response_deadline_hours: 72,
            }],
            categories: vec![],
        };
        let body = serde_json::to_vec(&directory).unwrap();
        let signature = key.sign(&directory_signing_input(&body)).as_ref().to_vec();
        SignedDirectory { body, signature }
    }

    fn key() -> Ed25519KeyPair {
        Ed25519KeyPair::from_pkcs8(Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap().as_ref()).unwrap()
    }

    #[test]
    fn a_directory_signed_by_another_key_is_refused() {
        let (programme, other) = (key(), key());
        let pinned = programme.public_key().as_ref();
        assert!(verify(&signed(&programme, 2), pinned, None).is_ok());
        assert_eq!(verify(&signed(&other, 2), pinned, None), Err(DirectoryError::BadSignature));
    }

    #[test]
    fn an_older_directory_is_refused_and_the_same_version_accepted() {
        let programme = key();
        let pinned = programme.public_key().as_ref();
        assert_eq!(
            verify(&signed(&programme, 2), pinned, Some(3)),
            Err(DirectoryError::Rollback { offered: 2, held: 3 })
        );
        assert!(verify(&signed(&programme, 3), pinned, Some(3)).is_ok());
    }

    #[test]
    fn a_modified_body_is_refused() {
        let programme = key();
        let mut tampered = signed(&programme, 2);
        let last = tampered.body.len() - 2;
        tampered.body[last] ^= 1;
        assert!(verify(&tampered, programme.public_key().as_ref(), None).is_err());
    }
}
