//! Every reply body a device reads from the hub, through the device's one
//! decoder (`core::net::decode_reply`), chosen by the first input byte; the
//! next two bytes are the HTTP status. Also signed training certificates
//! (`protocol::progress::verify_certificate`).
//!
//! Asserts: a success status gives the typed reply exactly when the body is
//! JSON of that type (and it round-trips); any other status is an error, a
//! `Refused` one exactly when the body is the hub's error body; the push
//! loop's classification of the error (`core::sync::outcome`) never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use workervoice_core::net::{NetError, StatusCode, decode_reply};
use workervoice_core::sync::outcome;
use workervoice_fuzz::{json_value_round_trip, sign};
use workervoice_protocol::error::ErrorBody;
use workervoice_protocol::{auth, content, directory, enrol, grievance, progress, survey_response};

fn check<R: Serialize + DeserializeOwned>(status: StatusCode, body: &[u8]) {
    let typed = serde_json::from_slice::<R>(body).is_ok();
    match decode_reply::<R>(status, body) {
        Ok(_) => {
            assert!(status.is_success() && typed, "decode_reply accepted what is not a {status} reply");
            json_value_round_trip::<R>(body);
        }
        Err(error) => {
            assert!(!(status.is_success() && typed), "decode_reply refused a well-formed reply");
            if let NetError::Refused(_) = &error {
                assert!(
                    !status.is_success()
                        && (serde_json::from_slice::<ErrorBody>(body).is_ok()
                            || status.is_server_error()
                            || status == StatusCode::TOO_MANY_REQUESTS)
                );
            }
            let _ = outcome(error);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let [kind, high, low, body @ ..] = data else { return };
    let status = StatusCode::from_u16(100 + u16::from_be_bytes([*high, *low]) % 500).unwrap_or(StatusCode::OK);
    match kind % 20 {
        0 => check::<auth::AuthParamsResponse>(status, body),
        1 => check::<auth::LoginResponse>(status, body),
        2 => check::<auth::ConfirmSignInResponse>(status, body),
        3 => check::<auth::Ok>(status, body),
        4 => check::<enrol::EnrolResponse>(status, body),
        5 => check::<enrol::DeviceStatusResponse>(status, body),
        6 => check::<directory::DirectoryResponse>(status, body),
        7 => check::<grievance::SubmitResponse>(status, body),
        8 => check::<grievance::CaseSyncResponse>(status, body),
        9 => check::<grievance::AttachmentProgress>(status, body),
        10 => check::<content::Catalog>(status, body),
        11 => check::<content::SignedManifest>(status, body),
        12 => check::<progress::ProgressUploadResponse>(status, body),
        13 => check::<progress::ProgressPullResponse>(status, body),
        14 => check::<progress::LeaderboardResponse>(status, body),
        15 => check::<survey_response::OpenSurveysResponse>(status, body),
        16 => check::<survey_response::TokenResponse>(status, body),
        17 => check::<survey_response::ResponseReceipt>(status, body),
        18 => check::<serde_json::Value>(status, body),
        _ => {
            // A certificate body signed with the fuzzing programme key.
            let public = workervoice_fuzz::programme_public_key();
            let signed = progress::SignedCertificate {
                body: body.to_vec(),
                signature: sign(&progress::certificate_signing_input(body)),
            };
            let verified = progress::verify_certificate(&signed, &public);
            let parsed = serde_json::from_slice::<progress::Certificate>(body).ok();
            let ours = parsed.filter(|c| c.programme_id == workervoice_protocol::content::programme_id(&public));
            assert_eq!(verified, ours, "a certificate verified other than as its body says");
            assert_eq!(progress::verify_certificate(&signed, &[0x11; 32]), None);
        }
    }
});
