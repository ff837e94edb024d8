//! The device store upgraded from every earlier schema version with rows in
//! every table: every row and every value it held is still there, and the
//! file is at the current version.
//!
//! Each fixture (`tests/fixtures/device-store/vN.sql`) is the schema as the
//! commit that introduced version N wrote it — taken from git history, not
//! from today's upgrade steps, so a step edited after release shows here —
//! plus rows in every table.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::Connection;
use rusqlite::types::Value;
use workervoice_core::store::{DB_FILE, SCHEMA_VERSION, Store};

/// Every table's rows, each as its columns' values (old columns only).
type Contents = BTreeMap<String, (Vec<String>, Vec<Vec<Value>>)>;

fn fixture(version: i64) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/device-store/v{version}.sql"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn tables(connection: &Connection) -> Vec<String> {
    let mut statement = connection
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap();
    statement.query_map([], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

fn columns(connection: &Connection, table: &str) -> Vec<String> {
    let mut statement =
        connection.prepare(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")).unwrap();
    statement.query_map([], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// The rows of `table`, `columns` only, in a stable order.
fn rows(connection: &Connection, table: &str, columns: &[String]) -> Vec<Vec<Value>> {
    let list = columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
    let order = (1..=columns.len()).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    let mut statement = connection.prepare(&format!("SELECT {list} FROM \"{table}\" ORDER BY {order}")).unwrap();
    statement
        .query_map([], |row| (0..columns.len()).map(|i| row.get::<_, Value>(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn contents(connection: &Connection) -> Contents {
    tables(connection)
        .into_iter()
        .map(|table| {
            let columns = columns(connection, &table);
            let rows = rows(connection, &table, &columns);
            (table, (columns, rows))
        })
        .collect()
}

#[test]
fn the_device_store_upgrades_from_every_earlier_version_and_keeps_every_row() {
    assert_eq!(SCHEMA_VERSION, 9, "a new schema version needs a fixture of version {}", SCHEMA_VERSION - 1);
    for version in 1..SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let before = {
            let connection = Connection::open(dir.path().join(DB_FILE)).unwrap();
            connection.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
            connection.execute_batch(&fixture(version)).unwrap();
            let found: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap();
            assert_eq!(found, version);
            contents(&connection)
        };
        for (table, (_, rows)) in &before {
            assert!(!rows.is_empty(), "fixture v{version}: {table} has no rows");
        }

        let store = Store::open(dir.path()).unwrap_or_else(|error| panic!("upgrading from v{version}: {error}"));
        drop(store);

        let connection = Connection::open(dir.path().join(DB_FILE)).unwrap();
        let found: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap();
        assert_eq!(found, SCHEMA_VERSION, "from v{version}");
        for (table, (old_columns, old_rows)) in &before {
            let now = columns(&connection, table);
            for column in old_columns {
                assert!(now.contains(column), "from v{version}: {table}.{column} is gone");
            }
            assert_eq!(&rows(&connection, table, old_columns), old_rows, "from v{version}: {table} changed");
        }
        let check: String = connection.query_row("PRAGMA foreign_key_check", [], |row| row.get(0)).unwrap_or_default();
        assert!(check.is_empty(), "from v{version}: a foreign key points nowhere ({check})");
    }
}

#[test]
fn a_store_upgraded_from_the_first_version_has_the_schema_of_a_new_one() {
    // The newest fixture upgraded must have the same tables as a new store:
    // nothing a fresh install has is missing from an upgraded one.
    let fresh_dir = tempfile::tempdir().unwrap();
    drop(Store::open(fresh_dir.path()).unwrap());
    let fresh = Connection::open(fresh_dir.path().join(DB_FILE)).unwrap();
    let upgraded_dir = tempfile::tempdir().unwrap();
    {
        let connection = Connection::open(upgraded_dir.path().join(DB_FILE)).unwrap();
        connection.execute_batch(&fixture(1)).unwrap();
    }
    drop(Store::open(upgraded_dir.path()).unwrap());
    let upgraded = Connection::open(upgraded_dir.path().join(DB_FILE)).unwrap();
    assert_eq!(tables(&fresh), tables(&upgraded));
    for table in tables(&fresh) {
        assert_eq!(columns(&fresh, &table), columns(&upgraded, &table), "{table}");
    }
}

/// Version 9 seals a worker's cases under their vault key, which no upgrade
/// has: the rows of version 8 (case id, owner, status and cursor in clear)
/// stay as they were, untouched, for their worker's next sign-in to convert
/// (ADR 0016; the conversion is tested in `core::grievance::cases`), and the
/// sealed tables start empty.
#[test]
fn an_upgrade_to_version_9_keeps_the_old_case_rows_for_their_workers_next_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    {
        let connection = Connection::open(dir.path().join(DB_FILE)).unwrap();
        connection.execute_batch(&fixture(8)).unwrap();
    }
    drop(Store::open(dir.path()).unwrap());
    let connection = Connection::open(dir.path().join(DB_FILE)).unwrap();
    let count = |table: &str| -> i64 {
        connection.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0)).unwrap()
    };
    assert_eq!((count("cases"), count("case_events")), (1, 2));
    assert_eq!((count("sealed_cases"), count("sealed_case_events")), (0, 0));
}
