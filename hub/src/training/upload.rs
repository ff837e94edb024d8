//! `POST /v1/progress/upload`: a batch of a worker's events, sealed with HPKE
//! to the hub's sealing key when the worker did the activity, and merged into
//! their log.
//!
//! Inside the sealed batch: the worker id, the events and either a MAC under
//! a key derived from the hub share of that (worker, device) pair — proof the
//! worker's PIN was checked on that device (`auth::worker_mac`) — or, from a
//! kiosk session signed in offline, the id of a sign-in the hub has confirmed
//! for that worker (`auth::offline`). Each event is scored with the rules of
//! the module version it names, its time shifted by the device's clock error
//! at sending, and merged by id: a replayed upload or event changes nothing.

use std::collections::BTreeMap;
use std::path::Path;

use crate::db::sql::{Connection, OptionalExtension, params};
use axum::Json;
use axum::extract::State;
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::progress::{
    MAX_EVENTS_PER_UPLOAD, MAX_SEALED_UPLOAD, MAX_UPLOAD_ID_LEN, ProgressBatch, ProgressEvent, ProgressUpload,
    ProgressUploadResponse, ScoringRules, batch_mac_input, corrected_time, earned, upload_info,
};

use super::log::rules_of;
use crate::auth::worker_mac;
use crate::clock::unix_now;
use crate::device_auth::{AuthenticatedDevice, SignedRequest};
use crate::error::ApiError;
use crate::keys::HubKeys;
use crate::state::AppState;

/// Checks that the batch is the worker's: a MAC under the pair's share, or a
/// confirmed offline sign-in of that worker on that device.
fn authorised(
    connection: &Connection,
    state: &AppState,
    device: &AuthenticatedDevice,
    upload_id: &str,
    batch: &ProgressBatch,
) -> Result<bool, ApiError> {
    if !worker_mac::in_factory(connection, &batch.worker_id, &device.factory_id)? {
        return Ok(false);
    }
    match (&batch.mac, &batch.sign_in_id) {
        (Some(mac), None) => {
            let input = batch_mac_input(upload_id, &batch.worker_id, &batch.events);
            worker_mac::share_mac_verifies(connection, &state.keys, &batch.worker_id, &device.id, &input, mac)
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

pub(crate) fn open_batch(keys: &HubKeys, device_id: &str, upload: &ProgressUpload) -> Option<ProgressBatch> {
    let info = upload_info(device_id, &upload.upload_id);
    let plain =
        crate::auth::offline::open_sealed(keys, &upload.enc, &info, upload.upload_id.as_bytes(), &upload.sealed)?;
    serde_json::from_slice(&plain).ok()
}

/// `POST /v1/progress/upload`.
pub(super) async fn upload(
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
    // HPKE before the database: opening depends on the request and the
    // hub's key only, and must not hold the writer.
    let opened = open_batch(&state.keys, &device.id, &upload);
    let shared = state.clone();
    let merged = state
        .db
        .run(move |connection| {
            let received_at = unix_now();
            let tx = connection.transaction_with_behavior(crate::db::sql::TransactionBehavior::Immediate)?;
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
            let Some(batch) = opened.clone() else {
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
                // The day only (ADR 0016): the row names the device.
                params![device.id, upload.upload_id, merged, crate::clock::coarse(received_at, crate::clock::DAY_SECS)],
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
            "INSERT INTO progress_events
                 (worker_id, event_id, module_id, module_version, at, event, earned, device_id, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
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
    let tx = connection.transaction_with_behavior(crate::db::sql::TransactionBehavior::Immediate)?;
    let merged = merge_events(&tx, data_dir, worker_id, device_id, events, device_sent_at, received_at)
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    tx.commit()?;
    Ok(merged)
}
