//! A device process killed (SIGKILL) at random moments while it queues
//! reports, restarted many times: every report whose submit call returned is
//! delivered exactly once.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use workervoice_hub::HubConfig;
use workervoice_protocol::directory::Route;

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

#[tokio::test(flavor = "multi_thread")]
async fn every_report_whose_submit_returned_is_delivered_exactly_once_despite_kills() {
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = workervoice_hub::start(HubConfig::for_tests(hub_dir.path().to_path_buf())).await.expect("hub");
    let seed = workervoice_hub::seed_demo(&hub).await.expect("demo");
    let hotline = seed.handlers.iter().find(|h| h.route == Route::IndependentHotline).expect("hotline handler").clone();
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
        for round in 0..12u64 {
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
            std::thread::sleep(Duration::from_millis(150 + jitter_ms(round, 450)));
            child.kill().expect("SIGKILL");
            let _ = child.wait();
            for line in reader.join().expect("reader") {
                // A line cut by the kill does not parse: that submit had not returned to us.
                if let Some(case_id) =
                    serde_json::from_str::<Value>(&line).ok().and_then(|v| v["case_id"].as_str().map(str::to_owned))
                {
                    returned.insert(case_id);
                }
            }
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
    assert!(returned.len() > 20, "the kills came too early to test anything: {}", returned.len());

    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let reader = wv_reader::client::ReaderClient::with_http(&hub.base_url, http.clone());
    let session = reader.login(&hotline.handler_id, &hotline.password, None).await.expect("the demo reader signs in");
    let token = session.token().to_owned();
    let cases: Vec<Value> = http
        .get(format!("{}/handler/v1/cases", hub.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let on_hub: Vec<String> = cases.iter().filter_map(|c| c["case_id"].as_str().map(str::to_owned)).collect();
    let unique: HashSet<String> = on_hub.iter().cloned().collect();
    assert_eq!(unique.len(), on_hub.len(), "a report was delivered twice");
    let missing: Vec<&String> = returned.difference(&unique).collect();
    assert!(missing.is_empty(), "{} returned reports never arrived: {missing:?}", missing.len());
    println!(
        "{} submits returned before a kill; {} cases on the hub (the rest were committed but not yet printed)",
        returned.len(),
        unique.len()
    );
    hub.shutdown().await;
}
