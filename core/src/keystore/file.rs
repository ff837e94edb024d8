//! A key store in a directory of files, for desktop, the CLI and tests that
//! need a key store to outlive a process.
//!
//! Not hardware-backed: anyone who can read the directory has the secrets. It
//! exists so the whole system runs on Linux; a real device uses the platform
//! store. Files are created `0600` in a `0700` directory, written atomically
//! (temporary file, fsync, rename).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::{KeyStore, KeyStoreError, SECRET_LEN};

/// Secrets as files named by the hex of their alias.
pub struct FileKeyStore {
    dir: PathBuf,
}

impl FileKeyStore {
    /// Opens (creating if needed) a key store directory.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, KeyStoreError> {
        let dir = dir.into();
        create_private_dir(&dir).map_err(io_failed)?;
        Ok(Self { dir })
    }

    fn path(&self, alias: &str) -> PathBuf {
        self.dir.join(format!("{}.key", hex::encode(alias.as_bytes())))
    }
}

fn io_failed(error: std::io::Error) -> KeyStoreError {
    KeyStoreError::Failed { reason: error.kind().to_string() }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

impl KeyStore for FileKeyStore {
    fn create_secret(&self, alias: &str) -> Result<Zeroizing<Vec<u8>>, KeyStoreError> {
        let secret = crate::crypto::random_bytes::<SECRET_LEN>()
            .map_err(|_| KeyStoreError::Failed { reason: "random source failed".into() })?;
        let secret = Zeroizing::new(secret.to_vec());
        let path = self.path(alias);
        let temp = path.with_extension("tmp");
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&temp).map_err(io_failed)?;
        file.write_all(&secret).and_then(|()| file.sync_all()).map_err(io_failed)?;
        fs::rename(&temp, &path).map_err(io_failed)?;
        Ok(secret)
    }

    fn load_secret(&self, alias: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyStoreError> {
        match fs::read(self.path(alias)) {
            Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(io_failed(error)),
        }
    }

    fn delete_secret(&self, alias: &str) -> Result<(), KeyStoreError> {
        match fs::remove_file(self.path(alias)) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(io_failed(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_survive_reopening_and_deletion_is_final() {
        let dir = tempfile::tempdir().unwrap();
        let created = FileKeyStore::open(dir.path()).unwrap().create_secret("a").unwrap();
        let store = FileKeyStore::open(dir.path()).unwrap();
        assert_eq!(store.load_secret("a").unwrap().map(|s| s.to_vec()), Some(created.to_vec()));
        store.delete_secret("a").unwrap();
        assert_eq!(store.load_secret("a").unwrap(), None);
        store.delete_secret("a").unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn secret_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = FileKeyStore::open(dir.path().join("ks")).unwrap();
        store.create_secret("a").unwrap();
        let mode = fs::metadata(store.path("a")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0);
    }
}
