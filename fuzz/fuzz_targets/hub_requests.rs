//! Every JSON request body the hub parses (devices, anonymous senders, staff
//! and handlers: `hub::extract::parse_json` is `serde_json::from_slice` of
//! these types), chosen by the first input byte, and the JSON the hub or a
//! handler reads after opening a sealed payload (grievance content, survey
//! response content).
//!
//! Asserts: what parses round-trips through JSON; the checks the hub runs
//! on a parsed body before any database work (`KdfParams::is_acceptable`,
//! `ProgressEvent::is_well_formed`, a survey response's MAC) never panic, and
//! a MAC computed over a response verifies while a changed one does not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workervoice_fuzz::json_value_round_trip as parse;
use workervoice_protocol::{admin, auth, enrol, envelope, grievance, handler, progress, survey_response};

fuzz_target!(|data: &[u8]| {
    let Some((kind, body)) = workervoice_fuzz::selector(data) else { return };
    match kind % 30 {
        0 => drop(parse::<enrol::EnrolRequest>(body)),
        1 => drop(parse::<auth::AuthParamsRequest>(body)),
        2 => drop(parse::<auth::ActivateRequest>(body)),
        3 => {
            if let Some(request) = parse::<auth::RegisterRequest>(body) {
                let _ = request.kdf.is_acceptable();
            }
        }
        4 => drop(parse::<auth::LoginRequest>(body)),
        5 => {
            if let Some(request) = parse::<auth::ChangePinRequest>(body) {
                let _ = request.new_kdf.is_acceptable();
            }
        }
        6 => drop(parse::<auth::ConfirmSignInRequest>(body)),
        7 => drop(parse::<enrol::DeviceHealthReport>(body)),
        8 => drop(parse::<grievance::CaseSyncRequest>(body)),
        9 => drop(parse::<grievance::WorkerReplyRequest>(body)),
        10 => drop(parse::<progress::ProgressUpload>(body)),
        11 => {
            if let Some(batch) = parse::<progress::ProgressBatch>(body) {
                for event in &batch.events {
                    let _ = event.is_well_formed();
                }
            }
        }
        12 => drop(parse::<progress::ProgressPullRequest>(body)),
        13 => drop(parse::<progress::LeaderboardRequest>(body)),
        14 => drop(parse::<survey_response::OpenSurveysRequest>(body)),
        15 => drop(parse::<survey_response::TokenRequest>(body)),
        16 => {
            if let Some(mut upload) = parse::<survey_response::ResponseUpload>(body) {
                let output = [0x24u8; 64];
                // Nobody holds this token output: no body can carry its MAC.
                assert!(!survey_response::response_mac_valid(&[0x25u8; 64], &upload), "a forged MAC verified");
                upload.token_mac = survey_response::response_mac(&output, &upload);
                assert!(survey_response::response_mac_valid(&output, &upload), "a response's own MAC is refused");
                upload.version = upload.version.wrapping_add(1);
                assert!(!survey_response::response_mac_valid(&output, &upload), "a changed response kept its MAC");
            }
        }
        17 => drop(parse::<survey_response::ResponseContent>(body)),
        18 => drop(parse::<envelope::GrievanceContent>(body)),
        19 => drop(parse::<admin::CreateFactoryRequest>(body)),
        20 => drop(parse::<admin::FactorySettings>(body)),
        21 => drop(parse::<admin::IssueCodesRequest>(body)),
        22 => drop(parse::<admin::RosterImport>(body)),
        23 => drop(parse::<admin::PublishDirectoryRequest>(body)),
        24 => drop(parse::<admin::SurveySchedule>(body)),
        25 => drop(parse::<admin::RecordEventRequest>(body)),
        26 => drop(parse::<handler::AcceptReaderInvitationRequest>(body)),
        27 => drop(parse::<handler::HandlerLoginRequest>(body)),
        28 => drop(parse::<handler::SetStatusRequest>(body)),
        _ => drop(parse::<handler::HandlerReplyRequest>(body)),
    }
});
