//! Limits that keep slow or hostile clients from holding the hub (ADR 0014):
//!
//! - a connection limit: beyond [`TrafficLimits::max_connections`] open
//!   connections, a new one is closed as soon as it is accepted (before TLS,
//!   before reading anything), so the ones already served keep their share;
//! - a header read time-out: a client that has not sent a whole request
//!   head within [`TrafficLimits::header_read_timeout`] (a slow-loris
//!   trickling header bytes) is disconnected by hyper;
//! - a request time-out: reading the body and answering must end within
//!   [`TrafficLimits::request_timeout`], or the request is answered
//!   `rate_limited` (which devices retry later) and the connection freed;
//! - a body limit per route ([`body_limit_for`]), sized to the largest
//!   request a legitimate client sends there: a larger body is refused
//!   `payload_too_large` before it is read (from its `Content-Length`) or as
//!   soon as it passes the limit (a chunked body);
//! - caps on the attachments one report may announce
//!   ([`TrafficLimits::max_report_attachments`],
//!   [`TrafficLimits::max_attachment_bytes`],
//!   [`TrafficLimits::max_report_attachment_bytes`]).
//!
//! Nothing here records who the client is: the limits count connections
//! and time, never addresses.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use workervoice_protocol::error::{HubError, HubErrorCode};
use workervoice_protocol::grievance::{
    MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_CHUNK_BYTES, MAX_HEADER_BYTES, MAX_PAYLOAD_BYTES,
    MAX_REPORT_ATTACHMENTS, MAX_SEALED_REPORT_ATTACHMENT_BYTES, SubmissionHeader,
};
use workervoice_protocol::{MAX_BODY_BYTES, paths};

use crate::error::ApiError;

/// How much the hub lets each client take.
#[derive(Debug, Clone, Copy)]
pub struct TrafficLimits {
    /// Open connections at most; more are closed on accept.
    pub max_connections: usize,
    /// Time a client has to send a whole request head (line and headers).
    pub header_read_timeout: Duration,
    /// Time to read a request's body and answer it.
    pub request_timeout: Duration,
    /// Attachment bytes the hub accepts per UTC day, from all devices
    /// together; past it, chunks are refused `rate_limited` until the next
    /// day (devices keep them and retry).
    pub attachment_bytes_per_day: u64,
    /// Most attachments a report may announce (at most the frame format's
    /// 4); more is refused `payload_too_large`.
    pub max_report_attachments: usize,
    /// Largest attachment a report may announce (at most the protocol's
    /// 20 MiB); a larger one is refused `payload_too_large`.
    pub max_attachment_bytes: u64,
    /// Largest total of the attachments one report may announce; a report
    /// over it is refused `payload_too_large`.
    pub max_report_attachment_bytes: u64,
    /// Anonymous worker requests (submissions, case follow-up, survey
    /// responses) one source may send per minute; 0 turns the limit off.
    /// A source is a factory's NAT, so this is sized for a large factory
    /// (see [`crate::rate_limit`]).
    pub anonymous_requests_per_source_per_minute: u32,
    /// Sign-ins (staff, case handlers, invitations, bootstrap, enrolment
    /// codes) one source may try per minute; 0 turns the limit off.
    pub sign_ins_per_source_per_minute: u32,
    /// Count a request by the last address in `X-Forwarded-For` (set by a
    /// reverse proxy in front of the hub) instead of the peer. Only with a
    /// proxy that sets it: a client could otherwise choose its own source.
    pub source_from_forwarded_for: bool,
}

impl Default for TrafficLimits {
    /// 1,024 connections; 10 s for the head; 60 s for the body and the
    /// answer (a 256 KiB chunk at 5 KB/s, a slow mobile link); 4 GiB of
    /// attachments a day (about 500 reports at the full per-report cap); at
    /// most 3 attachments and about 8 MiB of them per report; 2,400 anonymous worker requests and 120 sign-ins
    /// per source and minute.
    fn default() -> Self {
        Self {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            attachment_bytes_per_day: 4 * 1024 * 1024 * 1024,
            max_report_attachments: MAX_REPORT_ATTACHMENTS,
            max_attachment_bytes: MAX_ATTACHMENT_BYTES,
            max_report_attachment_bytes: DEFAULT_MAX_REPORT_ATTACHMENT_BYTES,
            // 10,000 workers behind one address whose devices each follow
            // their cases every 5 minutes, plus their reports.
            anonymous_requests_per_source_per_minute: 2_400,
            // An office of staff and handlers behind one address, or a
            // batch of tablets enrolled at once.
            sign_ins_per_source_per_minute: 120,
            source_from_forwarded_for: false,
        }
    }
}

/// Default cap on one report's attachments together, as sealed: what the
/// app lets a worker attach (`MAX_REPORT_ATTACHMENT_BYTES` of the protocol,
/// checked in `core/src/grievance`) plus sealing overhead. A lower cap would
/// refuse reports the app let a worker make, and a refusal is final for the
/// device, so an operator lowers it only together with the app's own limit.
pub const DEFAULT_MAX_REPORT_ATTACHMENT_BYTES: u64 = MAX_SEALED_REPORT_ATTACHMENT_BYTES;

impl TrafficLimits {
    /// Refuses a report whose announced attachments exceed the caps: more
    /// than [`max_report_attachments`](Self::max_report_attachments), any one
    /// over [`max_attachment_bytes`](Self::max_attachment_bytes), or all
    /// together over [`max_report_attachment_bytes`](Self::max_report_attachment_bytes).
    /// More than the frame format's 4 is `bad_request`; the rest
    /// `payload_too_large` (413), which every device knows as final:
    /// the app never makes such a report, so only a hostile or outdated
    /// client meets it.
    pub(crate) fn check_attachments(&self, header: &SubmissionHeader) -> Result<(), ApiError> {
        if header.attachments.len() > MAX_ATTACHMENTS {
            // Not a report any client makes: a malformed frame.
            return Err(ApiError::bad_request());
        }
        if header.attachments.len() > self.max_report_attachments {
            return Err(ApiError::code(HubErrorCode::PayloadTooLarge));
        }
        let mut total: u64 = 0;
        for attachment in &header.attachments {
            if attachment.size > self.max_attachment_bytes.min(MAX_ATTACHMENT_BYTES) {
                return Err(ApiError::code(HubErrorCode::PayloadTooLarge));
            }
            total = total.saturating_add(attachment.size);
        }
        if total > self.max_report_attachment_bytes {
            return Err(ApiError::code(HubErrorCode::PayloadTooLarge));
        }
        Ok(())
    }
}

/// Body limit of a small JSON request (sign-ins, staff forms, cursors):
/// ten times the largest such request the apps and console send.
const SMALL_JSON: usize = 16 * 1024;
/// Body limit of the larger staff forms (factory settings, survey
/// schedules, handler accounts, directory proposals, recorded events) and
/// of sealed replies.
const MEDIUM_JSON: usize = 64 * 1024;

/// Body limit of a request that reads (a `GET`): nothing reads its body,
/// but some clients send an empty JSON object.
const READ_BODY: usize = 1024;

/// Every route that takes a body, with the most it may carry: (method,
/// route template as the router spells it, bytes). A route missing here
/// gets [`MAX_BODY_BYTES`] (for a `POST` or `PUT`) or [`READ_BODY`] (a
/// `GET`, whose body nothing reads).
/// Each number is the largest legitimate request with room to spare; the
/// test `every_listed_route_refuses_a_body_one_byte_over_its_limit`
/// (hub/tests/hostile_traffic.rs) sends one byte more to each.
pub(crate) const BODY_LIMITS: &[(&str, &str, usize)] = &[
    // Devices (anonymous or signed).
    ("POST", paths::ENROL, SMALL_JSON),
    ("POST", paths::DEVICE_HEALTH, SMALL_JSON),
    ("POST", paths::AUTH_PARAMS, SMALL_JSON),
    ("POST", paths::AUTH_ACTIVATE, SMALL_JSON),
    ("POST", paths::AUTH_REGISTER, SMALL_JSON),
    ("POST", paths::AUTH_LOGIN, SMALL_JSON),
    ("POST", paths::AUTH_CHANGE_PIN, SMALL_JSON),
    // A sealed proof of at most 1 KiB, base64, and a sign-in id.
    ("POST", paths::AUTH_CONFIRM_OFFLINE, SMALL_JSON),
    // A sealed batch of up to 500 events: the protocol's ceiling.
    ("POST", paths::PROGRESS_UPLOAD, MAX_BODY_BYTES),
    ("POST", paths::PROGRESS_PULL, SMALL_JSON),
    ("POST", paths::PROGRESS_LEADERBOARD, SMALL_JSON),
    ("POST", paths::SURVEYS_OPEN, SMALL_JSON),
    ("POST", paths::SURVEYS_TOKEN, SMALL_JSON),
    // A sealed response of at most 128 KiB, base64 (4/3), and its keys.
    ("POST", paths::SURVEYS_RESPONSES, 192 * 1024),
    // The frame: magic, length, header, sealed payload.
    ("POST", paths::SUBMISSIONS, 8 + MAX_HEADER_BYTES + MAX_PAYLOAD_BYTES),
    // Up to 1,000 frames: the one route above the protocol's ceiling.
    ("POST", paths::SUBMISSIONS_BATCH, workervoice_protocol::grievance::MAX_BATCH_BYTES),
    ("PUT", "/v1/submissions/{client_id}/attachments/{attachment_id}", MAX_CHUNK_BYTES),
    // 100 case ids with their tokens and cursors.
    ("POST", paths::CASES_SYNC, 32 * 1024),
    // A sealed reply of at most 16 KiB, base64.
    ("POST", "/v1/cases/{case_id}/replies", MEDIUM_JSON),
    // Staff.
    ("POST", "/staff/v1/invitations/accept", SMALL_JSON),
    ("POST", "/staff/v1/login", SMALL_JSON),
    ("POST", "/staff/v1/logout", SMALL_JSON),
    ("POST", "/staff/v1/password", SMALL_JSON),
    ("POST", "/admin/v1/bootstrap", SMALL_JSON),
    ("POST", "/admin/v1/staff/invitations", SMALL_JSON),
    ("POST", "/admin/v1/staff/accounts/{account_id}/revoke-sessions", SMALL_JSON),
    ("POST", "/admin/v1/staff/accounts/{account_id}/disable", SMALL_JSON),
    ("POST", "/admin/v1/staff/roles/{role}", SMALL_JSON),
    ("POST", "/admin/v1/brands", SMALL_JSON),
    ("POST", "/admin/v1/brands/{brand_id}/factories", SMALL_JSON),
    ("POST", "/admin/v1/factories", SMALL_JSON),
    ("POST", "/admin/v1/factories/{factory_id}/enrolment-codes", SMALL_JSON),
    ("POST", "/admin/v1/factories/{factory_id}/settings", MEDIUM_JSON),
    // A roster of a large factory: the protocol's ceiling.
    ("POST", "/admin/v1/factories/{factory_id}/roster", MAX_BODY_BYTES),
    ("POST", "/admin/v1/factories/{factory_id}/workers/{worker_number}/unlock", SMALL_JSON),
    ("POST", "/admin/v1/factories/{factory_id}/workers/{worker_number}/reset", SMALL_JSON),
    ("POST", "/admin/v1/devices/{device_id}/retire", SMALL_JSON),
    ("POST", "/admin/v1/devices/{device_id}/wipe", SMALL_JSON),
    ("POST", "/admin/v1/directory/propose", MEDIUM_JSON),
    ("POST", "/admin/v1/readers/invitations", SMALL_JSON),
    ("POST", "/admin/v1/handlers/{handler_id}/disable", SMALL_JSON),
    ("POST", "/admin/v1/surveys/{survey_id}/schedule", MEDIUM_JSON),
    ("POST", "/admin/v1/events", MEDIUM_JSON),
    ("POST", "/admin/v1/proposals/{proposal_id}/signature", SMALL_JSON),
    ("POST", "/staff/v1/console/login", SMALL_JSON),
    ("POST", "/staff/v1/console/logout", SMALL_JSON),
    // Readers (case handlers and analysts): a public key, a wrapped private
    // key and a login key are small; notes (sealed to every reader of a
    // route) and published aggregates keep the protocol's ceiling.
    ("POST", "/handler/v1/invitations/accept", SMALL_JSON),
    ("POST", "/handler/v1/prelogin", SMALL_JSON),
    ("POST", "/handler/v1/login", SMALL_JSON),
    ("POST", "/handler/v1/logout", SMALL_JSON),
    ("POST", "/handler/v1/password", SMALL_JSON),
    ("POST", "/handler/v1/cases/{case_id}/status", SMALL_JSON),
    ("POST", "/handler/v1/cases/{case_id}/replies", MEDIUM_JSON),
    ("POST", "/handler/v1/cases/{case_id}/assignment", SMALL_JSON),
    ("POST", "/handler/v1/visits", SMALL_JSON),
    ("POST", "/admin/v1/deadlines/{route}", SMALL_JSON),
];

/// The body limit of a request to `route` (its template) with `method`.
pub(crate) fn body_limit_for(method: &Method, route: Option<&str>) -> usize {
    let listed = route.and_then(|route| {
        BODY_LIMITS.iter().find(|(m, path, _)| *m == method.as_str() && *path == route).map(|(_, _, limit)| *limit)
    });
    match listed {
        Some(limit) => limit,
        None if *method == Method::POST || *method == Method::PUT => MAX_BODY_BYTES,
        None => READ_BODY,
    }
}

/// Applies the route's body limit: a declared length over it is refused at
/// once, without reading the body; a body without a length (chunked) is
/// cut off where it passes the limit, and the extractor reading it answers
/// `payload_too_large` ([`crate::extract::read_body`]).
pub(crate) async fn body_limit(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned());
    let limit = body_limit_for(request.method(), route.as_deref());
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return ApiError::code(HubErrorCode::PayloadTooLarge).into_response();
    }
    let (parts, body) = request.into_parts();
    let limited = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, limited)).await
}

/// Accepts a connection only while fewer than the limit are open; the
/// permit travels with the stream and is returned when it closes.
#[derive(Clone)]
pub(crate) struct ConnectionLimit {
    permits: Arc<Semaphore>,
    max_connections: usize,
    /// Connections closed on accept, for the metrics.
    pub(crate) refused: Arc<std::sync::atomic::AtomicU64>,
}

impl ConnectionLimit {
    pub(crate) fn new(max_connections: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(max_connections)), max_connections, refused: Arc::default() }
    }

    /// A function that says how many connections are open now.
    pub(crate) fn open_counter(&self) -> Arc<dyn Fn() -> u64 + Send + Sync> {
        let (permits, max) = (Arc::clone(&self.permits), self.max_connections);
        Arc::new(move || max.saturating_sub(permits.available_permits()) as u64)
    }
}

impl<I, S> Accept<I, S> for ConnectionLimit
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: Send + 'static,
{
    type Stream = Limited<I>;
    type Service = S;
    type Future = std::future::Ready<io::Result<(Self::Stream, Self::Service)>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        std::future::ready(match Arc::clone(&self.permits).try_acquire_owned() {
            Ok(permit) => Ok((Limited { inner: stream, _permit: permit }, service)),
            // Dropping the stream closes the connection.
            Err(_) => {
                self.refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Err(io::Error::other("connection limit reached"))
            }
        })
    }
}

/// A stream holding one of the connection limit's permits.
pub(crate) struct Limited<I> {
    inner: I,
    _permit: OwnedSemaphorePermit,
}

impl<I: AsyncRead + Unpin> AsyncRead for Limited<I> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Limited<I> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Answers `rate_limited` when reading the body and answering takes longer
/// than `limit`. A handler cut off here has not committed (commits are the
/// last step before an answer), or has, and the device's retry is answered
/// from what was stored: every write a device makes is idempotent.
pub(crate) async fn request_timeout(limit: Duration, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Refused(HubError {
            code: HubErrorCode::RateLimited,
            attempts_left: None,
            retry_after_secs: Some(30),
        })
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_limit_is_within_the_protocol_ceiling_and_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for (method, path, limit) in BODY_LIMITS {
            // A batch of submissions has its own, larger ceiling.
            let ceiling = if *path == paths::SUBMISSIONS_BATCH {
                workervoice_protocol::grievance::MAX_BATCH_BYTES
            } else {
                MAX_BODY_BYTES
            };
            assert!(*limit <= ceiling && *limit > 0, "{method} {path}: {limit}");
            assert!(seen.insert((*method, *path)), "{method} {path} is listed twice");
        }
    }

    #[test]
    fn unlisted_routes_get_the_protocol_ceiling_for_writes_and_nothing_for_reads() {
        assert_eq!(body_limit_for(&Method::POST, Some("/v1/new-route")), MAX_BODY_BYTES);
        assert_eq!(body_limit_for(&Method::GET, Some(paths::DIRECTORY)), READ_BODY);
        assert_eq!(body_limit_for(&Method::POST, None), MAX_BODY_BYTES);
        assert_eq!(body_limit_for(&Method::POST, Some(paths::AUTH_LOGIN)), SMALL_JSON);
    }

    #[test]
    fn the_submission_limit_holds_the_largest_frame_the_protocol_allows() {
        let largest = 8 + MAX_HEADER_BYTES + MAX_PAYLOAD_BYTES;
        assert_eq!(body_limit_for(&Method::POST, Some(paths::SUBMISSIONS)), largest);
    }
}
