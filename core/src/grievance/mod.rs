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

#[cfg(any(test, feature = "test-hooks"))]
pub use cases::keep_case_for_tests;
pub use cases::{
    CaseMessage, CaseState, CaseSummary, CaseThread, MessageAuthor, apply_updates, decrypt_thread, stored_cursor,
    stored_events,
};
pub(crate) use cases::{CaseRecord, convert_legacy, list_cases, load_case, new_stored_case, put_case, stored_thread};
pub use seal::{SealedSubmission, seal};

use workervoice_protocol::directory::Route;
use workervoice_protocol::envelope::AttachmentKind;
use workervoice_protocol::grievance::{MAX_REPORT_ATTACHMENT_BYTES, MAX_REPORT_ATTACHMENTS};

use crate::error::{Error, ErrorCode};

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

/// What one report may carry in photos and voice notes, for the app to tell
/// the worker before they attach (the same limits the hub applies, ADR 0014).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AttachmentLimits {
    /// Most attachments per report.
    pub max_count: u32,
    /// Most bytes all of a report's attachments may have together, as
    /// attached (before sealing).
    pub max_total_bytes: u64,
}

/// The attachment limits of a report.
pub fn attachment_limits() -> AttachmentLimits {
    AttachmentLimits { max_count: MAX_REPORT_ATTACHMENTS as u32, max_total_bytes: MAX_REPORT_ATTACHMENT_BYTES }
}

/// Checks a report's attachments by their sizes in bytes, as the worker
/// attaches them (call it with the ones already attached plus the new one)
/// and again when the report is sealed: more than
/// [`AttachmentLimits::max_count`] is [`ErrorCode::TooManyAttachments`],
/// more than [`AttachmentLimits::max_total_bytes`] together is
/// [`ErrorCode::AttachmentsTooLarge`], an empty one is
/// [`ErrorCode::InvalidInput`] (the hub refuses it for good).
pub fn check_attachment_sizes(sizes: &[u64]) -> Result<(), Error> {
    if sizes.len() > MAX_REPORT_ATTACHMENTS {
        return Err(ErrorCode::TooManyAttachments.into());
    }
    if sizes.contains(&0) {
        return Err(ErrorCode::InvalidInput.into());
    }
    let total = sizes.iter().fold(0u64, |sum, size| sum.saturating_add(*size));
    if total > MAX_REPORT_ATTACHMENT_BYTES {
        return Err(ErrorCode::AttachmentsTooLarge.into());
    }
    Ok(())
}

#[cfg(test)]
mod attachment_limit_tests {
    use super::*;

    #[test]
    fn three_attachments_filling_the_report_cap_are_allowed() {
        let third = MAX_REPORT_ATTACHMENT_BYTES / 3;
        let sizes = [third, third, MAX_REPORT_ATTACHMENT_BYTES - 2 * third];
        assert_eq!(check_attachment_sizes(&sizes), Ok(()));
        assert_eq!(check_attachment_sizes(&[]), Ok(()));
    }

    #[test]
    fn a_fourth_attachment_is_refused_as_too_many() {
        assert_eq!(check_attachment_sizes(&[1, 1, 1, 1]), Err(ErrorCode::TooManyAttachments.into()));
    }

    #[test]
    fn one_byte_over_the_report_cap_is_refused_as_too_large() {
        let sizes = [MAX_REPORT_ATTACHMENT_BYTES - 10, 11];
        assert_eq!(check_attachment_sizes(&sizes), Err(ErrorCode::AttachmentsTooLarge.into()));
        assert_eq!(check_attachment_sizes(&[u64::MAX, u64::MAX]), Err(ErrorCode::AttachmentsTooLarge.into()));
    }

    #[test]
    fn an_empty_attachment_is_refused_before_the_hub_would_refuse_it() {
        assert_eq!(check_attachment_sizes(&[5, 0]), Err(ErrorCode::InvalidInput.into()));
    }

    #[test]
    fn the_limits_the_app_shows_are_the_ones_checked() {
        let limits = attachment_limits();
        assert_eq!(limits.max_count as usize, MAX_REPORT_ATTACHMENTS);
        assert_eq!(limits.max_total_bytes, MAX_REPORT_ATTACHMENT_BYTES);
    }
}
