//! [`WorkerVoice`]: the one service an app (or the CLI) talks to — the
//! facade the bindings wrap. This file opens the app and holds its state;
//! each capability's calls are in a file named for it (`session`,
//! `enrolment`, `drafts`, `notes`, `grievances`, `sync`, `kiosk`,
//! `device_admin`, `content`, `surveys`, `training`),
//! and the capability itself in its own top-level module.
//!
//! Local calls (status, notes, lock, offline unlock) are plain blocking calls
//! that return in milliseconds (offline unlock: the PIN stretch, a few hundred).
//! Network calls are `async`, run on the core's own runtime, and are
//! cancelled when the caller drops the future.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::auth::{Session, WorkerProfile};
use crate::clock::{Clock, SharedClock, SystemClock};
use crate::connectivity::{AlwaysOnline, Connectivity};
use crate::device::{Device, DeviceMode};
use crate::error::{Error, ErrorCode};
use crate::events::{Event, EventListener};
use crate::i18n::Languages;
use crate::keystore::KeyStore;
use crate::net::{HubClient, NetConfig};
use crate::runtime::CoreRuntime;
use crate::store::Store;
use crate::store::device::DeviceState;

mod content;
mod device_admin;
mod drafts;
mod enrolment;
mod grievances;
mod kiosk;
mod notes;
mod session;
mod surveys;
mod sync;
mod training;

pub use crate::kiosk::{DRAFT_MAX_AGE_SECS, MAX_VAULTS, SIGN_IN_NOT_CONFIRMED, VAULT_MAX_IDLE_DAYS};
pub use crate::surveys::{
    ChoiceView, SurveyAnswerEntry, SurveyAnswerInput, SurveyCheck, SurveyProblem, SurveyQuestionKind,
    SurveyQuestionView, SurveyView,
};
pub use crate::surveys::{DEFAULT_SEND_DELAY_MAX_SECS, OpenSurveyState, OpenSurveyView};
pub use crate::training::activity::{
    ActivityOutcome, QuizAnswerInput, QuizResponse, TRAINING_DRAFT_PREFIX, TrainingProgress,
};
pub use crate::training::leaderboard::{Leaderboard, LeaderboardLine};
pub use content::{ContentEntry, ContentSyncReport};
pub use device_admin::DeviceHealth;
pub use enrolment::WorkerCard;
pub use grievances::{CategoryOption, OutboxSummary, RouteReaders, SubmissionStatus, SubmitOutcome};
pub use surveys::SurveySubmitted;
pub use training::CertificateView;

/// Default kiosk idle timeout: a session on a shared device ends after this
/// long without a call that uses it. The factory's setting on the hub
/// replaces it at enrolment and at each sync.
pub const DEFAULT_IDLE_TIMEOUT_SECS: i64 = 90;

/// Meta key of the factory's kiosk idle time-out, as the hub last sent it.
const IDLE_TIMEOUT_KEY: &str = "kiosk_idle_timeout_secs";

/// Meta key of the offset of the hub's clock from the device's (seconds).
pub(crate) const HUB_CLOCK_OFFSET_KEY: &str = "hub_clock_offset_secs";

/// Meta key of the factory's offset from UTC (minutes), as the hub last sent it.
pub(crate) use crate::training::UTC_OFFSET_KEY;

/// How the app opens the core.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Directory for the database (created `0700` if missing).
    pub data_dir: PathBuf,
    /// The hub to enrol with when the code does not name one (a typed code
    /// rather than a scanned QR payload).
    pub default_hub_url: Option<String>,
    /// Network settings.
    pub net: NetConfig,
    /// The device's languages, most preferred first (BCP 47), for messages
    /// shown before a worker logs in.
    pub languages: Vec<String>,
    /// The programme's Ed25519 public key (32 bytes), pinned in the app: the
    /// recipient directory must be signed by it.
    pub programme_public_key: Option<Vec<u8>>,
}

/// What the app can show about the device.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DeviceStatus {
    /// Whether enrolment finished.
    pub enrolled: bool,
    /// Whether the hub retired the device.
    pub retired: bool,
    /// The hub's device id.
    pub device_id: Option<String>,
    /// The factory's name.
    pub factory_name: Option<String>,
    /// The mode.
    pub mode: Option<DeviceMode>,
    /// The hub URL.
    pub hub_url: Option<String>,
    /// The logged-in worker, if any.
    pub worker: Option<WorkerProfile>,
    /// Bytes used by the database files.
    pub storage_bytes: u64,
}

/// The Worker Voice core service. Cheap to share between threads (`Arc`).
pub struct WorkerVoice {
    inner: Arc<Inner>,
    runtime: CoreRuntime,
}

/// Lock order, everywhere: `session` before `store`, and never a lock held
/// across an `await` or while calling a method that takes the same lock.
struct Inner {
    store: Mutex<Store>,
    /// One sync at a time (push, pull and directory refresh).
    sync_lock: tokio::sync::Mutex<()>,
    /// Content folders, budget, pins, and the content sync lock.
    content: crate::content::ContentState,
    keystore: Arc<dyn KeyStore>,
    config: AppConfig,
    session: Mutex<Option<Session>>,
    device_languages: Mutex<Vec<String>>,
    listener: Mutex<Option<Arc<dyn EventListener>>>,
    connectivity: Mutex<Arc<dyn Connectivity>>,
    clock: Arc<SharedClock>,
    /// Seconds to add to the device's clock to get the hub's (learned from replies).
    hub_clock_offset: Arc<std::sync::atomic::AtomicI64>,
    /// A progress upload was delivered since the last pull.
    progress_sent: std::sync::atomic::AtomicBool,
    /// The vault whose progress was last pulled, and when (device seconds).
    progress_pulled: Mutex<Option<(String, i64)>>,
    /// Kiosk idle timeout, milliseconds.
    idle_timeout_ms: std::sync::atomic::AtomicI64,
    /// Longest random delay before a survey response is first sent.
    survey_send_delay_max_secs: std::sync::atomic::AtomicU32,
    /// Longest random pause before a pass's unsigned phase and between its requests, ms.
    unsigned_spacing_max_millis: std::sync::atomic::AtomicU64,
}

use crate::runtime::lock;

impl WorkerVoice {
    /// Opens the core on a data directory with the platform's key store.
    pub fn open(config: AppConfig, keystore: Arc<dyn KeyStore>) -> Result<Self, Error> {
        let store = Store::open(&config.data_dir)?;
        let languages = config.languages.clone();
        let app = Self {
            inner: Arc::new(Inner {
                store: Mutex::new(store),
                sync_lock: tokio::sync::Mutex::new(()),
                content: crate::content::ContentState::new(&config.data_dir),
                keystore,
                config,
                session: Mutex::new(None),
                device_languages: Mutex::new(languages),
                listener: Mutex::new(None),
                connectivity: Mutex::new(Arc::new(AlwaysOnline)),
                clock: Arc::new(SharedClock::new(Arc::new(SystemClock))),
                hub_clock_offset: Arc::new(std::sync::atomic::AtomicI64::new(0)),
                progress_sent: std::sync::atomic::AtomicBool::new(false),
                progress_pulled: Mutex::new(None),
                idle_timeout_ms: std::sync::atomic::AtomicI64::new(DEFAULT_IDLE_TIMEOUT_SECS * 1000),
                survey_send_delay_max_secs: std::sync::atomic::AtomicU32::new(
                    crate::surveys::DEFAULT_SEND_DELAY_MAX_SECS,
                ),
                unsigned_spacing_max_millis: std::sync::atomic::AtomicU64::new(
                    u64::from(crate::sync::DEFAULT_UNSIGNED_SPACING_MAX_SECS) * 1000,
                ),
            }),
            runtime: CoreRuntime::new()?,
        };
        let stored_offset = lock(&app.inner.store).meta(HUB_CLOCK_OFFSET_KEY)?;
        app.inner.hub_clock_offset.store(stored_offset.unwrap_or(0), std::sync::atomic::Ordering::SeqCst);
        let stored_timeout = lock(&app.inner.store).meta(IDLE_TIMEOUT_KEY)?;
        if let Some(secs) = stored_timeout.and_then(|secs| u32::try_from(secs).ok()) {
            app.set_idle_timeout_secs(secs);
        }
        app.start_idle_watch();
        Ok(app)
    }

    /// Ends an idle kiosk session within a second of its timeout, so the
    /// screen clears even if nobody touches the tablet.
    fn start_idle_watch(&self) {
        let weak = Arc::downgrade(&self.inner);
        let watch = self.runtime.spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                let Some(inner) = weak.upgrade() else { return Ok(()) };
                inner.expire_if_idle();
            }
        });
        // It ends with the runtime, or by itself once the app is dropped.
        watch.detach();
    }

    /// Sets the clock (tests use a manual one; default: the system clock).
    pub fn set_clock(&self, clock: Arc<dyn Clock>) {
        self.inner.clock.set(clock);
    }

    /// Sets (or clears) the listener that receives [`Event`]s.
    pub fn set_listener(&self, listener: Option<Arc<dyn EventListener>>) {
        *lock(&self.inner.listener) = listener;
    }

    /// Sets the platform's connectivity monitor (default: always online).
    pub fn set_connectivity(&self, connectivity: Arc<dyn Connectivity>) {
        *lock(&self.inner.connectivity) = connectivity;
    }

    /// Updates the device languages (the phone's settings changed).
    pub fn set_device_languages(&self, languages: Vec<String>) {
        *lock(&self.inner.device_languages) = languages;
    }

    /// The language chain for messages now: the logged-in worker's language
    /// first, then the device's, then English.
    pub fn languages(&self) -> Languages {
        // A session past its idle time-out ends first: its worker's language
        // must not stay on screen for the next person.
        self.inner.expire_if_idle();
        self.inner.languages()
    }

    /// An error's message in the current language chain.
    pub fn localize(&self, error: &Error) -> String {
        error.localized(&self.languages())
    }

    /// The device's status.
    pub fn status(&self) -> Result<DeviceStatus, Error> {
        let worker = lock(&self.inner.session).as_ref().map(|s| s.profile.clone());
        let store = lock(&self.inner.store);
        let storage_bytes = store.size_on_disk();
        let Some(row) = crate::store::device::load(store.conn())? else {
            return Ok(DeviceStatus {
                enrolled: false,
                retired: false,
                device_id: None,
                factory_name: None,
                mode: None,
                hub_url: None,
                worker,
                storage_bytes,
            });
        };
        let mode = workervoice_protocol::enrol::DeviceMode::parse(&row.mode).map(DeviceMode::from);
        Ok(DeviceStatus {
            enrolled: row.state == DeviceState::Enrolled,
            retired: row.state == DeviceState::Retired,
            device_id: row.device_id,
            factory_name: row.factory_name,
            mode,
            hub_url: Some(row.hub_url),
            worker,
            storage_bytes,
        })
    }

    /// Test hook: caps the database size so a test can fill the "disk".
    /// Only with the `test-hooks` feature (the `tests` crate turns it on).
    #[cfg(feature = "test-hooks")]
    pub fn limit_storage_pages_for_tests(&self, pages: u32) -> Result<(), Error> {
        Ok(lock(&self.inner.store).limit_pages_for_tests(pages)?)
    }
}

impl Inner {
    /// The languages asked for now, most preferred first: the signed-in
    /// worker's, then the device's (content text picks from these).
    fn requested_languages(&self) -> Vec<String> {
        let mut requested = Vec::new();
        if let Some(session) = lock(&self.session).as_ref() {
            requested.push(session.profile.language.clone());
        }
        requested.extend(lock(&self.device_languages).iter().cloned());
        requested
    }

    fn languages(&self) -> Languages {
        Languages::negotiate(&self.requested_languages())
    }

    /// Whether the platform says there is a network (asked without holding a lock).
    fn online(&self) -> bool {
        let connectivity = lock(&self.connectivity).clone();
        connectivity.is_online()
    }

    fn emit(&self, event: Event) {
        let listener = lock(&self.listener).clone();
        if let Some(listener) = listener {
            listener.on_event(event);
        }
    }

    fn load_device(&self) -> Result<Device, Error> {
        let store = lock(&self.store);
        Device::load(&store, self.keystore.as_ref())?.ok_or_else(|| ErrorCode::NotEnrolled.into())
    }

    fn client(&self, hub_url: &str) -> Result<HubClient, Error> {
        Ok(HubClient::new(hub_url, &self.config.net)?.with_time(self.hub_time()))
    }

    /// A client that opens a connection per request, for unsigned traffic.
    fn unsigned_client(&self, hub_url: &str) -> Result<HubClient, Error> {
        Ok(HubClient::unpooled(hub_url, &self.config.net)?.with_time(self.hub_time()))
    }

    /// The device's clock and what it learned of the hub's.
    fn hub_time(&self) -> crate::net::HubTime {
        crate::net::HubTime::new(self.clock.clone(), self.hub_clock_offset.clone())
    }

    /// The device's own clock, unix seconds.
    fn device_now(&self) -> i64 {
        self.hub_time().device_secs()
    }

    /// The hub's clock as the device knows it, unix seconds.
    fn hub_now(&self) -> i64 {
        self.hub_time().hub_secs()
    }

    fn now_millis(&self) -> i64 {
        self.clock.now_millis()
    }
}
