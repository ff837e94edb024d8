//! The programme's public key, and the check that its private key is not
//! here.
//!
//! Whoever holds the programme's private key decides who may read workers'
//! reports (a directory that lists one more reader key is all it takes) and
//! what content every device accepts. So the hub does not hold it: it keeps
//! only the public key, `<data-dir>/programme.pub` (base64 of the 32 raw
//! bytes), pinned at first start from `--programme-public-key` and refused if
//! a later start names another. What must be signed, the hub prepares as a
//! proposal ([`crate::proposals`]); the key holder signs it with
//! `wv-keyholder` on their own machine and the hub publishes only what
//! verifies under this key.
//!
//! A data directory that holds `programme-signing.key` (the private key, where
//! earlier hubs kept it) stops the hub at start, with a message to move it
//! to the key holder's machine: `wv-keyholder` reads that file as is.
//!
//! The demo and the tests need someone to sign without a person at a second
//! machine: with a [`crate::config::DemoKeyHolder`] the hub keeps a key
//! holder's key in a separate folder (never the data directory) and signs
//! for the key holder through the same code `wv-keyholder` uses
//! ([`workervoice_keyholder::key::ProgrammeKey`]).

use std::fs;
use std::path::Path;

use anyhow::{Context, bail};
use ring::signature::{ED25519, UnparsedPublicKey};
use workervoice_keyholder::key::ProgrammeKey;
use workervoice_protocol::b64;
use workervoice_protocol::proposal::ProposalKind;

use crate::config::HubConfig;

/// The private key's file name, refused inside the data directory.
pub(crate) const PROGRAMME_KEY_FILE: &str = workervoice_keyholder::key::KEY_FILE;
/// The public key's file name inside the data directory.
pub(crate) const PUBLIC_KEY_FILE: &str = "programme.pub";

/// The programme's public key and the id derived from it.
pub(crate) struct ProgrammePublicKey {
    public_key: Vec<u8>,
    id: String,
}

impl ProgrammePublicKey {
    fn new(public_key: Vec<u8>) -> anyhow::Result<Self> {
        if public_key.len() != 32 {
            bail!("the programme public key must be 32 bytes (base64 of what `wv-keyholder init` printed)");
        }
        let id = workervoice_protocol::content::programme_id(&public_key);
        Ok(Self { public_key, id })
    }

    /// The key pinned in `data_dir`, pinning `configured` there on first start.
    pub(crate) fn load_or_pin(data_dir: &Path, configured: Option<&[u8]>) -> anyhow::Result<Self> {
        let path = data_dir.join(PUBLIC_KEY_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => {
                let pinned = b64::decode(text.trim())
                    .with_context(|| format!("{} is not base64: restore it from a backup", path.display()))?;
                if configured.is_some_and(|configured| configured != pinned.as_slice()) {
                    bail!(
                        "the programme public key given differs from the one in {}: apps pin the programme key, \
                         so it cannot change under a running programme",
                        path.display()
                    );
                }
                Self::new(pinned)
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let Some(configured) = configured else {
                    bail!(
                        "no programme public key: start once with --programme-public-key (what `wv-keyholder init` \
                         printed on the key holder's machine), or --demo"
                    );
                };
                let key = Self::new(configured.to_vec())?;
                // Private and durable like every file the hub writes: a key
                // pinned and then lost to a power cut would stop the hub.
                crate::data_dir::write_durably(&path, format!("{}\n", b64::encode(configured)).as_bytes())
                    .with_context(|| format!("writing {}", path.display()))?;
                tracing::info!(programme_id = key.id, "pinned the programme public key");
                Ok(key)
            }
            Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// The key already pinned in `data_dir` (for `publish-pack`).
    pub(crate) fn load(data_dir: &Path) -> anyhow::Result<Self> {
        Self::load_or_pin(data_dir, None)
    }

    /// The programme id: derived from the public key, so the two can never
    /// disagree (`wvp-` and 16 hex digits of its SHA-256).
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// The raw 32-byte public key.
    pub(crate) fn public_key(&self) -> &[u8] {
        &self.public_key
    }

    /// Whether `signature` is the programme's over a proposal body of `kind`.
    pub(crate) fn verifies(&self, kind: ProposalKind, body: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&ED25519, &self.public_key).verify(&kind.signing_input(body), signature).is_ok()
    }
}

/// A key holder's key the hub signs with, for a demo or a test only.
pub(crate) struct DemoSigner {
    pub(crate) key: ProgrammeKey,
    /// Where its key file lives (said in the demo's printout).
    pub(crate) dir: std::path::PathBuf,
    /// Sign every proposal as soon as it is made (the demo), or only when
    /// asked ([`crate::proposals::sign_pending`], tests).
    pub(crate) sign_automatically: bool,
}

/// Refuses to run with the programme's private key in the data directory.
pub(crate) fn refuse_private_key_in(data_dir: &Path) -> anyhow::Result<()> {
    let path = data_dir.join(PROGRAMME_KEY_FILE);
    if path.exists() {
        bail!(
            "{} is the programme's private key: whoever holds it decides who can read workers' reports, so the \
             hub must not. Move it to the key holder's machine (wv-keyholder uses the file as is: put it in the \
             folder you give --key-dir), start the hub with --programme-public-key, and sign with \
             `wv-keyholder sign`.",
            path.display()
        );
    }
    Ok(())
}

/// Start-up: refuses a private key in the data directory, loads the demo
/// key holder's key if configured (from its own folder), and pins the
/// programme's public key.
pub(crate) fn at_start(config: &HubConfig) -> anyhow::Result<(ProgrammePublicKey, Option<DemoSigner>)> {
    refuse_private_key_in(&config.data_dir)?;
    let signer = match &config.demo_key_holder {
        Some(holder) => {
            let inside = |dir: &Path| dir.canonicalize().ok();
            if inside(&holder.dir).is_some() && inside(&holder.dir) == inside(&config.data_dir) {
                bail!("the demo key holder's folder must not be the hub's data directory");
            }
            let key = ProgrammeKey::load_or_init(&holder.dir)?;
            Some(DemoSigner { key, dir: holder.dir.clone(), sign_automatically: holder.sign_automatically })
        }
        None => None,
    };
    let configured = match (&signer, &config.programme_public_key) {
        (Some(signer), Some(configured)) if configured.as_slice() != signer.key.public_key() => {
            bail!("--programme-public-key differs from the demo key holder's key")
        }
        (Some(signer), _) => Some(signer.key.public_key().to_vec()),
        (None, configured) => configured.clone(),
    };
    let programme = ProgrammePublicKey::load_or_pin(&config.data_dir, configured.as_deref())?;
    Ok((programme, signer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_key_is_pinned_once_and_a_different_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(ProgrammePublicKey::load(dir.path()).is_err(), "no key given and none pinned");
        let first = ProgrammePublicKey::load_or_pin(dir.path(), Some(&[7; 32])).unwrap();
        let again = ProgrammePublicKey::load(dir.path()).unwrap();
        assert_eq!((first.public_key(), first.id()), (again.public_key(), again.id()));
        assert!(ProgrammePublicKey::load_or_pin(dir.path(), Some(&[8; 32])).is_err());
        assert!(ProgrammePublicKey::load_or_pin(tempfile::tempdir().unwrap().path(), Some(&[1; 31])).is_err());
    }

    #[test]
    fn a_private_key_in_the_data_directory_stops_the_hub_and_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(PROGRAMME_KEY_FILE), b"secret").unwrap();
        let error = refuse_private_key_in(dir.path()).unwrap_err().to_string();
        assert!(error.contains("key holder"), "{error}");
        assert_eq!(fs::read(dir.path().join(PROGRAMME_KEY_FILE)).unwrap(), b"secret");
    }
}
