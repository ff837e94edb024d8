//! The app's survey calls: loading a verified definition held through the
//! content channel and checking answers as the worker goes, the surveys
//! open to the signed-in worker and their one token each, and submitting a
//! response. Each call takes what it needs from the session, the store and
//! the hub client and hands it to `crate::surveys` (rendering and checks in
//! `answers`, tokens in `tokens`, sealing and sending in `responses`).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use workervoice_protocol::content::{ContentKind, MEDIA_REF_PREFIX, is_sha256_hex};
use workervoice_protocol::survey::{SurveyDefinition, Texts, pick_text};
use workervoice_protocol::survey_response::ResponseContent;

use super::grievances::SubmitOutcome;
use super::{Inner, WorkerVoice, lock};
use crate::content::ContentError;
use crate::error::{Error, ErrorCode};
use crate::grievance::{GrievanceDraft, GrievanceRoute};
use crate::i18n::{Arg, message};
use crate::net::HubClient;
use crate::store::outbox;
use crate::surveys::answers::{SurveyAnswerEntry, SurveyCheck, SurveyView};
use crate::surveys::responses::{self, OpenSurveyState, OpenSurveyView, SendError};
use crate::surveys::tokens::{self, WorkerKeys};
use crate::sync::PushOutcome;

/// What [`WorkerVoice::submit_survey`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurveySubmitted {
    /// The response's outbox id (delivery: [`WorkerVoice::submission_status`]),
    /// the device's own: never the id the hub stores the response under.
    pub response_id: String,
    /// Unix seconds before which it is not sent (the random delay).
    pub not_before: i64,
    /// The anonymous case the answers opened, if the survey's rule matched
    /// (e.g. retaliation reported): its receipt is the worker's to keep.
    pub case: Option<SubmitOutcome>,
}

impl Inner {
    fn worker_keys(&self) -> Result<WorkerKeys, Error> {
        let session = self.touched_session();
        let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
        Ok(WorkerKeys {
            worker_id: session.profile.worker_id.clone(),
            owner: session.local_id.clone(),
            vault_key: session.vault_key()?.duplicate(),
            mac_key: crate::training::mac_key(session.hub_share()?),
            survey_mac_key: tokens::survey_mac_key(session.hub_share()?),
        })
    }

    /// Asks the hub which surveys are open to the worker.
    async fn ask_open_surveys(
        &self,
        keys: &WorkerKeys,
    ) -> Result<workervoice_protocol::survey_response::OpenSurveysResponse, Error> {
        let device = self.load_device()?;
        let client = self.client(&device.row().hub_url)?;
        tokens::ask_open_surveys(&client, &device.signer()?, keys).await
    }

    /// Gets (or finishes getting) the worker's token for a survey.
    async fn fetch_token(&self, keys: &WorkerKeys, survey_id: &str, token_key: &[u8]) -> Result<(), Error> {
        let device = self.load_device()?;
        let client = self.client(&device.row().hub_url)?;
        let held = tokens::load(&lock(&self.store), keys, survey_id)?;
        let mut record = match held {
            Some(record) if record.output.is_some() || record.used => return Ok(()),
            Some(record) => record,
            None => {
                let factory_id = device.row().factory_id.clone().ok_or(ErrorCode::NotEnrolled)?;
                let record = tokens::new_record(factory_id)?;
                // Kept before asking, so a lost reply can be asked again
                // with the same blinded element (the hub answers it again).
                tokens::save(&mut lock(&self.store), keys, survey_id, &record, self.device_now())?;
                record
            }
        };
        tokens::evaluate(&client, &device.signer()?, keys, survey_id, token_key, &mut record).await?;
        tokens::save(&mut lock(&self.store), keys, survey_id, &record, self.device_now())
    }

    /// Sends one queued response (unsigned: it names no device).
    pub(super) async fn push_survey_response(&self, client: &HubClient, body: &[u8]) -> PushOutcome {
        match responses::send(client, body).await {
            Ok(()) => PushOutcome::Delivered,
            Err(SendError::Corrupt) => PushOutcome::Refused("storage_corrupt".into()),
            Err(SendError::Net(error)) => crate::sync::outcome(error),
        }
    }
}

impl WorkerVoice {
    /// A text in the current language (the fallback never shows a blank).
    pub(super) fn pick(&self, texts: &Texts, defaults: &[String]) -> String {
        pick_text(texts, &self.inner.requested_languages(), defaults).to_owned()
    }

    pub(super) fn survey_definition(&self, id: &str) -> Result<(SurveyDefinition, u64), Error> {
        let (manifest, body) = self.inner.content_body(ContentKind::Survey, id)?;
        let listed = |reference: &str| {
            reference
                .strip_prefix(MEDIA_REF_PREFIX)
                .is_some_and(|hex| is_sha256_hex(hex) && manifest.media_blob(hex).is_some())
        };
        let definition = SurveyDefinition::parse(&body, listed).map_err(|_| ContentError::Document("survey"))?;
        Ok((definition, manifest.version))
    }

    /// A survey held on the device, verified, its texts in the current
    /// language (worker's, then device's, then the survey's own, never blank).
    pub fn load_survey(&self, id: &str) -> Result<SurveyView, Error> {
        // A timed-out session's language must not label the next screen.
        self.inner.expire_if_idle();
        let (definition, version) = self.survey_definition(id)?;
        Ok(crate::surveys::answers::view(id, &definition, version, &self.inner.requested_languages()))
    }

    /// Applies the skip logic and checks the answers so far: which
    /// questions are shown, and every problem with a localized message.
    pub fn check_survey(&self, id: &str, answers: Vec<SurveyAnswerEntry>) -> Result<SurveyCheck, Error> {
        self.inner.expire_if_idle();
        let (definition, _) = self.survey_definition(id)?;
        Ok(crate::surveys::answers::check(&definition, answers, &self.languages()))
    }

    /// The longest random delay before a survey response is first sent
    /// (default six hours; 0 sends at the next sync). A shorter delay makes
    /// it easier for the hub to pair a response with the token it issued.
    pub fn set_survey_send_delay(&self, max_secs: u32) {
        self.inner.survey_send_delay_max_secs.store(max_secs, Ordering::Relaxed);
    }

    /// The surveys open to the signed-in worker now (asks the hub: dates and
    /// targets live there). For each one not answered yet whose definition
    /// is on the device, fetches the worker's one token, so it can then be
    /// answered and submitted offline. Needs a hub-verified sign-in.
    pub async fn open_surveys(&self) -> Result<Vec<OpenSurveyView>, Error> {
        self.inner.expire_if_idle();
        let keys = Arc::new(self.inner.worker_keys()?);
        // Requests run on the core's runtime (the caller may have none).
        let (inner, asking) = (self.inner.clone(), keys.clone());
        let reply = self.runtime.spawn(async move { inner.ask_open_surveys(&asking).await }).await?;
        let mut views = Vec::with_capacity(reply.surveys.len());
        for open in reply.surveys {
            let definition = self.survey_definition(&open.survey_id).ok();
            let title = match &definition {
                Some((definition, _)) => self.pick(&definition.title, &definition.languages),
                None => String::new(),
            };
            let held = tokens::load(&lock(&self.inner.store), &keys, &open.survey_id)?;
            let state = match (&held, &definition) {
                (Some(record), _) if record.used => OpenSurveyState::Answered,
                (Some(record), _) if record.output.is_some() => OpenSurveyState::Ready,
                (None, _) if open.token_issued => OpenSurveyState::AnsweredElsewhere,
                (_, None) => OpenSurveyState::NotDownloaded,
                (_, Some((definition, _))) => {
                    let token_key = definition.delivery.as_ref().ok_or(ErrorCode::ContentUnverified)?.token_key.clone();
                    drop(held);
                    let (inner, asking, survey_id) = (self.inner.clone(), keys.clone(), open.survey_id.clone());
                    let fetched = self
                        .runtime
                        .spawn(async move { inner.fetch_token(&asking, &survey_id, &token_key).await })
                        .await;
                    match fetched {
                        Ok(_) => OpenSurveyState::Ready,
                        Err(error) if error.code() == ErrorCode::AlreadyAnswered => OpenSurveyState::AnsweredElsewhere,
                        Err(error) => return Err(error),
                    }
                }
            };
            views.push(OpenSurveyView { id: open.survey_id, title, closes_at: open.closes_at, state });
        }
        Ok(views)
    }

    /// Submits the signed-in worker's answers to a survey: checks them
    /// (every problem refuses: use `check_survey` first), seals them to the
    /// survey's analysts with the worker's token, and queues them to be sent
    /// after a random delay. Works offline once [`Self::open_surveys`] has
    /// fetched the token. If the answers match the survey's case rule (e.g.
    /// retaliation reported), an anonymous report is also filed on the
    /// independent route, and its receipt returned.
    pub fn submit_survey(&self, id: &str, answers: Vec<SurveyAnswerEntry>) -> Result<SurveySubmitted, Error> {
        self.inner.expire_if_idle();
        let (definition, version) = self.survey_definition(id)?;
        let answers = crate::surveys::answers::answer_map(answers);
        if !definition.validate(&answers).is_empty() {
            return Err(ErrorCode::InvalidInput.into());
        }
        definition.delivery.as_ref().ok_or(ErrorCode::ContentUnverified)?;
        let keys = self.inner.worker_keys()?;
        let held = tokens::load(&lock(&self.inner.store), &keys, id)?;
        let mut record = match held {
            Some(record) if record.used => return Err(ErrorCode::AlreadyAnswered.into()),
            Some(record) if record.output.is_some() => record,
            // No token yet: the hub must be asked first (`open_surveys`).
            _ => return Err(ErrorCode::NeedsHub.into()),
        };
        // A bound token answers for its own factory only; an unbound one (asked
        // for before the update) for the device's.
        let factory_id = match &record.factory_id {
            Some(factory_id) => factory_id.clone(),
            None => self.inner.load_device()?.row().factory_id.clone().ok_or(ErrorCode::NotEnrolled)?,
        };
        let content = ResponseContent {
            survey_id: id.to_owned(),
            version,
            answers: answers.clone(),
            language: self.inner.languages().primary(),
        };
        let sealed = responses::seal(&definition, &content, factory_id, &record)?;
        let delay = responses::random_delay(self.inner.survey_send_delay_max_secs.load(Ordering::Relaxed))?;
        let at = self.inner.device_now();
        let not_before = at + delay;
        // The case first: if it cannot be filed (no directory yet), nothing is
        // spent and the worker can try again.
        let case = if definition.opens_case_for(&answers) {
            let rule = definition.opens_case.as_ref().ok_or(ErrorCode::Internal)?;
            let title = self.pick(&definition.title, &definition.languages);
            let text = message(&self.inner.languages(), "survey-case-text", &[("title", Arg::Text(&title))]);
            let draft = GrievanceDraft {
                category_id: rule.category_id.clone(),
                text,
                anonymous: true,
                routes: vec![GrievanceRoute::IndependentHotline],
                callback: None,
                attachments: Vec::new(),
            };
            // With the answer's delay, drawn afresh: the hub must not pair
            // the two by their arrival either.
            let case_delay = responses::random_delay(self.inner.survey_send_delay_max_secs.load(Ordering::Relaxed))?;
            Some(self.submit_grievance_not_before(draft, at + case_delay)?)
        } else {
            None
        };
        // Spent first: a crash between the two leaves a used token and no
        // response (the worker is told), never two responses.
        responses::spend(&mut record);
        tokens::save(&mut lock(&self.inner.store), &keys, id, &record, at)?;
        // The outbox keys the response by an id of its own: the hub's
        // `response_id` travels only inside the upload (ADR 0016).
        let response_id = uuid::Uuid::new_v4().to_string();
        lock(&self.inner.store).transaction(|tx| {
            outbox::enqueue_survey_response(tx, &response_id, &sealed.body, not_before, at).map_err(Error::from)
        })?;
        self.inner.emit_outbox_changed();

        Ok(SurveySubmitted { response_id, not_before, case })
    }
}
