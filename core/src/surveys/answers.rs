//! Answering surveys on the device: what a verified definition looks like
//! to the app, in the worker's language, and the problems found in answers
//! as the worker goes (skip logic and validation), with localized messages.
//! The app's calls (`load_survey`, `check_survey`) are in `app::surveys`;
//! work in progress is kept with `WorkerVoice::save_draft` like a report.

use std::collections::BTreeMap;

use workervoice_protocol::survey::{AnswerProblem, SurveyAnswer};

use crate::i18n::{Arg, Languages, message};

/// A survey ready to render, its texts in the current language.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurveyView {
    /// The survey.
    pub id: String,
    /// The version shown (answers name it).
    pub version: u64,
    /// Title.
    pub title: String,
    /// Shown before the first question.
    pub intro: Option<String>,
    /// The questions, in order (which are shown: [`WorkerVoice::check_survey`]).
    pub questions: Vec<SurveyQuestionView>,
}

/// One question, ready to render.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurveyQuestionView {
    /// Stable id.
    pub id: String,
    /// The question.
    pub label: String,
    /// Help under it.
    pub help: Option<String>,
    /// An audio prompt: the SHA-256 of a media blob ([`WorkerVoice::media_path`]).
    pub audio_sha256: Option<String>,
    /// Whether an answer is needed when it is shown.
    pub required: bool,
    /// Type and bounds.
    pub kind: SurveyQuestionKind,
}

/// An option, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ChoiceView {
    /// Stable id (what the answer names).
    pub id: String,
    /// Label.
    pub label: String,
}

/// Question types with what the app needs to draw them.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SurveyQuestionKind {
    /// One option.
    SingleChoice {
        /// The options.
        options: Vec<ChoiceView>,
    },
    /// Several options.
    MultipleChoice {
        /// The options.
        options: Vec<ChoiceView>,
        /// Fewest to choose.
        min_selected: u32,
        /// Most to choose.
        max_selected: Option<u32>,
    },
    /// A scale.
    Rating {
        /// Lowest.
        min: i32,
        /// Highest.
        max: i32,
        /// Low end's label.
        min_label: Option<String>,
        /// High end's label.
        max_label: Option<String>,
    },
    /// A number.
    Number {
        /// Smallest.
        min: Option<f64>,
        /// Largest.
        max: Option<f64>,
        /// Whole numbers only.
        integer: bool,
    },
    /// Free text.
    Text {
        /// Fewest characters.
        min_length: u32,
        /// Most characters.
        max_length: u32,
    },
    /// Yes or no.
    YesNo,
    /// A date (`YYYY-MM-DD`).
    Date {
        /// Earliest.
        min: Option<String>,
        /// Latest.
        max: Option<String>,
    },
}

/// An answer as the app gives it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SurveyAnswerInput {
    /// Single choice.
    Choice {
        /// The option.
        option_id: String,
    },
    /// Multiple choice.
    Choices {
        /// The options.
        option_ids: Vec<String>,
    },
    /// Rating.
    Rating {
        /// The value.
        value: i32,
    },
    /// Number.
    Number {
        /// The value.
        value: f64,
    },
    /// Free text.
    Text {
        /// The text.
        value: String,
    },
    /// Yes or no.
    YesNo {
        /// Yes.
        value: bool,
    },
    /// Date.
    Date {
        /// `YYYY-MM-DD`.
        value: String,
    },
}

/// One question's answer.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurveyAnswerEntry {
    /// The question.
    pub question_id: String,
    /// The answer.
    pub answer: SurveyAnswerInput,
}

/// A problem with an answer, to show beside its question.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurveyProblem {
    /// The question.
    pub question_id: String,
    /// Stable code (`required`, `out_of_range`, …).
    pub code: String,
    /// The message in the current language.
    pub message: String,
}

/// What the answers so far mean for the form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurveyCheck {
    /// Ids of the questions shown now, in order.
    pub visible: Vec<String>,
    /// Problems, by question (none: it can be submitted).
    pub problems: Vec<SurveyProblem>,
}

impl From<SurveyAnswerInput> for SurveyAnswer {
    fn from(input: SurveyAnswerInput) -> Self {
        match input {
            SurveyAnswerInput::Choice { option_id } => Self::Choice(option_id),
            SurveyAnswerInput::Choices { option_ids } => Self::Choices(option_ids),
            SurveyAnswerInput::Rating { value } => Self::Rating(value),
            SurveyAnswerInput::Number { value } => Self::Number(value),
            SurveyAnswerInput::Text { value } => Self::Text(value),
            SurveyAnswerInput::YesNo { value } => Self::YesNo(value),
            SurveyAnswerInput::Date { value } => Self::Date(value),
        }
    }
}

/// The stable code of a problem (`required`, `out_of_range`, …).
pub(crate) fn problem_code(problem: &AnswerProblem) -> &'static str {
    match problem {
        AnswerProblem::Required => "required",
        AnswerProblem::WrongType => "wrong_type",
        AnswerProblem::UnknownOption => "unknown_option",
        AnswerProblem::OutOfRange { .. } => "out_of_range",
        AnswerProblem::NotWhole => "not_whole",
        AnswerProblem::TooFew { .. } => "too_few",
        AnswerProblem::TooMany { .. } => "too_many",
        AnswerProblem::BadDate => "bad_date",
        AnswerProblem::NotShown => "not_shown",
        AnswerProblem::UnknownQuestion => "unknown_question",
    }
}

/// The problem's message (Fluent `survey-<code>`), with its bounds.
pub(crate) fn problem_message(languages: &Languages, problem: &AnswerProblem) -> String {
    let id = format!("survey-{}", problem_code(problem).replace('_', "-"));
    let bound = |value: Option<f64>| value.map_or_else(String::new, |value| format!("{value}"));
    match problem {
        AnswerProblem::OutOfRange { min, max } => {
            let (min, max) = (bound(*min), bound(*max));
            message(languages, &id, &[("min", Arg::Text(&min)), ("max", Arg::Text(&max))])
        }
        AnswerProblem::TooFew { min } => message(languages, &id, &[("min", Arg::Number(i64::from(*min)))]),
        AnswerProblem::TooMany { max } => message(languages, &id, &[("max", Arg::Number(i64::from(*max)))]),
        _ => message(languages, &id, &[]),
    }
}

/// Answers by question id, as the definition checks them.
pub(crate) fn answer_map(answers: Vec<SurveyAnswerEntry>) -> BTreeMap<String, SurveyAnswer> {
    answers.into_iter().map(|entry| (entry.question_id, SurveyAnswer::from(entry.answer))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_problem_has_its_own_message_in_every_language() {
        let problems = [
            AnswerProblem::Required,
            AnswerProblem::WrongType,
            AnswerProblem::UnknownOption,
            AnswerProblem::OutOfRange { min: Some(1.0), max: Some(5.0) },
            AnswerProblem::NotWhole,
            AnswerProblem::TooFew { min: 2 },
            AnswerProblem::TooMany { max: 3 },
            AnswerProblem::BadDate,
            AnswerProblem::NotShown,
            AnswerProblem::UnknownQuestion,
        ];
        for language in ["en", "vi", "zh-CN"] {
            let languages = Languages::negotiate(&[language]);
            let generic = message(&languages, "error-internal", &[]);
            let english = Languages::negotiate(&["en"]);
            let texts: std::collections::BTreeSet<String> =
                problems.iter().map(|problem| problem_message(&languages, problem)).collect();
            assert_eq!(texts.len(), problems.len(), "{language}: one message per problem");
            for problem in &problems {
                let text = problem_message(&languages, problem);
                assert_ne!(text, generic, "{language}: {problem:?}");
                if language != "en" {
                    assert_ne!(
                        text,
                        problem_message(&english, problem),
                        "{language} falls back to English: {problem:?}"
                    );
                }
            }
        }
        let range = problem_message(&Languages::negotiate(&["vi"]), &problems[3]);
        assert!(range.contains('1') && range.contains('5'), "{range}");
    }
}
