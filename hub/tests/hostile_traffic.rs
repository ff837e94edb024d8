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

/// `template` with every `{parameter}` replaced by a plausible value.
fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|part| if part.starts_with('{') { "00000000-0000-4000-8000-000000000000" } else { part })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_listed_route_refuses_a_body_one_byte_over_its_limit() {
    within_time(async {
        let hub = TestHub::start().await;
        let limits = workervoice_hub::route_body_limits();
        assert!(limits.len() > 30, "the table lists the hub's routes");
        for (method, template, limit) in limits {
            let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
            let response = hub
                .http
                .request(method.clone(), hub.url(&concrete(template)))
                .bearer_auth(hub.staff_token())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(vec![b' '; limit + 1])
                .send()
                .await
                .expect("sent");
            let reply = support::Reply::from(response).await;
            assert_eq!(reply.error_code(), Some("payload_too_large"), "{method} {template} ({limit} bytes): {reply:?}");
            reply.assert_error("payload_too_large");
        }
    })
    .await;
}

#[tokio::test]
async fn a_small_route_refuses_a_body_the_protocol_would_allow_elsewhere() {
    within_time(async {
        let hub = TestHub::start().await;
        // 64 KiB: under the protocol's 256 KiB, far over any sign-in.
        let response = hub
            .http
            .post(hub.url(workervoice_protocol::paths::AUTH_LOGIN))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(vec![b' '; 64 * 1024])
            .send()
            .await
            .expect("sent");
        support::Reply::from(response).await.assert_error("payload_too_large");
    })
    .await;
}

#[tokio::test]
async fn a_chunked_body_without_a_length_is_cut_off_at_the_limit() {
    within_time(async {
        let hub = TestHub::start().await;
        let mut stream = TcpStream::connect(hub.hub.local_addr).await.expect("connects");
        stream
            .write_all(
                b"POST /v1/enrol HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n\
                  Transfer-Encoding: chunked\r\n\r\n",
            )
            .await
            .expect("head");
        // 4 KiB chunks, up to 1 MiB: the hub answers long before the end.
        let chunk = [b' '; 4096];
        for _ in 0..256 {
            let mut piece = format!("{:x}\r\n", chunk.len()).into_bytes();
            piece.extend_from_slice(&chunk);
            piece.extend_from_slice(b"\r\n");
            if stream.write_all(&piece).await.is_err() {
                break;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
        let answer = read_until_closed(&mut stream, Duration::from_secs(5)).await.unwrap_or_default();
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 413"), "answer: {text:?}");
        assert!(text.contains("payload_too_large"), "answer: {text:?}");
    })
    .await;
}

#[tokio::test]
async fn a_report_announcing_attachments_over_the_caps_is_refused_and_nothing_is_stored() {
    within_time(async {
        let hub = TestHub::start_with(|config| {
            config.limits = TrafficLimits {
                max_attachment_bytes: 4096,
                max_report_attachment_bytes: 6000,
                ..TrafficLimits::default()
            };
        })
        .await;
        let programme = support::cases::Programme::on(hub).await;
        let routes = [workervoice_protocol::directory::Route::IndependentHotline];

        let one_too_large = programme.seal(&routes, "photo", &[vec![7u8; 5000]]);
        programme.hub.submit(&one_too_large).await.assert_error("payload_too_large");
        let together_too_large = programme.seal(&routes, "photos", &[vec![7u8; 3000], vec![8u8; 3500]]);
        programme.hub.submit(&together_too_large).await.assert_error("payload_too_large");
        assert_eq!(programme.hub.count_rows("cases"), 0);

        let within = programme.seal(&routes, "photo", &[vec![7u8; 3000]]);
        let _: workervoice_protocol::grievance::SubmitResponse = programme.hub.submit(&within).await.ok();
        assert_eq!(programme.hub.count_rows("cases"), 1);
    })
    .await;
}

#[tokio::test]
async fn by_default_a_report_may_announce_three_attachments_of_eight_mib_together_as_the_app_allows() {
    use workervoice_protocol::grievance::{MAX_REPORT_ATTACHMENT_BYTES, MAX_REPORT_ATTACHMENTS};
    within_time(async {
        let hub = TestHub::start().await;
        let programme = support::cases::Programme::on(hub).await;
        let routes = [workervoice_protocol::directory::Route::IndependentHotline];

        let four = vec![vec![1u8; 10]; MAX_REPORT_ATTACHMENTS + 1];
        programme.hub.submit(&programme.seal(&routes, "four photos", &four)).await.assert_error("payload_too_large");
        let over = vec![vec![2u8; (MAX_REPORT_ATTACHMENT_BYTES + 4096) as usize]];
        programme.hub.submit(&programme.seal(&routes, "a long video", &over)).await.assert_error("payload_too_large");
        assert_eq!(programme.hub.count_rows("cases"), 0);

        // The most the app lets a worker attach, split as a photo, a photo
        // and a voice note each ending in a partial chunk.
        let third = (MAX_REPORT_ATTACHMENT_BYTES / 3) as usize;
        let full =
            vec![vec![3u8; third], vec![4u8; third], vec![5u8; MAX_REPORT_ATTACHMENT_BYTES as usize - 2 * third]];
        let _: workervoice_protocol::grievance::SubmitResponse =
            programme.hub.submit(&programme.seal(&routes, "two photos and a voice note", &full)).await.ok();
        assert_eq!(programme.hub.count_rows("cases"), 1);
    })
    .await;
}

/// Sends `count` submissions that announce more than the route allows,
/// some with a declared length, some chunked, each on its own connection.
async fn oversized_storm(addr: std::net::SocketAddr, count: usize) {
    let mut tasks = Vec::new();
    for i in 0..count {
        tasks.push(tokio::spawn(async move {
            let Ok(mut stream) = TcpStream::connect(addr).await else { return };
            let head: &[u8] = if i % 2 == 0 {
                b"POST /v1/submissions HTTP/1.1\r\nHost: hub\r\n\
                  Content-Type: application/vnd.workervoice.submission\r\nContent-Length: 100000000\r\n\r\n"
            } else {
                b"POST /v1/submissions HTTP/1.1\r\nHost: hub\r\n\
                  Content-Type: application/vnd.workervoice.submission\r\nTransfer-Encoding: chunked\r\n\r\n"
            };
            if stream.write_all(head).await.is_err() {
                return;
            }
            let chunk = vec![0xAAu8; 64 * 1024];
            for _ in 0..8 {
                let mut piece = if i % 2 == 0 { Vec::new() } else { format!("{:x}\r\n", chunk.len()).into_bytes() };
                piece.extend_from_slice(&chunk);
                if i % 2 == 1 {
                    piece.extend_from_slice(b"\r\n");
                }
                if stream.write_all(&piece).await.is_err() {
                    break;
                }
            }
            let _ = read_until_closed(&mut stream, Duration::from_secs(3)).await;
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hostile_traffic_loses_nothing_the_hub_already_acknowledged() {
    within_time(async {
        // Room for slow set-up steps (handler keys are stretched) on a busy
        // machine; the trickling clients below are cut off all the same.
        let hub = TestHub::start_with(|config| {
            config.limits = TrafficLimits { request_timeout: Duration::from_secs(5), ..tight_limits(48) };
        })
        .await;
        let programme = support::cases::Programme::on(hub).await;
        let routes = [workervoice_protocol::directory::Route::IndependentHotline];
        let mut acknowledged = Vec::new();
        for i in 0..20 {
            let sealed = programme.seal(&routes, &format!("report {i}"), &[]);
            let answer: workervoice_protocol::grievance::SubmitResponse = programme.hub.submit(&sealed).await.ok();
            acknowledged.push((sealed, answer));
        }
        let addr = programme.hub.hub.local_addr;

        // At once: bodies over the limit, trickled bodies, idle connections
        // up to the limit and past it.
        let oversized = tokio::spawn(oversized_storm(addr, 64));
        let slow = tokio::spawn(async move {
            let mut held = Vec::new();
            for _ in 0..16 {
                if let Ok(mut stream) = TcpStream::connect(addr).await {
                    let _ = stream
                        .write_all(
                            b"POST /v1/submissions HTTP/1.1\r\nHost: hub\r\n\
                              Content-Type: application/vnd.workervoice.submission\r\nContent-Length: 1000\r\n\r\n",
                        )
                        .await;
                    held.push(stream);
                }
            }
            for _ in 0..10 {
                for stream in &mut held {
                    let _ = stream.write_all(&[1u8]).await;
                }
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
        });
        let idle = tokio::spawn(async move {
            let mut held = Vec::new();
            for _ in 0..100 {
                if let Ok(stream) = TcpStream::connect(addr).await {
                    held.push(stream);
                }
            }
            tokio::time::sleep(Duration::from_millis(1500)).await;
        });
        let _ = tokio::join!(oversized, slow, idle);

        // Every limit let go of its connections: the hub answers, and every
        // report acknowledged before the storm is there, once.
        let mut answered = false;
        for _ in 0..50 {
            if programme.hub.http.get(programme.hub.url("/health")).send().await.is_ok_and(|r| r.status() == 200) {
                answered = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(answered, "the hub answers again after the storm");
        for (sealed, answer) in &acknowledged {
            let replay: workervoice_protocol::grievance::SubmitResponse = programme.hub.submit(sealed).await.ok();
            assert_eq!(&replay, answer, "a replay is answered from what was stored");
        }
        assert_eq!(programme.hub.count_rows("cases"), acknowledged.len() as i64);
    })
    .await;
}

/// Submits `sealed` as if it came from `source` through a trusted proxy.
async fn submit_from(hub: &TestHub, source: &str, framed: Vec<u8>) -> support::Reply {
    let response = hub
        .http
        .post(hub.url(workervoice_protocol::paths::SUBMISSIONS))
        .header(reqwest::header::CONTENT_TYPE, workervoice_protocol::grievance::SUBMISSION_CONTENT_TYPE)
        .header("x-forwarded-for", format!("10.9.9.9, {source}"))
        .body(framed)
        .send()
        .await
        .expect("sent");
    support::Reply::from(response).await
}

#[tokio::test]
async fn one_source_flooding_submissions_is_refused_while_other_factories_still_submit() {
    within_time(async {
        let hub = TestHub::start_with(|config| {
            config.limits = TrafficLimits {
                anonymous_requests_per_source_per_minute: 5,
                source_from_forwarded_for: true,
                ..TrafficLimits::default()
            };
        })
        .await;
        let programme = support::cases::Programme::on(hub).await;
        let routes = [workervoice_protocol::directory::Route::IndependentHotline];
        support::in_one_rate_limit_window(Duration::from_secs(20)).await;
        for i in 0..5 {
            let sealed = programme.seal(&routes, &format!("flood {i}"), &[]);
            let _: workervoice_protocol::grievance::SubmitResponse =
                submit_from(&programme.hub, "203.0.113.7", sealed.framed).await.ok();
        }
        let over = programme.seal(&routes, "one too many", &[]);
        let refused = submit_from(&programme.hub, "203.0.113.7", over.framed.clone()).await;
        refused.assert_error("rate_limited");
        let retry_after = refused.body.pointer("/error/retry_after_secs").and_then(serde_json::Value::as_u64);
        assert!(retry_after.is_some_and(|secs| (1..=60).contains(&secs)), "{refused:?}");
        assert_eq!(programme.hub.count_rows("cases"), 5, "the refused report was not stored");

        // Another factory's address is not held back.
        let elsewhere = programme.seal(&routes, "another factory", &[]);
        let _: workervoice_protocol::grievance::SubmitResponse =
            submit_from(&programme.hub, "198.51.100.2", elsewhere.framed).await.ok();
    })
    .await;
}

#[tokio::test]
async fn a_factory_behind_one_address_is_not_limited_by_the_defaults_under_a_burst_of_reports() {
    within_time(async {
        let hub = TestHub::start_with(|config| {
            config.limits = TrafficLimits { source_from_forwarded_for: true, ..TrafficLimits::default() };
        })
        .await;
        let programme = support::cases::Programme::on(hub).await;
        let routes = [workervoice_protocol::directory::Route::IndependentHotline];
        // 300 reports in a burst, all from one factory's NAT.
        for i in 0..300 {
            let sealed = programme.seal(&routes, &format!("report {i}"), &[]);
            let _: workervoice_protocol::grievance::SubmitResponse =
                submit_from(&programme.hub, "203.0.113.7", sealed.framed).await.ok();
        }
        assert_eq!(programme.hub.count_rows("cases"), 300);
    })
    .await;
}

#[tokio::test]
async fn a_local_proxy_that_stands_for_everybody_is_never_limited() {
    within_time(async {
        // Loopback peer, no trusted proxy header: limiting it would be one
        // global limit that a single client could use to silence everyone.
        let hub = TestHub::start_with(|config| {
            config.limits = TrafficLimits { anonymous_requests_per_source_per_minute: 2, ..TrafficLimits::default() };
        })
        .await;
        let programme = support::cases::Programme::on(hub).await;
        let routes = [workervoice_protocol::directory::Route::IndependentHotline];
        for i in 0..6 {
            let sealed = programme.seal(&routes, &format!("report {i}"), &[]);
            let _: workervoice_protocol::grievance::SubmitResponse = programme.hub.submit(&sealed).await.ok();
        }
    })
    .await;
}

#[tokio::test]
async fn sign_ins_from_one_source_are_limited_without_touching_worker_traffic() {
    within_time(async {
        let hub = TestHub::start_with(|config| {
            config.limits = TrafficLimits {
                sign_ins_per_source_per_minute: 3,
                source_from_forwarded_for: true,
                ..TrafficLimits::default()
            };
        })
        .await;
        // Guessing enrolment codes: each wrong try is answered for what it
        // is until the source's sign-ins for the minute are used up.
        let enrol = |hub: &TestHub| {
            hub.http
                .post(hub.url(workervoice_protocol::paths::ENROL))
                .header("x-forwarded-for", "203.0.113.7")
                .json(&serde_json::json!({}))
                .send()
        };
        support::in_one_rate_limit_window(Duration::from_secs(15)).await;
        for _ in 0..3 {
            support::Reply::from(enrol(&hub).await.expect("sent")).await.assert_error("bad_request");
        }
        support::Reply::from(enrol(&hub).await.expect("sent")).await.assert_error("rate_limited");
        // Worker traffic from the same source is counted apart.
        let sync = hub
            .http
            .post(hub.url(workervoice_protocol::paths::CASES_SYNC))
            .header("x-forwarded-for", "203.0.113.7")
            .json(&serde_json::json!({"cases": []}))
            .send()
            .await
            .expect("sent");
        assert_eq!(sync.status().as_u16(), 200);
    })
    .await;
}
