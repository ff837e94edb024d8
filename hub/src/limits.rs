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
//!   `rate_limited` (which devices retry later) and the connection freed.
//!
//! Nothing here records who the client is: the limits count connections
//! and time, never addresses.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use workervoice_protocol::error::{HubError, HubErrorCode};

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
}

impl Default for TrafficLimits {
    /// 1,024 connections; 10 s for the head; 60 s for the body and the
    /// answer (a 256 KiB chunk at 5 KB/s, a slow mobile link); 4 GiB of
    /// attachments a day (200 reports with four full 20 MiB photos or
    /// recordings each).
    fn default() -> Self {
        Self {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            attachment_bytes_per_day: 4 * 1024 * 1024 * 1024,
        }
    }
}

/// Accepts a connection only while fewer than the limit are open; the
/// permit travels with the stream and is returned when it closes.
#[derive(Clone)]
pub(crate) struct ConnectionLimit {
    permits: Arc<Semaphore>,
}

impl ConnectionLimit {
    pub(crate) fn new(max_connections: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(max_connections)) }
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
            Err(_) => Err(io::Error::other("connection limit reached")),
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
