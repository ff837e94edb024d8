//! Draining the outbox: every item due is sent with its client id (the hub
//! answers a replay with the original result, so sending again after a lost
//! reply is safe), marked delivered only on the hub's acknowledgement,
//! retried with backoff on a transient failure and parked with the reason on
//! a refusal. Nothing is ever dropped.

use super::pass::SyncHost;
use super::{PushOutcome, SyncReport, backoff, lock, push_item};
use crate::error::Error;
use crate::events::Event;
use crate::net::HubClient;
use crate::store::outbox::{self, OutboxKind};

/// Sends what is due (everything, if `force`), in order.
pub async fn push_due<H: SyncHost>(
    host: &H,
    client: &HubClient,
    force: bool,
    report: &mut SyncReport,
) -> Result<(), Error> {
    let time = host.hub_time();
    let due = {
        let store = lock(host.store());
        outbox::due(store.conn(), if force { i64::MAX } else { time.device_secs() }, 100_000)?
    };
    if !due.is_empty() {
        host.emit(Event::SyncProgress { done: 0, total: u32::try_from(due.len()).unwrap_or(u32::MAX) });
    }
    // One reset connection is not "offline": stop only when the hub is
    // unreachable several times in a row.
    let mut unreachable_in_a_row = 0;
    let total = u32::try_from(due.len()).unwrap_or(u32::MAX);
    // A forced sync sends everything due, except a survey response's
    // first attempt before its random delay (that delay is its privacy).
    let device_now = time.device_secs();
    let due: Vec<_> = due
        .into_iter()
        .filter(|item| {
            !(item.kind == OutboxKind::SurveyResponse && item.attempts == 0 && item.next_attempt_at > device_now)
        })
        .collect();
    for (done, item) in due.into_iter().enumerate() {
        if done > 0 && done % 25 == 0 {
            host.emit(Event::SyncProgress { done: u32::try_from(done).unwrap_or(u32::MAX), total });
        }
        let (body, attachments) = {
            let mut store = lock(host.store());
            store.transaction(|tx| outbox::mark_sending(tx, &item.client_id).map_err(Error::from))?;
            (outbox::body(store.conn(), &item.client_id)?, outbox::attachments(store.conn(), &item.client_id)?)
        };
        let Some(body) = body else { continue };
        let outcome = match item.kind {
            OutboxKind::Grievance => push_item(client, body, &attachments, &item.client_id).await,
            OutboxKind::Progress => host.push_progress(client, &body).await,
            OutboxKind::SurveyResponse => host.push_survey_response(client, &body).await,
        };
        let mut store = lock(host.store());
        let at = time.device_secs();
        store.transaction(|tx| {
            match &outcome {
                PushOutcome::Delivered => outbox::mark_delivered(tx, &item.client_id, at),
                PushOutcome::Retry(reason) => {
                    let delay = backoff::delay_secs(item.attempts);
                    outbox::mark_retry(tx, &item.client_id, at + i64::try_from(delay).unwrap_or(0), reason)
                }
                PushOutcome::Offline => {
                    let delay = backoff::delay_secs(item.attempts);
                    outbox::mark_retry(
                        tx,
                        &item.client_id,
                        at + i64::try_from(delay).unwrap_or(0),
                        "network_unavailable",
                    )
                }
                PushOutcome::Refused(reason) => outbox::mark_needs_attention(tx, &item.client_id, reason),
            }
            .map_err(Error::from)
        })?;
        drop(store);
        match outcome {
            PushOutcome::Offline => {
                unreachable_in_a_row += 1;
                if unreachable_in_a_row >= 3 {
                    report.offline = true;
                    break;
                }
            }
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
    Ok(())
}
