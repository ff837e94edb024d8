//! The app's draft calls: work in progress of the signed-in worker, kept
//! under their vault key, or (in a provisional kiosk session) sealed to their
//! draft key and held in memory (see `kiosk::drafts`).

use super::{WorkerVoice, lock};
use crate::error::{Error, ErrorCode};
use crate::kiosk::drafts::{self as kiosk_drafts, DraftAttachment};

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

    /// Replaces the photos and voice notes kept with the logged-in worker's
    /// draft `name` (a half-written report), each sealed under their key in
    /// a row of its own, like the draft's words; an empty list removes them.
    /// They are checked as a report's attachments are (how many, how large
    /// together: `TOO_MANY_ATTACHMENTS`, `ATTACHMENTS_TOO_LARGE`), so a
    /// draft never holds what its report could not send. Rows are written
    /// only here, not with every keystroke of the draft's words; the draft
    /// and its attachments are aged together (saving either marks all of
    /// them as saved), so the kiosk's age limit takes them whole or not at all.
    ///
    /// In a provisional kiosk session they go the way of its drafts (see
    /// [`WorkerVoice::save_draft`]). `delete_draft(name)` deletes them too.
    pub fn save_draft_attachments(&self, name: &str, attachments: &[DraftAttachment]) -> Result<(), Error> {
        self.inner.expire_if_idle();
        let mut session = self.inner.touched_session();
        let session = session.as_mut().ok_or(ErrorCode::NotLoggedIn)?;
        kiosk_drafts::check_draft_name(name)?;
        kiosk_drafts::check_attachments(attachments)?;
        let mut parts = Vec::with_capacity(attachments.len());
        for attachment in attachments {
            let part = kiosk_drafts::encode_attachment(attachment)?;
            kiosk_drafts::check_part(&part)?;
            parts.push(part);
        }
        let now = self.inner.device_now();
        let held_by = session.provisional_sign_in().map(str::to_owned);
        let names = kiosk_drafts::attachment_parts(name);
        if let Some(drafts) = session.provisional_drafts() {
            let mut store = lock(&self.inner.store);
            for (index, part_name) in names.iter().enumerate() {
                match parts.get(index) {
                    Some(part) => {
                        kiosk_drafts::put_offline(&mut store, drafts, held_by.as_deref(), part_name, part, now)?
                    }
                    None => kiosk_drafts::remove_offline(&mut store, drafts, part_name)?,
                }
            }
            return kiosk_drafts::keep_together_offline(&mut store, drafts, name, now);
        }
        let mut store = lock(&self.inner.store);
        for (index, part_name) in names.iter().enumerate() {
            match parts.get(index) {
                Some(part) => kiosk_drafts::put(&mut store, session, part_name, part, now)?,
                None => kiosk_drafts::remove(&mut store, session, part_name)?,
            }
        }
        // The draft's words live as long as its newest attachment.
        kiosk_drafts::keep_together(&mut store, session, name, now)
    }

    /// The photos and voice notes kept with the logged-in worker's draft
    /// `name`, in the order they were attached (empty when none).
    pub fn load_draft_attachments(&self, name: &str) -> Result<Vec<DraftAttachment>, Error> {
        self.inner.expire_if_idle();
        let mut session = self.inner.touched_session();
        let session = session.as_mut().ok_or(ErrorCode::NotLoggedIn)?;
        kiosk_drafts::check_draft_name(name)?;
        let names = kiosk_drafts::attachment_parts(name);
        let mut found = Vec::new();
        if let Some(drafts) = session.provisional_drafts() {
            for part_name in &names {
                if let Some((plain, _)) = drafts.entries.get(part_name) {
                    found.extend(kiosk_drafts::decode_attachment(plain));
                }
            }
            return Ok(found);
        }
        let store = lock(&self.inner.store);
        for part_name in &names {
            if let Some(plain) = kiosk_drafts::get(&store, session, part_name)? {
                let plain = zeroize::Zeroizing::new(plain);
                found.extend(kiosk_drafts::decode_attachment(&plain));
            }
        }
        Ok(found)
    }
}
