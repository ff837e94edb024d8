//! The app's note calls: the worker's private notes (see `crate::notes`).

use super::{WorkerVoice, lock};
use crate::error::{Error, ErrorCode};
use crate::notes::{self, Note};

impl WorkerVoice {
    /// Saves private notes for the logged-in worker in one transaction.
    pub fn save_notes(&self, texts: &[String]) -> Result<Vec<String>, Error> {
        self.inner.expire_if_idle();
        let session = self.inner.touched_session();
        let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
        let mut store = lock(&self.inner.store);
        notes::save(&mut store, session, texts, self.inner.now_millis())
    }

    /// A page of the logged-in worker's notes, newest first (at most 1,000).
    pub fn list_notes(&self, limit: u32, offset: u32) -> Result<Vec<Note>, Error> {
        self.inner.expire_if_idle();
        let session = self.inner.touched_session();
        let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
        notes::list(&lock(&self.inner.store), session, limit, offset)
    }

    /// How many notes the logged-in worker has.
    pub fn count_notes(&self) -> Result<u64, Error> {
        self.inner.expire_if_idle();
        let session = self.inner.touched_session();
        let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
        notes::count(&lock(&self.inner.store), session)
    }
}
