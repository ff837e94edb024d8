//! The outbox: sealed submissions waiting for the hub's acknowledgement.
//!
//! Rows have no owner column: on a shared tablet, who queued what must not be
//! readable from the file. The body is the framed, sealed submission; it never
//! changes after enqueue and is dropped (securely deleted) once delivered.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// Delivery state, as the app shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum OutboxState {
    /// Waiting to be sent (first time or after a transient failure).
    Queued,
    /// Being sent now (or the app stopped while sending: it is retried).
    Sending,
    /// The hub acknowledged it.
    Delivered,
    /// The hub refused it permanently; kept, with the reason.
    NeedsAttention,
}

impl OutboxState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Delivered => "delivered",
            Self::NeedsAttention => "needs_attention",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "queued" => Ok(Self::Queued),
            "sending" => Ok(Self::Sending),
            "delivered" => Ok(Self::Delivered),
            "needs_attention" => Ok(Self::NeedsAttention),
            _ => Err(StoreError::Malformed("outbox.state")),
        }
    }
}

/// What an outbox item carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxKind {
    /// A framed, sealed grievance submission (and its attachments).
    Grievance,
    /// A sealed batch of training progress events.
    Progress,
    /// An anonymous survey response with its token (sent unsigned, not
    /// before its random delay: see [`enqueue_survey_response`]).
    SurveyResponse,
}

impl OutboxKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Grievance => "grievance",
            Self::Progress => "progress",
            Self::SurveyResponse => "survey_response",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "grievance" => Ok(Self::Grievance),
            "progress" => Ok(Self::Progress),
            "survey_response" => Ok(Self::SurveyResponse),
            _ => Err(StoreError::Malformed("outbox.kind")),
        }
    }
}

/// An outbox row (without its body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    /// Idempotency key.
    pub client_id: String,
    /// What it carries.
    pub kind: OutboxKind,
    /// State.
    pub state: OutboxState,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Earliest next attempt, unix seconds.
    pub next_attempt_at: i64,
    /// Why it needs attention, or the last transient failure (a stable code).
    pub reason: Option<String>,
    /// When queued.
    pub created_at: i64,
}

fn insert(
    conn: &Connection,
    client_id: &str,
    kind: OutboxKind,
    body: &[u8],
    held_by: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO outbox (client_id, kind, body, state, next_attempt_at, created_at, held_by)
         VALUES (?1, ?2, ?3, 'queued', ?4, ?4, ?5)",
        params![client_id, kind.as_str(), body, now, held_by],
    )?;
    Ok(())
}

/// Enqueues a sealed training progress upload (see [`enqueue`] for `held_by`).
pub fn enqueue_progress(
    conn: &Connection,
    client_id: &str,
    body: &[u8],
    held_by: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    insert(conn, client_id, OutboxKind::Progress, body, held_by, now)
}

/// Enqueues an anonymous survey response, first sent at `not_before`: a
/// random delay, so the hub cannot pair it with the token it issued a
/// moment earlier. Never held for a sign-in (it names no worker).
pub fn enqueue_survey_response(
    conn: &Connection,
    client_id: &str,
    body: &[u8],
    not_before: i64,
    now: i64,
) -> Result<(), StoreError> {
    insert(conn, client_id, OutboxKind::SurveyResponse, body, None, now)?;
    conn.execute("UPDATE outbox SET next_attempt_at = ?2 WHERE client_id = ?1", params![client_id, not_before])?;
    Ok(())
}

/// Sets an item's first attempt no earlier than `not_before`: a privacy
/// delay, which a forced sync does not skip (see [`is_privacy_delayed`]).
pub fn delay_first_send(conn: &Connection, client_id: &str, not_before: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET next_attempt_at = max(next_attempt_at, ?2) WHERE client_id = ?1 AND attempts = 0",
        params![client_id, not_before],
    )?;
    Ok(())
}

/// Whether an item waits for a privacy delay at `now`: a first attempt
/// set later than the item's creation (a survey answer's, or the case it
/// opened). Backoff after a failure is not one: it counts an attempt.
pub fn is_privacy_delayed(row: &OutboxRow, now: i64) -> bool {
    row.attempts == 0 && row.next_attempt_at > row.created_at && row.next_attempt_at > now
}

/// Enqueues a sealed submission and its attachments. `held_by` names the
/// offline kiosk sign-in it waits for: it is not sent until the hub confirms
/// that sign-in ([`release_held`]), and never if it rejects it ([`reject_held`]).
pub fn enqueue(
    conn: &Connection,
    client_id: &str,
    body: &[u8],
    attachments: &[(String, Vec<u8>)],
    held_by: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    insert(conn, client_id, OutboxKind::Grievance, body, held_by, now)?;
    let mut insert =
        conn.prepare_cached("INSERT INTO outbox_attachments (client_id, attachment_id, body) VALUES (?1, ?2, ?3)")?;
    for (attachment_id, bytes) in attachments {
        insert.execute(params![client_id, attachment_id, bytes])?;
    }
    Ok(())
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(OutboxRow, String, String)> {
    Ok((
        OutboxRow {
            client_id: row.get(0)?,
            kind: OutboxKind::Grievance,
            state: OutboxState::Queued,
            attempts: row.get(2)?,
            next_attempt_at: row.get(3)?,
            reason: row.get(4)?,
            created_at: row.get(5)?,
        },
        row.get::<_, String>(1)?,
        row.get::<_, String>(6)?,
    ))
}

fn finish(rows: Vec<(OutboxRow, String, String)>) -> Result<Vec<OutboxRow>, StoreError> {
    rows.into_iter()
        .map(|(mut row, state, kind)| {
            row.state = OutboxState::parse(&state)?;
            row.kind = OutboxKind::parse(&kind)?;
            Ok(row)
        })
        .collect()
}

const COLUMNS: &str = "client_id, state, attempts, next_attempt_at, reason, created_at, kind";

/// Items due for an attempt at `now` (queued, or left `sending` by a crash), oldest first.
pub fn due(conn: &Connection, now: i64, limit: u32) -> Result<Vec<OutboxRow>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox
         WHERE state IN ('queued', 'sending') AND next_attempt_at <= ?1 AND held_by IS NULL
         ORDER BY created_at, client_id LIMIT ?2"
    ))?;
    let rows = statement.query_map(params![now, limit], from_row)?.collect::<Result<Vec<_>, _>>()?;
    finish(rows)
}

/// One item.
pub fn get(conn: &Connection, client_id: &str) -> Result<Option<OutboxRow>, StoreError> {
    let row = conn
        .query_row(&format!("SELECT {COLUMNS} FROM outbox WHERE client_id = ?1"), params![client_id], from_row)
        .optional()?;
    Ok(finish(row.into_iter().collect())?.pop())
}

/// The sealed body (None once delivered).
pub fn body(conn: &Connection, client_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn
        .query_row("SELECT body FROM outbox WHERE client_id = ?1", params![client_id], |row| row.get(0))
        .optional()?
        .flatten())
}

/// The sealed attachments of an item.
pub fn attachments(conn: &Connection, client_id: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT attachment_id, body FROM outbox_attachments WHERE client_id = ?1 AND body IS NOT NULL
         ORDER BY attachment_id",
    )?;
    let rows = statement
        .query_map(params![client_id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Marks an item as being sent.
pub fn mark_sending(conn: &Connection, client_id: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET state = 'sending' WHERE client_id = ?1 AND state <> 'delivered'",
        params![client_id],
    )?;
    Ok(())
}

/// Marks an item delivered and drops its sealed bytes.
pub fn mark_delivered(conn: &Connection, client_id: &str, now: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET state = 'delivered', body = NULL, reason = NULL, delivered_at = ?2 WHERE client_id = ?1",
        params![client_id, now],
    )?;
    conn.execute("DELETE FROM outbox_attachments WHERE client_id = ?1", params![client_id])?;
    Ok(())
}

/// Schedules a retry after a transient failure.
pub fn mark_retry(conn: &Connection, client_id: &str, next_attempt_at: i64, reason: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET state = 'queued', attempts = attempts + 1, next_attempt_at = ?2, reason = ?3
         WHERE client_id = ?1 AND state <> 'delivered'",
        params![client_id, next_attempt_at, reason],
    )?;
    Ok(())
}

/// Parks an item after a permanent refusal; it is kept, never dropped.
pub fn mark_needs_attention(conn: &Connection, client_id: &str, reason: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET state = ?2, attempts = attempts + 1, reason = ?3 WHERE client_id = ?1 AND state <> 'delivered'",
        params![client_id, OutboxState::NeedsAttention.as_str(), reason],
    )?;
    Ok(())
}

/// The hub confirmed the sign-in: its items go out like any others.
pub fn release_held(conn: &Connection, sign_in_id: &str) -> Result<usize, StoreError> {
    Ok(conn.execute("UPDATE outbox SET held_by = NULL WHERE held_by = ?1 AND state = 'queued'", params![sign_in_id])?)
}

/// The hub rejected the sign-in: its items are kept, parked with the reason,
/// still held (never sent as the worker's).
pub fn reject_held(conn: &Connection, sign_in_id: &str, reason: &str) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE outbox SET state = ?2, reason = ?3 WHERE held_by = ?1 AND state = 'queued'",
        params![sign_in_id, OutboxState::NeedsAttention.as_str(), reason],
    )?)
}

/// Items waiting for the hub to confirm an offline sign-in.
pub fn held_count(conn: &Connection) -> Result<u64, StoreError> {
    let count: i64 =
        conn.query_row("SELECT count(*) FROM outbox WHERE held_by IS NOT NULL AND state = 'queued'", [], |row| {
            row.get(0)
        })?;
    Ok(u64::try_from(count).unwrap_or_default())
}

/// Deletes delivered rows acknowledged before `cutoff` (unix seconds); their
/// sealed bytes were already dropped at delivery. Returns how many went.
pub fn purge_delivered_before(conn: &Connection, cutoff: i64) -> Result<usize, StoreError> {
    Ok(conn.execute("DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < ?1", params![cutoff])?)
}

/// Counts per state: (queued, sending, delivered, needs attention).
pub fn counts(conn: &Connection) -> Result<(u64, u64, u64, u64), StoreError> {
    let mut statement = conn.prepare_cached("SELECT state, count(*) FROM outbox GROUP BY state")?;
    let mut counts = (0, 0, 0, 0);
    for row in statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))? {
        let (state, count) = row?;
        let count = u64::try_from(count).unwrap_or_default();
        match OutboxState::parse(&state)? {
            OutboxState::Queued => counts.0 = count,
            OutboxState::Sending => counts.1 = count,
            OutboxState::Delivered => counts.2 = count,
            OutboxState::NeedsAttention => counts.3 = count,
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivered_rows_go_after_the_cutoff_and_nothing_undelivered_ever_does() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).unwrap();
        let conn = store.conn();
        for (id, state_at) in [("old", Some(100)), ("recent", Some(10_000)), ("queued", None), ("parked", None)] {
            enqueue(conn, id, b"sealed", &[], None, 50).unwrap();
            if let Some(at) = state_at {
                mark_delivered(conn, id, at).unwrap();
            }
        }
        mark_needs_attention(conn, "parked", "case_id_taken").unwrap();
        assert_eq!(purge_delivered_before(conn, 5_000).unwrap(), 1);
        assert!(get(conn, "old").unwrap().is_none());
        assert_eq!(get(conn, "recent").unwrap().unwrap().state, OutboxState::Delivered);
        assert_eq!(purge_delivered_before(conn, i64::MAX).unwrap(), 1);
        assert_eq!(get(conn, "queued").unwrap().unwrap().state, OutboxState::Queued);
        assert_eq!(get(conn, "parked").unwrap().unwrap().state, OutboxState::NeedsAttention);
        assert_eq!(body(conn, "queued").unwrap().as_deref(), Some(&b"sealed"[..]));
    }
}
