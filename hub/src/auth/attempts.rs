//! Checking a worker's secret — a PIN proof or a one-time activation code —
//! and counting wrong ones.
//!
//! The rules, the same for every worker number a device may type:
//!
//! - A locked worker is refused with `pin_locked`, always, even when the
//!   secret is right: only staff can unlock (or reset) them.
//! - A wrong secret from a device the worker has signed in on (one holding
//!   a hub share of theirs) adds one failed attempt. The attempt that reaches
//!   the limit locks the worker and is answered `pin_locked`; earlier ones are
//!   answered `wrong_pin` with the attempts left (`activation_invalid` for a
//!   wrong activation code, which counts against the same limit).
//! - A wrong secret from a device the worker has **never** signed in on
//!   counts in the worker's separate *stranger* count: reaching the limit
//!   there refuses every stranger device for that worker with
//!   `rate_limited` — a delay, never a lock — while their own devices go on
//!   working. So one enrolled device of a factory cannot lock any worker of
//!   it (issue 16), and no number of such devices gets more guesses than one.
//! - A right secret passes, and **does not reset** the counts (it did: nine
//!   guesses per real login, for ever). Both counts decay instead: one
//!   failure is forgiven per [`DECAY_SECS`] since the last one. A guesser
//!   gets the limit less one, then one more a day; an honest worker's
//!   occasional typos fade. Activation (a staff-issued code) and a staff
//!   unlock or reset start from zero.
//! - The count of a wrong secret is committed although the request fails:
//!   every check runs through [`check_and_commit`], which commits on
//!   refusal and rolls back on any other error.
//! - A number not on the roster, and a worker not yet activated trying a
//!   PIN, can never pass, but are counted and answered exactly as a real
//!   worker's on a device they never signed in on (the only kind a guesser
//!   holds), so the answers do not reveal who is on the roster or who has
//!   activated.
//! - The counts for numbers not on the roster (`unknown_pin_attempts`) are
//!   bounded (ADR 0014): a row nobody failed on for
//!   [`UNKNOWN_ATTEMPTS_KEPT_SECS`] is forgotten, and beyond
//!   [`MAX_UNKNOWN_ATTEMPT_ROWS`] rows the least recently failed go first.
//!   Forgetting lets a locked unknown number be tried again, which a real
//!   worker's lock does not allow; telling them apart that way takes months
//!   of waiting, or a hundred thousand failures from enrolled devices.
//! - The time of a worker's last failure is kept to the day (ADR 0016).

use crate::db::sql::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use workervoice_protocol::error::HubErrorCode;

use crate::clock::unix_now;
use crate::error::ApiError;
use crate::keys::HubKeys;
use crate::state::AppState;
use crate::workers::{WorkerRow, load_worker};

/// The secret a device presents for a worker.
#[derive(Clone, Copy)]
pub(crate) enum Presented<'a> {
    /// A PIN proof of [`PROOF_LEN`](workervoice_protocol::auth::PROOF_LEN) bytes.
    PinProof(&'a [u8]),
    /// An activation code, normalised.
    ActivationCode(&'a str),
}

/// The result of a check. A refusal is not an `Err`: its counting must be
/// committed before the refusal is returned.
enum Checked {
    /// The secret was right; here is the worker.
    Passed(WorkerRow),
    /// The secret was refused (and the failure counted).
    Refused(ApiError),
}

/// Opens the write transaction a secret check runs in.
pub(crate) fn begin(connection: &mut Connection) -> crate::db::sql::Result<Transaction<'_>> {
    connection.transaction_with_behavior(TransactionBehavior::Immediate)
}

/// How a secret check that committed its transaction ended.
pub(crate) enum Settled<T> {
    /// The secret was right; what the caller did with it is committed.
    Passed(T),
    /// The secret was refused: the counted failure (and whatever the caller
    /// recorded with it) is committed; this is the answer to give.
    Refused(ApiError),
}

impl<T> Settled<T> {
    /// A refusal as the request's error, for callers that answer with it.
    pub(crate) fn into_result(self) -> Result<T, ApiError> {
        match self {
            Settled::Passed(value) => Ok(value),
            Settled::Refused(error) => Err(error),
        }
    }
}

/// Checks `presented` for the worker with `number_key` in the device's
/// factory inside `tx`, and commits `tx` whichever way it went — the one
/// place where a wrong secret's count is made to last:
///
/// - right: `on_pass` does the caller's writes with the worker (it clears
///   the failed attempts as part of them); they are committed only if it
///   succeeds, and its value is returned;
/// - wrong: `on_refusal` records what the caller keeps of a refusal, then the
///   counted failure is committed with it, and the refusal is returned.
///
/// An `Err` (from the database or either closure) commits nothing.
#[allow(clippy::too_many_arguments)] // one call site each; a struct would only rename them
pub(crate) fn check_and_commit<T>(
    tx: Transaction<'_>,
    state: &AppState,
    factory_id: &str,
    number_key: &str,
    device_id: &str,
    presented: Presented<'_>,
    on_pass: impl FnOnce(&Transaction<'_>, WorkerRow) -> Result<T, ApiError>,
    on_refusal: impl FnOnce(&Transaction<'_>) -> Result<(), ApiError>,
) -> Result<Settled<T>, ApiError> {
    let asked = Asked { factory_id, number_key, device_id, presented };
    let settled = match check_secret(&tx, &state.keys, state.max_pin_attempts, &asked, unix_now())? {
        Checked::Passed(worker) => Settled::Passed(on_pass(&tx, worker)?),
        Checked::Refused(error) => {
            on_refusal(&tx)?;
            Settled::Refused(error)
        }
    };
    tx.commit()?;
    Ok(settled)
}

/// Opens a write transaction, checks `presented` in it and commits (see
/// [`check_and_commit`]), answering a refusal with its error: the sequence
/// of every online PIN or activation-code check.
pub(crate) fn with_checked_secret<T>(
    connection: &mut Connection,
    state: &AppState,
    factory_id: &str,
    number_key: &str,
    device_id: &str,
    presented: Presented<'_>,
    on_pass: impl FnOnce(&Transaction<'_>, WorkerRow) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let tx = begin(connection)?;
    check_and_commit(tx, state, factory_id, number_key, device_id, presented, on_pass, |_| Ok(()))?.into_result()
}

/// Who asks, for whom, with what.
struct Asked<'a> {
    factory_id: &'a str,
    number_key: &'a str,
    device_id: &'a str,
    presented: Presented<'a>,
}

/// One failure forgiven per this many seconds since the last failure.
pub(crate) const DECAY_SECS: i64 = crate::clock::DAY_SECS;

/// `count` failures, the last on the day `last_failed_at`, as they stand at `now`.
fn decayed(count: u32, last_failed_at: Option<i64>, now: i64) -> u32 {
    let Some(last) = last_failed_at else { return count };
    let forgiven = (now - last).max(0) / DECAY_SECS;
    count.saturating_sub(u32::try_from(forgiven).unwrap_or(u32::MAX))
}

/// Checks `asked.presented` for the worker with `asked.number_key` in
/// `asked.factory_id`, counting a failure. Run inside the caller's write
/// transaction.
fn check_secret(
    connection: &Connection,
    keys: &HubKeys,
    max_attempts: u32,
    asked: &Asked<'_>,
    now: i64,
) -> crate::db::sql::Result<Checked> {
    let Asked { factory_id, number_key, device_id, presented } = *asked;
    let Some(worker) = load_worker(connection, factory_id, number_key)? else {
        // Spend the same hashing work a real check would.
        let _ = keys.derive_pin_verifier(number_key, number_key.as_bytes());
        return record_unknown_failure(connection, factory_id, number_key, max_attempts, presented, now);
    };
    if worker.locked {
        return Ok(Checked::Refused(ApiError::code(HubErrorCode::PinLocked)));
    }
    let (last_failed_at, stranger_failed, stranger_last_failed_at): (Option<i64>, u32, Option<i64>) = connection
        .query_row(
            "SELECT last_failed_at, stranger_failed, stranger_last_failed_at FROM workers WHERE id = ?1",
            [&worker.id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
    let known_device: bool = connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM worker_device_shares WHERE worker_id = ?1 AND device_id = ?2)",
        params![worker.id, device_id],
        |row| row.get(0),
    )?;
    let stranger_failed = decayed(stranger_failed, stranger_last_failed_at, now);
    if !known_device && stranger_failed >= max_attempts {
        // A delay, not a lock: the worker's own devices are not affected.
        return Ok(Checked::Refused(ApiError::code(HubErrorCode::RateLimited)));
    }
    let passed = match presented {
        Presented::PinProof(proof) => {
            worker.pin_verifier.as_deref().is_some_and(|verifier| keys.verify_pin(&worker.id, proof, verifier))
        }
        Presented::ActivationCode(code) => worker
            .activation_hash
            .as_deref()
            .is_some_and(|stored| keys.verify_activation_code(&worker.id, code, stored)),
    };
    if passed {
        return Ok(Checked::Passed(worker));
    }
    let today = crate::clock::coarse(now, crate::clock::DAY_SECS);
    if !known_device {
        let failed = stranger_failed.saturating_add(1);
        connection.execute(
            "UPDATE workers SET stranger_failed = ?1, stranger_last_failed_at = ?2 WHERE id = ?3",
            params![failed, today, worker.id],
        )?;
        if failed >= max_attempts {
            return Ok(Checked::Refused(ApiError::code(HubErrorCode::RateLimited)));
        }
        return Ok(Checked::Refused(refusal(presented, failed, max_attempts)));
    }
    let failed = decayed(worker.failed_attempts, last_failed_at, now).saturating_add(1);
    let locked = failed >= max_attempts;
    connection.execute(
        "UPDATE workers SET failed_attempts = ?1, locked = ?2, last_failed_at = ?3 WHERE id = ?4",
        params![failed, locked, today, worker.id],
    )?;
    Ok(Checked::Refused(refusal(presented, failed, max_attempts)))
}

fn record_unknown_failure(
    connection: &Connection,
    factory_id: &str,
    number_key: &str,
    max_attempts: u32,
    presented: Presented<'_>,
    now: i64,
) -> crate::db::sql::Result<Checked> {
    forget_unknown_attempts(connection, now, MAX_UNKNOWN_ATTEMPT_ROWS)?;
    let previous: Option<(u32, i64)> = connection
        .query_row(
            "SELECT failed_attempts, last_failed_at FROM unknown_pin_attempts WHERE factory_id = ?1 AND number_key = ?2",
            params![factory_id, number_key],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    // Answered as a real worker's count on a device they never signed in on
    // (the only kind a guesser has): decaying, and a delay at the limit.
    let previous = previous.map_or(0, |(count, at)| decayed(count, Some(at), now));
    if previous >= max_attempts {
        return Ok(Checked::Refused(ApiError::code(HubErrorCode::RateLimited)));
    }
    let failed = previous.saturating_add(1);
    connection.execute(
        "INSERT INTO unknown_pin_attempts (factory_id, number_key, failed_attempts, last_failed_at) \
         VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (factory_id, number_key) DO UPDATE \
         SET failed_attempts = excluded.failed_attempts, last_failed_at = excluded.last_failed_at",
        params![factory_id, number_key, failed, now],
    )?;
    if failed >= max_attempts {
        return Ok(Checked::Refused(ApiError::code(HubErrorCode::RateLimited)));
    }
    Ok(Checked::Refused(refusal(presented, failed, max_attempts)))
}

/// How long the failures of a number not on the roster are remembered
/// after the last one: 90 days.
pub(crate) const UNKNOWN_ATTEMPTS_KEPT_SECS: i64 = 90 * 24 * 3600;

/// The most rows `unknown_pin_attempts` keeps.
pub(crate) const MAX_UNKNOWN_ATTEMPT_ROWS: i64 = 100_000;

/// Forgets unknown-number failures older than [`UNKNOWN_ATTEMPTS_KEPT_SECS`],
/// then the least recent ones beyond `cap` rows less one (room for the row
/// about to be written).
fn forget_unknown_attempts(connection: &Connection, now: i64, cap: i64) -> crate::db::sql::Result<()> {
    connection.execute(
        "DELETE FROM unknown_pin_attempts WHERE last_failed_at < ?1",
        [now.saturating_sub(UNKNOWN_ATTEMPTS_KEPT_SECS)],
    )?;
    let rows: i64 = connection.query_row("SELECT count(*) FROM unknown_pin_attempts", [], |row| row.get(0))?;
    let excess = rows - (cap - 1);
    if excess > 0 {
        connection.execute(
            "DELETE FROM unknown_pin_attempts WHERE (factory_id, number_key) IN \
             (SELECT factory_id, number_key FROM unknown_pin_attempts ORDER BY last_failed_at LIMIT ?1)",
            [excess],
        )?;
    }
    Ok(())
}

/// The answer to the `failed`-th wrong secret in a row.
fn refusal(presented: Presented<'_>, failed: u32, max_attempts: u32) -> ApiError {
    if failed >= max_attempts {
        return ApiError::code(HubErrorCode::PinLocked);
    }
    match presented {
        Presented::PinProof(_) => ApiError::wrong_pin(max_attempts - failed),
        Presented::ActivationCode(_) => ApiError::code(HubErrorCode::ActivationInvalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database_with_factory() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let connection = crate::db::open_connection(dir.path()).unwrap();
        connection
            .execute("INSERT INTO factories (id, name, self_registration, created_at) VALUES ('f', 'F', 0, 1)", [])
            .unwrap();
        (dir, connection)
    }

    fn insert(connection: &Connection, number: &str, at: i64) {
        connection
            .execute(
                "INSERT INTO unknown_pin_attempts (factory_id, number_key, failed_attempts, last_failed_at) \
                 VALUES ('f', ?1, 3, ?2)",
                params![number, at],
            )
            .unwrap();
    }

    fn numbers(connection: &Connection) -> Vec<String> {
        let mut statement =
            connection.prepare("SELECT number_key FROM unknown_pin_attempts ORDER BY number_key").unwrap();
        statement.query_map([], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn failures_decay_one_a_day_since_the_last() {
        let day = DECAY_SECS;
        assert_eq!(decayed(5, None, 0), 5);
        assert_eq!(decayed(5, Some(0), day - 1), 5);
        assert_eq!(decayed(5, Some(0), day), 4);
        assert_eq!(decayed(5, Some(0), 3 * day), 2);
        assert_eq!(decayed(5, Some(0), 30 * day), 0);
        assert_eq!(decayed(5, Some(10 * day), 0), 5, "a clock gone back forgives nothing");
    }

    #[test]
    fn unknown_number_failures_older_than_the_memory_are_forgotten() {
        let (_dir, connection) = database_with_factory();
        let now = 10_000_000_000;
        insert(&connection, "old", now - UNKNOWN_ATTEMPTS_KEPT_SECS - 1);
        insert(&connection, "recent", now - 60);
        forget_unknown_attempts(&connection, now, MAX_UNKNOWN_ATTEMPT_ROWS).unwrap();
        assert_eq!(numbers(&connection), ["recent"]);
    }

    #[test]
    fn beyond_the_cap_the_least_recent_unknown_number_failures_go_first() {
        let (_dir, connection) = database_with_factory();
        let now = 10_000_000_000;
        for (i, number) in ["a", "b", "c", "d", "e"].iter().enumerate() {
            insert(&connection, number, now - 100 + i as i64);
        }
        // Room for one more row within a cap of 4: three are kept.
        forget_unknown_attempts(&connection, now, 4).unwrap();
        assert_eq!(numbers(&connection), ["c", "d", "e"]);
    }
}
