//! The backend-neutral query layer (ADR 0019): one way to run the hub's SQL
//! on SQLite (rusqlite) and on PostgreSQL (the synchronous `postgres`
//! client).
//!
//! Its surface is the part of rusqlite the hub used — [`Connection::execute`],
//! [`Connection::query_row`], [`Connection::prepare`] with
//! [`Statement::query_map`] and [`Statement::exists`], [`OptionalExtension`],
//! [`params!`], `row.get::<_, T>(i)`, transactions — so that a handler
//! reads the same on either backend. Values are null, integer, real, text
//! and bytes; rows are read whole into [`Value`]s (the hub's rows are small,
//! and a row that outlives its statement keeps both drivers simple).
//!
//! Queries are written once with numbered placeholders (`?1`), in SQL both
//! backends accept; PostgreSQL gets them as `$1` (see [`numbered_to_dollar`]).
//! A parameter is sent as whatever type PostgreSQL inferred for it (an
//! integer to an `INT4` or `BOOL` column, text to `TEXT`), as SQLite's loose
//! typing would have taken it; a value that does not fit is an error, never
//! a silent truncation.
//!
//! Transactions: [`Connection::transaction_with_behavior`] with
//! [`TransactionBehavior::Immediate`] takes SQLite's write lock at once; on
//! PostgreSQL every transaction is `SERIALIZABLE`, and a transaction that
//! loses a serialization conflict fails with an error for which
//! [`Error::is_retryable`] holds: [`super::Db`] runs the work again.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

/// Why a query failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// A query that must return a row returned none.
    #[error("the query returned no rows")]
    QueryReturnedNoRows,
    /// A column held a value of another type than the one asked for.
    #[error("column {0} holds {1}, not the type asked for")]
    InvalidColumnType(usize, String),
    /// An integer column held a value out of the asked type's range.
    #[error("column {0} holds {1}, out of range")]
    IntegralValueOutOfRange(usize, i64),
    /// A stored value the hub cannot use (damaged or from a newer hub).
    #[error("damaged value in the database: {0}")]
    Damaged(String),
    /// SQLite refused.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused, or the connection to it failed.
    #[error("{}", postgres_message(.0))]
    Postgres(#[from] postgres::Error),
    /// A transaction on PostgreSQL had a failed statement and was rolled
    /// back instead of committed.
    #[error("the transaction had failed and was rolled back")]
    TransactionAborted,
}

/// The server's message and SQLSTATE (the client's own `Display` says only
/// "db error").
fn postgres_message(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("PostgreSQL: {}: {} ({})", db.severity(), db.message(), db.code().code()),
        None => match std::error::Error::source(error) {
            Some(cause) => format!("PostgreSQL: {error}: {cause}"),
            None => format!("PostgreSQL: {error}"),
        },
    }
}

/// Result of a query.
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether the storage is full (SQLite's `SQLITE_FULL`, PostgreSQL's
    /// class 53 "insufficient resources"): writes are refused until there
    /// is room.
    pub(crate) fn is_disk_full(&self) -> bool {
        match self {
            Self::Sqlite(error) => error.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull),
            Self::Postgres(error) => error.code().is_some_and(|code| code.code() == "53100"),
            _ => false,
        }
    }

    /// Whether the transaction lost a conflict with another one
    /// (serialization failure or deadlock) and may succeed if run again.
    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            Self::Postgres(error) => error.code().is_some_and(|code| matches!(code.code(), "40001" | "40P01")),
            _ => false,
        }
    }

    /// Whether SQLite found the file is not a database or is corrupt.
    pub(crate) fn is_not_a_database(&self) -> bool {
        matches!(self, Self::Sqlite(error) if matches!(
            error.sqlite_error_code(),
            Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
        ))
    }
}

/// An owned value of a column.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// SQL NULL.
    Null,
    /// A 64-bit signed integer (also booleans, as 0 and 1).
    Integer(i64),
    /// A double.
    Real(f64),
    /// UTF-8 text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

impl Value {
    fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Self::Null => ValueRef::Null,
            Self::Integer(value) => ValueRef::Integer(*value),
            Self::Real(value) => ValueRef::Real(*value),
            Self::Text(value) => ValueRef::Text(value),
            Self::Blob(value) => ValueRef::Blob(value),
        }
    }
}

/// A borrowed value: a parameter, or a column being read.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ValueRef<'a> {
    /// SQL NULL.
    Null,
    /// A 64-bit signed integer.
    Integer(i64),
    /// A double.
    Real(f64),
    /// UTF-8 text.
    Text(&'a str),
    /// Bytes.
    Blob(&'a [u8]),
}

impl ValueRef<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Integer(_) => "an integer",
            Self::Real(_) => "a real",
            Self::Text(_) => "text",
            Self::Blob(_) => "bytes",
        }
    }
}

/// A value that can be bound as a parameter.
pub(crate) trait ToSql {
    /// The value to bind.
    fn to_sql(&self) -> ValueRef<'_>;
}

impl<T: ToSql + ?Sized> ToSql for &T {
    fn to_sql(&self) -> ValueRef<'_> {
        (**self).to_sql()
    }
}

impl<T: ToSql> ToSql for Option<T> {
    fn to_sql(&self) -> ValueRef<'_> {
        self.as_ref().map_or(ValueRef::Null, ToSql::to_sql)
    }
}

macro_rules! integer_to_sql {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> ValueRef<'_> {
                ValueRef::Integer(i64::from(*self))
            }
        }
    )*};
}
integer_to_sql!(i64, i32, i16, i8, u32, u16, u8, bool);

impl ToSql for u64 {
    /// Counts and sizes far below 2^63; larger values are clamped (see
    /// [`super::sql_u64`]).
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Integer(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToSql for usize {
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Integer(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToSql for f64 {
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Real(*self)
    }
}

impl ToSql for str {
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}

impl ToSql for String {
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}

impl ToSql for [u8] {
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}

impl ToSql for Vec<u8> {
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}

impl<const N: usize> ToSql for [u8; N] {
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> ValueRef<'_> {
        self.as_ref()
    }
}

/// The parameters of one query: `[]`, an array of one type, or
/// [`params!`] for mixed types.
pub(crate) trait Params {
    /// The values, in order (`?1` first).
    fn values(&self) -> Vec<ValueRef<'_>>;
}

impl Params for [&(dyn ToSql + Send + Sync); 0] {
    fn values(&self) -> Vec<ValueRef<'_>> {
        Vec::new()
    }
}

impl Params for &[&dyn ToSql] {
    fn values(&self) -> Vec<ValueRef<'_>> {
        self.iter().map(|value| value.to_sql()).collect()
    }
}

impl Params for Vec<Value> {
    fn values(&self) -> Vec<ValueRef<'_>> {
        self.iter().map(Value::as_ref).collect()
    }
}

macro_rules! array_params {
    ($($n:literal),*) => {$(
        impl<T: ToSql> Params for [T; $n] {
            fn values(&self) -> Vec<ValueRef<'_>> {
                self.iter().map(ToSql::to_sql).collect()
            }
        }
    )*};
}
array_params!(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);

/// Parameters of mixed types, as rusqlite's macro of the same name.
macro_rules! params {
    () => {
        &[] as &[&dyn $crate::db::sql::ToSql]
    };
    ($($param:expr),+ $(,)?) => {
        &[$(&$param as &dyn $crate::db::sql::ToSql),+] as &[&dyn $crate::db::sql::ToSql]
    };
}
pub(crate) use params;

/// A type a column can be read as.
pub(crate) trait FromSql: Sized {
    /// Converts the column's value; `None` if it has another type.
    fn from_sql(value: ValueRef<'_>) -> Option<Self>;
}

impl<T: FromSql> FromSql for Option<T> {
    fn from_sql(value: ValueRef<'_>) -> Option<Self> {
        match value {
            ValueRef::Null => Some(None),
            value => T::from_sql(value).map(Some),
        }
    }
}

impl FromSql for i64 {
    fn from_sql(value: ValueRef<'_>) -> Option<Self> {
        match value {
            ValueRef::Integer(value) => Some(value),
            _ => None,
        }
    }
}

impl FromSql for bool {
    fn from_sql(value: ValueRef<'_>) -> Option<Self> {
        match value {
            ValueRef::Integer(value) => Some(value != 0),
            _ => None,
        }
    }
}

impl FromSql for f64 {
    fn from_sql(value: ValueRef<'_>) -> Option<Self> {
        match value {
            ValueRef::Real(value) => Some(value),
            #[allow(clippy::cast_precision_loss)]
            ValueRef::Integer(value) => Some(value as f64),
            _ => None,
        }
    }
}

impl FromSql for String {
    fn from_sql(value: ValueRef<'_>) -> Option<Self> {
        match value {
            ValueRef::Text(value) => Some(value.to_owned()),
            _ => None,
        }
    }
}

impl FromSql for Vec<u8> {
    fn from_sql(value: ValueRef<'_>) -> Option<Self> {
        match value {
            ValueRef::Blob(value) => Some(value.to_vec()),
            _ => None,
        }
    }
}

impl<const N: usize> FromSql for [u8; N] {
    fn from_sql(value: ValueRef<'_>) -> Option<Self> {
        match value {
            ValueRef::Blob(value) => value.try_into().ok(),
            _ => None,
        }
    }
}

impl FromSql for Value {
    fn from_sql(value: ValueRef<'_>) -> Option<Self> {
        Some(match value {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(value) => Value::Integer(value),
            ValueRef::Real(value) => Value::Real(value),
            ValueRef::Text(value) => Value::Text(value.to_owned()),
            ValueRef::Blob(value) => Value::Blob(value.to_vec()),
        })
    }
}

/// An index of a column: its position, from 0.
pub(crate) trait RowIndex {
    /// The position.
    fn index(&self) -> usize;
}

impl RowIndex for usize {
    fn index(&self) -> usize {
        *self
    }
}

/// One row of a result.
pub(crate) struct Row<'a> {
    values: &'a [Value],
}

impl Row<'_> {
    /// The value of column `index` as `T`.
    pub(crate) fn get<I: RowIndex, T: FromSql>(&self, index: I) -> Result<T> {
        let index = index.index();
        let value = self.values.get(index).ok_or_else(|| Error::InvalidColumnType(index, "no such column".into()))?;
        let value = value.as_ref();
        T::from_sql(value).ok_or_else(|| match value {
            ValueRef::Integer(value) if narrow_integer::<T>() => Error::IntegralValueOutOfRange(index, value),
            other => Error::InvalidColumnType(index, other.kind().to_owned()),
        })
    }
}

/// Whether `T` is a narrower integer type (for the error's wording only).
fn narrow_integer<T>() -> bool {
    let name = std::any::type_name::<T>();
    ["i32", "i16", "i8", "u64", "u32", "u16", "u8", "usize"].iter().any(|narrow| name.ends_with(narrow))
}

macro_rules! narrow_from_sql {
    ($($t:ty),*) => {$(
        impl FromSql for $t {
            fn from_sql(value: ValueRef<'_>) -> Option<Self> {
                match value {
                    ValueRef::Integer(value) => <$t>::try_from(value).ok(),
                    _ => None,
                }
            }
        }
    )*};
}
narrow_from_sql!(i32, i16, i8, u64, u32, u16, u8, usize);

/// Makes "no row" a `None`, as rusqlite's trait of the same name.
pub(crate) trait OptionalExtension<T> {
    /// `Ok(None)` for [`Error::QueryReturnedNoRows`].
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(Error::QueryReturnedNoRows) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// A connection to either backend. Like rusqlite's, it is `Send` but used
/// by one thread at a time.
pub(crate) struct Connection {
    inner: Inner,
}

enum Inner {
    Sqlite(rusqlite::Connection),
    Postgres(Box<Pg>),
}

/// A PostgreSQL connection, with its prepared statements (keyed by the
/// hub's SQL text) and what the layer knows of its transaction.
pub(crate) struct Pg {
    /// Always `Some` but while dropped (see the `Drop` impl).
    client: RefCell<Option<postgres::Client>>,
    statements: RefCell<HashMap<Arc<str>, postgres::Statement>>,
    in_transaction: Cell<bool>,
    /// A statement failed in the open transaction since its last savepoint
    /// was rolled back to: PostgreSQL refuses everything but a rollback.
    failed: Cell<bool>,
}

/// Whether a transaction takes the write lock when it begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TransactionBehavior {
    /// Locks on the first write (SQLite's default).
    Deferred,
    /// Takes SQLite's write lock at once (`BEGIN IMMEDIATE`).
    Immediate,
}

impl Connection {
    /// Wraps an open SQLite connection.
    pub(crate) fn from_sqlite(connection: rusqlite::Connection) -> Self {
        // The hub's statements are few and repeated: keep them all prepared.
        connection.set_prepared_statement_cache_capacity(256);
        Self { inner: Inner::Sqlite(connection) }
    }

    /// Wraps an open PostgreSQL client.
    pub(crate) fn from_postgres(client: postgres::Client) -> Self {
        Self {
            inner: Inner::Postgres(Box::new(Pg {
                client: RefCell::new(Some(client)),
                statements: RefCell::default(),
                in_transaction: Cell::new(false),
                failed: Cell::new(false),
            })),
        }
    }

    /// Whether this is a PostgreSQL connection (for the few queries that
    /// read each backend's own catalogue).
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.inner, Inner::Postgres(_))
    }

    /// The SQLite connection, for what only SQLite has (pragmas, online
    /// backup); `None` on PostgreSQL.
    pub(crate) fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.inner {
            Inner::Sqlite(connection) => Some(connection),
            Inner::Postgres(_) => None,
        }
    }

    /// Runs `sql` with `params`; returns how many rows it changed.
    pub(crate) fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        match &self.inner {
            Inner::Sqlite(connection) => {
                let mut statement = connection.prepare_cached(sql)?;
                Ok(statement.execute(rusqlite::params_from_iter(params.values().into_iter().map(Bind)))?)
            }
            Inner::Postgres(pg) => pg.execute(sql, &params.values()),
        }
    }

    /// Runs statements without parameters, separated by `;`.
    pub(crate) fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(connection) => Ok(connection.execute_batch(sql)?),
            Inner::Postgres(pg) => pg.batch(sql),
        }
    }

    /// Runs `sql` and converts its first row with `map`; no row is
    /// [`Error::QueryReturnedNoRows`].
    pub(crate) fn query_row<T, P, F>(&self, sql: &str, params: P, map: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let rows = self.rows(sql, &params.values(), Some(1))?;
        let first = rows.first().ok_or(Error::QueryReturnedNoRows)?;
        map(&Row { values: first })
    }

    /// A statement to run (possibly several times).
    pub(crate) fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement { connection: self, sql: sql.into() })
    }

    /// As [`Connection::prepare`] (every statement is cached by its text).
    pub(crate) fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        self.prepare(sql)
    }

    /// Whether this transaction may run a job that should run once across
    /// hub processes: on PostgreSQL it takes the advisory lock `key` until
    /// the transaction ends (`pg_try_advisory_xact_lock`), false when
    /// another process holds it; on SQLite, where one process owns the data
    /// directory, always true.
    pub(crate) fn try_job_lock(&self, key: i64) -> Result<bool> {
        match &self.inner {
            Inner::Sqlite(_) => Ok(true),
            Inner::Postgres(_) => self.query_row("SELECT pg_try_advisory_xact_lock(?1)", [key], |row| row.get(0)),
        }
    }

    /// Begins a deferred transaction (serializable on PostgreSQL).
    pub(crate) fn transaction(&mut self) -> Result<Transaction<'_>> {
        self.transaction_with_behavior(TransactionBehavior::Deferred)
    }

    /// Begins a transaction; on SQLite an immediate one takes the write
    /// lock at once. Rolled back when dropped without [`Transaction::commit`].
    pub(crate) fn transaction_with_behavior(&mut self, behavior: TransactionBehavior) -> Result<Transaction<'_>> {
        self.begin(behavior)?;
        Ok(Transaction { connection: self, open: true })
    }

    /// Begins a transaction without a guard (for [`super::Db`]'s group commit).
    pub(crate) fn begin(&self, behavior: TransactionBehavior) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(_) => self.control(match behavior {
                TransactionBehavior::Deferred => "BEGIN DEFERRED",
                TransactionBehavior::Immediate => "BEGIN IMMEDIATE",
            }),
            Inner::Postgres(pg) => {
                pg.batch("BEGIN ISOLATION LEVEL SERIALIZABLE")?;
                pg.in_transaction.set(true);
                pg.failed.set(false);
                Ok(())
            }
        }
    }

    /// Commits the open transaction. On PostgreSQL a transaction in which
    /// a statement failed is rolled back and the commit is an error.
    pub(crate) fn commit(&self) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(_) => self.control("COMMIT"),
            Inner::Postgres(pg) => {
                if pg.failed.get() {
                    let _ = pg.rollback();
                    return Err(Error::TransactionAborted);
                }
                let committed = pg.client()?.batch_execute("COMMIT");
                pg.in_transaction.set(false);
                pg.failed.set(false);
                Ok(committed?)
            }
        }
    }

    /// Rolls the open transaction back, if any.
    pub(crate) fn rollback(&self) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(connection) => {
                if connection.is_autocommit() {
                    Ok(())
                } else {
                    Ok(connection.execute_batch("ROLLBACK")?)
                }
            }
            Inner::Postgres(pg) => pg.rollback(),
        }
    }

    /// Whether no transaction is open.
    pub(crate) fn is_autocommit(&self) -> bool {
        match &self.inner {
            Inner::Sqlite(connection) => connection.is_autocommit(),
            Inner::Postgres(pg) => !pg.in_transaction.get(),
        }
    }

    /// Opens a savepoint named `name` (inside a transaction).
    pub(crate) fn savepoint(&self, name: &str) -> Result<()> {
        self.control(&format!("SAVEPOINT {name}"))
    }

    /// Runs a transaction-control statement: on SQLite a cached prepared
    /// one (group commit runs several per report, and parsing them each
    /// time showed in profiles), on PostgreSQL as a simple query.
    fn control(&self, sql: &str) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(connection) => {
                connection.prepare_cached(sql)?.execute([])?;
                Ok(())
            }
            Inner::Postgres(pg) => pg.batch(sql),
        }
    }

    /// Undoes everything since savepoint `name` and releases it.
    pub(crate) fn rollback_to(&self, name: &str) -> Result<()> {
        self.control(&format!("ROLLBACK TO {name}"))?;
        if let Inner::Postgres(pg) = &self.inner {
            pg.failed.set(false);
        }
        self.release(name)
    }

    /// Keeps what was done since savepoint `name` in the transaction.
    pub(crate) fn release(&self, name: &str) -> Result<()> {
        self.control(&format!("RELEASE {name}"))
    }

    /// Every row of `sql` (at most `limit`), read whole.
    fn rows(&self, sql: &str, params: &[ValueRef<'_>], limit: Option<usize>) -> Result<Vec<Vec<Value>>> {
        match &self.inner {
            Inner::Sqlite(connection) => {
                let mut statement = connection.prepare_cached(sql)?;
                let width = statement.column_count();
                let mut rows = statement.query(rusqlite::params_from_iter(params.iter().copied().map(Bind)))?;
                let mut all = Vec::new();
                while let Some(row) = rows.next()? {
                    let values =
                        (0..width).map(|index| Ok(sqlite_value(row.get_ref(index)?))).collect::<Result<_>>()?;
                    all.push(values);
                    if limit.is_some_and(|limit| all.len() >= limit) {
                        break;
                    }
                }
                Ok(all)
            }
            Inner::Postgres(pg) => pg.query(sql, params, limit),
        }
    }
}

fn sqlite_value(value: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef as V;
    match value {
        V::Null => Value::Null,
        V::Integer(value) => Value::Integer(value),
        V::Real(value) => Value::Real(value),
        V::Text(text) => Value::Text(String::from_utf8_lossy(text).into_owned()),
        V::Blob(bytes) => Value::Blob(bytes.to_vec()),
    }
}

/// A parameter bound to a SQLite statement.
struct Bind<'a>(ValueRef<'a>);

impl rusqlite::ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef as V};
        Ok(ToSqlOutput::Borrowed(match self.0 {
            ValueRef::Null => V::Null,
            ValueRef::Integer(value) => V::Integer(value),
            ValueRef::Real(value) => V::Real(value),
            ValueRef::Text(text) => V::Text(text.as_bytes()),
            ValueRef::Blob(bytes) => V::Blob(bytes),
        }))
    }
}

/// An open transaction; rolled back when dropped uncommitted.
pub(crate) struct Transaction<'c> {
    connection: &'c mut Connection,
    open: bool,
}

impl Transaction<'_> {
    /// Commits.
    pub(crate) fn commit(mut self) -> Result<()> {
        self.open = false;
        self.connection.commit()
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.connection
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.connection.rollback();
        }
    }
}

/// A query to run on a connection, as rusqlite's prepared statement.
pub(crate) struct Statement<'c> {
    connection: &'c Connection,
    sql: Box<str>,
}

impl Statement<'_> {
    /// Every row, each converted with `map`.
    pub(crate) fn query_map<T, P, F>(&mut self, params: P, map: F) -> Result<MappedRows<F>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        let rows = self.connection.rows(&self.sql, &params.values(), None)?;
        Ok(MappedRows { rows: rows.into_iter(), map })
    }

    /// Every row, to step through with [`Rows::next`].
    pub(crate) fn query<P: Params>(&mut self, params: P) -> Result<Rows> {
        let rows = self.connection.rows(&self.sql, &params.values(), None)?;
        Ok(Rows { rows: rows.into_iter(), current: None })
    }
}

/// Rows converted one by one, as rusqlite's `MappedRows`.
pub(crate) struct MappedRows<F> {
    rows: std::vec::IntoIter<Vec<Value>>,
    map: F,
}

impl<T, F: FnMut(&Row<'_>) -> Result<T>> Iterator for MappedRows<F> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let values = self.rows.next()?;
        Some((self.map)(&Row { values: &values }))
    }
}

/// Rows to step through, as rusqlite's `Rows`.
pub(crate) struct Rows {
    rows: std::vec::IntoIter<Vec<Value>>,
    current: Option<Vec<Value>>,
}

impl Rows {
    /// The next row, if any.
    #[allow(clippy::should_implement_trait)]
    pub(crate) fn next(&mut self) -> Result<Option<Row<'_>>> {
        self.current = self.rows.next();
        Ok(self.current.as_deref().map(|values| Row { values }))
    }
}

impl Pg {
    /// The prepared statement for `sql` (rewritten to `$N` and prepared
    /// once per connection).
    fn statement(&self, sql: &str) -> Result<postgres::Statement> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let rewritten = numbered_to_dollar(sql);
        let statement = self.client()?.prepare(&rewritten).map_err(|error| self.failure(error))?;
        self.statements.borrow_mut().insert(sql.into(), statement.clone());
        Ok(statement)
    }

    /// Notes a failed statement (inside a transaction PostgreSQL then
    /// refuses everything until a rollback).
    fn failure(&self, error: postgres::Error) -> Error {
        if self.in_transaction.get() {
            self.failed.set(true);
        }
        Error::Postgres(error)
    }

    fn execute(&self, sql: &str, params: &[ValueRef<'_>]) -> Result<usize> {
        let statement = self.statement(sql)?;
        let binds: Vec<PgBind<'_>> = params.iter().copied().map(PgBind).collect();
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            binds.iter().map(|bind| bind as &(dyn postgres::types::ToSql + Sync)).collect();
        let changed = self.client()?.execute(&statement, &refs).map_err(|error| self.failure(error))?;
        Ok(usize::try_from(changed).unwrap_or(usize::MAX))
    }

    fn query(&self, sql: &str, params: &[ValueRef<'_>], limit: Option<usize>) -> Result<Vec<Vec<Value>>> {
        let statement = self.statement(sql)?;
        let binds: Vec<PgBind<'_>> = params.iter().copied().map(PgBind).collect();
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            binds.iter().map(|bind| bind as &(dyn postgres::types::ToSql + Sync)).collect();
        let rows = self.client()?.query(&statement, &refs).map_err(|error| self.failure(error))?;
        rows.iter().take(limit.unwrap_or(usize::MAX)).map(pg_row).collect()
    }

    fn batch(&self, sql: &str) -> Result<()> {
        self.client()?.batch_execute(sql).map_err(|error| self.failure(error))
    }

    fn rollback(&self) -> Result<()> {
        if !self.in_transaction.get() {
            return Ok(());
        }
        self.in_transaction.set(false);
        self.failed.set(false);
        Ok(self.client()?.batch_execute("ROLLBACK")?)
    }

    /// Whether the connection to the server is still usable.
    pub(crate) fn is_closed(&self) -> bool {
        self.client.borrow().as_ref().is_none_or(postgres::Client::is_closed)
    }

    fn client(&self) -> Result<std::cell::RefMut<'_, postgres::Client>> {
        std::cell::RefMut::filter_map(self.client.borrow_mut(), Option::as_mut)
            .map_err(|_| Error::Damaged("the PostgreSQL connection is closed".into()))
    }
}

impl Connection {
    /// PostgreSQL only: runs `sql` with parameters of the `postgres`
    /// crate's own types — arrays, for a statement that takes many rows at
    /// once (`cases::intake`) — and returns the first column of each row,
    /// text. An error on SQLite, which has no such statement.
    pub(crate) fn postgres_texts(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<String>> {
        match &self.inner {
            Inner::Postgres(pg) => {
                let statement = pg.statement(sql)?;
                let rows = pg.client()?.query(&statement, params).map_err(|error| pg.failure(error))?;
                rows.iter().map(|row| row.try_get::<_, String>(0).map_err(Error::Postgres)).collect()
            }
            Inner::Sqlite(_) => Err(Error::Damaged("a PostgreSQL statement was run on SQLite".into())),
        }
    }

    /// Whether this is a PostgreSQL connection whose server link broke (it
    /// is then replaced rather than returned to the pool).
    pub(crate) fn is_broken(&self) -> bool {
        match &self.inner {
            Inner::Sqlite(_) => false,
            Inner::Postgres(pg) => pg.is_closed(),
        }
    }
}

impl Drop for Pg {
    /// The synchronous client closes its connection on its own small
    /// runtime, which must not happen on a thread that drives async tasks
    /// (tokio panics): there, it is closed on a thread of its own.
    fn drop(&mut self) {
        // Otherwise the client is dropped (and closed) right here.
        if let Some(client) = self.client.get_mut().take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            std::thread::spawn(move || drop(client));
        }
    }
}

/// A PostgreSQL row read into values by its columns' types.
fn pg_row(row: &postgres::Row) -> Result<Vec<Value>> {
    use postgres::types::Type;
    (0..row.len())
        .map(|index| {
            let ty = row.columns()[index].type_();
            let value = match *ty {
                Type::INT8 => row.try_get::<_, Option<i64>>(index)?.map(Value::Integer),
                Type::INT4 => row.try_get::<_, Option<i32>>(index)?.map(|value| Value::Integer(value.into())),
                Type::INT2 => row.try_get::<_, Option<i16>>(index)?.map(|value| Value::Integer(value.into())),
                Type::BOOL => row.try_get::<_, Option<bool>>(index)?.map(|value| Value::Integer(value.into())),
                Type::FLOAT8 => row.try_get::<_, Option<f64>>(index)?.map(Value::Real),
                Type::FLOAT4 => row.try_get::<_, Option<f32>>(index)?.map(|value| Value::Real(value.into())),
                Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(index)?.map(Value::Blob),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    row.try_get::<_, Option<String>>(index)?.map(Value::Text)
                }
                ref other => {
                    return Err(Error::Damaged(format!(
                        "column {index} has type {other}, which the hub does not read (cast it in the query)"
                    )));
                }
            };
            Ok(value.unwrap_or(Value::Null))
        })
        .collect()
}

/// A parameter sent to PostgreSQL as the type the server inferred for it.
#[derive(Debug)]
struct PgBind<'a>(ValueRef<'a>);

impl postgres::types::ToSql for PgBind<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, ToSql as Pg, Type};
        match (self.0, ty) {
            (ValueRef::Null, _) => Ok(IsNull::Yes),
            (ValueRef::Integer(value), &Type::INT8) => Pg::to_sql(&value, ty, out),
            (ValueRef::Integer(value), &Type::INT4) => Pg::to_sql(&i32::try_from(value)?, ty, out),
            (ValueRef::Integer(value), &Type::INT2) => Pg::to_sql(&i16::try_from(value)?, ty, out),
            (ValueRef::Integer(value), &Type::BOOL) => Pg::to_sql(&(value != 0), ty, out),
            #[allow(clippy::cast_precision_loss)]
            (ValueRef::Integer(value), &Type::FLOAT8) => Pg::to_sql(&(value as f64), ty, out),
            (ValueRef::Integer(value), &Type::TEXT | &Type::VARCHAR | &Type::UNKNOWN) => {
                Pg::to_sql(&value.to_string(), &Type::TEXT, out)
            }
            (ValueRef::Real(value), &Type::FLOAT8) => Pg::to_sql(&value, ty, out),
            (ValueRef::Text(text), &Type::TEXT | &Type::VARCHAR | &Type::BPCHAR | &Type::NAME | &Type::UNKNOWN) => {
                Pg::to_sql(&text, &Type::TEXT, out)
            }
            (ValueRef::Text(text), &Type::BYTEA) => Pg::to_sql(&text.as_bytes(), ty, out),
            (ValueRef::Text(text), &Type::INT8) => Pg::to_sql(&text.parse::<i64>()?, ty, out),
            (ValueRef::Text(text), &Type::INT4) => Pg::to_sql(&text.parse::<i32>()?, ty, out),
            (ValueRef::Blob(bytes), &Type::BYTEA) => Pg::to_sql(&bytes, ty, out),
            (value, ty) => Err(format!("cannot send {} as a parameter of type {ty}", value.kind()).into()),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// Rewrites numbered placeholders `?N` to PostgreSQL's `$N`, leaving string
/// literals, quoted identifiers and comments alone.
pub(crate) fn numbered_to_dollar(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                // Up to the closing quote; a doubled quote is an escaped one
                // and simply closes and reopens.
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                out.push(c);
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                out.push(c);
                let mut previous = ' ';
                for inner in chars.by_ref() {
                    out.push(inner);
                    if previous == '*' && inner == '/' {
                        break;
                    }
                    previous = inner;
                }
            }
            '?' if chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders_become_dollars() {
        assert_eq!(
            numbered_to_dollar("SELECT a FROM t WHERE b = ?1 AND c IN (?2, ?10)"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $10)"
        );
    }

    #[test]
    fn question_marks_in_strings_identifiers_and_comments_are_left_alone() {
        let sql = "SELECT '?1', 'it''s ?2', \"odd?3\" -- ?4 here\n FROM t /* ?5 */ WHERE x = ?6";
        assert_eq!(
            numbered_to_dollar(sql),
            "SELECT '?1', 'it''s ?2', \"odd?3\" -- ?4 here\n FROM t /* ?5 */ WHERE x = $6"
        );
    }

    #[test]
    fn an_unterminated_literal_is_copied_as_it_is() {
        assert_eq!(numbered_to_dollar("SELECT 'open ?1"), "SELECT 'open ?1");
        assert_eq!(numbered_to_dollar("SELECT 1 /* open ?1"), "SELECT 1 /* open ?1");
    }

    #[test]
    fn values_read_back_as_the_types_asked_for_and_wrong_types_are_errors() {
        let connection = Connection::from_sqlite(rusqlite::Connection::open_in_memory().unwrap());
        connection.execute_batch("CREATE TABLE t (i INTEGER, s TEXT, b BLOB)").unwrap();
        connection.execute("INSERT INTO t (i, s, b) VALUES (?1, ?2, ?3)", params![300_i64, "x", vec![1u8, 2]]).unwrap();
        let (i, s, b): (u32, String, Vec<u8>) = connection
            .query_row("SELECT i, s, b FROM t", [], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap();
        assert_eq!((i, s.as_str(), b), (300, "x", vec![1, 2]));
        assert!(matches!(
            connection.query_row("SELECT i FROM t", [], |row| row.get::<_, u8>(0)),
            Err(Error::IntegralValueOutOfRange(0, 300))
        ));
        assert!(matches!(
            connection.query_row("SELECT s FROM t", [], |row| row.get::<_, i64>(0)),
            Err(Error::InvalidColumnType(0, _))
        ));
        assert!(
            connection
                .query_row("SELECT i FROM t WHERE i = 1", [], |row| row.get::<_, i64>(0))
                .optional()
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_dropped_transaction_is_rolled_back_and_a_committed_one_kept() {
        let mut connection = Connection::from_sqlite(rusqlite::Connection::open_in_memory().unwrap());
        connection.execute_batch("CREATE TABLE t (i INTEGER)").unwrap();
        {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate).unwrap();
            tx.execute("INSERT INTO t (i) VALUES (1)", []).unwrap();
        }
        let tx = connection.transaction().unwrap();
        tx.execute("INSERT INTO t (i) VALUES (2)", []).unwrap();
        tx.commit().unwrap();
        let all: Vec<i64> = connection
            .prepare("SELECT i FROM t")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(all, vec![2]);
        assert!(connection.is_autocommit());
    }
}
