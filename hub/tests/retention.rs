//! Retention with the hub's clock moved forward: closed cases go with their
//! keys and attachment files once their period has passed since their last
//! activity, never earlier; everything else stays.

mod support;

use std::time::Duration;

use support::cases::Programme;
use support::{TestHub, within_time};
use workervoice_hub::Retention;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{CaseStatus, SubmitResponse};
use workervoice_protocol::handler::{InboxCase, SealedCase, SetStatusRequest};

const DAY: i64 = 86_400;

fn retention_of(days: u64) -> Retention {
    Retention { closed_cases: Some(Duration::from_secs(days * 86_400)), ..Retention::default() }
}

/// Rows about `case_id` in `table`, read from the database file.
fn rows_of(programme: &Programme, table: &str, case_id: &str) -> i64 {
    programme.hub.database().integer(&format!("SELECT count(*) FROM {table} WHERE case_id = ?1"), &[case_id.into()])
}

/// Moves every activity of `case_id` by `secs`, as if it had happened then.
fn shift_activity(programme: &Programme, case_id: &str, secs: i64) {
    let database = programme.hub.database();
    for table in ["case_events", "case_audit"] {
        database
            .execute(&format!("UPDATE {table} SET at = at + ?1 WHERE case_id = ?2"), &[secs.into(), case_id.into()])
            .expect("shifted");
    }
}

#[tokio::test]
async fn a_closed_case_is_deleted_with_its_keys_and_files_once_its_period_has_passed_since_its_last_activity() {
    within_time(async {
        let hub = TestHub::start_with(|config| config.retention = retention_of(30)).await;
        let programme = Programme::on(hub).await;
        let hotline = programme.hub.login(&programme.hotline).await;
        let routes = [Route::IndependentHotline];

        // Closed, with an attachment: due 30 days after its last activity.
        let closed = programme.seal(&routes, "closed long ago", &[vec![9u8; 5000]]);
        programme.hub.submit(&closed).await.ok::<SubmitResponse>();
        programme.hub.upload_attachments(&closed, 2048).await;
        let status = SetStatusRequest { status: CaseStatus::Closed };
        hotline.post(&format!("/handler/v1/cases/{}/status", closed.case_id), &status).await.ok::<serde_json::Value>();
        // Closed too, but with activity 10 days from now (a late reply).
        let active = programme.seal(&routes, "closed, then written to again", &[]);
        programme.hub.submit(&active).await.ok::<SubmitResponse>();
        hotline.post(&format!("/handler/v1/cases/{}/status", active.case_id), &status).await.ok::<serde_json::Value>();
        shift_activity(&programme, &active.case_id, 10 * DAY);
        // Open: never due, however old.
        let open = programme.seal(&routes, "still being handled", &[]);
        programme.hub.submit(&open).await.ok::<SubmitResponse>();

        let attachment_dir = programme.hub.data_dir().join("attachments").join(&closed.case_id);
        assert!(attachment_dir.is_dir());

        // 29 days on: nothing is due.
        programme.hub.hub.set_calendar_offset(29 * DAY);
        let report = programme.hub.hub.apply_retention().await.expect("pass");
        assert_eq!(report.closed_cases, 0, "{report:?}");
        assert_eq!(programme.hub.count_rows("cases"), 3);

        // 31 days on: the first closed case goes, keys, events, audit,
        // attachment rows and files with it.
        programme.hub.hub.set_calendar_offset(31 * DAY);
        let report = programme.hub.hub.apply_retention().await.expect("pass");
        assert_eq!(report.closed_cases, 1, "{report:?}");
        assert_eq!(report.attachment_dirs, 1, "{report:?}");
        for table in ["cases", "case_keys", "case_events", "case_audit", "case_attachments"] {
            assert_eq!(rows_of(&programme, table, &closed.case_id), 0, "{table} still holds the case");
        }
        assert!(!attachment_dir.exists(), "the attachment files are gone");
        assert_eq!(rows_of(&programme, "cases", &active.case_id), 1, "activity newer than the period keeps a case");
        assert_eq!(rows_of(&programme, "cases", &open.case_id), 1, "an open case is never due");
        // The worker's follow-up now finds nothing, as for an unknown case.
        let sync = programme.hub.sync_cases(&[(closed.case_id.as_str(), closed.token.as_slice(), 0)]).await;
        let refused = sync.body.pointer("/refused/0").and_then(serde_json::Value::as_str);
        assert_eq!(refused, Some(closed.case_id.as_str()), "{sync:?}");

        // 41 days on, 31 after its late activity, the second goes too.
        programme.hub.hub.set_calendar_offset(41 * DAY);
        let report = programme.hub.hub.apply_retention().await.expect("pass");
        assert_eq!(report.closed_cases, 1, "{report:?}");
        assert_eq!(rows_of(&programme, "cases", &active.case_id), 0);
        assert_eq!(programme.hub.count_rows("cases"), 1);
    })
    .await;
}

fn unix_now() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970");
    i64::try_from(since.as_secs()).expect("fits")
}

/// The reader's inbox, as `case id → expires_on`.
async fn expiries(reader: &support::cases::HandlerClient) -> Vec<(String, Option<i64>)> {
    let inbox: Vec<InboxCase> = reader.get("/handler/v1/cases?status=closed,received").await.ok();
    inbox.into_iter().map(|case| (case.summary.case_id, case.expires_on)).collect()
}

fn expiry_of(list: &[(String, Option<i64>)], case_id: &str) -> Option<i64> {
    list.iter().find(|(id, _)| id == case_id).and_then(|(_, expires_on)| *expires_on)
}

#[tokio::test]
async fn readers_see_the_day_a_closed_case_will_be_deleted_and_activity_moves_it_later() {
    within_time(async {
        let hub = TestHub::start_with(|config| config.retention = retention_of(30)).await;
        let programme = Programme::on(hub).await;
        let hotline = programme.hub.login(&programme.hotline).await;
        let routes = [Route::IndependentHotline];
        let closed = programme.seal(&routes, "closed", &[]);
        let open = programme.seal(&routes, "still open", &[]);
        let before = unix_now();
        programme.hub.submit(&closed).await.ok::<SubmitResponse>();
        programme.hub.submit(&open).await.ok::<SubmitResponse>();
        let status = SetStatusRequest { status: CaseStatus::Closed };
        hotline.post(&format!("/handler/v1/cases/{}/status", closed.case_id), &status).await.ok::<serde_json::Value>();

        // The day 30 days (and a second) after it was closed.
        let listed = expiries(&hotline).await;
        let after = unix_now();
        assert_eq!(listed.len(), 2, "{listed:?}");
        let day_of = |at: i64| at - at.rem_euclid(DAY);
        let expires_on = expiry_of(&listed, &closed.case_id).expect("a closed case shows its expiry day");
        assert!(
            (day_of(before + 30 * DAY + 1)..=day_of(after + 30 * DAY + 1)).contains(&expires_on),
            "{expires_on} not 30 days after {before}..{after}"
        );
        assert_eq!(expiry_of(&listed, &open.case_id), None, "an open case shows none");

        // Activity 10 days later (as if a reader had written then): 10 days later.
        shift_activity(&programme, &closed.case_id, 10 * DAY);
        let listed = expiries(&hotline).await;
        assert_eq!(expiry_of(&listed, &closed.case_id), Some(expires_on + 10 * DAY));
        let later = expires_on + 10 * DAY;
        // The case page says the same (its fetch, now, is older activity).
        let sealed: SealedCase = hotline.get(&format!("/handler/v1/cases/{}", closed.case_id)).await.ok();
        assert_eq!(sealed.expires_on, Some(later));

        // A minute before that day: the pass keeps it.
        programme.hub.hub.set_calendar_offset(later - 60 - unix_now());
        let report = programme.hub.hub.apply_retention().await.expect("pass");
        assert_eq!(report.closed_cases, 0, "{report:?}");
        // Once the day has passed, the pass deletes it and the inbox no
        // longer lists it; the open case stays, still without a day.
        programme.hub.hub.set_calendar_offset(later + DAY - unix_now());
        let report = programme.hub.hub.apply_retention().await.expect("pass");
        assert_eq!(report.closed_cases, 1, "{report:?}");
        // (The pass also removed the reader's session, ended by then.)
        let hotline = programme.hub.login(&programme.hotline).await;
        let listed = expiries(&hotline).await;
        assert_eq!(listed, vec![(open.case_id.clone(), None)]);
    })
    .await;
}

#[tokio::test]
async fn without_a_period_closed_cases_are_kept_but_ended_sessions_and_old_failures_go() {
    within_time(async {
        let programme = Programme::start().await;
        let hotline = programme.hub.login(&programme.hotline).await;
        let sealed = programme.seal(&[Route::IndependentHotline], "kept", &[]);
        programme.hub.submit(&sealed).await.ok::<SubmitResponse>();
        let status = SetStatusRequest { status: CaseStatus::Closed };
        hotline.post(&format!("/handler/v1/cases/{}/status", sealed.case_id), &status).await.ok::<serde_json::Value>();
        // A wrong receipt token leaves a failure row.
        programme.hub.sync_cases(&[(sealed.case_id.as_str(), &[0u8; 32], 0)]).await;
        assert!(programme.hub.count_rows("case_token_failures") >= 1);
        assert!(programme.hub.count_rows("sessions") >= 1, "the demo admin's session");

        programme.hub.hub.set_calendar_offset(400 * DAY);
        let report = programme.hub.hub.apply_retention().await.expect("pass");
        assert_eq!(report.closed_cases, 0);
        assert_eq!(programme.hub.count_rows("cases"), 1);
        assert_eq!(programme.hub.count_rows("case_token_failures"), 0, "{report:?}");
        assert_eq!(programme.hub.count_rows("sessions"), 0, "{report:?}");
    })
    .await;
}

#[tokio::test]
async fn an_upload_never_completed_loses_its_partial_bytes_and_can_start_again() {
    within_time(async {
        let programme = Programme::start().await;
        let sealed = programme.seal(&[Route::IndependentHotline], "with a photo", &[vec![5u8; 6000]]);
        programme.hub.submit(&sealed).await.ok::<SubmitResponse>();
        let (attachment_id, bytes) = &sealed.attachments[0];
        programme.hub.put_chunk(&sealed.client_id, attachment_id, 0, bytes[..2048].to_vec()).await;
        let dir = programme.hub.data_dir().join("attachments").join(&sealed.case_id).join(attachment_id);
        assert!(dir.is_dir());

        programme.hub.hub.set_calendar_offset(31 * DAY);
        let report = programme.hub.hub.apply_retention().await.expect("pass");
        assert_eq!(report.abandoned_uploads, 1, "{report:?}");
        assert!(!dir.exists());
        let progress = programme.hub.attachment_progress(&sealed.client_id, attachment_id).await;
        assert_eq!(progress.body.pointer("/received").and_then(serde_json::Value::as_u64), Some(0), "{progress:?}");
        // The device starts again and completes it.
        programme.hub.upload_attachments(&sealed, 2048).await;
    })
    .await;
}
