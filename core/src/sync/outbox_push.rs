//! Draining the outbox: every item due is sent with its client id (the hub
//! answers a replay with the original result, so sending again after a lost
//! reply is safe), marked delivered only on the hub's acknowledgement,
//! retried with backoff on a transient failure and parked with the reason on
//! a refusal. Nothing is ever dropped.
//!
//! A pass drains the outbox in two phases (`pass.rs`): the signed items
//! (training progress) with the other signed requests, and the unsigned ones
//! (reports, survey answers) later, each on its own connection, spaced by
//! random pauses.

use super::pass::{Spacing, SyncHost};
use super::push::push_batch;
use super::{PushOutcome, SyncReport, backoff, lock, push_item};
use crate::error::Error;
use crate::events::Event;
use crate::net::{HubClient, NetError};
use crate::store::outbox::{self, OutboxKind, OutboxRow};
use workervoice_protocol::grievance::{BATCH_OVERHEAD, MAX_BATCH_BYTES, MAX_BATCH_ITEMS, batch_item_bytes};

/// Which part of the outbox a phase of the pass sends.
pub enum Phase<'a> {
    /// Items sent signed (training progress): they name the worker.
    Signed,
    /// Items sent unsigned (reports, survey answers), with a random pause
    /// before each request but the first. With `batch`, reports without
    /// attachments go many to a request (shared devices only: ADR 0016).
    Unsigned {
        /// The random pauses.
        spacing: &'a Spacing,
        /// Whether reports may share a request.
        batch: bool,
    },
}

impl Phase<'_> {
    fn sends(&self, kind: OutboxKind) -> bool {
        match self {
            Self::Signed => kind == OutboxKind::Progress,
            Self::Unsigned { .. } => matches!(kind, OutboxKind::Grievance | OutboxKind::SurveyResponse),
        }
    }
}

/// One request's worth of the outbox.
enum Send {
    /// One item, with its attachments (resumable uploads after the submission).
    One(OutboxRow, Vec<u8>, Vec<(String, Vec<u8>)>),
    /// Reports without attachments, sent as one batch, answered item by item.
    Batch(Vec<(OutboxRow, Vec<u8>)>),
}

/// Sends what is due of this phase's kinds (everything, if `force`), in order.
pub async fn push_due<H: SyncHost>(
    host: &H,
    client: &HubClient,
    phase: Phase<'_>,
    force: bool,
    report: &mut SyncReport,
) -> Result<(), Error> {
    let time = host.hub_time();
    let due = {
        let store = lock(host.store());
        outbox::due(store.conn(), if force { i64::MAX } else { time.device_secs() }, 100_000)?
    };
    // A forced sync sends everything due, except a first attempt before its
    // random delay (a survey answer's, or the case it opened): that delay is
    // its privacy.
    let device_now = time.device_secs();
    let due: Vec<_> = due
        .into_iter()
        .filter(|item| phase.sends(item.kind) && !outbox::is_privacy_delayed(item, device_now))
        .collect();
    let total = u32::try_from(due.len()).unwrap_or(u32::MAX);
    if due.is_empty() {
        return Ok(());
    }
    host.emit(Event::SyncProgress { done: 0, total });
    let sends = plan(host, due, matches!(phase, Phase::Unsigned { batch: true, .. }))?;
    // One reset connection is not "offline": stop only when the hub is
    // unreachable several times in a row.
    let mut unreachable_in_a_row = 0;
    let mut done = 0u32;
    for (index, send) in sends.into_iter().enumerate() {
        if let (Phase::Unsigned { spacing, .. }, true) = (&phase, index > 0) {
            spacing.pause().await;
        }
        let outcomes: Vec<(OutboxRow, PushOutcome)> = match send {
            Send::One(item, body, attachments) => {
                let outcome = match item.kind {
                    OutboxKind::Grievance => push_item(client, body, &attachments).await,
                    OutboxKind::Progress => host.push_progress(client, &body).await,
                    OutboxKind::SurveyResponse => host.push_survey_response(client, &body).await,
                };
                vec![(item, outcome)]
            }
            Send::Batch(items) => {
                let bodies: Vec<&[u8]> = items.iter().map(|(_, body)| body.as_slice()).collect();
                let outcomes = match push_batch(client, &bodies).await {
                    Ok(outcomes) => outcomes,
                    // Refused as a whole (a hub without batches, a body over
                    // its limit): each goes alone, as before batches.
                    Err(error) if !error.is_transient() && matches!(error, NetError::Refused(_)) => {
                        let mut outcomes = Vec::with_capacity(items.len());
                        for (_, body) in &items {
                            outcomes.push(push_item(client, body.clone(), &[]).await);
                        }
                        outcomes
                    }
                    // Cut, garbled or unavailable: every item waits for the next
                    // attempt (a resent one the hub stored gets its original reply).
                    Err(error) => vec![super::outcome(error); items.len()],
                };
                items.into_iter().map(|(item, _)| item).zip(outcomes).collect()
            }
        };
        let previous = done;
        for (item, outcome) in outcomes {
            done += 1;
            record(host, &item, &outcome)?;
            match outcome {
                PushOutcome::Offline => unreachable_in_a_row += 1,
                PushOutcome::Delivered => {
                    report.delivered += 1;
                    if item.kind == OutboxKind::Progress {
                        host.progress_delivered();
                    }
                    unreachable_in_a_row = 0;
                }
                PushOutcome::Retry(_) | PushOutcome::Refused(_) => unreachable_in_a_row = 0,
            }
        }
        if unreachable_in_a_row >= 3 {
            report.offline = true;
            break;
        }
        if done / 25 != previous / 25 {
            host.emit(Event::SyncProgress { done, total });
        }
    }
    Ok(())
}

/// Marks every item as being sent and groups them into requests: with
/// `batch`, reports without attachments fill batches up to the protocol's
/// count and byte bounds; everything else goes alone.
fn plan<H: SyncHost>(host: &H, due: Vec<OutboxRow>, batch: bool) -> Result<Vec<Send>, Error> {
    let mut sends = Vec::new();
    let mut open: Vec<(OutboxRow, Vec<u8>)> = Vec::new();
    let mut open_bytes = BATCH_OVERHEAD;
    let mut store = lock(host.store());
    for item in due {
        store.transaction(|tx| outbox::mark_sending(tx, &item.client_id).map_err(Error::from))?;
        let Some(body) = outbox::body(store.conn(), &item.client_id)? else { continue };
        let attachments = outbox::attachments(store.conn(), &item.client_id)?;
        let item_bytes = batch_item_bytes(body.len());
        if !(batch && item.kind == OutboxKind::Grievance && attachments.is_empty()) {
            sends.push(Send::One(item, body, attachments));
            continue;
        }
        if !open.is_empty() && (open.len() >= MAX_BATCH_ITEMS || open_bytes + item_bytes > MAX_BATCH_BYTES) {
            sends.push(Send::Batch(std::mem::take(&mut open)));
            open_bytes = BATCH_OVERHEAD;
        }
        open_bytes += item_bytes;
        open.push((item, body));
    }
    if !open.is_empty() {
        sends.push(Send::Batch(open));
    }
    Ok(sends)
}

/// Records how sending an item ended: delivered, retry later with backoff,
/// or parked with the reason.
fn record<H: SyncHost>(host: &H, item: &OutboxRow, outcome: &PushOutcome) -> Result<(), Error> {
    let mut store = lock(host.store());
    let at = host.hub_time().device_secs();
    let retry_at = || at + i64::try_from(backoff::delay_secs(item.attempts)).unwrap_or(0);
    store.transaction(|tx| {
        match outcome {
            PushOutcome::Delivered => outbox::mark_delivered(tx, &item.client_id, at),
            PushOutcome::Retry(reason) => outbox::mark_retry(tx, &item.client_id, retry_at(), reason),
            PushOutcome::Offline => outbox::mark_retry(tx, &item.client_id, retry_at(), "network_unavailable"),
            PushOutcome::Refused(reason) => outbox::mark_needs_attention(tx, &item.client_id, reason),
        }
        .map_err(Error::from)
    })
}
