//! The survey-token VOPRF (`protocol::oprf`, RFC 9497 ristretto255-SHA512):
//! blinded elements the hub evaluates (from any signed device), evaluated
//! elements and proofs a device checks (from the hub), stored blinds and keys.
//!
//! Asserts: the hub refuses anything that is not a canonical 32-byte element
//! with a typed error; a device accepts an evaluation only with the hub's
//! real proof and then gets the key's output for its input; a tampered
//! element or proof is refused; a key read from bytes writes the same bytes.
//! The same for tokens bound to a public info (RFC 9497 POPRF, a survey
//! answer's factory, ADR 0021): the output is the key's for that info and
//! for no other info.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workervoice_protocol::oprf::{BlindState, ELEMENT_LEN, OprfError, PROOF_LEN, SecretKey, finalize};

/// The factory a bound token is for, when the fuzzed info is refused.
const OTHER_INFO: &[u8] = b"factory-b";

const INPUT: &[u8] = b"workervoice/fuzz/token-input";

fn key() -> SecretKey {
    SecretKey::derive(&[7; 32], b"fuzz").expect("deriving a key from a fixed seed")
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = workervoice_fuzz::selector(data) else { return };
    let key = key();
    match mode % 7 {
        // Hub: evaluate whatever a device sent.
        0 => match key.blind_evaluate(rest) {
            Ok(_) => assert_eq!(rest.len(), ELEMENT_LEN),
            Err(error) => assert!(matches!(error, OprfError::InvalidElement), "unexpected {error:?}"),
        },
        // Device: a stored blind, then the hub's (possibly tampered) reply.
        1 | 2 => {
            let (blind, reply) = rest.split_at(rest.len().min(32));
            let Ok((state, blinded)) = BlindState::restore(INPUT, blind) else { return };
            let (evaluated, proof) = key.blind_evaluate(&blinded).expect("evaluating a device's own blinded element");
            let public = key.public_key();
            if mode % 7 == 1 {
                let output = finalize(state, &evaluated, &proof, &public).expect("the hub's real proof is refused");
                assert_eq!(Some(output), key.evaluate(INPUT).ok());
                assert!(key.verify_token(INPUT, &output));
                assert!(!key.verify_token(reply, &output) || reply == INPUT);
            } else {
                // Fuzzed bytes replace the element and proof.
                let (fake_element, fake_proof) = reply.split_at(reply.len().min(ELEMENT_LEN));
                let element_same = fake_element == evaluated.as_slice();
                let proof_same = fake_proof.len() == PROOF_LEN && fake_proof == proof.as_slice();
                let result = finalize(state, fake_element, fake_proof, &public);
                assert_eq!(result.is_ok(), element_same && proof_same, "a forged evaluation was accepted");
            }
        }
        // Hub, bound: evaluate a device's element for a (fuzzed) factory.
        4 => {
            let (info, element) = rest.split_at(rest.len().min(usize::from(rest.first().copied().unwrap_or(0)) % 64));
            match key.blind_evaluate_bound(element, info) {
                Ok(_) => assert_eq!(element.len(), ELEMENT_LEN),
                Err(error) => {
                    assert!(
                        matches!(error, OprfError::InvalidElement | OprfError::InvalidScalar),
                        "unexpected {error:?}"
                    )
                }
            }
        }
        // Device, bound: a stored blind and a (fuzzed) factory, then the
        // hub's real or forged reply.
        5 | 6 => {
            let (blind, tail) = rest.split_at(rest.len().min(32));
            let (info, reply) = tail.split_at(tail.len().min(16));
            let Ok((state, blinded)) = BlindState::restore_bound(INPUT, info, blind) else { return };
            let Ok((evaluated, proof)) = key.blind_evaluate_bound(&blinded, info) else { return };
            let public = key.public_key();
            if mode % 7 == 5 {
                let output =
                    finalize(state, &evaluated, &proof, &public).expect("the hub's real bound proof is refused");
                assert_eq!(Some(output), key.evaluate_bound(INPUT, info).ok());
                let other = if info == OTHER_INFO { b"factory-c".as_slice() } else { OTHER_INFO };
                assert_ne!(
                    Some(output),
                    key.evaluate_bound(INPUT, other).ok(),
                    "a token bound to one factory is another's"
                );
                assert!(!key.verify_token(INPUT, &output), "a bound token passed as an unbound one");
            } else {
                let (fake_element, fake_proof) = reply.split_at(reply.len().min(ELEMENT_LEN));
                let element_same = fake_element == evaluated.as_slice();
                let proof_same = fake_proof.len() == PROOF_LEN && fake_proof == proof.as_slice();
                let result = finalize(state, fake_element, fake_proof, &public);
                assert_eq!(result.is_ok(), element_same && proof_same, "a forged bound evaluation was accepted");
            }
        }
        // Stored keys and token outputs.
        _ => {
            if let Ok(parsed) = SecretKey::from_bytes(rest) {
                assert_eq!(parsed.to_bytes().as_slice(), rest);
            }
            assert!(!key.verify_token(INPUT, rest), "arbitrary bytes passed as a token");
        }
    }
});
