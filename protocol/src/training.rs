//! The body document of a training module, as programme staff publish it
//! and as devices and the hub read it: lessons, a quiz, what they are worth
//! and the badges the pack defines.
//!
//! ```json
//! {
//!   "lessons": [{"id": "exits", "title": {"en": "Exits"}, "text": {"en": "…"},
//!                "media": ["sha256:…"], "media_by_language": {"en": ["sha256:…"]}}],
//!   "quiz": {"pass_mark_percent": 80, "questions": [
//!     {"id": "q1", "prompt": {"en": "…"}, "media": [],
//!      "answer": {"type": "single_choice", "options": [{"id": "a", "text": {"en": "…"}}], "correct": "a"}}
//!   ]},
//!   "points": {"lesson": 10, "correct_answer": 5, "passing": 20},
//!   "badges": [{"id": "fire-safe", "title": {"en": "Fire safe"}, "rule": {"type": "module_passed"}}]
//! }
//! ```
//!
//! `points` and `badges` may be left out (default points, no badges). The
//! same document gives the device what to render and both sides the
//! [`ScoringRules`] of this version, so the hub never takes a device's word
//! for what an activity is worth.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use crate::progress::{BadgeCondition, BadgeRule, CorrectAnswer, ScoringRules};

/// Most lessons in a module.
pub const MAX_LESSONS: usize = 200;
/// Most questions in a quiz.
pub const MAX_QUESTIONS: usize = 200;
/// Most options in a question.
pub const MAX_OPTIONS: usize = 20;
/// Most badges in a module.
pub const MAX_BADGES: usize = 50;
/// Most points one activity can be worth.
pub const MAX_POINTS: u32 = 1_000;

/// Text per language (BCP 47 tag → text).
pub type Texts = BTreeMap<String, String>;

/// The whole document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleDocument {
    /// Lessons, in order.
    pub lessons: Vec<LessonDoc>,
    /// The quiz.
    pub quiz: QuizDoc,
    /// What activities are worth.
    #[serde(default)]
    pub points: PointsDoc,
    /// Badges this pack defines.
    #[serde(default)]
    pub badges: Vec<BadgeDoc>,
}

/// A lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonDoc {
    /// Stable id within the module.
    pub id: String,
    /// Title per language.
    pub title: Texts,
    /// Text per language.
    pub text: Texts,
    /// Media shown in every language (`sha256:<hex>`, listed in the manifest).
    #[serde(default)]
    pub media: Vec<String>,
    /// Media for one language (BCP 47 tag → references), e.g. the narration
    /// of the text; shown before the shared media, with the same fallback as
    /// text (see [`pick_media`]). Optional: older documents have none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub media_by_language: MediaByLanguage,
}

/// Media references per language (BCP 47 tag → references).
pub type MediaByLanguage = BTreeMap<String, Vec<String>>;

/// Most languages one item's media are given in.
pub const MAX_MEDIA_LANGUAGES: usize = 32;

/// The quiz.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuizDoc {
    /// Percentage of right answers needed to pass (0–100).
    pub pass_mark_percent: u8,
    /// Questions, in order.
    pub questions: Vec<QuestionDoc>,
}

/// A quiz question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionDoc {
    /// Stable id within the module.
    pub id: String,
    /// The question per language.
    pub prompt: Texts,
    /// Media shown in every language.
    #[serde(default)]
    pub media: Vec<String>,
    /// Media for one language (e.g. the prompt read aloud), as for lessons.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub media_by_language: MediaByLanguage,
    /// How it is answered, with the right answer.
    pub answer: AnswerDoc,
}

/// An option of a choice or ordering question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OptionDoc {
    /// Stable id within the question.
    pub id: String,
    /// Text per language.
    pub text: Texts,
}

/// Kinds of question with their right answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnswerDoc {
    /// One option is right.
    SingleChoice {
        /// The options.
        options: Vec<OptionDoc>,
        /// The right one.
        correct: String,
    },
    /// Exactly these options are right.
    MultipleChoice {
        /// The options.
        options: Vec<OptionDoc>,
        /// The right ones.
        correct: Vec<String>,
    },
    /// A statement, true or false.
    TrueFalse {
        /// Whether it is true.
        correct: bool,
    },
    /// Put the items in order.
    Ordering {
        /// The items as shown.
        items: Vec<OptionDoc>,
        /// Their right order.
        correct_order: Vec<String>,
    },
}

/// What activities are worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsDoc {
    /// Each lesson completed (once).
    pub lesson: u32,
    /// Each question answered right (once).
    pub correct_answer: u32,
    /// Passing the quiz (once).
    pub passing: u32,
}

impl Default for PointsDoc {
    fn default() -> Self {
        Self { lesson: 10, correct_answer: 5, passing: 20 }
    }
}

/// A badge the pack defines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BadgeDoc {
    /// Stable id, unique across the programme's packs.
    pub id: String,
    /// Its name per language.
    pub title: Texts,
    /// What earns it.
    pub rule: BadgeCondition,
}

/// Why a document is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// Not the document's JSON shape.
    #[error("the module document does not parse")]
    Malformed,
    /// Parses, but is inconsistent; says what.
    #[error("the module document is inconsistent: {0}")]
    Inconsistent(&'static str),
}

impl ModuleDocument {
    /// Parses and checks a document. `media_listed` says whether a
    /// `sha256:<hex>` reference names a blob of the manifest.
    pub fn parse(body: &[u8], media_listed: impl Fn(&str) -> bool) -> Result<Self, DocumentError> {
        let document: Self = serde_json::from_slice(body).map_err(|_| DocumentError::Malformed)?;
        document.check(media_listed)?;
        Ok(document)
    }

    fn check(&self, media_listed: impl Fn(&str) -> bool) -> Result<(), DocumentError> {
        use DocumentError::Inconsistent;
        if self.lessons.len() > MAX_LESSONS || self.quiz.questions.len() > MAX_QUESTIONS {
            return Err(Inconsistent("too many lessons or questions"));
        }
        if self.badges.len() > MAX_BADGES {
            return Err(Inconsistent("too many badges"));
        }
        if self.quiz.pass_mark_percent > 100 {
            return Err(Inconsistent("pass mark"));
        }
        let points = self.points;
        if points.lesson > MAX_POINTS || points.correct_answer > MAX_POINTS || points.passing > MAX_POINTS {
            return Err(Inconsistent("points"));
        }
        unique(self.lessons.iter().map(|lesson| lesson.id.as_str()))?;
        unique(self.quiz.questions.iter().map(|question| question.id.as_str()))?;
        unique(self.badges.iter().map(|badge| badge.id.as_str()))?;
        for lesson in &self.lessons {
            if lesson.text.is_empty() || lesson.title.is_empty() {
                return Err(Inconsistent("lesson without text"));
            }
            check_media(&lesson.media, &lesson.media_by_language, &media_listed)?;
        }
        for question in &self.quiz.questions {
            if question.prompt.is_empty() {
                return Err(Inconsistent("question without prompt"));
            }
            check_media(&question.media, &question.media_by_language, &media_listed)?;
            check_answer(&question.answer)?;
        }
        if self.badges.iter().any(|badge| badge.title.is_empty()) {
            return Err(Inconsistent("badge without a name"));
        }
        Ok(())
    }

    /// What this version awards.
    pub fn scoring_rules(&self, module_id: &str, version: u64) -> ScoringRules {
        ScoringRules {
            module_id: module_id.to_owned(),
            version,
            lessons: self.lessons.iter().map(|lesson| lesson.id.clone()).collect(),
            questions: self
                .quiz
                .questions
                .iter()
                .map(|question| (question.id.clone(), correct_answer(&question.answer)))
                .collect(),
            pass_mark_percent: self.quiz.pass_mark_percent,
            points_per_lesson: self.points.lesson,
            points_per_correct_answer: self.points.correct_answer,
            points_for_passing: self.points.passing,
            badges: self
                .badges
                .iter()
                .map(|badge| BadgeRule { id: badge.id.clone(), rule: badge.rule.clone() })
                .collect(),
        }
    }
}

fn correct_answer(answer: &AnswerDoc) -> CorrectAnswer {
    match answer {
        AnswerDoc::SingleChoice { correct, .. } => CorrectAnswer::Choice(correct.clone()),
        AnswerDoc::MultipleChoice { correct, .. } => CorrectAnswer::Choices(correct.iter().cloned().collect()),
        AnswerDoc::TrueFalse { correct } => CorrectAnswer::Bool(*correct),
        AnswerDoc::Ordering { correct_order, .. } => CorrectAnswer::Order(correct_order.clone()),
    }
}

fn check_media(
    shared: &[String],
    by_language: &MediaByLanguage,
    media_listed: &impl Fn(&str) -> bool,
) -> Result<(), DocumentError> {
    if by_language.len() > MAX_MEDIA_LANGUAGES || !by_language.keys().all(|tag| is_language_tag(tag)) {
        return Err(DocumentError::Inconsistent("media languages"));
    }
    if !shared.iter().chain(by_language.values().flatten()).all(|reference| media_listed(reference)) {
        return Err(DocumentError::Inconsistent("media reference not in the manifest"));
    }
    Ok(())
}

/// A plausible BCP 47 tag: 1–8 alphanumerics per subtag, hyphenated, at most 35 bytes.
fn is_language_tag(tag: &str) -> bool {
    tag.len() <= 35
        && tag
            .split('-')
            .all(|subtag| (1..=8).contains(&subtag.len()) && subtag.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The per-language media to show for an item, picked like text: the first
/// of `languages` that has a non-empty list (a tag also matches its base
/// language, `zh-CN` → `zh`), then the module's `defaults` in order, then
/// any. Returns the language picked and its list; the item's shared media
/// come after these.
pub fn pick_media<'a>(
    by_language: &'a MediaByLanguage,
    languages: &[String],
    defaults: &[String],
) -> Option<(&'a String, &'a Vec<String>)> {
    let has = |tag: &str| by_language.get_key_value(tag).filter(|(_, media)| !media.is_empty());
    languages
        .iter()
        .find_map(|tag| has(tag).or_else(|| has(tag.split('-').next().unwrap_or(tag))))
        .or_else(|| defaults.iter().find_map(|tag| has(tag)))
        .or_else(|| by_language.iter().find(|(_, media)| !media.is_empty()))
}

fn unique<'a>(ids: impl Iterator<Item = &'a str>) -> Result<(), DocumentError> {
    let mut seen = HashSet::new();
    for id in ids {
        if id.is_empty() || id.len() > crate::progress::MAX_EVENT_ID_LEN || !seen.insert(id) {
            return Err(DocumentError::Inconsistent("empty, long or repeated id"));
        }
    }
    Ok(())
}

fn check_answer(answer: &AnswerDoc) -> Result<(), DocumentError> {
    let option_ids = |options: &[OptionDoc]| -> Result<BTreeSet<String>, DocumentError> {
        if options.len() < 2 || options.len() > MAX_OPTIONS {
            return Err(DocumentError::Inconsistent("number of options"));
        }
        unique(options.iter().map(|option| option.id.as_str()))?;
        if options.iter().any(|option| option.text.is_empty()) {
            return Err(DocumentError::Inconsistent("option without text"));
        }
        Ok(options.iter().map(|option| option.id.clone()).collect())
    };
    let ok = match answer {
        AnswerDoc::SingleChoice { options, correct } => option_ids(options)?.contains(correct),
        AnswerDoc::MultipleChoice { options, correct } => {
            let ids = option_ids(options)?;
            let chosen: BTreeSet<&String> = correct.iter().collect();
            !correct.is_empty() && chosen.len() == correct.len() && correct.iter().all(|id| ids.contains(id))
        }
        AnswerDoc::TrueFalse { .. } => true,
        AnswerDoc::Ordering { items, correct_order } => {
            let ids = option_ids(items)?;
            let ordered: BTreeSet<String> = correct_order.iter().cloned().collect();
            correct_order.len() == ids.len() && ordered == ids
        }
    };
    if ok { Ok(()) } else { Err(DocumentError::Inconsistent("answer does not match the options")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::{AnswerGiven, EventKind, ProgressEvent, earned};

    fn document(answer: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "lessons": [{"id": "l1", "title": {"en": "Exits"}, "text": {"en": "Know them."}, "media": ["sha256:aa"]}],
            "quiz": {"pass_mark_percent": 50, "questions": [
                {"id": "q1", "prompt": {"en": "Which?"}, "answer": answer},
                {"id": "q2", "prompt": {"en": "True?"}, "answer": {"type": "true_false", "correct": true}}
            ]},
            "points": {"lesson": 7, "correct_answer": 3, "passing": 11},
            "badges": [{"id": "b1", "title": {"en": "Safe"}, "rule": {"type": "module_passed"}}]
        }))
        .unwrap()
    }

    fn single(correct: &str) -> serde_json::Value {
        serde_json::json!({"type": "single_choice",
            "options": [{"id": "a", "text": {"en": "A"}}, {"id": "b", "text": {"en": "B"}}], "correct": correct})
    }

    fn refs(list: &[&str]) -> Vec<String> {
        list.iter().map(|reference| (*reference).to_owned()).collect()
    }

    #[test]
    fn media_fall_back_from_the_workers_language_to_the_modules_then_to_any() {
        let by_language: MediaByLanguage = [
            ("en".to_owned(), refs(&["sha256:en-audio"])),
            ("zh".to_owned(), refs(&["sha256:zh-audio"])),
            ("vi".to_owned(), Vec::new()),
        ]
        .into();
        let defaults = refs(&["en", "vi"]);
        let pick = |by_language: &MediaByLanguage, languages: &[&str]| {
            pick_media(by_language, &refs(languages), &defaults).map(|(tag, media)| (tag.clone(), media.clone()))
        };
        assert_eq!(pick(&by_language, &["zh-CN"]), Some(("zh".into(), refs(&["sha256:zh-audio"]))), "base language");
        assert_eq!(pick(&by_language, &["vi"]), Some(("en".into(), refs(&["sha256:en-audio"]))), "empty: default");
        let none_in_defaults: MediaByLanguage = [("zh".to_owned(), refs(&["sha256:zh-audio"]))].into();
        assert_eq!(pick(&none_in_defaults, &["vi"]), Some(("zh".into(), refs(&["sha256:zh-audio"]))), "any language");
        assert_eq!(pick(&MediaByLanguage::new(), &["vi"]), None);
    }

    #[test]
    fn per_language_media_must_be_listed_and_named_by_a_language_tag() {
        let with = |by_language: serde_json::Value| {
            let mut document: serde_json::Value = serde_json::from_slice(&document(single("a"))).unwrap();
            document["lessons"][0]["media_by_language"] = by_language;
            ModuleDocument::parse(&serde_json::to_vec(&document).unwrap(), |reference| reference == "sha256:aa")
        };
        assert!(with(serde_json::json!({"vi": ["sha256:aa"]})).is_ok());
        assert!(with(serde_json::json!({"vi": ["sha256:bb"]})).is_err(), "not in the manifest");
        assert!(with(serde_json::json!({"vi vn": ["sha256:aa"]})).is_err(), "not a language tag");
        let old = ModuleDocument::parse(&document(single("a")), |reference| reference == "sha256:aa").unwrap();
        assert!(old.lessons[0].media_by_language.is_empty(), "documents without the map still parse");
        assert!(!String::from_utf8(serde_json::to_vec(&old).unwrap()).unwrap().contains("media_by_language"));
    }

    #[test]
    fn a_document_gives_the_rules_both_sides_score_with() {
        let document = ModuleDocument::parse(&document(single("b")), |reference| reference == "sha256:aa").unwrap();
        let rules = document.scoring_rules("fire", 3);
        assert_eq!((rules.points_per_lesson, rules.points_per_correct_answer, rules.points_for_passing), (7, 3, 11));
        let attempt = ProgressEvent {
            id: "e1".into(),
            module_id: "fire".into(),
            module_version: 3,
            at: 0,
            kind: EventKind::QuizAttempt {
                answers: [("q1".into(), AnswerGiven::Choice("b".into())), ("q2".into(), AnswerGiven::Bool(false))]
                    .into(),
            },
        };
        let points: u32 = earned(&attempt, &rules).activities.values().sum();
        assert_eq!(points, 3 + 11, "one right answer of two passes a 50 % mark");
    }

    #[test]
    fn inconsistent_documents_are_refused() {
        let listed = |reference: &str| reference == "sha256:aa";
        assert!(matches!(ModuleDocument::parse(&document(single("z")), listed), Err(DocumentError::Inconsistent(_))));
        assert!(matches!(
            ModuleDocument::parse(&document(single("a")), |_| false),
            Err(DocumentError::Inconsistent(_))
        ));
        assert_eq!(ModuleDocument::parse(b"{\"lessons\": 5}", listed), Err(DocumentError::Malformed));
        let mut too_rich: serde_json::Value = serde_json::from_slice(&document(single("a"))).unwrap();
        too_rich["points"]["passing"] = serde_json::json!(MAX_POINTS + 1);
        let bytes = serde_json::to_vec(&too_rich).unwrap();
        assert!(matches!(ModuleDocument::parse(&bytes, listed), Err(DocumentError::Inconsistent("points"))));
    }
}
