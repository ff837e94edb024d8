//! The reference Worker Voice hub: the server that devices enrol with, that
//! authenticates workers by PIN on their behalf, and that routes sealed
//! grievances to the handlers who may read them.
//!
//! One process, one embedded SQLite database (`<data-dir>/hub.db`), no set-up.
//! It implements the wire contract of [`workervoice_protocol`] exactly:
//!
//! - **Enrolment** ([`paths::ENROL`](workervoice_protocol::paths::ENROL)): a
//!   one-time code issued by staff turns a fresh Ed25519 key into a known
//!   device of one factory, personal or shared.
//! - **Signed device requests**: every later device request is checked for a
//!   valid signature, a fresh timestamp and an unseen nonce before any handler
//!   runs (`device_auth`).
//! - **Worker PINs** (`auth`): the hub never sees a PIN, only a proof derived
//!   from it; it keeps a keyed hash of the proof, counts wrong proofs, locks a
//!   worker after too many, and releases the per-(worker, device) hub share on
//!   a right one. Unknown worker numbers are indistinguishable from known ones.
//! - **Staff API** (`admin`): factories, enrolment codes, rosters,
//!   unlocking and resetting workers, retiring devices, handler accounts,
//!   proposing the recipient directory — each route checked against the
//!   caller's role and factories.
//! - **Staff accounts** (`staff`): per-person accounts with roles
//!   (programme admin, factory admin, brand staff, auditor), invitations,
//!   Argon2id passwords, TOTP, database-backed sessions, and an append-only
//!   audit log of staff actions. The single admin token only bootstraps the
//!   first programme admin.
//! - **Recipient directory** (`directory`, `programme`, `proposals`): built
//!   from the handler accounts and proposed; published once the programme's
//!   key holder signs it with `wv-keyholder` (the hub holds only the public
//!   key), chained to the version before, served to devices, which pin that
//!   key and refuse a directory that does not extend the one they hold.
//! - **Grievances** (`cases`): sealed submissions (unsigned, carrying no
//!   worker or device identifier), resumable attachment uploads, anonymous
//!   follow-up with the receipt's token, escalation past a route's deadline.
//!   The hub stores ciphertext it cannot open.
//! - **Content** (`content`): training modules and surveys published from a
//!   folder as a manifest signed by the programme's key holder plus
//!   content-addressed blobs; a catalog per factory, and blob downloads that
//!   resume with HTTP ranges.
//! - **Case handlers** (`case_handlers`): the people who read and answer
//!   grievances, and survey analysts (not axum handlers): invited accounts
//!   whose keys their own client made and keeps (ADR 0015); the hub serves
//!   cases and survey answers sealed and stores what the client sealed.
//! - **Training progress** (`training`): each worker's log of training
//!   events, uploaded sealed and merged across their devices; pull with
//!   totals and signed certificates, a pseudonymous leaderboard, and a
//!   completion report for staff.
//! - **Surveys** (`surveys`): who may answer which survey when, one blinded
//!   token per worker and survey, responses stored with nothing that names a
//!   device or a worker, and aggregated results for analysts.
//!
//! The library surface is small on purpose: [`start`] a hub from a
//! [`HubConfig`], get a [`RunningHub`] back (its URL and admin token), and
//! optionally [`seed_demo`] it. The `workervoice-hub` binary is a thin
//! command line over the same calls. See the crate README for the endpoint
//! table and the data directory layout.

mod admin;
mod auth;
mod backup;
mod case_handlers;
mod cases;
mod clock;
mod config;
mod console_assets;
mod content;
mod data_dir;
mod db;
mod demo;
mod device_auth;
mod directory;
mod enrol;
mod error;
mod extract;
#[doc(hidden)]
pub mod fuzzing;
mod keys;
mod limits;
mod metrics;
mod notifications;
mod openapi;
mod programme;
mod proposals;
mod rate_limit;
mod retention;
mod server;
mod staff;
mod state;
mod surveys;
#[doc(hidden)]
pub mod testing;
mod tls;
mod training;
mod workers;

pub use backup::{BackedUpFile, BackupManifest, MANIFEST_FILE, backup, backup_with, restore, restore_with};
pub use cases::escalation::EscalationReport;
pub use config::{
    DEFAULT_ESCALATION_INTERVAL, DEFAULT_MAX_PIN_ATTEMPTS, DEFAULT_MIN_FREE_BYTES, DEFAULT_PIN_ITERATIONS,
    DemoKeyHolder, HubConfig, TlsFiles,
};
pub use console_assets::CONSOLE_CSP;
pub use content::publish::{PackAssignment, PublishedPack, publish_pack, publish_pack_to};
pub use demo::{DEMO_FACTORY_NAME, DemoHandler, DemoSeed, DemoWorker, seed_demo};
pub use limits::TrafficLimits;
pub use notifications::{
    DEFAULT_DIGEST_INTERVAL, DEFAULT_RETRY_INITIAL, DEFAULT_RETRY_MAX, DEFAULT_SMTP_TIMEOUT, Notifications,
    SmtpCredentials, SmtpSecurity, SmtpServer,
};
pub use openapi::document_json as openapi_json;
#[doc(hidden)]
pub use openapi::{
    described_routes as openapi_routes, schema_name_collisions as openapi_schema_name_collisions,
    statuses_listed_twice as openapi_statuses_listed_twice,
};
pub use proposals::sign_pending;
pub use retention::{Retention, RetentionReport};
pub use server::{RunningHub, start};
pub use staff::{DEFAULT_STAFF_SESSION_ABSOLUTE, DEFAULT_STAFF_SESSION_IDLE, DemoStaffLogin};
#[doc(hidden)]
pub use training::log::merged_progress;

/// Every `/admin/v1` route as (method, path template, right), for tests that
/// walk the whole staff API (e.g. a factory admin against every route of
/// another factory).
#[doc(hidden)]
pub fn staff_route_rights() -> Vec<(&'static str, &'static str, &'static str)> {
    staff::roles::ROUTE_RIGHTS.iter().map(|(method, path, right)| (*method, *path, right.as_str())).collect()
}
#[doc(hidden)]
pub use training::upload::merge_progress_events;

/// Opens (creating if needed) the hub database in `data_dir` and brings its
/// schema to the latest version, as a starting hub does, without the
/// secret check: for the test that upgrades every earlier version.
#[doc(hidden)]
pub fn upgrade_database(data_dir: &std::path::Path) -> anyhow::Result<()> {
    db::open_connection(data_dir).map(drop)
}

/// Every route with its own body limit as (method, path template, bytes),
/// for the test that sends each one byte too many.
#[doc(hidden)]
pub fn route_body_limits() -> Vec<(&'static str, &'static str, usize)> {
    limits::BODY_LIMITS.to_vec()
}
// For the fuzz targets (fuzz/): parsers of outside bytes.
#[doc(hidden)]
pub use admin::csv::{CsvError, parse_records};
#[doc(hidden)]
pub use content::parse_range;
