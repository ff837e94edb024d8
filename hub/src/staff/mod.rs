//! Staff accounts with roles (issue 13, part C; ADR 0013): per-person
//! accounts invited by one-time tokens, Argon2id passwords, optional TOTP
//! that a role can require, database-backed sessions that expire, idle out,
//! survive a restart and can be revoked; one table of which right each
//! `/admin/v1` route needs and one function deciding it (`roles`), enforced
//! by one middleware (`guard`); and an append-only audit log of staff
//! actions written in the same transaction as each action (`audit`).
//!
//! The single admin token of earlier versions only bootstraps: while no
//! programme admin exists it may `POST /admin/v1/bootstrap` for the first
//! programme admin's invitation; every other use is `forbidden`, and so is
//! bootstrap once a programme admin exists.
//!
//! Routes here:
//! - `/staff/v1/invitations/accept`, `/staff/v1/login` (no session);
//! - `/staff/v1/logout`, `/staff/v1/me`, `/staff/v1/password` (session);
//! - the staff parts of `/admin/v1` ([`admin_routes`]), behind the admin gate.

pub(crate) mod accounts;
pub(crate) mod audit;
pub(crate) mod brands;
pub(crate) mod console;
pub(crate) mod guard;
pub(crate) mod passwords;
pub(crate) mod roles;
pub(crate) mod sessions;
pub(crate) mod totp;

use std::time::Duration;

use axum::extract::{Extension, RawQuery, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use workervoice_protocol::auth::Ok as OkBody;
use workervoice_protocol::staff::{
    AcceptInvitationRequest, Brand, ChangePasswordRequest, CreateBrandRequest, CreateInvitationRequest,
    InvitationResponse, LinkFactoryRequest, RoleSettings, StaffAccount, StaffAuditEntry, StaffLoginRequest,
    StaffLoginResponse,
};

use self::guard::{StaffActor, StaffSession};
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams, query_u64};
use crate::state::AppState;

/// Absolute session lifetime.
pub const DEFAULT_STAFF_SESSION_ABSOLUTE: Duration = Duration::from_secs(12 * 3600);
/// Idle time after which a session ends.
pub const DEFAULT_STAFF_SESSION_IDLE: Duration = Duration::from_secs(30 * 60);

/// What the staff code shares through the app state.
pub(crate) struct StaffSettings {
    /// Hash of a random password, for logins of unknown accounts.
    pub(crate) dummy_hash: String,
    /// Seconds without a request after which a session ends.
    pub(crate) session_idle_secs: i64,
    /// Seconds after sign-in at which a session ends.
    pub(crate) session_absolute_secs: i64,
}

/// The demo programme admin's sign-in, printed for a newcomer (demo and
/// test hubs only).
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoStaffLogin {
    /// Login.
    pub login: String,
    /// Password, derived from the hub secret (the same on every run).
    pub password: String,
    /// TOTP secret in base32, for an authenticator app.
    pub totp_secret_base32: String,
}

/// `/staff/v1` routes (they authenticate themselves; no admin gate).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/v1/invitations/accept", post(accept))
        .route("/staff/v1/login", post(login))
        .route("/staff/v1/logout", post(logout))
        .route("/staff/v1/me", get(me))
        .route("/staff/v1/password", post(change_password))
}

/// The staff-management routes under `/admin/v1` (merged into the admin
/// router, behind its gate).
pub(crate) fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/bootstrap", post(bootstrap))
        .route("/admin/v1/staff/invitations", post(invite))
        .route("/admin/v1/staff/accounts", get(list_accounts))
        .route("/admin/v1/staff/accounts/{account_id}/revoke-sessions", post(revoke_sessions))
        .route("/admin/v1/staff/accounts/{account_id}/disable", post(disable))
        .route("/admin/v1/staff/roles", get(list_roles))
        .route("/admin/v1/staff/roles/{role}", post(set_role))
        .route("/admin/v1/audit", get(audit_log))
        .route("/admin/v1/brands", post(create_brand).get(list_brands))
        .route("/admin/v1/brands/{brand_id}/factories", post(link_factory))
}

async fn accept(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<AcceptInvitationRequest>,
) -> Result<Json<StaffAccount>, ApiError> {
    accounts::accept_invitation(&state, request).await.map(Json)
}

async fn login(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<StaffLoginRequest>,
) -> Result<Json<StaffLoginResponse>, ApiError> {
    accounts::login(&state, request).await.map(Json)
}

async fn logout(State(state): State<AppState>, session: StaffSession) -> Result<Json<OkBody>, ApiError> {
    accounts::logout(&state, session.principal, session.token).await?;
    Ok(Json(OkBody { ok: true }))
}

async fn me(State(state): State<AppState>, session: StaffSession) -> Result<Json<StaffAccount>, ApiError> {
    accounts::me(&state, session.principal).await.map(Json)
}

async fn change_password(
    State(state): State<AppState>,
    session: StaffSession,
    JsonBody(request): JsonBody<ChangePasswordRequest>,
) -> Result<Json<OkBody>, ApiError> {
    accounts::change_password(&state, session.principal, session.token, request).await?;
    Ok(Json(OkBody { ok: true }))
}

async fn bootstrap(State(state): State<AppState>) -> Result<Json<InvitationResponse>, ApiError> {
    accounts::bootstrap(&state).await.map(Json)
}

async fn invite(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    JsonBody(request): JsonBody<CreateInvitationRequest>,
) -> Result<Json<InvitationResponse>, ApiError> {
    accounts::create_invitation(&state, actor.actor, request).await.map(Json)
}

async fn list_accounts(State(state): State<AppState>) -> Result<Json<Vec<StaffAccount>>, ApiError> {
    accounts::accounts(&state).await.map(Json)
}

async fn revoke_sessions(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams(account_id): PathParams<String>,
) -> Result<Json<StaffAccount>, ApiError> {
    accounts::revoke_sessions(&state, actor.actor, account_id, false).await.map(Json)
}

async fn disable(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams(account_id): PathParams<String>,
) -> Result<Json<StaffAccount>, ApiError> {
    accounts::revoke_sessions(&state, actor.actor, account_id, true).await.map(Json)
}

async fn list_roles(State(state): State<AppState>) -> Result<Json<Vec<RoleSettings>>, ApiError> {
    accounts::role_settings(&state).await.map(Json)
}

async fn set_role(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams(role): PathParams<String>,
    JsonBody(request): JsonBody<RoleSettings>,
) -> Result<Json<RoleSettings>, ApiError> {
    accounts::set_role_settings(&state, actor.actor, role, request.totp_required).await.map(Json)
}

/// `?after=SEQ` (default 0): up to 500 rows after `SEQ`, oldest first.
async fn audit_log(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<StaffAuditEntry>>, ApiError> {
    let after = query_u64(query.as_deref(), "after")?.unwrap_or(0);
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    state.db.read(move |connection| audit::entries_after(connection, after)).await.map(Json)
}

async fn create_brand(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    JsonBody(request): JsonBody<CreateBrandRequest>,
) -> Result<Json<Brand>, ApiError> {
    brands::create_brand(&state, actor.actor, request).await.map(Json)
}

async fn list_brands(State(state): State<AppState>) -> Result<Json<Vec<Brand>>, ApiError> {
    brands::brands(&state).await.map(Json)
}

async fn link_factory(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams(brand_id): PathParams<String>,
    JsonBody(request): JsonBody<LinkFactoryRequest>,
) -> Result<Json<Brand>, ApiError> {
    brands::link_factory(&state, actor.actor, brand_id, request).await.map(Json)
}
