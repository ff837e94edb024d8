//! Worker-private notes: the simplest record a worker owns, sealed under the
//! worker's vault key. They prove the vault end to end and carry the store's
//! throughput benchmark.

use rusqlite::{Connection, params};

use super::StoreError;

/// A note row as stored.
#[derive(Debug, Clone)]
pub struct NoteRow {
    /// Client-generated id (UUID).
    pub id: String,
    /// Owner's local id.
    pub owner: String,
    /// Creation time (unix milliseconds).
    pub created_at: i64,
    /// Body sealed under the owner's vault key.
    pub body: Vec<u8>,
}

/// Inserts notes (call inside a transaction for batches).
pub fn insert(conn: &Connection, rows: &[NoteRow]) -> Result<(), StoreError> {
    let mut statement =
        conn.prepare_cached("INSERT INTO notes (id, owner, created_at, body) VALUES (?1, ?2, ?3, ?4)")?;
    for row in rows {
        statement.execute(params![row.id, row.owner, row.created_at, row.body])?;
    }
    Ok(())
}

/// A page of one owner's notes, newest first.
pub fn list(conn: &Connection, owner: &str, limit: u32, offset: u32) -> Result<Vec<NoteRow>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT id, owner, created_at, body FROM notes WHERE owner = ?1
         ORDER BY created_at DESC, id LIMIT ?2 OFFSET ?3",
    )?;
    let rows = statement
        .query_map(params![owner, limit, offset], |row| {
            Ok(NoteRow { id: row.get(0)?, owner: row.get(1)?, created_at: row.get(2)?, body: row.get(3)? })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Number of notes an owner has.
pub fn count(conn: &Connection, owner: &str) -> Result<u64, StoreError> {
    let count: i64 = conn.query_row("SELECT count(*) FROM notes WHERE owner = ?1", params![owner], |row| row.get(0))?;
    u64::try_from(count).map_err(|_| StoreError::Malformed("notes count"))
}
