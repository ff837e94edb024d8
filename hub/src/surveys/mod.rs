//! Surveys on the hub (`/v1/surveys/*`): which surveys are open to a worker,
//! the one token per worker and survey, and anonymous responses.
//!
//! See `docs/adr/0010-surveys-definitions-and-one-response.md`. In short: a signed-in worker (device
//! signature plus a MAC from their hub share) gets at most one token per
//! survey, blinded, so the hub learns *that* the worker got a token but
//! never the token itself. A response comes later without any device
//! signature and carries the unblinded token; the hub checks its key made
//! it and that it was never used, and stores the response with nothing
//! that names a device or a worker ([`responses`]).
//!
//! Who may answer when ([`schedule`]) stays on the hub: a survey targeted
//! at the workers an auditor interviewed must not tell every device of the
//! factory who they were.

pub(crate) mod analyst_list;
pub(crate) mod factory_aggregates;
pub(crate) mod responses;
pub(crate) mod results;
pub(crate) mod schedule;
pub(crate) mod schedule_view;

use crate::db::sql::{Connection, OptionalExtension, params};
use axum::Json;
use axum::extract::State;
use axum::routing::post;
use workervoice_protocol::content::ContentKind;
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::oprf;
use workervoice_protocol::paths;
use workervoice_protocol::progress::PROGRESS_MAC_LABEL;
use workervoice_protocol::survey::SurveyDefinition;
use workervoice_protocol::survey_response::{
    OpenSurvey, OpenSurveysRequest, OpenSurveysResponse, SURVEY_MAC_LABEL, TokenRequest, TokenResponse, open_mac_input,
    token_info, token_mac_input, token_mac_input_v2,
};

use crate::auth::worker_mac::{check_worker_mac, check_worker_mac_under};
use crate::device_auth::SignedRequest;
use crate::error::ApiError;
use crate::keys::HubKeys;
use crate::state::AppState;

/// The `/v1/surveys/*` routes.
pub(crate) fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(paths::SURVEYS_OPEN, post(open))
        .route(paths::SURVEYS_TOKEN, post(token))
        .route(paths::SURVEYS_RESPONSES, post(responses::receive))
}

/// A survey's token key: derived from the hub secret and the survey id, so
/// it is the same for every version and stored nowhere.
pub(crate) fn token_key(keys: &HubKeys, survey_id: &str) -> Result<oprf::SecretKey, ApiError> {
    oprf::SecretKey::derive(&keys.survey_token_seed(survey_id), survey_id.as_bytes())
        .map_err(|_| ApiError::internal("a survey token key could not be derived"))
}

/// The day number (unix days) of a time: the finest time kept of survey
/// tokens and responses.
pub(crate) fn day_of(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(86_400)
}

/// A published version of a survey's definition.
pub(crate) fn definition(
    connection: &Connection,
    survey_id: &str,
    version: u64,
    data_dir: &std::path::Path,
) -> Result<Option<SurveyDefinition>, ApiError> {
    let Some(sha256) = crate::content::module_body(connection, ContentKind::Survey, survey_id, version)? else {
        return Ok(None);
    };
    let body = std::fs::read(crate::content::blobs::blob_path(data_dir, &sha256))
        .map_err(|_| ApiError::internal("a survey definition blob is missing"))?;
    SurveyDefinition::parse(&body, |_| true)
        .map(Some)
        .map_err(|_| ApiError::internal("a published survey definition does not parse"))
}

async fn open(State(state): State<AppState>, request: SignedRequest) -> Result<Json<OpenSurveysResponse>, ApiError> {
    let body: OpenSurveysRequest = request.json()?;
    let device = request.device;
    let shared = state.clone();
    let now = state.calendar_now();
    let reply = state
        .db
        .read(move |connection| {
            // Apps of format 2 MAC under the survey key; those of format 1
            // under the progress key. The input is the same and says what it
            // is, so either key proves the same thing.
            let input = open_mac_input(&body.worker_id);
            if check_worker_mac_under(
                connection,
                &shared,
                &device,
                &body.worker_id,
                &input,
                &body.mac,
                SURVEY_MAC_LABEL,
            )
            .is_err()
            {
                check_worker_mac(connection, &shared, &device, &body.worker_id, &input, &body.mac)?;
            }
            let mut surveys = Vec::new();
            for survey_id in schedule::assigned_surveys(connection, &device.factory_id)? {
                let Some(window) = schedule::open_for(connection, &survey_id, &body.worker_id, now)? else {
                    continue;
                };
                let token_issued = connection
                    .query_row(
                        "SELECT 1 FROM survey_tokens_issued WHERE survey_id = ?1 AND worker_id = ?2",
                        params![survey_id, body.worker_id],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some();
                surveys.push(OpenSurvey { survey_id, closes_at: window.closes_at, token_issued });
            }
            Ok(OpenSurveysResponse { surveys })
        })
        .await?;
    Ok(Json(reply))
}

async fn token(State(state): State<AppState>, request: SignedRequest) -> Result<Json<TokenResponse>, ApiError> {
    let body: TokenRequest = request.json()?;
    if body.blinded.len() != 32 || body.survey_id.len() > 64 {
        return Err(ApiError::bad_request());
    }
    let device = request.device;
    let shared = state.clone();
    let now = state.calendar_now();
    let reply = state
        .db
        .run(move |connection| {
            // Format 2 binds the token to the factory of the device that
            // asks (a worker's own, since the worker must be of it).
            match &body.factory_id {
                Some(factory_id) => {
                    if *factory_id != device.factory_id {
                        return Err(ApiError::bad_request());
                    }
                    let input = token_mac_input_v2(&body.worker_id, &body.survey_id, factory_id, &body.blinded);
                    check_worker_mac_under(
                        connection,
                        &shared,
                        &device,
                        &body.worker_id,
                        &input,
                        &body.mac,
                        SURVEY_MAC_LABEL,
                    )?;
                }
                None => {
                    let input = token_mac_input(&body.worker_id, &body.survey_id, &body.blinded);
                    check_worker_mac_under(
                        connection,
                        &shared,
                        &device,
                        &body.worker_id,
                        &input,
                        &body.mac,
                        PROGRESS_MAC_LABEL,
                    )?;
                }
            }
            let bound = body.factory_id.is_some();
            if !schedule::assigned_surveys(connection, &device.factory_id)?.contains(&body.survey_id)
                || schedule::open_for(connection, &body.survey_id, &body.worker_id, now)?.is_none()
            {
                return Err(ApiError::code(HubErrorCode::SurveyNotOpen));
            }
            let tx = connection.transaction_with_behavior(crate::db::sql::TransactionBehavior::Immediate)?;
            let issued: Option<(Vec<u8>, bool)> = tx
                .query_row(
                    "SELECT blinded, factory_bound FROM survey_tokens_issued WHERE survey_id = ?1 AND worker_id = ?2",
                    params![body.survey_id, body.worker_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            match issued {
                // The same request again (its reply was lost): the same
                // evaluation, so the device can still finish its token — in
                // the format it was first asked in.
                Some((blinded, was_bound)) if crate::keys::constant_time_eq(&blinded, &body.blinded) => {
                    if was_bound != bound {
                        return Err(ApiError::code(HubErrorCode::AlreadyAnswered));
                    }
                }
                Some(_) => return Err(ApiError::code(HubErrorCode::AlreadyAnswered)),
                // No new unbound token: it could answer for any factory.
                None if !bound => return Err(ApiError::bad_request()),
                None => {
                    tx.execute(
                        "INSERT INTO survey_tokens_issued (survey_id, worker_id, blinded, issued_day, factory_bound)
                         VALUES (?1, ?2, ?3, ?4, 1)",
                        params![body.survey_id, body.worker_id, body.blinded, day_of(now)],
                    )?;
                }
            }
            let key = token_key(&shared.keys, &body.survey_id)?;
            let (evaluated, proof) = if bound {
                key.blind_evaluate_bound(&body.blinded, &token_info(&device.factory_id))
            } else {
                key.blind_evaluate(&body.blinded)
            }
            .map_err(|_| ApiError::bad_request())?;
            tx.commit()?;
            Ok(TokenResponse { evaluated: evaluated.to_vec(), proof: proof.to_vec() })
        })
        .await?;
    Ok(Json(reply))
}
