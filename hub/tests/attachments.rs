//! Resumable attachment uploads: in order, from the hub's count, checked
//! against the announced hash.

mod support;

use support::cases::Programme;
use support::within_time;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{AttachmentProgress, MAX_CHUNK_BYTES, SubmitResponse};
use workervoice_protocol::handler::AuditEntry;

fn photo(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

#[tokio::test]
async fn an_interrupted_upload_resumes_from_the_hubs_count_and_completes() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let plain = photo(150_000, 3);
        let sealed = programme.seal(&[Route::IndependentHotline], "see the photo", std::slice::from_ref(&plain));
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        let (attachment_id, bytes) = &sealed.attachments[0];
        let progress = |reply: support::Reply| reply.ok::<AttachmentProgress>();

        assert_eq!(
            progress(hub.attachment_progress(&sealed.client_id, attachment_id).await),
            AttachmentProgress { received: 0, complete: false }
        );
        let first = hub.put_chunk(&sealed.client_id, attachment_id, 0, bytes[..60_000].to_vec()).await;
        assert_eq!(progress(first), AttachmentProgress { received: 60_000, complete: false });

        // The connection dropped; the device is unsure and resends from 0.
        let stale = hub.put_chunk(&sealed.client_id, attachment_id, 0, bytes[..60_000].to_vec()).await;
        assert_eq!(stale.status, 409);
        assert_eq!(
            serde_json::from_value::<AttachmentProgress>(stale.body).expect("progress"),
            AttachmentProgress { received: 60_000, complete: false }
        );
        let ahead = hub.put_chunk(&sealed.client_id, attachment_id, 70_000, bytes[70_000..80_000].to_vec()).await;
        assert_eq!(ahead.status, 409);
        assert_eq!(progress(hub.attachment_progress(&sealed.client_id, attachment_id).await).received, 60_000);

        let rest = hub.put_chunk(&sealed.client_id, attachment_id, 60_000, bytes[60_000..].to_vec()).await;
        assert_eq!(progress(rest), AttachmentProgress { received: bytes.len() as u64, complete: true });
        // A lost reply to the last chunk: resending it learns it is done.
        let resent = hub.put_chunk(&sealed.client_id, attachment_id, 60_000, bytes[60_000..].to_vec()).await;
        assert_eq!(resent.status, 409);
        assert!(serde_json::from_value::<AttachmentProgress>(resent.body).expect("progress").complete);

        let handler = hub.login(&programme.hotline).await;
        let path = format!("/handler/v1/cases/{}/attachments/{attachment_id}", sealed.case_id);
        // The hub serves the ciphertext as uploaded; the reader's client opens it.
        let (status, served) = handler.get_bytes(&path).await;
        assert_eq!(status, 200);
        assert_eq!(&served, bytes);
        assert_eq!(handler.attachment(&sealed.case_id, attachment_id).await, Ok(plain));
        let audit: Vec<AuditEntry> = handler.get(&format!("/handler/v1/cases/{}/audit", sealed.case_id)).await.ok();
        let actions: Vec<&str> = audit.iter().map(|entry| entry.action.as_str()).collect();
        assert_eq!(
            actions,
            vec!["received", "attachment_received", "attachment_fetched", "fetched", "attachment_fetched"]
        );
        // What the device did is kept to the hour only (ADR 0016): the
        // second an upload ended would time the worker's connection.
        for entry in audit.iter().filter(|entry| entry.actor == "device") {
            assert_eq!(entry.at % 3_600, 0, "{} kept to the second", entry.action);
        }
    })
    .await;
}

#[tokio::test]
async fn a_finished_upload_that_does_not_match_its_hash_is_discarded() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "voice note", &[photo(10_000, 9)]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        let (attachment_id, bytes) = &sealed.attachments[0];
        let mut corrupted = bytes.clone();
        corrupted[5_000] ^= 0xFF;
        hub.put_chunk(&sealed.client_id, attachment_id, 0, corrupted[..4_000].to_vec())
            .await
            .ok::<AttachmentProgress>();
        hub.put_chunk(&sealed.client_id, attachment_id, 4_000, corrupted[4_000..].to_vec())
            .await
            .assert_error("bad_request");
        let after: AttachmentProgress = hub.attachment_progress(&sealed.client_id, attachment_id).await.ok();
        assert_eq!(after, AttachmentProgress { received: 0, complete: false });
        assert_eq!(hub.count_rows("attachment_chunks"), 0);

        let handler = hub.login(&programme.hotline).await;
        let path = format!("/handler/v1/cases/{}/attachments/{attachment_id}", sealed.case_id);
        handler.get(&path).await.assert_error("not_found");

        hub.upload_attachments(&sealed, 3_000).await;
        let done: AttachmentProgress = hub.attachment_progress(&sealed.client_id, attachment_id).await.ok();
        assert!(done.complete);
        assert_eq!(handler.get_bytes(&path).await.0, 200);
    })
    .await;
}

#[tokio::test]
async fn chunks_past_the_size_or_over_the_limit_and_unknown_uploads_are_refused() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "photo", &[photo(1_000, 1)]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        let (attachment_id, bytes) = &sealed.attachments[0];

        let mut too_long = bytes.clone();
        too_long.push(0);
        hub.put_chunk(&sealed.client_id, attachment_id, 0, too_long).await.assert_error("bad_request");
        hub.put_chunk(&sealed.client_id, attachment_id, 0, vec![0; MAX_CHUNK_BYTES + 1])
            .await
            .assert_error("payload_too_large");
        let no_offset = hub
            .http
            .put(hub.url(&workervoice_protocol::grievance::attachment_path(&sealed.client_id, attachment_id)))
            .body(bytes.clone())
            .send()
            .await
            .expect("sent");
        assert_eq!(no_offset.status().as_u16(), 400);

        let stranger = uuid::Uuid::new_v4().to_string();
        hub.attachment_progress(&stranger, attachment_id).await.assert_error("not_found");
        hub.attachment_progress(&sealed.client_id, &stranger).await.assert_error("not_found");
        hub.put_chunk(&stranger, attachment_id, 0, bytes.clone()).await.assert_error("not_found");
        hub.attachment_progress("not-a-uuid", attachment_id).await.assert_error("not_found");
    })
    .await;
}

/// The chunk files of an attachment, in order.
fn chunk_files(data_dir: &std::path::Path, case_id: &str, attachment_id: &str) -> Vec<std::path::PathBuf> {
    let dir = data_dir.join("attachments").join(case_id).join(attachment_id);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.map(|entry| entry.expect("entry").path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[tokio::test]
async fn attachment_bytes_are_private_files_beside_the_database_not_rows_in_it() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "see the photo", &[photo(100_000, 9)]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        hub.upload_attachments(&sealed, 30_000).await;
        let (attachment_id, bytes) = &sealed.attachments[0];
        assert_eq!(hub.count_rows("attachment_chunks"), 0);
        let files = chunk_files(&hub.data_dir(), &sealed.case_id, attachment_id);
        assert_eq!(files.len(), bytes.len().div_ceil(30_000), "{files:?}");
        let joined: Vec<u8> = files.iter().flat_map(|path| std::fs::read(path).expect("chunk")).collect();
        assert_eq!(&joined, bytes);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for path in &files {
                assert_eq!(std::fs::metadata(path).expect("meta").permissions().mode() & 0o777, 0o600);
            }
        }
    })
    .await;
}

#[tokio::test]
async fn attachments_an_earlier_hub_kept_as_rows_are_moved_into_files_at_start_and_still_open() {
    within_time(async {
        let programme = Programme::start().await;
        let plain = photo(70_000, 5);
        let sealed = programme.seal(&[Route::IndependentHotline], "see the photo", std::slice::from_ref(&plain));
        programme.hub.submit(&sealed).await.ok::<SubmitResponse>();
        programme.hub.upload_attachments(&sealed, 40_000).await;
        let (attachment_id, _) = &sealed.attachments[0];
        let data_dir = programme.hub.data_dir();
        let support::TestHub { hub: running, http, dir } = programme.hub;
        running.shutdown().await;

        // Put the hub's data back the way an earlier hub stored it: rows.
        let files = chunk_files(&data_dir, &sealed.case_id, attachment_id);
        let connection = workervoice_hub::testing::TestDatabase::open(&data_dir);
        let mut offset = 0usize;
        for path in &files {
            let data = std::fs::read(path).expect("chunk");
            connection
                .execute(
                    "INSERT INTO attachment_chunks (case_id, attachment_id, position, data) VALUES (?1, ?2, ?3, ?4)",
                    &[
                        sealed.case_id.as_str().into(),
                        attachment_id.as_str().into(),
                        (offset as i64).into(),
                        data.clone().into(),
                    ],
                )
                .expect("row");
            offset += data.len();
            std::fs::remove_file(path).expect("remove");
        }
        drop(connection);

        let restarted =
            workervoice_hub::start(workervoice_hub::HubConfig::for_tests(data_dir.clone())).await.expect("restarts");
        let hub = support::TestHub { hub: restarted, http, dir };
        assert_eq!(hub.count_rows("attachment_chunks"), 0);
        assert_eq!(chunk_files(&data_dir, &sealed.case_id, attachment_id).len(), files.len());
        let handler = hub.login(&programme.hotline).await;
        assert_eq!(handler.attachment(&sealed.case_id, attachment_id).await, Ok(plain));
    })
    .await;
}

#[tokio::test]
async fn past_the_daily_attachment_cap_chunks_are_refused_as_retryable_and_nothing_is_kept() {
    within_time(async {
        let hub = support::TestHub::start_with(|config| config.limits.attachment_bytes_per_day = 50_000).await;
        let programme = Programme::on(hub).await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "see the photo", &[photo(100_000, 1)]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        let (attachment_id, bytes) = &sealed.attachments[0];
        let first = hub.put_chunk(&sealed.client_id, attachment_id, 0, bytes[..30_000].to_vec()).await;
        assert_eq!(first.status, 200, "{first:?}");

        let refused = hub.put_chunk(&sealed.client_id, attachment_id, 30_000, bytes[30_000..60_000].to_vec()).await;
        assert_eq!(refused.status, 429, "{refused:?}");
        refused.assert_error("rate_limited");
        let wait = refused.body["error"]["retry_after_secs"].as_u64().expect("retry after");
        assert!((1..=86_400).contains(&wait), "{wait}");
        let progress: AttachmentProgress = hub.attachment_progress(&sealed.client_id, attachment_id).await.ok();
        assert_eq!(progress, AttachmentProgress { received: 30_000, complete: false });
        assert_eq!(chunk_files(&hub.data_dir(), &sealed.case_id, attachment_id).len(), 1, "no refused bytes kept");
    })
    .await;
}

/// Many devices upload at once, each chunk sent twice at the same moment
/// (a device unsure whether its first try arrived). On PostgreSQL the
/// uploads conflict on the day's byte count and on each upload's row, and
/// the database layer runs a transaction again: a chunk renamed into place
/// by an attempt whose commit lost must not be renamed again (its staged
/// file is gone) nor left under another request's count.
#[tokio::test]
async fn attachments_sent_at_once_and_twice_over_all_complete_and_open() {
    within_time(async {
        const DEVICES: usize = 12;
        const CHUNK: usize = 16_000;
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let mut uploads = Vec::new();
        for device in 0..DEVICES {
            let plain = photo(3 * CHUNK + 5_000, device as u8);
            let sealed = programme.seal(&[Route::IndependentHotline], "see the photo", std::slice::from_ref(&plain));
            hub.submit(&sealed).await.ok::<SubmitResponse>();
            uploads.push((sealed, plain));
        }
        let tasks: Vec<_> = uploads
            .iter()
            .map(|(sealed, _)| {
                let (attachment_id, bytes) = sealed.attachments[0].clone();
                let path = workervoice_protocol::grievance::attachment_path(&sealed.client_id, &attachment_id);
                let (http, url) = (hub.http.clone(), hub.url(&path));
                tokio::spawn(async move {
                    let put = |offset: usize, end: usize| {
                        http.put(format!("{url}?offset={offset}"))
                            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                            .body(bytes[offset..end].to_vec())
                            .send()
                    };
                    let mut statuses = Vec::new();
                    for offset in (0..bytes.len()).step_by(CHUNK) {
                        let end = (offset + CHUNK).min(bytes.len());
                        let (first, second) = tokio::join!(put(offset, end), put(offset, end));
                        statuses.push(first.expect("sent").status().as_u16());
                        statuses.push(second.expect("sent").status().as_u16());
                    }
                    statuses
                })
            })
            .collect();
        for task in tasks {
            let statuses = task.await.expect("device");
            // 200 for the copy that counted, 409 (resume from here) or 200
            // (already there) for the other; never a 5xx.
            assert!(statuses.iter().all(|status| *status == 200 || *status == 409), "{statuses:?}");
            assert!(statuses.contains(&200), "{statuses:?}");
        }
        let handler = hub.login(&programme.hotline).await;
        for (sealed, plain) in &uploads {
            let attachment_id = &sealed.attachments[0].0;
            let progress: AttachmentProgress = hub.attachment_progress(&sealed.client_id, attachment_id).await.ok();
            assert!(progress.complete, "{progress:?}");
            assert_eq!(handler.attachment(&sealed.case_id, attachment_id).await.as_ref(), Ok(plain));
        }
    })
    .await;
}
