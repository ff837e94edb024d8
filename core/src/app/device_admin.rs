//! Looking after a device: its health for the factory's device admin, handing
//! it back, and wiping it when the hub retires it or staff ask.
//!
//! A wipe crypto-shreds (`crate::kiosk::wipe`); this file ends the session
//! first and says what happened. Undelivered outbox items are sent first
//! when the hub can be reached: they are sealed to handlers and a lost
//! grievance is a harm.

use workervoice_protocol::enrol::{DeviceHealthReport, DeviceStatusResponse};
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::paths;

use super::{Inner, WorkerVoice, lock};
use crate::device::DeviceMode;
use crate::directory as dir;
use crate::error::{Error, ErrorCode};
use crate::events::Event;
use crate::kiosk::wipe::{self, WIPED_REQUEST};
use crate::net::{HubClient, NetError};
use crate::store::outbox;

/// How long a device keeps a delivered outbox row (without its bytes) while
/// a session lasts.
const DELIVERED_ROWS_KEPT_SECS: i64 = 24 * 3600;

/// Key of the last successful sync time in the store's meta table.
pub(super) const LAST_SYNC_AT: &str = "last_sync_at";

/// What the factory's device admin sees: sync health and storage, in counts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DeviceHealth {
    /// Whether the device is enrolled.
    pub enrolled: bool,
    /// Whether the hub retired it (it then holds nothing).
    pub retired: bool,
    /// Personal or shared.
    pub mode: Option<DeviceMode>,
    /// Last sync that reached the hub, unix seconds.
    pub last_sync_at: Option<i64>,
    /// Outbox items waiting.
    pub queued: u64,
    /// Outbox items the hub refused, kept.
    pub needs_attention: u64,
    /// Outbox items delivered (kept as receipts of delivery, without content).
    pub delivered: u64,
    /// Bytes the database uses.
    pub storage_bytes: u64,
    /// Recipient directory version held.
    pub directory_version: Option<u64>,
    /// Worker vaults on the device (a count, never who).
    pub worker_vaults: u64,
}

impl WorkerVoice {
    /// The device's health, for its admin screen.
    pub fn device_health(&self) -> Result<DeviceHealth, Error> {
        let status = self.status()?;
        let store = lock(&self.inner.store);
        let (queued, sending, delivered, needs_attention) = outbox::counts(store.conn())?;
        Ok(DeviceHealth {
            enrolled: status.enrolled,
            retired: status.retired,
            mode: status.mode,
            last_sync_at: store.meta(LAST_SYNC_AT)?,
            queued: queued + sending,
            needs_attention,
            delivered,
            storage_bytes: store.size_on_disk(),
            directory_version: dir::held_version(store.conn())?,
            worker_vaults: store.worker_vaults()?,
        })
    }

    /// Hands the device back: crypto-shreds everything on it and un-enrols
    /// it, so it can be enrolled again (e.g. for another factory). Sync first
    /// if the outbox is not empty: what is still queued is deleted.
    pub fn hand_back_device(&self) -> Result<(), Error> {
        self.inner.wipe(false)
    }
}

impl Inner {
    /// Ends the session and crypto-shreds the device (`kiosk::wipe`);
    /// `retired` keeps a marker row so it refuses everything afterwards,
    /// otherwise it returns to "not enrolled".
    pub(super) fn wipe(&self, retired: bool) -> Result<(), Error> {
        self.end_session();
        wipe::wipe_device(&self.store, &*self.keystore, retired)
    }

    /// Reports a shared device's health to the hub; learns if it was retired
    /// (and then wipes). Personal devices do not report: a signed request
    /// next to unsigned submissions would let the hub link them by timing.
    pub(super) async fn report_health(&self, client: &HubClient) -> Result<(), Error> {
        let device = self.load_device()?;
        if device.mode() != DeviceMode::Shared {
            return Ok(());
        }
        let signer = device.signer()?;
        let reply: Result<DeviceStatusResponse, NetError> =
            client.post_signed(paths::DEVICE_HEALTH, &self.health_report()?, &signer).await;
        match reply {
            Ok(status) => {
                self.apply_factory_idle_timeout(status.kiosk_idle_timeout_secs);
                let done = lock(&self.store).meta(WIPED_REQUEST)?;
                if let Some(requested) = status.wipe_requested
                    && Some(requested) != done
                {
                    // The queue went out earlier in this sync; what could
                    // not (sealed to handlers, or held for the hub to
                    // confirm a sign-in) stays. Then tell staff it is done.
                    self.wipe_workers(requested)?;
                    let _: Result<DeviceStatusResponse, NetError> =
                        client.post_signed(paths::DEVICE_HEALTH, &self.health_report()?, &signer).await;
                }
                Ok(())
            }
            Err(NetError::Refused(refusal)) if refusal.code == HubErrorCode::DeviceRetired => {
                self.retire_now()?;
                Err(ErrorCode::DeviceRetired.into())
            }
            // Health is best effort: a failure here never fails the sync.
            Err(_) => Ok(()),
        }
    }

    /// What a shared device reports at sync: counts only.
    fn health_report(&self) -> Result<DeviceHealthReport, Error> {
        let store = lock(&self.store);
        let (queued, sending, _, needs_attention) = outbox::counts(store.conn())?;
        Ok(DeviceHealthReport {
            queued: queued + sending,
            needs_attention,
            storage_bytes: store.size_on_disk(),
            directory_version: dir::held_version(store.conn())?,
            wiped: store.meta(WIPED_REQUEST)?,
        })
    }

    /// Staff asked the hub to wipe this tablet's workers' data and keep it in
    /// service: ends the session, then `kiosk::wipe::wipe_workers`.
    fn wipe_workers(&self, requested: i64) -> Result<(), Error> {
        self.end_session();
        wipe::wipe_workers(&self.store, &*self.keystore, requested)
    }

    /// The hub retired this device: wipe it and say so.
    pub(super) fn retire_now(&self) -> Result<(), Error> {
        self.wipe(true)?;
        self.emit(Event::DeviceRetired);
        Ok(())
    }

    /// After a refusal of a signed request: a retired device wipes itself.
    pub(super) fn on_refusal(&self, error: &NetError) {
        if matches!(error, NetError::Refused(refusal) if refusal.code == HubErrorCode::DeviceRetired) {
            let _ = self.retire_now();
        }
    }

    pub(super) fn record_sync(&self) {
        let store = lock(&self.store);
        let _ = store.set_meta(LAST_SYNC_AT, self.device_now());
        let offset = self.hub_clock_offset.load(std::sync::atomic::Ordering::SeqCst);
        let _ = store.set_meta(super::HUB_CLOCK_OFFSET_KEY, offset);
        // No device keeps a trace of what was sent once it is delivered: the
        // sealed bytes went at delivery, the rows go a day later (or when the
        // session ends, `forget_delivered`) — on phones too (ADR 0016).
        let shared = crate::store::device::load(store.conn()).ok().flatten().is_some_and(|row| row.mode == "shared");
        let _ = outbox::purge_delivered_before(store.conn(), self.device_now() - DELIVERED_ROWS_KEPT_SECS);
        drop(store);
        if shared && let Err(error) = self.enforce_kiosk_limits() {
            tracing::warn!(kind = "kiosk_limits", code = error.code().as_str(), "could not trim the tablet's storage");
        }
    }
}
