//! The content part of [`WorkerVoice`]: sync the factory's catalog, fetch
//! and verify manifests, download the blobs that are not held yet (resuming
//! cut downloads, reporting progress, within a storage budget), and hand
//! verified modules and media to the app.
//!
//! A content sync is separate from [`WorkerVoice::sync_now`]: the shell
//! decides when large downloads are welcome (Wi-Fi, charging), and a
//! grievance never waits behind a video.

use std::collections::HashSet;

use workervoice_protocol::content::{BlobRef, CatalogEntry, ContentKind, Manifest, verify_manifest};

use super::{Inner, WorkerVoice, lock};
use crate::content::download::{self, CatalogReply};
use crate::content::{ContentError, held};
use crate::error::{Error, ErrorCode};
use crate::events::Event;
use crate::net::HubClient;
use crate::training::module as training;
use crate::training::{LocalizedModule, TrainingModule};

/// Emit a progress event at most once per this many bytes.
const PROGRESS_STEP_BYTES: u64 = 256 * 1024;
/// Attempts at one blob that made no progress before the sync gives up on it.
const MAX_STALLED_ATTEMPTS: u32 = 4;
/// Attempts at one blob in one sync, whatever they achieved.
const MAX_ATTEMPTS: u32 = 100;

/// What a content sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ContentSyncReport {
    /// Whether the hub sent a new catalog (otherwise: `304`, nothing new).
    pub catalog_changed: bool,
    /// Items in the catalog.
    pub items: u32,
    /// Manifests fetched and verified.
    pub manifests_fetched: u32,
    /// Blobs downloaded and verified.
    pub blobs_downloaded: u32,
    /// Bytes of blobs received in this sync.
    pub bytes_downloaded: u64,
    /// Ids of items refused because they did not verify (tampered, signed by
    /// another key, rolled back); what was held of them is kept.
    pub refused: Vec<String>,
    /// Media left for later because the storage budget is full.
    pub deferred_blobs: u32,
    /// Whether the hub could not be reached (or the download was cut too
    /// often); what arrived is kept and the next sync resumes it.
    pub offline: bool,
}

/// An item of the catalog, as the app lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ContentEntry {
    /// `training_module` or `survey`.
    pub kind: String,
    /// The item's id.
    pub id: String,
    /// Version in the catalog.
    pub version: u64,
    /// Version held and verified on the device, if any.
    pub held_version: Option<u64>,
    /// Title in the current language (falling back to the item's first language, then the id).
    pub title: String,
    /// Bytes of all its blobs.
    pub total_bytes: u64,
    /// Whether the held version has its body and every media blob on the device.
    pub complete: bool,
}

impl WorkerVoice {
    /// Syncs content: the catalog (one small request when nothing changed),
    /// then the manifests and blobs of every item that is not complete.
    /// Items that do not verify are refused and reported; the rest go on.
    pub async fn sync_content(&self) -> Result<ContentSyncReport, Error> {
        let inner = self.inner.clone();
        self.runtime.spawn(async move { inner.sync_content().await }).await
    }

    /// Downloads one item of the held catalog now, because the worker asked
    /// for it: like a sync of that item, except that least recently used
    /// media of other items may be evicted to fit the budget (never those of
    /// the module in use). `kind` is `training_module` or `survey`.
    pub async fn download_content(&self, kind: String, id: String) -> Result<ContentSyncReport, Error> {
        let inner = self.inner.clone();
        self.runtime.spawn(async move { inner.download_content(&kind, &id).await }).await
    }

    /// The catalog held on the device, with what is downloaded of each item.
    pub fn content_catalog(&self) -> Result<Vec<ContentEntry>, Error> {
        self.inner.content_catalog()
    }

    /// A training module, re-verified from what the device holds (manifest
    /// signature, body hash, document shape). Its media are pinned: they are
    /// not evicted while it is the module in use.
    pub fn load_training_module(&self, id: &str) -> Result<TrainingModule, Error> {
        self.inner.load_training_module(id)
    }

    /// A module held on the device, verified, with every text and media list
    /// picked for the signed-in worker: their language, then the device's,
    /// then the module's languages in order (the first is its default), then
    /// any language the item has. Marks the module in use like
    /// [`WorkerVoice::load_training_module`].
    pub fn localized_training_module(&self, id: &str) -> Result<LocalizedModule, Error> {
        self.inner.localized_training_module(id)
    }

    /// The file of a verified media blob (SHA-256 hex, as the module lists
    /// it), for the platform's image view or player.
    pub fn media_path(&self, sha256: &str) -> Result<String, Error> {
        self.inner.media_path(sha256)
    }

    /// Sets the bytes content blobs may take on disk (default 256 MiB).
    /// Least recently used media are evicted to make room; media of the
    /// module in use never are.
    pub fn set_content_budget_bytes(&self, bytes: u64) {
        self.inner.content.set_budget(bytes);
    }

    /// Bytes content blobs take now.
    pub fn content_storage_bytes(&self) -> Result<u64, Error> {
        Ok(held::held_bytes(lock(&self.inner.store).conn())?)
    }
}

impl Inner {
    fn content_key(&self) -> Result<&[u8], Error> {
        self.config.programme_public_key.as_deref().ok_or_else(|| ErrorCode::ContentUnverified.into())
    }

    async fn sync_content(&self) -> Result<ContentSyncReport, Error> {
        let _one_at_a_time = self.content.sync_lock.lock().await;
        let device = self.load_device()?;
        let signer = device.signer()?;
        let client = self.client(&device.row().hub_url)?;
        let pinned_key = self.content_key()?.to_vec();
        let mut report = ContentSyncReport::default();
        if !self.online() {
            report.offline = true;
            return Ok(report);
        }
        let etag = held::etag(lock(&self.store).conn())?;
        let entries = match download::fetch_catalog(&client, &signer, etag.as_deref()).await {
            Ok(CatalogReply::NotModified) => held::catalog(lock(&self.store).conn())?,
            Ok(CatalogReply::Changed(catalog)) => {
                let mut store = lock(&self.store);
                store.transaction(|tx| {
                    held::save_catalog(tx, &catalog.etag, &catalog.entries, self.device_now())?;
                    held::drop_manifests_not_in_catalog(tx)
                })?;
                report.catalog_changed = true;
                catalog.entries
            }
            Err(error) if error.is_network() => {
                report.offline = true;
                return Ok(report);
            }
            Err(error) => {
                // The catalog is a signed request: a device the hub retired
                // learns it here too, and wipes itself.
                if let ContentError::Net(refusal) = &error {
                    self.on_refusal(refusal);
                }
                return Err(error.into());
            }
        };
        report.items = u32::try_from(entries.len()).unwrap_or(u32::MAX);
        let mut changed = 0u32;
        let mut completed = true;
        for entry in &entries {
            let downloaded_before = report.blobs_downloaded + report.manifests_fetched;
            match self.sync_item(&client, entry, &pinned_key, false, &mut report).await {
                Ok(()) => {}
                Err(error) if error.is_refusal() => {
                    tracing::warn!(kind = "content_refused", "a content item did not verify and was not used");
                    report.refused.push(entry.id.clone());
                }
                Err(error) if error.is_network() => {
                    report.offline = true;
                    completed = false;
                    break;
                }
                Err(error) => return Err(error.into()),
            }
            if report.blobs_downloaded + report.manifests_fetched > downloaded_before {
                changed += 1;
            }
        }
        if completed {
            // Every item had its chance: what no held manifest references
            // now (old versions, withdrawn items, refused downloads) goes.
            self.collect_unreferenced_blobs()?;
        }
        self.emit(Event::ContentUpdated { changed, refused: u32::try_from(report.refused.len()).unwrap_or(u32::MAX) });
        Ok(report)
    }

    async fn download_content(&self, kind: &str, id: &str) -> Result<ContentSyncReport, Error> {
        let kind = ContentKind::parse(kind).ok_or(ErrorCode::InvalidInput)?;
        let _one_at_a_time = self.content.sync_lock.lock().await;
        let device = self.load_device()?;
        device.signer()?;
        let client = self.client(&device.row().hub_url)?;
        let pinned_key = self.content_key()?.to_vec();
        let entry = held::catalog(lock(&self.store).conn())?
            .into_iter()
            .find(|entry| entry.kind == kind && entry.id == id)
            .ok_or(ErrorCode::ContentNotDownloaded)?;
        if !self.online() {
            return Err(ErrorCode::NetworkUnavailable.into());
        }
        let mut report = ContentSyncReport { items: 1, ..ContentSyncReport::default() };
        self.sync_item(&client, &entry, &pinned_key, true, &mut report).await?;
        let changed = u32::from(report.blobs_downloaded + report.manifests_fetched > 0);
        self.emit(Event::ContentUpdated { changed, refused: 0 });
        Ok(report)
    }

    /// Brings one item to the catalog's version: manifest, body, media.
    async fn sync_item(
        &self,
        client: &HubClient,
        entry: &CatalogEntry,
        pinned_key: &[u8],
        may_evict: bool,
        report: &mut ContentSyncReport,
    ) -> Result<(), ContentError> {
        let held_manifest = held::manifest(lock(&self.store).conn(), entry.kind, &entry.id)?;
        let (manifest, fresh) = match &held_manifest {
            Some(held) if held.sha256 == entry.manifest_sha256 => (verify_manifest(&held.signed, pinned_key)?, None),
            _ => {
                let (signed, manifest) = download::fetch_manifest(client, entry, pinned_key).await?;
                if let Some(held) = &held_manifest
                    && held.version >= manifest.version
                {
                    return Err(ContentError::Rollback { offered: manifest.version, held: held.version });
                }
                report.manifests_fetched += 1;
                (manifest, Some(signed))
            }
        };
        let missing: Vec<BlobRef> = {
            let store = lock(&self.store);
            let mut missing = Vec::new();
            for blob in manifest.blobs() {
                let on_disk =
                    std::fs::metadata(self.content.dirs.blob(&blob.sha256)).is_ok_and(|m| m.len() == blob.size);
                if !(on_disk && held::has_blob(store.conn(), &blob.sha256)?) {
                    missing.push(blob.clone());
                }
            }
            missing
        };
        let total: u64 = missing.iter().map(|blob| blob.size).sum();
        let mut done: u64 = missing
            .iter()
            .filter_map(|blob| std::fs::metadata(self.content.dirs.partial(&blob.sha256)).ok())
            .map(|meta| meta.len())
            .sum::<u64>()
            .min(total);
        let mut last_emitted = done;
        let protected: HashSet<String> = manifest.blobs().map(|blob| blob.sha256.clone()).collect();
        // The body comes first (`Manifest::blobs`) and its shape is checked
        // before any media downloads. The new manifest replaces the held one
        // only once every blob it needs has arrived and verified (or is
        // deferred by the budget): a cut, a bad reply or a tampered blob
        // leaves the held version whole.
        let mut body_checked = false;
        for blob in &missing {
            let is_body = blob.sha256 == manifest.body.sha256;
            if !is_body && !self.make_room(blob.size, &protected, may_evict)? {
                report.deferred_blobs += 1;
                continue;
            }
            let received =
                self.fetch_with_retries(client, blob, &entry.id, &mut done, &mut last_emitted, total).await?;
            report.bytes_downloaded += received;
            report.blobs_downloaded += 1;
            held::record_blob(lock(&self.store).conn(), &blob.sha256, blob.size, self.device_now())?;
            if is_body {
                self.check_document(&manifest)?;
                body_checked = true;
            }
        }
        if let Some(signed) = &fresh {
            if !body_checked {
                self.check_document(&manifest)?;
            }
            held::save_manifest(lock(&self.store).conn(), &manifest, signed, self.device_now())?;
        }
        if total > 0 && last_emitted != done {
            self.emit(Event::ContentProgress { content_id: entry.id.clone(), done_bytes: done, total_bytes: total });
        }
        Ok(())
    }

    /// Downloads one blob, resuming after every cut while the cuts still let
    /// bytes through. Returns the bytes received.
    async fn fetch_with_retries(
        &self,
        client: &HubClient,
        blob: &BlobRef,
        content_id: &str,
        done: &mut u64,
        last_emitted: &mut u64,
        total: u64,
    ) -> Result<u64, ContentError> {
        let mut received: u64 = 0;
        let mut stalled = 0;
        for attempt in 0..MAX_ATTEMPTS {
            let before = received;
            let mut on_bytes = |bytes: u64| {
                received += bytes;
                *done = (*done + bytes).min(total);
                if *done - *last_emitted >= PROGRESS_STEP_BYTES {
                    *last_emitted = *done;
                    self.emit(Event::ContentProgress {
                        content_id: content_id.to_owned(),
                        done_bytes: *done,
                        total_bytes: total,
                    });
                }
            };
            match download::fetch_blob(client, &self.content.dirs, blob, &mut on_bytes).await {
                Ok(()) => return Ok(received),
                Err(error) if error.is_network() => {
                    stalled = if received > before { 0 } else { stalled + 1 };
                    if stalled >= MAX_STALLED_ATTEMPTS || attempt + 1 == MAX_ATTEMPTS {
                        return Err(error);
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(50 * u64::from(stalled))).await;
                }
                Err(error) => return Err(error),
            }
        }
        Err(ContentError::Interrupted)
    }

    /// Checks an item's document against its kind's shape before its
    /// manifest is kept: a module or survey that would not render is refused.
    fn check_document(&self, manifest: &Manifest) -> Result<(), ContentError> {
        let body = std::fs::read(self.content.dirs.blob(&manifest.body.sha256))?;
        match manifest.kind {
            ContentKind::TrainingModule => training::parse(manifest, &body).map(|_| ()),
            ContentKind::Survey => {
                let listed = |reference: &str| {
                    reference
                        .strip_prefix(workervoice_protocol::content::MEDIA_REF_PREFIX)
                        .is_some_and(|hex| manifest.media_blob(hex).is_some())
                };
                workervoice_protocol::survey::SurveyDefinition::parse(&body, listed)
                    .map(|_| ())
                    .map_err(|_| ContentError::Document("survey"))
            }
        }
    }

    /// Makes room for `size` more bytes within the budget; returns whether
    /// they fit. Blobs no held manifest references (an old version, a
    /// withdrawn item) go first. With `may_evict` (the worker asked for this
    /// item), least recently used media of other items go next — but never
    /// a body document of a held manifest, a blob of the item being
    /// downloaded, or the media of the module in use. A background sync does
    /// not evict one item's media for another's: it defers instead.
    fn make_room(&self, size: u64, protected: &HashSet<String>, may_evict: bool) -> Result<bool, ContentError> {
        let budget = self.content.budget();
        let store = lock(&self.store);
        let mut used = held::held_bytes(store.conn())?;
        if used.saturating_add(size) <= budget {
            return Ok(true);
        }
        let pinned = self.content.pinned();
        let manifests = held::manifests(store.conn())?;
        let bodies: HashSet<&str> = manifests.iter().map(|manifest| manifest.body.sha256.as_str()).collect();
        let referenced: HashSet<&str> =
            manifests.iter().flat_map(|manifest| manifest.blobs().map(|blob| blob.sha256.as_str())).collect();
        let by_age = held::blobs_by_age(store.conn())?;
        let stale_first = by_age
            .iter()
            .filter(|(sha256, _)| !referenced.contains(sha256.as_str()))
            .chain(by_age.iter().filter(|(sha256, _)| may_evict && referenced.contains(sha256.as_str())));
        for (sha256, blob_size) in stale_first {
            if used.saturating_add(size) <= budget {
                break;
            }
            if protected.contains(sha256) || pinned.contains(sha256) || bodies.contains(sha256.as_str()) {
                continue;
            }
            match std::fs::remove_file(self.content.dirs.blob(sha256)) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(error.into()),
            }
            held::forget_blob(store.conn(), sha256)?;
            used = used.saturating_sub(*blob_size);
        }
        Ok(used.saturating_add(size) <= budget)
    }

    /// Deletes blobs no held manifest references any more (withdrawn content).
    fn collect_unreferenced_blobs(&self) -> Result<(), ContentError> {
        let store = lock(&self.store);
        let referenced: HashSet<String> = held::manifests(store.conn())?
            .iter()
            .flat_map(|manifest| manifest.blobs().map(|blob| blob.sha256.clone()).collect::<Vec<_>>())
            .collect();
        for (sha256, _) in held::blobs_by_age(store.conn())? {
            if !referenced.contains(&sha256) {
                let _ = std::fs::remove_file(self.content.dirs.blob(&sha256));
                held::forget_blob(store.conn(), &sha256)?;
            }
        }
        Ok(())
    }

    fn content_catalog(&self) -> Result<Vec<ContentEntry>, Error> {
        let languages = self.languages();
        let primary = languages.primary();
        let store = lock(&self.store);
        let pinned_key = self.content_key().ok();
        let mut entries = Vec::new();
        for entry in held::catalog(store.conn())? {
            let held_manifest = held::manifest(store.conn(), entry.kind, &entry.id)?;
            let manifest = match (&held_manifest, pinned_key) {
                (Some(held), Some(key)) => verify_manifest(&held.signed, key).ok(),
                _ => None,
            };
            let complete = match &manifest {
                Some(manifest) => manifest.blobs().all(|blob| {
                    held::has_blob(store.conn(), &blob.sha256).unwrap_or(false)
                        && std::fs::metadata(self.content.dirs.blob(&blob.sha256)).is_ok_and(|m| m.len() == blob.size)
                }),
                None => false,
            };
            let title = manifest
                .as_ref()
                .and_then(|manifest| {
                    manifest
                        .titles
                        .get(&primary)
                        .or_else(|| manifest.languages.first().and_then(|tag| manifest.titles.get(tag)))
                        .cloned()
                })
                .unwrap_or_else(|| entry.id.clone());
            entries.push(ContentEntry {
                kind: entry.kind.as_str().to_owned(),
                id: entry.id,
                version: entry.version,
                held_version: manifest.as_ref().map(|manifest| manifest.version),
                title,
                total_bytes: entry.total_bytes,
                complete,
            });
        }
        Ok(entries)
    }

    fn load_training_module(&self, id: &str) -> Result<TrainingModule, Error> {
        let (manifest, body) = self.training_body(id)?;
        let module = training::parse(&manifest, &body)?;
        self.mark_in_use(&manifest)?;
        Ok(module)
    }

    fn localized_training_module(&self, id: &str) -> Result<LocalizedModule, Error> {
        let (manifest, body) = self.training_body(id)?;
        let document = training::document(&manifest, &body)?;
        self.mark_in_use(&manifest)?;
        Ok(training::localize(&manifest, document, &self.requested_languages()))
    }

    /// Pins a module's media against eviction (until another is opened) and
    /// records their use.
    fn mark_in_use(&self, manifest: &Manifest) -> Result<(), Error> {
        self.content.pin(manifest.media.iter().map(|blob| blob.sha256.clone()));
        let store = lock(&self.store);
        held::touch_blobs(store.conn(), manifest.blobs().map(|blob| blob.sha256.as_str()), self.device_now())?;
        Ok(())
    }

    /// The verified manifest and body document of a module held on the device.
    pub(super) fn training_body(&self, id: &str) -> Result<(Manifest, Vec<u8>), Error> {
        self.content_body(ContentKind::TrainingModule, id)
    }

    /// The verified manifest and body document of an item held on the device.
    pub(super) fn content_body(&self, kind: ContentKind, id: &str) -> Result<(Manifest, Vec<u8>), Error> {
        let pinned_key = self.content_key()?;
        let held_manifest =
            held::manifest(lock(&self.store).conn(), kind, id)?.ok_or(ErrorCode::ContentNotDownloaded)?;
        let manifest = verify_manifest(&held_manifest.signed, pinned_key).map_err(ContentError::from)?;
        let path = self.content.dirs.blob(&manifest.body.sha256);
        let body = match std::fs::read(&path) {
            Ok(body) => body,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(ErrorCode::ContentNotDownloaded.into());
            }
            Err(error) => return Err(ContentError::from(error).into()),
        };
        if body.len() as u64 != manifest.body.size
            || workervoice_protocol::content::sha256_hex(&body) != manifest.body.sha256
        {
            return Err(ContentError::HashMismatch.into());
        }
        Ok((manifest, body))
    }

    fn media_path(&self, sha256: &str) -> Result<String, Error> {
        if !workervoice_protocol::content::is_sha256_hex(sha256) {
            return Err(ErrorCode::InvalidInput.into());
        }
        let store = lock(&self.store);
        let path = self.content.dirs.blob(sha256);
        if !held::has_blob(store.conn(), sha256)? || !path.is_file() {
            return Err(ErrorCode::ContentNotDownloaded.into());
        }
        held::touch_blobs(store.conn(), [sha256], self.device_now())?;
        Ok(path.to_string_lossy().into_owned())
    }
}
