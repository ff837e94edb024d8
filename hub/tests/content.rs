//! The content channel on the hub: publishing a pack from a folder, the
//! catalog per factory with its cheap "not modified", manifests that verify
//! under the programme key, and blob downloads with byte ranges.

mod support;

use std::path::Path;

use reqwest::Method;
use serde_json::json;
use support::{TestHub, within_time};
use workervoice_hub::PackAssignment;
use workervoice_protocol::admin::ProgrammeInfo;
use workervoice_protocol::content::{Catalog, ContentKind, Manifest, SignedManifest, sha256_hex, verify_manifest};
use workervoice_protocol::enrol::DeviceMode;
use workervoice_protocol::paths;

/// Writes a pack folder: pack.json naming two media files, and the files.
fn write_pack(folder: &Path, title: &str, image: &[u8]) {
    std::fs::create_dir_all(folder.join("media")).unwrap();
    std::fs::write(folder.join("media/exit.png"), image).unwrap();
    std::fs::write(folder.join("media/alarm.mp3"), vec![7u8; 5000]).unwrap();
    let pack = json!({
        "kind": "training_module",
        "id": "fire-safety",
        "languages": ["en", "vi"],
        "titles": {"en": title, "vi": "An toàn cháy nổ"},
        "document": {
            "lessons": [
                {"id": "l1", "title": {"en": "Exits"}, "text": {"en": "Know your exits."},
                 "media": ["file:media/exit.png", "file:media/alarm.mp3"]},
                {"id": "l2", "title": {"en": "Again"}, "text": {"en": "The same picture."},
                 "media": ["file:media/exit.png"]}
            ],
            "quiz": {"pass_mark_percent": 80, "questions": []}
        }
    });
    std::fs::write(folder.join("pack.json"), serde_json::to_vec_pretty(&pack).unwrap()).unwrap();
}

async fn programme_key(hub: &TestHub) -> Vec<u8> {
    let reply = hub.admin(Method::GET, "/admin/v1/programme", None).await;
    reply.ok::<ProgrammeInfo>().public_key
}

#[tokio::test]
async fn a_pack_published_from_a_folder_is_signed_listed_and_served() {
    within_time(async {
        let hub = TestHub::start().await;
        let (factory, device) = hub.factory_with_device(false, DeviceMode::Personal).await;
        let pack = tempfile::tempdir().unwrap();
        write_pack(pack.path(), "Fire safety", b"png-bytes");
        let published = hub.publish_and_sign(pack.path(), &PackAssignment::AllFactories).await;
        assert_eq!((published.version, published.media, published.unchanged), (1, 2, false));

        // The catalog lists it for the device's factory.
        let reply = device.send(&device.request(Method::GET, paths::CONTENT_CATALOG, Vec::new())).await;
        let catalog: Catalog = reply.ok();
        assert_eq!(catalog.factory_id, factory.id);
        assert_eq!(catalog.entries.len(), 1);
        let entry = &catalog.entries[0];
        assert_eq!((entry.kind, entry.id.as_str(), entry.version), (ContentKind::TrainingModule, "fire-safety", 1));

        // The manifest verifies under the programme key and names every blob.
        let url = hub.url(&format!("{}/{}", paths::CONTENT_MANIFESTS, entry.manifest_sha256));
        let signed: SignedManifest = hub.http.get(url).send().await.unwrap().json().await.unwrap();
        assert_eq!(signed.sha256(), entry.manifest_sha256);
        let manifest: Manifest = verify_manifest(&signed, &programme_key(&hub).await).unwrap();
        assert_eq!(manifest.media.len(), 2, "the picture used twice is one blob");
        assert_eq!(manifest.media[0].sha256, sha256_hex(b"png-bytes"));
        assert_eq!(manifest.media[0].media_type, "image/png");
        assert_eq!(manifest.total_bytes(), entry.total_bytes);

        // The body names media by hash, not by file name.
        let body = hub
            .http
            .get(hub.url(&format!("{}/{}", paths::CONTENT_BLOBS, manifest.body.sha256)))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(sha256_hex(&body), manifest.body.sha256);
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(text.contains(&format!("sha256:{}", sha256_hex(b"png-bytes"))), "{text}");
        assert!(!text.contains("file:"), "{text}");

        // Publishing the same folder again changes nothing; a changed file is the next version.
        let again = hub.publish_and_sign(pack.path(), &PackAssignment::AllFactories).await;
        assert_eq!((again.version, again.unchanged), (1, true));
        assert_eq!(again.manifest_sha256, published.manifest_sha256);
        write_pack(pack.path(), "Fire safety", b"a better picture");
        let next = hub.publish_and_sign(pack.path(), &PackAssignment::AllFactories).await;
        assert_eq!((next.version, next.unchanged), (2, false));
    })
    .await;
}

#[tokio::test]
async fn the_catalog_answers_not_modified_with_no_body_while_its_etag_matches() {
    within_time(async {
        let hub = TestHub::start().await;
        let (_factory, device) = hub.factory_with_device(false, DeviceMode::Shared).await;
        let pack = tempfile::tempdir().unwrap();
        write_pack(pack.path(), "Fire safety", b"png");
        hub.publish_and_sign(pack.path(), &PackAssignment::AllFactories).await;
        let first: Catalog = device.send(&device.request(Method::GET, paths::CONTENT_CATALOG, Vec::new())).await.ok();
        let path = format!("{}?have={}", paths::CONTENT_CATALOG, first.etag);
        let quiet = device.send(&device.request(Method::GET, &path, Vec::new())).await;
        assert_eq!(quiet.status, 304);
        assert_eq!(quiet.body, serde_json::Value::Null);

        // A new version changes the ETag, and the full catalog comes back.
        write_pack(pack.path(), "Fire safety, revised", b"png");
        hub.publish_and_sign(pack.path(), &PackAssignment::AllFactories).await;
        let changed: Catalog = device.send(&device.request(Method::GET, &path, Vec::new())).await.ok();
        assert_ne!(changed.etag, first.etag);
        assert_eq!(changed.entries[0].version, 2);

        // Unsigned, the catalog is refused: the hub must know the factory.
        let anonymous = hub.http.get(hub.url(paths::CONTENT_CATALOG)).send().await.unwrap();
        assert_eq!(anonymous.status(), 401);
    })
    .await;
}

async fn listed(device: &support::FakeDevice) -> usize {
    let request = device.request(Method::GET, paths::CONTENT_CATALOG, Vec::new());
    device.send(&request).await.ok::<Catalog>().entries.len()
}

#[tokio::test]
async fn a_pack_assigned_to_one_factory_is_not_listed_for_another() {
    within_time(async {
        let hub = TestHub::start().await;
        let (chosen, chosen_device) = hub.factory_with_device(false, DeviceMode::Personal).await;
        let (_other, other_device) = hub.factory_with_device(false, DeviceMode::Personal).await;
        let pack = tempfile::tempdir().unwrap();
        write_pack(pack.path(), "Fire safety", b"png");
        hub.publish_and_sign(pack.path(), &PackAssignment::Factories(vec![chosen.id.clone()])).await;
        assert_eq!(listed(&chosen_device).await, 1);
        assert_eq!(listed(&other_device).await, 0);
        let unknown = hub.publish_pack(pack.path(), &PackAssignment::Factories(vec!["nope".into()]));
        assert!(unknown.is_err());
    })
    .await;
}

#[tokio::test]
async fn blobs_are_served_in_ranges_and_a_range_past_the_end_is_416() {
    within_time(async {
        let hub = TestHub::start().await;
        let pack = tempfile::tempdir().unwrap();
        let image: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        write_pack(pack.path(), "Fire safety", &image);
        hub.publish_and_sign(pack.path(), &PackAssignment::AllFactories).await;
        let url = hub.url(&format!("{}/{}", paths::CONTENT_BLOBS, sha256_hex(&image)));

        let whole = hub.http.get(&url).send().await.unwrap();
        assert_eq!(whole.status(), 200);
        assert_eq!(whole.headers()["accept-ranges"], "bytes");
        assert_eq!(whole.headers()["content-type"], "application/octet-stream");
        assert_eq!(whole.bytes().await.unwrap().as_ref(), &image[..]);

        let tail = hub.http.get(&url).header("range", "bytes=150000-").send().await.unwrap();
        assert_eq!(tail.status(), 206);
        assert_eq!(tail.headers()["content-range"], "bytes 150000-199999/200000");
        assert_eq!(tail.headers()["content-length"], "50000");
        assert_eq!(tail.bytes().await.unwrap().as_ref(), &image[150_000..]);

        let middle = hub.http.get(&url).header("range", "bytes=10-19").send().await.unwrap();
        assert_eq!(middle.status(), 206);
        assert_eq!(middle.bytes().await.unwrap().as_ref(), &image[10..20]);

        let past = hub.http.get(&url).header("range", "bytes=200000-").send().await.unwrap();
        assert_eq!(past.status(), 416);
        assert_eq!(past.headers()["content-range"], "bytes */200000");

        // Unknown hashes and anything that is not a hash are 404, never a path.
        let unknown = hub.http.get(hub.url(&format!("{}/{}", paths::CONTENT_BLOBS, sha256_hex(b"x")))).send().await;
        assert_eq!(unknown.unwrap().status(), 404);
        let traversal = hub.http.get(hub.url(&format!("{}/..%2Fhub.db", paths::CONTENT_BLOBS))).send().await;
        assert_eq!(traversal.unwrap().status(), 404);
    })
    .await;
}

#[tokio::test]
async fn manifests_and_blobs_carry_what_an_ordinary_http_cache_needs_to_keep_them() {
    within_time(async {
        let hub = TestHub::start().await;
        let (_factory, device) = hub.factory_with_device(false, DeviceMode::Personal).await;
        let pack = tempfile::tempdir().unwrap();
        let image: Vec<u8> = (0..50_000u32).map(|i| (i % 241) as u8).collect();
        write_pack(pack.path(), "Fire safety", &image);
        hub.publish_and_sign(pack.path(), &PackAssignment::AllFactories).await;
        let catalog: Catalog = device.send(&device.request(Method::GET, paths::CONTENT_CATALOG, Vec::new())).await.ok();
        let manifest_sha = &catalog.entries[0].manifest_sha256;
        let blob_sha = sha256_hex(&image);

        for (url, sha) in [
            (hub.url(&format!("{}/{manifest_sha}", paths::CONTENT_MANIFESTS)), manifest_sha.clone()),
            (hub.url(&format!("{}/{blob_sha}", paths::CONTENT_BLOBS)), blob_sha.clone()),
        ] {
            // Fetched without signing, shareable, never stale: a CDN may keep it.
            let first = hub.http.get(&url).send().await.unwrap();
            assert_eq!(first.status(), 200, "{url}");
            let etag = format!("\"{sha}\"");
            assert_eq!(first.headers()["etag"], etag.as_str());
            assert_eq!(first.headers()["cache-control"], "public, max-age=31536000, immutable");
            assert!(first.headers().get("set-cookie").is_none() && first.headers().get("vary").is_none());
            let body = first.bytes().await.unwrap();

            // Revalidation with the ETag costs no body; another ETag gets the bytes.
            let again = hub.http.get(&url).header("if-none-match", &etag).send().await.unwrap();
            assert_eq!(again.status(), 304);
            assert_eq!(again.headers()["etag"], etag.as_str());
            assert!(again.bytes().await.unwrap().is_empty());
            let other = hub.http.get(&url).header("if-none-match", "\"something-else\"").send().await.unwrap();
            assert_eq!(other.status(), 200);
            assert_eq!(other.bytes().await.unwrap(), body);
        }

        // A resumed download whose validator is this blob's gets the range;
        // one whose validator is not gets the whole blob, not a wrong splice.
        let url = hub.url(&format!("{}/{blob_sha}", paths::CONTENT_BLOBS));
        let resumed = hub
            .http
            .get(&url)
            .header("range", "bytes=40000-")
            .header("if-range", format!("\"{blob_sha}\""))
            .send()
            .await
            .unwrap();
        assert_eq!(resumed.status(), 206);
        assert_eq!(resumed.bytes().await.unwrap().as_ref(), &image[40_000..]);
        let stale =
            hub.http.get(&url).header("range", "bytes=40000-").header("if-range", "\"old\"").send().await.unwrap();
        assert_eq!(stale.status(), 200);
        assert_eq!(stale.bytes().await.unwrap().as_ref(), &image[..]);

        // What is per factory or per person is never kept by a shared cache.
        let missing = hub.http.get(hub.url(&format!("{}/{}", paths::CONTENT_BLOBS, sha256_hex(b"x")))).send().await;
        assert_eq!(missing.unwrap().headers()["cache-control"], "no-store");
        let signed = device.request(Method::GET, paths::CONTENT_CATALOG, Vec::new());
        let mut request = hub.http.get(hub.url(paths::CONTENT_CATALOG));
        for (name, value) in device.headers_for(&signed, &device.key) {
            request = request.header(name, value);
        }
        let catalog = request.send().await.unwrap();
        assert_eq!(catalog.status(), 200);
        assert_eq!(catalog.headers()["cache-control"], "no-store");
    })
    .await;
}
