//! The order of a sync pass, and what it asks of the app.
//!
//! One pass, one at a time, in three steps whose requests never share a
//! connection (ADR 0016):
//!
//! 1. **Signed**, on a pooled client: the directory, then (on a kiosk) the
//!    offline sign-ins the hub must confirm, and the queued training
//!    progress uploads. Every request here may name the device or a worker.
//! 2. **Unsigned**, after a random pause and on a client that keeps no
//!    connection: reports, survey answers and (on a personal device) the
//!    worker's case updates, one case per request, each request on its own
//!    connection and after its own random pause. Nothing here names the
//!    device or a worker.
//! 3. **Signed** again, after another pause, on a new pooled client: the
//!    device's health report (whose answer may retire or wipe the device, so
//!    the outbox must have gone out before it) and the worker's training
//!    progress.
//!
//! A failure of one step (a garbled directory reply, a refused pull) does not
//! stop the others: the outbox goes out whatever the rest does. Only a
//! failure on this device (storage, keys) aborts.
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
    /// A client for the hub at `hub_url`, for signed requests.
    fn client(&self, hub_url: &str) -> Result<HubClient, Error>;
    /// A client for the hub at `hub_url` that opens a connection per request
    /// ([`HubClient::unpooled`]), for the unsigned phase.
    fn unsigned_client(&self, hub_url: &str) -> Result<HubClient, Error>;
    /// The longest random pause, in milliseconds, before the unsigned phase
    /// and between its requests (0: none, for tests).
    fn unsigned_spacing_max_millis(&self) -> u64;
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
/// refresh interval (never the random pauses of the unsigned phase, which
/// are its privacy).
pub async fn run<H: SyncHost>(host: &H, force: bool) -> Result<SyncReport, Error> {
    let _one_at_a_time = host.sync_lock().lock().await;
    let device = host.load_device()?;
    device.signer()?;
    let mut report = SyncReport::default();
    host.emit(Event::SyncStarted);
    if !host.online() {
        report.offline = true;
        return finish(host, report);
    }
    // The signed requests before the unsigned ones: the directory, kiosk
    // sign-ins (which release what they held) and queued progress, on their
    // own pooled client, dropped (its connections closed) before the pause.
    {
        let client = host.client(&device.row().hub_url)?;
        signed_before(host, &client, &device, force, &mut report).await?;
    }
    if report.offline {
        return finish(host, report);
    }
    let spacing = Spacing(host.unsigned_spacing_max_millis());
    spacing.pause().await;
    unsigned_phase(host, &device, &spacing, force, &mut report).await?;
    if report.offline {
        return finish(host, report);
    }
    // The health report after the outbox, on a client of its own after
    // another pause: its answer may retire or wipe the device, and what was
    // queued must have gone out first (a lost grievance is a harm).
    spacing.pause().await;
    let client = host.client(&device.row().hub_url)?;
    signed_after(host, &client, force, &mut report).await?;
    finish(host, report)
}

/// The unsigned phase: reports and survey answers (batched on a tablet),
/// then case pulls, each request on its own connection after its own pause.
async fn unsigned_phase<H: SyncHost>(
    host: &H,
    device: &Device,
    spacing: &Spacing,
    force: bool,
    report: &mut SyncReport,
) -> Result<(), Error> {
    let client = host.unsigned_client(&device.row().hub_url)?;
    // Only a tablet batches: its queue holds many workers' reports, and a
    // batch tells the hub no more than the tablet's address does. On a
    // personal phone a batch would tie one worker's reports together.
    let phase = outbox_push::Phase::Unsigned { spacing, batch: device.mode() == DeviceMode::Shared };
    outbox_push::push_due(host, &client, phase, force, report).await?;
    if !report.offline && device.mode() == DeviceMode::Personal {
        match pull::pull_cases(host.store(), host.session(), &client, &host.hub_time(), spacing).await {
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
    Ok(())
}

/// The signed requests that go before the unsigned phase.
async fn signed_before<H: SyncHost>(
    host: &H,
    client: &HubClient,
    device: &Device,
    force: bool,
    report: &mut SyncReport,
) -> Result<(), Error> {
    match directory::refresh(host.store(), client, host.pinned_key(), &host.hub_time(), force, report).await {
        Ok(()) => {}
        Err(NetError::Unreachable) => report.offline = true,
        Err(_) => tracing::info!(kind = "directory_refresh_failed", "keeping the held directory"),
    }
    if !report.offline && device.mode() == DeviceMode::Shared {
        host.confirm_sign_ins(client, device, report).await?;
    }
    if !report.offline {
        outbox_push::push_due(host, client, outbox_push::Phase::Signed, force, report).await?;
    }
    Ok(())
}

/// The signed requests that go after the unsigned phase: the health report
/// and the worker's training progress.
async fn signed_after<H: SyncHost>(
    host: &H,
    client: &HubClient,
    force: bool,
    report: &mut SyncReport,
) -> Result<(), Error> {
    host.report_health(client).await?;
    host.record_sync();
    if host.progress_pull_due(force)? {
        match host.pull_progress(client).await {
            Ok(events) => report.progress_events = events,
            Err(error) if error.code() == ErrorCode::NetworkUnavailable => report.offline = true,
            Err(error) if !is_local_failure(error.code()) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Random pauses of the unsigned phase: uniform in `[0, max]` milliseconds,
/// drawn afresh for each pause, so the moment an unsigned request leaves
/// says nothing about the signed ones (or the one before it).
pub struct Spacing(pub u64);

impl Spacing {
    /// Waits one random pause (none when the maximum is 0).
    pub async fn pause(&self) {
        if self.0 == 0 {
            return;
        }
        // A failed random source pauses the longest: never predictably short.
        let draw = crate::crypto::random_bytes::<8>().map_or(self.0, |bytes| u64::from_le_bytes(bytes) % (self.0 + 1));
        tokio::time::sleep(std::time::Duration::from_millis(draw)).await;
    }
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
