//! Worker vault rows: one per worker who has logged in on this device.
//! Only sealed values and a blind index are stored; no worker number, name or
//! language appears in clear.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// A worker vault row as stored.
#[derive(Debug, Clone)]
pub struct WorkerRow {
    /// Random local id (UUID); the owner of the worker's rows.
    pub local_id: String,
    /// Blind index of (factory, worker number).
    pub lookup: Vec<u8>,
    /// KDF parameters (JSON) the wrapped vault key was made with.
    pub kdf: String,
    /// Vault key sealed under the unlock key.
    pub wrapped_vault_key: Vec<u8>,
    /// During a PIN change: the new parameters…
    pub pending_kdf: Option<String>,
    /// …and the vault key wrapped under the new unlock key.
    pub pending_wrapped_vault_key: Option<Vec<u8>>,
    /// Canary sealed under the vault key.
    pub canary: Vec<u8>,
    /// Profile (JSON) sealed under the vault key.
    pub profile: Vec<u8>,
    /// Personal devices: the hub share sealed under the offline-unlock key.
    pub offline_share: Option<Vec<u8>>,
    /// Wrong PINs offline since the last good unlock.
    pub offline_failures: u32,
    /// Creation time (unix seconds).
    pub created_at: i64,
}

const COLUMNS: &str = "local_id, lookup, kdf, wrapped_vault_key, pending_kdf, pending_wrapped_vault_key,
                       canary, profile, offline_share, offline_failures, created_at";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<WorkerRow> {
    Ok(WorkerRow {
        local_id: row.get(0)?,
        lookup: row.get(1)?,
        kdf: row.get(2)?,
        wrapped_vault_key: row.get(3)?,
        pending_kdf: row.get(4)?,
        pending_wrapped_vault_key: row.get(5)?,
        canary: row.get(6)?,
        profile: row.get(7)?,
        offline_share: row.get(8)?,
        offline_failures: row.get(9)?,
        created_at: row.get(10)?,
    })
}

/// Finds a vault by its blind index.
pub fn find(conn: &Connection, lookup: &[u8]) -> Result<Option<WorkerRow>, StoreError> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM workers WHERE lookup = ?1"), params![lookup], from_row)
        .optional()?)
}

/// Inserts a new vault.
pub fn insert(conn: &Connection, row: &WorkerRow) -> Result<(), StoreError> {
    conn.execute(
        &format!("INSERT INTO workers ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
        params![
            row.local_id,
            row.lookup,
            row.kdf,
            row.wrapped_vault_key,
            row.pending_kdf,
            row.pending_wrapped_vault_key,
            row.canary,
            row.profile,
            row.offline_share,
            row.offline_failures,
            row.created_at
        ],
    )?;
    Ok(())
}

/// Replaces the profile and the offline cache after a successful online login.
pub fn update_after_login(
    conn: &Connection,
    local_id: &str,
    profile: &[u8],
    offline_share: Option<&[u8]>,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE workers SET profile = ?2, offline_share = ?3, offline_failures = 0 WHERE local_id = ?1",
        params![local_id, profile, offline_share],
    )?;
    Ok(())
}

/// Stores the re-wrapped vault key of a PIN change that the hub has not confirmed yet.
pub fn set_pending_wrap(conn: &Connection, local_id: &str, kdf: &str, wrapped: &[u8]) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE workers SET pending_kdf = ?2, pending_wrapped_vault_key = ?3 WHERE local_id = ?1",
        params![local_id, kdf, wrapped],
    )?;
    Ok(())
}

/// Makes the pending wrap current (the hub confirmed the new PIN).
pub fn commit_pending_wrap(conn: &Connection, local_id: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE workers SET kdf = pending_kdf, wrapped_vault_key = pending_wrapped_vault_key,
                pending_kdf = NULL, pending_wrapped_vault_key = NULL
         WHERE local_id = ?1 AND pending_kdf IS NOT NULL",
        params![local_id],
    )?;
    Ok(())
}

/// Drops a pending wrap (the hub refused the change).
pub fn clear_pending_wrap(conn: &Connection, local_id: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE workers SET pending_kdf = NULL, pending_wrapped_vault_key = NULL WHERE local_id = ?1",
        params![local_id],
    )?;
    Ok(())
}

/// Replaces the wrap of the vault key (after a PIN changed elsewhere was
/// caught up on this device); drops any pending wrap.
pub fn replace_wrap(conn: &Connection, local_id: &str, kdf: &str, wrapped: &[u8]) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE workers SET kdf = ?2, wrapped_vault_key = ?3, pending_kdf = NULL, pending_wrapped_vault_key = NULL
         WHERE local_id = ?1",
        params![local_id, kdf, wrapped],
    )?;
    Ok(())
}

/// Counts a wrong offline PIN; returns the new count.
pub fn count_offline_failure(conn: &Connection, local_id: &str) -> Result<u32, StoreError> {
    Ok(conn.query_row(
        "UPDATE workers SET offline_failures = offline_failures + 1 WHERE local_id = ?1
         RETURNING offline_failures",
        params![local_id],
        |row| row.get(0),
    )?)
}

/// Removes the offline cache: the next unlock must be online.
pub fn drop_offline_cache(conn: &Connection, local_id: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE workers SET offline_share = NULL, offline_failures = 0 WHERE local_id = ?1",
        params![local_id],
    )?;
    Ok(())
}

/// Resets the offline failure count after a good offline unlock.
pub fn reset_offline_failures(conn: &Connection, local_id: &str) -> Result<(), StoreError> {
    conn.execute("UPDATE workers SET offline_failures = 0 WHERE local_id = ?1", params![local_id])?;
    Ok(())
}
