//! Grievances: what a worker reports, sealed on the device so that only the
//! case handlers of the routes the worker chose can read it.
//!
//! Sealing ([`seal`]) draws a one-time content key, seals the report under it,
//! wraps it with HPKE to every handler of every allowed route (from the
//! verified directory), and drops it: after sealing, the device holds no key
//! that opens the report. The receipt ([`receipt`]) lets the worker follow up
//! anonymously from any device. The worker's own copy of each case — its
//! state, the thread with the handlers, sealed under their vault key — is
//! [`cases`].

pub mod cases;
pub mod receipt;
mod seal;

pub use cases::{CaseMessage, CaseState, CaseSummary, CaseThread, MessageAuthor, apply_updates, decrypt_thread};
pub(crate) use cases::{new_stored_case, open_case_row, seal_case_for, stored_thread};
pub use seal::{SealedSubmission, seal};

use workervoice_protocol::directory::Route;
use workervoice_protocol::envelope::AttachmentKind;

/// Where a grievance may go (mirrors the wire type, with uniffi support).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum GrievanceRoute {
    /// The factory's worker–management committee.
    FactoryCommittee,
    /// The programme's independent hotline.
    IndependentHotline,
    /// The brand.
    Brand,
}

impl From<GrievanceRoute> for Route {
    fn from(route: GrievanceRoute) -> Self {
        match route {
            GrievanceRoute::FactoryCommittee => Route::FactoryCommittee,
            GrievanceRoute::IndependentHotline => Route::IndependentHotline,
            GrievanceRoute::Brand => Route::Brand,
        }
    }
}

/// Photo or voice note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum AttachmentType {
    /// A photo.
    Photo,
    /// A voice note.
    Voice,
}

impl From<AttachmentType> for AttachmentKind {
    fn from(kind: AttachmentType) -> Self {
        match kind {
            AttachmentType::Photo => AttachmentKind::Photo,
            AttachmentType::Voice => AttachmentKind::Voice,
        }
    }
}

/// A photo or voice note to attach.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AttachmentDraft {
    /// Photo or voice note.
    pub kind: AttachmentType,
    /// MIME type (`image/jpeg`, `audio/ogg`, …).
    pub mime: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A request to be called back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CallbackRequest {
    /// Phone number.
    pub phone: String,
    /// When to call, in the worker's words.
    pub preferred_time: String,
    /// Language to call in (BCP 47).
    pub language: String,
}

/// A report as the worker composed it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GrievanceDraft {
    /// Category id from the directory.
    pub category_id: String,
    /// The worker's words.
    pub text: String,
    /// Anonymous: no name inside the report, and on shared devices nothing kept.
    pub anonymous: bool,
    /// Routes allowed, first to handle first; later ones only on escalation.
    pub routes: Vec<GrievanceRoute>,
    /// An optional call-back request.
    pub callback: Option<CallbackRequest>,
    /// Optional photo or voice notes.
    pub attachments: Vec<AttachmentDraft>,
}

/// Largest report text, in bytes of UTF-8.
pub const MAX_TEXT_BYTES: usize = 32 * 1024;
