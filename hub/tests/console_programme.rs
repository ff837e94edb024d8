//! What the console's programme pages read of the hub: the published packs
//! (`GET /admin/v1/content`: versions, signatures checked again, assignment,
//! within each role's scope), a survey's schedule as set
//! (`GET /admin/v1/surveys/{id}/schedule`) and the recorded events
//! (`GET /admin/v1/events`: counted workers, never named).

mod support;

use std::path::Path;
use workervoice_hub::testing::TestValue;

use reqwest::Method;
use serde_json::{Value, json};
use support::TestHub;
use support::cases::Programme;
use support::within_time;
use workervoice_protocol::content::ContentKind;
use workervoice_protocol::directory::Route;
use workervoice_protocol::staff::{InvitationResponse, StaffLoginResponse};
use workervoice_protocol::staff_lists::{EventSummary, PublishedItem, SignatureState, SurveyScheduleView};

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

fn write_pack(folder: &Path, pack: &Value) {
    std::fs::create_dir_all(folder.join("media")).expect("folder");
    std::fs::write(folder.join("media/exit.png"), [1u8; 300]).expect("media");
    std::fs::write(folder.join("pack.json"), serde_json::to_vec(pack).expect("json")).expect("pack written");
}

fn module(id: &str, title: &str) -> Value {
    json!({
        "kind": "training_module", "id": id, "languages": ["en"], "titles": {"en": title},
        "document": {
            "lessons": [{"id": "l1", "title": {"en": "Exits"}, "text": {"en": "Know your exits."},
                         "media": ["file:media/exit.png"]}],
            "quiz": {"pass_mark_percent": 80, "questions": []}
        }
    })
}

fn survey(id: &str) -> Value {
    json!({
        "kind": "survey", "id": id, "languages": ["en"], "titles": {"en": "Check-in"},
        "document": {
            "languages": ["en"], "title": {"en": "Check-in"},
            "questions": [{"id": "safe", "type": "yes_no", "required": true, "label": {"en": "Do you feel safe?"}}]
        }
    })
}

async fn content(hub: &TestHub, token: &str) -> Vec<PublishedItem> {
    hub.as_staff(token, Method::GET, "/admin/v1/content", None).await.ok()
}

fn ids(items: &[PublishedItem]) -> Vec<&str> {
    items.iter().map(|item| item.id.as_str()).collect()
}

#[tokio::test]
async fn published_packs_are_listed_with_versions_checked_signatures_and_assignment_within_each_scope() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let factory = programme.factory.id.clone();
        let other = hub.create_factory(false).await.id;
        hub.create_reader("Analyst", Route::IndependentHotline, None, None, true).await;
        let source = hub.dir.path().join("packs");
        // A module to every factory, in two versions.
        write_pack(&source.join("rights"), &module("rights", "Rights"));
        hub.publish_and_sign(&source.join("rights"), &workervoice_hub::PackAssignment::AllFactories).await;
        write_pack(&source.join("rights"), &module("rights", "Your rights"));
        hub.publish_and_sign(&source.join("rights"), &workervoice_hub::PackAssignment::AllFactories).await;
        // A survey to this factory only.
        write_pack(&source.join("check-in"), &survey("check-in"));
        let only_here = workervoice_hub::PackAssignment::Factories(vec![factory.clone()]);
        hub.publish_and_sign(&source.join("check-in"), &only_here).await;
        // A module proposed for the other factory, not yet signed.
        write_pack(&source.join("waiting"), &module("waiting", "Waiting"));
        let there = workervoice_hub::PackAssignment::Factories(vec![other.clone()]);
        let proposed = hub.publish_pack(&source.join("waiting"), &there).expect("proposed");

        let all = content(hub, hub.staff_token()).await;
        assert_eq!(ids(&all), ["check-in", "rights", "waiting"], "by kind, then id: {all:?}");
        let rights = &all[1];
        assert_eq!(
            (rights.kind, rights.current_version, rights.all_factories),
            (ContentKind::TrainingModule, Some(2), true)
        );
        assert_eq!(rights.titles.get("en").map(String::as_str), Some("Your rights"));
        assert_eq!(rights.versions.iter().map(|v| v.version).collect::<Vec<_>>(), [2, 1], "newest first");
        assert!(rights.versions.iter().all(|v| v.signature == SignatureState::Verified && v.media == 1));
        assert!(rights.versions.iter().all(|v| v.total_bytes > 300 && v.published_at > 0 && v.proposal_id.is_none()));
        let waiting = &all[2];
        assert_eq!((waiting.current_version, waiting.factory_ids.clone()), (None, vec![other.clone()]));
        assert_eq!(waiting.versions.len(), 1);
        assert_eq!(waiting.versions[0].signature, SignatureState::Awaiting);
        assert_eq!(waiting.versions[0].proposal_id, proposed.proposal_id);
        assert_eq!(waiting.versions[0].manifest_sha256, proposed.manifest_sha256);
        let check_in = &all[0];
        assert_eq!((check_in.kind, check_in.all_factories), (ContentKind::Survey, false));
        assert_eq!(check_in.factory_ids, std::slice::from_ref(&factory));

        // Auditors see what programme admins see; scoped roles only what reaches their factories, published.
        let auditor = staff_token(hub, json!({"role": "auditor"}), "auditor").await;
        assert_eq!(content(hub, &auditor).await, all);
        let own_admin = staff_token(hub, json!({"role": "factory_admin", "factory_ids": [factory]}), "own-admin").await;
        let own = content(hub, &own_admin).await;
        assert_eq!(ids(&own), ["check-in", "rights"]);
        assert_eq!(own[0].factory_ids, std::slice::from_ref(&factory));
        let other_admin =
            staff_token(hub, json!({"role": "factory_admin", "factory_ids": [other]}), "other-admin").await;
        assert_eq!(
            ids(&content(hub, &other_admin).await),
            ["rights"],
            "an unsigned proposal is the programme's business"
        );
        let brand_id = hub.create_brand("Brand of the other factory", &[&other]).await;
        let brand_staff = staff_token(hub, json!({"role": "brand_staff", "brand_id": brand_id}), "brand").await;
        assert_eq!(ids(&content(hub, &brand_staff).await), ["rights"]);
        // A factory admin of two factories sees only its own named, not the others an item reaches.
        let third = hub.create_factory(false).await.id;
        hub.sql(&format!(
            "INSERT INTO content_assignments (kind, content_id, factory_id) VALUES ('survey', 'check-in', '{third}');"
        ));
        let own = content(hub, &own_admin).await;
        assert_eq!(own[0].factory_ids, std::slice::from_ref(&factory));

        // A signature that no longer verifies is said so.
        hub.database()
            .execute(
                "UPDATE content_manifests SET signature = ?1 WHERE content_id = 'rights' AND version = 1",
                &[TestValue::Blob(vec![0; 64])],
            )
            .expect("a signature replaced");
        let after = content(hub, hub.staff_token()).await;
        let states: Vec<SignatureState> = after[1].versions.iter().map(|v| v.signature).collect();
        assert_eq!(states, [SignatureState::Verified, SignatureState::Invalid]);

        // Without a staff session: refused.
        hub.as_staff("not-a-session", Method::GET, "/admin/v1/content", None).await.assert_error("unauthorized");
    })
    .await;
}

#[tokio::test]
async fn a_survey_schedule_reads_back_as_set_and_events_list_per_factory_without_naming_workers() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let factory = programme.factory.id.clone();
        let other = hub.create_factory(false).await.id;
        hub.import_roster(&factory, &[("A-1", "Lan", "vi"), ("A-2", "Minh", "vi"), ("A-3", "Wei", "zh-CN")]).await;
        hub.import_roster(&other, &[("B-1", "Amina", "en")]).await;
        hub.create_reader("Analyst", Route::IndependentHotline, None, None, true).await;
        let source = hub.dir.path().join("check-in");
        write_pack(&source, &survey("check-in"));
        hub.publish_and_sign(&source, &workervoice_hub::PackAssignment::AllFactories).await;
        let path = "/admin/v1/surveys/check-in/schedule";

        let none: SurveyScheduleView = hub.admin(Method::GET, path, None).await.ok();
        assert_eq!((none.survey_id.as_str(), none.schedule), ("check-in", None));
        for schedule in [
            json!({"opens_at": 1_800_000_000, "closes_at": 1_800_864_000, "target": {"type": "everyone"}}),
            json!({"target": {"type": "factories", "factory_ids": [factory]}}),
            json!({"target": {"type": "departments", "factory_id": factory, "departments": ["Cutting", "Sewing"]}}),
            json!({"target": {"type": "workers", "factory_id": factory, "worker_numbers": ["A-1", "A-3"]}}),
            json!({"closes_at": 1_900_000_000, "target": {"type": "after_event", "event": "audit", "after_days": 5, "open_days": 7}}),
            json!({"target": {"type": "after_event", "event": "audit", "after_days": 0}}),
        ] {
            let set: Value = hub.admin(Method::POST, path, Some(schedule.clone())).await.ok();
            assert_eq!(set, schedule);
            let read: Value = hub.admin(Method::GET, path, None).await.ok();
            assert_eq!(read, json!({"survey_id": "check-in", "schedule": schedule}));
        }
        hub.admin(Method::GET, "/admin/v1/surveys/no-such-survey/schedule", None).await.assert_error("not_found");
        // A refused schedule leaves the one set.
        let bad = json!({"target": {"type": "workers", "factory_id": factory, "worker_numbers": ["nobody"]}});
        hub.admin(Method::POST, path, Some(bad)).await.assert_error("bad_request");
        let kept: SurveyScheduleView = hub.admin(Method::GET, path, None).await.ok();
        assert!(kept.schedule.is_some_and(|s| matches!(s.target, workervoice_protocol::admin::SurveyTarget::AfterEvent { .. })));

        let record = |factory_id: &str, at: i64, numbers: &[&str]| {
            json!({"kind": "audit", "factory_id": factory_id, "at": at, "worker_numbers": numbers})
        };
        hub.admin(Method::POST, "/admin/v1/events", Some(record(&factory, 1_800_000_000, &["A-1", "A-2"]))).await.ok::<Value>();
        hub.admin(Method::POST, "/admin/v1/events", Some(record(&factory, 1_800_100_000, &["A-3"]))).await.ok::<Value>();
        hub.admin(Method::POST, "/admin/v1/events", Some(record(&other, 1_800_050_000, &["B-1"]))).await.ok::<Value>();
        let reply = hub.admin(Method::GET, "/admin/v1/events", None).await;
        let events: Vec<EventSummary> = reply.ok();
        let seen: Vec<(&str, i64, u32)> = events.iter().map(|e| (e.factory_id.as_str(), e.at, e.workers)).collect();
        assert_eq!(seen, [(factory.as_str(), 1_800_100_000, 1), (other.as_str(), 1_800_050_000, 1), (factory.as_str(), 1_800_000_000, 2)]);
        let text = reply.body.to_string();
        assert!(["A-1", "A-2", "A-3", "B-1", "Lan", "Amina"].iter().all(|who| !text.contains(who)), "{text}");
        let one: Vec<EventSummary> = hub.admin(Method::GET, &format!("/admin/v1/events?factory_id={other}"), None).await.ok();
        assert_eq!(one.iter().map(|e| e.factory_id.as_str()).collect::<Vec<_>>(), [other.as_str()]);
        hub.admin(Method::GET, "/admin/v1/events?factory=x", None).await.assert_error("bad_request");

        // Auditors read, do not set; factory admins and brand staff do neither.
        let auditor = staff_token(hub, json!({"role": "auditor"}), "auditor").await;
        assert_eq!(hub.as_staff(&auditor, Method::GET, path, None).await.status, 200);
        assert_eq!(hub.as_staff(&auditor, Method::GET, "/admin/v1/events", None).await.status, 200);
        let everyone = json!({"target": {"type": "everyone"}});
        hub.as_staff(&auditor, Method::POST, path, Some(everyone.clone())).await.assert_error("forbidden");
        let own_admin = staff_token(hub, json!({"role": "factory_admin", "factory_ids": [factory]}), "own-admin").await;
        let brand_id = hub.create_brand("A brand", &[&factory]).await;
        let brand_staff = staff_token(hub, json!({"role": "brand_staff", "brand_id": brand_id}), "brand").await;
        for token in [&own_admin, &brand_staff] {
            hub.as_staff(token, Method::GET, path, None).await.assert_error("forbidden");
            hub.as_staff(token, Method::GET, "/admin/v1/events", None).await.assert_error("forbidden");
            hub.as_staff(token, Method::POST, path, Some(everyone.clone())).await.assert_error("forbidden");
            let event = record(&factory, 1_800_000_000, &["A-1"]);
            hub.as_staff(token, Method::POST, "/admin/v1/events", Some(event)).await.assert_error("forbidden");
        }
    })
    .await;
}
