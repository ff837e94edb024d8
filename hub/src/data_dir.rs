//! The data directory's file-system rules: private permissions and durable
//! writes.
//!
//! Everything the hub writes lives under one directory, readable only by the
//! hub's user: the directory and every directory below it `0700`, every file
//! `0600` — also when the directory existed before the hub first ran, or a
//! file was copied in with looser permissions. [`secure`] enforces that at
//! start; files the hub creates later are created `0600` (the database is
//! created `0600` before SQLite opens it, and SQLite gives its `-wal` and
//! `-shm` files the database file's permissions).
//!
//! A file the hub acknowledges to a device is written with
//! [`write_durably`]: the bytes are synced, then renamed into place, then
//! the directory is synced, so after a power cut the file is either there
//! whole under its name, or not there at all.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// The lock file's name inside the data directory.
pub(crate) const LOCK_FILE: &str = "hub.lock";

/// One hub process per data directory: SQLite's single writer and the
/// hub's in-memory state (group commit queue, rate limits, the escalation
/// job) assume it. Held from start until the hub stops; the operating
/// system releases it when the process ends, however it ends, so a crashed
/// hub leaves nothing to clean up (the file stays, unlocked).
#[derive(Debug)]
pub(crate) struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    /// Takes the lock on `<dir>/hub.lock`, creating the file (`0600`) if
    /// needed; fails with an error that says another hub is using the
    /// directory when one holds it.
    pub(crate) fn acquire(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join(LOCK_FILE);
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path).with_context(|| format!("opening the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(fs::TryLockError::WouldBlock) => Err(anyhow::anyhow!(
                "another hub process is already using the data directory {} (it holds {}). \
                 One hub serves one data directory: stop the other one, or give this one another --data-dir.",
                dir.display(),
                path.display()
            )),
            Err(fs::TryLockError::Error(error)) => {
                Err(anyhow::Error::new(error).context(format!("locking {}", path.display())))
            }
        }
    }
}

/// Creates `dir` (and missing parents) if needed, then makes it and
/// everything below it private: directories `0700`, files `0600`.
pub(crate) fn secure(dir: &Path) -> anyhow::Result<()> {
    create_private_dir(dir).with_context(|| format!("creating the data directory {}", dir.display()))?;
    make_private(dir)
}

/// Creates `dir` (and missing parents) `0700` if it does not exist.
pub(crate) fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).with_context(|| format!("creating {}", dir.display()))
}

/// Makes `path` private, and, for a directory, everything below it.
/// Symbolic links are left alone (and not followed).
pub(crate) fn make_private(path: &Path) -> anyhow::Result<()> {
    let metadata = fs::symlink_metadata(path).with_context(|| format!("reading {}", path.display()))?;
    if metadata.file_type().is_symlink() {
        return Ok(());
    }
    if metadata.is_dir() {
        set_mode(path, 0o700)?;
        for entry in fs::read_dir(path).with_context(|| format!("listing {}", path.display()))? {
            let entry = entry.with_context(|| format!("listing {}", path.display()))?;
            make_private(&entry.path())?;
        }
    } else {
        set_mode(path, 0o600)?;
    }
    Ok(())
}

/// Sets a file's permission bits when they differ (Unix only).
pub(crate) fn set_mode(path: &Path, mode: u32) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let current = fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
        if current.permissions().mode() & 0o777 != mode {
            fs::set_permissions(path, fs::Permissions::from_mode(mode))
                .with_context(|| format!("making {} private", path.display()))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Options that create a new file readable only by the hub's user.
pub(crate) fn private_file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Syncs a directory, so that a file created, renamed or removed in it is
/// recorded on disk (a file's own sync does not cover its directory entry).
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Writes `contents` to `path` so that after a crash or power cut the file
/// is either complete under its name or absent: a private temporary file
/// beside it, synced, renamed into place, then the directory synced. On
/// failure (a full disk) the temporary file is removed and `path` is as it
/// was.
pub(crate) fn write_durably(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut temporary_name = path.file_name().unwrap_or_default().to_os_string();
    temporary_name.push(".partial");
    let temporary = dir.join(temporary_name);
    let written = (|| {
        let mut file = private_file_options().open(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temporary, path)
    })();
    if let Err(error) = written {
        let _ = fs::remove_file(&temporary);
        return Err(error);
    }
    sync_dir(dir)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_directory_that_existed_with_open_permissions_is_made_private_with_its_files() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("data");
        fs::create_dir_all(dir.join("content")).unwrap();
        fs::write(dir.join("hub.db"), b"x").unwrap();
        fs::write(dir.join("content/blob"), b"y").unwrap();
        for path in [&dir, &dir.join("content")] {
            fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
        }
        for path in [dir.join("hub.db"), dir.join("content/blob")] {
            fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        }
        secure(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("content")), 0o700);
        assert_eq!(mode(&dir.join("hub.db")), 0o600);
        assert_eq!(mode(&dir.join("content/blob")), 0o600);
    }

    #[test]
    fn a_durable_write_leaves_a_private_whole_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        write_durably(&path, b"sealed bytes").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"sealed bytes");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
