//! Training progress (`/v1/progress/*`): each worker's log of what they did,
//! merged from all their devices, and the totals derived from it (see
//! [`workervoice_protocol::progress`] and `docs/adr/0009-training-progress-log.md`).
//!
//! - **Upload** (signed device request): a batch sealed with HPKE to the
//!   hub's sealing key when the worker did the activity. Inside, the worker
//!   id, the events and either a MAC under a key derived from the hub share
//!   of that (worker, device) pair — proof the worker's PIN was checked on
//!   that device — or, from a kiosk session signed in offline, the id of a
//!   sign-in the hub has confirmed for that worker. Each event is scored
//!   with the rules of the module version it names, its time shifted by the
//!   device's clock error at sending, and merged by id: a replayed upload or
//!   event changes nothing.
//! - **Pull** (signed, with the same MAC): the worker's merged events after a
//!   cursor, with what each earned, and the totals.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use axum::Json;
use axum::extract::State;
use axum::routing::post;
use ring::hmac;
use rusqlite::{Connection, OptionalExtension, params};
use workervoice_protocol::admin::ModuleCompletion;
use workervoice_protocol::content::ContentKind;
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::paths;
use workervoice_protocol::progress::{
    Activity, BadgeRule, Certificate, Earned, LeaderboardEntry, LeaderboardRequest, LeaderboardResponse,
    MAX_EVENTS_PER_UPLOAD, MAX_PULL_EVENTS, MAX_SEALED_UPLOAD, MAX_UPLOAD_ID_LEN, MIN_GROUP, MergedEvent,
    PROGRESS_MAC_LABEL, ProgressBatch, ProgressEvent, ProgressPullRequest, ProgressPullResponse, ProgressUpload,
    ProgressUploadResponse, ScoringRules, SignedCertificate, Totals, batch_mac_input, certificate_signing_input,
    corrected_time, earned, leaderboard_mac_input, local_day, pull_mac_input, totals, upload_info,
};
use workervoice_protocol::training::ModuleDocument;
use zeroize::Zeroizing;

use crate::clock::unix_now;
use crate::device_auth::{AuthenticatedDevice, SignedRequest};
use crate::error::ApiError;
use crate::state::AppState;

/// The `/v1/progress/*` routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(paths::PROGRESS_UPLOAD, post(upload))
        .route(paths::PROGRESS_PULL, post(pull))
        .route(paths::PROGRESS_LEADERBOARD, post(leaderboard))
}

/// The key a worker's progress is authenticated with on one device.
fn mac_key(share: &[u8]) -> hmac::Key {
    let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, &[]).extract(share);
    let info = [PROGRESS_MAC_LABEL];
    let mut key = Zeroizing::new([0u8; 32]);
    // ok: one block of output is always available from HKDF-SHA256.
    prk.expand(&info, ring::hkdf::HKDF_SHA256).and_then(|okm| okm.fill(key.as_mut_slice())).expect("one block");
    hmac::Key::new(hmac::HMAC_SHA256, key.as_slice())
}

/// Whether `worker_id` is a worker of the device's factory.
fn in_factory(connection: &Connection, worker_id: &str, factory_id: &str) -> Result<bool, ApiError> {
    Ok(connection
        .query_row(
            "SELECT 1 FROM workers WHERE id = ?1 AND factory_id = ?2",
            params![worker_id, factory_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Checks that a request about `worker_id` comes from a device where that
/// worker signed in: a worker of the device's factory, and a MAC over
/// `input` under the key from their share on that device.
pub(crate) fn check_worker_mac(
    connection: &Connection,
    state: &AppState,
    device: &AuthenticatedDevice,
    worker_id: &str,
    input: &[u8],
    mac: &[u8],
) -> Result<(), ApiError> {
    let refused = || ApiError::code(HubErrorCode::Unauthorized);
    if !in_factory(connection, worker_id, &device.factory_id)? {
        return Err(refused());
    }
    let share =
        crate::auth::shares::existing_share(connection, &state.keys, worker_id, &device.id)?.ok_or_else(refused)?;
    hmac::verify(&mac_key(&share), input, mac).map_err(|_| refused())
}

/// Checks that the batch is the worker's: a MAC under the pair's share, or a
/// confirmed offline sign-in of that worker on that device.
fn authorised(
    connection: &Connection,
    state: &AppState,
    device: &AuthenticatedDevice,
    upload_id: &str,
    batch: &ProgressBatch,
) -> Result<bool, ApiError> {
    if !in_factory(connection, &batch.worker_id, &device.factory_id)? {
        return Ok(false);
    }
    match (&batch.mac, &batch.sign_in_id) {
        (Some(mac), None) => {
            let Some(share) =
                crate::auth::shares::existing_share(connection, &state.keys, &batch.worker_id, &device.id)?
            else {
                return Ok(false);
            };
            let input = batch_mac_input(upload_id, &batch.worker_id, &batch.events);
            Ok(hmac::verify(&mac_key(&share), &input, mac).is_ok())
        }
        (None, Some(sign_in_id)) => Ok(connection
            .query_row(
                "SELECT 1 FROM offline_sign_ins
                  WHERE device_id = ?1 AND sign_in_id = ?2 AND confirmed = 1 AND worker_id = ?3",
                params![device.id, sign_in_id, batch.worker_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some()),
        _ => Ok(false),
    }
}

fn open_batch(state: &AppState, device_id: &str, upload: &ProgressUpload) -> Option<ProgressBatch> {
    let info = upload_info(device_id, &upload.upload_id);
    let plain = crate::auth::offline::open_sealed(
        &state.keys,
        &upload.enc,
        &info,
        upload.upload_id.as_bytes(),
        &upload.sealed,
    )?;
    serde_json::from_slice(&plain).ok()
}

/// The rules of a published training module version, if the hub has it.
pub(crate) fn rules_of(
    connection: &Connection,
    data_dir: &Path,
    module_id: &str,
    version: u64,
) -> Result<Option<(ScoringRules, Vec<BadgeRule>)>, ApiError> {
    let Some(body_sha256) = crate::content::module_body(connection, ContentKind::TrainingModule, module_id, version)?
    else {
        return Ok(None);
    };
    let path = crate::content::blobs::blob_path(data_dir, &body_sha256);
    let Ok(body) = std::fs::read(&path) else { return Ok(None) };
    // Published by this hub from a verified folder; media were checked then.
    let Ok(document) = ModuleDocument::parse(&body, |_| true) else { return Ok(None) };
    let rules = document.scoring_rules(module_id, version);
    let badges = rules.badges.clone();
    Ok(Some((rules, badges)))
}

/// `POST /v1/progress/upload`.
async fn upload(
    State(state): State<AppState>,
    request: SignedRequest,
) -> Result<Json<ProgressUploadResponse>, ApiError> {
    let upload: ProgressUpload = request.json()?;
    if upload.upload_id.is_empty()
        || upload.upload_id.len() > MAX_UPLOAD_ID_LEN
        || upload.sealed.len() > MAX_SEALED_UPLOAD
    {
        return Err(ApiError::bad_request());
    }
    let device = request.device;
    let shared = state.clone();
    let merged = state
        .db
        .run(move |connection| {
            let received_at = unix_now();
            let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let done: Option<u32> = tx
                .query_row(
                    "SELECT merged FROM progress_uploads WHERE device_id = ?1 AND upload_id = ?2",
                    params![device.id, upload.upload_id],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(merged) = done {
                return Ok(merged);
            }
            let Some(batch) = open_batch(&shared, &device.id, &upload) else {
                return Err(ApiError::bad_request());
            };
            if batch.events.len() > MAX_EVENTS_PER_UPLOAD || !batch.events.iter().all(ProgressEvent::is_well_formed) {
                return Err(ApiError::bad_request());
            }
            if !authorised(&tx, &shared, &device, &upload.upload_id, &batch)? {
                return Err(ApiError::code(HubErrorCode::Unauthorized));
            }
            let merged = merge_events(
                &tx,
                &shared.data_dir,
                &batch.worker_id,
                &device.id,
                batch.events,
                upload.device_sent_at,
                received_at,
            )?;
            tx.execute(
                "INSERT INTO progress_uploads (device_id, upload_id, merged, received_at) VALUES (?1, ?2, ?3, ?4)",
                params![device.id, upload.upload_id, merged, received_at],
            )?;
            tx.commit()?;
            Ok(merged)
        })
        .await?;
    Ok(Json(ProgressUploadResponse { merged }))
}

/// Merges a batch of a worker's events into their log, as an upload does:
/// each scored with the rules of the module version it names, its time
/// shifted by the device's clock error at sending, and inserted by id (a
/// duplicate changes nothing). Returns how many were new. An event whose
/// module rules the hub cannot read fails the whole batch (retryable).
fn merge_events(
    connection: &Connection,
    data_dir: &Path,
    worker_id: &str,
    device_id: &str,
    events: Vec<ProgressEvent>,
    device_sent_at: i64,
    received_at: i64,
) -> Result<u32, ApiError> {
    let mut rules: BTreeMap<(String, u64), Option<ScoringRules>> = BTreeMap::new();
    let mut merged = 0u32;
    for mut event in events {
        let key = (event.module_id.clone(), event.module_version);
        if !rules.contains_key(&key) {
            let found = rules_of(connection, data_dir, &key.0, key.1)?.map(|(rules, _)| rules);
            rules.insert(key.clone(), found);
        }
        // Without the rules (a lost or unreadable body blob) the event cannot be
        // scored: storing it as earning nothing would be permanent, and the
        // worker's devices would show fewer points after the pull. Refuse the
        // whole batch as a hub failure instead: the device keeps it queued and
        // sends it again once the module is back.
        let Some(rules) = rules.get(&key).and_then(Option::as_ref) else {
            return Err(ApiError::internal(format!(
                "no readable scoring rules for module {} version {}",
                key.0, key.1
            )));
        };
        let earned = earned(&event, rules);
        event.at = corrected_time(event.at, device_sent_at, received_at);
        let inserted = connection.execute(
            "INSERT OR IGNORE INTO progress_events
                 (worker_id, event_id, module_id, module_version, at, event, earned, device_id, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                worker_id,
                event.id,
                event.module_id,
                i64::try_from(event.module_version).unwrap_or(i64::MAX),
                event.at,
                serde_json::to_string(&event).map_err(|_| ApiError::internal("event json"))?,
                serde_json::to_string(&earned).map_err(|_| ApiError::internal("earned json"))?,
                device_id,
                received_at
            ],
        )?;
        merged += u32::try_from(inserted).unwrap_or(0);
    }
    Ok(merged)
}

/// Merges `events` into a worker's log in the hub at `data_dir` through the
/// same code as an authorised upload (scoring, clock correction, insert by
/// id), without the device signature and MAC around it. For end-to-end
/// tests that deliver events in orders a real device never would.
#[doc(hidden)]
pub fn merge_progress_events(
    data_dir: &Path,
    worker_id: &str,
    device_id: &str,
    events: Vec<ProgressEvent>,
    device_sent_at: i64,
    received_at: i64,
) -> anyhow::Result<u32> {
    let mut connection = crate::db::open_connection(data_dir)?;
    let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let merged = merge_events(&tx, data_dir, worker_id, device_id, events, device_sent_at, received_at)
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    tx.commit()?;
    Ok(merged)
}

/// A worker's merged log (each event with what it earned) and totals, as a
/// pull reads them. For end-to-end tests, with [`merge_progress_events`].
#[doc(hidden)]
pub fn merged_progress(data_dir: &Path, worker_id: &str) -> anyhow::Result<(Vec<MergedEvent>, Totals)> {
    let connection = crate::db::open_connection(data_dir)?;
    let read = || -> Result<_, ApiError> {
        let utc_offset_minutes: i32 = connection.query_row(
            "SELECT f.utc_offset_minutes FROM factories f JOIN workers w ON w.factory_id = f.id WHERE w.id = ?1",
            [worker_id],
            |row| row.get(0),
        )?;
        let log = worker_log(&connection, worker_id)?;
        let (totals, _) = worker_totals(&connection, data_dir, &log, utc_offset_minutes)?;
        let events = log.into_iter().map(|(_, event, earned)| MergedEvent { event, earned }).collect();
        Ok((events, totals))
    };
    read().map_err(|error| anyhow::anyhow!("{error}"))
}

/// `POST /v1/progress/pull`.
async fn pull(State(state): State<AppState>, request: SignedRequest) -> Result<Json<ProgressPullResponse>, ApiError> {
    let body: ProgressPullRequest = request.json()?;
    let device = request.device;
    let shared = state.clone();
    let reply = state
        .db
        .run(move |connection| {
            let input = pull_mac_input(&body.worker_id, body.cursor);
            check_worker_mac(connection, &shared, &device, &body.worker_id, &input, &body.mac)?;
            let utc_offset_minutes: i32 = connection.query_row(
                "SELECT utc_offset_minutes FROM factories WHERE id = ?1",
                [&device.factory_id],
                |row| row.get(0),
            )?;
            let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let log = worker_log(&tx, &body.worker_id)?;
            let (totals, badges) = worker_totals(&tx, &shared.data_dir, &log, utc_offset_minutes)?;
            let certificates = certificates(&tx, &shared, &body.worker_id, &device.factory_id, &log)?;
            tx.commit()?;
            let after: Vec<_> =
                log.into_iter().filter(|(seq, ..)| u64::try_from(*seq).unwrap_or(0) > body.cursor).collect();
            let more = after.len() > MAX_PULL_EVENTS;
            let page: Vec<_> = after.into_iter().take(MAX_PULL_EVENTS).collect();
            let cursor = page.last().map_or(body.cursor, |(seq, ..)| u64::try_from(*seq).unwrap_or(body.cursor));
            Ok(ProgressPullResponse {
                events: page.into_iter().map(|(_, event, earned)| MergedEvent { event, earned }).collect(),
                cursor,
                more,
                totals,
                utc_offset_minutes,
                badges,
                certificates,
            })
        })
        .await?;
    Ok(Json(reply))
}

/// A worker's merged log: (seq, event, earned).
fn worker_log(connection: &Connection, worker_id: &str) -> Result<Vec<(i64, ProgressEvent, Earned)>, ApiError> {
    let mut statement =
        connection.prepare("SELECT seq, event, earned FROM progress_events WHERE worker_id = ?1 ORDER BY seq")?;
    let rows = statement.query_map([worker_id], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
    })?;
    let mut log = Vec::new();
    for row in rows {
        let (seq, event, earned) = row?;
        let event: ProgressEvent =
            serde_json::from_str(&event).map_err(|_| ApiError::internal("a stored event does not parse"))?;
        let earned: Earned =
            serde_json::from_str(&earned).map_err(|_| ApiError::internal("stored earnings do not parse"))?;
        log.push((seq, event, earned));
    }
    Ok(log)
}

/// Badge rules of the modules in a log (the newest version of each held).
fn badge_rules(
    connection: &Connection,
    data_dir: &Path,
    log: &[(i64, ProgressEvent, Earned)],
) -> Result<BTreeMap<String, Vec<BadgeRule>>, ApiError> {
    let mut newest: BTreeMap<&str, u64> = BTreeMap::new();
    for (_, event, _) in log {
        let entry = newest.entry(&event.module_id).or_insert(event.module_version);
        *entry = (*entry).max(event.module_version);
    }
    let mut badges = BTreeMap::new();
    for (module_id, version) in newest {
        if let Some((_, rules)) = rules_of(connection, data_dir, module_id, version)? {
            badges.insert(module_id.to_owned(), rules);
        }
    }
    Ok(badges)
}

/// A worker's totals now.
fn worker_totals(
    connection: &Connection,
    data_dir: &Path,
    log: &[(i64, ProgressEvent, Earned)],
    utc_offset_minutes: i32,
) -> Result<(Totals, BTreeMap<String, Vec<BadgeRule>>), ApiError> {
    let badges = badge_rules(connection, data_dir, log)?;
    let today = local_day(unix_now(), utc_offset_minutes);
    let derived = totals(log.iter().map(|(_, event, earned)| (earned, event.at)), &badges, utc_offset_minutes, today);
    Ok((derived, badges))
}

/// Issues (once) a certificate for every module the worker passed; returns
/// all of the worker's certificates.
fn certificates(
    connection: &Connection,
    state: &AppState,
    worker_id: &str,
    factory_id: &str,
    log: &[(i64, ProgressEvent, Earned)],
) -> Result<Vec<SignedCertificate>, ApiError> {
    let mut passed: BTreeMap<&str, (i64, u64)> = BTreeMap::new();
    for (_, event, earned) in log {
        if earned.activities.keys().any(|activity| matches!(activity, Activity::Passed { .. })) {
            let entry = passed.entry(&event.module_id).or_insert((event.at, event.module_version));
            if event.at < entry.0 {
                *entry = (event.at, event.module_version);
            }
        }
    }
    for (module_id, (passed_at, version)) in passed {
        let held: bool = connection
            .query_row(
                "SELECT 1 FROM certificates WHERE worker_id = ?1 AND module_id = ?2",
                params![worker_id, module_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if held {
            continue;
        }
        let (worker_name, worker_number, factory_name): (String, String, String) = connection.query_row(
            "SELECT w.display_name, w.worker_number, f.name FROM workers w JOIN factories f ON f.id = w.factory_id
              WHERE w.id = ?1 AND f.id = ?2",
            params![worker_id, factory_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        let certificate = Certificate {
            certificate_id: uuid::Uuid::new_v4().to_string(),
            programme_id: state.programme.id().to_owned(),
            worker_name,
            worker_number,
            factory_name,
            module_id: module_id.to_owned(),
            module_version: version,
            module_title: crate::content::module_titles(connection, ContentKind::TrainingModule, module_id, version)?,
            passed_at,
        };
        let body = serde_json::to_vec(&certificate).map_err(|_| ApiError::internal("certificate json"))?;
        let signature = state.programme.sign(&certificate_signing_input(&body));
        connection.execute(
            "INSERT INTO certificates (worker_id, module_id, body, signature, issued_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![worker_id, module_id, body, signature, unix_now()],
        )?;
    }
    let mut statement =
        connection.prepare("SELECT body, signature FROM certificates WHERE worker_id = ?1 ORDER BY module_id")?;
    let rows =
        statement.query_map([worker_id], |row| Ok(SignedCertificate { body: row.get(0)?, signature: row.get(1)? }))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Emoji that start pseudonyms: no language, no name.
const PSEUDONYM_ANIMALS: [&str; 24] = [
    "🦊", "🐼", "🐯", "🦁", "🐸", "🐵", "🦉", "🐢", "🐬", "🦋", "🐝", "🦜", "🐘", "🦒", "🦓", "🐙", "🦀", "🐧", "🦩",
    "🐨", "🦔", "🦦", "🐳", "🦚",
];

fn new_pseudonym(state: &AppState) -> Result<String, ApiError> {
    let bytes: [u8; 4] = state.keys.random()?;
    let animal = PSEUDONYM_ANIMALS[usize::from(bytes[0]) % PSEUDONYM_ANIMALS.len()];
    let number = u32::from_be_bytes([0, bytes[1], bytes[2], bytes[3]]) % 10_000;
    Ok(format!("{animal} {number:04}"))
}

/// How many fresh pseudonyms a join tries before giving up. With 240,000
/// pseudonyms and a factory of a few thousand members, eight clashes in a
/// row happen about once in 10^20 joins.
const PSEUDONYM_ATTEMPTS: usize = 8;

/// Adds `worker_id` to its factory's leaderboard under a pseudonym no other
/// member of that factory holds, drawing a fresh one from `fresh` after each
/// clash; a worker already on the board keeps their pseudonym. Fails with an
/// internal (retryable) error, never a silent "not joined", when every
/// attempt clashed.
fn join_leaderboard(
    connection: &Connection,
    worker_id: &str,
    factory_id: &str,
    mut fresh: impl FnMut() -> Result<String, ApiError>,
) -> Result<(), ApiError> {
    let member = connection
        .query_row("SELECT 1 FROM leaderboard WHERE worker_id = ?1", [worker_id], |_| Ok(()))
        .optional()?
        .is_some();
    if member {
        return Ok(());
    }
    for _ in 0..PSEUDONYM_ATTEMPTS {
        let pseudonym = fresh()?;
        // Ignored only on a clash of (factory, pseudonym): membership was checked above,
        // inside the same immediate transaction.
        let inserted = connection.execute(
            "INSERT OR IGNORE INTO leaderboard (worker_id, factory_id, pseudonym, joined_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![worker_id, factory_id, pseudonym, unix_now()],
        )?;
        if inserted == 1 {
            return Ok(());
        }
    }
    Err(ApiError::internal("no free leaderboard pseudonym after several attempts"))
}

/// `POST /v1/progress/leaderboard`: opt in or out, and the factory's board
/// (pseudonyms only; nothing shown while fewer than five take part).
async fn leaderboard(
    State(state): State<AppState>,
    request: SignedRequest,
) -> Result<Json<LeaderboardResponse>, ApiError> {
    let body: LeaderboardRequest = request.json()?;
    let device = request.device;
    let shared = state.clone();
    let reply = state
        .db
        .run(move |connection| {
            let input = leaderboard_mac_input(&body.worker_id, body.opt_in);
            check_worker_mac(connection, &shared, &device, &body.worker_id, &input, &body.mac)?;
            let tx = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            match body.opt_in {
                Some(true) => {
                    join_leaderboard(&tx, &body.worker_id, &device.factory_id, || new_pseudonym(&shared))?;
                }
                Some(false) => {
                    tx.execute("DELETE FROM leaderboard WHERE worker_id = ?1", [&body.worker_id])?;
                }
                None => {}
            }
            let utc_offset_minutes: i32 =
                tx.query_row("SELECT utc_offset_minutes FROM factories WHERE id = ?1", [&device.factory_id], |row| {
                    row.get(0)
                })?;
            let members: Vec<(String, String)> = {
                let mut statement = tx.prepare("SELECT worker_id, pseudonym FROM leaderboard WHERE factory_id = ?1")?;
                let rows = statement.query_map([&device.factory_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
                rows.collect::<Result<Vec<_>, _>>()?
            };
            let own = members.iter().find(|(worker, _)| *worker == body.worker_id).map(|(_, p)| p.clone());
            let suppressed = u32::try_from(members.len()).unwrap_or(u32::MAX) < MIN_GROUP;
            let mut board = Vec::new();
            if !suppressed {
                for (worker_id, pseudonym) in &members {
                    let log = worker_log(&tx, worker_id)?;
                    let (totals, _) = worker_totals(&tx, &shared.data_dir, &log, utc_offset_minutes)?;
                    board.push((worker_id.clone(), pseudonym.clone(), totals.points, totals.level));
                }
                board.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
            }
            tx.commit()?;
            let own_rank = board
                .iter()
                .position(|(worker_id, ..)| *worker_id == body.worker_id)
                .map(|at| u32::try_from(at + 1).unwrap_or(u32::MAX));
            let entries = board
                .into_iter()
                .take(LEADERBOARD_SIZE)
                .enumerate()
                .map(|(at, (_, pseudonym, points, level))| LeaderboardEntry {
                    rank: u32::try_from(at + 1).unwrap_or(u32::MAX),
                    pseudonym,
                    points,
                    level,
                })
                .collect();
            Ok(LeaderboardResponse { opted_in: own.is_some(), pseudonym: own, suppressed, entries, own_rank })
        })
        .await?;
    Ok(Json(reply))
}

/// Lines shown on a leaderboard.
const LEADERBOARD_SIZE: usize = 10;

/// Per module of a factory: how many workers started it and how many passed,
/// each count suppressed below [`MIN_GROUP`].
pub(crate) fn completion_report(connection: &Connection, factory_id: &str) -> Result<Vec<ModuleCompletion>, ApiError> {
    let mut statement = connection.prepare(
        "SELECT p.module_id, p.worker_id, p.earned FROM progress_events p JOIN workers w ON w.id = p.worker_id
          WHERE w.factory_id = ?1 ORDER BY p.module_id",
    )?;
    let rows = statement.query_map([factory_id], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
    })?;
    let mut modules: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for row in rows {
        let (module_id, worker_id, earned) = row?;
        let earned: Earned =
            serde_json::from_str(&earned).map_err(|_| ApiError::internal("stored earnings do not parse"))?;
        let (started, passed) = modules.entry(module_id).or_default();
        if earned.activities.keys().any(|activity| matches!(activity, Activity::Passed { .. })) {
            passed.insert(worker_id.clone());
        }
        started.insert(worker_id);
    }
    let shown = |count: usize| {
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        (count == 0 || count >= MIN_GROUP).then_some(count)
    };
    Ok(modules
        .into_iter()
        .map(|(module_id, (started, passed))| {
            // Passed, shown next to started, also tells how many did not pass.
            let not_passed_shown = shown(started.len() - passed.len()).is_some();
            ModuleCompletion {
                module_id,
                workers_started: shown(started.len()),
                workers_passed: shown(passed.len()).filter(|_| not_passed_shown),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factory_with_workers(workers: &[&str]) -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let connection = crate::db::open_connection(dir.path()).unwrap();
        connection
            .execute("INSERT INTO factories (id, name, self_registration, created_at) VALUES ('f1', 'F', 0, 0)", [])
            .unwrap();
        for (at, worker) in workers.iter().enumerate() {
            connection
                .execute(
                    "INSERT INTO workers (id, factory_id, worker_number, number_key, display_name, language,
                                          kdf_algorithm, kdf_salt, kdf_iterations, created_at)
                     VALUES (?1, 'f1', ?2, ?2, 'W', 'en', 'pbkdf2', x'00', 1, 0)",
                    params![worker, at.to_string()],
                )
                .unwrap();
        }
        (dir, connection)
    }

    fn pseudonym_of(connection: &Connection, worker_id: &str) -> Option<String> {
        connection
            .query_row("SELECT pseudonym FROM leaderboard WHERE worker_id = ?1", [worker_id], |row| row.get(0))
            .optional()
            .unwrap()
    }

    #[test]
    fn a_pseudonym_clash_draws_a_fresh_one_instead_of_silently_not_joining() {
        let (_dir, connection) = factory_with_workers(&["w1", "w2"]);
        join_leaderboard(&connection, "w1", "f1", || Ok("🦊 0001".to_owned())).unwrap();
        let mut drawn = vec!["🦊 0002".to_owned(), "🦊 0001".to_owned()];
        join_leaderboard(&connection, "w2", "f1", || Ok(drawn.pop().unwrap())).unwrap();
        assert_eq!(pseudonym_of(&connection, "w1").as_deref(), Some("🦊 0001"));
        assert_eq!(pseudonym_of(&connection, "w2").as_deref(), Some("🦊 0002"));
    }

    #[test]
    fn a_pseudonym_space_with_no_room_left_is_an_error_not_a_silent_refusal() {
        let (_dir, connection) = factory_with_workers(&["w1", "w2"]);
        join_leaderboard(&connection, "w1", "f1", || Ok("🦊 0001".to_owned())).unwrap();
        let mut draws = 0;
        let error = join_leaderboard(&connection, "w2", "f1", || {
            draws += 1;
            Ok("🦊 0001".to_owned())
        })
        .unwrap_err();
        assert!(matches!(error, ApiError::Internal(_)), "{error:?}");
        assert_eq!(draws, PSEUDONYM_ATTEMPTS);
        assert_eq!(pseudonym_of(&connection, "w2"), None);
    }

    #[test]
    fn joining_again_keeps_the_pseudonym() {
        let (_dir, connection) = factory_with_workers(&["w1"]);
        join_leaderboard(&connection, "w1", "f1", || Ok("🐼 1234".to_owned())).unwrap();
        join_leaderboard(&connection, "w1", "f1", || Ok("🐼 9999".to_owned())).unwrap();
        assert_eq!(pseudonym_of(&connection, "w1").as_deref(), Some("🐼 1234"));
    }
}
