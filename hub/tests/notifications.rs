//! E-mail notifications to readers (ADR 0023) against a real SMTP server
//! the test starts on 127.0.0.1: a tiny receiver written here that speaks
//! enough SMTP for lettre (STARTTLS too, with a certificate of its own),
//! keeps every message it accepts, and can refuse (451) on demand.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::cases::Programme;
use support::{TestHub, within_time};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use workervoice_hub::{HubConfig, Notifications, SmtpSecurity, SmtpServer};
use workervoice_protocol::directory::Route;
use workervoice_protocol::grievance::SubmitResponse;
use workervoice_protocol::handler::{NotificationSettings, SetNotificationsRequest};

/// One message the receiver accepted.
#[derive(Debug, Clone)]
struct Received {
    recipients: Vec<String>,
    /// Whether it came after STARTTLS.
    over_tls: bool,
    /// The whole DATA section, headers and body, as sent.
    data: String,
}

impl Received {
    /// The body with quoted-printable soft breaks and escapes undone
    /// (lettre picks the transfer encoding).
    fn text(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map_or("", |(_, body)| body);
        if !self.data.to_ascii_lowercase().contains("content-transfer-encoding: quoted-printable") {
            return body.to_owned();
        }
        let joined = body.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'='
                && i + 2 < bytes.len()
                && let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
            {
                out.push(byte);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// A minimal SMTP server on loopback.
#[derive(Clone)]
struct SmtpReceiver {
    port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
    /// While set, `MAIL FROM` is answered 451 (try again later).
    refusing: Arc<AtomicBool>,
    refusals: Arc<AtomicUsize>,
    /// `MAIL FROM` commands seen, accepted or not.
    mail_commands: Arc<AtomicUsize>,
    /// With a certificate, STARTTLS is offered.
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl SmtpReceiver {
    async fn start() -> Self {
        Self::start_with(None).await
    }

    async fn start_with(tls: Option<Arc<rustls::ServerConfig>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let receiver = Self {
            port: listener.local_addr().expect("address").port(),
            messages: Arc::default(),
            refusing: Arc::default(),
            refusals: Arc::default(),
            mail_commands: Arc::default(),
            tls,
        };
        let serving = receiver.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let serving = serving.clone();
                tokio::spawn(async move {
                    // A broken conversation is the client's problem to report.
                    let _ = serving.converse(stream).await;
                });
            }
        });
        receiver
    }

    async fn converse(&self, stream: tokio::net::TcpStream) -> std::io::Result<()> {
        let mut stream = stream;
        stream.write_all(b"220 test-smtp ready\r\n").await?;
        match self.serve(stream, false).await? {
            Some(plain) => {
                let Some(config) = self.tls.clone() else { return Ok(()) };
                let secured = tokio_rustls::TlsAcceptor::from(config).accept(plain).await?;
                self.serve(secured, true).await.map(drop)
            }
            None => Ok(()),
        }
    }

    /// Serves commands until QUIT or the end; returns the stream when the
    /// client asked for STARTTLS (and it was offered), to go on over TLS.
    async fn serve<S: AsyncRead + AsyncWrite + Unpin>(&self, stream: S, over_tls: bool) -> std::io::Result<Option<S>> {
        let (read, mut write) = tokio::io::split(stream);
        let mut lines = BufReader::new(read);
        let mut recipients = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(None);
            }
            let command = line.trim_end().to_ascii_uppercase();
            if command.starts_with("EHLO") || command.starts_with("HELO") {
                let offer = if self.tls.is_some() && !over_tls { "250-STARTTLS\r\n" } else { "" };
                write.write_all(format!("250-test-smtp\r\n{offer}250-8BITMIME\r\n250 SMTPUTF8\r\n").as_bytes()).await?;
            } else if command == "STARTTLS" && self.tls.is_some() && !over_tls {
                write.write_all(b"220 go ahead\r\n").await?;
                return Ok(Some(lines.into_inner().unsplit(write)));
            } else if command.starts_with("MAIL FROM") {
                self.mail_commands.fetch_add(1, Ordering::SeqCst);
                if self.refusing.load(Ordering::SeqCst) {
                    self.refusals.fetch_add(1, Ordering::SeqCst);
                    write.write_all(b"451 4.3.0 not now\r\n").await?;
                } else {
                    recipients.clear();
                    write.write_all(b"250 ok\r\n").await?;
                }
            } else if command.starts_with("RCPT TO") {
                let address = line.trim_end()[8..].trim().trim_start_matches('<').trim_end_matches('>').to_owned();
                recipients.push(address);
                write.write_all(b"250 ok\r\n").await?;
            } else if command == "DATA" {
                write.write_all(b"354 go on\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(None);
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                self.messages.lock().expect("lock").push(Received {
                    recipients: std::mem::take(&mut recipients),
                    over_tls,
                    data,
                });
                write.write_all(b"250 queued\r\n").await?;
            } else if command == "QUIT" {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(None);
            } else if command == "RSET" || command == "NOOP" {
                write.write_all(b"250 ok\r\n").await?;
            } else {
                write.write_all(b"502 not here\r\n").await?;
            }
        }
    }

    fn messages_to(&self, address: &str) -> Vec<Received> {
        let messages = self.messages.lock().expect("lock");
        messages.iter().filter(|message| message.recipients.iter().any(|to| to == address)).cloned().collect()
    }

    fn count(&self) -> usize {
        self.messages.lock().expect("lock").len()
    }
}

/// Notifications every second through `receiver`, plain (loopback), with
/// retries after 1 s then 2 s.
fn notify_through(receiver: &SmtpReceiver) -> impl FnOnce(&mut HubConfig) {
    let port = receiver.port;
    move |config: &mut HubConfig| {
        config.notifications = Some(Notifications {
            digest_interval: Duration::from_secs(1),
            retry_initial: Duration::from_secs(1),
            retry_max: Duration::from_secs(2),
            ..Notifications::new(SmtpServer {
                host: "127.0.0.1".into(),
                port,
                security: SmtpSecurity::PlainLoopbackOnly,
                from: "Worker Voice <noreply@hub.test>".into(),
                credentials: None,
                ca_pem: None,
                timeout: Duration::from_secs(5),
            })
        });
    }
}

/// Waits until `condition` holds, checking every 100 ms, for at most `limit`.
async fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    condition()
}

/// How many opted-in readers the hub has had a first pass for.
fn baselined(hub: &TestHub) -> i64 {
    // Through the hub's own layer: hub.db, or PostgreSQL when the suite runs there.
    hub.database().integer("SELECT count(*) FROM reader_notification_addresses WHERE baselined = 1", &[])
}

fn opt_in(email: &str) -> SetNotificationsRequest {
    SetNotificationsRequest { email: Some(email.into()), language: Some("en".into()) }
}

#[tokio::test]
async fn a_new_case_sends_the_readers_of_its_route_one_email_with_no_report_content() {
    within_time(async {
        let receiver = SmtpReceiver::start().await;
        let programme = Programme::on(TestHub::start_with(notify_through(&receiver)).await).await;
        let hotline = programme.hub.login(&programme.hotline).await;
        let committee = programme.hub.login(&programme.committee).await;
        let settings: NotificationSettings =
            hotline.post("/handler/v1/notifications", &opt_in("hotline@example.org")).await.ok();
        assert!(settings.available);
        assert_eq!(settings.email.as_deref(), Some("hotline@example.org"));
        assert_eq!(settings.digest_minutes, 1);
        committee
            .post("/handler/v1/notifications", &opt_in("committee@example.org"))
            .await
            .ok::<NotificationSettings>();
        assert!(eventually(Duration::from_secs(10), || baselined(&programme.hub) == 2).await, "first pass");
        assert_eq!(receiver.count(), 0, "opting in is not news");

        // A report to the hotline only.
        let text = "The supervisor on line 3 locks the fire exit at night";
        let sealed = programme.seal(&[Route::IndependentHotline], text, &[]);
        programme.hub.submit(&sealed).await.ok::<SubmitResponse>();
        assert!(
            eventually(Duration::from_secs(10), || !receiver.messages_to("hotline@example.org").is_empty()).await,
            "the hotline reader is told within the digest time"
        );
        let messages = receiver.messages_to("hotline@example.org");
        assert_eq!(messages.len(), 1);
        let message = &messages[0];
        let body = message.text();
        assert!(body.contains("1 new case"), "{body}");
        assert!(body.contains("independent hotline route"), "{body}");
        assert!(body.contains(&format!("{}/reader/sign-in", programme.hub.hub.base_url)), "{body}");
        // Nothing of the case: not its text, id, category or factory.
        for secret in [
            text,
            "fire exit",
            &sealed.case_id,
            &sealed.client_id,
            &sealed.content.category_id,
            &programme.factory.id,
            &programme.factory.name,
        ] {
            assert!(!message.data.contains(secret) && !body.contains(secret), "{secret:?} is in the message");
        }

        // Nothing changed: nothing more is sent; the committee reader, whose
        // route the report did not take, gets nothing at all.
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(receiver.messages_to("hotline@example.org").len(), 1, "no second message for the same news");
        assert!(receiver.messages_to("committee@example.org").is_empty());

        // The worker writes again: one more message, saying so.
        programme
            .hub
            .worker_reply(&sealed, &sealed.token, &uuid::Uuid::new_v4().to_string(), "They did it again")
            .await
            .ok::<serde_json::Value>();
        assert!(
            eventually(Duration::from_secs(10), || receiver.messages_to("hotline@example.org").len() == 2).await,
            "an answered case is news"
        );
        let second = receiver.messages_to("hotline@example.org")[1].text();
        assert!(second.contains("1 case in which the worker wrote again") && !second.contains("new case"), "{second}");
        assert!(!second.contains("They did it again"));
    })
    .await;
}

#[tokio::test]
async fn a_case_past_its_deadline_is_reported_overdue_once() {
    within_time(async {
        let receiver = SmtpReceiver::start().await;
        let programme = Programme::on(TestHub::start_with(notify_through(&receiver)).await).await;
        let hotline = programme.hub.login(&programme.hotline).await;
        let sealed = programme.seal(&[Route::IndependentHotline], "a report", &[]);
        programme.hub.submit(&sealed).await.ok::<SubmitResponse>();
        // Opting in after the report: it is not news, only what happens next is.
        hotline.post("/handler/v1/notifications", &opt_in("hotline@example.org")).await.ok::<NotificationSettings>();
        assert!(eventually(Duration::from_secs(10), || baselined(&programme.hub) == 1).await);
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(receiver.count(), 0, "cases already there are not news");

        // Nine days on, nobody acknowledged it (the default is seven days).
        programme.hub.hub.set_calendar_offset(9 * 86_400);
        assert!(
            eventually(Duration::from_secs(10), || receiver.messages_to("hotline@example.org").len() == 1).await,
            "an overdue case is news"
        );
        let body = receiver.messages_to("hotline@example.org")[0].text();
        assert!(body.contains("1 case past a deadline") && !body.contains("new case"), "{body}");
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(receiver.count(), 1, "the same missed deadline is reported once");
    })
    .await;
}

#[tokio::test]
async fn a_refusing_mail_server_is_retried_with_back_off_while_requests_go_on() {
    within_time(async {
        let receiver = SmtpReceiver::start().await;
        receiver.refusing.store(true, Ordering::SeqCst);
        let programme = Programme::on(TestHub::start_with(notify_through(&receiver)).await).await;
        let hotline = programme.hub.login(&programme.hotline).await;
        hotline.post("/handler/v1/notifications", &opt_in("hotline@example.org")).await.ok::<NotificationSettings>();
        assert!(eventually(Duration::from_secs(10), || baselined(&programme.hub) == 1).await);

        let sealed = programme.seal(&[Route::IndependentHotline], "a report", &[]);
        programme.hub.submit(&sealed).await.ok::<SubmitResponse>();
        assert!(
            eventually(Duration::from_secs(15), || receiver.refusals.load(Ordering::SeqCst) >= 2).await,
            "refused sends are tried again"
        );
        // Requests are answered at once meanwhile, and the reader can see
        // that sending fails.
        let started = Instant::now();
        let settings: NotificationSettings = hotline.get("/handler/v1/notifications").await.ok();
        let inbox: Vec<serde_json::Value> = hotline.get("/handler/v1/cases").await.ok();
        assert!(started.elapsed() < Duration::from_secs(2), "requests waited for the mail server");
        assert!(settings.failed_attempts >= 1, "{settings:?}");
        assert_eq!(inbox.len(), 1);
        // A second report while the server refuses joins the waiting digest.
        let second = programme.seal(&[Route::IndependentHotline], "another report", &[]);
        programme.hub.submit(&second).await.ok::<SubmitResponse>();
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(receiver.count(), 0);

        receiver.refusing.store(false, Ordering::SeqCst);
        assert!(
            eventually(Duration::from_secs(10), || !receiver.messages_to("hotline@example.org").is_empty()).await,
            "delivered once the server takes it"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
        let messages = receiver.messages_to("hotline@example.org");
        assert_eq!(messages.len(), 1, "one digest for both reports");
        assert!(messages[0].text().contains("2 new cases"), "{}", messages[0].text());
        let settings: NotificationSettings = hotline.get("/handler/v1/notifications").await.ok();
        assert_eq!(settings.failed_attempts, 0);
    })
    .await;
}

#[tokio::test]
async fn opting_out_deletes_the_address_and_everything_kept_for_it() {
    within_time(async {
        let receiver = SmtpReceiver::start().await;
        let programme = Programme::on(TestHub::start_with(notify_through(&receiver)).await).await;
        let hotline = programme.hub.login(&programme.hotline).await;
        hotline.post("/handler/v1/notifications", &opt_in("hotline@example.org")).await.ok::<NotificationSettings>();
        let sealed = programme.seal(&[Route::IndependentHotline], "a report", &[]);
        programme.hub.submit(&sealed).await.ok::<SubmitResponse>();
        assert!(
            eventually(Duration::from_secs(10), || programme.hub.count_rows("reader_notification_marks") == 1).await
        );

        // Addresses that are not one plain mailbox are refused.
        for bad in ["not an address", "Ana <ana@example.org>", "a@b.c\r\nBcc: x@y.z"] {
            hotline.post("/handler/v1/notifications", &opt_in(bad)).await.assert_error("bad_request");
        }
        let off: NotificationSettings = hotline
            .post("/handler/v1/notifications", &SetNotificationsRequest { email: None, language: None })
            .await
            .ok();
        assert_eq!(off.email, None);
        for table in ["reader_notification_addresses", "reader_notification_marks", "reader_notification_pending"] {
            assert_eq!(programme.hub.count_rows(table), 0, "{table}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_hub_without_smtp_keeps_no_address_and_says_so() {
    within_time(async {
        let programme = Programme::start().await;
        let hotline = programme.hub.login(&programme.hotline).await;
        let settings: NotificationSettings = hotline.get("/handler/v1/notifications").await.ok();
        assert!(!settings.available);
        hotline.post("/handler/v1/notifications", &opt_in("hotline@example.org")).await.assert_error("bad_request");
        assert_eq!(programme.hub.count_rows("reader_notification_addresses"), 0);
    })
    .await;
}

#[tokio::test]
async fn plain_smtp_to_a_server_off_this_machine_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = HubConfig::for_tests(dir.path().join("data"));
    config.notifications = Some(Notifications::new(SmtpServer {
        host: "mail.example.org".into(),
        port: 25,
        security: SmtpSecurity::PlainLoopbackOnly,
        from: "noreply@example.org".into(),
        credentials: None,
        ca_pem: None,
        timeout: Duration::from_secs(5),
    }));
    let error = workervoice_hub::start(config).await.expect_err("refused");
    assert!(error.to_string().contains("plain SMTP"), "{error}");
}

/// A certificate for `localhost` and a server config holding it; the
/// certificate's PEM is written to `dir` for the hub to trust as its CA.
fn localhost_tls(dir: &std::path::Path) -> (Arc<rustls::ServerConfig>, std::path::PathBuf) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a certificate");
    let ca = dir.join("smtp-ca.pem");
    std::fs::write(&ca, certified.cert.pem()).expect("written");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .expect("server config");
    (Arc::new(config), ca)
}

/// Notifications through `port` on `localhost` with STARTTLS required,
/// trusting only `ca`.
fn notify_with_starttls(port: u16, ca: std::path::PathBuf) -> impl FnOnce(&mut HubConfig) {
    move |config: &mut HubConfig| {
        config.notifications = Some(Notifications {
            digest_interval: Duration::from_secs(1),
            retry_initial: Duration::from_secs(1),
            retry_max: Duration::from_secs(2),
            ..Notifications::new(SmtpServer {
                host: "localhost".into(),
                port,
                security: SmtpSecurity::StartTls,
                from: "noreply@hub.test".into(),
                credentials: None,
                ca_pem: Some(ca),
                timeout: Duration::from_secs(5),
            })
        });
    }
}

#[tokio::test]
async fn with_starttls_the_message_travels_encrypted_to_a_server_the_configured_ca_signed() {
    within_time(async {
        let pem_dir = tempfile::tempdir().expect("temp dir");
        let (tls, ca) = localhost_tls(pem_dir.path());
        let receiver = SmtpReceiver::start_with(Some(tls)).await;
        let programme = Programme::on(TestHub::start_with(notify_with_starttls(receiver.port, ca)).await).await;
        let hotline = programme.hub.login(&programme.hotline).await;
        hotline.post("/handler/v1/notifications", &opt_in("hotline@example.org")).await.ok::<NotificationSettings>();
        assert!(eventually(Duration::from_secs(10), || baselined(&programme.hub) == 1).await);
        let sealed = programme.seal(&[Route::IndependentHotline], "a report", &[]);
        programme.hub.submit(&sealed).await.ok::<SubmitResponse>();
        assert!(eventually(Duration::from_secs(15), || receiver.count() == 1).await, "delivered");
        let message = &receiver.messages_to("hotline@example.org")[0];
        assert!(message.over_tls, "sent after STARTTLS");
        assert!(message.text().contains("1 new case"));
    })
    .await;
}

#[tokio::test]
async fn a_server_that_offers_no_starttls_gets_nothing_in_the_clear() {
    within_time(async {
        let pem_dir = tempfile::tempdir().expect("temp dir");
        let (_, ca) = localhost_tls(pem_dir.path());
        // The same receiver without a certificate: it never offers STARTTLS.
        let receiver = SmtpReceiver::start().await;
        let programme = Programme::on(TestHub::start_with(notify_with_starttls(receiver.port, ca)).await).await;
        let hotline = programme.hub.login(&programme.hotline).await;
        hotline.post("/handler/v1/notifications", &opt_in("hotline@example.org")).await.ok::<NotificationSettings>();
        assert!(eventually(Duration::from_secs(10), || baselined(&programme.hub) == 1).await);
        let sealed = programme.seal(&[Route::IndependentHotline], "a report", &[]);
        programme.hub.submit(&sealed).await.ok::<SubmitResponse>();
        let mut settings = NotificationSettings {
            available: true,
            email: None,
            language: None,
            digest_minutes: 0,
            failed_attempts: 0,
        };
        for _ in 0..100 {
            settings = hotline.get("/handler/v1/notifications").await.ok();
            if settings.failed_attempts >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(settings.failed_attempts >= 2, "the send fails and is retried: {settings:?}");
        assert_eq!(receiver.mail_commands.load(Ordering::SeqCst), 0, "no envelope was sent in the clear");
        assert_eq!(receiver.count(), 0);
    })
    .await;
}
