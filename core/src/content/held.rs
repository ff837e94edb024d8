//! What the device holds of the content channel, in its database: the
//! catalog the hub last sent (and its ETag), one verified manifest per item,
//! and the blobs on disk with their last use.

use rusqlite::{Connection, OptionalExtension, params};
use workervoice_protocol::content::{CatalogEntry, ContentKind, Manifest, SignedManifest};

use crate::store::StoreError;

fn to_i64(value: u64, what: &'static str) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Malformed(what))
}

fn to_u64(value: i64, what: &'static str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Malformed(what))
}

/// The ETag of the catalog held, if any.
pub fn etag(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn.query_row("SELECT etag FROM content_sync WHERE id = 1", [], |row| row.get(0)).optional()?)
}

/// Replaces the held catalog with `entries` under `etag`.
pub fn save_catalog(conn: &Connection, etag: &str, entries: &[CatalogEntry], now: i64) -> Result<(), StoreError> {
    conn.execute("DELETE FROM content_catalog", [])?;
    for entry in entries {
        conn.execute(
            "INSERT OR REPLACE INTO content_catalog (kind, id, version, manifest_sha256, total_bytes)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                entry.kind.as_str(),
                entry.id,
                to_i64(entry.version, "catalog version")?,
                entry.manifest_sha256,
                to_i64(entry.total_bytes, "catalog size")?
            ],
        )?;
    }
    conn.execute(
        "INSERT INTO content_sync (id, etag, synced_at) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET etag = ?1, synced_at = ?2",
        params![etag, now],
    )?;
    Ok(())
}

/// The held catalog, by kind and id.
pub fn catalog(conn: &Connection) -> Result<Vec<CatalogEntry>, StoreError> {
    let mut statement =
        conn.prepare("SELECT kind, id, version, manifest_sha256, total_bytes FROM content_catalog ORDER BY kind, id")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get(1)?, row.get::<_, i64>(2)?, row.get(3)?, row.get::<_, i64>(4)?))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (kind, id, version, manifest_sha256, total_bytes) = row?;
        let kind = ContentKind::parse(&kind).ok_or(StoreError::Malformed("content kind"))?;
        entries.push(CatalogEntry {
            kind,
            id,
            version: to_u64(version, "catalog version")?,
            manifest_sha256,
            total_bytes: to_u64(total_bytes, "catalog size")?,
        });
    }
    Ok(entries)
}

/// A held manifest: its address, its signed bytes, and the version stored
/// beside it (for rollback checks without re-parsing).
#[derive(Debug, Clone)]
pub struct HeldManifest {
    /// SHA-256 of the signed body.
    pub sha256: String,
    /// Version.
    pub version: u64,
    /// The signed manifest, to re-verify before use.
    pub signed: SignedManifest,
}

/// The manifest held for an item.
pub fn manifest(conn: &Connection, kind: ContentKind, id: &str) -> Result<Option<HeldManifest>, StoreError> {
    let row: Option<(String, i64, Vec<u8>, Vec<u8>)> = conn
        .query_row(
            "SELECT sha256, version, body, signature FROM content_manifests WHERE kind = ?1 AND id = ?2",
            params![kind.as_str(), id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    row.map(|(sha256, version, body, signature)| {
        Ok(HeldManifest {
            sha256,
            version: to_u64(version, "manifest version")?,
            signed: SignedManifest { body, signature },
        })
    })
    .transpose()
}

/// Every held manifest's body, parsed without re-verifying (to know which
/// blobs are referenced; anything used is re-verified by its reader).
pub fn manifests(conn: &Connection) -> Result<Vec<Manifest>, StoreError> {
    let mut statement = conn.prepare("SELECT body FROM content_manifests")?;
    let bodies = statement.query_map([], |row| row.get::<_, Vec<u8>>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(bodies.iter().filter_map(|body| serde_json::from_slice(body).ok()).collect())
}

/// Stores a verified manifest as the one held for its item.
pub fn save_manifest(
    conn: &Connection,
    manifest: &Manifest,
    signed: &SignedManifest,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO content_manifests (kind, id, version, sha256, body, signature, fetched_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (kind, id) DO UPDATE SET version = ?3, sha256 = ?4, body = ?5, signature = ?6, fetched_at = ?7",
        params![
            manifest.kind.as_str(),
            manifest.id,
            to_i64(manifest.version, "manifest version")?,
            signed.sha256(),
            signed.body,
            signed.signature,
            now
        ],
    )?;
    Ok(())
}

/// Drops the manifests of items no longer in the catalog.
pub fn drop_manifests_not_in_catalog(conn: &Connection) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "DELETE FROM content_manifests WHERE NOT EXISTS
           (SELECT 1 FROM content_catalog c WHERE c.kind = content_manifests.kind AND c.id = content_manifests.id)",
        [],
    )?)
}

/// Whether a verified blob is recorded as held.
pub fn has_blob(conn: &Connection, sha256: &str) -> Result<bool, StoreError> {
    Ok(conn.query_row("SELECT 1 FROM content_blobs WHERE sha256 = ?1", [sha256], |_| Ok(())).optional()?.is_some())
}

/// Records a verified blob (or its use), with `now` as its last use.
pub fn record_blob(conn: &Connection, sha256: &str, size: u64, now: i64) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO content_blobs (sha256, size, last_used) VALUES (?1, ?2, ?3)
         ON CONFLICT (sha256) DO UPDATE SET last_used = max(last_used, ?3)",
        params![sha256, to_i64(size, "blob size")?, now],
    )?;
    Ok(())
}

/// Marks blobs as used now.
pub fn touch_blobs<'a>(
    conn: &Connection,
    blobs: impl IntoIterator<Item = &'a str>,
    now: i64,
) -> Result<(), StoreError> {
    for sha256 in blobs {
        conn.execute(
            "UPDATE content_blobs SET last_used = max(last_used, ?2) WHERE sha256 = ?1",
            params![sha256, now],
        )?;
    }
    Ok(())
}

/// Forgets a blob (its file is deleted by the caller).
pub fn forget_blob(conn: &Connection, sha256: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM content_blobs WHERE sha256 = ?1", [sha256])?;
    Ok(())
}

/// Bytes of all held blobs.
pub fn held_bytes(conn: &Connection) -> Result<u64, StoreError> {
    let total: i64 = conn.query_row("SELECT coalesce(sum(size), 0) FROM content_blobs", [], |row| row.get(0))?;
    to_u64(total, "blob sizes")
}

/// Held blobs, least recently used first: `(sha256, size)`.
pub fn blobs_by_age(conn: &Connection) -> Result<Vec<(String, u64)>, StoreError> {
    let mut statement = conn.prepare("SELECT sha256, size FROM content_blobs ORDER BY last_used, sha256")?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))?;
    let mut blobs = Vec::new();
    for row in rows {
        let (sha256, size) = row?;
        blobs.push((sha256, to_u64(size, "blob size")?));
    }
    Ok(blobs)
}
