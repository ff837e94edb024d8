//! How a hub is configured: where it keeps its data, where it listens, and
//! the few policy numbers (PIN stretching, attempts before lock-out, how
//! often escalation runs).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, ensure};
use workervoice_protocol::auth::MIN_PBKDF2_ITERATIONS;

/// Default PBKDF2-HMAC-SHA256 iterations the hub hands out for new workers
/// (OWASP 2023); devices refuse anything below [`MIN_PBKDF2_ITERATIONS`].
pub const DEFAULT_PIN_ITERATIONS: u32 = 600_000;

/// Default number of wrong PINs (or activation codes) after which a worker is
/// locked until staff unlock them.
pub const DEFAULT_MAX_PIN_ATTEMPTS: u32 = 10;

/// Default time between two escalation passes.
pub const DEFAULT_ESCALATION_INTERVAL: Duration = Duration::from_secs(60);

/// Everything [`crate::start`] needs to run a hub.
#[derive(Debug, Clone)]
pub struct HubConfig {
    /// Directory holding `hub.db`, `hub-secret.key` and `admin-token`;
    /// created (mode 0700) if missing.
    pub data_dir: PathBuf,
    /// The PostgreSQL database to use instead of `<data-dir>/hub.db`
    /// (ADR 0019): a URL (`postgres://user@host/dbname`) or key-value words
    /// (`host=/run/postgresql dbname=workervoice`). The data directory still
    /// holds the hub's secret, admin token and attachment files.
    pub database_url: Option<String>,
    /// Address to listen on; port 0 picks a free port (see
    /// [`crate::RunningHub::local_addr`]).
    pub listen: SocketAddr,
    /// Certificate and key to terminate TLS with; `None` serves plain HTTP,
    /// which is refused off loopback unless
    /// [`allow_plain_http_off_loopback`](Self::allow_plain_http_off_loopback).
    pub tls: Option<TlsFiles>,
    /// The staff bearer token; `None` reads `<data-dir>/admin-token`, creating
    /// it with a random token on first start.
    pub admin_token: Option<String>,
    /// PBKDF2 iterations handed to devices for new workers and for unknown
    /// worker numbers; at least [`MIN_PBKDF2_ITERATIONS`].
    pub pin_iterations: u32,
    /// Wrong PINs or activation codes before a worker is locked (at least 1).
    pub max_pin_attempts: u32,
    /// Serve plain HTTP on a non-loopback address, on the understanding that
    /// a reverse proxy in front terminates TLS.
    pub allow_plain_http_off_loopback: bool,
    /// The base URL devices should use to reach this hub, as written into
    /// enrolment QR codes (e.g. `https://hub.example.org`). `None` uses the
    /// address the hub listens on, which is right unless a proxy or a
    /// wildcard address (`0.0.0.0`) stands between hub and devices.
    pub public_url: Option<String>,
    /// How often the hub looks for cases past their deadline and escalates
    /// them (see [`crate::RunningHub::escalate_due`]); at least one second.
    pub escalation_interval: Duration,
    /// Create (once) the demo programme admin and open a session for it at
    /// start ([`crate::RunningHub::staff_token`]): for tests and `--demo`
    /// only, never for a real programme.
    pub seed_demo_admin: bool,
    /// Test harnesses only: seconds the hub's calendar (deadlines, survey
    /// dates, retention) runs ahead of the system clock from the start, so a
    /// browser test can see overdue cases without waiting days. 0 for a real
    /// programme.
    pub calendar_offset_secs: i64,
    /// A staff session ends this long after sign-in (default 12 hours).
    pub staff_session_absolute: Duration,
    /// A staff session ends after this long without a request (default 30 minutes).
    pub staff_session_idle: Duration,
    /// Connection limit and read time-outs (ADR 0014).
    pub limits: crate::limits::TrafficLimits,
    /// The programme's Ed25519 public key (32 bytes), pinned into the data
    /// directory at first start (`programme.pub`); later starts must give the
    /// same key or none. The private key stays with the key holder.
    pub programme_public_key: Option<Vec<u8>>,
    /// Demo and tests only: a key holder's key kept in a separate folder,
    /// with which the hub signs proposals for the key holder.
    pub demo_key_holder: Option<DemoKeyHolder>,
    /// A built console (`console/dist`) to serve at `/` (ADR 0018); without
    /// one, `/` says the hub serves no console and the API is unchanged.
    pub console_dir: Option<PathBuf>,
    /// A token that lets a scraper off the machine read `/metrics`
    /// (`Authorization: Bearer`); without it only loopback may.
    pub metrics_token: Option<String>,
    /// `/readyz` fails when the data directory's file system has no more
    /// than this many bytes free (default 256 MiB).
    pub min_free_bytes: u64,
    /// What the hub deletes after how long (closed cases, abandoned
    /// uploads, failure rows, ended sessions).
    pub retention: crate::retention::Retention,
    /// E-mail notifications to readers through the operator's SMTP server
    /// (ADR 0023); `None` sends none, and readers cannot give an address.
    pub notifications: Option<crate::notifications::Notifications>,
    /// On SQLite, how many read-only connections the hub keeps beside its
    /// one writer ([`HubConfig::DEFAULT_SQLITE_READERS`]). 0 sends every
    /// read to the writer, as the hub did before it had readers (ADR 0019):
    /// for `scripts/bench-backends`, which measures both; not a setting a
    /// programme needs (there is no command-line flag). Ignored on
    /// PostgreSQL.
    pub sqlite_readers: usize,
}

/// Default free space below which the hub is not ready.
pub const DEFAULT_MIN_FREE_BYTES: u64 = 256 * 1024 * 1024;

/// A key holder the hub stands in for, in a demo or a test: a real
/// programme signs with `wv-keyholder` on its own machine.
#[derive(Debug, Clone)]
pub struct DemoKeyHolder {
    /// The folder holding the key holder's key (created if missing; never
    /// the data directory).
    pub dir: PathBuf,
    /// Sign every proposal as soon as it is made (the demo); otherwise only
    /// when a test calls [`crate::sign_pending`].
    pub sign_automatically: bool,
}

/// PEM files to terminate TLS with.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert_pem: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: PathBuf,
}

impl HubConfig {
    /// The read-only SQLite connections a hub keeps unless told otherwise
    /// ([`HubConfig::sqlite_readers`]).
    pub const DEFAULT_SQLITE_READERS: usize = crate::db::READERS;

    /// A configuration with the defaults for `data_dir`: listens on
    /// `127.0.0.1` on a free port, plain HTTP, generated admin token.
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            database_url: None,
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 8787)),
            tls: None,
            admin_token: None,
            pin_iterations: DEFAULT_PIN_ITERATIONS,
            max_pin_attempts: DEFAULT_MAX_PIN_ATTEMPTS,
            allow_plain_http_off_loopback: false,
            public_url: None,
            escalation_interval: DEFAULT_ESCALATION_INTERVAL,
            seed_demo_admin: false,
            calendar_offset_secs: 0,
            staff_session_absolute: crate::staff::DEFAULT_STAFF_SESSION_ABSOLUTE,
            staff_session_idle: crate::staff::DEFAULT_STAFF_SESSION_IDLE,
            limits: crate::limits::TrafficLimits::default(),
            programme_public_key: None,
            demo_key_holder: None,
            console_dir: None,
            metrics_token: None,
            min_free_bytes: DEFAULT_MIN_FREE_BYTES,
            retention: crate::retention::Retention::default(),
            notifications: None,
            sqlite_readers: Self::DEFAULT_SQLITE_READERS,
        }
    }

    /// The configuration tests use: `127.0.0.1:0` (a free port), no TLS,
    /// generated admin token, default policy numbers, the demo programme
    /// admin signed in ([`crate::RunningHub::staff_token`]), and a test key
    /// holder in the folder beside the data directory (`<data-dir>.keyholder`)
    /// who signs only when the test calls [`crate::sign_pending`]. With
    /// `WV_TEST_DATABASE_URL` set, the data directory's own database on that
    /// PostgreSQL server ([`crate::testing`]).
    pub fn for_tests(data_dir: PathBuf) -> Self {
        let mut holder_dir = data_dir.clone().into_os_string();
        holder_dir.push(".keyholder");
        Self {
            // On PostgreSQL when the suite runs there (`WV_TEST_DATABASE_URL`).
            database_url: crate::testing::database_url_for(&data_dir),
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            seed_demo_admin: true,
            demo_key_holder: Some(DemoKeyHolder { dir: PathBuf::from(holder_dir), sign_automatically: false }),
            ..Self::new(data_dir)
        }
    }

    /// Refuses configurations that would be unsafe or that devices would
    /// refuse anyway. Returns whether the hub serves plain HTTP off loopback
    /// (allowed, but worth a warning).
    pub(crate) fn validate(&self) -> anyhow::Result<bool> {
        ensure!(
            self.pin_iterations >= MIN_PBKDF2_ITERATIONS,
            "pin_iterations {} is below the protocol minimum {MIN_PBKDF2_ITERATIONS}; devices would refuse it",
            self.pin_iterations
        );
        ensure!(self.max_pin_attempts >= 1, "max_pin_attempts must be at least 1");
        ensure!(self.escalation_interval >= Duration::from_secs(1), "escalation_interval must be at least a second");
        ensure!(
            self.staff_session_idle >= Duration::from_secs(1) && self.staff_session_absolute >= self.staff_session_idle,
            "staff sessions must idle out after at least a second, and not outlive their absolute expiry"
        );
        ensure!(self.retention.interval >= Duration::from_secs(1), "the retention interval must be at least a second");
        ensure!(self.limits.max_connections >= 1, "max_connections must be at least 1");
        ensure!(
            !self.limits.header_read_timeout.is_zero() && !self.limits.request_timeout.is_zero(),
            "read time-outs must be longer than zero"
        );
        if let Some(notifications) = &self.notifications {
            notifications.validate()?;
        }
        if let Some(token) = &self.metrics_token {
            ensure!(
                token.len() >= 16 && token.chars().all(|c| c.is_ascii_graphic()),
                "the metrics token must be at least 16 printable ASCII characters without spaces"
            );
        }
        if let Some(token) = &self.admin_token {
            ensure!(
                !token.is_empty() && token.chars().all(|c| c.is_ascii_graphic()),
                "the admin token must be non-empty printable ASCII without spaces"
            );
        }
        if let Some(url) = &self.public_url {
            match url::Url::parse(url) {
                Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {}
                _ => bail!("public_url must be an http:// or https:// URL"),
            }
        }
        let plain_off_loopback = self.tls.is_none() && !self.listen.ip().is_loopback();
        if plain_off_loopback && !self.allow_plain_http_off_loopback {
            bail!(
                "refusing to serve plain HTTP on {}: give a TLS certificate and key, \
                 or allow plain HTTP off loopback if a reverse proxy terminates TLS",
                self.listen
            );
        }
        Ok(plain_off_loopback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_off_loopback_is_refused_unless_allowed() {
        let mut config = HubConfig::for_tests(PathBuf::from("unused"));
        config.listen = "0.0.0.0:8787".parse().unwrap();
        assert!(config.validate().is_err());
        config.allow_plain_http_off_loopback = true;
        assert!(config.validate().unwrap());
    }

    #[test]
    fn iterations_below_the_protocol_floor_are_refused() {
        let mut config = HubConfig::for_tests(PathBuf::from("unused"));
        config.pin_iterations = MIN_PBKDF2_ITERATIONS - 1;
        assert!(config.validate().is_err());
    }

    #[test]
    fn admin_tokens_with_spaces_are_refused() {
        let mut config = HubConfig::for_tests(PathBuf::from("unused"));
        config.admin_token = Some("two words".into());
        assert!(config.validate().is_err());
    }
}
