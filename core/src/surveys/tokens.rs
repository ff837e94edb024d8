//! A worker's one token per survey (ADR 0010), as the device keeps it: the
//! random input, the blind while the hub's evaluation is awaited, then the
//! output, sealed under the worker's vault key in a row whose id only that
//! key can compute; fetching it from the hub (blind, ask as the worker,
//! check the proof, unblind). Spending it is [`super::responses`].
//!
//! The token: while online, the device blinds 32 random bytes and asks the
//! hub, as the signed-in worker, for the survey's token; the hub refuses a
//! worker who already had one (on any device) and proves it used the key
//! published in the signed definition. The device keeps the blind and then
//! the token under the worker's vault key. The response travels later with
//! the unblinded token and no device signature, so the hub can check it is
//! a valid, unused token without learning whose it is.

use serde::{Deserialize, Serialize};
use workervoice_protocol::b64;
use workervoice_protocol::oprf;
use workervoice_protocol::paths;
use workervoice_protocol::survey_response::{
    OpenSurveysRequest, OpenSurveysResponse, SURVEY_MAC_LABEL, TOKEN_INPUT_LEN, TokenRequest, TokenResponse,
    open_mac_input, token_info, token_mac_input, token_mac_input_v2, token_oprf_input,
};
use zeroize::{Zeroize, Zeroizing};

use crate::crypto::{self, Aad, Key32};
use crate::error::{Error, ErrorCode};
use crate::net::{HubClient, Signer};
use crate::store::Store;
use crate::store::survey_tokens as rows;

/// What a token call needs from the session, taken out so no lock is held
/// across a request.
pub(crate) struct WorkerKeys {
    /// The worker's hub id (named in the MAC'd requests).
    pub(crate) worker_id: String,
    /// The local owner id the rows are bound to.
    pub(crate) owner: String,
    /// The vault key the token rows are sealed under.
    pub(crate) vault_key: Key32,
    /// The worker's progress MAC key (from the hub share): only for
    /// finishing a token asked for before tokens were bound to a factory.
    pub(crate) mac_key: ring::hmac::Key,
    /// The worker's survey MAC key (from the hub share, [`SURVEY_MAC_LABEL`]).
    pub(crate) survey_mac_key: ring::hmac::Key,
}

/// The key that authenticates this worker's survey requests from this device.
pub(crate) fn survey_mac_key(hub_share: &Key32) -> ring::hmac::Key {
    let key = crypto::derive_key(hub_share, SURVEY_MAC_LABEL);
    ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.expose())
}

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
    /// The factory the token is bound to (ADR 0021); `None` in a record made
    /// before tokens were bound, which finishes and is spent as format 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) factory_id: Option<String>,
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

/// The worker's token for `survey_id` as held on the device, if any.
pub(crate) fn load(store: &Store, keys: &WorkerKeys, survey_id: &str) -> Result<Option<TokenRecord>, Error> {
    let id = token_row(&keys.vault_key, survey_id);
    let Some(sealed) = rows::get(store.conn(), &id)? else { return Ok(None) };
    let plain = Zeroizing::new(crypto::open(&keys.vault_key, token_aad(&hex::encode(&id), &keys.owner), &sealed)?);
    serde_json::from_slice(&plain).map(Some).map_err(|_| ErrorCode::StorageCorrupt.into())
}

/// Seals and keeps the worker's token for `survey_id`.
pub(crate) fn save(
    store: &mut Store,
    keys: &WorkerKeys,
    survey_id: &str,
    record: &TokenRecord,
    now: i64,
) -> Result<(), Error> {
    let id = token_row(&keys.vault_key, survey_id);
    let plain = Zeroizing::new(serde_json::to_vec(record).map_err(|_| ErrorCode::Internal)?);
    let sealed = crypto::seal(&keys.vault_key, token_aad(&hex::encode(&id), &keys.owner), &plain)?;
    store.transaction(|tx| rows::put(tx, &id, &sealed, now).map_err(Error::from))
}

/// A new token bound to `factory_id` (the device's): random input and
/// blind, not asked for yet.
pub(crate) fn new_record(factory_id: String) -> Result<TokenRecord, Error> {
    Ok(TokenRecord {
        input: crypto::random_bytes::<TOKEN_INPUT_LEN>()?.to_vec(),
        blind: Some(oprf::random_blind().map_err(|_| ErrorCode::Internal)?.to_vec()),
        output: None,
        used: false,
        factory_id: Some(factory_id),
    })
}

/// Asks the hub which surveys are open to the worker.
pub(crate) async fn ask_open_surveys(
    client: &HubClient,
    signer: &Signer,
    keys: &WorkerKeys,
) -> Result<OpenSurveysResponse, Error> {
    let mac = ring::hmac::sign(&keys.survey_mac_key, &open_mac_input(&keys.worker_id));
    let request = OpenSurveysRequest { worker_id: keys.worker_id.clone(), mac: mac.as_ref().to_vec() };
    Ok(client.post_signed(paths::SURVEYS_OPEN, &request, signer).await?)
}

/// Asks the hub to evaluate `record`'s blinded input (kept before asking,
/// so a lost reply can be asked again with the same blinded element) and
/// finishes it: the output is set and the blind wiped.
pub(crate) async fn evaluate(
    client: &HubClient,
    signer: &Signer,
    keys: &WorkerKeys,
    survey_id: &str,
    token_key: &[u8],
    record: &mut TokenRecord,
) -> Result<(), Error> {
    let blind = record.blind.as_deref().ok_or(ErrorCode::StorageCorrupt)?;
    let input = token_oprf_input(survey_id, &record.input);
    let (state, blinded, mac) = match &record.factory_id {
        // Bound to the factory: the hub's evaluation is checked against the
        // published key tweaked by that factory, so a token of this factory
        // is what comes back or nothing.
        Some(factory_id) => {
            let (state, blinded) = oprf::BlindState::restore_bound(&input, &token_info(factory_id), blind)
                .map_err(|_| ErrorCode::StorageCorrupt)?;
            let mac_input = token_mac_input_v2(&keys.worker_id, survey_id, factory_id, &blinded);
            (state, blinded, ring::hmac::sign(&keys.survey_mac_key, &mac_input))
        }
        None => {
            let (state, blinded) = oprf::BlindState::restore(&input, blind).map_err(|_| ErrorCode::StorageCorrupt)?;
            let mac_input = token_mac_input(&keys.worker_id, survey_id, &blinded);
            (state, blinded, ring::hmac::sign(&keys.mac_key, &mac_input))
        }
    };
    let request = TokenRequest {
        worker_id: keys.worker_id.clone(),
        survey_id: survey_id.to_owned(),
        blinded: blinded.to_vec(),
        factory_id: record.factory_id.clone(),
        mac: mac.as_ref().to_vec(),
    };
    let reply: TokenResponse = client.post_signed(paths::SURVEYS_TOKEN, &request, signer).await?;
    // A hub that evaluated with any key but the published one fails here.
    let output = oprf::finalize(state, &reply.evaluated, &reply.proof, token_key).map_err(|_| ErrorCode::BadReply)?;
    record.output = Some(output.to_vec());
    record.blind.zeroize();
    Ok(())
}
