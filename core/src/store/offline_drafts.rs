//! Drafts of workers signed in offline on a kiosk: sealed (HPKE) to the
//! worker's draft key, whose private half only their open vault derives.
//!
//! The tablet cannot open them, and nothing in a row says whose they are: the
//! id is random, and a worker's next online sign-in finds theirs by trying
//! its key on each row. `held_by` names the offline sign-in that wrote the
//! row until the hub confirms it (rows of a rejected sign-in are deleted:
//! someone who guessed a PIN check must not plant a draft in a worker's vault).

use rusqlite::{Connection, params};

use super::StoreError;

/// One sealed offline draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineDraft {
    /// Random id (16 bytes), also bound into the seal.
    pub id: Vec<u8>,
    /// HPKE encapsulated key.
    pub enc: Vec<u8>,
    /// Name and content, sealed.
    pub sealed: Vec<u8>,
    /// When it was last saved (unix seconds).
    pub updated_at: i64,
}

/// Inserts or replaces an offline draft, held by `held_by` until its sign-in is confirmed.
pub fn put(conn: &Connection, draft: &OfflineDraft, held_by: Option<&str>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO offline_drafts (id, held_by, enc, sealed, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET held_by = ?2, enc = ?3, sealed = ?4, updated_at = ?5",
        params![draft.id, held_by, draft.enc, draft.sealed, draft.updated_at],
    )?;
    Ok(())
}

/// Drafts whose sign-in the hub confirmed (or that were saved after it did).
pub fn released(conn: &Connection) -> Result<Vec<OfflineDraft>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT id, enc, sealed, updated_at FROM offline_drafts WHERE held_by IS NULL")?;
    let rows = statement
        .query_map([], |row| {
            Ok(OfflineDraft { id: row.get(0)?, enc: row.get(1)?, sealed: row.get(2)?, updated_at: row.get(3)? })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The hub confirmed the sign-in: its drafts may reach the worker's vault.
pub fn release(conn: &Connection, sign_in_id: &str) -> Result<usize, StoreError> {
    Ok(conn.execute("UPDATE offline_drafts SET held_by = NULL WHERE held_by = ?1", params![sign_in_id])?)
}

/// The hub rejected the sign-in: its drafts are deleted (securely).
pub fn drop_held(conn: &Connection, sign_in_id: &str) -> Result<usize, StoreError> {
    Ok(conn.execute("DELETE FROM offline_drafts WHERE held_by = ?1", params![sign_in_id])?)
}

/// Marks an offline draft as saved at `now` without rewriting it (no-op
/// when it does not exist), as [`super::drafts::touch`] does.
pub fn touch(conn: &Connection, id: &[u8], now: i64) -> Result<(), StoreError> {
    conn.execute("UPDATE offline_drafts SET updated_at = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}

/// Deletes one offline draft.
pub fn delete(conn: &Connection, id: &[u8]) -> Result<(), StoreError> {
    conn.execute("DELETE FROM offline_drafts WHERE id = ?1", params![id])?;
    Ok(())
}

/// Deletes offline drafts not saved since `cutoff` (unix seconds); returns how many.
pub fn purge_older_than(conn: &Connection, cutoff: i64) -> Result<usize, StoreError> {
    Ok(conn.execute("DELETE FROM offline_drafts WHERE updated_at < ?1", params![cutoff])?)
}
