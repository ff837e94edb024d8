//! The staff report of training completion per factory
//! (`GET /admin/v1/factories/{factory_id}/training-report`): counts of workers only,
//! each suppressed below [`MIN_GROUP`] so that it does not single anyone out.

use std::collections::{BTreeMap, BTreeSet};

use crate::db::sql::Connection;
use workervoice_protocol::admin::ModuleCompletion;
use workervoice_protocol::progress::{Activity, Earned, MIN_GROUP};

use crate::error::ApiError;

/// Per module of a factory: how many workers started it and how many passed,
/// each count suppressed below [`MIN_GROUP`].
pub(crate) fn completion_report(connection: &Connection, factory_id: &str) -> Result<Vec<ModuleCompletion>, ApiError> {
    let mut statement = connection.prepare(
        "SELECT p.module_id, p.worker_id, p.earned FROM progress_events p JOIN workers w ON w.id = p.worker_id
          WHERE w.factory_id = ?1 ORDER BY p.module_id",
    )?;
    let rows = statement.query_map([factory_id], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
    })?;
    let mut modules: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for row in rows {
        let (module_id, worker_id, earned) = row?;
        let earned: Earned =
            serde_json::from_str(&earned).map_err(|_| ApiError::internal("stored earnings do not parse"))?;
        let (started, passed) = modules.entry(module_id).or_default();
        if earned.activities.keys().any(|activity| matches!(activity, Activity::Passed { .. })) {
            passed.insert(worker_id.clone());
        }
        started.insert(worker_id);
    }
    let shown = |count: usize| {
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        (count == 0 || count >= MIN_GROUP).then_some(count)
    };
    Ok(modules
        .into_iter()
        .map(|(module_id, (started, passed))| {
            // Passed, shown next to started, also tells how many did not pass.
            let not_passed_shown = shown(started.len() - passed.len()).is_some();
            ModuleCompletion {
                module_id,
                workers_started: shown(started.len()),
                workers_passed: shown(passed.len()).filter(|_| not_passed_shown),
            }
        })
        .collect())
}
