//! Per-worker authentication and the worker's vault on this device.
//!
//! A worker's data on a device sits under a random *vault key*. The vault key
//! is stored wrapped by the *unlock key*, which is derived from three inputs
//! (see `crypto::kdf`): the stretched PIN, a pepper from the platform key store
//! and a share the hub releases after verifying a proof of the PIN. Changing
//! the PIN re-wraps the vault key; no data is re-encrypted.
//!
//! On a personal device the hub share is cached, sealed under a key from the
//! platform key store, so the worker can unlock offline with their PIN; five
//! wrong PINs offline remove the cache and the next unlock must be online,
//! where the hub counts attempts. A shared device never caches it.

mod kiosk_offline;

pub use crate::pin_policy;

use serde::{Deserialize, Serialize};
use workervoice_protocol::auth::{KdfParams, LoginResponse, MIN_PBKDF2_ITERATIONS, SALT_LEN};
use zeroize::Zeroizing;

pub use crate::pin_policy::{WeakPinReason, check_format, check_new_pin};
pub(crate) use kiosk_offline::{OfflineData, check_of, offline_data, offline_data_aad, refresh_after_pin_change};

use crate::crypto::{self, Aad, Key32, PinSecrets, labels};
use crate::device::{Device, DeviceMode};
use crate::error::{Error, ErrorCode};
use crate::keystore::{KeyStore, worker_alias};
use crate::store::Store;
use crate::store::progress::LoggedEvent;
use crate::store::workers::{self as rows, WorkerRow};

/// Wrong offline PINs before offline unlock is switched off until the next online login.
pub const MAX_OFFLINE_FAILURES: u32 = 5;

/// Who is logged in, as the app may show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WorkerProfile {
    /// The hub's id for the worker.
    pub worker_id: String,
    /// The worker number.
    pub worker_number: String,
    /// Name from the roster.
    pub display_name: String,
    /// Preferred language (BCP 47), used for this session's messages.
    pub language: String,
}

/// A signed-in worker. Dropping it zeroizes the keys and anything held in memory.
pub struct Session {
    /// The vault's local id (owner of the worker's rows).
    pub local_id: String,
    /// The worker.
    pub profile: WorkerProfile,
    access: Access,
    /// Whether this session was unlocked without the hub.
    pub offline: bool,
    /// Last activity (clock milliseconds); set by the app layer.
    pub(crate) last_active_ms: i64,
    /// Whether the session runs on a shared device (kiosk rules apply).
    pub(crate) kiosk: bool,
}

/// What a session can open.
enum Access {
    /// The vault is open: the worker's stored data can be read and written.
    Vault { vault_key: Key32, hub_share: Key32, kdf: KdfParams },
    /// Signed in offline on a kiosk ([`kiosk`]): nothing stored can be
    /// opened; what the worker submits is held until the hub confirms the
    /// sign-in (`confirmed` if it does while the session is still open);
    /// drafts and training progress live in memory only, for this session.
    Provisional(Box<Provisional>),
}

/// What a provisional session holds in memory.
struct Provisional {
    sign_in_id: String,
    confirmed: bool,
    drafts: ProvisionalDrafts,
    progress: Vec<LoggedEvent>,
    badges: std::collections::BTreeMap<String, Vec<workervoice_protocol::progress::BadgeRule>>,
}

/// Drafts of a provisional session: in memory for the session to read back,
/// and (when the worker's draft key is known) sealed to that key on disk, for
/// the worker's next online sign-in (see `kiosk::drafts::save_offline`).
pub(crate) struct ProvisionalDrafts {
    /// The worker's draft key (X25519 public), from the kiosk's offline data;
    /// `None` for offline data written before drafts were kept on disk.
    pub(crate) draft_key: Option<[u8; 32]>,
    /// Name → (content, random row id on disk).
    pub(crate) entries: std::collections::BTreeMap<String, (Zeroizing<Vec<u8>>, [u8; 16])>,
}

impl Session {
    /// A session just unlocked; the app layer sets its activity time and
    /// whether kiosk rules apply when it starts it.
    fn new(
        local_id: String,
        profile: WorkerProfile,
        vault_key: Key32,
        hub_share: Key32,
        kdf: KdfParams,
        offline: bool,
    ) -> Self {
        Self {
            local_id,
            profile,
            access: Access::Vault { vault_key, hub_share, kdf },
            offline,
            last_active_ms: 0,
            kiosk: false,
        }
    }

    /// A provisional kiosk session waiting for the hub to confirm `sign_in_id`.
    pub(crate) fn provisional(
        local_id: String,
        profile: WorkerProfile,
        sign_in_id: String,
        draft_key: Option<[u8; 32]>,
    ) -> Self {
        Self {
            local_id,
            profile,
            access: Access::Provisional(Box::new(Provisional {
                sign_in_id,
                confirmed: false,
                drafts: ProvisionalDrafts { draft_key, entries: std::collections::BTreeMap::new() },
                progress: Vec::new(),
                badges: std::collections::BTreeMap::new(),
            })),
            offline: true,
            last_active_ms: 0,
            kiosk: true,
        }
    }

    /// The vault key, for the record modules that seal under it. A
    /// provisional kiosk session has none: reading needs the hub.
    pub(crate) fn vault_key(&self) -> Result<&Key32, Error> {
        match &self.access {
            Access::Vault { vault_key, .. } => Ok(vault_key),
            Access::Provisional(_) => Err(ErrorCode::NeedsHub.into()),
        }
    }

    /// Whether this is a provisional kiosk session (signed in offline).
    pub fn is_provisional(&self) -> bool {
        matches!(self.access, Access::Provisional(_))
    }

    /// The offline kiosk sign-in this session waits on: what it submits
    /// with a name is held until the hub confirms it.
    pub fn provisional_sign_in(&self) -> Option<&str> {
        match &self.access {
            Access::Provisional(provisional) if !provisional.confirmed => Some(&provisional.sign_in_id),
            _ => None,
        }
    }

    /// The offline kiosk sign-in of a provisional session, confirmed or not
    /// (what its training uploads name instead of a MAC).
    pub fn offline_sign_in(&self) -> Option<&str> {
        match &self.access {
            Access::Provisional(provisional) => Some(&provisional.sign_in_id),
            Access::Vault { .. } => None,
        }
    }

    /// The hub confirmed this session's sign-in while it is still open:
    /// what it submits from now on is not held (it still opens nothing stored).
    pub(crate) fn sign_in_confirmed(&mut self) {
        if let Access::Provisional(provisional) = &mut self.access {
            provisional.confirmed = true;
        }
    }

    /// The hub share of an open vault (what training progress is
    /// authenticated with); a provisional session has none.
    pub(crate) fn hub_share(&self) -> Result<&Key32, Error> {
        match &self.access {
            Access::Vault { hub_share, .. } => Ok(hub_share),
            Access::Provisional(_) => Err(ErrorCode::NeedsHub.into()),
        }
    }

    /// Training progress of a provisional session (in memory).
    pub(crate) fn provisional_progress(&self) -> &[LoggedEvent] {
        match &self.access {
            Access::Provisional(provisional) => &provisional.progress,
            Access::Vault { .. } => &[],
        }
    }

    /// Badge rules of the modules a provisional session took.
    pub(crate) fn provisional_badges(
        &self,
    ) -> Option<&std::collections::BTreeMap<String, Vec<workervoice_protocol::progress::BadgeRule>>> {
        match &self.access {
            Access::Provisional(provisional) => Some(&provisional.badges),
            Access::Vault { .. } => None,
        }
    }

    /// Keeps a provisional session's training event and its module's badges.
    pub(crate) fn push_provisional_progress(
        &mut self,
        entry: LoggedEvent,
        badges: (String, Vec<workervoice_protocol::progress::BadgeRule>),
    ) {
        if let Access::Provisional(provisional) = &mut self.access {
            provisional.progress.push(entry);
            provisional.badges.insert(badges.0, badges.1);
        }
    }

    /// A provisional session's drafts (`None` for an open vault).
    pub(crate) fn provisional_drafts(&mut self) -> Option<&mut ProvisionalDrafts> {
        match &mut self.access {
            Access::Vault { .. } => None,
            Access::Provisional(provisional) => Some(&mut provisional.drafts),
        }
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("local_id", &self.local_id).finish_non_exhaustive()
    }
}

fn aad<'a>(local_id: &'a str, column: &'a str) -> Aad<'a> {
    Aad { table: "workers", row: local_id, owner: local_id, column }
}

/// Unix days: vaults record the day they were last used, not the minute.
pub fn day_of(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(86_400)
}

/// The private half of the worker's draft key: an X25519 key derived from
/// the vault key, to which a kiosk seals drafts written while the worker is
/// signed in offline (see `kiosk::drafts`). Only an open vault has it.
pub(crate) fn draft_secret(vault_key: &Key32) -> Key32 {
    crypto::derive_key(vault_key, labels::KIOSK_DRAFT_KEY)
}

/// The public half of the worker's draft key (kept by a kiosk for offline sessions).
pub(crate) fn draft_public_key(vault_key: &Key32) -> [u8; 32] {
    crypto::hpke::public_key_of(&draft_secret(vault_key))
}

/// Stretches a PIN, refusing parameters below the protocol floor.
pub fn stretch(pin: &str, kdf: &KdfParams) -> Result<PinSecrets, Error> {
    if !kdf.is_acceptable() {
        return Err(ErrorCode::BadReply.into());
    }
    let iterations = std::num::NonZeroU32::new(kdf.iterations).ok_or(ErrorCode::BadReply)?;
    Ok(crypto::stretch_pin(pin, &kdf.salt, iterations))
}

/// Fresh parameters for a new PIN chosen on this device.
pub fn new_kdf_params(iterations: u32) -> Result<KdfParams, Error> {
    Ok(KdfParams {
        algorithm: workervoice_protocol::auth::KDF_PBKDF2_SHA256.into(),
        iterations: iterations.max(MIN_PBKDF2_ITERATIONS),
        salt: crypto::random_bytes::<SALT_LEN>()?.to_vec(),
    })
}

fn kdf_json(kdf: &KdfParams) -> Result<String, Error> {
    serde_json::to_string(kdf).map_err(|_| ErrorCode::Internal.into())
}

pub(crate) fn parse_kdf(text: &str) -> Result<KdfParams, Error> {
    serde_json::from_str(text).map_err(|_| ErrorCode::StorageCorrupt.into())
}

pub(crate) fn pepper_and_offline_key(keystore: &dyn KeyStore, local_id: &str) -> Result<(Key32, Key32), Error> {
    let secret = worker_secret(keystore, local_id)?;
    Ok((crypto::derive_key(&secret, labels::PIN_PEPPER), crypto::derive_key(&secret, labels::OFFLINE_UNLOCK)))
}

/// The worker's secret in the platform key store (one per vault on this device).
pub(crate) fn worker_secret(keystore: &dyn KeyStore, local_id: &str) -> Result<Key32, Error> {
    let secret = keystore.load_secret(&worker_alias(local_id))?.ok_or(ErrorCode::DeviceKeysMissing)?;
    Key32::from_slice(&secret).map_err(|_| ErrorCode::KeyStoreUnavailable.into())
}

fn seal_profile(vault_key: &Key32, local_id: &str, profile: &WorkerProfile) -> Result<Vec<u8>, Error> {
    let json = Zeroizing::new(serde_json::to_vec(profile).map_err(|_| ErrorCode::Internal)?);
    Ok(crypto::seal(vault_key, aad(local_id, "profile"), &json)?)
}

fn open_vault_key(unlock_key: &Key32, local_id: &str, wrapped: &[u8]) -> Option<Key32> {
    let bytes = Zeroizing::new(crypto::open(unlock_key, aad(local_id, "vault_key"), wrapped).ok()?);
    Key32::from_slice(&bytes).ok()
}

fn check_canary(vault_key: &Key32, row: &WorkerRow) -> Result<(), Error> {
    crypto::open(vault_key, aad(&row.local_id, "canary"), &row.canary)
        .ok()
        .filter(|plain| plain == labels::CANARY_PLAINTEXT)
        .map(|_| ())
        .ok_or_else(|| ErrorCode::StorageCorrupt.into())
}

fn offline_cache(
    device: &Device,
    offline_key: &Key32,
    local_id: &str,
    share: &Key32,
) -> Result<Option<Vec<u8>>, Error> {
    match device.mode() {
        DeviceMode::Personal => Ok(Some(crypto::seal(offline_key, aad(local_id, "offline_share"), share.expose())?)),
        DeviceMode::Shared => Ok(None),
    }
}

/// Opens (or, on first login on this device, creates) the worker's vault after
/// the hub accepted the PIN and released `login.hub_share`. `previous` is the
/// previous PIN stretched with this vault's stored parameters, when the worker
/// changed their PIN on another device.
#[allow(clippy::too_many_arguments)] // the three parties of the unlock key, plus where to put the vault
pub fn open_vault_online(
    store: &mut Store,
    device: &Device,
    keystore: &dyn KeyStore,
    login: &LoginResponse,
    kdf: &KdfParams,
    secrets: &PinSecrets,
    previous: Option<&PinSecrets>,
    now: i64,
) -> Result<Session, Error> {
    let hub_share = Key32::from_slice(&login.hub_share).map_err(|_| ErrorCode::BadReply)?;
    let profile = WorkerProfile {
        worker_id: login.worker_id.clone(),
        worker_number: login.worker_number.clone(),
        display_name: login.display_name.clone(),
        language: login.language.clone(),
    };
    let lookup = device.worker_lookup(&login.worker_number);
    match rows::find(store.conn(), &lookup)? {
        None => create_vault(store, device, keystore, lookup, profile, hub_share, kdf, secrets, now),
        Some(row) => reopen_vault(store, device, keystore, row, profile, hub_share, kdf, secrets, previous, now),
    }
}

#[allow(clippy::too_many_arguments)] // one call site; a struct would only rename the list
fn create_vault(
    store: &mut Store,
    device: &Device,
    keystore: &dyn KeyStore,
    lookup: Vec<u8>,
    profile: WorkerProfile,
    hub_share: Key32,
    kdf: &KdfParams,
    secrets: &PinSecrets,
    now: i64,
) -> Result<Session, Error> {
    let local_id = uuid::Uuid::new_v4().to_string();
    keystore.create_secret(&worker_alias(&local_id))?;
    let (pepper, offline_key) = pepper_and_offline_key(keystore, &local_id)?;
    let unlock_key = crypto::derive_unlock_key(&secrets.pin_secret, &pepper, &hub_share, &local_id);
    let vault_key = crypto::random_key()?;
    let row = WorkerRow {
        local_id: local_id.clone(),
        lookup,
        kdf: kdf_json(kdf)?,
        wrapped_vault_key: crypto::seal(&unlock_key, aad(&local_id, "vault_key"), vault_key.expose())?,
        pending_kdf: None,
        pending_wrapped_vault_key: None,
        canary: crypto::seal(&vault_key, aad(&local_id, "canary"), labels::CANARY_PLAINTEXT)?,
        profile: seal_profile(&vault_key, &local_id, &profile)?,
        offline_share: offline_cache(device, &offline_key, &local_id, &hub_share)?,
        offline_failures: 0,
        created_at: now,
        kiosk_offline: offline_data(device, keystore, &local_id, &profile, secrets, &vault_key)?,
        last_used_day: day_of(now),
    };
    let inserted = store.transaction(|tx| rows::insert(tx, &row).map_err(Error::from));
    if let Err(error) = inserted {
        // Nothing references the new key-store secret; do not leave it behind.
        let _ = keystore.delete_secret(&worker_alias(&local_id));
        return Err(error);
    }
    Ok(Session::new(local_id, profile, vault_key, hub_share, kdf.clone(), false))
}

#[allow(clippy::too_many_arguments)] // one call site
fn reopen_vault(
    store: &mut Store,
    device: &Device,
    keystore: &dyn KeyStore,
    row: WorkerRow,
    profile: WorkerProfile,
    hub_share: Key32,
    kdf: &KdfParams,
    secrets: &PinSecrets,
    previous: Option<&PinSecrets>,
    now: i64,
) -> Result<Session, Error> {
    let (pepper, offline_key) = pepper_and_offline_key(keystore, &row.local_id)?;
    let unlock_key = crypto::derive_unlock_key(&secrets.pin_secret, &pepper, &hub_share, &row.local_id);
    // The hub's parameters say which wrap belongs to the PIN it just accepted:
    // the current one, or one a PIN change left pending.
    let current = parse_kdf(&row.kdf)?;
    let pending = row.pending_kdf.as_deref().map(parse_kdf).transpose()?;
    let vault_key = if &current == kdf {
        open_vault_key(&unlock_key, &row.local_id, &row.wrapped_vault_key)
    } else if pending.as_ref() == Some(kdf) {
        let key = row
            .pending_wrapped_vault_key
            .as_deref()
            .and_then(|wrapped| open_vault_key(&unlock_key, &row.local_id, wrapped));
        if key.is_some() {
            store.transaction(|tx| rows::commit_pending_wrap(tx, &row.local_id).map_err(Error::from))?;
        }
        key
    } else {
        None
    };
    let vault_key = match (vault_key, previous) {
        (Some(key), _) => key,
        // The PIN was changed on another device: this vault is still wrapped
        // under the previous PIN (with the parameters stored beside it).
        // Opened with it once, it is re-wrapped under the PIN the hub just
        // accepted; no data is re-encrypted.
        (None, Some(previous)) => {
            let old_unlock = crypto::derive_unlock_key(&previous.pin_secret, &pepper, &hub_share, &row.local_id);
            let key = open_vault_key(&old_unlock, &row.local_id, &row.wrapped_vault_key)
                .ok_or(Error::WrongPin { attempts_left: None })?;
            let wrapped = crypto::seal(&unlock_key, aad(&row.local_id, "vault_key"), key.expose())?;
            let kdf_text = kdf_json(kdf)?;
            store.transaction(|tx| rows::replace_wrap(tx, &row.local_id, &kdf_text, &wrapped).map_err(Error::from))?;
            key
        }
        (None, None) => return Err(ErrorCode::VaultUnreadable.into()),
    };
    check_canary(&vault_key, &row)?;
    let sealed_profile = seal_profile(&vault_key, &row.local_id, &profile)?;
    let cache = offline_cache(device, &offline_key, &row.local_id, &hub_share)?;
    let kiosk_offline = offline_data(device, keystore, &row.local_id, &profile, secrets, &vault_key)?;
    let after = rows::AfterLogin {
        profile: &sealed_profile,
        offline_share: cache.as_deref(),
        kiosk_offline: kiosk_offline.as_deref(),
        day: day_of(now),
    };
    store.transaction(|tx| rows::update_after_login(tx, &row.local_id, &after).map_err(Error::from))?;
    Ok(Session::new(row.local_id, profile, vault_key, hub_share, kdf.clone(), false))
}

/// The KDF parameters this device's vault of `worker_number` is wrapped with,
/// if it has one (to stretch a previous PIN after a change elsewhere).
pub fn stored_kdf(store: &Store, device: &Device, worker_number: &str) -> Result<Option<KdfParams>, Error> {
    rows::find(store.conn(), &device.worker_lookup(worker_number))?.map(|row| parse_kdf(&row.kdf)).transpose()
}

/// Unlocks a vault without the hub (personal devices only).
pub fn unlock_offline(
    store: &mut Store,
    device: &Device,
    keystore: &dyn KeyStore,
    worker_number: &str,
    pin: &str,
) -> Result<Session, Error> {
    if device.mode() != DeviceMode::Personal {
        return Err(ErrorCode::OfflineUnlockUnavailable.into());
    }
    let row =
        rows::find(store.conn(), &device.worker_lookup(worker_number))?.ok_or(ErrorCode::OfflineUnlockUnavailable)?;
    let cache = row.offline_share.as_deref().ok_or(ErrorCode::OfflineUnlockUnavailable)?;
    if row.offline_failures >= MAX_OFFLINE_FAILURES {
        store.transaction(|tx| rows::drop_offline_cache(tx, &row.local_id).map_err(Error::from))?;
        return Err(ErrorCode::OfflineUnlockUnavailable.into());
    }
    let kdf = parse_kdf(&row.kdf)?;
    let secrets = stretch(pin, &kdf)?;
    let (pepper, offline_key) = pepper_and_offline_key(keystore, &row.local_id)?;
    let share_bytes = Zeroizing::new(
        crypto::open(&offline_key, aad(&row.local_id, "offline_share"), cache)
            .map_err(|_| ErrorCode::DeviceKeysMissing)?,
    );
    let hub_share = Key32::from_slice(&share_bytes).map_err(|_| ErrorCode::StorageCorrupt)?;
    let unlock_key = crypto::derive_unlock_key(&secrets.pin_secret, &pepper, &hub_share, &row.local_id);
    let Some(vault_key) = open_vault_key(&unlock_key, &row.local_id, &row.wrapped_vault_key) else {
        let failures = store.transaction(|tx| rows::count_offline_failure(tx, &row.local_id).map_err(Error::from))?;
        if failures >= MAX_OFFLINE_FAILURES {
            store.transaction(|tx| rows::drop_offline_cache(tx, &row.local_id).map_err(Error::from))?;
        }
        return Err(Error::WrongPin { attempts_left: Some(MAX_OFFLINE_FAILURES.saturating_sub(failures)) });
    };
    check_canary(&vault_key, &row)?;
    let profile_json = Zeroizing::new(crypto::open(&vault_key, aad(&row.local_id, "profile"), &row.profile)?);
    let profile: WorkerProfile = serde_json::from_slice(&profile_json).map_err(|_| ErrorCode::StorageCorrupt)?;
    if row.offline_failures > 0 {
        store.transaction(|tx| rows::reset_offline_failures(tx, &row.local_id).map_err(Error::from))?;
    }
    Ok(Session::new(row.local_id, profile, vault_key, hub_share, kdf, true))
}

/// What a PIN change needs from the session, copied out so the slow PIN
/// stretching runs without holding any lock.
pub struct PinChangeInputs {
    /// The vault's local id.
    pub local_id: String,
    /// The worker number.
    pub worker_number: String,
    /// Parameters of the current PIN.
    pub kdf: KdfParams,
    vault_key: Key32,
    hub_share: Key32,
}

impl Session {
    /// Copies what a PIN change needs (not possible in a provisional session).
    pub fn pin_change_inputs(&self) -> Result<PinChangeInputs, Error> {
        let Access::Vault { vault_key, hub_share, kdf } = &self.access else {
            return Err(ErrorCode::NeedsHub.into());
        };
        Ok(PinChangeInputs {
            local_id: self.local_id.clone(),
            worker_number: self.profile.worker_number.clone(),
            kdf: kdf.clone(),
            vault_key: vault_key.duplicate(),
            hub_share: hub_share.duplicate(),
        })
    }
}

/// The first half of a PIN change, after both PINs were stretched: wraps the
/// vault key under the new PIN and saves that wrap as *pending* before the hub
/// is told. If the hub's answer is lost, the next login finds whichever wrap
/// matches the PIN the hub holds.
pub fn save_pending_pin_wrap(
    store: &mut Store,
    keystore: &dyn KeyStore,
    inputs: &PinChangeInputs,
    new: &PinSecrets,
    new_kdf: &KdfParams,
) -> Result<(), Error> {
    let (pepper, _) = pepper_and_offline_key(keystore, &inputs.local_id)?;
    let unlock_key = crypto::derive_unlock_key(&new.pin_secret, &pepper, &inputs.hub_share, &inputs.local_id);
    let wrapped = crypto::seal(&unlock_key, aad(&inputs.local_id, "vault_key"), inputs.vault_key.expose())?;
    let kdf_text = kdf_json(new_kdf)?;
    store.transaction(|tx| rows::set_pending_wrap(tx, &inputs.local_id, &kdf_text, &wrapped).map_err(Error::from))
}

/// The second half of a PIN change, after the hub answered.
pub fn finish_pin_change(
    store: &mut Store,
    session: &mut Session,
    new_kdf: KdfParams,
    accepted: bool,
) -> Result<(), Error> {
    store.transaction(|tx| {
        if accepted {
            rows::commit_pending_wrap(tx, &session.local_id)
        } else {
            rows::clear_pending_wrap(tx, &session.local_id)
        }
        .map_err(Error::from)
    })?;
    if accepted && let Access::Vault { kdf, .. } = &mut session.access {
        *kdf = new_kdf;
    }
    Ok(())
}
