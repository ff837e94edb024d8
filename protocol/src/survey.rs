//! Survey definitions: multilingual forms with skip logic, as programme
//! staff publish them (signed, versioned, through the content channel) and
//! as devices render and check them.
//!
//! A definition is a list of questions of seven types (single and multiple
//! choice, rating scale, number, free text, yes/no, date), each required or
//! optional, with its own validation (ranges, lengths, how many options) and
//! an optional condition (`show_if`) on earlier answers. Conditions may only
//! look back, so evaluating them is one pass in order and cannot loop.
//!
//! Every label is a map from language to text; [`pick_text`] walks the
//! worker's languages, then the definition's own, then any text at all — a
//! definition is refused if any label has no text, so nothing renders blank.
//!
//! Answers name options by id, never by position: a later version that
//! reorders or removes options leaves old answers meaning what they meant
//! (they are read with the version they name).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Most questions in a survey.
pub const MAX_QUESTIONS: usize = 300;
/// Most options in a question.
pub const MAX_OPTIONS: usize = 50;
/// Longest free-text answer accepted by any definition, in characters.
pub const MAX_TEXT_CHARS: usize = 5_000;
/// Deepest nesting of conditions.
pub const MAX_CONDITION_DEPTH: usize = 8;

/// Text per language (BCP 47 tag → text).
pub type Texts = BTreeMap<String, String>;

/// A survey definition (the body document of a `survey` content item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyDefinition {
    /// Its languages, the first being the default.
    pub languages: Vec<String>,
    /// Title.
    pub title: Texts,
    /// Shown before the first question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<Texts>,
    /// The questions, in order.
    pub questions: Vec<Question>,
    /// Answers that open a case: when this holds for the answers shown,
    /// the device also files an anonymous report on the independent route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_case: Option<CaseRule>,
    /// Who can read responses and the key of the survey's one-time tokens.
    /// The hub adds it when the survey is published (so it is signed with
    /// the rest); a definition without it can be read but not answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<SurveyDelivery>,
}

/// The answers that make a response also open a case (e.g. "has anyone
/// punished you for talking to the auditor?" answered yes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseRule {
    /// The condition, over any of the survey's questions.
    pub when: Condition,
    /// The grievance category of the case (a category of the directory).
    pub category_id: String,
}

/// How a survey is answered: sealed to its readers, with a one-time token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveyDelivery {
    /// The survey's token key (VOPRF, ristretto255; [`crate::oprf`]): the
    /// hub must prove each token it issues was made with this key, so it
    /// cannot mark one worker's token with a key of its own.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token_key: Vec<u8>,
    /// The programme's survey analysts: each response's content key is
    /// sealed to each of them.
    pub recipients: Vec<crate::directory::Recipient>,
}

/// A question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    /// Stable id across versions.
    pub id: String,
    /// The question.
    pub label: Texts,
    /// Optional help under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Texts>,
    /// An audio prompt (`sha256:<hex>` media of the manifest), for workers
    /// who read little.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
    /// Whether an answer is needed (when the question is shown).
    #[serde(default)]
    pub required: bool,
    /// Shown only when this holds; always shown without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    /// Type and validation.
    #[serde(flatten)]
    pub kind: QuestionKind,
}

/// An option of a choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyOption {
    /// Stable id across versions.
    pub id: String,
    /// Its label.
    pub label: Texts,
}

/// Question types with their validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// One option.
    SingleChoice {
        /// The options.
        options: Vec<SurveyOption>,
    },
    /// Several options.
    MultipleChoice {
        /// The options.
        options: Vec<SurveyOption>,
        /// Fewest to choose (when answered).
        #[serde(default)]
        min_selected: u32,
        /// Most to choose.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_selected: Option<u32>,
    },
    /// A whole number on a scale.
    Rating {
        /// Lowest value.
        min: i32,
        /// Highest value.
        max: i32,
        /// Label of the low end.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_label: Option<Texts>,
        /// Label of the high end.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_label: Option<Texts>,
    },
    /// A number.
    Number {
        /// Smallest accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Largest accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        /// Whole numbers only.
        #[serde(default)]
        integer: bool,
    },
    /// Free text.
    Text {
        /// Fewest characters (when answered).
        #[serde(default)]
        min_length: u32,
        /// Most characters.
        max_length: u32,
    },
    /// Yes or no.
    YesNo,
    /// A calendar date (`YYYY-MM-DD`).
    Date {
        /// Earliest accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<String>,
        /// Latest accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<String>,
    },
}

/// When a question is shown, from earlier answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The question was answered with exactly this (yes/no: `true`/`false`;
    /// single choice: the option id; rating/number: the value).
    Equals {
        /// The earlier question.
        question: String,
        /// The value.
        value: serde_json::Value,
    },
    /// A choice question's answer includes any of these options.
    AnyOf {
        /// The earlier question.
        question: String,
        /// Option ids.
        options: Vec<String>,
    },
    /// A rating or number answer is at least this.
    AtLeast {
        /// The earlier question.
        question: String,
        /// The bound.
        value: f64,
    },
    /// The question was answered at all.
    Answered {
        /// The earlier question.
        question: String,
    },
    /// Every condition holds.
    All(Vec<Condition>),
    /// At least one holds.
    Any(Vec<Condition>),
    /// It does not hold.
    Not(Box<Condition>),
}

/// An answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum SurveyAnswer {
    /// Single choice: the option id.
    Choice(String),
    /// Multiple choice: option ids.
    Choices(Vec<String>),
    /// Rating.
    Rating(i32),
    /// Number.
    Number(f64),
    /// Free text.
    Text(String),
    /// Yes (`true`) or no.
    YesNo(bool),
    /// Date, `YYYY-MM-DD`.
    Date(String),
}

/// Why a definition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    /// Not the JSON shape.
    #[error("the survey definition does not parse")]
    Malformed,
    /// Parses but is inconsistent; says what.
    #[error("the survey definition is inconsistent: {0}")]
    Inconsistent(&'static str),
}

/// Why an answer is refused; the device shows it localized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum AnswerProblem {
    /// A required question (shown) has no answer.
    Required,
    /// The answer is not of the question's type.
    WrongType,
    /// An option that is not in the question.
    UnknownOption,
    /// Below the minimum or above the maximum.
    OutOfRange {
        /// Lowest accepted.
        min: Option<f64>,
        /// Highest accepted.
        max: Option<f64>,
    },
    /// A whole number was expected.
    NotWhole,
    /// Too few characters or options.
    TooFew {
        /// The minimum.
        min: u32,
    },
    /// Too many characters or options.
    TooMany {
        /// The maximum.
        max: u32,
    },
    /// Not a valid `YYYY-MM-DD` date, or outside the range.
    BadDate,
    /// The question is not shown (skip logic), so it takes no answer.
    NotShown,
    /// No such question.
    UnknownQuestion,
}

fn texts_ok(texts: &Texts) -> bool {
    !texts.is_empty() && texts.values().any(|text| !text.trim().is_empty())
}

fn id_ok(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl SurveyDefinition {
    /// Parses and checks a definition. `media_listed` says whether a
    /// `sha256:<hex>` reference names a blob of the manifest.
    pub fn parse(body: &[u8], media_listed: impl Fn(&str) -> bool) -> Result<Self, DefinitionError> {
        let definition: Self = serde_json::from_slice(body).map_err(|_| DefinitionError::Malformed)?;
        definition.check(media_listed)?;
        Ok(definition)
    }

    fn check(&self, media_listed: impl Fn(&str) -> bool) -> Result<(), DefinitionError> {
        use DefinitionError::Inconsistent;
        if self.languages.is_empty() || !texts_ok(&self.title) || self.intro.as_ref().is_some_and(|t| !texts_ok(t)) {
            return Err(Inconsistent("title or languages"));
        }
        if self.questions.is_empty() || self.questions.len() > MAX_QUESTIONS {
            return Err(Inconsistent("number of questions"));
        }
        let mut earlier: BTreeMap<&str, &QuestionKind> = BTreeMap::new();
        for question in &self.questions {
            if !id_ok(&question.id) || earlier.contains_key(question.id.as_str()) {
                return Err(Inconsistent("empty, malformed or repeated question id"));
            }
            if !texts_ok(&question.label) || question.help.as_ref().is_some_and(|t| !texts_ok(t)) {
                return Err(Inconsistent("a label without text"));
            }
            if question.audio.as_deref().is_some_and(|audio| !media_listed(audio)) {
                return Err(Inconsistent("audio not in the manifest"));
            }
            check_kind(&question.kind)?;
            if let Some(condition) = &question.show_if {
                check_condition(condition, &earlier, 0)?;
            }
            earlier.insert(&question.id, &question.kind);
        }
        if let Some(rule) = &self.opens_case {
            if !id_ok(&rule.category_id) {
                return Err(Inconsistent("case rule category"));
            }
            check_condition(&rule.when, &earlier, 0)?;
        }
        if let Some(delivery) = &self.delivery
            && (delivery.token_key.len() != 32
                || delivery.recipients.is_empty()
                || delivery.recipients.iter().any(|r| r.public_key.len() != 32 || r.handler_id.is_empty()))
        {
            return Err(Inconsistent("delivery keys"));
        }
        Ok(())
    }

    /// Whether these answers open a case ([`Self::opens_case`]); only
    /// answers to questions shown count.
    pub fn opens_case_for(&self, answers: &BTreeMap<String, SurveyAnswer>) -> bool {
        let Some(rule) = &self.opens_case else { return false };
        let shown: BTreeMap<&str, &SurveyAnswer> = self
            .questions
            .iter()
            .zip(self.visible(answers))
            .filter(|(_, shown)| *shown)
            .filter_map(|(question, _)| answers.get(&question.id).map(|answer| (question.id.as_str(), answer)))
            .collect();
        holds(&rule.when, &shown)
    }

    /// Which questions are shown for these answers, in order. Answers to
    /// questions that are hidden do not count in later conditions.
    pub fn visible(&self, answers: &BTreeMap<String, SurveyAnswer>) -> Vec<bool> {
        let mut shown_answers: BTreeMap<&str, &SurveyAnswer> = BTreeMap::new();
        self.questions
            .iter()
            .map(|question| {
                let shown = question.show_if.as_ref().is_none_or(|condition| holds(condition, &shown_answers));
                if shown && let Some(answer) = answers.get(&question.id) {
                    shown_answers.insert(&question.id, answer);
                }
                shown
            })
            .collect()
    }

    /// Checks a complete set of answers: every problem, by question id.
    /// Empty means it can be submitted.
    pub fn validate(&self, answers: &BTreeMap<String, SurveyAnswer>) -> BTreeMap<String, AnswerProblem> {
        let visible = self.visible(answers);
        let mut problems = BTreeMap::new();
        for (question, shown) in self.questions.iter().zip(visible) {
            let problem = match (answers.get(&question.id), shown) {
                (Some(_), false) => Some(AnswerProblem::NotShown),
                (None, true) if question.required => Some(AnswerProblem::Required),
                (None, _) => None,
                (Some(answer), true) => check_answer(&question.kind, answer),
            };
            if let Some(problem) = problem {
                problems.insert(question.id.clone(), problem);
            }
        }
        for id in answers.keys() {
            if !self.questions.iter().any(|question| &question.id == id) {
                problems.insert(id.clone(), AnswerProblem::UnknownQuestion);
            }
        }
        problems
    }

    /// One answer on its own (as the worker types it): its problem, if any.
    pub fn check_one(&self, question_id: &str, answer: &SurveyAnswer) -> Option<AnswerProblem> {
        match self.questions.iter().find(|question| question.id == question_id) {
            Some(question) => check_answer(&question.kind, answer),
            None => Some(AnswerProblem::UnknownQuestion),
        }
    }
}

fn check_kind(kind: &QuestionKind) -> Result<(), DefinitionError> {
    use DefinitionError::Inconsistent;
    let options_ok = |options: &[SurveyOption]| {
        let ids: BTreeSet<&str> = options.iter().map(|option| option.id.as_str()).collect();
        (2..=MAX_OPTIONS).contains(&options.len())
            && ids.len() == options.len()
            && options.iter().all(|option| id_ok(&option.id) && texts_ok(&option.label))
    };
    let ok = match kind {
        QuestionKind::SingleChoice { options } => options_ok(options),
        QuestionKind::MultipleChoice { options, min_selected, max_selected } => {
            let count = u32::try_from(options.len()).unwrap_or(u32::MAX);
            options_ok(options)
                && *min_selected <= count
                && max_selected.is_none_or(|max| max >= (*min_selected).max(1) && max <= count)
        }
        QuestionKind::Rating { min, max, min_label, max_label } => {
            min < max
                && max - min <= 100
                && min_label.as_ref().is_none_or(texts_ok)
                && max_label.as_ref().is_none_or(texts_ok)
        }
        QuestionKind::Number { min, max, .. } => {
            min.is_none_or(f64::is_finite)
                && max.is_none_or(f64::is_finite)
                && match (min, max) {
                    (Some(min), Some(max)) => min <= max,
                    _ => true,
                }
        }
        QuestionKind::Text { min_length, max_length } => {
            *max_length > 0 && min_length <= max_length && (*max_length as usize) <= MAX_TEXT_CHARS
        }
        QuestionKind::YesNo => true,
        QuestionKind::Date { min, max } => {
            let min = min.as_deref().map(parse_date);
            let max = max.as_deref().map(parse_date);
            !matches!(min, Some(None))
                && !matches!(max, Some(None))
                && match (min.flatten(), max.flatten()) {
                    (Some(min), Some(max)) => min <= max,
                    _ => true,
                }
        }
    };
    if ok { Ok(()) } else { Err(Inconsistent("a question's options or bounds")) }
}

fn check_condition(
    condition: &Condition,
    earlier: &BTreeMap<&str, &QuestionKind>,
    depth: usize,
) -> Result<(), DefinitionError> {
    use DefinitionError::Inconsistent;
    if depth > MAX_CONDITION_DEPTH {
        return Err(Inconsistent("conditions nested too deep"));
    }
    let earlier_question =
        |id: &str| earlier.get(id).copied().ok_or(Inconsistent("a condition on a later or unknown question"));
    match condition {
        Condition::Equals { question, .. } | Condition::Answered { question } => {
            earlier_question(question)?;
        }
        Condition::AnyOf { question, options } => match earlier_question(question)? {
            QuestionKind::SingleChoice { options: known } | QuestionKind::MultipleChoice { options: known, .. } => {
                if !options.iter().all(|id| known.iter().any(|option| &option.id == id)) {
                    return Err(Inconsistent("a condition names an unknown option"));
                }
            }
            _ => return Err(Inconsistent("any_of on a question without options")),
        },
        Condition::AtLeast { question, value } => {
            if !value.is_finite()
                || !matches!(earlier_question(question)?, QuestionKind::Rating { .. } | QuestionKind::Number { .. })
            {
                return Err(Inconsistent("at_least on a question without numbers"));
            }
        }
        Condition::All(conditions) | Condition::Any(conditions) => {
            if conditions.is_empty() {
                return Err(Inconsistent("an empty all/any"));
            }
            for inner in conditions {
                check_condition(inner, earlier, depth + 1)?;
            }
        }
        Condition::Not(inner) => check_condition(inner, earlier, depth + 1)?,
    }
    Ok(())
}

fn holds(condition: &Condition, answers: &BTreeMap<&str, &SurveyAnswer>) -> bool {
    match condition {
        Condition::Equals { question, value } => answers.get(question.as_str()).is_some_and(|answer| match answer {
            SurveyAnswer::YesNo(given) => value.as_bool() == Some(*given),
            SurveyAnswer::Choice(given) => value.as_str() == Some(given.as_str()),
            SurveyAnswer::Rating(given) => value.as_f64() == Some(f64::from(*given)),
            SurveyAnswer::Number(given) => value.as_f64() == Some(*given),
            SurveyAnswer::Text(given) | SurveyAnswer::Date(given) => value.as_str() == Some(given.as_str()),
            SurveyAnswer::Choices(_) => false,
        }),
        Condition::AnyOf { question, options } => answers.get(question.as_str()).is_some_and(|answer| match answer {
            SurveyAnswer::Choice(given) => options.contains(given),
            SurveyAnswer::Choices(given) => given.iter().any(|id| options.contains(id)),
            _ => false,
        }),
        Condition::AtLeast { question, value } => answers.get(question.as_str()).is_some_and(|answer| match answer {
            SurveyAnswer::Rating(given) => f64::from(*given) >= *value,
            SurveyAnswer::Number(given) => given >= value,
            _ => false,
        }),
        Condition::Answered { question } => answers.contains_key(question.as_str()),
        Condition::All(conditions) => conditions.iter().all(|inner| holds(inner, answers)),
        Condition::Any(conditions) => conditions.iter().any(|inner| holds(inner, answers)),
        Condition::Not(inner) => !holds(inner, answers),
    }
}

fn check_answer(kind: &QuestionKind, answer: &SurveyAnswer) -> Option<AnswerProblem> {
    match (kind, answer) {
        (QuestionKind::SingleChoice { options }, SurveyAnswer::Choice(id)) => {
            (!options.iter().any(|option| &option.id == id)).then_some(AnswerProblem::UnknownOption)
        }
        (QuestionKind::MultipleChoice { options, min_selected, max_selected }, SurveyAnswer::Choices(ids)) => {
            let unique: BTreeSet<&String> = ids.iter().collect();
            let count = u32::try_from(unique.len()).unwrap_or(u32::MAX);
            if unique.len() != ids.len() || !ids.iter().all(|id| options.iter().any(|option| &option.id == id)) {
                Some(AnswerProblem::UnknownOption)
            } else if count < (*min_selected).max(1) {
                Some(AnswerProblem::TooFew { min: (*min_selected).max(1) })
            } else {
                max_selected.filter(|max| count > *max).map(|max| AnswerProblem::TooMany { max })
            }
        }
        (QuestionKind::Rating { min, max, .. }, SurveyAnswer::Rating(value)) => (value < min || value > max)
            .then_some(AnswerProblem::OutOfRange { min: Some(f64::from(*min)), max: Some(f64::from(*max)) }),
        (QuestionKind::Number { min, max, integer }, SurveyAnswer::Number(value)) => {
            if !value.is_finite() || min.is_some_and(|min| *value < min) || max.is_some_and(|max| *value > max) {
                Some(AnswerProblem::OutOfRange { min: *min, max: *max })
            } else if *integer && value.fract() != 0.0 {
                Some(AnswerProblem::NotWhole)
            } else {
                None
            }
        }
        (QuestionKind::Text { min_length, max_length }, SurveyAnswer::Text(text)) => {
            let chars = u32::try_from(text.trim().chars().count()).unwrap_or(u32::MAX);
            if chars < (*min_length).max(1) {
                Some(AnswerProblem::TooFew { min: (*min_length).max(1) })
            } else {
                (chars > *max_length).then_some(AnswerProblem::TooMany { max: *max_length })
            }
        }
        (QuestionKind::YesNo, SurveyAnswer::YesNo(_)) => None,
        (QuestionKind::Date { min, max }, SurveyAnswer::Date(text)) => {
            let Some(date) = parse_date(text) else { return Some(AnswerProblem::BadDate) };
            let before = min.as_deref().and_then(parse_date).is_some_and(|min| date < min);
            let after = max.as_deref().and_then(parse_date).is_some_and(|max| date > max);
            (before || after).then_some(AnswerProblem::BadDate)
        }
        _ => Some(AnswerProblem::WrongType),
    }
}

/// A `YYYY-MM-DD` date as (year, month, day), if it is a real date.
pub fn parse_date(text: &str) -> Option<(i32, u32, u32)> {
    let bytes = text.as_bytes();
    // Digits only: `str::parse` would also take a sign (`2026-+1-01`), and a
    // date must have one spelling (the answer is kept and sent as its text).
    let digits_ok = bytes.iter().enumerate().all(|(at, byte)| at == 4 || at == 7 || byte.is_ascii_digit());
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' || !digits_ok {
        return None;
    }
    let year: i32 = text.get(0..4)?.parse().ok()?;
    let month: u32 = text.get(5..7)?.parse().ok()?;
    let day: u32 = text.get(8..10)?.parse().ok()?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (year >= 1900 && (1..=days).contains(&day)).then_some((year, month, day))
}

/// The text to show for `texts`: the first of the worker's `languages` it
/// has (a tag also matches its base language: `zh-CN` → `zh`), then the
/// definition's languages in order, then any non-blank text. Never blank
/// for a definition that passed [`SurveyDefinition::parse`].
pub fn pick_text<'a>(texts: &'a Texts, languages: &[String], defaults: &[String]) -> &'a str {
    let non_blank = |tag: &str| texts.get(tag).map(String::as_str).filter(|text| !text.trim().is_empty());
    let base = |tag: &str| tag.split('-').next().unwrap_or(tag).to_owned();
    languages
        .iter()
        .flat_map(|tag| [tag.clone(), base(tag)])
        .chain(defaults.iter().cloned())
        .find_map(|tag| non_blank(&tag))
        .or_else(|| texts.values().map(String::as_str).find(|text| !text.trim().is_empty()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every question type, three languages, skip logic.
    pub(crate) fn definition() -> serde_json::Value {
        json!({
            "languages": ["en", "vi", "zh-CN"],
            "title": {"en": "After the audit", "vi": "Sau cuộc kiểm toán", "zh-CN": "审核之后"},
            "questions": [
                {"id": "interviewed", "type": "yes_no", "required": true,
                 "label": {"en": "Did the auditor talk to you?", "vi": "Kiểm toán viên có nói chuyện với bạn không?"}},
                {"id": "punished", "type": "yes_no", "required": true,
                 "show_if": {"equals": {"question": "interviewed", "value": true}},
                 "label": {"en": "Were you punished for it?", "zh-CN": "你因此受到惩罚了吗？"}},
                {"id": "how", "type": "multiple_choice", "min_selected": 1, "max_selected": 2,
                 "show_if": {"all": [{"equals": {"question": "punished", "value": true}}]},
                 "label": {"en": "How?"},
                 "options": [{"id": "pay", "label": {"en": "Pay cut"}}, {"id": "shift", "label": {"en": "Worse shifts"}},
                             {"id": "threat", "label": {"en": "Threats"}}]},
                {"id": "who", "type": "single_choice", "show_if": {"any_of": {"question": "how", "options": ["threat"]}},
                 "label": {"en": "Who?"},
                 "options": [{"id": "supervisor", "label": {"en": "Supervisor"}}, {"id": "manager", "label": {"en": "Manager"}}]},
                {"id": "safe", "type": "rating", "min": 1, "max": 5, "required": true,
                 "label": {"en": "How safe do you feel?"}, "min_label": {"en": "Not at all"}, "max_label": {"en": "Very"}},
                {"id": "hours", "type": "number", "min": 0, "max": 100, "integer": true,
                 "show_if": {"not": {"at_least": {"question": "safe", "value": 4}}},
                 "label": {"en": "Hours worked last week"}},
                {"id": "comment", "type": "text", "max_length": 20, "label": {"en": "Anything else?"}},
                {"id": "when", "type": "date", "min": "2026-01-01", "max": "2026-12-31",
                 "show_if": {"answered": {"question": "comment"}}, "label": {"en": "Since when?"}}
            ]
        })
    }

    fn parse(value: &serde_json::Value) -> Result<SurveyDefinition, DefinitionError> {
        SurveyDefinition::parse(&serde_json::to_vec(value).unwrap(), |_| false)
    }

    fn answers(pairs: &[(&str, SurveyAnswer)]) -> BTreeMap<String, SurveyAnswer> {
        pairs.iter().map(|(id, answer)| ((*id).to_owned(), answer.clone())).collect()
    }

    #[test]
    fn a_number_bound_is_read_as_the_nearest_double_and_survives_a_json_round_trip() {
        // Found by the survey_definition fuzz target's long run: without
        // serde_json's `float_roundtrip`, this bound was read one unit in the
        // last place off, and a definition the hub re-serialised (adding its
        // delivery keys) reached devices with another bound than the author's.
        let digits = "1007777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777";
        let body = format!(
            r#"{{"languages":["en"],"title":{{"en":"t"}},"questions":[{{"id":"n","type":"number","max":{digits},"label":{{"en":"n"}}}}]}}"#
        );
        let survey = SurveyDefinition::parse(body.as_bytes(), |_| false).unwrap();
        let QuestionKind::Number { max, .. } = &survey.questions[0].kind else { panic!("a number question") };
        assert_eq!(*max, Some(digits.parse::<f64>().unwrap()), "the correctly rounded double");
        let again = SurveyDefinition::parse(&serde_json::to_vec(&survey).unwrap(), |_| false).unwrap();
        assert_eq!(again, survey);
    }

    #[test]
    fn skip_logic_shows_follow_ups_only_after_the_answers_that_call_for_them() {
        let survey = parse(&definition()).unwrap();
        let none = survey.visible(&BTreeMap::new());
        assert_eq!(none, [true, false, false, false, true, true, true, false]);
        let punished = answers(&[
            ("interviewed", SurveyAnswer::YesNo(true)),
            ("punished", SurveyAnswer::YesNo(true)),
            ("how", SurveyAnswer::Choices(vec!["threat".into()])),
            ("safe", SurveyAnswer::Rating(5)),
        ]);
        assert_eq!(survey.visible(&punished), [true, true, true, true, true, false, true, false]);
        // Changing an early answer hides the chain after it, and answers left
        // in hidden questions no longer count.
        let mut changed = punished.clone();
        changed.insert("interviewed".into(), SurveyAnswer::YesNo(false));
        assert_eq!(survey.visible(&changed), [true, false, false, false, true, false, true, false]);
        assert_eq!(survey.validate(&changed).get("punished"), Some(&AnswerProblem::NotShown));
    }

    #[test]
    fn answers_are_checked_against_their_question() {
        let survey = parse(&definition()).unwrap();
        let problems = survey.validate(&answers(&[
            ("punished", SurveyAnswer::YesNo(true)),
            ("safe", SurveyAnswer::Rating(9)),
            ("comment", SurveyAnswer::Text("x".repeat(21))),
        ]));
        assert_eq!(problems["interviewed"], AnswerProblem::Required);
        assert_eq!(problems["punished"], AnswerProblem::NotShown);
        assert_eq!(problems["safe"], AnswerProblem::OutOfRange { min: Some(1.0), max: Some(5.0) });
        assert_eq!(problems["comment"], AnswerProblem::TooMany { max: 20 });
        let check = |id: &str, answer: SurveyAnswer| survey.check_one(id, &answer);
        assert_eq!(check("hours", SurveyAnswer::Number(7.5)), Some(AnswerProblem::NotWhole));
        assert_eq!(
            check("hours", SurveyAnswer::Number(f64::NAN)),
            Some(AnswerProblem::OutOfRange { min: Some(0.0), max: Some(100.0) })
        );
        assert_eq!(
            check("how", SurveyAnswer::Choices(vec!["pay".into(), "shift".into(), "threat".into()])),
            Some(AnswerProblem::TooMany { max: 2 })
        );
        assert_eq!(check("how", SurveyAnswer::Choices(vec![])), Some(AnswerProblem::TooFew { min: 1 }));
        assert_eq!(
            check("how", SurveyAnswer::Choices(vec!["pay".into(), "pay".into()])),
            Some(AnswerProblem::UnknownOption)
        );
        assert_eq!(check("who", SurveyAnswer::Choice("owner".into())), Some(AnswerProblem::UnknownOption));
        assert_eq!(check("when", SurveyAnswer::Date("2026-02-30".into())), Some(AnswerProblem::BadDate));
        assert_eq!(check("when", SurveyAnswer::Date("2025-12-31".into())), Some(AnswerProblem::BadDate));
        assert_eq!(check("when", SurveyAnswer::Date("2026-02-28".into())), None);
        assert_eq!(check("safe", SurveyAnswer::Text("5".into())), Some(AnswerProblem::WrongType));
        assert_eq!(check("nope", SurveyAnswer::YesNo(true)), Some(AnswerProblem::UnknownQuestion));
        let complete = answers(&[("interviewed", SurveyAnswer::YesNo(false)), ("safe", SurveyAnswer::Rating(4))]);
        assert!(survey.validate(&complete).is_empty());
    }

    #[test]
    fn inconsistent_definitions_are_refused() {
        let broken = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut value = definition();
            edit(&mut value);
            parse(&value)
        };
        let forward = broken(&|v| v["questions"][0]["show_if"] = json!({"answered": {"question": "safe"}}));
        assert_eq!(forward, Err(DefinitionError::Inconsistent("a condition on a later or unknown question")));
        assert!(
            broken(&|v| v["questions"][3]["show_if"] = json!({"any_of": {"question": "how", "options": ["x"]}}))
                .is_err()
        );
        assert!(broken(&|v| v["questions"][1]["label"] = json!({"en": "  "})).is_err(), "a blank label");
        assert!(broken(&|v| v["questions"][1]["id"] = json!("interviewed")).is_err(), "a repeated id");
        assert!(broken(&|v| v["questions"][4]["max"] = json!(0)).is_err(), "an empty scale");
        assert!(broken(&|v| v["questions"][7]["min"] = json!("2026-13-01")).is_err(), "a bad date bound");
        assert!(broken(&|v| v["questions"][2]["max_selected"] = json!(9)).is_err());
        assert!(broken(&|v| v["questions"][0]["audio"] = json!("sha256:00")).is_err(), "audio not in the manifest");
        assert_eq!(SurveyDefinition::parse(b"{\"questions\": 3}", |_| true), Err(DefinitionError::Malformed));
    }

    #[test]
    fn text_falls_back_through_the_workers_languages_then_the_definitions_never_to_blank() {
        let survey = parse(&definition()).unwrap();
        let label = |index: usize, languages: &[&str]| {
            let languages: Vec<String> = languages.iter().map(|tag| (*tag).to_owned()).collect();
            pick_text(&survey.questions[index].label, &languages, &survey.languages).to_owned()
        };
        assert_eq!(label(1, &["zh-CN"]), "你因此受到惩罚了吗？");
        assert_eq!(
            label(0, &["zh-CN", "vi"]),
            "Kiểm toán viên có nói chuyện với bạn không?",
            "no Chinese: the next language"
        );
        assert_eq!(label(2, &["vi"]), "How?", "no Vietnamese: the definition's first language");
        let only_chinese: Texts = [("zh".to_owned(), "中文".to_owned())].into();
        assert_eq!(pick_text(&only_chinese, &["zh-TW".to_owned()], &["en".to_owned()]), "中文", "base language");
        let odd: Texts = [("fr".to_owned(), "Bonjour".to_owned()), ("en".to_owned(), " ".to_owned())].into();
        assert_eq!(pick_text(&odd, &["vi".to_owned()], &["en".to_owned()]), "Bonjour", "any text rather than blank");
    }

    #[test]
    fn a_date_has_one_spelling_signs_are_not_digits() {
        // Found by fuzz/fuzz_targets/survey_definition.rs: `parse` took the sign.
        assert_eq!(parse_date("2026-01-01"), Some((2026, 1, 1)));
        assert_eq!(parse_date("2026-+1-01"), None);
        assert_eq!(parse_date("2026-01-+1"), None);
        assert_eq!(parse_date("+202-01-01"), None);
    }
}
