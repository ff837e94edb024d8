//! A worker's session on the device: logging in (online, or offline on a
//! personal device, or provisionally on a kiosk), changing the PIN, locking,
//! and the kiosk idle time-out that ends a session nobody is using.

use std::sync::MutexGuard;

use workervoice_protocol::auth::{
    AuthParamsRequest, AuthParamsResponse, ChangePinRequest, KdfParams, LoginRequest, LoginResponse,
};
use workervoice_protocol::{auth, paths};
use zeroize::Zeroizing;

use super::{IDLE_TIMEOUT_KEY, Inner, UTC_OFFSET_KEY, WorkerVoice, lock};
use crate::auth::{self as vault, Session, WorkerProfile};
use crate::device::{Device, DeviceMode};
use crate::error::{Error, ErrorCode};
use crate::events::Event;
use crate::grievance;
use crate::net::{HubClient, NetError};

impl WorkerVoice {
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

    /// Seconds left before an idle kiosk session ends by itself, for the
    /// shell's countdown; `None` when there is no kiosk session (personal
    /// devices never time out). Ends the session first if its time is up.
    pub fn idle_seconds_left(&self) -> Option<u32> {
        if self.inner.expire_if_idle() {
            return None;
        }
        let now = self.inner.now_millis();
        let timeout = self.inner.idle_timeout_ms.load(std::sync::atomic::Ordering::SeqCst);
        let session = lock(&self.inner.session);
        let session = session.as_ref().filter(|s| s.kiosk)?;
        let left_ms = session.last_active_ms.saturating_add(timeout).saturating_sub(now).max(0);
        Some(u32::try_from(left_ms.saturating_add(999) / 1000).unwrap_or(u32::MAX))
    }

    /// Records that the worker is using the screen (a tap, "I'm still here"),
    /// so the idle time-out counts from now. A session already past its time
    /// ends instead: a tap never revives it.
    pub fn keep_session_alive(&self) {
        if !self.inner.expire_if_idle() {
            drop(self.inner.touched_session());
        }
    }

    /// Whether the open session was signed in offline on a shared device and
    /// waits for the hub to confirm it (it can submit but not read history).
    pub fn session_is_provisional(&self) -> bool {
        self.inner.expire_if_idle();
        lock(&self.inner.session).as_ref().is_some_and(Session::is_provisional)
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
}

impl Inner {
    /// Applies (and remembers) the factory's kiosk idle time-out from the hub.
    pub(super) fn apply_factory_idle_timeout(&self, secs: Option<u32>) {
        let Some(secs) = secs else { return };
        self.idle_timeout_ms.store(i64::from(secs.max(10)) * 1000, std::sync::atomic::Ordering::SeqCst);
        let _ = lock(&self.store).set_meta(IDLE_TIMEOUT_KEY, i64::from(secs));
    }

    /// Ends a kiosk session idle past the timeout; returns whether it did.
    pub(super) fn expire_if_idle(&self) -> bool {
        let now = self.now_millis();
        let timeout = self.idle_timeout_ms.load(std::sync::atomic::Ordering::SeqCst);
        let expired = {
            let mut session = lock(&self.session);
            let idle = session.as_ref().is_some_and(|s| s.kiosk && now - s.last_active_ms > timeout);
            // Dropping the session zeroizes its keys.
            idle.then(|| session.take()).flatten().is_some()
        };
        if expired {
            self.forget_delivered();
            self.emit(Event::SessionTimedOut);
            self.emit(Event::SessionEnded);
        }
        expired
    }

    /// Deletes every delivered outbox row and truncates the WAL, on every
    /// kind of device, when a session ends: a row's local id, kind and times
    /// are all it keeps after delivery, and nobody signed in needs its
    /// "delivered" any more. Whoever takes the phone after the worker
    /// logged out finds no trace of what was sent (ADR 0016). Undelivered
    /// items stay: they are the worker's words on their way.
    fn forget_delivered(&self) {
        let store = lock(&self.store);
        if let Err(error) = store.forget_delivered() {
            tracing::warn!(
                kind = "forget_delivered",
                code = crate::error::Error::from(error).code().as_str(),
                "delivered outbox rows could not be removed"
            );
        }
    }

    /// Seals the worker's cases still held as a store of schema version 8 or
    /// earlier kept them (case id, owner, status in clear): the upgrade could
    /// not, since only now is their vault key open (ADR 0016). On failure
    /// the old rows stay and the next sign-in tries again; sign-in goes on.
    fn convert_legacy_cases(&self, session: &Session) {
        let Ok(vault_key) = session.vault_key() else { return };
        let mut store = lock(&self.store);
        let converted = store.transaction(|tx| grievance::convert_legacy(tx, vault_key, &session.local_id));
        if let Err(error) = converted {
            tracing::warn!(kind = "convert_legacy_cases", code = error.code().as_str(), "cases not converted");
        }
    }

    /// The session lock, with the session's activity time refreshed.
    pub(super) fn touched_session(&self) -> MutexGuard<'_, Option<Session>> {
        let now = self.now_millis();
        let mut session = lock(&self.session);
        if let Some(session) = session.as_mut() {
            session.last_active_ms = now;
        }
        session
    }

    pub(super) fn start_session(&self, mut session: Session) -> WorkerProfile {
        session.last_active_ms = self.now_millis();
        session.kiosk = self.load_device().is_ok_and(|device| device.mode() == DeviceMode::Shared);
        let profile = session.profile.clone();
        let offline = session.offline;
        self.convert_legacy_cases(&session);
        // Replacing a session drops (and zeroizes) the previous one first.
        *lock(&self.session) = Some(session);
        self.emit(Event::SessionStarted { offline });
        profile
    }

    pub(super) fn end_session(&self) {
        let ended = lock(&self.session).take().is_some();
        if ended {
            self.forget_delivered();
            self.emit(Event::SessionEnded);
        }
    }

    pub(super) async fn fetch_params(
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

    pub(super) fn open_online(
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

    pub(super) async fn login(
        &self,
        worker_number: &str,
        pin: &str,
        previous_pin: Option<&str>,
    ) -> Result<WorkerProfile, Error> {
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

    pub(super) fn unlock_offline(&self, worker_number: &str, pin: &str) -> Result<WorkerProfile, Error> {
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

    pub(super) async fn change_pin(&self, old_pin: &str, new_pin: &str) -> Result<(), Error> {
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

pub(super) async fn stretch_off_thread(pin: &str, kdf: &KdfParams) -> Result<crate::crypto::PinSecrets, Error> {
    let pin = Zeroizing::new(pin.to_owned());
    let kdf = kdf.clone();
    tokio::task::spawn_blocking(move || vault::stretch(&pin, &kdf)).await.map_err(|_| ErrorCode::Internal)?
}
