//! Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1
//! (ring), 30-second steps, 6 digits, accepting the step before and after
//! the current one for clock drift. The caller remembers the last step it
//! accepted per account, so each code works once.
//!
//! SHA-1 here is what every authenticator app implements; HOTP's security
//! rests on HMAC, where SHA-1's collision weakness does not apply.

use ring::hmac;

/// Seconds per step.
pub(crate) const STEP_SECS: i64 = 30;
/// Digits per code.
const DIGITS: u32 = 6;
/// Shortest secret accepted (RFC 4226 asks for at least 128 bits).
pub(crate) const MIN_SECRET_LEN: usize = 16;
/// Longest secret accepted.
pub(crate) const MAX_SECRET_LEN: usize = 64;

/// The time step containing unix time `now`.
pub(crate) fn step_at(now: i64) -> i64 {
    now.div_euclid(STEP_SECS)
}

/// The code for one step, as six ASCII digits.
pub(crate) fn code_for_step(secret: &[u8], step: i64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let tag = hmac::sign(&key, &step.to_be_bytes());
    let tag = tag.as_ref();
    // Dynamic truncation (RFC 4226 section 5.3).
    let offset = usize::from(tag[tag.len() - 1] & 0x0f);
    let binary = (u32::from(tag[offset] & 0x7f) << 24)
        | (u32::from(tag[offset + 1]) << 16)
        | (u32::from(tag[offset + 2]) << 8)
        | u32::from(tag[offset + 3]);
    format!("{:06}", binary % 10u32.pow(DIGITS))
}

/// The step `code` belongs to, if it matches the current step or one next
/// to it and is newer than `last_used_step`. Compares every candidate, in
/// constant time, so the answer's timing does not depend on which matched.
pub(crate) fn accepted_step(secret: &[u8], code: &str, now: i64, last_used_step: Option<i64>) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = step_at(now);
    let mut accepted = None;
    for step in [current - 1, current, current + 1] {
        let matches = crate::keys::constant_time_eq(code_for_step(secret, step).as_bytes(), code.as_bytes());
        if matches && last_used_step.is_none_or(|last| step > last) {
            accepted = Some(step);
        }
    }
    accepted
}

/// RFC 4648 base32 without padding: how authenticator apps take a secret
/// (typed, or in an `otpauth://` QR code).
pub(crate) fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (the 8-digit codes' last six digits).
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, code) in
            [(59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924")]
        {
            assert_eq!(code_for_step(secret, step_at(time)), code, "time {time}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_only_once() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_111;
        let previous = code_for_step(secret, step_at(now) - 1);
        let step = accepted_step(secret, &previous, now, None).expect("drift of one step");
        assert_eq!(accepted_step(secret, &previous, now, Some(step)), None, "used twice");
        let two_back = code_for_step(secret, step_at(now) - 2);
        assert_eq!(accepted_step(secret, &two_back, now, None), None);
        assert_eq!(accepted_step(secret, "12345", now, None), None);
    }

    #[test]
    fn base32_matches_rfc_4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(b"f"), "MY");
    }
}
