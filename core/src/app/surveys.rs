//! The app's survey calls: loading a verified definition held through the
//! content channel, ready to render in the worker's language (with a
//! fallback that never shows a blank), and checking answers as the worker
//! goes (see `crate::surveys`).

use workervoice_protocol::content::{ContentKind, MEDIA_REF_PREFIX, is_sha256_hex};
use workervoice_protocol::survey::{QuestionKind, SurveyDefinition, SurveyOption, Texts, pick_text};

use super::WorkerVoice;
use crate::content::ContentError;
use crate::error::Error;
use crate::surveys::answers::{
    ChoiceView, SurveyAnswerEntry, SurveyCheck, SurveyProblem, SurveyQuestionKind, SurveyQuestionView, SurveyView,
    answer_map, problem_code, problem_message,
};

impl WorkerVoice {
    /// A text in the current language (the fallback never shows a blank).
    pub(super) fn pick(&self, texts: &Texts, defaults: &[String]) -> String {
        pick_text(texts, &self.inner.requested_languages(), defaults).to_owned()
    }

    pub(super) fn survey_definition(&self, id: &str) -> Result<(SurveyDefinition, u64), Error> {
        let (manifest, body) = self.inner.content_body(ContentKind::Survey, id)?;
        let listed = |reference: &str| {
            reference
                .strip_prefix(MEDIA_REF_PREFIX)
                .is_some_and(|hex| is_sha256_hex(hex) && manifest.media_blob(hex).is_some())
        };
        let definition = SurveyDefinition::parse(&body, listed).map_err(|_| ContentError::Document("survey"))?;
        Ok((definition, manifest.version))
    }

    /// A survey held on the device, verified, its texts in the current
    /// language (worker's, then device's, then the survey's own, never blank).
    pub fn load_survey(&self, id: &str) -> Result<SurveyView, Error> {
        // A timed-out session's language must not label the next screen.
        self.inner.expire_if_idle();
        let (definition, version) = self.survey_definition(id)?;
        let requested = self.inner.requested_languages();
        let text = |texts: &Texts| pick_text(texts, &requested, &definition.languages).to_owned();
        let choices = |options: &[SurveyOption]| {
            options.iter().map(|option| ChoiceView { id: option.id.clone(), label: text(&option.label) }).collect()
        };
        let questions = definition
            .questions
            .iter()
            .map(|question| SurveyQuestionView {
                id: question.id.clone(),
                label: text(&question.label),
                help: question.help.as_ref().map(&text),
                audio_sha256: question
                    .audio
                    .as_deref()
                    .map(|audio| audio.trim_start_matches(MEDIA_REF_PREFIX).to_owned()),
                required: question.required,
                kind: match &question.kind {
                    QuestionKind::SingleChoice { options } => {
                        SurveyQuestionKind::SingleChoice { options: choices(options) }
                    }
                    QuestionKind::MultipleChoice { options, min_selected, max_selected } => {
                        SurveyQuestionKind::MultipleChoice {
                            options: choices(options),
                            min_selected: *min_selected,
                            max_selected: *max_selected,
                        }
                    }
                    QuestionKind::Rating { min, max, min_label, max_label } => SurveyQuestionKind::Rating {
                        min: *min,
                        max: *max,
                        min_label: min_label.as_ref().map(&text),
                        max_label: max_label.as_ref().map(&text),
                    },
                    QuestionKind::Number { min, max, integer } => {
                        SurveyQuestionKind::Number { min: *min, max: *max, integer: *integer }
                    }
                    QuestionKind::Text { min_length, max_length } => {
                        SurveyQuestionKind::Text { min_length: *min_length, max_length: *max_length }
                    }
                    QuestionKind::YesNo => SurveyQuestionKind::YesNo,
                    QuestionKind::Date { min, max } => SurveyQuestionKind::Date { min: min.clone(), max: max.clone() },
                },
            })
            .collect();
        Ok(SurveyView {
            id: id.to_owned(),
            version,
            title: text(&definition.title),
            intro: definition.intro.as_ref().map(&text),
            questions,
        })
    }

    /// Applies the skip logic and checks the answers so far: which
    /// questions are shown, and every problem with a localized message.
    pub fn check_survey(&self, id: &str, answers: Vec<SurveyAnswerEntry>) -> Result<SurveyCheck, Error> {
        self.inner.expire_if_idle();
        let (definition, _) = self.survey_definition(id)?;
        let answers = answer_map(answers);
        let visible = definition
            .questions
            .iter()
            .zip(definition.visible(&answers))
            .filter(|(_, shown)| *shown)
            .map(|(question, _)| question.id.clone())
            .collect();
        let languages = self.languages();
        let problems = definition
            .validate(&answers)
            .into_iter()
            .map(|(question_id, problem)| SurveyProblem {
                question_id,
                code: problem_code(&problem).to_owned(),
                message: problem_message(&languages, &problem),
            })
            .collect();
        Ok(SurveyCheck { visible, problems })
    }
}
