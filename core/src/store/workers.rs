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
    /// Shared devices: profile and 8-bit PIN check sealed under the worker's
    /// key-store key, for an offline sign-in (see `crate::kiosk`).
    pub kiosk_offline: Option<Vec<u8>>,
    /// Day (unix days) of the last sign-in, for evicting unused vaults.
    pub last_used_day: i64,
}

const COLUMNS: &str = "local_id, lookup, kdf, wrapped_vault_key, pending_kdf, pending_wrapped_vault_key,
                       canary, profile, offline_share, offline_failures, created_at, kiosk_offline,
                       last_used_day";

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
        kiosk_offline: row.get(11)?,
        last_used_day: row.get(12)?,
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
        &format!("INSERT INTO workers ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
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
            row.created_at,
            row.kiosk_offline,
            row.last_used_day
        ],
    )?;
    Ok(())
}

/// What an online login refreshes in a vault row.
#[derive(Debug, Clone, Copy)]
pub struct AfterLogin<'a> {
    /// The profile sealed under the vault key.
    pub profile: &'a [u8],
    /// Personal devices: the sealed hub share.
    pub offline_share: Option<&'a [u8]>,
    /// Shared devices: the sealed kiosk offline sign-in data.
    pub kiosk_offline: Option<&'a [u8]>,
    /// Today, in unix days.
    pub day: i64,
}

/// Replaces the profile and the offline caches after a successful online login.
pub fn update_after_login(conn: &Connection, local_id: &str, after: &AfterLogin<'_>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE workers SET profile = ?2, offline_share = ?3, kiosk_offline = ?4, last_used_day = ?5,
                offline_failures = 0
         WHERE local_id = ?1",
        params![local_id, after.profile, after.offline_share, after.kiosk_offline, after.day],
    )?;
    Ok(())
}

/// Records a sign-in day (offline kiosk sign-ins, which change nothing else).
pub fn touch(conn: &Connection, local_id: &str, day: i64) -> Result<(), StoreError> {
    conn.execute("UPDATE workers SET last_used_day = ?2 WHERE local_id = ?1", params![local_id, day])?;
    Ok(())
}

/// Replaces the kiosk offline data (after a PIN change on the tablet).
pub fn set_kiosk_offline(conn: &Connection, local_id: &str, sealed: Option<&[u8]>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE workers SET kiosk_offline = ?2, offline_failures = 0 WHERE local_id = ?1",
        params![local_id, sealed],
    )?;
    Ok(())
}

/// Removes the kiosk offline data: the next sign-in must be online.
pub fn drop_kiosk_offline(conn: &Connection, local_id: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE workers SET kiosk_offline = NULL, offline_failures = 0 WHERE local_id = ?1",
        params![local_id],
    )?;
    Ok(())
}

/// Vaults to evict: unused since before `before_day`, plus the least
/// recently used beyond `keep` vaults. Local ids, oldest first.
pub fn eviction_candidates(conn: &Connection, before_day: i64, keep: u32) -> Result<Vec<String>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT local_id FROM workers WHERE last_used_day < ?1
         UNION
         SELECT local_id FROM (SELECT local_id FROM workers ORDER BY last_used_day DESC, created_at DESC
                               LIMIT -1 OFFSET ?2)",
    )?;
    let ids = statement.query_map(params![before_day, keep], |row| row.get(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(ids)
}

/// Deletes a vault row; its notes go with it (`ON DELETE CASCADE`). Its
/// drafts and cases, which have no owner column, can no longer be opened by
/// anyone (drafts expire by age; sealed cases stay until a wipe).
pub fn delete(conn: &Connection, local_id: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM workers WHERE local_id = ?1", params![local_id])?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(local_id: &str, last_used_day: i64) -> WorkerRow {
        WorkerRow {
            local_id: local_id.into(),
            lookup: local_id.as_bytes().to_vec(),
            kdf: "{}".into(),
            wrapped_vault_key: vec![1],
            pending_kdf: None,
            pending_wrapped_vault_key: None,
            canary: vec![2],
            profile: vec![3],
            offline_share: None,
            offline_failures: 0,
            created_at: last_used_day * 86_400,
            kiosk_offline: Some(vec![4]),
            last_used_day,
        }
    }

    #[test]
    fn eviction_picks_vaults_unused_too_long_and_the_least_recent_beyond_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).unwrap();
        let conn = store.conn();
        for (id, day) in [("stale", 10), ("old", 500), ("recent", 900), ("newest", 1000)] {
            insert(conn, &vault(id, day)).unwrap();
        }
        conn.execute("INSERT INTO notes (id, owner, created_at, body) VALUES ('n1', 'stale', 0, X'00')", []).unwrap();
        let mut picked = eviction_candidates(conn, 100, 10).unwrap();
        picked.sort();
        assert_eq!(picked, ["stale"], "only the vault unused since before day 100");
        let mut picked = eviction_candidates(conn, 100, 2).unwrap();
        picked.sort();
        assert_eq!(picked, ["old", "stale"], "beyond two vaults, the least recently used go");
        assert!(eviction_candidates(conn, 0, 10).unwrap().is_empty());

        delete(conn, "stale").unwrap();
        assert!(find(conn, b"stale").unwrap().is_none());
        let notes: i64 = conn.query_row("SELECT count(*) FROM notes", [], |row| row.get(0)).unwrap();
        assert_eq!(notes, 0, "the vault's notes go with it");
    }

    #[test]
    fn old_drafts_expire_by_age() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).unwrap();
        crate::store::drafts::put(store.conn(), b"a", b"sealed", 100).unwrap();
        crate::store::drafts::put(store.conn(), b"b", b"sealed", 5_000).unwrap();
        assert_eq!(crate::store::drafts::purge_older_than(store.conn(), 1_000).unwrap(), 1);
        assert!(crate::store::drafts::get(store.conn(), b"a").unwrap().is_none());
        assert!(crate::store::drafts::get(store.conn(), b"b").unwrap().is_some());
    }
}
