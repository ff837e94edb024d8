//! Reading a worker's merged log back: the events with what each earned, the
//! scoring and badge rules of the module versions they name, and the totals
//! derived from them (points, level, streak, badges) as of today in the
//! factory's time zone.

use std::collections::BTreeMap;
use std::path::Path;

use crate::db::sql::Connection;
use workervoice_protocol::content::ContentKind;
use workervoice_protocol::progress::{
    BadgeRule, Earned, MergedEvent, ProgressEvent, ScoringRules, Totals, local_day, totals,
};
use workervoice_protocol::training::ModuleDocument;

use crate::clock::unix_now;
use crate::error::ApiError;

/// The rules of a published training module version, if the hub has it.
pub(super) fn rules_of(
    connection: &Connection,
    data_dir: &Path,
    module_id: &str,
    version: u64,
) -> Result<Option<(ScoringRules, Vec<BadgeRule>)>, ApiError> {
    let Some(body_sha256) = crate::content::module_body(connection, ContentKind::TrainingModule, module_id, version)?
    else {
        return Ok(None);
    };
    let path = crate::content::blobs::blob_path(data_dir, &body_sha256);
    let Ok(body) = std::fs::read(&path) else { return Ok(None) };
    // Published by this hub from a verified folder; media were checked then.
    let Ok(document) = ModuleDocument::parse(&body, |_| true) else { return Ok(None) };
    let rules = document.scoring_rules(module_id, version);
    let badges = rules.badges.clone();
    Ok(Some((rules, badges)))
}

/// A worker's merged log (each event with what it earned) and totals, as a
/// pull reads them. For end-to-end tests, with [`merge_progress_events`].
#[doc(hidden)]
pub fn merged_progress(data_dir: &Path, worker_id: &str) -> anyhow::Result<(Vec<MergedEvent>, Totals)> {
    let connection = crate::db::open_connection(data_dir)?;
    let read = || -> Result<_, ApiError> {
        let utc_offset_minutes: i32 = connection.query_row(
            "SELECT f.utc_offset_minutes FROM factories f JOIN workers w ON w.factory_id = f.id WHERE w.id = ?1",
            [worker_id],
            |row| row.get(0),
        )?;
        let log = worker_log(&connection, worker_id)?;
        let (totals, _) = worker_totals(&connection, data_dir, &log, utc_offset_minutes)?;
        let events = log.into_iter().map(|(_, event, earned)| MergedEvent { event, earned }).collect();
        Ok((events, totals))
    };
    read().map_err(|error| anyhow::anyhow!("{error}"))
}

/// A worker's merged log: (seq, event, earned).
pub(super) fn worker_log(
    connection: &Connection,
    worker_id: &str,
) -> Result<Vec<(i64, ProgressEvent, Earned)>, ApiError> {
    let mut statement =
        connection.prepare("SELECT seq, event, earned FROM progress_events WHERE worker_id = ?1 ORDER BY seq")?;
    let rows = statement.query_map([worker_id], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
    })?;
    let mut log = Vec::new();
    for row in rows {
        let (seq, event, earned) = row?;
        let event: ProgressEvent =
            serde_json::from_str(&event).map_err(|_| ApiError::internal("a stored event does not parse"))?;
        let earned: Earned =
            serde_json::from_str(&earned).map_err(|_| ApiError::internal("stored earnings do not parse"))?;
        log.push((seq, event, earned));
    }
    Ok(log)
}

/// Badge rules of the modules in a log (the newest version of each held).
fn badge_rules(
    connection: &Connection,
    data_dir: &Path,
    log: &[(i64, ProgressEvent, Earned)],
) -> Result<BTreeMap<String, Vec<BadgeRule>>, ApiError> {
    let mut newest: BTreeMap<&str, u64> = BTreeMap::new();
    for (_, event, _) in log {
        let entry = newest.entry(&event.module_id).or_insert(event.module_version);
        *entry = (*entry).max(event.module_version);
    }
    let mut badges = BTreeMap::new();
    for (module_id, version) in newest {
        if let Some((_, rules)) = rules_of(connection, data_dir, module_id, version)? {
            badges.insert(module_id.to_owned(), rules);
        }
    }
    Ok(badges)
}

/// A worker's totals now.
pub(super) fn worker_totals(
    connection: &Connection,
    data_dir: &Path,
    log: &[(i64, ProgressEvent, Earned)],
    utc_offset_minutes: i32,
) -> Result<(Totals, BTreeMap<String, Vec<BadgeRule>>), ApiError> {
    let badges = badge_rules(connection, data_dir, log)?;
    let today = local_day(unix_now(), utc_offset_minutes);
    let derived = totals(log.iter().map(|(_, event, earned)| (earned, event.at)), &badges, utc_offset_minutes, today);
    Ok((derived, badges))
}
