//! A worker's one token per survey (ADR 0010), as the device keeps it: the
//! random input, the blind while the hub's evaluation is awaited, then the
//! output, sealed under the worker's vault key in a row whose id only that
//! key can compute. Fetching it and spending it are the app's calls
//! (`app::survey_responses`).

use serde::{Deserialize, Serialize};
use workervoice_protocol::b64;
use zeroize::Zeroize;

use crate::crypto::{self, Aad, Key32};

/// A worker's token for one survey, sealed under their vault key.
#[derive(Serialize, Deserialize)]
pub(crate) struct TokenRecord {
    /// The random token input.
    #[serde(with = "b64")]
    pub(crate) input: Vec<u8>,
    /// The blind, while the hub's evaluation is awaited.
    #[serde(default, with = "b64::option")]
    pub(crate) blind: Option<Vec<u8>>,
    /// The token output, once finalized.
    #[serde(default, with = "b64::option")]
    pub(crate) output: Option<Vec<u8>>,
    /// The response was queued: the token is spent.
    #[serde(default)]
    pub(crate) used: bool,
}

impl Drop for TokenRecord {
    fn drop(&mut self) {
        self.input.zeroize();
        self.blind.zeroize();
        self.output.zeroize();
    }
}

/// The row id of a worker's token for `survey_id`: unlinkable without the vault key.
pub(crate) fn token_row(vault_key: &Key32, survey_id: &str) -> Vec<u8> {
    crypto::blind_index(vault_key, crypto::labels::SURVEY_TOKEN_ID, survey_id.as_bytes())
}

/// The AAD a token row is sealed with.
pub(crate) fn token_aad<'a>(row: &'a str, owner: &'a str) -> Aad<'a> {
    Aad { table: "survey_tokens", row, owner, column: "sealed" }
}
