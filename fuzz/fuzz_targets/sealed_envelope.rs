//! Opening sealed envelopes: the payload and attachment format a handler opens
//! (`protocol::envelope::{open, open_attachment}`), case replies a device opens,
//! and the HPKE base mode that wraps content keys (`core::crypto::hpke`).
//!
//! Asserts: bytes not sealed under the key never open (a forgery is
//! `Unauthentic` or `Malformed`, never a panic); sealing the input and
//! opening it gives it back; one flipped byte makes it refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workervoice_core::crypto::Key32;
use workervoice_core::crypto::hpke::{open_base, public_key_of, seal_base};
use workervoice_protocol::envelope::{open, open_attachment, seal, seal_attachment};

const KEY: [u8; 32] = [0x42; 32];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let (aad, body) = workervoice_fuzz::split_nul(rest);
    match mode % 4 {
        0 => {
            assert!(open(&KEY, aad, body).is_err(), "a forged envelope opened");
            let sealed = seal(&KEY, aad, body).expect("sealing with a 32-byte key");
            assert_eq!(open(&KEY, aad, &sealed).as_deref(), Ok(body));
            let mut tampered = sealed.clone();
            let at = usize::from(mode) % tampered.len();
            tampered[at] ^= 0x01;
            assert!(open(&KEY, aad, &tampered).is_err(), "a tampered envelope opened");
            assert!(open(&KEY[..31], aad, &sealed).is_err(), "a short key opened an envelope");
        }
        1 => {
            let ids = String::from_utf8_lossy(aad);
            let (client_id, attachment_id) = ids.split_once('/').unwrap_or((&ids, ""));
            assert!(open_attachment(&KEY, client_id, attachment_id, body).is_err(), "a forged attachment opened");
            let sealed = seal_attachment(&KEY, client_id, attachment_id, body).expect("sealing an attachment");
            assert_eq!(open_attachment(&KEY, client_id, attachment_id, &sealed).as_deref(), Ok(body));
            // A truncated attachment (a chunk short) is refused, not silently shortened.
            if sealed.len() > 1 {
                assert!(open_attachment(&KEY, client_id, attachment_id, &sealed[..sealed.len() - 1]).is_err());
            }
        }
        _ => {
            let secret = Key32::from_bytes(KEY);
            // A forged encapsulation: enc is the first 32 bytes of the body.
            let (enc, ciphertext) = body.split_at(body.len().min(32));
            assert!(open_base(&secret, enc, b"info", aad, ciphertext).is_err(), "a forged HPKE message opened");
            let sealed = seal_base(&public_key_of(&secret), b"info", aad, body).expect("HPKE sealing");
            let opened = open_base(&secret, &sealed.enc, b"info", aad, &sealed.ciphertext).expect("HPKE round trip");
            assert_eq!(opened.as_slice(), body);
            assert!(open_base(&secret, &sealed.enc, b"other", aad, &sealed.ciphertext).is_err());
        }
    }
});
