//! Taking training on [`WorkerVoiceApp`]: lessons and quizzes of the
//! modules on the device, and the worker's points, level, badges and streaks
//! (derived from a log merged across the worker's devices at each sync).

use workervoice_core::app::{ActivityOutcome, CertificateView, Leaderboard, QuizAnswerInput, TrainingProgress};

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

    /// Saves the answers given so far in a module's quiz (replacing what
    /// was saved), sealed like a draft, so a kiosk time-out loses none of
    /// them; cleared when the quiz is submitted.
    pub fn save_quiz_answers(&self, module_id: String, answers: Vec<QuizAnswerInput>) -> Result<(), WorkerVoiceError> {
        self.core().save_quiz_answers(&module_id, answers).map_err(|e| self.error(e))
    }

    /// The answers the signed-in worker saved so far in a module's quiz
    /// (empty when none).
    pub fn quiz_in_progress(&self, module_id: String) -> Result<Vec<QuizAnswerInput>, WorkerVoiceError> {
        self.core().quiz_in_progress(&module_id).map_err(|e| self.error(e))
    }

    /// Saves where the worker is in a lesson (a page, a step, seconds into
    /// the audio: the app's own mark); cleared when the lesson is completed.
    pub fn save_lesson_position(
        &self,
        module_id: String,
        lesson_id: String,
        position: u32,
    ) -> Result<(), WorkerVoiceError> {
        self.core().save_lesson_position(&module_id, &lesson_id, position).map_err(|e| self.error(e))
    }

    /// Where the signed-in worker stopped in a lesson, if they saved a place.
    pub fn lesson_position(&self, module_id: String, lesson_id: String) -> Result<Option<u32>, WorkerVoiceError> {
        self.core().lesson_position(&module_id, &lesson_id).map_err(|e| self.error(e))
    }

    /// The signed-in worker's points, level, badges and streaks.
    pub fn training_progress(&self) -> Result<TrainingProgress, WorkerVoiceError> {
        self.core().training_progress().map_err(|e| self.error(e))
    }

    /// The signed-in worker's certificates (signed by the programme; they
    /// come with the sync after a quiz is passed).
    pub fn certificates(&self) -> Result<Vec<CertificateView>, WorkerVoiceError> {
        self.core().certificates().map_err(|e| self.error(e))
    }

    /// Checks a certificate someone shows (its bytes and signature, e.g.
    /// from a QR code) against the pinned programme key.
    pub fn verify_certificate(&self, body: Vec<u8>, signature: Vec<u8>) -> Result<CertificateView, WorkerVoiceError> {
        self.core().verify_certificate(body, signature).map_err(|e| self.error(e))
    }

    /// The factory's leaderboard (pseudonyms only, hidden while fewer than
    /// five take part), joining or leaving it first when `opt_in` says so.
    pub async fn leaderboard(&self, opt_in: Option<bool>) -> Result<Leaderboard, WorkerVoiceError> {
        self.core().leaderboard(opt_in).await.map_err(|e| self.error(e))
    }
}
