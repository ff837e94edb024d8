//! The database schema and its versioned upgrades.
//!
//! `PRAGMA user_version` holds the schema version. [`migrate`] applies every
//! `upgrade_from(n)` step from the file's version to [`LATEST_VERSION`] in one
//! transaction: a hub killed half-way leaves the file as it was. A file from a
//! newer hub is refused, never downgraded.
//!
//! Secrets never stored here: PINs and PIN proofs (only a keyed verifier),
//! enrolment and activation codes (only keyed hashes), and hub shares in the
//! clear (only sealed under a key derived from the hub secret, which lives in
//! its own file). Version 2 adds grievances, which the hub cannot read: their
//! payloads and attachments are sealed on the device, content keys are
//! wrapped to handlers' public keys, replies are sealed under the case's
//! reply key, and handlers' private keys are wrapped by their own clients (version 14).
//! Receipt tokens are kept only as SHA-256 verifiers.

use rusqlite::{Connection, Transaction, TransactionBehavior};

/// The schema version this hub writes.
pub(crate) const LATEST_VERSION: u32 = 21;

/// Why the schema could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MigrationError {
    /// SQLite refused (including: the file is not a database).
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// The file was written by a newer hub.
    #[error("the database was written by a newer hub (schema {found}; this hub knows up to {known})")]
    TooNew { found: u32, known: u32 },
}

/// Brings the schema to [`LATEST_VERSION`], all steps in one transaction.
pub(crate) fn migrate(connection: &mut Connection) -> Result<(), MigrationError> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: u32 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > LATEST_VERSION {
        return Err(MigrationError::TooNew { found, known: LATEST_VERSION });
    }
    for version in found..LATEST_VERSION {
        upgrade_from(&tx, version)?;
    }
    if found != LATEST_VERSION {
        tx.pragma_update(None, "user_version", LATEST_VERSION)?;
        tracing::info!(from = found, to = LATEST_VERSION, "upgraded the hub database schema");
    }
    tx.commit()?;
    Ok(())
}

/// The version PostgreSQL's history starts at: [`POSTGRES_BASELINE`] is
/// the SQLite schema of this version written for PostgreSQL (ADR 0019).
pub(crate) const POSTGRES_BASELINE_VERSION: u32 = 18;

/// The schema at [`POSTGRES_BASELINE_VERSION`] on PostgreSQL.
const POSTGRES_BASELINE: &str = include_str!("schema_postgres.sql");

/// Brings a PostgreSQL database to [`LATEST_VERSION`] in one transaction:
/// an empty database gets the baseline, then every later step. Hubs that
/// start at once on one database take an advisory lock, so one migrates
/// and the others find it done. The version lives in `hub_schema_version`.
pub(crate) fn migrate_postgres(connection: &mut super::sql::Connection) -> Result<(), super::sql::Error> {
    let tx = connection.transaction_with_behavior(super::sql::TransactionBehavior::Immediate)?;
    // Any constant shared by every hub: "WVSCHEMA" in ASCII.
    tx.query_row("SELECT pg_advisory_xact_lock(6292381938424975681)::text", [], |row| row.get::<_, String>(0))?;
    tx.execute_batch("CREATE TABLE IF NOT EXISTS hub_schema_version (version BIGINT NOT NULL)")?;
    let found: Option<u32> = tx.query_row("SELECT max(version) FROM hub_schema_version", [], |row| row.get(0))?;
    if let Some(found) = found.filter(|found| *found > LATEST_VERSION) {
        return Err(super::sql::Error::Damaged(format!(
            "the database was written by a newer hub (schema {found}; this hub knows up to {LATEST_VERSION})"
        )));
    }
    let mut version = match found {
        Some(found) => found,
        None => {
            tx.execute_batch(POSTGRES_BASELINE)?;
            POSTGRES_BASELINE_VERSION
        }
    };
    while version < LATEST_VERSION {
        postgres_upgrade_from(&tx, version)?;
        version += 1;
    }
    if found != Some(LATEST_VERSION) {
        tx.execute("DELETE FROM hub_schema_version", [])?;
        tx.execute("INSERT INTO hub_schema_version (version) VALUES (?1)", [LATEST_VERSION])?;
        tracing::info!(from = ?found, to = LATEST_VERSION, "prepared the hub's PostgreSQL schema");
    }
    tx.commit()
}

/// One PostgreSQL step, beside [`upgrade_from`]'s SQLite step of the same
/// number: every step after [`POSTGRES_BASELINE_VERSION`] is written for
/// both backends here, so they are reviewed together.
fn postgres_upgrade_from(tx: &super::sql::Connection, version: u32) -> Result<(), super::sql::Error> {
    match version {
        18 => tx.execute_batch(V19_POSTGRES),
        19 => tx.execute_batch(V20_POSTGRES),
        20 => tx.execute_batch(V21_POSTGRES),
        _ => Err(super::sql::Error::Damaged(format!("no PostgreSQL schema step from version {version}"))),
    }
}

/// [`V21_SCHEMA`] on PostgreSQL, where several hub processes share the
/// counts. `UNLOGGED`: counts and window keys are never written to the WAL
/// (nor to a standby or a WAL archive, where a key would outlive its
/// window), a commit does not wait for a flush, and a crash empties both
/// tables, which only forgets a minute of counts.
const V21_POSTGRES: &str = "
CREATE UNLOGGED TABLE rate_limit_windows (
    window_index BIGINT PRIMARY KEY,
    window_key   BYTEA NOT NULL
);

CREATE UNLOGGED TABLE rate_limit_counts (
    window_index BIGINT NOT NULL,
    slot         BIGINT NOT NULL,
    seen         BIGINT NOT NULL,
    PRIMARY KEY (window_index, slot)
);
";

/// [`V20_SCHEMA`] on PostgreSQL: category counts readers publish (ADR 0024).
const V20_POSTGRES: &str = "
CREATE TABLE category_counts (
    route        TEXT NOT NULL CHECK (route IN ('factory_committee', 'independent_hotline', 'brand')),
    factory_id   TEXT NOT NULL REFERENCES factories (id),
    month        TEXT NOT NULL,
    body         BYTEA NOT NULL,
    published_by TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    PRIMARY KEY (route, factory_id, month)
);
";

/// [`V19_SCHEMA`] on PostgreSQL: readers' e-mail notifications (ADR 0023).
const V19_POSTGRES: &str = "
CREATE TABLE reader_notification_addresses (
    handler_id TEXT PRIMARY KEY REFERENCES handlers (id),
    email      TEXT NOT NULL,
    language   TEXT NOT NULL,
    baselined  BIGINT NOT NULL DEFAULT 0 CHECK (baselined IN (0, 1)),
    updated_at BIGINT NOT NULL
);

CREATE TABLE reader_notification_marks (
    handler_id TEXT NOT NULL REFERENCES handlers (id),
    case_id    TEXT NOT NULL REFERENCES cases (case_id),
    seen_seq   BIGINT NOT NULL,
    overdue    TEXT NOT NULL,
    PRIMARY KEY (handler_id, case_id)
);
CREATE INDEX reader_notification_marks_by_case ON reader_notification_marks (case_id);

CREATE TABLE reader_notification_pending (
    handler_id      TEXT PRIMARY KEY REFERENCES handlers (id),
    new_cases       BIGINT NOT NULL,
    answered_cases  BIGINT NOT NULL,
    overdue_cases   BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL
);
";

/// One step: the schema at `version` becomes the schema at `version + 1`.
fn upgrade_from(tx: &Transaction<'_>, version: u32) -> rusqlite::Result<()> {
    match version {
        0 => tx.execute_batch(V1_SCHEMA),
        1 => tx.execute_batch(V2_SCHEMA),
        2 => tx.execute_batch(V3_SCHEMA),
        3 => tx.execute_batch(V4_SCHEMA),
        4 => tx.execute_batch(V5_SCHEMA),
        5 => tx.execute_batch(V6_SCHEMA),
        6 => tx.execute_batch(V7_SCHEMA),
        7 => tx.execute_batch(V8_SCHEMA),
        8 => tx.execute_batch(V9_SCHEMA),
        9 => tx.execute_batch(V10_SCHEMA),
        10 => tx.execute_batch(V11_SCHEMA),
        11 => {
            tx.execute_batch(V12_SCHEMA)?;
            // Counts kept before now are remembered from the upgrade on (this
            // SQLite has no date functions to do it in the batch).
            tx.execute("UPDATE unknown_pin_attempts SET last_failed_at = ?1", [crate::clock::unix_now()])?;
            Ok(())
        }
        12 => tx.execute_batch(V13_SCHEMA),
        13 => tx.execute_batch(V14_SCHEMA),
        14 => tx.execute_batch(V15_SCHEMA),
        15 => tx.execute_batch(V16_SCHEMA),
        16 => tx.execute_batch(V17_SCHEMA),
        17 => tx.execute_batch(V18_SCHEMA),
        18 => tx.execute_batch(V19_SCHEMA),
        19 => tx.execute_batch(V20_SCHEMA),
        20 => tx.execute_batch(V21_SCHEMA),
        // `migrate` never asks for a step past LATEST_VERSION.
        _ => Ok(()),
    }
}

/// Version 14: readers' keys made and kept by the reader (ADR 0015). The
/// hub keeps each reader's public key, key id, the private key as the
/// reader's client wrapped it, the KDF salt and iterations, and Argon2id of
/// the client's `login_key` — never a password or anything that opens the
/// private key. Handler rows of earlier versions were made with passwords
/// staff chose and keys the hub generated: they are dropped, not converted
/// (and with them their copies of case keys and open sessions). Reader
/// invitations name the account, its display name and whether it is an
/// analyst; wrong logins back off per account and per device token; notes
/// are sealed by the client to the route's readers; `case_handovers`
/// records the event at which a case left each route.
const V14_SCHEMA: &str = "
DELETE FROM case_keys;
DROP TABLE case_keys;
DROP TABLE handlers;
DELETE FROM sessions WHERE account_kind = 'reader';

CREATE TABLE handlers (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    route               TEXT NOT NULL CHECK (route IN ('factory_committee', 'independent_hotline', 'brand')),
    factory_id          TEXT REFERENCES factories (id),
    brand_id            TEXT REFERENCES brands (id),
    analyst             INTEGER NOT NULL DEFAULT 0 CHECK (analyst IN (0, 1)),
    -- X25519 public key made by the reader's client, and its key id
    -- (hex of the first 16 bytes of its SHA-256), as in directories.
    public_key          BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),
    key_id              TEXT NOT NULL UNIQUE,
    -- The private key as the client sealed it under its wrap key.
    wrapped_private_key BLOB NOT NULL,
    kdf_salt            BLOB NOT NULL,
    kdf_iterations      INTEGER NOT NULL,
    -- Argon2id PHC string of the client's login_key.
    login_verifier      TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    disabled_at         INTEGER,
    CHECK ((route = 'factory_committee') = (factory_id IS NOT NULL)),
    CHECK ((route = 'brand') = (brand_id IS NOT NULL))
);

-- The content key of a case, wrapped (HPKE) by the device to one reader.
CREATE TABLE case_keys (
    case_id     TEXT NOT NULL REFERENCES cases (case_id),
    handler_id  TEXT NOT NULL REFERENCES handlers (id),
    enc         BLOB NOT NULL,
    wrapped_key BLOB NOT NULL,
    PRIMARY KEY (case_id, handler_id)
) WITHOUT ROWID;

ALTER TABLE invitations ADD COLUMN reader_id TEXT;
ALTER TABLE invitations ADD COLUMN reader_name TEXT;
ALTER TABLE invitations ADD COLUMN analyst INTEGER NOT NULL DEFAULT 0 CHECK (analyst IN (0, 1));

-- Wrong reader logins: per account, in one bucket for strangers ('') and
-- one per device token that signed in before (its SHA-256, hex).
CREATE TABLE reader_login_backoff (
    handler_id      TEXT NOT NULL,
    bucket          TEXT NOT NULL,
    failures        INTEGER NOT NULL,
    next_allowed_at INTEGER NOT NULL,
    PRIMARY KEY (handler_id, bucket)
) WITHOUT ROWID;

-- Device tokens given at sign-in; only their SHA-256 is kept.
CREATE TABLE reader_devices (
    token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    handler_id TEXT NOT NULL REFERENCES handlers (id),
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Internal notes, sealed by a reader's client under a note key...
CREATE TABLE case_notes (
    case_id TEXT NOT NULL REFERENCES cases (case_id),
    note_id TEXT NOT NULL,
    author  TEXT NOT NULL,
    at      INTEGER NOT NULL,
    sealed  BLOB NOT NULL,
    PRIMARY KEY (case_id, note_id)
) WITHOUT ROWID;

-- ...and the note key sealed to each reader of the route.
CREATE TABLE case_note_keys (
    case_id     TEXT NOT NULL,
    note_id     TEXT NOT NULL,
    handler_id  TEXT NOT NULL REFERENCES handlers (id),
    enc         BLOB NOT NULL,
    wrapped_key BLOB NOT NULL,
    PRIMARY KEY (case_id, note_id, handler_id),
    FOREIGN KEY (case_id, note_id) REFERENCES case_notes (case_id, note_id)
) WITHOUT ROWID;

-- Survey aggregates an analyst's client computed and published (small
-- groups already suppressed; the hub re-checks). Staff read their
-- factories' groups.
CREATE TABLE survey_aggregates (
    survey_id    TEXT PRIMARY KEY,
    body         BLOB NOT NULL,
    published_by TEXT NOT NULL,
    published_at INTEGER NOT NULL
) WITHOUT ROWID;

-- The last event a route may see of a case that escalated past it.
CREATE TABLE case_handovers (
    case_id  TEXT NOT NULL REFERENCES cases (case_id),
    route    TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (case_id, route)
) WITHOUT ROWID;
";

/// Version 11: per-person staff accounts with roles, their invitations and
/// sessions, brands and their supplier factories, and the append-only staff
/// audit log (see `crate::staff` and ADR 0013).
const V11_SCHEMA: &str = "
CREATE TABLE brands (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Which factories supply which brand (brand staff see these factories' aggregates).
CREATE TABLE brand_factories (
    brand_id   TEXT NOT NULL REFERENCES brands (id),
    factory_id TEXT NOT NULL REFERENCES factories (id),
    PRIMARY KEY (brand_id, factory_id)
) WITHOUT ROWID;

CREATE TABLE staff_accounts (
    id                 TEXT PRIMARY KEY,
    login              TEXT NOT NULL UNIQUE,
    display_name       TEXT NOT NULL,
    role               TEXT NOT NULL
                       CHECK (role IN ('programme_admin', 'factory_admin', 'brand_staff', 'auditor')),
    -- Argon2id PHC string.
    password_hash      TEXT NOT NULL,
    -- TOTP secret sealed under a key derived from the hub secret; NULL: no second factor.
    totp_secret_sealed BLOB,
    totp_required      INTEGER NOT NULL DEFAULT 0 CHECK (totp_required IN (0, 1)),
    -- The last TOTP time step accepted, so each code works once.
    totp_last_step     INTEGER,
    brand_id           TEXT REFERENCES brands (id),
    created_at         INTEGER NOT NULL,
    disabled_at        INTEGER
);

-- The factories a factory admin manages.
CREATE TABLE staff_scopes (
    account_id TEXT NOT NULL REFERENCES staff_accounts (id),
    factory_id TEXT NOT NULL REFERENCES factories (id),
    PRIMARY KEY (account_id, factory_id)
) WITHOUT ROWID;

-- Whether a role must sign in with a second factor (programme admins by default).
CREATE TABLE staff_role_settings (
    role          TEXT PRIMARY KEY,
    totp_required INTEGER NOT NULL CHECK (totp_required IN (0, 1))
);
INSERT INTO staff_role_settings (role, totp_required) VALUES
    ('programme_admin', 1), ('factory_admin', 0), ('brand_staff', 0), ('auditor', 0);

-- One-time invitations; only the SHA-256 of the token is kept.
CREATE TABLE invitations (
    token_hash  BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    kind        TEXT NOT NULL CHECK (kind IN ('staff', 'reader')),
    role        TEXT,
    route       TEXT,
    -- Space-separated factory ids (factory admins).
    factory_ids TEXT NOT NULL DEFAULT '',
    brand_id    TEXT REFERENCES brands (id),
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) WITHOUT ROWID;

-- Sign-in sessions; only the SHA-256 of the token is kept.
CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    account_id   TEXT NOT NULL,
    account_kind TEXT NOT NULL CHECK (account_kind IN ('staff', 'reader')),
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER
) WITHOUT ROWID;
CREATE INDEX sessions_by_account ON sessions (account_kind, account_id);

-- Wrong staff passwords per login (known or not, so both look alike):
-- exponential back-off, never a lock.
CREATE TABLE staff_login_backoff (
    login           TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    next_allowed_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Every staff action: who, what, which object, when. Never content.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
";

/// Version 3: what shared devices report at sync (counts only), for staff.
const V3_SCHEMA: &str = "
ALTER TABLE devices ADD COLUMN reported_at INTEGER;
ALTER TABLE devices ADD COLUMN reported_queued INTEGER;
ALTER TABLE devices ADD COLUMN reported_needs_attention INTEGER;
ALTER TABLE devices ADD COLUMN reported_storage_bytes INTEGER;
";

/// Version 4: a factory's kiosk idle time-out, sent to its shared tablets.
const V4_SCHEMA: &str = "
ALTER TABLE factories ADD COLUMN kiosk_idle_timeout_secs INTEGER NOT NULL DEFAULT 90;
";

/// Version 5: outcomes of sign-ins shared devices made offline, so a
/// retried confirmation gets the same answer and is counted once. Nothing
/// about the worker is kept here.
const V5_SCHEMA: &str = "
CREATE TABLE offline_sign_ins (
    device_id  TEXT NOT NULL REFERENCES devices(id),
    sign_in_id TEXT NOT NULL,
    confirmed  INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
    decided_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, sign_in_id)
) STRICT;
";

/// Version 6: the signed content channel (training modules, surveys).
/// Blob bytes live in files under `<data-dir>/content/`, named by SHA-256;
/// rows here say which blobs exist, which signed manifests were published
/// and which is current per item, and which factories get each item
/// (`all_factories`, or the rows of `content_assignments`).
const V6_SCHEMA: &str = "
CREATE TABLE content_blobs (
    sha256     TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE content_manifests (
    sha256       TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    content_id   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    body         BLOB NOT NULL,
    signature    BLOB NOT NULL,
    total_bytes  INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    UNIQUE (kind, content_id, version)
);
CREATE TABLE content_items (
    kind             TEXT NOT NULL,
    content_id       TEXT NOT NULL,
    current_manifest TEXT NOT NULL REFERENCES content_manifests(sha256),
    all_factories    INTEGER NOT NULL CHECK (all_factories IN (0, 1)),
    PRIMARY KEY (kind, content_id)
);
CREATE TABLE content_assignments (
    kind       TEXT NOT NULL,
    content_id TEXT NOT NULL,
    factory_id TEXT NOT NULL REFERENCES factories(id),
    PRIMARY KEY (kind, content_id, factory_id),
    FOREIGN KEY (kind, content_id) REFERENCES content_items(kind, content_id) ON DELETE CASCADE
);
CREATE INDEX content_assignments_by_factory ON content_assignments(factory_id);
";

/// Version 7: training progress. Each worker's merged log (`seq` is the
/// pull cursor; an event id is merged once per worker), the uploads already
/// applied (idempotency by the device's id for it), the factory's offset
/// from UTC (streak days), and the worker a confirmed offline sign-in was for.
const V7_SCHEMA: &str = "
CREATE TABLE progress_events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    worker_id      TEXT NOT NULL REFERENCES workers(id),
    event_id       TEXT NOT NULL,
    module_id      TEXT NOT NULL,
    module_version INTEGER NOT NULL,
    at             INTEGER NOT NULL,
    event          TEXT NOT NULL,
    earned         TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    received_at    INTEGER NOT NULL,
    UNIQUE (worker_id, event_id)
);
CREATE INDEX progress_events_by_module ON progress_events(module_id, worker_id);
CREATE TABLE progress_uploads (
    device_id   TEXT NOT NULL,
    upload_id   TEXT NOT NULL,
    merged      INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, upload_id)
) WITHOUT ROWID;
ALTER TABLE factories ADD COLUMN utc_offset_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE offline_sign_ins ADD COLUMN worker_id TEXT;
";

/// Version 8: certificates (signed with the programme key, issued once per
/// worker and module) and the opt-in leaderboard (pseudonyms only).
const V8_SCHEMA: &str = "
CREATE TABLE certificates (
    worker_id TEXT NOT NULL REFERENCES workers(id),
    module_id TEXT NOT NULL,
    body      BLOB NOT NULL,
    signature BLOB NOT NULL,
    issued_at INTEGER NOT NULL,
    PRIMARY KEY (worker_id, module_id)
) WITHOUT ROWID;
CREATE TABLE leaderboard (
    worker_id  TEXT PRIMARY KEY REFERENCES workers(id),
    factory_id TEXT NOT NULL REFERENCES factories(id),
    pseudonym  TEXT NOT NULL,
    joined_at  INTEGER NOT NULL,
    UNIQUE (factory_id, pseudonym)
) WITHOUT ROWID;
";

/// Version 12: durability and bounded growth.
///
/// - `hub_meta` holds the key check value of the hub secret (an HMAC of a
///   fixed label under a key derived from it), so a hub started with a
///   missing or foreign `hub-secret.key` stops instead of locking everyone
///   out.
/// - `unknown_pin_attempts` gets the time of its last failure, so rows can
///   be forgotten after a while and the table capped.
/// - `attachment_bytes_by_day` counts attachment bytes accepted per UTC day
///   (day = unix seconds / 86400), for the daily storage cap; nothing about
///   who sent them.
const V12_SCHEMA: &str = "
CREATE TABLE hub_meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;
ALTER TABLE unknown_pin_attempts ADD COLUMN last_failed_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX unknown_pin_attempts_by_age ON unknown_pin_attempts (last_failed_at);
CREATE TABLE attachment_bytes_by_day (
    day   INTEGER PRIMARY KEY,
    bytes INTEGER NOT NULL
) STRICT;
";

/// Surveys: analysts, departments, schedules, hub events, tokens, responses.
/// Version 10: staff can wipe a shared device's worker data and keep it in service.
const V10_SCHEMA: &str = "
ALTER TABLE devices ADD COLUMN wipe_requested_at INTEGER;
ALTER TABLE devices ADD COLUMN wiped_at INTEGER;
";

/// Version 13: the programme key is off the hub; what it must sign waits
/// here as a proposal (exact bytes) until the key holder's signature arrives.
const V13_SCHEMA: &str = "
CREATE TABLE proposals (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('directory', 'pack', 'delegation')),
    body         BLOB NOT NULL,
    -- What the hub does once it is signed (a pack's assignment), JSON.
    meta         TEXT,
    created_at   INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'published', 'superseded')),
    signature    BLOB,
    published_at INTEGER
) WITHOUT ROWID;
CREATE INDEX proposals_by_state ON proposals (state, created_at);
";

const V9_SCHEMA: &str = "
-- Analysts read survey results; they are not on any grievance route.
ALTER TABLE handlers ADD COLUMN analyst INTEGER NOT NULL DEFAULT 0 CHECK (analyst IN (0, 1));
ALTER TABLE workers ADD COLUMN department TEXT;

-- Who may answer a survey, and when. Kept on the hub: a list of interviewed
-- workers must not travel to every device of the factory.
CREATE TABLE survey_schedules (
    survey_id   TEXT PRIMARY KEY,
    opens_at    INTEGER,
    closes_at   INTEGER,
    target      TEXT NOT NULL CHECK (target IN ('everyone', 'factories', 'departments', 'workers', 'after_event')),
    event_kind  TEXT,
    after_days  INTEGER,
    open_days   INTEGER,
    CHECK ((target = 'after_event') = (event_kind IS NOT NULL AND after_days IS NOT NULL))
);
CREATE TABLE survey_targets (
    survey_id TEXT NOT NULL REFERENCES survey_schedules (survey_id) ON DELETE CASCADE,
    value     TEXT NOT NULL,
    PRIMARY KEY (survey_id, value)
) WITHOUT ROWID;

-- Things that happened at a factory (an audit) and the workers concerned.
CREATE TABLE hub_events (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    factory_id  TEXT NOT NULL REFERENCES factories (id),
    at          INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE TABLE hub_event_workers (
    event_id  TEXT NOT NULL REFERENCES hub_events (id) ON DELETE CASCADE,
    worker_id TEXT NOT NULL REFERENCES workers (id),
    PRIMARY KEY (event_id, worker_id)
) WITHOUT ROWID;
CREATE INDEX hub_event_workers_by_worker ON hub_event_workers (worker_id);

-- Which worker has had their one token of a survey (never which token: the
-- hub only saw it blinded). The blinded element makes a resend idempotent.
CREATE TABLE survey_tokens_issued (
    survey_id  TEXT NOT NULL,
    worker_id  TEXT NOT NULL REFERENCES workers (id),
    blinded    BLOB NOT NULL,
    issued_day INTEGER NOT NULL,
    PRIMARY KEY (survey_id, worker_id)
) WITHOUT ROWID;

-- Anonymous responses: nothing names a device or a worker, the day is the
-- finest time kept, and the random key orders the rows (not arrival).
CREATE TABLE survey_responses (
    response_id  TEXT PRIMARY KEY,
    survey_id    TEXT NOT NULL,
    version      INTEGER NOT NULL,
    factory_id   TEXT NOT NULL REFERENCES factories (id),
    token_input  BLOB NOT NULL UNIQUE,
    recipients   BLOB NOT NULL,
    sealed       BLOB NOT NULL,
    received_day INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX survey_responses_by_survey ON survey_responses (survey_id);
";

const V1_SCHEMA: &str = "
CREATE TABLE factories (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    self_registration INTEGER NOT NULL CHECK (self_registration IN (0, 1)),
    -- Printed on posters when self-registration is on: not a secret from
    -- the factory, so kept readable for staff.
    join_code         TEXT,
    created_at        INTEGER NOT NULL
);

CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    factory_id   TEXT NOT NULL REFERENCES factories (id),
    mode         TEXT NOT NULL CHECK (mode IN ('personal', 'shared')),
    public_key   BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),
    platform     TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'retired')),
    enrolled_at  INTEGER NOT NULL,
    last_seen_at INTEGER,
    retired_at   INTEGER
);
CREATE INDEX devices_by_factory ON devices (factory_id);

CREATE TABLE enrolment_codes (
    -- HMAC of the normalised code under a key derived from the hub secret.
    code_hash  BLOB PRIMARY KEY,
    factory_id TEXT NOT NULL REFERENCES factories (id),
    mode       TEXT NOT NULL CHECK (mode IN ('personal', 'shared')),
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    device_id  TEXT REFERENCES devices (id)
) WITHOUT ROWID;

-- Nonces of signed requests, kept while a request carrying them could still
-- pass the clock-skew check.
CREATE TABLE request_nonces (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    nonce     BLOB NOT NULL,
    seen_at   INTEGER NOT NULL,
    PRIMARY KEY (device_id, nonce)
) WITHOUT ROWID;
CREATE INDEX request_nonces_by_age ON request_nonces (seen_at);

CREATE TABLE workers (
    id              TEXT PRIMARY KEY,
    factory_id      TEXT NOT NULL REFERENCES factories (id),
    -- As staff imported it (or the worker registered it).
    worker_number   TEXT NOT NULL,
    -- The number as looked up: trimmed, ASCII upper case.
    number_key      TEXT NOT NULL,
    display_name    TEXT NOT NULL,
    language        TEXT NOT NULL,
    -- Keyed hash of the one-time activation code; NULL once used.
    activation_hash BLOB,
    kdf_algorithm   TEXT NOT NULL,
    kdf_salt        BLOB NOT NULL,
    kdf_iterations  INTEGER NOT NULL,
    -- HMAC(hub key, worker id || PIN proof); NULL until activated.
    pin_verifier    BLOB,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked          INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    created_at      INTEGER NOT NULL,
    UNIQUE (factory_id, number_key)
);

-- Wrong PINs and activation codes for numbers not on the roster, counted
-- like a real worker's so that the answers do not reveal the roster.
CREATE TABLE unknown_pin_attempts (
    factory_id      TEXT NOT NULL REFERENCES factories (id),
    number_key      TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL,
    PRIMARY KEY (factory_id, number_key)
) WITHOUT ROWID;

-- The hub share of each (worker, device) pair, sealed at rest. Deleting a
-- row crypto-shreds that worker's vault on that device.
CREATE TABLE worker_device_shares (
    worker_id    TEXT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    device_id    TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    sealed_share BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (worker_id, device_id)
) WITHOUT ROWID;
CREATE INDEX worker_device_shares_by_device ON worker_device_shares (device_id);
";

/// Version 2: the recipient directory, case handlers, and grievance cases.
const V2_SCHEMA: &str = "
-- Every signed directory ever published: a submission names the version its
-- content key was wrapped for.
CREATE TABLE directories (
    version      INTEGER PRIMARY KEY CHECK (version >= 1),
    body         BLOB NOT NULL,
    signature    BLOB NOT NULL,
    published_at INTEGER NOT NULL
);

CREATE TABLE handlers (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    route               TEXT NOT NULL CHECK (route IN ('factory_committee', 'independent_hotline', 'brand')),
    factory_id          TEXT REFERENCES factories (id),
    -- X25519 public key, published in directories.
    public_key          BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),
    -- The private key, sealed under PBKDF2(password, kdf_salt, kdf_iterations)
    -- keyed with the hub secret, bound to the handler id.
    kdf_salt            BLOB NOT NULL,
    kdf_iterations      INTEGER NOT NULL,
    wrapped_private_key BLOB NOT NULL,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked              INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    created_at          INTEGER NOT NULL,
    CHECK ((route = 'factory_committee') = (factory_id IS NOT NULL))
);

CREATE TABLE cases (
    -- The public case id, canonical (XXXXX-XXXXX).
    case_id              TEXT PRIMARY KEY,
    -- The device's idempotency key.
    client_id            TEXT NOT NULL UNIQUE,
    factory_id           TEXT NOT NULL REFERENCES factories (id),
    -- The routes the worker allowed, comma-separated, in escalation order.
    routes               TEXT NOT NULL,
    -- Position of current_route in routes.
    route_index          INTEGER NOT NULL DEFAULT 0,
    current_route        TEXT NOT NULL,
    directory_version    INTEGER NOT NULL REFERENCES directories (version),
    -- SHA-256 of the receipt's auth token.
    receipt_verifier     BLOB NOT NULL CHECK (length(receipt_verifier) = 32),
    -- The sealed payload, as received.
    payload              BLOB NOT NULL,
    status               TEXT NOT NULL,
    received_at          INTEGER NOT NULL,
    deadline_at          INTEGER NOT NULL,
    -- Overdue on the last allowed route: nowhere left to escalate to.
    escalation_exhausted INTEGER NOT NULL DEFAULT 0 CHECK (escalation_exhausted IN (0, 1))
);
CREATE INDEX cases_by_route ON cases (current_route, factory_id, received_at);
CREATE INDEX cases_by_deadline ON cases (deadline_at) WHERE status IN ('received', 'escalated');

-- The content key of a case, wrapped (HPKE) to one handler.
CREATE TABLE case_keys (
    case_id     TEXT NOT NULL REFERENCES cases (case_id),
    handler_id  TEXT NOT NULL REFERENCES handlers (id),
    enc         BLOB NOT NULL,
    wrapped_key BLOB NOT NULL,
    PRIMARY KEY (case_id, handler_id)
) WITHOUT ROWID;

-- What a worker following the case sees: status changes and sealed replies.
CREATE TABLE case_events (
    case_id  TEXT NOT NULL REFERENCES cases (case_id),
    seq      INTEGER NOT NULL CHECK (seq >= 1),
    at       INTEGER NOT NULL,
    status   TEXT,
    author   TEXT CHECK (author IN ('handler', 'worker')),
    -- Sealed under the case's reply key; the hub cannot open it.
    reply    BLOB,
    reply_id TEXT,
    PRIMARY KEY (case_id, seq),
    UNIQUE (case_id, reply_id)
);

-- Who did what to a case; never content.
CREATE TABLE case_audit (
    id      INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (case_id),
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL
);
CREATE INDEX case_audit_by_case ON case_audit (case_id, id);

CREATE TABLE case_attachments (
    case_id       TEXT NOT NULL REFERENCES cases (case_id),
    attachment_id TEXT NOT NULL,
    -- Ciphertext size and SHA-256 as announced in the submission header.
    size          INTEGER NOT NULL,
    sha256        BLOB NOT NULL CHECK (length(sha256) = 32),
    received      INTEGER NOT NULL DEFAULT 0,
    complete      INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
    PRIMARY KEY (case_id, attachment_id)
) WITHOUT ROWID;

-- Uploaded attachment bytes (ciphertext), one row per accepted chunk.
CREATE TABLE attachment_chunks (
    case_id       TEXT NOT NULL,
    attachment_id TEXT NOT NULL,
    position      INTEGER NOT NULL,
    data          BLOB NOT NULL,
    UNIQUE (case_id, attachment_id, position),
    FOREIGN KEY (case_id, attachment_id) REFERENCES case_attachments (case_id, attachment_id)
);

-- Wrong receipt tokens, per case id (also ids with no case), for throttling.
-- Rows older than the throttle window are deleted.
CREATE TABLE case_token_failures (
    case_id TEXT NOT NULL,
    at      INTEGER NOT NULL
);
CREATE INDEX case_token_failures_by_case ON case_token_failures (case_id, at);
";

/// Version 15: times next to a device or a worker kept to the day, times
/// next to an anonymous report or a worker's reply to the hour (ADR 0016):
/// the rows already stored are coarsened as new ones are written; wrong-PIN
/// counts that decay, and a separate count for devices a worker never
/// signed in on.
const V15_SCHEMA: &str = "
UPDATE devices SET last_seen_at = last_seen_at - (last_seen_at % 86400) WHERE last_seen_at IS NOT NULL;
UPDATE offline_sign_ins SET decided_at = decided_at - (decided_at % 86400);
UPDATE progress_uploads SET received_at = received_at - (received_at % 86400);
UPDATE cases SET received_at = received_at - (received_at % 3600), deadline_at = deadline_at - (received_at % 3600);
UPDATE case_events SET at = at - (at % 3600) WHERE seq = 1 OR author = 'worker';
UPDATE case_audit SET at = at - (at % 3600) WHERE actor = 'device';
-- PIN guesses (auth/attempts.rs): failures decay from the day of the last
-- one; devices a worker never signed in on count apart, and only delay.
ALTER TABLE workers ADD COLUMN last_failed_at INTEGER;
ALTER TABLE workers ADD COLUMN stranger_failed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workers ADD COLUMN stranger_last_failed_at INTEGER;
";

/// Version 16: the handlers' inbox (issue 14, ADR 0020): each route's
/// deadlines as a programme admin set them (a route without a row has the
/// programme's defaults), which reader a case is assigned to, and each
/// reader's last two visits, to the hour (one row per reader, overwritten:
/// never a log of visits).
const V16_SCHEMA: &str = "
CREATE TABLE route_deadlines (
    route            TEXT PRIMARY KEY CHECK (route IN ('factory_committee', 'independent_hotline', 'brand')),
    acknowledge_days INTEGER NOT NULL CHECK (acknowledge_days > 0),
    respond_days     INTEGER NOT NULL CHECK (respond_days > 0),
    resolve_days     INTEGER CHECK (resolve_days IS NULL OR resolve_days > 0),
    updated_at       INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE case_assignments (
    case_id     TEXT PRIMARY KEY REFERENCES cases (case_id),
    handler_id  TEXT NOT NULL REFERENCES handlers (id),
    assigned_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX case_assignments_by_handler ON case_assignments (handler_id);

CREATE TABLE reader_visits (
    handler_id  TEXT PRIMARY KEY REFERENCES handlers (id),
    previous_at INTEGER,
    current_at  INTEGER NOT NULL
) WITHOUT ROWID;
";

/// Version 17: survey tokens bound to a factory (ADR 0021). Tokens issued
/// before are unbound (`factory_bound = 0`), and answers stored before are
/// of format 1: the hub takes no more format-1 answers per survey than it
/// issued unbound tokens.
const V17_SCHEMA: &str = "
ALTER TABLE survey_tokens_issued ADD COLUMN factory_bound INTEGER NOT NULL DEFAULT 0 CHECK (factory_bound IN (0, 1));
ALTER TABLE survey_responses ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
";

/// Version 18: every audit row a device caused is to the hour (ADR 0016).
/// Hubs before this one wrote "attachment received" to the second, which
/// timed the worker's upload; those rows are rounded down like the rest.
const V18_SCHEMA: &str = "
UPDATE case_audit SET at = at - (at % 3600) WHERE actor = 'device' AND at % 3600 <> 0;
";

/// Version 19: e-mail notifications to readers (ADR 0023). The address a
/// reader opted in with (and the language of the messages); per reader and
/// case on their route, the last event they were told of and the deadlines
/// already reported overdue (deleted with the case, by retention's rule for
/// every table naming a case); and at most one digest waiting to be sent
/// per reader — counts only, never a case id — with its failed attempts.
/// Opting out deletes all three.
const V19_SCHEMA: &str = "
CREATE TABLE reader_notification_addresses (
    handler_id TEXT PRIMARY KEY REFERENCES handlers (id),
    email      TEXT NOT NULL,
    language   TEXT NOT NULL,
    -- 0 until the first pass has recorded the cases already there (which
    -- are not news to someone who just opted in).
    baselined  INTEGER NOT NULL DEFAULT 0 CHECK (baselined IN (0, 1)),
    -- To the day.
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE reader_notification_marks (
    handler_id TEXT NOT NULL REFERENCES handlers (id),
    case_id    TEXT NOT NULL REFERENCES cases (case_id),
    -- The case's last event when the reader was last told.
    seen_seq   INTEGER NOT NULL,
    -- The deadlines already reported overdue, comma-separated.
    overdue    TEXT NOT NULL,
    PRIMARY KEY (handler_id, case_id)
) WITHOUT ROWID;
CREATE INDEX reader_notification_marks_by_case ON reader_notification_marks (case_id);

CREATE TABLE reader_notification_pending (
    handler_id      TEXT PRIMARY KEY REFERENCES handlers (id),
    new_cases       INTEGER NOT NULL,
    answered_cases  INTEGER NOT NULL,
    overdue_cases   INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL
) WITHOUT ROWID;
";

/// Version 20: cases by category as a reader's client counted and
/// published them (ADR 0024): per route, factory and month of receipt, the
/// suppressed table only (total and per category), with the reader who
/// published it and when. Never a case's category.
const V20_SCHEMA: &str = "
CREATE TABLE category_counts (
    route        TEXT NOT NULL CHECK (route IN ('factory_committee', 'independent_hotline', 'brand')),
    factory_id   TEXT NOT NULL REFERENCES factories (id),
    month        TEXT NOT NULL,
    -- JSON of the total and the count per category (each may be null: suppressed).
    body         BLOB NOT NULL,
    published_by TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    PRIMARY KEY (route, factory_id, month)
);
";

/// Version 21: the per-source rate limits' count-min sketch in the
/// database (ADR 0014, ADR 0019), for hub processes that share one
/// PostgreSQL database (`crate::rate_limit`). A window is a minute of the
/// Unix clock (`window_index`, minutes since 1970) with a random key, kept
/// only while it lasts; a count is kept per slot of the sketch, which is a
/// keyed hash of a source reduced to a few bits. No address is ever stored.
/// A hub on SQLite counts in memory (one process per data directory) and
/// leaves both tables empty: they exist so that the two backends keep one
/// schema history.
const V21_SCHEMA: &str = "
CREATE TABLE rate_limit_windows (
    window_index INTEGER PRIMARY KEY,
    window_key   BLOB NOT NULL
);

CREATE TABLE rate_limit_counts (
    window_index INTEGER NOT NULL,
    slot         INTEGER NOT NULL,
    seen         INTEGER NOT NULL,
    PRIMARY KEY (window_index, slot)
) WITHOUT ROWID;
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_reaches_the_latest_version() {
        let mut connection = Connection::open_in_memory().unwrap();
        migrate(&mut connection).unwrap();
        let version: u32 = connection.query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap();
        assert_eq!(version, LATEST_VERSION);
        migrate(&mut connection).unwrap();
    }

    #[test]
    fn a_version_1_database_upgrades_and_keeps_its_rows() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection.execute_batch(V1_SCHEMA).unwrap();
        connection.pragma_update(None, "user_version", 1).unwrap();
        connection
            .execute("INSERT INTO factories (id, name, self_registration, created_at) VALUES ('f', 'F', 0, 1)", [])
            .unwrap();
        migrate(&mut connection).unwrap();
        let factories: i64 = connection.query_row("SELECT count(*) FROM factories", [], |row| row.get(0)).unwrap();
        let cases: i64 = connection.query_row("SELECT count(*) FROM cases", [], |row| row.get(0)).unwrap();
        assert_eq!((factories, cases), (1, 0));
    }

    #[test]
    fn the_upgrade_to_15_coarsens_times_next_to_devices_workers_and_reports() {
        let mut connection = Connection::open_in_memory().unwrap();
        for version in 0..13 {
            let tx = connection.transaction().unwrap();
            upgrade_from(&tx, version).unwrap();
            tx.commit().unwrap();
        }
        connection.pragma_update(None, "user_version", 14).unwrap();
        connection
            .execute_batch(
                "INSERT INTO factories (id, name, self_registration, created_at) VALUES ('f', 'F', 0, 1);
                 INSERT INTO progress_uploads (device_id, upload_id, merged, received_at) VALUES ('d', 'u', 1, 1765000123);",
            )
            .unwrap();
        migrate(&mut connection).unwrap();
        let received: i64 =
            connection.query_row("SELECT received_at FROM progress_uploads", [], |row| row.get(0)).unwrap();
        assert_eq!(received, 1_764_979_200, "the day only");
    }

    #[test]
    fn the_upgrade_to_17_marks_tokens_and_answers_already_held_as_unbound_format_1() {
        let mut connection = Connection::open_in_memory().unwrap();
        for version in 0..15 {
            let tx = connection.transaction().unwrap();
            upgrade_from(&tx, version).unwrap();
            tx.commit().unwrap();
        }
        connection.pragma_update(None, "user_version", 15).unwrap();
        connection
            .execute_batch(
                "PRAGMA foreign_keys = OFF;
                 INSERT INTO survey_tokens_issued (survey_id, worker_id, blinded, issued_day) VALUES ('s', 'w', x'01', 1);
                 INSERT INTO survey_responses
                     (response_id, survey_id, version, factory_id, token_input, recipients, sealed, received_day)
                 VALUES ('r', 's', 1, 'f', x'02', x'', x'', 1);",
            )
            .unwrap();
        migrate(&mut connection).unwrap();
        let bound: i64 =
            connection.query_row("SELECT factory_bound FROM survey_tokens_issued", [], |row| row.get(0)).unwrap();
        let format: i64 = connection.query_row("SELECT format FROM survey_responses", [], |row| row.get(0)).unwrap();
        assert_eq!((bound, format), (0, 1));
    }

    #[test]
    fn the_upgrade_to_18_rounds_what_devices_did_down_to_the_hour_and_leaves_readers_actions() {
        let mut connection = Connection::open_in_memory().unwrap();
        for version in 0..17 {
            let tx = connection.transaction().unwrap();
            upgrade_from(&tx, version).unwrap();
            tx.commit().unwrap();
        }
        connection.pragma_update(None, "user_version", 17).unwrap();
        connection
            .execute_batch(
                "PRAGMA foreign_keys = OFF;
                 INSERT INTO case_audit (case_id, at, actor, action) VALUES
                     ('c', 1765000123, 'device', 'attachment_received'),
                     ('c', 1765000123, 'handler:h', 'fetched');",
            )
            .unwrap();
        migrate(&mut connection).unwrap();
        let times: Vec<(String, i64)> = connection
            .prepare("SELECT actor, at FROM case_audit ORDER BY id")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(times, vec![("device".to_owned(), 1_764_997_200), ("handler:h".to_owned(), 1_765_000_123)]);
    }

    #[test]
    fn a_database_from_a_newer_hub_is_refused() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection.pragma_update(None, "user_version", LATEST_VERSION + 1).unwrap();
        assert!(matches!(migrate(&mut connection), Err(MigrationError::TooNew { .. })));
    }
}
