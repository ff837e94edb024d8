//! Confirming offline sign-ins at sync: the hub says whether each sign-in
//! made offline on this tablet was the worker's (see [`super::sign_in`]);
//! the items it held are then released or parked, and a provisional
//! session still open learns the answer (or ends, when whoever is at the
//! tablet did not know the PIN). The app's sync calls this with its
//! session and store.

use std::sync::Mutex;

use workervoice_protocol::auth::{ConfirmSignInRequest, ConfirmSignInResponse};
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::paths;

use super::upkeep::SIGN_IN_NOT_CONFIRMED;
use crate::auth::Session;
use crate::device::Device;
use crate::error::Error;
use crate::net::{HubClient, NetError};
use crate::runtime::lock;
use crate::store::{Store, offline_drafts, outbox, sign_ins};

/// What asking the hub about the waiting sign-ins came to.
#[derive(Debug, Default)]
pub(crate) struct Confirmations {
    /// Sign-ins the hub confirmed.
    pub(crate) confirmed: u32,
    /// Sign-ins the hub rejected (their items parked, their session ended).
    pub(crate) rejected: u32,
    /// The hub could not be reached: the rest wait for the next sync.
    pub(crate) offline: bool,
    /// The hub retired this device: the caller wipes it.
    pub(crate) retired: bool,
}

/// Asks the hub about every offline sign-in still waiting; releases or
/// parks the items each one held. Stops when the hub cannot be reached or
/// retired the device (said in the result); a locked worker's sign-in
/// waits for staff to unlock. `session_ended` is called as soon as a
/// rejected sign-in's session is ended.
pub(crate) async fn confirm_sign_ins(
    client: &HubClient,
    device: &Device,
    session: &Mutex<Option<Session>>,
    store: &Mutex<Store>,
    session_ended: impl Fn(),
) -> Result<Confirmations, Error> {
    let mut done = Confirmations::default();
    let pending = sign_ins::pending(lock(store).conn())?;
    if pending.is_empty() {
        return Ok(done);
    }
    let signer = device.signer()?;
    for sign_in in pending {
        let request = ConfirmSignInRequest { sign_in_id: sign_in.id.clone(), enc: sign_in.enc, sealed: sign_in.sealed };
        let reply: Result<ConfirmSignInResponse, NetError> =
            client.post_signed(paths::AUTH_CONFIRM_OFFLINE, &request, &signer).await;
        let confirmed = match reply {
            Ok(reply) => reply.confirmed,
            Err(NetError::Unreachable) => {
                done.offline = true;
                return Ok(done);
            }
            Err(NetError::Refused(refusal)) if refusal.code == HubErrorCode::DeviceRetired => {
                done.retired = true;
                return Ok(done);
            }
            // Locked worker, hub trouble, a garbled reply: ask again next sync.
            Err(_) => continue,
        };
        // Session before store (the lock order): a submit in the same
        // session cannot slip in between the decision and the session
        // learning it, and be held by a sign-in that no longer waits.
        let mut open = lock(session);
        let open_here = open.as_ref().is_some_and(|s| s.provisional_sign_in() == Some(sign_in.id.as_str()));
        let mut rows = lock(store);
        rows.transaction(|tx| {
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
        drop(rows);
        let mut ended = false;
        if open_here {
            if confirmed {
                if let Some(open) = open.as_mut() {
                    open.sign_in_confirmed();
                }
            } else {
                // Whoever is at the tablet did not know the PIN: end it.
                ended = open.take().is_some();
            }
        }
        drop(open);
        if ended {
            session_ended();
        }
        if confirmed {
            // A worker who signed in offline and then online before this
            // sync gets the drafts of that offline session now.
            let open = lock(session);
            if let Some(open) = open.as_ref().filter(|s| !s.is_provisional()) {
                super::drafts::import_offline(&mut lock(store), open)?;
            }
            drop(open);
            done.confirmed += 1;
        } else {
            done.rejected += 1;
        }
    }
    Ok(done)
}
