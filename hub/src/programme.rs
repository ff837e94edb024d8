//! The programme's signing key, which signs recipient directories and
//! content manifests (training modules, surveys).
//!
//! Devices pin the programme's Ed25519 public key and accept a directory
//! only if it verifies under it. Whoever holds the private key decides who
//! may read grievances: signing a directory that lists one more handler key
//! is all it takes to add a reader. A real programme therefore keeps this key
//! **offline** and signs directories with a separate tool; the hub then only
//! stores and serves what was signed.
//!
//! For the reference set-up the hub holds the key itself, in
//! `<data-dir>/programme-signing.key` (PKCS#8 v2, mode 0600, created at first
//! start, outside `hub.db`). That is convenient for a demo and for tests, and
//! it means anyone who controls this hub (or a copy of its data directory)
//! can add a reader.

use std::fs;
use std::path::Path;

use anyhow::{Context, bail};
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};

use crate::keys::{warn_if_readable_by_others, write_private_file};

/// The key file's name inside the data directory.
pub(crate) const PROGRAMME_KEY_FILE: &str = "programme-signing.key";

/// The programme's signing key and the id derived from it.
pub(crate) struct ProgrammeKey {
    key: Ed25519KeyPair,
    id: String,
}

impl ProgrammeKey {
    /// Loads the key from the data directory, creating it on first start.
    pub(crate) fn load_or_create(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join(PROGRAMME_KEY_FILE);
        let pkcs8 = match fs::read(&path) {
            Ok(bytes) => zeroize::Zeroizing::new(bytes),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let generated = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
                    .map_err(|_| anyhow::anyhow!("the system RNG failed"))?;
                write_private_file(&path, generated.as_ref())?;
                tracing::info!(file = %path.display(), "created a new programme signing key");
                zeroize::Zeroizing::new(generated.as_ref().to_vec())
            }
            Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
        };
        let Ok(key) = Ed25519KeyPair::from_pkcs8(&pkcs8) else {
            bail!(
                "{} is not an Ed25519 PKCS#8 key: it is damaged. Restore it from a backup; \
                 apps pin its public key and refuse directories signed by any other.",
                path.display()
            );
        };
        warn_if_readable_by_others(&path);
        Ok(Self::from_key(key))
    }

    fn from_key(key: Ed25519KeyPair) -> Self {
        let id = programme_id(key.public_key().as_ref());
        Self { key, id }
    }

    /// The programme id: derived from the public key, so the two can never
    /// disagree (`wvp-` and 16 hex digits of its SHA-256).
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// The raw 32-byte public key.
    pub(crate) fn public_key(&self) -> &[u8] {
        self.key.public_key().as_ref()
    }

    /// Signs `message` (already the full signing input).
    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.key.sign(message).as_ref().to_vec()
    }
}

fn programme_id(public_key: &[u8]) -> String {
    // One definition, shared with devices, which check it in every manifest.
    workervoice_protocol::content::programme_id(public_key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{ED25519, UnparsedPublicKey};

    #[test]
    fn the_key_is_created_once_kept_private_and_signs_verifiably() {
        let dir = tempfile::tempdir().unwrap();
        let first = ProgrammeKey::load_or_create(dir.path()).unwrap();
        let second = ProgrammeKey::load_or_create(dir.path()).unwrap();
        assert_eq!(first.public_key(), second.public_key());
        assert_eq!(first.id(), second.id());
        let signature = second.sign(b"message");
        UnparsedPublicKey::new(&ED25519, first.public_key()).verify(b"message", &signature).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(PROGRAMME_KEY_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_key_file_stops_the_hub_and_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(PROGRAMME_KEY_FILE), b"garbage").unwrap();
        assert!(ProgrammeKey::load_or_create(dir.path()).is_err());
        assert_eq!(fs::read(dir.path().join(PROGRAMME_KEY_FILE)).unwrap(), b"garbage");
    }
}
