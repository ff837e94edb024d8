//! What a reader's sign-in costs at the chosen KDF parameters (ADR 0015):
//! PBKDF2-HMAC-SHA256 at 600,000 iterations plus HKDF in the client, the
//! private key's unwrapping, and the whole sign-in against a real hub on
//! loopback (prelogin, KDF, login with the hub's Argon2id check of
//! `login_key`, unwrap). Printed figures, median of a few runs.
//!
//! Run: `cargo bench -p workervoice-e2e --bench reader_login` (or with
//! `--profile dev`, quicker to build: ring and argon2 are optimised there too).

use std::time::{Duration, Instant};

use workervoice_e2e::TestHub;
use wv_reader::account::{DEFAULT_ITERATIONS, PasswordKeys, ReaderKeyPair};
use wv_reader::client::ReaderClient;

const RUNS: usize = 5;
const PASSWORD: &str = "correct horse battery staple";

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let salt = [7u8; 16];
    let mut kdf = Vec::new();
    let mut unwrap = Vec::new();
    let keys = PasswordKeys::derive(PASSWORD, &salt, DEFAULT_ITERATIONS).expect("derives");
    let pair = ReaderKeyPair::generate().expect("key pair");
    let wrapped = pair.wrap(&keys, "account").expect("wraps");
    for _ in 0..RUNS {
        let started = Instant::now();
        let keys = PasswordKeys::derive(PASSWORD, &salt, DEFAULT_ITERATIONS).expect("derives");
        kdf.push(started.elapsed());
        let started = Instant::now();
        ReaderKeyPair::unwrap(&keys, "account", &wrapped).expect("unwraps");
        unwrap.push(started.elapsed());
    }
    println!(
        "client KDF (PBKDF2-HMAC-SHA256 x {DEFAULT_ITERATIONS} + 2 HKDF): {:?}; unwrapping the private key: {:?}",
        median(kdf),
        median(unwrap)
    );

    let hub = TestHub::start().await;
    let handler_id = hub.handler("independent_hotline", None, PASSWORD).await;
    let client = ReaderClient::with_http(&hub.url(), reqwest::Client::new());
    let mut sign_in = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let session = client.login(&handler_id, PASSWORD, None).await.expect("signs in");
        sign_in.push(started.elapsed());
        session.logout().await.expect("logs out");
    }
    println!(
        "whole sign-in on loopback (prelogin, KDF, login with the hub's Argon2id 19 MiB check, unwrap): {:?}",
        median(sign_in)
    );
}
