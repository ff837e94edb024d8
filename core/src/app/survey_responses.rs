//! Answering a survey for real: which surveys are open to the signed-in
//! worker, their one token per survey, and submitting (sealed to the
//! survey's analysts, queued, sent anonymously after a random delay).
//!
//! The token (ADR 0010): while online, the device blinds 32 random bytes
//! and asks the hub, as the signed-in worker, for the survey's token; the hub
//! refuses a worker who already had one (on any device) and proves it used
//! the key published in the signed definition. The device keeps the blind
//! and then the token under the worker's vault key. The response travels
//! later with the unblinded token and no device signature, so the hub can
//! check it is a valid, unused token without learning whose it is.

use std::sync::Arc;

use workervoice_protocol::envelope;
use workervoice_protocol::grievance::WrappedKey;
use workervoice_protocol::oprf;
use workervoice_protocol::paths;
use workervoice_protocol::survey_response::{
    OpenSurveysRequest, OpenSurveysResponse, ResponseContent, ResponseReceipt, ResponseUpload, TOKEN_INPUT_LEN,
    TokenRequest, TokenResponse, open_mac_input, response_aad, response_hpke_info, response_mac, token_mac_input,
    token_oprf_input,
};
use zeroize::{Zeroize, Zeroizing};

use super::grievances::SubmitOutcome;
use super::{Inner, WorkerVoice, lock};
use crate::crypto::{self, Key32, hpke};
use crate::error::{Error, ErrorCode};
use crate::grievance::{GrievanceDraft, GrievanceRoute};
use crate::i18n::{Arg, message};
use crate::net::{HubClient, NetError};
use crate::store::outbox;
use crate::store::survey_tokens as rows;
use crate::surveys::answers::SurveyAnswerEntry;
use crate::surveys::tokens::{TokenRecord, token_aad, token_row};
use crate::sync::PushOutcome;

/// Longest random delay before a survey response is first sent, by default.
pub const DEFAULT_SEND_DELAY_MAX_SECS: u32 = 6 * 3600;

/// Where a survey open to the worker stands on this device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum OpenSurveyState {
    /// The worker can answer it (the token is on the device).
    Ready,
    /// Answered on this device.
    Answered,
    /// The worker's one token went to another device: answer it there.
    AnsweredElsewhere,
    /// The definition is not on the device yet (sync content).
    NotDownloaded,
}

/// A survey open to the signed-in worker.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OpenSurveyView {
    /// The survey.
    pub id: String,
    /// Its title in the current language (empty when not downloaded).
    pub title: String,
    /// Unix seconds when it closes, if it does.
    pub closes_at: Option<i64>,
    /// What the worker can do with it here.
    pub state: OpenSurveyState,
}

/// What [`WorkerVoice::submit_survey`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurveySubmitted {
    /// The response's outbox id (delivery: [`WorkerVoice::submission_status`]).
    pub response_id: String,
    /// Unix seconds before which it is not sent (the random delay).
    pub not_before: i64,
    /// The anonymous case the answers opened, if the survey's rule matched
    /// (e.g. retaliation reported): its receipt is the worker's to keep.
    pub case: Option<SubmitOutcome>,
}

/// What a call needs from the session, taken out so no lock is held
/// across a request.
struct WorkerKeys {
    worker_id: String,
    owner: String,
    vault_key: Key32,
    mac_key: ring::hmac::Key,
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
        })
    }

    fn load_token(&self, keys: &WorkerKeys, survey_id: &str) -> Result<Option<TokenRecord>, Error> {
        let id = token_row(&keys.vault_key, survey_id);
        let Some(sealed) = rows::get(lock(&self.store).conn(), &id)? else { return Ok(None) };
        let plain = Zeroizing::new(crypto::open(&keys.vault_key, token_aad(&hex::encode(&id), &keys.owner), &sealed)?);
        serde_json::from_slice(&plain).map(Some).map_err(|_| ErrorCode::StorageCorrupt.into())
    }

    fn save_token(&self, keys: &WorkerKeys, survey_id: &str, record: &TokenRecord) -> Result<(), Error> {
        let id = token_row(&keys.vault_key, survey_id);
        let plain = Zeroizing::new(serde_json::to_vec(record).map_err(|_| ErrorCode::Internal)?);
        let sealed = crypto::seal(&keys.vault_key, token_aad(&hex::encode(&id), &keys.owner), &plain)?;
        lock(&self.store).transaction(|tx| rows::put(tx, &id, &sealed, self.device_now()).map_err(Error::from))
    }

    /// Asks the hub which surveys are open to the worker.
    async fn ask_open_surveys(&self, keys: &WorkerKeys) -> Result<OpenSurveysResponse, Error> {
        let device = self.load_device()?;
        let client = self.client(&device.row().hub_url)?;
        let mac = ring::hmac::sign(&keys.mac_key, &open_mac_input(&keys.worker_id));
        let request = OpenSurveysRequest { worker_id: keys.worker_id.clone(), mac: mac.as_ref().to_vec() };
        Ok(client.post_signed(paths::SURVEYS_OPEN, &request, &device.signer()?).await?)
    }

    /// Gets (or finishes getting) the worker's token for a survey.
    async fn fetch_token(&self, keys: &WorkerKeys, survey_id: &str, token_key: &[u8]) -> Result<(), Error> {
        let device = self.load_device()?;
        let client = self.client(&device.row().hub_url)?;
        let mut record = match self.load_token(keys, survey_id)? {
            Some(record) if record.output.is_some() || record.used => return Ok(()),
            Some(record) => record,
            None => {
                let record = TokenRecord {
                    input: crypto::random_bytes::<TOKEN_INPUT_LEN>()?.to_vec(),
                    blind: Some(oprf::random_blind().map_err(|_| ErrorCode::Internal)?.to_vec()),
                    output: None,
                    used: false,
                };
                // Kept before asking, so a lost reply can be asked again
                // with the same blinded element (the hub answers it again).
                self.save_token(keys, survey_id, &record)?;
                record
            }
        };
        let blind = record.blind.as_deref().ok_or(ErrorCode::StorageCorrupt)?;
        let input = token_oprf_input(survey_id, &record.input);
        let (state, blinded) = oprf::BlindState::restore(&input, blind).map_err(|_| ErrorCode::StorageCorrupt)?;
        let mac = ring::hmac::sign(&keys.mac_key, &token_mac_input(&keys.worker_id, survey_id, &blinded));
        let request = TokenRequest {
            worker_id: keys.worker_id.clone(),
            survey_id: survey_id.to_owned(),
            blinded: blinded.to_vec(),
            mac: mac.as_ref().to_vec(),
        };
        let reply: TokenResponse = client.post_signed(paths::SURVEYS_TOKEN, &request, &device.signer()?).await?;
        // A hub that evaluated with any key but the published one fails here.
        let output =
            oprf::finalize(state, &reply.evaluated, &reply.proof, token_key).map_err(|_| ErrorCode::BadReply)?;
        record.output = Some(output.to_vec());
        record.blind.zeroize();
        self.save_token(keys, survey_id, &record)
    }

    /// Sends one queued response (unsigned: it names no device).
    pub(super) async fn push_survey_response(&self, client: &HubClient, body: &[u8]) -> PushOutcome {
        let Ok(upload) = serde_json::from_slice::<ResponseUpload>(body) else {
            return PushOutcome::Refused("storage_corrupt".into());
        };
        let sent: Result<ResponseReceipt, NetError> = client.post_unsigned(paths::SURVEYS_RESPONSES, &upload).await;
        match sent {
            Ok(_) => PushOutcome::Delivered,
            Err(error) => crate::sync::outcome(error),
        }
    }
}

impl WorkerVoice {
    /// The longest random delay before a survey response is first sent
    /// (default six hours; 0 sends at the next sync). A shorter delay makes
    /// it easier for the hub to pair a response with the token it issued.
    pub fn set_survey_send_delay(&self, max_secs: u32) {
        self.inner.survey_send_delay_max_secs.store(max_secs, std::sync::atomic::Ordering::Relaxed);
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
            let held = self.inner.load_token(&keys, &open.survey_id)?;
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
        let delivery = definition.delivery.as_ref().ok_or(ErrorCode::ContentUnverified)?;
        let keys = self.inner.worker_keys()?;
        let mut record = match self.inner.load_token(&keys, id)? {
            Some(record) if record.used => return Err(ErrorCode::AlreadyAnswered.into()),
            Some(record) if record.output.is_some() => record,
            // No token yet: the hub must be asked first (`open_surveys`).
            _ => return Err(ErrorCode::NeedsHub.into()),
        };
        let device = self.inner.load_device()?;
        let factory_id = device.row().factory_id.clone().ok_or(ErrorCode::NotEnrolled)?;

        let response_id = uuid::Uuid::new_v4().to_string();
        let content_key = crypto::random_key()?;
        let mut recipients = Vec::with_capacity(delivery.recipients.len());
        for analyst in &delivery.recipients {
            let sealed = hpke::seal_base(
                &analyst.public_key,
                &response_hpke_info(&response_id),
                response_id.as_bytes(),
                content_key.expose(),
            )?;
            recipients.push(WrappedKey {
                handler_id: analyst.handler_id.clone(),
                enc: sealed.enc.to_vec(),
                wrapped_key: sealed.ciphertext,
            });
        }
        let content = ResponseContent {
            survey_id: id.to_owned(),
            version,
            answers: answers.clone(),
            language: self.inner.languages().primary(),
        };
        let json = Zeroizing::new(serde_json::to_vec(&content).map_err(|_| ErrorCode::Internal)?);
        let sealed = envelope::seal(content_key.expose(), &response_aad(&response_id, id, version, &factory_id), &json)
            .map_err(|_| ErrorCode::Internal)?;
        let mut upload = ResponseUpload {
            response_id: response_id.clone(),
            survey_id: id.to_owned(),
            version,
            factory_id,
            token_input: record.input.clone(),
            token_mac: Vec::new(),
            recipients,
            sealed,
        };
        upload.token_mac = response_mac(record.output.as_deref().unwrap_or_default(), &upload);
        let body = serde_json::to_vec(&upload).map_err(|_| ErrorCode::Internal)?;
        let max_delay = self.inner.survey_send_delay_max_secs.load(std::sync::atomic::Ordering::Relaxed);
        let delay = if max_delay == 0 {
            0
        } else {
            i64::from(u32::from_le_bytes(crypto::random_bytes::<4>()?) % (max_delay + 1))
        };
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
            Some(self.submit_grievance(draft)?)
        } else {
            None
        };
        // Spent first: a crash between the two leaves a used token and no
        // response (the worker is told), never two responses.
        record.used = true;
        // Wiped, not just dropped: the output is the key of the upload's MAC.
        record.input.zeroize();
        record.output.zeroize();
        self.inner.save_token(&keys, id, &record)?;
        lock(&self.inner.store).transaction(|tx| {
            outbox::enqueue_survey_response(tx, &response_id, &body, not_before, at).map_err(Error::from)
        })?;
        self.inner.emit_outbox_changed();

        Ok(SurveySubmitted { response_id, not_before, case })
    }
}
