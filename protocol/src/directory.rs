//! The recipient directory: who may read grievances on each route, signed by
//! the programme.
//!
//! Devices pin the programme's Ed25519 public key. They accept a directory
//! only if its signature verifies under that key, so neither the hub nor
//! someone on the network can add a reader.
//!
//! Directories form a chain: each names the SHA-256 of the signed body of the
//! one before ([`Directory::previous_sha256`]) and versions go up by exactly
//! one. A device that holds version N accepts a newer one only together with
//! every link from N+1 up ([`verify_update`]), so a directory that was signed
//! but never shown in order (a fork, a rollback, a version signed in a hurry
//! and withdrawn) is refused: [`DirectoryError::BrokenChain`].
//!
//! The signed bytes are the directory's JSON exactly as produced by the
//! programme ([`SignedDirectory::body`]); devices parse what they verified.

use std::collections::BTreeMap;

use ring::digest::{SHA256, digest};
use ring::signature::{ED25519, UnparsedPublicKey};
use serde::{Deserialize, Serialize};

/// Who a grievance goes to, in the default order of escalation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// The factory's worker–management committee (per factory).
    FactoryCommittee,
    /// The independent hotline of the programme.
    IndependentHotline,
    /// The brand sourcing from the factory.
    Brand,
}

impl Route {
    /// Every route, in escalation order.
    pub const ALL: [Route; 3] = [Route::FactoryCommittee, Route::IndependentHotline, Route::Brand];

    /// The stable wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FactoryCommittee => "factory_committee",
            Self::IndependentHotline => "independent_hotline",
            Self::Brand => "brand",
        }
    }
}

/// One case handler's public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recipient {
    /// The reader's key id: hex of the first 16 bytes of SHA-256 of
    /// [`public_key`](Self::public_key) (ADR 0015). Never the account id a
    /// reader signs in with. (The wire name predates key ids.)
    pub handler_id: String,
    /// X25519 public key (32 bytes) the device seals content keys to.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub public_key: Vec<u8>,
}

/// The handlers of one route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteRecipients {
    /// The route.
    pub route: Route,
    /// For [`Route::FactoryCommittee`]: the factory whose committee this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factory_id: Option<String>,
    /// Who the worker is trusting on this route, in words (e.g. "Demo
    /// independent hotline"): what an app shows before a report is sent.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub organisation: String,
    /// For [`Route::Brand`]: the brand this entry belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<String>,
    /// For [`Route::Brand`] with a [`brand_id`](Self::brand_id): the brand's
    /// supplier factories. A device seals the brand route only to entries
    /// that list its factory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factory_ids: Vec<String>,
    /// The handlers who may read reports on this route.
    pub recipients: Vec<Recipient>,
    /// Hours the route has to acknowledge a case before it escalates.
    pub response_deadline_hours: u32,
}

/// A grievance category, with its label per language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    /// Stable id (e.g. `wages`).
    pub id: String,
    /// BCP 47 tag → label. Always has `en`.
    pub labels: BTreeMap<String, String>,
}

/// The directory content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Directory {
    /// The programme it belongs to.
    pub programme_id: String,
    /// Goes up by exactly one with every publication.
    pub version: u64,
    /// Hex SHA-256 of the previous version's signed [`SignedDirectory::body`];
    /// `None` only for version 1 (and for directories from before the chain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_sha256: Option<String>,
    /// Publication time, unix seconds.
    pub issued_at: i64,
    /// Handlers per route.
    pub routes: Vec<RouteRecipients>,
    /// Grievance categories.
    pub categories: Vec<Category>,
}

/// A directory with the programme's signature over its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedDirectory {
    /// The JSON of a [`Directory`], as signed.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub body: Vec<u8>,
    /// Ed25519 signature over [`directory_signing_input`]`(body)`.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub signature: Vec<u8>,
}

/// `GET /v1/directory?have=N` reply: the current directory, or nothing when
/// the device already has version `N` or newer (a sync with nothing new).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryResponse {
    /// The newest directory, if newer than `have`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<SignedDirectory>,
    /// The versions between: `have + 1` up to the newest minus one, oldest
    /// first (empty when `have` is 0 or the newest is `have + 1`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<SignedDirectory>,
}

/// Why a directory from the hub was not accepted. The device keeps what it
/// holds in every case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    /// A signature does not verify under the pinned programme key.
    #[error("the directory is not signed by the programme")]
    BadSignature,
    /// The signed bytes are not a directory of this programme, or list a
    /// key that is not 32 bytes.
    #[error("the directory does not parse")]
    Malformed,
    /// Signed, but it does not extend the directory the device holds:
    /// a version skipped or repeated, or a previous hash that is not the one
    /// held.
    #[error("the directory does not extend the one this device holds")]
    BrokenChain,
}

/// The bytes the programme key signs.
pub fn directory_signing_input(body: &[u8]) -> Vec<u8> {
    let mut input = b"workervoice/directory/v1\n".to_vec();
    input.extend_from_slice(body);
    input
}

/// Hex SHA-256 of a signed directory body: what the next version names as
/// [`Directory::previous_sha256`].
pub fn body_sha256(body: &[u8]) -> String {
    hex::encode(digest(&SHA256, body))
}

/// A reader's key fingerprint: hex of the first 16 bytes of SHA-256 of the
/// X25519 public key. The key holder compares these when reviewing a
/// directory; apps may show them.
pub fn key_id(public_key: &[u8]) -> String {
    hex::encode(&digest(&SHA256, public_key).as_ref()[..16])
}

/// Verifies one signed directory under `programme_key` and parses it: the
/// signature, the programme id, and 32-byte reader keys. Says nothing about
/// the chain (see [`verify_update`]).
pub fn verify_signed(signed: &SignedDirectory, programme_key: &[u8]) -> Result<Directory, DirectoryError> {
    UnparsedPublicKey::new(&ED25519, programme_key)
        .verify(&directory_signing_input(&signed.body), &signed.signature)
        .map_err(|_| DirectoryError::BadSignature)?;
    let directory: Directory = serde_json::from_slice(&signed.body).map_err(|_| DirectoryError::Malformed)?;
    let keys_ok = directory.routes.iter().all(|route| route.recipients.iter().all(|r| r.public_key.len() == 32));
    if directory.programme_id != crate::content::programme_id(programme_key) || !keys_ok || directory.version == 0 {
        return Err(DirectoryError::Malformed);
    }
    Ok(directory)
}

/// The directory a device should hold after `response`, given the signed
/// body it holds now (`held`, with its version): `Ok(None)` when there is
/// nothing newer, `Ok(Some(newest))` when the newest directory and every link
/// between verify and each extends the one before, an error otherwise.
///
/// A device holding nothing accepts any directory that verifies (it has no
/// chain to extend yet: the pinned key is its trust anchor).
pub fn verify_update(
    held: Option<(&[u8], u64)>,
    response: &DirectoryResponse,
    programme_key: &[u8],
) -> Result<Option<(SignedDirectory, Directory)>, DirectoryError> {
    let Some(newest) = &response.directory else { return Ok(None) };
    let Some((held_body, held_version)) = held else {
        let directory = verify_signed(newest, programme_key)?;
        return Ok(Some((newest.clone(), directory)));
    };
    let mut previous_hash = body_sha256(held_body);
    let mut previous_version = held_version;
    let mut last = None;
    for link in response.chain.iter().chain(std::iter::once(newest)) {
        let directory = verify_signed(link, programme_key)?;
        if previous_version.checked_add(1) != Some(directory.version)
            || directory.previous_sha256.as_deref() != Some(previous_hash.as_str())
        {
            return Err(DirectoryError::BrokenChain);
        }
        previous_hash = body_sha256(&link.body);
        previous_version = directory.version;
        last = Some(directory);
    }
    Ok(last.map(|directory| (newest.clone(), directory)))
}

#[cfg(test)]
mod tests {
    use ring::rand::SystemRandom;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    use super::*;

    fn key() -> Ed25519KeyPair {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap()
    }

    fn signed(key: &Ed25519KeyPair, version: u64, previous: Option<&SignedDirectory>) -> SignedDirectory {
        let directory = Directory {
            programme_id: crate::content::programme_id(key.public_key().as_ref()),
            version,
            previous_sha256: previous.map(|p| body_sha256(&p.body)),
            issued_at: 1_700_000_000 + version as i64,
            routes: vec![RouteRecipients {
                route: Route::IndependentHotline,
                factory_id: None,
                organisation: "Hotline".into(),
                brand_id: None,
                factory_ids: Vec::new(),
                recipients: vec![Recipient { handler_id: format!("h{version}"), public_key: vec![5; 32] }],
                response_deadline_hours: 72,
            }],
            categories: Vec::new(),
        };
        let body = serde_json::to_vec(&directory).unwrap();
        let signature = key.sign(&directory_signing_input(&body)).as_ref().to_vec();
        SignedDirectory { body, signature }
    }

    fn response(newest: &SignedDirectory, chain: &[&SignedDirectory]) -> DirectoryResponse {
        DirectoryResponse { directory: Some(newest.clone()), chain: chain.iter().map(|d| (*d).clone()).collect() }
    }

    #[test]
    fn a_device_holding_nothing_accepts_any_verified_directory() {
        let key = key();
        let one = signed(&key, 1, None);
        let two = signed(&key, 2, Some(&one));
        let public = key.public_key().as_ref();
        let (_, accepted) = verify_update(None, &response(&two, &[]), public).unwrap().unwrap();
        assert_eq!(accepted.version, 2);
        assert_eq!(verify_update(None, &DirectoryResponse { directory: None, chain: vec![] }, public), Ok(None));
    }

    #[test]
    fn a_newer_directory_is_accepted_only_with_every_link_between() {
        let key = key();
        let public = key.public_key().as_ref();
        let one = signed(&key, 1, None);
        let two = signed(&key, 2, Some(&one));
        let three = signed(&key, 3, Some(&two));
        let held = Some((one.body.as_slice(), 1));
        let (newest, accepted) = verify_update(held, &response(&three, &[&two]), public).unwrap().unwrap();
        assert_eq!((accepted.version, newest), (3, three.clone()));
        assert_eq!(verify_update(held, &response(&three, &[]), public), Err(DirectoryError::BrokenChain));
    }

    #[test]
    fn a_directory_signed_with_the_right_key_that_forks_the_chain_is_refused() {
        let key = key();
        let public = key.public_key().as_ref();
        let one = signed(&key, 1, None);
        let other_one = signed(&key, 1, Some(&one));
        let fork = signed(&key, 2, Some(&other_one));
        assert_ne!(one.body, other_one.body);
        let held = Some((one.body.as_slice(), 1));
        assert_eq!(verify_update(held, &response(&fork, &[]), public), Err(DirectoryError::BrokenChain));
        let rollback = signed(&key, 1, None);
        assert_eq!(verify_update(held, &response(&rollback, &[]), public), Err(DirectoryError::BrokenChain));
    }

    #[test]
    fn a_directory_signed_by_another_key_is_refused_before_the_chain_is_looked_at() {
        let key = key();
        let one = signed(&key, 1, None);
        let stranger = signed(&self::key(), 2, Some(&one));
        let held = Some((one.body.as_slice(), 1));
        let refused = verify_update(held, &response(&stranger, &[]), key.public_key().as_ref());
        assert_eq!(refused, Err(DirectoryError::BadSignature));
    }

    #[test]
    fn key_ids_are_sixteen_bytes_of_hex_and_differ_per_key() {
        assert_eq!(key_id(&[1; 32]).len(), 32);
        assert_ne!(key_id(&[1; 32]), key_id(&[2; 32]));
    }
}
