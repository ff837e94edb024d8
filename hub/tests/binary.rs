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
        Self::spawn_logging(args, "warn")
    }

    fn spawn_logging(args: &[&str], filter: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_workervoice-hub"))
            .args(args)
            .env("RUST_LOG", filter)
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
        // The hub lets requests in flight finish for up to 10 s
        // (`SHUTDOWN_GRACE`); a loaded machine needs a margin past that.
        for _ in 0..400 {
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
        let key = programme_public_key();
        let args = ["--data-dir", data.to_str().unwrap(), "--listen", "127.0.0.1:0", "--ready-json", "--demo-admin"];
        let mut hub = Hub::spawn(&[&args[..], &["--programme-public-key", &key]].concat());
        let line = tokio::task::block_in_place(|| hub.next_line());
        let ready: serde_json::Value = serde_json::from_str(line.trim()).expect("one JSON line");
        let url = ready["url"].as_str().expect("url");
        let token = ready["admin_token"].as_str().expect("admin token");
        let staff_token = ready["staff_token"].as_str().expect("staff token");
        assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"), "{url}");
        let stored = std::fs::read_to_string(data.join("admin-token")).expect("token file");
        assert_eq!(stored.trim(), token);

        let client = support::http_client();
        let health = client.get(format!("{url}/health")).send().await.expect("health");
        assert_eq!(health.status().as_u16(), 200);
        let factories =
            client.get(format!("{url}/admin/v1/factories")).bearer_auth(staff_token).send().await.expect("sent");
        assert_eq!(factories.status().as_u16(), 200);
        let with_admin_token =
            client.get(format!("{url}/admin/v1/factories")).bearer_auth(token).send().await.expect("sent");
        assert_eq!(with_admin_token.status().as_u16(), 403, "the admin token only bootstraps");
        // No idle keep-alive connection left for the shutdown to wait out.
        drop(client);

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
        assert_eq!(
            demo["content"],
            serde_json::json!([["training_module", "workers-rights", 1], ["survey", "wellbeing-checkin", 1]]),
            "a training module and a survey for every factory"
        );
        assert_eq!(demo["roster"].as_array().expect("roster").len(), 6);
        assert_eq!(demo["activation_codes"].as_array().expect("codes").len(), 6);
        assert_eq!(demo["personal_code"]["mode"], "personal");
        assert_eq!(demo["shared_code"]["mode"], "shared");
        let factory_id = demo["factory_id"].clone();
        let join_code = demo["join_code"].clone();
        let handlers = demo["handlers"].clone();
        let routes: Vec<&str> =
            handlers.as_array().expect("handlers").iter().map(|h| h["route"].as_str().expect("route")).collect();
        assert_eq!(routes, ["factory_committee", "independent_hotline", "brand", "independent_hotline"]);
        assert_eq!(handlers[3]["name"], "Demo survey analyst", "reads survey results, not cases");
        assert_eq!(handlers[0]["factory_id"], factory_id);
        assert!(handlers[0]["password"].as_str().expect("password").len() >= 12);
        let public_key = demo["programme_public_key"].clone();
        let key_bytes = workervoice_protocol::b64::decode(public_key.as_str().expect("key")).expect("base64");
        assert_eq!(key_bytes.len(), 32);
        assert_eq!(demo["directory_version"], 1);
        assert!(tokio::task::block_in_place(|| first.terminate()));

        let mut second = Hub::spawn(&args);
        let line: serde_json::Value =
            serde_json::from_str(tokio::task::block_in_place(|| second.next_line()).trim()).expect("JSON");
        let demo = &line["demo"];
        assert_eq!(demo["created"], false);
        assert_eq!(demo["factory_id"], factory_id);
        assert_eq!(demo["join_code"], join_code);
        assert_eq!(demo["activation_codes"].as_array().expect("codes").len(), 6, "nobody activated yet");
        assert_eq!(demo["handlers"], handlers, "the same handlers, with the same passwords");
        assert_eq!(demo["programme_public_key"], public_key);
        assert_eq!(demo["directory_version"], 2);
        assert_eq!(
            demo["content"][1],
            serde_json::json!(["survey", "wellbeing-checkin", 1]),
            "unchanged: same version"
        );
        let url = line["url"].as_str().expect("url");
        let token = line["staff_token"].as_str().expect("staff token");
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
        let reader = wv_reader::client::ReaderClient::with_http(url, support::http_client());
        let handler_id = handlers[1]["handler_id"].as_str().expect("handler id");
        let password = handlers[1]["password"].as_str().expect("password");
        let session = reader.login(handler_id, password, None).await;
        assert!(session.is_ok(), "the printed password signs in through the reader's client");
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
        for expected in [
            "Hub URL:",
            "login demo-admin  password ",
            "TOTP secret",
            "Demo Garment Factory",
            "Join code:",
            "workervoice://enrol?",
            "1001",
            "1006",
            "public key (pin it in the apps)",
            "The demo signs as the programme's key holder",
            "a real programme signs with wv-keyholder on its own machine",
            "Case handlers",
            "independent_hotline",
            "password",
        ] {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_hub_on_the_same_data_directory_is_refused_while_the_first_runs() {
    within_time(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let key = programme_public_key();
        let args = ["--data-dir", data.to_str().unwrap(), "--listen", "127.0.0.1:0", "--ready-json"];
        let args = [&args[..], &["--programme-public-key", &key]].concat();
        let mut first = Hub::spawn(&args);
        let line = tokio::task::block_in_place(|| first.next_line());
        let ready: serde_json::Value = serde_json::from_str(line.trim()).expect("one JSON line");
        let url = ready["url"].as_str().expect("url").to_owned();

        let mut second = Hub::spawn(&args);
        let (status, stdout, stderr) = tokio::task::block_in_place(|| {
            let status = second.child.wait().expect("exits");
            let stdout = second.rest_of_stdout();
            let mut stderr = String::new();
            second.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
            (status, stdout, stderr)
        });
        assert!(!status.success(), "the second hub must not start");
        assert!(stdout.is_empty(), "no ready line: {stdout:?}");
        assert!(stderr.contains("another hub process is already using the data directory"), "{stderr}");
        // The first one was left alone and still serves.
        let health = support::http_client().get(format!("{url}/health")).send().await.expect("health");
        assert_eq!(health.status().as_u16(), 200);

        // Once it has stopped, the directory is free again.
        let stopped = tokio::task::block_in_place(|| first.terminate());
        assert!(stopped, "the hub exits cleanly on SIGTERM");
        let mut third = Hub::spawn(&args);
        let line = tokio::task::block_in_place(|| third.next_line());
        assert!(line.contains("\"url\""), "a hub starts on the freed directory: {line:?}");
        assert!(tokio::task::block_in_place(|| third.terminate()));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_holds_no_report_reply_token_or_case_id() {
    use support::cases::seal_report;
    use workervoice_protocol::directory::{Directory, DirectoryResponse, Route};
    use workervoice_protocol::grievance::{SUBMISSION_CONTENT_TYPE, SubmitResponse};

    within_time(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let args = ["--data-dir", data.to_str().unwrap(), "--listen", "127.0.0.1:0", "--ready-json", "--demo"];
        let mut hub = Hub::spawn_logging(&args, "debug,workervoice_hub=trace");
        let line: serde_json::Value =
            serde_json::from_str(tokio::task::block_in_place(|| hub.next_line()).trim()).expect("JSON");
        let url = line["url"].as_str().expect("url").to_owned();
        let demo = &line["demo"];
        let factory_id = demo["factory_id"].as_str().expect("factory").to_owned();
        let committee = &demo["handlers"][0];
        let client = support::http_client();

        let directory: DirectoryResponse =
            client.get(format!("{url}/v1/directory")).send().await.expect("sent").json().await.expect("json");
        let directory: Directory =
            serde_json::from_slice(&directory.directory.expect("published").body).expect("parses");
        let report = "LOG-MARKER-REPORT the line leader hits workers";
        let sealed = seal_report(&directory, &factory_id, &[Route::FactoryCommittee], report, &[]);
        let submitted: SubmitResponse = client
            .post(format!("{url}/v1/submissions"))
            .header(reqwest::header::CONTENT_TYPE, SUBMISSION_CONTENT_TYPE)
            .body(sealed.framed.clone())
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        assert_eq!(submitted.case_id, sealed.case_id);
        // The demo's committee reader signs in through the reader's client,
        // which opens the report and seals the reply on this side.
        let reader = wv_reader::client::ReaderClient::with_http(&url, client.clone());
        let handler_id = committee["handler_id"].as_str().expect("handler id");
        let password = committee["password"].as_str().expect("password");
        let session = reader.login(handler_id, password, None).await.expect("the demo reader signs in");
        let opened = session.open_case(&sealed.case_id).await.expect("the case opens in the client");
        assert_eq!(opened.content.text, report);
        session.reply(&sealed.case_id, "LOG-MARKER-REPLY we will talk to him").await.expect("the reply is sent");
        let sync = serde_json::json!({"cases": [{
            "case_id": sealed.case_id,
            "token": workervoice_protocol::b64::encode(&sealed.token),
            "since": 0
        }]});
        let synced = client.post(format!("{url}/v1/cases/sync")).json(&sync).send().await.expect("sent");
        assert_eq!(synced.status().as_u16(), 200);

        let (stopped, stderr) = tokio::task::block_in_place(|| {
            let stopped = hub.terminate();
            let mut stderr = String::new();
            hub.child.stderr.take().expect("stderr piped").read_to_string(&mut stderr).expect("stderr reads");
            (stopped, stderr)
        });
        assert!(stopped);
        assert!(stderr.contains("request"), "the requests were logged at all:\n{stderr}");
        for secret in [
            "LOG-MARKER",
            "line leader",
            sealed.case_id.as_str(),
            &sealed.case_id.replace('-', ""),
            &workervoice_protocol::b64::encode(&sealed.token),
            &sealed.client_id,
            session.token(),
            session.device_token(),
        ] {
            assert!(!stderr.contains(secret), "the log holds {secret:?}:\n{stderr}");
        }
    })
    .await;
}

#[test]
fn publish_pack_prints_what_it_published_and_refuses_a_bad_folder() {
    let data = tempfile::tempdir().expect("data dir");
    let pack = tempfile::tempdir().expect("pack dir");
    std::fs::write(pack.path().join("exit.png"), b"picture").expect("media");
    let description = serde_json::json!({
        "kind": "training_module",
        "id": "fire-safety",
        "languages": ["en"],
        "titles": {"en": "Fire safety"},
        "document": {"lessons": [{"id": "l1", "title": {"en": "Exits"}, "text": {"en": "Go."},
                                  "media": ["file:exit.png"]}],
                     "quiz": {"pass_mark_percent": 50, "questions": []}}
    });
    std::fs::write(pack.path().join("pack.json"), description.to_string()).expect("pack.json");
    std::fs::write(data.path().join("programme.pub"), programme_public_key()).expect("the pinned public key");
    let run = |folder: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_workervoice-hub"))
            .arg("publish-pack")
            .arg("--data-dir")
            .arg(data.path())
            .arg(folder)
            .output()
            .expect("the binary runs")
    };
    let output = run(pack.path());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let line: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    assert_eq!(line["id"], "fire-safety");
    assert_eq!(line["version"], 1);
    assert_eq!(line["media"], 1);
    assert!(line["proposal_id"].is_string(), "the manifest waits for the key holder's signature: {line}");
    assert!(!data.path().join("programme-signing.key").exists(), "publish-pack signs nothing itself");

    // A media path leading out of the folder is refused, and nothing is published.
    std::fs::write(
        pack.path().join("pack.json"),
        description.to_string().replace("file:exit.png", "file:../../etc/passwd"),
    )
    .expect("pack.json");
    let refused = run(pack.path());
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("publish-pack"));

    // A module document devices would refuse (two lessons with one id) is
    // refused with the reason, and the published version stays 1.
    let mut twice = description.clone();
    let lesson = twice["document"]["lessons"][0].clone();
    twice["document"]["lessons"].as_array_mut().expect("lessons").push(lesson);
    std::fs::write(pack.path().join("pack.json"), twice.to_string()).expect("pack.json");
    let refused = run(pack.path());
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("training module would not open"), "{stderr}");
    std::fs::write(pack.path().join("pack.json"), description.to_string()).expect("pack.json");
    let again = run(pack.path());
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let line: serde_json::Value = serde_json::from_slice(&again.stdout).expect("one JSON line");
    assert_eq!(line["version"], 1, "the refused document signed no version");
}

/// A programme public key as `wv-keyholder init` prints it (base64 of 32 bytes).
fn programme_public_key() -> String {
    use ring::signature::KeyPair;
    let pkcs8 = ring::signature::Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).expect("rng");
    let key = ring::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("a key");
    workervoice_protocol::b64::encode(key.public_key().as_ref())
}
