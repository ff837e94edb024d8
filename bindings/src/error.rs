//! The error the apps see: a few actionable kinds, each carrying the stable
//! [`ErrorCode`] and a message already localized for the current user.
//!
//! Kotlin gets a sealed `WorkerVoiceException` hierarchy, Swift an `Error`
//! enum. No variant carries anything a worker typed.

use workervoice_core::error::ErrorKind;
use workervoice_core::{Error, ErrorCode, WeakPinReason};

/// An error from the Worker Voice core. (No field is named `message`: that
/// would clash with `Throwable.message` in Kotlin.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum WorkerVoiceError {
    /// About a PIN: wrong, locked, too weak, or a wrong activation code.
    #[error("{code:?}: {localized}")]
    Pin {
        /// Stable code.
        code: ErrorCode,
        /// Message for the worker.
        localized: String,
        /// Wrong PINs left, when known.
        attempts_left: Option<u32>,
        /// Why a new PIN was refused.
        weak_reason: Option<WeakPinReason>,
    },
    /// The network or the hub is unavailable: retry later, nothing was lost.
    #[error("{code:?}: {localized}")]
    Network {
        /// Stable code.
        code: ErrorCode,
        /// Message for the worker.
        localized: String,
    },
    /// The hub refused the request (codes, registration, device not accepted, bad reply).
    #[error("{code:?}: {localized}")]
    Refused {
        /// Stable code.
        code: ErrorCode,
        /// Message for the worker.
        localized: String,
    },
    /// The device's state does not allow this (not enrolled, retired, keys missing).
    #[error("{code:?}: {localized}")]
    Device {
        /// Stable code.
        code: ErrorCode,
        /// Message for the worker.
        localized: String,
    },
    /// The call needs a worker session, or the session cannot be opened.
    #[error("{code:?}: {localized}")]
    Session {
        /// Stable code.
        code: ErrorCode,
        /// Message for the worker.
        localized: String,
    },
    /// The input is missing, malformed or too large.
    #[error("{code:?}: {localized}")]
    Input {
        /// Stable code.
        code: ErrorCode,
        /// Message for the worker.
        localized: String,
    },
    /// Local storage failed (full disk, corrupt file). Nothing saved was lost.
    #[error("{code:?}: {localized}")]
    Storage {
        /// Stable code.
        code: ErrorCode,
        /// Message for the worker.
        localized: String,
    },
    /// The platform (key store) failed.
    #[error("{code:?}: {localized}")]
    Platform {
        /// Stable code.
        code: ErrorCode,
        /// Message for the worker.
        localized: String,
    },
    /// A bug.
    #[error("{code:?}: {localized}")]
    Internal {
        /// Stable code.
        code: ErrorCode,
        /// Message for the worker.
        localized: String,
    },
}

impl WorkerVoiceError {
    /// Maps a core error, localizing its message with `localized`.
    pub fn from_core(error: &Error, localized: String) -> Self {
        let code = error.code();
        match error {
            Error::WeakPin(reason) => Self::Pin { code, localized, attempts_left: None, weak_reason: Some(*reason) },
            Error::WrongPin { attempts_left } => {
                Self::Pin { code, localized, attempts_left: *attempts_left, weak_reason: None }
            }
            // Which code is which kind is core's policy (`ErrorCode::kind`);
            // here each kind only picks its variant.
            Error::Code(_) => match code.kind() {
                ErrorKind::Pin => Self::Pin { code, localized, attempts_left: None, weak_reason: None },
                ErrorKind::Network => Self::Network { code, localized },
                ErrorKind::Refused => Self::Refused { code, localized },
                ErrorKind::Device => Self::Device { code, localized },
                ErrorKind::Session => Self::Session { code, localized },
                ErrorKind::Input => Self::Input { code, localized },
                ErrorKind::Storage => Self::Storage { code, localized },
                ErrorKind::Platform => Self::Platform { code, localized },
                ErrorKind::Internal => Self::Internal { code, localized },
            },
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Pin { code, .. }
            | Self::Network { code, .. }
            | Self::Refused { code, .. }
            | Self::Device { code, .. }
            | Self::Session { code, .. }
            | Self::Input { code, .. }
            | Self::Storage { code, .. }
            | Self::Platform { code, .. }
            | Self::Internal { code, .. } => *code,
        }
    }

    /// The localized message.
    pub fn localized(&self) -> &str {
        match self {
            Self::Pin { localized, .. }
            | Self::Network { localized, .. }
            | Self::Refused { localized, .. }
            | Self::Device { localized, .. }
            | Self::Session { localized, .. }
            | Self::Input { localized, .. }
            | Self::Storage { localized, .. }
            | Self::Platform { localized, .. }
            | Self::Internal { localized, .. } => localized,
        }
    }
}
