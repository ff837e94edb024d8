//! Publishing a content pack from a folder (`workervoice-hub publish-pack`).
//!
//! The folder holds `pack.json` and the media files it names:
//!
//! ```json
//! {
//!   "kind": "training_module",
//!   "id": "fire-safety",
//!   "languages": ["en", "vi"],
//!   "titles": {"en": "Fire safety", "vi": "An toàn cháy nổ"},
//!   "document": { "lessons": [{ "media": ["file:images/exit.png"], ... }], ... }
//! }
//! ```
//!
//! Anywhere in `document`, a string `"file:<relative path>"` names a media
//! file inside the folder; it is replaced by `"sha256:<hex>"` of the file,
//! which is stored as a blob. The publisher knows nothing else of the
//! document's shape, so a survey pack publishes the same way. The document
//! itself becomes the pack's body blob, and the manifest listing body and
//! media becomes a proposal ([`crate::proposals`]): devices see the new
//! version once the programme's key holder has reviewed and signed it with
//! `wv-keyholder` (the hub does not hold the programme key).
//!
//! Publishing the same folder again changes nothing (the version stays);
//! any change to a file, a title or the document proposes the next version.
//! The assignment (every factory, or a list) is replaced when the new
//! version is published, at once when the content is unchanged.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Component, Path, PathBuf};

use crate::db::sql::{OptionalExtension, TransactionBehavior, params};
use anyhow::{Context, bail, ensure};
use serde::Deserialize;
use serde_json::Value;
use workervoice_protocol::content::{
    BlobRef, ContentKind, DOCUMENT_MEDIA_TYPE, MAX_DOCUMENT_BYTES, MAX_MEDIA_PER_PACK, MEDIA_REF_PREFIX, Manifest,
    SignedManifest, check_manifest, is_content_id,
};
use workervoice_protocol::directory::Recipient;
use workervoice_protocol::survey::{SurveyDefinition, SurveyDelivery};
use workervoice_protocol::training::ModuleDocument;

use super::blobs::{self, StoredBlob};
use crate::clock::unix_now;
use crate::db::{column_u64, sql_u64};
use crate::keys::HubKeys;
use crate::programme::ProgrammePublicKey;
use crate::proposals::PackMeta;
use workervoice_protocol::proposal::ProposalKind;

/// The pack description's file name inside the folder.
pub const PACK_FILE: &str = "pack.json";
/// Prefix of a media file reference in `pack.json`.
pub const FILE_REF_PREFIX: &str = "file:";

/// Which factories get a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackAssignment {
    /// Every factory, present and future.
    AllFactories,
    /// These factories only (ids as the hub issued them).
    Factories(Vec<String>),
}

/// What a publication did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PublishedPack {
    /// The item's kind.
    pub kind: ContentKind,
    /// The item's id.
    pub id: String,
    /// The version proposed (the current one when unchanged).
    pub version: u64,
    /// Address of its manifest once signed (the SHA-256 of its bytes).
    pub manifest_sha256: String,
    /// The proposal waiting for the key holder's signature; `None` when the
    /// content was unchanged and nothing needs signing.
    pub proposal_id: Option<String>,
    /// Media files in the pack.
    pub media: usize,
    /// Bytes of body and media.
    pub total_bytes: u64,
    /// Whether the content was identical to the current version (only the
    /// assignment may have changed).
    pub unchanged: bool,
}

/// `pack.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackSource {
    kind: ContentKind,
    id: String,
    languages: Vec<String>,
    titles: BTreeMap<String, String>,
    document: Value,
}

/// Adds to a survey's document who reads its responses (every analyst
/// account) and the public half of its token key: published inside the
/// signed document, so neither can be swapped without the programme key.
fn add_survey_delivery(
    document: &mut Value,
    survey_id: &str,
    data_dir: &Path,
    connection: &crate::db::sql::Connection,
) -> anyhow::Result<()> {
    let mut statement = connection.prepare(
        "SELECT key_id, public_key FROM handlers WHERE analyst = 1 AND disabled_at IS NULL ORDER BY created_at, id",
    )?;
    let recipients = statement
        .query_map([], |row| Ok(Recipient { handler_id: row.get(0)?, public_key: row.get(1)? }))?
        .collect::<Result<Vec<_>, _>>()?;
    ensure!(
        !recipients.is_empty(),
        "a survey needs at least one analyst to read its responses: invite one (admin API, readers/invitations, \"analyst\": true) then publish again once they accepted"
    );
    let keys = HubKeys::load_for_database(data_dir, connection)?;
    let token_key = crate::surveys::token_key(&keys, survey_id)
        .map_err(|_| anyhow::anyhow!("the survey's token key could not be derived"))?
        .public_key()
        .to_vec();
    let delivery = SurveyDelivery { token_key, recipients };
    let Value::Object(fields) = document else { bail!("a survey document must be a JSON object") };
    fields.insert("delivery".to_owned(), serde_json::to_value(&delivery)?);
    Ok(())
}

/// Prepares the pack in `folder` in the hub's data directory: stores its
/// blobs and proposes its manifest for the key holder to sign. Safe while
/// the hub runs (SQLite serialises the writes; blobs appear on disk before
/// the manifest that names them).
pub fn publish_pack(data_dir: &Path, folder: &Path, assignment: &PackAssignment) -> anyhow::Result<PublishedPack> {
    publish_pack_to(data_dir, None, folder, assignment)
}

/// As [`publish_pack`], for a hub that keeps its tables in the PostgreSQL
/// database `database_url` names (`None`: `<data_dir>/hub.db`). Blobs go to
/// the data directory either way. Calls the synchronous PostgreSQL client:
/// not on an async runtime's thread.
pub fn publish_pack_to(
    data_dir: &Path,
    database_url: Option<&str>,
    folder: &Path,
    assignment: &PackAssignment,
) -> anyhow::Result<PublishedPack> {
    let programme = ProgrammePublicKey::load(data_dir)?;
    let pack_path = folder.join(PACK_FILE);
    let text = std::fs::read(&pack_path).with_context(|| format!("reading {}", pack_path.display()))?;
    ensure!(text.len() as u64 <= MAX_DOCUMENT_BYTES, "{} is larger than {MAX_DOCUMENT_BYTES} bytes", PACK_FILE);
    let source: PackSource =
        serde_json::from_slice(&text).with_context(|| format!("{} is not a valid pack description", PACK_FILE))?;
    ensure!(is_content_id(&source.id), "the pack id must be 1 to 64 of a-z, 0-9, '-', '_', '.'");
    ensure!(!source.languages.is_empty(), "the pack must name its languages");
    ensure!(
        source.languages.iter().all(|tag| source.titles.get(tag).is_some_and(|title| !title.trim().is_empty())),
        "the pack needs a title in each of its languages"
    );

    let mut document = source.document;
    let mut media: Vec<BlobRef> = Vec::new();
    replace_file_refs(&mut document, folder, data_dir, &mut media)?;
    ensure!(media.len() <= MAX_MEDIA_PER_PACK, "a pack may reference at most {MAX_MEDIA_PER_PACK} media files");
    let mut connection = crate::db::open_database(data_dir, database_url)?;
    if source.kind == ContentKind::Survey {
        add_survey_delivery(&mut document, &source.id, data_dir, &connection)?;
    }
    let body_bytes = serde_json::to_vec(&document).context("serialising the document")?;
    // Devices refuse a document that does not have its kind's shape; refuse
    // it here first, with the reason, rather than sign what no device keeps.
    let listed = |reference: &str| media.iter().any(|blob| reference == format!("{MEDIA_REF_PREFIX}{}", blob.sha256));
    match source.kind {
        ContentKind::Survey => {
            SurveyDefinition::parse(&body_bytes, listed)
                .map_err(|error| anyhow::anyhow!("the survey would not render on devices: {error}"))?;
        }
        ContentKind::TrainingModule => {
            ModuleDocument::parse(&body_bytes, listed)
                .map_err(|error| anyhow::anyhow!("the training module would not open on devices: {error}"))?;
        }
    }
    ensure!(body_bytes.len() as u64 <= MAX_DOCUMENT_BYTES, "the document is larger than {MAX_DOCUMENT_BYTES} bytes");
    let StoredBlob { sha256, size } = blobs::store_bytes(data_dir, &body_bytes)?;
    let body = BlobRef { sha256, size, media_type: DOCUMENT_MEDIA_TYPE.to_owned() };

    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let PackAssignment::Factories(ids) = assignment {
        ensure!(!ids.is_empty(), "name at least one factory, or assign the pack to all factories");
        for id in ids {
            let known: Option<String> =
                tx.query_row("SELECT id FROM factories WHERE id = ?1", [id], |row| row.get(0)).optional()?;
            ensure!(known.is_some(), "no factory has the id {id}");
        }
    }
    let now = unix_now();
    for blob in std::iter::once(&body).chain(media.iter()) {
        tx.execute(
            "INSERT INTO content_blobs (sha256, size, media_type, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (sha256) DO NOTHING",
            params![blob.sha256, sql_u64(blob.size), blob.media_type, now],
        )?;
    }
    let kind = source.kind.as_str();
    let current: Option<(String, Vec<u8>)> = tx
        .query_row(
            "SELECT m.sha256, m.body FROM content_items i JOIN content_manifests m ON m.sha256 = i.current_manifest
              WHERE i.kind = ?1 AND i.content_id = ?2",
            params![kind, source.id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let current_manifest = current
        .as_ref()
        .map(|(_, bytes)| serde_json::from_slice::<Manifest>(bytes))
        .transpose()
        .context("the current manifest of this pack does not parse")?;
    let unchanged = current_manifest.as_ref().is_some_and(|held| {
        held.languages == source.languages && held.titles == source.titles && held.body == body && held.media == media
    });
    let (manifest_sha256, version, total_bytes, proposal_id) = match (unchanged, current, current_manifest) {
        (true, Some((sha256, _)), Some(held)) => {
            set_assignment(&tx, kind, &source.id, &sha256, assignment)?;
            (sha256, held.version, held.total_bytes(), None)
        }
        _ => {
            let previous: u64 = tx.query_row(
                "SELECT coalesce(max(version), 0) FROM content_manifests WHERE kind = ?1 AND content_id = ?2",
                params![kind, source.id],
                |row| column_u64(row, 0),
            )?;
            let manifest = Manifest {
                programme_id: programme.id().to_owned(),
                kind: source.kind,
                id: source.id.clone(),
                version: previous + 1,
                languages: source.languages.clone(),
                titles: source.titles.clone(),
                body: body.clone(),
                media: media.clone(),
                published_at: now,
            };
            check_manifest(&manifest).map_err(|error| anyhow::anyhow!("the pack is not acceptable: {error}"))?;
            let bytes = serde_json::to_vec(&manifest).context("serialising the manifest")?;
            let meta = PackMeta {
                kind: kind.to_owned(),
                content_id: source.id.clone(),
                factories: match assignment {
                    PackAssignment::AllFactories => None,
                    PackAssignment::Factories(ids) => Some(ids.clone()),
                },
            };
            let sha256 = workervoice_protocol::content::sha256_hex(&bytes);
            let id = crate::proposals::create(&tx, ProposalKind::Pack, &bytes, Some(&meta), "publish-pack")
                .map_err(|error| anyhow::anyhow!("storing the proposal: {error}"))?;
            (sha256, manifest.version, manifest.total_bytes(), Some(id))
        }
    };
    tx.commit()?;
    tracing::info!(kind, version, unchanged, "content pack prepared");
    Ok(PublishedPack {
        kind: source.kind,
        id: source.id,
        version,
        manifest_sha256,
        proposal_id,
        media: media.len(),
        total_bytes,
        unchanged,
    })
}

/// Publishes a manifest the key holder signed, with its assignment, if it
/// is the next version of its item; returns whether it was. The signature
/// has been verified by the caller.
pub(crate) fn publish_signed_manifest(
    tx: &crate::db::sql::Connection,
    signed: &SignedManifest,
    assignment: &PackAssignment,
) -> anyhow::Result<bool> {
    let manifest: Manifest = serde_json::from_slice(&signed.body).context("a signed manifest does not parse")?;
    let kind = manifest.kind.as_str();
    let previous: u64 = tx.query_row(
        "SELECT coalesce(max(version), 0) FROM content_manifests WHERE kind = ?1 AND content_id = ?2",
        params![kind, manifest.id],
        |row| column_u64(row, 0),
    )?;
    if manifest.version != previous + 1 {
        return Ok(false);
    }
    let sha256 = signed.sha256();
    tx.execute(
        "INSERT INTO content_manifests
             (sha256, kind, content_id, version, body, signature, total_bytes, published_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            sha256,
            kind,
            manifest.id,
            sql_u64(manifest.version),
            signed.body,
            signed.signature,
            sql_u64(manifest.total_bytes()),
            unix_now()
        ],
    )?;
    set_assignment(tx, kind, &manifest.id, &sha256, assignment)?;
    tracing::info!(kind, version = manifest.version, "content pack published");
    Ok(true)
}

/// Makes `manifest_sha256` the item's current manifest and replaces its
/// assignment.
fn set_assignment(
    tx: &crate::db::sql::Connection,
    kind: &str,
    content_id: &str,
    manifest_sha256: &str,
    assignment: &PackAssignment,
) -> anyhow::Result<()> {
    let all_factories = matches!(assignment, PackAssignment::AllFactories);
    tx.execute(
        "INSERT INTO content_items (kind, content_id, current_manifest, all_factories) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kind, content_id) DO UPDATE SET current_manifest = ?3, all_factories = ?4",
        params![kind, content_id, manifest_sha256, all_factories],
    )?;
    tx.execute("DELETE FROM content_assignments WHERE kind = ?1 AND content_id = ?2", params![kind, content_id])?;
    if let PackAssignment::Factories(ids) = assignment {
        for factory_id in ids {
            tx.execute(
                "INSERT INTO content_assignments (kind, content_id, factory_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                params![kind, content_id, factory_id],
            )?;
        }
    }
    Ok(())
}

/// Replaces every `"file:<path>"` string in `value` by `"sha256:<hex>"` of
/// the file, storing each file as a blob once and listing it in `media`.
fn replace_file_refs(
    value: &mut Value,
    folder: &Path,
    data_dir: &Path,
    media: &mut Vec<BlobRef>,
) -> anyhow::Result<()> {
    match value {
        Value::String(text) => {
            if let Some(relative) = text.strip_prefix(FILE_REF_PREFIX) {
                let path = resolve_in(folder, relative)?;
                let file = File::open(&path).with_context(|| format!("opening {}", path.display()))?;
                let stored =
                    blobs::store_blob(data_dir, file).with_context(|| format!("storing {}", path.display()))?;
                *text = format!("{MEDIA_REF_PREFIX}{}", stored.sha256);
                if !media.iter().any(|blob| blob.sha256 == stored.sha256) {
                    media.push(BlobRef { sha256: stored.sha256, size: stored.size, media_type: media_type(&path) });
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                replace_file_refs(item, folder, data_dir, media)?;
            }
        }
        Value::Object(map) => {
            for item in map.values_mut() {
                replace_file_refs(item, folder, data_dir, media)?;
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}

/// `relative` inside `folder`: no absolute paths, no `..`, no escaping
/// through a symbolic link.
fn resolve_in(folder: &Path, relative: &str) -> anyhow::Result<PathBuf> {
    let candidate = Path::new(relative);
    if relative.is_empty() || !candidate.components().all(|part| matches!(part, Component::Normal(_))) {
        bail!("media path {relative:?} must be relative to the pack folder, without '..'");
    }
    let root = folder.canonicalize().with_context(|| format!("opening {}", folder.display()))?;
    let path = root.join(candidate).canonicalize().with_context(|| format!("media file {relative:?}"))?;
    ensure!(path.starts_with(&root), "media path {relative:?} leads outside the pack folder");
    Ok(path)
}

/// The MIME type of a media file, by its extension.
fn media_type(path: &Path) -> String {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "ogg" | "oga" => "audio/ogg",
        "opus" => "audio/opus",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_paths_stay_inside_the_pack_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("img")).unwrap();
        std::fs::write(dir.path().join("img/a.png"), b"png").unwrap();
        assert!(resolve_in(dir.path(), "img/a.png").is_ok());
        assert!(resolve_in(dir.path(), "../a.png").is_err());
        assert!(resolve_in(dir.path(), "/etc/passwd").is_err());
        assert!(resolve_in(dir.path(), "").is_err());
        assert!(resolve_in(dir.path(), "img/missing.png").is_err());
    }
}
