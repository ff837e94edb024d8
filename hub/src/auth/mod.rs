//! Worker PIN endpoints (`/v1/auth/*`), all signed by an enrolled device and
//! scoped to that device's factory.
//!
//! The hub never sees a PIN: the device stretches it with the worker's KDF
//! parameters and sends a proof. The hub stores only
//! `HMAC(key from the hub secret, worker_id || proof)`, counts wrong proofs
//! ([`attempts`]), and on a right one releases the hub share of this
//! (worker, device) pair ([`shares`]). A device that holds the share proves
//! later requests about that worker with a MAC under it ([`worker_mac`]:
//! training progress and surveys); a shared tablet that signed a worker in
//! without a network has the sign-in confirmed at its next sync ([`offline`]).
//!
//! KDF parameters: before activation the hub holds random parameters for
//! each roster worker, only so that `params` answers alike for activated,
//! not-yet-activated and unknown workers. Activation, registration and
//! change-pin accept whatever acceptable parameters the device sends (a
//! device may pick a fresh salt or more iterations) and store them; `params`
//! returns them from then on.

mod attempts;
pub(crate) mod offline;
pub(crate) mod shares;
pub(crate) mod worker_mac;

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use workervoice_protocol::auth::{
    self, ActivateRequest, AuthParamsRequest, AuthParamsResponse, ChangePinRequest, KDF_PBKDF2_SHA256, KdfParams,
    LoginRequest, LoginResponse, PROOF_LEN, RegisterRequest,
};
use workervoice_protocol::codes::normalize_code;
use workervoice_protocol::error::HubErrorCode;
use workervoice_protocol::paths;

use self::attempts::{Presented, with_checked_secret};
use crate::clock::unix_now;
use crate::device_auth::SignedRequest;
use crate::error::ApiError;
use crate::keys::tokens_match;
use crate::state::AppState;
use crate::workers::{
    NewWorker, WorkerRow, checked_display_name, checked_language, checked_worker_number, insert_worker, load_worker,
    new_worker_id, number_key,
};

/// The `/v1/auth/*` routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::AUTH_PARAMS, post(params))
        .route(paths::AUTH_ACTIVATE, post(activate))
        .route(paths::AUTH_REGISTER, post(register))
        .route(paths::AUTH_LOGIN, post(login))
        .route(paths::AUTH_CHANGE_PIN, post(change_pin))
        .route(paths::AUTH_CONFIRM_OFFLINE, post(offline::confirm))
}

/// `POST /v1/auth/params`: the worker's KDF parameters, or deterministic
/// fake ones for a number not on the roster.
async fn params(State(state): State<AppState>, request: SignedRequest) -> Result<Json<AuthParamsResponse>, ApiError> {
    let body: AuthParamsRequest = request.json()?;
    let key = number_key(&checked_worker_number(&body.worker_number)?);
    let factory_id = request.device.factory_id;
    let shared = state.clone();
    let kdf = state
        .db
        .read(move |connection| {
            Ok(match load_worker(connection, &factory_id, &key)? {
                Some(worker) => worker.kdf,
                None => KdfParams {
                    algorithm: KDF_PBKDF2_SHA256.to_owned(),
                    iterations: shared.pin_iterations,
                    salt: shared.keys.derive_fake_salt(&factory_id, &key),
                },
            })
        })
        .await?;
    Ok(Json(AuthParamsResponse { kdf }))
}

/// `POST /v1/auth/activate`: first PIN, authorised by the one-time
/// activation code. A wrong code counts as a wrong PIN.
async fn activate(State(state): State<AppState>, request: SignedRequest) -> Result<Json<LoginResponse>, ApiError> {
    let body: ActivateRequest = request.json()?;
    let key = number_key(&checked_worker_number(&body.worker_number)?);
    check_new_pin(&body.kdf, &body.pin_proof)?;
    let code = normalize_code(&body.activation_code);
    let device = request.device;
    let shared = state.clone();
    let response = state
        .db
        .run(move |connection| {
            let now = unix_now();
            let presented = Presented::ActivationCode(&code);
            with_checked_secret(connection, &shared, &device.factory_id, &key, &device.id, presented, |tx, worker| {
                let verifier = shared.keys.derive_pin_verifier(&worker.id, &body.pin_proof);
                tx.execute(
                    "UPDATE workers SET activation_hash = NULL, pin_verifier = ?1, kdf_algorithm = ?2, \
                         kdf_salt = ?3, kdf_iterations = ?4, failed_attempts = 0, stranger_failed = 0 \
                         WHERE id = ?5",
                    crate::db::sql::params![
                        verifier,
                        body.kdf.algorithm,
                        body.kdf.salt,
                        body.kdf.iterations,
                        worker.id
                    ],
                )?;
                let share = shares::issue_share(tx, &shared.keys, &worker.id, &device.id, now)?;
                let offset = factory_utc_offset(tx, &device.factory_id)?;
                Ok(login_response(&shared, &worker, &share, offset))
            })
        })
        .await?;
    Ok(Json(response))
}

/// `POST /v1/auth/register`: self-registration with the factory's join code.
async fn register(State(state): State<AppState>, request: SignedRequest) -> Result<Json<LoginResponse>, ApiError> {
    let body: RegisterRequest = request.json()?;
    let worker_number = checked_worker_number(&body.worker_number)?;
    let display_name = checked_display_name(&body.display_name)?;
    let language = checked_language(&body.language)?;
    check_new_pin(&body.kdf, &body.pin_proof)?;
    let join_code = normalize_code(&body.join_code);
    let device = request.device;
    let shared = state.clone();
    let response = state
        .db
        .run(move |connection| {
            let now = unix_now();
            let tx = connection.transaction_with_behavior(crate::db::sql::TransactionBehavior::Immediate)?;
            let (self_registration, stored_join_code): (bool, Option<String>) = tx.query_row(
                "SELECT self_registration, join_code FROM factories WHERE id = ?1",
                [&device.factory_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            let allowed = self_registration
                && stored_join_code.is_some_and(|stored| tokens_match(&join_code, &normalize_code(&stored)));
            if !allowed {
                return Err(ApiError::code(HubErrorCode::SelfRegistrationDisabled));
            }
            if load_worker(&tx, &device.factory_id, &number_key(&worker_number))?.is_some() {
                return Err(ApiError::code(HubErrorCode::WorkerExists));
            }
            let id = new_worker_id();
            let verifier = shared.keys.derive_pin_verifier(&id, &body.pin_proof);
            insert_worker(
                &tx,
                &NewWorker {
                    id: &id,
                    factory_id: &device.factory_id,
                    worker_number: &worker_number,
                    display_name: &display_name,
                    language: &language,
                    kdf: &body.kdf,
                    activation_hash: None,
                    pin_verifier: Some(&verifier),
                },
                now,
            )?;
            let share = shares::issue_share(&tx, &shared.keys, &id, &device.id, now)?;
            let utc_offset_minutes = factory_utc_offset(&tx, &device.factory_id)?;
            tx.commit()?;
            Ok(LoginResponse {
                worker_id: id,
                worker_number: worker_number.clone(),
                display_name: display_name.clone(),
                language: language.clone(),
                hub_share: share.to_vec(),
                hub_sealing_key: Some(offline::public_key(&shared.keys)),
                utc_offset_minutes,
            })
        })
        .await?;
    Ok(Json(response))
}

/// `POST /v1/auth/login`: releases this device's share on a right proof.
async fn login(State(state): State<AppState>, request: SignedRequest) -> Result<Json<LoginResponse>, ApiError> {
    let body: LoginRequest = request.json()?;
    let key = number_key(&checked_worker_number(&body.worker_number)?);
    if body.pin_proof.len() != PROOF_LEN {
        return Err(ApiError::bad_request());
    }
    let device = request.device;
    let shared = state.clone();
    let response = state
        .db
        .run(move |connection| {
            let now = unix_now();
            let presented = Presented::PinProof(&body.pin_proof);
            with_checked_secret(connection, &shared, &device.factory_id, &key, &device.id, presented, |tx, worker| {
                // A right PIN does not reset the count (attempts.rs): it decays.
                let share = shares::share_for(tx, &shared.keys, &worker.id, &device.id, now)?;
                let offset = factory_utc_offset(tx, &device.factory_id)?;
                Ok(login_response(&shared, &worker, &share, offset))
            })
        })
        .await?;
    Ok(Json(response))
}

/// `POST /v1/auth/change-pin`: the old proof is checked like a login (a
/// wrong one counts); the shares stay as they are, since the device
/// re-wraps the same vault key under the new PIN.
async fn change_pin(State(state): State<AppState>, request: SignedRequest) -> Result<Json<auth::Ok>, ApiError> {
    let body: ChangePinRequest = request.json()?;
    let key = number_key(&checked_worker_number(&body.worker_number)?);
    if body.old_pin_proof.len() != PROOF_LEN {
        return Err(ApiError::bad_request());
    }
    check_new_pin(&body.new_kdf, &body.new_pin_proof)?;
    let device = request.device;
    let shared = state.clone();
    state
        .db
        .run(move |connection| {
            let presented = Presented::PinProof(&body.old_pin_proof);
            with_checked_secret(connection, &shared, &device.factory_id, &key, &device.id, presented, |tx, worker| {
                let verifier = shared.keys.derive_pin_verifier(&worker.id, &body.new_pin_proof);
                tx.execute(
                    "UPDATE workers SET pin_verifier = ?1, kdf_algorithm = ?2, kdf_salt = ?3, \
                         kdf_iterations = ?4 WHERE id = ?5",
                    crate::db::sql::params![
                        verifier,
                        body.new_kdf.algorithm,
                        body.new_kdf.salt,
                        body.new_kdf.iterations,
                        worker.id
                    ],
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(Json(auth::Ok { ok: true }))
}

/// Refuses parameters a device must not use and proofs of the wrong length.
fn check_new_pin(kdf: &KdfParams, proof: &[u8]) -> Result<(), ApiError> {
    if kdf.is_acceptable() && proof.len() == PROOF_LEN { Ok(()) } else { Err(ApiError::bad_request()) }
}

/// The factory's offset from UTC, minutes.
fn factory_utc_offset(connection: &crate::db::sql::Connection, factory_id: &str) -> crate::db::sql::Result<i32> {
    connection.query_row("SELECT utc_offset_minutes FROM factories WHERE id = ?1", [factory_id], |row| row.get(0))
}

fn login_response(state: &AppState, worker: &WorkerRow, share: &[u8], utc_offset_minutes: i32) -> LoginResponse {
    LoginResponse {
        hub_sealing_key: Some(offline::public_key(&state.keys)),
        utc_offset_minutes,
        worker_id: worker.id.clone(),
        worker_number: worker.worker_number.clone(),
        display_name: worker.display_name.clone(),
        language: worker.language.clone(),
        hub_share: share.to_vec(),
    }
}
