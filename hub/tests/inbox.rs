//! A reader's inbox over HTTP (ADR 0020): filters, sorting and paging on
//! the hub; the route's deadlines (set by a programme admin, audited) and
//! what is overdue once the hub's clock has moved; assignment to a
//! colleague on the route only; "new since last visit".

mod support;

use reqwest::Method;
use support::cases::{HandlerClient, Programme};
use support::within_time;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{CaseEvent, CaseStatus, SubmitResponse};
use workervoice_protocol::handler::{
    AuditEntry, Colleague, DeadlineKind, INBOX_TOTAL_HEADER, InboxCase, RouteDeadlines, SetStatusRequest, VisitResponse,
};
use workervoice_protocol::staff::StaffAuditEntry;

const DAY: i64 = 86_400;

/// `GET /handler/v1/cases?{query}`: the status, the page and the total header.
async fn inbox(client: &HandlerClient, query: &str) -> (u16, Vec<InboxCase>, Option<usize>) {
    let response = client
        .http
        .get(format!("{}/handler/v1/cases?{query}", client.base_url))
        .bearer_auth(&client.token)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    let total = response
        .headers()
        .get(INBOX_TOTAL_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok());
    let cases = if status == 200 { response.json().await.expect("an array of cases") } else { Vec::new() };
    (status, cases, total)
}

fn ids(cases: &[InboxCase]) -> Vec<String> {
    cases.iter().map(|case| case.summary.case_id.clone()).collect()
}

async fn submit_to_hotline(programme: &Programme, text: &str) -> String {
    let sealed = programme.seal(&[Route::IndependentHotline], text, &[]);
    programme.hub.submit(&sealed).await.ok::<SubmitResponse>();
    sealed.case_id
}

async fn set_status(client: &HandlerClient, case_id: &str, status: CaseStatus) {
    client.post(&format!("/handler/v1/cases/{case_id}/status"), &SetStatusRequest { status }).await.ok::<CaseEvent>();
}

#[tokio::test]
async fn the_inbox_filters_sorts_and_pages_on_the_hub_within_bounds() {
    within_time(async {
        let programme = Programme::start().await;
        let hotline = programme.hub.login(&programme.hotline).await;
        let mut cases = Vec::new();
        for n in 0..5 {
            cases.push(submit_to_hotline(&programme, &format!("report {n}")).await);
        }
        set_status(&hotline, &cases[1], CaseStatus::Acknowledged).await;
        set_status(&hotline, &cases[2], CaseStatus::Closed).await;

        // Paging: two at a time, the total in a header, pages that do not overlap.
        let mut seen = Vec::new();
        for page in 1..=3 {
            let (status, listed, total) = inbox(&hotline, &format!("limit=2&page={page}")).await;
            assert_eq!((status, total), (200, Some(5)));
            assert_eq!(listed.len(), if page == 3 { 1 } else { 2 });
            seen.extend(ids(&listed));
        }
        let mut expected = cases.clone();
        expected.sort();
        let mut sorted_seen = seen.clone();
        sorted_seen.sort();
        assert_eq!(sorted_seen, expected, "every case once across the pages");
        let (_, past_the_end, total) = inbox(&hotline, "limit=2&page=4").await;
        assert!(past_the_end.is_empty());
        assert_eq!(total, Some(5));

        // Sorted by the next deadline: the closed case has none and comes last.
        let (_, by_deadline, _) = inbox(&hotline, "sort=deadline").await;
        assert_eq!(by_deadline.last().map(|case| case.summary.case_id.clone()), Some(cases[2].clone()));
        let deadlines: Vec<_> = by_deadline.iter().filter_map(|case| case.next_deadline_at).collect();
        assert!(deadlines.windows(2).all(|pair| pair[0] <= pair[1]), "{deadlines:?}");

        // Status, factory and route filters.
        let (_, received, total) = inbox(&hotline, "status=received").await;
        assert_eq!((received.len(), total), (3, Some(3)));
        assert!(received.iter().all(|case| case.summary.status == CaseStatus::Received));
        let (_, two, _) = inbox(&hotline, "status=acknowledged,closed").await;
        let mut two = ids(&two);
        two.sort();
        let mut wanted = vec![cases[1].clone(), cases[2].clone()];
        wanted.sort();
        assert_eq!(two, wanted);
        let (_, own_factory, _) = inbox(&hotline, &format!("factory={}", programme.factory.id)).await;
        assert_eq!(own_factory.len(), 5);
        let (_, other_factory, total) = inbox(&hotline, "factory=some-other-factory").await;
        assert!(other_factory.is_empty());
        assert_eq!(total, Some(0));
        let (_, on_brand, _) = inbox(&hotline, "route=brand").await;
        assert!(on_brand.is_empty(), "nothing was handed over to the brand");

        // A client that reads only the old summary still reads the list.
        let old: Vec<workervoice_protocol::handler::CaseSummary> = hotline.get("/handler/v1/cases").await.ok();
        assert_eq!(old.len(), 5);

        // Bounds: a page size of 0 or over 200, page 0, an unknown filter
        // (the category is sealed: the hub cannot filter by it) are refused.
        for bad in ["limit=0", "limit=201", "page=0", "category=wages", "status=lost", "overdue=maybe"] {
            let (status, _, _) = inbox(&hotline, bad).await;
            assert_eq!(status, 400, "{bad}");
        }
        let (status, listed, _) = inbox(&hotline, "limit=200").await;
        assert_eq!((status, listed.len()), (200, 5));

        // A committee reader of the same factory sees none of the hotline's cases.
        let committee = programme.hub.login(&programme.committee).await;
        let (_, theirs, total) = inbox(&committee, "route=all").await;
        assert!(theirs.is_empty());
        assert_eq!(total, Some(0));
    })
    .await;
}

#[tokio::test]
async fn deadlines_set_by_a_programme_admin_make_cases_overdue_as_the_clock_moves_and_are_audited() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let hotline = hub.login(&programme.hotline).await;

        // The programme's defaults: the EU directive's 7 days and 3 months.
        let defaults: Vec<RouteDeadlines> = hub.admin(Method::GET, "/admin/v1/deadlines", None).await.ok();
        assert_eq!(defaults.len(), 3);
        assert!(defaults.iter().all(|route| route.acknowledge_days == 7
            && route.respond_days == 90
            && route.resolve_days.is_none()
            && route.default));

        // Out of order (resolve before acknowledge) is refused; a route that does not exist is not found.
        let body = |ack: u32, respond: u32, resolve: u32| {
            Some(serde_json::json!({ "acknowledge_days": ack, "respond_days": respond, "resolve_days": resolve }))
        };
        hub.admin(Method::POST, "/admin/v1/deadlines/independent_hotline", body(5, 3, 2))
            .await
            .assert_error("bad_request");
        hub.admin(Method::POST, "/admin/v1/deadlines/nowhere", body(2, 3, 5)).await.assert_error("not_found");
        let set: RouteDeadlines =
            hub.admin(Method::POST, "/admin/v1/deadlines/independent_hotline", body(2, 3, 5)).await.ok();
        assert_eq!((set.acknowledge_days, set.respond_days, set.resolve_days, set.default), (2, 3, Some(5), false));
        let audit: Vec<StaffAuditEntry> = hub.admin(Method::GET, "/admin/v1/audit", None).await.ok();
        let row = audit.iter().find(|row| row.action.starts_with("deadlines_set")).expect("an audit row");
        assert_eq!((row.action.as_str(), row.object_kind.as_str()), ("deadlines_set:2,3,5", "route"));
        assert_eq!(row.object_id, "independent_hotline");
        assert!(row.actor.starts_with("staff:"), "{}", row.actor);

        let acknowledged = submit_to_hotline(&programme, "acknowledged, then answered").await;
        let ignored = submit_to_hotline(&programme, "nobody looks at this one").await;
        let (_, fresh, _) = inbox(&hotline, "").await;
        assert!(fresh.iter().all(|case| case.overdue_deadlines.is_empty() && !case.summary.overdue));
        let case = &fresh[0];
        let day = case.summary.received_at - case.summary.received_at.rem_euclid(DAY);
        assert_eq!(
            (case.acknowledge_by, case.respond_by, case.resolve_by),
            (day + 3 * DAY, day + 4 * DAY, Some(day + 6 * DAY)),
            "each ends with its n-th day after the day of receipt"
        );
        let (_, overdue, _) = inbox(&hotline, "overdue=true").await;
        assert!(overdue.is_empty());

        set_status(&hotline, &acknowledged, CaseStatus::Acknowledged).await;
        // Three days on: the ignored case missed its acknowledgement.
        hub.hub.set_calendar_offset(3 * DAY);
        let (_, overdue, _) = inbox(&hotline, "overdue=true").await;
        assert_eq!(ids(&overdue), [ignored.as_str()]);
        assert_eq!(overdue[0].overdue_deadlines, [DeadlineKind::Acknowledge]);

        // Four days on: the acknowledged one owes the worker a reply; a reply clears it.
        hub.hub.set_calendar_offset(4 * DAY);
        let (_, overdue, _) = inbox(&hotline, "overdue=true&status=acknowledged").await;
        assert_eq!(overdue[0].overdue_deadlines, [DeadlineKind::Respond]);
        hotline.reply(&acknowledged, "we are on it").await.expect("the reply is stored");
        let (_, overdue, _) = inbox(&hotline, "overdue=true&status=acknowledged").await;
        assert!(overdue.is_empty(), "answered in time is no longer owed");

        // Six days on: both missed the resolution; resolving ends every deadline.
        hub.hub.set_calendar_offset(6 * DAY);
        let (_, all, _) = inbox(&hotline, "overdue=true").await;
        let answered = all.iter().find(|case| case.summary.case_id == acknowledged).expect("listed");
        assert_eq!(answered.overdue_deadlines, [DeadlineKind::Resolve]);
        let forgotten = all.iter().find(|case| case.summary.case_id == ignored).expect("listed");
        assert_eq!(
            forgotten.overdue_deadlines,
            [DeadlineKind::Acknowledge, DeadlineKind::Respond, DeadlineKind::Resolve]
        );
        set_status(&hotline, &acknowledged, CaseStatus::Resolved).await;
        let (_, overdue, _) = inbox(&hotline, "overdue=true").await;
        assert_eq!(ids(&overdue), [ignored]);
    })
    .await;
}

#[tokio::test]
async fn a_case_is_assigned_only_to_a_reader_of_its_route_and_the_assignee_finds_it_as_theirs() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let hotline = hub.login(&programme.hotline).await;
        let colleague = hub.login(&programme.hotline_2).await;
        let case_id = submit_to_hotline(&programme, "assign me").await;
        let path = format!("/handler/v1/cases/{case_id}/assignment");

        let colleagues: Vec<Colleague> = hotline.get("/handler/v1/colleagues").await.ok();
        let mut names: Vec<&str> = colleagues.iter().map(|colleague| colleague.name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["Hotline", "Hotline two"], "the route's readers, nobody else's");

        // Readers of other routes, or no reader at all, are refused and nothing is recorded.
        for key_id in [&programme.committee.summary.key_id, &programme.brand.summary.key_id, &"0".repeat(32)] {
            hotline.post(&path, &serde_json::json!({ "assignee_key_id": key_id })).await.assert_error("bad_request");
        }
        assert_eq!(hub.count_rows("case_assignments"), 0);
        // A reader of another route cannot assign it either: to them it does not exist.
        let committee = hub.login(&programme.committee).await;
        committee
            .post(&path, &serde_json::json!({ "assignee_key_id": programme.committee.summary.key_id }))
            .await
            .assert_error("not_found");

        let assigned: serde_json::Value = hotline
            .post(&path, &serde_json::json!({ "assignee_key_id": programme.hotline_2.summary.key_id }))
            .await
            .ok();
        assert_eq!(assigned["assignee_key_id"], programme.hotline_2.summary.key_id.as_str());

        let (_, mine, _) = inbox(&colleague, "assigned=me").await;
        assert_eq!(ids(&mine), [case_id.as_str()]);
        assert!(mine[0].assigned_to_me);
        let (_, not_mine, _) = inbox(&hotline, "assigned=me").await;
        assert!(not_mine.is_empty());
        let (_, unassigned, _) = inbox(&hotline, "assigned=none").await;
        assert!(unassigned.is_empty());
        let (_, everything, _) = inbox(&hotline, "").await;
        assert_eq!(everything[0].assignee_key_id.as_deref(), Some(programme.hotline_2.summary.key_id.as_str()));

        // Cleared: nobody's.
        hotline.post(&path, &serde_json::json!({ "assignee_key_id": null })).await.ok::<serde_json::Value>();
        let (_, unassigned, _) = inbox(&hotline, "assigned=none").await;
        assert_eq!(ids(&unassigned), [case_id.as_str()]);

        let audit: Vec<AuditEntry> = hotline.get(&format!("/handler/v1/cases/{case_id}/audit")).await.ok();
        let actions: Vec<&str> = audit.iter().map(|entry| entry.action.as_str()).collect();
        let assigned_to = format!("assigned:handler:{}", programme.hotline_2.id());
        assert!(actions.contains(&assigned_to.as_str()), "{actions:?}");
        assert!(actions.contains(&"unassigned"), "{actions:?}");
        let by = format!("handler:{}", programme.hotline.id());
        assert!(audit.iter().filter(|entry| entry.action.contains("assigned")).all(|entry| entry.actor == by));
    })
    .await;
}

#[tokio::test]
async fn new_since_last_visit_compares_with_the_visit_before_kept_to_the_hour() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let hotline = hub.login(&programme.hotline).await;
        let old = submit_to_hotline(&programme, "from before").await;

        let first: VisitResponse = hotline.post("/handler/v1/visits", &serde_json::json!({})).await.ok();
        assert_eq!(first.previous_visit_at, None, "a first visit");
        let (_, new, _) = inbox(&hotline, "new=true").await;
        assert_eq!(ids(&new), [old.as_str()], "never visited before: everything is new");

        // The old report came in a day before the visit (moved in the file).
        hub.sql(&format!("UPDATE cases SET received_at = received_at - 86400 WHERE case_id = '{old}'"));
        hub.hub.set_calendar_offset(2 * 3600);
        let second: VisitResponse = hotline.post("/handler/v1/visits", &serde_json::json!({})).await.ok();
        let previous = second.previous_visit_at.expect("the visit before");
        assert_eq!(previous % 3600, 0, "kept to the hour");
        let again: VisitResponse = hotline.post("/handler/v1/visits", &serde_json::json!({})).await.ok();
        assert_eq!(again.previous_visit_at, Some(previous), "a second visit in the same hour changes nothing");

        let fresh = submit_to_hotline(&programme, "after the visit").await;
        let (_, new, total) = inbox(&hotline, "new=true").await;
        assert_eq!(ids(&new), [fresh.as_str()]);
        assert_eq!(total, Some(1));
        let (_, all, _) = inbox(&hotline, "").await;
        assert!(all.iter().any(|case| case.summary.case_id == old && !case.new_since_last_visit));

        // One row per reader, two hours in it: not a log of visits.
        assert_eq!(hub.count_rows("reader_visits"), 1);
    })
    .await;
}
