//! Readers (`/handler/v1/*`): the people on each route — a factory's
//! committee, the independent hotline, a brand — who read and answer
//! grievances, and survey analysts. Named for the people, not for axum's
//! request handlers, which every module has.
//!
//! A reader's key pair is made and kept by the reader's client (the
//! `wv-handler` client now, the browser console later; ADR 0015): the hub
//! keeps the public key (published in the signed directory by key id), the
//! private key as the client wrapped it under the password, and a verifier
//! of the client's `login_key` ([`accounts`]). Sessions hold no key
//! ([`sessions`]). Cases are served sealed with the reader's share of the
//! content key, and the client seals replies and notes ([`work`]). Nothing
//! here opens a report, a reply, an attachment, a note or a survey answer.

pub(crate) mod accounts;
pub(crate) mod escalate;
pub(crate) mod inbox;
pub(crate) mod sessions;
pub(crate) mod work;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use workervoice_protocol::auth;
use workervoice_protocol::handler::{
    AcceptReaderInvitationRequest, HandlerLoginRequest, HandlerLoginResponse, HandlerSummary, PreloginRequest,
    PreloginResponse, ReaderPasswordChangeRequest,
};

use self::sessions::HandlerSession;
use crate::clock::unix_now;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

/// The `/handler/v1/*` routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/handler/v1/invitations/accept", post(accept))
        .route("/handler/v1/prelogin", post(prelogin))
        .route("/handler/v1/login", post(login))
        .route("/handler/v1/logout", post(logout))
        .route("/handler/v1/password", post(change_password))
        .route("/handler/v1/cases", get(inbox::list_cases))
        .route("/handler/v1/cases/{case_id}/assignment", post(inbox::assign))
        .route("/handler/v1/colleagues", get(inbox::colleagues))
        .route("/handler/v1/visits", post(inbox::visit))
        .route("/handler/v1/cases/{case_id}", get(work::view_case))
        .route("/handler/v1/cases/{case_id}/status", post(work::set_status))
        .route("/handler/v1/cases/{case_id}/replies", post(work::reply))
        .route("/handler/v1/cases/{case_id}/notes", post(work::add_note))
        .route("/handler/v1/cases/{case_id}/readers", get(work::readers))
        .route("/handler/v1/cases/{case_id}/audit", get(work::audit))
        .route("/handler/v1/cases/{case_id}/escalation", get(escalate::view))
        .route("/handler/v1/cases/{case_id}/escalate", post(escalate::escalate))
        .route("/handler/v1/cases/{case_id}/attachments/{attachment_id}", get(work::attachment))
        .route("/handler/v1/surveys", get(crate::surveys::analyst_list::list))
        .route("/handler/v1/surveys/{survey_id}/responses", get(crate::surveys::results::sealed_responses))
        .route("/handler/v1/surveys/{survey_id}/aggregates", post(crate::surveys::results::publish_aggregates))
        .route("/handler/v1/category-counts", post(crate::cases::category_counts::publish))
}

async fn accept(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<AcceptReaderInvitationRequest>,
) -> Result<Json<HandlerSummary>, ApiError> {
    accounts::accept(&state, request).await.map(Json)
}

async fn prelogin(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<PreloginRequest>,
) -> Result<Json<PreloginResponse>, ApiError> {
    accounts::prelogin(&state, request).await.map(Json)
}

async fn login(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<HandlerLoginRequest>,
) -> Result<Json<HandlerLoginResponse>, ApiError> {
    accounts::login(&state, request).await.map(Json)
}

async fn change_password(
    State(state): State<AppState>,
    session: HandlerSession,
    JsonBody(request): JsonBody<ReaderPasswordChangeRequest>,
) -> Result<Json<auth::Ok>, ApiError> {
    accounts::change_password(&state, session, request).await?;
    Ok(Json(auth::Ok { ok: true }))
}

/// Ends the session.
async fn logout(State(state): State<AppState>, session: HandlerSession) -> Result<Json<auth::Ok>, ApiError> {
    let token = session.token;
    state.db.run(move |connection| sessions::revoke(connection, &token, unix_now())).await?;
    Ok(Json(auth::Ok { ok: true }))
}
