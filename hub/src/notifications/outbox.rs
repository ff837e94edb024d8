//! Sending waiting digests, and the background task that runs passes and
//! sends.
//!
//! Each reader has at most one waiting digest (`reader_notification_pending`:
//! counts, failed attempts, when to try next). A send that works subtracts
//! what it said and drops the row once nothing is left; one that fails is
//! tried again after `retry_initial`, doubling up to `retry_max`, and the
//! reader's settings page shows the failed attempts (silent failures are
//! what GlobaLeaks' users complain of most). Every failure is logged for the
//! operator by kind and SMTP code — never the address or the server's text.
//!
//! The task runs beside the server: a slow or refusing mail server delays
//! only the next digest, never a request.

use std::time::{Duration, Instant};

use crate::db::sql::params;
use workervoice_protocol::directory::Route;

use super::Notifications;
use super::digest::{Counts, apply_pass, plan_pass};
use super::mail::{Mailer, compose};
use crate::clock::unix_now;
use crate::directory::route_from_str;
use crate::error::ApiError;
use crate::state::AppState;

/// A digest due to be sent.
struct Due {
    handler_id: String,
    email: String,
    language: String,
    route: Route,
    counts: Counts,
    attempts: u32,
}

/// What one round of sending did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SendReport {
    pub(crate) sent: usize,
    pub(crate) failed: usize,
}

/// The wait after the `attempts`-th failure: `initial` doubled per earlier
/// failure, at most `max`.
pub(crate) fn backoff(initial: Duration, max: Duration, attempts: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1));
    initial.checked_mul(factor).unwrap_or(max).min(max)
}

/// Sends every digest due at `now` (unix seconds).
pub(crate) async fn send_due(
    state: &AppState,
    mailer: &Mailer,
    settings: &Notifications,
    now: i64,
) -> Result<SendReport, ApiError> {
    let due = state
        .db
        .read(move |connection| {
            let mut statement = connection.prepare(
                "SELECT p.handler_id, a.email, a.language, h.route, p.new_cases, p.answered_cases, \
                   p.overdue_cases, p.attempts \
                 FROM reader_notification_pending p \
                 JOIN reader_notification_addresses a ON a.handler_id = p.handler_id \
                 JOIN handlers h ON h.id = p.handler_id \
                 WHERE p.next_attempt_at <= ?1 AND h.disabled_at IS NULL \
                 ORDER BY p.next_attempt_at, p.handler_id",
            )?;
            let rows = statement.query_map([now], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    Counts { new: row.get(4)?, answered: row.get(5)?, overdue: row.get(6)? },
                    row.get::<_, u32>(7)?,
                ))
            })?;
            let mut due = Vec::new();
            for row in rows {
                let (handler_id, email, language, route, counts, attempts) = row?;
                let route =
                    route_from_str(&route).ok_or_else(|| ApiError::internal("a reader row has an unknown route"))?;
                due.push(Due { handler_id, email, language, route, counts, attempts });
            }
            Ok(due)
        })
        .await?;
    let sign_in_url = format!("{}/reader/sign-in", state.public_url);
    let mut report = SendReport::default();
    for digest in due {
        let outcome = match compose(&digest.language, digest.route, digest.counts, &sign_in_url) {
            Ok(text) => mailer.send(&digest.email, text).await,
            Err(error) => Err(error),
        };
        let handler_id = digest.handler_id;
        match outcome {
            Ok(()) => {
                report.sent += 1;
                let counts = digest.counts;
                state
                    .db
                    .run(move |connection| {
                        // A pass may have added news since this was read:
                        // only what was said is taken off.
                        connection.execute(
                            "UPDATE reader_notification_pending SET new_cases = new_cases - ?2, \
                               answered_cases = answered_cases - ?3, overdue_cases = overdue_cases - ?4, \
                               attempts = 0 \
                             WHERE handler_id = ?1",
                            params![handler_id, counts.new, counts.answered, counts.overdue],
                        )?;
                        connection.execute(
                            "DELETE FROM reader_notification_pending WHERE handler_id = ?1 \
                               AND new_cases <= 0 AND answered_cases <= 0 AND overdue_cases <= 0",
                            [&handler_id],
                        )?;
                        Ok(())
                    })
                    .await?;
            }
            Err(error) => {
                report.failed += 1;
                let attempts = digest.attempts.saturating_add(1);
                let wait = backoff(settings.retry_initial, settings.retry_max, attempts);
                tracing::warn!(%error, attempts, retry_in_secs = wait.as_secs(), "a reader's notification was not sent");
                let next = now.saturating_add(i64::try_from(wait.as_secs()).unwrap_or(i64::MAX));
                state
                    .db
                    .run(move |connection| {
                        connection.execute(
                            "UPDATE reader_notification_pending SET attempts = ?2, next_attempt_at = ?3 \
                              WHERE handler_id = ?1",
                            params![handler_id, attempts, next],
                        )?;
                        Ok(())
                    })
                    .await?;
            }
        }
    }
    Ok(report)
}

/// Runs a digest pass every `settings.digest_interval` and sends what is
/// due, checking for due retries at least as often as the first retry's
/// wait. A failed round is logged and tried again at the next tick.
pub(crate) async fn run(state: AppState, mailer: Mailer, settings: Notifications) {
    let tick = settings.digest_interval.min(settings.retry_initial).min(Duration::from_secs(30));
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + tick, tick);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_pass: Option<Instant> = None;
    loop {
        ticks.tick().await;
        if last_pass.is_none_or(|at| at.elapsed() >= settings.digest_interval) {
            last_pass = Some(Instant::now());
            let calendar_now = state.calendar_now();
            // A digest made now is sent now; only retries wait.
            let send_at = unix_now();
            let pass = async {
                let plans = state.db.read(move |connection| plan_pass(connection, calendar_now)).await?;
                // Cloned per attempt: PostgreSQL may run the closure again after a
                // serialization conflict.
                state.db.run(move |connection| apply_pass(connection, plans.clone(), send_at)).await
            };
            if let Err(error) = pass.await {
                tracing::error!(%error, "notification pass failed");
            }
        }
        if let Err(error) = send_due(&state, &mailer, &settings, unix_now()).await {
            tracing::error!(%error, "sending notifications failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_after_each_failure_up_to_the_longest() {
        let (initial, max) = (Duration::from_secs(60), Duration::from_secs(3600));
        let waits: Vec<u64> = (1..=8).map(|attempts| backoff(initial, max, attempts).as_secs()).collect();
        assert_eq!(waits, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(initial, max, u32::MAX), max);
    }
}
