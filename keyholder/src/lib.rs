//! `workervoice-keyholder`: the programme key holder's side of Worker Voice.
//!
//! Whoever holds the programme's Ed25519 private key decides who may read
//! workers' reports (a directory listing one more reader key is all it takes)
//! and what training and surveys every device accepts. So the key lives with
//! a key holder, on their own machine, never on the hub. The hub prepares
//! proposals ([`workervoice_protocol::proposal`]); this crate
//!
//! - keeps the key in a file ([`key`]: PKCS#8, mode 0600, in a 0700 folder),
//! - works out, from the bytes alone, what a proposal changes ([`review`]:
//!   readers added and removed per route, with key fingerprints; a pack's
//!   contents), and
//! - signs exactly those bytes ([`key::ProgrammeKey::sign_proposal`]).
//!
//! The `wv-keyholder` binary (feature `cli`) adds the commands and an HTTP
//! client for the hub's proposal API. The hub's demo mode uses this library
//! to sign for the demo's key holder, through the same code.

pub mod key;
pub mod recovery;
pub mod review;
