//! A factory's roster: importing workers (JSON or CSV), listing them, and
//! the two things staff do for a worker who is stuck — unlock after too many
//! wrong PINs, and reset after a forgotten PIN.
//!
//! Every new worker gets random KDF parameters and a one-time activation
//! code, returned once (for the worker's card) and stored only as a keyed
//! hash.
//!
//! A reset issues a new activation code, clears the PIN verifier and deletes
//! every hub share of the worker. Deleting the shares is deliberate: it
//! crypto-shreds the worker's vault on every device they used, because a
//! forgotten PIN may as well be a PIN someone else learned, and the old
//! devices must not keep a way into the worker's reports. The worker starts
//! again with an empty vault; what they already submitted is on the hub.

use crate::db::sql::{Connection, TransactionBehavior, params};
use workervoice_protocol::admin::{
    ActivationCode, ResetWorkerResponse, RosterEntry, RosterImport, RosterImportResponse, WorkerSummary,
};
use workervoice_protocol::auth::{KDF_PBKDF2_SHA256, KdfParams, SALT_LEN};
use workervoice_protocol::codes::{ActivationQr, format_activation_code};

use super::csv::parse_records;
use super::factories::ensure_factory_exists;
use crate::auth::shares::shred_worker_shares;
use crate::clock::unix_now;
use crate::error::ApiError;
use crate::staff::audit::{self, ActorId};
use crate::state::AppState;
use crate::workers::{
    NewWorker, checked_display_name, checked_language, checked_worker_number, insert_worker, list_workers, load_worker,
    new_worker_id, number_key,
};

/// The CSV header a roster upload must start with.
pub(crate) const CSV_HEADER: [&str; 4] = ["worker_number", "display_name", "language", "department"];

/// Reads a roster from a `text/csv` body. Any malformed row refuses the
/// whole upload.
pub(crate) fn roster_from_csv(body: &[u8]) -> Result<RosterImport, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| ApiError::bad_request())?;
    let mut records = parse_records(text).map_err(|_| ApiError::bad_request())?.into_iter();
    let header = records.next().ok_or_else(ApiError::bad_request)?;
    let columns = header.len();
    let header_ok = (columns == 3 || columns == 4)
        && header.iter().zip(CSV_HEADER).all(|(found, expected)| found.trim().eq_ignore_ascii_case(expected));
    if !header_ok {
        return Err(ApiError::bad_request());
    }
    let workers = records
        .map(|mut record| {
            if record.len() != columns {
                return Err(ApiError::bad_request());
            }
            let department = (columns == 4).then(|| record.pop()).flatten().filter(|d| !d.trim().is_empty());
            match <[String; 3]>::try_from(record) {
                Ok([worker_number, display_name, language]) => {
                    Ok(RosterEntry { worker_number, display_name, language, department })
                }
                Err(_) => Err(ApiError::bad_request()),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RosterImport { workers })
}

/// A roster entry that passed validation.
#[derive(Clone)]
struct CheckedEntry {
    worker_number: String,
    display_name: String,
    language: String,
    department: Option<String>,
}

/// Imports a roster as the hub itself (demo seeding).
pub(crate) async fn import_roster(
    state: &AppState,
    factory_id: String,
    roster: RosterImport,
) -> Result<RosterImportResponse, ApiError> {
    import_roster_as(state, &ActorId::Hub, factory_id, roster).await
}

/// Adds new workers and updates the name and language of known ones, all or
/// nothing.
pub(crate) async fn import_roster_as(
    state: &AppState,
    actor: &ActorId,
    factory_id: String,
    roster: RosterImport,
) -> Result<RosterImportResponse, ApiError> {
    if roster.workers.is_empty() {
        return Err(ApiError::bad_request());
    }
    let mut entries = Vec::with_capacity(roster.workers.len());
    let mut keys = std::collections::HashSet::new();
    for entry in &roster.workers {
        let checked = CheckedEntry {
            worker_number: checked_worker_number(&entry.worker_number)?,
            display_name: checked_display_name(&entry.display_name)?,
            language: checked_language(&entry.language)?,
            department: match entry.department.as_deref().map(str::trim) {
                Some(department) if department.is_empty() || department.len() > 100 => {
                    return Err(ApiError::bad_request());
                }
                department => department.map(str::to_owned),
            },
        };
        if !keys.insert(number_key(&checked.worker_number)) {
            return Err(ApiError::bad_request());
        }
        entries.push(checked);
    }
    let shared = state.clone();
    let actor = actor.clone();
    state
        .db
        .run(move |connection| {
            let now = unix_now();
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            ensure_factory_exists(&tx, &factory_id)?;
            let mut response = RosterImportResponse { added: 0, updated: 0, activation_codes: Vec::new() };
            for entry in entries.clone() {
                if let Some(department) = &entry.department {
                    tx.execute(
                        "UPDATE workers SET department = ?1 WHERE factory_id = ?2 AND number_key = ?3",
                        params![department, factory_id, number_key(&entry.worker_number)],
                    )?;
                }
                match load_worker(&tx, &factory_id, &number_key(&entry.worker_number))? {
                    Some(existing) => {
                        if existing.display_name != entry.display_name || existing.language != entry.language {
                            tx.execute(
                                "UPDATE workers SET display_name = ?1, language = ?2 WHERE id = ?3",
                                params![entry.display_name, entry.language, existing.id],
                            )?;
                            response.updated += 1;
                        }
                    }
                    None => {
                        let id = new_worker_id();
                        let code = format_activation_code(shared.keys.random()?);
                        let activation_hash = shared.keys.derive_activation_code_hash(&id, &normalize(&code));
                        let kdf = fresh_kdf(&shared)?;
                        insert_worker(
                            &tx,
                            &NewWorker {
                                id: &id,
                                factory_id: &factory_id,
                                worker_number: &entry.worker_number,
                                display_name: &entry.display_name,
                                language: &entry.language,
                                kdf: &kdf,
                                activation_hash: Some(&activation_hash),
                                pin_verifier: None,
                            },
                            now,
                        )?;
                        if let Some(department) = &entry.department {
                            tx.execute("UPDATE workers SET department = ?1 WHERE id = ?2", params![department, id])?;
                        }
                        response.added += 1;
                        response.activation_codes.push(activation_code(&shared.public_url, entry.worker_number, code));
                    }
                }
            }
            audit::append(&tx, &actor, "roster_imported", "factory", &factory_id)?;
            tx.commit()?;
            Ok(response)
        })
        .await
}

/// The factory's workers, by number.
pub(crate) async fn workers(state: &AppState, factory_id: String) -> Result<Vec<WorkerSummary>, ApiError> {
    state
        .db
        .read(move |connection| {
            ensure_factory_exists(connection, &factory_id)?;
            Ok(list_workers(connection, &factory_id)?.iter().map(|worker| worker.summary()).collect())
        })
        .await
}

/// Clears a worker's failed attempts and lock.
pub(crate) async fn unlock_worker(
    state: &AppState,
    actor: &ActorId,
    factory_id: String,
    worker_number: String,
) -> Result<WorkerSummary, ApiError> {
    let actor = actor.clone();
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut worker = find_worker(&tx, &factory_id, &worker_number)?;
            tx.execute("UPDATE workers SET failed_attempts = 0, locked = 0 WHERE id = ?1", [&worker.id])?;
            audit::append(&tx, &actor, "worker_unlocked", "worker", &worker.id)?;
            tx.commit()?;
            worker.failed_attempts = 0;
            worker.locked = false;
            tracing::info!("worker unlocked by staff");
            Ok(worker.summary())
        })
        .await
}

/// Resets a worker as the hub itself (demo seeding).
pub(crate) async fn reset_worker(
    state: &AppState,
    factory_id: String,
    worker_number: String,
) -> Result<ResetWorkerResponse, ApiError> {
    reset_worker_as(state, &ActorId::Hub, factory_id, worker_number).await
}

/// Gives a worker a new activation code, forgets their PIN and
/// crypto-shreds their vaults on every device (see the module doc).
pub(crate) async fn reset_worker_as(
    state: &AppState,
    actor: &ActorId,
    factory_id: String,
    worker_number: String,
) -> Result<ResetWorkerResponse, ApiError> {
    let shared = state.clone();
    let actor = actor.clone();
    state
        .db
        .run(move |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let worker = find_worker(&tx, &factory_id, &worker_number)?;
            let code = format_activation_code(shared.keys.random()?);
            let activation_hash = shared.keys.derive_activation_code_hash(&worker.id, &normalize(&code));
            let kdf = fresh_kdf(&shared)?;
            tx.execute(
                "UPDATE workers SET activation_hash = ?1, pin_verifier = NULL, kdf_algorithm = ?2, \
                     kdf_salt = ?3, kdf_iterations = ?4, failed_attempts = 0, locked = 0 WHERE id = ?5",
                params![activation_hash, kdf.algorithm, kdf.salt, kdf.iterations, worker.id],
            )?;
            let shredded = shred_worker_shares(&tx, &worker.id)?;
            audit::append(&tx, &actor, "worker_reset", "worker", &worker.id)?;
            tx.commit()?;
            tracing::info!(shredded_shares = shredded, "worker reset by staff");
            Ok(ResetWorkerResponse { activation: activation_code(&shared.public_url, worker.worker_number, code) })
        })
        .await
}

/// A new code with its card's QR payload (the hub's public URL, as in
/// enrolment codes).
fn activation_code(public_url: &str, worker_number: String, code: String) -> ActivationCode {
    let qr_payload =
        ActivationQr { hub_url: public_url.to_owned(), worker_number: worker_number.clone(), code: code.clone() }
            .to_payload();
    ActivationCode { worker_number, activation_code: code, qr_payload }
}

fn find_worker(
    connection: &Connection,
    factory_id: &str,
    worker_number: &str,
) -> Result<crate::workers::WorkerRow, ApiError> {
    ensure_factory_exists(connection, factory_id)?;
    load_worker(connection, factory_id, &number_key(worker_number))?.ok_or_else(ApiError::not_found)
}

/// Random parameters for a worker who has no PIN yet.
fn fresh_kdf(state: &AppState) -> Result<KdfParams, ApiError> {
    Ok(KdfParams {
        algorithm: KDF_PBKDF2_SHA256.to_owned(),
        iterations: state.pin_iterations,
        salt: state.keys.random::<SALT_LEN>()?.to_vec(),
    })
}

fn normalize(code: &str) -> String {
    workervoice_protocol::codes::normalize_code(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_roster_with_quoted_names_parses() {
        let roster = roster_from_csv(
            b"worker_number,display_name,language\r\n1001,\"Tran, Thi Mai\",vi\r\n1002,Li Wei,zh-CN\r\n",
        )
        .unwrap();
        assert_eq!(roster.workers.len(), 2);
        assert_eq!(roster.workers[0].display_name, "Tran, Thi Mai");
        assert_eq!(roster.workers[1].language, "zh-CN");
    }

    #[test]
    fn a_csv_roster_needs_the_header_and_three_fields_a_row() {
        assert!(roster_from_csv(b"1001,Li Wei,zh-CN\n").is_err());
        assert!(roster_from_csv(b"worker_number,display_name,language\n1001,Li Wei\n").is_err());
        assert!(roster_from_csv(b"worker_number,display_name,language\n1001,Li,zh,extra\n").is_err());
        assert!(roster_from_csv(b"").is_err());
        assert!(roster_from_csv(&[0xff, 0xfe]).is_err());
    }
}
