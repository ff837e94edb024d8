//! Entry points for the fuzz targets (`fuzz/`): the hub's parsers of
//! outside bytes that sit behind private code paths, called exactly as the
//! request handlers call them, without a database or a server.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use workervoice_protocol::auth::{ConfirmSignInRequest, OfflineSignInProof};
use workervoice_protocol::progress::{ProgressBatch, ProgressUpload};

use crate::keys::HubKeys;

/// A hub's keys, derived from a secret as the hub derives them from
/// `hub-secret.key`.
pub struct FuzzHub {
    keys: HubKeys,
}

/// The signature headers of a device request, as the hub read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadHeaders {
    /// The device id, as sent.
    pub device_id: String,
    /// The request time, unix seconds.
    pub timestamp: i64,
    /// The nonce as sent (it is signed in this form) and decoded.
    pub nonce_text: String,
    /// The decoded nonce.
    pub nonce: Vec<u8>,
    /// The decoded signature.
    pub signature: Vec<u8>,
}

impl FuzzHub {
    /// Keys derived from `secret` (the contents of a hub secret file).
    pub fn new(secret: &[u8]) -> Self {
        Self { keys: HubKeys::derive(secret) }
    }

    /// The public key shared devices seal offline sign-ins and progress
    /// uploads to.
    pub fn sealing_public_key(&self) -> Vec<u8> {
        crate::auth::offline::public_key(&self.keys)
    }

    /// `POST /v1/auth/confirm-offline` after the signature check: the JSON
    /// body parsed, the proof opened for `device_id`; `None` where the hub
    /// answers `bad_request` or counts a failure.
    pub fn open_offline_proof(&self, device_id: &str, body: &[u8]) -> Option<OfflineSignInProof> {
        let request: ConfirmSignInRequest = crate::extract::parse_json(body).ok()?;
        crate::auth::offline::open_proof(&self.keys, device_id, &request)
    }

    /// `POST /v1/progress/upload` after the signature check: the JSON body
    /// parsed, the batch opened for `device_id`.
    pub fn open_progress_upload(&self, device_id: &str, body: &[u8]) -> Option<ProgressBatch> {
        let upload: ProgressUpload = crate::extract::parse_json(body).ok()?;
        crate::training::upload::open_batch(&self.keys, device_id, &upload)
    }
}

/// Reads a device request's signature headers from `(name, value)` pairs as
/// they arrived; `None` where the hub answers `unauthorized` before looking
/// at the database (a pair that is not a valid header is skipped, as hyper
/// would refuse it).
pub fn read_signature_headers(pairs: &[(&[u8], &[u8])]) -> Option<ReadHeaders> {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
            headers.append(name, value);
        }
    }
    let read = crate::device_auth::read_headers(&headers).ok()?;
    Some(ReadHeaders {
        device_id: read.device_id,
        timestamp: read.timestamp,
        nonce_text: read.nonce_text,
        nonce: read.nonce,
        signature: read.signature,
    })
}
