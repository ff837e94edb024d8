//! The staff audit log: one row per staff action (who, what, which object,
//! when), appended in the same transaction as the action, so an action
//! without its row cannot be committed. SQLite triggers refuse every UPDATE
//! and DELETE on the table (schema version 11); retention is a later,
//! explicit and itself audited command.
//!
//! Never written here: content, a worker's name, a PIN, a code, a password,
//! a token. Objects are named by opaque ids.

use crate::db::sql::{Connection, params};
use workervoice_protocol::staff::StaffAuditEntry;

use crate::clock::unix_now;
use crate::error::ApiError;

/// Most rows one `GET /admin/v1/audit` answers.
pub(crate) const PAGE: i64 = 500;

/// Who acted: a staff account, the bootstrap admin token, or the hub itself
/// (demo seeding, automatic set-up for tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ActorId {
    /// A staff account, by id.
    Staff(String),
    /// The single admin token (it can only bootstrap).
    AdminToken,
    /// The hub acting on its own.
    Hub,
    /// A reader (handler or analyst), by account id: accepting an
    /// invitation, changing a password.
    Reader(String),
}

impl ActorId {
    /// How the log names this actor.
    pub(crate) fn label(&self) -> String {
        match self {
            Self::Staff(id) => format!("staff:{id}"),
            Self::AdminToken => "admin-token".to_owned(),
            Self::Hub => "hub".to_owned(),
            Self::Reader(id) => format!("reader:{id}"),
        }
    }
}

/// Appends one row. Call it inside the action's transaction.
pub(crate) fn append(
    connection: &Connection,
    actor: &ActorId,
    action: &str,
    object_kind: &str,
    object_id: &str,
) -> Result<(), ApiError> {
    connection.execute(
        "INSERT INTO audit_log (at, actor, action, object_kind, object_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![unix_now(), actor.label(), action, object_kind, object_id],
    )?;
    Ok(())
}

/// Rows after `after`, oldest first, at most [`PAGE`].
pub(crate) fn entries_after(connection: &Connection, after: i64) -> Result<Vec<StaffAuditEntry>, ApiError> {
    let mut statement = connection.prepare(
        "SELECT seq, at, actor, action, object_kind, object_id FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = statement.query_map(params![after, PAGE], |row| {
        Ok(StaffAuditEntry {
            seq: row.get(0)?,
            at: row.get(1)?,
            actor: row.get(2)?,
            action: row.get(3)?,
            object_kind: row.get(4)?,
            object_id: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
