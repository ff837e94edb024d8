//! Content on the device: training modules and survey definitions, received
//! over the signed content channel (`workervoice_protocol::content`). What a
//! training module's document looks like is `training::module`; a survey's,
//! `workervoice_protocol::survey` (rendered in `crate::surveys`).
//!
//! What this protects against: a hub, a network attacker or a factory Wi-Fi
//! that changes a lesson or a quiz answer, swaps a picture, injects a pack,
//! or serves an older version of one. A manifest is used only if it verifies
//! under the programme key pinned in the app, names this programme, and is
//! not older than the one held; a blob is used only if its SHA-256 and size
//! match the manifest. What it does not protect against: a hub withholding
//! content, or a compromised programme key.
//!
//! Content is not worker data: manifests and blobs are stored in the clear
//! (the database rows and files under `<data-dir>/content/`). What a worker
//! does with it (progress, answers) is sealed under the worker's key.
//!
//! Files: `content/partial/<sha256>` grows while a blob downloads (a cut
//! download resumes from its length with an HTTP range); the complete file
//! is verified and renamed to `content/blobs/<sha256>`. A wrong hash deletes
//! the partial file. Nothing already held is touched by a failed download.

pub mod download;
pub mod held;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use workervoice_protocol::content::ManifestError;

use crate::error::{Error, ErrorCode};
use crate::net::NetError;
use crate::store::StoreError;

/// Default storage budget for content blobs: 256 MiB.
pub const DEFAULT_BUDGET_BYTES: u64 = 256 * 1024 * 1024;

/// Why content was refused or could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    /// The manifest did not verify (signature, programme, fields).
    #[error("manifest refused: {0}")]
    Manifest(#[from] ManifestError),
    /// The manifest is older than the one held, or differs at the same version.
    #[error("manifest version {offered} does not replace {held}")]
    Rollback {
        /// Version offered.
        offered: u64,
        /// Version held.
        held: u64,
    },
    /// The manifest is not the one the catalog announced (hash, kind, id or version).
    #[error("manifest does not match the catalog")]
    NotAnnounced,
    /// A blob's bytes do not hash to the manifest's SHA-256.
    #[error("blob hash mismatch")]
    HashMismatch,
    /// The body document does not have the shape of its kind.
    #[error("document malformed: {0}")]
    Document(&'static str),
    /// The hub's reply broke the protocol (status, length, range).
    #[error("bad reply: {0}")]
    BadReply(&'static str),
    /// The transfer stopped before the end; the partial file is kept.
    #[error("download interrupted")]
    Interrupted,
    /// The item or blob is not held on the device.
    #[error("not downloaded")]
    NotHeld,
    /// The request failed.
    #[error(transparent)]
    Net(#[from] NetError),
    /// The device's database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file under `content/` could not be read or written.
    #[error("content file: {0}")]
    Io(#[from] std::io::Error),
}

impl ContentError {
    /// Whether the content itself was refused (as opposed to the network or
    /// the device failing): the item is reported as refused and skipped.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Self::Manifest(_) | Self::Rollback { .. } | Self::NotAnnounced | Self::HashMismatch | Self::Document(_)
        )
    }

    /// Whether the network (not the content or the device) failed.
    pub fn is_network(&self) -> bool {
        match self {
            Self::Interrupted => true,
            Self::Net(error) => matches!(error, NetError::Unreachable),
            _ => false,
        }
    }
}

impl From<ContentError> for Error {
    fn from(error: ContentError) -> Self {
        match error {
            ContentError::Manifest(_)
            | ContentError::Rollback { .. }
            | ContentError::NotAnnounced
            | ContentError::HashMismatch
            | ContentError::Document(_) => {
                tracing::warn!(kind = "content_refused", "content did not verify");
                ErrorCode::ContentUnverified.into()
            }
            ContentError::BadReply(_) => ErrorCode::BadReply.into(),
            ContentError::Interrupted => ErrorCode::NetworkUnavailable.into(),
            ContentError::NotHeld => ErrorCode::ContentNotDownloaded.into(),
            ContentError::Net(error) => error.into(),
            ContentError::Store(error) => error.into(),
            ContentError::Io(error) => StoreError::Io(error).into(),
        }
    }
}

/// Where content lives under the data directory.
#[derive(Debug, Clone)]
pub struct ContentDirs {
    root: PathBuf,
}

impl ContentDirs {
    /// `<data_dir>/content`.
    pub fn new(data_dir: &Path) -> Self {
        Self { root: data_dir.join("content") }
    }

    /// A complete, verified blob.
    pub fn blob(&self, sha256: &str) -> PathBuf {
        self.root.join("blobs").join(sha256)
    }

    /// A blob being downloaded.
    pub fn partial(&self, sha256: &str) -> PathBuf {
        self.root.join("partial").join(sha256)
    }

    /// Creates both folders.
    pub fn create(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(self.root.join("blobs"))?;
        std::fs::create_dir_all(self.root.join("partial"))
    }
}

/// The device's content state that is not in the database: folders, the
/// storage budget, the media pinned by the module in use, and a lock that
/// keeps content syncs one at a time (apart from grievance syncs, which a
/// large download must not hold up).
pub struct ContentState {
    /// The folders.
    pub dirs: ContentDirs,
    budget: AtomicU64,
    pinned: Mutex<HashSet<String>>,
    /// One content sync at a time.
    pub sync_lock: tokio::sync::Mutex<()>,
}

impl ContentState {
    /// State for the data directory, with the default budget.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dirs: ContentDirs::new(data_dir),
            budget: AtomicU64::new(DEFAULT_BUDGET_BYTES),
            pinned: Mutex::new(HashSet::new()),
            sync_lock: tokio::sync::Mutex::new(()),
        }
    }

    /// Bytes content blobs may take on disk.
    pub fn budget(&self) -> u64 {
        self.budget.load(Ordering::SeqCst)
    }

    /// Sets the budget (applies from the next download).
    pub fn set_budget(&self, bytes: u64) {
        self.budget.store(bytes, Ordering::SeqCst);
    }

    /// Pins the media of the module now in use: they are never evicted
    /// while it is open. Replaces the previous pins.
    pub fn pin(&self, blobs: impl IntoIterator<Item = String>) {
        let mut pinned = self.pinned.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *pinned = blobs.into_iter().collect();
    }

    /// The pinned blobs.
    pub fn pinned(&self) -> HashSet<String> {
        self.pinned.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}
