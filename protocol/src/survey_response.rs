//! Survey responses on the wire: which surveys are open to a worker, the one
//! token a worker gets per survey, and the sealed response that carries it.
//!
//! One response per worker per survey, without saying who (ADR 0010): a
//! signed-in worker asks for the survey's token with a *blinded* random
//! input; the hub records that this worker has had their token, evaluates
//! the blinded input with the survey's key ([`crate::oprf`]) and proves it
//! used the key published in the signed definition. The response travels
//! later, unsigned, with the unblinded input and output: the hub can check
//! that its key made the token and that the token was never used, but it
//! never saw the input, so it cannot tell which issuance — which worker —
//! the token came from.
//!
//! What the hub stores of a response is its token input (spent), the survey,
//! version and factory, the sealed content and the day it arrived: no device,
//! no worker, no time of day.

use serde::{Deserialize, Serialize};

use crate::grievance::WrappedKey;
use crate::survey::SurveyAnswer;

/// Length of a token input (random bytes chosen by the device).
pub const TOKEN_INPUT_LEN: usize = 32;
/// Most bytes of a sealed response the hub accepts.
pub const MAX_SEALED_RESPONSE_BYTES: usize = 128 * 1024;

/// `POST /v1/surveys/open` (signed): the surveys open to a worker now.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenSurveysRequest {
    /// The worker.
    pub worker_id: String,
    /// HMAC over [`open_mac_input`] under the key from the worker's share.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub mac: Vec<u8>,
}

/// One survey open to the worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenSurvey {
    /// The survey (a content item of kind `survey`).
    pub survey_id: String,
    /// Unix seconds after which responses are refused, if it closes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<i64>,
    /// Whether the worker's one token was already issued (on any device).
    pub token_issued: bool,
}

/// Reply to [`OpenSurveysRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenSurveysResponse {
    /// Open surveys, by id.
    pub surveys: Vec<OpenSurvey>,
}

/// `POST /v1/surveys/token` (signed): the worker's one token for a survey.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenRequest {
    /// The worker.
    pub worker_id: String,
    /// The survey.
    pub survey_id: String,
    /// The blinded token input (a ristretto255 element, 32 bytes).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub blinded: Vec<u8>,
    /// The factory the token is to be bound to (the device's own; format 2,
    /// [`token_info`]). `None` only from an app of format 1, whose tokens the
    /// hub no longer issues except as the repeat of one already issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factory_id: Option<String>,
    /// HMAC under the key from the worker's share: format 2 over
    /// [`token_mac_input_v2`] with the key from [`SURVEY_MAC_LABEL`]; format 1
    /// over [`token_mac_input`] with the progress key.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub mac: Vec<u8>,
}

/// Reply to [`TokenRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// The evaluated element (32 bytes).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub evaluated: Vec<u8>,
    /// The DLEQ proof that the survey's published key made it (64 bytes).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub proof: Vec<u8>,
}

/// Format of a [`ResponseUpload`] before factory binding: an unbound VOPRF
/// token and the MAC input [`response_mac_input_v1`]. Kept so the answers a
/// device queued before its app was updated still go in (ADR 0021).
pub const RESPONSE_FORMAT_V1: u32 = 1;
/// Format with the token bound to the factory (POPRF, info [`token_info`]) and
/// the length-prefixed MAC input [`response_mac_input_v2`].
pub const RESPONSE_FORMAT_V2: u32 = 2;

fn format_v1() -> u32 {
    RESPONSE_FORMAT_V1
}

fn is_format_v1(format: &u32) -> bool {
    *format == RESPONSE_FORMAT_V1
}

/// HKDF label of the key, derived from the worker's hub share, that MACs a
/// worker's survey requests (open surveys, ask for a token). Its own key,
/// not training progress's: the two never verify each other's messages even
/// if a MAC input were to collide.
pub const SURVEY_MAC_LABEL: &[u8] = b"workervoice/survey-mac/v1";

/// `POST /v1/surveys/responses` (not signed): an anonymous response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseUpload {
    /// [`RESPONSE_FORMAT_V2`] (absent in uploads of format 1, which read
    /// and write as they always did).
    #[serde(default = "format_v1", skip_serializing_if = "is_format_v1")]
    pub format: u32,
    /// Random id of this upload (a resend after a lost reply is the same).
    pub response_id: String,
    /// The survey.
    pub survey_id: String,
    /// The definition version answered.
    pub version: u64,
    /// The worker's factory (results are broken down by factory).
    pub factory_id: String,
    /// The token input ([`TOKEN_INPUT_LEN`] random bytes).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token_input: Vec<u8>,
    /// HMAC-SHA256 under the token output over [`response_mac_input`]: the
    /// output itself never leaves the device, so whoever reads a queued
    /// upload (on a shared tablet, say) cannot put other answers under the
    /// worker's token.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token_mac: Vec<u8>,
    /// The content key, sealed to each analyst of the definition.
    pub recipients: Vec<WrappedKey>,
    /// [`ResponseContent`] as JSON, sealed under the content key
    /// ([`crate::envelope::seal`], associated data [`response_aad`]).
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sealed: Vec<u8>,
}

/// Reply to [`ResponseUpload`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseReceipt {
    /// The upload's id.
    pub response_id: String,
}

/// What an analyst reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseContent {
    /// The survey.
    pub survey_id: String,
    /// The definition version the answers refer to.
    pub version: u64,
    /// Answers by question id (options by id, never by position).
    pub answers: std::collections::BTreeMap<String, SurveyAnswer>,
    /// The language the worker answered in.
    pub language: String,
}

/// What [`ResponseUpload::token_mac`] covers, by the upload's format.
pub fn response_mac_input(upload: &ResponseUpload) -> Vec<u8> {
    if upload.format == RESPONSE_FORMAT_V1 { response_mac_input_v1(upload) } else { response_mac_input_v2(upload) }
}

/// Format 2's MAC input: every other field, each length-prefixed (u32,
/// big-endian) after a count of the recipients, so no two different uploads
/// give the same bytes.
pub fn response_mac_input_v2(upload: &ResponseUpload) -> Vec<u8> {
    fn field(input: &mut Vec<u8>, bytes: &[u8]) {
        // Every field is far below 4 GiB: the hub bounds the body.
        input.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        input.extend_from_slice(bytes);
    }
    let mut input = b"workervoice/survey-response-mac/v2".to_vec();
    field(&mut input, &upload.format.to_be_bytes());
    field(&mut input, upload.response_id.as_bytes());
    field(&mut input, upload.survey_id.as_bytes());
    field(&mut input, &upload.version.to_be_bytes());
    field(&mut input, upload.factory_id.as_bytes());
    field(&mut input, &upload.token_input);
    input.extend_from_slice(&(upload.recipients.len() as u32).to_be_bytes());
    for wrapped in &upload.recipients {
        field(&mut input, wrapped.handler_id.as_bytes());
        field(&mut input, &wrapped.enc);
        field(&mut input, &wrapped.wrapped_key);
    }
    field(&mut input, &upload.sealed);
    input
}

/// Format 1's MAC input, as the first apps computed it: fields joined with
/// newlines and no count of recipients. Only for uploads queued before the
/// update; the hub accepts no more of them than it issued unbound tokens.
pub fn response_mac_input_v1(upload: &ResponseUpload) -> Vec<u8> {
    use crate::b64::encode;
    let mut input = format!(
        "workervoice/survey-response-mac/v1\n{}\n{}\n{}\n{}\n{}\n",
        upload.response_id,
        upload.survey_id,
        upload.version,
        upload.factory_id,
        encode(&upload.token_input)
    )
    .into_bytes();
    for wrapped in &upload.recipients {
        input.extend_from_slice(
            format!("{}\n{}\n{}\n", wrapped.handler_id, encode(&wrapped.enc), encode(&wrapped.wrapped_key)).as_bytes(),
        );
    }
    input.extend_from_slice(&upload.sealed);
    input
}

/// The MAC of an upload under a token output.
pub fn response_mac(token_output: &[u8], upload: &ResponseUpload) -> Vec<u8> {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, token_output);
    ring::hmac::sign(&key, &response_mac_input(upload)).as_ref().to_vec()
}

/// Whether `upload` carries a MAC under `token_output` (constant time).
pub fn response_mac_valid(token_output: &[u8], upload: &ResponseUpload) -> bool {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, token_output);
    ring::hmac::verify(&key, &response_mac_input(upload), &upload.token_mac).is_ok()
}

/// HMAC input of [`OpenSurveysRequest::mac`].
pub fn open_mac_input(worker_id: &str) -> Vec<u8> {
    format!("workervoice/surveys/open/v1\n{worker_id}").into_bytes()
}

/// HMAC input of [`TokenRequest::mac`] in format 2 (with the factory,
/// length-prefixed), under the key from [`SURVEY_MAC_LABEL`].
pub fn token_mac_input_v2(worker_id: &str, survey_id: &str, factory_id: &str, blinded: &[u8]) -> Vec<u8> {
    let mut input = b"workervoice/surveys/token/v2".to_vec();
    for part in [worker_id.as_bytes(), survey_id.as_bytes(), factory_id.as_bytes(), blinded] {
        input.extend_from_slice(&(part.len() as u32).to_be_bytes());
        input.extend_from_slice(part);
    }
    input
}

/// The public info a format-2 token is bound to (RFC 9497 POPRF): the
/// factory. The hub evaluates with it at issuance (the factory of the
/// device that asks) and again when the answer comes, with the factory the
/// answer claims; a claim of another factory makes another output, and the
/// MAC fails.
pub fn token_info(factory_id: &str) -> Vec<u8> {
    format!("workervoice/survey-factory/v1\n{factory_id}").into_bytes()
}

/// HMAC input of [`TokenRequest::mac`] in format 1.
pub fn token_mac_input(worker_id: &str, survey_id: &str, blinded: &[u8]) -> Vec<u8> {
    let mut input = format!("workervoice/surveys/token/v1\n{worker_id}\n{survey_id}\n").into_bytes();
    input.extend_from_slice(blinded);
    input
}

/// The VOPRF input of a token: the survey id bound to the random bytes, so a
/// token of one survey is no token of another.
pub fn token_oprf_input(survey_id: &str, token_input: &[u8]) -> Vec<u8> {
    let mut input = format!("workervoice/survey-token/v1\n{survey_id}\n").into_bytes();
    input.extend_from_slice(token_input);
    input
}

/// The HPKE `info` of a response's wrapped content key.
pub fn response_hpke_info(response_id: &str) -> Vec<u8> {
    format!("workervoice/survey-response/v1\n{response_id}").into_bytes()
}

/// Associated data of the sealed content: the clear fields it belongs to.
pub fn response_aad(response_id: &str, survey_id: &str, version: u64, factory_id: &str) -> Vec<u8> {
    format!("workervoice/survey-response/v1\n{response_id}\n{survey_id}\n{version}\n{factory_id}").into_bytes()
}

/// `GET /handler/v1/surveys/{id}/results` (an analyst's session;
/// `?format=csv` for CSV): aggregates per question, for all factories and
/// per factory. No group of 1 to 4 respondents is shown, nor one whose
/// count the others would give away ([`crate::progress::MIN_GROUP`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyResults {
    /// The survey.
    pub survey_id: String,
    /// All factories first, then one group per factory with responses.
    pub groups: Vec<GroupResults>,
}

/// The results of one group of respondents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupResults {
    /// The factory; `None` for all factories together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factory_id: Option<String>,
    /// Respondents (`None`: suppressed, and so is everything else).
    pub respondents: Option<u32>,
    /// Per question, in the order of the newest version.
    pub questions: Vec<QuestionResults>,
}

/// One question's aggregate in a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionResults {
    /// The question id (stable across versions).
    pub question_id: String,
    /// Its label in the definition's first language (newest version that has it).
    pub label: String,
    /// Respondents who answered it (`None`: suppressed, and so are the counts).
    pub answered: Option<u32>,
    /// Counts per option or value (choices by option id; yes/no; ratings).
    /// Free text, numbers and dates are not broken down.
    pub counts: Vec<ValueCount>,
    /// Mean of a rating or number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
}

/// How many answered with one value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValueCount {
    /// Option id, `yes`/`no`, or the rating.
    pub value: String,
    /// The option's label (from the newest version that has the option, so
    /// an option a later version removed keeps its own label).
    pub label: String,
    /// Answers.
    pub count: u32,
}

/// `GET /handler/v1/surveys/{id}/responses` (an analyst's session): every
/// response as sealed, with the definition versions they name, for the
/// analyst's client to open and aggregate (the hub cannot open them).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SealedSurveyResults {
    /// The survey.
    pub survey_id: String,
    /// Every published version's definition document.
    pub definitions: Vec<SurveyDefinitionBody>,
    /// The responses.
    pub responses: Vec<SealedSurveyResponse>,
}

/// One published version of a survey's definition (the signed pack's body).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyDefinitionBody {
    /// Version.
    pub version: u64,
    /// The definition document's bytes.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub body: Vec<u8>,
}

/// One response as the hub holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SealedSurveyResponse {
    /// Response id.
    pub response_id: String,
    /// The definition version it answers.
    pub version: u64,
    /// The factory (clear: the hub counts responses per factory).
    pub factory_id: String,
    /// The content key sealed to each analyst.
    pub recipients: Vec<crate::grievance::WrappedKey>,
    /// The answers, sealed.
    #[serde(with = "crate::b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sealed: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(recipients: Vec<WrappedKey>, sealed: &[u8]) -> ResponseUpload {
        ResponseUpload {
            format: RESPONSE_FORMAT_V2,
            response_id: "r".into(),
            survey_id: "s".into(),
            version: 1,
            factory_id: "f".into(),
            token_input: vec![1; TOKEN_INPUT_LEN],
            token_mac: Vec::new(),
            recipients,
            sealed: sealed.to_vec(),
        }
    }

    fn wrapped(handler_id: &str) -> WrappedKey {
        WrappedKey { handler_id: handler_id.into(), enc: vec![2; 32], wrapped_key: vec![3; 48] }
    }

    #[test]
    fn the_v2_mac_input_tells_a_recipient_from_sealed_bytes_that_look_like_one() {
        // Format 1 joins fields with newlines and counts no recipients: a
        // recipient's line and the same bytes at the start of the sealed
        // content gave one MAC input for two different uploads.
        let one = wrapped("a");
        let line = format!("a\n{}\n{}\n", crate::b64::encode(&one.enc), crate::b64::encode(&one.wrapped_key));
        let mut with_recipient = upload(vec![one.clone(), wrapped("b")], b"sealed");
        let mut shifted_sealed = line.clone().into_bytes();
        shifted_sealed.extend_from_slice(
            format!("b\n{}\n{}\nsealed", crate::b64::encode(&[2; 32]), crate::b64::encode(&[3; 48])).as_bytes(),
        );
        let mut shifted = upload(vec![], &shifted_sealed);
        with_recipient.format = RESPONSE_FORMAT_V1;
        shifted.format = RESPONSE_FORMAT_V1;
        assert_eq!(response_mac_input(&with_recipient), response_mac_input(&shifted), "format 1 is ambiguous");
        with_recipient.format = RESPONSE_FORMAT_V2;
        shifted.format = RESPONSE_FORMAT_V2;
        assert_ne!(response_mac_input(&with_recipient), response_mac_input(&shifted));
    }

    #[test]
    fn a_v1_upload_reads_and_writes_without_a_format_field_and_v2_with_one() {
        let mut v1 = upload(vec![wrapped("a")], b"x");
        v1.format = RESPONSE_FORMAT_V1;
        let json = serde_json::to_value(&v1).unwrap();
        assert!(json.get("format").is_none());
        let back: ResponseUpload = serde_json::from_value(json).unwrap();
        assert_eq!(back.format, RESPONSE_FORMAT_V1);
        let v2 = upload(vec![wrapped("a")], b"x");
        assert_eq!(serde_json::to_value(&v2).unwrap()["format"], 2);
    }

    #[test]
    fn every_field_of_a_v2_upload_is_under_its_mac() {
        let output = [9u8; 64];
        let mut original = upload(vec![wrapped("a")], b"sealed");
        original.token_mac = response_mac(&output, &original);
        assert!(response_mac_valid(&output, &original));
        let changes: [fn(&mut ResponseUpload); 8] = [
            |u| u.factory_id = "g".into(),
            |u| u.survey_id = "t".into(),
            |u| u.version = 2,
            |u| u.response_id = "q".into(),
            |u| u.token_input[0] ^= 1,
            |u| u.recipients.push(wrapped("b")),
            |u| u.sealed.push(0),
            |u| u.format = RESPONSE_FORMAT_V1,
        ];
        for change in changes {
            let mut changed = original.clone();
            change(&mut changed);
            assert!(!response_mac_valid(&output, &changed), "{changed:?}");
        }
    }
}
