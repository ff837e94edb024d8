//! A worker's own cases on a personal device, and their events, sealed under
//! the vault key. Shared devices keep none: reading history needs the hub.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// A case row (sealed fields still sealed).
#[derive(Debug, Clone)]
pub struct CaseRow {
    /// Public case id.
    pub case_id: String,
    /// Owner's local id.
    pub owner: String,
    /// The submission's client id (joins the outbox for delivery state).
    pub client_id: String,
    /// Sealed under the vault key: receipt secret and the worker's own copy.
    pub sealed: Vec<u8>,
    /// Last known status (wire name).
    pub status: String,
    /// Highest event `seq` applied.
    pub cursor: u64,
    /// Last change, unix seconds.
    pub updated_at: i64,
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        case_id: row.get(0)?,
        owner: row.get(1)?,
        client_id: row.get(2)?,
        sealed: row.get(3)?,
        status: row.get(4)?,
        cursor: u64::try_from(row.get::<_, i64>(5)?).unwrap_or_default(),
        updated_at: row.get(6)?,
    })
}

const COLUMNS: &str = "case_id, owner, client_id, sealed, status, cursor, updated_at";

/// Inserts a new case.
pub fn insert(conn: &Connection, row: &CaseRow) -> Result<(), StoreError> {
    conn.execute(
        &format!("INSERT INTO cases ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        params![row.case_id, row.owner, row.client_id, row.sealed, row.status, row.cursor as i64, row.updated_at],
    )?;
    Ok(())
}

/// The owner's cases, most recently changed first.
pub fn list(conn: &Connection, owner: &str) -> Result<Vec<CaseRow>, StoreError> {
    let mut statement = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM cases WHERE owner = ?1 ORDER BY updated_at DESC, case_id"))?;
    let rows = statement.query_map(params![owner], from_row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// One of the owner's cases.
pub fn get(conn: &Connection, owner: &str, case_id: &str) -> Result<Option<CaseRow>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM cases WHERE owner = ?1 AND case_id = ?2"),
            params![owner, case_id],
            from_row,
        )
        .optional()?)
}

/// Applies one case's new events: inserts them (ignoring any already held),
/// sets status and cursor. Call inside the batch's transaction.
pub fn apply_events(
    conn: &Connection,
    owner: &str,
    case_id: &str,
    status: &str,
    cursor: u64,
    events: &[(u64, Vec<u8>)],
    now: i64,
) -> Result<(), StoreError> {
    let mut insert =
        conn.prepare_cached("INSERT OR IGNORE INTO case_events (case_id, seq, owner, sealed) VALUES (?1, ?2, ?3, ?4)")?;
    for (seq, sealed) in events {
        insert.execute(params![case_id, *seq as i64, owner, sealed])?;
    }
    conn.execute(
        "UPDATE cases SET status = ?3, cursor = max(cursor, ?4), updated_at = ?5 WHERE owner = ?1 AND case_id = ?2",
        params![owner, case_id, status, cursor as i64, now],
    )?;
    Ok(())
}

/// A case's events in order: (seq, sealed).
pub fn events(conn: &Connection, owner: &str, case_id: &str) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT seq, sealed FROM case_events WHERE owner = ?1 AND case_id = ?2 ORDER BY seq")?;
    let rows = statement
        .query_map(params![owner, case_id], |row| {
            Ok((u64::try_from(row.get::<_, i64>(0)?).unwrap_or_default(), row.get(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
