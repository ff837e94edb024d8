//! Signed content manifests a device downloads
//! (`GET /v1/content/manifests/{sha256}`, `protocol::content::verify_manifest`).
//!
//! Two modes, by the first byte:
//! - the reply as sent: it round-trips through JSON, and verifies only if the
//!   programme key really signed it;
//! - a manifest body signed here with the fuzzing programme key, so the
//!   fuzzer reaches the field checks: a manifest that verifies is the body's
//!   manifest, of this programme, and passes `check_manifest`; a body over
//!   the size limit is refused before it is parsed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workervoice_fuzz::{json_round_trip, programme_public_key, selector, sign, verifies};
use workervoice_protocol::content::{
    MAX_MANIFEST_BYTES, Manifest, ManifestError, SignedManifest, check_manifest, manifest_signing_input, programme_id,
    verify_manifest,
};

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = selector(data) else { return };
    let pinned = programme_public_key();
    if mode % 2 == 0 {
        let Some(signed) = json_round_trip::<SignedManifest>(rest) else { return };
        if verify_manifest(&signed, &pinned).is_ok() {
            assert!(verifies(&manifest_signing_input(&signed.body), &signed.signature));
        }
        return;
    }
    let signed = SignedManifest { body: rest.to_vec(), signature: sign(&manifest_signing_input(rest)) };
    match verify_manifest(&signed, &pinned) {
        Ok(manifest) => {
            assert!(rest.len() <= MAX_MANIFEST_BYTES);
            assert_eq!(serde_json::from_slice::<Manifest>(rest).ok().as_ref(), Some(&manifest));
            assert_eq!(manifest.programme_id, programme_id(&pinned));
            assert_eq!(check_manifest(&manifest), Ok(()));
            assert!(manifest.total_bytes() >= manifest.body.size);
            json_round_trip::<Manifest>(&serde_json::to_vec(&manifest).unwrap_or_default());
        }
        Err(ManifestError::TooLarge) => assert!(rest.len() > MAX_MANIFEST_BYTES),
        Err(ManifestError::BadSignature | ManifestError::NoPinnedKey) => {
            panic!("the programme's own signature was refused")
        }
        Err(ManifestError::WrongProgramme | ManifestError::Malformed(_)) => {}
    }
    assert!(verify_manifest(&signed, &[0x11; 32]).is_err(), "a manifest verified under a key that did not sign it");
});
