//! Rate limits on the anonymous routes, per source, keeping no identifier
//! (ADR 0014, "Rate limits that cannot silence a factory").
//!
//! Anonymous routes (submissions, case follow-up, survey responses, sign-ins
//! of staff and case handlers, enrolment) carry nothing that says who sent
//! them, so the only thing to count by is where a request came from. Two
//! things shape how:
//!
//! - **Workers in one factory share an address** behind its NAT. A limit per
//!   address is therefore a limit per factory: it is sized for a large
//!   factory's normal traffic, so that someone on the factory's network
//!   flooding the hub delays that factory's reports (the devices keep them
//!   and retry; a refusal here is `rate_limited`, never final) but cannot
//!   hold back any other factory's, which a single global limit would.
//! - **A source the hub cannot tell apart from the others is never limited.**
//!   Behind a reverse proxy every request arrives from the proxy; counting
//!   the proxy would be one global limit. So a loopback peer is not limited
//!   unless the operator says the proxy's `X-Forwarded-For` may be trusted
//!   ([`TrafficLimits::source_from_forwarded_for`]), and then the address
//!   the proxy appended is counted.
//!
//! Nothing identifying is kept: requests are counted in a count-min sketch,
//! a fixed table of counters indexed by two hashes of the source under keys
//! drawn at random for each one-minute window and dropped with it. No
//! address is stored, logged or kept past the window, memory is fixed
//! (64 KiB), and a collision can only make two sources share a count for
//! the rest of a minute.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use workervoice_protocol::error::{HubError, HubErrorCode};
use workervoice_protocol::paths;

use crate::error::ApiError;
use crate::limits::TrafficLimits;

/// How long one count lasts, and one set of hash keys.
const WINDOW: Duration = Duration::from_secs(60);
/// Counters per row of the sketch (per class).
const WIDTH: usize = 4096;
/// Rows of the sketch: a source is refused only when every row says it is
/// over, so a collision in one row alone refuses nobody.
const ROWS: usize = 2;

/// What an anonymous request is, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// What workers' devices send without a signature: submissions, case
    /// follow-up, survey responses.
    Worker,
    /// A person or a new device proving a secret: staff and handler
    /// sign-ins, invitations, bootstrap, enrolment codes.
    SignIn,
}

const CLASSES: usize = 2;

impl Class {
    fn index(self) -> usize {
        match self {
            Self::Worker => 0,
            Self::SignIn => 1,
        }
    }
}

/// The class of an anonymous route; `None` for every other route (signed
/// device requests are limited by their signatures and device locks, staff
/// routes by their sessions). Attachment chunks are not counted: a chunk
/// needs an announced attachment, and their bytes are capped per day.
pub(crate) fn class_of(method: &Method, route: &str) -> Option<Class> {
    let post = *method == Method::POST;
    match route {
        paths::SUBMISSIONS | paths::CASES_SYNC | paths::SURVEYS_RESPONSES if post => Some(Class::Worker),
        "/v1/cases/{case_id}/replies" if post => Some(Class::Worker),
        "/v1/submissions/{client_id}/attachments/{attachment_id}" if *method == Method::GET => Some(Class::Worker),
        paths::ENROL
        | "/staff/v1/login"
        | "/staff/v1/invitations/accept"
        | "/handler/v1/login"
        | "/admin/v1/bootstrap"
            if post =>
        {
            Some(Class::SignIn)
        }
        _ => None,
    }
}

/// The counters of the current window.
struct Window {
    started: Instant,
    keys: [RandomState; ROWS],
    counts: Vec<u32>,
}

impl Window {
    fn new(now: Instant) -> Self {
        Self { started: now, keys: [RandomState::new(), RandomState::new()], counts: vec![0; ROWS * CLASSES * WIDTH] }
    }

    fn slots(&self, class: Class, source: IpAddr) -> [usize; ROWS] {
        std::array::from_fn(|row| {
            let hash = self.keys[row].hash_one((class.index(), source));
            (row * CLASSES + class.index()) * WIDTH + (hash as usize % WIDTH)
        })
    }
}

/// Per-source counts of anonymous requests, in fixed memory.
pub(crate) struct SourceLimiter {
    window: Mutex<Window>,
    worker_limit: u32,
    sign_in_limit: u32,
    trust_forwarded_for: bool,
}

impl SourceLimiter {
    pub(crate) fn new(limits: &TrafficLimits) -> Self {
        Self {
            window: Mutex::new(Window::new(Instant::now())),
            worker_limit: limits.anonymous_requests_per_source_per_minute,
            sign_in_limit: limits.sign_ins_per_source_per_minute,
            trust_forwarded_for: limits.source_from_forwarded_for,
        }
    }

    /// Counts one request of `class` from `source`; `Err(seconds)` when the
    /// source is over its limit for this window (the request is not
    /// counted), with the seconds until the window ends.
    pub(crate) fn admit(&self, class: Class, source: IpAddr, now: Instant) -> Result<(), u32> {
        let limit = match class {
            Class::Worker => self.worker_limit,
            Class::SignIn => self.sign_in_limit,
        };
        if limit == 0 {
            return Ok(());
        }
        // A poisoned lock only means a panic elsewhere mid-count; the
        // counters are still usable numbers.
        let mut window = self.window.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if now.duration_since(window.started) >= WINDOW {
            *window = Window::new(now);
        }
        let slots = window.slots(class, normalise(source));
        let seen = slots.iter().map(|slot| window.counts[*slot]).min().unwrap_or(0);
        if seen >= limit {
            let left = WINDOW.saturating_sub(now.duration_since(window.started));
            // Rounded up: retrying after this many seconds is in the next window.
            let seconds = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            return Err(u32::try_from(seconds).unwrap_or(u32::MAX).max(1));
        }
        for slot in slots {
            window.counts[slot] = window.counts[slot].saturating_add(1);
        }
        Ok(())
    }

    /// The address to count a request by, if the hub can tell it apart:
    /// the peer, or with a trusted proxy the last `X-Forwarded-For` entry;
    /// `None` for a loopback peer without one (a local proxy stands for
    /// everybody).
    fn source(&self, request: &Request) -> Option<IpAddr> {
        if self.trust_forwarded_for {
            let forwarded = request
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .filter_map(|entry| entry.trim().parse::<IpAddr>().ok())
                .next_back();
            if forwarded.is_some() {
                return forwarded;
            }
        }
        let peer = request.extensions().get::<ConnectInfo<SocketAddr>>()?.0.ip();
        (!peer.is_loopback()).then_some(peer)
    }
}

/// One IPv6 host usually holds a whole /64: count the /64. IPv4-mapped
/// addresses count as their IPv4 address.
fn normalise(source: IpAddr) -> IpAddr {
    match source {
        IpAddr::V4(_) => source,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

/// The middleware: refuses an anonymous request `rate_limited` (which
/// devices retry, keeping their item) when its source is over the limit.
pub(crate) async fn rate_limit(
    State(limiter): State<std::sync::Arc<SourceLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    let class = request.extensions().get::<MatchedPath>().and_then(|path| class_of(request.method(), path.as_str()));
    if let Some(class) = class
        && let Some(source) = limiter.source(&request)
        && let Err(retry_after) = limiter.admit(class, source, Instant::now())
    {
        return ApiError::Refused(HubError {
            code: HubErrorCode::RateLimited,
            attempts_left: None,
            retry_after_secs: Some(retry_after),
        })
        .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(worker: u32, sign_in: u32) -> SourceLimiter {
        SourceLimiter::new(&TrafficLimits {
            anonymous_requests_per_source_per_minute: worker,
            sign_ins_per_source_per_minute: sign_in,
            ..TrafficLimits::default()
        })
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_source_over_its_limit_is_refused_until_the_window_ends_and_others_are_not() {
        let limiter = limiter(3, 1);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.admit(Class::Worker, ip("203.0.113.7"), start), Ok(()));
        }
        let refused = limiter.admit(Class::Worker, ip("203.0.113.7"), start + Duration::from_secs(10));
        assert!(matches!(refused, Err(50)), "{refused:?}");
        assert_eq!(limiter.admit(Class::Worker, ip("198.51.100.2"), start), Ok(()));
        // Sign-ins are counted apart.
        assert_eq!(limiter.admit(Class::SignIn, ip("203.0.113.7"), start), Ok(()));
        assert!(limiter.admit(Class::SignIn, ip("203.0.113.7"), start).is_err());
        // A new window forgets every count.
        assert_eq!(limiter.admit(Class::Worker, ip("203.0.113.7"), start + WINDOW), Ok(()));
    }

    #[test]
    fn one_ipv6_host_is_one_source_across_its_slash_64() {
        let limiter = limiter(1, 1);
        let now = Instant::now();
        assert_eq!(limiter.admit(Class::Worker, ip("2001:db8:1:2::1"), now), Ok(()));
        assert!(limiter.admit(Class::Worker, ip("2001:db8:1:2:ffff::9"), now).is_err());
        assert_eq!(limiter.admit(Class::Worker, ip("2001:db8:1:3::1"), now), Ok(()));
    }

    #[test]
    fn memory_stays_fixed_however_many_sources_arrive() {
        let limiter = limiter(1_000, 1_000);
        let now = Instant::now();
        for i in 0..100_000u32 {
            let _ = limiter.admit(Class::Worker, IpAddr::V4(i.into()), now);
        }
        let window = limiter.window.lock().unwrap();
        assert_eq!(window.counts.len(), ROWS * CLASSES * WIDTH);
    }

    #[test]
    fn a_limit_of_zero_turns_counting_off() {
        let limiter = limiter(0, 0);
        for _ in 0..10 {
            assert_eq!(limiter.admit(Class::Worker, ip("203.0.113.7"), Instant::now()), Ok(()));
        }
    }

    #[test]
    fn only_anonymous_routes_are_counted() {
        assert_eq!(class_of(&Method::POST, paths::SUBMISSIONS), Some(Class::Worker));
        assert_eq!(class_of(&Method::POST, "/staff/v1/login"), Some(Class::SignIn));
        assert_eq!(class_of(&Method::PUT, "/v1/submissions/{client_id}/attachments/{attachment_id}"), None);
        assert_eq!(class_of(&Method::POST, paths::AUTH_LOGIN), None);
        assert_eq!(class_of(&Method::GET, paths::DIRECTORY), None);
    }
}
