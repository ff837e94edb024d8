//! Sending one outbox item: the framed submission, then its attachments,
//! resuming from what the hub already holds.

use workervoice_protocol::error::HubError;
use workervoice_protocol::grievance::{
    BATCH_CONTENT_TYPE, BatchItemResult, BatchSubmitResponse, MAX_CHUNK_BYTES, SUBMISSION_CONTENT_TYPE, SubmitResponse,
    attachment_path, frame_batch, parse_submission,
};
use workervoice_protocol::{error::HubErrorCode, paths};

use crate::net::{HubClient, Method, NetError, Request};

/// Attachment upload progress, as the hub reports it.
#[derive(Debug, serde::Deserialize)]
struct Progress {
    received: u64,
    #[serde(default)]
    complete: bool,
}

/// How sending an item ended.
#[derive(Debug, Clone)]
pub enum PushOutcome {
    /// Acknowledged (and attachments complete).
    Delivered,
    /// Try again later; the stable code of the failure.
    Retry(&'static str),
    /// Refused for good; the hub's code.
    Refused(String),
    /// The hub could not be reached at all.
    Offline,
}

/// What a failed request means for an outbox item.
pub fn outcome(error: NetError) -> PushOutcome {
    match error {
        NetError::Unreachable => PushOutcome::Offline,
        NetError::Refused(refusal) if !refusal.code.is_transient() => PushOutcome::Refused(
            serde_json::to_value(refusal.code)
                .ok()
                .and_then(|value| value.as_str().map(str::to_owned))
                .unwrap_or_else(|| "refused".into()),
        ),
        NetError::Refused(refusal) if refusal.code == HubErrorCode::RateLimited => PushOutcome::Retry("rate_limited"),
        NetError::Refused(_) => PushOutcome::Retry("hub_unavailable"),
        // A garbled reply (a proxy, a cut connection): the hub may or may not
        // have stored it; resending is safe because the client id is the key.
        NetError::BadReply(_) => PushOutcome::Retry("bad_reply"),
        NetError::Untrusted | NetError::InsecureUrl | NetError::Tls => PushOutcome::Retry("insecure_hub_url"),
        NetError::Signing => PushOutcome::Retry("internal"),
    }
}

/// Sends framed submissions (no attachments) as one batch; returns each
/// one's outcome, in order, or why the batch as a whole failed. A reply that
/// does not answer every item leaves each to be sent again: the hub answers
/// a resent item it already stored with its original reply, so nothing is
/// lost or doubled.
pub async fn push_batch(client: &HubClient, bodies: &[&[u8]]) -> Result<Vec<PushOutcome>, NetError> {
    // Only a device bug makes a batch over the bounds.
    let batch = frame_batch(bodies.iter().copied()).map_err(|_| NetError::BadReply("batch over the bounds"))?;
    let reply: BatchSubmitResponse =
        client.send(Request::new(Method::POST, paths::SUBMISSIONS_BATCH).bytes(BATCH_CONTENT_TYPE, batch)).await?;
    if reply.results.len() != bodies.len() {
        return Err(NetError::BadReply("a batch reply without one result per item"));
    }
    Ok(reply
        .results
        .into_iter()
        .map(|result| match result {
            BatchItemResult::Stored(_) => PushOutcome::Delivered,
            BatchItemResult::Refused { code } => outcome(NetError::Refused(HubError::new(code))),
        })
        .collect())
}

/// Sends one item. The attachments' path names the client id the hub knows,
/// read from the item's own frame: the device's outbox keys the item by a
/// local id of its own, so a seized phone's delivered rows do not match the
/// hub's (ADR 0016).
pub async fn push_item(client: &HubClient, body: Vec<u8>, attachments: &[(String, Vec<u8>)]) -> PushOutcome {
    let client_id = match parse_submission(&body) {
        Ok((header, _)) => header.client_id,
        // Our own bytes, unreadable: park it, never drop it.
        Err(_) => return PushOutcome::Refused("bad_request".into()),
    };
    let client_id = client_id.as_str();
    let sent: Result<SubmitResponse, NetError> =
        client.send(Request::new(Method::POST, paths::SUBMISSIONS).bytes(SUBMISSION_CONTENT_TYPE, body)).await;
    if let Err(error) = sent {
        return outcome(error);
    }
    for (attachment_id, bytes) in attachments {
        let path = attachment_path(client_id, attachment_id);
        let progress: Progress = match client.send(Request::new(Method::GET, &path)).await {
            Ok(progress) => progress,
            Err(error) => return outcome(error),
        };
        if progress.complete {
            continue;
        }
        let mut offset = usize::try_from(progress.received).unwrap_or(usize::MAX).min(bytes.len());
        while offset < bytes.len() {
            let end = (offset + MAX_CHUNK_BYTES).min(bytes.len());
            let chunk_path = format!("{path}?offset={offset}");
            let reply: Result<Progress, NetError> = client
                .send(
                    Request::new(Method::PUT, &chunk_path)
                        .bytes("application/octet-stream", bytes[offset..end].to_vec()),
                )
                .await;
            match reply {
                // The hub says how much it holds; anything but progress means
                // it disagrees with us: start over from its count next time.
                Ok(progress) => match usize::try_from(progress.received) {
                    Ok(received) if received > offset && received <= bytes.len() => offset = received,
                    _ => return PushOutcome::Retry("bad_reply"),
                },
                Err(error) => return outcome(error),
            }
        }
    }
    PushOutcome::Delivered
}
