//! Verification throughput of content blobs: SHA-256 over bytes already in
//! memory (the raw speed of ring's SHA-256 on this machine) against the path
//! every downloaded blob takes before use (`verify_file`: read the complete
//! file from disk in 256 KiB chunks, hash, compare hash and size). The file
//! is in the page cache after the first pass, so this measures the cost of
//! the verification code, not the disk.
//!
//! Run: `cargo bench -p workervoice-core --bench content_verify`.

use std::time::{Duration, Instant};

use ring::digest::{SHA256, digest};
use workervoice_core::content::download::verify_file;
use workervoice_protocol::content::sha256_hex;

const BLOB_BYTES: usize = 32 * 1024 * 1024;
const ROUNDS: usize = 5;

fn best_of(rounds: usize, mut work: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn mb_per_s(bytes: usize, elapsed: Duration) -> f64 {
    bytes as f64 / 1e6 / elapsed.as_secs_f64().max(1e-9)
}

fn main() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let blob: Vec<u8> = (0..BLOB_BYTES)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let expected = sha256_hex(&blob);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(&expected);
    std::fs::write(&path, &blob).expect("blob written");

    let raw = best_of(ROUNDS, || {
        std::hint::black_box(digest(&SHA256, std::hint::black_box(&blob)));
    });
    let verified = best_of(ROUNDS, || {
        assert!(verify_file(&path, &expected, BLOB_BYTES as u64).expect("file reads"));
    });
    let (raw_rate, verify_rate) = (mb_per_s(BLOB_BYTES, raw), mb_per_s(BLOB_BYTES, verified));
    println!("content_verify: {} MiB blob, best of {ROUNDS}", BLOB_BYTES / (1024 * 1024));
    println!("  raw SHA-256 in memory      {raw_rate:>8.0} MB/s");
    println!("  blob verification (file)   {verify_rate:>8.0} MB/s");
    println!("  ratio verification / raw   {:>8.2}", verify_rate / raw_rate);
}
