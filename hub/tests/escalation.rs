//! Escalation: a case nobody acknowledged by its deadline moves to the next
//! route the worker allowed, and only there.

mod support;

use support::cases::Programme;
use support::within_time;
use workervoice_hub::EscalationReport;
use workervoice_hub::testing::TestValue;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{CaseEvent, CaseStatus, CaseSyncResponse, SubmitResponse};
use workervoice_protocol::handler::{AuditEntry, CaseSummary, SetStatusRequest};

const HOUR: i64 = 3600;

#[tokio::test]
async fn an_unacknowledged_case_escalates_to_the_next_allowed_route_only() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::FactoryCommittee, Route::IndependentHotline], "wages withheld", &[]);
        let submitted: SubmitResponse = hub.submit(&sealed).await.ok();
        let received = submitted.received_at;
        let path = format!("/handler/v1/cases/{}", sealed.case_id);

        let committee = hub.login(&programme.committee).await;
        let hotline = hub.login(&programme.hotline).await;
        let brand = hub.login(&programme.brand).await;
        assert_eq!(committee.get("/handler/v1/cases").await.ok::<Vec<CaseSummary>>().len(), 1);
        hotline.get(&path).await.assert_error("not_found");

        let early = hub.hub.escalate_due(received + 71 * HOUR).await.expect("pass");
        assert_eq!(early, EscalationReport::default(), "the committee has 72 hours");
        let due = hub.hub.escalate_due(received + 73 * HOUR).await.expect("pass");
        assert_eq!(due, EscalationReport { escalated: 1, exhausted: 0 });

        let listed: Vec<CaseSummary> = hotline.get("/handler/v1/cases").await.ok();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].current_route, listed[0].status), (Route::IndependentHotline, CaseStatus::Escalated));
        assert_eq!(listed[0].deadline_at, received + 73 * HOUR + 120 * HOUR);
        let view = hotline.view(&path).await;
        assert_eq!(view.content["text"], "wages withheld");

        // The committee no longer lists it, may still read it, but may not act on it.
        assert!(committee.get("/handler/v1/cases").await.ok::<Vec<CaseSummary>>().is_empty());
        committee.view(&path).await;

        // Escalation hands over: what is said from now on is the hotline's alone.
        hotline.reply_at(&path, "HOTLINE-AFTER we are looking into it").await.ok::<CaseEvent>();
        hub.worker_reply(&sealed, &sealed.token, "after-1", "WORKER-AFTER thank you").await.ok::<CaseEvent>();
        assert_eq!(hotline.view(&path).await.replies.len(), 2);
        let earlier = committee.session.sealed_case(&sealed.case_id).await.expect("served");
        let seqs: Vec<u64> = earlier.events.iter().map(|event| event.seq).collect();
        assert_eq!(seqs, vec![1, 2], "received and escalated, nothing after the hand-over");
        assert!(committee.view(&path).await.replies.is_empty());
        committee
            .post(&format!("{path}/status"), &SetStatusRequest { status: CaseStatus::Acknowledged })
            .await
            .assert_error("unauthorized");
        committee.reply_at(&path, "late").await.assert_error("unauthorized");

        // The worker did not allow the brand: it never sees the case.
        assert!(brand.get("/handler/v1/cases").await.ok::<Vec<CaseSummary>>().is_empty());
        brand.get(&path).await.assert_error("not_found");

        let synced: CaseSyncResponse = hub.sync_cases(&[(&sealed.case_id, &sealed.token, 1)]).await.ok();
        assert_eq!(synced.updates[0].status, CaseStatus::Escalated);
        assert_eq!(synced.updates[0].events[0].status, Some(CaseStatus::Escalated));

        // Overdue on the last allowed route: it stays, flagged.
        let last = hub.hub.escalate_due(received + 73 * HOUR + 121 * HOUR).await.expect("pass");
        assert_eq!(last, EscalationReport { escalated: 0, exhausted: 1 });
        let again = hub.hub.escalate_due(received + 1000 * HOUR).await.expect("pass");
        assert_eq!(again, EscalationReport::default(), "a flagged case is not looked at again");
        let listed: Vec<CaseSummary> = hotline.get("/handler/v1/cases").await.ok();
        assert_eq!(listed[0].current_route, Route::IndependentHotline);
        assert!(listed[0].overdue);
        brand.get(&path).await.assert_error("not_found");

        let audit: Vec<AuditEntry> = hotline.get(&format!("{path}/audit")).await.ok();
        let actions: Vec<(&str, &str)> =
            audit.iter().map(|entry| (entry.actor.as_str(), entry.action.as_str())).collect();
        assert!(actions.contains(&("hub", "escalated:independent_hotline")), "{actions:?}");
        assert!(actions.contains(&("hub", "escalation_exhausted")), "{actions:?}");

        // Acknowledging clears the flag.
        hotline
            .post(&format!("{path}/status"), &SetStatusRequest { status: CaseStatus::Acknowledged })
            .await
            .ok::<CaseEvent>();
        let listed: Vec<CaseSummary> = hotline.get("/handler/v1/cases").await.ok();
        assert!(!listed[0].overdue);
    })
    .await;
}

#[tokio::test]
async fn an_acknowledged_case_does_not_escalate() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::FactoryCommittee, Route::Brand], "no breaks", &[]);
        let submitted: SubmitResponse = hub.submit(&sealed).await.ok();
        let committee = hub.login(&programme.committee).await;
        committee
            .post(
                &format!("/handler/v1/cases/{}/status", sealed.case_id),
                &SetStatusRequest { status: CaseStatus::Acknowledged },
            )
            .await
            .ok::<CaseEvent>();
        let report = hub.hub.escalate_due(submitted.received_at + 1000 * HOUR).await.expect("pass");
        assert_eq!(report, EscalationReport::default());
        let brand = hub.login(&programme.brand).await;
        assert!(brand.get("/handler/v1/cases").await.ok::<Vec<CaseSummary>>().is_empty());
    })
    .await;
}

#[tokio::test]
async fn an_escalated_case_escalates_again_when_the_next_route_misses_its_deadline_too() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let routes = [Route::FactoryCommittee, Route::IndependentHotline, Route::Brand];
        let sealed = programme.seal(&routes, "threatened after complaining", &[]);
        let submitted: SubmitResponse = hub.submit(&sealed).await.ok();
        let first = submitted.received_at + 73 * HOUR;
        hub.hub.escalate_due(first).await.expect("pass");
        let second = hub.hub.escalate_due(first + 121 * HOUR).await.expect("pass");
        assert_eq!(second.escalated, 1);
        let brand = hub.login(&programme.brand).await;
        let listed: Vec<CaseSummary> = brand.get("/handler/v1/cases").await.ok();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].deadline_at, first + 121 * HOUR + 168 * HOUR);
        let view = brand.view(&format!("/handler/v1/cases/{}", sealed.case_id)).await;
        assert_eq!(view.content["text"], "threatened after complaining");
    })
    .await;
}

#[tokio::test]
async fn the_hub_escalates_overdue_cases_by_itself_every_interval() {
    within_time(async {
        let hub =
            support::TestHub::start_with(|config| config.escalation_interval = std::time::Duration::from_secs(1)).await;
        let programme = Programme::on(hub).await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::FactoryCommittee, Route::IndependentHotline], "overdue", &[]);
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        hub.sql("UPDATE cases SET deadline_at = deadline_at - 73 * 3600");
        let hotline = hub.login(&programme.hotline).await;
        let mut listed: Vec<CaseSummary> = Vec::new();
        for _ in 0..50 {
            listed = hotline.get("/handler/v1/cases").await.ok();
            if !listed.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(listed.len(), 1, "the background pass moved the case to the hotline");
        assert_eq!(listed[0].status, CaseStatus::Escalated);
    })
    .await;
}

#[tokio::test]
async fn a_pass_another_hub_process_is_running_skips_its_round_here() {
    if !workervoice_hub::testing::on_postgres() {
        eprintln!("skipped on SQLite: one hub process per data directory (runs on PostgreSQL)");
        return;
    }
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let sealed = programme.seal(&[Route::FactoryCommittee, Route::IndependentHotline], "overtime unpaid", &[]);
        let submitted: SubmitResponse = hub.submit(&sealed).await.ok();
        let overdue = submitted.received_at + 73 * HOUR;
        let hotline = hub.login(&programme.hotline).await;

        // Another process's pass holds the job's lock (as a lock of its own
        // connection, which the pass's transaction-scoped try sees alike).
        let other = hub.database();
        let lock = [TestValue::from(workervoice_hub::testing::ESCALATION_JOB_LOCK)];
        assert_eq!(other.integer("SELECT pg_try_advisory_lock(?1)::int::bigint", &lock), 1);
        let skipped = hub.hub.escalate_due(overdue).await.expect("pass");
        assert_eq!(skipped, EscalationReport::default(), "the round is the other process's");
        assert!(hotline.get("/handler/v1/cases").await.ok::<Vec<CaseSummary>>().is_empty(), "not moved");

        // Once the other pass is over, the case moves here, and only once.
        assert_eq!(other.integer("SELECT pg_advisory_unlock(?1)::int::bigint", &lock), 1);
        let moved = hub.hub.escalate_due(overdue).await.expect("pass");
        assert_eq!(moved, EscalationReport { escalated: 1, exhausted: 0 });
        let again = hub.hub.escalate_due(overdue).await.expect("pass");
        assert_eq!(again, EscalationReport::default(), "a case escalates once per missed deadline");
        let listed: Vec<CaseSummary> = hotline.get("/handler/v1/cases").await.ok();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].status, CaseStatus::Escalated);
    })
    .await;
}
