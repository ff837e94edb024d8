//! HTTP ranges for content blob downloads: the hub's `Range` parser
//! (`hub::parse_range`, from any device) and the device's `Content-Range`
//! parser (`core::content::download::parse_content_range`, from the hub).
//!
//! Asserts: a parsed range is ordered and prints back (canonically) to a
//! header that parses to the same range; no panic on any header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workervoice_core::content::download::parse_content_range;
use workervoice_hub::parse_range;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some((start, end)) = parse_range(text) {
        assert!(end.is_none_or(|end| end >= start), "a backwards range was accepted");
        let canonical = match end {
            Some(end) => format!("bytes={start}-{end}"),
            None => format!("bytes={start}-"),
        };
        assert_eq!(parse_range(&canonical), Some((start, end)));
    }
    if let Some((first, last, total)) = parse_content_range(text) {
        assert_eq!(parse_content_range(&format!("bytes {first}-{last}/{total}")), Some((first, last, total)));
    }
});
