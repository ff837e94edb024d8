//! The app's draft calls: work in progress of the signed-in worker, kept
//! under their vault key, or (in a provisional kiosk session) sealed to their
//! draft key and held in memory (see `kiosk::drafts`).

use super::{WorkerVoice, lock};
use crate::error::{Error, ErrorCode};

impl WorkerVoice {
    /// Saves (replaces) a draft of the logged-in worker under their key.
    ///
    /// In a provisional kiosk session (signed in offline) there is no vault
    /// key: the draft is sealed to the worker's draft key, which the tablet
    /// cannot open, and comes back at the worker's next online sign-in once
    /// the hub has confirmed this one (see `drafts`); within this session it
    /// is read back from memory.
    pub fn save_draft(&self, name: &str, content: &[u8]) -> Result<(), Error> {
        self.inner.expire_if_idle();
        let mut session = self.inner.touched_session();
        let session = session.as_mut().ok_or(ErrorCode::NotLoggedIn)?;
        crate::kiosk::drafts::check(name, content)?;
        // The device's clock (the tests' clock), like the kiosk's age limits.
        let now = self.inner.device_now();
        let held_by = session.provisional_sign_in().map(str::to_owned);
        if let Some(drafts) = session.provisional_drafts() {
            let mut store = lock(&self.inner.store);
            return crate::kiosk::drafts::save_offline(&mut store, drafts, held_by.as_deref(), name, content, now);
        }
        crate::kiosk::drafts::save(&mut lock(&self.inner.store), session, name, content, now)
    }

    /// The logged-in worker's draft `name`, if any.
    pub fn load_draft(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        self.inner.expire_if_idle();
        let mut session = self.inner.touched_session();
        let session = session.as_mut().ok_or(ErrorCode::NotLoggedIn)?;
        if let Some(drafts) = session.provisional_drafts() {
            return Ok(drafts.entries.get(name).map(|(content, _)| content.to_vec()));
        }
        crate::kiosk::drafts::load(&lock(&self.inner.store), session, name)
    }

    /// Deletes the logged-in worker's draft `name`.
    pub fn delete_draft(&self, name: &str) -> Result<(), Error> {
        self.inner.expire_if_idle();
        let mut session = self.inner.touched_session();
        let session = session.as_mut().ok_or(ErrorCode::NotLoggedIn)?;
        if let Some(drafts) = session.provisional_drafts() {
            return crate::kiosk::drafts::delete_offline(&mut lock(&self.inner.store), drafts, name);
        }
        crate::kiosk::drafts::delete(&mut lock(&self.inner.store), session, name)
    }
}
