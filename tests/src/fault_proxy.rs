//! A loopback HTTP/1.1 proxy that injects faults at random, for testing that
//! the outbox delivers exactly once whatever the network does.
//!
//! Per request, with the configured probability, it:
//! - drops the request (closes before forwarding: the hub never sees it),
//! - drops the response (forwards, lets the hub commit, then closes),
//! - resets the connection (RST, after forwarding or not),
//! - answers `503` itself without forwarding,
//! - garbles the response body (forwards, then flips bytes).
//!
//! It can also cut chosen responses part-way ([`FaultProxy::cut_responses`]):
//! it forwards the first bytes of the response, then closes the connection,
//! as a phone losing its signal mid-download would see.
//!
//! Requests and responses are framed by `Content-Length` (what reqwest and
//! the hub send). Each request gets its own upstream connection.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Counts of what the proxy did.
#[derive(Debug, Default)]
pub struct FaultCounts {
    /// Requests forwarded and answered normally.
    pub passed: AtomicU64,
    /// Requests dropped before the hub.
    pub dropped_requests: AtomicU64,
    /// Responses dropped after the hub answered.
    pub dropped_responses: AtomicU64,
    /// Connections reset.
    pub resets: AtomicU64,
    /// 503s injected.
    pub injected_5xx: AtomicU64,
    /// Bodies garbled.
    pub garbled: AtomicU64,
    /// Requests received from clients (every kind).
    pub requests: AtomicU64,
    /// Bytes clients sent (request lines, headers and bodies).
    pub bytes_up: AtomicU64,
    /// Bytes clients received.
    pub bytes_down: AtomicU64,
}

impl FaultCounts {
    /// Resets the traffic counters (requests and bytes).
    pub fn reset_traffic(&self) {
        for counter in [&self.requests, &self.bytes_up, &self.bytes_down] {
            counter.store(0, Ordering::SeqCst);
        }
    }
}

/// One request as the proxy saw it, for tests that read the traffic as the
/// hub's operator would (which connection carried what, and when).
#[derive(Debug, Clone)]
pub struct SeenRequest {
    /// The request line (`POST /v1/submissions HTTP/1.1`).
    pub line: String,
    /// Whether it carried a device signature (`x-wv-signature`).
    pub signed: bool,
    /// When it arrived, from the proxy's start.
    pub at: Duration,
}

/// Switches shared between the test and the proxy's tasks.
#[derive(Default)]
pub struct Controls {
    /// Per client connection, in the order accepted: the requests it carried.
    connections: Mutex<Vec<Vec<SeenRequest>>>,
    offline: AtomicBool,
    percent: AtomicU64,
    canned: Mutex<Vec<(String, Vec<u8>)>>,
    lost: Mutex<Vec<(String, u32)>>,
    /// Responses of at least `min_len` bytes to requests whose line contains
    /// the needle are cut after the given fraction (per million) of their
    /// bytes, one cut per response.
    cuts: Mutex<Option<(String, usize, std::collections::VecDeque<u64>)>>,
    /// Cuts made so far.
    cuts_made: AtomicU64,
}

/// The running proxy.
pub struct FaultProxy {
    /// Its URL (`http://127.0.0.1:PORT`).
    pub url: String,
    /// What it did.
    pub counts: Arc<FaultCounts>,
    controls: Arc<Controls>,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic per seed, good enough to pick faults.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

async fn read_message<R: AsyncRead + Unpin>(stream: &mut R) -> Option<Vec<u8>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    buffer.truncate(head_end + length);
    Some(buffer)
}

fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

impl FaultProxy {
    /// Cuts the network (`true`: connections are closed at once) or restores it.
    pub fn set_offline(&self, offline: bool) {
        self.controls.offline.store(offline, Ordering::SeqCst);
    }

    /// Changes the probability of each fault.
    pub fn set_fault_percent(&self, percent: u64) {
        self.controls.percent.store(percent, Ordering::SeqCst);
    }

    /// Answers requests whose request line contains `needle` with `response`
    /// (a whole raw HTTP response), instead of forwarding them.
    pub fn serve_canned(&self, needle: &str, response: Vec<u8>) {
        self.controls.canned.lock().expect("canned").push((needle.to_owned(), response));
    }

    /// Forwards the next `times` requests whose request line contains
    /// `needle` to the hub, then drops the hub's answer (the client sees the
    /// connection close after the hub has acted).
    pub fn lose_answers(&self, needle: &str, times: u32) {
        self.controls.lost.lock().expect("lost").push((needle.to_owned(), times));
    }

    /// Cuts the next responses of at least `min_len` bytes to requests whose
    /// request line contains `needle`: the n-th such response is cut after
    /// `per_million[n]` millionths of its bytes (head included), then the
    /// connection closes.
    pub fn cut_responses(&self, needle: &str, min_len: usize, per_million: Vec<u64>) {
        *self.controls.cuts.lock().expect("cuts") = Some((needle.to_owned(), min_len, per_million.into()));
    }

    /// How many responses were cut so far.
    pub fn cuts_made(&self) -> u64 {
        self.controls.cuts_made.load(Ordering::SeqCst)
    }

    /// Every client connection so far (in the order accepted) with the
    /// requests it carried.
    pub fn connection_log(&self) -> Vec<Vec<SeenRequest>> {
        self.controls.connections.lock().map(|log| log.clone()).unwrap_or_default()
    }

    /// Forgets the connections seen so far.
    pub fn clear_connection_log(&self) {
        if let Ok(mut log) = self.controls.connections.lock() {
            log.clear();
        }
    }

    /// Stops serving canned responses.
    pub fn clear_canned(&self) {
        self.controls.canned.lock().expect("canned").clear();
    }

    /// Starts a proxy to `hub_url` injecting each fault with `percent` probability.
    pub async fn start(hub_url: &str, percent: u64, seed: u64) -> Self {
        let upstream = hub_url.trim_start_matches("http://").trim_end_matches('/').to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let counts = Arc::new(FaultCounts::default());
        let shared = counts.clone();
        let controls = Arc::new(Controls::default());
        controls.percent.store(percent, Ordering::SeqCst);
        let task_controls = controls.clone();
        let connections = Arc::new(AtomicU64::new(seed.max(1)));
        let started = std::time::Instant::now();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (upstream, counts, controls) = (upstream.clone(), shared.clone(), task_controls.clone());
                if controls.offline.load(Ordering::SeqCst) {
                    reset(client);
                    continue;
                }
                let seed = connections.fetch_add(0x9E37_79B9, Ordering::Relaxed);
                let index = controls
                    .connections
                    .lock()
                    .map(|mut log| {
                        log.push(Vec::new());
                        log.len() - 1
                    })
                    .unwrap_or(usize::MAX);
                tokio::spawn(async move {
                    let mut rng = Rng(seed);
                    let seen = Seen { index, started };
                    let _ = tokio::time::timeout(
                        Duration::from_secs(60),
                        serve(client, &upstream, &counts, &controls, &mut rng, seen),
                    )
                    .await;
                });
            }
        });
        Self { url, counts, controls }
    }
}

/// Where a connection's requests are logged.
struct Seen {
    index: usize,
    started: std::time::Instant,
}

async fn serve(
    mut client: TcpStream,
    upstream: &str,
    counts: &FaultCounts,
    controls: &Controls,
    rng: &mut Rng,
    seen: Seen,
) {
    while let Some(request) = read_message(&mut client).await {
        counts.requests.fetch_add(1, Ordering::Relaxed);
        counts.bytes_up.fetch_add(request.len() as u64, Ordering::Relaxed);
        {
            let head_end = request.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(request.len());
            let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
            let line = String::from_utf8_lossy(&request[..head_end]).lines().next().unwrap_or_default().to_owned();
            let signed = head.lines().any(|header| header.starts_with("x-wv-signature:"));
            if let Ok(mut log) = controls.connections.lock()
                && let Some(connection) = log.get_mut(seen.index)
            {
                connection.push(SeenRequest { line, signed, at: seen.started.elapsed() });
            }
        }
        if controls.offline.load(Ordering::SeqCst) {
            return reset(client);
        }
        let request_line =
            String::from_utf8_lossy(&request[..request.len().min(300)]).lines().next().unwrap_or_default().to_owned();
        let canned = controls.canned.lock().ok().and_then(|list| {
            list.iter().find(|(needle, _)| request_line.contains(needle.as_str())).map(|(_, r)| r.clone())
        });
        if let Some(response) = canned {
            if client.write_all(&response).await.is_err() {
                return;
            }
            continue;
        }
        let percent = controls.percent.load(Ordering::SeqCst);
        if rng.chance(percent) {
            counts.dropped_requests.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if rng.chance(percent) {
            counts.injected_5xx.fetch_add(1, Ordering::Relaxed);
            let body = b"<html>upstream unavailable</html>";
            let head = format!("HTTP/1.1 503 Service Unavailable\r\ncontent-length: {}\r\n\r\n", body.len());
            let _ = client.write_all(head.as_bytes()).await;
            let _ = client.write_all(body).await;
            continue;
        }
        let Ok(mut server) = TcpStream::connect(upstream).await else { return };
        if server.write_all(&request).await.is_err() {
            return;
        }
        if rng.chance(percent) {
            counts.resets.fetch_add(1, Ordering::Relaxed);
            // The hub may or may not have processed it: let it finish or not.
            tokio::time::sleep(Duration::from_millis(rng.next() % 5)).await;
            reset(client);
            return;
        }
        let Some(mut response) = read_message(&mut server).await else { return };
        let lose = controls.lost.lock().ok().is_some_and(|mut list| {
            list.iter_mut().find(|(needle, times)| *times > 0 && request_line.contains(needle.as_str())).is_some_and(
                |(_, times)| {
                    *times -= 1;
                    true
                },
            )
        });
        let cut = controls.cuts.lock().ok().and_then(|mut cuts| match cuts.as_mut() {
            Some((needle, min_len, queue)) if request_line.contains(needle.as_str()) && response.len() >= *min_len => {
                queue.pop_front()
            }
            _ => None,
        });
        if let Some(per_million) = cut {
            let at = (response.len() as u64 * per_million.min(999_999) / 1_000_000) as usize;
            controls.cuts_made.fetch_add(1, Ordering::SeqCst);
            counts.bytes_down.fetch_add(at as u64, Ordering::Relaxed);
            let _ = client.write_all(&response[..at]).await;
            let _ = client.shutdown().await;
            return;
        }
        if lose || rng.chance(percent) {
            counts.dropped_responses.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if rng.chance(percent) {
            counts.garbled.fetch_add(1, Ordering::Relaxed);
            if let Some(head_end) = response.windows(4).position(|w| w == b"\r\n\r\n").map(|at| at + 4) {
                for byte in response[head_end..].iter_mut().step_by(3) {
                    *byte = byte.wrapping_add(17);
                }
            }
        } else {
            counts.passed.fetch_add(1, Ordering::Relaxed);
        }
        counts.bytes_down.fetch_add(response.len() as u64, Ordering::Relaxed);
        if client.write_all(&response).await.is_err() {
            return;
        }
    }
}
