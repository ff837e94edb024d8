//! Starting and stopping a hub: open the data directory, bind, build the
//! router, serve (plain HTTP or TLS) on the current tokio runtime.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum_server::Handle;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use tokio::task::JoinHandle;
use workervoice_protocol::{MAX_BODY_BYTES, auth, paths};

use crate::cases::escalation::{EscalationReport, escalate_due};
use crate::clock::unix_now;
use crate::config::HubConfig;
use crate::db::Db;
use crate::extract::wrong_method;
use crate::keys::{HubKeys, load_or_create_admin_token};
use crate::limits::{ConnectionLimit, TrafficLimits, body_limit, request_timeout};
use crate::metrics::Metrics;
use crate::rate_limit::{SourceLimiter, rate_limit};
use crate::state::{AppState, SharedState};
use crate::{admin, case_handlers, cases, content, directory, enrol, tls, training};

/// How long [`RunningHub::shutdown`] lets requests in flight finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// A hub serving on the tokio runtime it was started on.
pub struct RunningHub {
    /// Where to reach it, e.g. `http://127.0.0.1:40123` (`https://` with TLS).
    /// A wildcard listen address is reported as loopback.
    pub base_url: String,
    /// The bootstrap admin token: it can only `POST /admin/v1/bootstrap`,
    /// and only while no programme admin exists.
    pub admin_token: String,
    /// With [`HubConfig::seed_demo_admin`]: a session token of the demo
    /// programme admin, for harnesses (`Authorization: Bearer`).
    pub staff_token: Option<String>,
    /// With [`HubConfig::seed_demo_admin`]: how the demo programme admin signs in.
    pub demo_admin: Option<crate::staff::DemoStaffLogin>,
    /// The address it actually listens on (with the port picked for port 0).
    pub local_addr: SocketAddr,
    state: AppState,
    handle: Handle<SocketAddr>,
    task: JoinHandle<std::io::Result<()>>,
    escalation: JoinHandle<()>,
    retention: JoinHandle<()>,
    /// The notification task, when an SMTP server is configured.
    notifications: Option<JoinHandle<()>>,
    retention_policy: crate::retention::Retention,
    /// Held while this hub serves on SQLite: a second hub on the same data
    /// directory is refused at start. Released when the hub is shut down or
    /// dropped. On PostgreSQL several hub processes may share a data
    /// directory (its secret and files) and the database, so none is taken.
    _data_dir_lock: Option<crate::data_dir::DataDirLock>,
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
        self.retention.abort();
        if let Some(notifications) = &self.notifications {
            notifications.abort();
        }
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

    /// Runs one retention pass now, by the hub's calendar clock (which
    /// [`set_calendar_offset`](Self::set_calendar_offset) moves): deletes
    /// what the configured [`Retention`](crate::Retention) says is due. The
    /// hub does this by itself every [`Retention::interval`](crate::Retention::interval).
    pub async fn apply_retention(&self) -> anyhow::Result<crate::retention::RetentionReport> {
        let now = self.state.calendar_now();
        crate::retention::apply(&self.state, self.retention_policy, now)
            .await
            .map_err(|error| anyhow::anyhow!("retention pass failed: {error}"))
    }

    /// Moves the hub's calendar (survey dates, "N days after an event") by
    /// `secs` from the system clock, so a test can be five days later
    /// without waiting. Signatures and sessions keep the real clock.
    pub fn set_calendar_offset(&self, secs: i64) {
        self.state.calendar_offset.store(secs, std::sync::atomic::Ordering::Relaxed);
    }

    /// Caps the database at `pages` pages, as if the disk were that small,
    /// and returns the cap in force (SQLite never goes below the current
    /// size). For tests of a full disk; `u32::MAX` lifts it.
    #[doc(hidden)]
    pub async fn limit_database_pages(&self, pages: u64) -> anyhow::Result<u64> {
        self.state.db.limit_pages(pages).await.map_err(|error| anyhow::anyhow!("setting the page limit: {error}"))
    }

    /// Every route this hub's router serves, as `METHOD path`: for the test
    /// that holds the OpenAPI description to the router.
    #[doc(hidden)]
    pub fn served_routes(&self) -> std::collections::BTreeSet<String> {
        served_routes(self.state.clone())
    }

    /// Holds the database's writer in an open write transaction for
    /// `hold`, as a long batch of writes would, and returns once it is held;
    /// the returned task ends when the transaction is committed. For tests
    /// that reads go on meanwhile.
    #[doc(hidden)]
    pub async fn hold_writer(&self, hold: Duration) -> anyhow::Result<JoinHandle<anyhow::Result<()>>> {
        let (held, is_held) = tokio::sync::oneshot::channel();
        let db = self.state.db.clone();
        let task = tokio::spawn(async move {
            db.hold_writer(hold, held).await.map_err(|error| anyhow::anyhow!("holding the writer: {error}"))
        });
        is_held.await.context("the writer was not taken")?;
        Ok(task)
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
    let (data_dir_lock, keys, (programme, demo_signer), db, admin_token, dummy_hash) =
        tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            // Locked before anything in the directory is read or changed.
            crate::data_dir::create_private_dir(&data_dir)
                .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
            let data_dir_lock = match start_config.database_url {
                None => Some(crate::data_dir::DataDirLock::acquire(&data_dir)?),
                Some(_) => None,
            };
            crate::data_dir::secure(&data_dir)?;
            let mut connection = crate::db::open_database(&data_dir, start_config.database_url.as_deref())?;
            let keys = HubKeys::load_for_database(&data_dir, &connection)?;
            cases::attachments::move_chunk_rows_to_files(&data_dir, &mut connection)?;
            crate::retention::sweep_at_start(&data_dir, &connection)?;
            // Refuses a private programme key in the data directory and
            // pins the public key (ADR 12).
            let programme = crate::programme::at_start(&start_config)?;
            let db = Db::new(connection, &data_dir, start_config.database_url.as_deref(), start_config.sqlite_readers)?;
            let admin_token = load_or_create_admin_token(&data_dir, configured_token.as_deref())?;
            // Unknown staff logins are checked against this, to cost what real ones do.
            let dummy_hash = crate::staff::passwords::dummy_hash(&keys)
                .map_err(|error| anyhow::anyhow!("preparing staff logins: {error}"))?;
            Ok((data_dir_lock, keys, programme, db, admin_token, dummy_hash))
        })
        .await
        .context("the start-up task failed")??;
    let tls_config = config.tls.as_ref().map(tls::server_config).transpose()?;
    // Prepared before listening: a CA file that does not load stops the start.
    let mailer = config
        .notifications
        .as_ref()
        .map(|settings| crate::notifications::mail::Mailer::new(&settings.smtp))
        .transpose()?;
    let console = std::sync::Arc::new(match &config.console_dir {
        Some(dir) => crate::console_assets::ConsoleAssets::load(dir)?,
        None => crate::console_assets::ConsoleAssets::none(),
    });
    if let Some(build) = console.build_hash() {
        tracing::info!(build, files = console.file_count(), "serving the console at /");
    }

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
        data_dir: config.data_dir.clone(),
        admin_token: admin_token.clone(),
        staff: crate::staff::StaffSettings {
            dummy_hash,
            session_idle_secs: i64::try_from(config.staff_session_idle.as_secs()).unwrap_or(i64::MAX),
            session_absolute_secs: i64::try_from(config.staff_session_absolute.as_secs()).unwrap_or(i64::MAX),
        },
        public_url,
        pin_iterations: config.pin_iterations,
        max_pin_attempts: config.max_pin_attempts,
        attachment_bytes_per_day: config.limits.attachment_bytes_per_day,
        limits: config.limits,
        retention: config.retention,
        calendar_offset: std::sync::atomic::AtomicI64::new(config.calendar_offset_secs),
        notifications: config.notifications.clone(),
        directories: std::sync::Arc::default(),
        intake: std::sync::Arc::default(),
    });
    let (staff_token, demo_admin) = if config.seed_demo_admin {
        let admin = crate::staff::accounts::ensure_demo_admin(&state).await?;
        let login = crate::staff::DemoStaffLogin {
            login: admin.login,
            password: admin.password,
            totp_secret_base32: admin.totp_secret_base32,
        };
        (Some(admin.session_token), Some(login))
    } else {
        (None, None)
    };
    crate::proposals::at_start(&state).await?;
    let limits = config.limits;
    let connection_limit = ConnectionLimit::new(limits.max_connections);
    let metrics = Arc::new(Metrics::new(
        Arc::clone(&connection_limit.refused),
        connection_limit.open_counter(),
        config.metrics_token.clone(),
        config.min_free_bytes,
    ));
    // The peer address reaches only the rate limiter and the metrics
    // route's loopback check, which keep no address.
    let app = router(state.clone(), limits, console, metrics).into_make_service_with_connect_info::<SocketAddr>();
    let handle = Handle::new();
    let mut server = axum_server::from_tcp(listener).context("serving on the listening socket")?.handle(handle.clone());
    server
        .http_builder()
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let task = match tls_config {
        Some(tls_config) => {
            let acceptor = RustlsAcceptor::new(RustlsConfig::from_config(tls_config)).acceptor(connection_limit);
            tokio::spawn(server.acceptor(acceptor).serve(app))
        }
        None => tokio::spawn(server.acceptor(connection_limit).serve(app)),
    };
    let escalation = tokio::spawn(run_escalation(state.clone(), config.escalation_interval));
    let retention = tokio::spawn(run_retention(state.clone(), config.retention));
    let notifications = match (mailer, config.notifications.clone()) {
        (Some(mailer), Some(settings)) => {
            tracing::info!(
                digest_minutes = settings.digest_minutes(),
                security = ?settings.smtp.security,
                "sending e-mail notifications to readers who ask for them"
            );
            Some(tokio::spawn(crate::notifications::outbox::run(state.clone(), mailer, settings)))
        }
        _ => None,
    };
    tracing::info!(%local_addr, tls = config.tls.is_some(), "hub listening");
    Ok(RunningHub {
        base_url,
        admin_token,
        staff_token,
        demo_admin,
        local_addr,
        state,
        handle,
        task,
        escalation,
        retention,
        notifications,
        retention_policy: config.retention,
        _data_dir_lock: data_dir_lock,
    })
}

/// Every route, with JSON errors for unknown routes and wrong methods, each
/// route's body limit (under the protocol's ceiling), and a log line per
/// request.
fn router(
    state: AppState,
    limits: TrafficLimits,
    console: Arc<crate::console_assets::ConsoleAssets>,
    metrics: Arc<Metrics>,
) -> Router {
    let (ready_state, ready_metrics) = (state.clone(), Arc::clone(&metrics));
    let (metrics_state, metrics_for_route) = (state.clone(), Arc::clone(&metrics));
    Router::new()
        .route(paths::HEALTH, get(health))
        .route(crate::metrics::HEALTHZ, get(crate::metrics::healthz))
        .route(
            crate::metrics::READYZ,
            get(move || crate::metrics::readyz(ready_state.clone(), Arc::clone(&ready_metrics))),
        )
        .route(
            crate::metrics::METRICS,
            get(move |request: Request| {
                crate::metrics::metrics(metrics_state.clone(), Arc::clone(&metrics_for_route), request)
            }),
        )
        .route(crate::openapi::OPENAPI_PATH, get(crate::openapi::serve))
        .merge(enrol::routes())
        .merge(crate::auth::routes())
        .merge(admin::routes(state.clone()))
        .merge(directory::routes())
        .merge(content::routes())
        .merge(training::routes())
        .merge(crate::surveys::routes())
        .merge(cases::routes())
        .merge(case_handlers::routes())
        .merge(crate::notifications::routes())
        .merge(crate::staff::routes())
        .merge(crate::staff::console::routes())
        // Unknown API paths stay JSON `not_found`; other paths are the console's.
        .fallback(move |request| crate::console_assets::fallback(console.clone(), request))
        .method_not_allowed_fallback(wrong_method)
        .layer(middleware::map_response(no_store_unless_said))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(body_limit))
        .layer(middleware::from_fn_with_state(Arc::new(SourceLimiter::new(&limits, &state.db)), rate_limit))
        .layer(middleware::from_fn(move |request, next| request_timeout(limits.request_timeout, request, next)))
        .layer(middleware::from_fn(move |request, next| log_request(Arc::clone(&metrics), request, next)))
        .with_state(state)
}

/// Answers are not to be kept by a browser or a proxy unless the route says
/// otherwise (content blobs and the console's hashed assets do): a reader's
/// case list, an audit log or a staff page has no business in a cache.
async fn no_store_unless_said(mut response: Response) -> Response {
    if !response.headers().contains_key(axum::http::header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    }
    response
}

async fn health() -> axum::Json<auth::Ok> {
    axum::Json(auth::Ok { ok: true })
}

/// Every `period`: escalates overdue cases, drops ended staff and reader
/// sessions and, on PostgreSQL, the keys and counts of ended rate-limit
/// windows (`crate::rate_limit`). A failed pass is logged and retried at
/// the next tick.
async fn run_escalation(state: AppState, period: Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let now = unix_now();
        let idle = state.staff.session_idle_secs;
        if let Err(error) =
            state.db.run(move |connection| crate::staff::sessions::purge_ended(connection, now, idle)).await
        {
            tracing::error!(%error, "dropping ended staff sessions failed");
        }
        if state.db.is_postgres()
            && let Err(error) =
                state.db.run(move |connection| Ok(crate::rate_limit::forget_ended_windows(connection, now)?)).await
        {
            tracing::error!(%error, "dropping ended rate-limit windows failed");
        }
        if let Err(error) = escalate_due(&state, now).await {
            tracing::error!(%error, "escalation pass failed");
        }
    }
}

/// Every `policy.interval`: one retention pass by the calendar clock. A
/// failed pass is logged and tried again at the next tick.
async fn run_retention(state: AppState, policy: crate::retention::Retention) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + policy.interval, policy.interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = crate::retention::apply(&state, policy, state.calendar_now()).await {
            tracing::error!(%error, "retention pass failed");
        }
    }
}

/// Logs method, route template and status only: never the concrete path
/// (admin paths hold worker numbers, case paths case ids), a body, a header,
/// a token or a code — and never the peer address. Counts the same in the
/// metrics.
async fn log_request(metrics: Arc<Metrics>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    // Counters only: no identifier, no time of day (crate::metrics).
    metrics.record(&method, route.as_deref(), response.status().as_u16(), started.elapsed());
    // No line, with its fine timestamp, for the requests that must not be
    // dated beside a device's signed ones (ADR 0016), unless the hub failed.
    if route.as_deref().is_some_and(is_unlinkable_route) && !response.status().is_server_error() {
        return response;
    }
    tracing::info!(
        %method,
        route = route.as_deref().unwrap_or("<unmatched>"),
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// The unsigned routes of reports, follow-ups and survey answers.
fn is_unlinkable_route(route: &str) -> bool {
    route.starts_with("/v1/submissions") || route.starts_with("/v1/cases") || route == paths::SURVEYS_RESPONSES
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

/// Every route the router serves as `METHOD path`, read from the router
/// itself, for the test that compares them with the OpenAPI description.
///
/// axum has no API that lists a router's routes; its `Debug` output names
/// each route id's path and allowed methods. If a new axum prints them
/// differently this finds nothing, and the test fails rather than passes.
pub(crate) fn served_routes(state: AppState) -> std::collections::BTreeSet<String> {
    let limits = state.limits;
    let connection_limit = ConnectionLimit::new(limits.max_connections);
    let metrics =
        Arc::new(Metrics::new(Arc::clone(&connection_limit.refused), connection_limit.open_counter(), None, 0));
    let app = router(state, limits, Arc::new(crate::console_assets::ConsoleAssets::none()), metrics);
    let text = format!("{app:?}");
    // The routes proper, not the fallback router after them.
    let text = text.split("fallback_router").next().unwrap_or_default();
    let mut methods = std::collections::BTreeMap::new();
    for piece in text.split("RouteId(").skip(1) {
        let Some((id, rest)) = piece.split_once(')') else { continue };
        if let Some(rest) = rest.strip_prefix(": MethodRouter(")
            && let Some((_, allow)) = rest.split_once("allow_header: Bytes(b\"")
            && let Some((allow, _)) = allow.split_once('"')
        {
            methods.insert(id.to_owned(), allow.to_owned());
        }
    }
    let mut routes = std::collections::BTreeSet::new();
    if let Some((_, paths)) = text.split_once("paths: {") {
        // Entries read `RouteId(N): "/path"`; only this map has `): "`.
        for entry in paths.split("RouteId(").skip(1) {
            let Some((id, rest)) = entry.split_once("): \"") else { continue };
            let Some((path, _)) = rest.split_once('"') else { continue };
            for method in methods.get(id).map(String::as_str).unwrap_or_default().split(',') {
                // axum answers HEAD wherever it answers GET.
                if !method.is_empty() && method != "HEAD" {
                    routes.insert(format!("{method} {path}"));
                }
            }
        }
    }
    routes
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
