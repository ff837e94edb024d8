//! A Worker Voice reader's client (case handlers and survey analysts): the
//! reader's key is made and kept here, never on the hub (ADR 0015).
//!
//! - [`account`]: the password KDF, the key pair, wrapping (always built;
//!   the hub's demo accepts its demo readers' invitations through it).
//! - [`open`]: opening cases, replies, attachments and notes; sealing
//!   replies and notes (feature `client`).
//! - [`surveys`]: opening survey answers and aggregating them with small
//!   groups suppressed (feature `client`).
//! - [`client`]: the hub's `/handler/v1` API over HTTPS (feature `client`);
//!   the `wv-handler` binary drives it.
//!
//! The byte formats are written out for the browser console in
//! `console/FORMATS.md`, with test vectors in `console/test-vectors/reader.json`.

pub mod account;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod open;
#[cfg(feature = "client")]
pub mod surveys;
#[cfg(feature = "client")]
pub mod vectors;

/// Why a reader operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ReaderError {
    /// The password did not open the private key (or the hub refused the login).
    #[error("wrong password")]
    WrongPassword,
    /// A new password is shorter than 12 characters.
    #[error("the password must have at least 12 characters")]
    WeakPassword,
    /// Something sealed did not open, or a key was malformed.
    #[error("cryptography: {0}")]
    Crypto(&'static str),
    /// The system random source failed.
    #[error("the random source failed")]
    Random,
    /// The hub answered with an error status.
    #[error("the hub answered {status}: {body}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The body (the hub's error JSON).
        body: String,
    },
    /// The hub could not be reached, or its answer did not parse.
    #[error("transport: {0}")]
    Transport(String),
}

impl ReaderError {
    /// The HTTP status, when the hub refused.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Refused { status, .. } => Some(*status),
            _ => None,
        }
    }
}
