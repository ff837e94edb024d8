//! Training module documents a device downloads (verified body of a
//! `training_module` manifest): `protocol::training::ModuleDocument::parse`,
//! and the device's `core::content::training::{parse, localize}` on top.
//!
//! Asserts: a document that parses round-trips through JSON; the device's
//! parse accepts exactly the documents the protocol's parse accepts (with
//! the same manifest), keeps every lesson and question, and localizing it
//! (in a language it lacks, too) never panics; scoring rules list every
//! lesson and question.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use workervoice_core::training::module::{localize, parse};
use workervoice_fuzz::json_round_trip;
use workervoice_protocol::content::{BlobRef, ContentKind, MEDIA_REF_PREFIX, Manifest};
use workervoice_protocol::training::ModuleDocument;

/// The media the test manifest lists (a fixed hash; seeds reference it).
const MEDIA: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

fn manifest() -> Manifest {
    Manifest {
        programme_id: "wvp-fuzz".into(),
        kind: ContentKind::TrainingModule,
        id: "fire-safety".into(),
        version: 3,
        languages: vec!["en".into(), "vi".into()],
        titles: BTreeMap::from([("en".into(), "Fire safety".into())]),
        body: BlobRef { sha256: "b".repeat(64), size: 100, media_type: "application/json".into() },
        media: vec![BlobRef { sha256: MEDIA.into(), size: 10, media_type: "image/png".into() }],
        published_at: 0,
    }
}

fuzz_target!(|data: &[u8]| {
    let manifest = manifest();
    let listed = |reference: &str| {
        reference.strip_prefix(MEDIA_REF_PREFIX).is_some_and(|hex| manifest.media_blob(hex).is_some())
    };
    let protocol = ModuleDocument::parse(data, listed);
    let device = parse(&manifest, data);
    assert_eq!(protocol.is_ok(), device.is_ok(), "device and protocol disagree on a module document");
    let (Ok(document), Ok(module)) = (protocol, device) else { return };
    assert_eq!(module.lessons.len(), document.lessons.len());
    assert_eq!(module.questions.len(), document.quiz.questions.len());
    json_round_trip::<ModuleDocument>(&serde_json::to_vec(&document).unwrap_or_default());
    let rules = document.scoring_rules(&manifest.id, manifest.version);
    assert_eq!(rules.lessons.len(), document.lessons.len());
    assert_eq!(rules.questions.len(), document.quiz.questions.len());
    for languages in [vec![], vec!["vi".to_owned()], vec!["zz-Latn".to_owned(), "en".to_owned()]] {
        let localized = localize(&manifest, document.clone(), &languages);
        assert_eq!(localized.lessons.len(), document.lessons.len());
    }
});
