//! Enrolment: the device with its factory's hub (a typed code or a QR), and
//! a worker on the device (an activation code from staff, or
//! self-registration where the factory allows it).

use workervoice_protocol::auth::{ActivateRequest, LoginResponse, RegisterRequest};
use workervoice_protocol::codes::{ActivationQr, EnrolmentQr};
use workervoice_protocol::enrol::{EnrolRequest, EnrolResponse, enrol_challenge};
use workervoice_protocol::{auth, paths};
use zeroize::Zeroizing;

use super::session::stretch_off_thread;
use super::{DeviceStatus, Inner, WorkerVoice, lock};
use crate::auth::{self as vault, WorkerProfile};
use crate::device::{Device, DeviceMode};
use crate::error::{Error, ErrorCode};
use crate::events::Event;
use crate::store::device::DeviceState;

/// What a worker card's QR code fills in on the activation screen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WorkerCard {
    /// The worker's number in the factory's roster.
    pub worker_number: String,
    /// The one-time activation code printed beside the QR code.
    pub activation_code: String,
}

impl WorkerVoice {
    /// Reads a scanned worker card (`workervoice://activate?…`, the QR code
    /// the console prints on each card) for this device: its worker number
    /// and activation code, to fill in before the worker chooses a PIN.
    /// Nothing is sent; [`activate`](Self::activate) checks the code with
    /// the hub. Refuses a QR code that is not a card's
    /// ([`ErrorCode::NotAWorkerCard`]) and a card for another hub than the
    /// one this device is enrolled with ([`ErrorCode::CardForAnotherHub`]):
    /// its code could only fail here, and the worker should hear why.
    pub fn read_worker_card(&self, payload: &str) -> Result<WorkerCard, Error> {
        let card = ActivationQr::parse(payload).ok_or(ErrorCode::NotAWorkerCard)?;
        if card.worker_number.trim().is_empty() || card.code.trim().is_empty() {
            return Err(ErrorCode::NotAWorkerCard.into());
        }
        let device = self.inner.load_device()?;
        if !same_hub(&card.hub_url, &device.row().hub_url) {
            return Err(ErrorCode::CardForAnotherHub.into());
        }
        Ok(WorkerCard { worker_number: card.worker_number.trim().to_owned(), activation_code: card.code })
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
}

/// Whether two hub URLs name the same hub: scheme, host and port, and the
/// path without its trailing slash (the console writes the hub's public URL
/// as staff configured it, the device keeps the one it enrolled with).
fn same_hub(a: &str, b: &str) -> bool {
    let key = |text: &str| {
        url::Url::parse(text.trim()).ok().map(|url| {
            (
                url.scheme().to_owned(),
                url.host_str().map(str::to_ascii_lowercase),
                url.port_or_known_default(),
                url.path().trim_end_matches('/').to_owned(),
            )
        })
    };
    matches!((key(a), key(b)), (Some(a), Some(b)) if a == b)
}

impl Inner {
    pub(super) async fn enrol(&self, code_or_qr: &str, mode: DeviceMode) -> Result<(), Error> {
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

    pub(super) async fn activate(
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

    pub(super) async fn register(
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
}

#[cfg(test)]
mod card_tests {
    use super::same_hub;

    #[test]
    fn a_hub_url_is_the_same_hub_whatever_its_trailing_slash_case_or_default_port() {
        assert!(same_hub("https://hub.example.org", "https://hub.example.org/"));
        assert!(same_hub("https://HUB.example.org:443/", "https://hub.example.org"));
        assert!(same_hub("https://example.org/wv/", "https://example.org/wv"));
        assert!(!same_hub("https://hub.example.org", "http://hub.example.org"));
        assert!(!same_hub("https://hub.example.org", "https://hub.example.org:8443"));
        assert!(!same_hub("https://hub.example.org", "https://other.example.org"));
        assert!(!same_hub("https://example.org/a", "https://example.org/b"));
        assert!(!same_hub("not a url", "not a url"));
    }
}
