//! The `workervoice-hub` binary as another process (a Kotlin or CLI test
//! harness) runs it.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use support::within_time;

struct Hub {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

impl Hub {
    fn spawn(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_workervoice-hub"))
            .args(args)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdout = BufReader::new(child.stdout.take().expect("stdout piped"));
        Self { child, stdout }
    }

    /// Reads the next stdout line (blocking; the test's time bound applies).
    fn next_line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("a line");
        line
    }

    /// The rest of stdout, once the process has exited.
    fn rest_of_stdout(&mut self) -> String {
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).expect("stdout reads");
        rest
    }

    /// Sends SIGTERM and returns whether the process exited successfully.
    fn terminate(&mut self) -> bool {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
        assert!(sent.success());
        for _ in 0..200 {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        false
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_json_prints_one_line_with_the_url_and_token_then_serves() {
    within_time(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let mut hub = Hub::spawn(&["--data-dir", data.to_str().unwrap(), "--listen", "127.0.0.1:0", "--ready-json"]);
        let line = tokio::task::block_in_place(|| hub.next_line());
        let ready: serde_json::Value = serde_json::from_str(line.trim()).expect("one JSON line");
        let url = ready["url"].as_str().expect("url");
        let token = ready["admin_token"].as_str().expect("admin token");
        assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"), "{url}");
        let stored = std::fs::read_to_string(data.join("admin-token")).expect("token file");
        assert_eq!(stored.trim(), token);

        let client = support::http_client();
        let health = client.get(format!("{url}/health")).send().await.expect("health");
        assert_eq!(health.status().as_u16(), 200);
        let factories = client.get(format!("{url}/admin/v1/factories")).bearer_auth(token).send().await.expect("sent");
        assert_eq!(factories.status().as_u16(), 200);

        let (stopped, rest) = tokio::task::block_in_place(|| (hub.terminate(), hub.rest_of_stdout()));
        assert!(stopped, "the hub exits cleanly on SIGTERM");
        assert!(rest.trim().is_empty(), "stdout holds only the JSON line, found {rest:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_seeds_once_and_reuses_the_factory_on_a_rerun() {
    within_time(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let args = ["--data-dir", data.to_str().unwrap(), "--listen", "127.0.0.1:0", "--ready-json", "--demo"];

        let mut first = Hub::spawn(&args);
        let line: serde_json::Value =
            serde_json::from_str(tokio::task::block_in_place(|| first.next_line()).trim()).expect("JSON");
        let demo = &line["demo"];
        assert_eq!(demo["factory_name"], "Demo Garment Factory");
        assert_eq!(demo["created"], true);
        assert_eq!(demo["roster"].as_array().expect("roster").len(), 6);
        assert_eq!(demo["activation_codes"].as_array().expect("codes").len(), 6);
        assert_eq!(demo["personal_code"]["mode"], "personal");
        assert_eq!(demo["shared_code"]["mode"], "shared");
        let factory_id = demo["factory_id"].clone();
        let join_code = demo["join_code"].clone();
        assert!(tokio::task::block_in_place(|| first.terminate()));

        let mut second = Hub::spawn(&args);
        let line: serde_json::Value =
            serde_json::from_str(tokio::task::block_in_place(|| second.next_line()).trim()).expect("JSON");
        let demo = &line["demo"];
        assert_eq!(demo["created"], false);
        assert_eq!(demo["factory_id"], factory_id);
        assert_eq!(demo["join_code"], join_code);
        assert_eq!(demo["activation_codes"].as_array().expect("codes").len(), 6, "nobody activated yet");
        let url = line["url"].as_str().expect("url");
        let token = line["admin_token"].as_str().expect("token");
        let factories: Vec<serde_json::Value> = support::http_client()
            .get(format!("{url}/admin/v1/factories"))
            .bearer_auth(token)
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        assert_eq!(factories.len(), 1, "no second demo factory");
        assert!(tokio::task::block_in_place(|| second.terminate()));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_prints_the_programme_for_a_person() {
    within_time(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let mut hub = Hub::spawn(&["--data-dir", data.to_str().unwrap(), "--listen", "127.0.0.1:0", "--demo"]);
        let text = tokio::task::block_in_place(|| {
            let mut text = String::new();
            loop {
                let line = hub.next_line();
                assert!(!line.is_empty(), "stdout ended early:\n{text}");
                text.push_str(&line);
                if line.starts_with("Activation codes are shown once") {
                    break text;
                }
            }
        });
        for expected in
            ["Hub URL:", "Admin token:", "Demo Garment Factory", "Join code:", "workervoice://enrol?", "1001", "1006"]
        {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
        assert!(tokio::task::block_in_place(|| hub.terminate()));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_refuses_plain_http_off_loopback() {
    within_time(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let mut hub = Hub::spawn(&["--data-dir", data.to_str().unwrap(), "--listen", "0.0.0.0:0", "--ready-json"]);
        let (status, stdout, stderr) = tokio::task::block_in_place(|| {
            let status = hub.child.wait().expect("exits");
            let stdout = hub.rest_of_stdout();
            let mut stderr = String::new();
            hub.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
            (status, stdout, stderr)
        });
        assert!(!status.success());
        assert!(stdout.is_empty(), "no ready line: {stdout:?}");
        assert!(stderr.contains("plain HTTP"), "{stderr}");
    })
    .await;
}
