//! The app's kiosk calls at sync: asking the hub to confirm sign-ins made
//! offline (`crate::kiosk::confirm`), and running the upkeep that keeps a
//! tablet used by thousands of workers small (`crate::kiosk::upkeep`).

use super::{Inner, lock};
use crate::device::Device;
use crate::error::{Error, ErrorCode};
use crate::events::Event;
use crate::kiosk::{confirm, upkeep};
use crate::net::HubClient;
use crate::sync::SyncReport;

impl Inner {
    /// Asks the hub about every offline sign-in still waiting
    /// (`kiosk::confirm`); counts them in `report`, and wipes the device if
    /// the hub retired it.
    pub(super) async fn confirm_sign_ins(
        &self,
        client: &HubClient,
        device: &Device,
        report: &mut SyncReport,
    ) -> Result<(), Error> {
        let session_ended = || self.emit(Event::SessionEnded);
        let done = confirm::confirm_sign_ins(client, device, &self.session, &self.store, session_ended).await?;
        report.sign_ins_confirmed += done.confirmed;
        report.sign_ins_rejected += done.rejected;
        report.offline |= done.offline;
        if done.retired {
            self.retire_now()?;
            return Err(ErrorCode::DeviceRetired.into());
        }
        Ok(())
    }

    /// Keeps a tablet small and shreds the forgotten vaults' key-store
    /// secrets (`kiosk::upkeep::run`). Returns how many vaults went.
    pub(super) fn enforce_kiosk_limits(&self) -> Result<usize, Error> {
        let open = lock(&self.session).as_ref().map(|session| session.local_id.clone());
        upkeep::run(&self.store, &*self.keystore, open.as_deref(), self.device_now())
    }
}
