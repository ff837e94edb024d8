//! The PostgreSQL backend (ADR 0019): connections to a server the operator
//! runs, chosen with a database URL (`postgres://…`, or key-value words
//! such as `host=/run/postgresql dbname=workervoice`).
//!
//! Pools: writers (for [`super::Db::run`] and group commit), read-only
//! readers (for [`super::Db::read`]: `default_transaction_read_only`, so a
//! write by mistake fails as on SQLite's `query_only` readers), and a few
//! counting connections (for [`super::Db::count`]: the shared rate limits'
//! single statements, `READ COMMITTED` and `synchronous_commit` off, kept
//! apart so that a flood of anonymous requests does not take the writers).
//! Every transaction the hub begins is `SERIALIZABLE` (the counting
//! connections begin none); work that loses a serialization conflict
//! (SQLSTATE 40001) or a deadlock (40P01) is rolled back and run again, up
//! to [`ATTEMPTS`] times, so that each handler keeps the serial semantics
//! it was written against on SQLite's single writer. There is no group
//! commit of our own: concurrent transactions on their own connections
//! share the server's WAL flushes.
//!
//! Durability is the server's: the hub refuses to start when
//! `synchronous_commit` is off (a commit could then be acknowledged and
//! lost), as it refuses a missing key file. Only the counting connections
//! turn it off, for themselves: they write nothing but rate-limit counts.
//! `fsync` is the operator's responsibility and is not checked (a test
//! server may turn it off).
//!
//! The link: a unix socket or a loopback address in plain text, anything
//! else TLS with the server checked, unless the URL says `sslmode=disable`
//! ([`super::postgres_target`]).
//!
//! The `postgres` client is synchronous and runs its own small runtime per
//! call: it is only ever called on tokio's blocking pool.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use tokio::sync::Semaphore;

use super::postgres_target::Target;
use super::sql::{self, Connection};
use crate::error::ApiError;

/// How many times work is run before a serialization conflict is reported
/// as an error. Many devices inserting into one small table conflict often
/// (PostgreSQL tracks reads of a small index by page), so the bound is
/// generous and the waits grow.
pub(crate) const ATTEMPTS: u32 = 24;

/// Writer connections per hub process.
const WRITERS: usize = 8;

/// Counting connections per hub process: a count is one short statement.
const COUNTERS: usize = 4;

/// What a pool's connections are for (their session settings).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Writer,
    Reader,
    /// Single statements on counters ([`super::Db::count`]): in autocommit
    /// mode at `READ COMMITTED` whatever the server's default (increments
    /// of one hot row wait for its lock in turn instead of failing with
    /// serialization conflicts), without waiting for a WAL flush (losing
    /// the last counts in a crash is harmless).
    Counter,
}

/// A connection pool on one server.
pub(crate) struct Pool {
    target: Target,
    role: Role,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

/// The writer, reader and counting pools of a hub on PostgreSQL.
pub(crate) struct Pools {
    pub(crate) writers: Pool,
    pub(crate) readers: Pool,
    pub(crate) counters: Pool,
}

impl Pools {
    /// Pools on `url`'s database, with `first` (already checked and
    /// migrated by [`open`]) as the first writer.
    pub(crate) fn new(url: &str, first: Connection, readers: usize) -> anyhow::Result<Self> {
        let target = Target::parse(url)?;
        let writers = Pool::new(target.clone(), Role::Writer, WRITERS);
        super::lock(&writers.idle).push(first);
        Ok(Self {
            writers,
            readers: Pool::new(target.clone(), Role::Reader, readers),
            counters: Pool::new(target, Role::Counter, COUNTERS),
        })
    }
}

impl Pool {
    fn new(target: Target, role: Role, size: usize) -> Self {
        Self { target, role, idle: Mutex::new(Vec::new()), permits: Arc::new(Semaphore::new(size)) }
    }

    /// Runs `work` on a connection of this pool, on the blocking pool, in
    /// a fresh state each time (any transaction left open is rolled back),
    /// again when it failed with a serialization conflict.
    pub(crate) async fn run<T, F>(self: &Arc<Self>, mut work: F) -> Result<T, ApiError>
    where
        F: FnMut(&mut Connection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let permit =
            Arc::clone(&self.permits).acquire_owned().await.map_err(|_| ApiError::internal("the pool is closed"))?;
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut connection = pool.take().map_err(|error| ApiError::internal(format!("{error:#}")))?;
            let mut attempt = 1;
            let result = loop {
                let _ = connection.rollback();
                let result = work(&mut connection);
                let _ = connection.rollback();
                match result {
                    Err(ApiError::Storage(error)) if error.is_retryable() && attempt < ATTEMPTS => {
                        tracing::debug!(attempt, "serialization conflict: running the transaction again");
                        std::thread::sleep(backoff(attempt));
                        attempt += 1;
                    }
                    result => break result,
                }
            };
            pool.give_back(connection);
            result
        })
        .await
        .map_err(|error| ApiError::internal(format!("database task failed: {error}")))?
    }

    /// An idle connection, or a new one.
    fn take(&self) -> anyhow::Result<Connection> {
        if let Some(connection) = super::lock(&self.idle).pop() {
            return Ok(connection);
        }
        connect(&self.target, self.role)
    }

    /// Keeps `connection` for the next user unless its link broke.
    fn give_back(&self, connection: Connection) {
        if !connection.is_broken() {
            super::lock(&self.idle).push(connection);
        }
    }
}

/// A random wait of up to 2^attempt milliseconds (at most 256) before
/// running conflicting work again, so that the transactions that collided
/// do not collide again.
fn backoff(attempt: u32) -> Duration {
    let mut jitter = [0u8; 2];
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut jitter);
    let span = 1u64 << attempt.min(8);
    Duration::from_millis(1 + u64::from(u16::from_le_bytes(jitter)) % span)
}

fn connect(target: &Target, role: Role) -> anyhow::Result<Connection> {
    let mut client = target.connect()?;
    client
        .batch_execute(match role {
            Role::Writer => "SET client_min_messages = warning",
            Role::Reader => "SET default_transaction_read_only = on; SET client_min_messages = warning",
            Role::Counter => {
                "SET default_transaction_isolation = 'read committed'; SET synchronous_commit = off; \
                 SET client_min_messages = warning"
            }
        })
        .context("configuring a PostgreSQL connection")?;
    Ok(Connection::from_postgres(client))
}

/// Connects to `url`, refuses a server that could lose acknowledged
/// commits, and brings the schema up to date: the first writer.
pub(crate) fn open(url: &str) -> anyhow::Result<Connection> {
    let target = Target::parse(url)?;
    let mut connection = connect(&target, Role::Writer)?;
    if target.encrypted() {
        tracing::info!("the link to the PostgreSQL server is TLS, its certificate and name checked");
    }
    check_durability(&connection)?;
    super::schema::migrate_postgres(&mut connection).context("preparing the hub's PostgreSQL schema")?;
    Ok(connection)
}

/// Refuses to run when `synchronous_commit` is off.
fn check_durability(connection: &Connection) -> anyhow::Result<()> {
    let setting: String = connection
        .query_row("SELECT current_setting('synchronous_commit')", [], |row| row.get(0))
        .context("reading synchronous_commit")?;
    if setting.eq_ignore_ascii_case("off") {
        anyhow::bail!(
            "the PostgreSQL server has synchronous_commit = off: a commit the hub acknowledged to a device \
             could be lost in a crash. Set synchronous_commit = on (for the hub's database or role) and start again."
        );
    }
    Ok(())
}

/// Takes `sql::Error` for the grouped work's commit.
pub(crate) fn in_transaction<T>(
    connection: &mut Connection,
    work: impl FnOnce(&Connection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let tx = connection.transaction_with_behavior(sql::TransactionBehavior::Immediate)?;
    let value = work(&tx)?;
    tx.commit()?;
    Ok(value)
}
