//! Device enrolment with one-time codes.

mod support;

use support::{FakeDevice, TestHub, enrol_request, new_key, within_time};
use workervoice_protocol::codes::EnrolmentQr;
use workervoice_protocol::enrol::{DeviceMode, EnrolResponse};

#[tokio::test]
async fn an_enrolment_code_works_once_and_only_once() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let code = hub.issue_code(&factory.id, DeviceMode::Personal).await;

        let first = FakeDevice::try_enrol(&hub, &enrol_request(&new_key(), &code.code, DeviceMode::Personal)).await;
        let enrolled: EnrolResponse = first.ok();
        assert_eq!(enrolled.factory_id, factory.id);
        assert_eq!(enrolled.factory_name, "Test Factory");
        assert!((enrolled.hub_time - support::now()).abs() < 60);

        let again = FakeDevice::try_enrol(&hub, &enrol_request(&new_key(), &code.code, DeviceMode::Personal)).await;
        again.assert_error("enrolment_code_invalid");
    })
    .await;
}

#[tokio::test]
async fn the_same_key_repeating_its_enrolment_gets_the_original_answer() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let code = hub.issue_code(&factory.id, DeviceMode::Personal).await;
        let key = new_key();
        let request = enrol_request(&key, &code.code, DeviceMode::Personal);
        let first: EnrolResponse = FakeDevice::try_enrol(&hub, &request).await.ok();
        // The reply was lost; the device retries with the same key and code.
        let again: EnrolResponse = FakeDevice::try_enrol(&hub, &request).await.ok();
        assert_eq!(again.device_id, first.device_id);
        assert_eq!(again.factory_id, first.factory_id);
        // Another key still cannot use the spent code, nor the same key another mode.
        FakeDevice::try_enrol(&hub, &enrol_request(&new_key(), &code.code, DeviceMode::Personal))
            .await
            .assert_error("enrolment_code_invalid");
        FakeDevice::try_enrol(&hub, &enrol_request(&key, &code.code, DeviceMode::Shared))
            .await
            .assert_error("enrolment_code_invalid");
    })
    .await;
}

#[tokio::test]
async fn a_code_typed_sloppily_still_enrols() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let code = hub.issue_code(&factory.id, DeviceMode::Shared).await;
        let sloppy = code.code.to_lowercase().replace('-', " ");
        FakeDevice::enrol(&hub, &sloppy, DeviceMode::Shared).await;
    })
    .await;
}

#[tokio::test]
async fn a_code_for_the_other_mode_is_refused() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let code = hub.issue_code(&factory.id, DeviceMode::Shared).await;
        let reply = FakeDevice::try_enrol(&hub, &enrol_request(&new_key(), &code.code, DeviceMode::Personal)).await;
        reply.assert_error("enrolment_code_invalid");
        // Refusing did not spend it.
        FakeDevice::enrol(&hub, &code.code, DeviceMode::Shared).await;
    })
    .await;
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let code = hub.issue_code(&factory.id, DeviceMode::Personal).await;
        // (The bundled SQLite has no date functions: the time comes from here.)
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        hub.sql(&format!("UPDATE enrolment_codes SET expires_at = {}", now - 1));
        let reply = FakeDevice::try_enrol(&hub, &enrol_request(&new_key(), &code.code, DeviceMode::Personal)).await;
        reply.assert_error("enrolment_code_invalid");
    })
    .await;
}

#[tokio::test]
async fn an_unknown_code_is_refused_like_a_used_one() {
    within_time(async {
        let hub = TestHub::start().await;
        let reply =
            FakeDevice::try_enrol(&hub, &enrol_request(&new_key(), "ABCD-EFGH-JKMN", DeviceMode::Personal)).await;
        reply.assert_error("enrolment_code_invalid");
    })
    .await;
}

#[tokio::test]
async fn an_enrolment_signed_by_another_key_is_refused_and_keeps_the_code() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let code = hub.issue_code(&factory.id, DeviceMode::Personal).await;
        let mut request = enrol_request(&new_key(), &code.code, DeviceMode::Personal);
        request.public_key = enrol_request(&new_key(), &code.code, DeviceMode::Personal).public_key;
        FakeDevice::try_enrol(&hub, &request).await.assert_error("unauthorized");
        FakeDevice::enrol(&hub, &code.code, DeviceMode::Personal).await;
    })
    .await;
}

#[tokio::test]
async fn a_key_that_is_already_enrolled_cannot_enrol_again() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let first = hub.issue_code(&factory.id, DeviceMode::Personal).await;
        let second = hub.issue_code(&factory.id, DeviceMode::Personal).await;
        let key = new_key();
        FakeDevice::try_enrol(&hub, &enrol_request(&key, &first.code, DeviceMode::Personal))
            .await
            .ok::<EnrolResponse>();
        let reply = FakeDevice::try_enrol(&hub, &enrol_request(&key, &second.code, DeviceMode::Personal)).await;
        reply.assert_error("bad_request");
    })
    .await;
}

#[tokio::test]
async fn a_public_key_of_the_wrong_length_is_a_bad_request() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let code = hub.issue_code(&factory.id, DeviceMode::Personal).await;
        let mut request = enrol_request(&new_key(), &code.code, DeviceMode::Personal);
        request.public_key.push(0);
        FakeDevice::try_enrol(&hub, &request).await.assert_error("bad_request");
    })
    .await;
}

#[tokio::test]
async fn issued_codes_carry_a_qr_payload_naming_this_hub() {
    within_time(async {
        let hub = TestHub::start().await;
        let factory = hub.create_factory(false).await;
        let code = hub.issue_code(&factory.id, DeviceMode::Shared).await;
        let qr = EnrolmentQr::parse(&code.qr_payload).expect("a v1 enrolment QR payload");
        assert_eq!(qr.hub_url, hub.hub.base_url);
        assert_eq!(qr.code, code.code);
        assert!(code.expires_at > support::now() + 6 * 86_400);
    })
    .await;
}

#[tokio::test]
async fn a_configured_public_url_goes_into_qr_payloads() {
    within_time(async {
        let hub = TestHub::start_with(|config| config.public_url = Some("https://hub.example.org/".into())).await;
        let factory = hub.create_factory(false).await;
        let code = hub.issue_code(&factory.id, DeviceMode::Personal).await;
        let qr = EnrolmentQr::parse(&code.qr_payload).expect("a v1 enrolment QR payload");
        assert_eq!(qr.hub_url, "https://hub.example.org");
    })
    .await;
}
