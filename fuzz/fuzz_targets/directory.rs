//! The signed recipient directory a device downloads
//! (`GET /v1/directory`, `protocol::directory`, checked by `core::directory::verify`).
//!
//! Two modes, by the first byte:
//! - the whole reply as the hub sends it: it round-trips through JSON, and
//!   `verify` accepts it only if the programme key really signed it;
//! - a directory body signed here with the fuzzing programme key, so the
//!   fuzzer reaches the checks behind the signature: `verify` accepts exactly
//!   the bodies that parse with 32-byte keys and no rollback, and returns
//!   what the body says.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workervoice_core::directory::{DirectoryError, verify};
use workervoice_fuzz::{json_round_trip, programme_public_key, selector, sign, verifies};
use workervoice_protocol::directory::{Directory, DirectoryResponse, SignedDirectory, directory_signing_input};

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = selector(data) else { return };
    let pinned = programme_public_key();
    if mode % 2 == 0 {
        let Some(reply) = json_round_trip::<DirectoryResponse>(rest) else { return };
        if let Some(signed) = reply.directory
            && verify(&signed, &pinned, None).is_ok()
        {
            assert!(verifies(&directory_signing_input(&signed.body), &signed.signature));
        }
        return;
    }
    let held = (mode > 127).then_some(u64::from(mode & 0x3F));
    let signed = SignedDirectory { body: rest.to_vec(), signature: sign(&directory_signing_input(rest)) };
    let parsed = serde_json::from_slice::<Directory>(rest).ok();
    match verify(&signed, &pinned, held) {
        Ok(directory) => {
            assert_eq!(Some(&directory), parsed.as_ref(), "verify returned something other than the body");
            assert!(held.is_none_or(|held| directory.version >= held), "a rollback was accepted");
            for route in &directory.routes {
                assert!(route.recipients.iter().all(|r| r.public_key.len() == 32 && !r.handler_id.is_empty()));
            }
            json_round_trip::<Directory>(&serde_json::to_vec(&directory).unwrap_or_default());
        }
        Err(DirectoryError::BadSignature | DirectoryError::NoPinnedKey) => {
            panic!("the programme's own signature was refused")
        }
        Err(DirectoryError::Malformed) => {
            let keys_ok = parsed.as_ref().is_some_and(|d| {
                d.routes
                    .iter()
                    .all(|route| route.recipients.iter().all(|r| r.public_key.len() == 32 && !r.handler_id.is_empty()))
            });
            assert!(!keys_ok, "a well-formed directory was called malformed");
        }
        Err(DirectoryError::Rollback { offered, held: was }) => assert!(offered < was),
        Err(DirectoryError::BrokenChain) => panic!("verify judges one directory, never a chain"),
        // A signed brand entry with no supplier list is refused, never read
        // as programme-wide: a normal outcome for arbitrary input.
        Err(DirectoryError::BrandWithoutSuppliers { .. }) => {}
    }
    // Any other key refuses it.
    assert!(verify(&signed, &[0x11; 32], None).is_err(), "a directory verified under a key that did not sign it");
});
