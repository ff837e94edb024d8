//! Test vectors for the browser console (`console/test-vectors/reader.json`):
//! every reader format computed from fixed inputs, so another implementation
//! can reproduce each byte. Randomness (salts, nonces, HPKE's ephemeral key)
//! is fixed here and recorded in the file; real use draws it fresh.
//!
//! The file is written and checked by `reader/tests/vectors.rs`.

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use serde_json::{Value, json};
use workervoice_protocol::envelope::{self, AttachmentInfo, AttachmentKind, GrievanceContent};
use workervoice_protocol::grievance::{Author, CaseEvent, CaseStatus};
use workervoice_protocol::handler::{CaseSummary, SealedCase, SealedNote};

use crate::ReaderError;
use crate::account::{LOGIN_INFO, PasswordKeys, ReaderKeyPair, WRAP_INFO, private_key_aad};
use crate::open::{SeededRng, hpke_seal_with, note_aad, note_hpke_info};

/// The envelope with a given nonce: `0x01 || nonce || ChaCha20-Poly1305(plaintext) || tag`.
pub fn seal_with_nonce(key: &[u8], nonce: [u8; 12], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, ReaderError> {
    let key = UnboundKey::new(&CHACHA20_POLY1305, key).map_err(|_| ReaderError::Crypto("bad key"))?;
    let mut in_out = plaintext.to_vec();
    LessSafeKey::new(key)
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad), &mut in_out)
        .map_err(|_| ReaderError::Crypto("sealing failed"))?;
    let mut out = vec![1u8];
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&in_out);
    Ok(out)
}

fn kdf_vector(password: &str, salt: &[u8], iterations: u32) -> Result<Value, ReaderError> {
    let keys = PasswordKeys::derive_unchecked(password, salt, iterations)?;
    Ok(json!({
        "password": password,
        "salt": hex::encode(salt),
        "iterations": iterations,
        "login_key": hex::encode(keys.login_key()),
        "wrap_key": hex::encode(keys.wrap_key()),
    }))
}

/// A fixed reader: account id, password, salt, key pair.
const ACCOUNT_ID: &str = "2f6b1c3e-7a4d-4e59-8b21-0c9d8e7f6a51";
const PASSWORD: &str = "correct horse battery staple";
const SALT: [u8; 16] = [0x5a; 16];
const PRIVATE_KEY: [u8; 32] = [
    0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2, 0x66, 0x45, 0xdf, 0x4c, 0x2f,
    0x87, 0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a,
];

/// Every vector, as the JSON document the file holds. Slow (one PBKDF2 at
/// 600,000 iterations).
pub fn generate() -> Result<Value, ReaderError> {
    let iterations = crate::account::DEFAULT_ITERATIONS;
    let keys = PasswordKeys::derive(PASSWORD, &SALT, iterations)?;
    let pair = ReaderKeyPair::from_private(&PRIVATE_KEY)?;
    let wrap_nonce = [0x11; 12];
    let wrapped = seal_with_nonce(keys.wrap_key(), wrap_nonce, &private_key_aad(ACCOUNT_ID), &PRIVATE_KEY)?;

    // A case as the hub serves it to this reader.
    let client_id = "6f1c1a39-2a43-4b6e-9a7f-0d5f3c2b1a00";
    let case_id = "K7Q2M-9XD4R";
    let content_key = [0x22u8; 32];
    let reply_key = [0x33u8; 32];
    let content = GrievanceContent {
        version: 1,
        category_id: "wages".into(),
        text: "Overtime on Sunday was not paid.".into(),
        language: "en".into(),
        reporter: None,
        callback: None,
        reply_key: reply_key.to_vec(),
        attachments: vec![AttachmentInfo {
            attachment_id: "a1".into(),
            kind: AttachmentKind::Photo,
            mime: "image/jpeg".into(),
            size: 5,
        }],
        created_at: 1_765_000_000,
    };
    let json = serde_json::to_vec(&content).map_err(|_| ReaderError::Crypto("json"))?;
    let payload = seal_with_nonce(&content_key, [0x44; 12], &envelope::payload_aad(client_id, case_id), &json)?;
    let mut rng = SeededRng::new([0x55; 32]);
    let (enc, wrapped_key) =
        hpke_seal_with(&mut rng, pair.public_key(), &envelope::hpke_info(client_id), case_id.as_bytes(), &content_key)?;
    let worker_reply = seal_with_nonce(
        &reply_key,
        [0x66; 12],
        &envelope::reply_aad(case_id, "r-worker", Author::Worker),
        b"It happened on line 3.",
    )?;
    let handler_reply = seal_with_nonce(
        &reply_key,
        [0x77; 12],
        &envelope::reply_aad(case_id, "r-handler", Author::Handler),
        b"Thank you, we will check the pay records.",
    )?;
    let note_key = [0x88u8; 32];
    let note = seal_with_nonce(&note_key, [0x99; 12], &note_aad(case_id, "n1"), b"Ask the payroll office first.")?;
    let mut note_rng = SeededRng::new([0xaa; 32]);
    let (note_enc, note_wrapped) =
        hpke_seal_with(&mut note_rng, pair.public_key(), &note_hpke_info(case_id), b"n1", &note_key)?;
    // One chunk (64 KiB of plaintext per chunk; the last flagged).
    let attachment =
        seal_with_nonce(&content_key, [0xbb; 12], &envelope::chunk_aad(client_id, "a1", 0, true), b"photo")?;
    let event = |seq: u64, author: Option<Author>, reply: Option<Vec<u8>>, reply_id: Option<&str>, status| CaseEvent {
        seq,
        at: 1_765_000_000 + seq as i64,
        status,
        author,
        reply,
        reply_id: reply_id.map(str::to_owned),
    };
    let sealed_case = SealedCase {
        summary: CaseSummary {
            case_id: case_id.into(),
            status: CaseStatus::Acknowledged,
            current_route: workervoice_protocol::directory::Route::IndependentHotline,
            factory_id: "factory-1".into(),
            received_at: 1_765_000_000,
            deadline_at: 1_765_432_000,
            overdue: false,
        },
        client_id: client_id.into(),
        payload,
        enc,
        wrapped_key,
        events: vec![
            event(1, None, None, None, Some(CaseStatus::Received)),
            event(2, Some(Author::Worker), Some(worker_reply), Some("r-worker"), None),
            event(3, Some(Author::Handler), Some(handler_reply), Some("r-handler"), None),
        ],
        notes: vec![SealedNote {
            note_id: "n1".into(),
            author: format!("handler:{ACCOUNT_ID}"),
            at: 1_765_000_010,
            enc: note_enc,
            wrapped_key: note_wrapped,
            sealed: note,
        }],
        expires_on: None,
    };

    Ok(json!({
        "about": "Reader formats (ADR 0015), computed by wv-reader (reader/src/vectors.rs) from fixed inputs. Keys here are test keys, never used anywhere else. Binary fields are hex, except inside the JSON bodies of hub requests and answers, which use unpadded URL-safe base64 as on the wire.",
        "format": "workervoice/console-vectors/reader/v1",
        "kdf_info": { "login": String::from_utf8_lossy(LOGIN_INFO), "wrap": String::from_utf8_lossy(WRAP_INFO) },
        "kdf": [
            kdf_vector(PASSWORD, &SALT, iterations)?,
            kdf_vector("密码 with ünïcode — 12+", &[0x01; 16], 1000)?,
        ],
        "account": {
            "account_id": ACCOUNT_ID,
            "password": PASSWORD,
            "salt": hex::encode(SALT),
            "iterations": iterations,
            "login_key": hex::encode(keys.login_key()),
            "wrap_key": hex::encode(keys.wrap_key()),
            "private_key": hex::encode(PRIVATE_KEY),
            "public_key": hex::encode(pair.public_key()),
            "key_id": pair.key_id(),
            "wrap_aad": hex::encode(private_key_aad(ACCOUNT_ID)),
            "wrap_nonce": hex::encode(wrap_nonce),
            "wrapped_private_key": hex::encode(&wrapped),
        },
        "login_request": {
            "handler_id": ACCOUNT_ID,
            "login_key": workervoice_protocol::b64::encode(keys.login_key()),
        },
        "case": {
            "served": sealed_case,
            "hpke_seed": hex::encode([0x55; 32]),
            "content_key": hex::encode(content_key),
            "content": content,
            "replies": [
                { "seq": 2, "author": "worker", "text": "It happened on line 3." },
                { "seq": 3, "author": "handler", "text": "Thank you, we will check the pay records." }
            ],
            "note": { "note_id": "n1", "note_key": hex::encode(note_key), "hpke_seed": hex::encode([0xaa; 32]), "text": "Ask the payroll office first." },
            "attachment": { "attachment_id": "a1", "sealed": hex::encode(&attachment), "plaintext": hex::encode(b"photo") },
        },
    }))
}
