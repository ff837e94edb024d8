//! Rate limits on the anonymous routes, per source, keeping no identifier
//! (ADR 0014, "Rate limits that cannot silence a factory"; ADR 0019 for
//! several hub processes).
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
//! a fixed table of counters per class of route, two rows of [`WIDTH`]
//! counters each. A source's counter in each row is picked by HMAC-SHA256,
//! under a random key drawn for each window, of the class and the source
//! (an IPv6 /64, see [`normalise`]), reduced to 12 bits. A window is a
//! minute of the Unix clock; its key is dropped with it. A source is
//! refused only when both of its counters say it is over the limit, so a
//! collision in one row alone refuses nobody, and a collision in both can
//! only make two sources share a count for the rest of a minute.
//!
//! Where the counters live:
//!
//! - **SQLite** (one hub process per data directory): in the process's
//!   memory (64 KiB), no write per request.
//! - **PostgreSQL** (any number of hub processes on one database): in the
//!   database, or N processes would each admit a source N times as often.
//!   `rate_limit_windows` holds each window's key (the first process to
//!   need it inserts one, the others read it, every process caches it for
//!   the minute), `rate_limit_counts` a count per window and slot. Both
//!   tables are `UNLOGGED` (never in the WAL, a standby or an archive) and
//!   a window's rows are deleted once the next window starts (by the first
//!   request of the next window, or by the minute's housekeeping pass of
//!   `server::run_escalation` when no request comes). A counted request
//!   costs one statement ([`Db::count`]: its own few connections, each
//!   statement a `READ COMMITTED` transaction that waits for no WAL flush):
//!   both counters are incremented and returned, and when the source was
//!   already over a second statement takes the increments back, so a
//!   refused request counts for nothing, as in memory. A statement locks
//!   its rows in slot order (row one's slots are below row two's), so
//!   increments of one hot counter (a factory's NAT) queue for its row lock
//!   instead of failing with the serialization conflicts they would cause
//!   under the hub's usual `SERIALIZABLE`. What this costs is measured in
//!   ADR 0019.
//!
//!   **If the database cannot count** (unreachable, or any error), the
//!   request is counted in the process's memory instead: the limiter fails
//!   open to the per-process limit, never closed. A worker's report that
//!   reached a hub should be stored if the hub can store it: refusing it
//!   `rate_limited` would only make devices retry against a database in
//!   trouble, and the handler itself fails (and the device retries) when
//!   the database is really gone. A flood meanwhile is still held to the
//!   limit per process.
//!
//! No address, nor anything derived from it but the slot index, is stored,
//! logged or sent; the slot is a 12-bit keyed hash, and once a window's key
//! is deleted nothing links a count to a source. While a window lasts,
//! whoever reads its key from the database can test whether a guessed
//! address was counted in it, as whoever reads the process's memory could.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use workervoice_protocol::error::{HubError, HubErrorCode};
use workervoice_protocol::paths;

use crate::db::Db;
use crate::db::sql::{self, Connection};
use crate::error::ApiError;
use crate::limits::TrafficLimits;

/// How long one count lasts, and one window key: windows are the minutes of
/// the Unix clock, so that hub processes on one database agree on them.
const WINDOW_SECS: i64 = 60;
/// Counters per row of the sketch (per class): a slot is 12 bits of a
/// keyed hash.
const WIDTH: usize = 4096;
/// Rows of the sketch: a source is refused only when every row says it is
/// over, so a collision in one row alone refuses nobody.
const ROWS: usize = 2;
/// Bytes of a window's HMAC-SHA256 key.
const KEY_LEN: usize = 32;

/// A window's key, drawn at random when the window starts.
type WindowKey = [u8; KEY_LEN];

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

/// The window `now` (Unix seconds) falls in: minutes since 1970.
fn window_of(now: i64) -> i64 {
    now.div_euclid(WINDOW_SECS)
}

/// Seconds from `now` to the end of its window (1 to 60): retrying after
/// them is in the next window.
fn seconds_left(now: i64) -> u32 {
    u32::try_from(WINDOW_SECS - now.rem_euclid(WINDOW_SECS)).unwrap_or(1)
}

/// A new window's key.
fn draw_key() -> Result<WindowKey, ring::error::Unspecified> {
    let mut key = [0u8; KEY_LEN];
    SystemRandom::new().fill(&mut key)?;
    Ok(key)
}

/// The counters of `source` (normalised) for `class`, one per row, as
/// indices into the whole sketch: row one's are below row two's. Each is
/// 12 bits of HMAC-SHA256 under the window's key of the class and the
/// source's bytes; the rows use different bits of one MAC.
fn slots(key: &WindowKey, class: Class, source: IpAddr) -> [usize; ROWS] {
    let mut message = [0u8; 18];
    message[0] = u8::from(class == Class::SignIn);
    let length = match source {
        IpAddr::V4(v4) => {
            message[1] = 4;
            message[2..6].copy_from_slice(&v4.octets());
            6
        }
        IpAddr::V6(v6) => {
            message[1] = 6;
            message[2..18].copy_from_slice(&v6.octets());
            18
        }
    };
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), &message[..length]);
    let bytes = tag.as_ref();
    std::array::from_fn(|row| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[row * 8..row * 8 + 8]);
        // WIDTH divides 2^64: the remainder is uniform.
        let column = (u64::from_le_bytes(word) % WIDTH as u64) as usize;
        (row * CLASSES + class.index()) * WIDTH + column
    })
}

/// The counters of the current window, in memory.
struct Window {
    index: i64,
    key: WindowKey,
    counts: Vec<u32>,
}

/// The counts in the database, shared by every hub process on it.
struct Shared {
    db: Db,
    /// The current window's key, once this process has read it.
    key: Mutex<Option<(i64, WindowKey)>>,
}

/// Per-source counts of anonymous requests: in fixed memory, or on
/// PostgreSQL in the database (see the module documentation).
pub(crate) struct SourceLimiter {
    /// The counts on SQLite; on PostgreSQL, the counts of requests the
    /// database could not count.
    memory: Mutex<Option<Window>>,
    shared: Option<Shared>,
    worker_limit: u32,
    sign_in_limit: u32,
    trust_forwarded_for: bool,
}

impl SourceLimiter {
    /// The limiter for a hub on `db`: counting in the database on
    /// PostgreSQL (several processes may share it), in memory on SQLite.
    pub(crate) fn new(limits: &TrafficLimits, db: &Db) -> Self {
        if db.is_postgres() { Self::shared(limits, db.clone()) } else { Self::in_memory(limits) }
    }

    /// Counting in this process's memory.
    pub(crate) fn in_memory(limits: &TrafficLimits) -> Self {
        Self {
            memory: Mutex::new(None),
            shared: None,
            worker_limit: limits.anonymous_requests_per_source_per_minute,
            sign_in_limit: limits.sign_ins_per_source_per_minute,
            trust_forwarded_for: limits.source_from_forwarded_for,
        }
    }

    /// Counting in `db`, which every limiter on it shares.
    pub(crate) fn shared(limits: &TrafficLimits, db: Db) -> Self {
        Self { shared: Some(Shared { db, key: Mutex::new(None) }), ..Self::in_memory(limits) }
    }

    /// Counts one request of `class` from `source` at `now` (Unix seconds);
    /// `Err(seconds)` when the source is over its limit for this window
    /// (the request is not counted), with the seconds until the window ends.
    pub(crate) async fn admit(&self, class: Class, source: IpAddr, now: i64) -> Result<(), u32> {
        let limit = match class {
            Class::Worker => self.worker_limit,
            Class::SignIn => self.sign_in_limit,
        };
        if limit == 0 {
            return Ok(());
        }
        let source = normalise(source);
        let Some(shared) = &self.shared else {
            return self.admit_in_memory(class, source, limit, now);
        };
        match shared.admit(class, source, limit, now).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(seconds_left(now)),
            Err(error) => {
                // Fails open to the per-process limit (module documentation).
                tracing::warn!(%error, "the database could not count a request: counting it in this process");
                self.admit_in_memory(class, source, limit, now)
            }
        }
    }

    fn admit_in_memory(&self, class: Class, source: IpAddr, limit: u32, now: i64) -> Result<(), u32> {
        // A poisoned lock only means a panic elsewhere mid-count; the
        // counters are still usable numbers.
        let mut memory = self.memory.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let index = window_of(now);
        if memory.as_ref().is_none_or(|window| window.index != index) {
            // The old window's key and counts go now.
            *memory = None;
            let Ok(key) = draw_key() else {
                tracing::error!("no randomness for a rate-limit window key: not counting");
                return Ok(());
            };
            *memory = Some(Window { index, key, counts: vec![0; ROWS * CLASSES * WIDTH] });
        }
        let Some(window) = memory.as_mut() else { return Ok(()) };
        let slots = slots(&window.key, class, source);
        let seen = slots.iter().map(|slot| window.counts[*slot]).min().unwrap_or(0);
        if seen >= limit {
            return Err(seconds_left(now));
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

impl Shared {
    /// Counts one request in the database; whether it is admitted.
    async fn admit(&self, class: Class, source: IpAddr, limit: u32, now: i64) -> Result<bool, ApiError> {
        let index = window_of(now);
        let key = match self.cached_key(index) {
            Some(key) => KnownKey::Cached(key),
            None => KnownKey::Fresh(
                draw_key().map_err(|_| ApiError::internal("no randomness for a rate-limit window key"))?,
            ),
        };
        let (key, admitted) =
            self.db.count(move |connection| count(connection, index, key, class, source, limit)).await?;
        let mut cache = self.key.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.is_none_or(|(known, _)| known < index) {
            *cache = Some((index, key));
        }
        Ok(admitted)
    }

    fn cached_key(&self, index: i64) -> Option<WindowKey> {
        let cache = self.key.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.filter(|(known, _)| *known == index).map(|(_, key)| key)
    }
}

/// The window's key as a process holds it before counting.
#[derive(Clone, Copy)]
enum KnownKey {
    /// Read (or stored) earlier in this window.
    Cached(WindowKey),
    /// Drawn now: stored if this is the window's first request, else the
    /// stored one is read instead.
    Fresh(WindowKey),
}

/// One count in the database: the window's key (cached, or read, or
/// the fresh one when this is the window's first request), then both counters of
/// the source incremented in one statement, which returns them; when the
/// lower one was already at `limit`, a second statement takes the
/// increments back (a refused request counts for nothing) and the answer is
/// `false`. Returns the key for the cache. Each statement is atomic; an
/// increment about to be taken back can make a concurrent request from a
/// source sharing both slots see one more than it would in memory, for
/// the moment between the two.
fn count(
    connection: &Connection,
    index: i64,
    key: KnownKey,
    class: Class,
    source: IpAddr,
    limit: u32,
) -> Result<(WindowKey, bool), ApiError> {
    let key = match key {
        KnownKey::Cached(key) => key,
        KnownKey::Fresh(fresh) => start_window(connection, index, &fresh)?,
    };
    let [first, second] = slots(&key, class, source);
    // Row one's slot first: every statement locks its rows in slot order.
    let seen = connection
        .prepare(
            "INSERT INTO rate_limit_counts (window_index, slot, seen) VALUES (?1, ?2, 1), (?1, ?3, 1) \
             ON CONFLICT (window_index, slot) DO UPDATE SET seen = rate_limit_counts.seen + 1 \
             RETURNING seen",
        )?
        .query_map(sql::params![index, first, second], |row| row.get::<_, i64>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let before = seen.into_iter().min().unwrap_or(1) - 1;
    if before < i64::from(limit) {
        return Ok((key, true));
    }
    // The source is refused whether or not the increments can be taken
    // back: left there, they only count one request too many this minute.
    if let Err(error) = connection.execute(
        "UPDATE rate_limit_counts SET seen = seen - 1 WHERE window_index = ?1 AND slot IN (?2, ?3)",
        sql::params![index, first, second],
    ) {
        tracing::warn!(%error, "a refused request's rate-limit count could not be taken back");
    }
    Ok((key, false))
}

/// The key of window `index`: the one a process already stored, else
/// `fresh`; ended windows are deleted first.
fn start_window(tx: &Connection, index: i64, fresh: &WindowKey) -> Result<WindowKey, ApiError> {
    forget_windows_before(tx, index)?;
    tx.execute(
        "INSERT INTO rate_limit_windows (window_index, window_key) VALUES (?1, ?2) \
         ON CONFLICT (window_index) DO NOTHING",
        sql::params![index, fresh],
    )?;
    let stored: Vec<u8> =
        tx.query_row("SELECT window_key FROM rate_limit_windows WHERE window_index = ?1", [index], |row| row.get(0))?;
    WindowKey::try_from(stored.as_slice()).map_err(|_| ApiError::internal("a rate-limit window key of the wrong size"))
}

fn forget_windows_before(connection: &Connection, index: i64) -> sql::Result<()> {
    connection.execute("DELETE FROM rate_limit_counts WHERE window_index < ?1", [index])?;
    connection.execute("DELETE FROM rate_limit_windows WHERE window_index < ?1", [index])?;
    Ok(())
}

/// Deletes the keys and counts of the windows that ended before `now`
/// (Unix seconds): the housekeeping pass calls it every minute, so that a
/// key does not outlast its window when no request comes to replace it.
pub(crate) fn forget_ended_windows(connection: &Connection, now: i64) -> sql::Result<()> {
    forget_windows_before(connection, window_of(now))
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
pub(crate) async fn rate_limit(State(limiter): State<Arc<SourceLimiter>>, request: Request, next: Next) -> Response {
    let class = request.extensions().get::<MatchedPath>().and_then(|path| class_of(request.method(), path.as_str()));
    if let Some(class) = class
        && let Some(source) = limiter.source(&request)
        && let Err(retry_after) = limiter.admit(class, source, crate::clock::unix_now()).await
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
    use std::path::Path;

    use super::*;

    /// A moment at the start of a window.
    const T0: i64 = 1_800_000_000 - 1_800_000_000 % WINDOW_SECS;

    fn limits(worker: u32, sign_in: u32) -> TrafficLimits {
        TrafficLimits {
            anonymous_requests_per_source_per_minute: worker,
            sign_ins_per_source_per_minute: sign_in,
            ..TrafficLimits::default()
        }
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
    }

    /// The hub's database for a test: its own database on the test
    /// PostgreSQL server when the suite runs there, else SQLite in `dir`.
    fn database(dir: &Path) -> Db {
        let url = crate::testing::database_url_for(dir);
        let writer = crate::db::open_database(dir, url.as_deref()).unwrap();
        Db::new(writer, dir, url.as_deref(), crate::db::READERS).unwrap()
    }

    /// A limiter counting in memory and one counting in the database, each
    /// with these limits.
    fn both(worker: u32, sign_in: u32, dir: &Path) -> [(&'static str, SourceLimiter); 2] {
        let limits = limits(worker, sign_in);
        [("memory", SourceLimiter::in_memory(&limits)), ("database", SourceLimiter::shared(&limits, database(dir)))]
    }

    fn db_of(limiter: &SourceLimiter) -> Db {
        limiter.shared.as_ref().map(|shared| shared.db.clone()).expect("a limiter counting in the database")
    }

    /// Every row of the limiter's tables: (window, slot, count) and (window, key).
    async fn stored(db: &Db) -> (Vec<(i64, i64, i64)>, Vec<(i64, Vec<u8>)>) {
        db.read(|connection| {
            let counts = connection
                .prepare("SELECT window_index, slot, seen FROM rate_limit_counts")?
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            let keys = connection
                .prepare("SELECT window_index, window_key FROM rate_limit_windows")?
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok((counts, keys))
        })
        .await
        .unwrap()
    }

    #[test]
    fn a_source_over_its_limit_is_refused_until_the_window_ends_and_others_are_not() {
        let dir = tempfile::tempdir().unwrap();
        for (kind, limiter) in both(3, 1, dir.path()) {
            runtime().block_on(async {
                for _ in 0..3 {
                    assert_eq!(limiter.admit(Class::Worker, ip("203.0.113.7"), T0).await, Ok(()), "{kind}");
                }
                let refused = limiter.admit(Class::Worker, ip("203.0.113.7"), T0 + 10).await;
                assert_eq!(refused, Err(50), "{kind}: refused until the minute ends");
                assert_eq!(limiter.admit(Class::Worker, ip("198.51.100.2"), T0 + 10).await, Ok(()), "{kind}");
                // Sign-ins are counted apart.
                assert_eq!(limiter.admit(Class::SignIn, ip("203.0.113.7"), T0 + 10).await, Ok(()), "{kind}");
                assert_eq!(limiter.admit(Class::SignIn, ip("203.0.113.7"), T0 + 59).await, Err(1), "{kind}");
                // A new window forgets every count.
                assert_eq!(limiter.admit(Class::Worker, ip("203.0.113.7"), T0 + 60).await, Ok(()), "{kind}");
                assert_eq!(limiter.admit(Class::SignIn, ip("203.0.113.7"), T0 + 60).await, Ok(()), "{kind}");
            });
        }
    }

    #[test]
    fn one_ipv6_host_is_one_source_across_its_slash_64() {
        let dir = tempfile::tempdir().unwrap();
        for (kind, limiter) in both(1, 1, dir.path()) {
            runtime().block_on(async {
                assert_eq!(limiter.admit(Class::Worker, ip("2001:db8:1:2::1"), T0).await, Ok(()), "{kind}");
                assert!(limiter.admit(Class::Worker, ip("2001:db8:1:2:ffff::9"), T0).await.is_err(), "{kind}");
                assert_eq!(limiter.admit(Class::Worker, ip("2001:db8:1:3::1"), T0).await, Ok(()), "{kind}");
                // An IPv4-mapped address is its IPv4 address.
                assert_eq!(limiter.admit(Class::Worker, ip("192.0.2.1"), T0).await, Ok(()), "{kind}");
                assert!(limiter.admit(Class::Worker, ip("::ffff:192.0.2.1"), T0).await.is_err(), "{kind}");
            });
        }
    }

    #[test]
    fn a_limit_of_zero_turns_counting_off() {
        let dir = tempfile::tempdir().unwrap();
        for (kind, limiter) in both(0, 0, dir.path()) {
            runtime().block_on(async {
                for _ in 0..10 {
                    assert_eq!(limiter.admit(Class::Worker, ip("203.0.113.7"), T0).await, Ok(()), "{kind}");
                    assert_eq!(limiter.admit(Class::SignIn, ip("203.0.113.7"), T0).await, Ok(()), "{kind}");
                }
                if kind == "database" {
                    assert_eq!(stored(&db_of(&limiter)).await, (vec![], vec![]), "nothing counted, nothing written");
                }
            });
        }
    }

    #[test]
    fn memory_stays_fixed_however_many_sources_arrive() {
        let limiter = SourceLimiter::in_memory(&limits(1_000, 1_000));
        runtime().block_on(async {
            for i in 0..100_000u32 {
                let _ = limiter.admit(Class::Worker, IpAddr::V4(i.into()), T0).await;
            }
        });
        let memory = limiter.memory.lock().unwrap();
        assert_eq!(memory.as_ref().map(|window| window.counts.len()), Some(ROWS * CLASSES * WIDTH));
    }

    #[test]
    fn limiters_on_one_database_refuse_a_source_once_its_count_is_used_up_across_them() {
        // Two hub processes: each its own limiter and key cache, one database.
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        let processes = [SourceLimiter::shared(&limits(4, 4), db.clone()), SourceLimiter::shared(&limits(4, 4), db)];
        runtime().block_on(async {
            for i in 0..4 {
                assert_eq!(processes[i % 2].admit(Class::Worker, ip("203.0.113.7"), T0 + 1).await, Ok(()));
            }
            for process in &processes {
                assert_eq!(process.admit(Class::Worker, ip("203.0.113.7"), T0 + 2).await, Err(58));
            }
            assert_eq!(processes[1].admit(Class::Worker, ip("198.51.100.2"), T0 + 2).await, Ok(()));
        });
    }

    #[test]
    fn concurrent_requests_from_one_source_are_admitted_exactly_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        let processes: Vec<_> = (0..2).map(|_| Arc::new(SourceLimiter::shared(&limits(20, 20), db.clone()))).collect();
        let admitted = runtime().block_on(async {
            let tasks: Vec<_> = (0..64)
                .map(|i| {
                    let limiter = Arc::clone(&processes[i % 2]);
                    tokio::spawn(async move { limiter.admit(Class::Worker, ip("203.0.113.7"), T0 + 5).await.is_ok() })
                })
                .collect();
            let mut admitted = 0;
            for task in tasks {
                admitted += usize::from(task.await.unwrap());
            }
            admitted
        });
        assert_eq!(admitted, 20);
    }

    #[test]
    fn nothing_the_database_keeps_holds_a_source_address() {
        let dir = tempfile::tempdir().unwrap();
        let limiter = SourceLimiter::shared(&limits(100, 100), database(dir.path()));
        let sources = ["203.0.113.7", "198.51.100.2", "10.1.2.3", "2001:db8:1:2::1", "2001:db8:aaaa:bbbb:1::2"];
        let (counts, keys) = runtime().block_on(async {
            for source in sources {
                for class in [Class::Worker, Class::SignIn] {
                    limiter.admit(class, ip(source), T0 + 3).await.unwrap();
                }
            }
            stored(&db_of(&limiter)).await
        });
        assert_eq!(keys.len(), 1, "one key for the window");
        assert!(!counts.is_empty());
        for (window, slot, seen) in &counts {
            assert_eq!(*window, window_of(T0 + 3));
            assert!((0..(ROWS * CLASSES * WIDTH) as i64).contains(slot), "a slot is an index, {slot}");
            assert!((1..=2).contains(seen));
        }
        for source in sources {
            let address = ip(source);
            let normalised = normalise(address);
            let mut needles: Vec<Vec<u8>> =
                vec![source.as_bytes().to_vec(), normalised.to_string().into_bytes(), address.to_string().into_bytes()];
            match normalised {
                IpAddr::V4(v4) => {
                    needles.push(v4.octets().to_vec());
                    assert!(counts.iter().all(|(_, slot, _)| *slot != i64::from(u32::from(v4))), "{source}");
                }
                IpAddr::V6(v6) => needles.push(v6.octets()[..8].to_vec()),
            }
            for (_, key) in &keys {
                assert_eq!(key.len(), KEY_LEN);
                for needle in &needles {
                    assert!(!key.windows(needle.len()).any(|part| part == needle.as_slice()), "{source} in a key");
                }
            }
        }
    }

    #[test]
    fn a_new_window_deletes_the_last_window_s_key_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let limiter = SourceLimiter::shared(&limits(5, 5), database(dir.path()));
        runtime().block_on(async {
            let db = db_of(&limiter);
            limiter.admit(Class::Worker, ip("203.0.113.7"), T0).await.unwrap();
            let (_, first_keys) = stored(&db).await;
            limiter.admit(Class::Worker, ip("203.0.113.7"), T0 + WINDOW_SECS).await.unwrap();
            let (counts, keys) = stored(&db).await;
            assert!(counts.iter().all(|(window, _, _)| *window == window_of(T0) + 1), "{counts:?}");
            assert_eq!(keys.len(), 1);
            assert_eq!(keys[0].0, window_of(T0) + 1);
            assert_ne!(keys[0].1, first_keys[0].1, "each window has its own key");
            // With no request to start the next window, housekeeping deletes it.
            db.run(|connection| Ok(forget_ended_windows(connection, T0 + 2 * WINDOW_SECS)?)).await.unwrap();
            assert_eq!(stored(&db).await, (vec![], vec![]));
        });
    }

    #[test]
    fn a_limiter_whose_database_fails_still_holds_a_flood_to_the_limit_in_its_own_process() {
        let dir = tempfile::tempdir().unwrap();
        let limiter = SourceLimiter::shared(&limits(2, 2), database(dir.path()));
        runtime().block_on(async {
            db_of(&limiter)
                .run(|connection| Ok(connection.execute_batch("DROP TABLE rate_limit_counts")?))
                .await
                .unwrap();
            assert_eq!(limiter.admit(Class::Worker, ip("203.0.113.7"), T0).await, Ok(()));
            assert_eq!(limiter.admit(Class::Worker, ip("203.0.113.7"), T0).await, Ok(()));
            assert_eq!(limiter.admit(Class::Worker, ip("203.0.113.7"), T0).await, Err(60));
            assert_eq!(limiter.admit(Class::Worker, ip("198.51.100.2"), T0).await, Ok(()));
        });
    }

    #[test]
    fn only_anonymous_routes_are_counted() {
        assert_eq!(class_of(&Method::POST, paths::SUBMISSIONS), Some(Class::Worker));
        assert_eq!(class_of(&Method::POST, "/staff/v1/login"), Some(Class::SignIn));
        assert_eq!(class_of(&Method::PUT, "/v1/submissions/{client_id}/attachments/{attachment_id}"), None);
        assert_eq!(class_of(&Method::POST, paths::AUTH_LOGIN), None);
        assert_eq!(class_of(&Method::GET, paths::DIRECTORY), None);
    }

    /// What a count costs, per request: in memory; in the database as
    /// built (single statements at read committed on the counting pool);
    /// the same statements inside a read-committed transaction (begin and
    /// commit: two more round trips); and inside a `SERIALIZABLE`
    /// transaction on the writers (conflicts retried). From 1 and from 16
    /// requests at once, all from one source (the hot counter) and each
    /// from its own; the kinds take turns, three rounds, the median shown.
    /// `scripts/test-hub-postgres --lib rate_limit::tests::measure -- --ignored --nocapture`
    #[test]
    #[ignore = "a measurement; prints figures"]
    fn measure_what_a_count_costs() {
        use std::sync::atomic::{AtomicU64, Ordering};
        const KINDS: [&str; 4] = ["memory", "as built", "transaction", "serializable"];
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        let rt = runtime();
        let requests = 2_000u64;
        let limit = u32::MAX - 1;
        // One key for every task, as every process shares the window's.
        let key = draw_key().unwrap();
        for concurrency in [1u64, 16] {
            for hot in [true, false] {
                let mut runs = vec![Vec::new(); KINDS.len()];
                let mut conflicts = vec![0u64; KINDS.len()];
                for _round in 0..3 {
                    for (index, kind) in KINDS.into_iter().enumerate() {
                        let limiter = Arc::new(SourceLimiter::in_memory(&limits(limit, limit)));
                        let attempts = Arc::new(AtomicU64::new(0));
                        let started = std::time::Instant::now();
                        rt.block_on(async {
                            let tasks: Vec<_> = (0..concurrency)
                                .map(|task| {
                                    let (db, limiter, attempts) =
                                        (db.clone(), Arc::clone(&limiter), Arc::clone(&attempts));
                                    tokio::spawn(async move {
                                        for i in 0..requests / concurrency {
                                            let source = if hot {
                                                ip("203.0.113.7")
                                            } else {
                                                IpAddr::V4(((task << 20) + i).try_into().unwrap_or(0u32).into())
                                            };
                                            let attempts = Arc::clone(&attempts);
                                            let once = move |connection: &Connection| {
                                                attempts.fetch_add(1, Ordering::Relaxed);
                                                let window = window_of(T0);
                                                count(
                                                    connection,
                                                    window,
                                                    KnownKey::Cached(key),
                                                    Class::Worker,
                                                    source,
                                                    limit,
                                                )
                                            };
                                            let admitted = match kind {
                                                "memory" => limiter.admit(Class::Worker, source, T0).await.is_ok(),
                                                "as built" => db.count(move |c| once(c)).await.unwrap().1,
                                                "transaction" => {
                                                    db.count(move |connection| {
                                                        // The counting pool's default: read committed.
                                                        connection.execute_batch("BEGIN")?;
                                                        let counted = once(connection)?;
                                                        connection.execute_batch("COMMIT")?;
                                                        Ok(counted)
                                                    })
                                                    .await
                                                    .unwrap()
                                                    .1
                                                }
                                                _ => {
                                                    db.run(move |connection| {
                                                        let tx = connection.transaction()?;
                                                        let counted = once(&tx)?;
                                                        tx.commit()?;
                                                        Ok(counted)
                                                    })
                                                    .await
                                                    .unwrap()
                                                    .1
                                                }
                                            };
                                            assert!(admitted);
                                        }
                                    })
                                })
                                .collect();
                            for task in tasks {
                                task.await.unwrap();
                            }
                        });
                        runs[index].push(started.elapsed().as_secs_f64());
                        let tried = attempts.load(Ordering::Relaxed);
                        conflicts[index] += tried.saturating_sub(if kind == "memory" { 0 } else { requests });
                    }
                }
                for (index, kind) in KINDS.into_iter().enumerate() {
                    runs[index].sort_by(f64::total_cmp);
                    let median = runs[index][1];
                    println!(
                        "{kind:>12}, {concurrency:>2} at once, {:>12}: {:>8.0} counts/s, {:>7.1} µs each, {} conflicts retried in 3 rounds",
                        if hot { "one source" } else { "many sources" },
                        requests as f64 / median,
                        median * 1e6 * concurrency as f64 / requests as f64,
                        conflicts[index],
                    );
                }
            }
        }
    }
}
