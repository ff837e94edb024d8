//! Answering surveys on [`WorkerVoiceApp`]: a definition held through the
//! content channel, ready to render in the worker's language, and the
//! answers so far checked (skip logic, validation, localized messages);
//! the surveys open to the worker, and submitting answers anonymously with
//! the worker's one token per survey.

use workervoice_core::app::{OpenSurveyView, SurveyAnswerEntry, SurveyCheck, SurveySubmitted, SurveyView};

use crate::app::WorkerVoiceApp;
use crate::error::WorkerVoiceError;

#[uniffi::export]
impl WorkerVoiceApp {
    /// A survey on the device, verified, texts in the current language
    /// (falling back, never blank).
    pub fn load_survey(&self, id: String) -> Result<SurveyView, WorkerVoiceError> {
        self.core().load_survey(&id).map_err(|e| self.error(e))
    }

    /// Which questions are shown for these answers, and every problem with
    /// a message in the current language (none: ready to submit).
    pub fn check_survey(&self, id: String, answers: Vec<SurveyAnswerEntry>) -> Result<SurveyCheck, WorkerVoiceError> {
        self.core().check_survey(&id, answers).map_err(|e| self.error(e))
    }

    /// The surveys open to the signed-in worker now (asks the hub), fetching
    /// the worker's one token for each one not answered yet, so it can then
    /// be answered and submitted offline.
    pub async fn open_surveys(&self) -> Result<Vec<OpenSurveyView>, WorkerVoiceError> {
        self.core().open_surveys().await.map_err(|e| self.error(e))
    }

    /// Seals the answers to the survey's analysts with the worker's token
    /// and queues them (sent anonymously after a random delay). A case rule
    /// that matches also files an anonymous report; its receipt is returned.
    pub fn submit_survey(
        &self,
        id: String,
        answers: Vec<SurveyAnswerEntry>,
    ) -> Result<SurveySubmitted, WorkerVoiceError> {
        self.core().submit_survey(&id, answers).map_err(|e| self.error(e))
    }

    /// The longest random delay before a response is first sent (default
    /// six hours; 0 sends at the next sync, for pilots and tests).
    pub fn set_survey_send_delay(&self, max_secs: u32) {
        self.core().set_survey_send_delay(max_secs);
    }
}
