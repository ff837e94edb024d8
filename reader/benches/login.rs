//! What a reader's sign-in costs in the client at the chosen parameters
//! (ADR 0015): PBKDF2-HMAC-SHA256 at 600,000 iterations plus two HKDF
//! expansions, then unwrapping the private key. Printed figures, median of
//! a few runs. The whole sign-in against a loopback hub (with its Argon2id
//! check) is `cargo bench -p workervoice-e2e --bench reader_login`.
//!
//! Run: `cargo bench -p wv-reader --bench login`.

use std::time::{Duration, Instant};

use wv_reader::account::{DEFAULT_ITERATIONS, PasswordKeys, ReaderKeyPair};

const RUNS: usize = 7;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let password = "correct horse battery staple";
    let salt = [7u8; 16];
    let keys = PasswordKeys::derive(password, &salt, DEFAULT_ITERATIONS).expect("derives");
    let pair = ReaderKeyPair::generate().expect("key pair");
    let wrapped = pair.wrap(&keys, "account").expect("wraps");
    let (mut kdf, mut unwrap) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let started = Instant::now();
        let keys = PasswordKeys::derive(password, &salt, DEFAULT_ITERATIONS).expect("derives");
        kdf.push(started.elapsed());
        let started = Instant::now();
        ReaderKeyPair::unwrap(&keys, "account", &wrapped).expect("unwraps");
        unwrap.push(started.elapsed());
    }
    println!(
        "reader sign-in, client side: KDF (PBKDF2-HMAC-SHA256 x {DEFAULT_ITERATIONS} + 2 HKDF) {:?}, unwrapping the private key {:?} (median of {RUNS})",
        median(kdf),
        median(unwrap)
    );
}
