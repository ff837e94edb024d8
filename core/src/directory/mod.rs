//! The recipient directory on the device: verified against the programme key
//! pinned in the app, never rolled back, and taken only if it extends the
//! chain the device holds (each version names the hash of the one before).
//!
//! What this protects against: a hub, a network attacker or a factory Wi-Fi
//! that serves a directory adding its own reader, an old directory that still
//! lists a handler who was removed, and a directory signed with the right key
//! that does not extend what the device holds (a fork, a skipped version).
//! What it does not: a programme key holder who signs a bad but well-chained
//! directory (their review is the defence there; see ADR 12).

use ring::signature::{ED25519, UnparsedPublicKey};
use rusqlite::{Connection, OptionalExtension, params};
use workervoice_protocol::directory::{
    Directory, DirectoryResponse, Recipient, Route, RouteRecipients, SignedDirectory, directory_signing_input,
    verify_update as verify_chain,
};

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
    /// Signed, but it does not extend the directory the device holds (a
    /// skipped or repeated version, or a previous hash that is not the one
    /// held). The device keeps what it has.
    #[error("directory does not extend the one held")]
    BrokenChain,
    /// Signed, but a brand entry lists no supplier factories. Such an entry
    /// is never read as "every factory" (that would hand every factory's
    /// reports to one brand); the device keeps the directory it has.
    #[error("a brand entry lists no supplier factories")]
    BrandWithoutSuppliers {
        /// The brand the entry names, if any.
        brand_id: Option<String>,
    },
}

/// The directory a device holding `held` (its signed body and version)
/// should keep after the hub's `response`: `Ok(None)` when nothing is newer,
/// the newest when it and every link before it verify and extend the chain.
pub fn verify_update(
    held: Option<(&[u8], u64)>,
    response: &DirectoryResponse,
    pinned_key: &[u8],
) -> Result<Option<(SignedDirectory, Directory)>, DirectoryError> {
    if pinned_key.len() != 32 {
        return Err(DirectoryError::NoPinnedKey);
    }
    let Some(newest) = &response.directory else { return Ok(None) };
    if let Some((held_body, held_version)) = held {
        if newest.body == held_body {
            return Ok(None);
        }
        // A rollback is reported as such (it is also no extension).
        let offered = verify(newest, pinned_key, None)?;
        if offered.version <= held_version {
            return Err(DirectoryError::Rollback { offered: offered.version, held: held_version });
        }
    }
    let update = verify_chain(held, response, pinned_key).map_err(|error| match error {
        workervoice_protocol::directory::DirectoryError::BadSignature => DirectoryError::BadSignature,
        workervoice_protocol::directory::DirectoryError::Malformed => DirectoryError::Malformed,
        workervoice_protocol::directory::DirectoryError::BrokenChain => DirectoryError::BrokenChain,
    })?;
    match update {
        Some((signed, _)) => verify(&signed, pinned_key, None).map(|directory| Some((signed, directory))),
        None => Ok(None),
    }
}

/// The signed body and version of the directory held, if any (read as
/// stored: [`verify_update`] checks the newest against it).
pub fn held(conn: &Connection) -> Result<Option<(Vec<u8>, u64)>, StoreError> {
    let row: Option<(Vec<u8>, i64)> = conn
        .query_row("SELECT body, version FROM directory WHERE id = 1", [], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(row.and_then(|(body, version)| u64::try_from(version).ok().map(|version| (body, version))))
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
    if let Some(entry) =
        directory.routes.iter().find(|entry| entry.route == Route::Brand && entry.factory_ids.is_empty())
    {
        return Err(DirectoryError::BrandWithoutSuppliers { brand_id: entry.brand_id.clone() });
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

/// Who reads one route for one factory, gathered from every directory entry
/// that serves it: a factory supplying two brands seals the brand route to
/// both brands' readers, not to whichever entry comes first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteReaderSet<'a> {
    /// The entries that serve the route, in directory order.
    pub entries: Vec<&'a RouteRecipients>,
    /// Their readers, each key id once (a reader listed by two entries is
    /// sealed to once).
    pub recipients: Vec<&'a Recipient>,
}

impl RouteReaderSet<'_> {
    /// The organisations a worker is trusting on this route, in words,
    /// joined when more than one entry serves it.
    pub fn organisation(&self) -> String {
        let mut names: Vec<&str> = Vec::new();
        for entry in &self.entries {
            if !entry.organisation.is_empty() && !names.contains(&entry.organisation.as_str()) {
                names.push(&entry.organisation);
            }
        }
        names.join(", ")
    }
}

/// Whether `entry` serves `route` for a device of `factory_id`: the factory's
/// own committee, the programme's hotline, or a brand entry that lists this
/// factory among its suppliers. A brand entry listing no suppliers serves no
/// factory (and [`verify`] refuses a directory carrying one).
fn serves(entry: &RouteRecipients, route: Route, factory_id: &str) -> bool {
    entry.route == route
        && match route {
            Route::FactoryCommittee => entry.factory_id.as_deref() == Some(factory_id),
            Route::Brand => entry.factory_ids.iter().any(|id| id == factory_id),
            Route::IndependentHotline => true,
        }
}

/// The readers of `route` for a device of `factory_id`, across every entry
/// that serves it (both brands of a factory supplying two); `None` when
/// nobody can read that route.
pub fn recipients_for<'a>(directory: &'a Directory, route: Route, factory_id: &str) -> Option<RouteReaderSet<'a>> {
    let entries: Vec<&RouteRecipients> =
        directory.routes.iter().filter(|entry| serves(entry, route, factory_id)).collect();
    let mut recipients: Vec<&Recipient> = Vec::new();
    for recipient in entries.iter().flat_map(|entry| entry.recipients.iter()) {
        if !recipients.iter().any(|held| held.handler_id == recipient.handler_id) {
            recipients.push(recipient);
        }
    }
    if recipients.is_empty() {
        return None;
    }
    Some(RouteReaderSet { entries, recipients })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    fn signed(key: &Ed25519KeyPair, version: u64) -> SignedDirectory {
        signed_after(key, version, None)
    }

    fn signed_after(key: &Ed25519KeyPair, version: u64, previous: Option<&SignedDirectory>) -> SignedDirectory {
        let directory = Directory {
            programme_id: workervoice_protocol::content::programme_id(key.public_key().as_ref()),
            version,
            previous_sha256: previous.map(|p| workervoice_protocol::directory::body_sha256(&p.body)),
            issued_at: 0,
            routes: vec![RouteRecipients {
                route: Route::IndependentHotline,
                factory_id: None,
                organisation: "Hotline".into(),
                brand_id: None,
                factory_ids: Vec::new(),
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
    fn a_newer_directory_is_kept_only_if_it_extends_the_held_one() {
        let programme = key();
        let pinned = programme.public_key().as_ref();
        let one = signed(&programme, 1);
        let two = signed_after(&programme, 2, Some(&one));
        let three = signed_after(&programme, 3, Some(&two));
        let response = |newest: &SignedDirectory, chain: Vec<SignedDirectory>| DirectoryResponse {
            directory: Some(newest.clone()),
            chain,
        };
        let held = Some((one.body.as_slice(), 1));
        let kept = verify_update(held, &response(&three, vec![two.clone()]), pinned).unwrap().unwrap();
        assert_eq!(kept.1.version, 3);
        assert_eq!(verify_update(held, &response(&three, vec![]), pinned), Err(DirectoryError::BrokenChain));
        let fork = signed_after(&programme, 2, Some(&three));
        assert_eq!(verify_update(held, &response(&fork, vec![]), pinned), Err(DirectoryError::BrokenChain));
        assert_eq!(verify_update(None, &response(&fork, vec![]), pinned).map(|u| u.is_some()), Ok(true));
        assert_eq!(verify_update(held, &response(&one, vec![]), pinned), Ok(None), "the same one: nothing new");
    }

    #[test]
    fn a_modified_body_is_refused() {
        let programme = key();
        let mut tampered = signed(&programme, 2);
        let last = tampered.body.len() - 2;
        tampered.body[last] ^= 1;
        assert!(verify(&tampered, programme.public_key().as_ref(), None).is_err());
    }

    #[test]
    fn a_brand_entry_listing_no_suppliers_is_refused_not_read_as_programme_wide() {
        let programme = key();
        let pinned = programme.public_key().as_ref();
        let with_brand = |factory_ids: Vec<String>| {
            let mut directory: Directory = serde_json::from_slice(&signed(&programme, 2).body).unwrap();
            directory.routes.push(RouteRecipients {
                route: Route::Brand,
                factory_id: None,
                organisation: "Brand A".into(),
                brand_id: Some("brand-a".into()),
                factory_ids,
                recipients: vec![Recipient { handler_id: "b".into(), public_key: vec![6; 32] }],
                response_deadline_hours: 72,
            });
            let body = serde_json::to_vec(&directory).unwrap();
            let signature = programme.sign(&directory_signing_input(&body)).as_ref().to_vec();
            SignedDirectory { body, signature }
        };
        assert_eq!(
            verify(&with_brand(Vec::new()), pinned, None),
            Err(DirectoryError::BrandWithoutSuppliers { brand_id: Some("brand-a".into()) })
        );
        let listed = verify(&with_brand(vec!["factory-1".into()]), pinned, None).unwrap();
        assert!(recipients_for(&listed, Route::Brand, "factory-1").is_some());
        assert!(recipients_for(&listed, Route::Brand, "factory-2").is_none(), "a factory the brand does not list");
    }
}
