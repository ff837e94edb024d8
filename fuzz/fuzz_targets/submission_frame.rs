//! The hub's parser of `POST /v1/submissions` bodies (unsigned, from anyone):
//! a framed header and sealed payload (`protocol::grievance`).
//!
//! Asserts: a frame that parses re-frames to a frame that parses to the same
//! header and payload; a typed error otherwise, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workervoice_protocol::grievance::{FrameError, frame_submission, parse_submission};

fuzz_target!(|data: &[u8]| {
    match parse_submission(data) {
        Ok((header, payload)) => {
            assert!(payload.len() <= data.len() - 8);
            // Re-framing can only fail on size, and the parsed parts were in bounds.
            let framed =
                frame_submission(&header, payload).unwrap_or_else(|error| panic!("re-framing failed: {error}"));
            let (again, again_payload) = parse_submission(&framed)
                .unwrap_or_else(|error| panic!("a re-framed submission does not parse: {error}"));
            assert_eq!(again, header);
            assert_eq!(again_payload, payload);
        }
        Err(FrameError::Malformed | FrameError::TooLarge | FrameError::BadHeader) => {}
    }
});
