//! The survey-token VOPRF (`protocol::oprf`, RFC 9497 ristretto255-SHA512):
//! blinded elements the hub evaluates (from any signed device), evaluated
//! elements and proofs a device checks (from the hub), stored blinds and keys.
//!
//! Asserts: the hub refuses anything that is not a canonical 32-byte element
//! with a typed error; a device accepts an evaluation only with the hub's
//! real proof and then gets the key's output for its input; a tampered
//! element or proof is refused; a key read from bytes writes the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workervoice_protocol::oprf::{BlindState, ELEMENT_LEN, OprfError, PROOF_LEN, SecretKey, finalize};

const INPUT: &[u8] = b"workervoice/fuzz/token-input";

fn key() -> SecretKey {
    SecretKey::derive(&[7; 32], b"fuzz").expect("deriving a key from a fixed seed")
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = workervoice_fuzz::selector(data) else { return };
    let key = key();
    match mode % 4 {
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
            if mode % 4 == 1 {
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
        // Stored keys and token outputs.
        _ => {
            if let Ok(parsed) = SecretKey::from_bytes(rest) {
                assert_eq!(parsed.to_bytes().as_slice(), rest);
            }
            assert!(!key.verify_token(INPUT, rest), "arbitrary bytes passed as a token");
        }
    }
});
