//! Answering surveys on [`WorkerVoiceApp`]: a definition held through the
//! content channel, ready to render in the worker's language, and the
//! answers so far checked (skip logic, validation, localized messages).

use workervoice_core::app::{SurveyAnswerEntry, SurveyCheck, SurveyView};

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
}
