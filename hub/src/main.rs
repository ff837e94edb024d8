//! `workervoice-hub`: runs the reference hub until Ctrl-C (or SIGTERM).
//!
//! ```text
//! workervoice-hub publish-pack [--data-dir DIR] [--factory ID ...] FOLDER
//! workervoice-hub backup --data-dir DIR --out BACKUP_DIR
//! workervoice-hub restore --from BACKUP_DIR --data-dir NEW_DIR
//! workervoice-hub [serve] [--data-dir DIR] [--listen ADDR] [--tls-cert PEM --tls-key PEM]
//!                 [--admin-token T] [--public-url URL] [--demo] [--ready-json] ...
//! ```
//!
//! With `--ready-json` the first line on stdout is one JSON object,
//! `{"url":"http://127.0.0.1:PORT","admin_token":"..."}` (plus
//! `"staff_token":"..."` and `"demo_admin":{login,password,totp_secret_base32}`
//! with `--demo` or `--demo-admin`, and `"demo":{...}`
//! with `--demo`), printed once the hub listens, so a test harness in another
//! process can start it on port 0 and find it. Everything else then goes to
//! stderr. Logs always go to stderr (`RUST_LOG` filters them).

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use workervoice_hub::{DemoKeyHolder, DemoSeed, HubConfig, RunningHub, TlsFiles, seed_demo, start};

#[derive(Parser)]
#[command(name = "workervoice-hub", version, about = "The reference Worker Voice hub.")]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the hub (the default).
    Serve(Box<ServeArgs>),
    /// Prepare a content pack (a folder with pack.json and its media) and
    /// propose it for the programme's key holder to sign (wv-keyholder sign).
    PublishPack(PublishPackArgs),
    /// Copy a hub's data directory (while it runs) into a new backup
    /// directory: a database snapshot, the secrets, the blobs, a manifest.
    Backup(BackupArgs),
    /// Restore a backup into a new, empty data directory, checking every
    /// file against the manifest.
    Restore(RestoreArgs),
}

#[derive(Args, Clone)]
struct BackupArgs {
    /// The hub's data directory.
    #[arg(long, value_name = "DIR", env = "WORKERVOICE_HUB_DATA_DIR")]
    data_dir: PathBuf,
    /// Where to write the backup (must not exist or be empty).
    #[arg(long, value_name = "BACKUP_DIR")]
    out: PathBuf,
    /// The hub keeps its tables in this PostgreSQL database: back up the
    /// data directory (secrets, keys, files) only, and the database with
    /// pg_dump or point-in-time recovery.
    #[arg(long, value_name = "URL", env = "WORKERVOICE_HUB_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
}

#[derive(Args, Clone)]
struct RestoreArgs {
    /// The backup directory (with manifest.json).
    #[arg(long, value_name = "BACKUP_DIR")]
    from: PathBuf,
    /// The data directory to restore into (must not exist or be empty).
    #[arg(long, value_name = "DIR")]
    data_dir: PathBuf,
    /// The PostgreSQL database (already restored with the server's tools)
    /// whose data directory this backup holds; it is checked against the
    /// restored hub secret.
    #[arg(long, value_name = "URL", env = "WORKERVOICE_HUB_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
}

#[derive(Args, Clone)]
struct PublishPackArgs {
    /// The hub's data directory (holds hub.db and the programme's public key).
    #[arg(long, value_name = "DIR", default_value = "./hub-data", env = "WORKERVOICE_HUB_DATA_DIR")]
    data_dir: PathBuf,
    /// Assign the pack to this factory only (repeat for several). Without
    /// it, the pack goes to every factory.
    #[arg(long = "factory", value_name = "ID")]
    factories: Vec<String>,
    /// The pack folder: pack.json and the media files it names.
    folder: PathBuf,
    /// The hub keeps its tables in this PostgreSQL database (as `serve
    /// --database-url`).
    #[arg(long, value_name = "URL", env = "WORKERVOICE_HUB_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Directory for hub.db, hub-secret.key and admin-token.
    #[arg(long, value_name = "DIR", default_value = "./hub-data", env = "WORKERVOICE_HUB_DATA_DIR")]
    data_dir: PathBuf,
    /// Keep the hub's tables in this PostgreSQL database instead of
    /// DIR/hub.db (ADR 0019): `postgres://user@host/dbname`, or key-value
    /// words such as `host=/run/postgresql dbname=workervoice`. A server
    /// off this machine needs `sslmode=verify-full` (and `sslrootcert=FILE`
    /// for a private CA) or, on a network you secure, `sslmode=disable`.
    /// The data directory still holds the secrets and attachment files.
    #[arg(long, value_name = "URL", env = "WORKERVOICE_HUB_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787", env = "WORKERVOICE_HUB_LISTEN")]
    listen: SocketAddr,
    /// PEM certificate chain to serve TLS with.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Bootstrap token (default: generated once, kept in DIR/admin-token): it can
    /// only create the first programme admin's invitation, and only while none exists.
    /// Prefer the environment variable: command lines are visible to other users.
    #[arg(long, value_name = "TOKEN", env = "WORKERVOICE_HUB_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Base URL devices use to reach the hub, written into enrolment QR codes
    /// (default: the listen address).
    #[arg(long, value_name = "URL", env = "WORKERVOICE_HUB_PUBLIC_URL")]
    public_url: Option<String>,
    /// Seed a demo factory, roster and enrolment codes, and print them. The
    /// demo signs as the programme's key holder with a key kept in
    /// --demo-keyholder-dir (default: DIR/../demo-keyholder).
    #[arg(long)]
    demo: bool,
    /// Demo and test harnesses only: the folder of a key holder's key the
    /// hub signs its proposals with (never the data directory).
    #[arg(long, value_name = "DIR", env = "WORKERVOICE_HUB_DEMO_KEYHOLDER_DIR")]
    demo_keyholder_dir: Option<PathBuf>,
    /// The programme's Ed25519 public key, base64 (what `wv-keyholder init`
    /// printed); pinned in DIR/programme.pub at first start.
    #[arg(long, value_name = "B64", env = "WORKERVOICE_HUB_PROGRAMME_PUBLIC_KEY")]
    programme_public_key: Option<String>,
    /// Print one JSON line {"url","admin_token","staff_token"?} to stdout once listening.
    #[arg(long)]
    ready_json: bool,
    /// Create the demo programme admin (password derived from the hub secret)
    /// and sign it in, for test harnesses (implied by --demo). Never for a real programme.
    #[arg(long)]
    demo_admin: bool,
    /// Test harnesses only: run the hub's calendar (case deadlines, survey dates,
    /// retention) this many days ahead of the system clock. Never for a real programme.
    #[arg(long, value_name = "DAYS", default_value_t = 0)]
    calendar_offset_days: i64,
    /// Serve plain HTTP on a non-loopback address (TLS terminated by a proxy).
    #[arg(long)]
    allow_plain_http_off_loopback: bool,
    /// PBKDF2 iterations for new workers' PINs (at least 600000).
    #[arg(long, value_name = "N", default_value_t = workervoice_hub::DEFAULT_PIN_ITERATIONS)]
    pin_iterations: u32,
    /// Wrong PINs before the worker is locked until staff unlock them (readers back off instead).
    #[arg(long, value_name = "N", default_value_t = workervoice_hub::DEFAULT_MAX_PIN_ATTEMPTS)]
    max_pin_attempts: u32,
    /// Open connections at most; more are closed on accept.
    #[arg(long, value_name = "N", default_value_t = workervoice_hub::TrafficLimits::default().max_connections)]
    max_connections: usize,
    /// Seconds a client has to send a request's headers.
    #[arg(long, value_name = "SECS", default_value_t = workervoice_hub::TrafficLimits::default().header_read_timeout.as_secs())]
    header_read_timeout: u64,
    /// Seconds to read a request's body and answer it.
    #[arg(long, value_name = "SECS", default_value_t = workervoice_hub::TrafficLimits::default().request_timeout.as_secs())]
    request_timeout: u64,
    /// Attachment bytes accepted per UTC day from all devices together.
    #[arg(long, value_name = "BYTES", default_value_t = workervoice_hub::TrafficLimits::default().attachment_bytes_per_day)]
    attachment_bytes_per_day: u64,
    /// Most attachments a report may announce (at most 4).
    #[arg(long, value_name = "N", default_value_t = workervoice_hub::TrafficLimits::default().max_report_attachments)]
    max_report_attachments: usize,
    /// Largest attachment a report may announce, in bytes (at most the protocol's 20 MiB).
    #[arg(long, value_name = "BYTES", default_value_t = workervoice_hub::TrafficLimits::default().max_attachment_bytes)]
    max_attachment_bytes: u64,
    /// Largest total of one report's attachments, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = workervoice_hub::TrafficLimits::default().max_report_attachment_bytes)]
    max_report_attachment_bytes: u64,
    /// Anonymous worker requests one source (a factory's NAT) may send per minute; 0: no limit.
    #[arg(long, value_name = "N", default_value_t = workervoice_hub::TrafficLimits::default().anonymous_requests_per_source_per_minute)]
    anonymous_requests_per_source_per_minute: u32,
    /// Sign-ins one source may try per minute; 0: no limit.
    #[arg(long, value_name = "N", default_value_t = workervoice_hub::TrafficLimits::default().sign_ins_per_source_per_minute)]
    sign_ins_per_source_per_minute: u32,
    /// Count requests by the last X-Forwarded-For address: only behind a
    /// reverse proxy that sets it (without it, a local proxy's requests are not limited).
    #[arg(long)]
    source_from_forwarded_for: bool,
    /// A token that lets a scraper off this machine read /metrics (Bearer);
    /// without it only loopback may. Prefer the environment variable.
    #[arg(long, value_name = "TOKEN", env = "WORKERVOICE_HUB_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// /readyz fails when the data directory's file system has no more free bytes than this.
    #[arg(long, value_name = "BYTES", default_value_t = workervoice_hub::DEFAULT_MIN_FREE_BYTES)]
    min_free_bytes: u64,
    /// Delete closed cases (keys, events, audit, attachments) this many days
    /// after their last activity; without it they are kept.
    #[arg(long, value_name = "DAYS")]
    retain_closed_cases_days: Option<u64>,
    /// Drop the partial bytes of attachments never completed, this many days after their case arrived.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    retain_abandoned_uploads_days: u64,
    /// Delete wrong-token and login back-off rows older than this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    retain_failure_rows_days: u64,
    /// Delete sessions that ended more than this many days ago.
    #[arg(long, value_name = "DAYS", default_value_t = 1)]
    retain_ended_sessions_days: u64,
    /// Seconds between two passes that escalate cases past their deadline.
    #[arg(long, value_name = "SECS", default_value_t = workervoice_hub::DEFAULT_ESCALATION_INTERVAL.as_secs())]
    escalation_interval: u64,
    /// Serve the built console (`npm run build` in console/ makes
    /// console/dist) at `/`, same origin as the API (ADR 0018).
    #[arg(long, value_name = "DIR", env = "WORKERVOICE_HUB_CONSOLE_DIR")]
    console_dir: Option<PathBuf>,
    #[command(flatten)]
    smtp: SmtpArgs,
}

/// E-mail notifications to readers (ADR 0023): off unless --smtp-host is given.
#[derive(Args, Clone)]
struct SmtpArgs {
    /// SMTP server to send readers' notifications through (without it the hub sends none).
    #[arg(long, value_name = "HOST", env = "WORKERVOICE_HUB_SMTP_HOST", requires = "smtp_from")]
    smtp_host: Option<String>,
    /// SMTP port (default: 587 for starttls, 465 for tls, 25 for plain).
    #[arg(long, value_name = "PORT", env = "WORKERVOICE_HUB_SMTP_PORT")]
    smtp_port: Option<u16>,
    /// How the connection is protected: starttls (required, never plain), tls
    /// (implicit, SMTPS), or plain (a server on loopback only).
    #[arg(long, value_name = "MODE", default_value = "starttls", env = "WORKERVOICE_HUB_SMTP_SECURITY",
          value_parser = ["starttls", "tls", "plain"])]
    smtp_security: String,
    /// The From: address, e.g. "Worker Voice <noreply@example.org>".
    #[arg(long, value_name = "ADDRESS", env = "WORKERVOICE_HUB_SMTP_FROM")]
    smtp_from: Option<String>,
    /// SMTP user name, if the server wants one.
    #[arg(long, value_name = "NAME", env = "WORKERVOICE_HUB_SMTP_USERNAME", requires = "smtp_host")]
    smtp_username: Option<String>,
    /// A file holding the SMTP password (its first line). Or set
    /// WORKERVOICE_HUB_SMTP_PASSWORD; never on the command line.
    #[arg(long, value_name = "FILE", env = "WORKERVOICE_HUB_SMTP_PASSWORD_FILE", requires = "smtp_username")]
    smtp_password_file: Option<PathBuf>,
    /// A PEM file of the CA that signed the SMTP server's certificate (then only it is trusted).
    #[arg(long, value_name = "PEM", env = "WORKERVOICE_HUB_SMTP_CA")]
    smtp_ca: Option<PathBuf>,
    /// At most one notification per reader per this many minutes.
    #[arg(long, value_name = "MINUTES", default_value_t = 15, env = "WORKERVOICE_HUB_NOTIFY_DIGEST_MINUTES")]
    notify_digest_minutes: u64,
    /// Test harnesses only: the digest interval in seconds (overrides the minutes).
    #[arg(long, value_name = "SECS", hide = true)]
    notify_digest_seconds: Option<u64>,
}

impl SmtpArgs {
    /// The notification settings, or `None` without --smtp-host. The
    /// password comes from the file or the environment, never argv.
    fn notifications(&self) -> anyhow::Result<Option<workervoice_hub::Notifications>> {
        let Some(host) = &self.smtp_host else { return Ok(None) };
        let security = match self.smtp_security.as_str() {
            "tls" => workervoice_hub::SmtpSecurity::ImplicitTls,
            "plain" => workervoice_hub::SmtpSecurity::PlainLoopbackOnly,
            _ => workervoice_hub::SmtpSecurity::StartTls,
        };
        let port = self.smtp_port.unwrap_or(match security {
            workervoice_hub::SmtpSecurity::StartTls => 587,
            workervoice_hub::SmtpSecurity::ImplicitTls => 465,
            workervoice_hub::SmtpSecurity::PlainLoopbackOnly => 25,
        });
        let credentials = match &self.smtp_username {
            None => None,
            Some(username) => {
                let password = match &self.smtp_password_file {
                    Some(path) => {
                        let text = zeroize::Zeroizing::new(
                            std::fs::read_to_string(path)
                                .with_context(|| format!("reading the SMTP password file {}", path.display()))?,
                        );
                        zeroize::Zeroizing::new(text.lines().next().unwrap_or_default().to_owned())
                    }
                    None => zeroize::Zeroizing::new(std::env::var("WORKERVOICE_HUB_SMTP_PASSWORD").context(
                        "--smtp-username needs a password: --smtp-password-file or WORKERVOICE_HUB_SMTP_PASSWORD",
                    )?),
                };
                Some(workervoice_hub::SmtpCredentials { username: username.clone(), password })
            }
        };
        let digest = std::time::Duration::from_secs(
            self.notify_digest_seconds.unwrap_or(self.notify_digest_minutes.max(1).saturating_mul(60)),
        );
        Ok(Some(workervoice_hub::Notifications {
            digest_interval: digest,
            ..workervoice_hub::Notifications::new(workervoice_hub::SmtpServer {
                host: host.clone(),
                port,
                security,
                from: self.smtp_from.clone().unwrap_or_default(),
                credentials,
                ca_pem: self.smtp_ca.clone(),
                timeout: workervoice_hub::DEFAULT_SMTP_TIMEOUT,
            })
        }))
    }
}

impl ServeArgs {
    fn config(&self) -> anyhow::Result<HubConfig> {
        let tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert_pem), Some(key_pem)) => Some(TlsFiles { cert_pem: cert_pem.clone(), key_pem: key_pem.clone() }),
            _ => None,
        };
        Ok(HubConfig {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            listen: self.listen,
            tls,
            admin_token: self.admin_token.clone(),
            pin_iterations: self.pin_iterations,
            max_pin_attempts: self.max_pin_attempts,
            allow_plain_http_off_loopback: self.allow_plain_http_off_loopback,
            public_url: self.public_url.clone(),
            escalation_interval: std::time::Duration::from_secs(self.escalation_interval),
            seed_demo_admin: self.demo || self.demo_admin,
            calendar_offset_secs: self.calendar_offset_days.saturating_mul(86_400),
            staff_session_absolute: workervoice_hub::DEFAULT_STAFF_SESSION_ABSOLUTE,
            staff_session_idle: workervoice_hub::DEFAULT_STAFF_SESSION_IDLE,
            limits: workervoice_hub::TrafficLimits {
                max_connections: self.max_connections,
                header_read_timeout: std::time::Duration::from_secs(self.header_read_timeout),
                request_timeout: std::time::Duration::from_secs(self.request_timeout),
                attachment_bytes_per_day: self.attachment_bytes_per_day,
                max_report_attachments: self.max_report_attachments,
                max_attachment_bytes: self.max_attachment_bytes,
                max_report_attachment_bytes: self.max_report_attachment_bytes,
                anonymous_requests_per_source_per_minute: self.anonymous_requests_per_source_per_minute,
                sign_ins_per_source_per_minute: self.sign_ins_per_source_per_minute,
                source_from_forwarded_for: self.source_from_forwarded_for,
            },
            programme_public_key: self
                .programme_public_key
                .as_deref()
                .map(|text| {
                    workervoice_protocol::b64::decode(text.trim())
                        .context("--programme-public-key is not base64 (32 bytes, as wv-keyholder init printed it)")
                })
                .transpose()?,
            demo_key_holder: self.demo_key_holder(),
            console_dir: self.console_dir.clone(),
            metrics_token: self.metrics_token.clone(),
            min_free_bytes: self.min_free_bytes,
            retention: workervoice_hub::Retention {
                closed_cases: self.retain_closed_cases_days.map(days),
                abandoned_uploads: Some(days(self.retain_abandoned_uploads_days)),
                failure_rows: days(self.retain_failure_rows_days),
                ended_sessions: days(self.retain_ended_sessions_days),
                ..workervoice_hub::Retention::default()
            },
            notifications: self.smtp.notifications()?,
            sqlite_readers: HubConfig::DEFAULT_SQLITE_READERS,
        })
    }

    /// The demo's stand-in key holder: its own folder beside the data
    /// directory, never inside it.
    fn demo_key_holder(&self) -> Option<DemoKeyHolder> {
        let dir = match (&self.demo_keyholder_dir, self.demo) {
            (Some(dir), _) => dir.clone(),
            (None, true) => self.data_dir.parent().unwrap_or_else(|| std::path::Path::new(".")).join("demo-keyholder"),
            (None, false) => return None,
        };
        Some(DemoKeyHolder { dir, sign_automatically: true })
    }
}

/// `n` days as a duration.
fn days(n: u64) -> std::time::Duration {
    std::time::Duration::from_secs(n.saturating_mul(86_400))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Serve(args)) => *args,
        Some(Command::PublishPack(args)) => return publish_pack(&args),
        Some(Command::Backup(args)) => {
            if args.database_url.is_some() {
                eprintln!(
                    "The hub's tables are in PostgreSQL: back them up with pg_dump or continuous archiving \
                     (point-in-time recovery). This backup holds the data directory: the hub secret, keys, \
                     tokens and attachment files, which go with that database backup."
                );
            }
            return report(
                "backup",
                workervoice_hub::backup_with(&args.data_dir, &args.out, args.database_url.as_deref()),
            );
        }
        Some(Command::Restore(args)) => {
            return report(
                "restore",
                workervoice_hub::restore_with(&args.from, &args.data_dir, args.database_url.as_deref()),
            );
        }
        None => cli.serve,
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
        .and_then(|runtime| runtime.block_on(serve(args)));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("workervoice-hub: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// `backup` and `restore`: one line of JSON (file count and bytes) on
/// success, the reason on stderr otherwise.
fn report(command: &str, outcome: anyhow::Result<workervoice_hub::BackupManifest>) -> ExitCode {
    match outcome {
        Ok(manifest) => {
            let bytes: u64 = manifest.files.iter().map(|file| file.size).sum();
            println!(
                "{}",
                serde_json::json!({"files": manifest.files.len(), "bytes": bytes, "created_at": manifest.created_at})
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("workervoice-hub {command}: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// `publish-pack`: prints one line of JSON describing what was published.
fn publish_pack(args: &PublishPackArgs) -> ExitCode {
    let assignment = if args.factories.is_empty() {
        workervoice_hub::PackAssignment::AllFactories
    } else {
        workervoice_hub::PackAssignment::Factories(args.factories.clone())
    };
    let outcome =
        workervoice_hub::publish_pack_to(&args.data_dir, args.database_url.as_deref(), &args.folder, &assignment)
            .and_then(|published| Ok(serde_json::to_string(&published)?));
    match outcome {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("workervoice-hub publish-pack: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let shutdown = shutdown_signal()?;
    let hub = start(args.config()?).await?;
    let demo = if args.demo { Some(seed_demo(&hub).await?) } else { None };
    if args.ready_json {
        let line = serde_json::to_string(&ReadyLine {
            url: &hub.base_url,
            admin_token: &hub.admin_token,
            staff_token: hub.staff_token.as_deref(),
            demo_admin: hub.demo_admin.as_ref(),
            demo: demo.as_ref(),
        })?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{line}")?;
        stdout.flush()?;
    }
    let text = match &demo {
        Some(seed) => demo_text(&hub, seed, args.console_dir.is_some()),
        None => format!(
            "Worker Voice hub listening at {}\nAdmin token: {}\n",
            hub.base_url,
            match &args.admin_token {
                Some(_) => "as given".to_owned(),
                None => format!("in {}", args.data_dir.join("admin-token").display()),
            }
        ),
    };
    if args.ready_json {
        eprint!("{text}");
    } else {
        print!("{text}");
        std::io::stdout().flush()?;
    }
    shutdown.await;
    tracing::info!("shutting down");
    hub.shutdown().await;
    Ok(())
}

/// The `--ready-json` line, fields in this order.
#[derive(serde::Serialize)]
struct ReadyLine<'a> {
    url: &'a str,
    admin_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    staff_token: Option<&'a str>,
    /// How the demo programme admin signs in (the console's browser tests use it).
    #[serde(skip_serializing_if = "Option::is_none")]
    demo_admin: Option<&'a workervoice_hub::DemoStaffLogin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    demo: Option<&'a DemoSeed>,
}

/// The demo programme, for a person at a terminal.
fn demo_text(hub: &RunningHub, seed: &DemoSeed, console: bool) -> String {
    let mut text = String::new();
    let mut line = |s: String| {
        text.push_str(&s);
        text.push('\n');
    };
    line("Worker Voice hub — demo programme".to_owned());
    line(format!("  Hub URL:      {}", hub.base_url));
    if console {
        line(format!("  Staff console: {}/ (sign in with the login, password and TOTP code below)", hub.base_url));
    }
    if let Some(admin) = &hub.demo_admin {
        line(format!(
            "  Staff sign-in (programme admin): POST {}/staff/v1/login with login, password and TOTP code",
            hub.base_url
        ));
        line(format!("      login {}  password {}", admin.login, admin.password));
        line(format!(
            "      TOTP secret {} (add it to an authenticator app; the demo derives it from the hub secret)",
            admin.totp_secret_base32
        ));
        line(format!("      a code from a shell: oathtool --totp -b {}", admin.totp_secret_base32));
    }
    line(format!(
        "  Factory:      {} ({}){}",
        seed.factory_name,
        seed.factory_id,
        if seed.created { "" } else { " — already seeded, reused" }
    ));
    line(format!("  Join code:    {}  (self-registration is on)", seed.join_code));
    line(String::new());
    line("Enrolment codes (one-time):".to_owned());
    for (label, code) in [("personal phone", &seed.personal_code), ("shared tablet ", &seed.shared_code)] {
        line(format!("  {label}  {}  (expires {})", code.code, format_time(code.expires_at)));
        line(format!("      QR: {}", code.qr_payload));
    }
    line(String::new());
    line("Workers (number, name, language, activation code):".to_owned());
    for worker in seed.workers() {
        let code = worker.activation_code.unwrap_or_else(|| "— PIN already set".to_owned());
        line(format!(
            "  {} {} {} {code}",
            pad(&worker.worker_number, 6),
            pad(&worker.display_name, 18),
            pad(&worker.language, 6)
        ));
    }
    line(String::new());
    line(format!("Programme {} — public key (pin it in the apps):", seed.programme_id));
    line(format!("  {}", seed.programme_public_key));
    line(format!("Recipient directory: version {}", seed.directory_version));
    match &seed.key_holder_dir {
        Some(dir) => line(format!(
            "The demo signs as the programme's key holder, with the key in {dir} (not in the hub's data \
             directory); a real programme signs with wv-keyholder on its own machine."
        )),
        None => line("What the demo proposed waits for the key holder: wv-keyholder pending / sign.".to_owned()),
    }
    line(String::new());
    line(
        "Case handlers and the analyst (their keys were made by the demo playing their client; sign in with \
         the reader's client, e.g. WV_HANDLER_PASSWORD=<password> wv-handler --hub <url> --handler <id> cases):"
            .to_owned(),
    );
    for handler in &seed.handlers {
        line(format!("  {} {}", pad(handler.route.as_str(), 20), handler.name));
        line(format!("      id {}  password {}", handler.handler_id, handler.password));
    }
    line(String::new());
    line(
        "Activation codes are shown once. On a re-run, workers who have not set a PIN get a new code \
         (the old one stops working); workers who have keep their PIN."
            .to_owned(),
    );
    text
}

/// Pads `text` to `columns` terminal columns, counting East Asian wide
/// characters (CJK, Hangul, full-width forms) as two columns.
fn pad(text: &str, columns: usize) -> String {
    let width: usize = text
        .chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum();
    format!("{text}{}", " ".repeat(columns.saturating_sub(width)))
}

fn format_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|time| time.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| unix.to_string())
}

/// A future that resolves on Ctrl-C or, on Unix, SIGTERM. The handlers are
/// registered here, when it is created — before the hub says it is ready —
/// so a signal sent right after the ready line stops the hub cleanly instead
/// of killing it by the default action.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
    }
}
