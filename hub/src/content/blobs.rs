//! Content blobs on the hub's disk: `<data-dir>/content/<sha256>`, one file
//! per blob, named by the SHA-256 of its bytes.
//!
//! A blob is written to a temporary file in the same directory, synced, and
//! renamed into place, so a reader never sees half a blob and a crash leaves
//! at worst a stray temporary file. The hash is computed while copying, from
//! the bytes actually written: the name always matches the content as
//! published.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use ring::digest::{Context as Digest, SHA256};
use workervoice_protocol::content::MAX_BLOB_BYTES;

/// The folder of content blobs inside the data directory.
pub(crate) const CONTENT_DIR: &str = "content";

/// Where the blob with this hash lives.
pub(crate) fn blob_path(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join(CONTENT_DIR).join(sha256)
}

/// A blob as stored: its hash and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredBlob {
    /// Lower-case hex SHA-256.
    pub(crate) sha256: String,
    /// Bytes.
    pub(crate) size: u64,
}

/// Copies `reader` into the blob store, hashing on the way; refuses more
/// than [`MAX_BLOB_BYTES`]. An identical blob already stored is kept as is.
pub(crate) fn store_blob(data_dir: &Path, mut reader: impl Read) -> anyhow::Result<StoredBlob> {
    let dir = data_dir.join(CONTENT_DIR);
    crate::data_dir::create_private_dir(&dir)?;
    let temporary = dir.join(format!(".incoming-{}", uuid::Uuid::new_v4()));
    let result = copy_hashed(&mut reader, &temporary);
    let stored = match result {
        Ok(stored) => stored,
        Err(error) => {
            let _ = fs::remove_file(&temporary);
            return Err(error);
        }
    };
    let path = dir.join(&stored.sha256);
    if fs::metadata(&path).is_ok_and(|meta| meta.len() == stored.size) {
        let _ = fs::remove_file(&temporary);
    } else {
        fs::rename(&temporary, &path).with_context(|| format!("renaming to {}", path.display()))?;
        if let Ok(directory) = File::open(&dir) {
            let _ = directory.sync_all();
        }
    }
    Ok(stored)
}

/// Stores bytes held in memory (a pack's body document).
pub(crate) fn store_bytes(data_dir: &Path, bytes: &[u8]) -> anyhow::Result<StoredBlob> {
    store_blob(data_dir, bytes)
}

fn copy_hashed(reader: &mut impl Read, temporary: &Path) -> anyhow::Result<StoredBlob> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        // Private like everything in the data directory (ADR 0014).
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(temporary).with_context(|| format!("creating {}", temporary.display()))?;
    let mut digest = Digest::new(&SHA256);
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size: u64 = 0;
    loop {
        let n = reader.read(&mut buffer).context("reading a pack file")?;
        if n == 0 {
            break;
        }
        size += n as u64;
        anyhow::ensure!(size <= MAX_BLOB_BYTES, "a pack file is larger than {MAX_BLOB_BYTES} bytes");
        digest.update(&buffer[..n]);
        file.write_all(&buffer[..n]).with_context(|| format!("writing {}", temporary.display()))?;
    }
    file.sync_all().with_context(|| format!("syncing {}", temporary.display()))?;
    Ok(StoredBlob { sha256: hex::encode(digest.finish()), size })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blob_is_stored_under_its_hash_once() {
        let dir = tempfile::tempdir().unwrap();
        let first = store_bytes(dir.path(), b"lesson one").unwrap();
        assert_eq!(first.sha256, workervoice_protocol::content::sha256_hex(b"lesson one"));
        assert_eq!(fs::read(blob_path(dir.path(), &first.sha256)).unwrap(), b"lesson one");
        let again = store_bytes(dir.path(), b"lesson one").unwrap();
        assert_eq!(again, first);
        let names: Vec<_> = fs::read_dir(dir.path().join(CONTENT_DIR)).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
    }
}
