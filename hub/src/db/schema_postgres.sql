-- The hub's schema on PostgreSQL at version 18: the SQLite schema of that
-- version (hub/src/db/schema.rs, steps 1 to 18) written for PostgreSQL.
-- No PostgreSQL deployment existed before it, so this baseline is where
-- PostgreSQL's history starts (ADR 0019); every later step is written for
-- both backends side by side in schema.rs.
--
-- What differs from SQLite: BYTEA for BLOB; BIGINT wherever an integer is
-- stored (SQLite's integers are 64-bit); identity columns for SQLite's
-- integer primary keys; a `rowid` identity column on the tables whose lists
-- break ties by SQLite's implicit row id; a trigger function for the
-- append-only audit log. Checks, uniques, foreign keys and indexes are the
-- same, and so are the rows the SQLite steps insert (the role settings).
-- Tables come in an order in which every referenced table exists.

CREATE TABLE factories (
    -- SQLite's implicit row id: the order rows were added in, which lists use to break ties.
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    self_registration BIGINT NOT NULL CHECK (self_registration IN (0, 1)),
    -- Printed on posters when self-registration is on: not a secret from
    -- the factory, so kept readable for staff.
    join_code         TEXT,
    created_at        BIGINT NOT NULL
, kiosk_idle_timeout_secs BIGINT NOT NULL DEFAULT 90, utc_offset_minutes BIGINT NOT NULL DEFAULT 0);

CREATE TABLE devices (
    -- SQLite's implicit row id: the order rows were added in, which lists use to break ties.
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id           TEXT PRIMARY KEY,
    factory_id   TEXT NOT NULL REFERENCES factories (id),
    mode         TEXT NOT NULL CHECK (mode IN ('personal', 'shared')),
    public_key   BYTEA NOT NULL UNIQUE CHECK (length(public_key) = 32),
    platform     TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'retired')),
    enrolled_at  BIGINT NOT NULL,
    last_seen_at BIGINT,
    retired_at   BIGINT
, reported_at BIGINT, reported_queued BIGINT, reported_needs_attention BIGINT, reported_storage_bytes BIGINT, wipe_requested_at BIGINT, wiped_at BIGINT);

CREATE INDEX devices_by_factory ON devices (factory_id);

CREATE TABLE enrolment_codes (
    -- HMAC of the normalised code under a key derived from the hub secret.
    code_hash  BYTEA PRIMARY KEY,
    factory_id TEXT NOT NULL REFERENCES factories (id),
    mode       TEXT NOT NULL CHECK (mode IN ('personal', 'shared')),
    issued_at  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    device_id  TEXT REFERENCES devices (id)
);

CREATE TABLE request_nonces (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    nonce     BYTEA NOT NULL,
    seen_at   BIGINT NOT NULL,
    PRIMARY KEY (device_id, nonce)
);

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
    activation_hash BYTEA,
    kdf_algorithm   TEXT NOT NULL,
    kdf_salt        BYTEA NOT NULL,
    kdf_iterations  BIGINT NOT NULL,
    -- HMAC(hub key, worker id || PIN proof); NULL until activated.
    pin_verifier    BYTEA,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    locked          BIGINT NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    created_at      BIGINT NOT NULL, department TEXT, last_failed_at BIGINT, stranger_failed BIGINT NOT NULL DEFAULT 0, stranger_last_failed_at BIGINT,
    UNIQUE (factory_id, number_key)
);

CREATE TABLE unknown_pin_attempts (
    factory_id      TEXT NOT NULL REFERENCES factories (id),
    number_key      TEXT NOT NULL,
    failed_attempts BIGINT NOT NULL, last_failed_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (factory_id, number_key)
);

CREATE INDEX unknown_pin_attempts_by_age ON unknown_pin_attempts (last_failed_at);

CREATE TABLE worker_device_shares (
    worker_id    TEXT NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    device_id    TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    sealed_share BYTEA NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (worker_id, device_id)
);

CREATE INDEX worker_device_shares_by_device ON worker_device_shares (device_id);

CREATE TABLE directories (
    version      BIGINT PRIMARY KEY CHECK (version >= 1),
    body         BYTEA NOT NULL,
    signature    BYTEA NOT NULL,
    published_at BIGINT NOT NULL
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
    route_index          BIGINT NOT NULL DEFAULT 0,
    current_route        TEXT NOT NULL,
    directory_version    BIGINT NOT NULL REFERENCES directories (version),
    -- SHA-256 of the receipt's auth token.
    receipt_verifier     BYTEA NOT NULL CHECK (length(receipt_verifier) = 32),
    -- The sealed payload, as received.
    payload              BYTEA NOT NULL,
    status               TEXT NOT NULL,
    received_at          BIGINT NOT NULL,
    deadline_at          BIGINT NOT NULL,
    -- Overdue on the last allowed route: nowhere left to escalate to.
    escalation_exhausted BIGINT NOT NULL DEFAULT 0 CHECK (escalation_exhausted IN (0, 1))
);

CREATE INDEX cases_by_route ON cases (current_route, factory_id, received_at);

CREATE INDEX cases_by_deadline ON cases (deadline_at) WHERE status IN ('received', 'escalated');

CREATE TABLE case_events (
    case_id  TEXT NOT NULL REFERENCES cases (case_id),
    seq      BIGINT NOT NULL CHECK (seq >= 1),
    at       BIGINT NOT NULL,
    status   TEXT,
    author   TEXT CHECK (author IN ('handler', 'worker')),
    -- Sealed under the case's reply key; the hub cannot open it.
    reply    BYTEA,
    reply_id TEXT,
    PRIMARY KEY (case_id, seq),
    UNIQUE (case_id, reply_id)
);

CREATE TABLE case_audit (
    id      BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (case_id),
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL
);

CREATE INDEX case_audit_by_case ON case_audit (case_id, id);

CREATE TABLE case_attachments (
    case_id       TEXT NOT NULL REFERENCES cases (case_id),
    attachment_id TEXT NOT NULL,
    -- Ciphertext size and SHA-256 as announced in the submission header.
    size          BIGINT NOT NULL,
    sha256        BYTEA NOT NULL CHECK (length(sha256) = 32),
    received      BIGINT NOT NULL DEFAULT 0,
    complete      BIGINT NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
    PRIMARY KEY (case_id, attachment_id)
);

CREATE TABLE attachment_chunks (
    case_id       TEXT NOT NULL,
    attachment_id TEXT NOT NULL,
    position      BIGINT NOT NULL,
    data          BYTEA NOT NULL,
    UNIQUE (case_id, attachment_id, position),
    FOREIGN KEY (case_id, attachment_id) REFERENCES case_attachments (case_id, attachment_id)
);

CREATE TABLE case_token_failures (
    -- SQLite's implicit row id: the order rows were added in, which lists use to break ties.
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    case_id TEXT NOT NULL,
    at      BIGINT NOT NULL
);

CREATE INDEX case_token_failures_by_case ON case_token_failures (case_id, at);

CREATE TABLE offline_sign_ins (
    device_id  TEXT NOT NULL REFERENCES devices(id),
    sign_in_id TEXT NOT NULL,
    confirmed  BIGINT NOT NULL CHECK (confirmed IN (0, 1)),
    decided_at BIGINT NOT NULL, worker_id TEXT,
    PRIMARY KEY (device_id, sign_in_id)
);

CREATE TABLE content_blobs (
    sha256     TEXT PRIMARY KEY,
    size       BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE content_manifests (
    sha256       TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    content_id   TEXT NOT NULL,
    version      BIGINT NOT NULL,
    body         BYTEA NOT NULL,
    signature    BYTEA NOT NULL,
    total_bytes  BIGINT NOT NULL,
    published_at BIGINT NOT NULL,
    UNIQUE (kind, content_id, version)
);

CREATE TABLE content_items (
    kind             TEXT NOT NULL,
    content_id       TEXT NOT NULL,
    current_manifest TEXT NOT NULL REFERENCES content_manifests(sha256),
    all_factories    BIGINT NOT NULL CHECK (all_factories IN (0, 1)),
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

CREATE TABLE progress_events (
    seq            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    worker_id      TEXT NOT NULL REFERENCES workers(id),
    event_id       TEXT NOT NULL,
    module_id      TEXT NOT NULL,
    module_version BIGINT NOT NULL,
    at             BIGINT NOT NULL,
    event          TEXT NOT NULL,
    earned         TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    received_at    BIGINT NOT NULL,
    UNIQUE (worker_id, event_id)
);

CREATE INDEX progress_events_by_module ON progress_events(module_id, worker_id);

CREATE TABLE progress_uploads (
    device_id   TEXT NOT NULL,
    upload_id   TEXT NOT NULL,
    merged      BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (device_id, upload_id)
);

CREATE TABLE certificates (
    worker_id TEXT NOT NULL REFERENCES workers(id),
    module_id TEXT NOT NULL,
    body      BYTEA NOT NULL,
    signature BYTEA NOT NULL,
    issued_at BIGINT NOT NULL,
    PRIMARY KEY (worker_id, module_id)
);

CREATE TABLE leaderboard (
    worker_id  TEXT PRIMARY KEY REFERENCES workers(id),
    factory_id TEXT NOT NULL REFERENCES factories(id),
    pseudonym  TEXT NOT NULL,
    joined_at  BIGINT NOT NULL,
    UNIQUE (factory_id, pseudonym)
);

CREATE TABLE survey_schedules (
    survey_id   TEXT PRIMARY KEY,
    opens_at    BIGINT,
    closes_at   BIGINT,
    target      TEXT NOT NULL CHECK (target IN ('everyone', 'factories', 'departments', 'workers', 'after_event')),
    event_kind  TEXT,
    after_days  BIGINT,
    open_days   BIGINT,
    CHECK ((target = 'after_event') = (event_kind IS NOT NULL AND after_days IS NOT NULL))
);

CREATE TABLE survey_targets (
    survey_id TEXT NOT NULL REFERENCES survey_schedules (survey_id) ON DELETE CASCADE,
    value     TEXT NOT NULL,
    PRIMARY KEY (survey_id, value)
);

CREATE TABLE hub_events (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    factory_id  TEXT NOT NULL REFERENCES factories (id),
    at          BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL
);

CREATE TABLE hub_event_workers (
    event_id  TEXT NOT NULL REFERENCES hub_events (id) ON DELETE CASCADE,
    worker_id TEXT NOT NULL REFERENCES workers (id),
    PRIMARY KEY (event_id, worker_id)
);

CREATE INDEX hub_event_workers_by_worker ON hub_event_workers (worker_id);

CREATE TABLE survey_tokens_issued (
    survey_id  TEXT NOT NULL,
    worker_id  TEXT NOT NULL REFERENCES workers (id),
    blinded    BYTEA NOT NULL,
    issued_day BIGINT NOT NULL, factory_bound BIGINT NOT NULL DEFAULT 0 CHECK (factory_bound IN (0, 1)),
    PRIMARY KEY (survey_id, worker_id)
);

CREATE TABLE survey_responses (
    response_id  TEXT PRIMARY KEY,
    survey_id    TEXT NOT NULL,
    version      BIGINT NOT NULL,
    factory_id   TEXT NOT NULL REFERENCES factories (id),
    token_input  BYTEA NOT NULL UNIQUE,
    recipients   BYTEA NOT NULL,
    sealed       BYTEA NOT NULL,
    received_day BIGINT NOT NULL
, format BIGINT NOT NULL DEFAULT 1);

CREATE INDEX survey_responses_by_survey ON survey_responses (survey_id);

CREATE TABLE brands (
    -- SQLite's implicit row id: the order rows were added in, which lists use to break ties.
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE brand_factories (
    brand_id   TEXT NOT NULL REFERENCES brands (id),
    factory_id TEXT NOT NULL REFERENCES factories (id),
    PRIMARY KEY (brand_id, factory_id)
);

CREATE TABLE staff_accounts (
    -- SQLite's implicit row id: the order rows were added in, which lists use to break ties.
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id                 TEXT PRIMARY KEY,
    login              TEXT NOT NULL UNIQUE,
    display_name       TEXT NOT NULL,
    role               TEXT NOT NULL
                       CHECK (role IN ('programme_admin', 'factory_admin', 'brand_staff', 'auditor')),
    -- Argon2id PHC string.
    password_hash      TEXT NOT NULL,
    -- TOTP secret sealed under a key derived from the hub secret; NULL: no second factor.
    totp_secret_sealed BYTEA,
    totp_required      BIGINT NOT NULL DEFAULT 0 CHECK (totp_required IN (0, 1)),
    -- The last TOTP time step accepted, so each code works once.
    totp_last_step     BIGINT,
    brand_id           TEXT REFERENCES brands (id),
    created_at         BIGINT NOT NULL,
    disabled_at        BIGINT
);

CREATE TABLE staff_scopes (
    account_id TEXT NOT NULL REFERENCES staff_accounts (id),
    factory_id TEXT NOT NULL REFERENCES factories (id),
    PRIMARY KEY (account_id, factory_id)
);

CREATE TABLE staff_role_settings (
    role          TEXT PRIMARY KEY,
    totp_required BIGINT NOT NULL CHECK (totp_required IN (0, 1))
);

INSERT INTO staff_role_settings (role, totp_required) VALUES
    ('programme_admin', 1), ('factory_admin', 0), ('brand_staff', 0), ('auditor', 0);

CREATE TABLE invitations (
    token_hash  BYTEA PRIMARY KEY CHECK (length(token_hash) = 32),
    kind        TEXT NOT NULL CHECK (kind IN ('staff', 'reader')),
    role        TEXT,
    route       TEXT,
    -- Space-separated factory ids (factory admins).
    factory_ids TEXT NOT NULL DEFAULT '',
    brand_id    TEXT REFERENCES brands (id),
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
, reader_id TEXT, reader_name TEXT, analyst BIGINT NOT NULL DEFAULT 0 CHECK (analyst IN (0, 1)));

CREATE TABLE sessions (
    token_hash   BYTEA PRIMARY KEY CHECK (length(token_hash) = 32),
    account_id   TEXT NOT NULL,
    account_kind TEXT NOT NULL CHECK (account_kind IN ('staff', 'reader')),
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);

CREATE INDEX sessions_by_account ON sessions (account_kind, account_id);

CREATE TABLE staff_login_backoff (
    login           TEXT PRIMARY KEY,
    failures        BIGINT NOT NULL,
    next_allowed_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
    seq         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE hub_meta (
    name  TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE attachment_bytes_by_day (
    day   BIGINT PRIMARY KEY,
    bytes BIGINT NOT NULL
);

CREATE TABLE proposals (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('directory', 'pack', 'delegation')),
    body         BYTEA NOT NULL,
    -- What the hub does once it is signed (a pack's assignment), JSON.
    meta         TEXT,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'published', 'superseded')),
    signature    BYTEA,
    published_at BIGINT
);

CREATE INDEX proposals_by_state ON proposals (state, created_at);

CREATE TABLE handlers (
    -- SQLite's implicit row id: the order rows were added in, which lists use to break ties.
    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    route               TEXT NOT NULL CHECK (route IN ('factory_committee', 'independent_hotline', 'brand')),
    factory_id          TEXT REFERENCES factories (id),
    brand_id            TEXT REFERENCES brands (id),
    analyst             BIGINT NOT NULL DEFAULT 0 CHECK (analyst IN (0, 1)),
    -- X25519 public key made by the reader's client, and its key id
    -- (hex of the first 16 bytes of its SHA-256), as in directories.
    public_key          BYTEA NOT NULL UNIQUE CHECK (length(public_key) = 32),
    key_id              TEXT NOT NULL UNIQUE,
    -- The private key as the client sealed it under its wrap key.
    wrapped_private_key BYTEA NOT NULL,
    kdf_salt            BYTEA NOT NULL,
    kdf_iterations      BIGINT NOT NULL,
    -- Argon2id PHC string of the client's login_key.
    login_verifier      TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    disabled_at         BIGINT,
    CHECK ((route = 'factory_committee') = (factory_id IS NOT NULL)),
    CHECK ((route = 'brand') = (brand_id IS NOT NULL))
);

CREATE TABLE case_keys (
    case_id     TEXT NOT NULL REFERENCES cases (case_id),
    handler_id  TEXT NOT NULL REFERENCES handlers (id),
    enc         BYTEA NOT NULL,
    wrapped_key BYTEA NOT NULL,
    PRIMARY KEY (case_id, handler_id)
);

CREATE TABLE reader_login_backoff (
    handler_id      TEXT NOT NULL,
    bucket          TEXT NOT NULL,
    failures        BIGINT NOT NULL,
    next_allowed_at BIGINT NOT NULL,
    PRIMARY KEY (handler_id, bucket)
);

CREATE TABLE reader_devices (
    token_hash BYTEA PRIMARY KEY CHECK (length(token_hash) = 32),
    handler_id TEXT NOT NULL REFERENCES handlers (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE case_notes (
    case_id TEXT NOT NULL REFERENCES cases (case_id),
    note_id TEXT NOT NULL,
    author  TEXT NOT NULL,
    at      BIGINT NOT NULL,
    sealed  BYTEA NOT NULL,
    PRIMARY KEY (case_id, note_id)
);

CREATE TABLE case_note_keys (
    case_id     TEXT NOT NULL,
    note_id     TEXT NOT NULL,
    handler_id  TEXT NOT NULL REFERENCES handlers (id),
    enc         BYTEA NOT NULL,
    wrapped_key BYTEA NOT NULL,
    PRIMARY KEY (case_id, note_id, handler_id),
    FOREIGN KEY (case_id, note_id) REFERENCES case_notes (case_id, note_id)
);

CREATE TABLE survey_aggregates (
    survey_id    TEXT PRIMARY KEY,
    body         BYTEA NOT NULL,
    published_by TEXT NOT NULL,
    published_at BIGINT NOT NULL
);

CREATE TABLE case_handovers (
    case_id  TEXT NOT NULL REFERENCES cases (case_id),
    route    TEXT NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (case_id, route)
);

CREATE TABLE route_deadlines (
    route            TEXT PRIMARY KEY CHECK (route IN ('factory_committee', 'independent_hotline', 'brand')),
    acknowledge_days BIGINT NOT NULL CHECK (acknowledge_days > 0),
    respond_days     BIGINT NOT NULL CHECK (respond_days > 0),
    resolve_days     BIGINT CHECK (resolve_days IS NULL OR resolve_days > 0),
    updated_at       BIGINT NOT NULL
);

CREATE TABLE case_assignments (
    case_id     TEXT PRIMARY KEY REFERENCES cases (case_id),
    handler_id  TEXT NOT NULL REFERENCES handlers (id),
    assigned_at BIGINT NOT NULL
);

CREATE INDEX case_assignments_by_handler ON case_assignments (handler_id);

CREATE TABLE reader_visits (
    handler_id  TEXT PRIMARY KEY REFERENCES handlers (id),
    previous_at BIGINT,
    current_at  BIGINT NOT NULL
);
