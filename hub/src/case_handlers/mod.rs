//! Case handlers (`/handler/v1/*`): the people on each route — a factory's
//! committee, the independent hotline, the brand — who read and answer
//! grievances (and analysts, who read survey results). Named for the people,
//! not for axum's request handlers, which every module has.
//!
//! Each handler account has an X25519 key pair; the public key is published
//! in the signed directory, and devices wrap every report's content key to
//! it. The private key is kept wrapped under the handler's password
//! ([`key_pair`]) and unwrapped only into a login session held in memory
//! ([`sessions`]), so reports are opened for the handler who asks, in the
//! request, and never stored in clear ([`work`]). Staff create accounts
//! through the admin API ([`accounts`]).

pub(crate) mod accounts;
pub(crate) mod key_pair;
pub(crate) mod sessions;
mod work;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use workervoice_protocol::auth;
use workervoice_protocol::handler::{HandlerLoginRequest, HandlerLoginResponse};

use self::sessions::HandlerSession;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

/// The `/handler/v1/*` routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/handler/v1/login", post(login))
        .route("/handler/v1/logout", post(logout))
        .route("/handler/v1/cases", get(work::list_cases))
        .route("/handler/v1/cases/{case_id}", get(work::view_case))
        .route("/handler/v1/cases/{case_id}/status", post(work::set_status))
        .route("/handler/v1/cases/{case_id}/replies", post(work::reply))
        .route("/handler/v1/cases/{case_id}/audit", get(work::audit))
        .route("/handler/v1/cases/{case_id}/attachments/{attachment_id}", get(work::attachment))
        .route("/handler/v1/surveys/{survey_id}/results", get(crate::surveys::results::results))
}

async fn login(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<HandlerLoginRequest>,
) -> Result<Json<HandlerLoginResponse>, ApiError> {
    accounts::login(&state, request).await.map(Json)
}

/// Ends the session; its unwrapped private key is dropped and zeroized
/// (once no request still uses it).
async fn logout(State(state): State<AppState>, session: HandlerSession) -> Json<auth::Ok> {
    state.sessions.end(&session);
    Json(auth::Ok { ok: true })
}
