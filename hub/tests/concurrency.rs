//! One writer, several readers (ADR 0019): routes that only read are
//! answered from read-only connections while a long write holds the
//! writer; writes wait for it, as SQLite requires.

mod support;

use std::time::{Duration, Instant};

use reqwest::Method;
use support::cases::Programme;
use support::within_time;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{CaseSyncResponse, SubmitResponse};
use workervoice_protocol::handler::CaseSummary;

/// How long the test holds the writer: far above what the reads need.
const HOLD: Duration = Duration::from_secs(4);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn readers_are_answered_while_a_long_write_holds_the_writer_and_writes_wait_for_it() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "overtime not paid", &[]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        let handler = hub.login(&programme.hotline).await;
        // Sessions used just now: their idle clocks are not due a write.
        hub.admin(Method::GET, "/admin/v1/factories", None).await.ok::<serde_json::Value>();

        let writer = hub.hub.hold_writer(HOLD).await.expect("the writer is held");
        let started = Instant::now();
        let second = programme.seal(&[Route::IndependentHotline], "second report", &[]);
        let write = async {
            let reply = hub.submit(&second).await;
            (reply, started.elapsed())
        };
        let reads = async {
            // Twenty readers listing their cases at once, a worker's app
            // following its case, a device fetching the directory, staff
            // listing factories.
            let mut lists = tokio::task::JoinSet::new();
            for _ in 0..20 {
                let request =
                    handler.http.get(format!("{}/handler/v1/cases", handler.base_url)).bearer_auth(&handler.token);
                lists.spawn(async move { support::Reply::from(request.send().await.expect("sent")).await });
            }
            for list in lists.join_all().await {
                let cases: Vec<CaseSummary> = list.ok();
                if workervoice_hub::testing::on_postgres() {
                    // The second write does not wait for the long one there:
                    // it may be committed already.
                    assert!(cases.iter().any(|case| case.case_id == sealed.case_id), "{cases:?}");
                } else {
                    assert_eq!(cases.len(), 1, "the committed case, not the one waiting to be written");
                    assert_eq!(cases[0].case_id, sealed.case_id);
                }
            }
            let synced: CaseSyncResponse = hub.sync_cases(&[(&sealed.case_id, &sealed.token, 0)]).await.ok();
            assert!(synced.refused.is_empty(), "{synced:?}");
            assert_eq!(synced.updates.len(), 1);
            let directory = hub.fetch_directory(0).await;
            assert!(directory.directory.is_some());
            hub.admin(Method::GET, "/admin/v1/factories", None).await.ok::<serde_json::Value>();
            started.elapsed()
        };
        let ((write_reply, write_done), reads_done) = tokio::join!(write, reads);
        assert!(reads_done < HOLD / 2, "reads waited for the writer: {reads_done:?} with the writer held for {HOLD:?}");
        write_reply.ok::<SubmitResponse>();
        // SQLite has one writer; PostgreSQL runs the write beside the long
        // one (its own transaction on its own connection).
        if !workervoice_hub::testing::skip_on_postgres("a write waits for SQLite's one writer") {
            assert!(
                write_done >= HOLD - Duration::from_millis(500),
                "the write did not wait for the writer: {write_done:?}"
            );
        }
        writer.await.expect("the holding task ends").expect("the long write commits");

        // Once it is committed, readers see the second case.
        let cases: Vec<CaseSummary> = handler.get("/handler/v1/cases").await.ok();
        assert_eq!(cases.len(), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_receipt_token_still_counts_when_the_right_ones_are_read_from_a_reader() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "unsafe machines", &[]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        let right: CaseSyncResponse = hub.sync_cases(&[(&sealed.case_id, &sealed.token, 0)]).await.ok();
        assert!(right.refused.is_empty());
        assert_eq!(hub.count_rows("case_token_failures"), 0, "a right token writes nothing");

        let wrong = vec![7u8; sealed.token.len()];
        let mixed: CaseSyncResponse =
            hub.sync_cases(&[(&sealed.case_id, &sealed.token, 0), (&sealed.case_id, &wrong, 0)]).await.ok();
        assert_eq!(mixed.updates.len(), 1, "the right cursor is still answered: {mixed:?}");
        assert_eq!(mixed.refused, vec![sealed.case_id.clone()]);
        assert_eq!(hub.count_rows("case_token_failures"), 1, "the wrong one is counted once");
    })
    .await;
}
