//! Training on this device: the shape of a module as published ([`module`])
//! and the worker's progress (this file); the app's training calls are in
//! `app::training`.
//!
//! A worker's training progress: the log of what they did
//! (sealed under their vault key), what each entry earned, and the uploads
//! that carry new events to the hub (see `docs/adr/0009-training-progress-log.md`).
//!
//! Recording an event does three things in one transaction: the event and
//! what it earned go into the worker's log; the badge rules of its module are
//! remembered; and an upload — the worker id, the event and a MAC under a key
//! from the hub share, sealed with HPKE to the hub — is queued in the outbox.
//! A provisional kiosk session (signed in offline) has no vault and no hub
//! share: its events live in memory for the session, and its upload names
//! the offline sign-in instead of a MAC and is held until the hub confirms it.

pub mod module;

pub use module::{
    BadgeInfo, Lesson, LocalizedLesson, LocalizedModule, LocalizedQuestion, LocalizedText, QuizAnswer, QuizKind,
    QuizOption, QuizQuestion, TrainingModule,
};

use std::collections::BTreeMap;

use ring::hmac;
use serde::{Deserialize, Serialize};
use workervoice_protocol::progress::{
    BadgeRule, Earned, PROGRESS_MAC_LABEL, ProgressBatch, ProgressEvent, ScoringRules, Totals, batch_mac_input, earned,
    local_day, pull_mac_input, totals, upload_info,
};
use zeroize::Zeroizing;

use crate::auth::Session;
use crate::crypto::{self, Aad, Key32};
use crate::error::{Error, ErrorCode};
use crate::store::{Store, outbox, progress as rows};

/// One entry of the worker's log (defined with its rows, so that a
/// provisional session in `auth` can hold entries without `auth` importing
/// this module, which imports `auth`).
pub use crate::store::progress::LoggedEvent;

/// Meta key of the factory's offset from UTC (minutes), as the last login
/// reply said: streak days are the factory's days.
pub(crate) const UTC_OFFSET_KEY: &str = "factory_utc_offset_minutes";

/// What the device remembers about the worker's progress besides the log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressState {
    /// Badge rules per module (from the packs taken and from the hub).
    pub badges: BTreeMap<String, Vec<BadgeRule>>,
    /// The totals the hub last computed.
    pub hub_totals: Option<Totals>,
    /// The factory's offset from UTC, minutes (streak days).
    pub utc_offset_minutes: i32,
    /// The worker's certificates, as the hub issued them.
    #[serde(default)]
    pub certificates: Vec<workervoice_protocol::progress::SignedCertificate>,
}

/// What an upload in the outbox holds: the sealed batch and its id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueuedUpload {
    /// The upload id (also the outbox client id).
    pub upload_id: String,
    /// HPKE encapsulated key.
    #[serde(with = "workervoice_protocol::b64")]
    pub enc: Vec<u8>,
    /// The sealed [`ProgressBatch`].
    #[serde(with = "workervoice_protocol::b64")]
    pub sealed: Vec<u8>,
    /// What the device took the hub's clock to be ahead of its own when it
    /// stamped the events (seconds). Sent with the device's clock at sending
    /// as `device_sent_at`, so that the hub corrects only the error left in
    /// that estimate. 0 in uploads queued before events were stamped so.
    #[serde(default)]
    pub clock_offset_secs: i64,
}

fn event_aad<'a>(id: &'a str, owner: &'a str) -> Aad<'a> {
    Aad { table: "progress_events", row: id, owner, column: "sealed" }
}

fn state_aad(owner: &str) -> Aad<'_> {
    Aad { table: "progress_state", row: owner, owner, column: "sealed" }
}

/// The key that authenticates this worker's progress from this device.
pub fn mac_key(hub_share: &Key32) -> hmac::Key {
    let key = crypto::derive_key(hub_share, PROGRESS_MAC_LABEL);
    hmac::Key::new(hmac::HMAC_SHA256, key.expose())
}

/// The MAC of a leaderboard request.
pub fn leaderboard_mac(hub_share: &Key32, worker_id: &str, opt_in: Option<bool>) -> Vec<u8> {
    let input = workervoice_protocol::progress::leaderboard_mac_input(worker_id, opt_in);
    hmac::sign(&mac_key(hub_share), &input).as_ref().to_vec()
}

/// The MAC of a pull request.
pub fn pull_mac(hub_share: &Key32, worker_id: &str, cursor: u64) -> Vec<u8> {
    hmac::sign(&mac_key(hub_share), &pull_mac_input(worker_id, cursor)).as_ref().to_vec()
}

/// The worker's log, as stored (an open vault) plus what a provisional
/// session holds in memory.
pub fn log(store: &Store, session: &Session) -> Result<Vec<LoggedEvent>, Error> {
    let mut entries = session.provisional_progress().to_vec();
    let Ok(vault_key) = session.vault_key() else { return Ok(entries) };
    entries.extend(stored_log(store.conn(), vault_key, &session.local_id)?);
    Ok(entries)
}

/// The log entries stored for `owner`, opened with their vault key.
pub fn stored_log(conn: &rusqlite::Connection, vault_key: &Key32, owner: &str) -> Result<Vec<LoggedEvent>, Error> {
    let mut entries = Vec::new();
    for (id, sealed) in rows::events(conn, owner)? {
        let plain = Zeroizing::new(crypto::open(vault_key, event_aad(&id, owner), &sealed)?);
        entries.push(serde_json::from_slice(&plain).map_err(|_| ErrorCode::StorageCorrupt)?);
    }
    Ok(entries)
}

/// The stored state (for a provisional session: the badge rules of what it
/// took and the factory's offset; defaults for a new worker).
pub fn state(store: &Store, session: &Session) -> Result<ProgressState, Error> {
    let Ok(vault_key) = session.vault_key() else {
        return Ok(ProgressState {
            badges: session.provisional_badges().cloned().unwrap_or_default(),
            utc_offset_minutes: factory_offset(store)?,
            ..ProgressState::default()
        });
    };
    let Some((_, Some(sealed))) = rows::state(store.conn(), &session.local_id)? else {
        return Ok(ProgressState { utc_offset_minutes: factory_offset(store)?, ..ProgressState::default() });
    };
    let plain = Zeroizing::new(crypto::open(vault_key, state_aad(&session.local_id), &sealed)?);
    serde_json::from_slice(&plain).map_err(|_| ErrorCode::StorageCorrupt.into())
}

/// The factory's offset from UTC as the last login reply said.
fn factory_offset(store: &Store) -> Result<i32, Error> {
    Ok(store.meta(UTC_OFFSET_KEY)?.and_then(|offset| i32::try_from(offset).ok()).unwrap_or(0))
}

/// The pull cursor of the worker's log.
pub fn cursor(store: &Store, session: &Session) -> Result<u64, Error> {
    Ok(rows::state(store.conn(), &session.local_id)?.map_or(0, |(cursor, _)| cursor))
}

/// Seals and saves the state (and cursor).
pub fn save_state(
    conn: &rusqlite::Connection,
    vault_key: &Key32,
    owner: &str,
    cursor: u64,
    state: &ProgressState,
) -> Result<(), Error> {
    let json = Zeroizing::new(serde_json::to_vec(state).map_err(|_| ErrorCode::Internal)?);
    let sealed = crypto::seal(vault_key, state_aad(owner), &json)?;
    Ok(rows::set_state(conn, owner, cursor, &sealed)?)
}

/// Seals and saves (or replaces) one log entry.
pub fn save_event(
    conn: &rusqlite::Connection,
    vault_key: &Key32,
    owner: &str,
    entry: &LoggedEvent,
) -> Result<(), Error> {
    let json = Zeroizing::new(serde_json::to_vec(entry).map_err(|_| ErrorCode::Internal)?);
    let sealed = crypto::seal(vault_key, event_aad(&entry.event.id, owner), &json)?;
    Ok(rows::put_event(conn, &entry.event.id, owner, &sealed)?)
}

/// What a pulled event earned, as the device keeps it: the hub's word, plus
/// anything the device itself worked out for that event from the same signed
/// rules. A hub that scored the event with nothing (rules it could not read,
/// or an older hub) thereby never lowers what the worker is shown.
pub fn merged_earned(hub: &Earned, local: Option<&Earned>) -> Earned {
    let mut merged = hub.clone();
    if let Some(local) = local {
        for (activity, points) in &local.activities {
            let best = merged.activities.get(activity).map_or(*points, |hub| (*hub).max(*points));
            merged.activities.insert(activity.clone(), best);
        }
        merged.counts_for_streak |= local.counts_for_streak;
    }
    merged
}

/// The totals of a log, at `now` (unix seconds, the device's best idea of the hub's clock).
pub fn derive(entries: &[LoggedEvent], state: &ProgressState, now: i64) -> Totals {
    let today = local_day(now, state.utc_offset_minutes);
    let mut derived = totals(
        entries.iter().map(|entry| (&entry.earned, entry.event.at)),
        &state.badges,
        state.utc_offset_minutes,
        today,
    );
    // Badges of modules this device never held come from the hub.
    if let Some(hub) = &state.hub_totals {
        derived.badges.extend(hub.badges.iter().cloned());
    }
    derived
}

/// Where to send an upload and whose it is.
pub struct UploadContext<'a> {
    /// The device id (bound into the sealing).
    pub device_id: &'a str,
    /// The hub's sealing key.
    pub hub_key: &'a [u8],
    /// Now, unix seconds.
    pub now: i64,
    /// The hub's clock minus the device's, as the device knows it, when
    /// the event was stamped (its time is on the hub's clock).
    pub clock_offset_secs: i64,
}

/// Records an event for the session's worker: log, badge rules, upload.
/// Returns what the event earned that the log did not already hold (points).
pub fn record(
    store: &mut Store,
    session: &mut Session,
    event: ProgressEvent,
    rules: &ScoringRules,
    context: &UploadContext<'_>,
) -> Result<u32, Error> {
    let before = log(store, session)?;
    let earned_now = earned(&event, rules);
    let held: std::collections::BTreeSet<_> = before.iter().flat_map(|entry| entry.earned.activities.keys()).collect();
    let new_points: u32 =
        earned_now.activities.iter().filter(|(activity, _)| !held.contains(activity)).map(|(_, points)| *points).sum();
    let entry = LoggedEvent { event: event.clone(), earned: earned_now };
    let upload_id = uuid::Uuid::new_v4().to_string();
    let batch = match session.offline_sign_in() {
        Some(sign_in_id) => ProgressBatch {
            worker_id: session.profile.worker_id.clone(),
            events: vec![event],
            mac: None,
            sign_in_id: Some(sign_in_id.to_owned()),
        },
        None => {
            let share = session.hub_share()?;
            let input = batch_mac_input(&upload_id, &session.profile.worker_id, std::slice::from_ref(&event));
            ProgressBatch {
                worker_id: session.profile.worker_id.clone(),
                events: vec![event],
                mac: Some(hmac::sign(&mac_key(share), &input).as_ref().to_vec()),
                sign_in_id: None,
            }
        }
    };
    let batch_json = Zeroizing::new(serde_json::to_vec(&batch).map_err(|_| ErrorCode::Internal)?);
    let sealed = crypto::hpke::seal_base(
        context.hub_key,
        &upload_info(context.device_id, &upload_id),
        upload_id.as_bytes(),
        &batch_json,
    )
    .map_err(|_| ErrorCode::Internal)?;
    let queued = QueuedUpload {
        upload_id: upload_id.clone(),
        enc: sealed.enc.to_vec(),
        sealed: sealed.ciphertext,
        clock_offset_secs: context.clock_offset_secs,
    };
    let body = serde_json::to_vec(&queued).map_err(|_| ErrorCode::Internal)?;
    // Held only while the hub has not confirmed the offline sign-in.
    let held_by = session.provisional_sign_in().map(str::to_owned);
    match session.vault_key() {
        Ok(vault_key) => {
            let vault_key = vault_key.duplicate();
            let mut state = state(store, session)?;
            state.badges.insert(rules.module_id.clone(), rules.badges.clone());
            let cursor = cursor(store, session)?;
            let owner = session.local_id.clone();
            store.transaction(|tx| {
                save_event(tx, &vault_key, &owner, &entry)?;
                save_state(tx, &vault_key, &owner, cursor, &state)?;
                outbox::enqueue_progress(tx, &upload_id, &body, held_by.as_deref(), context.now)?;
                Ok::<_, Error>(())
            })?;
        }
        Err(_) => {
            store.transaction(|tx| {
                outbox::enqueue_progress(tx, &upload_id, &body, held_by.as_deref(), context.now).map_err(Error::from)
            })?;
            session.push_provisional_progress(entry, (rules.module_id.clone(), rules.badges.clone()));
        }
    }
    Ok(new_points)
}
