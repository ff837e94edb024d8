//! Rows of a worker's training progress: log entries and state, each sealed
//! under the vault key (see `crate::training`).

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use workervoice_protocol::progress::{Earned, ProgressEvent};

use super::StoreError;

/// One entry of the worker's log: what a `progress_events` row holds, sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedEvent {
    /// The event. Its time is on the hub's clock as the device knew it when
    /// recording, and the hub's own once pulled back.
    pub event: ProgressEvent,
    /// What it earned (the hub's word once pulled back).
    pub earned: Earned,
}

/// Inserts or replaces a log entry (the hub's version replaces the device's).
pub fn put_event(conn: &Connection, id: &str, owner: &str, sealed: &[u8]) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO progress_events (id, owner, sealed) VALUES (?1, ?2, ?3)
         ON CONFLICT (owner, id) DO UPDATE SET sealed = ?3",
        params![id, owner, sealed],
    )?;
    Ok(())
}

/// A worker's log entries: (id, sealed).
pub fn events(conn: &Connection, owner: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT id, sealed FROM progress_events WHERE owner = ?1 ORDER BY id")?;
    let rows = statement.query_map(params![owner], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// A worker's pull cursor and sealed state, as stored.
pub type StateRow = (u64, Option<Vec<u8>>);

/// A worker's pull cursor and sealed state.
pub fn state(conn: &Connection, owner: &str) -> Result<Option<StateRow>, StoreError> {
    Ok(conn
        .query_row("SELECT cursor, sealed FROM progress_state WHERE owner = ?1", params![owner], |row| {
            Ok((u64::try_from(row.get::<_, i64>(0)?).unwrap_or(0), row.get(1)?))
        })
        .optional()?)
}

/// Saves a worker's pull cursor and sealed state.
pub fn set_state(conn: &Connection, owner: &str, cursor: u64, sealed: &[u8]) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO progress_state (owner, cursor, sealed) VALUES (?1, ?2, ?3)
         ON CONFLICT (owner) DO UPDATE SET cursor = ?2, sealed = ?3",
        params![owner, i64::try_from(cursor).unwrap_or(i64::MAX), sealed],
    )?;
    Ok(())
}
