//! The content channel on [`WorkerVoiceApp`]: sync training modules (and
//! later surveys) signed by the programme, list them, open one verified,
//! and find its media files.

use workervoice_core::app::{ContentEntry, ContentSyncReport};
use workervoice_core::training::{LocalizedModule, TrainingModule};

use crate::app::WorkerVoiceApp;
use crate::error::WorkerVoiceError;

#[uniffi::export]
impl WorkerVoiceApp {
    /// Syncs content: one small request when nothing changed; otherwise the
    /// new manifests and the blobs not held yet, resuming cut downloads.
    /// Progress arrives as `Event.ContentProgress`; items that do not
    /// verify are refused and listed in the report.
    pub async fn sync_content(&self) -> Result<ContentSyncReport, WorkerVoiceError> {
        self.core().sync_content().await.map_err(|e| self.error(e))
    }

    /// Downloads one item now (the worker opened it), evicting least
    /// recently used media of other items if the budget needs it.
    pub async fn download_content(&self, kind: String, id: String) -> Result<ContentSyncReport, WorkerVoiceError> {
        self.core().download_content(kind, id).await.map_err(|e| self.error(e))
    }

    /// The content catalog held on the device, titles in the current language.
    pub fn content_catalog(&self) -> Result<Vec<ContentEntry>, WorkerVoiceError> {
        self.core().content_catalog().map_err(|e| self.error(e))
    }

    /// A training module, verified again from what the device holds.
    pub fn load_training_module(&self, id: String) -> Result<TrainingModule, WorkerVoiceError> {
        self.core().load_training_module(&id).map_err(|e| self.error(e))
    }

    /// A training module with every text and media list picked for the
    /// signed-in worker: their language, then the device's, then the
    /// module's languages (the first is its default), then any.
    pub fn localized_training_module(&self, id: String) -> Result<LocalizedModule, WorkerVoiceError> {
        self.core().localized_training_module(&id).map_err(|e| self.error(e))
    }

    /// The file path of a verified media blob named by a module (SHA-256 hex).
    pub fn media_path(&self, sha256: String) -> Result<String, WorkerVoiceError> {
        self.core().media_path(&sha256).map_err(|e| self.error(e))
    }

    /// Sets the bytes content may take on disk (default 256 MiB).
    pub fn set_content_budget_bytes(&self, bytes: u64) {
        self.core().set_content_budget_bytes(bytes);
    }

    /// Bytes content takes on disk now.
    pub fn content_storage_bytes(&self) -> Result<u64, WorkerVoiceError> {
        self.core().content_storage_bytes().map_err(|e| self.error(e))
    }
}
