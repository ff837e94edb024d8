//! A device process killed (SIGKILL) at random moments while it queues
//! reports, restarted many times: every report whose submit call returned is
//! delivered exactly once.
//!
//! Its size comes from the environment, so that the same test is CI's short
//! run and the goal's long one (`scripts/soak`):
//!
//! - `WV_CRASH_KILLS`: how many times the device is killed (default 12);
//! - `WV_CRASH_MIN_ENQUEUES`: how many submits must have returned across all
//!   rounds (default 21); the time before each kill adapts to reach it.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use workervoice_hub::HubConfig;

fn device(data_dir: &std::path::Path, programme_key: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wv-device"));
    command.arg("--data-dir").arg(data_dir).args([
        "--insecure-http-for-tests",
        "--json",
        "--programme-key",
        programme_key,
    ]);
    command
}

fn run_json(mut command: Command) -> Value {
    let output = command.stdin(Stdio::null()).output().expect("run wv-device");
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim())
        .unwrap_or_else(|_| panic!("not JSON: {text:?} / {}", String::from_utf8_lossy(&output.stderr)))
}

/// A cheap pseudo-random number from the clock (no dependency for one test).
fn jitter_ms(round: u64, span: u64) -> u64 {
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(7);
    (u64::from(nanos) ^ round.wrapping_mul(0x9E37_79B9_7F4A_7C15)) % span
}

/// A count from the environment, or `default`.
fn env_count(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_report_whose_submit_returned_is_delivered_exactly_once_despite_kills() {
    let kills = env_count("WV_CRASH_KILLS", 12);
    let min_enqueues = env_count("WV_CRASH_MIN_ENQUEUES", 21);
    let started = std::time::Instant::now();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub_db = hub_dir.path().join("hub.db");
    let hub = workervoice_hub::start(HubConfig::for_tests(hub_dir.path().to_path_buf())).await.expect("hub");
    let seed = workervoice_hub::seed_demo(&hub).await.expect("demo");
    let key = seed.programme_public_key.clone();
    let qr = seed.shared_code.qr_payload.clone();
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().join("tablet");

    let returned: HashSet<String> = tokio::task::spawn_blocking(move || {
        let mut enrol = device(&data_dir, &key);
        enrol.args(["enrol", &qr, "--shared"]);
        assert_eq!(run_json(enrol)["enrolled"], true);
        let mut sync = device(&data_dir, &key);
        sync.arg("sync");
        assert!(run_json(sync)["directory_version"].is_u64());

        let mut returned = HashSet::new();
        // Time a round lets the device queue before the kill, adapted so
        // that the rounds together reach `min_enqueues`: process start-up
        // costs most of a short round.
        let mut base_ms: u64 = 150;
        for round in 0..kills {
            let mut child = device(&data_dir, &key)
                .args([
                    "report",
                    "--anonymous",
                    "--category",
                    "wages",
                    "--route",
                    "independent_hotline",
                    "--repeat",
                    "100000",
                ])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn");
            let mut stdin = child.stdin.take().expect("stdin");
            writeln!(stdin, "Round {round}: wages were cut without notice.").expect("text");
            drop(stdin);
            let stdout = child.stdout.take().expect("stdout");
            let reader = std::thread::spawn(move || {
                BufReader::new(stdout).lines().map_while(Result::ok).collect::<Vec<String>>()
            });
            std::thread::sleep(Duration::from_millis(base_ms + jitter_ms(round, 2 * base_ms + 1)));
            child.kill().expect("SIGKILL");
            let _ = child.wait();
            for line in reader.join().expect("reader") {
                // A line cut by the kill does not parse: that submit had not returned to us.
                if let Some(case_id) =
                    serde_json::from_str::<Value>(&line).ok().and_then(|v| v["case_id"].as_str().map(str::to_owned))
                {
                    assert!(returned.insert(case_id), "a case id was printed twice");
                }
            }
            let behind = (returned.len() as u64) < min_enqueues * (round + 1) / kills;
            base_ms = if behind { (base_ms * 5 / 4 + 1).min(5_000) } else { (base_ms * 9 / 10).max(20) };
        }
        // Deliver everything the killed processes left, with fresh processes.
        for _ in 0..20 {
            let mut sync = device(&data_dir, &key);
            sync.args(["sync", "--force"]);
            let report = run_json(sync);
            assert_eq!(report["needs_attention"], 0, "{report}");
            if report["pending"] == 0 {
                return returned;
            }
        }
        panic!("outbox did not drain");
    })
    .await
    .expect("device rounds");
    assert!(
        returned.len() as u64 >= min_enqueues,
        "only {} submits returned before the {kills} kills (wanted {min_enqueues})",
        returned.len()
    );

    // What the hub stored, read from its database as an operator would
    // (the client id is the device's idempotency key: one row per report).
    let on_hub: Vec<String> = {
        let connection = rusqlite::Connection::open(&hub_db).expect("hub.db opens");
        connection.busy_timeout(Duration::from_secs(10)).expect("busy timeout");
        let mut statement = connection.prepare("SELECT case_id FROM cases").expect("query");
        statement.query_map([], |row| row.get(0)).expect("rows").collect::<Result<_, _>>().expect("case ids")
    };
    let unique: HashSet<String> = on_hub.iter().cloned().collect();
    assert_eq!(unique.len(), on_hub.len(), "a report was delivered twice");
    let missing: Vec<&String> = returned.difference(&unique).collect();
    assert!(missing.is_empty(), "{} returned reports never arrived: {missing:?}", missing.len());
    // A kill can cut at most one submit between its commit and its line on
    // stdout (the device queues one report at a time), so at most one case
    // per round may be on the hub without having been printed. More would
    // mean a report queued twice.
    let unprinted = unique.len() - returned.len();
    assert!(unprinted as u64 <= kills, "{unprinted} cases more than the {} printed, in {kills} rounds", returned.len());
    println!(
        "{kills} kills, {} submits returned, {} cases on the hub (0 lost, 0 doubled; {unprinted} committed but \
         not yet printed when killed), {:.0} s",
        returned.len(),
        unique.len(),
        started.elapsed().as_secs_f64()
    );
    hub.shutdown().await;
}
