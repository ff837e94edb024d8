//! Signs requests with the device identity (see `protocol::signing`).

use workervoice_protocol::b64;
use workervoice_protocol::signing::{self, RequestToSign};

use super::NetError;
use crate::crypto::{DeviceIdentity, random_bytes};

/// The device id and identity, ready to sign requests.
pub struct Signer {
    device_id: String,
    identity: DeviceIdentity,
}

impl Signer {
    /// A signer for an enrolled device.
    pub fn new(device_id: String, identity: DeviceIdentity) -> Self {
        Self { device_id, identity }
    }

    /// The four headers of a signed request made at `timestamp` (unix
    /// seconds on the hub's clock, as well as the device knows it).
    pub fn headers(
        &self,
        method: &str,
        path_and_query: &str,
        body: &[u8],
        timestamp: i64,
    ) -> Result<Vec<(&'static str, String)>, NetError> {
        let nonce = b64::encode(&random_bytes::<{ signing::NONCE_LEN }>().map_err(|_| NetError::Signing)?);
        let canonical = signing::canonical_request(&RequestToSign {
            method,
            path_and_query,
            device_id: &self.device_id,
            timestamp,
            nonce: &nonce,
            body,
        });
        let signature = self.identity.sign(&canonical).map_err(|_| NetError::Signing)?;
        Ok(vec![
            (signing::HEADER_DEVICE, self.device_id.clone()),
            (signing::HEADER_TIMESTAMP, timestamp.to_string()),
            (signing::HEADER_NONCE, nonce),
            (signing::HEADER_SIGNATURE, b64::encode(&signature)),
        ])
    }
}
