//! Reader accounts (ADR 0015): invited by staff, accepted by the reader's
//! client with a key pair it made, signed into with a key derived from the
//! password (the hub never sees the password), slowed down — never locked —
//! by wrong logins, with a device bucket that strangers cannot fill.

mod support;

use reqwest::Method;
use serde_json::json;
use support::{TestHub, within_time};
use workervoice_protocol::directory::Route;
use workervoice_protocol::handler::{HandlerLoginResponse, HandlerSummary, PreloginResponse};
use wv_reader::account::{PasswordKeys, ReaderKeyPair, key_id};

#[tokio::test]
async fn an_invited_reader_accepts_with_a_key_their_client_made_and_the_hub_keeps_no_password() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let committee = hub.create_handler("Committee", Route::FactoryCommittee, Some(&factory.id)).await;
        let hotline = hub.create_handler("Hotline", Route::IndependentHotline, None).await;
        assert_eq!(committee.summary.public_key.len(), 32);
        assert_eq!(committee.summary.key_id, key_id(&committee.summary.public_key));
        assert_ne!(committee.summary.public_key, hotline.summary.public_key);
        assert_eq!(committee.summary.factory_id.as_deref(), Some(factory.id.as_str()));

        let listed: Vec<HandlerSummary> = hub.admin(Method::GET, "/admin/v1/handlers", None).await.ok();
        let ids: Vec<&str> = listed.iter().map(|handler| handler.handler_id.as_str()).collect();
        assert_eq!(ids, vec![committee.id(), hotline.id()]);

        // The database holds neither the password nor the login key, only
        // Argon2id of the login key.
        if !workervoice_hub::testing::skip_on_postgres("the bytes of SQLite's database and WAL files") {
            let db = std::fs::read(hub.data_dir().join("hub.db")).expect("db reads");
            let wal = std::fs::read(hub.data_dir().join("hub.db-wal")).unwrap_or_default();
            for bytes in [&db, &wal] {
                assert!(!bytes.windows(committee.password.len()).any(|w| w == committee.password.as_bytes()));
                assert!(!bytes.windows(32).any(|w| w == committee.keys.login_key()));
            }
        }
        let verifier =
            hub.database().value("SELECT login_verifier FROM handlers WHERE id = ?1", &[committee.id().into()]);
        let verifier = verifier.text().expect("a verifier");
        assert!(verifier.starts_with("$argon2id$"), "{verifier}");
    })
    .await;
}

#[tokio::test]
async fn an_invitation_works_once_for_its_own_account_and_of_the_right_shape() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        for (body, code) in [
            (json!({"name": "H", "route": "factory_committee"}), "bad_request"),
            (json!({"name": "H", "route": "brand"}), "bad_request"),
            (json!({"name": "H", "route": "independent_hotline", "factory_id": factory.id}), "bad_request"),
            (json!({"name": " ", "route": "independent_hotline"}), "bad_request"),
            (json!({"name": "H", "route": "police"}), "bad_request"),
            (json!({"name": "H", "route": "brand", "brand_id": "nope"}), "not_found"),
            (json!({"name": "H", "route": "factory_committee", "factory_id": "nope"}), "not_found"),
        ] {
            hub.admin(Method::POST, "/admin/v1/readers/invitations", Some(body)).await.assert_error(code);
        }
        let invitation = hub.invite_reader("Hotline", Route::IndependentHotline, None, None, false).await;
        let client = hub.reader_client();
        let other = hub.invite_reader("Other", Route::IndependentHotline, None, None, false).await;
        let wrong_account = client.accept(&other.handler_id, &invitation.invitation_token, "a long password").await;
        assert_eq!(wrong_account.err().and_then(|error| error.status()), Some(401));
        assert!(client.accept(&invitation.handler_id, &invitation.invitation_token, "too short").await.is_err());
        client.accept(&invitation.handler_id, &invitation.invitation_token, "a long password").await.expect("accepted");
        let again = client.accept(&invitation.handler_id, &invitation.invitation_token, "a long password").await;
        assert_eq!(again.err().and_then(|error| error.status()), Some(401));
    })
    .await;
}

#[tokio::test]
async fn a_reader_signs_in_with_their_password_and_out_and_the_token_then_stops_working() {
    within_time(async {
        let hub = TestHub::start().await;
        let account = hub.create_handler("Hotline", Route::IndependentHotline, None).await;
        let session = hub.reader_client().login(account.id(), &account.password, None).await.expect("signs in");
        assert_eq!(session.account().public_key, account.summary.public_key);
        let token = session.token().to_owned();
        let cases = |token: String| hub.http.get(hub.url("/handler/v1/cases")).bearer_auth(token).send();
        assert_eq!(cases(token.clone()).await.expect("sent").status().as_u16(), 200);
        session.logout().await.expect("logs out");
        assert_eq!(cases(token).await.expect("sent").status().as_u16(), 401);

        let wrong = hub.reader_client().login(account.id(), "not the password", None).await;
        assert_eq!(wrong.err().and_then(|error| error.status()), Some(401));
    })
    .await;
}

#[tokio::test]
async fn prelogin_does_not_tell_who_has_an_account() {
    within_time(async {
        let hub = TestHub::start().await;
        let account = hub.create_handler("Hotline", Route::IndependentHotline, None).await;
        let prelogin = |id: String| {
            let hub = &hub;
            async move {
                let body = json!({ "handler_id": id });
                hub.http
                    .post(hub.url("/handler/v1/prelogin"))
                    .json(&body)
                    .send()
                    .await
                    .expect("sent")
                    .json::<PreloginResponse>()
                    .await
                    .expect("json")
            }
        };
        let real = prelogin(account.id().to_owned()).await;
        let fake = prelogin("00000000-0000-4000-8000-000000000000".to_owned()).await;
        let fake_again = prelogin("00000000-0000-4000-8000-000000000000".to_owned()).await;
        assert_eq!(real.kdf_salt.len(), fake.kdf_salt.len());
        assert_eq!(real.kdf_iterations, fake.kdf_iterations);
        assert_eq!(fake.kdf_salt, fake_again.kdf_salt, "a stable made-up salt");
        let unknown = hub.try_login_key("00000000-0000-4000-8000-000000000000", &[7; 32], None).await;
        unknown.assert_error("unauthorized");
    })
    .await;
}

#[tokio::test]
async fn a_stranger_hammering_the_login_does_not_keep_the_reader_out_on_their_usual_client() {
    within_time(async {
        let hub = TestHub::start().await;
        let account = hub.create_handler("Hotline", Route::IndependentHotline, None).await;
        let first: HandlerLoginResponse = hub.try_login_key(account.id(), account.keys.login_key(), None).await.ok();
        let device = first.device_token;

        // Someone else guesses: the first miss is unauthorized, then the
        // account answers strangers rate_limited, with the seconds to wait.
        hub.try_login_key(account.id(), &[1; 32], None).await.assert_error("unauthorized");
        // The first wait is one second; held an hour ahead so that a slow
        // machine cannot outlast it between requests.
        hub.database()
            .execute(
                "UPDATE reader_login_backoff SET next_allowed_at = next_allowed_at + 3600 WHERE handler_id = ?1 AND bucket = ''",
                &[account.id().into()],
            )
            .expect("update");
        for _ in 0..5 {
            let reply = hub.try_login_key(account.id(), &[1; 32], None).await;
            assert_eq!(reply.error_code(), Some("rate_limited"), "{reply:?}");
        }
        // Even the right key from a client without the device token waits...
        hub.try_login_key(account.id(), account.keys.login_key(), None).await.assert_error("rate_limited");
        // ...a device token of another account counts as a stranger's...
        hub.try_login_key(account.id(), account.keys.login_key(), Some("not-a-device"))
            .await
            .assert_error("rate_limited");
        // ...but the reader's usual client, with its device token, is not delayed.
        let again: HandlerLoginResponse =
            hub.try_login_key(account.id(), account.keys.login_key(), Some(&device)).await.ok();
        assert_eq!(again.device_token, device);
        // Wrong keys from that client back off in its own bucket. The first
        // wait is one second, which a loaded machine can outlast between two
        // requests, so the test reads the bucket the hub wrote, then holds it
        // an hour ahead to see the right key from that client wait.
        let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
        hub.try_login_key(account.id(), &[1; 32], Some(&device)).await.assert_error("unauthorized");
        let connection = hub.database();
        let bucket = connection.rows(
            "SELECT failures, next_allowed_at FROM reader_login_backoff WHERE handler_id = ?1 AND bucket <> ''",
            &[account.id().into()],
        );
        let (failures, next_allowed_at) = (
            bucket[0][0].integer().expect("the client's own bucket"),
            bucket[0][1].integer().expect("the client's own bucket"),
        );
        assert_eq!(failures, 1, "one miss in the client's bucket");
        assert!(next_allowed_at > i64::try_from(before).expect("time"), "the miss set a wait");
        connection
            .execute(
                "UPDATE reader_login_backoff SET next_allowed_at = next_allowed_at + 3600 WHERE handler_id = ?1 AND bucket <> ''",
                &[account.id().into()],
            )
            .expect("update");
        hub.try_login_key(account.id(), account.keys.login_key(), Some(&device)).await.assert_error("rate_limited");
    })
    .await;
}

#[tokio::test]
async fn the_back_off_doubles_from_one_second_to_a_fifteen_minute_cap_and_never_locks() {
    within_time(async {
        let hub = TestHub::start().await;
        let account = hub.create_handler("Hotline", Route::IndependentHotline, None).await;
        let connection = hub.database();
        let mut waits = Vec::new();
        for attempt in 0..14 {
            if attempt == 0 {
                // A wait of one second could end at the next second
                // boundary, between the failure and its retry.
                support::at_the_start_of_a_second().await;
            }
            // Let each attempt through, as if the wait had passed.
            connection
                .execute(
                    "UPDATE reader_login_backoff SET next_allowed_at = 0 WHERE handler_id = ?1",
                    &[account.id().into()],
                )
                .expect("update");
            hub.try_login_key(account.id(), &[1; 32], None).await.assert_error("unauthorized");
            let reply = hub.try_login_key(account.id(), &[1; 32], None).await;
            reply.assert_error("rate_limited");
            waits.push(
                reply.body.pointer("/error/retry_after_secs").and_then(serde_json::Value::as_u64).expect("retry after"),
            );
        }
        assert!(waits[0] <= 1 && waits[1] <= 2 && (3..=4).contains(&waits[2]), "{waits:?}");
        assert!(waits[12] <= 900 && waits[13] >= 899, "capped at 15 minutes: {waits:?}");
        connection
            .execute(
                "UPDATE reader_login_backoff SET next_allowed_at = 0 WHERE handler_id = ?1",
                &[account.id().into()],
            )
            .expect("update");
        hub.try_login_key(account.id(), account.keys.login_key(), None).await.ok::<HandlerLoginResponse>();
    })
    .await;
}

#[tokio::test]
async fn a_reader_changes_their_password_in_the_client_and_keeps_their_key() {
    within_time(async {
        let hub = TestHub::start().await;
        let account = hub.create_handler("Hotline", Route::IndependentHotline, None).await;
        let client = hub.reader_client();
        let mut session = client.login_with_keys(account.id(), account.keys.clone(), None).await.expect("signs in");
        let other = client.login_with_keys(account.id(), account.keys.clone(), None).await.expect("signs in");
        session.change_password("a brand new passphrase").await.expect("changed");
        // The other session ended; the old password no longer signs in.
        assert_eq!(other.cases().await.err().and_then(|error| error.status()), Some(401));
        let old = client.login(account.id(), &account.password, None).await;
        assert_eq!(old.err().and_then(|error| error.status()), Some(401));
        // The reader's usual client (its device token) is not held back by
        // the wrong attempt just made without one.
        let device = Some(session.device_token().to_owned());
        let renewed = client.login(account.id(), "a brand new passphrase", device).await.expect("signs in");
        assert_eq!(renewed.account().public_key, account.summary.public_key);

        // The wrapped key on the hub opens with the new password only.
        let row = hub.database().rows(
            "SELECT wrapped_private_key, kdf_salt, kdf_iterations FROM handlers WHERE id = ?1",
            &[account.id().into()],
        );
        let (wrapped, salt) = (row[0][0].blob().expect("wrapped").to_vec(), row[0][1].blob().expect("salt").to_vec());
        let iterations = u32::try_from(row[0][2].integer().expect("iterations")).expect("iterations");
        let new_keys = PasswordKeys::derive("a brand new passphrase", &salt, iterations).expect("derives");
        let pair = ReaderKeyPair::unwrap(&new_keys, account.id(), &wrapped).expect("opens");
        assert_eq!(pair.public_key()[..], account.summary.public_key[..]);
        assert!(ReaderKeyPair::unwrap(&account.keys, account.id(), &wrapped).is_err());
    })
    .await;
}

#[tokio::test]
async fn a_programme_admins_session_reads_no_case_and_no_survey_answer() {
    within_time(async {
        let hub = TestHub::start().await;
        hub.create_handler("Hotline", Route::IndependentHotline, None).await;
        // The programme admin's staff session is not a reader's: every
        // reader route refuses it, whatever the admin can do on /admin/v1.
        for path in ["/handler/v1/cases", "/handler/v1/cases/K7Q2M-9XD4R", "/handler/v1/surveys/pulse/responses"] {
            let response = hub.http.get(hub.url(path)).bearer_auth(hub.staff_token()).send().await.expect("sent");
            assert_eq!(response.status().as_u16(), 401, "{path}");
        }
        let listed: Vec<HandlerSummary> = hub.admin(Method::GET, "/admin/v1/handlers", None).await.ok();
        let text = serde_json::to_string(&listed).expect("json");
        assert!(!text.contains("wrapped_private_key") && !text.contains("login_verifier"), "{text}");
    })
    .await;
}
