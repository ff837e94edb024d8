//! Verification of signed device requests (see
//! [`workervoice_protocol::signing`] for the format).
//!
//! Protects against: requests from anyone but an enrolled, active device;
//! any change to a signed request's method, path, query or body; a captured
//! request being replayed (the nonce is remembered for as long as its
//! timestamp could pass the skew check); requests signed long ago or far in
//! the future. A device whose key leaks can be retired by staff.
//!
//! Does not: hide anything (TLS does), or say which worker is at the device
//! (the PIN proof does).
//!
//! Order of checks: headers present and well-formed, device known, timestamp
//! within the skew window, signature valid, device still active, nonce
//! unseen. The retired state is reported only to a request that proves it
//! holds the device key, and a nonce is stored only after the signature
//! verified, so nobody else can use up a device's nonces.

use crate::db::sql::{Connection, OptionalExtension, TransactionBehavior, params};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::HeaderMap;
use ring::signature::{ED25519, UnparsedPublicKey};
use serde::de::DeserializeOwned;
use workervoice_protocol::b64;
use workervoice_protocol::enrol::DeviceMode;
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::signing::{
    HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, MAX_CLOCK_SKEW_SECS, NONCE_LEN, RequestToSign,
    canonical_request,
};

use crate::clock::unix_now;
use crate::error::ApiError;
use crate::extract::{parse_json, read_body};
use crate::state::AppState;

/// How long a nonce is remembered: a request stamped up to the skew window
/// in the future stays acceptable for another window after it arrives.
const NONCE_RETENTION_SECS: i64 = 2 * MAX_CLOCK_SKEW_SECS;

/// The device a verified request came from.
#[derive(Debug, Clone)]
pub(crate) struct AuthenticatedDevice {
    /// The device id.
    pub(crate) id: String,
    /// The factory the device was enrolled into.
    pub(crate) factory_id: String,
    /// How it is used (offline sign-ins exist only on shared devices).
    pub(crate) mode: DeviceMode,
}

/// A device request whose signature, timestamp and nonce verified, with the
/// exact body bytes that were signed.
pub(crate) struct SignedRequest {
    /// Who sent it.
    pub(crate) device: AuthenticatedDevice,
    /// The signed body.
    pub(crate) body: Bytes,
}

impl SignedRequest {
    /// Parses the signed body as JSON.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        parse_json(&self.body)
    }
}

/// The four signature headers, decoded.
pub(crate) struct SignatureHeaders {
    pub(crate) device_id: String,
    pub(crate) timestamp: i64,
    /// As sent: it is signed in this form.
    pub(crate) nonce_text: String,
    pub(crate) nonce: Vec<u8>,
    pub(crate) signature: Vec<u8>,
}

/// The request line and body the signature covers.
struct SignedParts {
    method: String,
    path_and_query: String,
    body: Bytes,
}

impl FromRequest<AppState> for SignedRequest {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = read_headers(request.headers())?;
        let method = request.method().as_str().to_owned();
        let path_and_query =
            request.uri().path_and_query().map_or_else(|| request.uri().path().to_owned(), |pq| pq.as_str().to_owned());
        let body = read_body(request).await?;
        let signed = SignedParts { method, path_and_query, body: body.clone() };
        let now = unix_now();
        let device_id = headers.device_id.clone();
        let stored = state.db.read(move |connection| load_device(connection, &device_id)).await?;
        // The signature is checked with no connection held; the write below
        // spends the nonce only if the device row still holds the key that
        // verified it.
        let verified = verify(stored, &headers, &signed, now)?;
        let device = state.db.run(move |connection| spend_nonce(connection, &headers, verified.clone(), now)).await?;
        Ok(Self { device, body })
    }
}

pub(crate) fn read_headers(headers: &HeaderMap) -> Result<SignatureHeaders, ApiError> {
    let text = |name: &str| -> Result<String, ApiError> {
        headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_owned).ok_or_else(ApiError::unauthorized)
    };
    let device_id = text(HEADER_DEVICE)?;
    let timestamp = text(HEADER_TIMESTAMP)?.parse::<i64>().map_err(|_| ApiError::unauthorized())?;
    let nonce_text = text(HEADER_NONCE)?;
    let nonce = b64::decode(&nonce_text).filter(|nonce| nonce.len() == NONCE_LEN).ok_or_else(ApiError::unauthorized)?;
    let signature = b64::decode(&text(HEADER_SIGNATURE)?).ok_or_else(ApiError::unauthorized)?;
    Ok(SignatureHeaders { device_id, timestamp, nonce_text, nonce, signature })
}

/// A device as stored: factory, mode, public key, state.
#[derive(Clone)]
struct StoredDevice {
    factory_id: String,
    mode: String,
    public_key: Vec<u8>,
    state: String,
}

fn load_device(connection: &mut Connection, device_id: &str) -> Result<Option<StoredDevice>, ApiError> {
    Ok(connection
        .query_row("SELECT factory_id, mode, public_key, state FROM devices WHERE id = ?1", [device_id], |row| {
            Ok(StoredDevice { factory_id: row.get(0)?, mode: row.get(1)?, public_key: row.get(2)?, state: row.get(3)? })
        })
        .optional()?)
}

/// Checks the request against the device as read: known, clock within
/// the skew, signature right, device active (in that order, as devices
/// are told).
fn verify(
    device: Option<StoredDevice>,
    headers: &SignatureHeaders,
    signed: &SignedParts,
    now: i64,
) -> Result<StoredDevice, ApiError> {
    let Some(device) = device else {
        return Err(ApiError::unauthorized());
    };
    if now.abs_diff(headers.timestamp) > MAX_CLOCK_SKEW_SECS.unsigned_abs() {
        return Err(ApiError::code(HubErrorCode::ClockSkew));
    }
    let message = canonical_request(&RequestToSign {
        method: &signed.method,
        path_and_query: &signed.path_and_query,
        device_id: &headers.device_id,
        timestamp: headers.timestamp,
        nonce: &headers.nonce_text,
        body: &signed.body,
    });
    UnparsedPublicKey::new(&ED25519, &device.public_key)
        .verify(&message, &headers.signature)
        .map_err(|_| ApiError::unauthorized())?;
    if device.state != "active" {
        return Err(ApiError::code(HubErrorCode::DeviceRetired));
    }
    Ok(device)
}

/// Spends the request's nonce (a second use is `replayed`) and records the
/// day the device was last seen, in one transaction that first checks the
/// device again: compare-and-set on the key that verified the signature,
/// and on the device still being active (an admin may have retired it
/// since it was read).
fn spend_nonce(
    connection: &mut Connection,
    headers: &SignatureHeaders,
    verified: StoredDevice,
    now: i64,
) -> Result<AuthenticatedDevice, ApiError> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = tx
        .query_row("SELECT public_key, state FROM devices WHERE id = ?1", [&headers.device_id], |row| {
            Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, String>(1)?))
        })
        .optional()?;
    let Some((public_key, device_state)) = current else {
        return Err(ApiError::unauthorized());
    };
    if public_key != verified.public_key {
        return Err(ApiError::unauthorized());
    }
    if device_state != "active" {
        return Err(ApiError::code(HubErrorCode::DeviceRetired));
    }
    tx.execute("DELETE FROM request_nonces WHERE seen_at < ?1", [now - NONCE_RETENTION_SECS])?;
    let inserted = tx.execute(
        "INSERT INTO request_nonces (device_id, nonce, seen_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![headers.device_id, headers.nonce, now],
    )?;
    if inserted == 0 {
        return Err(ApiError::code(HubErrorCode::Replayed));
    }
    // The day only (ADR 0016): staff need to know a tablet is alive, not the
    // second it last spoke, which would date its anonymous traffic.
    tx.execute(
        "UPDATE devices SET last_seen_at = ?1 WHERE id = ?2 AND last_seen_at IS DISTINCT FROM ?1",
        params![crate::clock::coarse(now, crate::clock::DAY_SECS), headers.device_id],
    )?;
    tx.commit()?;
    let mode =
        DeviceMode::parse(&verified.mode).ok_or_else(|| ApiError::internal("a stored device mode is unknown"))?;
    Ok(AuthenticatedDevice { id: headers.device_id.clone(), factory_id: verified.factory_id, mode })
}
