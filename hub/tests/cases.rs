//! Handlers working cases, and workers following them up anonymously with
//! their receipt.

mod support;

use serde_json::Value;
use support::cases::{Programme, open_reply};
use support::within_time;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{Author, CaseEvent, CaseStatus, CaseSyncResponse, SubmitResponse};
use workervoice_protocol::handler::{AuditEntry, CaseSummary, SetStatusRequest};

fn case_path(case_id: &str) -> String {
    format!("/handler/v1/cases/{case_id}")
}

#[tokio::test]
async fn a_handler_opens_exactly_the_report_the_worker_sealed() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "Lương tháng này bị trừ 20% mà không có lý do.", &[]);
        let submitted: SubmitResponse = hub.submit(&sealed).await.ok();

        for account in [&programme.hotline, &programme.hotline_2] {
            let handler = hub.login(account).await;
            let list: Vec<CaseSummary> = handler.get("/handler/v1/cases").await.ok();
            assert_eq!(list.len(), 1);
            assert_eq!(list[0].case_id, sealed.case_id);
            assert_eq!(list[0].status, CaseStatus::Received);
            assert_eq!(list[0].current_route, Route::IndependentHotline);
            assert_eq!(list[0].factory_id, programme.factory.id);
            assert_eq!(list[0].received_at, submitted.received_at);
            assert_eq!(list[0].deadline_at, submitted.received_at + 120 * 3600);
            assert!(!list[0].overdue);

            let view = handler.view(&case_path(&sealed.case_id)).await;
            assert_eq!(view.content, serde_json::to_value(&sealed.content).expect("json"));
            assert!(view.replies.is_empty());
            // Case ids may be typed sloppily.
            let sloppy = sealed.case_id.to_lowercase().replace('-', "");
            handler.view(&case_path(&sloppy)).await;
        }
    })
    .await;
}

#[tokio::test]
async fn a_handler_reply_reaches_the_worker_and_opens_with_the_reply_key() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "overtime not paid", &[]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        let handler = hub.login(&programme.hotline).await;
        let text = "We will visit the factory on Monday.";
        let event: CaseEvent =
            handler.reply_at(&case_path(&sealed.case_id), text).await.ok();
        assert_eq!((event.seq, event.author), (2, Some(Author::Handler)));

        let synced: CaseSyncResponse = hub.sync_cases(&[(&sealed.case_id, &sealed.token, 1)]).await.ok();
        assert!(synced.refused.is_empty());
        assert_eq!(synced.updates.len(), 1);
        let updates = &synced.updates[0];
        assert_eq!((updates.case_id.as_str(), updates.status), (sealed.case_id.as_str(), CaseStatus::Received));
        assert_eq!(updates.events, vec![event.clone()]);
        assert_eq!(open_reply(&sealed, &updates.events[0]), text);

        // From the start, the worker also gets the `received` event.
        let all: CaseSyncResponse = hub.sync_cases(&[(&sealed.case_id, &sealed.token, 0)]).await.ok();
        assert_eq!(all.updates[0].events.len(), 2);
        assert_eq!(all.updates[0].events[0].status, Some(CaseStatus::Received));

        // Nothing new costs a few bytes.
        let response = hub
            .http
            .post(hub.url(workervoice_protocol::paths::CASES_SYNC))
            .json(&serde_json::json!({"cases": [{"case_id": sealed.case_id, "token": workervoice_protocol::b64::encode(&sealed.token), "since": 2}]}))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.text().await.expect("body"), r#"{"updates":[],"refused":[]}"#);
    })
    .await;
}

#[tokio::test]
async fn a_worker_reply_appears_in_the_handler_view_once() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "unsafe machines", &[]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        let handler = hub.login(&programme.hotline).await;
        handler.reply_at(&case_path(&sealed.case_id), "Which line?").await.ok::<CaseEvent>();

        let reply_id = uuid::Uuid::new_v4().to_string();
        let first: CaseEvent =
            hub.worker_reply(&sealed, &sealed.token, &reply_id, "Line 3, the cutting machines").await.ok();
        assert_eq!((first.seq, first.author), (3, Some(Author::Worker)));
        let again: CaseEvent =
            hub.worker_reply(&sealed, &sealed.token, &reply_id, "Line 3, the cutting machines").await.ok();
        assert_eq!(again, first, "a replayed reply id returns the original event");

        let view = handler.view(&case_path(&sealed.case_id)).await;
        let conversation: Vec<(Author, &str)> =
            view.replies.iter().map(|reply| (reply.author, reply.text.as_str())).collect();
        assert_eq!(
            conversation,
            vec![(Author::Handler, "Which line?"), (Author::Worker, "Line 3, the cutting machines")]
        );

        hub.worker_reply(&sealed, b"not the token", &uuid::Uuid::new_v4().to_string(), "x")
            .await
            .assert_error("unauthorized");
    })
    .await;
}

#[tokio::test]
async fn status_changes_appear_as_events_and_only_handler_statuses_are_accepted() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "no contract", &[]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        let handler = hub.login(&programme.hotline).await;
        let status_path = format!("{}/status", case_path(&sealed.case_id));

        let acknowledged: CaseEvent =
            handler.post(&status_path, &SetStatusRequest { status: CaseStatus::Acknowledged }).await.ok();
        assert_eq!((acknowledged.seq, acknowledged.status), (2, Some(CaseStatus::Acknowledged)));
        let again: CaseEvent =
            handler.post(&status_path, &SetStatusRequest { status: CaseStatus::Acknowledged }).await.ok();
        assert_eq!(again, acknowledged, "setting the same status again adds nothing");
        for status in [CaseStatus::Received, CaseStatus::Escalated] {
            handler.post(&status_path, &SetStatusRequest { status }).await.assert_error("bad_request");
        }
        let investigating: CaseEvent =
            handler.post(&status_path, &SetStatusRequest { status: CaseStatus::Investigating }).await.ok();

        let synced: CaseSyncResponse = hub.sync_cases(&[(&sealed.case_id, &sealed.token, 1)]).await.ok();
        assert_eq!(synced.updates[0].status, CaseStatus::Investigating);
        assert_eq!(synced.updates[0].events, vec![acknowledged, investigating]);
        let list: Vec<CaseSummary> = handler.get("/handler/v1/cases").await.ok();
        assert_eq!(list[0].status, CaseStatus::Investigating);
    })
    .await;
}

#[tokio::test]
async fn wrong_tokens_and_unknown_cases_are_refused_alike() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::IndependentHotline], "text", &[]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        let unknown = workervoice_protocol::codes::format_case_id([7; 8]);
        let synced: CaseSyncResponse = hub
            .sync_cases(&[
                (&sealed.case_id, b"wrong token".as_slice(), 0),
                (&unknown, &sealed.token, 0),
                ("not a case id", &sealed.token, 0),
                (&sealed.case_id, b"".as_slice(), 0),
            ])
            .await
            .ok();
        assert!(synced.updates.is_empty());
        assert_eq!(
            synced.refused,
            vec![sealed.case_id.clone(), unknown, "not a case id".into(), sealed.case_id.clone()]
        );
        let too_many: Vec<(&str, &[u8], u64)> =
            (0..101).map(|_| (sealed.case_id.as_str(), sealed.token.as_slice(), 0)).collect();
        hub.sync_cases(&too_many).await.assert_error("bad_request");
    })
    .await;
}

#[tokio::test]
async fn someone_who_knows_only_the_case_id_cannot_lock_the_worker_out_of_their_case() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let target = programme.seal(&[Route::IndependentHotline], "target", &[]);
        hub.submit(&target).await.ok::<SubmitResponse>();

        // A committee handler knows the case id and tries fifty wrong tokens.
        let wrong: Vec<(&str, &[u8], u64)> =
            (0..50u8).map(|_| (target.case_id.as_str(), b"guess".as_slice(), 0)).collect();
        let refused: CaseSyncResponse = hub.sync_cases(&wrong).await.ok();
        assert_eq!(refused.refused.len(), 50);
        assert!(refused.updates.is_empty());

        // The worker's own receipt still opens the case, for reading and replying.
        let synced: CaseSyncResponse = hub.sync_cases(&[(&target.case_id, &target.token, 0)]).await.ok();
        assert!(synced.refused.is_empty());
        assert_eq!(synced.updates.len(), 1);
        hub.worker_reply(&target, &target.token, "r1", "hello").await.ok::<CaseEvent>();
        // Wrong tokens are counted up to the cap only.
        assert_eq!(hub.count_rows("case_token_failures"), 10);
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_records_who_did_what_and_never_content() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let report = "AUDIT-MARKER my supervisor shouts at us";
        let sealed = programme.seal(&[Route::IndependentHotline], report, &[]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        let handler = hub.login(&programme.hotline).await;
        let path = case_path(&sealed.case_id);
        handler.view(&path).await;
        handler
            .post(&format!("{path}/status"), &SetStatusRequest { status: CaseStatus::Acknowledged })
            .await
            .ok::<CaseEvent>();
        handler.reply_at(&path, "AUDIT-REPLY thank you").await.ok::<CaseEvent>();
        hub.worker_reply(&sealed, &sealed.token, "w1", "AUDIT-WORKER ok").await.ok::<CaseEvent>();

        let reply = handler.get(&format!("{path}/audit")).await;
        let entries: Vec<AuditEntry> = reply.ok();
        let actor = format!("handler:{}", programme.hotline.id());
        let log: Vec<(&str, &str)> =
            entries.iter().map(|entry| (entry.actor.as_str(), entry.action.as_str())).collect();
        assert_eq!(
            log,
            vec![
                ("device", "received"),
                (actor.as_str(), "fetched"),
                (actor.as_str(), "status:acknowledged"),
                (actor.as_str(), "fetched"),
                (actor.as_str(), "reply"),
                ("device", "reply"),
            ]
        );
        let text = reply.body.to_string();
        for marker in ["AUDIT-MARKER", "AUDIT-REPLY", "AUDIT-WORKER", "supervisor"] {
            assert!(!text.contains(marker), "the audit log holds {marker}");
        }
    })
    .await;
}

#[tokio::test]
async fn handlers_outside_the_allowed_routes_cannot_see_or_touch_the_case() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::FactoryCommittee], "committee only", &[]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        let other_factory = hub.create_factory(false).await;
        let other_committee =
            hub.create_handler("Other committee", Route::FactoryCommittee, Some(&other_factory.id)).await;

        for account in [&programme.hotline, &programme.brand, &other_committee] {
            let handler = hub.login(account).await;
            let list: Vec<CaseSummary> = handler.get("/handler/v1/cases").await.ok();
            assert!(list.is_empty(), "{} sees the case", account.summary.name);
            let path = case_path(&sealed.case_id);
            handler.get(&path).await.assert_error("not_found");
            handler.get(&format!("{path}/audit")).await.assert_error("not_found");
            handler
                .post(&format!("{path}/status"), &SetStatusRequest { status: CaseStatus::Closed })
                .await
                .assert_error("not_found");
            handler.reply_at(&path, "hi").await.assert_error("not_found");
        }
        let committee = hub.login(&programme.committee).await;
        let list: Vec<CaseSummary> = committee.get("/handler/v1/cases").await.ok();
        assert_eq!(list.len(), 1);
        committee.get(&case_path("K7Q2M-9XD4R")).await.assert_error("not_found");
    })
    .await;
}

#[tokio::test]
async fn handler_endpoints_need_a_live_session() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let no_session = hub.http.get(hub.url("/handler/v1/cases")).send().await.expect("sent");
        assert_eq!(no_session.status().as_u16(), 401);
        let staff_token =
            hub.http.get(hub.url("/handler/v1/cases")).bearer_auth(hub.staff_token()).send().await.expect("sent");
        assert_eq!(staff_token.status().as_u16(), 401, "a staff session is not a handler session");

        let handler = hub.login(&programme.brand).await;
        handler.get("/handler/v1/cases").await.ok::<Vec<CaseSummary>>();
        handler.post("/handler/v1/logout", &Value::Null).await.ok::<Value>();
        handler.get("/handler/v1/cases").await.assert_error("unauthorized");
    })
    .await;
}

#[tokio::test]
async fn a_brand_b_handler_cannot_open_a_report_from_a_factory_that_supplies_only_brand_a() {
    within_time(async {
        // The programme's factory supplies brand A ("Brand"); another factory supplies brand B.
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let other_factory = hub.create_factory(false).await;
        let brand_b = hub.create_brand("Brand B", &[&other_factory.id]).await;
        let b_reader = hub.create_reader("Brand B reader", Route::Brand, None, Some(&brand_b), false).await;
        hub.publish_directory().await;
        let directory = hub.latest_directory(&programme.programme).await;

        // The device of the brand-A factory finds only brand A's entry, and seals to it alone.
        let entry = support::cases::route_entry(&directory, Route::Brand, &programme.factory.id);
        assert_eq!(entry.factory_ids, vec![programme.factory.id.clone()]);
        let keys: Vec<&str> = entry.recipients.iter().map(|r| r.handler_id.as_str()).collect();
        assert_eq!(keys, vec![programme.brand.summary.key_id.as_str()]);
        let sealed =
            support::cases::seal_report(&directory, &programme.factory.id, &[Route::Brand], "BRAND-A only", &[]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();

        let brand_a = hub.login(&programme.brand).await;
        assert_eq!(brand_a.case(&sealed.case_id).await.content["text"], "BRAND-A only");
        let brand_b = hub.login(&b_reader).await;
        assert!(brand_b.get("/handler/v1/cases").await.ok::<Vec<CaseSummary>>().is_empty());
        assert_eq!(brand_b.try_case(&sealed.case_id).await.err(), Some(404));
        brand_b.get(&case_path(&sealed.case_id)).await.assert_error("not_found");

        // A device that sealed to brand B as well is refused: the hub checks
        // the recipients against the entry that lists the factory.
        let mut widened = directory.clone();
        let b_key = workervoice_protocol::directory::Recipient {
            handler_id: b_reader.summary.key_id.clone(),
            public_key: b_reader.summary.public_key.clone(),
        };
        widened
            .routes
            .iter_mut()
            .find(|entry| entry.route == Route::Brand && entry.factory_ids.contains(&programme.factory.id))
            .expect("brand A's entry")
            .recipients
            .push(b_key);
        let forged = support::cases::seal_report(&widened, &programme.factory.id, &[Route::Brand], "widened", &[]);
        hub.submit(&forged).await.assert_error("unknown_recipient");
    })
    .await;
}

#[tokio::test]
async fn a_factory_supplying_two_brands_is_read_by_both_and_by_no_third() {
    within_time(async {
        // The programme's factory supplies brand A ("Brand"); it also supplies
        // brand B. Brand C is supplied by another factory only.
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let other_factory = hub.create_factory(false).await;
        let brand_b = hub.create_brand("Brand B", &[&programme.factory.id, &other_factory.id]).await;
        let brand_c = hub.create_brand("Brand C", &[&other_factory.id]).await;
        let b_reader = hub.create_reader("Brand B reader", Route::Brand, None, Some(&brand_b), false).await;
        let c_reader = hub.create_reader("Brand C reader", Route::Brand, None, Some(&brand_c), false).await;
        hub.publish_directory().await;
        let directory = hub.latest_directory(&programme.programme).await;

        let entries = support::cases::route_entries(&directory, Route::Brand, &programme.factory.id);
        assert_eq!(entries.len(), 2, "both brands' entries serve the factory");
        let sealed =
            support::cases::seal_report(&directory, &programme.factory.id, &[Route::Brand], "TWO-BRANDS report", &[]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();

        let brand_a = hub.login(&programme.brand).await;
        assert_eq!(brand_a.case(&sealed.case_id).await.content["text"], "TWO-BRANDS report");
        let brand_b = hub.login(&b_reader).await;
        assert_eq!(brand_b.case(&sealed.case_id).await.content["text"], "TWO-BRANDS report");
        let brand_c = hub.login(&c_reader).await;
        assert!(brand_c.get("/handler/v1/cases").await.ok::<Vec<CaseSummary>>().is_empty());
        assert_eq!(brand_c.try_case(&sealed.case_id).await.err(), Some(404));

        // A device that sealed to brand A alone (the first entry, as devices
        // did before) is refused: brand B would never receive.
        let first_only = {
            let mut narrowed = directory.clone();
            let b_key = &b_reader.summary.key_id;
            for entry in narrowed.routes.iter_mut() {
                entry.recipients.retain(|recipient| &recipient.handler_id != b_key);
            }
            support::cases::seal_report(&narrowed, &programme.factory.id, &[Route::Brand], "narrowed", &[])
        };
        hub.submit(&first_only).await.assert_error("unknown_recipient");
    })
    .await;
}
