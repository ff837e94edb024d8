//! The operator's view: liveness (`/healthz`), readiness (`/readyz`) and
//! counters in the Prometheus text format (`/metrics`), ADR 0014.
//!
//! Every metric is a count or a latency over the whole hub. Labels are a
//! route *template* (`/v1/cases/{case_id}/replies`, never a concrete path),
//! a method from a fixed list and a status code: no device, worker, case or
//! factory id, no per-factory count that could single out a worker, no
//! address. The label sets are therefore finite, whatever clients send.
//!
//! Who may read `/metrics`: a peer on loopback whose request did not pass
//! through a proxy (no `X-Forwarded-For` or `Forwarded` header: a Prometheus
//! on the same machine), or whoever presents the metrics token the operator
//! configured (`--metrics-token`, `Authorization: Bearer`). Everyone else
//! gets `not_found`, as if there were no such route. `/healthz` and
//! `/readyz` are public and say only which check fails, never a number.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Json;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;
use crate::state::AppState;

/// Path of the liveness check: answers while the process serves requests.
pub(crate) const HEALTHZ: &str = "/healthz";
/// Path of the readiness check: the database answers and the disk has room.
pub(crate) const READYZ: &str = "/readyz";
/// Path of the metrics, in the Prometheus text format.
pub(crate) const METRICS: &str = "/metrics";

/// Upper bounds of the latency histogram, in seconds.
const LATENCY_BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// How long the readiness check waits for the database.
const DATABASE_PATIENCE: Duration = Duration::from_secs(2);

/// The hub's counters, shared by the request middleware, the connection
/// limit and the metrics route.
pub(crate) struct Metrics {
    /// (method, route template, status) → requests answered.
    requests: Mutex<BTreeMap<(&'static str, String, u16), u64>>,
    /// Request latencies: one count per bucket of [`LATENCY_BUCKETS`] (not
    /// cumulative), then the overflow.
    latency_buckets: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    latency_sum_micros: AtomicU64,
    /// Connections closed on accept because the limit was reached.
    pub(crate) connections_refused: Arc<AtomicU64>,
    /// Connections open now (the connection limit's permits in use).
    connections_open: Arc<dyn Fn() -> u64 + Send + Sync>,
    /// The token that lets a remote scraper read `/metrics`.
    token: Option<String>,
    /// Free bytes on the data directory's file system below which the hub
    /// is not ready.
    min_free_bytes: u64,
}

impl Metrics {
    pub(crate) fn new(
        connections_refused: Arc<AtomicU64>,
        connections_open: Arc<dyn Fn() -> u64 + Send + Sync>,
        token: Option<String>,
        min_free_bytes: u64,
    ) -> Self {
        Self {
            requests: Mutex::new(BTreeMap::new()),
            latency_buckets: Default::default(),
            latency_sum_micros: AtomicU64::new(0),
            connections_refused,
            connections_open,
            token,
            min_free_bytes,
        }
    }

    /// Counts one answered request.
    pub(crate) fn record(&self, method: &Method, route: Option<&str>, status: u16, elapsed: Duration) {
        let key = (method_label(method), route.unwrap_or("<unmatched>").to_owned(), status);
        *self.requests.lock().unwrap_or_else(std::sync::PoisonError::into_inner).entry(key).or_insert(0) += 1;
        let seconds = elapsed.as_secs_f64();
        let bucket = LATENCY_BUCKETS.iter().position(|bound| seconds <= *bound).unwrap_or(LATENCY_BUCKETS.len());
        self.latency_buckets[bucket].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.latency_sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Whether this request may read the metrics (see the module docs).
    fn may_read(&self, request: &Request) -> bool {
        let headers = request.headers();
        if let (Some(expected), Some(given)) = (&self.token, crate::staff::guard::bearer(headers)) {
            return crate::keys::tokens_match(&given, expected);
        }
        let proxied = headers.contains_key("x-forwarded-for") || headers.contains_key(header::FORWARDED);
        let loopback =
            request.extensions().get::<ConnectInfo<SocketAddr>>().is_some_and(|peer| peer.0.ip().is_loopback());
        loopback && !proxied
    }

    /// The text exposition.
    fn render(&self, free_bytes: Option<u64>) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP workervoice_hub_requests_total Requests answered, by method, route template and status."
        );
        let _ = writeln!(out, "# TYPE workervoice_hub_requests_total counter");
        let requests = self.requests.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        for ((method, route, status), count) in &requests {
            let _ = writeln!(
                out,
                "workervoice_hub_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape_label(route)
            );
        }
        let _ = writeln!(out, "# HELP workervoice_hub_request_duration_seconds Time to answer a request.");
        let _ = writeln!(out, "# TYPE workervoice_hub_request_duration_seconds histogram");
        let mut cumulative = 0u64;
        for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&self.latency_buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "workervoice_hub_request_duration_seconds_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        cumulative += self.latency_buckets[LATENCY_BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(out, "workervoice_hub_request_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}");
        let sum = self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "workervoice_hub_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "workervoice_hub_request_duration_seconds_count {cumulative}");
        let _ = writeln!(out, "# HELP workervoice_hub_connections_open Connections open now.");
        let _ = writeln!(out, "# TYPE workervoice_hub_connections_open gauge");
        let _ = writeln!(out, "workervoice_hub_connections_open {}", (self.connections_open)());
        let _ = writeln!(
            out,
            "# HELP workervoice_hub_connections_refused_total Connections closed on accept at the connection limit."
        );
        let _ = writeln!(out, "# TYPE workervoice_hub_connections_refused_total counter");
        let _ = writeln!(
            out,
            "workervoice_hub_connections_refused_total {}",
            self.connections_refused.load(Ordering::Relaxed)
        );
        if let Some(free) = free_bytes {
            let _ = writeln!(
                out,
                "# HELP workervoice_hub_disk_free_bytes Bytes free for the hub on its data directory's file system."
            );
            let _ = writeln!(out, "# TYPE workervoice_hub_disk_free_bytes gauge");
            let _ = writeln!(out, "workervoice_hub_disk_free_bytes {free}");
        }
        out
    }
}

/// The method as a label from a fixed list, so no client can grow the label set.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

/// Escapes a label value as the text format requires.
fn escape_label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Bytes available to the hub on the file system holding `dir`.
pub(crate) fn free_bytes(dir: &Path) -> std::io::Result<u64> {
    #[cfg(unix)]
    {
        let stat = rustix::fs::statvfs(dir).map_err(std::io::Error::from)?;
        Ok(stat.f_bavail.saturating_mul(stat.f_frsize))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(u64::MAX)
    }
}

/// `GET /healthz`: the process serves requests.
pub(crate) async fn healthz() -> Json<Health> {
    Json(Health { ok: true, checks: BTreeMap::new() })
}

/// The answer of `/healthz` and `/readyz`: `ok` and, for readiness, each
/// check as `"ok"` or `"failing"`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Health {
    ok: bool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    checks: BTreeMap<&'static str, &'static str>,
}

/// `GET /readyz`: 200 when the database answers within two seconds and the
/// data directory's file system has more than the configured free space;
/// 503 otherwise, saying which check fails.
pub(crate) async fn readyz(state: AppState, metrics: Arc<Metrics>) -> Response {
    let database = tokio::time::timeout(
        DATABASE_PATIENCE,
        state.db.run(|connection| {
            connection
                .query_row("SELECT count(*) FROM hub_meta", [], |row| row.get::<_, i64>(0))
                .map_err(ApiError::from)
        }),
    )
    .await
    .is_ok_and(|answer| answer.is_ok());
    let dir = state.data_dir.clone();
    let free = tokio::task::spawn_blocking(move || free_bytes(&dir)).await.ok().and_then(Result::ok);
    let disk = free.is_some_and(|free| free > metrics.min_free_bytes);
    let verdict = |ok: bool| if ok { "ok" } else { "failing" };
    let checks = BTreeMap::from([("database", verdict(database)), ("disk", verdict(disk))]);
    let ok = database && disk;
    if !ok {
        tracing::warn!(database, disk, "not ready");
    }
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(Health { ok, checks })).into_response()
}

/// `GET /metrics`: the counters, to loopback or the metrics token.
pub(crate) async fn metrics(state: AppState, metrics: Arc<Metrics>, request: Request) -> Response {
    if !metrics.may_read(&request) {
        return ApiError::not_found().into_response();
    }
    let dir = state.data_dir.clone();
    let free = tokio::task::spawn_blocking(move || free_bytes(&dir)).await.ok().and_then(Result::ok);
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    (headers, metrics.render(free)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        Metrics::new(Arc::new(AtomicU64::new(3)), Arc::new(|| 2), None, 0)
    }

    #[test]
    fn counts_are_kept_per_route_template_and_status_and_rendered_as_prometheus_text() {
        let metrics = metrics();
        let route = Some("/v1/cases/{case_id}/replies");
        metrics.record(&Method::POST, route, 200, Duration::from_millis(3));
        metrics.record(&Method::POST, route, 200, Duration::from_millis(30));
        metrics.record(&Method::POST, None, 404, Duration::from_secs(20));
        let text = metrics.render(Some(1000));
        assert!(text.contains(
            "workervoice_hub_requests_total{method=\"POST\",route=\"/v1/cases/{case_id}/replies\",status=\"200\"} 2"
        ));
        assert!(text.contains("route=\"<unmatched>\",status=\"404\"} 1"));
        assert!(text.contains("workervoice_hub_request_duration_seconds_bucket{le=\"0.005\"} 1"));
        assert!(text.contains("workervoice_hub_request_duration_seconds_bucket{le=\"0.05\"} 2"));
        assert!(text.contains("workervoice_hub_request_duration_seconds_bucket{le=\"+Inf\"} 3"));
        assert!(text.contains("workervoice_hub_connections_refused_total 3"));
        assert!(text.contains("workervoice_hub_connections_open 2"));
        assert!(text.contains("workervoice_hub_disk_free_bytes 1000"));
    }

    #[test]
    fn unknown_methods_share_one_label_so_clients_cannot_grow_the_label_set() {
        let metrics = metrics();
        for i in 0..100 {
            let method = Method::from_bytes(format!("X{i}").as_bytes()).unwrap();
            metrics.record(&method, None, 404, Duration::ZERO);
        }
        assert_eq!(metrics.requests.lock().unwrap().len(), 1);
    }

    #[test]
    fn the_data_directory_has_a_free_space_figure() {
        let dir = tempfile::tempdir().unwrap();
        assert!(free_bytes(dir.path()).unwrap() > 0);
    }
}
