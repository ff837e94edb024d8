//! Device enrolment (`POST /v1/enrol`) and a device's view of its own state
//! (`GET /v1/device/status`).
//!
//! Enrolment is the one device request not signed by a known identity.
//! Instead the new key signs [`enrol_challenge`], binding the one-time code,
//! the requested mode and the key: a code intercepted in transit cannot be
//! used with another key or mode. A code is spent in the same transaction
//! that creates the device, so two devices racing with one code cannot both
//! win.

use crate::db::sql::{OptionalExtension, TransactionBehavior, params};
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use ring::signature::{ED25519, UnparsedPublicKey};
use workervoice_protocol::codes::normalize_code;
use workervoice_protocol::enrol::{
    DeviceHealthReport, DeviceStatusResponse, EnrolRequest, EnrolResponse, enrol_challenge,
};
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::paths;

use crate::clock::unix_now;
use crate::device_auth::SignedRequest;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

/// Length of a raw Ed25519 public key.
const PUBLIC_KEY_LEN: usize = 32;
/// Longest platform label accepted.
const MAX_PLATFORM_CHARS: usize = 64;

/// The enrolment and device-status routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::ENROL, post(enrol))
        .route(paths::DEVICE_STATUS, get(status))
        .route(paths::DEVICE_HEALTH, post(health))
}

async fn enrol(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<EnrolRequest>,
) -> Result<Json<EnrolResponse>, ApiError> {
    let platform = request.platform.trim().to_owned();
    let platform_ok = !platform.is_empty()
        && platform.chars().count() <= MAX_PLATFORM_CHARS
        && !platform.chars().any(char::is_control);
    if request.public_key.len() != PUBLIC_KEY_LEN || !platform_ok {
        return Err(ApiError::bad_request());
    }
    let challenge = enrol_challenge(&request.code, request.mode, &request.public_key);
    UnparsedPublicKey::new(&ED25519, &request.public_key)
        .verify(&challenge, &request.signature)
        .map_err(|_| ApiError::unauthorized())?;
    let code_hash = state.keys.derive_enrolment_code_hash(&normalize_code(&request.code));
    let response = state
        .db
        .run(move |connection| {
            let now = unix_now();
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let code = tx
                .query_row(
                    "SELECT c.factory_id, f.name, c.mode, c.expires_at, c.used_at, d.id, d.public_key, d.state, \
                     f.kiosk_idle_timeout_secs \
                     FROM enrolment_codes c JOIN factories f ON f.id = c.factory_id \
                     LEFT JOIN devices d ON d.id = c.device_id \
                     WHERE c.code_hash = ?1",
                    [&code_hash],
                    |row| {
                        Ok(CodeRow {
                            factory_id: row.get(0)?,
                            factory_name: row.get(1)?,
                            mode: row.get(2)?,
                            expires_at: row.get(3)?,
                            used_at: row.get(4)?,
                            device_id: row.get(5)?,
                            device_key: row.get(6)?,
                            device_state: row.get(7)?,
                            idle_secs: row.get(8)?,
                        })
                    },
                )
                .optional()?;
            // Unknown, used, expired and other-mode codes get one answer —
            // except the same key repeating its own successful enrolment
            // (its reply was lost): that gets the original answer again, so
            // a flaky network never burns a code.
            let idle_secs = code.as_ref().map(|row| row.idle_secs);
            let (factory_id, factory_name) = match code {
                Some(row) if row.mode != request.mode.as_str() => {
                    return Err(ApiError::code(HubErrorCode::EnrolmentCodeInvalid));
                }
                Some(CodeRow {
                    used_at: Some(_),
                    device_id: Some(device_id),
                    device_key: Some(key),
                    device_state,
                    factory_id,
                    factory_name,
                    ..
                }) if key == request.public_key && device_state.as_deref() == Some("active") => {
                    return Ok(EnrolResponse {
                        device_id,
                        factory_id,
                        factory_name,
                        mode: request.mode,
                        hub_time: now,
                        kiosk_idle_timeout_secs: idle_secs,
                    });
                }
                Some(row) if row.used_at.is_none() && now < row.expires_at => (row.factory_id, row.factory_name),
                _ => return Err(ApiError::code(HubErrorCode::EnrolmentCodeInvalid)),
            };
            let key_known: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM devices WHERE public_key = ?1)",
                [&request.public_key],
                |row| row.get(0),
            )?;
            if key_known {
                return Err(ApiError::bad_request());
            }
            let device_id = uuid::Uuid::new_v4().to_string();
            tx.execute(
                "INSERT INTO devices (id, factory_id, mode, public_key, platform, enrolled_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![device_id, factory_id, request.mode.as_str(), request.public_key, platform, now],
            )?;
            tx.execute(
                "UPDATE enrolment_codes SET used_at = ?1, device_id = ?2 WHERE code_hash = ?3",
                params![now, device_id, code_hash],
            )?;
            tx.commit()?;
            Ok(EnrolResponse {
                device_id,
                factory_id,
                factory_name,
                mode: request.mode,
                hub_time: now,
                kiosk_idle_timeout_secs: idle_secs,
            })
        })
        .await?;
    tracing::info!(mode = response.mode.as_str(), "device enrolled");
    Ok(Json(response))
}

/// One enrolment code, with the device that used it (if any).
struct CodeRow {
    factory_id: String,
    factory_name: String,
    mode: String,
    expires_at: i64,
    used_at: Option<i64>,
    device_id: Option<String>,
    device_key: Option<Vec<u8>>,
    device_state: Option<String>,
    idle_secs: u32,
}

/// A retired device never gets here: every signed request from it is
/// answered `device_retired` (410) by the signature check, this one too.
async fn status(request: SignedRequest) -> Json<DeviceStatusResponse> {
    Json(DeviceStatusResponse {
        device_id: request.device.id,
        state: "active".to_owned(),
        hub_time: unix_now(),
        kiosk_idle_timeout_secs: None,
        wipe_requested: None,
    })
}

/// A shared device's health report: counts only, stored for staff. A retired
/// device never gets here (the signature check answers `device_retired`).
async fn health(State(state): State<AppState>, request: SignedRequest) -> Result<Json<DeviceStatusResponse>, ApiError> {
    let report: DeviceHealthReport = request.json()?;
    let device_id = request.device.id.clone();
    let now = unix_now();
    let clamp = |value: u64| i64::try_from(value).unwrap_or(i64::MAX);
    let id = device_id.clone();
    let (idle_secs, wipe_requested): (u32, Option<i64>) = state
        .db
        .run(move |connection| {
            connection.execute(
                "UPDATE devices SET reported_at = ?1, reported_queued = ?2, reported_needs_attention = ?3, \
                 reported_storage_bytes = ?4 WHERE id = ?5",
                params![now, clamp(report.queued), clamp(report.needs_attention), clamp(report.storage_bytes), id],
            )?;
            // The device says it carried out the latest wipe request: record when.
            if let Some(wiped) = report.wiped {
                connection.execute(
                    "UPDATE devices SET wiped_at = ?1 WHERE id = ?2 AND wipe_requested_at = ?3 AND wiped_at IS NULL",
                    params![now, id, wiped],
                )?;
            }
            Ok(connection.query_row(
                "SELECT f.kiosk_idle_timeout_secs, CASE WHEN d.wiped_at IS NULL THEN d.wipe_requested_at END \
                 FROM devices d JOIN factories f ON f.id = d.factory_id WHERE d.id = ?1",
                [&id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?)
        })
        .await?;
    // The factory's settings ride along, so a tablet picks up a change at its next sync.
    Ok(Json(DeviceStatusResponse {
        device_id,
        state: "active".to_owned(),
        hub_time: now,
        kiosk_idle_timeout_secs: Some(idle_secs),
        wipe_requested,
    }))
}
