//! Surveys on the device: a definition arrives through the content channel
//! (`crate::content`), signed with the analysts' keys and the survey's token
//! key in it; the worker answers it offline, checked as they go
//! ([`answers`]); the one token per worker and survey ([`tokens`]) lets the
//! hub refuse a second response without learning whose a response is;
//! a response is sealed to the survey's analysts, MAC'd under the token and
//! sent unsigned after a random delay ([`responses`]). The app's calls
//! (`app::surveys`) pass in the session's keys, the store and the hub
//! client; the rows are in `store::survey_tokens`. See ADR 0010.

pub mod answers;
pub mod responses;
pub mod tokens;

pub use answers::{
    ChoiceView, SurveyAnswerEntry, SurveyAnswerInput, SurveyCheck, SurveyProblem, SurveyQuestionKind,
    SurveyQuestionView, SurveyView,
};
pub use responses::{DEFAULT_SEND_DELAY_MAX_SECS, OpenSurveyState, OpenSurveyView};
