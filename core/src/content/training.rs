//! The typed shape of a training module's body document, for the app to
//! render. Only the shape and its consistency are checked here; lessons,
//! quizzes, points and progress are the training domain's business.
//!
//! The document, as published (media are `"sha256:<hex>"` references that
//! the manifest lists):
//!
//! ```json
//! {
//!   "lessons": [{"id": "exits", "title": {"en": "Exits"}, "text": {"en": "…"},
//!                "media": ["sha256:…"]}],
//!   "quiz": {"pass_mark_percent": 80, "questions": [
//!     {"id": "q1", "prompt": {"en": "…"}, "media": [],
//!      "answer": {"type": "single_choice", "options": [{"id": "a", "text": {"en": "…"}}], "correct": "a"}}
//!   ]}
//! }
//! ```
//!
//! Per-language text is a map from BCP 47 tag to text; the app picks the
//! worker's language with a fallback to the module's first language.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use workervoice_protocol::content::{MEDIA_REF_PREFIX, Manifest, is_sha256_hex};

use super::ContentError;

/// Most lessons in a module.
const MAX_LESSONS: usize = 200;
/// Most questions in a quiz.
const MAX_QUESTIONS: usize = 200;
/// Most options in a question.
const MAX_OPTIONS: usize = 20;

/// A verified training module, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TrainingModule {
    /// The module's id.
    pub id: String,
    /// Its version.
    pub version: u64,
    /// Its languages, the first being its default.
    pub languages: Vec<String>,
    /// Title per language.
    pub title: HashMap<String, String>,
    /// The lessons, in order.
    pub lessons: Vec<Lesson>,
    /// Percentage of right answers needed to pass the quiz (0–100).
    pub pass_mark_percent: u8,
    /// The quiz questions, in order.
    pub questions: Vec<QuizQuestion>,
}

/// One lesson.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Lesson {
    /// Stable id within the module.
    pub id: String,
    /// Title per language.
    pub title: HashMap<String, String>,
    /// Text per language.
    pub text: HashMap<String, String>,
    /// Media shown with the lesson: SHA-256 (hex) of blobs the manifest lists.
    #[serde(default)]
    pub media: Vec<String>,
}

/// One quiz question.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QuizQuestion {
    /// Stable id within the module.
    pub id: String,
    /// The question per language.
    pub prompt: HashMap<String, String>,
    /// Media shown with the question (SHA-256 hex), e.g. an audio prompt.
    #[serde(default)]
    pub media: Vec<String>,
    /// How it is answered, with the right answer.
    pub answer: QuizAnswer,
}

/// An option of a choice or ordering question.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QuizOption {
    /// Stable id within the question.
    pub id: String,
    /// Text per language.
    pub text: HashMap<String, String>,
}

/// The kinds of question and their right answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum QuizAnswer {
    /// One option is right.
    SingleChoice {
        /// The options.
        options: Vec<QuizOption>,
        /// The right option's id.
        correct: String,
    },
    /// Every option in `correct` and no other must be chosen.
    MultipleChoice {
        /// The options.
        options: Vec<QuizOption>,
        /// The right options' ids.
        correct: Vec<String>,
    },
    /// A statement that is true or false.
    TrueFalse {
        /// Whether it is true.
        correct: bool,
    },
    /// Put the items in the right order.
    Ordering {
        /// The items, in the order shown.
        items: Vec<QuizOption>,
        /// Item ids in the right order.
        correct_order: Vec<String>,
    },
}

#[derive(Deserialize)]
struct Document {
    lessons: Vec<Lesson>,
    quiz: QuizDocument,
}

#[derive(Deserialize)]
struct QuizDocument {
    pass_mark_percent: u8,
    questions: Vec<QuizQuestion>,
}

/// Parses a verified body document and checks it is consistent: unique
/// ids, answers naming existing options, and every media reference listed
/// in the manifest. Media references come back as bare hex.
pub fn parse(manifest: &Manifest, body: &[u8]) -> Result<TrainingModule, ContentError> {
    let document: Document = serde_json::from_slice(body).map_err(|_| ContentError::Document("does not parse"))?;
    if document.lessons.len() > MAX_LESSONS || document.quiz.questions.len() > MAX_QUESTIONS {
        return Err(ContentError::Document("too many lessons or questions"));
    }
    if document.quiz.pass_mark_percent > 100 {
        return Err(ContentError::Document("pass mark"));
    }
    let mut lessons = document.lessons;
    unique(lessons.iter().map(|lesson| lesson.id.as_str()))?;
    for lesson in &mut lessons {
        if lesson.text.is_empty() || lesson.title.is_empty() {
            return Err(ContentError::Document("lesson without text"));
        }
        lesson.media = media_refs(manifest, &lesson.media)?;
    }
    let mut questions = document.quiz.questions;
    unique(questions.iter().map(|question| question.id.as_str()))?;
    for question in &mut questions {
        if question.prompt.is_empty() {
            return Err(ContentError::Document("question without prompt"));
        }
        question.media = media_refs(manifest, &question.media)?;
        check_answer(&question.answer)?;
    }
    Ok(TrainingModule {
        id: manifest.id.clone(),
        version: manifest.version,
        languages: manifest.languages.clone(),
        title: manifest.titles.clone().into_iter().collect(),
        lessons,
        pass_mark_percent: document.quiz.pass_mark_percent,
        questions,
    })
}

fn unique<'a>(ids: impl Iterator<Item = &'a str>) -> Result<(), ContentError> {
    let mut seen = HashSet::new();
    for id in ids {
        if id.is_empty() || !seen.insert(id) {
            return Err(ContentError::Document("empty or repeated id"));
        }
    }
    Ok(())
}

fn media_refs(manifest: &Manifest, refs: &[String]) -> Result<Vec<String>, ContentError> {
    refs.iter()
        .map(|reference| {
            let sha256 = reference.strip_prefix(MEDIA_REF_PREFIX).filter(|hex| is_sha256_hex(hex));
            match sha256 {
                Some(sha256) if manifest.media_blob(sha256).is_some() => Ok(sha256.to_owned()),
                _ => Err(ContentError::Document("media reference not in the manifest")),
            }
        })
        .collect()
}

fn check_answer(answer: &QuizAnswer) -> Result<(), ContentError> {
    let option_ids = |options: &[QuizOption]| -> Result<HashSet<String>, ContentError> {
        if options.len() < 2 || options.len() > MAX_OPTIONS {
            return Err(ContentError::Document("number of options"));
        }
        unique(options.iter().map(|option| option.id.as_str()))?;
        Ok(options.iter().map(|option| option.id.clone()).collect())
    };
    let ok = match answer {
        QuizAnswer::SingleChoice { options, correct } => option_ids(options)?.contains(correct),
        QuizAnswer::MultipleChoice { options, correct } => {
            let ids = option_ids(options)?;
            let chosen: HashSet<&String> = correct.iter().collect();
            !correct.is_empty() && chosen.len() == correct.len() && correct.iter().all(|id| ids.contains(id))
        }
        QuizAnswer::TrueFalse { .. } => true,
        QuizAnswer::Ordering { items, correct_order } => {
            let ids = option_ids(items)?;
            let ordered: HashSet<String> = correct_order.iter().cloned().collect();
            correct_order.len() == ids.len() && ordered == ids
        }
    };
    if ok { Ok(()) } else { Err(ContentError::Document("answer does not match the options")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use workervoice_protocol::content::{BlobRef, ContentKind, sha256_hex};

    fn manifest() -> Manifest {
        Manifest {
            programme_id: "wvp-0".into(),
            kind: ContentKind::TrainingModule,
            id: "fire-safety".into(),
            version: 2,
            languages: vec!["en".into()],
            titles: BTreeMap::from([("en".into(), "Fire safety".into())]),
            body: BlobRef { sha256: sha256_hex(b"body"), size: 4, media_type: "application/json".into() },
            media: vec![BlobRef { sha256: sha256_hex(b"png"), size: 3, media_type: "image/png".into() }],
            published_at: 0,
        }
    }

    fn document(media: &str, answer: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "lessons": [{"id": "l1", "title": {"en": "Exits"}, "text": {"en": "Know them."}, "media": [media]}],
            "quiz": {"pass_mark_percent": 80, "questions": [
                {"id": "q1", "prompt": {"en": "Which?"}, "answer": answer},
                {"id": "q2", "prompt": {"en": "True?"}, "answer": {"type": "true_false", "correct": true}},
                {"id": "q3", "prompt": {"en": "Order"}, "answer": {"type": "ordering",
                    "items": [{"id": "x", "text": {"en": "X"}}, {"id": "y", "text": {"en": "Y"}}],
                    "correct_order": ["y", "x"]}},
                {"id": "q4", "prompt": {"en": "Several"}, "answer": {"type": "multiple_choice",
                    "options": [{"id": "a", "text": {"en": "A"}}, {"id": "b", "text": {"en": "B"}}],
                    "correct": ["a", "b"]}}
            ]}
        }))
        .unwrap()
    }

    fn single(correct: &str) -> serde_json::Value {
        serde_json::json!({"type": "single_choice",
            "options": [{"id": "a", "text": {"en": "A"}}, {"id": "b", "text": {"en": "B"}}], "correct": correct})
    }

    #[test]
    fn a_consistent_module_parses_with_bare_media_hashes() {
        let media = format!("sha256:{}", sha256_hex(b"png"));
        let module = parse(&manifest(), &document(&media, single("a"))).unwrap();
        assert_eq!(module.lessons[0].media, vec![sha256_hex(b"png")]);
        assert_eq!(module.questions.len(), 4);
        assert_eq!(module.pass_mark_percent, 80);
        assert_eq!(module.title["en"], "Fire safety");
    }

    #[test]
    fn media_not_in_the_manifest_or_answers_not_among_the_options_are_refused() {
        let listed = format!("sha256:{}", sha256_hex(b"png"));
        let unlisted = format!("sha256:{}", sha256_hex(b"other"));
        assert!(matches!(parse(&manifest(), &document(&unlisted, single("a"))), Err(ContentError::Document(_))));
        assert!(matches!(parse(&manifest(), &document("file:a.png", single("a"))), Err(ContentError::Document(_))));
        assert!(matches!(parse(&manifest(), &document(&listed, single("z"))), Err(ContentError::Document(_))));
        assert!(matches!(parse(&manifest(), b"{\"lessons\": 5}"), Err(ContentError::Document(_))));
    }
}
