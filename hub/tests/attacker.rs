//! The hub operator as attacker (issue 13, ADR 0015): with everything on the
//! hub — its database (and WAL), its key files, the admin token, every file
//! in its data directory — no report, reply, attachment or internal note
//! opens, and no reader's private key unwraps. The test gathers every
//! key-like thing it finds there (every 32-byte value and window of small
//! files and database values, their base64 and hex decodings, and what the
//! hub's own code derives from each with its published labels) and tries
//! each against real sealed items. A positive control shows the same search
//! opens everything once a reader's key is among the candidates.

mod support;

use std::collections::HashSet;
use std::path::Path;

use workervoice_hub::testing::{TestDatabase, TestValue};

use ring::hkdf;
use support::cases::Programme;
use support::within_time;
use workervoice_protocol::b64;
use workervoice_protocol::directory::Route;
use workervoice_protocol::envelope;
use workervoice_protocol::grievance::{Author, CaseEvent, CaseSyncResponse, SubmitResponse};
use wv_reader::account::{ReaderKeyPair, private_key_aad};
use wv_reader::open::{hpke_open, note_aad, note_hpke_info};

/// The labels the hub derives its keys with from its secret (`hub/src/keys.rs`).
const HUB_LABELS: &[&[u8]] = &[
    b"workervoice/hub/pin-verifier/v1",
    b"workervoice/hub/fake-salt/v1",
    b"workervoice/hub/code-hash/v1",
    b"workervoice/hub/share-wrap/v1",
    b"workervoice/hub/demo-password/v1",
    b"workervoice/hub/offline-sign-in/v1",
    b"workervoice/hub/survey-token/v1",
    b"workervoice/hub/staff-totp-seal/v1",
    b"workervoice/hub/demo-totp/v1",
    b"workervoice/hub/key-check/v1",
    b"workervoice/hub/certificate-signing/v1",
];

fn files(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).expect("dir reads") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).expect("file reads")));
        }
    }
}

/// Every value of every table, as bytes (text also decoded from base64 and hex).
fn database_values(database: &TestDatabase) -> Vec<Vec<u8>> {
    let tables = if workervoice_hub::testing::on_postgres() {
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    };
    let mut values = Vec::new();
    for table in database.rows(tables, &[]) {
        let table = table[0].text().expect("a table name").to_owned();
        for row in database.rows(&format!("SELECT * FROM \"{table}\""), &[]) {
            for value in row {
                match value {
                    TestValue::Blob(bytes) => values.push(bytes),
                    TestValue::Text(text) => values.push(text.into_bytes()),
                    _ => {}
                }
            }
        }
    }
    values
}

fn hub_derived(secret: &[u8; 32]) -> Vec<[u8; 32]> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"workervoice/hub").extract(secret);
    HUB_LABELS
        .iter()
        .map(|label| {
            let mut out = [0u8; 32];
            let info = [*label];
            prk.expand(&info, hkdf::HKDF_SHA256).and_then(|okm| okm.fill(&mut out)).expect("expands");
            out
        })
        .collect()
}

/// Key-like values in `bytes`: itself if 32 bytes, its decodings, and every
/// 32-byte window when it is small (key files, tokens, salts, wrapped keys).
fn harvest(bytes: &[u8], exact: &mut HashSet<[u8; 32]>, windows: &mut HashSet<[u8; 32]>) {
    let add = |candidate: &[u8], set: &mut HashSet<[u8; 32]>| {
        if let Ok(key) = <[u8; 32]>::try_from(candidate) {
            set.insert(key);
        }
    };
    add(bytes, exact);
    if let Ok(text) = std::str::from_utf8(bytes) {
        for word in text.split(|c: char| c.is_whitespace() || "\"',:{}[]$=".contains(c)) {
            if let Some(decoded) = b64::decode(word) {
                add(&decoded, exact);
            }
            if let Ok(decoded) = hex::decode(word) {
                add(&decoded, exact);
            }
        }
    }
    if bytes.len() <= 4096 {
        for window in bytes.windows(32) {
            add(window, windows);
        }
    }
}

/// What the search could open, named; empty when nothing opens.
struct Targets {
    case_id: String,
    client_id: String,
    payload: Vec<u8>,
    attachment: (String, Vec<u8>),
    replies: Vec<CaseEvent>,
    note: (String, Vec<u8>),
    /// (enc, wrapped key) of every reader's share of the content key and the note key.
    case_keys: Vec<(Vec<u8>, Vec<u8>)>,
    note_keys: Vec<(Vec<u8>, Vec<u8>)>,
    /// (account id, wrapped private key, public key).
    readers: Vec<(String, Vec<u8>, Vec<u8>)>,
}

fn opened_by(targets: &Targets, candidates: &HashSet<[u8; 32]>, hpke_candidates: &HashSet<[u8; 32]>) -> Vec<String> {
    let mut opened = Vec::new();
    let reader_keys: HashSet<&[u8]> = targets.readers.iter().map(|(_, _, public)| public.as_slice()).collect();
    for key in candidates {
        if envelope::open(key, &envelope::payload_aad(&targets.client_id, &targets.case_id), &targets.payload).is_ok() {
            opened.push("report".to_owned());
        }
        if envelope::open_attachment(key, &targets.client_id, &targets.attachment.0, &targets.attachment.1).is_ok() {
            opened.push("attachment".to_owned());
        }
        for event in &targets.replies {
            let (Some(author), Some(reply), Some(reply_id)) = (event.author, &event.reply, &event.reply_id) else {
                continue;
            };
            if envelope::open(key, &envelope::reply_aad(&targets.case_id, reply_id, author), reply).is_ok() {
                opened.push(format!("reply {}", event.seq));
            }
        }
        if envelope::open(key, &note_aad(&targets.case_id, &targets.note.0), &targets.note.1).is_ok() {
            opened.push("note".to_owned());
        }
        for (id, wrapped, _) in &targets.readers {
            if envelope::open(key, &private_key_aad(id), wrapped).is_ok() {
                opened.push(format!("private key of {id}"));
            }
        }
    }
    for key in hpke_candidates {
        let Ok(pair) = ReaderKeyPair::from_private(key) else { continue };
        // HPKE opens only with the private key of the public key it was
        // sealed to: a candidate whose public key is no reader's opens none.
        if !reader_keys.contains(&pair.public_key()[..]) {
            continue;
        }
        for (enc, wrapped) in &targets.case_keys {
            let info = envelope::hpke_info(&targets.client_id);
            if hpke_open(&pair, &info, targets.case_id.as_bytes(), enc, wrapped).is_ok() {
                opened.push("content key".to_owned());
            }
        }
        for (enc, wrapped) in &targets.note_keys {
            let info = note_hpke_info(&targets.case_id);
            if hpke_open(&pair, &info, targets.note.0.as_bytes(), enc, wrapped).is_ok() {
                opened.push("note key".to_owned());
            }
        }
    }
    opened
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_everything_on_the_hub_no_report_reply_attachment_or_note_opens() {
    within_time(async {
        let programme = Programme::start().await;
        let hub = &programme.hub;
        let photo: Vec<u8> = b"ATTACK-PHOTO-BYTES ".repeat(400);
        let sealed = programme.seal(
            &[Route::IndependentHotline, Route::FactoryCommittee],
            "ATTACK-REPORT the manager takes our passports",
            std::slice::from_ref(&photo),
        );
        hub.submit(&sealed).await.ok::<SubmitResponse>();
        hub.upload_attachments(&sealed, 4_000).await;
        let hotline = hub.login(&programme.hotline).await;
        let path = format!("/handler/v1/cases/{}", sealed.case_id);
        hotline.reply_at(&path, "ATTACK-REPLY we will come on Monday").await.ok::<CaseEvent>();
        hub.worker_reply(&sealed, &sealed.token, &uuid::Uuid::new_v4().to_string(), "ATTACK-WORKER thank you")
            .await
            .ok::<CaseEvent>();
        hotline
            .session
            .add_note(&sealed.case_id, "ATTACK-NOTE the manager's cousin is on the committee")
            .await
            .expect("note");
        // The readers themselves open everything.
        let view = hotline.case(&sealed.case_id).await;
        assert_eq!(view.replies.len(), 2);
        assert_eq!(view.notes.len(), 1);
        assert_eq!(hotline.attachment(&sealed.case_id, &sealed.attachments[0].0).await, Ok(photo.clone()));

        // The attacker's haul: every file of the data directory, every value in the database.
        let mut all_files = Vec::new();
        files(&hub.data_dir(), &mut all_files);
        let database = hub.database();
        let values = database_values(&database);
        let (mut exact, mut windows) = (HashSet::new(), HashSet::new());
        for (_, bytes) in &all_files {
            harvest(bytes, &mut exact, &mut windows);
        }
        for value in &values {
            harvest(value, &mut exact, &mut windows);
        }
        harvest(hub.hub.admin_token.as_bytes(), &mut exact, &mut windows);
        harvest(hub.staff_token().as_bytes(), &mut exact, &mut windows);
        let secret_file = all_files.iter().find(|(name, _)| name.ends_with("hub-secret.key")).expect("the hub secret");
        assert!(
            exact.contains(&<[u8; 32]>::try_from(&secret_file.1[..]).unwrap_or_default())
                || windows.contains(&<[u8; 32]>::try_from(&secret_file.1[..32]).expect("32 bytes")),
            "the hub secret itself is among the candidates"
        );
        let seeds: Vec<[u8; 32]> = exact.iter().chain(windows.iter()).copied().collect();
        let mut candidates: HashSet<[u8; 32]> = seeds.iter().copied().collect();
        for seed in &seeds {
            candidates.extend(hub_derived(seed));
            candidates
                .insert(<[u8; 32]>::try_from(ring::digest::digest(&ring::digest::SHA256, seed).as_ref()).expect("32"));
        }
        let mut hpke_candidates = exact.clone();
        for seed in &exact {
            hpke_candidates.extend(hub_derived(seed));
        }
        assert!(candidates.len() > 1_000, "the search has material: {}", candidates.len());

        // The targets, read from the database as the attacker would.
        let query_pairs = |sql: &str| -> Vec<(Vec<u8>, Vec<u8>)> {
            database
                .rows(sql, &[sealed.case_id.as_str().into()])
                .into_iter()
                .map(|row| (row[0].blob().expect("bytes").to_vec(), row[1].blob().expect("bytes").to_vec()))
                .collect()
        };
        let case_keys = query_pairs("SELECT enc, wrapped_key FROM case_keys WHERE case_id = ?1");
        let note_keys = query_pairs("SELECT enc, wrapped_key FROM case_note_keys WHERE case_id = ?1");
        let note_row = database
            .rows("SELECT note_id, sealed FROM case_notes WHERE case_id = ?1", &[sealed.case_id.as_str().into()]);
        let note: (String, Vec<u8>) =
            (note_row[0][0].text().expect("the note").to_owned(), note_row[0][1].blob().expect("the note").to_vec());
        let readers: Vec<(String, Vec<u8>, Vec<u8>)> = database
            .rows("SELECT id, wrapped_private_key, public_key FROM handlers", &[])
            .into_iter()
            .map(|row| {
                (
                    row[0].text().expect("id").to_owned(),
                    row[1].blob().expect("wrapped").to_vec(),
                    row[2].blob().expect("public key").to_vec(),
                )
            })
            .collect();
        let synced: CaseSyncResponse = hub.sync_cases(&[(&sealed.case_id, &sealed.token, 0)]).await.ok();
        let replies: Vec<CaseEvent> =
            synced.updates[0].events.iter().filter(|event| event.author.is_some()).cloned().collect();
        assert_eq!(replies.iter().filter(|e| e.author == Some(Author::Handler)).count(), 1);
        let targets = Targets {
            case_id: sealed.case_id.clone(),
            client_id: sealed.client_id.clone(),
            payload: sealed.payload.clone(),
            attachment: sealed.attachments[0].clone(),
            replies,
            note,
            case_keys,
            note_keys,
            readers,
        };

        let opened = opened_by(&targets, &candidates, &hpke_candidates);
        assert!(opened.is_empty(), "the hub's own material opened: {opened:?}");

        // Positive control: the hotline reader's private key (which only
        // their client holds) opens a share of the content key and of the
        // note key, and the same search given those keys opens everything.
        let reader_key = hotline.session.key_pair();
        let content_key = targets
            .case_keys
            .iter()
            .find_map(|(enc, wrapped)| {
                let info = envelope::hpke_info(&targets.client_id);
                hpke_open(reader_key, &info, targets.case_id.as_bytes(), enc, wrapped).ok()
            })
            .expect("the reader's key opens its share");
        let note_key = targets
            .note_keys
            .iter()
            .find_map(|(enc, wrapped)| {
                let info = note_hpke_info(&targets.case_id);
                hpke_open(reader_key, &info, targets.note.0.as_bytes(), enc, wrapped).ok()
            })
            .expect("the reader's key opens the note key");
        let keys: HashSet<[u8; 32]> = [&content_key[..], &note_key[..], &sealed.reply_key[..]]
            .iter()
            .map(|key| <[u8; 32]>::try_from(*key).expect("32 bytes"))
            .collect();
        let mut found = opened_by(&targets, &keys, &HashSet::new());
        found.sort();
        assert_eq!(found, vec!["attachment", "note", "reply 2", "reply 3", "report"], "the search would notice");
    })
    .await;
}
