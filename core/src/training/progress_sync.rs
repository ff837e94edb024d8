//! Bringing a worker's progress log in step with the hub: sending a queued
//! upload (with the device's clock now plus the offset its events were
//! stamped with, so the hub corrects only the rest), and pulling what the
//! worker's other devices sent, with what the hub says each event earned.
//! A sync pass calls these through the app (`app::training`), which passes
//! in its session and store.

use std::sync::Mutex;

use workervoice_protocol::paths;
use workervoice_protocol::progress::{
    ProgressPullRequest, ProgressPullResponse, ProgressUpload, ProgressUploadResponse,
};

use super::{LoggedEvent, QueuedUpload};
use crate::auth::Session;
use crate::error::{Error, ErrorCode};
use crate::net::{HubClient, NetError, Signer};
use crate::runtime::lock;
use crate::store::Store;

/// Why a queued upload was not delivered.
pub(crate) enum SendError {
    /// The queued bytes are not an upload.
    Corrupt,
    /// The hub or the network said no.
    Net(NetError),
}

/// Whether queued bytes are an upload (checked before the device's keys
/// are loaded, as the outbox always did).
pub(crate) fn queued(body: &[u8]) -> Result<QueuedUpload, SendError> {
    serde_json::from_slice::<QueuedUpload>(body).map_err(|_| SendError::Corrupt)
}

/// Sends one queued upload; `device_now` is the device's clock now.
pub(crate) async fn push(
    client: &HubClient,
    signer: &Signer,
    queued: QueuedUpload,
    device_now: i64,
) -> Result<(), SendError> {
    let upload = ProgressUpload {
        upload_id: queued.upload_id,
        enc: queued.enc,
        sealed: queued.sealed,
        device_sent_at: device_now.saturating_add(queued.clock_offset_secs),
    };
    let _: ProgressUploadResponse =
        client.post_signed(paths::PROGRESS_UPLOAD, &upload, signer).await.map_err(SendError::Net)?;
    Ok(())
}

/// Pulls the worker of `session`'s log from the hub into their vault, page
/// by page; how many events came. No session, or a provisional one:
/// nothing to do (`signer` is asked only when there is). Locks the session before the store, as the app does.
pub(crate) async fn pull(
    client: &HubClient,
    signer: impl FnOnce() -> Result<Signer, Error>,
    session: &Mutex<Option<Session>>,
    store: &Mutex<Store>,
) -> Result<u32, Error> {
    let plan = {
        let session = lock(session);
        let Some(session) = session.as_ref() else { return Ok(0) };
        let (Ok(vault_key), Ok(share)) = (session.vault_key(), session.hub_share()) else { return Ok(0) };
        let store = lock(store);
        (
            session.local_id.clone(),
            session.profile.worker_id.clone(),
            vault_key.duplicate(),
            share.duplicate(),
            super::cursor(&store, session)?,
            super::state(&store, session)?,
        )
    };
    let (owner, worker_id, vault_key, share, mut cursor, mut state) = plan;
    let signer = signer()?;
    let mut pulled = 0u32;
    loop {
        let request = ProgressPullRequest {
            worker_id: worker_id.clone(),
            cursor,
            mac: super::pull_mac(&share, &worker_id, cursor),
        };
        let reply: Result<ProgressPullResponse, NetError> =
            client.post_signed(paths::PROGRESS_PULL, &request, &signer).await;
        let reply = reply?;
        if reply.cursor < cursor {
            return Err(ErrorCode::BadReply.into());
        }
        for (module, rules) in reply.badges {
            state.badges.insert(module, rules);
        }
        state.hub_totals = Some(reply.totals);
        state.certificates = reply.certificates;
        state.utc_offset_minutes = reply.utc_offset_minutes;
        // The session may have ended (or changed) while the reply came: keep
        // nothing for a vault that is no longer open. Session before store.
        let session = lock(session);
        if session.as_ref().is_none_or(|s| s.local_id != owner) {
            return Ok(pulled);
        }
        let mut store = lock(store);
        // What the device scored itself. A linear look-up (a page of at most
        // 500 events against the worker's own log): a map keyed by event id
        // would be a new generic type, and the library has a size budget.
        let held = match session.as_ref() {
            Some(session) => super::log(&store, session)?,
            None => Vec::new(),
        };
        store.transaction(|tx| {
            for merged in &reply.events {
                let own = held.iter().find(|entry| entry.event.id == merged.event.id).map(|entry| &entry.earned);
                let earned = super::merged_earned(&merged.earned, own);
                let entry = LoggedEvent { event: merged.event.clone(), earned };
                super::save_event(tx, &vault_key, &owner, &entry)?;
            }
            super::save_state(tx, &vault_key, &owner, reply.cursor, &state)?;
            Ok::<_, Error>(())
        })?;
        drop(store);
        drop(session);
        pulled += u32::try_from(reply.events.len()).unwrap_or(u32::MAX);
        cursor = reply.cursor;
        if !reply.more {
            return Ok(pulled);
        }
    }
}
