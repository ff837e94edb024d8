//! The signed content channel: training modules now, surveys later.
//!
//! A content item (a *pack*) is a [`Manifest`] signed by the programme key,
//! plus content-addressed blobs: one JSON document (the item's body, whose
//! typed shape depends on its [`ContentKind`]) and its media (images, audio,
//! short video). The manifest names every blob by SHA-256 and size, so a
//! device that verified the manifest's signature can verify each blob it
//! downloads on its own, from any source, and never re-downloads a blob it
//! already holds.
//!
//! What the signature protects against: a hub, a network attacker or a
//! factory Wi-Fi that changes a lesson, swaps a picture, injects a pack, or
//! serves an older version of a pack (devices refuse a version below the one
//! they hold). What it does not: a hub withholding content, or a compromised
//! programme key.
//!
//! The signed bytes are the manifest's JSON exactly as produced by the
//! programme ([`SignedManifest::body`]), prefixed by a domain-separation
//! label so that a signature over a recipient directory or anything else
//! the programme key signs can never pass as a manifest signature.

use ring::digest::{SHA256, digest};
use ring::signature::{ED25519, UnparsedPublicKey};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Largest signed manifest a device reads (its JSON, before base64).
pub const MAX_MANIFEST_BYTES: usize = 64 * 1024;
/// Largest blob a pack may hold (a short video).
pub const MAX_BLOB_BYTES: u64 = 64 * 1024 * 1024;
/// Largest body document of a pack.
pub const MAX_DOCUMENT_BYTES: u64 = 1024 * 1024;
/// Most media blobs one pack may reference.
pub const MAX_MEDIA_PER_PACK: usize = 200;
/// Most entries in one factory's catalog.
pub const MAX_CATALOG_ENTRIES: usize = 500;
/// Longest content id.
pub const MAX_CONTENT_ID_CHARS: usize = 64;
/// Media type of a pack's body document.
pub const DOCUMENT_MEDIA_TYPE: &str = "application/json";
/// Prefix of a media reference inside a published body document
/// (`"sha256:<64 hex digits>"`).
pub const MEDIA_REF_PREFIX: &str = "sha256:";

/// What a content item is; it decides the shape of the body document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    /// A training module: lessons and a quiz.
    TrainingModule,
    /// A survey (its document shape comes with the surveys issue).
    Survey,
}

impl ContentKind {
    /// Every kind.
    pub const ALL: [ContentKind; 2] = [ContentKind::TrainingModule, ContentKind::Survey];

    /// The stable wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TrainingModule => "training_module",
            Self::Survey => "survey",
        }
    }

    /// A kind from its wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// A content-addressed blob.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlobRef {
    /// SHA-256 of the blob's bytes, 64 lower-case hex digits.
    pub sha256: String,
    /// Exact size in bytes.
    pub size: u64,
    /// MIME type (e.g. `image/png`, `audio/mpeg`).
    pub media_type: String,
}

/// What the programme signs for one version of one content item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Manifest {
    /// The programme it belongs to (`wvp-…`, see [`programme_id`]).
    pub programme_id: String,
    /// What the item is.
    pub kind: ContentKind,
    /// Stable id of the item within its kind (e.g. `fire-safety`).
    pub id: String,
    /// Increases with every publication of this item; devices refuse an older one.
    pub version: u64,
    /// Languages the item is written in (BCP 47), the first being its default.
    pub languages: Vec<String>,
    /// Title per language, for catalogs shown before the body is downloaded.
    pub titles: BTreeMap<String, String>,
    /// The body document (JSON, shape given by `kind`).
    pub body: BlobRef,
    /// Media the body references, each once.
    pub media: Vec<BlobRef>,
    /// Publication time, unix seconds.
    pub published_at: i64,
}

impl Manifest {
    /// Every blob of the pack: the body first, then the media.
    pub fn blobs(&self) -> impl Iterator<Item = &BlobRef> {
        std::iter::once(&self.body).chain(self.media.iter())
    }

    /// Total bytes of the pack's blobs.
    pub fn total_bytes(&self) -> u64 {
        self.blobs().map(|blob| blob.size).fold(0, u64::saturating_add)
    }

    /// The media blob with this hash, if the manifest lists it.
    pub fn media_blob(&self, sha256: &str) -> Option<&BlobRef> {
        self.media.iter().find(|blob| blob.sha256 == sha256)
    }
}

/// A manifest with the programme's signature over its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedManifest {
    /// The JSON of a [`Manifest`], as signed.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub body: Vec<u8>,
    /// Ed25519 signature over [`manifest_signing_input`]`(body)`.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub signature: Vec<u8>,
}

impl SignedManifest {
    /// The manifest's address: hex SHA-256 of [`SignedManifest::body`].
    pub fn sha256(&self) -> String {
        sha256_hex(&self.body)
    }
}

/// One item of a factory's catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogEntry {
    /// What it is.
    pub kind: ContentKind,
    /// Its id.
    pub id: String,
    /// Its current version.
    pub version: u64,
    /// Address of its current signed manifest ([`SignedManifest::sha256`]).
    pub manifest_sha256: String,
    /// Bytes of all its blobs, to show before downloading.
    pub total_bytes: u64,
}

/// The content assigned to a factory (`GET /v1/content/catalog`, signed).
///
/// The catalog itself is not signed by the programme: it only says which
/// manifests to fetch, and each manifest is verified on its own. A hub can
/// withhold an item from it, which it could do anyway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Catalog {
    /// The factory of the requesting device.
    pub factory_id: String,
    /// Changes whenever the entries change; the device sends it back as
    /// `?have=` and gets `304 Not Modified` with no body while it matches.
    pub etag: String,
    /// The items, by kind then id.
    pub entries: Vec<CatalogEntry>,
}

/// The catalog's ETag for a list of entries: 32 hex digits of the SHA-256
/// of their JSON. Deterministic, so the hub needs to store nothing.
pub fn catalog_etag(entries: &[CatalogEntry]) -> String {
    let json = serde_json::to_vec(entries).unwrap_or_default();
    let mut hex = sha256_hex(&json);
    hex.truncate(32);
    hex
}

/// The bytes the programme key signs for a manifest.
pub fn manifest_signing_input(body: &[u8]) -> Vec<u8> {
    let mut input = b"workervoice/content-manifest/v1\n".to_vec();
    input.extend_from_slice(body);
    input
}

/// The programme id derived from its public key: `wvp-` and 16 hex digits
/// of the key's SHA-256, so the two can never disagree.
pub fn programme_id(public_key: &[u8]) -> String {
    let mut hex = sha256_hex(public_key);
    hex.truncate(16);
    format!("wvp-{hex}")
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(digest(&SHA256, bytes))
}

/// Whether `text` is a SHA-256 in the form addresses use (64 lower-case hex digits).
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether `id` is an acceptable content id: 1 to 64 of `a-z 0-9 - _ .`.
pub fn is_content_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_CONTENT_ID_CHARS
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'))
}

/// Why a manifest was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// No usable pinned key (not 32 bytes).
    #[error("no programme key pinned")]
    NoPinnedKey,
    /// Larger than [`MAX_MANIFEST_BYTES`].
    #[error("manifest too large")]
    TooLarge,
    /// The signature does not verify under the pinned programme key.
    #[error("manifest signature does not verify")]
    BadSignature,
    /// Signed by the programme key but for another programme id.
    #[error("manifest is for another programme")]
    WrongProgramme,
    /// Verified bytes that do not parse, or fields out of range.
    #[error("manifest is malformed: {0}")]
    Malformed(&'static str),
}

/// Verifies a signed manifest against the pinned programme key and checks
/// its fields: programme id, id, hashes, sizes and limits. Returns the
/// manifest only if every check passes.
pub fn verify_manifest(signed: &SignedManifest, pinned_key: &[u8]) -> Result<Manifest, ManifestError> {
    if pinned_key.len() != 32 {
        return Err(ManifestError::NoPinnedKey);
    }
    if signed.body.len() > MAX_MANIFEST_BYTES {
        return Err(ManifestError::TooLarge);
    }
    UnparsedPublicKey::new(&ED25519, pinned_key)
        .verify(&manifest_signing_input(&signed.body), &signed.signature)
        .map_err(|_| ManifestError::BadSignature)?;
    let manifest: Manifest =
        serde_json::from_slice(&signed.body).map_err(|_| ManifestError::Malformed("does not parse"))?;
    if manifest.programme_id != programme_id(pinned_key) {
        return Err(ManifestError::WrongProgramme);
    }
    check_manifest(&manifest)?;
    Ok(manifest)
}

/// The field checks of [`verify_manifest`], also run by the publisher.
pub fn check_manifest(manifest: &Manifest) -> Result<(), ManifestError> {
    if !is_content_id(&manifest.id) {
        return Err(ManifestError::Malformed("id"));
    }
    if manifest.version == 0 {
        return Err(ManifestError::Malformed("version"));
    }
    if manifest.languages.is_empty() || manifest.languages.iter().any(|tag| tag.is_empty() || tag.len() > 35) {
        return Err(ManifestError::Malformed("languages"));
    }
    if manifest.media.len() > MAX_MEDIA_PER_PACK {
        return Err(ManifestError::Malformed("too many media"));
    }
    let body_ok = manifest.body.media_type == DOCUMENT_MEDIA_TYPE && manifest.body.size <= MAX_DOCUMENT_BYTES;
    if !body_ok {
        return Err(ManifestError::Malformed("body"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for blob in manifest.blobs() {
        let ok = is_sha256_hex(&blob.sha256)
            && blob.size <= MAX_BLOB_BYTES
            && !blob.media_type.is_empty()
            && blob.media_type.len() <= 100;
        if !ok {
            return Err(ManifestError::Malformed("blob reference"));
        }
        if !seen.insert(blob.sha256.as_str()) {
            return Err(ManifestError::Malformed("duplicate blob"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    fn key() -> Ed25519KeyPair {
        Ed25519KeyPair::from_pkcs8(Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap().as_ref()).unwrap()
    }

    fn manifest(key: &Ed25519KeyPair) -> Manifest {
        Manifest {
            programme_id: programme_id(key.public_key().as_ref()),
            kind: ContentKind::TrainingModule,
            id: "fire-safety".into(),
            version: 3,
            languages: vec!["en".into(), "vi".into()],
            titles: BTreeMap::from([("en".into(), "Fire safety".into())]),
            body: BlobRef { sha256: sha256_hex(b"{}"), size: 2, media_type: DOCUMENT_MEDIA_TYPE.into() },
            media: vec![BlobRef { sha256: sha256_hex(b"png"), size: 3, media_type: "image/png".into() }],
            published_at: 1_700_000_000,
        }
    }

    fn signed(key: &Ed25519KeyPair, manifest: &Manifest) -> SignedManifest {
        let body = serde_json::to_vec(manifest).unwrap();
        let signature = key.sign(&manifest_signing_input(&body)).as_ref().to_vec();
        SignedManifest { body, signature }
    }

    #[test]
    fn a_manifest_signed_by_the_pinned_key_verifies() {
        let programme = key();
        let original = manifest(&programme);
        let verified = verify_manifest(&signed(&programme, &original), programme.public_key().as_ref()).unwrap();
        assert_eq!(verified, original);
        assert_eq!(verified.total_bytes(), 5);
    }

    #[test]
    fn a_manifest_signed_by_another_key_is_refused() {
        let (programme, other) = (key(), key());
        let mut foreign = manifest(&other);
        foreign.programme_id = programme_id(programme.public_key().as_ref());
        assert_eq!(
            verify_manifest(&signed(&other, &foreign), programme.public_key().as_ref()),
            Err(ManifestError::BadSignature)
        );
    }

    #[test]
    fn any_changed_byte_of_a_manifest_is_refused() {
        let programme = key();
        let good = signed(&programme, &manifest(&programme));
        for at in [0, good.body.len() / 2, good.body.len() - 1] {
            let mut tampered = good.clone();
            tampered.body[at] ^= 0x01;
            assert!(verify_manifest(&tampered, programme.public_key().as_ref()).is_err(), "byte {at}");
        }
        let mut bad_signature = good.clone();
        bad_signature.signature[10] ^= 0x80;
        assert_eq!(verify_manifest(&bad_signature, programme.public_key().as_ref()), Err(ManifestError::BadSignature));
    }

    #[test]
    fn a_directory_signature_never_passes_as_a_manifest_signature() {
        let programme = key();
        let body = serde_json::to_vec(&manifest(&programme)).unwrap();
        // The same bytes, signed under the directory's label.
        let signature = programme.sign(&crate::directory::directory_signing_input(&body)).as_ref().to_vec();
        assert_eq!(
            verify_manifest(&SignedManifest { body, signature }, programme.public_key().as_ref()),
            Err(ManifestError::BadSignature)
        );
        assert_ne!(manifest_signing_input(b"x"), crate::directory::directory_signing_input(b"x"));
    }

    #[test]
    fn a_manifest_for_another_programme_or_with_bad_fields_is_refused() {
        let programme = key();
        let pinned = programme.public_key().as_ref();
        let mut other_programme = manifest(&programme);
        other_programme.programme_id = "wvp-0000000000000000".into();
        assert_eq!(verify_manifest(&signed(&programme, &other_programme), pinned), Err(ManifestError::WrongProgramme));
        let mut bad_hash = manifest(&programme);
        bad_hash.media[0].sha256 = "ABC".into();
        assert!(matches!(verify_manifest(&signed(&programme, &bad_hash), pinned), Err(ManifestError::Malformed(_))));
        let mut huge = manifest(&programme);
        huge.media[0].size = MAX_BLOB_BYTES + 1;
        assert!(matches!(verify_manifest(&signed(&programme, &huge), pinned), Err(ManifestError::Malformed(_))));
        let mut duplicate = manifest(&programme);
        duplicate.media.push(duplicate.media[0].clone());
        assert!(matches!(verify_manifest(&signed(&programme, &duplicate), pinned), Err(ManifestError::Malformed(_))));
        let mut bad_id = manifest(&programme);
        bad_id.id = "../etc".into();
        assert!(matches!(verify_manifest(&signed(&programme, &bad_id), pinned), Err(ManifestError::Malformed(_))));
    }

    #[test]
    fn the_catalog_etag_follows_the_entries() {
        let entry = CatalogEntry {
            kind: ContentKind::TrainingModule,
            id: "a".into(),
            version: 1,
            manifest_sha256: sha256_hex(b"m"),
            total_bytes: 10,
        };
        let first = catalog_etag(std::slice::from_ref(&entry));
        assert_eq!(first, catalog_etag(std::slice::from_ref(&entry)));
        assert_eq!(first.len(), 32);
        let newer = CatalogEntry { version: 2, ..entry };
        assert_ne!(first, catalog_etag(&[newer]));
        assert_ne!(first, catalog_etag(&[]));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_verify_and_never_panic(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512),
                                                         signature in proptest::collection::vec(proptest::num::u8::ANY, 0..80)) {
            let pinned = [7u8; 32];
            let signed = SignedManifest { body, signature };
            proptest::prop_assert!(verify_manifest(&signed, &pinned).is_err());
        }
    }

    #[test]
    fn addresses_and_ids_are_checked() {
        assert!(is_sha256_hex(&sha256_hex(b"")));
        assert!(!is_sha256_hex(&sha256_hex(b"").to_uppercase()));
        assert!(!is_sha256_hex("../../../../etc/passwd"));
        assert!(is_content_id("fire-safety_2.v1"));
        assert!(!is_content_id("Fire"));
        assert!(!is_content_id(""));
        assert_eq!(ContentKind::parse("training_module"), Some(ContentKind::TrainingModule));
        assert_eq!(ContentKind::parse("quiz"), None);
    }
}
