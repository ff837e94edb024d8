//! Signed device requests.
//!
//! After enrolment every device request carries four headers and an Ed25519
//! signature over a canonical string that binds the method, the path with its
//! query, the device id, a timestamp, a random nonce and the SHA-256 of the
//! body. The hub accepts a request only if the device is known and active, the
//! signature verifies, the timestamp is within [`MAX_CLOCK_SKEW_SECS`] of its
//! clock and the nonce has not been seen from that device inside that window.
//! So a captured request cannot be replayed, and no byte of it can be changed.
//!
//! What it does not do: hide anything (that is TLS's job) or prove which
//! worker is at the device (that is the PIN proof's job).

use ring::digest::{SHA256, digest};

/// Header: the device id issued at enrolment.
pub const HEADER_DEVICE: &str = "x-wv-device";
/// Header: unix seconds when the request was signed.
pub const HEADER_TIMESTAMP: &str = "x-wv-timestamp";
/// Header: 16 random bytes, base64, unique per request.
pub const HEADER_NONCE: &str = "x-wv-nonce";
/// Header: Ed25519 signature over [`canonical_request`], base64.
pub const HEADER_SIGNATURE: &str = "x-wv-signature";

/// How far a request's timestamp may be from the hub's clock.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;
/// Length of the random nonce in bytes.
pub const NONCE_LEN: usize = 16;

/// The fields of a signed request other than the signature.
#[derive(Debug, Clone, Copy)]
pub struct RequestToSign<'a> {
    /// Upper-case HTTP method.
    pub method: &'a str,
    /// Path with query string, exactly as sent (e.g. `/v1/auth/login`).
    pub path_and_query: &'a str,
    /// The device id.
    pub device_id: &'a str,
    /// Unix seconds.
    pub timestamp: i64,
    /// Base64 nonce as sent in the header.
    pub nonce: &'a str,
    /// The exact body bytes.
    pub body: &'a [u8],
}

/// The byte string a device signs and the hub verifies.
pub fn canonical_request(request: &RequestToSign<'_>) -> Vec<u8> {
    let body_hash = hex::encode(digest(&SHA256, request.body));
    format!(
        "workervoice/request/v1\n{}\n{}\n{}\n{}\n{}\n{}",
        request.method.to_ascii_uppercase(),
        request.path_and_query,
        request.device_id,
        request.timestamp,
        request.nonce,
        body_hash
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(body: &[u8]) -> Vec<u8> {
        canonical_request(&RequestToSign {
            method: "post",
            path_and_query: "/v1/auth/login",
            device_id: "dev-1",
            timestamp: 1_700_000_000,
            nonce: "bm9uY2U",
            body,
        })
    }

    #[test]
    fn every_field_changes_the_signed_bytes() {
        let base = sample(b"{}");
        assert_ne!(base, sample(b"{ }"));
        let other_path = canonical_request(&RequestToSign {
            method: "POST",
            path_and_query: "/v1/auth/change-pin",
            device_id: "dev-1",
            timestamp: 1_700_000_000,
            nonce: "bm9uY2U",
            body: b"{}",
        });
        assert_ne!(base, other_path);
        assert!(String::from_utf8(base).is_ok_and(|s| s.starts_with("workervoice/request/v1\nPOST\n")));
    }
}
