//! Offline kiosk sign-ins waiting for the hub: the PIN proof sealed to the
//! hub's offline sign-in key (the tablet cannot open it) under a random id.
//! Nothing in a row says which worker signed in. A row goes once the hub has
//! decided; the outcome lives on in the outbox items it held.

use rusqlite::{Connection, params};

use super::StoreError;

/// A sign-in waiting for the hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignIn {
    /// Random id (UUID), also the `held_by` of its outbox items.
    pub id: String,
    /// HPKE encapsulated key.
    pub enc: Vec<u8>,
    /// The sealed proof.
    pub sealed: Vec<u8>,
    /// When (unix seconds).
    pub created_at: i64,
}

/// Stores a new pending sign-in.
pub fn insert(conn: &Connection, pending: &PendingSignIn) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO offline_sign_ins (id, enc, sealed, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![pending.id, pending.enc, pending.sealed, pending.created_at],
    )?;
    Ok(())
}

/// Every pending sign-in, oldest first.
pub fn pending(conn: &Connection) -> Result<Vec<PendingSignIn>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT id, enc, sealed, created_at FROM offline_sign_ins ORDER BY created_at, id")?;
    let rows = statement
        .query_map([], |row| {
            Ok(PendingSignIn { id: row.get(0)?, enc: row.get(1)?, sealed: row.get(2)?, created_at: row.get(3)? })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Removes a decided sign-in (securely: `secure_delete` is on).
pub fn remove(conn: &Connection, id: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM offline_sign_ins WHERE id = ?1", params![id])?;
    Ok(())
}
