//! [`WorkerVoice`]: the one service an app (or the CLI) talks to.
//!
//! Local calls (status, notes, lock, offline unlock) are plain blocking calls
//! that return in milliseconds (offline unlock: the PIN stretch, a few hundred).
//! Network calls are `async`, run on the core's own runtime, and are
//! cancelled when the caller drops the future.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use workervoice_protocol::auth::{
    ActivateRequest, AuthParamsRequest, AuthParamsResponse, ChangePinRequest, KdfParams, LoginRequest, LoginResponse,
    RegisterRequest,
};
use workervoice_protocol::codes::EnrolmentQr;
use workervoice_protocol::enrol::{EnrolRequest, EnrolResponse, enrol_challenge};
use workervoice_protocol::{auth, paths};
use zeroize::Zeroizing;

use crate::auth::{self as vault, Session, WorkerProfile};
use crate::clock::{Clock, SharedClock, SystemClock};
use crate::connectivity::{AlwaysOnline, Connectivity};
use crate::device::{Device, DeviceMode};
use crate::error::{Error, ErrorCode};
use crate::events::{Event, EventListener};
use crate::i18n::Languages;
use crate::keystore::KeyStore;
use crate::net::{HubClient, NetConfig, NetError};
use crate::notes::{self, Note};
use crate::runtime::CoreRuntime;
use crate::store::Store;
use crate::store::device::DeviceState;

mod content;
mod device_admin;
mod grievances;
mod kiosk;
mod survey_responses;
mod surveys;
mod training;

pub use content::{ContentEntry, ContentSyncReport};
pub use device_admin::DeviceHealth;
pub use grievances::{CategoryOption, OutboxSummary, SubmissionStatus, SubmitOutcome};
pub use kiosk::{DRAFT_MAX_AGE_SECS, MAX_VAULTS, SIGN_IN_NOT_CONFIRMED, VAULT_MAX_IDLE_DAYS};
pub use survey_responses::{DEFAULT_SEND_DELAY_MAX_SECS, OpenSurveyState, OpenSurveyView, SurveySubmitted};
pub use surveys::{
    ChoiceView, SurveyAnswerEntry, SurveyAnswerInput, SurveyCheck, SurveyProblem, SurveyQuestionKind,
    SurveyQuestionView, SurveyView,
};
pub use training::{
    ActivityOutcome, CertificateView, Leaderboard, LeaderboardLine, QuizAnswerInput, QuizResponse,
    TRAINING_DRAFT_PREFIX, TrainingProgress,
};

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
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock leaves data that was valid before it
    // (every write is a transaction); keep going rather than poison the app.
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

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
                    survey_responses::DEFAULT_SEND_DELAY_MAX_SECS,
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

    /// Sets the kiosk idle timeout (shared devices; default 90 s).
    pub fn set_idle_timeout_secs(&self, secs: u32) {
        self.inner.idle_timeout_ms.store(i64::from(secs.max(10)) * 1000, std::sync::atomic::Ordering::SeqCst);
    }

    /// Ends the session now if it has been idle past the timeout (kiosk).
    /// Returns whether it ended. Shells may call it from a UI timer; the core
    /// also checks every second and before every call that uses the session.
    pub fn check_idle(&self) -> bool {
        self.inner.expire_if_idle()
    }

    /// Saves (replaces) a draft of the logged-in worker under their key.
    ///
    /// In a provisional kiosk session (signed in offline) there is no vault
    /// key: the draft is sealed to the worker's draft key, which the tablet
    /// cannot open, and comes back at the worker's next online sign-in once
    /// the hub has confirmed this one (see `drafts`); within this session it
    /// is read back from memory.
    pub fn save_draft(&self, name: &str, content: &[u8]) -> Result<(), Error> {
        self.inner.expire_if_idle();
        let mut session = self.inner.touched_session();
        let session = session.as_mut().ok_or(ErrorCode::NotLoggedIn)?;
        crate::kiosk::drafts::check(name, content)?;
        // The device's clock (the tests' clock), like the kiosk's age limits.
        let now = self.inner.device_now();
        let held_by = session.provisional_sign_in().map(str::to_owned);
        if let Some(drafts) = session.provisional_drafts() {
            let mut store = lock(&self.inner.store);
            return crate::kiosk::drafts::save_offline(&mut store, drafts, held_by.as_deref(), name, content, now);
        }
        crate::kiosk::drafts::save(&mut lock(&self.inner.store), session, name, content, now)
    }

    /// The logged-in worker's draft `name`, if any.
    pub fn load_draft(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        self.inner.expire_if_idle();
        let mut session = self.inner.touched_session();
        let session = session.as_mut().ok_or(ErrorCode::NotLoggedIn)?;
        if let Some(drafts) = session.provisional_drafts() {
            return Ok(drafts.entries.get(name).map(|(content, _)| content.to_vec()));
        }
        crate::kiosk::drafts::load(&lock(&self.inner.store), session, name)
    }

    /// Deletes the logged-in worker's draft `name`.
    pub fn delete_draft(&self, name: &str) -> Result<(), Error> {
        self.inner.expire_if_idle();
        let mut session = self.inner.touched_session();
        let session = session.as_mut().ok_or(ErrorCode::NotLoggedIn)?;
        if let Some(drafts) = session.provisional_drafts() {
            return crate::kiosk::drafts::delete_offline(&mut lock(&self.inner.store), drafts, name);
        }
        crate::kiosk::drafts::delete(&mut lock(&self.inner.store), session, name)
    }

    /// Whether the open session was signed in offline on a shared device and
    /// waits for the hub to confirm it (it can submit but not read history).
    pub fn session_is_provisional(&self) -> bool {
        self.inner.expire_if_idle();
        lock(&self.inner.session).as_ref().is_some_and(Session::is_provisional)
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

    /// Enrols the device with a typed code (uses the configured hub) or a
    /// scanned QR payload (names its hub).
    pub async fn enrol(&self, code_or_qr: String, mode: DeviceMode) -> Result<DeviceStatus, Error> {
        let inner = self.inner.clone();
        self.runtime.spawn(async move { inner.enrol(&code_or_qr, mode).await }).await?;
        self.status()
    }

    /// First login with the activation code from the worker card; sets the PIN.
    pub async fn activate(
        &self,
        worker_number: String,
        activation_code: String,
        new_pin: String,
    ) -> Result<WorkerProfile, Error> {
        let inner = self.inner.clone();
        let pin = Zeroizing::new(new_pin);
        self.runtime.spawn(async move { inner.activate(&worker_number, &activation_code, &pin).await }).await
    }

    /// Self-registration with the factory's join code, where allowed.
    pub async fn register(
        &self,
        join_code: String,
        worker_number: String,
        display_name: String,
        language: String,
        new_pin: String,
    ) -> Result<WorkerProfile, Error> {
        let inner = self.inner.clone();
        let pin = Zeroizing::new(new_pin);
        self.runtime
            .spawn(async move { inner.register(&join_code, &worker_number, &display_name, &language, &pin).await })
            .await
    }

    /// Logs a worker in with their PIN. Online, the hub verifies the PIN; on a
    /// personal device with no network, falls back to offline unlock.
    pub async fn login(&self, worker_number: String, pin: String) -> Result<WorkerProfile, Error> {
        let inner = self.inner.clone();
        let pin = Zeroizing::new(pin);
        self.runtime.spawn(async move { inner.login(&worker_number, &pin, None).await }).await
    }

    /// Logs in with the current PIN after it was changed on another device,
    /// giving the previous PIN once: the hub checks the current PIN as usual;
    /// this device's vault, still wrapped under the previous PIN, is opened
    /// with it and re-wrapped under the current one. Online only.
    pub async fn login_with_previous_pin(
        &self,
        worker_number: String,
        pin: String,
        previous_pin: String,
    ) -> Result<WorkerProfile, Error> {
        let inner = self.inner.clone();
        let (pin, previous_pin) = (Zeroizing::new(pin), Zeroizing::new(previous_pin));
        self.runtime.spawn(async move { inner.login(&worker_number, &pin, Some(&previous_pin)).await }).await
    }

    /// Signs in without the hub: on a personal device that logged in online
    /// before, the vault opens; on a shared device, a provisional session
    /// starts that the hub confirms at the next sync (see `crate::kiosk`).
    pub fn unlock_offline(&self, worker_number: &str, pin: &str) -> Result<WorkerProfile, Error> {
        self.inner.unlock_offline(worker_number, pin)
    }

    /// Changes the logged-in worker's PIN (online). The vault key is re-wrapped;
    /// no data is re-encrypted.
    pub async fn change_pin(&self, old_pin: String, new_pin: String) -> Result<(), Error> {
        let inner = self.inner.clone();
        let (old_pin, new_pin) = (Zeroizing::new(old_pin), Zeroizing::new(new_pin));
        self.runtime.spawn(async move { inner.change_pin(&old_pin, &new_pin).await }).await
    }

    /// Ends the session: keys are zeroized, nothing of the worker stays in memory.
    pub fn lock(&self) {
        self.inner.end_session();
    }

    /// The logged-in worker.
    pub fn current_worker(&self) -> Option<WorkerProfile> {
        self.inner.expire_if_idle();
        lock(&self.inner.session).as_ref().map(|s| s.profile.clone())
    }

    /// Saves private notes for the logged-in worker in one transaction.
    pub fn save_notes(&self, texts: &[String]) -> Result<Vec<String>, Error> {
        self.inner.expire_if_idle();
        let session = self.inner.touched_session();
        let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
        let mut store = lock(&self.inner.store);
        notes::save(&mut store, session, texts, self.inner.now_millis())
    }

    /// A page of the logged-in worker's notes, newest first (at most 1,000).
    pub fn list_notes(&self, limit: u32, offset: u32) -> Result<Vec<Note>, Error> {
        self.inner.expire_if_idle();
        let session = self.inner.touched_session();
        let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
        notes::list(&lock(&self.inner.store), session, limit, offset)
    }

    /// How many notes the logged-in worker has.
    pub fn count_notes(&self) -> Result<u64, Error> {
        self.inner.expire_if_idle();
        let session = self.inner.touched_session();
        let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
        notes::count(&lock(&self.inner.store), session)
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

    /// Applies (and remembers) the factory's kiosk idle time-out from the hub.
    fn apply_factory_idle_timeout(&self, secs: Option<u32>) {
        let Some(secs) = secs else { return };
        self.idle_timeout_ms.store(i64::from(secs.max(10)) * 1000, std::sync::atomic::Ordering::SeqCst);
        let _ = lock(&self.store).set_meta(IDLE_TIMEOUT_KEY, i64::from(secs));
    }

    /// Ends a kiosk session idle past the timeout; returns whether it did.
    fn expire_if_idle(&self) -> bool {
        let now = self.now_millis();
        let timeout = self.idle_timeout_ms.load(std::sync::atomic::Ordering::SeqCst);
        let expired = {
            let mut session = lock(&self.session);
            let idle = session.as_ref().is_some_and(|s| s.kiosk && now - s.last_active_ms > timeout);
            // Dropping the session zeroizes its keys.
            idle.then(|| session.take()).flatten().is_some()
        };
        if expired {
            self.emit(Event::SessionTimedOut);
            self.emit(Event::SessionEnded);
        }
        expired
    }

    /// The session lock, with the session's activity time refreshed.
    fn touched_session(&self) -> MutexGuard<'_, Option<Session>> {
        let now = self.now_millis();
        let mut session = lock(&self.session);
        if let Some(session) = session.as_mut() {
            session.last_active_ms = now;
        }
        session
    }

    fn start_session(&self, mut session: Session) -> WorkerProfile {
        session.last_active_ms = self.now_millis();
        session.kiosk = self.load_device().is_ok_and(|device| device.mode() == DeviceMode::Shared);
        let profile = session.profile.clone();
        let offline = session.offline;
        // Replacing a session drops (and zeroizes) the previous one first.
        *lock(&self.session) = Some(session);
        self.emit(Event::SessionStarted { offline });
        profile
    }

    fn end_session(&self) {
        let ended = lock(&self.session).take().is_some();
        if ended {
            self.emit(Event::SessionEnded);
        }
    }

    async fn enrol(&self, code_or_qr: &str, mode: DeviceMode) -> Result<(), Error> {
        let (hub_url, code) = match EnrolmentQr::parse(code_or_qr) {
            Some(qr) => (qr.hub_url, qr.code),
            None => {
                let hub = self.config.default_hub_url.clone().ok_or(ErrorCode::InvalidInput)?;
                (hub, code_or_qr.trim().to_owned())
            }
        };
        if code.is_empty() || code.len() > 64 {
            return Err(ErrorCode::EnrolmentCodeInvalid.into());
        }
        let client = self.client(&hub_url)?;
        // Phase one: a pending identity saved before the hub is asked. A retry
        // with the same code and hub reuses it, so a lost reply is harmless.
        let mut device = {
            let store = lock(&self.store);
            match Device::load(&store, self.keystore.as_ref()) {
                Ok(Some(device)) if device.state() == DeviceState::Enrolled => {
                    return Err(ErrorCode::AlreadyEnrolled.into());
                }
                Ok(Some(device))
                    if device.row().hub_url == hub_url
                        && device.row().enrolment_code.as_deref() == Some(code.as_str())
                        && device.mode() == mode =>
                {
                    device
                }
                // A pending device for another code, or one whose keys were lost
                // before enrolment finished: nothing of a worker is in it yet.
                Ok(_) | Err(Error::Code(ErrorCode::DeviceKeysMissing)) => {
                    Device::create_pending(&store, self.keystore.as_ref(), &hub_url, &code, mode)?
                }
                Err(error) => return Err(error),
            }
        };
        let identity = device.identity()?;
        let public_key = identity.public_key()?;
        let request = EnrolRequest {
            code: code.clone(),
            mode: mode.into(),
            signature: identity.sign(&enrol_challenge(&code, mode.into(), &public_key))?,
            public_key,
            platform: std::env::consts::OS.to_owned(),
        };
        let reply: EnrolResponse = client.post_unsigned(paths::ENROL, &request).await?;
        if DeviceMode::from(reply.mode) != mode {
            return Err(ErrorCode::BadReply.into());
        }
        let store = lock(&self.store);
        device.mark_enrolled(&store, &reply.device_id, &reply.factory_id, &reply.factory_name, self.device_now())?;
        drop(store);
        self.apply_factory_idle_timeout(reply.kiosk_idle_timeout_secs);
        self.emit(Event::Enrolled { factory_name: reply.factory_name });
        Ok(())
    }

    async fn fetch_params(
        &self,
        client: &HubClient,
        device: &Device,
        worker_number: &str,
    ) -> Result<KdfParams, NetError> {
        let signer = device.signer().map_err(|_| NetError::Signing)?;
        let reply: Result<AuthParamsResponse, NetError> = client
            .post_signed(paths::AUTH_PARAMS, &AuthParamsRequest { worker_number: worker_number.to_owned() }, &signer)
            .await;
        // Every sign-in starts here: a device the hub retired wipes itself.
        if let Err(error) = &reply {
            self.on_refusal(error);
        }
        Ok(reply?.kdf)
    }

    fn open_online(
        &self,
        kdf: &KdfParams,
        secrets: &crate::crypto::PinSecrets,
        reply: &LoginResponse,
        previous: Option<&crate::crypto::PinSecrets>,
    ) -> Result<WorkerProfile, Error> {
        let session = {
            let mut store = lock(&self.store);
            let device = Device::load(&store, self.keystore.as_ref())?.ok_or(ErrorCode::NotEnrolled)?;
            if let Some(key) = reply.hub_sealing_key.as_deref() {
                store.set_meta_blob(crate::kiosk::HUB_KEY_META, key)?;
            }
            store.set_meta(UTC_OFFSET_KEY, i64::from(reply.utc_offset_minutes))?;
            let session = vault::open_vault_online(
                &mut store,
                &device,
                self.keystore.as_ref(),
                reply,
                kdf,
                secrets,
                previous,
                self.device_now(),
            )?;
            if device.mode() == DeviceMode::Shared {
                // Drafts this worker wrote while signed in offline here.
                crate::kiosk::drafts::import_offline(&mut store, &session)?;
            }
            session
        };
        Ok(self.start_session(session))
    }

    async fn activate(
        &self,
        worker_number: &str,
        activation_code: &str,
        new_pin: &str,
    ) -> Result<WorkerProfile, Error> {
        self.end_session();
        vault::check_new_pin(new_pin).map_err(Error::WeakPin)?;
        let device = self.load_device()?;
        let client = self.client(&device.row().hub_url)?;
        let kdf = self.fetch_params(&client, &device, worker_number).await?;
        let secrets = stretch_off_thread(new_pin, &kdf).await?;
        let request = ActivateRequest {
            worker_number: worker_number.trim().to_owned(),
            activation_code: activation_code.trim().to_owned(),
            kdf: kdf.clone(),
            pin_proof: secrets.proof.to_vec(),
        };
        let reply: LoginResponse = client.post_signed(paths::AUTH_ACTIVATE, &request, &device.signer()?).await?;
        self.end_session();
        self.open_online(&kdf, &secrets, &reply, None)
    }

    async fn register(
        &self,
        join_code: &str,
        worker_number: &str,
        display_name: &str,
        language: &str,
        new_pin: &str,
    ) -> Result<WorkerProfile, Error> {
        self.end_session();
        vault::check_new_pin(new_pin).map_err(Error::WeakPin)?;
        if worker_number.trim().is_empty() || display_name.trim().is_empty() || display_name.len() > 200 {
            return Err(ErrorCode::InvalidInput.into());
        }
        let device = self.load_device()?;
        let client = self.client(&device.row().hub_url)?;
        let kdf = vault::new_kdf_params(auth::MIN_PBKDF2_ITERATIONS)?;
        let secrets = stretch_off_thread(new_pin, &kdf).await?;
        let request = RegisterRequest {
            join_code: join_code.trim().to_owned(),
            worker_number: worker_number.trim().to_owned(),
            display_name: display_name.trim().to_owned(),
            language: language.trim().to_owned(),
            kdf: kdf.clone(),
            pin_proof: secrets.proof.to_vec(),
        };
        let reply: LoginResponse = client.post_signed(paths::AUTH_REGISTER, &request, &device.signer()?).await?;
        self.end_session();
        self.open_online(&kdf, &secrets, &reply, None)
    }

    async fn login(&self, worker_number: &str, pin: &str, previous_pin: Option<&str>) -> Result<WorkerProfile, Error> {
        // Whoever tries to sign in is not the worker whose session is open
        // (or is, and is asking again): end it first, whatever the outcome,
        // so a failed sign-in on a tablet never leaves the last worker's
        // session in front of the next person.
        self.end_session();
        vault::check_format(pin).map_err(|_| Error::WrongPin { attempts_left: None })?;
        let device = self.load_device()?;
        if !self.online() {
            // No network: sign in offline at once instead of waiting for a
            // timeout (personal: cached unlock; shared: provisional session).
            return self.unlock_offline(worker_number, pin);
        }
        let client = self.client(&device.row().hub_url)?;
        let kdf = match self.fetch_params(&client, &device, worker_number.trim()).await {
            Ok(kdf) => kdf,
            Err(NetError::Unreachable) => return self.unlock_offline(worker_number, pin),
            Err(error) => return Err(error.into()),
        };
        let secrets = stretch_off_thread(pin, &kdf).await?;
        let request =
            LoginRequest { worker_number: worker_number.trim().to_owned(), pin_proof: secrets.proof.to_vec() };
        let reply: LoginResponse = client.post_signed(paths::AUTH_LOGIN, &request, &device.signer()?).await?;
        self.end_session();
        // After a PIN change on another device, this vault is still wrapped
        // under the previous PIN, with the parameters stored beside it.
        let previous = match previous_pin {
            Some(previous_pin) => {
                let stored = vault::stored_kdf(&lock(&self.store), &device, worker_number.trim())?;
                match stored {
                    Some(stored) => Some(stretch_off_thread(previous_pin, &stored).await?),
                    None => None,
                }
            }
            None => None,
        };
        self.open_online(&kdf, &secrets, &reply, previous.as_ref())
    }

    fn unlock_offline(&self, worker_number: &str, pin: &str) -> Result<WorkerProfile, Error> {
        self.end_session();
        vault::check_format(pin).map_err(|_| Error::WrongPin { attempts_left: None })?;
        let session = {
            let mut store = lock(&self.store);
            let device = Device::load(&store, self.keystore.as_ref())?.ok_or(ErrorCode::NotEnrolled)?;
            device.signer()?; // enrolled and not retired
            match device.mode() {
                DeviceMode::Personal => {
                    vault::unlock_offline(&mut store, &device, self.keystore.as_ref(), worker_number.trim(), pin)?
                }
                DeviceMode::Shared => crate::kiosk::sign_in_offline(
                    &mut store,
                    &device,
                    self.keystore.as_ref(),
                    worker_number.trim(),
                    pin,
                    self.device_now(),
                )?,
            }
        };
        self.end_session();
        Ok(self.start_session(session))
    }

    async fn change_pin(&self, old_pin: &str, new_pin: &str) -> Result<(), Error> {
        vault::check_new_pin(new_pin).map_err(Error::WeakPin)?;
        let device = self.load_device()?;
        let client = self.client(&device.row().hub_url)?;
        // Copy what is needed, then stretch both PINs with no lock held: the
        // stretches take most of a second and every other call must go on.
        let inputs = lock(&self.session).as_ref().map(Session::pin_change_inputs).ok_or(ErrorCode::NotLoggedIn)??;
        let new_kdf = vault::new_kdf_params(inputs.kdf.iterations)?;
        let old = stretch_off_thread(old_pin, &inputs.kdf).await?;
        let new = stretch_off_thread(new_pin, &new_kdf).await?;
        vault::save_pending_pin_wrap(&mut lock(&self.store), self.keystore.as_ref(), &inputs, &new, &new_kdf)?;
        let worker_number = inputs.worker_number.clone();
        let request = ChangePinRequest {
            worker_number,
            old_pin_proof: old.proof.to_vec(),
            new_kdf: new_kdf.clone(),
            new_pin_proof: new.proof.to_vec(),
        };
        let result: Result<auth::Ok, NetError> =
            client.post_signed(paths::AUTH_CHANGE_PIN, &request, &device.signer()?).await;
        let accepted = match &result {
            Ok(_) => Some(true),
            Err(NetError::Refused(_)) => Some(false),
            // The hub may or may not have applied it: keep the pending wrap;
            // the next login resolves it by the hub's parameters.
            Err(_) => None,
        };
        if let Some(accepted) = accepted {
            let mut session = lock(&self.session);
            if let Some(session) = session.as_mut() {
                let mut store = lock(&self.store);
                vault::finish_pin_change(&mut store, session, new_kdf, accepted)?;
                if accepted {
                    vault::refresh_after_pin_change(&mut store, &device, self.keystore.as_ref(), session, &new)?;
                }
            }
        }
        result.map(|_| ()).map_err(Error::from)
    }
}

async fn stretch_off_thread(pin: &str, kdf: &KdfParams) -> Result<crate::crypto::PinSecrets, Error> {
    let pin = Zeroizing::new(pin.to_owned());
    let kdf = kdf.clone();
    tokio::task::spawn_blocking(move || vault::stretch(&pin, &kdf)).await.map_err(|_| ErrorCode::Internal)?
}
