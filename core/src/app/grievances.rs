//! The grievance part of [`WorkerVoice`]: compose and submit (offline), the
//! outbox, the worker's cases, and follow-up with a receipt. Sync is
//! `app::sync` (the pass itself: `crate::sync`).

use workervoice_protocol::directory::Directory;
use workervoice_protocol::envelope::{self, Reporter};
use workervoice_protocol::grievance::{
    Author, CaseCursor, CaseEvent, CaseSyncRequest, CaseSyncResponse, HEADER_CASE_TOKEN, WorkerReplyRequest,
};
use workervoice_protocol::{b64, paths};

use super::{Inner, WorkerVoice, lock};
use crate::device::DeviceMode;
use crate::directory as dir;
use crate::error::{Error, ErrorCode};
use crate::events::Event;
use crate::grievance::receipt::{self, Receipt, ReceiptKeys};
use crate::grievance::{self, CaseState, CaseSummary, CaseThread, GrievanceDraft, GrievanceRoute};
use crate::net::{HubClient, Method, NetError, Request};
use crate::store::outbox::{self as outbox, OutboxState};

/// Who can read a report sent on one route, from the verified directory:
/// what the app shows a worker before they send.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RouteReaders {
    /// The route.
    pub route: GrievanceRoute,
    /// Who the worker is trusting on it, as the programme signed it (e.g.
    /// "Independent hotline"); empty if the directory names nobody.
    pub organisation: String,
    /// How many people hold a key that opens a report on this route.
    pub readers: u32,
    /// Exactly one reader: if that person loses their key, reports on this
    /// route cannot be read by anyone.
    pub single_reader: bool,
}

/// A category the worker can choose, with its label in the current language.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CategoryOption {
    /// Stable id.
    pub id: String,
    /// Label in the session's language (falling back to English, then the id).
    pub label: String,
}

/// What submitting returns: the receipt, shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SubmitOutcome {
    /// The outbox id, to follow delivery.
    pub client_id: String,
    /// The receipt: public case id and secret. On a shared device it is kept
    /// nowhere: the worker must write it down now.
    pub receipt: Receipt,
    /// Whether the device keeps the case (personal device, logged-in worker).
    pub kept_on_device: bool,
}

/// Delivery state of one submission.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SubmissionStatus {
    /// State.
    pub state: OutboxState,
    /// Attempts so far.
    pub attempts: u32,
    /// For `NeedsAttention`: the hub's reason code (e.g. `case_id_taken`).
    pub reason: Option<String>,
}

/// Counts of the outbox, for a status line or the device admin.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OutboxSummary {
    /// Waiting.
    pub queued: u64,
    /// Being sent.
    pub sending: u64,
    /// Acknowledged by the hub.
    pub delivered: u64,
    /// Refused by the hub, kept.
    pub needs_attention: u64,
}

impl WorkerVoice {
    /// The grievance categories of the held directory, labelled in the
    /// current language. Empty until the first sync brought a directory.
    pub fn categories(&self) -> Result<Vec<CategoryOption>, Error> {
        let directory = self.inner.directory()?;
        let languages = self.languages();
        let preferred = [languages.primary(), "en".to_owned()];
        Ok(directory
            .map(|d| d.categories)
            .unwrap_or_default()
            .into_iter()
            .map(|category| {
                let label = preferred
                    .iter()
                    .find_map(|lang| category.labels.get(lang).filter(|l| !l.trim().is_empty()).cloned())
                    .unwrap_or_else(|| category.id.clone());
                CategoryOption { id: category.id, label }
            })
            .collect())
    }

    /// Who can read a report on each route this device can offer, in
    /// escalation order, from the directory verified against the pinned
    /// programme key (never from anything unsigned). Routes nobody can read
    /// are left out. `directory_missing` before the first sync.
    pub fn route_readers(&self) -> Result<Vec<RouteReaders>, Error> {
        let device = self.inner.load_device()?;
        let factory_id = device.row().factory_id.clone().ok_or(ErrorCode::NotEnrolled)?;
        let directory = self.inner.directory()?.ok_or(ErrorCode::DirectoryMissing)?;
        Ok([GrievanceRoute::FactoryCommittee, GrievanceRoute::IndependentHotline, GrievanceRoute::Brand]
            .into_iter()
            .filter_map(|route| {
                let set = dir::recipients_for(&directory, route.into(), &factory_id)?;
                let readers = u32::try_from(set.recipients.len()).unwrap_or(u32::MAX);
                Some(RouteReaders { route, organisation: set.organisation(), readers, single_reader: readers == 1 })
            })
            .collect())
    }

    /// Seals a grievance and queues it: works with no network, returns once
    /// it is durably stored. Anonymous reports need no login; named ones do.
    pub fn submit_grievance(&self, draft: GrievanceDraft) -> Result<SubmitOutcome, Error> {
        self.inner.expire_if_idle();
        let outcome = self.inner.submit(&draft, None)?;
        self.inner.emit_outbox_changed();
        Ok(outcome)
    }

    /// Like [`Self::submit_grievance`], but first sent no earlier than
    /// `not_before` (device seconds), however forced the sync: the case a
    /// survey answer opens leaves with that answer's random delay, not in
    /// the next sync beside the signed-in worker's requests (ADR 0016).
    pub(crate) fn submit_grievance_not_before(
        &self,
        draft: GrievanceDraft,
        not_before: i64,
    ) -> Result<SubmitOutcome, Error> {
        self.inner.expire_if_idle();
        let outcome = self.inner.submit(&draft, Some(not_before))?;
        self.inner.emit_outbox_changed();
        Ok(outcome)
    }

    /// The delivery state of a submission.
    pub fn submission_status(&self, client_id: &str) -> Result<Option<SubmissionStatus>, Error> {
        let store = lock(&self.inner.store);
        Ok(outbox::get(store.conn(), client_id)?.map(|row| SubmissionStatus {
            state: row.state,
            attempts: row.attempts,
            reason: row.reason.filter(|_| row.state == OutboxState::NeedsAttention),
        }))
    }

    /// Outbox counts.
    pub fn outbox_summary(&self) -> Result<OutboxSummary, Error> {
        self.inner.outbox_summary()
    }

    /// The logged-in worker's cases on this (personal) device.
    pub fn my_cases(&self) -> Result<Vec<CaseSummary>, Error> {
        self.inner.expire_if_idle();
        let session = self.inner.touched_session();
        let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
        let vault_key = session.vault_key()?;
        let store = lock(&self.inner.store);
        grievance::list_cases(store.conn(), vault_key, &session.local_id)?
            .iter()
            .map(|record| {
                let stored = &record.case;
                let delivery =
                    outbox::get(store.conn(), &record.client_id)?.map_or(OutboxState::Delivered, |o| o.state);
                Ok(CaseSummary {
                    case_id: record.case_id.clone(),
                    state: CaseState::parse(&record.status),
                    delivery,
                    category_id: stored.category_id.clone(),
                    anonymous: stored.anonymous,
                    text: stored.text.clone(),
                    created_at: stored.created_at,
                })
            })
            .collect()
    }

    /// The stored thread of one of the worker's cases (as of the last sync).
    pub fn case_thread(&self, case_id: &str) -> Result<CaseThread, Error> {
        self.inner.expire_if_idle();
        let session = self.inner.touched_session();
        let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
        let store = lock(&self.inner.store);
        grievance::stored_thread(store.conn(), session.vault_key()?, &session.local_id, case_id)
    }

    /// Follows a case up with its receipt, on any device; nothing is stored.
    pub async fn follow_up(&self, case_id: String, secret: String) -> Result<CaseThread, Error> {
        let inner = self.inner.clone();
        let secret = zeroize::Zeroizing::new(secret);
        self.runtime.spawn(async move { inner.follow_up(&case_id, &secret).await }).await
    }

    /// Replies to a case with its receipt.
    pub async fn reply_with_receipt(&self, case_id: String, secret: String, text: String) -> Result<(), Error> {
        let inner = self.inner.clone();
        let secret = zeroize::Zeroizing::new(secret);
        self.runtime
            .spawn(async move {
                let keys = receipt::derive(&case_id, &secret).ok_or(ErrorCode::ReceiptInvalid)?;
                inner.reply(&keys, &text).await
            })
            .await
    }

    /// Replies to one of the logged-in worker's stored cases.
    pub async fn reply_to_case(&self, case_id: String, text: String) -> Result<(), Error> {
        let keys = self.inner.stored_receipt(&case_id)?;
        let inner = self.inner.clone();
        self.runtime.spawn(async move { inner.reply(&keys, &text).await }).await
    }
}

impl Inner {
    pub(super) fn pinned_key(&self) -> Result<&[u8], Error> {
        self.config.programme_public_key.as_deref().ok_or_else(|| ErrorCode::DirectoryMissing.into())
    }

    fn directory(&self) -> Result<Option<Directory>, Error> {
        let pinned = self.pinned_key()?;
        Ok(dir::load(lock(&self.store).conn(), pinned)?)
    }

    fn outbox_summary(&self) -> Result<OutboxSummary, Error> {
        let (queued, sending, delivered, needs_attention) = outbox::counts(lock(&self.store).conn())?;
        Ok(OutboxSummary { queued, sending, delivered, needs_attention })
    }

    pub(super) fn emit_outbox_changed(&self) {
        if let Ok(summary) = self.outbox_summary() {
            self.emit(Event::OutboxChanged {
                queued: summary.queued + summary.sending,
                needs_attention: summary.needs_attention,
            });
        }
    }

    fn submit(&self, draft: &GrievanceDraft, not_before: Option<i64>) -> Result<SubmitOutcome, Error> {
        let device = self.load_device()?;
        device.signer()?; // enrolled and not retired
        let factory_id = device.row().factory_id.clone().ok_or(ErrorCode::NotEnrolled)?;
        let directory = self.directory()?.ok_or(ErrorCode::DirectoryMissing)?;
        let language = self.languages().primary();
        let session = self.touched_session();
        if !draft.anonymous && session.is_none() {
            return Err(ErrorCode::NotLoggedIn.into());
        }
        let receipt = receipt::generate()?;
        let keys = receipt::keys_of(&receipt).ok_or(ErrorCode::Internal)?;
        let reporter = session.as_ref().map(|s| Reporter {
            worker_number: s.profile.worker_number.clone(),
            display_name: s.profile.display_name.clone(),
        });
        let now = self.device_now();
        let sealed = grievance::seal(draft, &directory, &factory_id, reporter, &keys, &language, now)?;
        // Personal devices keep the case (receipt, and for named reports the
        // worker's own copy) under the vault key; shared devices keep nothing.
        let mut kept = match (device.mode(), session.as_ref()) {
            (DeviceMode::Personal, Some(session)) => {
                let record = grievance::CaseRecord {
                    case_id: sealed.case_id.clone(),
                    client_id: String::new(),
                    status: CaseState::NotSent.as_str().to_owned(),
                    cursor: 0,
                    updated_at: now,
                    case: grievance::new_stored_case(&receipt.secret, draft, now),
                };
                Some((session.local_id.clone(), session.vault_key()?.duplicate(), record))
            }
            _ => None,
        };
        // A named report from a kiosk session signed in offline waits for the
        // hub to confirm that sign-in; it is never sent as the worker's if
        // the hub rejects it. An anonymous one carries no name: it goes out.
        let held_by = if draft.anonymous {
            None
        } else {
            session.as_ref().and_then(|s| s.provisional_sign_in()).map(str::to_owned)
        };
        drop(session);
        // The outbox keys the item by an id of its own, never the one the hub
        // stores (inside the sealed frame): a seized phone's delivered rows
        // do not match the hub's cases (ADR 0016).
        let local_id = uuid::Uuid::new_v4().to_string();
        if let Some((_, _, record)) = kept.as_mut() {
            local_id.clone_into(&mut record.client_id);
        }
        let mut store = lock(&self.store);
        store.transaction(|tx| {
            outbox::enqueue(tx, &local_id, &sealed.framed, &sealed.attachments, held_by.as_deref(), now)?;
            if let Some(not_before) = not_before {
                outbox::delay_first_send(tx, &local_id, not_before)?;
            }
            if let Some((owner, vault_key, record)) = &kept {
                grievance::put_case(tx, vault_key, owner, record)?;
            }
            Ok::<_, Error>(())
        })?;
        Ok(SubmitOutcome { client_id: local_id, receipt, kept_on_device: kept.is_some() })
    }

    async fn follow_up(&self, case_id: &str, secret: &str) -> Result<CaseThread, Error> {
        let keys = receipt::derive(case_id, secret).ok_or(ErrorCode::ReceiptInvalid)?;
        let client = self.hub_client_for_follow_up()?;
        let request = CaseSyncRequest {
            cases: vec![CaseCursor { case_id: keys.case_id.clone(), token: keys.token.to_vec(), since: 0 }],
        };
        let reply: CaseSyncResponse = client.post_unsigned(paths::CASES_SYNC, &request).await?;
        let update = reply.updates.into_iter().find(|u| u.case_id == keys.case_id).ok_or(ErrorCode::ReceiptInvalid)?;
        let messages = grievance::decrypt_thread(&keys.case_id, &keys.reply_key, &update.events)?;
        Ok(CaseThread { case_id: keys.case_id, state: update.status.into(), messages })
    }

    fn hub_client_for_follow_up(&self) -> Result<HubClient, Error> {
        let hub_url = match self.load_device() {
            Ok(device) => device.row().hub_url.clone(),
            Err(_) => self.config.default_hub_url.clone().ok_or(ErrorCode::NotEnrolled)?,
        };
        self.client(&hub_url)
    }

    fn stored_receipt(&self, case_id: &str) -> Result<ReceiptKeys, Error> {
        let session = lock(&self.session);
        let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
        let store = lock(&self.store);
        let record = grievance::load_case(store.conn(), session.vault_key()?, &session.local_id, case_id)?
            .ok_or(ErrorCode::InvalidInput)?;
        receipt::derive(&record.case_id, &record.case.receipt_secret).ok_or_else(|| ErrorCode::StorageCorrupt.into())
    }

    async fn reply(&self, keys: &ReceiptKeys, text: &str) -> Result<(), Error> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ErrorCode::InvalidInput.into());
        }
        if text.len() > grievance::MAX_TEXT_BYTES {
            return Err(ErrorCode::TooLarge.into());
        }
        let reply_id = uuid::Uuid::new_v4().to_string();
        let sealed = envelope::seal(
            keys.reply_key.expose(),
            &envelope::reply_aad(&keys.case_id, &reply_id, Author::Worker),
            text.as_bytes(),
        )
        .map_err(|_| ErrorCode::Internal)?;
        let body =
            serde_json::to_vec(&WorkerReplyRequest { reply_id, reply: sealed }).map_err(|_| ErrorCode::Internal)?;
        let path = format!("/v1/cases/{}/replies", keys.case_id);
        let client = self.hub_client_for_follow_up()?;
        let _event: CaseEvent = client
            .send(Request::new(Method::POST, &path).json(body).header(HEADER_CASE_TOKEN, b64::encode(&keys.token)))
            .await
            .map_err(|error| match error {
                NetError::Refused(refusal)
                    if refusal.code == workervoice_protocol::error::HubErrorCode::Unauthorized
                        || refusal.code == workervoice_protocol::error::HubErrorCode::NotFound =>
                {
                    ErrorCode::ReceiptInvalid.into()
                }
                other => Error::from(other),
            })?;
        Ok(())
    }
}
