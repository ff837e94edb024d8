//! Helpers shared by the fuzz targets in `fuzz_targets/` and by the seed
//! writer: a fixed programme signing key (so a target can sign the fuzzed body
//! and reach the parser behind the signature check), a formatter of HTTP dates
//! (to check the device's parser against), and input splitting.
//!
//! Nothing here is used outside fuzzing; the keys are public test keys.

use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};

/// Seed of the programme key the targets sign with (a public test value).
const PROGRAMME_SEED: [u8; 32] = [0x5A; 32];

/// The fuzzing programme's Ed25519 key pair.
pub fn programme_key() -> Ed25519KeyPair {
    match Ed25519KeyPair::from_seed_unchecked(&PROGRAMME_SEED) {
        Ok(pair) => pair,
        // A fixed 32-byte seed always makes a key; nothing to fuzz without it.
        Err(_) => unreachable!("a 32-byte Ed25519 seed is always accepted"),
    }
}

/// The programme's public key (what a device pins).
pub fn programme_public_key() -> Vec<u8> {
    programme_key().public_key().as_ref().to_vec()
}

/// Signs `signing_input` with the programme key.
pub fn sign(signing_input: &[u8]) -> Vec<u8> {
    programme_key().sign(signing_input).as_ref().to_vec()
}

/// Whether `signature` over `signing_input` verifies under the programme key.
pub fn verifies(signing_input: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&ED25519, programme_public_key()).verify(signing_input, signature).is_ok()
}

/// Splits an input at its first NUL byte: JSON and header text never hold a
/// raw NUL, so the fuzzer can vary both halves independently.
pub fn split_nul(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|byte| *byte == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

/// The first byte (a selector) and the rest; `None` for an empty input.
pub fn selector(data: &[u8]) -> Option<(u8, &[u8])> {
    data.split_first().map(|(first, rest)| (*first, rest))
}

/// Formats unix seconds as an RFC 9110 IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`); `None` before 1970 or after 9999.
pub fn format_http_date(secs: i64) -> Option<String> {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    if !(0..253_402_300_800).contains(&secs) {
        return None;
    }
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    Some(format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        day,
        MONTHS[(month - 1) as usize],
        year,
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    ))
}

/// Year, month (1–12) and day (1–31) of a day count since 1970-01-01
/// (the proleptic Gregorian calendar; H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Parses `bytes` as JSON of `T`; when that succeeds, checks that the value
/// survives serializing and parsing again unchanged (what one side writes, the
/// other reads back as the same value). Returns the parsed value.
pub fn json_round_trip<T>(bytes: &[u8]) -> Option<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let value: T = serde_json::from_slice(bytes).ok()?;
    let written = match serde_json::to_vec(&value) {
        Ok(written) => written,
        Err(error) => panic!("a parsed value does not serialize: {error}"),
    };
    match serde_json::from_slice::<T>(&written) {
        Ok(again) => assert_eq!(again, value, "JSON round trip changed the value"),
        Err(error) => panic!("serialized JSON does not parse back: {error}: {}", String::from_utf8_lossy(&written)),
    }
    Some(value)
}

/// Like [`json_round_trip`] for types without `PartialEq`: compares the
/// JSON values written before and after a second parse.
pub fn json_value_round_trip<T>(bytes: &[u8]) -> Option<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let value: T = serde_json::from_slice(bytes).ok()?;
    let first =
        serde_json::to_value(&value).unwrap_or_else(|error| panic!("a parsed value does not serialize: {error}"));
    let again: T = serde_json::from_value(first.clone())
        .unwrap_or_else(|error| panic!("serialized JSON does not parse back: {error}: {first}"));
    let second =
        serde_json::to_value(&again).unwrap_or_else(|error| panic!("a reparsed value does not serialize: {error}"));
    assert_eq!(first, second, "JSON round trip changed the value");
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_format_as_rfc_9110_examples() {
        assert_eq!(format_http_date(784_111_777).as_deref(), Some("Sun, 06 Nov 1994 08:49:37 GMT"));
        assert_eq!(format_http_date(0).as_deref(), Some("Thu, 01 Jan 1970 00:00:00 GMT"));
        assert_eq!(format_http_date(1_709_251_199).as_deref(), Some("Thu, 29 Feb 2024 23:59:59 GMT"));
    }

    #[test]
    fn the_programme_key_signs_what_it_verifies() {
        let signature = sign(b"body");
        assert!(verifies(b"body", &signature));
        assert!(!verifies(b"other", &signature));
    }
}
