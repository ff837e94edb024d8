//! `wv-device` as a separate process against a real hub on loopback: what a
//! person trying the system, or a script, does.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;
use workervoice_hub::HubConfig;

struct Device {
    data_dir: std::path::PathBuf,
}

impl Device {
    /// Runs one command with `stdin` lines; returns (exit status, JSON output).
    fn run(&self, args: &[&str], stdin: &[&str]) -> (i32, Value) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wv-device"))
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(["--insecure-http-for-tests", "--json"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn wv-device");
        let mut input = child.stdin.take().expect("stdin");
        for line in stdin {
            writeln!(input, "{line}").expect("write stdin");
        }
        drop(input);
        let output = child.wait_with_output().expect("wait");
        let text = String::from_utf8_lossy(&output.stdout);
        let value =
            serde_json::from_str(text.trim()).unwrap_or_else(|_| panic!("not JSON: {text:?} {:?}", output.stderr));
        (output.status.code().unwrap_or(-1), value)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_can_enrol_activate_and_keep_notes_from_the_command_line() {
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = workervoice_hub::start(HubConfig::for_tests(hub_dir.path().to_path_buf())).await.expect("hub");
    let seed = workervoice_hub::seed_demo(&hub).await.expect("demo");
    let worker = seed.workers().into_iter().find(|w| w.language == "vi").expect("a vi worker");
    let device_dir = tempfile::tempdir().unwrap();
    let device = Device { data_dir: device_dir.path().join("data") };
    let (qr, activation, number) = (
        seed.personal_code.qr_payload.clone(),
        worker.activation_code.clone().expect("activation"),
        worker.worker_number.clone(),
    );

    let result = tokio::task::spawn_blocking(move || {
        let (status, enrolled) = device.run(&["enrol", &qr], &[]);
        assert_eq!((status, enrolled["enrolled"].as_bool()), (0, Some(true)), "{enrolled}");
        let (status, profile) = device.run(&["activate", &number], &[&activation, "482913"]);
        assert_eq!((status, profile["language"].as_str()), (0, Some("vi")), "{profile}");
        let (status, _) = device.run(&["note", "add", &number, "-"], &["482913", "wages late again"]);
        assert_eq!(status, 0);
        let (status, listed) = device.run(&["note", "list", &number], &["482913"]);
        assert_eq!(status, 0);
        assert_eq!(listed["notes"][0]["text"], "wages late again");
        let (status, refused) = device.run(&["--lang", "vi", "login", &number], &["905172"]);
        assert_eq!(status, 2);
        assert_eq!(refused["error"]["code"], "wrong_pin");
        assert!(refused["error"]["message"].as_str().unwrap_or_default().contains("Sai mã PIN"), "{refused}");
        let (status, state) = device.run(&["status"], &[]);
        assert_eq!((status, state["mode"].as_str()), (0, Some("personal")));
        // No secret reached the command's data directory in clear.
        for needle in ["wages late again", "482913"] {
            assert!(!contains_anywhere(&device.data_dir, needle.as_bytes()), "{needle} on disk");
        }
    })
    .await;
    hub.shutdown().await;
    result.expect("device steps");
}

fn contains_anywhere(dir: &std::path::Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).into_iter().flatten().flatten().any(|entry| {
        let path = entry.path();
        if path.is_dir() {
            contains_anywhere(&path, needle)
        } else {
            std::fs::read(&path).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
        }
    })
}
