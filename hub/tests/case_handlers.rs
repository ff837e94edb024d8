//! Handler accounts: created by staff with a key pair, logged into with a
//! password, locked after ten wrong ones.

mod support;

use reqwest::Method;
use serde_json::json;
use support::{TestHub, within_time};
use workervoice_protocol::directory::Route;
use workervoice_protocol::handler::{HandlerLoginResponse, HandlerSummary};

#[tokio::test]
async fn staff_create_and_list_handlers_with_their_public_keys() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let committee = hub.create_handler("Committee", Route::FactoryCommittee, Some(&factory.id)).await;
        let brand = hub.create_handler("Brand", Route::Brand, None).await;
        assert_eq!(committee.summary.public_key.len(), 32);
        assert_ne!(committee.summary.public_key, brand.summary.public_key);
        assert_eq!(committee.summary.factory_id.as_deref(), Some(factory.id.as_str()));

        let listed: Vec<HandlerSummary> = hub.admin(Method::GET, "/admin/v1/handlers", None).await.ok();
        let ids: Vec<&str> = listed.iter().map(|handler| handler.handler_id.as_str()).collect();
        assert_eq!(ids, vec![committee.id(), brand.id()]);
        assert!(listed.iter().all(|handler| !handler.locked));
        let text = serde_json::to_string(&listed).expect("json");
        assert!(!text.contains(&committee.password), "no password in the listing");
    })
    .await;
}

#[tokio::test]
async fn handler_accounts_of_the_wrong_shape_are_refused() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let long_enough = "twelve chars";
        for (body, code) in [
            (json!({"name": "H", "route": "brand", "password": "eleven char"}), "bad_request"),
            (json!({"name": "H", "route": "factory_committee", "password": long_enough}), "bad_request"),
            (json!({"name": "H", "route": "brand", "factory_id": factory.id, "password": long_enough}), "bad_request"),
            (json!({"name": " ", "route": "brand", "password": long_enough}), "bad_request"),
            (json!({"name": "H", "route": "police", "password": long_enough}), "bad_request"),
            (
                json!({"name": "H", "route": "factory_committee", "factory_id": "nope", "password": long_enough}),
                "not_found",
            ),
        ] {
            hub.admin(Method::POST, "/admin/v1/handlers", Some(body)).await.assert_error(code);
        }
        let created: HandlerSummary = hub
            .admin(
                Method::POST,
                "/admin/v1/handlers",
                Some(json!({"name": "H", "route": "brand", "password": long_enough})),
            )
            .await
            .ok();
        assert_eq!(created.route, Route::Brand);
    })
    .await;
}

#[tokio::test]
async fn a_handler_logs_in_and_out_and_the_token_then_stops_working() {
    within_time(async {
        let hub = TestHub::start().await;
        let account = hub.create_handler("Hotline", Route::IndependentHotline, None).await;
        let reply = hub.try_login(account.id(), &account.password).await;
        let session: HandlerLoginResponse = reply.ok();
        assert_eq!(workervoice_protocol::b64::decode(&session.session_token).map(|token| token.len()), Some(32));
        assert!(session.expires_at > support::now() + 7 * 3600 && session.expires_at <= support::now() + 8 * 3600 + 5);

        let cases = |token: String| hub.http.get(hub.url("/handler/v1/cases")).bearer_auth(token).send();
        assert_eq!(cases(session.session_token.clone()).await.expect("sent").status().as_u16(), 200);
        let logout = hub
            .http
            .post(hub.url("/handler/v1/logout"))
            .bearer_auth(&session.session_token)
            .send()
            .await
            .expect("sent");
        assert_eq!(logout.status().as_u16(), 200);
        assert_eq!(cases(session.session_token).await.expect("sent").status().as_u16(), 401);

        hub.try_login("no-such-handler", &account.password).await.assert_error("unauthorized");
    })
    .await;
}

#[tokio::test]
async fn ten_wrong_passwords_lock_a_handler_until_staff_unlock_them() {
    within_time(async {
        let hub = TestHub::start().await;
        let account = hub.create_handler("Brand", Route::Brand, None).await;
        for attempt in 1..=9 {
            let reply = hub.try_login(account.id(), "wrong password!").await;
            assert_eq!(reply.error_code(), Some("unauthorized"), "attempt {attempt}");
        }
        hub.try_login(account.id(), "wrong password!").await.assert_error("pin_locked");
        hub.try_login(account.id(), &account.password).await.assert_error("pin_locked");
        let listed: Vec<HandlerSummary> = hub.admin(Method::GET, "/admin/v1/handlers", None).await.ok();
        assert!(listed[0].locked);

        let unlocked: HandlerSummary =
            hub.admin(Method::POST, &format!("/admin/v1/handlers/{}/unlock", account.id()), None).await.ok();
        assert!(!unlocked.locked);
        hub.try_login(account.id(), &account.password).await.ok::<HandlerLoginResponse>();
        hub.admin(Method::POST, "/admin/v1/handlers/nobody/unlock", None).await.assert_error("not_found");
    })
    .await;
}

#[tokio::test]
async fn a_right_password_clears_the_count_of_wrong_ones() {
    within_time(async {
        let hub = TestHub::start().await;
        let account = hub.create_handler("Brand", Route::Brand, None).await;
        for _ in 0..6 {
            hub.try_login(account.id(), "wrong password!").await.assert_error("unauthorized");
        }
        hub.try_login(account.id(), &account.password).await.ok::<HandlerLoginResponse>();
        for _ in 0..6 {
            hub.try_login(account.id(), "wrong password!").await.assert_error("unauthorized");
        }
        hub.try_login(account.id(), &account.password).await.ok::<HandlerLoginResponse>();
    })
    .await;
}
