//! Per-route recovery readers: a reader key pair the key holder generates
//! offline and keeps in their own folder, encrypted under a passphrase.
//!
//! A route with one reader loses every report on it when that reader forgets
//! their password (the hub cannot help: it holds no key that opens a
//! report). The key holder can add a recovery reader to the route: an
//! ordinary reader entry in the directory, signed like any other, so devices
//! seal to it from then on (never earlier reports). Its private key never
//! reaches the hub: the account the hub keeps for it gets a login key derived
//! from the passphrase and, where other readers keep their wrapped private
//! key, one wrapped under a random throwaway secret that is forgotten at
//! once. Opening a case is done here, with [`RecoveryKey::unlock`] and the
//! reader library's `open_case`.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use workervoice_protocol::b64;
use workervoice_protocol::handler::AcceptReaderInvitationRequest;
use wv_reader::account::{DEFAULT_ITERATIONS, PasswordKeys, ReaderKeyPair};

use crate::key::{create_private_dir, write_private_file};

/// Shortest passphrase accepted (characters).
pub const MIN_PASSPHRASE_CHARS: usize = 16;
/// The account id bound into the local wrap (a recovery key is not moved
/// between files unnoticed).
const LOCAL_ACCOUNT: &str = "workervoice/keyholder/recovery";

/// The file a recovery key is kept in (JSON, 0600 in the 0700 folder).
#[derive(Debug, Serialize, Deserialize)]
struct RecoveryFile {
    /// What the key holder called it (e.g. the route it recovers).
    label: String,
    public_key: String,
    salt: String,
    iterations: u32,
    wrapped_private_key: String,
}

/// A recovery key's public half, as kept in the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryKey {
    /// The reader key id (what the directory and the review show).
    pub key_id: String,
    /// The X25519 public key.
    pub public_key: Vec<u8>,
    /// The key holder's label.
    pub label: String,
}

/// The path of recovery key `key_id` in `dir`.
pub fn recovery_path(dir: &Path, key_id: &str) -> PathBuf {
    dir.join(format!("recovery-{key_id}.json"))
}

fn random<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    SystemRandom::new().fill(&mut bytes).map_err(|_| anyhow::anyhow!("no randomness"))?;
    Ok(bytes)
}

impl RecoveryKey {
    /// Generates a recovery key pair in `dir`, its private key wrapped under
    /// `passphrase` (PBKDF2 at the readers' parameters).
    pub fn generate(dir: &Path, label: &str, passphrase: &str) -> anyhow::Result<Self> {
        if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
            bail!("the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters");
        }
        create_private_dir(dir)?;
        let pair = ReaderKeyPair::generate().map_err(|e| anyhow::anyhow!("generating the key pair: {e}"))?;
        let salt = random::<16>()?;
        let keys = PasswordKeys::derive(passphrase, &salt, DEFAULT_ITERATIONS)
            .map_err(|e| anyhow::anyhow!("deriving the passphrase key: {e}"))?;
        let wrapped = pair.wrap(&keys, LOCAL_ACCOUNT).map_err(|e| anyhow::anyhow!("wrapping: {e}"))?;
        let file = RecoveryFile {
            label: label.to_owned(),
            public_key: b64::encode(pair.public_key()),
            salt: b64::encode(&salt),
            iterations: DEFAULT_ITERATIONS,
            wrapped_private_key: b64::encode(&wrapped),
        };
        let key_id = pair.key_id();
        write_private_file(&recovery_path(dir, &key_id), &serde_json::to_vec_pretty(&file)?)?;
        Ok(Self { key_id, public_key: pair.public_key().to_vec(), label: label.to_owned() })
    }

    fn read(dir: &Path, key_id: &str) -> anyhow::Result<RecoveryFile> {
        let path = recovery_path(dir, key_id);
        let bytes = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_slice(&bytes).with_context(|| format!("{} is not a recovery key file", path.display()))
    }

    /// The recovery key `key_id` kept in `dir` (public half only).
    pub fn load(dir: &Path, key_id: &str) -> anyhow::Result<Self> {
        let file = Self::read(dir, key_id)?;
        let public_key = b64::decode(&file.public_key).context("a recovery key file's public key")?;
        if wv_reader::account::key_id(&public_key) != key_id {
            bail!("the recovery key file does not hold key {key_id}");
        }
        Ok(Self { key_id: key_id.to_owned(), public_key, label: file.label })
    }

    /// The key pair, opened with `passphrase` (an error if it is wrong).
    pub fn unlock(dir: &Path, key_id: &str, passphrase: &str) -> anyhow::Result<ReaderKeyPair> {
        let file = Self::read(dir, key_id)?;
        let salt = b64::decode(&file.salt).context("a recovery key file's salt")?;
        let wrapped = b64::decode(&file.wrapped_private_key).context("a recovery key file's wrapped key")?;
        let keys = PasswordKeys::derive(passphrase, &salt, file.iterations)
            .map_err(|e| anyhow::anyhow!("deriving the passphrase key: {e}"))?;
        let pair = ReaderKeyPair::unwrap(&keys, LOCAL_ACCOUNT, &wrapped)
            .map_err(|_| anyhow::anyhow!("the passphrase does not open recovery key {key_id}"))?;
        if pair.key_id() != key_id {
            bail!("the recovery key file does not hold key {key_id}");
        }
        Ok(pair)
    }

    /// What to send to accept the reader invitation the hub made for this
    /// recovery reader (`POST /handler/v1/invitations/accept`): an ordinary
    /// reader account whose login key comes from `passphrase`, and whose
    /// "wrapped private key" on the hub is sealed under a random secret
    /// nobody keeps, so the hub holds nothing that opens a report.
    pub fn enrolment(
        &self,
        dir: &Path,
        passphrase: &str,
        handler_id: &str,
        invitation_token: &str,
    ) -> anyhow::Result<AcceptReaderInvitationRequest> {
        let pair = Self::unlock(dir, &self.key_id, passphrase)?;
        let salt = random::<16>()?;
        let login = PasswordKeys::derive(passphrase, &salt, DEFAULT_ITERATIONS)
            .map_err(|e| anyhow::anyhow!("deriving the login key: {e}"))?;
        let throwaway = b64::encode(&random::<32>()?);
        let discarded = PasswordKeys::derive(&throwaway, &salt, DEFAULT_ITERATIONS)
            .map_err(|e| anyhow::anyhow!("deriving a throwaway key: {e}"))?;
        Ok(AcceptReaderInvitationRequest {
            invitation_token: invitation_token.to_owned(),
            handler_id: handler_id.to_owned(),
            public_key: pair.public_key().to_vec(),
            key_id: pair.key_id(),
            wrapped_private_key: pair.wrap(&discarded, handler_id).map_err(|e| anyhow::anyhow!("wrapping: {e}"))?,
            kdf_salt: salt.to_vec(),
            kdf_iterations: DEFAULT_ITERATIONS,
            login_key: login.login_key().to_vec(),
        })
    }

    /// The login key for the hub account accepted with [`Self::enrolment`],
    /// given the salt and iterations the hub's prelogin returns.
    pub fn login_key(passphrase: &str, salt: &[u8], iterations: u32) -> anyhow::Result<Vec<u8>> {
        PasswordKeys::derive(passphrase, salt, iterations)
            .map(|keys| keys.login_key().to_vec())
            .map_err(|e| anyhow::anyhow!("deriving the login key: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSPHRASE: &str = "correct horse battery staple";

    #[test]
    fn a_recovery_key_opens_only_with_its_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let key = RecoveryKey::generate(dir.path(), "hotline", PASSPHRASE).unwrap();
        assert_eq!(RecoveryKey::load(dir.path(), &key.key_id).unwrap(), key);
        let pair = RecoveryKey::unlock(dir.path(), &key.key_id, PASSPHRASE).unwrap();
        assert_eq!(pair.public_key().to_vec(), key.public_key);
        assert!(RecoveryKey::unlock(dir.path(), &key.key_id, "not the passphrase at all").is_err());
        assert!(RecoveryKey::generate(dir.path(), "short", "too short").is_err());
    }

    #[test]
    fn the_enrolment_gives_the_hub_a_login_key_but_no_wrap_the_passphrase_opens() {
        let dir = tempfile::tempdir().unwrap();
        let key = RecoveryKey::generate(dir.path(), "hotline", PASSPHRASE).unwrap();
        let request = key.enrolment(dir.path(), PASSPHRASE, "h-1", "token").unwrap();
        assert_eq!(request.key_id, key.key_id);
        assert_eq!(
            request.login_key,
            RecoveryKey::login_key(PASSPHRASE, &request.kdf_salt, request.kdf_iterations).unwrap()
        );
        let keys = PasswordKeys::derive(PASSPHRASE, &request.kdf_salt, request.kdf_iterations).unwrap();
        assert!(ReaderKeyPair::unwrap(&keys, "h-1", &request.wrapped_private_key).is_err());
    }
}
