//! `console/test-vectors/reader.json`: the reader formats from fixed inputs,
//! for the browser console to reproduce byte for byte (issue 14). This test
//! fails when the file no longer matches what `wv-reader` computes, and opens
//! everything in the file with the real client code.
//!
//! After a deliberate format change, regenerate and commit:
//! `WV_UPDATE_READER_VECTORS=1 cargo test -p wv-reader --test vectors`.

use std::path::PathBuf;

use serde_json::Value;
use workervoice_protocol::handler::SealedCase;
use wv_reader::account::{PasswordKeys, ReaderKeyPair, key_id};
use wv_reader::open::open_case;

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../console/test-vectors/reader.json")
}

fn hex_field(value: &Value, field: &str) -> Vec<u8> {
    hex::decode(value[field].as_str().unwrap_or_else(|| panic!("{field} is a string"))).expect("hex")
}

#[test]
fn the_reader_vectors_file_matches_what_the_client_computes_and_opens() {
    let generated = wv_reader::vectors::generate().expect("vectors generate");
    let text = serde_json::to_string_pretty(&generated).expect("json") + "\n";
    if std::env::var_os("WV_UPDATE_READER_VECTORS").is_some() {
        std::fs::write(path(), &text).expect("the vectors file is written");
    }
    let stored = std::fs::read_to_string(path()).expect("console/test-vectors/reader.json exists (see the module doc)");
    assert!(stored == text, "console/test-vectors/reader.json is out of date: regenerate it (see the module doc)");

    let file: Value = serde_json::from_str(&stored).expect("parses");
    for vector in file["kdf"].as_array().expect("kdf vectors") {
        let keys = PasswordKeys::derive_unchecked(
            vector["password"].as_str().expect("password"),
            &hex_field(vector, "salt"),
            u32::try_from(vector["iterations"].as_u64().expect("iterations")).expect("u32"),
        )
        .expect("derives");
        assert_eq!(keys.login_key(), hex_field(vector, "login_key"));
        assert_eq!(keys.wrap_key(), hex_field(vector, "wrap_key"));
    }

    let account = &file["account"];
    let id = account["account_id"].as_str().expect("id");
    let keys = PasswordKeys::derive(
        account["password"].as_str().expect("password"),
        &hex_field(account, "salt"),
        u32::try_from(account["iterations"].as_u64().expect("iterations")).expect("u32"),
    )
    .expect("derives");
    let pair = ReaderKeyPair::unwrap(&keys, id, &hex_field(account, "wrapped_private_key")).expect("unwraps");
    assert_eq!(pair.public_key().to_vec(), hex_field(account, "public_key"));
    assert_eq!(key_id(pair.public_key()), account["key_id"].as_str().expect("key id"));
    assert!(ReaderKeyPair::unwrap(&keys, "another account", &hex_field(account, "wrapped_private_key")).is_err());

    let served: SealedCase = serde_json::from_value(file["case"]["served"].clone()).expect("a served case");
    let opened = open_case(&pair, served).expect("the case opens");
    assert_eq!(serde_json::to_value(&opened.content).expect("json"), file["case"]["content"]);
    let replies: Vec<(u64, &str)> = opened.replies.iter().map(|reply| (reply.seq, reply.text.as_str())).collect();
    assert_eq!(replies, vec![(2, "It happened on line 3."), (3, "Thank you, we will check the pay records.")]);
    assert_eq!(opened.notes.len(), 1);
    assert_eq!(opened.notes[0].text, file["case"]["note"]["text"].as_str().expect("note text"));
    let attachment = &file["case"]["attachment"];
    let plain = opened
        .open_attachment(attachment["attachment_id"].as_str().expect("id"), &hex_field(attachment, "sealed"))
        .expect("the attachment opens");
    assert_eq!(plain, hex_field(attachment, "plaintext"));
}
