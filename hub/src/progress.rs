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

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::routing::post;
use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR};
use ring::hmac;
use rusqlite::{Connection, OptionalExtension, params};
use workervoice_protocol::content::ContentKind;
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::paths;
use workervoice_protocol::progress::{
    BadgeRule, Earned, MAX_EVENTS_PER_UPLOAD, MAX_PULL_EVENTS, MAX_SEALED_UPLOAD, MAX_UPLOAD_ID_LEN, MergedEvent,
    PROGRESS_MAC_LABEL, ProgressBatch, ProgressEvent, ProgressPullRequest, ProgressPullResponse, ProgressUpload,
    ProgressUploadResponse, ScoringRules, batch_mac_input, corrected_time, earned, local_day, pull_mac_input, totals,
    upload_info,
};
use workervoice_protocol::training::ModuleDocument;
use zeroize::Zeroizing;

use crate::clock::unix_now;
use crate::device_auth::{AuthenticatedDevice, SignedRequest};
use crate::error::ApiError;
use crate::state::AppState;

/// The `/v1/progress/*` routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new().route(paths::PROGRESS_UPLOAD, post(upload)).route(paths::PROGRESS_PULL, post(pull))
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

/// The share of an existing (worker, device) pair; `None` if the worker never
/// signed in on that device.
fn existing_share(
    connection: &Connection,
    state: &AppState,
    worker_id: &str,
    device_id: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>, ApiError> {
    let sealed: Option<Vec<u8>> = connection
        .query_row(
            "SELECT sealed_share FROM worker_device_shares WHERE worker_id = ?1 AND device_id = ?2",
            params![worker_id, device_id],
            |row| row.get(0),
        )
        .optional()?;
    sealed.map(|sealed| state.keys.open_share(worker_id, device_id, &sealed)).transpose()
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
            let Some(share) = existing_share(connection, state, &batch.worker_id, &device.id)? else {
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
    let (private, _) = X25519HkdfSha256::derive_keypair(state.keys.offline_sign_in_seed());
    let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(&upload.enc).ok()?;
    let plain = Zeroizing::new(
        hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
            &OpModeR::Base,
            &private,
            &enc,
            &upload_info(device_id, &upload.upload_id),
            &upload.sealed,
            upload.upload_id.as_bytes(),
        )
        .ok()?,
    );
    serde_json::from_slice(&plain).ok()
}

/// The rules of a published training module version, if the hub has it.
pub(crate) fn rules_of(
    connection: &Connection,
    state: &AppState,
    module_id: &str,
    version: u64,
) -> Result<Option<(ScoringRules, Vec<BadgeRule>)>, ApiError> {
    let Some(body_sha256) = crate::content::module_body(connection, ContentKind::TrainingModule, module_id, version)?
    else {
        return Ok(None);
    };
    let path = crate::content::blobs::blob_path(&state.data_dir, &body_sha256);
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
            let mut rules: BTreeMap<(String, u64), Option<ScoringRules>> = BTreeMap::new();
            let mut merged = 0u32;
            for mut event in batch.events {
                let key = (event.module_id.clone(), event.module_version);
                if !rules.contains_key(&key) {
                    let found = rules_of(&tx, &shared, &key.0, key.1)?.map(|(rules, _)| rules);
                    rules.insert(key.clone(), found);
                }
                let earned = rules.get(&key).and_then(Option::as_ref).map(|r| earned(&event, r)).unwrap_or_default();
                event.at = corrected_time(event.at, upload.device_sent_at, received_at);
                let inserted = tx.execute(
                    "INSERT OR IGNORE INTO progress_events
                         (worker_id, event_id, module_id, module_version, at, event, earned, device_id, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        batch.worker_id,
                        event.id,
                        event.module_id,
                        i64::try_from(event.module_version).unwrap_or(i64::MAX),
                        event.at,
                        serde_json::to_string(&event).map_err(|_| ApiError::internal("event json"))?,
                        serde_json::to_string(&earned).map_err(|_| ApiError::internal("earned json"))?,
                        device.id,
                        received_at
                    ],
                )?;
                merged += u32::try_from(inserted).unwrap_or(0);
            }
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

/// `POST /v1/progress/pull`.
async fn pull(State(state): State<AppState>, request: SignedRequest) -> Result<Json<ProgressPullResponse>, ApiError> {
    let body: ProgressPullRequest = request.json()?;
    let device = request.device;
    let shared = state.clone();
    let reply = state
        .db
        .run(move |connection| {
            if !in_factory(connection, &body.worker_id, &device.factory_id)? {
                return Err(ApiError::code(HubErrorCode::Unauthorized));
            }
            let Some(share) = existing_share(connection, &shared, &body.worker_id, &device.id)? else {
                return Err(ApiError::code(HubErrorCode::Unauthorized));
            };
            if hmac::verify(&mac_key(&share), &pull_mac_input(&body.worker_id, body.cursor), &body.mac).is_err() {
                return Err(ApiError::code(HubErrorCode::Unauthorized));
            }
            let utc_offset_minutes: i32 = connection.query_row(
                "SELECT utc_offset_minutes FROM factories WHERE id = ?1",
                [&device.factory_id],
                |row| row.get(0),
            )?;
            let mut statement = connection.prepare(
                "SELECT seq, event, earned, module_id, module_version FROM progress_events
                  WHERE worker_id = ?1 ORDER BY seq",
            )?;
            let rows = statement.query_map([&body.worker_id], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, i64>(4)?,
                ))
            })?;
            let mut all = Vec::new();
            for row in rows {
                let (seq, event, earned, module_id, version) = row?;
                let event: ProgressEvent =
                    serde_json::from_str(&event).map_err(|_| ApiError::internal("a stored event does not parse"))?;
                let earned: Earned =
                    serde_json::from_str(&earned).map_err(|_| ApiError::internal("stored earnings do not parse"))?;
                all.push((seq, event, earned, module_id, u64::try_from(version).unwrap_or(0)));
            }
            let mut badges: BTreeMap<String, (u64, Vec<BadgeRule>)> = BTreeMap::new();
            for (_, _, _, module_id, version) in &all {
                if badges.get(module_id).is_some_and(|(held, _)| held >= version) {
                    continue;
                }
                if let Some((_, rules)) = rules_of(connection, &shared, module_id, *version)? {
                    badges.insert(module_id.clone(), (*version, rules));
                }
            }
            let badges: BTreeMap<String, Vec<BadgeRule>> =
                badges.into_iter().map(|(module, (_, rules))| (module, rules)).collect();
            let today = local_day(unix_now(), utc_offset_minutes);
            let totals = totals(
                all.iter().map(|(_, event, earned, _, _)| (earned, event.at)),
                &badges,
                utc_offset_minutes,
                today,
            );
            let after: Vec<_> =
                all.into_iter().filter(|(seq, ..)| u64::try_from(*seq).unwrap_or(0) > body.cursor).collect();
            let more = after.len() > MAX_PULL_EVENTS;
            let page: Vec<_> = after.into_iter().take(MAX_PULL_EVENTS).collect();
            let cursor = page.last().map_or(body.cursor, |(seq, ..)| u64::try_from(*seq).unwrap_or(body.cursor));
            Ok(ProgressPullResponse {
                events: page.into_iter().map(|(_, event, earned, _, _)| MergedEvent { event, earned }).collect(),
                cursor,
                more,
                totals,
                utc_offset_minutes,
                badges,
            })
        })
        .await?;
    Ok(Json(reply))
}
