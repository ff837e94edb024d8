//! Pulling case updates: the events after each of the worker's cases'
//! cursors come down one case per request, each on its own connection and
//! after its own random pause, so the hub cannot tell which cases belong to
//! one worker (ADR 0016); a reply is applied in one transaction and the
//! case's cursor moves only with it.

use std::collections::HashMap;
use std::sync::Mutex;

use workervoice_protocol::grievance::{CaseCursor, CaseSyncRequest, CaseSyncResponse};
use workervoice_protocol::paths;

use super::lock;
use super::pass::Spacing;
use crate::auth::Session;
use crate::crypto::Key32;
use crate::error::{Error, ErrorCode};
use crate::grievance::{self, receipt, receipt::ReceiptKeys};
use crate::net::{HubClient, HubTime};
use crate::store::Store;

/// What a pull needs, copied from the session so no lock is held across the request.
pub struct PullPlan {
    owner: String,
    vault_key: Key32,
    cursors: Vec<CaseCursor>,
    keys: HashMap<String, ReceiptKeys>,
}

/// Cursors of the logged-in worker's cases, with their reply keys.
pub fn case_cursors(session: &Mutex<Option<Session>>, store: &Mutex<Store>) -> Result<PullPlan, Error> {
    let session = lock(session);
    let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
    let store = lock(store);
    let mut cursors = Vec::new();
    let mut keys = HashMap::new();
    for record in grievance::list_cases(store.conn(), session.vault_key()?, &session.local_id)? {
        let receipt_keys =
            receipt::derive(&record.case_id, &record.case.receipt_secret).ok_or(ErrorCode::StorageCorrupt)?;
        cursors.push(CaseCursor {
            case_id: record.case_id.clone(),
            token: receipt_keys.token.to_vec(),
            since: record.cursor,
        });
        keys.insert(record.case_id.clone(), receipt_keys);
    }
    Ok(PullPlan { owner: session.local_id.clone(), vault_key: session.vault_key()?.duplicate(), cursors, keys })
}

/// Pulls and applies the signed-in worker's case updates; returns how many
/// events were applied.
pub async fn pull_cases(
    store: &Mutex<Store>,
    session: &Mutex<Option<Session>>,
    client: &HubClient,
    time: &HubTime,
    spacing: &Spacing,
) -> Result<u32, Error> {
    let PullPlan { owner, vault_key, cursors, keys } = case_cursors(session, store)?;
    if cursors.is_empty() {
        return Ok(0);
    }
    let mut applied = 0;
    for (index, cursor) in cursors.into_iter().enumerate() {
        if index > 0 {
            spacing.pause().await;
        }
        let reply: CaseSyncResponse =
            client.post_unsigned(paths::CASES_SYNC, &CaseSyncRequest { cases: vec![cursor] }).await?;
        if reply.updates.is_empty() {
            continue;
        }
        let mut store = lock(store);
        let reply_key_of = |case_id: &str| keys.get(case_id).map(|k| k.reply_key.duplicate());
        applied += store.transaction(|tx| {
            grievance::apply_updates(tx, &vault_key, &owner, &reply.updates, &reply_key_of, time.device_secs())
        })?;
    }
    Ok(applied)
}
