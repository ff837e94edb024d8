//! A worker's own cases on a personal device, and their events, sealed under
//! the vault key. Shared devices keep none: reading history needs the hub.
//!
//! Rows have no owner column and their ids are keyed hashes under the vault
//! key (as for drafts): the file does not say which case ids a worker has,
//! their status, their sync cursor, nor which cases belong to one worker
//! (ADR 0016). The case id, status and cursor are inside the sealed bytes
//! (`grievance::cases`).
//!
//! `cases` and `case_events` are the tables of schema versions 1–8, which
//! kept the case id, owner and status in clear. Rows there are converted at
//! their worker's next sign-in (only then is the vault key open) and deleted.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// A sealed row: its keyed-hash id and its sealed bytes.
pub type SealedRow = (Vec<u8>, Vec<u8>);

/// Inserts or replaces a sealed case row.
pub fn put(conn: &Connection, id: &[u8], sealed: &[u8]) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO sealed_cases (id, sealed) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET sealed = ?2",
        params![id, sealed],
    )?;
    Ok(())
}

/// A sealed case row's bytes.
pub fn get(conn: &Connection, id: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn.query_row("SELECT sealed FROM sealed_cases WHERE id = ?1", params![id], |row| row.get(0)).optional()?)
}

/// Every sealed case row, (id, sealed): whose they are only their worker's
/// vault key can tell, by opening them.
pub fn all(conn: &Connection) -> Result<Vec<SealedRow>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT id, sealed FROM sealed_cases")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Adds a sealed event of the case `case_ref` unless one with this `id` is
/// already held (replayed updates change nothing).
pub fn insert_event(conn: &Connection, id: &[u8], case_ref: &[u8], sealed: &[u8]) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR IGNORE INTO sealed_case_events (id, case_ref, sealed) VALUES (?1, ?2, ?3)")?
        .execute(params![id, case_ref, sealed])?;
    Ok(())
}

/// The sealed events of the case `case_ref`, (id, sealed), in no particular
/// order (their `seq` is inside the sealed bytes).
pub fn events(conn: &Connection, case_ref: &[u8]) -> Result<Vec<SealedRow>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT id, sealed FROM sealed_case_events WHERE case_ref = ?1")?;
    let rows =
        statement.query_map(params![case_ref], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// A case row of schema versions 1–8 (case id, owner and status in clear).
#[derive(Debug, Clone)]
pub struct LegacyCaseRow {
    /// Public case id.
    pub case_id: String,
    /// The submission's outbox id.
    pub client_id: String,
    /// Sealed under the vault key (table `cases`, row = case id).
    pub sealed: Vec<u8>,
    /// Last known status (wire name).
    pub status: String,
    /// Highest event `seq` applied.
    pub cursor: u64,
    /// Last change, unix seconds.
    pub updated_at: i64,
}

/// `owner`'s case rows still in the old clear-id table.
pub fn legacy_of(conn: &Connection, owner: &str) -> Result<Vec<LegacyCaseRow>, StoreError> {
    let mut statement = conn
        .prepare_cached("SELECT case_id, client_id, sealed, status, cursor, updated_at FROM cases WHERE owner = ?1")?;
    let rows = statement
        .query_map(params![owner], |row| {
            Ok(LegacyCaseRow {
                case_id: row.get(0)?,
                client_id: row.get(1)?,
                sealed: row.get(2)?,
                status: row.get(3)?,
                cursor: u64::try_from(row.get::<_, i64>(4)?).unwrap_or_default(),
                updated_at: row.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// A legacy case's events, (seq, sealed).
pub fn legacy_events(conn: &Connection, owner: &str, case_id: &str) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT seq, sealed FROM case_events WHERE owner = ?1 AND case_id = ?2 ORDER BY seq")?;
    let rows = statement
        .query_map(params![owner, case_id], |row| {
            Ok((u64::try_from(row.get::<_, i64>(0)?).unwrap_or_default(), row.get(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Deletes `owner`'s legacy rows (securely: `secure_delete` is on).
pub fn delete_legacy(conn: &Connection, owner: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM case_events WHERE owner = ?1", params![owner])?;
    conn.execute("DELETE FROM cases WHERE owner = ?1", params![owner])?;
    Ok(())
}
