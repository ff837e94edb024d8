//! The device database: one SQLite file, sensitive fields sealed by the
//! callers (see `crypto`), schema upgrades in transactions.
//!
//! Settings and why:
//! - WAL with `synchronous=FULL`: a committed transaction survives a power
//!   cut, not just a crash — a worker who saw "saved" must not lose it.
//! - `secure_delete=ON`: deleted rows are overwritten, not left in free pages.
//! - `temp_store=MEMORY`: sorts and temporary tables never touch a file.
//! - `foreign_keys=ON`: a worker's rows go with the worker.
//! - `journal_size_limit` 1 MiB: the WAL is truncated back after checkpoints
//!   instead of keeping its largest size forever (phones are small).
//!
//! Failure policy: a file that is not a database or is damaged gives
//! [`StoreError::Corrupt`]; a full disk gives [`StoreError::DiskFull`]. In
//! neither case does the core delete, truncate or recreate anything: the
//! transaction in progress rolls back and every earlier commit stays. What to
//! do with a corrupt file (export it for support, or re-enrol into a new data
//! directory) is a human decision, documented in the core README.

pub mod cases;
pub mod device;
pub mod drafts;
pub mod notes;
pub mod offline_drafts;
pub mod outbox;
pub mod progress;
mod schema;
pub mod sign_ins;
pub mod survey_tokens;
pub mod workers;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction};

pub use schema::SCHEMA_VERSION;

/// File name of the device database inside the data directory.
pub const DB_FILE: &str = "workervoice.db";

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file is not a database, or is damaged. Nothing was changed.
    #[error("database is corrupt")]
    Corrupt,
    /// The disk (or the database's size limit) is full. The transaction rolled back.
    #[error("disk is full")]
    DiskFull,
    /// The database was written by a newer app version.
    #[error("database schema {found} is newer than this app ({supported})")]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// A stored value does not have the shape the schema promises.
    #[error("stored value is malformed: {0}")]
    Malformed(&'static str),
    /// Any other SQLite error.
    #[error("storage error: {0}")]
    Sqlite(rusqlite::Error),
    /// File system error around the database (creating the directory).
    #[error("storage I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => Self::Corrupt,
            Some(ErrorCode::DiskFull) => Self::DiskFull,
            _ => Self::Sqlite(error),
        }
    }
}

/// An open device database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens or creates the database in `data_dir`, applying pending upgrades.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))?;
        }
        let path = data_dir.join(DB_FILE);
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // The first statement that reads the header is where a non-database file shows.
        conn.query_row("PRAGMA schema_version", [], |_| Ok(()))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA secure_delete = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA journal_size_limit = 1048576;",
        )?;
        let mut store = Self { conn, path };
        schema::upgrade(&mut store.conn)?;
        let check: String = store.conn.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
        if check != "ok" {
            return Err(StoreError::Corrupt);
        }
        Ok(store)
    }

    /// The database file's path (its `-wal` and `-shm` sit beside it).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` in one transaction: all of it commits, or none of it.
    pub fn transaction<T, E>(&mut self, work: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let tx = self.conn.transaction().map_err(StoreError::from)?;
        let value = work(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(value)
    }

    /// Read access for queries that need no transaction.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Bytes used by the database and its WAL.
    pub fn size_on_disk(&self) -> u64 {
        ["", "-wal", "-shm"]
            .iter()
            .filter_map(|suffix| {
                let mut name = self.path.clone().into_os_string();
                name.push(suffix);
                std::fs::metadata(PathBuf::from(name)).ok()
            })
            .map(|meta| meta.len())
            .sum()
    }

    /// A number kept about the device (last sync time, …), by key.
    pub fn meta(&self, key: &str) -> Result<Option<i64>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| row.get(0)).optional()?)
    }

    /// Sets a number kept about the device.
    pub fn set_meta(&self, key: &str, value: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
            rusqlite::params![key, value],
        )?;
        Ok(())
    }

    /// A small binary value kept about the device (e.g. a hub public key).
    pub fn meta_blob(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self.conn.query_row("SELECT value FROM meta_blob WHERE key = ?1", [key], |row| row.get(0)).optional()?)
    }

    /// Sets a small binary value kept about the device.
    pub fn set_meta_blob(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta_blob (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
            rusqlite::params![key, value],
        )?;
        Ok(())
    }

    /// Crypto-shreds what the device holds: every worker's data (see
    /// [`Self::wipe_workers`]), the whole outbox, the directory, settings and
    /// pending sign-ins are deleted (overwritten: `secure_delete` is on) and
    /// the WAL is truncated. Returns the local ids of the worker vaults that
    /// were removed, so their key-store secrets can be deleted too.
    pub fn wipe(&mut self, keep_device_row: bool) -> Result<Vec<String>, StoreError> {
        let tx = self.conn.transaction()?;
        let local_ids = delete_worker_data(&tx)?;
        tx.execute_batch(
            "DELETE FROM outbox_attachments; DELETE FROM outbox; DELETE FROM directory;
             DELETE FROM meta; DELETE FROM meta_blob; DELETE FROM offline_sign_ins;",
        )?;
        if keep_device_row {
            tx.execute(
                "UPDATE device SET state = 'retired', wrapped_storage_key = X'', canary = X'', identity = X''",
                [],
            )?;
        } else {
            tx.execute("DELETE FROM device", [])?;
        }
        tx.commit()?;
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(local_ids)
    }

    /// Deletes every delivered outbox row (overwritten: `secure_delete` is
    /// on) and truncates the WAL, so neither keeps a copy. Returns how many
    /// rows went.
    pub fn forget_delivered(&self) -> Result<usize, StoreError> {
        let removed = crate::store::outbox::purge_delivered_before(&self.conn, i64::MAX)?;
        if removed > 0 {
            self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(removed)
    }

    /// Deletes every worker's data (vaults, notes, cases, drafts, offline
    /// drafts, survey tokens, training progress, delivered outbox rows),
    /// overwritten (`secure_delete`), and truncates the WAL; the device row,
    /// directory, content and undelivered outbox items stay. Returns the
    /// local ids of the vaults removed, so their key-store secrets go too.
    pub fn wipe_workers(&mut self) -> Result<Vec<String>, StoreError> {
        let tx = self.conn.transaction()?;
        let local_ids = delete_worker_data(&tx)?;
        tx.commit()?;
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(local_ids)
    }

    /// Number of worker vaults on the device (a count, not who).
    pub fn worker_vaults(&self) -> Result<u64, StoreError> {
        let count: i64 = self.conn.query_row("SELECT count(*) FROM workers", [], |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    /// Caps the database size in pages; used by tests to make the disk "full".
    /// Only with the `test-hooks` feature: no production build can shrink
    /// a worker's database under them.
    #[cfg(feature = "test-hooks")]
    pub fn limit_pages_for_tests(&self, pages: u32) -> Result<(), StoreError> {
        self.conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        Ok(())
    }
}

/// Deletes the rows of every worker (both wipes); returns their vaults' local ids.
fn delete_worker_data(tx: &rusqlite::Transaction<'_>) -> Result<Vec<String>, StoreError> {
    let local_ids = {
        let mut statement = tx.prepare("SELECT local_id FROM workers")?;
        statement.query_map([], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?
    };
    tx.execute_batch(
        "DELETE FROM case_events; DELETE FROM cases; DELETE FROM sealed_case_events; DELETE FROM sealed_cases;
         DELETE FROM notes; DELETE FROM drafts;
         DELETE FROM offline_drafts; DELETE FROM progress_events; DELETE FROM progress_state;
         DELETE FROM survey_tokens; DELETE FROM outbox WHERE state = 'delivered'; DELETE FROM workers;",
    )?;
    Ok(local_ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_database_is_reported_corrupt_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let garbage = vec![0x42u8; 8192];
        std::fs::write(dir.path().join(DB_FILE), &garbage).unwrap();
        assert!(matches!(Store::open(dir.path()), Err(StoreError::Corrupt)));
        assert_eq!(std::fs::read(dir.path().join(DB_FILE)).unwrap(), garbage);
    }

    #[test]
    fn settings_are_applied() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mode: String = store.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        let secure: i64 = store.conn().query_row("PRAGMA secure_delete", [], |r| r.get(0)).unwrap();
        let fk: i64 = store.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        let temp: i64 = store.conn().query_row("PRAGMA temp_store", [], |r| r.get(0)).unwrap();
        assert_eq!((mode.as_str(), secure, fk, temp), ("wal", 1, 1, 2));
    }

    fn table_names(store: &Store) -> Vec<String> {
        store
            .conn()
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// A draft, a survey token and an offline draft (`held_by`): rows with no owner column.
    fn put_sealed_worker_rows(store: &Store, held_by: Option<&str>) {
        crate::store::drafts::put(store.conn(), b"d", b"sealed", 1).unwrap();
        crate::store::survey_tokens::put(store.conn(), b"t", b"sealed", 1).unwrap();
        let offline = crate::store::offline_drafts::OfflineDraft {
            id: b"o".to_vec(),
            enc: b"enc".to_vec(),
            sealed: b"sealed".to_vec(),
            updated_at: 1,
        };
        crate::store::offline_drafts::put(store.conn(), &offline, held_by).unwrap();
    }

    #[test]
    fn a_wipe_leaves_no_row_in_any_table_but_the_device_and_public_content() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let tables = table_names(&store);
        // Content is programme material, the same on every device: not worker data.
        let kept = |table: &str| table == "device" || table.starts_with("content_");
        put_sealed_worker_rows(&store, Some("sign-in"));
        store.wipe(false).unwrap();
        for table in tables.iter().filter(|table| !kept(table)) {
            let rows: i64 = store.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap();
            assert_eq!(rows, 0, "{table} keeps rows after a wipe");
        }
        // A table added later must be wiped or listed here on purpose.
        let wiped = [
            "workers",
            "notes",
            "directory",
            "outbox",
            "outbox_attachments",
            "cases",
            "case_events",
            "sealed_cases",
            "sealed_case_events",
            "drafts",
            "meta",
            "offline_sign_ins",
            "meta_blob",
            "progress_events",
            "progress_state",
            "survey_tokens",
            "offline_drafts",
        ];
        for table in tables.iter().filter(|table| !kept(table)) {
            assert!(wiped.contains(&table.as_str()), "{table}: does the wipe delete it?");
        }
    }

    #[test]
    fn a_wipe_of_worker_data_keeps_only_the_device_directory_content_and_the_undelivered_queue() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let tables = table_names(&store);
        put_sealed_worker_rows(&store, None);
        store
            .conn()
            .execute_batch(
                "INSERT INTO outbox (client_id, kind, body, state, next_attempt_at, created_at)
                     VALUES ('q', 'grievance', X'01', 'queued', 0, 0), ('d', 'grievance', NULL, 'delivered', 0, 0);",
            )
            .unwrap();
        store.wipe_workers().unwrap();
        // What is not a worker's: the device, directory, content, settings,
        // the queue still owed to the hub and sign-ins it has yet to decide.
        let kept = |table: &str| {
            ["device", "directory", "meta", "meta_blob", "outbox", "outbox_attachments", "offline_sign_ins"]
                .contains(&table)
                || table.starts_with("content_")
        };
        for table in tables.iter().filter(|table| !kept(table)) {
            let rows: i64 = store.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap();
            assert_eq!(rows, 0, "{table} keeps rows after a wipe of worker data");
        }
        let outbox: Vec<String> = store
            .conn()
            .prepare("SELECT client_id FROM outbox")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(outbox, ["q"], "the undelivered item stays, the delivered row goes");
    }

    #[test]
    fn a_database_from_a_newer_app_is_refused_not_downgraded() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path()).unwrap());
        let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        drop(conn);
        assert!(matches!(Store::open(dir.path()), Err(StoreError::TooNew { .. })));
    }
}
