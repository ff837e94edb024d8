//! A survey response as it leaves the device: what the worker sees of the
//! surveys open to them, the answers sealed to the survey's analysts under a
//! one-time key, the upload MAC'd under the worker's token (never the token
//! output itself), the random delay before it is first sent, and sending it
//! unsigned (it names no device). ADR 0010.

use workervoice_protocol::envelope;
use workervoice_protocol::grievance::WrappedKey;
use workervoice_protocol::paths;
use workervoice_protocol::survey::SurveyDefinition;
use workervoice_protocol::survey_response::{
    RESPONSE_FORMAT_V1, RESPONSE_FORMAT_V2, ResponseContent, ResponseReceipt, ResponseUpload, response_aad,
    response_hpke_info, response_mac,
};
use zeroize::{Zeroize, Zeroizing};

use super::tokens::TokenRecord;
use crate::crypto::{self, hpke};
use crate::error::{Error, ErrorCode};
use crate::net::{HubClient, NetError};

/// Longest random delay before a survey response is first sent, by default.
pub const DEFAULT_SEND_DELAY_MAX_SECS: u32 = 6 * 3600;

/// Where a survey open to the worker stands on this device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum OpenSurveyState {
    /// The worker can answer it (the token is on the device).
    Ready,
    /// Answered on this device.
    Answered,
    /// The worker's one token went to another device: answer it there.
    AnsweredElsewhere,
    /// The definition is not on the device yet (sync content).
    NotDownloaded,
}

/// A survey open to the signed-in worker.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OpenSurveyView {
    /// The survey.
    pub id: String,
    /// Its title in the current language (empty when not downloaded).
    pub title: String,
    /// Unix seconds when it closes, if it does.
    pub closes_at: Option<i64>,
    /// What the worker can do with it here.
    pub state: OpenSurveyState,
}

/// A response sealed and ready for the outbox.
pub(crate) struct SealedResponse {
    /// The upload, serialized.
    pub(crate) body: Vec<u8>,
}

/// Seals `content` to the survey's analysts (`definition.delivery`) and
/// MACs the upload under the token's output.
pub(crate) fn seal(
    definition: &SurveyDefinition,
    content: &ResponseContent,
    factory_id: String,
    token: &TokenRecord,
) -> Result<SealedResponse, Error> {
    let delivery = definition.delivery.as_ref().ok_or(ErrorCode::ContentUnverified)?;
    let (id, version) = (content.survey_id.as_str(), content.version);
    let response_id = uuid::Uuid::new_v4().to_string();
    let content_key = crypto::random_key()?;
    let mut recipients = Vec::with_capacity(delivery.recipients.len());
    for analyst in &delivery.recipients {
        let sealed = hpke::seal_base(
            &analyst.public_key,
            &response_hpke_info(&response_id),
            response_id.as_bytes(),
            content_key.expose(),
        )?;
        recipients.push(WrappedKey {
            handler_id: analyst.handler_id.clone(),
            enc: sealed.enc.to_vec(),
            wrapped_key: sealed.ciphertext,
        });
    }
    let json = Zeroizing::new(serde_json::to_vec(content).map_err(|_| ErrorCode::Internal)?);
    let sealed = envelope::seal(content_key.expose(), &response_aad(&response_id, id, version, &factory_id), &json)
        .map_err(|_| ErrorCode::Internal)?;
    // A token bound to its factory gives format 2; one from before binding
    // (queued or held across the app's update) format 1, as it was issued.
    let format = if token.factory_id.is_some() { RESPONSE_FORMAT_V2 } else { RESPONSE_FORMAT_V1 };
    let mut upload = ResponseUpload {
        format,
        response_id,
        survey_id: id.to_owned(),
        version,
        factory_id,
        token_input: token.input.clone(),
        token_mac: Vec::new(),
        recipients,
        sealed,
    };
    upload.token_mac = response_mac(token.output.as_deref().unwrap_or_default(), &upload);
    let body = serde_json::to_vec(&upload).map_err(|_| ErrorCode::Internal)?;
    Ok(SealedResponse { body })
}

/// Marks a token spent, its input and output wiped, not just dropped (the
/// output is the key of the upload's MAC).
pub(crate) fn spend(token: &mut TokenRecord) {
    token.used = true;
    token.input.zeroize();
    token.output.zeroize();
}

/// A random delay in seconds, from 0 to `max_secs` inclusive.
pub(crate) fn random_delay(max_secs: u32) -> Result<i64, Error> {
    if max_secs == 0 {
        return Ok(0);
    }
    Ok(i64::from(u32::from_le_bytes(crypto::random_bytes::<4>()?) % (max_secs + 1)))
}

/// Why a queued response was not delivered.
pub(crate) enum SendError {
    /// The queued bytes are not an upload.
    Corrupt,
    /// The hub or the network said no.
    Net(NetError),
}

/// Sends one queued response (unsigned: it names no device).
pub(crate) async fn send(client: &HubClient, body: &[u8]) -> Result<(), SendError> {
    let upload = serde_json::from_slice::<ResponseUpload>(body).map_err(|_| SendError::Corrupt)?;
    let _: ResponseReceipt = client.post_unsigned(paths::SURVEYS_RESPONSES, &upload).await.map_err(SendError::Net)?;
    Ok(())
}
