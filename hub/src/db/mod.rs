//! The hub's embedded SQLite database, `<data-dir>/hub.db`.
//!
//! One connection behind a mutex; handlers reach it through [`Db::run`],
//! which moves the work onto tokio's blocking pool. SQLite serialises
//! writers anyway, and every request here is a handful of indexed queries.
//!
//! Group commit: a durable commit costs a sync of the WAL (milliseconds on
//! most disks), which would cap devices' submissions at a few hundred a
//! second. [`Db::run_grouped`] queues the work; whoever takes the
//! connection next runs every queued piece in one transaction, each in its
//! own savepoint (an error undoes that piece only), commits once, and only
//! then are the pieces answered. One sync then covers many acknowledgements,
//! and none is answered before its commit is on disk.
//!
//! Connection settings: WAL with `synchronous=FULL`, `foreign_keys=ON`,
//! `secure_delete=ON` (deleted rows — cleared verifiers, crypto-shredded
//! shares — are overwritten, not left in free pages), `temp_store=MEMORY`, a
//! busy timeout.
//!
//! Durable before acknowledged: with `synchronous=FULL` in WAL mode SQLite
//! syncs the WAL file at every commit, so a commit that returned survives a
//! power cut (with `NORMAL` it survives a crash of the process, but the last
//! commits before a power cut may roll back). Every handler commits before
//! it answers, so nothing a device was told is stored can be taken back.
//! What it costs is measured in ADR 0014.
//!
//! The file is created `0600` before SQLite opens it; SQLite gives the
//! `-wal` and `-shm` files the same permissions.
//!
//! A file that is not a readable SQLite database, or that was written by a
//! newer hub, stops the hub at start with a clear error. Nothing is ever
//! deleted or rewritten to "recover": the operator restores a backup.

mod schema;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use rusqlite::Connection;

use crate::error::ApiError;

/// The database file's name inside the data directory.
pub(crate) const DB_FILE: &str = "hub.db";

/// A shared handle on the hub's database.
#[derive(Clone)]
pub(crate) struct Db {
    connection: Arc<Mutex<Connection>>,
    queue: Arc<Mutex<Vec<GroupedJob>>>,
}

/// A queued piece of grouped work: runs inside the group's transaction (or
/// learns that the transaction could not begin), and returns what answers
/// its caller once the group's commit is known.
/// Also says whether the work failed for lack of space.
type GroupedJob = Box<dyn FnOnce(Result<&Connection, GroupFailure>) -> (Answer, bool) + Send>;

/// Answers a grouped job's caller: `None` when the group committed, else
/// why it did not.
type Answer = Box<dyn FnOnce(Option<GroupFailure>) + Send>;

/// Why a group transaction did not begin or commit.
#[derive(Clone)]
struct GroupFailure {
    what: String,
    disk_full: bool,
}

impl GroupFailure {
    fn from_sqlite(error: &rusqlite::Error) -> Self {
        Self { what: error.to_string(), disk_full: error.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) }
    }

    fn into_api_error(self) -> ApiError {
        if self.disk_full {
            tracing::error!(cause = %self.what, "storage full: refusing writes until there is room");
            ApiError::storage_full()
        } else {
            ApiError::internal(format!("the group transaction failed: {}", self.what))
        }
    }
}

impl Db {
    /// Opens (or creates) `<data_dir>/hub.db` and brings its schema up to date.
    #[cfg(test)]
    pub(crate) fn open(data_dir: &Path) -> anyhow::Result<Self> {
        Ok(Self::from_connection(open_connection(data_dir)?))
    }

    /// Wraps a connection opened with [`open_connection`].
    pub(crate) fn from_connection(connection: Connection) -> Self {
        Self { connection: Arc::new(Mutex::new(connection)), queue: Arc::default() }
    }

    /// Runs `work` with the connection on the blocking pool.
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Connection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            // A panic while the lock was held leaves the connection usable:
            // an open transaction was rolled back when it was dropped (or,
            // for grouped work, is rolled back here).
            let mut guard = lock(&connection);
            if !guard.is_autocommit() {
                let _ = guard.execute_batch("ROLLBACK");
            }
            work(&mut guard)
        })
        .await
        .map_err(|error| ApiError::internal(format!("database task failed: {error}")))?
    }

    /// Caps the database at `pages` pages (SQLite's `max_page_count`), so
    /// that a test can fill it: writes past it fail as on a full disk.
    pub(crate) async fn limit_pages(&self, pages: u64) -> Result<u64, ApiError> {
        self.run(move |connection| {
            Ok(connection.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |row| column_u64(row, 0))?)
        })
        .await
    }

    /// Runs `work` inside a transaction shared with other grouped work (see
    /// the module documentation) and returns its result once that
    /// transaction is committed. `work` must not begin or end transactions.
    pub(crate) async fn run_grouped<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let job: GroupedJob = Box::new(move |connection| {
            let result = match connection {
                Ok(connection) => in_savepoint(connection, work),
                Err(why) => Err(why.into_api_error()),
            };
            let disk_full = matches!(&result, Err(ApiError::Storage(error))
                if error.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull));
            let answer: Answer = Box::new(move |commit_failure: Option<GroupFailure>| {
                let outcome = match (commit_failure, result) {
                    (Some(why), Ok(_)) => Err(why.into_api_error()),
                    (_, result) => result,
                };
                let _ = sender.send(outcome);
            });
            (answer, disk_full)
        });
        lock(&self.queue).push(job);
        let (connection, queue) = (Arc::clone(&self.connection), Arc::clone(&self.queue));
        tokio::task::spawn_blocking(move || {
            let mut guard = lock(&connection);
            // Whoever holds the connection runs everything queued so far:
            // possibly this job was already run by the previous holder.
            let jobs = std::mem::take(&mut *lock(&queue));
            if !jobs.is_empty() {
                commit_group(&mut guard, jobs);
            }
        })
        .await
        .map_err(|error| ApiError::internal(format!("database task failed: {error}")))?;
        receiver.await.map_err(|_| ApiError::internal("a grouped database task was dropped"))?
    }
}

/// Locks a mutex, taking over a poisoned one: a panic while it was held left
/// at most an open transaction, which the next user rolls back.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `jobs` in one transaction and answers each after the commit.
fn commit_group(connection: &mut Connection, jobs: Vec<GroupedJob>) {
    if !connection.is_autocommit() {
        // Left open by a panic in earlier work.
        let _ = connection.execute_batch("ROLLBACK");
    }
    let mut broken = connection.execute_batch("BEGIN IMMEDIATE").err().map(|error| GroupFailure::from_sqlite(&error));
    let mut answers: Vec<Answer> = Vec::with_capacity(jobs.len());
    for job in jobs {
        let (answer, disk_full) = job(match &broken {
            None => Ok(&*connection),
            Some(why) => Err(why.clone()),
        });
        answers.push(answer);
        if broken.is_none() && connection.is_autocommit() {
            // SQLite rolled the whole transaction back (it may, on a full
            // disk): every piece so far is undone; none is answered as stored.
            broken = Some(GroupFailure { what: "the transaction was rolled back".to_owned(), disk_full });
        }
    }
    let failure = match broken {
        Some(why) => Some(why),
        None => match connection.execute_batch("COMMIT") {
            Ok(()) => None,
            Err(error) => {
                let _ = connection.execute_batch("ROLLBACK");
                Some(GroupFailure::from_sqlite(&error))
            }
        },
    };
    for answer in answers {
        answer(failure.clone());
    }
}

/// Runs `work` in a savepoint, undone if the work fails.
fn in_savepoint<T>(
    connection: &Connection,
    work: impl FnOnce(&Connection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    connection.execute_batch("SAVEPOINT grouped")?;
    let result = work(connection);
    if connection.is_autocommit() {
        // The failure rolled back the whole transaction, savepoint and all.
        return result;
    }
    if result.is_err() {
        connection.execute_batch("ROLLBACK TO grouped")?;
    }
    connection.execute_batch("RELEASE grouped")?;
    result
}

/// Opens (or creates) `<data_dir>/hub.db` as one connection, configured and
/// with its schema up to date (for the hub, and for commands such as
/// `publish-pack` that work on the data directory directly).
pub(crate) fn open_connection(data_dir: &Path) -> anyhow::Result<Connection> {
    let path = data_dir.join(DB_FILE);
    create_private_file(&path)?;
    let mut connection =
        Connection::open(&path).with_context(|| format!("opening the hub database {}", path.display()))?;
    configure(&connection).map_err(|error| unreadable(&path, error))?;
    schema::migrate(&mut connection).map_err(|error| match error {
        schema::MigrationError::Sqlite(error) => unreadable(&path, error),
        other => anyhow::Error::new(other).context(format!("upgrading {}", path.display())),
    })?;
    for suffix in ["", "-wal", "-shm"] {
        let file = data_dir.join(format!("{DB_FILE}{suffix}"));
        if file.exists() {
            crate::data_dir::set_mode(&file, 0o600)?;
        }
    }
    Ok(connection)
}

/// Creates an empty `0600` file at `path` unless one exists, so that SQLite
/// opens (and copies the permissions of) a private file whatever the umask.
fn create_private_file(path: &Path) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(error).with_context(|| format!("creating {}", path.display())),
    }
}

/// The name of the key check value in `hub_meta`.
const KEY_CHECK: &str = "hub_secret_key_check";

/// The key check value of the hub secret this database was written with,
/// if one was stored.
pub(crate) fn stored_key_check(connection: &Connection) -> rusqlite::Result<Option<Vec<u8>>> {
    use rusqlite::OptionalExtension;
    connection.query_row("SELECT value FROM hub_meta WHERE name = ?1", [KEY_CHECK], |row| row.get(0)).optional()
}

/// Stores the key check value of the hub secret (once: an existing value is
/// never replaced).
pub(crate) fn store_key_check(connection: &Connection, value: &[u8]) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO hub_meta (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
        rusqlite::params![KEY_CHECK, value],
    )?;
    Ok(())
}

/// Whether the database holds rows keyed with the hub secret (PIN
/// verifiers, activation and enrolment code hashes, sealed hub shares,
/// handlers' peppered keys): a database from before key check values that
/// still cannot be used with another secret.
pub(crate) fn holds_secret_keyed_rows(connection: &Connection) -> rusqlite::Result<bool> {
    connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM workers) OR EXISTS (SELECT 1 FROM enrolment_codes) \
             OR EXISTS (SELECT 1 FROM worker_device_shares) OR EXISTS (SELECT 1 FROM handlers)",
        [],
        |row| row.get(0),
    )
}

/// Reads an integer column that holds a count, size or version (stored as
/// SQLite's signed 64-bit integer) as `u64`.
pub(crate) fn column_u64(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<u64> {
    let value: i64 = row.get(index)?;
    u64::try_from(value).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(index, value))
}

/// A count, size or version as SQLite stores it. Values here come from
/// checked input (sizes, offsets, versions and sequence numbers far below
/// 2^63); anything larger is clamped and so cannot match a stored row.
pub(crate) fn sql_u64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn configure(connection: &Connection) -> rusqlite::Result<()> {
    connection.busy_timeout(Duration::from_secs(5))?;
    // Reading the schema fails on a file that is not a database, before any
    // pragma could try to write to it.
    connection.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get::<_, i64>(0))?;
    let mode: String = connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, "the database did not switch to WAL mode");
    }
    connection.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA synchronous = FULL;",
    )?;
    Ok(())
}

fn unreadable(path: &Path, error: rusqlite::Error) -> anyhow::Error {
    let corrupt = matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    );
    if corrupt {
        anyhow::anyhow!(
            "{} is not a readable hub database (corrupt, or not a SQLite file): {error}. \
             The hub has not changed or deleted it. Restore it from a backup, \
             or move it aside to start with an empty database.",
            path.display()
        )
    } else {
        anyhow::Error::new(error).context(format!("preparing the hub database {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_database_stops_the_hub_and_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let garbage = vec![0x42u8; 8192];
        std::fs::write(dir.path().join(DB_FILE), &garbage).unwrap();
        let error = Db::open(dir.path()).err().expect("garbage must not open");
        assert!(format!("{error:#}").contains("not a readable hub database"), "{error:#}");
        assert_eq!(std::fs::read(dir.path().join(DB_FILE)).unwrap(), garbage);
    }

    #[test]
    fn opening_twice_keeps_the_schema_version() {
        let dir = tempfile::tempdir().unwrap();
        drop(Db::open(dir.path()).unwrap());
        let db = Db::open(dir.path()).unwrap();
        let guard = db.connection.lock().unwrap();
        let version: u32 = guard.query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap();
        assert_eq!(version, schema::LATEST_VERSION);
    }
}
