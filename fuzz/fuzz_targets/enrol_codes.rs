//! Text people scan or type: enrolment QR payloads
//! (`workervoice://enrol?...`, `protocol::codes::EnrolmentQr::parse`),
//! enrolment and activation codes (`normalize_code`), receipts typed to
//! follow a case up (`core::grievance::receipt::derive`), hub URLs
//! (`core::net::check_hub_url`), and the base64 every binary field uses.
//!
//! Asserts: a QR payload that parses prints back to one that parses the same;
//! normalizing is idempotent; a receipt typed with other spacing and case
//! derives the same keys, and only well-shaped receipts derive any;
//! base64 decodes only what encodes back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workervoice_core::grievance::receipt::derive;
use workervoice_core::net::{NetConfig, check_hub_url};
use workervoice_protocol::b64;
use workervoice_protocol::codes::{CASE_ID_SYMBOLS, EnrolmentQr, RECEIPT_SECRET_DIGITS, normalize_code};

/// What a person might type into a receipt field: Crockford letters and
/// digits, separators, and letters from other scripts (a phone keyboard in
/// Vietnamese or Chinese). Raw fuzzer bytes are rarely valid UTF-8, so
/// [`typed`] maps each byte to one of these to reach multi-byte text.
const TYPED: [char; 32] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'K', 'Q', 'M', 'X', 'W', 'D', 'o', 'l', 'i', '-', ' ', '\n',
    '\u{3000}', 'é', 'ệ', 'İ', 'ß', 'K', '中', '٣', '𝟗', 'Ⅻ',
];

fn typed(data: &[u8]) -> String {
    data.iter().map(|byte| TYPED[usize::from(*byte) % TYPED.len()]).collect()
}

fn check_receipt(text: &str) {
    let (case_id, secret) = text.split_once('\n').unwrap_or((text, ""));
    if let Some(keys) = derive(case_id, secret) {
        assert_eq!(normalize_code(&keys.case_id).len(), CASE_ID_SYMBOLS);
        assert_eq!(normalize_code(secret).len(), RECEIPT_SECRET_DIGITS);
        let sloppy = derive(&case_id.to_lowercase().replace('-', " "), &secret.replace(' ', "-"));
        let same = sloppy.is_some_and(|other| other.case_id == keys.case_id && *other.token == *keys.token);
        assert!(same, "a receipt typed differently derived other keys");
    }
}

fuzz_target!(|data: &[u8]| {
    check_receipt(&typed(data));
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(qr) = EnrolmentQr::parse(text) {
        assert_eq!(EnrolmentQr::parse(&qr.to_payload()), Some(qr.clone()), "a QR payload did not print back");
        let _ = check_hub_url(&qr.hub_url, &NetConfig::default());
    }
    let normalized = normalize_code(text);
    assert_eq!(normalize_code(&normalized), normalized, "normalizing is not idempotent");

    check_receipt(text);

    if let Some(bytes) = b64::decode(text) {
        assert_eq!(b64::encode(&bytes), text, "base64 accepted a non-canonical encoding");
    }
});
