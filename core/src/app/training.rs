//! Taking training: lessons and quizzes of the modules on the device, the
//! worker's points, level, badges and streaks, and bringing the log in step
//! with the hub (see `crate::training`).

use std::collections::BTreeMap;

use workervoice_protocol::paths;
use workervoice_protocol::progress::{
    AnswerGiven, Certificate, EventKind, LeaderboardRequest, LeaderboardResponse, ProgressEvent, ProgressPullRequest,
    ProgressPullResponse, ProgressUpload, ProgressUploadResponse, ScoringRules, SignedCertificate, Totals,
    verify_certificate,
};
use zeroize::Zeroizing;

use super::{Inner, WorkerVoice, lock};
use crate::error::{Error, ErrorCode};
use crate::net::{HubClient, NetError};
use crate::sync::PushOutcome;
use crate::training::{self, LoggedEvent, UploadContext};

/// Least time between two background pulls of a worker's progress, seconds.
pub const PROGRESS_PULL_SECS: i64 = 600;

/// A worker's progress, as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TrainingProgress {
    /// Points: each lesson, right answer and pass counted once.
    pub points: u64,
    /// Level 1–10, from the points.
    pub level: u32,
    /// Distinct lessons completed.
    pub lessons_completed: u32,
    /// Modules whose quiz was passed.
    pub modules_passed: Vec<String>,
    /// Badge ids earned (titles come with the modules).
    pub badges: Vec<String>,
    /// Longest run of consecutive learning days.
    pub longest_streak_days: u32,
    /// The run that ends today or yesterday.
    pub current_streak_days: u32,
}

impl From<Totals> for TrainingProgress {
    fn from(totals: Totals) -> Self {
        Self {
            points: totals.points,
            level: totals.level,
            lessons_completed: totals.lessons_completed,
            modules_passed: totals.modules_passed.into_iter().collect(),
            badges: totals.badges.into_iter().collect(),
            longest_streak_days: totals.longest_streak_days,
            current_streak_days: totals.current_streak_days,
        }
    }
}

/// An answer to one quiz question.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum QuizResponse {
    /// The option chosen (single choice).
    Choice {
        /// Its id.
        option_id: String,
    },
    /// The options chosen (multiple choice).
    Choices {
        /// Their ids.
        option_ids: Vec<String>,
    },
    /// True or false.
    TrueFalse {
        /// The worker's answer.
        value: bool,
    },
    /// Items in the order the worker put them.
    Order {
        /// Item ids, first to last.
        item_ids: Vec<String>,
    },
}

/// One question's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QuizAnswerInput {
    /// The question.
    pub question_id: String,
    /// The answer.
    pub response: QuizResponse,
}

/// What finishing a lesson or a quiz gave.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ActivityOutcome {
    /// Points this activity added (0 for a lesson done before).
    pub points_earned: u32,
    /// Quizzes: right answers, of `questions`.
    pub correct: u32,
    /// Quizzes: number of questions.
    pub questions: u32,
    /// Quizzes: whether this attempt reached the pass mark.
    pub passed: bool,
    /// Quizzes: the questions answered right.
    pub correct_question_ids: Vec<String>,
    /// Badges earned by this activity.
    pub new_badges: Vec<String>,
    /// The worker's progress now.
    pub progress: TrainingProgress,
}

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

/// A factory's leaderboard, as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Leaderboard {
    /// Whether the worker takes part.
    pub opted_in: bool,
    /// Their pseudonym while they do.
    pub pseudonym: Option<String>,
    /// Fewer than five take part: nothing is shown.
    pub suppressed: bool,
    /// The top of the board.
    pub entries: Vec<LeaderboardLine>,
    /// The worker's rank, when they take part and the board is shown.
    pub own_rank: Option<u32>,
}

/// One line of a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LeaderboardLine {
    /// 1 for the most points.
    pub rank: u32,
    /// A pseudonym, never a name.
    pub pseudonym: String,
    /// Points.
    pub points: u64,
    /// Level.
    pub level: u32,
}

impl From<QuizResponse> for AnswerGiven {
    fn from(response: QuizResponse) -> Self {
        match response {
            QuizResponse::Choice { option_id } => Self::Choice(option_id),
            QuizResponse::Choices { option_ids } => Self::Choices(option_ids),
            QuizResponse::TrueFalse { value } => Self::Bool(value),
            QuizResponse::Order { item_ids } => Self::Order(item_ids),
        }
    }
}

impl From<AnswerGiven> for QuizResponse {
    fn from(given: AnswerGiven) -> Self {
        match given {
            AnswerGiven::Choice(option_id) => Self::Choice { option_id },
            AnswerGiven::Choices(option_ids) => Self::Choices { option_ids },
            AnswerGiven::Bool(value) => Self::TrueFalse { value },
            AnswerGiven::Order(item_ids) => Self::Order { item_ids },
        }
    }
}

/// A quiz's answers so far are saved as the attempt they will become: a log
/// entry (the format the worker's log is sealed in) holding an unsent quiz
/// attempt that earned nothing; a lesson's place as 4 bytes, little endian.
/// No new serialised shape: the library has a size budget, and each one
/// costs kilobytes.
fn saved_quiz(module_id: &str, version: u64, answers: BTreeMap<String, AnswerGiven>) -> LoggedEvent {
    LoggedEvent {
        event: ProgressEvent {
            id: String::new(),
            module_id: module_id.to_owned(),
            module_version: version,
            at: 0,
            kind: EventKind::QuizAttempt { answers },
        },
        earned: Default::default(),
    }
}

/// The draft that holds a module's quiz in progress. Drafts are named by a
/// blind index under the worker's key, so the name is never stored.
fn quiz_draft(module_id: &str) -> String {
    format!("{TRAINING_DRAFT_PREFIX}quiz/{module_id}")
}

/// The draft that holds the place in a lesson (hashed: module and lesson ids
/// together may be longer than a draft name).
fn lesson_draft(module_id: &str, lesson_id: &str) -> String {
    let key = format!("{module_id}\n{lesson_id}");
    format!("{TRAINING_DRAFT_PREFIX}lesson/{}", workervoice_protocol::content::sha256_hex(key.as_bytes()))
}

/// Draft names under this prefix hold training in progress; an app's own
/// drafts should not use it.
pub const TRAINING_DRAFT_PREFIX: &str = "workervoice/training/";

impl WorkerVoice {
    /// Saves the answers the worker has given so far in a module's quiz
    /// (replacing what was saved), so that a kiosk time-out or a closed app
    /// loses none of them. Kept exactly like [`WorkerVoice::save_draft`]:
    /// sealed under the worker's key, and for a session signed in offline,
    /// in memory for that session. Cleared when the quiz is submitted.
    /// A question the module does not have is `invalid_input`.
    pub fn save_quiz_answers(&self, module_id: &str, answers: Vec<QuizAnswerInput>) -> Result<(), Error> {
        let (rules, version) = self.inner.module_rules(module_id)?;
        let mut given = BTreeMap::new();
        for answer in answers {
            if !rules.questions.contains_key(&answer.question_id)
                || given.insert(answer.question_id, AnswerGiven::from(answer.response)).is_some()
            {
                return Err(ErrorCode::InvalidInput.into());
            }
        }
        let saved = saved_quiz(module_id, version, given);
        let json = Zeroizing::new(serde_json::to_vec(&saved).map_err(|_| ErrorCode::Internal)?);
        self.save_draft(&quiz_draft(module_id), &json)
    }

    /// The answers saved so far in a module's quiz by the signed-in worker
    /// (empty when none): only those to questions the module held now has.
    pub fn quiz_in_progress(&self, module_id: &str) -> Result<Vec<QuizAnswerInput>, Error> {
        let (rules, _) = self.inner.module_rules(module_id)?;
        let Some(json) = self.load_draft(&quiz_draft(module_id))? else { return Ok(Vec::new()) };
        let json = Zeroizing::new(json);
        let saved: LoggedEvent = serde_json::from_slice(&json).map_err(|_| ErrorCode::StorageCorrupt)?;
        let EventKind::QuizAttempt { answers } = saved.event.kind else { return Err(ErrorCode::StorageCorrupt.into()) };
        Ok(answers
            .into_iter()
            .filter(|(question_id, _)| rules.questions.contains_key(question_id))
            .map(|(question_id, given)| QuizAnswerInput { question_id, response: given.into() })
            .collect())
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
        let answers: BTreeMap<String, AnswerGiven> =
            answers.into_iter().map(|answer| (answer.question_id, AnswerGiven::from(answer.response))).collect();
        let complete =
            answers.len() == rules.questions.len() && answers.keys().all(|q| rules.questions.contains_key(q));
        if !complete {
            return Err(ErrorCode::InvalidInput.into());
        }
        let correct_question_ids: Vec<String> = rules
            .questions
            .iter()
            .filter(|(question, right)| answers.get(*question).is_some_and(|given| right.accepts(given)))
            .map(|(question, _)| question.clone())
            .collect();
        let mut outcome = self.inner.record(module_id, version, &rules, EventKind::QuizAttempt { answers })?;
        // The attempt is recorded; answers left behind would only be offered again.
        let _ = self.delete_draft(&quiz_draft(module_id));
        outcome.questions = u32::try_from(rules.questions.len()).unwrap_or(u32::MAX);
        outcome.correct = u32::try_from(correct_question_ids.len()).unwrap_or(u32::MAX);
        outcome.passed =
            correct_question_ids.len() * 100 >= usize::from(rules.pass_mark_percent) * rules.questions.len();
        outcome.correct_question_ids = correct_question_ids;
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
        let (points, before, after) = {
            let mut session = self.touched_session();
            let session = session.as_mut().ok_or(ErrorCode::NotLoggedIn)?;
            let mut store = lock(&self.store);
            let state = training::state(&store, session)?;
            let before = training::derive(&training::log(&store, session)?, &state, hub_now);
            let context = UploadContext {
                device_id: &device_id,
                hub_key: &hub_key,
                now: device_now,
                clock_offset_secs: hub_now - device_now,
            };
            let points = training::record(&mut store, session, event, rules, &context)?;
            let state = training::state(&store, session)?;
            let mut after = training::derive(&training::log(&store, session)?, &state, hub_now);
            after.badges.extend(before.badges.iter().cloned());
            (points, before, after)
        };
        self.emit_outbox_changed();
        let new_badges = after.badges.difference(&before.badges).cloned().collect();
        Ok(ActivityOutcome {
            points_earned: points,
            correct: 0,
            questions: 0,
            passed: false,
            correct_question_ids: Vec::new(),
            new_badges,
            progress: after.into(),
        })
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
        let request = LeaderboardRequest { worker_id, opt_in, mac };
        let reply: LeaderboardResponse =
            client.post_signed(paths::PROGRESS_LEADERBOARD, &request, &device.signer()?).await?;
        Ok(Leaderboard {
            opted_in: reply.opted_in,
            pseudonym: reply.pseudonym,
            suppressed: reply.suppressed,
            entries: reply
                .entries
                .into_iter()
                .map(|entry| LeaderboardLine {
                    rank: entry.rank,
                    pseudonym: entry.pseudonym,
                    points: entry.points,
                    level: entry.level,
                })
                .collect(),
            own_rank: reply.own_rank,
        })
    }

    /// Sends one queued progress upload, with the device's clock now plus
    /// the offset its events were stamped with (the hub corrects by the rest).
    pub(super) async fn push_progress(&self, client: &HubClient, body: &[u8]) -> PushOutcome {
        let Ok(queued) = serde_json::from_slice::<training::QueuedUpload>(body) else {
            return PushOutcome::Refused("storage_corrupt".into());
        };
        let Ok(signer) = self.load_device().and_then(|device| device.signer()) else {
            return PushOutcome::Retry("device_keys_missing");
        };
        let upload = ProgressUpload {
            upload_id: queued.upload_id,
            enc: queued.enc,
            sealed: queued.sealed,
            device_sent_at: self.device_now().saturating_add(queued.clock_offset_secs),
        };
        let sent: Result<ProgressUploadResponse, NetError> =
            client.post_signed(paths::PROGRESS_UPLOAD, &upload, &signer).await;
        match sent {
            Ok(_) => PushOutcome::Delivered,
            Err(error) => crate::sync::outcome(error),
        }
    }

    /// Brings the signed-in worker's log in step with the hub: pulls what
    /// their other devices sent, with what the hub says each event earned.
    /// No session, or a provisional one: nothing to do.
    pub(super) async fn pull_progress(&self, client: &HubClient) -> Result<u32, Error> {
        let plan = {
            let session = lock(&self.session);
            let Some(session) = session.as_ref() else { return Ok(0) };
            let (Ok(vault_key), Ok(share)) = (session.vault_key(), session.hub_share()) else { return Ok(0) };
            let store = lock(&self.store);
            (
                session.local_id.clone(),
                session.profile.worker_id.clone(),
                vault_key.duplicate(),
                share.duplicate(),
                training::cursor(&store, session)?,
                training::state(&store, session)?,
            )
        };
        let (owner, worker_id, vault_key, share, mut cursor, mut state) = plan;
        let device = self.load_device()?;
        let signer = device.signer()?;
        let mut pulled = 0u32;
        loop {
            let request = ProgressPullRequest {
                worker_id: worker_id.clone(),
                cursor,
                mac: training::pull_mac(&share, &worker_id, cursor),
            };
            let reply: Result<ProgressPullResponse, NetError> =
                client.post_signed(paths::PROGRESS_PULL, &request, &signer).await;
            let reply = reply?;
            if reply.cursor < cursor {
                return Err(ErrorCode::BadReply.into());
            }
            for (module, rules) in reply.badges {
                state.badges.insert(module, rules);
            }
            state.hub_totals = Some(reply.totals);
            state.certificates = reply.certificates;
            state.utc_offset_minutes = reply.utc_offset_minutes;
            // The session may have ended (or changed) while the reply came: keep
            // nothing for a vault that is no longer open. Session before store.
            let session = lock(&self.session);
            if session.as_ref().is_none_or(|s| s.local_id != owner) {
                return Ok(pulled);
            }
            let mut store = lock(&self.store);
            // What the device scored itself. A linear look-up (a page of at most
            // 500 events against the worker's own log): a map keyed by event id
            // would be a new generic type, and the library has a size budget.
            let held = match session.as_ref() {
                Some(session) => training::log(&store, session)?,
                None => Vec::new(),
            };
            store.transaction(|tx| {
                for merged in &reply.events {
                    let own = held.iter().find(|entry| entry.event.id == merged.event.id).map(|entry| &entry.earned);
                    let earned = training::merged_earned(&merged.earned, own);
                    let entry = LoggedEvent { event: merged.event.clone(), earned };
                    training::save_event(tx, &vault_key, &owner, &entry)?;
                }
                training::save_state(tx, &vault_key, &owner, reply.cursor, &state)?;
                Ok::<_, Error>(())
            })?;
            drop(store);
            drop(session);
            pulled += u32::try_from(reply.events.len()).unwrap_or(u32::MAX);
            cursor = reply.cursor;
            if !reply.more {
                return Ok(pulled);
            }
        }
    }
}
