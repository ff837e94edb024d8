//! Cases by category on the dashboard (ADR 0024): a reader's client counts
//! the sealed categories and publishes the suppressed table; the hub checks
//! its shape, the suppression and the reader's route, keeps the latest per
//! route, factory and month, and serves it to staff by scope. Also every
//! published survey's group for a factory, for the same dashboard.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::cases::Programme;
use support::{TestHub, within_time};
use workervoice_hub::testing::TestValue;
use workervoice_protocol::category_counts::{FactorySurveyAggregates, PublishedCategoryCounts};
use workervoice_protocol::directory::Route;
use workervoice_protocol::staff::{InvitationResponse, StaffLoginResponse};

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

fn row(factory: &str, month: &str, total: Option<u32>, categories: &[(&str, Option<u32>)]) -> Value {
    let categories: Vec<Value> =
        categories.iter().map(|(id, count)| json!({"category_id": id, "count": count})).collect();
    json!({"factory_id": factory, "month": month, "total": total, "categories": categories})
}

fn publication(rows: Vec<Value>) -> Value {
    json!({ "rows": rows })
}

#[tokio::test]
async fn readers_publish_suppressed_category_counts_for_their_route_and_staff_read_them_by_scope() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let factory = programme.factory.id.clone();
        let other = hub.create_factory(false).await;
        let committee = hub.login(&programme.committee).await;
        let hotline = hub.login(&programme.hotline).await;
        let path = "/handler/v1/category-counts";

        // Shown counts of five or more, two hidden categories holding 5 together.
        let good = row(&factory, "2026-11", Some(12), &[("wages", Some(7)), ("safety", None), ("other", None)]);
        committee.post(path, &publication(vec![good.clone()])).await.ok::<Value>();

        // Refused: a shown count of 1 to 4; a hidden count that follows by
        // subtraction; a total of 1 to 4 shown; a month that is no month; a
        // category id that is not one; nothing at all.
        for bad in [
            row(&factory, "2026-10", Some(12), &[("wages", Some(8)), ("safety", Some(4))]),
            row(&factory, "2026-10", Some(12), &[("wages", Some(9)), ("safety", None)]),
            row(&factory, "2026-10", Some(3), &[("wages", None)]),
            row(&factory, "2026-10", None, &[("wages", Some(5))]),
            row(&factory, "2026-13", Some(5), &[("wages", Some(5))]),
            row(&factory, "2026-10", Some(5), &[("<script>", Some(5))]),
            // Well formed, but no directory ever offered it to a worker.
            row(&factory, "2026-10", Some(5), &[("wages", None), ("made-up", None)]),
        ] {
            committee.post(path, &publication(vec![bad.clone()])).await.assert_error("bad_request");
        }
        committee.post(path, &publication(Vec::new())).await.assert_error("bad_request");
        // A factory the committee's route does not cover: refused, and the
        // good row sent with it is not stored either.
        let outside = row(&other.id, "2026-11", Some(5), &[("wages", Some(5))]);
        let late = row(&factory, "2026-09", Some(5), &[("wages", Some(5))]);
        let reply = committee.post(path, &publication(vec![late, outside])).await;
        assert_eq!(reply.status, 403, "{:?}", reply.body);
        // An analyst has no cases to count.
        let analyst = hub.create_reader("Analyst", Route::IndependentHotline, None, None, true).await;
        let analyst = hub.login(&analyst).await;
        assert_eq!(analyst.post(path, &publication(vec![good.clone()])).await.status, 401);

        // Another route's reader publishes the same month; the committee then
        // publishes it again: the latest row per route is kept.
        let hotline_row = row(&factory, "2026-11", Some(20), &[("wages", Some(10)), ("harassment", Some(10))]);
        hotline.post(path, &publication(vec![hotline_row])).await.ok::<Value>();
        let again = row(&factory, "2026-11", Some(13), &[("wages", Some(8)), ("safety", None), ("other", None)]);
        committee.post(path, &publication(vec![again])).await.ok::<Value>();

        let staff_path = format!("/admin/v1/factories/{factory}/category-counts");
        let reply = hub.admin(Method::GET, &staff_path, None).await;
        let rows: Vec<PublishedCategoryCounts> = reply.ok();
        assert_eq!(rows.len(), 2, "{rows:?}");
        let committee_row = rows.iter().find(|row| row.route == Route::FactoryCommittee).expect("the committee's");
        assert_eq!((committee_row.month.as_str(), committee_row.total), ("2026-11", Some(13)));
        assert_eq!(committee_row.categories[0].count, Some(8));
        assert_eq!(committee_row.categories[1].count, None);
        assert_eq!(committee_row.published_on % 86_400, 0, "the day, not the time");
        let hotline_row = rows.iter().find(|row| row.route == Route::IndependentHotline).expect("the hotline's");
        assert_eq!(hotline_row.total, Some(20));
        // Staff learn the route and the day, never which reader.
        let text = reply.body.to_string();
        for reader in [&programme.committee, &programme.hotline] {
            assert!(!text.contains(reader.id()), "the reader's id is not served: {text}");
        }
        // Who published is on the hub, for the audit.
        let database = hub.database();
        let publisher =
            database.value("SELECT published_by FROM category_counts WHERE route = 'factory_committee'", &[]);
        assert_eq!(publisher.text(), Some(programme.committee.id()));
        let other_rows = database.integer("SELECT count(*) FROM category_counts WHERE month = '2026-09'", &[]);
        assert_eq!(other_rows, 0, "a refused publication stores nothing");

        // Scope: the factory's admin, an auditor and the brand it supplies read
        // it; another factory's admin and an unrelated brand are refused.
        let own_admin = staff_token(hub, json!({"role": "factory_admin", "factory_ids": [factory]}), "own-admin").await;
        let other_admin =
            staff_token(hub, json!({"role": "factory_admin", "factory_ids": [other.id]}), "other-admin").await;
        let auditor = staff_token(hub, json!({"role": "auditor"}), "auditor").await;
        let brand_id = hub.create_brand("Unrelated brand", &[&other.id]).await;
        let unrelated = staff_token(hub, json!({"role": "brand_staff", "brand_id": brand_id}), "unrelated-brand").await;
        let survey_path = format!("/admin/v1/factories/{factory}/survey-aggregates");
        for (token, status) in [(&own_admin, 200), (&auditor, 200), (&other_admin, 403), (&unrelated, 403)] {
            for path in [&staff_path, &survey_path] {
                let reply = hub.as_staff(token, Method::GET, path, None).await;
                assert_eq!(reply.status, status, "{path}: {:?}", reply.body);
            }
        }
        assert_eq!(hotline.get(&staff_path).await.status, 401, "a reader's session is not a staff one");
        hub.admin(Method::GET, "/admin/v1/factories/no-such-factory/category-counts", None)
            .await
            .assert_error("not_found");
        let none: Vec<PublishedCategoryCounts> = hub
            .as_staff(&other_admin, Method::GET, &format!("/admin/v1/factories/{}/category-counts", other.id), None)
            .await
            .ok();
        assert!(none.is_empty(), "nothing published for the other factory");
    })
    .await;
}

#[tokio::test]
async fn a_factory_sees_only_its_own_group_of_every_published_survey() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let other = hub.create_factory(false).await;
        let group = |id: Option<&str>, respondents: u32| {
            json!({"factory_id": id, "respondents": respondents, "questions": [{"question_id": "q1", "label": "Safe?",
                   "answered": respondents, "counts": [{"value": "yes", "label": "Yes", "count": respondents}]}]})
        };
        let body = json!({"survey_id": "pulse", "groups": [group(None, 17), group(Some(&factory.id), 6),
                                                              group(Some(&other.id), 11)]});
        let only_other = json!({"survey_id": "exit", "groups": [group(Some(&other.id), 11)]});
        // Parameters, so that SQLite and PostgreSQL both take the bytes.
        let database = hub.database();
        for (survey, published) in [("pulse", &body), ("exit", &only_other)] {
            database
                .execute(
                    "INSERT INTO survey_aggregates (survey_id, body, published_by, published_at) \
                     VALUES (?1, ?2, 'analyst', 1764979300)",
                    &[TestValue::Text(survey.to_owned()), TestValue::Blob(published.to_string().into_bytes())],
                )
                .expect("an aggregate row");
        }
        let path = format!("/admin/v1/factories/{}/survey-aggregates", factory.id);
        let found: Vec<FactorySurveyAggregates> = hub.admin(Method::GET, &path, None).await.ok();
        assert_eq!(found.len(), 1, "the exit survey has no group of this factory: {found:?}");
        assert_eq!(found[0].results.survey_id, "pulse");
        assert_eq!(found[0].published_on, 1_764_979_200);
        let groups = &found[0].results.groups;
        assert_eq!(groups.len(), 1, "neither the programme-wide group nor another factory's: {groups:?}");
        assert_eq!(groups[0].factory_id.as_deref(), Some(factory.id.as_str()));
        assert_eq!(groups[0].respondents, Some(6));
    })
    .await;
}
