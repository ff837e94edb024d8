//! Each worker's one-time survey tokens, sealed under their vault key (see
//! `surveys::tokens`). Like drafts, rows have no owner column and
//! their id is a keyed hash under the vault key, so a shared tablet's file
//! does not say which worker holds a token for which survey.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// Inserts or replaces a token row.
pub fn put(conn: &Connection, id: &[u8], sealed: &[u8], now: i64) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO survey_tokens (id, sealed, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET sealed = ?2, updated_at = ?3",
        params![id, sealed, now],
    )?;
    Ok(())
}

/// A token row's sealed bytes.
pub fn get(conn: &Connection, id: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn.query_row("SELECT sealed FROM survey_tokens WHERE id = ?1", params![id], |row| row.get(0)).optional()?)
}

/// Deletes rows not written since `cutoff` (unix seconds): tokens of
/// surveys long closed, and those of vaults a tablet forgot.
pub fn purge_older_than(conn: &Connection, cutoff: i64) -> Result<usize, StoreError> {
    Ok(conn.execute("DELETE FROM survey_tokens WHERE updated_at < ?1", params![cutoff])?)
}
