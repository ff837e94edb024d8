//! What the hub reads from a device behind private code paths
//! (`hub::fuzzing`): the offline sign-in proofs shared devices seal to the
//! hub (`POST /v1/auth/confirm-offline`), sealed training progress uploads
//! (`POST /v1/progress/upload`), and the signature headers of every signed
//! device request (`hub/src/device_auth.rs`).
//!
//! Input: a selector byte, then the device id and a body (or, for headers,
//! the four header values) separated by NUL bytes.
//!
//! Asserts: nothing panics on any body; a proof or batch the fuzzer wrote,
//! sealed to the hub's key as a device seals it, opens to the same value for
//! that device and for no other device (the device id is bound into the
//! HPKE info); whatever opens is well-formed JSON of its type; headers the
//! hub accepts carry a 16-byte nonce whose text decodes to it and a
//! signature that is valid base64 of what it read.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use workervoice_core::crypto::hpke::seal_base;
use workervoice_hub::fuzzing::{FuzzHub, read_signature_headers};
use workervoice_protocol::auth::{ConfirmSignInRequest, OfflineSignInProof, offline_sign_in_info};
use workervoice_protocol::b64;
use workervoice_protocol::progress::{ProgressBatch, ProgressUpload, upload_info};
use workervoice_protocol::signing::{HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, NONCE_LEN};

fn hub() -> &'static FuzzHub {
    static HUB: OnceLock<FuzzHub> = OnceLock::new();
    HUB.get_or_init(|| FuzzHub::new(&[0x5au8; 32]))
}

/// `device_id` NUL `rest`, the device id as UTF-8 (lossy).
fn device_and_body(data: &[u8]) -> (String, &[u8]) {
    let (device, body) = workervoice_fuzz::split_nul(data);
    (String::from_utf8_lossy(device).into_owned(), body)
}

fn offline(data: &[u8]) {
    let (device_id, body) = device_and_body(data);
    if let Some(proof) = hub().open_offline_proof(&device_id, body) {
        assert!(serde_json::to_vec(&proof).is_ok());
    }
    // The body as a proof the fuzzer wrote: sealed as a kiosk seals it.
    let Ok(proof) = serde_json::from_slice::<OfflineSignInProof>(body) else { return };
    let sign_in_id = format!("sign-in-{}", body.len());
    let plain = serde_json::to_vec(&proof).expect("a proof serializes");
    let info = offline_sign_in_info(&device_id, &sign_in_id);
    let sealed = seal_base(&hub().sealing_public_key(), &info, sign_in_id.as_bytes(), &plain).expect("HPKE sealing");
    let request = ConfirmSignInRequest { sign_in_id, enc: sealed.enc.to_vec(), sealed: sealed.ciphertext };
    let request = serde_json::to_vec(&request).expect("a request serializes");
    let opened = hub().open_offline_proof(&device_id, &request).expect("a sealed proof opens for its device");
    assert_eq!(serde_json::to_value(&opened).ok(), serde_json::to_value(&proof).ok(), "the proof changed");
    let other = format!("{device_id}-other");
    assert!(hub().open_offline_proof(&other, &request).is_none(), "a proof opened for another device");
}

fn progress(data: &[u8]) {
    let (device_id, body) = device_and_body(data);
    if let Some(batch) = hub().open_progress_upload(&device_id, body) {
        assert!(serde_json::to_vec(&batch).is_ok());
    }
    let Ok(batch) = serde_json::from_slice::<ProgressBatch>(body) else { return };
    let upload_id = format!("upload-{}", body.len());
    let plain = serde_json::to_vec(&batch).expect("a batch serializes");
    let info = upload_info(&device_id, &upload_id);
    let sealed = seal_base(&hub().sealing_public_key(), &info, upload_id.as_bytes(), &plain).expect("HPKE sealing");
    let upload = ProgressUpload { upload_id, enc: sealed.enc.to_vec(), sealed: sealed.ciphertext, device_sent_at: 0 };
    let upload = serde_json::to_vec(&upload).expect("an upload serializes");
    let opened = hub().open_progress_upload(&device_id, &upload).expect("a sealed batch opens for its device");
    assert_eq!(opened, batch, "the batch changed");
    let other = format!("{device_id}-other");
    assert!(hub().open_progress_upload(&other, &upload).is_none(), "a batch opened for another device");
}

fn headers(data: &[u8]) {
    let mut values = data.split(|byte| *byte == 0);
    let mut next = || values.next().unwrap_or_default();
    let (device, timestamp, nonce, signature) = (next(), next(), next(), next());
    let pairs: [(&[u8], &[u8]); 4] = [
        (HEADER_DEVICE.as_bytes(), device),
        (HEADER_TIMESTAMP.as_bytes(), timestamp),
        (HEADER_NONCE.as_bytes(), nonce),
        (HEADER_SIGNATURE.as_bytes(), signature),
    ];
    let Some(read) = read_signature_headers(&pairs) else { return };
    assert_eq!(read.nonce.len(), NONCE_LEN, "a nonce of the wrong length was accepted");
    assert_eq!(b64::decode(&read.nonce_text).as_deref(), Some(read.nonce.as_slice()));
    assert_eq!(read.nonce_text.as_bytes(), nonce, "the signed nonce text is not what was sent");
    assert_eq!(read.device_id.as_bytes(), device);
    assert_eq!(read.timestamp.to_string().parse::<i64>().ok(), Some(read.timestamp));
    assert_eq!(b64::decode(std::str::from_utf8(signature).expect("accepted header text")), Some(read.signature));
}

fuzz_target!(|data: &[u8]| {
    let Some((kind, body)) = workervoice_fuzz::selector(data) else { return };
    match kind % 3 {
        0 => offline(body),
        1 => progress(body),
        _ => headers(body),
    }
});
