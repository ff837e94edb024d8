//! Workers: how their numbers, names and languages are checked, and how
//! their rows are read and written. Shared by the roster import (staff),
//! self-registration and the PIN endpoints (devices).
//!
//! Worker numbers are matched case-insensitively (trimmed, ASCII upper case:
//! the *number key*), because workers type them on phones; the number is
//! shown back as staff imported it.

use crate::db::sql::{Connection, OptionalExtension, params};
use workervoice_protocol::admin::WorkerSummary;
use workervoice_protocol::auth::KdfParams;

use crate::error::ApiError;

/// Longest worker number accepted.
pub(crate) const MAX_WORKER_NUMBER_CHARS: usize = 32;
/// Longest display name accepted.
pub(crate) const MAX_DISPLAY_NAME_CHARS: usize = 200;
/// Longest language tag accepted (RFC 5646 asks implementations to support
/// at least 35 characters; real tags are far shorter).
const MAX_LANGUAGE_TAG_CHARS: usize = 35;

/// The form a worker number is looked up by.
pub(crate) fn number_key(worker_number: &str) -> String {
    worker_number.trim().to_ascii_uppercase()
}

/// A trimmed worker number of 1 to 32 characters of `[A-Za-z0-9-]`.
pub(crate) fn checked_worker_number(worker_number: &str) -> Result<String, ApiError> {
    let trimmed = worker_number.trim();
    let plausible = !trimmed.is_empty()
        && trimmed.len() <= MAX_WORKER_NUMBER_CHARS
        && trimmed.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if plausible { Ok(trimmed.to_owned()) } else { Err(ApiError::bad_request()) }
}

/// A trimmed, non-empty display name of at most 200 characters, without
/// control characters.
pub(crate) fn checked_display_name(name: &str) -> Result<String, ApiError> {
    let trimmed = name.trim();
    let plausible = !trimmed.is_empty()
        && trimmed.chars().count() <= MAX_DISPLAY_NAME_CHARS
        && !trimmed.chars().any(char::is_control);
    if plausible { Ok(trimmed.to_owned()) } else { Err(ApiError::bad_request()) }
}

/// A trimmed language tag that is plausibly BCP 47: a primary subtag of 2 to
/// 8 letters (or a private-use `x-…` tag), then subtags of 1 to 8 letters or
/// digits, separated by hyphens.
pub(crate) fn checked_language(tag: &str) -> Result<String, ApiError> {
    let trimmed = tag.trim();
    if is_plausible_language_tag(trimmed) { Ok(trimmed.to_owned()) } else { Err(ApiError::bad_request()) }
}

fn is_plausible_language_tag(tag: &str) -> bool {
    if tag.is_empty() || tag.len() > MAX_LANGUAGE_TAG_CHARS {
        return false;
    }
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or_default();
    let rest: Vec<&str> = subtags.collect();
    let primary_ok = if primary.eq_ignore_ascii_case("x") {
        !rest.is_empty()
    } else {
        (2..=8).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic())
    };
    primary_ok
        && rest
            .iter()
            .all(|subtag| (1..=8).contains(&subtag.len()) && subtag.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A fresh worker id.
pub(crate) fn new_worker_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A worker's row, with its secrets' stored forms.
#[derive(Debug, Clone)]
pub(crate) struct WorkerRow {
    pub(crate) id: String,
    pub(crate) worker_number: String,
    pub(crate) display_name: String,
    pub(crate) language: String,
    /// Keyed hash of the unused activation code, if any.
    pub(crate) activation_hash: Option<Vec<u8>>,
    pub(crate) kdf: KdfParams,
    /// Keyed hash of the PIN proof, once activated.
    pub(crate) pin_verifier: Option<Vec<u8>>,
    pub(crate) failed_attempts: u32,
    pub(crate) locked: bool,
}

impl WorkerRow {
    /// What staff see of the worker.
    pub(crate) fn summary(&self) -> WorkerSummary {
        WorkerSummary {
            worker_number: self.worker_number.clone(),
            display_name: self.display_name.clone(),
            language: self.language.clone(),
            activated: self.pin_verifier.is_some(),
            failed_attempts: self.failed_attempts,
            locked: self.locked,
        }
    }
}

const WORKER_COLUMNS: &str = "id, worker_number, display_name, language, activation_hash, \
     kdf_algorithm, kdf_iterations, kdf_salt, pin_verifier, failed_attempts, locked";

fn worker_from_row(row: &crate::db::sql::Row<'_>) -> crate::db::sql::Result<WorkerRow> {
    Ok(WorkerRow {
        id: row.get(0)?,
        worker_number: row.get(1)?,
        display_name: row.get(2)?,
        language: row.get(3)?,
        activation_hash: row.get(4)?,
        kdf: KdfParams { algorithm: row.get(5)?, iterations: row.get(6)?, salt: row.get(7)? },
        pin_verifier: row.get(8)?,
        failed_attempts: row.get(9)?,
        locked: row.get(10)?,
    })
}

/// The worker with this number key in this factory, if any.
pub(crate) fn load_worker(
    connection: &Connection,
    factory_id: &str,
    number_key: &str,
) -> crate::db::sql::Result<Option<WorkerRow>> {
    connection
        .query_row(
            &format!("SELECT {WORKER_COLUMNS} FROM workers WHERE factory_id = ?1 AND number_key = ?2"),
            params![factory_id, number_key],
            worker_from_row,
        )
        .optional()
}

/// Every worker of a factory, by number.
pub(crate) fn list_workers(connection: &Connection, factory_id: &str) -> crate::db::sql::Result<Vec<WorkerRow>> {
    let mut statement = connection
        .prepare(&format!("SELECT {WORKER_COLUMNS} FROM workers WHERE factory_id = ?1 ORDER BY number_key"))?;
    let rows = statement.query_map([factory_id], worker_from_row)?;
    rows.collect()
}

/// A worker about to be inserted.
pub(crate) struct NewWorker<'a> {
    pub(crate) id: &'a str,
    pub(crate) factory_id: &'a str,
    pub(crate) worker_number: &'a str,
    pub(crate) display_name: &'a str,
    pub(crate) language: &'a str,
    pub(crate) kdf: &'a KdfParams,
    pub(crate) activation_hash: Option<&'a [u8]>,
    pub(crate) pin_verifier: Option<&'a [u8]>,
}

/// Inserts a worker. Wrong guesses counted against the number while it was
/// unknown are forgotten: they were not guesses at this worker's PIN.
pub(crate) fn insert_worker(connection: &Connection, worker: &NewWorker<'_>, now: i64) -> crate::db::sql::Result<()> {
    let key = number_key(worker.worker_number);
    connection.execute(
        "INSERT INTO workers (id, factory_id, worker_number, number_key, display_name, language, \
             activation_hash, kdf_algorithm, kdf_salt, kdf_iterations, pin_verifier, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            worker.id,
            worker.factory_id,
            worker.worker_number,
            key,
            worker.display_name,
            worker.language,
            worker.activation_hash,
            worker.kdf.algorithm,
            worker.kdf.salt,
            worker.kdf.iterations,
            worker.pin_verifier,
            now,
        ],
    )?;
    connection.execute(
        "DELETE FROM unknown_pin_attempts WHERE factory_id = ?1 AND number_key = ?2",
        params![worker.factory_id, key],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_numbers_are_short_and_plain() {
        assert_eq!(checked_worker_number(" 1001 ").unwrap(), "1001");
        assert!(checked_worker_number("AB-12").is_ok());
        assert!(checked_worker_number("").is_err());
        assert!(checked_worker_number("10 01").is_err());
        assert!(checked_worker_number("1001;DROP").is_err());
        assert!(checked_worker_number(&"1".repeat(33)).is_err());
    }

    #[test]
    fn number_keys_ignore_case_and_padding() {
        assert_eq!(number_key(" ab-12 "), number_key("AB-12"));
    }

    #[test]
    fn language_tags_must_look_like_bcp47() {
        for good in ["en", "zh-CN", "vi", "sr-Latn-RS", "zh-Hant-TW", "es-419", "x-klingon"] {
            assert!(checked_language(good).is_ok(), "{good}");
        }
        for bad in ["", "e", "english!", "en_US", "en--US", "-en", "x", "en-verylongsubtag", "日本語"] {
            assert!(checked_language(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(checked_display_name("  Nguyễn Thị Lan ").unwrap(), "Nguyễn Thị Lan");
        assert!(checked_display_name("   ").is_err());
        assert!(checked_display_name("tab\there").is_err());
        assert!(checked_display_name(&"名".repeat(200)).is_ok());
        assert!(checked_display_name(&"名".repeat(201)).is_err());
    }
}
