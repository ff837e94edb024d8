//! Work in progress (a half-written report, a half-filled survey), sealed
//! under the worker's vault key.
//!
//! Rows have no owner column and their id is a keyed hash under the vault
//! key: on a shared tablet, the file does not say which worker has an
//! unfinished report, nor even which drafts belong together.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// Inserts or replaces a draft.
pub fn put(conn: &Connection, id: &[u8], sealed: &[u8], now: i64) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO drafts (id, sealed, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET sealed = ?2, updated_at = ?3",
        params![id, sealed, now],
    )?;
    Ok(())
}

/// A draft's sealed bytes.
pub fn get(conn: &Connection, id: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn.query_row("SELECT sealed FROM drafts WHERE id = ?1", params![id], |row| row.get(0)).optional()?)
}

/// Marks a draft as saved at `now` without rewriting it (no-op when it
/// does not exist): a draft's attachment rows share its age, so the age
/// limit never takes a photo and leaves the words, or the other way round.
pub fn touch(conn: &Connection, id: &[u8], now: i64) -> Result<(), StoreError> {
    conn.execute("UPDATE drafts SET updated_at = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}

/// When a draft was last saved (unix seconds), if it exists.
pub fn updated_at(conn: &Connection, id: &[u8]) -> Result<Option<i64>, StoreError> {
    Ok(conn.query_row("SELECT updated_at FROM drafts WHERE id = ?1", params![id], |row| row.get(0)).optional()?)
}

/// Deletes drafts not saved since `cutoff` (unix seconds); returns how many.
pub fn purge_older_than(conn: &Connection, cutoff: i64) -> Result<usize, StoreError> {
    Ok(conn.execute("DELETE FROM drafts WHERE updated_at < ?1", params![cutoff])?)
}

/// Deletes a draft (securely: `secure_delete` is on).
pub fn delete(conn: &Connection, id: &[u8]) -> Result<(), StoreError> {
    conn.execute("DELETE FROM drafts WHERE id = ?1", params![id])?;
    Ok(())
}
