//! The hub's database upgraded from every earlier schema version with rows
//! in every table: every row and every value is still there, the file is at
//! the current version, and a new database has the same schema.
//!
//! Each fixture (`tests/fixtures/hub-db/vN.sql`) is the schema as the commit
//! that introduced version N wrote it — from git history, so a step edited
//! after release shows here — plus rows in every table.
//!
//! `scripts/hub-db-fixture N` writes the fixture for version N (the script
//! says how it picks the commit and the rows). When a schema step is merged:
//! run it for the new version, commit the file, raise [`NEWEST_FIXTURE`], and
//! name here what the step drops or coarsens on purpose.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::Connection;
use rusqlite::types::Value;

/// The version this build writes (16 adds the inbox's tables, ADR 0020,
/// and changes no row; 17 binds survey tokens to a factory, ADR 0021; 18
/// rounds what devices did in case audits down to the hour, ADR 0016; 19 adds
/// readers' e-mail notifications, ADR 0023, and changes no row; 20 adds the
/// category counts readers publish, ADR 0024, and changes no row; 21 adds
/// the rate limits' counts shared on PostgreSQL, ADR 0019, and changes no
/// row).
const LATEST: i64 = 21;

/// The newest version with a fixture (`scripts/hub-db-fixture`).
const NEWEST_FIXTURE: i64 = 21;

/// Tables a step drops on purpose, with the version that step makes: 14
/// removes the hub-made handler keys and the case keys wrapped to them (ADR
/// 0015: no deployment has them), and makes both again, empty, for reader
/// accounts. A fixture at that version or later keeps its rows like any other.
const DROPPED: &[(&str, i64)] = &[("handlers", 14), ("case_keys", 14)];

/// The version whose step ends readers' sessions (with the accounts they
/// belonged to, see [`DROPPED`]).
const READER_SESSIONS_ENDED: i64 = 14;

/// Times a step coarsens on purpose (15, ADR 0016): (table, column, unit in
/// seconds). Each may only move back to a multiple of its unit, by less than
/// one unit — or stay as it was, where the step leaves that row alone.
const COARSENED: &[(&str, &str, i64)] = &[
    ("devices", "last_seen_at", 86_400),
    ("offline_sign_ins", "decided_at", 86_400),
    ("progress_uploads", "received_at", 86_400),
    ("cases", "received_at", 3_600),
    ("cases", "deadline_at", 3_600),
    ("case_events", "at", 3_600),
    ("case_audit", "at", 3_600), // and 18, for rows a device caused
];

/// Whether `new` is `old` coarsened as [`COARSENED`] allows.
fn coarsened_from(old: &Value, new: &Value, unit: i64) -> bool {
    match (old, new) {
        (Value::Integer(old), Value::Integer(new)) => new == old || (new <= old && old - new < unit),
        (old, new) => old == new,
    }
}

/// Compares a table's rows before and after, allowing only [`COARSENED`].
fn assert_same_rows(table: &str, columns: &[String], old: &[Vec<Value>], new: &[Vec<Value>], version: i64) {
    assert_eq!(old.len(), new.len(), "from v{version}: {table} lost or gained rows");
    for (old_row, new_row) in old.iter().zip(new) {
        for ((column, old), new) in columns.iter().zip(old_row).zip(new_row) {
            let unit = COARSENED.iter().find(|(t, c, _)| *t == table && c == column).map(|(_, _, unit)| *unit);
            match unit {
                Some(unit) => {
                    assert!(coarsened_from(old, new, unit), "from v{version}: {table}.{column} {old:?} -> {new:?}")
                }
                None => assert_eq!(old, new, "from v{version}: {table}.{column} changed"),
            }
        }
    }
}

type Contents = BTreeMap<String, (Vec<String>, Vec<Vec<Value>>)>;

fn fixture(version: i64) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/hub-db/v{version}.sql"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn tables(connection: &Connection) -> Vec<String> {
    let mut statement = connection
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .expect("query");
    statement.query_map([], |row| row.get(0)).expect("rows").collect::<Result<_, _>>().expect("names")
}

fn columns(connection: &Connection, table: &str) -> Vec<String> {
    let mut statement =
        connection.prepare(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")).expect("query");
    statement.query_map([], |row| row.get(0)).expect("rows").collect::<Result<_, _>>().expect("names")
}

fn rows(connection: &Connection, table: &str, columns: &[String]) -> Vec<Vec<Value>> {
    let list = columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
    let order = (1..=columns.len()).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    let mut statement = connection.prepare(&format!("SELECT {list} FROM \"{table}\" ORDER BY {order}")).expect("query");
    statement
        .query_map([], |row| (0..columns.len()).map(|i| row.get::<_, Value>(i)).collect())
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("values")
}

fn contents(connection: &Connection) -> Contents {
    tables(connection)
        .into_iter()
        .map(|table| {
            // The one value a step rewrites (unknown_pin_attempts.last_failed_at,
            // 11 -> 12) is in a column that step adds, so no fixture holds it.
            let columns = columns(connection, &table);
            let rows = rows(connection, &table, &columns);
            (table, (columns, rows))
        })
        .collect()
}

#[test]
fn the_hub_database_upgrades_from_every_earlier_version_and_keeps_every_row() {
    if workervoice_hub::testing::skip_on_postgres(
        "SQLite's upgrade fixtures (PostgreSQL's history starts at its baseline)",
    ) {
        return;
    }
    for version in 1..=NEWEST_FIXTURE {
        let dir = tempfile::tempdir().expect("temp dir");
        let before = {
            let connection = Connection::open(dir.path().join("hub.db")).expect("db");
            connection.execute_batch("PRAGMA foreign_keys = ON;").expect("pragma");
            connection.execute_batch(&fixture(version)).expect("the fixture loads");
            contents(&connection)
        };
        for (table, (_, rows)) in &before {
            assert!(!rows.is_empty(), "fixture v{version}: {table} has no rows");
        }

        workervoice_hub::upgrade_database(dir.path()).unwrap_or_else(|error| panic!("from v{version}: {error:#}"));

        let connection = Connection::open(dir.path().join("hub.db")).expect("db");
        let found: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0)).expect("version");
        assert_eq!(found, LATEST, "from v{version}");
        for (table, (old_columns, old_rows)) in &before {
            if DROPPED.iter().any(|(dropped, by)| dropped == table && version < *by) {
                // Dropped, and (for case_keys) made again empty in the new shape.
                let left: i64 = if columns(&connection, table).is_empty() {
                    0
                } else {
                    connection
                        .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |row| row.get(0))
                        .expect("count")
                };
                assert_eq!(left, 0, "from v{version}: {table} was to be emptied");
                continue;
            }
            let now = columns(&connection, table);
            for column in old_columns {
                assert!(now.contains(column), "from v{version}: {table}.{column} is gone");
            }
            let mut old_rows = old_rows.clone();
            if table == "sessions" && version < READER_SESSIONS_ENDED {
                // 14 ends readers' sessions with the accounts they belonged to.
                if let Some(kind) = old_columns.iter().position(|c| c == "account_kind") {
                    old_rows.retain(|row| row[kind] != Value::Text("reader".into()));
                }
            }
            let new_rows = rows(&connection, table, old_columns);
            assert_same_rows(table, old_columns, &old_rows, &new_rows, version);
        }
        let dangling: i64 =
            connection.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| row.get(0)).expect("check");
        assert_eq!(dangling, 0, "from v{version}: a foreign key points nowhere");
    }
}

#[test]
fn a_database_upgraded_from_the_first_version_has_the_schema_of_a_new_one() {
    if workervoice_hub::testing::skip_on_postgres(
        "SQLite's upgrade fixtures (PostgreSQL's history starts at its baseline)",
    ) {
        return;
    }
    let fresh_dir = tempfile::tempdir().expect("temp dir");
    workervoice_hub::upgrade_database(fresh_dir.path()).expect("a new database");
    let fresh = Connection::open(fresh_dir.path().join("hub.db")).expect("db");
    let upgraded_dir = tempfile::tempdir().expect("temp dir");
    Connection::open(upgraded_dir.path().join("hub.db")).expect("db").execute_batch(&fixture(1)).expect("fixture");
    workervoice_hub::upgrade_database(upgraded_dir.path()).expect("upgraded");
    let upgraded = Connection::open(upgraded_dir.path().join("hub.db")).expect("db");
    assert_eq!(tables(&fresh), tables(&upgraded));
    for table in tables(&fresh) {
        assert_eq!(columns(&fresh, &table), columns(&upgraded, &table), "{table}");
    }
}

#[tokio::test]
async fn a_postgresql_database_gets_the_baseline_once_and_one_from_a_newer_hub_is_refused() {
    if !workervoice_hub::testing::on_postgres() {
        eprintln!("skipped on SQLite: PostgreSQL's schema history (runs on PostgreSQL)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let start = || workervoice_hub::start(workervoice_hub::HubConfig::for_tests(data.clone()));
    start().await.expect("a new database starts").shutdown().await;
    let database = workervoice_hub::testing::TestDatabase::open(&data);
    assert_eq!(database.integer("SELECT max(version) FROM hub_schema_version", &[]), LATEST);
    assert_eq!(database.integer("SELECT count(*) FROM hub_schema_version", &[]), 1);
    start().await.expect("and starts again on it").shutdown().await;
    assert_eq!(database.integer("SELECT count(*) FROM hub_schema_version", &[]), 1);
    database.execute("UPDATE hub_schema_version SET version = ?1", &[(LATEST + 1).into()]).expect("bumped");
    let error = start().await.expect_err("a database from a newer hub is refused");
    assert!(format!("{error:#}").contains("newer hub"), "{error:#}");
}
