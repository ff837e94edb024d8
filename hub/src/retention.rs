//! Retention: what the hub deletes, and when (ADR 0014, "Retention").
//!
//! A pass runs every [`Retention::interval`] (and when a test calls
//! [`crate::RunningHub::apply_retention`]) with the hub's calendar clock
//! ([`crate::state::SharedState::calendar_now`], which tests move forward):
//!
//! - **Closed cases**, once [`Retention::closed_cases`] has passed since
//!   their last activity (arrival, a status change or reply, or any entry in
//!   the case audit, which includes a handler opening it). A case with newer
//!   activity is never due. Deleted: the case row with its sealed payload,
//!   the wrapped content keys (without them nobody can open the payload or
//!   the attachments again: crypto-shredding, and `secure_delete` overwrites
//!   the freed pages), its events, audit and attachment rows, and then its
//!   attachment files. Readers see the day each closed case is due
//!   (`expires_on` in the inbox and on the case, [`expires_on`]), by the
//!   same rule ([`LAST_ACTIVITY`]) the pass applies.
//! - **Abandoned uploads**: an attachment never completed
//!   [`Retention::abandoned_uploads`] after its case arrived loses its
//!   partial bytes (the device would start again from offset 0).
//! - **Failure rows**: wrong receipt tokens and staff login back-off older
//!   than [`Retention::failure_rows`].
//! - **Ended sessions**: staff and reader sessions that expired or were
//!   revoked more than [`Retention::ended_sessions`] ago.
//!
//! Rows go in one short transaction per pass, at most [`BATCH`] cases at a
//! time; files after the commit. A crash in between leaves files of cases
//! that no longer exist; the next start removes those ([`sweep_at_start`]).

use std::path::Path;
use std::time::Duration;

use crate::db::sql::{Connection, TransactionBehavior, params};

use crate::cases::attachments::ATTACHMENTS_DIR;
use crate::error::ApiError;
use crate::state::AppState;

/// Most closed cases deleted in one pass (one transaction): keeps the
/// database lock short; the next pass takes the rest.
const BATCH: usize = 500;

const DAY: Duration = Duration::from_secs(86_400);

/// How long the hub keeps what it may delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Closed cases are deleted this long after their last activity;
    /// `None` keeps them (the default: deleting grievances is the
    /// programme's decision).
    pub closed_cases: Option<Duration>,
    /// Partial bytes of attachments never completed, this long after their
    /// case arrived; `None` keeps them.
    pub abandoned_uploads: Option<Duration>,
    /// Wrong receipt tokens and staff login back-off rows older than this.
    pub failure_rows: Duration,
    /// Sessions that ended (expired or revoked) longer ago than this.
    pub ended_sessions: Duration,
    /// Time between two passes.
    pub interval: Duration,
}

impl Default for Retention {
    /// Closed cases kept; abandoned uploads cleared after 30 days, failure
    /// rows after 30 days, ended sessions after a day; a pass an hour.
    fn default() -> Self {
        Self {
            closed_cases: None,
            abandoned_uploads: Some(30 * DAY),
            failure_rows: 30 * DAY,
            ended_sessions: DAY,
            interval: Duration::from_secs(3600),
        }
    }
}

/// What one pass deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RetentionReport {
    /// Closed cases deleted (with their keys, events, audit and attachments).
    pub closed_cases: usize,
    /// Attachment directories removed from the disk.
    pub attachment_dirs: usize,
    /// Uploads never completed whose partial bytes were dropped.
    pub abandoned_uploads: usize,
    /// Failure-counting rows deleted.
    pub failure_rows: usize,
    /// Ended sessions deleted.
    pub sessions: usize,
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

/// SQL for a case's last activity (unix seconds), the case being `c`: its
/// arrival, or its newest event (status change, reply, escalation, note)
/// or audit entry (which includes a reader opening it), whichever is later.
/// The inbox selects it too, so that what readers see due is what a pass
/// deletes.
/// (One aggregate over a union rather than SQLite's many-argument `max`,
/// which PostgreSQL spells `GREATEST`: the same SQL runs on both.)
pub(crate) const LAST_ACTIVITY: &str = "(SELECT max(activity.at) FROM (\
     SELECT c.received_at AS at \
     UNION ALL SELECT e.at FROM case_events e WHERE e.case_id = c.case_id \
     UNION ALL SELECT a.at FROM case_audit a WHERE a.case_id = c.case_id) AS activity)";

/// A closed case is due when its [`LAST_ACTIVITY`] is before this, as of
/// `now`: when more than `keep` has passed since it.
fn cutoff(now: i64, keep: Duration) -> i64 {
    now.saturating_sub(secs(keep))
}

/// The start of the UTC day (unix seconds) on which a closed case whose last
/// activity was at `last_activity` becomes due: the first second at which
/// `last_activity < cutoff(now, keep)`. The pass that deletes it runs within
/// [`Retention::interval`] of that, so usually that same day. `None` when
/// closed cases are kept.
pub(crate) fn expires_on(retention: &Retention, last_activity: i64) -> Option<i64> {
    let keep = retention.closed_cases?;
    let due_at = last_activity.saturating_add(secs(keep)).saturating_add(1);
    Some(crate::clock::coarse(due_at, crate::clock::DAY_SECS))
}

/// Runs one pass as of `now` (unix seconds).
pub(crate) async fn apply(state: &AppState, retention: Retention, now: i64) -> Result<RetentionReport, ApiError> {
    let (mut report, deleted, abandoned) =
        state.db.run(move |connection| delete_rows(connection, retention, now)).await?;
    // Only the directories of cases deleted just now (they can receive no
    // chunk: a chunk needs its case row) and of the abandoned uploads. A
    // sweep of every directory without a case runs only at start
    // ([`sweep_at_start`]), when no upload can be under way.
    let data_dir = state.data_dir.clone();
    report.attachment_dirs = tokio::task::spawn_blocking(move || -> std::io::Result<usize> {
        let root = data_dir.join(ATTACHMENTS_DIR);
        let mut removed = 0;
        for case_id in &deleted {
            removed += usize::from(remove_dir(&root.join(case_id))?);
        }
        for (case_id, attachment_id) in &abandoned {
            remove_dir(&crate::cases::attachments::attachment_dir(&data_dir, case_id, attachment_id))?;
        }
        if removed > 0 {
            crate::data_dir::sync_dir(&root)?;
        }
        Ok(removed)
    })
    .await
    .map_err(|error| ApiError::internal(format!("retention task failed: {error}")))?
    .map_err(|error| ApiError::internal(format!("removing attachment files: {error}")))?;
    if report != RetentionReport::default() {
        tracing::info!(?report, "retention pass");
    }
    Ok(report)
}

/// Rows deleted by a pass, and whose files to remove: the report, the
/// deleted case ids, the abandoned uploads (case id, attachment id).
type Deleted = (RetentionReport, Vec<String>, Vec<(String, String)>);

/// Deletes the rows due, in one transaction.
fn delete_rows(connection: &mut Connection, retention: Retention, now: i64) -> Result<Deleted, ApiError> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut report = RetentionReport::default();
    let mut deleted = Vec::new();
    if let Some(keep) = retention.closed_cases {
        let cutoff = cutoff(now, keep);
        let due: Vec<String> = {
            let mut statement = tx.prepare(&format!(
                "SELECT c.case_id FROM cases c WHERE c.status = 'closed' AND {LAST_ACTIVITY} < ?1 \
                 ORDER BY c.received_at LIMIT ?2"
            ))?;
            statement
                .query_map(params![cutoff, BATCH as i64], |row| row.get(0))?
                .collect::<crate::db::sql::Result<_>>()?
        };
        let dependants = tables_referencing(&tx, "cases")?;
        let chunk_tables = tables_referencing(&tx, "case_attachments")?;
        for case_id in &due {
            for table in &chunk_tables {
                tx.execute(&format!("DELETE FROM \"{table}\" WHERE case_id = ?1"), [case_id])?;
            }
            for table in &dependants {
                tx.execute(&format!("DELETE FROM \"{table}\" WHERE case_id = ?1"), [case_id])?;
            }
            tx.execute("DELETE FROM cases WHERE case_id = ?1", [case_id])?;
        }
        report.closed_cases = due.len();
        deleted = due;
    }
    let mut abandoned = Vec::new();
    if let Some(keep) = retention.abandoned_uploads {
        let cutoff = now.saturating_sub(secs(keep));
        {
            let mut statement = tx.prepare(
                "SELECT a.case_id, a.attachment_id FROM case_attachments a JOIN cases c ON c.case_id = a.case_id \
                 WHERE a.complete = 0 AND a.received > 0 AND c.received_at < ?1",
            )?;
            abandoned = statement
                .query_map([cutoff], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<crate::db::sql::Result<_>>()?;
        }
        for (case_id, attachment_id) in &abandoned {
            tx.execute(
                "UPDATE case_attachments SET received = 0 WHERE case_id = ?1 AND attachment_id = ?2",
                params![case_id, attachment_id],
            )?;
        }
        report.abandoned_uploads = abandoned.len();
    }
    let failure_cutoff = now.saturating_sub(secs(retention.failure_rows));
    report.failure_rows += tx.execute("DELETE FROM case_token_failures WHERE at < ?1", [failure_cutoff])?;
    report.failure_rows +=
        tx.execute("DELETE FROM staff_login_backoff WHERE next_allowed_at < ?1", [failure_cutoff])?;
    let session_cutoff = now.saturating_sub(secs(retention.ended_sessions));
    report.sessions = tx.execute(
        "DELETE FROM sessions WHERE expires_at < ?1 OR (revoked_at IS NOT NULL AND revoked_at < ?1)",
        [session_cutoff],
    )?;
    tx.commit()?;
    Ok((report, deleted, abandoned))
}

/// Tables with a foreign key to `parent` (found in the schema, so a table
/// added later is included without a change here).
fn tables_referencing(connection: &Connection, parent: &str) -> crate::db::sql::Result<Vec<String>> {
    // Each backend's own catalogue: the one query here that differs.
    let mut statement = connection.prepare(if connection.is_postgres() {
        "SELECT DISTINCT c.conrelid::regclass::text AS name FROM pg_constraint c \
         WHERE c.contype = 'f' AND c.confrelid = to_regclass(?1) ORDER BY name"
    } else {
        "SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
         WHERE m.type = 'table' AND f.\"table\" = ?1 ORDER BY m.name"
    })?;
    statement.query_map([parent], |row| row.get(0))?.collect()
}

/// Removes a directory and everything in it; `false` if it was not there.
fn remove_dir(dir: &Path) -> std::io::Result<bool> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error),
    }
}

/// At start, before serving: removes `attachments/<case_id>` for every case
/// id the database does not hold (left by a crash between a retention
/// pass's commit and its file removal). Returns how many it removed.
pub(crate) fn sweep_at_start(data_dir: &Path, connection: &Connection) -> anyhow::Result<usize> {
    let known: std::collections::BTreeSet<String> = {
        let mut statement = connection.prepare("SELECT case_id FROM cases")?;
        statement.query_map([], |row| row.get(0))?.collect::<crate::db::sql::Result<_>>()?
    };
    let root = data_dir.join(ATTACHMENTS_DIR);
    let entries = match std::fs::read_dir(&root) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(error.into()),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if entry.file_type()?.is_dir() && !known.contains(name) {
            std::fs::remove_dir_all(entry.path())?;
            removed += 1;
        }
    }
    if removed > 0 {
        crate::data_dir::sync_dir(&root)?;
        tracing::info!(removed, "removed attachment files of deleted cases");
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expiry_day_is_the_day_of_the_first_second_a_pass_would_find_the_case_due() {
        let retention = Retention { closed_cases: Some(30 * DAY), ..Retention::default() };
        let keep = 30 * DAY;
        // Last activity at 10:00 on a day: due from 10:00:01 thirty days on.
        let last = 1_765_000_000 - 1_765_000_000 % 86_400 + 10 * 3600;
        let due_at = last + secs(keep) + 1;
        assert!(last >= cutoff(due_at - 1, keep), "not due a second earlier");
        assert!(last < cutoff(due_at, keep), "due at that second");
        assert_eq!(expires_on(&retention, last), Some(due_at - due_at % 86_400));
        // Activity just before midnight: due on the next day.
        let late = last + 14 * 3600 - 1;
        assert_eq!(expires_on(&retention, late), Some(due_at - due_at % 86_400 + 86_400));
    }

    #[test]
    fn nothing_expires_when_closed_cases_are_kept() {
        assert_eq!(expires_on(&Retention::default(), 1_765_000_000), None);
    }
}
