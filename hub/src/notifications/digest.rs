//! One digest pass: for every reader who opted in, what changed on their
//! route since they were last told, added to their one waiting digest.
//!
//! A case counts for a reader when it is on the reader's route now, for a
//! factory the reader covers, and the reader holds a key to it (as the
//! inbox's "mine"). Per reader and case the hub keeps a mark: the case's
//! last event when the reader was last told, and the deadlines already
//! reported overdue. Then:
//!
//! - **new**: a case with no mark (it arrived, or was escalated to this
//!   route, since the last pass);
//! - **answered**: the worker wrote (an event by the worker) after the mark;
//! - **overdue**: a deadline (ADR 0020, on the hub's calendar clock) passed
//!   that was not reported before.
//!
//! The first pass after a reader opts in only records the cases already
//! there: they are not news. A pass reads on a read-only connection
//! ([`plan_pass`]) and writes the marks and digests in one short
//! transaction ([`apply_pass`]), so requests that write do not wait while
//! every case on every route is read. Marks use event numbers, not times, because
//! the hub keeps a report's and a worker's message's times only to the hour
//! (ADR 0016): a time watermark would miss or repeat them.

use crate::db::sql::{Connection, TransactionBehavior, params};
use workervoice_protocol::directory::Route;
use workervoice_protocol::handler::DeadlineKind;

use crate::cases::deadlines::route_deadlines;
use crate::cases::{CASE_COLUMNS, CaseRow};
use crate::directory::route_from_str;
use crate::error::ApiError;

/// What one pass found for one reader.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) new: u32,
    pub(crate) answered: u32,
    pub(crate) overdue: u32,
}

impl Counts {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// An opted-in reader, as the pass needs them.
struct Reader {
    handler_id: String,
    route: Route,
    factory_id: Option<String>,
    brand_id: Option<String>,
    baselined: bool,
}

/// What a pass found for one reader, and the marks to write.
#[derive(Clone)]
pub(crate) struct ReaderPlan {
    handler_id: String,
    baselined: bool,
    counts: Counts,
    /// (case id, last event, overdue deadlines told) of cases with no mark yet.
    new_marks: Vec<(String, i64, String)>,
    /// The same for marks that moved on.
    moved_marks: Vec<(String, i64, String)>,
}

/// The reading half of a pass at `now` (the hub's calendar clock), on a
/// read-only connection in one snapshot: what changed for every opted-in
/// reader. Reading every case on a route takes a while on a large hub;
/// doing it here keeps the writer free for requests meanwhile.
pub(crate) fn plan_pass(connection: &mut Connection, now: i64) -> Result<Vec<ReaderPlan>, ApiError> {
    let tx = connection.transaction()?;
    let mut plans = Vec::new();
    for reader in opted_in(&tx)? {
        plans.push(reader_pass(&tx, &reader, now)?);
    }
    Ok(plans)
}

/// The writing half, in one short transaction: moves the marks on and adds
/// each reader's news to their one waiting digest, to be sent at
/// `send_at`. A reader who opted out since the plan was read is skipped.
/// Returns how many readers have news.
pub(crate) fn apply_pass(connection: &mut Connection, plans: Vec<ReaderPlan>, send_at: i64) -> Result<usize, ApiError> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut with_news = 0;
    for plan in plans {
        let still_in: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM reader_notification_addresses WHERE handler_id = ?1)",
            [&plan.handler_id],
            |row| row.get(0),
        )?;
        if !still_in {
            continue;
        }
        for (case_id, seq, overdue) in &plan.new_marks {
            tx.execute(
                "INSERT INTO reader_notification_marks (handler_id, case_id, seen_seq, overdue) \
                 VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (handler_id, case_id) DO UPDATE SET seen_seq = excluded.seen_seq, \
                   overdue = excluded.overdue",
                params![plan.handler_id, case_id, seq, overdue],
            )?;
        }
        for (case_id, seq, overdue) in &plan.moved_marks {
            tx.execute(
                "UPDATE reader_notification_marks SET seen_seq = ?1, overdue = ?2 \
                  WHERE handler_id = ?3 AND case_id = ?4",
                params![seq, overdue, plan.handler_id, case_id],
            )?;
        }
        if !plan.baselined {
            tx.execute(
                "UPDATE reader_notification_addresses SET baselined = 1 WHERE handler_id = ?1",
                [&plan.handler_id],
            )?;
            continue;
        }
        if plan.counts.is_empty() {
            continue;
        }
        with_news += 1;
        let counts = plan.counts;
        // At most one digest waits per reader: news while it waits (or
        // while the mail server refuses) is added to it.
        tx.execute(
            "INSERT INTO reader_notification_pending \
               (handler_id, new_cases, answered_cases, overdue_cases, attempts, next_attempt_at) \
             VALUES (?1, ?2, ?3, ?4, 0, ?5) \
             ON CONFLICT (handler_id) DO UPDATE SET \
               new_cases = reader_notification_pending.new_cases + excluded.new_cases, \
               answered_cases = reader_notification_pending.answered_cases + excluded.answered_cases, \
               overdue_cases = reader_notification_pending.overdue_cases + excluded.overdue_cases",
            params![plan.handler_id, counts.new, counts.answered, counts.overdue, send_at],
        )?;
    }
    tx.commit()?;
    Ok(with_news)
}

fn opted_in(connection: &Connection) -> Result<Vec<Reader>, ApiError> {
    let mut statement = connection.prepare(
        "SELECT h.id, h.route, h.factory_id, h.brand_id, a.baselined \
           FROM reader_notification_addresses a JOIN handlers h ON h.id = a.handler_id \
          WHERE h.disabled_at IS NULL AND h.analyst = 0 \
          ORDER BY h.id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, Option<String>>(3)?,
            row.get::<_, bool>(4)?,
        ))
    })?;
    let mut readers = Vec::new();
    for row in rows {
        let (handler_id, route, factory_id, brand_id, baselined) = row?;
        let route = route_from_str(&route).ok_or_else(|| ApiError::internal("a reader row has an unknown route"))?;
        readers.push(Reader { handler_id, route, factory_id, brand_id, baselined });
    }
    Ok(readers)
}

/// One case on the reader's route, with its mark.
struct Candidate {
    case: CaseRow,
    last_seq: i64,
    last_worker_seq: Option<i64>,
    answered_by_reader: bool,
    mark: Option<(i64, String)>,
}

/// Counts one reader's news and the marks to move on (reads only).
fn reader_pass(connection: &Connection, reader: &Reader, now: i64) -> Result<ReaderPlan, ApiError> {
    // The same cases as the inbox's "on my route now": a key to the case,
    // the case's current route, a factory the reader covers.
    let mut statement = connection.prepare(&format!(
        "SELECT {CASE_COLUMNS}, \
           (SELECT COALESCE(MAX(e.seq), 0) FROM case_events e WHERE e.case_id = c.case_id), \
           (SELECT MAX(e.seq) FROM case_events e WHERE e.case_id = c.case_id AND e.author = 'worker'), \
           EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.case_id AND e.author = 'handler'), \
           (SELECT m.seen_seq FROM reader_notification_marks m WHERE m.case_id = c.case_id AND m.handler_id = ?1), \
           (SELECT m.overdue FROM reader_notification_marks m WHERE m.case_id = c.case_id AND m.handler_id = ?1) \
         FROM cases c \
         WHERE EXISTS (SELECT 1 FROM case_keys k WHERE k.case_id = c.case_id AND k.handler_id = ?1) \
           AND c.current_route = ?2 \
           AND (?2 = 'independent_hotline' \
             OR (?2 = 'factory_committee' AND c.factory_id = ?3) \
             OR (?2 = 'brand' AND EXISTS (SELECT 1 FROM brand_factories b \
                   WHERE b.brand_id = ?4 AND b.factory_id = c.factory_id)))"
    ))?;
    let rows = statement.query_map(
        params![reader.handler_id, reader.route.as_str(), reader.factory_id, reader.brand_id],
        |row| {
            let seen: Option<i64> = row.get(15)?;
            let told: Option<String> = row.get(16)?;
            Ok(Candidate {
                case: CaseRow::from_row(row)?,
                last_seq: row.get(12)?,
                last_worker_seq: row.get(13)?,
                answered_by_reader: row.get(14)?,
                mark: seen.map(|seen| (seen, told.unwrap_or_default())),
            })
        },
    )?;
    let deadlines = route_deadlines(connection, reader.route)?;
    let mut counts = Counts::default();
    let (mut new_marks, mut moved_marks) = (Vec::new(), Vec::new());
    for candidate in rows {
        let candidate = candidate?;
        let overdue_now = deadlines.for_case(&candidate.case, candidate.answered_by_reader, now).overdue;
        match &candidate.mark {
            None => {
                counts.new += 1;
                new_marks.push((candidate.case.case_id.clone(), candidate.last_seq, kinds_text(&overdue_now)));
            }
            Some((seen, told)) => {
                if candidate.last_worker_seq.is_some_and(|seq| seq > *seen) {
                    counts.answered += 1;
                }
                let newly_overdue = overdue_now.iter().any(|kind| !told.split(',').any(|text| text == kind_str(*kind)));
                if newly_overdue {
                    counts.overdue += 1;
                }
                // Deadlines stay reported even once met (a reply after the
                // respond deadline does not make it "newly overdue" again
                // if it is ever owed again).
                let mut all: Vec<&str> = told.split(',').filter(|text| !text.is_empty()).collect();
                for kind in &overdue_now {
                    if !all.contains(&kind_str(*kind)) {
                        all.push(kind_str(*kind));
                    }
                }
                let all = all.join(",");
                if candidate.last_seq != *seen || all != *told {
                    moved_marks.push((candidate.case.case_id.clone(), candidate.last_seq, all));
                }
            }
        }
    }
    Ok(ReaderPlan {
        handler_id: reader.handler_id.clone(),
        baselined: reader.baselined,
        counts,
        new_marks,
        moved_marks,
    })
}

fn kind_str(kind: DeadlineKind) -> &'static str {
    match kind {
        DeadlineKind::Acknowledge => "acknowledge",
        DeadlineKind::Respond => "respond",
        DeadlineKind::Resolve => "resolve",
    }
}

fn kinds_text(kinds: &[DeadlineKind]) -> String {
    kinds.iter().map(|kind| kind_str(*kind)).collect::<Vec<_>>().join(",")
}
