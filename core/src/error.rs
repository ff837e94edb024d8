//! The public error of the core: a small set of actionable cases, each with a
//! stable code and a localized message.
//!
//! Domain modules have detailed errors of their own (`StoreError`,
//! `CryptoError`, `KeyStoreError`, mapped here once; `NetError`, mapped in
//! `net`, which sits above this module).
//! The mapping is also where detail that could identify a worker is dropped:
//! an [`Error`] carries codes and counts, never worker input.

use crate::crypto::CryptoError;
use crate::i18n::{Arg, Languages, message};
use crate::keystore::KeyStoreError;
use crate::pin_policy::WeakPinReason;
use crate::store::StoreError;
use workervoice_protocol::grievance::{MAX_REPORT_ATTACHMENT_BYTES, MAX_REPORT_ATTACHMENTS};

/// Stable error codes (their string form never changes between versions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ErrorCode {
    /// The new PIN is too easy to guess.
    WeakPin,
    /// Wrong PIN.
    WrongPin,
    /// Too many wrong PINs; staff must unlock.
    PinLocked,
    /// Wrong activation code.
    ActivationInvalid,
    /// Self-registration is not allowed (or wrong join code).
    SelfRegistrationDisabled,
    /// The worker number is taken.
    WorkerExists,
    /// The device is not enrolled.
    NotEnrolled,
    /// The device is already enrolled.
    AlreadyEnrolled,
    /// The enrolment code is not valid.
    EnrolmentCodeInvalid,
    /// A scanned QR code is not a worker card's.
    NotAWorkerCard,
    /// A scanned worker card is for another programme's hub than the
    /// device's.
    CardForAnotherHub,
    /// The hub retired this device.
    DeviceRetired,
    /// The device's key store no longer has its keys (e.g. a copied database).
    DeviceKeysMissing,
    /// The vault cannot be opened although the hub accepted the PIN.
    VaultUnreadable,
    /// The call needs a logged-in worker.
    NotLoggedIn,
    /// Offline unlock is not possible (shared device, no cache, or too many tries).
    OfflineUnlockUnavailable,
    /// A kiosk could not sign the worker in offline: a wrong PIN, or no
    /// earlier online sign-in on this tablet — deliberately one answer, so
    /// the tablet does not tell who has used it.
    OfflineSignInFailed,
    /// No network.
    NetworkUnavailable,
    /// The hub is overloaded or failing; retry later.
    HubUnavailable,
    /// The hub refused the device's request (signature, replay, unknown device).
    HubRefused,
    /// The device clock is too far off.
    ClockWrong,
    /// The hub's reply could not be understood.
    BadReply,
    /// The hub URL is not HTTPS.
    InsecureHubUrl,
    /// Input is missing or malformed.
    InvalidInput,
    /// Input is larger than allowed.
    TooLarge,
    /// The database is damaged.
    StorageCorrupt,
    /// The disk is full.
    DiskFull,
    /// Another storage failure.
    StorageFailed,
    /// The platform key store is not available.
    KeyStoreUnavailable,
    /// No verified recipient directory yet (sync once with network).
    DirectoryMissing,
    /// The hub offered a recipient directory that does not extend the one
    /// the device holds; it was refused and the device keeps its own.
    DirectoryChainBroken,
    /// A receipt's case id or secret is wrong (or the hub refused it).
    ReceiptInvalid,
    /// Signed in offline on a shared device: reading saved data (history,
    /// replies, notes, the PIN) needs a connection to the hub.
    NeedsHub,
    /// Content (a training module, a survey) did not verify against the
    /// programme's signature and was not used.
    ContentUnverified,
    /// Content is not (fully) on the device yet.
    ContentNotDownloaded,
    /// The worker already answered this survey (here or on another device).
    AlreadyAnswered,
    /// The survey is not open to this worker now.
    SurveyNotOpen,
    /// A report may carry at most
    /// [`MAX_REPORT_ATTACHMENTS`](workervoice_protocol::grievance::MAX_REPORT_ATTACHMENTS)
    /// photos and voice notes.
    TooManyAttachments,
    /// A report's photos and voice notes together are over
    /// [`MAX_REPORT_ATTACHMENT_BYTES`](workervoice_protocol::grievance::MAX_REPORT_ATTACHMENT_BYTES).
    AttachmentsTooLarge,
    /// A bug.
    Internal,
}

impl ErrorCode {
    /// The stable string form, e.g. `wrong_pin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WeakPin => "weak_pin",
            Self::WrongPin => "wrong_pin",
            Self::PinLocked => "pin_locked",
            Self::ActivationInvalid => "activation_invalid",
            Self::SelfRegistrationDisabled => "self_registration_disabled",
            Self::WorkerExists => "worker_exists",
            Self::NotEnrolled => "not_enrolled",
            Self::AlreadyEnrolled => "already_enrolled",
            Self::EnrolmentCodeInvalid => "enrolment_code_invalid",
            Self::NotAWorkerCard => "not_a_worker_card",
            Self::CardForAnotherHub => "card_for_another_hub",
            Self::DeviceRetired => "device_retired",
            Self::DeviceKeysMissing => "device_keys_missing",
            Self::VaultUnreadable => "vault_unreadable",
            Self::NotLoggedIn => "not_logged_in",
            Self::OfflineUnlockUnavailable => "offline_unlock_unavailable",
            Self::OfflineSignInFailed => "offline_sign_in_failed",
            Self::NetworkUnavailable => "network_unavailable",
            Self::HubUnavailable => "hub_unavailable",
            Self::HubRefused => "hub_refused",
            Self::ClockWrong => "clock_wrong",
            Self::BadReply => "bad_reply",
            Self::InsecureHubUrl => "insecure_hub_url",
            Self::InvalidInput => "invalid_input",
            Self::TooLarge => "too_large",
            Self::StorageCorrupt => "storage_corrupt",
            Self::DiskFull => "disk_full",
            Self::StorageFailed => "storage_failed",
            Self::KeyStoreUnavailable => "key_store_unavailable",
            Self::DirectoryMissing => "directory_missing",
            Self::DirectoryChainBroken => "directory_chain_broken",
            Self::ReceiptInvalid => "receipt_invalid",
            Self::NeedsHub => "needs_hub",
            Self::ContentUnverified => "content_unverified",
            Self::ContentNotDownloaded => "content_not_downloaded",
            Self::AlreadyAnswered => "already_answered",
            Self::SurveyNotOpen => "survey_not_open",
            Self::TooManyAttachments => "too_many_attachments",
            Self::AttachmentsTooLarge => "attachments_too_large",
            Self::Internal => "internal",
        }
    }

    /// Whether retrying the same call later may succeed without the worker
    /// changing anything.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            Self::NetworkUnavailable | Self::HubUnavailable | Self::KeyStoreUnavailable | Self::StorageFailed
        )
    }
}

/// What the app can do about an error: the few groups its screens tell
/// apart (the bindings give each its own exception class). Policy, so it is
/// decided here, next to the codes; the bindings only map a kind to a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// About a PIN: wrong, locked, too weak, or a wrong activation code.
    Pin,
    /// The network or the hub is unavailable: retry later, nothing was lost.
    Network,
    /// The hub refused the request (codes, registration, device not accepted,
    /// bad reply, unverified content).
    Refused,
    /// The device's state does not allow this (not enrolled, retired, keys
    /// missing, no directory or content yet).
    Device,
    /// The call needs a worker session, or the session cannot be opened.
    Session,
    /// The input is missing, malformed or too large.
    Input,
    /// Local storage failed (full disk, corrupt file).
    Storage,
    /// The platform (key store) failed.
    Platform,
    /// A bug.
    Internal,
}

impl ErrorCode {
    /// The group this code belongs to, for the app to choose what to show.
    pub fn kind(self) -> ErrorKind {
        match self {
            Self::WeakPin | Self::WrongPin | Self::PinLocked | Self::ActivationInvalid => ErrorKind::Pin,
            Self::NetworkUnavailable | Self::HubUnavailable => ErrorKind::Network,
            Self::HubRefused
            | Self::ClockWrong
            | Self::BadReply
            | Self::EnrolmentCodeInvalid
            | Self::SelfRegistrationDisabled
            | Self::WorkerExists
            | Self::AlreadyAnswered
            | Self::SurveyNotOpen
            | Self::InsecureHubUrl
            | Self::ContentUnverified
            | Self::DirectoryChainBroken => ErrorKind::Refused,
            Self::NotEnrolled
            | Self::AlreadyEnrolled
            | Self::DeviceRetired
            | Self::DeviceKeysMissing
            | Self::DirectoryMissing
            | Self::ContentNotDownloaded => ErrorKind::Device,
            Self::NotLoggedIn
            | Self::VaultUnreadable
            | Self::OfflineUnlockUnavailable
            | Self::OfflineSignInFailed
            | Self::NeedsHub => ErrorKind::Session,
            Self::InvalidInput
            | Self::TooLarge
            | Self::ReceiptInvalid
            | Self::TooManyAttachments
            | Self::AttachmentsTooLarge
            | Self::NotAWorkerCard
            | Self::CardForAnotherHub => ErrorKind::Input,
            Self::StorageCorrupt | Self::DiskFull | Self::StorageFailed => ErrorKind::Storage,
            Self::KeyStoreUnavailable => ErrorKind::Platform,
            Self::Internal => ErrorKind::Internal,
        }
    }
}

/// An error from the core's public API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The new PIN is too easy to guess, and why.
    #[error("weak PIN: {0:?}")]
    WeakPin(WeakPinReason),
    /// Wrong PIN; `attempts_left` when the hub (or the offline counter) says.
    #[error("wrong PIN")]
    WrongPin {
        /// Wrong PINs left before the account (or offline unlock) locks.
        attempts_left: Option<u32>,
    },
    /// Any other case, by code.
    #[error("{}", .0.as_str())]
    Code(ErrorCode),
}

impl Error {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::WeakPin(_) => ErrorCode::WeakPin,
            Self::WrongPin { .. } => ErrorCode::WrongPin,
            Self::Code(code) => *code,
        }
    }

    /// The message for a worker, in the first language of `languages` that has it.
    pub fn localized(&self, languages: &Languages) -> String {
        let id = format!("error-{}", self.code().as_str().replace('_', "-"));
        match self {
            Self::WeakPin(reason) => {
                let reason_text = reason.localized(languages);
                message(languages, &id, &[("reason", Arg::Text(&reason_text))])
            }
            Self::WrongPin { attempts_left } => {
                let attempts = attempts_left.map_or(0, i64::from);
                message(languages, &id, &[("attempts", Arg::Number(attempts))])
            }
            // The limits are the protocol's, so the message names them.
            Self::Code(ErrorCode::TooManyAttachments) => {
                message(languages, &id, &[("count", Arg::Number(MAX_REPORT_ATTACHMENTS as i64))])
            }
            Self::Code(ErrorCode::AttachmentsTooLarge) => {
                let megabytes = (MAX_REPORT_ATTACHMENT_BYTES / (1024 * 1024)) as i64;
                message(languages, &id, &[("megabytes", Arg::Number(megabytes))])
            }
            Self::Code(_) => message(languages, &id, &[]),
        }
    }
}

impl From<ErrorCode> for Error {
    fn from(code: ErrorCode) -> Self {
        Self::Code(code)
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Corrupt | StoreError::Malformed(_) => {
                tracing::error!(kind = "storage_corrupt", "database check failed");
                Self::Code(ErrorCode::StorageCorrupt)
            }
            StoreError::DiskFull => Self::Code(ErrorCode::DiskFull),
            StoreError::TooNew { .. } => Self::Code(ErrorCode::StorageCorrupt),
            StoreError::Sqlite(_) | StoreError::Io(_) => {
                // SQLite messages can quote values; log the category only.
                tracing::warn!(kind = "storage_failed", "storage operation failed");
                Self::Code(ErrorCode::StorageFailed)
            }
        }
    }
}

impl From<KeyStoreError> for Error {
    fn from(error: KeyStoreError) -> Self {
        tracing::warn!(kind = "key_store", detail = %error, "key store failed");
        Self::Code(ErrorCode::KeyStoreUnavailable)
    }
}

impl From<CryptoError> for Error {
    fn from(error: CryptoError) -> Self {
        match error {
            CryptoError::Random | CryptoError::InvalidKey => Self::Code(ErrorCode::Internal),
            CryptoError::Unauthentic | CryptoError::Malformed => Self::Code(ErrorCode::StorageCorrupt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_snake_case() {
        let all = [
            ErrorCode::WeakPin,
            ErrorCode::WrongPin,
            ErrorCode::PinLocked,
            ErrorCode::ActivationInvalid,
            ErrorCode::SelfRegistrationDisabled,
            ErrorCode::WorkerExists,
            ErrorCode::NotEnrolled,
            ErrorCode::AlreadyEnrolled,
            ErrorCode::EnrolmentCodeInvalid,
            ErrorCode::NotAWorkerCard,
            ErrorCode::CardForAnotherHub,
            ErrorCode::DeviceRetired,
            ErrorCode::DeviceKeysMissing,
            ErrorCode::VaultUnreadable,
            ErrorCode::NotLoggedIn,
            ErrorCode::OfflineUnlockUnavailable,
            ErrorCode::OfflineSignInFailed,
            ErrorCode::NetworkUnavailable,
            ErrorCode::HubUnavailable,
            ErrorCode::HubRefused,
            ErrorCode::ClockWrong,
            ErrorCode::BadReply,
            ErrorCode::InsecureHubUrl,
            ErrorCode::InvalidInput,
            ErrorCode::TooLarge,
            ErrorCode::StorageCorrupt,
            ErrorCode::DiskFull,
            ErrorCode::StorageFailed,
            ErrorCode::KeyStoreUnavailable,
            ErrorCode::DirectoryMissing,
            ErrorCode::DirectoryChainBroken,
            ErrorCode::ReceiptInvalid,
            ErrorCode::NeedsHub,
            ErrorCode::ContentUnverified,
            ErrorCode::ContentNotDownloaded,
            ErrorCode::AlreadyAnswered,
            ErrorCode::SurveyNotOpen,
            ErrorCode::TooManyAttachments,
            ErrorCode::AttachmentsTooLarge,
            ErrorCode::Internal,
        ];
        let strings: std::collections::HashSet<_> = all.iter().map(|c| c.as_str()).collect();
        assert_eq!(strings.len(), all.len());
        for code in all {
            assert!(code.as_str().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            // Every code has its own message in English (not the generic fallback).
            let error = match code {
                ErrorCode::WeakPin => Error::WeakPin(WeakPinReason::Common),
                ErrorCode::WrongPin => Error::WrongPin { attempts_left: Some(2) },
                other => Error::Code(other),
            };
            assert_eq!(error.code(), code);
            let text = error.localized(&Languages::negotiate(&["en"]));
            let generic = Error::Code(ErrorCode::Internal).localized(&Languages::negotiate(&["en"]));
            assert!(code == ErrorCode::Internal || text != generic, "{code:?} has no message");
        }
    }

    #[test]
    fn wrong_pin_message_counts_down_in_the_workers_language() {
        let error = Error::WrongPin { attempts_left: Some(3) };
        assert!(error.localized(&Languages::negotiate(&["zh-CN"])).contains('3'));
        assert!(error.localized(&Languages::negotiate(&["zh-CN"])).contains("密码错误"));
        assert!(error.localized(&Languages::negotiate(&["vi"])).contains("Sai mã PIN"));
    }

    #[test]
    fn attachment_limit_messages_name_the_limit_in_every_language() {
        for language in ["en", "vi", "zh-CN"] {
            let languages = Languages::negotiate(&[language]);
            let count = Error::Code(ErrorCode::TooManyAttachments).localized(&languages);
            assert!(count.contains(&MAX_REPORT_ATTACHMENTS.to_string()), "{language}: {count}");
            let size = Error::Code(ErrorCode::AttachmentsTooLarge).localized(&languages);
            assert!(size.contains(&(MAX_REPORT_ATTACHMENT_BYTES / (1024 * 1024)).to_string()), "{language}: {size}");
        }
    }
}
