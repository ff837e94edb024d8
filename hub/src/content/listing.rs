//! `GET /admin/v1/content`: the training modules and surveys the programme
//! published, for the staff console's "Published packs" page. Per item its
//! versions (when published, size, media, whether the key holder's signature
//! is on it, checked again here under the programme's public key), and the
//! factories it is assigned to.
//!
//! Scoped like the factory list: programme admins and auditors see every
//! item, and the versions still awaiting the key holder; factory admins and
//! brand staff see the items assigned to every factory or to one of theirs,
//! with only their own factories named, and only what devices can see.

use std::collections::BTreeMap;

use crate::db::sql::Connection;
use axum::Json;
use axum::extract::{Extension, State};
use workervoice_protocol::content::{ContentKind, Manifest};
use workervoice_protocol::proposal::ProposalKind;
use workervoice_protocol::staff::StaffRole;
use workervoice_protocol::staff_lists::{PublishedItem, PublishedVersion, SignatureState};

use crate::db::column_u64;
use crate::error::ApiError;
use crate::proposals::PackMeta;
use crate::staff::guard::StaffActor;
use crate::state::AppState;

/// One version as read, before its signature is checked.
struct VersionRow {
    kind: String,
    content_id: String,
    version: PublishedVersion,
    body: Vec<u8>,
    signature: Vec<u8>,
    titles: BTreeMap<String, String>,
}

/// What the database holds, read in one transaction.
struct Stored {
    /// (kind, id) → (current manifest, all factories).
    items: BTreeMap<(String, String), (String, bool)>,
    assignments: Vec<(String, String, String)>,
    versions: Vec<VersionRow>,
    /// Pack proposals awaiting the key holder: (meta, manifest body, id, created at).
    pending: Vec<(PackMeta, Vec<u8>, String, i64)>,
}

fn read_stored(connection: &Connection, with_pending: bool) -> Result<Stored, ApiError> {
    let mut items = BTreeMap::new();
    let mut statement =
        connection.prepare("SELECT kind, content_id, current_manifest, all_factories FROM content_items")?;
    for row in statement.query_map([], |row| {
        Ok((
            (row.get::<_, String>(0)?, row.get::<_, String>(1)?),
            (row.get::<_, String>(2)?, row.get::<_, i64>(3)? == 1),
        ))
    })? {
        let (key, value) = row?;
        items.insert(key, value);
    }
    let mut statement = connection.prepare("SELECT kind, content_id, factory_id FROM content_assignments")?;
    let assignments =
        statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect::<Result<Vec<_>, _>>()?;
    let mut statement = connection.prepare(
        "SELECT kind, content_id, version, sha256, published_at, total_bytes, body, signature
           FROM content_manifests ORDER BY kind, content_id, version DESC",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            column_u64(row, 2)?,
            row.get::<_, String>(3)?,
            row.get::<_, i64>(4)?,
            column_u64(row, 5)?,
            row.get::<_, Vec<u8>>(6)?,
            row.get::<_, Vec<u8>>(7)?,
        ))
    })?;
    let mut versions = Vec::new();
    for row in rows {
        let (kind, content_id, version, manifest_sha256, published_at, total_bytes, body, signature) = row?;
        let manifest: Manifest =
            serde_json::from_slice(&body).map_err(|_| ApiError::internal("a stored manifest does not parse"))?;
        versions.push(VersionRow {
            kind,
            content_id,
            version: PublishedVersion {
                version,
                manifest_sha256,
                published_at,
                total_bytes,
                media: u32::try_from(manifest.media.len()).unwrap_or(u32::MAX),
                signature: SignatureState::Awaiting,
                proposal_id: None,
            },
            body,
            signature,
            titles: manifest.titles,
        });
    }
    let mut pending = Vec::new();
    if with_pending {
        let mut statement = connection.prepare(
            "SELECT id, body, meta, created_at FROM proposals
              WHERE kind = 'pack' AND state = 'pending' ORDER BY created_at, id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?, row.get::<_, Option<String>>(2)?, row.get(3)?))
        })?;
        for row in rows {
            let (id, body, meta, created_at) = row?;
            let meta: PackMeta = meta
                .as_deref()
                .and_then(|text| serde_json::from_str(text).ok())
                .ok_or_else(|| ApiError::internal("a pack proposal has no assignment"))?;
            pending.push((meta, body, id, created_at));
        }
    }
    Ok(Stored { items, assignments, versions, pending })
}

/// The handler: every item the actor may see, by kind then id.
pub(crate) async fn list(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
) -> Result<Json<Vec<PublishedItem>>, ApiError> {
    let programme_wide = actor
        .principal
        .as_ref()
        .is_some_and(|principal| matches!(principal.role, StaffRole::ProgrammeAdmin | StaffRole::Auditor));
    let stored = state.db.read(move |connection| read_stored(connection, programme_wide)).await?;

    let mut listed: BTreeMap<(String, String), PublishedItem> = BTreeMap::new();
    let new_item = |kind: &str, id: &str| -> Result<PublishedItem, ApiError> {
        Ok(PublishedItem {
            kind: ContentKind::parse(kind).ok_or_else(|| ApiError::internal("a content row has an unknown kind"))?,
            id: id.to_owned(),
            titles: BTreeMap::new(),
            current_version: None,
            all_factories: false,
            factory_ids: Vec::new(),
            versions: Vec::new(),
        })
    };
    for ((kind, id), (current, all_factories)) in &stored.items {
        let mut item = new_item(kind, id)?;
        item.all_factories = *all_factories;
        item.factory_ids = stored
            .assignments
            .iter()
            .filter(|(k, i, factory)| k == kind && i == id && (programme_wide || actor.sees_factory(factory)))
            .map(|(_, _, factory)| factory.clone())
            .collect();
        // A scoped account sees an item only when it reaches one of its factories.
        if !programme_wide && !item.all_factories && item.factory_ids.is_empty() {
            continue;
        }
        item.current_version =
            stored.versions.iter().find(|row| row.version.manifest_sha256 == *current).map(|row| row.version.version);
        listed.insert((kind.clone(), id.clone()), item);
    }
    for row in stored.versions {
        let Some(item) = listed.get_mut(&(row.kind.clone(), row.content_id.clone())) else { continue };
        let mut version = row.version;
        version.signature = if state.programme.verifies(ProposalKind::Pack, &row.body, &row.signature) {
            SignatureState::Verified
        } else {
            SignatureState::Invalid
        };
        if item.titles.is_empty() {
            item.titles = row.titles;
        }
        item.versions.push(version);
    }
    for (meta, body, proposal_id, created_at) in stored.pending {
        let Ok(manifest) = serde_json::from_slice::<Manifest>(&body) else {
            return Err(ApiError::internal("a pack proposal does not parse"));
        };
        let key = (meta.kind.clone(), meta.content_id.clone());
        if !listed.contains_key(&key) {
            let mut item = new_item(&meta.kind, &meta.content_id)?;
            item.all_factories = meta.factories.is_none();
            item.factory_ids = meta.factories.clone().unwrap_or_default();
            listed.insert(key.clone(), item);
        }
        let Some(item) = listed.get_mut(&key) else { continue };
        let version = PublishedVersion {
            version: manifest.version,
            manifest_sha256: workervoice_protocol::content::sha256_hex(&body),
            published_at: created_at,
            total_bytes: manifest.total_bytes(),
            media: u32::try_from(manifest.media.len()).unwrap_or(u32::MAX),
            signature: SignatureState::Awaiting,
            proposal_id: Some(proposal_id),
        };
        // The newest proposal names the titles devices will show next.
        item.titles = manifest.titles;
        item.versions.insert(0, version);
    }
    Ok(Json(listed.into_values().collect()))
}
