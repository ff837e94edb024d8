//! The order of a sync pass, and what it asks of the app.
//!
//! One pass, one at a time: the directory, then (on a kiosk) the offline
//! sign-ins the hub must confirm, then the outbox, the device's health
//! report, the worker's training progress, and (on a personal device) the
//! worker's case updates. A failure of one step (a garbled directory reply,
//! a refused pull) does not stop the others: the outbox goes out whatever
//! the rest does. Only a failure on this device (storage, keys) aborts.
//!
//! The steps that belong to another capability (kiosk sign-ins, training
//! progress, survey responses, the health report) are the app's: it passes
//! itself as a [`SyncHost`], so this module needs nothing of `app`.

use std::sync::Mutex;

use super::{SyncReport, directory, lock, outbox_push, pull};
use crate::auth::Session;
use crate::device::{Device, DeviceMode};
use crate::error::{Error, ErrorCode};
use crate::events::Event;
use crate::net::{HubClient, HubTime, NetError};
use crate::store::Store;
use crate::store::outbox;

/// What a sync pass needs from the app that runs it: its state, and each
/// other capability's part of the pass.
#[allow(async_fn_in_trait)] // implemented once, by the app, and called with that concrete type
pub trait SyncHost: Sync {
    /// The device's database.
    fn store(&self) -> &Mutex<Store>;
    /// The signed-in worker, if any.
    fn session(&self) -> &Mutex<Option<Session>>;
    /// The device's clock and its estimate of the hub's.
    fn hub_time(&self) -> HubTime;
    /// The programme's pinned key (the directory must be signed by it).
    fn pinned_key(&self) -> Option<&[u8]>;
    /// Held for the whole pass: one pass at a time.
    fn sync_lock(&self) -> &tokio::sync::Mutex<()>;
    /// The enrolled device.
    fn load_device(&self) -> Result<Device, Error>;
    /// A client for the hub at `hub_url`.
    fn client(&self, hub_url: &str) -> Result<HubClient, Error>;
    /// Whether the platform says there is a network.
    fn online(&self) -> bool;
    /// Tells the app's listener.
    fn emit(&self, event: Event);
    /// Tells the listener the outbox's counts.
    fn emit_outbox_changed(&self);
    /// Kiosk: asks the hub to confirm offline sign-ins, releasing or parking what they hold.
    async fn confirm_sign_ins(&self, client: &HubClient, device: &Device, report: &mut SyncReport)
    -> Result<(), Error>;
    /// Training: sends one queued progress upload.
    async fn push_progress(&self, client: &HubClient, body: &[u8]) -> super::PushOutcome;
    /// Training: a progress upload was delivered (a pull of progress is now due).
    fn progress_delivered(&self);
    /// Surveys: sends one queued survey response.
    async fn push_survey_response(&self, client: &HubClient, body: &[u8]) -> super::PushOutcome;
    /// Kiosk: reports the device's health to the hub (and obeys its answer).
    async fn report_health(&self, client: &HubClient) -> Result<(), Error>;
    /// Remembers that a pass reached the hub.
    fn record_sync(&self);
    /// Training: whether the signed-in worker's progress should be pulled now.
    fn progress_pull_due(&self, force: bool) -> Result<bool, Error>;
    /// Training: pulls the worker's progress; returns the events received.
    async fn pull_progress(&self, client: &HubClient) -> Result<u32, Error>;
}

/// Whether an error comes from this device (storage, keys) rather than the
/// network or the hub: only those abort a sync.
fn is_local_failure(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::StorageCorrupt
            | ErrorCode::DiskFull
            | ErrorCode::StorageFailed
            | ErrorCode::KeyStoreUnavailable
            | ErrorCode::DeviceKeysMissing
            | ErrorCode::Internal
    )
}

/// Runs one sync pass. `force` ignores retry delays and the directory's
/// refresh interval.
pub async fn run<H: SyncHost>(host: &H, force: bool) -> Result<SyncReport, Error> {
    let _one_at_a_time = host.sync_lock().lock().await;
    let device = host.load_device()?;
    device.signer()?;
    let client = host.client(&device.row().hub_url)?;
    let mut report = SyncReport::default();
    host.emit(Event::SyncStarted);
    if !host.online() {
        report.offline = true;
        return finish(host, report);
    }
    match directory::refresh(host.store(), &client, host.pinned_key(), &host.hub_time(), force, &mut report).await {
        Ok(()) => {}
        Err(NetError::Unreachable) => report.offline = true,
        Err(_) => tracing::info!(kind = "directory_refresh_failed", "keeping the held directory"),
    }
    if !report.offline && device.mode() == DeviceMode::Shared {
        host.confirm_sign_ins(&client, &device, &mut report).await?;
    }
    if !report.offline {
        outbox_push::push_due(host, &client, force, &mut report).await?;
    }
    if !report.offline {
        host.report_health(&client).await?;
        host.record_sync();
    }
    if !report.offline && host.progress_pull_due(force)? {
        match host.pull_progress(&client).await {
            Ok(events) => report.progress_events = events,
            Err(error) if error.code() == ErrorCode::NetworkUnavailable => report.offline = true,
            Err(error) if !is_local_failure(error.code()) => {}
            Err(error) => return Err(error),
        }
    }
    if !report.offline && device.mode() == DeviceMode::Personal {
        match pull::pull_cases(host.store(), host.session(), &client, &host.hub_time()).await {
            Ok(events) => {
                if events > 0 {
                    host.emit(Event::CasesUpdated { events });
                }
                report.case_events = events;
            }
            Err(error) if error.code() == ErrorCode::NetworkUnavailable => report.offline = true,
            // No worker, or a bad or refused reply: cursors stay, next sync retries.
            Err(error) if !is_local_failure(error.code()) => {}
            Err(error) => return Err(error),
        }
    }
    finish(host, report)
}

/// Counts what is left in the outbox and tells the listener the pass ended.
fn finish<H: SyncHost>(host: &H, mut report: SyncReport) -> Result<SyncReport, Error> {
    let (queued, sending, _delivered, needs_attention) = outbox::counts(lock(host.store()).conn())?;
    report.pending = u32::try_from(queued + sending).unwrap_or(u32::MAX);
    report.needs_attention = u32::try_from(needs_attention).unwrap_or(u32::MAX);
    host.emit_outbox_changed();
    host.emit(Event::SyncFinished { delivered: report.delivered, pending: report.pending, offline: report.offline });
    Ok(report)
}
