//! Where the PostgreSQL server is and how the hub reaches it: the database
//! URL read with libpq's TLS words, and the rule that what leaves this
//! machine is encrypted and the server checked.
//!
//! The URL is either a `postgres://` URL or key-value words, as libpq takes
//! them. Two of libpq's words the `postgres` client does not read are read
//! here and removed before it parses the rest:
//!
//! - `sslmode`: `require`, `verify-ca` and `verify-full` all mean TLS with
//!   the server's certificate checked against the roots **and** its name
//!   (libpq's `verify-full`; the hub never makes an unchecked TLS link,
//!   which would only look safe). `disable` means no TLS. Unset, `allow` or
//!   `prefer` mean no TLS too, but only to a server on this machine (a unix
//!   socket or a loopback address): `prefer` falls back to plain text when
//!   an attacker on the path says the server has no TLS, so off this
//!   machine the hub refuses to start and asks for a mode in words.
//! - `sslrootcert`: a PEM file of the roots that sign the server's
//!   certificate (a private CA, as managed databases and self-run servers
//!   use). Without it, the Mozilla roots (`webpki-roots`).
//!
//! Client certificates (`sslcert`, `sslkey`) are refused with a clear
//! error: the hub signs in with the URL's user and password (or peer
//! authentication on a socket).

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use postgres::config::Host;
use tokio_postgres_rustls::MakeRustlsConnect;

/// How the hub talks to the server.
#[derive(Clone)]
pub(crate) enum Tls {
    /// Plain text: a socket or a loopback address, or `sslmode=disable`.
    Plain,
    /// TLS, the server's certificate and name checked.
    Verified(MakeRustlsConnect),
}

/// A parsed database URL and its TLS.
#[derive(Clone)]
pub(crate) struct Target {
    pub(crate) config: postgres::Config,
    pub(crate) tls: Tls,
}

/// What `sslmode` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Unset, `allow` or `prefer`: plain, on this machine only.
    Unsaid,
    Disable,
    Verify,
}

impl Target {
    /// Reads `url`. An error never repeats the URL (it may hold a password).
    pub(crate) fn parse(url: &str) -> anyhow::Result<Self> {
        let (rest, words) = take_tls_words(url)?;
        let mut config = rest
            .parse::<postgres::Config>()
            .map_err(|_| anyhow::anyhow!("the database URL is not a valid PostgreSQL URL"))?;
        let mode = match words.sslmode.as_deref() {
            None | Some("allow" | "prefer") => Mode::Unsaid,
            Some("disable") => Mode::Disable,
            Some("require" | "verify-ca" | "verify-full") => Mode::Verify,
            Some(_) => anyhow::bail!(
                "the database URL's sslmode is not one of disable, allow, prefer, require, verify-ca, verify-full"
            ),
        };
        let tls = match mode {
            Mode::Verify => {
                config.ssl_mode(postgres::config::SslMode::Require);
                Tls::Verified(MakeRustlsConnect::new(client_config(words.sslrootcert.as_ref())?))
            }
            Mode::Disable | Mode::Unsaid => {
                if words.sslrootcert.is_some() {
                    anyhow::bail!("the database URL names an sslrootcert but no sslmode: add sslmode=verify-full");
                }
                if mode == Mode::Unsaid && !all_on_this_machine(&config) {
                    anyhow::bail!(
                        "the database server is not on this machine and the URL does not say how to reach it: \
                         add sslmode=verify-full (and sslrootcert=FILE for a private CA) to encrypt the link \
                         and check the server, or sslmode=disable on a network you secure yourself"
                    );
                }
                config.ssl_mode(postgres::config::SslMode::Disable);
                Tls::Plain
            }
        };
        if mode == Mode::Disable && !all_on_this_machine(&config) {
            tracing::warn!("sslmode=disable: the link to the database server is not encrypted");
        }
        Ok(Self { config, tls })
    }

    /// Opens one connection.
    pub(crate) fn connect(&self) -> anyhow::Result<postgres::Client> {
        let connected = match &self.tls {
            Tls::Plain => self.config.connect(postgres::NoTls),
            Tls::Verified(tls) => self.config.connect(tls.clone()),
        };
        // The error's text names the server's refusal or the certificate
        // check that failed; it does not hold the password.
        connected.context("connecting to the PostgreSQL server")
    }

    /// Whether the link is TLS (for the start-up log).
    pub(crate) fn encrypted(&self) -> bool {
        matches!(self.tls, Tls::Verified(_))
    }
}

/// The TLS words taken out of a URL.
#[derive(Debug, Default, PartialEq, Eq)]
struct TlsWords {
    sslmode: Option<String>,
    sslrootcert: Option<PathBuf>,
}

/// Splits `url` into what the `postgres` client reads and the TLS words.
fn take_tls_words(url: &str) -> anyhow::Result<(String, TlsWords)> {
    let mut words = TlsWords::default();
    let mut take = |key: &str, value: String| -> anyhow::Result<bool> {
        match key {
            "sslmode" => words.sslmode = Some(value.to_ascii_lowercase()),
            "sslrootcert" => words.sslrootcert = Some(PathBuf::from(value)),
            "sslcert" | "sslkey" | "sslpassword" => anyhow::bail!(
                "the hub does not sign in to the database with a client certificate: use the URL's user and \
                 password, or peer authentication on a unix socket"
            ),
            _ => return Ok(false),
        }
        Ok(true)
    };
    let trimmed = url.trim();
    if trimmed.starts_with("postgres://") || trimmed.starts_with("postgresql://") {
        let mut parsed =
            url::Url::parse(trimmed).map_err(|_| anyhow::anyhow!("the database URL is not a valid PostgreSQL URL"))?;
        let mut kept = Vec::new();
        for (key, value) in parsed.query_pairs() {
            if !take(&key, value.clone().into_owned())? {
                kept.push((key.into_owned(), value.into_owned()));
            }
        }
        if kept.is_empty() {
            parsed.set_query(None);
        } else {
            parsed.query_pairs_mut().clear().extend_pairs(kept);
        }
        return Ok((parsed.to_string(), words));
    }
    let mut kept = String::new();
    for (key, value) in key_values(trimmed)? {
        if !take(&key, value.clone())? {
            kept.push_str(&format!("{key}='{}' ", value.replace('\\', "\\\\").replace('\'', "\\'")));
        }
    }
    Ok((kept.trim_end().to_owned(), words))
}

/// libpq's key-value words: `key = value`, a value quoted with `'` when it
/// has spaces, `\` escaping inside quotes.
fn key_values(text: &str) -> anyhow::Result<Vec<(String, String)>> {
    let malformed = || anyhow::anyhow!("the database URL is not a valid PostgreSQL URL");
    let mut pairs = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(pairs);
        }
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') || key.is_empty() {
            return Err(malformed());
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next().ok_or_else(malformed)? {
                    '\'' => break,
                    '\\' => value.push(chars.next().ok_or_else(malformed)?),
                    c => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                value.push(if c == '\\' { chars.next().ok_or_else(malformed)? } else { c });
            }
        }
        pairs.push((key, value));
    }
}

/// Whether every host the config may reach is on this machine: a unix
/// socket, `localhost`, or a loopback address (and `hostaddr`, which
/// overrides the name for connecting, is loopback too).
fn all_on_this_machine(config: &postgres::Config) -> bool {
    let hosts_local = config.get_hosts().iter().all(|host| match host {
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
    });
    hosts_local && config.get_hostaddrs().iter().all(IpAddr::is_loopback)
}

/// A rustls client (ring) that checks the server against `roots` (a PEM
/// file) or, without one, the Mozilla roots.
fn client_config(roots: Option<&PathBuf>) -> anyhow::Result<rustls::ClientConfig> {
    let mut store = rustls::RootCertStore::empty();
    match roots {
        Some(path) => {
            let pem = std::fs::read(path).with_context(|| format!("reading the sslrootcert {}", path.display()))?;
            let mut found = 0;
            for certificate in rustls::pki_types::pem::PemObject::pem_slice_iter(&pem) {
                let certificate: rustls::pki_types::CertificateDer<'static> = certificate
                    .map_err(|_| anyhow::anyhow!("the sslrootcert {} is not a PEM certificate file", path.display()))?;
                store.add(certificate).context("a root in the sslrootcert is not usable")?;
                found += 1;
            }
            if found == 0 {
                anyhow::bail!("the sslrootcert {} holds no certificate", path.display());
            }
        }
        None => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS versions")?
        .with_root_certificates(store)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(url: &str) -> String {
        match Target::parse(url) {
            Ok(_) => panic!("{url} was accepted"),
            Err(error) => format!("{error:#}"),
        }
    }

    #[test]
    fn a_server_on_this_machine_may_be_reached_in_plain_text() {
        for url in [
            "host=/run/postgresql dbname=wv",
            "host=localhost dbname=wv",
            "host=127.0.0.1 port=5433 dbname=wv",
            "host=::1 dbname=wv",
            "postgres://wv@localhost/wv",
            "postgres://wv@127.0.0.1:5433/wv?sslmode=prefer",
        ] {
            let target = Target::parse(url).unwrap_or_else(|error| panic!("{url}: {error:#}"));
            assert!(!target.encrypted(), "{url}");
        }
    }

    #[test]
    fn a_server_elsewhere_needs_tls_said_in_words_or_plain_text_said_in_words() {
        for url in [
            "host=db.internal dbname=wv",
            "host=10.0.0.5 dbname=wv sslmode=prefer",
            "postgres://wv:secret@db.internal/wv",
            "host=localhost hostaddr=10.0.0.5 dbname=wv",
        ] {
            let error = error_of(url);
            assert!(error.contains("sslmode=verify-full"), "{url}: {error}");
            assert!(!error.contains("secret"), "the password is echoed: {error}");
        }
        assert!(!Target::parse("host=db.internal dbname=wv sslmode=disable").expect("said in words").encrypted());
        for url in [
            "host=db.internal dbname=wv sslmode=verify-full",
            "host=db.internal dbname=wv sslmode=require",
            "postgres://wv:secret@db.internal/wv?sslmode=verify-ca&application_name=hub",
        ] {
            let target = Target::parse(url).unwrap_or_else(|error| panic!("{url}: {error:#}"));
            assert!(target.encrypted(), "{url}");
            assert_eq!(target.config.get_ssl_mode(), postgres::config::SslMode::Require);
        }
    }

    #[test]
    fn the_tls_words_are_taken_out_and_the_rest_kept() {
        let dir = tempfile::tempdir().expect("dir");
        let ca = dir.path().join("ca with space.pem");
        let certificate = rcgen::generate_simple_self_signed(vec!["db.internal".to_owned()]).expect("certificate");
        std::fs::write(&ca, certificate.cert.pem()).expect("write");
        let words = format!(
            "host=db.internal  port = 6543 user='wv hub' password='it\\'s' dbname=wv sslmode=verify-full sslrootcert='{}'",
            ca.display()
        );
        let (rest, taken) = take_tls_words(&words).expect("words");
        assert_eq!(taken, TlsWords { sslmode: Some("verify-full".into()), sslrootcert: Some(ca.clone()) });
        let config: postgres::Config = rest.parse().expect("the rest parses");
        assert_eq!(config.get_user(), Some("wv hub"));
        assert_eq!(config.get_password(), Some(&b"it's"[..]));
        assert_eq!(config.get_ports(), &[6543]);
        assert!(Target::parse(&words).expect("target").encrypted());

        let url = "postgres://wv@db.internal/wv?sslmode=verify-full&connect_timeout=5";
        let (rest, taken) = take_tls_words(url).expect("url");
        assert_eq!(taken.sslmode.as_deref(), Some("verify-full"));
        assert_eq!(rest, "postgres://wv@db.internal/wv?connect_timeout=5");
    }

    #[test]
    fn what_the_hub_cannot_honour_is_refused_clearly() {
        assert!(error_of("host=db.internal sslmode=verify-full sslcert=/c.pem").contains("client certificate"));
        assert!(error_of("host=localhost sslmode=sometimes").contains("sslmode is not one of"));
        assert!(error_of("host=localhost sslrootcert=/ca.pem").contains("no sslmode"));
        assert!(error_of("host=db.internal sslmode=verify-full sslrootcert=/nowhere/ca.pem").contains("reading"));
        assert!(error_of("host=db.internal dbname='unterminated").contains("not a valid"));
        let dir = tempfile::tempdir().expect("dir");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate").expect("write");
        let url = format!("host=db.internal sslmode=verify-full sslrootcert={}", empty.display());
        assert!(error_of(&url).contains("holds no certificate"), "{}", error_of(&url));
    }
}
