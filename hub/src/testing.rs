//! For tests: the hub's database on either backend, and which backend the
//! test suite runs on.
//!
//! With `WV_TEST_DATABASE_URL` set to key-value words that reach a
//! PostgreSQL server as a role that may create databases (for example
//! `host=/tmp/pg user=postgres dbname=postgres`; `scripts/test-hub-postgres`
//! starts such a server), [`crate::HubConfig::for_tests`] gives every data
//! directory its own database on that server, named after the directory,
//! and [`TestDatabase`] opens the same one. Without it, both use
//! `<data-dir>/hub.db`.
//!
//! The synchronous PostgreSQL client must not run on an async runtime's
//! thread: every call here runs on a thread of its own.

use std::path::Path;
use std::sync::Mutex;

use crate::db::sql;

/// The variable that makes the test suite run on PostgreSQL.
pub const TEST_DATABASE_URL_VAR: &str = "WV_TEST_DATABASE_URL";

/// The PostgreSQL advisory lock key the escalation pass takes, so a test can
/// hold it as another hub process's pass would.
pub const ESCALATION_JOB_LOCK: i64 = crate::cases::escalation::ESCALATION_JOB;

/// Whether the tests run on PostgreSQL (`WV_TEST_DATABASE_URL` is set).
pub fn on_postgres() -> bool {
    std::env::var_os(TEST_DATABASE_URL_VAR).is_some_and(|value| !value.is_empty())
}

/// Prints why a test is skipped on PostgreSQL and says whether it is: for
/// what only SQLite has (file bytes, WAL, permissions, `max_page_count`,
/// its upgrade fixtures).
pub fn skip_on_postgres(why: &str) -> bool {
    let skip = on_postgres();
    if skip {
        eprintln!("skipped on PostgreSQL: {why}");
    }
    skip
}

/// The database URL of `data_dir` on the test server, the database
/// created if it does not exist yet; `None` when the tests run on SQLite.
///
/// # Panics
/// When the test server cannot be reached or refuses: a test setup failure.
pub fn database_url_for(data_dir: &Path) -> Option<String> {
    let admin = std::env::var(TEST_DATABASE_URL_VAR).ok().filter(|value| !value.is_empty())?;
    let digest = ring::digest::digest(&ring::digest::SHA256, data_dir.as_os_str().as_encoded_bytes());
    let name = format!("wv_{}", &hex::encode(digest.as_ref())[..24]);
    let url = format!("{admin} dbname={name}");
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let mut client = admin.parse::<postgres::Config>().and_then(|config| config.connect(postgres::NoTls));
                let client = client.as_mut().unwrap_or_else(|error| panic!("the test PostgreSQL server: {error}"));
                let exists = client
                    .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
                    .unwrap_or_else(|error| panic!("looking for {name}: {error}"))
                    .is_some();
                if !exists {
                    create_database(client, &name);
                }
            })
            .join()
            .unwrap_or_else(|_| panic!("creating the test database failed"));
    });
    Some(url)
}

/// `CREATE DATABASE name`, tolerating a twin that made it first and
/// retrying what a busy test server refuses for a moment: many tests create
/// their databases at once, and PostgreSQL refuses to copy `template1`
/// while another session is copying it ("being accessed by other users").
fn create_database(client: &mut postgres::Client, name: &str) {
    for attempt in 0..50u32 {
        match client.batch_execute(&format!("CREATE DATABASE {name}")) {
            Ok(()) => return,
            // Another hub on the same directory created it meanwhile (42P04,
            // or 23505 when both inserted into pg_database at once).
            Err(error) if error.code().is_some_and(|code| matches!(code.code(), "42P04" | "23505")) => return,
            Err(error) if attempt < 49 && error.code().is_some_and(|code| code.code() == "55006") => {
                std::thread::sleep(std::time::Duration::from_millis(20 + 10 * u64::from(attempt)));
            }
            Err(error) => panic!("creating {name}: {error:?}"),
        }
    }
}

/// The bytes a reader of the hub's database could get at: the files
/// `hub.db` and `hub.db-wal` on SQLite; on PostgreSQL every value of every
/// table ([`TestDatabase::contents`]), named `hub.db (PostgreSQL)`.
pub fn database_files(data_dir: &Path) -> Vec<(String, Vec<u8>)> {
    if on_postgres() {
        return vec![("hub.db (PostgreSQL)".to_owned(), TestDatabase::open(data_dir).contents())];
    }
    ["hub.db", "hub.db-wal"]
        .into_iter()
        .filter_map(|name| std::fs::read(data_dir.join(name)).ok().map(|bytes| (name.to_owned(), bytes)))
        .collect()
}

/// A value read from or bound into the test database.
#[derive(Debug, Clone, PartialEq)]
pub enum TestValue {
    /// NULL.
    Null,
    /// An integer (also booleans).
    Integer(i64),
    /// A real.
    Real(f64),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

impl TestValue {
    /// The integer, if it is one.
    pub fn integer(&self) -> Option<i64> {
        match self {
            Self::Integer(value) => Some(*value),
            _ => None,
        }
    }

    /// The text, if it is some.
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Text(value) => Some(value),
            _ => None,
        }
    }

    /// The bytes, if they are some.
    pub fn blob(&self) -> Option<&[u8]> {
        match self {
            Self::Blob(value) => Some(value),
            _ => None,
        }
    }
}

impl From<i64> for TestValue {
    fn from(value: i64) -> Self {
        Self::Integer(value)
    }
}

impl From<&str> for TestValue {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<String> for TestValue {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl From<&String> for TestValue {
    fn from(value: &String) -> Self {
        Self::Text(value.clone())
    }
}

impl From<Vec<u8>> for TestValue {
    fn from(value: Vec<u8>) -> Self {
        Self::Blob(value)
    }
}

fn to_value(value: &TestValue) -> sql::Value {
    match value {
        TestValue::Null => sql::Value::Null,
        TestValue::Integer(value) => sql::Value::Integer(*value),
        TestValue::Real(value) => sql::Value::Real(*value),
        TestValue::Text(value) => sql::Value::Text(value.clone()),
        TestValue::Blob(value) => sql::Value::Blob(value.clone()),
    }
}

fn from_value(value: sql::Value) -> TestValue {
    match value {
        sql::Value::Null => TestValue::Null,
        sql::Value::Integer(value) => TestValue::Integer(value),
        sql::Value::Real(value) => TestValue::Real(value),
        sql::Value::Text(value) => TestValue::Text(value),
        sql::Value::Blob(value) => TestValue::Blob(value),
    }
}

/// A connection to a test hub's database through the hub's own query layer
/// (`?1` placeholders, SQL both backends accept).
pub struct TestDatabase {
    connection: Mutex<sql::Connection>,
}

impl TestDatabase {
    /// Opens the database of `data_dir`: its PostgreSQL database when the
    /// tests run there, else `<data_dir>/hub.db` (created if missing).
    ///
    /// # Panics
    /// When it cannot be opened: a test setup failure.
    pub fn open(data_dir: &Path) -> Self {
        let connection = match database_url_for(data_dir) {
            Some(url) => on_own_thread(|| {
                let config = url.parse::<postgres::Config>().expect("the test database URL");
                sql::Connection::from_postgres(config.connect(postgres::NoTls).expect("the test database"))
            }),
            None => {
                let connection =
                    rusqlite::Connection::open(data_dir.join(crate::db::DB_FILE)).expect("the hub database opens");
                connection.busy_timeout(std::time::Duration::from_secs(5)).expect("busy timeout");
                sql::Connection::from_sqlite(connection)
            }
        };
        Self { connection: Mutex::new(connection) }
    }

    /// Runs one statement; returns the rows it changed, or the database's
    /// error message.
    pub fn execute(&self, statement: &str, params: &[TestValue]) -> Result<usize, String> {
        let params: Vec<sql::Value> = params.iter().map(to_value).collect();
        self.with(|connection| connection.execute(statement, params).map_err(|error| error.to_string()))
    }

    /// Runs statements without parameters.
    ///
    /// # Panics
    /// When they fail.
    pub fn execute_batch(&self, statements: &str) {
        self.with(|connection| connection.execute_batch(statements)).expect("the statements run");
    }

    /// Every row of a query.
    ///
    /// # Panics
    /// When the query fails.
    pub fn rows(&self, query: &str, params: &[TestValue]) -> Vec<Vec<TestValue>> {
        let params: Vec<sql::Value> = params.iter().map(to_value).collect();
        self.with(|connection| {
            let mut statement = connection.prepare(query)?;
            let rows = statement.query_map(params, |row| {
                let mut values = Vec::new();
                let mut index = 0;
                while let Ok(value) = row.get::<_, sql::Value>(index) {
                    values.push(from_value(value));
                    index += 1;
                }
                Ok(values)
            })?;
            rows.collect::<sql::Result<Vec<_>>>()
        })
        .unwrap_or_else(|error| panic!("{query}: {error}"))
    }

    /// The first column of the first row, as an integer (a count).
    ///
    /// # Panics
    /// When there is no row or it holds no integer there.
    pub fn integer(&self, query: &str, params: &[TestValue]) -> i64 {
        self.value(query, params).integer().unwrap_or_else(|| panic!("{query}: not an integer"))
    }

    /// The first column of the first row.
    ///
    /// # Panics
    /// When there is no row.
    pub fn value(&self, query: &str, params: &[TestValue]) -> TestValue {
        let rows = self.rows(query, params);
        rows.into_iter().next().and_then(|row| row.into_iter().next()).unwrap_or_else(|| panic!("{query}: no row"))
    }

    /// Every text and byte value of every table, one after the other:
    /// what "the database's bytes" are on PostgreSQL, whose files belong to
    /// the server.
    pub fn contents(&self) -> Vec<u8> {
        let tables = if on_postgres() {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'"
        } else {
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        };
        let mut bytes = Vec::new();
        for table in self.rows(tables, &[]) {
            let Some(table) = table.first().and_then(TestValue::text).map(str::to_owned) else { continue };
            for row in self.rows(&format!("SELECT * FROM \"{table}\""), &[]) {
                for value in row {
                    match value {
                        TestValue::Text(text) => bytes.extend_from_slice(text.as_bytes()),
                        TestValue::Blob(blob) => bytes.extend_from_slice(&blob),
                        _ => continue,
                    }
                    bytes.push(0);
                }
            }
        }
        bytes
    }

    fn with<T: Send>(&self, work: impl FnOnce(&sql::Connection) -> T + Send) -> T {
        on_own_thread(|| work(&self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())))
    }
}

/// Runs `work` on a thread of its own (the PostgreSQL client must not run
/// on an async runtime's thread).
fn on_own_thread<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| scope.spawn(work).join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
}
