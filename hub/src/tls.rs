//! TLS termination with rustls and the *ring* provider, chosen explicitly:
//! no process-wide default provider is installed, and no other provider
//! (aws-lc) is linked.

use std::sync::Arc;

use anyhow::Context;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::TlsFiles;

/// A rustls server configuration from PEM files: TLS 1.2 and 1.3 with
/// rustls' safe defaults, HTTP/2 and HTTP/1.1 offered by ALPN.
pub(crate) fn server_config(files: &TlsFiles) -> anyhow::Result<Arc<ServerConfig>> {
    let certs = CertificateDer::pem_file_iter(&files.cert_pem)
        .with_context(|| format!("reading the TLS certificate {}", files.cert_pem.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("parsing the TLS certificate {}", files.cert_pem.display()))?;
    anyhow::ensure!(!certs.is_empty(), "{} holds no certificate", files.cert_pem.display());
    let key = PrivateKeyDer::from_pem_file(&files.key_pem)
        .with_context(|| format!("reading the TLS private key {}", files.key_pem.display()))?;
    let mut config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .context("configuring TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("the TLS certificate and private key do not form a usable pair")?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
