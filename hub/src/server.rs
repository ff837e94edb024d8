//! Starting and stopping a hub: open the data directory, bind, build the
//! router, serve (plain HTTP or TLS) on the current tokio runtime.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use tokio::task::JoinHandle;
use workervoice_protocol::{MAX_BODY_BYTES, auth, paths};

use crate::case_handlers::sessions::Sessions;
use crate::cases::escalation::{EscalationReport, escalate_due};
use crate::clock::unix_now;
use crate::config::HubConfig;
use crate::db::Db;
use crate::extract::{unknown_route, wrong_method};
use crate::keys::{HubKeys, load_or_create_admin_token};
use crate::state::{AppState, SharedState};
use crate::{admin, case_handlers, cases, content, directory, enrol, tls, training};

/// How long [`RunningHub::shutdown`] lets requests in flight finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// A hub serving on the tokio runtime it was started on.
pub struct RunningHub {
    /// Where to reach it, e.g. `http://127.0.0.1:40123` (`https://` with TLS).
    /// A wildcard listen address is reported as loopback.
    pub base_url: String,
    /// The staff bearer token.
    pub admin_token: String,
    /// The address it actually listens on (with the port picked for port 0).
    pub local_addr: SocketAddr,
    state: AppState,
    handle: Handle<SocketAddr>,
    task: JoinHandle<std::io::Result<()>>,
    escalation: JoinHandle<()>,
}

impl std::fmt::Debug for RunningHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningHub").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl RunningHub {
    /// Stops accepting connections, lets requests in flight finish (up to a
    /// grace period), and waits for the server to stop.
    pub async fn shutdown(self) {
        self.escalation.abort();
        self.handle.graceful_shutdown(Some(SHUTDOWN_GRACE));
        match self.task.await {
            Ok(Ok(())) => tracing::info!("hub stopped"),
            Ok(Err(error)) => tracing::error!(%error, "hub stopped with an error"),
            Err(error) => tracing::error!(%error, "hub task failed"),
        }
    }

    /// Runs one escalation pass as if the time were `now` (unix seconds):
    /// every case nobody acknowledged by its deadline moves to the next route
    /// its worker allowed. The hub does this by itself every
    /// [`HubConfig::escalation_interval`] with the real time; tests call it
    /// with a time of their choosing.
    pub async fn escalate_due(&self, now: i64) -> anyhow::Result<EscalationReport> {
        escalate_due(&self.state, now).await.map_err(|error| anyhow::anyhow!("escalation failed: {error}"))
    }

    /// Moves the hub's calendar (survey dates, "N days after an event") by
    /// `secs` from the system clock, so a test can be five days later
    /// without waiting. Signatures and sessions keep the real clock.
    pub fn set_calendar_offset(&self, secs: i64) {
        self.state.calendar_offset.store(secs, std::sync::atomic::Ordering::Relaxed);
    }

    /// The shared state, for seeding.
    pub(crate) fn state(&self) -> &AppState {
        &self.state
    }
}

/// Opens the data directory, binds `config.listen` and spawns the server on
/// the current tokio runtime. Returns once the socket is listening.
///
/// Fails, without touching any existing file, when the configuration is
/// unsafe (plain HTTP off loopback), the database is unreadable or from a
/// newer hub, the hub secret is damaged, or the TLS files do not load.
pub async fn start(config: HubConfig) -> anyhow::Result<RunningHub> {
    let plain_off_loopback = config.validate()?;
    if plain_off_loopback {
        tracing::warn!(
            listen = %config.listen,
            "serving plain HTTP off loopback: a reverse proxy in front must terminate TLS"
        );
    }
    let data_dir = config.data_dir.clone();
    let configured_token = config.admin_token.clone();
    let start_config = config.clone();
    let (keys, (programme, demo_signer), db, admin_token) =
        tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            create_private_dir(&data_dir)?;
            let keys = HubKeys::load_or_create(&data_dir)?;
            let programme = crate::programme::at_start(&start_config)?;
            let db = Db::open(&data_dir)?;
            let admin_token = load_or_create_admin_token(&data_dir, configured_token.as_deref())?;
            Ok((keys, programme, db, admin_token))
        })
        .await
        .context("the start-up task failed")??;
    let tls_config = config.tls.as_ref().map(tls::server_config).transpose()?;

    let listener = std::net::TcpListener::bind(config.listen).with_context(|| format!("binding {}", config.listen))?;
    listener.set_nonblocking(true).context("configuring the listening socket")?;
    let local_addr = listener.local_addr().context("reading the bound address")?;
    let base_url = base_url(if tls_config.is_some() { "https" } else { "http" }, local_addr);
    let public_url = config.public_url.as_deref().unwrap_or(&base_url).trim_end_matches('/').to_owned();

    let state = AppState::new(SharedState {
        db,
        keys,
        programme,
        demo_signer,
        sessions: Sessions::default(),
        data_dir: config.data_dir.clone(),
        admin_token: admin_token.clone(),
        public_url,
        pin_iterations: config.pin_iterations,
        max_pin_attempts: config.max_pin_attempts,
        calendar_offset: std::sync::atomic::AtomicI64::new(0),
    });
    crate::proposals::at_start(&state).await?;
    let app = router(state.clone()).into_make_service();
    let handle = Handle::new();
    let task = match tls_config {
        Some(tls_config) => {
            let server = axum_server::from_tcp_rustls(listener, RustlsConfig::from_config(tls_config))
                .context("serving TLS on the listening socket")?
                .handle(handle.clone());
            tokio::spawn(server.serve(app))
        }
        None => {
            let server =
                axum_server::from_tcp(listener).context("serving on the listening socket")?.handle(handle.clone());
            tokio::spawn(server.serve(app))
        }
    };
    let escalation = tokio::spawn(run_escalation(state.clone(), config.escalation_interval));
    tracing::info!(%local_addr, tls = config.tls.is_some(), "hub listening");
    Ok(RunningHub { base_url, admin_token, local_addr, state, handle, task, escalation })
}

/// Every route, with JSON errors for unknown routes and wrong methods, the
/// protocol's body limit, and a log line per request.
fn router(state: AppState) -> Router {
    Router::new()
        .route(paths::HEALTH, get(health))
        .merge(enrol::routes())
        .merge(crate::auth::routes())
        .merge(admin::routes(state.clone()))
        .merge(directory::routes())
        .merge(content::routes())
        .merge(training::routes())
        .merge(crate::surveys::routes())
        .merge(cases::routes())
        .merge(case_handlers::routes())
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

async fn health() -> axum::Json<auth::Ok> {
    axum::Json(auth::Ok { ok: true })
}

/// Every `period`: escalates overdue cases and drops expired handler
/// sessions. A failed pass is logged and retried at the next tick.
async fn run_escalation(state: AppState, period: Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let now = unix_now();
        state.sessions.purge_expired(now);
        if let Err(error) = escalate_due(&state, now).await {
            tracing::error!(%error, "escalation pass failed");
        }
    }
}

/// Logs method, route template and status only: never the concrete path
/// (admin paths hold worker numbers, case paths case ids), a body, a header,
/// a token or a code — and never the peer address.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        route = route.as_deref().unwrap_or("<unmatched>"),
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// `scheme://addr`, with a wildcard address replaced by loopback.
fn base_url(scheme: &str, addr: SocketAddr) -> String {
    let mut reachable = addr;
    if addr.ip().is_unspecified() {
        reachable.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    format!("{scheme}://{reachable}")
}

/// Creates the data directory, readable only by the hub's user when it is new.
fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).with_context(|| format!("creating the data directory {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_addresses_are_reported_as_loopback() {
        assert_eq!(base_url("http", "0.0.0.0:8787".parse().unwrap()), "http://127.0.0.1:8787");
        assert_eq!(base_url("https", "[::]:443".parse().unwrap()), "https://[::1]:443");
        assert_eq!(base_url("http", "10.1.2.3:80".parse().unwrap()), "http://10.1.2.3:80");
    }
}
