//! Certificates: one per module a worker passed, issued once (at the first
//! pull after the pass), signed with the hub's certificate key and carrying
//! the programme's delegation to that key ([`workervoice_protocol::delegation`]),
//! so that anyone holding the programme's public key can check it away from
//! the hub. Until the key holder has signed the delegation, none is issued
//! and the pull says so (`certificates_waiting`).

use std::collections::BTreeMap;

use crate::db::sql::{Connection, OptionalExtension, params};
use workervoice_protocol::content::ContentKind;
use workervoice_protocol::progress::{
    Activity, Certificate, Earned, ProgressEvent, SignedCertificate, certificate_signing_input,
};

use crate::clock::unix_now;
use crate::error::ApiError;
use crate::state::AppState;

/// Issues (once) a certificate for every module the worker passed; returns
/// all of the worker's certificates, and whether some wait for the
/// programme's delegation.
pub(super) fn issue_and_list(
    connection: &Connection,
    state: &AppState,
    worker_id: &str,
    factory_id: &str,
    log: &[(i64, ProgressEvent, Earned)],
) -> Result<(Vec<SignedCertificate>, bool), ApiError> {
    let key = state.keys.certificate_key();
    let delegation =
        crate::proposals::current_delegation(connection, ring::signature::KeyPair::public_key(&key).as_ref())?;
    let mut waiting = false;
    let mut passed: BTreeMap<&str, (i64, u64)> = BTreeMap::new();
    for (_, event, earned) in log {
        if earned.activities.keys().any(|activity| matches!(activity, Activity::Passed { .. })) {
            let entry = passed.entry(&event.module_id).or_insert((event.at, event.module_version));
            if event.at < entry.0 {
                *entry = (event.at, event.module_version);
            }
        }
    }
    for (module_id, (passed_at, version)) in passed {
        let held: bool = connection
            .query_row(
                "SELECT 1 FROM certificates WHERE worker_id = ?1 AND module_id = ?2",
                params![worker_id, module_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if held {
            continue;
        }
        let Some(delegation) = delegation.clone() else {
            waiting = true;
            continue;
        };
        let (worker_name, worker_number, factory_name): (String, String, String) = connection.query_row(
            "SELECT w.display_name, w.worker_number, f.name FROM workers w JOIN factories f ON f.id = w.factory_id
              WHERE w.id = ?1 AND f.id = ?2",
            params![worker_id, factory_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        let certificate = Certificate {
            certificate_id: uuid::Uuid::new_v4().to_string(),
            programme_id: state.programme.id().to_owned(),
            worker_name,
            worker_number,
            factory_name,
            module_id: module_id.to_owned(),
            module_version: version,
            module_title: crate::content::module_titles(connection, ContentKind::TrainingModule, module_id, version)?,
            passed_at,
            delegation: Some(delegation),
        };
        let body = serde_json::to_vec(&certificate).map_err(|_| ApiError::internal("certificate json"))?;
        let signature = key.sign(&certificate_signing_input(&body)).as_ref().to_vec();
        connection.execute(
            "INSERT INTO certificates (worker_id, module_id, body, signature, issued_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![worker_id, module_id, body, signature, unix_now()],
        )?;
    }
    let mut statement =
        connection.prepare("SELECT body, signature FROM certificates WHERE worker_id = ?1 ORDER BY module_id")?;
    let rows =
        statement.query_map([worker_id], |row| Ok(SignedCertificate { body: row.get(0)?, signature: row.get(1)? }))?;
    Ok((rows.collect::<Result<Vec<_>, _>>()?, waiting))
}
