//! The signed content channel end to end: packs published on a real hub,
//! downloaded by a real device over loopback (through a proxy that counts
//! bytes and cuts downloads), verified before use.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use workervoice::{DeviceMode, ErrorCode, Event, WorkerVoiceListener};
use workervoice_e2e::fault_proxy::FaultProxy;
use workervoice_e2e::{TestDevice, TestHub};
use workervoice_hub::PackAssignment;
use workervoice_protocol::content::sha256_hex;

/// Every test here finishes well within this.
const LIMIT: Duration = Duration::from_secs(60);

/// Deterministic, incompressible-looking bytes.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2).wrapping_add(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// A training module pack with the given media files (name, bytes).
fn write_pack(folder: &Path, media: &[(&str, Vec<u8>)]) {
    write_pack_as(folder, "fire-safety", media);
}

/// [`write_pack`] with another id.
fn write_pack_as(folder: &Path, id: &str, media: &[(&str, Vec<u8>)]) {
    std::fs::create_dir_all(folder.join("media")).unwrap();
    for (name, bytes) in media {
        std::fs::write(folder.join("media").join(name), bytes).unwrap();
    }
    let refs: Vec<String> = media.iter().map(|(name, _)| format!("file:media/{name}")).collect();
    let pack = json!({
        "kind": "training_module",
        "id": id,
        "languages": ["en", "vi"],
        "titles": {"en": "Fire safety", "vi": "An toàn cháy nổ"},
        "document": {
            "lessons": [{"id": "exits", "title": {"en": "Exits", "vi": "Lối thoát"},
                         "text": {"en": "Know two ways out.", "vi": "Biết hai lối thoát."}, "media": refs}],
            "quiz": {"pass_mark_percent": 80, "questions": [
                {"id": "q1", "prompt": {"en": "Lifts are safe in a fire."},
                 "answer": {"type": "true_false", "correct": false}},
                {"id": "q2", "prompt": {"en": "Which exit?"}, "answer": {"type": "single_choice",
                    "options": [{"id": "a", "text": {"en": "Stairs"}}, {"id": "b", "text": {"en": "Lift"}}],
                    "correct": "a"}}
            ]}
        }
    });
    std::fs::write(folder.join("pack.json"), serde_json::to_vec(&pack).unwrap()).unwrap();
}

async fn publish(hub: &TestHub, folder: &Path) -> workervoice_hub::PublishedPack {
    hub.publish_pack(folder, &PackAssignment::AllFactories).await.expect("the pack publishes")
}

/// A personal device enrolled through `url`, pinning `key`.
async fn device(hub: &TestHub, url: &str, key: &str) -> TestDevice {
    let factory = hub.factory(false).await;
    let device = TestDevice::open_pinned(url, Some(key));
    let (code, _) = hub.code(&factory, "personal").await;
    device.app.enrol(code, DeviceMode::Personal).await.expect("enrol");
    device
}

fn files_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

#[derive(Default)]
struct Progress(Mutex<Vec<(u64, u64)>>);

impl WorkerVoiceListener for Progress {
    fn on_event(&self, event: Event) {
        if let Event::ContentProgress { done_bytes, total_bytes, .. } = event {
            self.0.lock().unwrap().push((done_bytes, total_bytes));
        }
    }
}

#[tokio::test]
async fn a_pack_downloads_verified_and_a_quiet_resync_is_one_small_request() {
    tokio::time::timeout(LIMIT, async {
        let hub = TestHub::start().await;
        let proxy = FaultProxy::start(&hub.url(), 0, 1).await;
        let key = hub.programme_key().await;
        let device = device(&hub, &proxy.url, &key).await;
        let pack = tempfile::tempdir().unwrap();
        let picture = noise(30_000, 1);
        write_pack(pack.path(), &[("exit.png", picture.clone()), ("alarm.mp3", noise(50_000, 2))]);
        publish(&hub, pack.path()).await;

        let report = device.app.sync_content().await.expect("content syncs");
        assert!(report.catalog_changed && !report.offline, "{report:?}");
        assert_eq!((report.items, report.manifests_fetched, report.blobs_downloaded), (1, 1, 3));
        assert!(report.refused.is_empty());
        let catalog = device.app.content_catalog().unwrap();
        assert_eq!(catalog.len(), 1);
        assert!(catalog[0].complete);
        assert_eq!(catalog[0].title, "Fire safety");

        let module = device.app.load_training_module("fire-safety".into()).expect("the module loads");
        assert_eq!(module.lessons[0].media.len(), 2);
        assert_eq!(module.questions.len(), 2);
        let path = device.app.media_path(module.lessons[0].media[0].clone()).unwrap();
        assert_eq!(std::fs::read(path).unwrap(), picture);

        // Nothing new: one request, a few hundred bytes.
        proxy.counts.reset_traffic();
        let quiet = device.app.sync_content().await.unwrap();
        assert!(!quiet.catalog_changed && quiet.blobs_downloaded == 0, "{quiet:?}");
        let requests = proxy.counts.requests.load(std::sync::atomic::Ordering::SeqCst);
        let bytes = proxy.counts.bytes_up.load(std::sync::atomic::Ordering::SeqCst)
            + proxy.counts.bytes_down.load(std::sync::atomic::Ordering::SeqCst);
        println!("content re-sync with nothing new: {requests} request(s), {bytes} bytes");
        assert_eq!(requests, 1);
        assert!(bytes < 2048, "{bytes} bytes");

        // A new version with one changed picture downloads only what changed.
        write_pack(pack.path(), &[("exit.png", noise(30_000, 3)), ("alarm.mp3", noise(50_000, 2))]);
        publish(&hub, pack.path()).await;
        let update = device.app.sync_content().await.unwrap();
        assert_eq!((update.manifests_fetched, update.blobs_downloaded), (1, 2), "new body and new picture only");
        assert_eq!(device.app.load_training_module("fire-safety".into()).unwrap().version, 2);
        // The old picture is no longer referenced, and is gone.
        assert!(!device.data_dir().join("content/blobs").join(sha256_hex(&picture)).exists());
    })
    .await
    .expect("the test took too long");
}

#[tokio::test]
async fn a_tampered_blob_on_the_hub_is_refused_and_nothing_of_it_is_kept() {
    tokio::time::timeout(LIMIT, async {
        let hub = TestHub::start().await;
        let key = hub.programme_key().await;
        let device = device(&hub, &hub.url(), &key).await;
        let pack = tempfile::tempdir().unwrap();
        let picture = noise(40_000, 4);
        write_pack(pack.path(), &[("exit.png", picture.clone())]);
        publish(&hub, pack.path()).await;
        let on_hub = hub.dir.path().join("content").join(sha256_hex(&picture));
        let mut bytes = std::fs::read(&on_hub).unwrap();
        bytes[20_000] ^= 0x01;
        std::fs::write(&on_hub, &bytes).unwrap();

        let report = device.app.sync_content().await.expect("the sync itself succeeds");
        assert_eq!(report.refused, vec!["fire-safety".to_owned()]);
        let blobs = files_in(&device.data_dir().join("content/blobs"));
        assert!(!blobs.contains(&sha256_hex(&picture)), "the tampered blob is not kept");
        assert!(files_in(&device.data_dir().join("content/partial")).is_empty(), "its partial file is deleted");
        let error = device.app.media_path(sha256_hex(&picture)).unwrap_err();
        assert_eq!(error.code(), ErrorCode::ContentNotDownloaded);
        assert!(!device.app.content_catalog().unwrap()[0].complete);
    })
    .await
    .expect("the test took too long");
}

#[tokio::test]
async fn a_tampered_manifest_or_one_signed_by_another_key_is_refused() {
    tokio::time::timeout(LIMIT, async {
        let hub = TestHub::start().await;
        let key = hub.programme_key().await;
        let pack = tempfile::tempdir().unwrap();
        write_pack(pack.path(), &[("exit.png", noise(1000, 5))]);
        let published = publish(&hub, pack.path()).await;

        // Tampered: a changed title, re-addressed so that it is served.
        {
            let db = rusqlite::Connection::open(hub.dir.path().join("hub.db")).unwrap();
            db.busy_timeout(Duration::from_secs(5)).unwrap();
            db.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
            let body: Vec<u8> = db
                .query_row("SELECT body FROM content_manifests WHERE sha256 = ?1", [&published.manifest_sha256], |r| {
                    r.get(0)
                })
                .unwrap();
            let tampered = String::from_utf8(body).unwrap().replace("Fire safety", "Fire drills").into_bytes();
            let address = sha256_hex(&tampered);
            db.execute(
                "UPDATE content_manifests SET body = ?1, sha256 = ?2 WHERE sha256 = ?3",
                rusqlite::params![tampered, address, published.manifest_sha256],
            )
            .unwrap();
            db.execute("UPDATE content_items SET current_manifest = ?1", [&address]).unwrap();
        }
        let device_a = device(&hub, &hub.url(), &key).await;
        let report = device_a.app.sync_content().await.unwrap();
        assert_eq!(report.refused, vec!["fire-safety".to_owned()]);
        let error = device_a.app.load_training_module("fire-safety".into()).unwrap_err();
        assert_eq!(error.code(), ErrorCode::ContentNotDownloaded);

        // Signed by another programme's key: a device pinning that other key refuses it.
        let other_hub = TestHub::start().await;
        let other_key = other_hub.programme_key().await;
        let pack_b = tempfile::tempdir().unwrap();
        write_pack(pack_b.path(), &[("exit.png", noise(1000, 6))]);
        publish(&hub, pack_b.path()).await;
        let device_b = device(&hub, &hub.url(), &other_key).await;
        let report = device_b.app.sync_content().await.unwrap();
        assert_eq!(report.refused, vec!["fire-safety".to_owned()]);
        assert!(files_in(&device_b.data_dir().join("content/blobs")).is_empty(), "nothing was downloaded");
    })
    .await
    .expect("the test took too long");
}

#[tokio::test]
async fn a_20_mb_pack_cut_ten_times_resumes_and_moves_under_21_mb() {
    tokio::time::timeout(LIMIT, async {
        let hub = TestHub::start().await;
        let proxy = FaultProxy::start(&hub.url(), 0, 7).await;
        let key = hub.programme_key().await;
        let device = device(&hub, &proxy.url, &key).await;
        let progress = Arc::new(Progress::default());
        device.app.set_listener(Some(progress.clone()));
        let pack = tempfile::tempdir().unwrap();
        let media: Vec<(&str, Vec<u8>)> = ["a.mp4", "b.mp4", "c.mp4", "d.mp4"]
            .into_iter()
            .enumerate()
            .map(|(i, name)| (name, noise(5 * 1024 * 1024, 10 + i as u64)))
            .collect();
        write_pack(pack.path(), &media);
        let published = publish(&hub, pack.path()).await;
        assert!(published.total_bytes >= 20 * 1024 * 1024);

        // Ten cuts, at pseudo-random points of the media responses (the
        // body document is a kilobyte: a cut there would mostly hit headers).
        let cuts: Vec<u64> =
            noise(40, 99).chunks(4).map(|c| 1 + u64::from(c[0]) * 3900 + u64::from(c[1]) * 15).collect();
        proxy.cut_responses("/v1/content/blobs/", 64 * 1024, cuts);
        proxy.counts.reset_traffic();
        let report = device.app.sync_content().await.expect("content syncs");
        assert!(!report.offline && report.refused.is_empty(), "{report:?}");
        assert_eq!(proxy.cuts_made(), 10);
        assert!(device.app.content_catalog().unwrap()[0].complete);
        for (name, bytes) in &media {
            let path = device.app.media_path(sha256_hex(bytes)).unwrap();
            assert_eq!(std::fs::read(&path).unwrap().len(), bytes.len(), "{name}");
        }
        let down = proxy.counts.bytes_down.load(std::sync::atomic::Ordering::SeqCst);
        let requests = proxy.counts.requests.load(std::sync::atomic::Ordering::SeqCst);
        println!(
            "{} byte pack, cut 10 times: {down} bytes down in {requests} requests ({:.3} MB)",
            published.total_bytes,
            down as f64 / 1e6
        );
        assert!(down < 21_000_000, "{down} bytes");

        // Progress went up to the total, never down.
        let seen = progress.0.lock().unwrap().clone();
        assert!(!seen.is_empty());
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "progress went backwards: {seen:?}");
        let (done, total) = *seen.last().unwrap();
        assert_eq!(done, total);
    })
    .await
    .expect("the test took too long");
}

#[tokio::test]
async fn an_older_version_offered_after_a_newer_one_is_refused_and_the_newer_kept() {
    tokio::time::timeout(LIMIT, async {
        let hub = TestHub::start().await;
        let key = hub.programme_key().await;
        let device = device(&hub, &hub.url(), &key).await;
        let pack = tempfile::tempdir().unwrap();
        write_pack(pack.path(), &[("exit.png", noise(2000, 20))]);
        let first = publish(&hub, pack.path()).await;
        device.app.sync_content().await.unwrap();
        write_pack(pack.path(), &[("exit.png", noise(2000, 21))]);
        publish(&hub, pack.path()).await;
        device.app.sync_content().await.unwrap();
        assert_eq!(device.app.load_training_module("fire-safety".into()).unwrap().version, 2);

        // The hub (or someone in the middle) offers version 1 again.
        let db = rusqlite::Connection::open(hub.dir.path().join("hub.db")).unwrap();
        db.busy_timeout(Duration::from_secs(5)).unwrap();
        db.execute("UPDATE content_items SET current_manifest = ?1", [&first.manifest_sha256]).unwrap();
        let report = device.app.sync_content().await.unwrap();
        assert_eq!(report.refused, vec!["fire-safety".to_owned()]);
        let module = device.app.load_training_module("fire-safety".into()).unwrap();
        assert_eq!(module.version, 2, "the newer version is kept");
        assert!(device.app.media_path(module.lessons[0].media[0].clone()).is_ok());
    })
    .await
    .expect("the test took too long");
}

#[tokio::test]
async fn media_beyond_the_budget_wait_and_evict_the_least_recently_used_but_never_the_module_in_use() {
    tokio::time::timeout(LIMIT, async {
        let hub = TestHub::start().await;
        let key = hub.programme_key().await;
        let device = device(&hub, &hub.url(), &key).await;
        device.app.set_content_budget_bytes(500_000);
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (media_a, media_b) = (noise(300_000, 30), noise(300_000, 31));
        write_pack_as(a.path(), "a-module", &[("a.mp3", media_a.clone())]);
        write_pack_as(b.path(), "b-module", &[("b.mp3", media_b.clone())]);
        publish(&hub, a.path()).await;
        publish(&hub, b.path()).await;

        // A background sync fills the budget and defers the rest.
        let report = device.app.sync_content().await.unwrap();
        assert_eq!(report.deferred_blobs, 1, "{report:?}");
        let complete =
            |id: &str| device.app.content_catalog().unwrap().into_iter().find(|e| e.id == id).unwrap().complete;
        assert!(complete("a-module") && !complete("b-module"));
        assert!(device.app.content_storage_bytes().unwrap() <= 500_000);

        // The worker opens B: A's media, least recently used, make room.
        let report = device.app.download_content("training_module".into(), "b-module".into()).await.unwrap();
        assert_eq!((report.blobs_downloaded, report.deferred_blobs), (1, 0), "{report:?}");
        assert!(complete("b-module") && !complete("a-module"));
        assert!(device.app.content_storage_bytes().unwrap() <= 500_000);

        // B is in use: asking for A now cannot evict B's media.
        device.app.load_training_module("b-module".into()).unwrap();
        let report = device.app.download_content("training_module".into(), "a-module".into()).await.unwrap();
        assert_eq!(report.deferred_blobs, 1, "{report:?}");
        assert!(device.app.media_path(sha256_hex(&media_b)).is_ok());
        let error = device.app.media_path(sha256_hex(&media_a)).unwrap_err();
        assert_eq!(error.code(), ErrorCode::ContentNotDownloaded);
    })
    .await
    .expect("the test took too long");
}

#[tokio::test]
async fn bad_replies_are_typed_errors_and_nothing_held_is_lost() {
    tokio::time::timeout(LIMIT, async {
        let hub = TestHub::start().await;
        let proxy = FaultProxy::start(&hub.url(), 0, 3).await;
        let key = hub.programme_key().await;
        let device = device(&hub, &proxy.url, &key).await;
        let pack = tempfile::tempdir().unwrap();
        let picture = noise(20_000, 40);
        write_pack(pack.path(), &[("exit.png", picture.clone())]);
        publish(&hub, pack.path()).await;
        device.app.sync_content().await.unwrap();
        let new_picture = noise(20_000, 41);
        write_pack(pack.path(), &[("exit.png", new_picture.clone())]);
        publish(&hub, pack.path()).await;

        let http = |status: &str, headers: &str, body: &[u8]| {
            let mut response =
                format!("HTTP/1.1 {status}\r\n{headers}content-length: {}\r\n\r\n", body.len()).into_bytes();
            response.extend_from_slice(body);
            response
        };
        let too_long = format!("{{\"factory_id\":\"{}\"}}", "x".repeat(300 * 1024));
        let json = "content-type: application/json\r\n";
        let cases: Vec<(String, Vec<u8>)> = vec![
            ("/v1/content/catalog".into(), http("200 OK", json, b"{\"factory_id\":")),
            ("/v1/content/catalog".into(), http("200 OK", json, too_long.as_bytes())),
            ("/v1/content/manifests/".into(), http("200 OK", json, b"[1, 2, 3]")),
            // A blob reply whose length is not the blob's size.
            (
                format!("/v1/content/blobs/{}", sha256_hex(&new_picture)),
                http("200 OK", "content-type: application/octet-stream\r\n", b"0123456789"),
            ),
        ];
        for (needle, response) in &cases {
            let needle = needle.as_str();
            proxy.clear_canned();
            proxy.serve_canned(needle, response.clone());
            let error = device.app.sync_content().await.expect_err(needle);
            assert_eq!(error.code(), ErrorCode::BadReply, "{needle}");
            // The held version is whole: version 1, with its picture.
            let module = device.app.load_training_module("fire-safety".into()).unwrap();
            assert_eq!(module.version, 1, "{needle}");
            let path = device.app.media_path(sha256_hex(&picture)).unwrap();
            assert_eq!(std::fs::read(path).unwrap(), picture);
        }
        proxy.clear_canned();
        device.app.sync_content().await.unwrap();
        assert_eq!(device.app.load_training_module("fire-safety".into()).unwrap().version, 2);
    })
    .await
    .expect("the test took too long");
}
