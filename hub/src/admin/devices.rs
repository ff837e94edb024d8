//! Enrolled devices as staff see them, and retiring one.
//!
//! Retiring is final: every later signed request from the device is answered
//! `device_retired`, and every hub share held for it is deleted, which
//! crypto-shreds the vaults of all workers who used it (the device can no
//! longer derive their unlock keys).

use crate::db::sql::{Connection, OptionalExtension, TransactionBehavior, params};
use workervoice_protocol::admin::DeviceSummary;
use workervoice_protocol::enrol::DeviceMode;

use super::factories::ensure_factory_exists;
use crate::auth::shares::shred_device_shares;
use crate::clock::unix_now;
use crate::error::ApiError;
use crate::staff::audit::{self, ActorId};
use crate::state::AppState;

const DEVICE_COLUMNS: &str = "id, mode, platform, state, enrolled_at, last_seen_at, reported_at, reported_queued, \
                              reported_needs_attention, reported_storage_bytes, wipe_requested_at, wiped_at";

fn device_from_row(row: &crate::db::sql::Row<'_>) -> crate::db::sql::Result<DeviceSummary> {
    let mode: String = row.get(1)?;
    Ok(DeviceSummary {
        device_id: row.get(0)?,
        // The column's CHECK constraint admits only the two wire names.
        mode: DeviceMode::parse(&mode).unwrap_or(DeviceMode::Shared),
        platform: row.get(2)?,
        state: row.get(3)?,
        enrolled_at: row.get(4)?,
        last_seen_at: row.get(5)?,
        last_sync_at: row.get(6)?,
        queued: row.get::<_, Option<i64>>(7)?.and_then(|v| u64::try_from(v).ok()),
        needs_attention: row.get::<_, Option<i64>>(8)?.and_then(|v| u64::try_from(v).ok()),
        storage_bytes: row.get::<_, Option<i64>>(9)?.and_then(|v| u64::try_from(v).ok()),
        wipe_requested_at: row.get(10)?,
        wiped_at: row.get(11)?,
    })
}

fn load_device(connection: &Connection, device_id: &str) -> crate::db::sql::Result<Option<DeviceSummary>> {
    connection
        .query_row(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1"), [device_id], device_from_row)
        .optional()
}

/// The factory's devices, in enrolment order.
pub(crate) async fn devices(state: &AppState, factory_id: String) -> Result<Vec<DeviceSummary>, ApiError> {
    state
        .db
        .read(move |connection| {
            ensure_factory_exists(connection, &factory_id)?;
            let mut statement = connection.prepare(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE factory_id = ?1 ORDER BY enrolled_at, rowid"
            ))?;
            let rows = statement.query_map([&factory_id], device_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
}

/// Asks a shared device to wipe its workers' data at its next sync and stay
/// in service. The device crypto-shreds by deleting each worker's key-store
/// secret with the rows; the hub's shares for it stay (a share alone opens
/// nothing, and a worker signing in before that sync must still get in). A
/// tablet that may be in the wrong hands is *retired* instead, which shreds
/// the shares at once. A retired device is refused with `device_retired`
/// (it wiped itself already), a personal phone with `bad_request`.
pub(crate) async fn wipe_device(
    state: &AppState,
    actor: &ActorId,
    device_id: String,
) -> Result<DeviceSummary, ApiError> {
    let actor = actor.clone();
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let device = load_device(&tx, &device_id)?.ok_or_else(ApiError::not_found)?;
            if device.state != "active" {
                return Err(ApiError::code(workervoice_protocol::error::HubErrorCode::DeviceRetired));
            }
            if device.mode != DeviceMode::Shared {
                return Err(ApiError::bad_request());
            }
            tx.execute(
                "UPDATE devices SET wipe_requested_at = ?1, wiped_at = NULL WHERE id = ?2",
                params![unix_now(), device_id],
            )?;
            let device = load_device(&tx, &device_id)?.ok_or_else(ApiError::not_found)?;
            audit::append(&tx, &actor, "device_wipe_requested", "device", &device_id)?;
            tx.commit()?;
            tracing::info!("device wipe requested by staff");
            Ok(device)
        })
        .await
}

/// Retires a device (idempotent) and shreds the shares held for it.
pub(crate) async fn retire_device(
    state: &AppState,
    actor: &ActorId,
    device_id: String,
) -> Result<DeviceSummary, ApiError> {
    let actor = actor.clone();
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "UPDATE devices SET state = 'retired', retired_at = coalesce(retired_at, ?1) WHERE id = ?2",
                params![unix_now(), device_id],
            )?;
            let shredded = shred_device_shares(&tx, &device_id)?;
            tx.execute("DELETE FROM request_nonces WHERE device_id = ?1", [&device_id])?;
            let device = load_device(&tx, &device_id)?.ok_or_else(ApiError::not_found)?;
            audit::append(&tx, &actor, "device_retired", "device", &device_id)?;
            tx.commit()?;
            tracing::info!(shredded_shares = shredded, "device retired by staff");
            Ok(device)
        })
        .await
}
