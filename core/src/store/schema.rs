//! Schema versions and their upgrades. Each `upgrade_from(n)` step moves the
//! schema from version `n` to `n + 1`; all pending steps run in one
//! transaction, so a crash mid-upgrade leaves the old schema intact.

use rusqlite::Connection;

use super::StoreError;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 9;

pub(super) fn upgrade(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew { found, supported: SCHEMA_VERSION });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for version in found..SCHEMA_VERSION {
        upgrade_from(&tx, version)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

fn upgrade_from(conn: &Connection, version: i64) -> Result<(), StoreError> {
    match version {
        0 => conn.execute_batch(
            "CREATE TABLE device (
                 id INTEGER PRIMARY KEY CHECK (id = 1),
                 state TEXT NOT NULL CHECK (state IN ('pending', 'enrolled', 'retired')),
                 hub_url TEXT NOT NULL,
                 mode TEXT NOT NULL CHECK (mode IN ('personal', 'shared')),
                 wrapped_storage_key BLOB NOT NULL,
                 canary BLOB NOT NULL,
                 identity BLOB NOT NULL,
                 public_key BLOB NOT NULL,
                 enrolment_code TEXT,
                 device_id TEXT,
                 factory_id TEXT,
                 factory_name TEXT,
                 enrolled_at INTEGER
             ) STRICT;
             CREATE TABLE workers (
                 local_id TEXT PRIMARY KEY,
                 lookup BLOB NOT NULL UNIQUE,
                 kdf TEXT NOT NULL,
                 wrapped_vault_key BLOB NOT NULL,
                 pending_kdf TEXT,
                 pending_wrapped_vault_key BLOB,
                 canary BLOB NOT NULL,
                 profile BLOB NOT NULL,
                 offline_share BLOB,
                 offline_failures INTEGER NOT NULL DEFAULT 0,
                 created_at INTEGER NOT NULL
             ) STRICT;
             CREATE TABLE notes (
                 id TEXT PRIMARY KEY,
                 owner TEXT NOT NULL REFERENCES workers(local_id) ON DELETE CASCADE,
                 created_at INTEGER NOT NULL,
                 body BLOB NOT NULL
             ) STRICT;
             CREATE INDEX notes_by_owner ON notes(owner, created_at);",
        )?,
        // Grievances: the signed directory, the outbox, and (personal devices)
        // the worker's own cases and their events, sealed under the vault key.
        1 => conn.execute_batch(
            "CREATE TABLE directory (
                 id INTEGER PRIMARY KEY CHECK (id = 1),
                 version INTEGER NOT NULL,
                 body BLOB NOT NULL,
                 signature BLOB NOT NULL,
                 fetched_at INTEGER NOT NULL
             ) STRICT;
             CREATE TABLE outbox (
                 client_id TEXT PRIMARY KEY,
                 kind TEXT NOT NULL,
                 body BLOB,
                 state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'delivered', 'needs_attention')),
                 attempts INTEGER NOT NULL DEFAULT 0,
                 next_attempt_at INTEGER NOT NULL,
                 reason TEXT,
                 created_at INTEGER NOT NULL,
                 delivered_at INTEGER
             ) STRICT;
             CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
             CREATE TABLE outbox_attachments (
                 client_id TEXT NOT NULL REFERENCES outbox(client_id) ON DELETE CASCADE,
                 attachment_id TEXT NOT NULL,
                 body BLOB,
                 PRIMARY KEY (client_id, attachment_id)
             ) STRICT;
             CREATE TABLE cases (
                 case_id TEXT PRIMARY KEY,
                 owner TEXT NOT NULL REFERENCES workers(local_id) ON DELETE CASCADE,
                 client_id TEXT NOT NULL,
                 sealed BLOB NOT NULL,
                 status TEXT NOT NULL,
                 cursor INTEGER NOT NULL DEFAULT 0,
                 updated_at INTEGER NOT NULL
             ) STRICT;
             CREATE TABLE case_events (
                 case_id TEXT NOT NULL REFERENCES cases(case_id) ON DELETE CASCADE,
                 seq INTEGER NOT NULL,
                 owner TEXT NOT NULL,
                 sealed BLOB NOT NULL,
                 PRIMARY KEY (case_id, seq)
             ) STRICT;",
        )?,
        // Drafts: no owner column, ids are blind indexes under the vault key.
        2 => conn.execute_batch(
            "CREATE TABLE drafts (
                 id BLOB PRIMARY KEY,
                 sealed BLOB NOT NULL,
                 updated_at INTEGER NOT NULL
             ) STRICT;
             CREATE TABLE meta (
                 key TEXT PRIMARY KEY,
                 value INTEGER NOT NULL
             ) STRICT;",
        )?,
        // Kiosk offline sign-in: per vault, the profile and an 8-bit PIN check
        // sealed under the worker's key-store key (shared devices only) and the
        // day it was last used (for eviction); outbox items a provisional
        // session queued are held by its sign-in id until the hub confirms it;
        // the sealed proofs waiting for the hub; small binary settings.
        3 => conn.execute_batch(
            "ALTER TABLE workers ADD COLUMN kiosk_offline BLOB;
             ALTER TABLE workers ADD COLUMN last_used_day INTEGER NOT NULL DEFAULT 0;
             ALTER TABLE outbox ADD COLUMN held_by TEXT;
             CREATE TABLE offline_sign_ins (
                 id TEXT PRIMARY KEY,
                 enc BLOB NOT NULL,
                 sealed BLOB NOT NULL,
                 created_at INTEGER NOT NULL
             ) STRICT;
             CREATE TABLE meta_blob (
                 key TEXT PRIMARY KEY,
                 value BLOB NOT NULL
             ) STRICT;",
        )?,
        // Content (training modules, surveys): not worker data, so not
        // sealed. The catalog the hub last sent, the verified manifest held
        // per item, and the blobs on disk (files under `content/blobs/`)
        // with their last use, for eviction under the storage budget.
        4 => conn.execute_batch(
            "CREATE TABLE content_sync (
                 id INTEGER PRIMARY KEY CHECK (id = 1),
                 etag TEXT NOT NULL,
                 synced_at INTEGER NOT NULL
             ) STRICT;
             CREATE TABLE content_catalog (
                 kind TEXT NOT NULL,
                 id TEXT NOT NULL,
                 version INTEGER NOT NULL,
                 manifest_sha256 TEXT NOT NULL,
                 total_bytes INTEGER NOT NULL,
                 PRIMARY KEY (kind, id)
             ) STRICT;
             CREATE TABLE content_manifests (
                 kind TEXT NOT NULL,
                 id TEXT NOT NULL,
                 version INTEGER NOT NULL,
                 sha256 TEXT NOT NULL,
                 body BLOB NOT NULL,
                 signature BLOB NOT NULL,
                 fetched_at INTEGER NOT NULL,
                 PRIMARY KEY (kind, id)
             ) STRICT;
             CREATE TABLE content_blobs (
                 sha256 TEXT PRIMARY KEY,
                 size INTEGER NOT NULL,
                 last_used INTEGER NOT NULL
             ) STRICT;
             CREATE INDEX content_blobs_by_use ON content_blobs(last_used);",
        )?,
        // Training progress: the worker's log (events and what each earned)
        // and state (pull cursor, badge rules, the hub's totals), sealed
        // under the vault key; uploads travel in the outbox (kind `progress`).
        5 => conn.execute_batch(
            "CREATE TABLE progress_events (
                 id TEXT NOT NULL,
                 owner TEXT NOT NULL REFERENCES workers(local_id) ON DELETE CASCADE,
                 sealed BLOB NOT NULL,
                 PRIMARY KEY (owner, id)
             ) STRICT;
             CREATE TABLE progress_state (
                 owner TEXT PRIMARY KEY REFERENCES workers(local_id) ON DELETE CASCADE,
                 cursor INTEGER NOT NULL,
                 sealed BLOB
             ) STRICT;",
        )?,
        // Each worker's one-time survey tokens, sealed under their vault key;
        // ids are keyed hashes (no owner column), as for drafts.
        6 => conn.execute_batch(
            "CREATE TABLE survey_tokens (
                 id BLOB PRIMARY KEY,
                 sealed BLOB NOT NULL,
                 updated_at INTEGER NOT NULL
             ) STRICT;",
        )?,
        // Drafts of workers signed in offline on a kiosk, sealed to each
        // worker's draft key (random ids, no owner column).
        7 => conn.execute_batch(
            "CREATE TABLE offline_drafts (
                 id BLOB PRIMARY KEY,
                 held_by TEXT,
                 enc BLOB NOT NULL,
                 sealed BLOB NOT NULL,
                 updated_at INTEGER NOT NULL
             ) STRICT;",
        )?,
        // A worker's cases without their ids, owner, status or cursor in
        // clear: ids are keyed hashes under the vault key, everything else is
        // sealed (ADR 0016). The old `cases` and `case_events` rows cannot be
        // converted here (no vault key is open during an upgrade): each
        // worker's are converted, and deleted, at their next sign-in.
        8 => conn.execute_batch(
            "CREATE TABLE sealed_cases (
                 id BLOB PRIMARY KEY,
                 sealed BLOB NOT NULL
             ) STRICT;
             CREATE TABLE sealed_case_events (
                 id BLOB PRIMARY KEY,
                 case_ref BLOB NOT NULL,
                 sealed BLOB NOT NULL
             ) STRICT;
             CREATE INDEX sealed_case_events_by_case ON sealed_case_events(case_ref);",
        )?,
        _ => return Err(StoreError::Malformed("unknown schema version")),
    }
    Ok(())
}
