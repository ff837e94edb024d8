//! What a worker does in a training module, as the app shows it: their
//! progress, a quiz's answers and how they were graded, a lesson or quiz
//! recorded with what it earned, and the drafts that keep a quiz or a
//! lesson in progress (ADR 0009). The app's calls are in `app::training`.

use std::collections::BTreeMap;

use workervoice_protocol::progress::{AnswerGiven, EventKind, ProgressEvent, ScoringRules, Totals};

use super::{LoggedEvent, UploadContext};
use crate::auth::Session;
use crate::error::{Error, ErrorCode};
use crate::store::Store;

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
pub(crate) fn quiz_draft(module_id: &str) -> String {
    format!("{TRAINING_DRAFT_PREFIX}quiz/{module_id}")
}

/// The draft that holds the place in a lesson (hashed: module and lesson ids
/// together may be longer than a draft name).
pub(crate) fn lesson_draft(module_id: &str, lesson_id: &str) -> String {
    let key = format!("{module_id}\n{lesson_id}");
    format!("{TRAINING_DRAFT_PREFIX}lesson/{}", workervoice_protocol::content::sha256_hex(key.as_bytes()))
}

/// Draft names under this prefix hold training in progress; an app's own
/// drafts should not use it.
pub const TRAINING_DRAFT_PREFIX: &str = "workervoice/training/";

/// The answers of a quiz in progress, each to a question the module has and
/// each once (else `invalid_input`), as the draft that keeps them.
pub(crate) fn quiz_draft_bytes(
    rules: &ScoringRules,
    module_id: &str,
    version: u64,
    answers: Vec<QuizAnswerInput>,
) -> Result<Vec<u8>, Error> {
    let mut given = BTreeMap::new();
    for answer in answers {
        if !rules.questions.contains_key(&answer.question_id)
            || given.insert(answer.question_id, AnswerGiven::from(answer.response)).is_some()
        {
            return Err(ErrorCode::InvalidInput.into());
        }
    }
    let saved = saved_quiz(module_id, version, given);
    serde_json::to_vec(&saved).map_err(|_| ErrorCode::Internal.into())
}

/// The answers a quiz draft holds, only those to questions the module
/// held now has.
pub(crate) fn quiz_from_draft(rules: &ScoringRules, json: &[u8]) -> Result<Vec<QuizAnswerInput>, Error> {
    let saved: LoggedEvent = serde_json::from_slice(json).map_err(|_| ErrorCode::StorageCorrupt)?;
    let EventKind::QuizAttempt { answers } = saved.event.kind else { return Err(ErrorCode::StorageCorrupt.into()) };
    Ok(answers
        .into_iter()
        .filter(|(question_id, _)| rules.questions.contains_key(question_id))
        .map(|(question_id, given)| QuizAnswerInput { question_id, response: given.into() })
        .collect())
}

/// A complete quiz attempt (every question answered, none other; else
/// `invalid_input`) and the ids of the questions answered right.
pub(crate) fn quiz_attempt(
    rules: &ScoringRules,
    answers: Vec<QuizAnswerInput>,
) -> Result<(BTreeMap<String, AnswerGiven>, Vec<String>), Error> {
    let answers: BTreeMap<String, AnswerGiven> =
        answers.into_iter().map(|answer| (answer.question_id, AnswerGiven::from(answer.response))).collect();
    let complete = answers.len() == rules.questions.len() && answers.keys().all(|q| rules.questions.contains_key(q));
    if !complete {
        return Err(ErrorCode::InvalidInput.into());
    }
    let correct_question_ids: Vec<String> = rules
        .questions
        .iter()
        .filter(|(question, right)| answers.get(*question).is_some_and(|given| right.accepts(given)))
        .map(|(question, _)| question.clone())
        .collect();
    Ok((answers, correct_question_ids))
}

/// Fills in how a recorded quiz attempt was graded.
pub(crate) fn grade(outcome: &mut ActivityOutcome, rules: &ScoringRules, correct_question_ids: Vec<String>) {
    outcome.questions = u32::try_from(rules.questions.len()).unwrap_or(u32::MAX);
    outcome.correct = u32::try_from(correct_question_ids.len()).unwrap_or(u32::MAX);
    outcome.passed = correct_question_ids.len() * 100 >= usize::from(rules.pass_mark_percent) * rules.questions.len();
    outcome.correct_question_ids = correct_question_ids;
}

/// Records `event` for the session's worker (log, badge rules, upload) and
/// says what it earned and which badges are new, with the totals on the
/// hub's clock `hub_now`.
pub(crate) fn record_activity(
    store: &mut Store,
    session: &mut Session,
    event: ProgressEvent,
    rules: &ScoringRules,
    context: &UploadContext<'_>,
    hub_now: i64,
) -> Result<ActivityOutcome, Error> {
    let state = super::state(store, session)?;
    let before = super::derive(&super::log(store, session)?, &state, hub_now);
    let points = super::record(store, session, event, rules, context)?;
    let state = super::state(store, session)?;
    let mut after = super::derive(&super::log(store, session)?, &state, hub_now);
    after.badges.extend(before.badges.iter().cloned());
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
