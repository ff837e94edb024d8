//! Clients that try to hold the hub: trickled headers (slow-loris), trickled
//! bodies, and more connections than the hub serves.

mod support;

use std::time::{Duration, Instant};

use support::{TestHub, within_time};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use workervoice_hub::TrafficLimits;

fn tight_limits(max_connections: usize) -> TrafficLimits {
    TrafficLimits {
        max_connections,
        header_read_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(1),
        ..TrafficLimits::default()
    }
}

/// Reads until the hub closes the connection (or a read fails); returns
/// what it sent, or `None` if it was still open after `patience`.
async fn read_until_closed(stream: &mut TcpStream, patience: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let deadline = Instant::now() + patience;
    let mut buffer = [0u8; 4096];
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(received),
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
        }
    }
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_cut_off_within_the_header_time_out() {
    within_time(async {
        let hub = TestHub::start_with(|config| config.limits = tight_limits(64)).await;
        let mut stream = TcpStream::connect(hub.hub.local_addr).await.expect("connects");
        let started = Instant::now();
        stream.write_all(b"GET /health HTTP/1.1\r\nHost: hub\r\n").await.expect("first line");
        // One header line every 200 ms, never the blank line that ends them.
        let trickle = async {
            for i in 0..50u32 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if stream.write_all(format!("X-Slow-{i}: a\r\n").as_bytes()).await.is_err() {
                    break;
                }
            }
        };
        trickle.await;
        let closed = read_until_closed(&mut stream, Duration::from_secs(1)).await;
        assert!(closed.is_some(), "the connection was still open after {:?}", started.elapsed());
        assert!(started.elapsed() < Duration::from_secs(3), "cut off only after {:?}", started.elapsed());
    })
    .await;
}

#[tokio::test]
async fn a_client_trickling_its_body_is_answered_rate_limited_within_the_request_time_out() {
    within_time(async {
        let hub = TestHub::start_with(|config| config.limits = tight_limits(64)).await;
        let mut stream = TcpStream::connect(hub.hub.local_addr).await.expect("connects");
        let started = Instant::now();
        stream
            .write_all(
                b"POST /v1/submissions HTTP/1.1\r\nHost: hub\r\n\
                  Content-Type: application/vnd.workervoice.submission\r\nContent-Length: 100000\r\n\r\n",
            )
            .await
            .expect("head");
        let mut answer = Vec::new();
        for _ in 0..40 {
            let _ = stream.write_all(&[0u8; 10]).await;
            let mut buffer = [0u8; 4096];
            if let Ok(Ok(n)) = tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buffer)).await {
                answer.extend_from_slice(&buffer[..n]);
                if n == 0 || answer.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
        }
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 429"), "answer: {text:?}");
        assert!(started.elapsed() < Duration::from_secs(3), "answered only after {:?}", started.elapsed());
    })
    .await;
}

#[tokio::test]
async fn connections_beyond_the_limit_are_closed_and_the_ones_served_keep_working() {
    within_time(async {
        let hub = TestHub::start_with(|config| {
            config.limits = TrafficLimits { max_connections: 2, ..TrafficLimits::default() };
        })
        .await;
        let held_a = TcpStream::connect(hub.hub.local_addr).await.expect("first");
        let mut held_b = TcpStream::connect(hub.hub.local_addr).await.expect("second");
        // Let the hub accept both before the third arrives.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut refused = TcpStream::connect(hub.hub.local_addr).await.expect("the TCP handshake itself completes");
        let closed = read_until_closed(&mut refused, Duration::from_secs(2)).await;
        assert_eq!(closed, Some(Vec::new()), "the third connection must be closed without an answer");

        // A connection being served still works.
        held_b.write_all(b"GET /health HTTP/1.1\r\nHost: hub\r\n\r\n").await.expect("request");
        let mut buffer = [0u8; 1024];
        let n = held_b.read(&mut buffer).await.expect("answer");
        assert!(String::from_utf8_lossy(&buffer[..n]).starts_with("HTTP/1.1 200"));

        // Closing one frees its place.
        drop(held_a);
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut next = TcpStream::connect(hub.hub.local_addr).await.expect("connects");
        next.write_all(b"GET /health HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n").await.expect("request");
        let answer = read_until_closed(&mut next, Duration::from_secs(2)).await.expect("answered and closed");
        assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    })
    .await;
}
