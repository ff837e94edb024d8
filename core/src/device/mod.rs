//! The device: its storage key, its identity, and its enrolment.
//!
//! Keys: a random *device storage key* (DSK) seals device-level secrets (the
//! identity) and keys the blind index of worker numbers. The DSK is stored
//! sealed under a key derived from [`DEVICE_SECRET_ALIAS`] in the platform key
//! store, so the database alone opens nothing: a copy on another device, or a
//! device whose key store was wiped, gets [`ErrorCode::DeviceKeysMissing`].
//!
//! Enrolment is two-phase so that a lost reply never strands a device: the
//! identity is generated and saved as *pending* before the hub is asked, and a
//! retry re-sends the same key.

use workervoice_protocol::enrol::DeviceMode as WireMode;
use zeroize::Zeroizing;

use crate::crypto::{self, Aad, DeviceIdentity, Key32, labels};
use crate::error::{Error, ErrorCode};
use crate::keystore::{DEVICE_SECRET_ALIAS, KeyStore};
use crate::net::Signer;
use crate::store::Store;
use crate::store::device::{self as rows, DeviceRow, DeviceState};

/// How the device is used (mirrors the wire type, with uniffi support).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DeviceMode {
    /// A worker's own phone.
    Personal,
    /// A shared kiosk tablet.
    Shared,
}

impl From<DeviceMode> for WireMode {
    fn from(mode: DeviceMode) -> Self {
        match mode {
            DeviceMode::Personal => WireMode::Personal,
            DeviceMode::Shared => WireMode::Shared,
        }
    }
}

impl From<WireMode> for DeviceMode {
    fn from(mode: WireMode) -> Self {
        match mode {
            WireMode::Personal => DeviceMode::Personal,
            WireMode::Shared => DeviceMode::Shared,
        }
    }
}

const OWNER: &str = "device";

fn aad(column: &'static str) -> Aad<'static> {
    Aad { table: "device", row: "1", owner: OWNER, column }
}

/// A device whose storage key is unlocked.
pub struct Device {
    row: DeviceRow,
    storage_key: Key32,
}

impl Device {
    /// Loads the device row and unlocks its storage key; `None` if the device
    /// has never started enrolment.
    pub fn load(store: &Store, keystore: &dyn KeyStore) -> Result<Option<Self>, Error> {
        let Some(row) = rows::load(store.conn())? else { return Ok(None) };
        if row.state == DeviceState::Retired {
            return Err(ErrorCode::DeviceRetired.into());
        }
        let secret = keystore.load_secret(DEVICE_SECRET_ALIAS)?.ok_or(ErrorCode::DeviceKeysMissing)?;
        let kek = derive_kek(&secret)?;
        let storage_key = crypto::open(&kek, aad("wrapped_storage_key"), &row.wrapped_storage_key)
            .map_err(|_| ErrorCode::DeviceKeysMissing)
            .and_then(|bytes| Key32::from_slice(&Zeroizing::new(bytes)).map_err(|_| ErrorCode::StorageCorrupt))?;
        // The canary tells a wrong key (above) from damaged data (here).
        crypto::open(&storage_key, aad("canary"), &row.canary)
            .ok()
            .filter(|plain| plain == labels::CANARY_PLAINTEXT)
            .ok_or(ErrorCode::StorageCorrupt)?;
        Ok(Some(Self { row, storage_key }))
    }

    /// Creates (or replaces) a pending device with a fresh identity and keys,
    /// and saves it. Nothing is sent to the hub here.
    pub fn create_pending(
        store: &Store,
        keystore: &dyn KeyStore,
        hub_url: &str,
        code: &str,
        mode: DeviceMode,
    ) -> Result<Self, Error> {
        let secret = keystore.create_secret(DEVICE_SECRET_ALIAS)?;
        let kek = derive_kek(&secret)?;
        let storage_key = crypto::random_key()?;
        let identity = DeviceIdentity::generate()?;
        let row = DeviceRow {
            state: DeviceState::Pending,
            hub_url: hub_url.to_owned(),
            mode: WireMode::from(mode).as_str().to_owned(),
            wrapped_storage_key: crypto::seal(&kek, aad("wrapped_storage_key"), storage_key.expose())?,
            canary: crypto::seal(&storage_key, aad("canary"), labels::CANARY_PLAINTEXT)?,
            identity: crypto::seal(&storage_key, aad("identity"), identity.pkcs8())?,
            public_key: identity.public_key()?,
            enrolment_code: Some(code.to_owned()),
            device_id: None,
            factory_id: None,
            factory_name: None,
            enrolled_at: None,
        };
        rows::save_pending(store.conn(), &row)?;
        Ok(Self { row, storage_key })
    }

    /// The stored row.
    pub fn row(&self) -> &DeviceRow {
        &self.row
    }

    /// Enrolment state.
    pub fn state(&self) -> DeviceState {
        self.row.state
    }

    /// The mode the device was enrolled in.
    pub fn mode(&self) -> DeviceMode {
        WireMode::parse(&self.row.mode).map_or(DeviceMode::Shared, DeviceMode::from)
    }

    /// The device identity.
    pub fn identity(&self) -> Result<DeviceIdentity, Error> {
        let pkcs8 = crypto::open(&self.storage_key, aad("identity"), &self.row.identity)?;
        Ok(DeviceIdentity::from_pkcs8(Zeroizing::new(pkcs8))?)
    }

    /// A signer for requests, once enrolled.
    pub fn signer(&self) -> Result<Signer, Error> {
        match (self.row.state, &self.row.device_id) {
            (DeviceState::Enrolled, Some(device_id)) => Ok(Signer::new(device_id.clone(), self.identity()?)),
            (DeviceState::Retired, _) => Err(ErrorCode::DeviceRetired.into()),
            _ => Err(ErrorCode::NotEnrolled.into()),
        }
    }

    /// The blind index of a worker number at this device's factory. Numbers
    /// are compared as the hub compares them: trimmed, case-insensitive.
    pub fn worker_lookup(&self, worker_number: &str) -> Vec<u8> {
        let factory = self.row.factory_id.as_deref().unwrap_or_default();
        let number = worker_number.trim().to_uppercase();
        crypto::derive_lookup(&self.storage_key, format!("{factory}\n{number}").as_bytes())
    }

    /// Records the hub's confirmation of enrolment.
    pub fn mark_enrolled(
        &mut self,
        store: &Store,
        device_id: &str,
        factory_id: &str,
        factory_name: &str,
        now: i64,
    ) -> Result<(), Error> {
        rows::mark_enrolled(store.conn(), device_id, factory_id, factory_name, now)?;
        self.row.state = DeviceState::Enrolled;
        self.row.enrolment_code = None;
        self.row.device_id = Some(device_id.to_owned());
        self.row.factory_id = Some(factory_id.to_owned());
        self.row.factory_name = Some(factory_name.to_owned());
        self.row.enrolled_at = Some(now);
        Ok(())
    }
}

fn derive_kek(secret: &[u8]) -> Result<Key32, Error> {
    let secret = Key32::from_slice(secret).map_err(|_| ErrorCode::KeyStoreUnavailable)?;
    Ok(crypto::derive_key(&secret, labels::DEVICE_KEK))
}
