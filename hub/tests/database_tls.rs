//! The hub's link to a PostgreSQL server is TLS with the server checked
//! (`sslmode=verify-full`, `sslrootcert`), against a real server:
//! `scripts/test-hub-postgres` starts it with TLS on a loopback port and a
//! certificate for `localhost` from a throw-away CA, and names both in
//! `WV_TEST_POSTGRES_TLS` and `WV_TEST_POSTGRES_CA`. PostgreSQL only.

mod support;

use workervoice_hub::HubConfig;
use workervoice_hub::testing::TEST_DATABASE_URL_VAR;
use workervoice_protocol::enrol::DeviceMode;

/// The TLS server's words and its CA file, when the suite runs on PostgreSQL.
fn tls_server() -> Option<(String, String)> {
    if !workervoice_hub::testing::on_postgres() {
        eprintln!("skipped on SQLite: the TLS link is PostgreSQL's");
        return None;
    }
    let words = std::env::var("WV_TEST_POSTGRES_TLS").expect("scripts/test-hub-postgres sets WV_TEST_POSTGRES_TLS");
    let ca = std::env::var("WV_TEST_POSTGRES_CA").expect("scripts/test-hub-postgres sets WV_TEST_POSTGRES_CA");
    Some((words, ca))
}

/// The database the test configuration gave this data directory.
fn dbname_of(config: &HubConfig) -> String {
    let url = config.database_url.as_deref().expect("a database URL on PostgreSQL");
    url.split_whitespace().find_map(|word| word.strip_prefix("dbname=")).expect("dbname").to_owned()
}

/// Whether every connection to `dbname` but the asking one is TLS, and how
/// many there are (asked on the test server's socket, from a thread of its
/// own: the client is synchronous).
fn connections_to(dbname: &str) -> (bool, i64) {
    let admin = std::env::var(TEST_DATABASE_URL_VAR).expect("admin URL");
    let dbname = dbname.to_owned();
    std::thread::spawn(move || {
        let mut client = admin.parse::<postgres::Config>().expect("admin").connect(postgres::NoTls).expect("admin");
        let row = client
            .query_one(
                "SELECT coalesce(bool_and(s.ssl), false), count(*) FROM pg_stat_ssl s \
                 JOIN pg_stat_activity a ON a.pid = s.pid WHERE a.datname = $1 AND a.pid <> pg_backend_pid()",
                &[&dbname],
            )
            .expect("pg_stat_ssl");
        (row.get(0), row.get(1))
    })
    .join()
    .expect("the query thread")
}

#[tokio::test]
async fn a_hub_reaches_its_database_over_tls_with_the_server_checked() {
    let Some((words, ca)) = tls_server() else { return };
    let mut dbname = String::new();
    let hub = support::TestHub::start_with(|config| {
        dbname = dbname_of(config);
        config.database_url = Some(format!("{words} dbname={dbname} sslmode=verify-full sslrootcert='{ca}'"));
    })
    .await;
    // Real work through the link: a factory made, a device enrolled in it,
    // the factory read back.
    let (factory, _device) = hub.factory_with_device(false, DeviceMode::Shared).await;
    let listed = hub.admin(reqwest::Method::GET, "/admin/v1/factories", None).await;
    assert_eq!(listed.status, 200, "{listed:?}");
    assert!(listed.body.to_string().contains(&factory.id), "{listed:?}");
    let (all_tls, connections) = connections_to(&dbname);
    assert!(connections >= 1, "the hub holds no connection to {dbname}");
    assert!(all_tls, "a connection of the hub to {dbname} is not TLS");
}

#[tokio::test]
async fn a_server_whose_certificate_another_ca_signed_is_refused_at_start() {
    let Some((words, _)) = tls_server() else { return };
    let dir = tempfile::tempdir().expect("dir");
    // A CA the server's certificate does not chain to.
    let other = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("certificate");
    let other_ca = dir.path().join("other-ca.pem");
    std::fs::write(&other_ca, other.cert.pem()).expect("write");
    let mut config = HubConfig::for_tests(dir.path().join("data"));
    let dbname = dbname_of(&config);
    config.database_url =
        Some(format!("{words} dbname={dbname} sslmode=verify-full sslrootcert='{}'", other_ca.display()));
    let error = match workervoice_hub::start(config).await {
        Ok(_) => panic!("the hub trusted a server its CA file does not vouch for"),
        Err(error) => format!("{error:#}"),
    };
    assert!(error.contains("connecting to the PostgreSQL server"), "{error}");
    assert!(error.contains("invalid peer certificate: UnknownIssuer"), "{error}");
}

#[tokio::test]
async fn a_name_the_certificate_does_not_hold_is_refused_at_start() {
    let Some((words, ca)) = tls_server() else { return };
    // The certificate holds localhost and 127.0.0.1; the hub connects to
    // 127.0.0.1 but names the server 127.0.0.2.
    let words = words.replace("host=localhost", "host=127.0.0.2 hostaddr=127.0.0.1");
    let dir = tempfile::tempdir().expect("dir");
    let mut config = HubConfig::for_tests(dir.path().join("data"));
    let dbname = dbname_of(&config);
    config.database_url = Some(format!("{words} dbname={dbname} sslmode=verify-full sslrootcert='{ca}'"));
    let error = match workervoice_hub::start(config).await {
        Ok(_) => panic!("the hub accepted a certificate for another name"),
        Err(error) => format!("{error:#}"),
    };
    assert!(error.contains("not valid for name"), "{error}");
}
