//! What the console's newer pages ask of the hub: the grievance report per
//! factory and month (staff, by role and scope, small counts suppressed),
//! and escalation seen and done by hand by a reader of the case's current
//! route (the next route's readers open the case with the keys the device
//! already wrapped to them; nobody else gains anything), and the surveys an
//! analyst may read.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::cases::Programme;
use support::{TestHub, within_time};
use workervoice_hub::testing::TestValue;
use workervoice_protocol::admin::GrievanceMonth;
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::{CaseEvent, CaseStatus, SubmitResponse};
use workervoice_protocol::handler::{AnalystSurvey, AuditEntry, CaseEscalation, DeadlineKind, SetStatusRequest};
use workervoice_protocol::staff::{InvitationResponse, StaffLoginResponse};

const DAY: i64 = 86_400;
const PASSWORD: &str = "a long staff password";

/// A staff session of a role without a second factor (invited, accepted, signed in).
async fn staff_token(hub: &TestHub, body: Value, login: &str) -> String {
    let invitation: InvitationResponse = hub.admin(Method::POST, "/admin/v1/staff/invitations", Some(body)).await.ok();
    let accept = json!({"invitation_token": invitation.invitation_token, "login": login,
                        "display_name": "Staff member", "password": PASSWORD});
    hub.as_staff("", Method::POST, "/staff/v1/invitations/accept", Some(accept)).await.ok::<Value>();
    let session: StaffLoginResponse = hub
        .as_staff("", Method::POST, "/staff/v1/login", Some(json!({"login": login, "password": PASSWORD})))
        .await
        .ok();
    session.session_token
}

async fn submit(programme: &Programme, routes: &[Route], text: &str) -> String {
    let sealed = programme.seal(routes, text, &[]);
    programme.hub.submit(&sealed).await.ok::<SubmitResponse>();
    sealed.case_id
}

#[tokio::test]
async fn the_grievance_report_counts_by_month_suppresses_small_counts_and_keeps_to_the_scope() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let hotline = hub.login(&programme.hotline).await;
        let factory = programme.factory.id.clone();
        let mut this_month = Vec::new();
        for n in 0..10 {
            this_month.push(submit(&programme, &[Route::IndependentHotline], &format!("now {n}")).await);
        }
        let mut earlier = Vec::new();
        for n in 0..5 {
            earlier.push(submit(&programme, &[Route::IndependentHotline], &format!("earlier {n}")).await);
        }
        let mut small = Vec::new();
        for n in 0..2 {
            small.push(submit(&programme, &[Route::IndependentHotline], &format!("small {n}")).await);
        }
        // All ten of this month acknowledged at once, five of them resolved.
        for (n, case_id) in this_month.iter().enumerate() {
            let path = format!("/handler/v1/cases/{case_id}/status");
            hotline.post(&path, &SetStatusRequest { status: CaseStatus::Acknowledged }).await.ok::<CaseEvent>();
            if n < 5 {
                hotline.post(&path, &SetStatusRequest { status: CaseStatus::Resolved }).await.ok::<CaseEvent>();
            }
        }
        // Two earlier months (40 and 100 days back: always two other months),
        // their cases never acknowledged, so overdue.
        let back = |ids: &[String], days: i64| {
            let list = ids.iter().map(|id| format!("'{id}'")).collect::<Vec<_>>().join(",");
            format!("UPDATE cases SET received_at = received_at - {} WHERE case_id IN ({list});", days * DAY)
        };
        hub.sql(&(back(&earlier, 40) + &back(&small, 100)));

        let path = format!("/admin/v1/factories/{factory}/grievance-report");
        let months: Vec<GrievanceMonth> = hub.admin(Method::GET, &path, None).await.ok();
        assert_eq!(months.len(), 3, "{months:?}");
        assert!(months.windows(2).all(|pair| pair[0].month > pair[1].month), "newest first: {months:?}");
        let now = &months[0];
        assert_eq!(
            (now.received, now.acknowledged_in_time, now.overdue, now.resolved),
            (Some(10), Some(10), Some(0), Some(5)),
            "{now:?}"
        );
        let before = &months[1];
        assert_eq!(
            (before.received, before.acknowledged_in_time, before.overdue, before.resolved),
            (Some(5), Some(0), Some(5), Some(0)),
            "{before:?}"
        );
        let two = &months[2];
        assert_eq!(
            (two.received, two.acknowledged_in_time, two.overdue, two.resolved),
            (None, None, None, None),
            "two cases are fewer than five: {two:?}"
        );
        // Acknowledging 9 of this month's 10 in time would say 1 was not: left out.
        hub.sql(&format!(
            "UPDATE case_events SET at = at + {} WHERE case_id = '{}' AND status = 'acknowledged';",
            30 * DAY,
            this_month[9]
        ));
        let months: Vec<GrievanceMonth> = hub.admin(Method::GET, &path, None).await.ok();
        assert_eq!((months[0].received, months[0].acknowledged_in_time), (Some(10), None));

        // Scope: the factory's own admin and an auditor read it; another
        // factory's admin and brand staff of a brand it does not supply are refused.
        let other = hub.create_factory(false).await;
        let own_admin = staff_token(hub, json!({"role": "factory_admin", "factory_ids": [factory]}), "own-admin").await;
        let other_admin =
            staff_token(hub, json!({"role": "factory_admin", "factory_ids": [other.id]}), "other-admin").await;
        let auditor = staff_token(hub, json!({"role": "auditor"}), "auditor").await;
        let brand_id = hub.create_brand("Unrelated brand", &[&other.id]).await;
        let brand_staff =
            staff_token(hub, json!({"role": "brand_staff", "brand_id": brand_id}), "unrelated-brand").await;
        for (token, status) in [(&own_admin, 200), (&auditor, 200), (&other_admin, 403), (&brand_staff, 403)] {
            let reply = hub.as_staff(token, Method::GET, &path, None).await;
            assert_eq!(reply.status, status, "{:?}", reply.body);
        }
        let other_path = format!("/admin/v1/factories/{}/grievance-report", other.id);
        let empty: Vec<GrievanceMonth> = hub.as_staff(&other_admin, Method::GET, &other_path, None).await.ok();
        assert!(empty.is_empty());
        // A reader's session is not a staff session.
        let refused = hotline.get(&path).await;
        assert_eq!(refused.status, 401);
        hub.admin(Method::GET, "/admin/v1/factories/no-such-factory/grievance-report", None)
            .await
            .assert_error("not_found");
    })
    .await;
}

#[tokio::test]
async fn a_reader_of_the_current_route_hands_a_case_to_the_next_allowed_route_and_no_further() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let committee = hub.login(&programme.committee).await;
        let hotline = hub.login(&programme.hotline).await;
        let both = [Route::FactoryCommittee, Route::IndependentHotline];
        let case_id = submit(&programme, &both, "the supervisor is on the committee").await;

        let standing: CaseEscalation = committee.get(&format!("/handler/v1/cases/{case_id}/escalation")).await.ok();
        assert_eq!(standing.routes, both);
        assert_eq!(
            (standing.current_route, standing.next_route),
            (Route::FactoryCommittee, Some(Route::IndependentHotline))
        );
        assert!(standing.can_escalate && standing.current);
        assert!(standing.overdue_deadlines.is_empty());
        assert_eq!(hotline.try_case(&case_id).await.err(), Some(404), "not the hotline's yet");
        hotline.post(&format!("/handler/v1/cases/{case_id}/escalate"), &json!({})).await.assert_error("not_found");

        let moved: CaseEscalation =
            committee.post(&format!("/handler/v1/cases/{case_id}/escalate"), &json!({})).await.ok();
        assert_eq!((moved.current_route, moved.next_route), (Route::IndependentHotline, None));
        assert!(!moved.can_escalate && !moved.current, "the committee no longer holds it");

        // The hotline opens it with the key the device wrapped to it.
        let opened = hotline.case(&case_id).await;
        assert_eq!(opened.summary.status, CaseStatus::Escalated);
        assert_eq!(opened.summary.current_route, Route::IndependentHotline);
        assert_eq!(opened.content["text"], "the supervisor is on the committee");
        let theirs: CaseEscalation = hotline.get(&format!("/handler/v1/cases/{case_id}/escalation")).await.ok();
        assert!(!theirs.can_escalate && theirs.current, "the last allowed route holds it");

        // The audit log names who escalated, and the worker's thread shows it.
        let audit: Vec<AuditEntry> = hotline.get(&format!("/handler/v1/cases/{case_id}/audit")).await.ok();
        let escalated: Vec<_> = audit.iter().filter(|entry| entry.action.starts_with("escalated:")).collect();
        assert_eq!(escalated.len(), 1);
        assert_eq!(escalated[0].action, "escalated:independent_hotline");
        assert_eq!(escalated[0].actor, format!("handler:{}", programme.committee.id()));

        // No further than the last route; not again from the earlier one.
        hotline.post(&format!("/handler/v1/cases/{case_id}/escalate"), &json!({})).await.assert_error("bad_request");
        committee.post(&format!("/handler/v1/cases/{case_id}/escalate"), &json!({})).await.assert_error("unauthorized");

        // A resolved case stays where it is.
        let resolved = submit(&programme, &both, "settled").await;
        committee
            .post(&format!("/handler/v1/cases/{resolved}/status"), &SetStatusRequest { status: CaseStatus::Resolved })
            .await
            .ok::<CaseEvent>();
        committee.post(&format!("/handler/v1/cases/{resolved}/escalate"), &json!({})).await.assert_error("bad_request");

        // What is overdue, by the route's deadlines, once days have passed.
        let late = submit(&programme, &[Route::IndependentHotline], "waiting").await;
        hub.hub.set_calendar_offset(10 * DAY);
        let late: CaseEscalation = hotline.get(&format!("/handler/v1/cases/{late}/escalation")).await.ok();
        assert_eq!(late.overdue_deadlines, [DeadlineKind::Acknowledge]);
    })
    .await;
}

#[tokio::test]
async fn an_analyst_lists_the_surveys_sealed_to_them_with_the_responses_they_can_open() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let factory = programme.factory.id.clone();
        let analyst = hub.create_reader("Analyst", Route::IndependentHotline, None, None, true).await;
        // A survey published to this factory, sealed to the analyst (the hub names them at publication).
        let pack = json!({
            "kind": "survey", "id": "check-in", "languages": ["en", "vi"],
            "titles": {"en": "Check-in", "vi": "Hỏi thăm"},
            "document": {
                "languages": ["en", "vi"],
                "title": {"en": "Check-in", "vi": "Hỏi thăm"},
                "questions": [{"id": "safe", "type": "yes_no", "required": true,
                               "label": {"en": "Do you feel safe?", "vi": "Bạn có thấy an toàn không?"}}]
            }
        });
        let folder = hub.dir.path().join("survey-source");
        std::fs::create_dir_all(&folder).expect("folder");
        std::fs::write(folder.join("pack.json"), serde_json::to_vec(&pack).expect("json")).expect("pack written");
        let assignment = workervoice_hub::PackAssignment::Factories(vec![factory.clone()]);
        hub.publish_pack(&folder, &assignment).expect("published");
        hub.sign_pending().await;
        // Two responses sealed to the analyst and one to someone else (rows as
        // the hub stores them; parameters, so that both backends take them).
        let database = hub.database();
        for (index, (id, key_id)) in
            [("r1", analyst.summary.key_id.as_str()), ("r2", analyst.summary.key_id.as_str()), ("r3", "someone-else")]
                .into_iter()
                .enumerate()
        {
            let recipients = format!(r#"[{{"handler_id":"{key_id}","enc":"AAAA","wrapped_key":"AAAA"}}]"#);
            database
                .execute(
                    "INSERT INTO survey_responses (response_id, survey_id, version, factory_id, token_input, \
                     recipients, sealed, received_day) VALUES (?1, 'check-in', 1, ?2, ?3, ?4, ?5, 20000)",
                    &[
                        TestValue::Text(id.to_owned()),
                        TestValue::Text(factory.clone()),
                        TestValue::Blob(vec![u8::try_from(index).expect("small"); 32]),
                        TestValue::Blob(recipients.into_bytes()),
                        TestValue::Blob(vec![0]),
                    ],
                )
                .expect("a response row");
        }

        let client = hub.login(&analyst).await;
        let surveys: Vec<AnalystSurvey> = client.get("/handler/v1/surveys").await.ok();
        assert_eq!(surveys.len(), 1, "{surveys:?}");
        let survey = &surveys[0];
        assert_eq!((survey.survey_id.as_str(), survey.version, survey.versions.as_slice()), ("check-in", 1, &[1][..]));
        assert_eq!(survey.title.get("vi").map(String::as_str), Some("Hỏi thăm"));
        assert_eq!((survey.all_factories, survey.factory_ids.clone()), (false, vec![factory.clone()]));
        assert_eq!(survey.responses, 2, "only the responses sealed to this analyst");

        // An analyst who joined after publication is named in no survey and has no response.
        let later = hub.create_reader("Later analyst", Route::IndependentHotline, None, None, true).await;
        let none: Vec<AnalystSurvey> = hub.login(&later).await.get("/handler/v1/surveys").await.ok();
        assert!(none.is_empty(), "{none:?}");
        // A case reader is not an analyst.
        hub.login(&programme.hotline).await.get("/handler/v1/surveys").await.assert_error("unauthorized");
    })
    .await;
}
