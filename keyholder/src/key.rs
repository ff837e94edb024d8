//! The programme key file.
//!
//! The file format is the one the hub used when it kept the key itself
//! (`programme-signing.key`, Ed25519 PKCS#8 v2), so a key moved off an older
//! hub works here as is.
//!
//! Protects against: other users of the key holder's machine reading the
//! file (mode 0600, folder 0700), and a damaged file being replaced silently
//! (it is never overwritten). Does not protect against anyone who can act as
//! the key holder's user: keep the machine offline if you can (see the
//! `export` / `sign-file` workflow in the README).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use workervoice_protocol::proposal::ProposalKind;
use zeroize::Zeroizing;

/// The key file's name inside the key holder's folder.
pub const KEY_FILE: &str = "programme-signing.key";

/// The programme's signing key.
pub struct ProgrammeKey {
    key: Ed25519KeyPair,
    id: String,
}

impl std::fmt::Debug for ProgrammeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgrammeKey").field("id", &self.id).finish_non_exhaustive()
    }
}

impl ProgrammeKey {
    /// Creates a new key in `dir` (made 0700 if missing). Refuses to replace
    /// an existing key file: apps pin its public key.
    pub fn init(dir: &Path) -> anyhow::Result<Self> {
        let path = key_path(dir);
        if path.exists() {
            bail!("{} already exists; a programme has one key (apps pin it)", path.display());
        }
        create_private_dir(dir)?;
        let generated = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .map_err(|_| anyhow::anyhow!("the system RNG failed"))?;
        write_private_file(&path, generated.as_ref())?;
        Self::load(dir)
    }

    /// Loads the key from `dir`.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let path = key_path(dir);
        let pkcs8 = Zeroizing::new(fs::read(&path).with_context(|| format!("reading {}", path.display()))?);
        let Ok(key) = Ed25519KeyPair::from_pkcs8(&pkcs8) else {
            bail!("{} is not an Ed25519 PKCS#8 key: it is damaged. Restore it from a backup.", path.display());
        };
        let id = workervoice_protocol::content::programme_id(key.public_key().as_ref());
        Ok(Self { key, id })
    }

    /// Loads the key from `dir`, creating it first if the folder has none
    /// (for a demo's key holder, never for a real programme's).
    pub fn load_or_init(dir: &Path) -> anyhow::Result<Self> {
        if key_path(dir).exists() { Self::load(dir) } else { Self::init(dir) }
    }

    /// The raw 32-byte public key: what apps pin and the hub is given.
    pub fn public_key(&self) -> &[u8] {
        self.key.public_key().as_ref()
    }

    /// The programme id derived from the public key.
    pub fn programme_id(&self) -> &str {
        &self.id
    }

    /// Signs a proposal body of `kind`: exactly the signing input a device
    /// (or the hub, for a delegation) will verify.
    pub fn sign_proposal(&self, kind: ProposalKind, body: &[u8]) -> Vec<u8> {
        self.key.sign(&kind.signing_input(body)).as_ref().to_vec()
    }
}

/// The key file inside `dir`.
pub fn key_path(dir: &Path) -> PathBuf {
    dir.join(KEY_FILE)
}

pub(crate) fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).with_context(|| format!("creating {}", dir.display()))
}

/// Writes a new file readable by its owner only, failing if it exists.
pub(crate) fn write_private_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes).and_then(|()| file.sync_all()).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use ring::signature::{ED25519, UnparsedPublicKey};

    use super::*;

    #[test]
    fn init_makes_a_private_key_once_and_it_signs_what_devices_verify() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("holder");
        let key = ProgrammeKey::init(&folder).unwrap();
        assert!(ProgrammeKey::init(&folder).is_err(), "an existing key is never replaced");
        let again = ProgrammeKey::load(&folder).unwrap();
        assert_eq!(key.public_key(), again.public_key());
        let signature = again.sign_proposal(ProposalKind::Directory, b"{}");
        let input = workervoice_protocol::directory::directory_signing_input(b"{}");
        UnparsedPublicKey::new(&ED25519, key.public_key()).verify(&input, &signature).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(key_path(&folder)).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(fs::metadata(&folder).unwrap().permissions().mode() & 0o777, 0o700);
        }
    }
}
