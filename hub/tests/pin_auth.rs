//! Worker PINs: activation, login, lock-out, unknown workers, PIN change,
//! self-registration and staff reset.

mod support;

use reqwest::Method;
use support::{FakeDevice, TestHub, fresh_kdf, proof, within_time};
use workervoice_protocol::admin::{Factory, ResetWorkerResponse, WorkerSummary};
use workervoice_protocol::auth::{
    ActivateRequest, ChangePinRequest, KDF_PBKDF2_SHA256, LoginResponse, MIN_PBKDF2_ITERATIONS, RegisterRequest,
    SALT_LEN,
};
use workervoice_protocol::enrol::DeviceMode;
use workervoice_protocol::paths;

/// A hub with one factory, one personal device and two roster workers;
/// returns the activation codes of 1001 and 1002.
async fn roster_hub() -> (TestHub, Factory, FakeDevice, String, String) {
    let hub = TestHub::start().await;
    let (factory, device) = hub.factory_with_device(false, DeviceMode::Personal).await;
    let imported = hub.import_roster(&factory.id, &[("1001", "Lan Nguyen", "vi"), ("1002", "Wei Li", "zh-CN")]).await;
    let code = |number: &str| {
        imported.activation_codes.iter().find(|c| c.worker_number == number).unwrap().activation_code.clone()
    };
    let (first, second) = (code("1001"), code("1002"));
    (hub, factory, device, first, second)
}

async fn second_device(hub: &TestHub, factory: &Factory) -> FakeDevice {
    let code = hub.issue_code(&factory.id, DeviceMode::Shared).await;
    FakeDevice::enrol(hub, &code.code, DeviceMode::Shared).await
}

/// Moves every stored failure time `days` into the past.
fn hub_days_pass(hub: &TestHub, days: i64) {
    let secs = days * 86_400;
    hub.sql(&format!(
        "UPDATE workers SET last_failed_at = last_failed_at - {secs}, \
         stranger_last_failed_at = stranger_last_failed_at - {secs}"
    ));
}

/// The failures counted for devices worker `number` never signed in on.
fn stranger_failed(hub: &TestHub, number: &str) -> i64 {
    hub.database().integer("SELECT stranger_failed FROM workers WHERE worker_number = ?1", &[number.into()])
}

async fn workers(hub: &TestHub, factory: &Factory) -> Vec<WorkerSummary> {
    hub.admin(Method::GET, &format!("/admin/v1/factories/{}/workers", factory.id), None).await.ok()
}

#[tokio::test]
async fn activation_then_login_returns_the_same_share_on_the_same_device_and_another_elsewhere() {
    within_time(async {
        let (hub, factory, phone, code, _) = roster_hub().await;
        let activated: LoginResponse = phone.activate("1001", &code, "2468").await.ok();
        assert_eq!(activated.worker_number, "1001");
        assert_eq!(activated.display_name, "Lan Nguyen");
        assert_eq!(activated.language, "vi");
        assert_eq!(activated.hub_share.len(), 32);

        let again = phone.login_ok("1001", "2468").await;
        assert_eq!(again.hub_share, activated.hub_share);
        assert_eq!(again.worker_id, activated.worker_id);

        let tablet = second_device(&hub, &factory).await;
        let elsewhere = tablet.login_ok("1001", "2468").await;
        assert_ne!(elsewhere.hub_share, activated.hub_share);
        assert_eq!(tablet.login_ok("1001", "2468").await.hub_share, elsewhere.hub_share);

        let summary = workers(&hub, &factory).await;
        assert!(summary.iter().any(|w| w.worker_number == "1001" && w.activated));
        assert!(summary.iter().any(|w| w.worker_number == "1002" && !w.activated));
    })
    .await;
}

#[tokio::test]
async fn worker_numbers_match_regardless_of_case_and_spaces() {
    within_time(async {
        let hub = TestHub::start().await;
        let (factory, device) = hub.factory_with_device(false, DeviceMode::Personal).await;
        let imported = hub.import_roster(&factory.id, &[("ab-7", "Mai", "vi")]).await;
        let code = &imported.activation_codes[0].activation_code;
        let activated: LoginResponse = device.activate(" AB-7 ", code, "1357").await.ok();
        assert_eq!(activated.worker_number, "ab-7");
        device.login_ok("Ab-7", "1357").await;
    })
    .await;
}

#[tokio::test]
async fn an_activation_code_works_once() {
    within_time(async {
        let (_hub, _factory, phone, code, _) = roster_hub().await;
        phone.activate("1001", &code, "2468").await.ok::<LoginResponse>();
        phone.activate("1001", &code, "9999").await.assert_error("activation_invalid");
        // The first PIN still works, the second never did.
        phone.login_ok("1001", "2468").await;
        phone.login("1001", "9999").await.assert_error("wrong_pin");
    })
    .await;
}

#[tokio::test]
async fn another_workers_activation_code_is_invalid_and_counts() {
    within_time(async {
        let (hub, factory, phone, _, code_1002) = roster_hub().await;
        phone.activate("1001", &code_1002, "2468").await.assert_error("activation_invalid");
        // The phone has never had worker 1001 signed in: a stranger's count.
        assert_eq!(stranger_failed(&hub, "1001"), 1);
        let summary = workers(&hub, &factory).await;
        assert_eq!(summary.iter().find(|w| w.worker_number == "1001").unwrap().failed_attempts, 0);
    })
    .await;
}

#[tokio::test]
async fn activation_with_parameters_below_the_floor_is_a_bad_request() {
    within_time(async {
        let (_hub, _factory, phone, code, _) = roster_hub().await;
        let mut kdf = phone.params("1001").await;
        kdf.iterations = MIN_PBKDF2_ITERATIONS - 1;
        let request = ActivateRequest {
            worker_number: "1001".into(),
            activation_code: code.clone(),
            kdf,
            pin_proof: proof("2468"),
        };
        phone.post(paths::AUTH_ACTIVATE, &request).await.assert_error("bad_request");
        // Nothing was spent.
        phone.activate("1001", &code, "2468").await.ok::<LoginResponse>();
    })
    .await;
}

#[tokio::test]
async fn a_wrong_pin_counts_down_attempts_left() {
    within_time(async {
        let (hub, _factory, phone, code, _) = roster_hub().await;
        phone.activate("1001", &code, "2468").await.ok::<LoginResponse>();
        for expected_left in [9, 8, 7] {
            let reply = phone.login("1001", "0000").await;
            reply.assert_error("wrong_pin");
            assert_eq!(reply.attempts_left(), Some(expected_left));
        }
        // A right PIN does not give a fresh budget…
        phone.login_ok("1001", "2468").await;
        assert_eq!(phone.login("1001", "0000").await.attempts_left(), Some(6));
        // …but failures fade, one a day since the last.
        hub_days_pass(&hub, 2);
        assert_eq!(phone.login("1001", "0000").await.attempts_left(), Some(7));
    })
    .await;
}

#[tokio::test]
async fn after_ten_wrong_pins_even_the_right_pin_is_refused_until_staff_unlock() {
    within_time(async {
        let (hub, factory, phone, code, _) = roster_hub().await;
        phone.activate("1001", &code, "2468").await.ok::<LoginResponse>();
        for attempt in 1..=10 {
            let reply = phone.login("1001", "0000").await;
            if attempt < 10 {
                assert_eq!(reply.attempts_left(), Some(10 - attempt), "attempt {attempt}");
            } else {
                reply.assert_error("pin_locked");
            }
        }
        phone.login("1001", "2468").await.assert_error("pin_locked");
        let tablet = second_device(&hub, &factory).await;
        tablet.login("1001", "2468").await.assert_error("pin_locked");
        let locked = workers(&hub, &factory).await;
        assert!(locked.iter().any(|w| w.worker_number == "1001" && w.locked && w.failed_attempts == 10));

        let unlock_path = format!("/admin/v1/factories/{}/workers/1001/unlock", factory.id);
        let unlocked: WorkerSummary = hub.admin(Method::POST, &unlock_path, None).await.ok();
        assert!(!unlocked.locked);
        assert_eq!(unlocked.failed_attempts, 0);
        phone.login_ok("1001", "2468").await;
    })
    .await;
}

#[tokio::test]
async fn a_device_the_worker_never_signed_in_on_can_delay_them_there_but_never_lock_them() {
    within_time(async {
        let (hub, factory, phone, code, _) = roster_hub().await;
        phone.activate("1001", &code, "2468").await.ok::<LoginResponse>();
        let tablet = second_device(&hub, &factory).await;
        for attempt in 1..=10 {
            let reply = tablet.login("1001", "0000").await;
            if attempt < 10 {
                reply.assert_error("wrong_pin");
            } else {
                reply.assert_error("rate_limited");
            }
        }
        // Another stranger device gets no fresh budget; the right PIN waits too.
        let other = second_device(&hub, &factory).await;
        other.login("1001", "0000").await.assert_error("rate_limited");
        tablet.login("1001", "2468").await.assert_error("rate_limited");
        // The worker is not locked, and their own phone works as ever.
        let summary = workers(&hub, &factory).await;
        let worker = summary.iter().find(|w| w.worker_number == "1001").unwrap();
        assert!(!worker.locked);
        assert_eq!(worker.failed_attempts, 0);
        phone.login_ok("1001", "2468").await;
        // A day later one stranger guess is possible again; the right PIN passes.
        hub_days_pass(&hub, 1);
        tablet.login_ok("1001", "2468").await;
    })
    .await;
}

#[tokio::test]
async fn unknown_worker_numbers_get_stable_plausible_params_and_wrong_pin_answers() {
    within_time(async {
        let (_hub, _factory, phone, _, _) = roster_hub().await;
        let real = phone.params("1001").await;
        let fake = phone.params("9999").await;
        assert_eq!(fake, phone.params("9999").await, "asking twice gives the same answer");
        assert_ne!(fake.salt, phone.params("9998").await.salt);
        assert_eq!(fake.algorithm, KDF_PBKDF2_SHA256);
        assert_eq!(fake.algorithm, real.algorithm);
        assert_eq!(fake.iterations, real.iterations);
        assert_eq!(fake.salt.len(), SALT_LEN);
        assert!(fake.is_acceptable());

        // Logins count down and then wait exactly like a real worker's on a
        // device they never signed in on (all a guesser has).
        let real_elsewhere = {
            let (hub, factory, phone, code, _) = roster_hub().await;
            phone.activate("1001", &code, "2468").await.ok::<LoginResponse>();
            (second_device(&hub, &factory).await, hub)
        };
        for attempt in 1..=10u64 {
            let unknown = phone.login("9999", "1234").await;
            let not_activated = phone.login("1002", "1234").await;
            let real = real_elsewhere.0.login("1001", "1234").await;
            if attempt < 10 {
                unknown.assert_error("wrong_pin");
                assert_eq!(unknown.attempts_left(), Some(10 - attempt));
                assert_eq!(unknown.body, not_activated.body);
                assert_eq!(unknown.body, real.body);
            } else {
                unknown.assert_error("rate_limited");
                not_activated.assert_error("rate_limited");
                real.assert_error("rate_limited");
            }
        }
        phone.login("9999", "1234").await.assert_error("rate_limited");
        phone.activate("9999", "12345-67890", "1234").await.assert_error("rate_limited");
    })
    .await;
}

#[tokio::test]
async fn an_unknown_workers_activation_is_refused_like_a_wrong_code() {
    within_time(async {
        let (_hub, _factory, phone, _, _) = roster_hub().await;
        phone.activate("9999", "12345-67890", "1234").await.assert_error("activation_invalid");
        phone.activate("1002", "12345-67890", "1234").await.assert_error("activation_invalid");
    })
    .await;
}

#[tokio::test]
async fn workers_of_another_factory_are_unknown_here() {
    within_time(async {
        let (hub, _factory, phone, code, _) = roster_hub().await;
        phone.activate("1001", &code, "2468").await.ok::<LoginResponse>();
        let (_, outsider) = hub.factory_with_device(false, DeviceMode::Personal).await;
        outsider.login("1001", "2468").await.assert_error("wrong_pin");
    })
    .await;
}

#[tokio::test]
async fn after_a_pin_change_the_old_pin_stops_working_and_the_new_one_works() {
    within_time(async {
        let (_hub, _factory, phone, code, _) = roster_hub().await;
        let first = phone.activate("1001", &code, "2468").await.ok::<LoginResponse>();
        let new_kdf = fresh_kdf();
        let change = ChangePinRequest {
            worker_number: "1001".into(),
            old_pin_proof: proof("2468"),
            new_kdf: new_kdf.clone(),
            new_pin_proof: proof("8642"),
        };
        let ok: workervoice_protocol::auth::Ok = phone.post(paths::AUTH_CHANGE_PIN, &change).await.ok();
        assert!(ok.ok);
        phone.login("1001", "2468").await.assert_error("wrong_pin");
        let after = phone.login_ok("1001", "8642").await;
        assert_eq!(after.hub_share, first.hub_share, "the share survives a PIN change");
        assert_eq!(phone.params("1001").await, new_kdf);
    })
    .await;
}

#[tokio::test]
async fn a_pin_change_with_a_wrong_old_pin_counts_as_a_wrong_pin() {
    within_time(async {
        let (_hub, _factory, phone, code, _) = roster_hub().await;
        phone.activate("1001", &code, "2468").await.ok::<LoginResponse>();
        let change = ChangePinRequest {
            worker_number: "1001".into(),
            old_pin_proof: proof("1111"),
            new_kdf: fresh_kdf(),
            new_pin_proof: proof("8642"),
        };
        let reply = phone.post(paths::AUTH_CHANGE_PIN, &change).await;
        reply.assert_error("wrong_pin");
        assert_eq!(reply.attempts_left(), Some(9));
        phone.login_ok("1001", "2468").await;
    })
    .await;
}

fn registration(join_code: &str, number: &str) -> RegisterRequest {
    RegisterRequest {
        join_code: join_code.into(),
        worker_number: number.into(),
        display_name: "Hoa Pham".into(),
        language: "vi".into(),
        kdf: fresh_kdf(),
        pin_proof: proof("5555"),
    }
}

#[tokio::test]
async fn self_registration_works_with_the_join_code_when_the_factory_allows_it() {
    within_time(async {
        let hub = TestHub::start().await;
        let (factory, device) = hub.factory_with_device(true, DeviceMode::Shared).await;
        let join_code = factory.join_code.clone().expect("a join code");
        let request = registration(&join_code.to_lowercase(), "2001");
        let registered: LoginResponse = device.post(paths::AUTH_REGISTER, &request).await.ok();
        assert_eq!(registered.display_name, "Hoa Pham");
        assert_eq!(device.login_ok("2001", "5555").await.hub_share, registered.hub_share);
        assert_eq!(device.params("2001").await, request.kdf);

        device.post(paths::AUTH_REGISTER, &registration(&join_code, "2001")).await.assert_error("worker_exists");
    })
    .await;
}

#[tokio::test]
async fn self_registration_is_refused_with_a_wrong_join_code_or_when_off() {
    within_time(async {
        let hub = TestHub::start().await;
        let (open, device) = hub.factory_with_device(true, DeviceMode::Personal).await;
        assert!(open.join_code.is_some());
        let reply = device.post(paths::AUTH_REGISTER, &registration("AAAA-BBBB-CCCC", "2001")).await;
        reply.assert_error("self_registration_disabled");

        let (closed, closed_device) = hub.factory_with_device(false, DeviceMode::Personal).await;
        assert!(closed.join_code.is_none());
        let own_code = open.join_code.unwrap();
        let reply = closed_device.post(paths::AUTH_REGISTER, &registration(&own_code, "2001")).await;
        reply.assert_error("self_registration_disabled");
    })
    .await;
}

#[tokio::test]
async fn a_reset_worker_gets_a_new_code_and_old_devices_lose_their_share() {
    within_time(async {
        let (hub, factory, phone, code, _) = roster_hub().await;
        let before = phone.activate("1001", &code, "2468").await.ok::<LoginResponse>();
        let reset: ResetWorkerResponse =
            hub.admin(Method::POST, &format!("/admin/v1/factories/{}/workers/1001/reset", factory.id), None).await.ok();
        assert_eq!(reset.activation.worker_number, "1001");
        phone.login("1001", "2468").await.assert_error("wrong_pin");
        phone.activate("1001", &code, "2468").await.assert_error("activation_invalid");
        let after = phone.activate("1001", &reset.activation.activation_code, "1357").await.ok::<LoginResponse>();
        assert_eq!(after.worker_id, before.worker_id);
        assert_ne!(after.hub_share, before.hub_share, "the old vault stays shredded");
    })
    .await;
}

#[tokio::test]
async fn retiring_a_device_shreds_its_shares() {
    within_time(async {
        let (hub, factory, phone, code, _) = roster_hub().await;
        phone.activate("1001", &code, "2468").await.ok::<LoginResponse>();
        let tablet = second_device(&hub, &factory).await;
        let tablet_share = tablet.login_ok("1001", "2468").await.hub_share;
        hub.admin(Method::POST, &format!("/admin/v1/devices/{}/retire", phone.device_id), None).await;
        // The other device is untouched.
        assert_eq!(tablet.login_ok("1001", "2468").await.hub_share, tablet_share);
        phone.login("1001", "2468").await.assert_error("device_retired");
    })
    .await;
}

#[tokio::test]
async fn offline_sign_in_confirmation_is_for_shared_devices_and_answers_a_replay_alike() {
    use workervoice_protocol::auth::{ConfirmSignInRequest, ConfirmSignInResponse};
    within_time(async {
        let (hub, factory, phone, code, _) = roster_hub().await;
        let activated: LoginResponse = phone.activate("1001", &code, "2468").await.ok();
        let tablet = second_device(&hub, &factory).await;
        let key = tablet.login_ok("1001", "2468").await.hub_sealing_key.expect("devices get the hub's sealing key");
        assert_eq!(key.len(), 32);
        assert_eq!(activated.hub_sealing_key, Some(key.clone()), "the same key for every device");
        assert_eq!(tablet.login_ok("1001", "2468").await.hub_sealing_key, Some(key), "stable");

        let request = ConfirmSignInRequest { sign_in_id: "3f1c".into(), enc: vec![9; 32], sealed: vec![1; 80] };
        phone.post(paths::AUTH_CONFIRM_OFFLINE, &request).await.assert_error("unauthorized");
        // Not a proof this tablet sealed for this id: rejected, final, and the
        // same answer to a retry.
        let first: ConfirmSignInResponse = tablet.post(paths::AUTH_CONFIRM_OFFLINE, &request).await.ok();
        let again: ConfirmSignInResponse = tablet.post(paths::AUTH_CONFIRM_OFFLINE, &request).await.ok();
        assert!(!first.confirmed && !again.confirmed);
        let oversized = ConfirmSignInRequest { sealed: vec![0; 4096], ..request.clone() };
        tablet.post(paths::AUTH_CONFIRM_OFFLINE, &oversized).await.assert_error("bad_request");
        let no_id = ConfirmSignInRequest { sign_in_id: String::new(), ..request };
        tablet.post(paths::AUTH_CONFIRM_OFFLINE, &no_id).await.assert_error("bad_request");
        assert!(workers(&hub, &factory).await.iter().all(|w| w.failed_attempts == 0), "garbage counts against nobody");
    })
    .await;
}
