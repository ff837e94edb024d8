//! [`WorkerVoiceApp`]: the app's one entry object.

use std::sync::Arc;
use std::time::Duration;

use workervoice_core::app::{
    CategoryOption, DeviceHealth, OutboxSummary, RouteReaders, SubmissionStatus, SubmitOutcome,
};
use workervoice_core::grievance::GrievanceDraft;
use workervoice_core::grievance::{CaseSummary, CaseThread};
use workervoice_core::net::NetConfig;
use workervoice_core::sync::SyncReport;
use workervoice_core::{AppConfig, DeviceMode, DeviceStatus, Error, Note, WorkerCard, WorkerProfile, WorkerVoice};

use crate::error::WorkerVoiceError;
use crate::platform::{
    ClockSource, ConnectivityMonitor, ForeignClock, ForeignConnectivity, ForeignKeyStore, ForeignListener,
    PlatformKeyStore, WorkerVoiceListener,
};

/// How the app opens the core.
#[derive(Debug, Clone, uniffi::Record)]
pub struct AppOptions {
    /// Directory for the app's database (app-private storage).
    pub data_dir: String,
    /// The hub to enrol with when a typed code (not a QR payload) is given.
    #[uniffi(default = None)]
    pub default_hub_url: Option<String>,
    /// The device's languages, most preferred first (BCP 47).
    pub languages: Vec<String>,
    /// Leave `false` in the apps. Allows plain `http://` to a loopback hub
    /// (127.0.0.0/8, `::1`, `localhost`) and nowhere else; any other host
    /// still needs HTTPS. It exists because the Kotlin tests on the JVM
    /// (`bindings/tests/kotlin`, run by `scripts/test-kotlin`) and the
    /// command-line device talk to a hub they start on 127.0.0.1 without
    /// TLS; the Android and iOS apps never need it.
    #[uniffi(default = false)]
    pub allow_insecure_http_for_tests: bool,
    /// Extra trusted root certificates (PEM) for a programme's own CA.
    #[uniffi(default = [])]
    pub extra_root_certs_pem: Vec<String>,
    /// Network timeout for one request, in seconds (0: default, 30).
    #[uniffi(default = 0)]
    pub request_timeout_secs: u32,
    /// The programme's Ed25519 public key (base64), pinned in the app: the
    /// recipient directory must be signed by it. Without it, grievances
    /// cannot be submitted.
    #[uniffi(default = None)]
    pub programme_public_key: Option<String>,
}

/// A 32-byte key in base64 (URL-safe or standard, padded or not).
fn decode_key(text: &str) -> Option<Vec<u8>> {
    let normalized: String = text.trim().trim_end_matches('=').replace('+', "-").replace('/', "_");
    workervoice_protocol::b64::decode(&normalized).filter(|key| key.len() == 32)
}

/// The Worker Voice core, for one app process. Safe to call from any thread.
#[derive(uniffi::Object)]
pub struct WorkerVoiceApp {
    core: WorkerVoice,
}

impl WorkerVoiceApp {
    pub(crate) fn error(&self, error: Error) -> WorkerVoiceError {
        let localized = self.core.localize(&error);
        WorkerVoiceError::from_core(&error, localized)
    }

    /// The wrapped core (for the CLI and Rust tests).
    pub fn core(&self) -> &WorkerVoice {
        &self.core
    }
}

#[uniffi::export]
impl WorkerVoiceApp {
    /// Opens the core on `options.data_dir` with the platform key store.
    #[uniffi::constructor]
    pub fn open(options: AppOptions, key_store: Arc<dyn PlatformKeyStore>) -> Result<Arc<Self>, WorkerVoiceError> {
        let mut net = NetConfig {
            allow_insecure_http_for_tests: options.allow_insecure_http_for_tests,
            extra_root_certs_pem: options.extra_root_certs_pem,
            ..NetConfig::default()
        };
        if options.request_timeout_secs > 0 {
            net.request_timeout = Duration::from_secs(u64::from(options.request_timeout_secs));
        }
        let languages = workervoice_core::i18n::Languages::negotiate(&options.languages);
        let programme_public_key = match options.programme_public_key.as_deref().map(decode_key) {
            None => None,
            Some(Some(key)) => Some(key),
            Some(None) => {
                let error = Error::from(workervoice_core::ErrorCode::InvalidInput);
                return Err(WorkerVoiceError::from_core(&error, error.localized(&languages)));
            }
        };
        let config = AppConfig {
            data_dir: options.data_dir.into(),
            default_hub_url: options.default_hub_url,
            net,
            languages: options.languages.clone(),
            programme_public_key,
        };
        WorkerVoice::open(config, Arc::new(ForeignKeyStore(key_store))).map(|core| Arc::new(Self { core })).map_err(
            |error| {
                let languages = workervoice_core::i18n::Languages::negotiate(&options.languages);
                WorkerVoiceError::from_core(&error, error.localized(&languages))
            },
        )
    }

    /// Sets or clears the event listener.
    pub fn set_listener(&self, listener: Option<Arc<dyn WorkerVoiceListener>>) {
        self.core
            .set_listener(listener.map(|l| Arc::new(ForeignListener(l)) as Arc<dyn workervoice_core::EventListener>));
    }

    /// Sets the platform's connectivity monitor (default: always online).
    pub fn set_connectivity(&self, monitor: Arc<dyn ConnectivityMonitor>) {
        self.core.set_connectivity(Arc::new(ForeignConnectivity(monitor)));
    }

    /// The device's health for its admin: sync, outbox and storage, in counts.
    pub fn device_health(&self) -> Result<DeviceHealth, WorkerVoiceError> {
        self.core.device_health().map_err(|e| self.error(e))
    }

    /// Hands the device back: crypto-shreds everything on it and un-enrols it.
    pub fn hand_back_device(&self) -> Result<(), WorkerVoiceError> {
        self.core.hand_back_device().map_err(|e| self.error(e))
    }

    /// Sets the clock (tests; default: the system clock).
    pub fn set_clock(&self, clock: Arc<dyn ClockSource>) {
        self.core.set_clock(Arc::new(ForeignClock(clock)));
    }

    /// Sets the kiosk idle timeout in seconds (shared devices; default 90, at least 10).
    pub fn set_idle_timeout_secs(&self, secs: u32) {
        self.core.set_idle_timeout_secs(secs);
    }

    /// Ends an idle kiosk session now if its time is up; returns whether it did.
    pub fn check_idle(&self) -> bool {
        self.core.check_idle()
    }

    /// Seconds before an idle kiosk session ends by itself (`None` without a
    /// kiosk session): the shell shows a countdown when it runs low.
    pub fn idle_seconds_left(&self) -> Option<u32> {
        self.core.idle_seconds_left()
    }

    /// The worker is using the screen: the idle time-out counts from now
    /// (a session already past its time ends instead).
    pub fn keep_session_alive(&self) {
        self.core.keep_session_alive()
    }

    /// Saves a draft (work in progress) of the logged-in worker, under their key.
    pub fn save_draft(&self, name: String, content: Vec<u8>) -> Result<(), WorkerVoiceError> {
        self.core.save_draft(&name, &content).map_err(|e| self.error(e))
    }

    /// The logged-in worker's draft, if any.
    pub fn load_draft(&self, name: String) -> Result<Option<Vec<u8>>, WorkerVoiceError> {
        self.core.load_draft(&name).map_err(|e| self.error(e))
    }

    /// Deletes the logged-in worker's draft.
    pub fn delete_draft(&self, name: String) -> Result<(), WorkerVoiceError> {
        self.core.delete_draft(&name).map_err(|e| self.error(e))
    }

    /// Updates the device languages (system settings changed).
    pub fn set_languages(&self, languages: Vec<String>) {
        self.core.set_device_languages(languages);
    }

    /// The language messages are shown in now (the worker's, else the device's).
    pub fn current_language(&self) -> String {
        self.core.languages().primary()
    }

    /// The device's status.
    pub fn status(&self) -> Result<DeviceStatus, WorkerVoiceError> {
        self.core.status().map_err(|e| self.error(e))
    }

    /// Enrols with a typed code or a scanned QR payload.
    pub async fn enrol(&self, code_or_qr: String, mode: DeviceMode) -> Result<DeviceStatus, WorkerVoiceError> {
        self.core.enrol(code_or_qr, mode).await.map_err(|e| self.error(e))
    }

    /// Reads a scanned worker card's QR code: the worker number and
    /// activation code to fill in (nothing is sent). A QR code that is not
    /// a card's, or a card for another hub, is refused with its own code.
    pub fn read_worker_card(&self, payload: String) -> Result<WorkerCard, WorkerVoiceError> {
        self.core.read_worker_card(&payload).map_err(|e| self.error(e))
    }

    /// First login with the activation code; sets the worker's PIN.
    pub async fn activate(
        &self,
        worker_number: String,
        activation_code: String,
        new_pin: String,
    ) -> Result<WorkerProfile, WorkerVoiceError> {
        self.core.activate(worker_number, activation_code, new_pin).await.map_err(|e| self.error(e))
    }

    /// Self-registration with the factory's join code.
    pub async fn register(
        &self,
        join_code: String,
        worker_number: String,
        display_name: String,
        language: String,
        new_pin: String,
    ) -> Result<WorkerProfile, WorkerVoiceError> {
        self.core.register(join_code, worker_number, display_name, language, new_pin).await.map_err(|e| self.error(e))
    }

    /// Logs in (online; offline fallback on personal devices).
    pub async fn login(&self, worker_number: String, pin: String) -> Result<WorkerProfile, WorkerVoiceError> {
        self.core.login(worker_number, pin).await.map_err(|e| self.error(e))
    }

    /// Logs in after a PIN change made on another device, giving the previous
    /// PIN once (answer to `VAULT_UNREADABLE`); online only.
    pub async fn login_with_previous_pin(
        &self,
        worker_number: String,
        pin: String,
        previous_pin: String,
    ) -> Result<WorkerProfile, WorkerVoiceError> {
        self.core.login_with_previous_pin(worker_number, pin, previous_pin).await.map_err(|e| self.error(e))
    }

    /// Signs in without the hub. Personal devices: opens the vault with the
    /// PIN (after an earlier online login). Shared devices: starts a
    /// provisional session the hub confirms at the next sync; it can submit
    /// (named reports are held until then) but opens nothing stored.
    pub fn unlock_offline(&self, worker_number: String, pin: String) -> Result<WorkerProfile, WorkerVoiceError> {
        self.core.unlock_offline(&worker_number, &pin).map_err(|e| self.error(e))
    }

    /// Changes the logged-in worker's PIN.
    pub async fn change_pin(&self, old_pin: String, new_pin: String) -> Result<(), WorkerVoiceError> {
        self.core.change_pin(old_pin, new_pin).await.map_err(|e| self.error(e))
    }

    /// Locks: ends the session and zeroizes its keys.
    pub fn lock(&self) {
        self.core.lock();
    }

    /// The logged-in worker, if any.
    pub fn current_worker(&self) -> Option<WorkerProfile> {
        self.core.current_worker()
    }

    /// Whether the session was signed in offline on a shared device: the app
    /// should say that history and replies need a connection.
    pub fn session_is_provisional(&self) -> bool {
        self.core.session_is_provisional()
    }

    /// Saves one private note; returns its id.
    pub fn save_note(&self, text: String) -> Result<String, WorkerVoiceError> {
        let mut ids = self.core.save_notes(&[text]).map_err(|e| self.error(e))?;
        ids.pop().ok_or_else(|| self.error(workervoice_core::ErrorCode::Internal.into()))
    }

    /// Saves many notes in one call and one transaction.
    pub fn save_notes(&self, texts: Vec<String>) -> Result<Vec<String>, WorkerVoiceError> {
        self.core.save_notes(&texts).map_err(|e| self.error(e))
    }

    /// A page of notes, newest first (at most 1,000 per call).
    pub fn list_notes(&self, limit: u32, offset: u32) -> Result<Vec<Note>, WorkerVoiceError> {
        self.core.list_notes(limit, offset).map_err(|e| self.error(e))
    }

    /// Number of notes.
    pub fn count_notes(&self) -> Result<u64, WorkerVoiceError> {
        self.core.count_notes().map_err(|e| self.error(e))
    }

    /// Grievance categories of the held directory, labelled in the current language.
    pub fn categories(&self) -> Result<Vec<CategoryOption>, WorkerVoiceError> {
        self.core.categories().map_err(|e| self.error(e))
    }

    /// Who can read a report on each route this device offers (organisation,
    /// number of readers, single reader), from the verified directory only:
    /// show it before the worker sends.
    pub fn route_readers(&self) -> Result<Vec<RouteReaders>, WorkerVoiceError> {
        self.core.route_readers().map_err(|e| self.error(e))
    }

    /// Checks a report's attachments by size in bytes, as the worker attaches
    /// them (the ones already attached and the new one): `TOO_MANY_ATTACHMENTS`
    /// or `ATTACHMENTS_TOO_LARGE` (an input error whose message names the
    /// limit), `INVALID_INPUT` for an empty file. `submit_grievance` checks
    /// the same.
    pub fn check_attachments(&self, sizes: Vec<u64>) -> Result<(), WorkerVoiceError> {
        workervoice_core::grievance::check_attachment_sizes(&sizes).map_err(|e| self.error(e))
    }

    /// Seals and queues a grievance; works offline. Returns the receipt (show it once).
    pub fn submit_grievance(&self, draft: GrievanceDraft) -> Result<SubmitOutcome, WorkerVoiceError> {
        self.core.submit_grievance(draft).map_err(|e| self.error(e))
    }

    /// Delivery state of a submission (`None` if unknown).
    pub fn submission_status(&self, client_id: String) -> Result<Option<SubmissionStatus>, WorkerVoiceError> {
        self.core.submission_status(&client_id).map_err(|e| self.error(e))
    }

    /// Outbox counts.
    pub fn outbox_summary(&self) -> Result<OutboxSummary, WorkerVoiceError> {
        self.core.outbox_summary().map_err(|e| self.error(e))
    }

    /// The logged-in worker's cases on this personal device.
    pub fn my_cases(&self) -> Result<Vec<CaseSummary>, WorkerVoiceError> {
        self.core.my_cases().map_err(|e| self.error(e))
    }

    /// One stored case with its thread.
    pub fn case_thread(&self, case_id: String) -> Result<CaseThread, WorkerVoiceError> {
        self.core.case_thread(&case_id).map_err(|e| self.error(e))
    }

    /// Syncs now (directory, outbox, case updates); `force` ignores retry
    /// delays. Its unsigned requests leave after random pauses (see
    /// [`Self::set_unsigned_send_spacing`]), so a sync can take a while.
    pub async fn sync_now(&self, force: bool) -> Result<SyncReport, WorkerVoiceError> {
        self.core.sync_now(force).await.map_err(|e| self.error(e))
    }

    /// The longest random pause before a sync's unsigned requests (reports,
    /// survey answers, case pulls) and between them, in seconds (default 20).
    /// It keeps them from reaching the hub in the same moment as the signed
    /// requests that name the device; 0 is for tests only.
    pub fn set_unsigned_send_spacing(&self, max_secs: u32) {
        self.core.set_unsigned_send_spacing(max_secs);
    }

    /// Follows a case up with its receipt, on any device.
    pub async fn follow_up(&self, case_id: String, secret: String) -> Result<CaseThread, WorkerVoiceError> {
        self.core.follow_up(case_id, secret).await.map_err(|e| self.error(e))
    }

    /// Replies to a case with its receipt.
    pub async fn reply_with_receipt(
        &self,
        case_id: String,
        secret: String,
        text: String,
    ) -> Result<(), WorkerVoiceError> {
        self.core.reply_with_receipt(case_id, secret, text).await.map_err(|e| self.error(e))
    }

    /// Replies to one of the logged-in worker's stored cases.
    pub async fn reply_to_case(&self, case_id: String, text: String) -> Result<(), WorkerVoiceError> {
        self.core.reply_to_case(case_id, text).await.map_err(|e| self.error(e))
    }
}
