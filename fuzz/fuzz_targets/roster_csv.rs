//! The roster CSV staff upload to the hub (`hub/src/admin/csv.rs`,
//! `parse_records`).
//!
//! Asserts: no panic on any text; records written back with every field
//! quoted parse to the same records; a record never comes out empty.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workervoice_hub::{CsvError, parse_records};

fn write(records: &[Vec<String>]) -> String {
    records
        .iter()
        .map(|record| {
            record.iter().map(|field| format!("\"{}\"", field.replace('"', "\"\""))).collect::<Vec<_>>().join(",")
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_records(text) {
        Ok(records) => {
            assert!(records.iter().all(|record| !record.is_empty()));
            let written = write(&records);
            assert_eq!(parse_records(&written), Ok(records), "quoted records did not read back the same");
        }
        Err(CsvError::StrayQuote { record } | CsvError::UnterminatedQuote { record }) => assert!(record >= 1),
    }
});
