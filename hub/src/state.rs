//! What every request handler shares: the database, the keys, and the
//! policy numbers from the configuration.

use std::ops::Deref;
use std::sync::Arc;

use crate::db::Db;
use crate::keys::HubKeys;
use crate::programme::{DemoSigner, ProgrammePublicKey};

/// Cheap-to-clone handle on the hub's shared state.
#[derive(Clone)]
pub(crate) struct AppState(Arc<SharedState>);

/// The shared state itself.
pub(crate) struct SharedState {
    pub(crate) db: Db,
    pub(crate) keys: HubKeys,
    /// The programme's public key (see [`crate::programme`]).
    pub(crate) programme: ProgrammePublicKey,
    /// Demo and tests only: the key holder's key the hub signs with.
    pub(crate) demo_signer: Option<DemoSigner>,
    /// The data directory (content blobs live in its `content/`).
    pub(crate) data_dir: std::path::PathBuf,
    /// The bootstrap admin token (only creates the first programme admin's invitation).
    pub(crate) admin_token: String,
    /// Staff sessions' lifetimes and the dummy password hash.
    pub(crate) staff: crate::staff::StaffSettings,
    /// Base URL written into enrolment QR codes.
    pub(crate) public_url: String,
    /// PBKDF2 iterations for new workers and unknown numbers.
    pub(crate) pin_iterations: u32,
    /// Wrong PINs or activation codes before a worker is locked.
    pub(crate) max_pin_attempts: u32,
    /// Attachment bytes accepted per UTC day, at most (ADR 0014).
    pub(crate) attachment_bytes_per_day: u64,
    /// The traffic limits, for the checks handlers make themselves (the
    /// attachment caps of a report).
    pub(crate) limits: crate::limits::TrafficLimits,
    /// What retention deletes and when: the inbox tells readers the day a
    /// closed case will go, by the rule a pass applies.
    pub(crate) retention: crate::retention::Retention,
    /// Seconds added to the system clock for calendar rules (survey dates
    /// and "N days after an event"); 0 except in tests, which move it.
    pub(crate) calendar_offset: std::sync::atomic::AtomicI64,
    /// E-mail notifications to readers, when the operator configured an
    /// SMTP server (ADR 0023).
    pub(crate) notifications: Option<crate::notifications::Notifications>,
    /// Published directories, parsed once ([`crate::directory::DirectoryCache`]).
    pub(crate) directories: Arc<crate::directory::DirectoryCache>,
    /// Reports waiting for the next multi-row statement (PostgreSQL only,
    /// [`crate::cases::intake`]).
    pub(crate) intake: Arc<crate::cases::intake::Intake>,
}

impl SharedState {
    /// "Now" for calendar rules: the system clock plus the test offset.
    /// Request signatures and sessions always use the system clock.
    pub(crate) fn calendar_now(&self) -> i64 {
        crate::clock::unix_now().saturating_add(self.calendar_offset.load(std::sync::atomic::Ordering::Relaxed))
    }
}

impl AppState {
    pub(crate) fn new(shared: SharedState) -> Self {
        Self(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}
