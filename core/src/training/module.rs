//! The typed shape of a training module's body document, for the app to
//! render. It arrives as a content pack (`crate::content` verifies the
//! manifest and blobs); only the shape and its consistency are checked here.
//! What a worker does with it is the progress log, in `crate::training`.
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
//! Per-language text is a map from BCP 47 tag to text, and media may be
//! given per language too (`media_by_language`) beside those shared by all.
//! [`localize`] picks both for the worker: their language, then the
//! module's languages in order (the first is its default), then any.

use std::collections::HashMap;

use workervoice_protocol::content::{MEDIA_REF_PREFIX, Manifest, is_sha256_hex};
use workervoice_protocol::survey::pick_text;
use workervoice_protocol::training::{
    AnswerDoc, DocumentError, MediaByLanguage, ModuleDocument, OptionDoc, Texts, pick_media,
};

use crate::content::ContentError;

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
    /// Badges the module defines.
    pub badges: Vec<BadgeInfo>,
}

/// One lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Lesson {
    /// Stable id within the module.
    pub id: String,
    /// Title per language.
    pub title: HashMap<String, String>,
    /// Text per language.
    pub text: HashMap<String, String>,
    /// Media shown with the lesson in every language: SHA-256 (hex) of
    /// blobs the manifest lists. Media given per language come only with
    /// [`WorkerVoice::localized_training_module`](crate::app::WorkerVoice::localized_training_module),
    /// picked for the worker.
    pub media: Vec<String>,
}

/// One quiz question.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QuizQuestion {
    /// Stable id within the module.
    pub id: String,
    /// The question per language.
    pub prompt: HashMap<String, String>,
    /// Media shown with the question in every language (SHA-256 hex).
    pub media: Vec<String>,
    /// How it is answered, with the right answer.
    pub answer: QuizAnswer,
}

/// An option of a choice or ordering question.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QuizOption {
    /// Stable id within the question.
    pub id: String,
    /// Text per language.
    pub text: HashMap<String, String>,
}

/// The kinds of question and their right answers.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// A badge a module defines.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BadgeInfo {
    /// Stable id (as in [`crate::app::TrainingProgress::badges`]).
    pub id: String,
    /// Its name per language.
    pub title: HashMap<String, String>,
}

/// A training module in one language chain: every text and media list
/// picked for the worker (the worker's language, then the device's, then
/// the module's languages in order — the first is its default —, then any
/// language the item has), so the app renders it as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LocalizedModule {
    /// The module's id.
    pub id: String,
    /// Its version.
    pub version: u64,
    /// Its title.
    pub title: String,
    /// The lessons, in order.
    pub lessons: Vec<LocalizedLesson>,
    /// Percentage of right answers needed to pass the quiz (0–100).
    pub pass_mark_percent: u8,
    /// The quiz questions, in order.
    pub questions: Vec<LocalizedQuestion>,
    /// Badges the module defines, with their names.
    pub badges: Vec<LocalizedText>,
}

/// One lesson, in the worker's language or its fallback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LocalizedLesson {
    /// Stable id within the module.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its text.
    pub text: String,
    /// Media to show (SHA-256 hex): the picked language's, then those shared by all.
    pub media: Vec<String>,
}

/// One quiz question, in the worker's language or its fallback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LocalizedQuestion {
    /// Stable id within the module.
    pub id: String,
    /// The question.
    pub prompt: String,
    /// Media to show (SHA-256 hex): the picked language's, then those shared by all.
    pub media: Vec<String>,
    /// How it is answered.
    pub kind: QuizKind,
    /// The options (choice questions) or the items to order, as shown;
    /// empty for true or false.
    pub options: Vec<LocalizedText>,
}

/// How a quiz question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum QuizKind {
    /// One option.
    SingleChoice,
    /// Every right option and no other.
    MultipleChoice,
    /// True or false.
    TrueFalse,
    /// The items in the right order.
    Ordering,
}

/// Something with a stable id and its text in one language: an option, an
/// item to order, a badge.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LocalizedText {
    /// Stable id.
    pub id: String,
    /// Its text.
    pub text: String,
}

/// The checked document of a module in the language chain `languages`
/// (most preferred first); the module's own languages are the fallback,
/// then any language an item has. Answers are left out: the core grades.
pub fn localize(manifest: &Manifest, document: ModuleDocument, languages: &[String]) -> LocalizedModule {
    let defaults = &manifest.languages;
    let text = |texts: &Texts| pick_text(texts, languages, defaults).to_owned();
    let media = |shared: &[String], by_language: &MediaByLanguage| {
        let picked = pick_media(by_language, languages, defaults);
        let mut media: Vec<String> = Vec::new();
        for reference in picked.into_iter().flat_map(|(_, media)| media).chain(shared) {
            let hex = reference.trim_start_matches(MEDIA_REF_PREFIX);
            if !media.iter().any(|held| held == hex) {
                media.push(hex.to_owned());
            }
        }
        media
    };
    let options = |options: &[OptionDoc]| {
        options.iter().map(|option| LocalizedText { id: option.id.clone(), text: text(&option.text) }).collect()
    };
    let lessons = document
        .lessons
        .iter()
        .map(|lesson| LocalizedLesson {
            id: lesson.id.clone(),
            title: text(&lesson.title),
            text: text(&lesson.text),
            media: media(&lesson.media, &lesson.media_by_language),
        })
        .collect();
    let questions = document
        .quiz
        .questions
        .iter()
        .map(|question| LocalizedQuestion {
            id: question.id.clone(),
            prompt: text(&question.prompt),
            media: media(&question.media, &question.media_by_language),
            kind: match question.answer {
                AnswerDoc::SingleChoice { .. } => QuizKind::SingleChoice,
                AnswerDoc::MultipleChoice { .. } => QuizKind::MultipleChoice,
                AnswerDoc::TrueFalse { .. } => QuizKind::TrueFalse,
                AnswerDoc::Ordering { .. } => QuizKind::Ordering,
            },
            options: match &question.answer {
                AnswerDoc::SingleChoice { options: list, .. }
                | AnswerDoc::MultipleChoice { options: list, .. }
                | AnswerDoc::Ordering { items: list, .. } => options(list),
                AnswerDoc::TrueFalse { .. } => Vec::new(),
            },
        })
        .collect();
    LocalizedModule {
        id: manifest.id.clone(),
        version: manifest.version,
        title: text(&manifest.titles),
        lessons,
        pass_mark_percent: document.quiz.pass_mark_percent,
        questions,
        badges: document
            .badges
            .iter()
            .map(|badge| LocalizedText { id: badge.id.clone(), text: text(&badge.title) })
            .collect(),
    }
}

fn texts(texts: workervoice_protocol::training::Texts) -> HashMap<String, String> {
    texts.into_iter().collect()
}

fn option(option: OptionDoc) -> QuizOption {
    QuizOption { id: option.id, text: texts(option.text) }
}

fn bare_media(refs: Vec<String>) -> Vec<String> {
    refs.into_iter().map(|reference| reference.trim_start_matches(MEDIA_REF_PREFIX).to_owned()).collect()
}

/// Parses a verified body document and checks it is consistent (see
/// [`ModuleDocument::parse`]): unique ids, answers naming existing options,
/// every media reference listed in the manifest. Media references come back
/// as bare hex.
pub fn parse(manifest: &Manifest, body: &[u8]) -> Result<TrainingModule, ContentError> {
    let document = document(manifest, body)?;
    let lessons = document
        .lessons
        .into_iter()
        .map(|lesson| Lesson {
            id: lesson.id,
            title: texts(lesson.title),
            text: texts(lesson.text),
            media: bare_media(lesson.media),
        })
        .collect();
    let questions = document
        .quiz
        .questions
        .into_iter()
        .map(|question| QuizQuestion {
            id: question.id,
            prompt: texts(question.prompt),
            media: bare_media(question.media),
            answer: match question.answer {
                AnswerDoc::SingleChoice { options, correct } => {
                    QuizAnswer::SingleChoice { options: options.into_iter().map(option).collect(), correct }
                }
                AnswerDoc::MultipleChoice { options, correct } => {
                    QuizAnswer::MultipleChoice { options: options.into_iter().map(option).collect(), correct }
                }
                AnswerDoc::TrueFalse { correct } => QuizAnswer::TrueFalse { correct },
                AnswerDoc::Ordering { items, correct_order } => {
                    QuizAnswer::Ordering { items: items.into_iter().map(option).collect(), correct_order }
                }
            },
        })
        .collect();
    Ok(TrainingModule {
        id: manifest.id.clone(),
        version: manifest.version,
        languages: manifest.languages.clone(),
        title: manifest.titles.clone().into_iter().collect(),
        lessons,
        pass_mark_percent: document.quiz.pass_mark_percent,
        questions,
        badges: document
            .badges
            .into_iter()
            .map(|badge| BadgeInfo { id: badge.id, title: texts(badge.title) })
            .collect(),
    })
}

/// The checked document of a verified manifest's body (what scoring reads).
pub fn document(manifest: &Manifest, body: &[u8]) -> Result<ModuleDocument, ContentError> {
    let listed = |reference: &str| {
        reference
            .strip_prefix(MEDIA_REF_PREFIX)
            .is_some_and(|hex| is_sha256_hex(hex) && manifest.media_blob(hex).is_some())
    };
    ModuleDocument::parse(body, listed).map_err(|error| match error {
        DocumentError::Malformed => ContentError::Document("does not parse"),
        DocumentError::Inconsistent(what) => ContentError::Document(what),
    })
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
    fn the_localized_view_falls_back_from_the_workers_language_to_the_modules_then_to_any() {
        let mut manifest = manifest();
        manifest.languages = vec!["en".into(), "vi".into()];
        manifest.media.push(BlobRef { sha256: sha256_hex(b"vi"), size: 2, media_type: "audio/mpeg".into() });
        manifest.media.push(BlobRef { sha256: sha256_hex(b"zh"), size: 2, media_type: "audio/mpeg".into() });
        let reference = |bytes: &[u8]| format!("sha256:{}", sha256_hex(bytes));
        let body = serde_json::to_vec(&serde_json::json!({
            "lessons": [
                {"id": "l1", "title": {"en": "Exits", "vi": "Lối thoát"}, "text": {"en": "Go.", "vi": "Đi."},
                 "media": [reference(b"png")], "media_by_language": {"vi": [reference(b"vi")]}},
                {"id": "l2", "title": {"en": "Alarm"}, "text": {"en": "Walk."},
                 "media_by_language": {"zh-CN": [reference(b"zh")]}}
            ],
            "quiz": {"pass_mark_percent": 50, "questions": [
                {"id": "q1", "prompt": {"en": "Which?", "vi": "Cái nào?"}, "answer": {"type": "single_choice",
                    "options": [{"id": "a", "text": {"en": "Stairs", "vi": "Cầu thang"}}, {"id": "b", "text": {"en": "Lift"}}],
                    "correct": "a"}}
            ]},
            "badges": [{"id": "b", "title": {"vi": "An toàn"}, "rule": {"type": "module_passed"}}]
        }))
        .unwrap();
        let document = super::document(&manifest, &body).unwrap();
        let in_vi = localize(&manifest, document.clone(), &["vi".into()]);
        assert_eq!((in_vi.lessons[0].title.as_str(), in_vi.lessons[0].text.as_str()), ("Lối thoát", "Đi."));
        assert_eq!(in_vi.lessons[0].media, vec![sha256_hex(b"vi"), sha256_hex(b"png")], "own language, then shared");
        assert_eq!(in_vi.lessons[1].text, "Walk.", "no Vietnamese: the module's default");
        assert_eq!(in_vi.lessons[1].media, vec![sha256_hex(b"zh")], "no vi or en media: any language");
        let question = &in_vi.questions[0];
        assert_eq!(question.kind, QuizKind::SingleChoice);
        assert_eq!((question.options[0].text.as_str(), question.options[1].text.as_str()), ("Cầu thang", "Lift"));

        let in_zh = localize(&manifest, document, &["zh-CN".into()]);
        assert_eq!(in_zh.title, "Fire safety", "the default language's title");
        assert_eq!(in_zh.lessons[0].media, vec![sha256_hex(b"vi"), sha256_hex(b"png")], "the module's next language");
        assert_eq!(in_zh.lessons[1].media, vec![sha256_hex(b"zh")]);
        assert_eq!(in_zh.badges[0].text, "An toàn", "any language rather than a blank");
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
