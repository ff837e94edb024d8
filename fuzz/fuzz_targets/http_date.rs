//! HTTP dates: the `Date` header of every hub reply, which a device reads to
//! learn the hub's clock (`core::clock::parse_http_date`).
//!
//! Asserts, against an independent parser (the `httpdate` crate) and our
//! own formatter: a date both parse means the same second; an IMF-fixdate
//! `httpdate` accepts is accepted; a parsed date formats back to a date that
//! parses to the same second.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workervoice_core::clock::parse_http_date;
use workervoice_fuzz::format_http_date;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ours = parse_http_date(text);
    let theirs = httpdate::parse_http_date(text.trim())
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|since| i64::try_from(since.as_secs()).ok());
    if let (Some(ours), Some(theirs)) = (ours, theirs) {
        assert_eq!(ours, theirs, "two parsers read {text:?} as different times");
    }
    let imf_fixdate =
        text.trim().len() == 29 && text.trim().ends_with(" GMT") && text.trim().as_bytes().get(3) == Some(&b',');
    if theirs.is_some() && imf_fixdate {
        assert!(ours.is_some(), "an IMF-fixdate {text:?} was refused");
    }
    if let Some(secs) = ours
        && let Some(formatted) = format_http_date(secs)
    {
        assert_eq!(parse_http_date(&formatted), Some(secs), "{formatted:?} does not parse back");
    }
});
