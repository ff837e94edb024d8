//! The invariant the design asks to test always: after submissions, handler
//! views and replies, no plaintext of a report or a reply — and no receipt
//! token, handler password or session token — is in any file the hub owns.

mod support;

use std::path::Path;

use support::cases::Programme;
use support::within_time;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{CaseEvent, CaseSyncResponse, SubmitResponse};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Every file under `dir`, recursively, with its bytes.
fn all_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir lists") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(all_files(&path));
        } else {
            files.push((path.display().to_string(), std::fs::read(&path).expect("file reads")));
        }
    }
    files
}

#[tokio::test]
async fn no_report_or_reply_text_reaches_any_file_of_the_hub() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let report = "MARKER-REPORT-5e1c: the supervisor locks the fire exit at night";
        let photo = b"MARKER-PHOTO-9d2b".repeat(500);
        let handler_text = "MARKER-HANDLER-REPLY-77aa: we are sending an inspector";
        let worker_text = "MARKER-WORKER-REPLY-41f0: thank you, it is the east door";

        let sealed =
            programme.seal(&[Route::FactoryCommittee, Route::IndependentHotline], report, std::slice::from_ref(&photo));
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        hub.upload_attachments(&sealed, 2_000).await;
        let second = programme.seal(&[Route::IndependentHotline], report, &[]);
        hub.submit(&second).await.ok::<SubmitResponse>();

        let committee = hub.login(&programme.committee).await;
        let path = format!("/handler/v1/cases/{}", sealed.case_id);
        let view = committee.view(&path).await;
        assert_eq!(view.content["text"], report);
        committee.reply_at(&path, handler_text).await.ok::<CaseEvent>();
        hub.worker_reply(&sealed, &sealed.token, "reply-1", worker_text).await.ok::<CaseEvent>();
        let view = committee.view(&path).await;
        assert_eq!(view.replies.len(), 2);
        let opened_photo = committee.attachment(&sealed.case_id, &sealed.attachments[0].0).await;
        assert_eq!(opened_photo, Ok(photo));
        let synced: CaseSyncResponse = hub.sync_cases(&[(&sealed.case_id, &sealed.token, 0)]).await.ok();
        assert_eq!(synced.updates[0].events.len(), 3);
        hub.hub.escalate_due(support::now() + 100 * 3600).await.expect("escalation pass");
        let hotline = hub.login(&programme.hotline).await;
        hotline.view(&path).await;

        let mut files = all_files(&hub.data_dir());
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        if workervoice_hub::testing::on_postgres() {
            files.extend(workervoice_hub::testing::database_files(&hub.data_dir()));
        } else {
            assert!(names.iter().any(|name| name.ends_with("hub.db-wal")), "the WAL is scanned too: {names:?}");
        }
        let secrets: Vec<(&str, Vec<u8>)> = vec![
            ("report text", b"MARKER-REPORT".to_vec()),
            ("report words", b"locks the fire exit".to_vec()),
            ("attachment", b"MARKER-PHOTO".to_vec()),
            ("handler reply", b"MARKER-HANDLER-REPLY".to_vec()),
            ("worker reply", b"MARKER-WORKER-REPLY".to_vec()),
            ("receipt token", sealed.token.clone()),
            ("reply key", sealed.reply_key.clone()),
            ("committee password", programme.committee.password.clone().into_bytes()),
            ("hotline password", programme.hotline.password.clone().into_bytes()),
            ("session token", committee.token.clone().into_bytes()),
        ];
        for (name, bytes) in &files {
            for (what, secret) in &secrets {
                assert!(!contains(bytes, secret), "{name} contains the {what}");
            }
        }
    })
    .await;
}
