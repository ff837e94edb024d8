//! The hub's embedded SQLite database, `<data-dir>/hub.db`.
//!
//! One writer connection behind a mutex, and a small pool of read-only
//! connections ([`READERS`] unless `HubConfig::sqlite_readers` says
//! otherwise; with 0 every read runs on the writer, as before the pool,
//! kept only so that `scripts/bench-backends` can measure both). Handlers
//! reach them through [`Db::run`] (the writer) and [`Db::read`] (a reader),
//! which move the work onto tokio's blocking pool. SQLite allows one writer
//! at a time anyway; in WAL mode readers see the last committed state and
//! neither wait for the writer nor hold it up, so a route that only reads
//! takes a reader and is not queued behind a batch of submissions being
//! committed (ADR 0019).
//!
//! No closure should do slow work that does not need the database —
//! signature checks, key derivations, password hashes, network — while it
//! holds a connection: that work happens before or after the closure. The
//! exceptions are keyed hashes and short AEADs (microseconds) that decide a
//! read-then-write of the same row, which must stay in one transaction.
//!
//! Group commit: a durable commit costs a sync of the WAL (milliseconds on
//! most disks), which would cap devices' submissions at a few hundred a
//! second. [`Db::run_grouped`] queues the work; one drainer task at a time
//! takes everything queued, runs every piece in one transaction, each in
//! its own savepoint (an error undoes that piece only), commits once, and
//! only then are the pieces answered; then it takes what was queued
//! meanwhile. One sync then covers many acknowledgements, and none is
//! answered before its commit is on disk.
//!
//! Connection settings: WAL with `synchronous=FULL`, `foreign_keys=ON`,
//! `secure_delete=ON` (deleted rows — cleared verifiers, crypto-shredded
//! shares — are overwritten, not left in free pages), `temp_store=MEMORY`, a
//! busy timeout. Readers have what matters for reading (`temp_store`, the
//! busy timeout, `foreign_keys` for any view of the schema) and
//! `query_only=ON`, so a write by mistake on a reader fails instead of
//! racing the writer.
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

mod postgres;
mod postgres_target;
mod schema;
pub(crate) mod sql;

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use rusqlite::OpenFlags;

pub(crate) use sql::Connection;
use sql::TransactionBehavior;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// The database file's name inside the data directory.
pub(crate) const DB_FILE: &str = "hub.db";

/// How many read-only connections the hub keeps. Reads are short indexed
/// queries, CPU-bound on a small machine: a few connections let list and
/// sync routes run beside the writer and each other without keeping many
/// page caches.
pub(crate) const READERS: usize = 4;

/// A shared handle on the hub's database.
#[derive(Clone)]
pub(crate) struct Db {
    engine: Engine,
}

/// The backend behind a [`Db`].
#[derive(Clone)]
enum Engine {
    /// One writer with group commit, and read-only connections.
    /// `readers` is `None` when the hub was configured without readers:
    /// reads then take the writer.
    Sqlite { connection: Arc<Writer>, queue: Arc<GroupQueue>, readers: Option<Arc<Readers>> },
    /// Pools of writers, readers and counting connections on a server ([`postgres`]).
    Postgres { writers: Arc<postgres::Pool>, readers: Arc<postgres::Pool>, counters: Arc<postgres::Pool> },
}

/// The read-only connections: one permit per idle connection, so whoever
/// holds a permit finds a connection in `idle`.
struct Readers {
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

/// A reader lent to one closure; goes back to the pool when dropped, also
/// when the closure panicked (a transaction it left open is rolled back).
struct Lent<'a> {
    readers: &'a Readers,
    connection: Option<Connection>,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            let _ = connection.rollback();
            lock(&self.readers.idle).push(connection);
        }
    }
}

/// The SQLite writer connection. Its lock is `parking_lot`'s, which the
/// group drainer hands over fairly after each group (`unlock_fair`): the
/// next write waiting for it gets it before the drainer takes it again, so
/// a flood of reports does not hold up other writes.
type Writer = parking_lot::Mutex<Connection>;

/// Grouped work waiting for the writer, and whether a drainer is on its way.
#[derive(Default)]
struct GroupQueue {
    jobs: Mutex<Vec<GroupedJob>>,
    /// A blocking task is committing (or about to commit) `jobs`: work
    /// queued meanwhile waits for it instead of starting another.
    draining: AtomicBool,
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
    fn from_error(error: &sql::Error) -> Self {
        Self { what: error.to_string(), disk_full: error.is_disk_full() }
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
        Self::new(open_connection(data_dir)?, data_dir, None, READERS)
    }

    /// Wraps a writer opened with [`open_database`] (schema up to date) and
    /// opens the other connections beside it: on SQLite, read-only
    /// connections on `<data_dir>/hub.db` (`sqlite_readers` of them; with
    /// none, reads take the writer); on PostgreSQL (`database_url`), the
    /// pools of [`postgres`].
    pub(crate) fn new(
        writer: Connection,
        data_dir: &Path,
        database_url: Option<&str>,
        sqlite_readers: usize,
    ) -> anyhow::Result<Self> {
        if let Some(url) = database_url {
            let pools = postgres::Pools::new(url, writer, READERS)?;
            return Ok(Self {
                engine: Engine::Postgres {
                    writers: Arc::new(pools.writers),
                    readers: Arc::new(pools.readers),
                    counters: Arc::new(pools.counters),
                },
            });
        }
        let path = data_dir.join(DB_FILE);
        let idle = (0..sqlite_readers).map(|_| open_reader(&path)).collect::<anyhow::Result<Vec<_>>>()?;
        let readers = (sqlite_readers > 0)
            .then(|| Arc::new(Readers { idle: Mutex::new(idle), permits: Arc::new(Semaphore::new(sqlite_readers)) }));
        Ok(Self {
            engine: Engine::Sqlite {
                connection: Arc::new(parking_lot::Mutex::new(writer)),
                queue: Arc::default(),
                readers,
            },
        })
    }

    /// Whether this is a PostgreSQL database, which several hub processes
    /// may share (on SQLite one process owns the data directory).
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.engine, Engine::Postgres { .. })
    }

    /// Runs `work` with a read-only connection on the blocking pool: for
    /// work that only reads, so that it neither waits for the writer nor
    /// holds it up. It sees every commit that returned before it began; a
    /// write fails (`query_only`). Several queries that must agree with each
    /// other belong in one (deferred) transaction, which reads one snapshot.
    /// On PostgreSQL, work that lost a serialization conflict runs again.
    /// On SQLite without readers it runs on the writer (and a write is then
    /// not refused).
    pub(crate) async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnMut(&mut Connection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let readers = match &self.engine {
            Engine::Sqlite { readers: Some(readers), .. } => Arc::clone(readers),
            Engine::Sqlite { readers: None, .. } => return self.run(work).await,
            Engine::Postgres { readers, .. } => return readers.run(work).await,
        };
        let mut work = work;
        let permit = Arc::clone(&readers.permits)
            .acquire_owned()
            .await
            .map_err(|_| ApiError::internal("the reader pool is closed"))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut lent = Lent { connection: lock(&readers.idle).pop(), readers: &readers };
            let connection =
                lent.connection.as_mut().ok_or_else(|| ApiError::internal("no idle reader under a permit"))?;
            work(connection)
        })
        .await
        .map_err(|error| ApiError::internal(format!("database task failed: {error}")))?
    }

    /// Runs `work` with a writer on the blocking pool. On PostgreSQL, work
    /// that lost a serialization conflict is rolled back and runs again.
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnMut(&mut Connection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let connection = match &self.engine {
            Engine::Sqlite { connection, .. } => Arc::clone(connection),
            Engine::Postgres { writers, .. } => return writers.run(work).await,
        };
        let mut work = work;
        tokio::task::spawn_blocking(move || {
            // A panic while the lock was held leaves the connection usable:
            // an open transaction was rolled back when it was dropped (or,
            // for grouped work, is rolled back here).
            let mut guard = connection.lock();
            let _ = guard.rollback();
            work(&mut guard)
        })
        .await
        .map_err(|error| ApiError::internal(format!("database task failed: {error}")))?
    }

    /// Runs `work`, single statements on counters (the shared rate limits,
    /// [`crate::rate_limit`]) in autocommit mode: on PostgreSQL on a
    /// connection of its own pool, where each statement is its own
    /// `READ COMMITTED` transaction that does not wait for a WAL flush; on
    /// SQLite on the writer, as [`Db::run`]. Statements that change several
    /// rows lock them in the order they write them: write in one order.
    pub(crate) async fn count<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnMut(&mut Connection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        match &self.engine {
            Engine::Postgres { counters, .. } => counters.run(work).await,
            Engine::Sqlite { .. } => self.run(work).await,
        }
    }

    /// Caps the database at `pages` pages (SQLite's `max_page_count`), so
    /// that a test can fill it: writes past it fail as on a full disk.
    pub(crate) async fn limit_pages(&self, pages: u64) -> Result<u64, ApiError> {
        self.run(move |connection| {
            let sqlite = connection.as_sqlite().ok_or_else(|| ApiError::internal("max_page_count is SQLite's"))?;
            let limit: i64 = sqlite
                .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |row| row.get(0))
                .map_err(sql::Error::from)?;
            Ok(u64::try_from(limit).unwrap_or(0))
        })
        .await
    }

    /// Takes a writer, opens a write transaction, says so on `held`, keeps
    /// both for `hold`, then commits: a long write, for tests that readers
    /// do not wait for it.
    pub(crate) async fn hold_writer(
        &self,
        hold: Duration,
        held: tokio::sync::oneshot::Sender<()>,
    ) -> Result<(), ApiError> {
        let mut held = Some(held);
        self.run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some(held) = held.take() {
                let _ = held.send(());
            }
            std::thread::sleep(hold);
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Runs `work` inside a transaction and returns its result once that
    /// transaction is committed. On SQLite the transaction is shared with
    /// other grouped work (see the module documentation); on PostgreSQL it
    /// is the work's own (serializable, run again after a conflict).
    /// `work` must not begin or end transactions.
    pub(crate) async fn run_grouped<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnMut(&Connection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let (connection, queue) = match &self.engine {
            Engine::Sqlite { connection, queue, .. } => (Arc::clone(connection), Arc::clone(queue)),
            Engine::Postgres { writers, .. } => {
                let mut work = work;
                return writers.run(move |connection| postgres::in_transaction(connection, &mut work)).await;
            }
        };
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let job: GroupedJob = Box::new(move |connection| {
            let result = match connection {
                Ok(connection) => in_savepoint(connection, work),
                Err(why) => Err(why.into_api_error()),
            };
            let disk_full = matches!(&result, Err(ApiError::Storage(error)) if error.is_disk_full());
            let answer: Answer = Box::new(move |commit_failure: Option<GroupFailure>| {
                let outcome = match (commit_failure, result) {
                    (Some(why), Ok(_)) => Err(why.into_api_error()),
                    (_, result) => result,
                };
                let _ = sender.send(outcome);
            });
            (answer, disk_full)
        });
        lock(&queue.jobs).push(job);
        if !queue.draining.swap(true, SeqCst) {
            // Not awaited: this caller waits for its answer, which may come
            // from a group this drainer commits or from one already under way.
            drop(tokio::task::spawn_blocking(move || drain(&connection, &queue)));
        }
        receiver.await.map_err(|_| ApiError::internal("a grouped database task was dropped"))?
    }

    /// As [`Db::run_grouped`], for work that writes with one statement
    /// (atomic on its own) and guards in that statement whatever it read
    /// before: on SQLite it joins the group commit like any grouped work;
    /// on PostgreSQL it runs outside a transaction, so that it costs the
    /// server one round trip per statement and no `BEGIN` and `COMMIT`
    /// (and the commit's WAL flush is shared with concurrent ones by the
    /// server). Each statement there sees what was committed when it began
    /// (`READ COMMITTED`, unless the server's default is stricter): `work`
    /// must not rely on an earlier read staying true, but write only where
    /// its statement's own `WHERE` says it still is. A serialization
    /// conflict or deadlock still runs it again.
    pub(crate) async fn run_single_write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnMut(&Connection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        match &self.engine {
            Engine::Postgres { writers, .. } => {
                let mut work = work;
                writers.run(move |connection| work(connection)).await
            }
            Engine::Sqlite { .. } => self.run_grouped(work).await,
        }
    }
}

/// Locks a mutex, taking over a poisoned one: a panic while it was held left
/// at most an open transaction, which the next user rolls back.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Commits queued grouped work, group after group, until none is left;
/// one drainer at a time (`GroupQueue::draining`). Each group is everything
/// queued while the previous one committed, so the more devices are
/// waiting, the more reports one sync covers. The connection is let go
/// between groups, so other writes are not held up for long.
///
/// (Before, every caller took the connection itself just to find whether
/// its work was already done: the callers queued on the lock, each turn
/// committed the one or two pieces that had arrived, and a sync per
/// report or two capped durable intake — measured in ADR 0019.)
fn drain(connection: &Writer, queue: &GroupQueue) {
    loop {
        let mut guard = connection.lock();
        let jobs = std::mem::take(&mut *lock(&queue.jobs));
        if jobs.is_empty() {
            drop(guard);
            queue.draining.store(false, SeqCst);
            // Work queued after the take saw a drainer on its way and
            // started none: take it on, unless a new drainer already has.
            if lock(&queue.jobs).is_empty() || queue.draining.swap(true, SeqCst) {
                return;
            }
            continue;
        }
        // A panic in one piece of work fails its group's callers (their
        // answers are dropped unanswered), not the drainer: the groups
        // after it must still be committed.
        let committed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commit_group(&mut guard, jobs)));
        if committed.is_err() {
            tracing::error!("grouped database work panicked; its group was not committed");
        }
        parking_lot::MutexGuard::unlock_fair(guard);
    }
}

/// Runs `jobs` in one transaction and answers each after the commit.
fn commit_group(connection: &mut Connection, jobs: Vec<GroupedJob>) {
    // Left open by a panic in earlier work.
    let _ = connection.rollback();
    let mut broken =
        connection.begin(TransactionBehavior::Immediate).err().map(|error| GroupFailure::from_error(&error));
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
        None => match connection.commit() {
            Ok(()) => None,
            Err(error) => {
                let _ = connection.rollback();
                Some(GroupFailure::from_error(&error))
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
    connection.savepoint("grouped")?;
    let result = work(connection);
    if connection.is_autocommit() {
        // The failure rolled back the whole transaction, savepoint and all.
        return result;
    }
    if result.is_err() {
        connection.rollback_to("grouped")?;
    } else {
        connection.release("grouped")?;
    }
    result
}

/// Opens the hub's database: the PostgreSQL database `database_url` names,
/// or else `<data_dir>/hub.db` (see [`open_connection`]); configured, checked
/// and with its schema up to date.
pub(crate) fn open_database(data_dir: &Path, database_url: Option<&str>) -> anyhow::Result<Connection> {
    match database_url {
        Some(url) => postgres::open(url),
        None => open_connection(data_dir),
    }
}

/// Opens (or creates) `<data_dir>/hub.db` as one connection, configured and
/// with its schema up to date (for the hub, and for commands such as
/// `publish-pack` that work on the data directory directly).
pub(crate) fn open_connection(data_dir: &Path) -> anyhow::Result<Connection> {
    let path = data_dir.join(DB_FILE);
    create_private_file(&path)?;
    let mut connection =
        rusqlite::Connection::open(&path).with_context(|| format!("opening the hub database {}", path.display()))?;
    configure(&connection).map_err(|error| unreadable(&path, error.into()))?;
    schema::migrate(&mut connection).map_err(|error| match error {
        schema::MigrationError::Sqlite(error) => unreadable(&path, error.into()),
        other => anyhow::Error::new(other).context(format!("upgrading {}", path.display())),
    })?;
    for suffix in ["", "-wal", "-shm"] {
        let file = data_dir.join(format!("{DB_FILE}{suffix}"));
        if file.exists() {
            crate::data_dir::set_mode(&file, 0o600)?;
        }
    }
    Ok(Connection::from_sqlite(connection))
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
pub(crate) fn stored_key_check(connection: &Connection) -> sql::Result<Option<Vec<u8>>> {
    use sql::OptionalExtension;
    connection.query_row("SELECT value FROM hub_meta WHERE name = ?1", [KEY_CHECK], |row| row.get(0)).optional()
}

/// Stores the key check value of the hub secret (once: an existing value is
/// never replaced).
pub(crate) fn store_key_check(connection: &Connection, value: &[u8]) -> sql::Result<()> {
    connection.execute(
        "INSERT INTO hub_meta (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
        sql::params![KEY_CHECK, value],
    )?;
    Ok(())
}

/// Whether the database holds rows keyed with the hub secret (PIN
/// verifiers, activation and enrolment code hashes, sealed hub shares,
/// handlers' peppered keys): a database from before key check values that
/// still cannot be used with another secret.
pub(crate) fn holds_secret_keyed_rows(connection: &Connection) -> sql::Result<bool> {
    connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM workers) OR EXISTS (SELECT 1 FROM enrolment_codes) \
             OR EXISTS (SELECT 1 FROM worker_device_shares) OR EXISTS (SELECT 1 FROM handlers)",
        [],
        |row| row.get(0),
    )
}

/// Reads an integer column that holds a count, size or version (stored as
/// SQLite's signed 64-bit integer) as `u64`.
pub(crate) fn column_u64(row: &sql::Row<'_>, index: usize) -> sql::Result<u64> {
    let value: i64 = row.get(index)?;
    u64::try_from(value).map_err(|_| sql::Error::IntegralValueOutOfRange(index, value))
}

/// A count, size or version as SQLite stores it. Values here come from
/// checked input (sizes, offsets, versions and sequence numbers far below
/// 2^63); anything larger is clamped and so cannot match a stored row.
pub(crate) fn sql_u64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Opens a read-only connection on the hub's database (which the writer
/// has already created, migrated and put in WAL mode).
fn open_reader(path: &Path) -> anyhow::Result<Connection> {
    // Read-write at the file level: a WAL reader needs the `-shm` index;
    // `query_only` is what keeps it from writing.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = rusqlite::Connection::open_with_flags(path, flags)
        .with_context(|| format!("opening a reader on the hub database {}", path.display()))?;
    connection.busy_timeout(Duration::from_secs(5))?;
    plan_without_bound_values(&connection)?;
    connection.execute_batch(
        "PRAGMA query_only = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;",
    )?;
    Ok(Connection::from_sqlite(connection))
}

/// Plans every statement once, whatever values are bound to it (SQLite's
/// query planner stability guarantee). Otherwise SQLite lets a bound value
/// shape the plan wherever it could matter — a table with a partial index
/// (`cases_by_deadline`) is enough — and then compiles the statement again
/// each time another value is bound: profiled under a load of reports, 13 %
/// of the process's time (writer and readers) went to recompiling cached
/// statements (`sqlite3Reprepare`). The
/// hub's statements are written for one plan; a partial index is used
/// where a statement spells out its condition.
fn plan_without_bound_values(connection: &rusqlite::Connection) -> rusqlite::Result<()> {
    connection.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

fn configure(connection: &rusqlite::Connection) -> rusqlite::Result<()> {
    connection.busy_timeout(Duration::from_secs(5))?;
    plan_without_bound_values(connection)?;
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

fn unreadable(path: &Path, error: sql::Error) -> anyhow::Error {
    if error.is_not_a_database() {
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

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
    }

    #[test]
    fn a_reader_sees_what_the_writer_committed_and_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).unwrap();
        runtime().block_on(async {
            db.run(|connection| {
                connection.execute("INSERT INTO hub_meta (name, value) VALUES ('test', x'01')", [])?;
                Ok(())
            })
            .await
            .unwrap();
            let seen: Vec<u8> = db
                .read(|connection| {
                    Ok(connection.query_row("SELECT value FROM hub_meta WHERE name = 'test'", [], |row| row.get(0))?)
                })
                .await
                .unwrap();
            assert_eq!(seen, vec![1]);
            let refused = db
                .read(|connection| {
                    connection.execute("DELETE FROM hub_meta WHERE name = 'test'", [])?;
                    Ok(())
                })
                .await;
            assert!(refused.is_err(), "a reader must not write");
        });
    }

    #[test]
    fn readers_go_on_while_the_writer_is_in_a_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).unwrap();
        runtime().block_on(async {
            let (held, is_held) = tokio::sync::oneshot::channel();
            let writer = tokio::spawn({
                let db = db.clone();
                async move { db.hold_writer(Duration::from_secs(3), held).await }
            });
            is_held.await.unwrap();
            let started = std::time::Instant::now();
            let reads = (0..READERS * 3).map(|_| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.read(|connection| {
                        Ok(connection
                            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get::<_, i64>(0))?)
                    })
                    .await
                })
            });
            for read in reads.collect::<Vec<_>>() {
                assert!(read.await.unwrap().unwrap() > 0);
            }
            assert!(started.elapsed() < Duration::from_secs(2), "reads waited: {:?}", started.elapsed());
            writer.await.unwrap().unwrap();
        });
    }

    #[test]
    fn without_readers_a_read_waits_for_the_writer_as_before_the_pool() {
        let dir = tempfile::tempdir().unwrap();
        let writer = open_connection(dir.path()).unwrap();
        let db = Db::new(writer, dir.path(), None, 0).unwrap();
        runtime().block_on(async {
            let (held, is_held) = tokio::sync::oneshot::channel();
            let writer = tokio::spawn({
                let db = db.clone();
                async move { db.hold_writer(Duration::from_secs(1), held).await }
            });
            is_held.await.unwrap();
            let started = std::time::Instant::now();
            let read = db.read(|connection| {
                Ok(connection.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get::<_, i64>(0))?)
            });
            assert!(read.await.unwrap() > 0);
            assert!(started.elapsed() >= Duration::from_millis(500), "the read did not wait: {:?}", started.elapsed());
            writer.await.unwrap().unwrap();
        });
    }

    #[test]
    fn a_reader_that_panicked_goes_back_to_the_pool() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).unwrap();
        runtime().block_on(async {
            for _ in 0..READERS {
                let failed = db
                    .read(|connection| -> Result<(), ApiError> {
                        connection.execute_batch("BEGIN")?;
                        panic!("a bug in a read");
                    })
                    .await;
                assert!(failed.is_err());
            }
            let value = db.read(|connection| Ok(connection.query_row("SELECT 1", [], |row| row.get::<_, i64>(0))?));
            assert_eq!(value.await.unwrap(), 1);
            let Engine::Sqlite { readers: Some(readers), .. } = &db.engine else { panic!("a SQLite test") };
            assert_eq!(lock(&readers.idle).len(), READERS);
        });
    }

    #[test]
    fn opening_twice_keeps_the_schema_version() {
        let dir = tempfile::tempdir().unwrap();
        drop(Db::open(dir.path()).unwrap());
        let db = Db::open(dir.path()).unwrap();
        let Engine::Sqlite { connection, .. } = &db.engine else { panic!("a SQLite test") };
        let guard = connection.lock();
        let sqlite = guard.as_sqlite().unwrap();
        let version: u32 = sqlite.query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap();
        assert_eq!(version, schema::LATEST_VERSION);
    }
}
