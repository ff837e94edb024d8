//! The content catalog a device downloads (`GET /v1/content/catalog`,
//! `protocol::content::Catalog`).
//!
//! Asserts: a catalog that parses round-trips through JSON; its ETag is a
//! pure function of the entries (32 hex digits, the same for the same
//! entries, and changed by any change to one entry's version).
#![no_main]

use libfuzzer_sys::fuzz_target;
use workervoice_fuzz::json_round_trip;
use workervoice_protocol::content::{Catalog, ContentKind, catalog_etag, is_content_id, is_sha256_hex};

fuzz_target!(|data: &[u8]| {
    let Some(catalog) = json_round_trip::<Catalog>(data) else { return };
    let etag = catalog_etag(&catalog.entries);
    assert_eq!(etag.len(), 32);
    assert!(etag.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(etag, catalog_etag(&catalog.entries.clone()));
    if let Some(first) = catalog.entries.first() {
        let mut changed = catalog.entries.clone();
        changed[0].version = first.version.wrapping_add(1);
        assert_ne!(catalog_etag(&changed), etag, "the ETag ignored a version change");
    }
    for entry in &catalog.entries {
        // The checks a device runs on an entry before fetching its manifest must not panic.
        let _ = (is_content_id(&entry.id), is_sha256_hex(&entry.manifest_sha256));
        assert_eq!(ContentKind::parse(entry.kind.as_str()), Some(entry.kind));
    }
});
