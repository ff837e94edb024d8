//! The app's kiosk calls at sync: asking the hub to confirm sign-ins made
//! offline (see `crate::kiosk::sign_in`), and running the upkeep that keeps
//! a tablet used by thousands of workers small (`crate::kiosk::upkeep`).

use workervoice_protocol::auth::{ConfirmSignInRequest, ConfirmSignInResponse};
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::paths;

use super::{Inner, lock};
use crate::device::Device;
use crate::error::Error;
use crate::kiosk::upkeep::{self, SIGN_IN_NOT_CONFIRMED};
use crate::net::{HubClient, NetError};
use crate::store::{offline_drafts, outbox, sign_ins};
use crate::sync::SyncReport;

impl Inner {
    /// Asks the hub about every offline sign-in still waiting; releases or
    /// parks the items each one held. Stops (`Ok`) when the hub cannot be
    /// reached; a locked worker's sign-in waits for staff to unlock.
    pub(super) async fn confirm_sign_ins(
        &self,
        client: &HubClient,
        device: &Device,
        report: &mut SyncReport,
    ) -> Result<(), Error> {
        let pending = sign_ins::pending(lock(&self.store).conn())?;
        if pending.is_empty() {
            return Ok(());
        }
        let signer = device.signer()?;
        for sign_in in pending {
            let request =
                ConfirmSignInRequest { sign_in_id: sign_in.id.clone(), enc: sign_in.enc, sealed: sign_in.sealed };
            let reply: Result<ConfirmSignInResponse, NetError> =
                client.post_signed(paths::AUTH_CONFIRM_OFFLINE, &request, &signer).await;
            let confirmed = match reply {
                Ok(reply) => reply.confirmed,
                Err(NetError::Unreachable) => {
                    report.offline = true;
                    return Ok(());
                }
                Err(NetError::Refused(refusal)) if refusal.code == HubErrorCode::DeviceRetired => {
                    self.retire_now()?;
                    return Err(crate::error::ErrorCode::DeviceRetired.into());
                }
                // Locked worker, hub trouble, a garbled reply: ask again next sync.
                Err(_) => continue,
            };
            // Session before store (the lock order): a submit in the same
            // session cannot slip in between the decision and the session
            // learning it, and be held by a sign-in that no longer waits.
            let mut session = lock(&self.session);
            let open_here = session.as_ref().is_some_and(|s| s.provisional_sign_in() == Some(sign_in.id.as_str()));
            let mut store = lock(&self.store);
            store.transaction(|tx| {
                if confirmed {
                    outbox::release_held(tx, &sign_in.id)?;
                    offline_drafts::release(tx, &sign_in.id)?;
                } else {
                    outbox::reject_held(tx, &sign_in.id, SIGN_IN_NOT_CONFIRMED)?;
                    offline_drafts::drop_held(tx, &sign_in.id)?;
                }
                sign_ins::remove(tx, &sign_in.id)?;
                Ok::<_, Error>(())
            })?;
            drop(store);
            let mut ended = false;
            if open_here {
                if confirmed {
                    if let Some(session) = session.as_mut() {
                        session.sign_in_confirmed();
                    }
                } else {
                    // Whoever is at the tablet did not know the PIN: end it.
                    ended = session.take().is_some();
                }
            }
            drop(session);
            if ended {
                self.emit(crate::events::Event::SessionEnded);
            }
            if confirmed {
                // A worker who signed in offline and then online before this
                // sync gets the drafts of that offline session now.
                let session = lock(&self.session);
                if let Some(session) = session.as_ref().filter(|s| !s.is_provisional()) {
                    crate::kiosk::drafts::import_offline(&mut lock(&self.store), session)?;
                }
                drop(session);
                report.sign_ins_confirmed += 1;
            } else {
                report.sign_ins_rejected += 1;
            }
        }
        Ok(())
    }

    /// Keeps a tablet small (`kiosk::upkeep`), then shreds the forgotten
    /// vaults' key-store secrets. Returns how many vaults went.
    pub(super) fn enforce_kiosk_limits(&self) -> Result<usize, Error> {
        let open = lock(&self.session).as_ref().map(|session| session.local_id.clone());
        let now = self.device_now();
        let evicted = upkeep::forget_old_vaults(&mut lock(&self.store), open.as_deref(), now)?;
        self.shred_vault_secrets(&evicted);
        Ok(evicted.len())
    }
}
