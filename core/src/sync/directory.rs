//! Refreshing the recipient directory: asked with `have=<version>`, so
//! nothing new costs one small request; a new one is kept only if it is
//! signed by the pinned programme key and extends, link by link, the one
//! held (the hub sends the versions between).

use std::sync::Mutex;

use workervoice_protocol::directory::DirectoryResponse;
use workervoice_protocol::paths;

use super::{SyncReport, lock};
use crate::directory::{self as dir, DirectoryError};
use crate::net::{HubClient, HubTime, Method, NetError, Request};
use crate::store::Store;

/// How often the directory is checked when nothing forces it.
pub const DIRECTORY_REFRESH_SECS: i64 = 6 * 3600;

/// Fetches the directory if it is due (or `force`), verifies and keeps it.
/// Without a pinned key nothing is kept.
pub async fn refresh(
    store: &Mutex<Store>,
    client: &HubClient,
    pinned: Option<&[u8]>,
    time: &HubTime,
    force: bool,
    report: &mut SyncReport,
) -> Result<(), NetError> {
    let (held_row, refreshed_at) = {
        let store = lock(store);
        (dir::held(store.conn()).ok().flatten(), dir::refreshed_at(store.conn()).ok().flatten())
    };
    let held = held_row.as_ref().map(|(_, version)| *version);
    report.directory_version = held;
    if !force && held.is_some() && refreshed_at.is_some_and(|at| time.device_secs() - at < DIRECTORY_REFRESH_SECS) {
        return Ok(());
    }
    let path = format!("{}?have={}", paths::DIRECTORY, held.unwrap_or(0));
    let reply: DirectoryResponse = client.send(Request::new(Method::GET, &path)).await?;
    let Some(pinned) = pinned else { return Ok(()) };
    let store = lock(store);
    let held_ref = held_row.as_ref().map(|(body, version)| (body.as_slice(), *version));
    match dir::verify_update(held_ref, &reply, pinned) {
        Ok(None) => {
            let _ = dir::touch(store.conn(), time.device_secs());
        }
        Ok(Some((signed, directory))) => {
            if dir::save(store.conn(), &signed, &directory, time.device_secs()).is_ok() {
                report.directory_version = Some(directory.version);
            }
        }
        Err(error @ (DirectoryError::BrokenChain | DirectoryError::Rollback { .. })) => {
            tracing::warn!(kind = "directory_refused", %error, "a directory from the hub does not extend the one held");
            report.directory_refused = true;
            report.directory_refusal = Some(crate::error::ErrorCode::DirectoryChainBroken);
        }
        Err(
            DirectoryError::BadSignature | DirectoryError::Malformed | DirectoryError::BrandWithoutSuppliers { .. },
        ) => {
            tracing::warn!(kind = "directory_refused", "a directory from the hub was refused");
            report.directory_refused = true;
            report.directory_refusal = Some(crate::error::ErrorCode::ContentUnverified);
        }
        Err(DirectoryError::NoPinnedKey) => {}
    }
    Ok(())
}
