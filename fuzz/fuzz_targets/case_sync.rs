//! Case-sync replies a device reads (`POST /v1/cases/sync`,
//! `protocol::grievance::CaseSyncResponse`) and the handler replies in them,
//! sealed under the case's reply key, that `core::grievance::decrypt_thread` opens.
//!
//! Asserts: a reply that parses round-trips through JSON; a thread decrypts
//! only if every reply in it opens under the case's key (and every `seq`
//! fits the device's store), and then gives one
//! message per event with the sealed text; a reply missing its id or author
//! refuses the whole batch.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workervoice_core::crypto::Key32;
use workervoice_core::grievance::decrypt_thread;
use workervoice_fuzz::json_round_trip;
use workervoice_protocol::envelope::{open, reply_aad};
use workervoice_protocol::grievance::CaseSyncResponse;

/// The reply key of every case here (seeds seal with it too).
const REPLY_KEY: [u8; 32] = [0x42; 32];

fuzz_target!(|data: &[u8]| {
    let Some(response) = json_round_trip::<CaseSyncResponse>(data) else { return };
    let key = Key32::from_bytes(REPLY_KEY);
    for update in &response.updates {
        let decrypted = decrypt_thread(&update.case_id, &key, &update.events);
        // A `seq` past i64::MAX is refused too: the device stores it as an
        // SQLite integer (fuzz/regressions/case_updates/).
        let all_open = update.events.iter().all(|event| i64::try_from(event.seq).is_ok())
            && update.events.iter().all(|event| match (&event.reply, &event.reply_id, event.author) {
                (None, _, _) => true,
                (Some(sealed), Some(reply_id), Some(author)) => {
                    open(&REPLY_KEY, &reply_aad(&update.case_id, reply_id, author), sealed)
                        .is_ok_and(|plain| String::from_utf8(plain).is_ok())
                }
                _ => false,
            });
        assert_eq!(decrypted.is_ok(), all_open, "decrypt_thread disagrees with opening each reply");
        let Ok(messages) = decrypted else { continue };
        assert_eq!(messages.len(), update.events.len());
        for (message, event) in messages.iter().zip(&update.events) {
            assert_eq!((message.seq, message.at), (event.seq, event.at));
            assert_eq!(message.text.is_some(), event.reply.is_some());
        }
    }
});
