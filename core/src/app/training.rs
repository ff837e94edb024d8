//! Taking training: the app's calls for lessons and quizzes of the modules
//! on the device, the worker's points, level, badges and streaks, the
//! leaderboard and certificates, and the sync pass's progress upload and
//! pull. Each takes what it needs from the session, store and hub client
//! and hands it to `crate::training` (`activity`, `leaderboard`,
//! `progress_sync`).

use workervoice_protocol::progress::{
    Certificate, EventKind, ProgressEvent, ScoringRules, SignedCertificate, verify_certificate,
};
use zeroize::Zeroizing;

use super::{Inner, WorkerVoice, lock};
use crate::error::{Error, ErrorCode};
use crate::net::HubClient;
use crate::sync::PushOutcome;
use crate::training::activity::{self, ActivityOutcome, QuizAnswerInput, TrainingProgress, lesson_draft, quiz_draft};
use crate::training::leaderboard::{self, Leaderboard};
use crate::training::progress_sync::{self, SendError};
use crate::training::{self, UploadContext};

/// Least time between two background pulls of a worker's progress, seconds.
pub const PROGRESS_PULL_SECS: i64 = 600;

/// A certificate: the programme's signed statement that a worker passed a
/// module. `body` and `signature` are what another device checks
/// ([`WorkerVoice::verify_certificate`]), e.g. from a QR code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CertificateView {
    /// The module.
    pub module_id: String,
    /// Its title per language.
    pub module_title: std::collections::HashMap<String, String>,
    /// The worker's name.
    pub worker_name: String,
    /// The worker number.
    pub worker_number: String,
    /// The factory.
    pub factory_name: String,
    /// When the quiz was passed (unix seconds).
    pub passed_at: i64,
    /// The signed bytes.
    pub body: Vec<u8>,
    /// The programme's signature.
    pub signature: Vec<u8>,
}

impl CertificateView {
    fn new(certificate: Certificate, signed: SignedCertificate) -> Self {
        Self {
            module_id: certificate.module_id,
            module_title: certificate.module_title.into_iter().collect(),
            worker_name: certificate.worker_name,
            worker_number: certificate.worker_number,
            factory_name: certificate.factory_name,
            passed_at: certificate.passed_at,
            body: signed.body,
            signature: signed.signature,
        }
    }
}

impl WorkerVoice {
    /// Saves the answers the worker has given so far in a module's quiz
    /// (replacing what was saved), so that a kiosk time-out or a closed app
    /// loses none of them. Kept exactly like [`WorkerVoice::save_draft`]:
    /// sealed under the worker's key, and for a session signed in offline,
    /// in memory for that session. Cleared when the quiz is submitted.
    /// A question the module does not have is `invalid_input`.
    pub fn save_quiz_answers(&self, module_id: &str, answers: Vec<QuizAnswerInput>) -> Result<(), Error> {
        let (rules, version) = self.inner.module_rules(module_id)?;
        let json = Zeroizing::new(activity::quiz_draft_bytes(&rules, module_id, version, answers)?);
        self.save_draft(&quiz_draft(module_id), &json)
    }

    /// The answers saved so far in a module's quiz by the signed-in worker
    /// (empty when none): only those to questions the module held now has.
    pub fn quiz_in_progress(&self, module_id: &str) -> Result<Vec<QuizAnswerInput>, Error> {
        let (rules, _) = self.inner.module_rules(module_id)?;
        let Some(json) = self.load_draft(&quiz_draft(module_id))? else { return Ok(Vec::new()) };
        let json = Zeroizing::new(json);
        activity::quiz_from_draft(&rules, &json)
    }

    /// Saves where the worker is in a lesson (replacing what was saved),
    /// kept like [`WorkerVoice::save_quiz_answers`]; cleared when the lesson
    /// is completed. A lesson the module does not have is `invalid_input`.
    pub fn save_lesson_position(&self, module_id: &str, lesson_id: &str, position: u32) -> Result<(), Error> {
        let (rules, _) = self.inner.module_rules(module_id)?;
        if !rules.lessons.contains(lesson_id) {
            return Err(ErrorCode::InvalidInput.into());
        }
        self.save_draft(&lesson_draft(module_id, lesson_id), &position.to_le_bytes())
    }

    /// Where the signed-in worker stopped in a lesson (the app's own mark: a
    /// page, a step, seconds into the audio), if they saved a place.
    pub fn lesson_position(&self, module_id: &str, lesson_id: &str) -> Result<Option<u32>, Error> {
        let (rules, _) = self.inner.module_rules(module_id)?;
        if !rules.lessons.contains(lesson_id) {
            return Err(ErrorCode::InvalidInput.into());
        }
        let Some(saved) = self.load_draft(&lesson_draft(module_id, lesson_id))? else { return Ok(None) };
        let saved: [u8; 4] = saved.as_slice().try_into().map_err(|_| ErrorCode::StorageCorrupt)?;
        Ok(Some(u32::from_le_bytes(saved)))
    }

    /// Records that the signed-in worker finished lesson `lesson_id` of
    /// module `module_id` (the version on the device).
    pub fn complete_lesson(&self, module_id: &str, lesson_id: &str) -> Result<ActivityOutcome, Error> {
        let (rules, version) = self.inner.module_rules(module_id)?;
        if !rules.lessons.contains(lesson_id) {
            return Err(ErrorCode::InvalidInput.into());
        }
        let outcome = self.inner.record(
            module_id,
            version,
            &rules,
            EventKind::LessonCompleted { lesson_id: lesson_id.to_owned() },
        )?;
        // The lesson is recorded; a place left behind only reopens it there.
        let _ = self.delete_draft(&lesson_draft(module_id, lesson_id));
        Ok(outcome)
    }

    /// Records a quiz attempt with every answer; grades it. An attempt that
    /// leaves a question out is refused (`invalid_input`) and earns nothing.
    pub fn submit_quiz(&self, module_id: &str, answers: Vec<QuizAnswerInput>) -> Result<ActivityOutcome, Error> {
        let (rules, version) = self.inner.module_rules(module_id)?;
        let (answers, correct_question_ids) = activity::quiz_attempt(&rules, answers)?;
        let mut outcome = self.inner.record(module_id, version, &rules, EventKind::QuizAttempt { answers })?;
        // The attempt is recorded; answers left behind would only be offered again.
        let _ = self.delete_draft(&quiz_draft(module_id));
        activity::grade(&mut outcome, &rules, correct_question_ids);
        Ok(outcome)
    }

    /// The signed-in worker's certificates that verify under the pinned
    /// programme key (they come with the sync after a quiz is passed).
    pub fn certificates(&self) -> Result<Vec<CertificateView>, Error> {
        self.inner.expire_if_idle();
        let key = self.inner.config.programme_public_key.clone().ok_or(ErrorCode::ContentUnverified)?;
        let session = self.inner.touched_session();
        let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
        let state = training::state(&lock(&self.inner.store), session)?;
        Ok(state
            .certificates
            .into_iter()
            .filter_map(|signed| {
                verify_certificate(&signed, &key).map(|certificate| CertificateView::new(certificate, signed))
            })
            .collect())
    }

    /// Checks a certificate shown by someone (its bytes and signature):
    /// `content_unverified` unless the pinned programme key signed it.
    pub fn verify_certificate(&self, body: Vec<u8>, signature: Vec<u8>) -> Result<CertificateView, Error> {
        let key = self.inner.config.programme_public_key.clone().ok_or(ErrorCode::ContentUnverified)?;
        let signed = SignedCertificate { body, signature };
        let certificate = verify_certificate(&signed, &key).ok_or(ErrorCode::ContentUnverified)?;
        Ok(CertificateView::new(certificate, signed))
    }

    /// The factory's leaderboard, joining (`Some(true)`) or leaving
    /// (`Some(false)`) it first. Online, with the worker's vault open.
    pub async fn leaderboard(&self, opt_in: Option<bool>) -> Result<Leaderboard, Error> {
        let inner = self.inner.clone();
        self.runtime.spawn(async move { inner.leaderboard(opt_in).await }).await
    }

    /// The signed-in worker's progress: from the log on this device, merged
    /// with the hub's at each sync (it never goes down after one).
    pub fn training_progress(&self) -> Result<TrainingProgress, Error> {
        self.inner.expire_if_idle();
        let session = self.inner.touched_session();
        let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
        let store = lock(&self.inner.store);
        let entries = training::log(&store, session)?;
        let state = training::state(&store, session)?;
        Ok(training::derive(&entries, &state, self.inner.hub_now()).into())
    }
}

impl Inner {
    /// The scoring rules of the module version held on the device.
    fn module_rules(&self, module_id: &str) -> Result<(ScoringRules, u64), Error> {
        let (manifest, body) = self.training_body(module_id)?;
        let document = crate::training::module::document(&manifest, &body)?;
        Ok((document.scoring_rules(module_id, manifest.version), manifest.version))
    }

    fn record(
        &self,
        module_id: &str,
        version: u64,
        rules: &ScoringRules,
        kind: EventKind,
    ) -> Result<ActivityOutcome, Error> {
        self.expire_if_idle();
        let device = self.load_device()?;
        let device_id = device.row().device_id.clone().ok_or(ErrorCode::NotEnrolled)?;
        let hub_key = lock(&self.store).meta_blob(crate::kiosk::HUB_KEY_META)?.ok_or(ErrorCode::NeedsHub)?;
        // Stamped on the hub's clock as the device knows it — the clock
        // "today" and streaks are read on — so that the hub's correction
        // after the sync moves the time only by the error left in that
        // estimate, not by the whole offset (which could move it across
        // a day and shorten the streak the worker was shown).
        let hub_time = self.hub_time();
        let device_now = hub_time.device_secs();
        let hub_now = hub_time.hub_secs();
        let event = ProgressEvent {
            id: uuid::Uuid::new_v4().to_string(),
            module_id: module_id.to_owned(),
            module_version: version,
            at: hub_now,
            kind,
        };
        let outcome = {
            let mut session = self.touched_session();
            let session = session.as_mut().ok_or(ErrorCode::NotLoggedIn)?;
            let mut store = lock(&self.store);
            let context = UploadContext {
                device_id: &device_id,
                hub_key: &hub_key,
                now: device_now,
                clock_offset_secs: hub_now - device_now,
            };
            activity::record_activity(&mut store, session, event, rules, &context, hub_now)?
        };
        self.emit_outbox_changed();
        Ok(outcome)
    }

    /// Whether this sync should pull the signed-in worker's progress: only on
    /// a device that holds training, and then when asked (`force`), when an
    /// upload just went out, or every [`PROGRESS_PULL_SECS`] — so a quiet
    /// sync stays one small request.
    pub(super) fn progress_pull_due(&self, force: bool) -> Result<bool, Error> {
        let Some(owner) = lock(&self.session).as_ref().filter(|s| !s.is_provisional()).map(|s| s.local_id.clone())
        else {
            return Ok(false);
        };
        let holds_training = crate::content::held::manifests(lock(&self.store).conn())?
            .iter()
            .any(|manifest| manifest.kind == workervoice_protocol::content::ContentKind::TrainingModule);
        if !holds_training {
            return Ok(false);
        }
        let sent = self.progress_sent.swap(false, std::sync::atomic::Ordering::SeqCst);
        let now = self.device_now();
        let mut pulled = lock(&self.progress_pulled);
        let stale = pulled.as_ref().is_none_or(|(who, at)| *who != owner || now - at >= PROGRESS_PULL_SECS);
        let due = force || sent || stale;
        if due {
            *pulled = Some((owner, now));
        }
        Ok(due)
    }

    async fn leaderboard(&self, opt_in: Option<bool>) -> Result<Leaderboard, Error> {
        self.expire_if_idle();
        let (worker_id, mac) = {
            let session = self.touched_session();
            let session = session.as_ref().ok_or(ErrorCode::NotLoggedIn)?;
            let share = session.hub_share()?;
            let worker_id = session.profile.worker_id.clone();
            let mac = training::leaderboard_mac(share, &worker_id, opt_in);
            (worker_id, mac)
        };
        let device = self.load_device()?;
        let client = self.client(&device.row().hub_url)?;
        leaderboard::fetch(&client, &device.signer()?, worker_id, opt_in, mac).await
    }

    /// Sends one queued progress upload (`training::progress_sync::push`).
    pub(super) async fn push_progress(&self, client: &HubClient, body: &[u8]) -> PushOutcome {
        let Ok(queued) = progress_sync::queued(body) else {
            return PushOutcome::Refused("storage_corrupt".into());
        };
        let Ok(signer) = self.load_device().and_then(|device| device.signer()) else {
            return PushOutcome::Retry("device_keys_missing");
        };
        match progress_sync::push(client, &signer, queued, self.device_now()).await {
            Ok(()) => PushOutcome::Delivered,
            Err(SendError::Corrupt) => PushOutcome::Refused("storage_corrupt".into()),
            Err(SendError::Net(error)) => crate::sync::outcome(error),
        }
    }

    /// Brings the signed-in worker's log in step with the hub
    /// (`training::progress_sync::pull`).
    pub(super) async fn pull_progress(&self, client: &HubClient) -> Result<u32, Error> {
        let signer = || self.load_device()?.signer();
        progress_sync::pull(client, signer, &self.session, &self.store).await
    }
}
