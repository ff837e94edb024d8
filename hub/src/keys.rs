//! The hub's own secrets: the hub secret, the keys derived from it, and the
//! staff admin token.
//!
//! The hub secret is 32 random bytes in `<data-dir>/hub-secret.key`, kept
//! *outside* `hub.db`. Every secret-dependent value in the database is keyed
//! with it: PIN verifiers, activation and enrolment code hashes, and the
//! sealed hub shares. So a copy of `hub.db` alone (a backup, a dump, a stolen
//! disk image of the database volume) cannot be used to test PIN proofs
//! offline, to recover the 33-bit activation codes by brute force, or to read
//! the hub shares that unlock worker vaults.
//!
//! What it does not protect against: an attacker who holds both files (the
//! whole data directory) or who controls the running hub process.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{aead, digest, hkdf, hmac};
use zeroize::Zeroizing;

use crate::error::ApiError;

/// The file names inside the data directory.
pub(crate) const SECRET_FILE: &str = "hub-secret.key";
pub(crate) const ADMIN_TOKEN_FILE: &str = "admin-token";

const SECRET_LEN: usize = 32;

/// HKDF info labels, one per use of the hub secret. Listed in one place so
/// that no two uses can ever share a key.
mod labels {
    /// HMAC key of the PIN verifier: `HMAC(key, worker_id || proof)`.
    pub(super) const PIN_VERIFIER: &[u8] = b"workervoice/hub/pin-verifier/v1";
    /// HMAC key of the fake KDF salts answered for unknown worker numbers.
    pub(super) const FAKE_SALT: &[u8] = b"workervoice/hub/fake-salt/v1";
    /// HMAC key of stored enrolment and activation code hashes.
    pub(super) const CODE_HASH: &[u8] = b"workervoice/hub/code-hash/v1";
    /// AEAD key sealing hub shares at rest.
    pub(super) const SHARE_WRAP: &[u8] = b"workervoice/hub/share-wrap/v1";
    /// HMAC key the demo handlers' passwords are derived with.
    pub(super) const DEMO_PASSWORD: &[u8] = b"workervoice/hub/demo-password/v1";
    /// Seed of the X25519 key pair that offline sign-in proofs are sealed to.
    pub(super) const OFFLINE_SIGN_IN: &[u8] = b"workervoice/hub/offline-sign-in/v1";
    /// HMAC key of each survey's token key seed: `HMAC(key, survey_id)`.
    pub(super) const SURVEY_TOKEN: &[u8] = b"workervoice/hub/survey-token/v1";
    /// AEAD key sealing staff accounts' TOTP secrets at rest.
    pub(super) const STAFF_TOTP_SEAL: &[u8] = b"workervoice/hub/staff-totp-seal/v1";
    /// HMAC key the demo programme admin's TOTP secret is derived with.
    pub(super) const DEMO_TOTP: &[u8] = b"workervoice/hub/demo-totp/v1";
    /// HMAC key of the key check value stored in `hub.db`.
    pub(super) const KEY_CHECK: &[u8] = b"workervoice/hub/key-check/v1";
    /// Seed of the Ed25519 key that signs training certificates, under the
    /// programme's delegation (`proposals`, `training::certificates`).
    pub(super) const CERTIFICATE_SIGNING: &[u8] = b"workervoice/hub/certificate-signing/v1";
}

/// The message whose HMAC (under the key-check key) is the key check value:
/// it identifies a hub secret without revealing anything that opens data.
const KEY_CHECK_MESSAGE: &[u8] = b"workervoice hub secret key check";

/// Version byte in front of every sealed share, so the format can evolve.
const SEALED_SHARE_V1: u8 = 1;

/// Keys derived from the hub secret, plus the random source. The raw secret
/// is dropped (and zeroized) once these are derived.
pub(crate) struct HubKeys {
    pin_verifier: hmac::Key,
    fake_salt: hmac::Key,
    code_hash: hmac::Key,
    share_wrap: aead::LessSafeKey,
    demo_password: hmac::Key,
    survey_token: hmac::Key,
    staff_totp_seal: aead::LessSafeKey,
    demo_totp: hmac::Key,
    offline_sign_in_seed: Zeroizing<[u8; 32]>,
    key_check: Vec<u8>,
    certificate_seed: Zeroizing<[u8; 32]>,
    rng: SystemRandom,
}

impl HubKeys {
    /// Derives every key from the 32-byte hub secret with HKDF-SHA256.
    pub(crate) fn derive(secret: &[u8]) -> Self {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"workervoice/hub").extract(secret);
        let hmac_key = |label: &'static [u8]| -> hmac::Key {
            // ok: `expand` only fails when asked for more than 255 hash
            // blocks; an HMAC-SHA256 key is one block.
            let info = [label];
            let okm = prk.expand(&info, hmac::HMAC_SHA256).expect("one block of output");
            hmac::Key::from(okm)
        };
        // ok: 32 bytes of output, as above.
        let share_info = [labels::SHARE_WRAP];
        let share_okm = prk.expand(&share_info, &aead::CHACHA20_POLY1305).expect("one block of output");
        // ok: 32 bytes of output, as above.
        let totp_info = [labels::STAFF_TOTP_SEAL];
        let totp_okm = prk.expand(&totp_info, &aead::CHACHA20_POLY1305).expect("one block of output");
        let mut offline_sign_in_seed = Zeroizing::new([0u8; 32]);
        let seed_info = [labels::OFFLINE_SIGN_IN];
        // ok: 32 bytes of output, as above.
        prk.expand(&seed_info, hkdf::HKDF_SHA256)
            .and_then(|okm| okm.fill(offline_sign_in_seed.as_mut_slice()))
            .expect("one block of output");
        let key_check = hmac::sign(&hmac_key(labels::KEY_CHECK), KEY_CHECK_MESSAGE).as_ref().to_vec();
        let mut certificate_seed = Zeroizing::new([0u8; 32]);
        let certificate_info = [labels::CERTIFICATE_SIGNING];
        // ok: 32 bytes of output, as above.
        prk.expand(&certificate_info, hkdf::HKDF_SHA256)
            .and_then(|okm| okm.fill(certificate_seed.as_mut_slice()))
            .expect("one block of output");
        Self {
            offline_sign_in_seed,
            key_check,
            certificate_seed,
            pin_verifier: hmac_key(labels::PIN_VERIFIER),
            fake_salt: hmac_key(labels::FAKE_SALT),
            code_hash: hmac_key(labels::CODE_HASH),
            share_wrap: aead::LessSafeKey::new(aead::UnboundKey::from(share_okm)),
            demo_password: hmac_key(labels::DEMO_PASSWORD),
            survey_token: hmac_key(labels::SURVEY_TOKEN),
            staff_totp_seal: aead::LessSafeKey::new(aead::UnboundKey::from(totp_okm)),
            demo_totp: hmac_key(labels::DEMO_TOTP),
            rng: SystemRandom::new(),
        }
    }

    /// Loads the hub secret from the data directory, creating it if it is
    /// missing, and derives the keys (tests only: the hub and its commands
    /// use [`Self::load_for_database`]).
    #[cfg(test)]
    pub(crate) fn load_or_create(data_dir: &Path) -> anyhow::Result<Self> {
        Self::load(data_dir, true)
    }

    /// Loads the hub secret that `connection` (the open `hub.db`) was
    /// written with, and derives the keys:
    ///
    /// - a database that holds a key check value, or rows keyed with a
    ///   secret (a database from before key check values), needs its secret:
    ///   a missing file stops the hub instead of being replaced by a new
    ///   secret that would lock out every worker;
    /// - a secret whose check value differs from the stored one (a file from
    ///   another hub, or from another backup) stops the hub likewise;
    /// - a database without a check value gets this secret's, so that from
    ///   now on the pair is checked at every start.
    pub(crate) fn load_for_database(data_dir: &Path, connection: &crate::db::sql::Connection) -> anyhow::Result<Self> {
        let stored = crate::db::stored_key_check(connection).context("reading the key check value")?;
        let depends = stored.is_some()
            || crate::db::holds_secret_keyed_rows(connection).context("looking for secret-keyed rows")?;
        let path = data_dir.join(SECRET_FILE);
        if depends && !path.exists() {
            bail!(
                "{} is missing, but {} was written with it (PIN verifiers, sealed hub shares and code \
                 hashes are keyed with it). The hub has not made a new one: that would lock out every \
                 worker and device. Restore the file from the backup this database came from \
                 (`workervoice-hub restore --from BACKUP --data-dir NEW_DIR` restores both together), \
                 or move the whole data directory aside to start an empty hub.",
                path.display(),
                data_dir.join(crate::db::DB_FILE).display()
            );
        }
        let keys = Self::load(data_dir, !depends)?;
        match stored {
            Some(stored) if !constant_time_eq(&stored, &keys.key_check) => bail!(
                "{} does not belong with {}: its key check value differs from the one stored in the \
                 database, so it is another hub's secret or comes from another backup. Nothing was \
                 changed. Put back the hub-secret.key that was backed up with this database \
                 (`workervoice-hub restore` restores both together).",
                path.display(),
                data_dir.join(crate::db::DB_FILE).display()
            ),
            Some(_) => {}
            None => crate::db::store_key_check(connection, &keys.key_check).context("storing the key check value")?,
        }
        Ok(keys)
    }

    fn load(data_dir: &Path, may_create: bool) -> anyhow::Result<Self> {
        let path = data_dir.join(SECRET_FILE);
        let rng = SystemRandom::new();
        let secret = match fs::read(&path) {
            Ok(bytes) => Zeroizing::new(bytes),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && may_create => {
                let mut fresh = Zeroizing::new(vec![0u8; SECRET_LEN]);
                rng.fill(&mut fresh).map_err(|_| anyhow::anyhow!("the system RNG failed"))?;
                write_private_file(&path, &fresh)?;
                tracing::info!(file = %path.display(), "created a new hub secret");
                fresh
            }
            Err(error) => {
                return Err(error).with_context(|| format!("reading {}", path.display()));
            }
        };
        if secret.len() != SECRET_LEN {
            bail!(
                "{} holds {} bytes, not {SECRET_LEN}: it is damaged or not a hub secret. \
                 Restore it from a backup; without it no worker can log in.",
                path.display(),
                secret.len()
            );
        }
        warn_if_readable_by_others(&path);
        Ok(Self::derive(&secret))
    }

    /// Keys from a fixed secret, for unit tests elsewhere in the crate.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Self {
        Self::derive(&[7u8; SECRET_LEN])
    }

    /// The hub's certificate signing key (the programme delegates to it).
    pub(crate) fn certificate_key(&self) -> ring::signature::Ed25519KeyPair {
        // ok: any 32 bytes are an Ed25519 seed; the public key is derived.
        ring::signature::Ed25519KeyPair::from_seed_unchecked(self.certificate_seed.as_slice())
            .expect("a 32-byte seed is a valid Ed25519 seed")
    }

    /// Seed of the offline sign-in key pair (see `auth::offline`).
    pub(crate) fn offline_sign_in_seed(&self) -> &[u8] {
        self.offline_sign_in_seed.as_slice()
    }

    /// The seed of a survey's token key (`surveys::token_key`): one key per
    /// survey, the same for all its versions, derived again when needed so
    /// none is stored.
    pub(crate) fn survey_token_seed(&self, survey_id: &str) -> Zeroizing<[u8; 32]> {
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(hmac::sign(&self.survey_token, survey_id.as_bytes()).as_ref());
        seed
    }

    /// `n` bytes from the system RNG.
    pub(crate) fn random<const N: usize>(&self) -> Result<[u8; N], ApiError> {
        let mut bytes = [0u8; N];
        self.rng.fill(&mut bytes)?;
        Ok(bytes)
    }

    /// The stored PIN verifier for a proof: `HMAC(pin-verifier key, worker_id || proof)`.
    /// Binding the worker id means equal proofs of two workers do not
    /// produce equal verifiers.
    pub(crate) fn derive_pin_verifier(&self, worker_id: &str, proof: &[u8]) -> Vec<u8> {
        hmac::sign(&self.pin_verifier, &verifier_message(worker_id, proof)).as_ref().to_vec()
    }

    /// Whether a proof matches a stored verifier (constant time).
    pub(crate) fn verify_pin(&self, worker_id: &str, proof: &[u8], verifier: &[u8]) -> bool {
        hmac::verify(&self.pin_verifier, &verifier_message(worker_id, proof), verifier).is_ok()
    }

    /// The fake salt for a worker number the hub does not know:
    /// deterministic, so asking twice gives the same answer, as for a real
    /// worker, and unpredictable without the hub secret.
    pub(crate) fn derive_fake_salt(&self, factory_id: &str, number_key: &str) -> Vec<u8> {
        let mut ctx = hmac::Context::with_key(&self.fake_salt);
        ctx.update(b"fake-salt");
        ctx.update(factory_id.as_bytes());
        ctx.update(number_key.as_bytes());
        ctx.sign().as_ref()[..workervoice_protocol::auth::SALT_LEN].to_vec()
    }

    /// The stored form of an enrolment code (already normalised).
    pub(crate) fn derive_enrolment_code_hash(&self, normalized_code: &str) -> Vec<u8> {
        let mut ctx = hmac::Context::with_key(&self.code_hash);
        ctx.update(b"enrolment\n");
        ctx.update(normalized_code.as_bytes());
        ctx.sign().as_ref().to_vec()
    }

    /// The stored form of a worker's activation code (already normalised),
    /// bound to the worker so a code cannot activate anyone else.
    pub(crate) fn derive_activation_code_hash(&self, worker_id: &str, normalized: &str) -> Vec<u8> {
        hmac::sign(&self.code_hash, &activation_message(worker_id, normalized)).as_ref().to_vec()
    }

    /// Whether a typed activation code matches the stored hash (constant time).
    pub(crate) fn verify_activation_code(&self, worker_id: &str, normalized: &str, stored: &[u8]) -> bool {
        hmac::verify(&self.code_hash, &activation_message(worker_id, normalized), stored).is_ok()
    }

    /// The made-up KDF salt a reader prelogin answers for an account id the
    /// hub does not know: stable, so asking twice looks like a real account,
    /// and unpredictable without the hub secret.
    pub(crate) fn derive_reader_fake_salt(&self, handler_id: &str) -> Vec<u8> {
        let mut ctx = hmac::Context::with_key(&self.fake_salt);
        ctx.update(b"reader-salt\n");
        ctx.update(handler_id.as_bytes());
        ctx.sign().as_ref()[..workervoice_protocol::handler::READER_SALT_LEN].to_vec()
    }

    /// A demo handler's password: stable for this hub (so a re-seeded demo
    /// prints the same one without storing it), unguessable without the hub
    /// secret. For the demo programme only.
    pub(crate) fn derive_demo_password(&self, which: &str) -> String {
        let tag = hmac::sign(&self.demo_password, which.as_bytes());
        workervoice_protocol::b64::encode(&tag.as_ref()[..15])
    }

    /// The demo programme admin's TOTP secret (20 bytes): stable for this
    /// hub, so a re-run demo prints the same one. For the demo programme only.
    pub(crate) fn derive_demo_totp_secret(&self, which: &str) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(hmac::sign(&self.demo_totp, which.as_bytes()).as_ref()[..20].to_vec())
    }

    /// Seals a staff account's TOTP secret: `version || nonce || ciphertext+tag`,
    /// bound to the account id.
    pub(crate) fn seal_totp_secret(&self, account_id: &str, secret: &[u8]) -> Result<Vec<u8>, ApiError> {
        let nonce_bytes: [u8; aead::NONCE_LEN] = self.random()?;
        let mut in_out = secret.to_vec();
        self.staff_totp_seal.seal_in_place_append_tag(
            aead::Nonce::assume_unique_for_key(nonce_bytes),
            aead::Aad::from(totp_aad(account_id)),
            &mut in_out,
        )?;
        let mut sealed = Vec::with_capacity(1 + aead::NONCE_LEN + in_out.len());
        sealed.push(SEALED_SHARE_V1);
        sealed.extend_from_slice(&nonce_bytes);
        sealed.extend_from_slice(&in_out);
        Ok(sealed)
    }

    /// Opens a TOTP secret sealed by [`seal_totp_secret`](Self::seal_totp_secret).
    pub(crate) fn open_totp_secret(&self, account_id: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, ApiError> {
        let damaged = || ApiError::internal("a stored TOTP secret does not open");
        let (&version, rest) = sealed.split_first().ok_or_else(damaged)?;
        if version != SEALED_SHARE_V1 || rest.len() < aead::NONCE_LEN {
            return Err(damaged());
        }
        let (nonce, ciphertext) = rest.split_at(aead::NONCE_LEN);
        let nonce = aead::Nonce::try_assume_unique_for_key(nonce).map_err(|_| damaged())?;
        let mut in_out = Zeroizing::new(ciphertext.to_vec());
        let plain = self
            .staff_totp_seal
            .open_in_place(nonce, aead::Aad::from(totp_aad(account_id)), &mut in_out)
            .map_err(|_| damaged())?;
        Ok(Zeroizing::new(plain.to_vec()))
    }

    /// Seals a hub share for storage: `version || nonce || ciphertext+tag`,
    /// with the (worker, device) pair as associated data so a sealed share
    /// cannot be moved to another row.
    pub(crate) fn seal_share(&self, worker_id: &str, device_id: &str, share: &[u8]) -> Result<Vec<u8>, ApiError> {
        let nonce_bytes: [u8; aead::NONCE_LEN] = self.random()?;
        let mut in_out = share.to_vec();
        self.share_wrap.seal_in_place_append_tag(
            aead::Nonce::assume_unique_for_key(nonce_bytes),
            aead::Aad::from(share_aad(worker_id, device_id)),
            &mut in_out,
        )?;
        let mut sealed = Vec::with_capacity(1 + aead::NONCE_LEN + in_out.len());
        sealed.push(SEALED_SHARE_V1);
        sealed.extend_from_slice(&nonce_bytes);
        sealed.extend_from_slice(&in_out);
        Ok(sealed)
    }

    /// Opens a share sealed by [`seal_share`](Self::seal_share) for the same pair.
    pub(crate) fn open_share(
        &self,
        worker_id: &str,
        device_id: &str,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, ApiError> {
        let damaged = || ApiError::internal("a stored hub share does not open");
        let (&version, rest) = sealed.split_first().ok_or_else(damaged)?;
        if version != SEALED_SHARE_V1 || rest.len() < aead::NONCE_LEN {
            return Err(damaged());
        }
        let (nonce, ciphertext) = rest.split_at(aead::NONCE_LEN);
        let nonce = aead::Nonce::try_assume_unique_for_key(nonce).map_err(|_| damaged())?;
        let mut in_out = Zeroizing::new(ciphertext.to_vec());
        let plain = self
            .share_wrap
            .open_in_place(nonce, aead::Aad::from(share_aad(worker_id, device_id)), &mut in_out)
            .map_err(|_| damaged())?;
        Ok(Zeroizing::new(plain.to_vec()))
    }
}

fn verifier_message(worker_id: &str, proof: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(worker_id.len() + proof.len());
    message.extend_from_slice(worker_id.as_bytes());
    message.extend_from_slice(proof);
    message
}

fn activation_message(worker_id: &str, normalized: &str) -> Vec<u8> {
    format!("activation\n{worker_id}\n{normalized}").into_bytes()
}

fn totp_aad(account_id: &str) -> Vec<u8> {
    format!("staff_accounts.totp_secret_sealed\n{account_id}").into_bytes()
}

fn share_aad(worker_id: &str, device_id: &str) -> Vec<u8> {
    format!("worker_device_shares\n{worker_id}\n{device_id}").into_bytes()
}

/// The staff token: the configured one, else the one stored in the data
/// directory, else a new random one stored there.
pub(crate) fn load_or_create_admin_token(data_dir: &Path, configured: Option<&str>) -> anyhow::Result<String> {
    if let Some(token) = configured {
        return Ok(token.to_owned());
    }
    let path = data_dir.join(ADMIN_TOKEN_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => {
            let token = text.trim().to_owned();
            if token.is_empty() {
                bail!("{} is empty; delete it to have a new token generated", path.display());
            }
            warn_if_readable_by_others(&path);
            Ok(token)
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let mut random = [0u8; 32];
            SystemRandom::new().fill(&mut random).map_err(|_| anyhow::anyhow!("the system RNG failed"))?;
            let token = workervoice_protocol::b64::encode(&random);
            write_private_file(&path, format!("{token}\n").as_bytes())?;
            tracing::info!(file = %path.display(), "generated a new admin token");
            Ok(token)
        }
        Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
    }
}

/// Whether a presented token equals the expected one, in time that does not
/// depend on where they differ (both are hashed first, which also hides the
/// expected token's length).
pub(crate) fn tokens_match(presented: &str, expected: &str) -> bool {
    let a = digest::digest(&digest::SHA256, presented.as_bytes());
    let b = digest::digest(&digest::SHA256, expected.as_bytes());
    constant_time_eq(a.as_ref(), b.as_ref())
}

/// Byte-slice equality whose running time depends only on the lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

/// Writes a new file readable only by the hub's user: to a temporary name
/// first, then renamed, so a crash never leaves a half-written secret under
/// the real name.
pub(crate) fn write_private_file(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let temporary = path.with_extension("tmp");
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&temporary).with_context(|| format!("creating {}", temporary.display()))?;
    file.write_all(contents).with_context(|| format!("writing {}", temporary.display()))?;
    file.sync_all().with_context(|| format!("syncing {}", temporary.display()))?;
    drop(file);
    fs::rename(&temporary, path).with_context(|| format!("renaming to {}", path.display()))?;
    if let Some(dir) = path.parent() {
        crate::data_dir::sync_dir(dir).with_context(|| format!("syncing {}", dir.display()))?;
    }
    Ok(())
}

pub(crate) fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(metadata) = fs::metadata(path)
            && metadata.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(file = %path.display(), "secret file is readable by other users; chmod 600 it");
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> HubKeys {
        HubKeys::derive(&[7u8; SECRET_LEN])
    }

    #[test]
    fn a_verifier_accepts_only_its_own_proof_and_worker() {
        let keys = keys();
        let verifier = keys.derive_pin_verifier("worker-a", &[1u8; 32]);
        assert!(keys.verify_pin("worker-a", &[1u8; 32], &verifier));
        assert!(!keys.verify_pin("worker-a", &[2u8; 32], &verifier));
        assert!(!keys.verify_pin("worker-b", &[1u8; 32], &verifier));
    }

    #[test]
    fn fake_salts_are_stable_and_differ_per_number() {
        let keys = keys();
        let salt = keys.derive_fake_salt("factory", "1001");
        assert_eq!(salt.len(), workervoice_protocol::auth::SALT_LEN);
        assert_eq!(salt, keys.derive_fake_salt("factory", "1001"));
        assert_ne!(salt, keys.derive_fake_salt("factory", "1002"));
        assert_ne!(salt, HubKeys::derive(&[8u8; SECRET_LEN]).derive_fake_salt("factory", "1001"));
    }

    #[test]
    fn a_sealed_share_opens_only_for_its_own_pair() {
        let keys = keys();
        let sealed = keys.seal_share("w", "d", &[9u8; 32]).unwrap();
        assert_eq!(keys.open_share("w", "d", &sealed).unwrap().as_slice(), &[9u8; 32]);
        assert!(keys.open_share("w", "other", &sealed).is_err());
        assert!(keys.open_share("w", "d", &sealed[..5]).is_err());
    }

    #[test]
    fn activation_codes_are_bound_to_their_worker() {
        let keys = keys();
        let stored = keys.derive_activation_code_hash("w1", "1234567890");
        assert!(keys.verify_activation_code("w1", "1234567890", &stored));
        assert!(!keys.verify_activation_code("w2", "1234567890", &stored));
    }

    #[test]
    fn tokens_compare_by_content() {
        assert!(tokens_match("secret-token", "secret-token"));
        assert!(!tokens_match("secret-token", "secret-tokem"));
        assert!(!tokens_match("", "secret-token"));
    }

    #[test]
    fn the_secret_file_is_created_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = HubKeys::load_or_create(dir.path()).unwrap();
        let bytes = fs::read(dir.path().join(SECRET_FILE)).unwrap();
        let second = HubKeys::load_or_create(dir.path()).unwrap();
        assert_eq!(bytes, fs::read(dir.path().join(SECRET_FILE)).unwrap());
        assert_eq!(first.derive_fake_salt("f", "1"), second.derive_fake_salt("f", "1"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(SECRET_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_secret_file_stops_the_hub_and_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(SECRET_FILE), b"short").unwrap();
        assert!(HubKeys::load_or_create(dir.path()).is_err());
        assert_eq!(fs::read(dir.path().join(SECRET_FILE)).unwrap(), b"short");
    }
}
