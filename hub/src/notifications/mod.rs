//! E-mail notifications to readers (issue 14, ADR 0023): a reader who opted
//! in with an address is told, at most once per digest interval, how many
//! new, answered (the worker wrote) and overdue cases wait on their route —
//! and nothing else: no case id, no category, no factory, no report text,
//! only the counts, the route's name and the console's address.
//!
//! - [`settings`]: `GET`/`POST /handler/v1/notifications`, the reader's
//!   address and the language of the messages (opting out deletes them and
//!   everything kept to notify them).
//! - [`digest`]: one pass over every opted-in reader's route: what changed
//!   since the reader was last told, as counts added to the reader's one
//!   waiting digest.
//! - [`outbox`]: sends waiting digests through the operator's SMTP server,
//!   retrying failures with exponential back-off; nothing here runs inside a
//!   request, so a slow or refusing mail server never holds one up.
//! - [`mail`]: the SMTP transport (rustls with ring, or plain on loopback
//!   only) and the message, in the reader's language (Fluent).
//!
//! The hub's SQL for all this lives in these files only.

pub(crate) mod digest;
pub(crate) mod mail;
pub(crate) mod outbox;
pub(crate) mod settings;

use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use zeroize::Zeroizing;

use crate::state::AppState;

/// Default time between two digests (and so the most often a reader is written to).
pub const DEFAULT_DIGEST_INTERVAL: Duration = Duration::from_secs(15 * 60);
/// Default wait before the first retry of a failed send; it doubles with each failure.
pub const DEFAULT_RETRY_INITIAL: Duration = Duration::from_secs(60);
/// Default longest wait between two retries.
pub const DEFAULT_RETRY_MAX: Duration = Duration::from_secs(60 * 60);
/// Default time an SMTP conversation may take before it counts as failed.
pub const DEFAULT_SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// How the hub sends notifications: the operator's SMTP server and the pace.
#[derive(Debug, Clone)]
pub struct Notifications {
    /// The server to hand messages to.
    pub smtp: SmtpServer,
    /// At most one message per reader per this interval (at least a second);
    /// changes are collected meanwhile and sent together.
    pub digest_interval: Duration,
    /// Wait before retrying a failed send; doubles with each failure.
    pub retry_initial: Duration,
    /// Longest wait between two retries.
    pub retry_max: Duration,
}

impl Notifications {
    /// Notifications through `smtp` at the default pace.
    pub fn new(smtp: SmtpServer) -> Self {
        Self {
            smtp,
            digest_interval: DEFAULT_DIGEST_INTERVAL,
            retry_initial: DEFAULT_RETRY_INITIAL,
            retry_max: DEFAULT_RETRY_MAX,
        }
    }

    /// Refuses settings that would send credentials or addresses in the
    /// clear off this machine, or that make no sense.
    pub(crate) fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.digest_interval >= Duration::from_secs(1),
            "the digest interval must be at least a second"
        );
        anyhow::ensure!(
            !self.retry_initial.is_zero() && self.retry_max >= self.retry_initial,
            "retries must wait longer than zero, and the longest wait must not be shorter than the first"
        );
        self.smtp.validate()
    }

    /// The digest interval in whole minutes, as readers are told it (at least 1).
    pub(crate) fn digest_minutes(&self) -> u32 {
        u32::try_from(self.digest_interval.as_secs().div_ceil(60)).unwrap_or(u32::MAX).max(1)
    }
}

/// An SMTP server (the operator's relay or submission server).
#[derive(Debug, Clone)]
pub struct SmtpServer {
    /// Host name (checked against the server's certificate) or address.
    pub host: String,
    /// Port: usually 587 for STARTTLS, 465 for implicit TLS.
    pub port: u16,
    /// How the connection is protected.
    pub security: SmtpSecurity,
    /// The `From:` address, e.g. `Worker Voice <noreply@example.org>`.
    pub from: String,
    /// Credentials, if the server wants them (never logged).
    pub credentials: Option<SmtpCredentials>,
    /// A PEM file of the CA that signed the server's certificate, when it is
    /// not one the public web trusts (a programme's own relay). With it, only
    /// that CA is trusted.
    pub ca_pem: Option<PathBuf>,
    /// Longest an SMTP conversation may take.
    pub timeout: Duration,
}

impl SmtpServer {
    fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(!self.host.is_empty(), "the SMTP host is empty");
        anyhow::ensure!(self.port != 0, "the SMTP port is 0");
        anyhow::ensure!(!self.timeout.is_zero(), "the SMTP time-out must be longer than zero");
        if self.security == SmtpSecurity::PlainLoopbackOnly {
            let loopback = self.host == "localhost"
                || self.host.parse::<std::net::IpAddr>().is_ok_and(|address| address.is_loopback());
            anyhow::ensure!(
                loopback,
                "refusing plain SMTP to {}: plain SMTP is for a server on this machine only (use STARTTLS or TLS)",
                self.host
            );
        }
        mail::parse_from(&self.from)?;
        Ok(())
    }
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which is required (a server
    /// that does not offer it is a failed send, never a plain one).
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    ImplicitTls,
    /// No TLS at all: only to a server on loopback (tests, or a local relay
    /// that itself sends onward over TLS).
    PlainLoopbackOnly,
}

/// A user name and password for the SMTP server.
#[derive(Clone)]
pub struct SmtpCredentials {
    /// The user name.
    pub username: String,
    /// The password, wiped from memory when dropped.
    pub password: Zeroizing<String>,
}

impl std::fmt::Debug for SmtpCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The password never reaches a log, even through `{:?}` of a config.
        f.debug_struct("SmtpCredentials").field("username", &self.username).finish_non_exhaustive()
    }
}

/// The `/handler/v1/notifications` routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/handler/v1/notifications", get(settings::get_settings).post(settings::set_settings))
}
