//! # Worker Voice native library
//!
//! The one library the Android and iOS apps load (`libworkervoice`). It exports
//! the core through uniffi proc-macros; Kotlin and Swift are generated from it
//! (`scripts/gen-bindings`). This crate adds no logic: it wraps the core's
//! stateful service in [`WorkerVoiceApp`], adapts the platform's foreign traits
//! ([`PlatformKeyStore`], [`WorkerVoiceListener`]) to the core's, and maps
//! core errors once, at this edge, to [`WorkerVoiceError`] — typed, with a
//! stable code and a message localized for whoever is using the device.
//!
//! Local calls block briefly; network calls are `async` (Kotlin `suspend`,
//! Swift `async`), run on the core's own runtime, and are cancelled with the
//! calling coroutine or task. Every method is safe to call from any thread.

mod app;
mod app_strings;
mod capture;
mod content;
mod error;
mod platform;
mod surveys;
mod training;

pub use app::{AppOptions, WorkerVoiceApp};
pub use app_strings::{AppStrings, StringArg, StringsResource};
pub use capture::{CapturePolicy, PhotoSource};
pub use error::WorkerVoiceError;
pub use platform::{
    ClockSource, ConnectivityMonitor, PlatformKeyStore, PlatformKeyStoreError, WorkerVoiceListener, new_always_online,
    new_file_key_store, new_memory_key_store,
};
pub use workervoice_core::app::{
    ActivityOutcome, CategoryOption, ContentEntry, ContentSyncReport, DeviceHealth, OpenSurveyState, OpenSurveyView,
    OutboxSummary, QuizAnswerInput, QuizResponse, RouteReaders, SubmissionStatus, SubmitOutcome, SurveySubmitted,
    TrainingProgress,
};
pub use workervoice_core::grievance::receipt::Receipt;
pub use workervoice_core::grievance::{
    AttachmentDraft, AttachmentLimits, AttachmentType, CallbackRequest, GrievanceDraft, GrievanceRoute,
};
pub use workervoice_core::grievance::{CaseMessage, CaseState, CaseSummary, CaseThread, MessageAuthor};
pub use workervoice_core::kiosk::drafts::DraftAttachment;
pub use workervoice_core::store::outbox::OutboxState;
pub use workervoice_core::sync::SyncReport;
pub use workervoice_core::training::{
    BadgeInfo, Lesson, LocalizedLesson, LocalizedModule, LocalizedQuestion, LocalizedText, QuizAnswer, QuizKind,
    QuizOption, QuizQuestion, TrainingModule,
};
pub use workervoice_core::{DeviceMode, DeviceStatus, ErrorCode, Event, Note, WeakPinReason, WorkerProfile};

uniffi::setup_scaffolding!("workervoice");

/// The version of the core this library was built from.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// What one report may carry in photos and voice notes: show it where the
/// worker attaches (e.g. "up to 3 files, 8 MB together").
#[uniffi::export]
pub fn attachment_limits() -> AttachmentLimits {
    workervoice_core::grievance::attachment_limits()
}

/// The languages the core has messages in (BCP 47 tags).
#[uniffi::export]
pub fn available_languages() -> Vec<String> {
    workervoice_core::i18n::available_languages()
}

/// Checks a PIN the worker is choosing, as they type; `None` when acceptable.
#[uniffi::export]
pub fn check_new_pin(pin: String) -> Option<WeakPinReason> {
    workervoice_core::auth::check_new_pin(&pin).err()
}

/// The reason a PIN is weak, in the given languages (most preferred first).
#[uniffi::export]
pub fn weak_pin_message(reason: WeakPinReason, languages: Vec<String>) -> String {
    workervoice_core::Error::WeakPin(reason).localized(&workervoice_core::i18n::Languages::negotiate(&languages))
}
