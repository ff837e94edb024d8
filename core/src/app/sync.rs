//! The app's sync call, and what a sync pass asks of the app: its state and
//! each capability's part. The order of the pass is `crate::sync::run`.

use std::sync::Mutex;
use std::sync::atomic::Ordering;

use super::{Inner, WorkerVoice};
use crate::auth::Session;
use crate::device::Device;
use crate::error::Error;
use crate::events::Event;
use crate::net::{HubClient, HubTime};
use crate::store::Store;
use crate::sync::{self, PushOutcome, SyncHost, SyncReport};

impl WorkerVoice {
    /// Syncs now: directory, outbox, and (with a logged-in worker on a
    /// personal device) case updates. `force` ignores retry delays.
    pub async fn sync_now(&self, force: bool) -> Result<SyncReport, Error> {
        let inner = self.inner.clone();
        self.runtime.spawn(async move { sync::run(&*inner, force).await }).await
    }

    /// Sets the longest random pause before a sync's unsigned requests
    /// (reports, survey answers, case pulls) and between them, in seconds
    /// (default [`sync::DEFAULT_UNSIGNED_SPACING_MAX_SECS`]). The pauses keep
    /// those requests from arriving at the hub in the same moment as the
    /// signed ones that name the device (ADR 0016); tests set 0.
    pub fn set_unsigned_send_spacing(&self, max_secs: u32) {
        self.inner.unsigned_spacing_max_millis.store(u64::from(max_secs) * 1000, Ordering::Relaxed);
    }
}

// Each method forwards to the capability's own code in this module's
// siblings (kiosk, training, surveys, device admin); the async ones hand back
// that code's future as it is, without wrapping it in another.
impl SyncHost for Inner {
    fn store(&self) -> &Mutex<Store> {
        &self.store
    }

    fn session(&self) -> &Mutex<Option<Session>> {
        &self.session
    }

    fn hub_time(&self) -> HubTime {
        Inner::hub_time(self)
    }

    fn pinned_key(&self) -> Option<&[u8]> {
        Inner::pinned_key(self).ok()
    }

    fn sync_lock(&self) -> &tokio::sync::Mutex<()> {
        &self.sync_lock
    }

    fn load_device(&self) -> Result<Device, Error> {
        Inner::load_device(self)
    }

    fn client(&self, hub_url: &str) -> Result<HubClient, Error> {
        Inner::client(self, hub_url)
    }

    fn unsigned_client(&self, hub_url: &str) -> Result<HubClient, Error> {
        Inner::unsigned_client(self, hub_url)
    }

    fn unsigned_spacing_max_millis(&self) -> u64 {
        self.unsigned_spacing_max_millis.load(Ordering::Relaxed)
    }

    fn online(&self) -> bool {
        Inner::online(self)
    }

    fn emit(&self, event: Event) {
        Inner::emit(self, event);
    }

    fn emit_outbox_changed(&self) {
        Inner::emit_outbox_changed(self);
    }

    fn confirm_sign_ins(
        &self,
        client: &HubClient,
        device: &Device,
        report: &mut SyncReport,
    ) -> impl Future<Output = Result<(), Error>> {
        Inner::confirm_sign_ins(self, client, device, report)
    }

    fn push_progress(&self, client: &HubClient, body: &[u8]) -> impl Future<Output = PushOutcome> {
        Inner::push_progress(self, client, body)
    }

    fn progress_delivered(&self) {
        self.progress_sent.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn push_survey_response(&self, client: &HubClient, body: &[u8]) -> impl Future<Output = PushOutcome> {
        Inner::push_survey_response(self, client, body)
    }

    fn report_health(&self, client: &HubClient) -> impl Future<Output = Result<(), Error>> {
        Inner::report_health(self, client)
    }

    fn record_sync(&self) {
        Inner::record_sync(self);
    }

    fn progress_pull_due(&self, force: bool) -> Result<bool, Error> {
        Inner::progress_pull_due(self, force)
    }

    fn pull_progress(&self, client: &HubClient) -> impl Future<Output = Result<u32, Error>> {
        Inner::pull_progress(self, client)
    }
}
