//! Surveys on the device: a definition arrives through the content channel
//! (`crate::content`), signed with the analysts' keys and the survey's token
//! key in it; the worker answers it offline, checked as they go
//! ([`answers`]); the one token per worker and survey ([`tokens`]) lets the
//! hub refuse a second response without learning whose a response is.
//! Sealing a response to the analysts and queueing it are the app's calls,
//! in `app::survey_responses` (they need the session and the outbox); the
//! rows are in `store::survey_tokens`. See ADR 0010.

pub mod answers;
pub mod tokens;

pub use answers::{
    ChoiceView, SurveyAnswerEntry, SurveyAnswerInput, SurveyCheck, SurveyProblem, SurveyQuestionKind,
    SurveyQuestionView, SurveyView,
};
