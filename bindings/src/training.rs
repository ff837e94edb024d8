//! Taking training on [`WorkerVoiceApp`]: lessons and quizzes of the
//! modules on the device, and the worker's points, level, badges and streaks
//! (derived from a log merged across the worker's devices at each sync).

use workervoice_core::app::{ActivityOutcome, QuizAnswerInput, TrainingProgress};

use crate::app::WorkerVoiceApp;
use crate::error::WorkerVoiceError;

#[uniffi::export]
impl WorkerVoiceApp {
    /// Records that the signed-in worker finished a lesson of a module on
    /// the device. Doing it again earns nothing more.
    pub fn complete_lesson(&self, module_id: String, lesson_id: String) -> Result<ActivityOutcome, WorkerVoiceError> {
        self.core().complete_lesson(&module_id, &lesson_id).map_err(|e| self.error(e))
    }

    /// Grades and records a quiz attempt; every question must be answered
    /// (`invalid_input` otherwise, and nothing is recorded).
    pub fn submit_quiz(
        &self,
        module_id: String,
        answers: Vec<QuizAnswerInput>,
    ) -> Result<ActivityOutcome, WorkerVoiceError> {
        self.core().submit_quiz(&module_id, answers).map_err(|e| self.error(e))
    }

    /// The signed-in worker's points, level, badges and streaks.
    pub fn training_progress(&self) -> Result<TrainingProgress, WorkerVoiceError> {
        self.core().training_progress().map_err(|e| self.error(e))
    }
}
