//! `wv-keyholder`: review and sign what a Worker Voice hub proposes, with the
//! programme key kept on this machine.
//!
//! ```text
//! wv-keyholder init --key-dir DIR
//! wv-keyholder pending --hub URL
//! wv-keyholder review --hub URL (--key-dir DIR | --public-key B64) ID
//! wv-keyholder sign --hub URL --key-dir DIR ID [--yes]
//! wv-keyholder export --hub URL ID > proposal.json          (networked machine)
//! wv-keyholder sign-file --key-dir DIR proposal.json > signature.json   (offline)
//! wv-keyholder upload --hub URL signature.json              (networked machine)
//! ```
//!
//! The staff token for the hub comes from `WV_STAFF_TOKEN` (never a command
//! line argument: other users can read those).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use serde::{Deserialize, Serialize};
use workervoice_keyholder::key::ProgrammeKey;
use workervoice_keyholder::recovery::RecoveryKey;
use workervoice_keyholder::review::{Review, review};
use workervoice_protocol::b64;
use workervoice_protocol::proposal::{PROPOSALS, ProposalDetail, ProposalSummary, SignatureUpload};

#[derive(Parser)]
#[command(name = "wv-keyholder", version, about = "Review and sign what a Worker Voice hub proposes.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the programme key in DIR and print its public key and id.
    Init {
        /// Folder for the key (created 0700).
        #[arg(long, value_name = "DIR", env = "WV_KEYHOLDER_DIR")]
        key_dir: PathBuf,
    },
    /// List the proposals waiting for a signature.
    Pending(HubArgs),
    /// Show what a proposal changes.
    Review {
        #[command(flatten)]
        hub: HubArgs,
        #[command(flatten)]
        key: PublicKeyArgs,
        /// The proposal id.
        id: String,
    },
    /// Review, confirm, sign locally and upload only the signature.
    Sign {
        #[command(flatten)]
        hub: HubArgs,
        /// Folder holding the programme key.
        #[arg(long, value_name = "DIR", env = "WV_KEYHOLDER_DIR")]
        key_dir: PathBuf,
        /// Sign without asking (after printing the review).
        #[arg(long)]
        yes: bool,
        /// The proposal id.
        id: String,
    },
    /// Print a proposal as JSON, to carry to an offline machine.
    Export {
        #[command(flatten)]
        hub: HubArgs,
        /// The proposal id.
        id: String,
    },
    /// Review and sign an exported proposal offline; prints the signature JSON.
    SignFile {
        /// Folder holding the programme key.
        #[arg(long, value_name = "DIR", env = "WV_KEYHOLDER_DIR")]
        key_dir: PathBuf,
        /// Sign without asking.
        #[arg(long)]
        yes: bool,
        /// The file `export` wrote.
        file: PathBuf,
    },
    /// Make a per-route recovery reader key in DIR (offline); the passphrase
    /// is read from the first line of stdin. Prints its key id.
    RecoveryNew {
        /// The key holder's folder.
        #[arg(long, value_name = "DIR", env = "WV_KEYHOLDER_DIR")]
        key_dir: PathBuf,
        /// What it recovers, for the key holder (e.g. "hotline").
        #[arg(long)]
        label: String,
    },
    /// Accept the reader invitation staff made for the recovery reader, with
    /// recovery key KEY_ID (passphrase from stdin). The hub gets the public
    /// key and a login key, never the private key.
    RecoveryAccept {
        /// The key holder's folder.
        #[arg(long, value_name = "DIR", env = "WV_KEYHOLDER_DIR")]
        key_dir: PathBuf,
        /// The hub's base URL.
        #[arg(long, value_name = "URL", env = "WV_HUB")]
        hub: String,
        /// The recovery key id `recovery-new` printed.
        #[arg(long)]
        key_id: String,
        /// The invited account id.
        #[arg(long)]
        handler_id: String,
        /// The invitation token (may start with '-').
        #[arg(long, allow_hyphen_values = true)]
        token: String,
    },
    /// Upload a signature `sign-file` wrote.
    Upload {
        #[command(flatten)]
        hub: HubArgs,
        /// The file `sign-file` wrote.
        file: PathBuf,
    },
}

#[derive(clap::Args)]
struct HubArgs {
    /// The hub's base URL.
    #[arg(long, value_name = "URL", env = "WV_HUB")]
    hub: String,
    /// Staff session token (or the admin token while no staff account exists).
    #[arg(long, env = "WV_STAFF_TOKEN", hide_env_values = true, hide = true)]
    token: String,
}

#[derive(clap::Args)]
#[group(required = true, multiple = false)]
struct PublicKeyArgs {
    /// Folder holding the programme key (only its public half is used).
    #[arg(long, value_name = "DIR", env = "WV_KEYHOLDER_DIR")]
    key_dir: Option<PathBuf>,
    /// The programme's public key, base64.
    #[arg(long, value_name = "B64")]
    public_key: Option<String>,
}

/// What `sign-file` writes and `upload` reads.
#[derive(Serialize, Deserialize)]
struct SignatureFile {
    proposal_id: String,
    #[serde(with = "workervoice_protocol::b64")]
    signature: Vec<u8>,
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wv-keyholder: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Init { key_dir } => {
            let key = ProgrammeKey::init(&key_dir)?;
            println!("programme id  {}", key.programme_id());
            println!("public key    {}", b64::encode(key.public_key()));
            println!(
                "Give the public key to the hub (--programme-public-key) and to the apps; keep {} safe.",
                key_dir.display()
            );
            Ok(())
        }
        Command::Pending(hub) => {
            let pending: Vec<ProposalSummary> = Hub::new(&hub)?.get(&format!("{PROPOSALS}?state=pending"))?;
            if pending.is_empty() {
                println!("Nothing waits for a signature.");
            }
            for proposal in pending {
                println!(
                    "{}  {}  created {} by {}",
                    proposal.id,
                    proposal.kind.as_str(),
                    proposal.created_at,
                    proposal.created_by
                );
            }
            Ok(())
        }
        Command::Review { hub, key, id } => {
            let public_key = match (key.key_dir, key.public_key) {
                (Some(dir), _) => ProgrammeKey::load(&dir)?.public_key().to_vec(),
                (None, Some(text)) => b64::decode(&text).context("the public key is not base64")?,
                (None, None) => bail!("give --key-dir or --public-key"),
            };
            let detail = Hub::new(&hub)?.detail(&id)?;
            print!("{}", review(&detail, &public_key)?.text);
            Ok(())
        }
        Command::Sign { hub, key_dir, yes, id } => {
            let key = ProgrammeKey::load(&key_dir)?;
            let client = Hub::new(&hub)?;
            let detail = client.detail(&id)?;
            let signature = review_and_sign(&key, &detail, yes)?;
            client.upload(&id, signature)?;
            println!("Signed and uploaded; the hub has published {id}.");
            Ok(())
        }
        Command::Export { hub, id } => {
            let detail = Hub::new(&hub)?.detail(&id)?;
            println!("{}", serde_json::to_string_pretty(&detail)?);
            Ok(())
        }
        Command::SignFile { key_dir, yes, file } => {
            let key = ProgrammeKey::load(&key_dir)?;
            let detail: ProposalDetail = read_json(&file)?;
            let signature = review_and_sign(&key, &detail, yes)?;
            let out = SignatureFile { proposal_id: detail.summary.id, signature };
            println!("{}", serde_json::to_string(&out)?);
            Ok(())
        }
        Command::RecoveryNew { key_dir, label } => {
            let passphrase = read_passphrase()?;
            let key = RecoveryKey::generate(&key_dir, &label, &passphrase)?;
            println!("recovery key id  {}", key.key_id);
            println!("Ask staff to invite a reader for the route, then run recovery-accept with this key id.");
            Ok(())
        }
        Command::RecoveryAccept { key_dir, hub, key_id, handler_id, token } => {
            let passphrase = read_passphrase()?;
            let request =
                RecoveryKey::load(&key_dir, &key_id)?.enrolment(&key_dir, &passphrase, &handler_id, &token)?;
            let client = Hub::new(&HubArgs { hub, token: String::new() })?;
            let response =
                client.client.post(format!("{}/handler/v1/invitations/accept", client.base)).json(&request).send()?;
            Hub::parse::<serde_json::Value>(response)?;
            println!("Accepted: key {key_id} is a reader once a directory you sign lists it.");
            Ok(())
        }
        Command::Upload { hub, file } => {
            let signed: SignatureFile = read_json(&file)?;
            Hub::new(&hub)?.upload(&signed.proposal_id, signed.signature)?;
            println!("Uploaded; the hub has published {}.", signed.proposal_id);
            Ok(())
        }
    }
}

/// The first line of stdin, without its line ending (a passphrase is never
/// an argument: arguments show in process lists and shell history).
fn read_passphrase() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("reading the passphrase from stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Prints the review (to stderr, so `sign-file`'s stdout stays the JSON),
/// asks, and signs.
fn review_and_sign(key: &ProgrammeKey, detail: &ProposalDetail, yes: bool) -> anyhow::Result<Vec<u8>> {
    let Review { text, signable } = review(detail, key.public_key())?;
    eprint!("{text}");
    if !signable {
        bail!("not signing: see the review above");
    }
    if !yes {
        eprint!("Sign this with the programme key? Type yes: ");
        std::io::stderr().flush().ok();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).context("reading the answer")?;
        if answer.trim() != "yes" {
            bail!("not signed");
        }
    }
    Ok(key.sign_proposal(detail.summary.kind, &detail.body))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_slice(&bytes).with_context(|| format!("{} is not what this command expects", path.display()))
}

/// The hub's proposal API.
struct Hub {
    client: reqwest::blocking::Client,
    base: String,
    token: String,
}

impl Hub {
    fn new(args: &HubArgs) -> anyhow::Result<Self> {
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("TLS set-up")?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .tls_backend_preconfigured(tls)
            .build()
            .context("building the HTTP client")?;
        Ok(Self { client, base: args.hub.trim_end_matches('/').to_owned(), token: args.token.clone() })
    }

    fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let response = self.client.get(format!("{}{path}", self.base)).bearer_auth(&self.token).send()?;
        Self::parse(response)
    }

    fn detail(&self, id: &str) -> anyhow::Result<ProposalDetail> {
        self.get(&format!("{PROPOSALS}/{id}"))
    }

    fn upload(&self, id: &str, signature: Vec<u8>) -> anyhow::Result<()> {
        let response = self
            .client
            .post(format!("{}{PROPOSALS}/{id}/signature", self.base))
            .bearer_auth(&self.token)
            .json(&SignatureUpload { signature })
            .send()?;
        Self::parse::<serde_json::Value>(response).map(drop)
    }

    fn parse<T: serde::de::DeserializeOwned>(response: reqwest::blocking::Response) -> anyhow::Result<T> {
        let status = response.status();
        let bytes = response.bytes()?;
        if !status.is_success() {
            bail!("the hub answered {status}: {}", String::from_utf8_lossy(&bytes));
        }
        serde_json::from_slice(&bytes).context("the hub's answer does not parse")
    }
}
