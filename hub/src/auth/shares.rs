//! Hub shares: 32 random bytes per (worker, device) pair, one of the three
//! inputs of the worker's unlock key on that device, released only after
//! the PIN verified.
//!
//! Stored sealed under a key derived from the hub secret (see
//! [`HubKeys::seal_share`]). Deleting a pair's row crypto-shreds that
//! worker's vault on that device: without the share the device can no
//! longer derive the unlock key, whatever PIN is typed.

use crate::db::sql::{Connection, OptionalExtension, params};
use workervoice_protocol::auth::HUB_SHARE_LEN;
use zeroize::Zeroizing;

use crate::error::ApiError;
use crate::keys::HubKeys;

/// Makes a fresh share for the pair, replacing any earlier one (a new PIN
/// on this device starts a new vault).
pub(crate) fn issue_share(
    connection: &Connection,
    keys: &HubKeys,
    worker_id: &str,
    device_id: &str,
    now: i64,
) -> Result<Zeroizing<Vec<u8>>, ApiError> {
    let share = Zeroizing::new(keys.random::<HUB_SHARE_LEN>()?.to_vec());
    let sealed = keys.seal_share(worker_id, device_id, &share)?;
    connection.execute(
        "INSERT INTO worker_device_shares (worker_id, device_id, sealed_share, created_at) \
         VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (worker_id, device_id) DO UPDATE SET \
             sealed_share = excluded.sealed_share, created_at = excluded.created_at",
        params![worker_id, device_id, sealed, now],
    )?;
    Ok(share)
}

/// The pair's share: the same one on every login from this device, made on
/// the first.
pub(crate) fn share_for(
    connection: &Connection,
    keys: &HubKeys,
    worker_id: &str,
    device_id: &str,
    now: i64,
) -> Result<Zeroizing<Vec<u8>>, ApiError> {
    match existing_share(connection, keys, worker_id, device_id)? {
        Some(share) => Ok(share),
        None => issue_share(connection, keys, worker_id, device_id, now),
    }
}

/// The pair's share if the worker ever signed in on that device (what
/// authenticates their training progress and survey requests from it, see
/// `worker_mac`); never makes one.
pub(crate) fn existing_share(
    connection: &Connection,
    keys: &HubKeys,
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
    sealed.map(|sealed| keys.open_share(worker_id, device_id, &sealed)).transpose()
}

/// Deletes every share of a worker (after a staff reset).
pub(crate) fn shred_worker_shares(connection: &Connection, worker_id: &str) -> crate::db::sql::Result<usize> {
    connection.execute("DELETE FROM worker_device_shares WHERE worker_id = ?1", [worker_id])
}

/// Deletes every share held for a device (when it is retired).
pub(crate) fn shred_device_shares(connection: &Connection, device_id: &str) -> crate::db::sql::Result<usize> {
    connection.execute("DELETE FROM worker_device_shares WHERE device_id = ?1", [device_id])
}
