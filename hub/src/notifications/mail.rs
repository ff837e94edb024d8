//! The message and the SMTP transport.
//!
//! The message is plain text in the reader's language (Fluent, the files in
//! `locales/`): the counts, the route's name and the console's sign-in
//! address. Nothing in it comes from a case.
//!
//! The transport is lettre's over rustls with ring (no native TLS, no
//! aws-lc). STARTTLS is required when configured (a server that does not
//! offer it fails the send rather than receiving anything in the clear);
//! plain SMTP is accepted for a loopback server only ([`super::SmtpServer`]).
//! Failures are described for the log by kind and SMTP code only: a
//! server's own text may quote the recipient's address.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use workervoice_protocol::directory::Route;

use super::digest::Counts;
use super::{SmtpSecurity, SmtpServer};

/// The languages messages are written in, with their Fluent source. The
/// first is the fallback.
const LANGUAGES: &[(&str, &str)] = &[
    ("en", include_str!("locales/en.ftl")),
    ("vi", include_str!("locales/vi.ftl")),
    ("zh-CN", include_str!("locales/zh-CN.ftl")),
];

/// The language of `requested` the hub writes in: the same tag, or one of
/// the same language (`zh-Hans` → `zh-CN`), or English.
pub(crate) fn supported_language(requested: Option<&str>) -> &'static str {
    let requested = requested.unwrap_or_default();
    let primary = |tag: &str| tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    LANGUAGES
        .iter()
        .find(|(tag, _)| tag.eq_ignore_ascii_case(requested))
        .or_else(|| LANGUAGES.iter().find(|(tag, _)| primary(tag) == primary(requested)))
        .map_or(LANGUAGES[0].0, |(tag, _)| tag)
}

/// Why a message could not be made or sent.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MailError {
    /// A message file is broken (a build error, caught by the tests).
    #[error("the notification text for {0} is broken")]
    Text(&'static str),
    /// The stored address or the configured sender is not an address.
    #[error("an address is not valid")]
    Address,
    /// Building the message failed.
    #[error("building the message failed")]
    Build,
    /// The SMTP server could not be reached, refused or timed out; the
    /// string is safe to log (kind and code only).
    #[error("sending failed: {0}")]
    Send(String),
}

/// Parses the configured `From:` (a mailbox, with or without a name).
pub(crate) fn parse_from(from: &str) -> anyhow::Result<Mailbox> {
    from.parse::<Mailbox>().map_err(|_| anyhow::anyhow!("the SMTP from address {from:?} is not an e-mail address"))
}

/// A message's subject and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text {
    pub(crate) subject: String,
    pub(crate) body: String,
}

/// The message for `counts` on `route`, in `language`, pointing at
/// `sign_in_url`.
pub(crate) fn compose(language: &str, route: Route, counts: Counts, sign_in_url: &str) -> Result<Text, MailError> {
    let tag = supported_language(Some(language));
    let source = LANGUAGES.iter().find(|(known, _)| *known == tag).map_or(LANGUAGES[0].1, |(_, source)| source);
    let resource = FluentResource::try_new(source.to_owned()).map_err(|_| MailError::Text(tag))?;
    let id: unic_langid::LanguageIdentifier = tag.parse().map_err(|_| MailError::Text(tag))?;
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Plain text mail: no bidi isolation marks around arguments.
    bundle.set_use_isolating(false);
    bundle.add_resource(resource).map_err(|_| MailError::Text(tag))?;
    let message = |id: &str, args: Option<&FluentArgs>| -> Result<String, MailError> {
        let pattern = bundle.get_message(id).and_then(|message| message.value()).ok_or(MailError::Text(tag))?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
        if errors.is_empty() { Ok(text) } else { Err(MailError::Text(tag)) }
    };
    let route_name = message(
        match route {
            Route::FactoryCommittee => "notification-route-factory-committee",
            Route::IndependentHotline => "notification-route-independent-hotline",
            Route::Brand => "notification-route-brand",
        },
        None,
    )?;
    let mut args = FluentArgs::new();
    args.set("route", route_name);
    let mut body = message("notification-intro", Some(&args))?;
    body.push_str("\r\n\r\n");
    for (id, count) in [
        ("notification-new", counts.new),
        ("notification-answered", counts.answered),
        ("notification-overdue", counts.overdue),
    ] {
        if count > 0 {
            let mut args = FluentArgs::new();
            args.set("count", count);
            body.push_str("- ");
            body.push_str(&message(id, Some(&args))?);
            body.push_str("\r\n");
        }
    }
    let mut args = FluentArgs::new();
    args.set("url", sign_in_url);
    body.push_str("\r\n");
    body.push_str(&message("notification-sign-in", Some(&args))?);
    body.push_str("\r\n\r\n");
    body.push_str(&message("notification-why", None)?);
    body.push_str("\r\n");
    Ok(Text { subject: message("notification-subject", None)?, body })
}

/// The configured SMTP server, ready to send.
pub(crate) struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Prepares the transport (reads the CA file, if any); connects only
    /// when sending.
    pub(crate) fn new(server: &SmtpServer) -> anyhow::Result<Self> {
        let tls_parameters = || -> anyhow::Result<TlsParameters> {
            let mut builder = TlsParameters::builder(server.host.clone());
            if let Some(path) = &server.ca_pem {
                let pem = std::fs::read(path)
                    .map_err(|error| anyhow::anyhow!("reading the SMTP CA file {}: {error}", path.display()))?;
                let certificate = Certificate::from_pem(&pem)
                    .map_err(|_| anyhow::anyhow!("the SMTP CA file {} holds no PEM certificate", path.display()))?;
                builder = builder.certificate_store(CertificateStore::None).add_root_certificate(certificate);
            } else {
                builder = builder.certificate_store(CertificateStore::WebpkiRoots);
            }
            builder.build().map_err(|_| anyhow::anyhow!("preparing TLS for the SMTP server failed"))
        };
        let tls = match server.security {
            SmtpSecurity::StartTls => Tls::Required(tls_parameters()?),
            SmtpSecurity::ImplicitTls => Tls::Wrapper(tls_parameters()?),
            SmtpSecurity::PlainLoopbackOnly => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(server.host.clone())
            .port(server.port)
            .timeout(Some(server.timeout))
            .tls(tls);
        if let Some(credentials) = &server.credentials {
            // lettre keeps its own copy of the password (a plain String) for
            // the transport's life: the hub's own copy is still wiped.
            builder = builder
                .credentials(Credentials::new(credentials.username.clone(), credentials.password.as_str().to_owned()));
        }
        Ok(Self { transport: builder.build(), from: parse_from(&server.from)? })
    }

    /// Sends `text` to `to`.
    pub(crate) async fn send(&self, to: &str, text: Text) -> Result<(), MailError> {
        let to: Mailbox = to.parse().map_err(|_| MailError::Address)?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(text.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(text.body)
            .map_err(|_| MailError::Build)?;
        self.transport.send(message).await.map(drop).map_err(|error| MailError::Send(describe(&error)))
    }
}

/// A failure as the log may show it: its kind and SMTP code, never the
/// server's text.
fn describe(error: &lettre::transport::smtp::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_tls() {
        "TLS failed"
    } else if error.is_permanent() {
        "refused (permanent)"
    } else if error.is_transient() {
        "refused (transient)"
    } else if error.is_response() {
        "unexpected answer"
    } else {
        "connection failed"
    };
    match error.status() {
        Some(code) => format!("{kind}, SMTP {code}"),
        None => kind.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message_and_names_no_case() {
        let counts = Counts { new: 2, answered: 1, overdue: 3 };
        for (tag, _) in LANGUAGES {
            for route in [Route::FactoryCommittee, Route::IndependentHotline, Route::Brand] {
                let text = compose(tag, route, counts, "https://hub.example.org/reader/sign-in").expect("composes");
                assert!(text.body.contains("https://hub.example.org/reader/sign-in"), "{tag}");
                assert!(text.body.contains('2') && text.body.contains('3'), "{tag}: {}", text.body);
                assert!(!text.body.contains('\u{2068}'), "{tag}: no isolation marks in plain text");
            }
        }
    }

    #[test]
    fn only_the_counts_that_are_not_zero_are_written() {
        let text = compose("en", Route::Brand, Counts { new: 1, answered: 0, overdue: 0 }, "u").expect("composes");
        assert!(text.body.contains("1 new case\r\n"), "{}", text.body);
        assert!(text.body.contains("on the brand route"));
        assert!(!text.body.contains("wrote again") && !text.body.contains("deadline"));
    }

    #[test]
    fn a_language_the_hub_lacks_falls_back_to_english_and_zh_variants_to_chinese() {
        assert_eq!(supported_language(Some("km")), "en");
        assert_eq!(supported_language(None), "en");
        assert_eq!(supported_language(Some("zh-Hans")), "zh-CN");
        assert_eq!(supported_language(Some("VI")), "vi");
    }
}
