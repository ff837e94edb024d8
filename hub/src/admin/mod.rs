//! The staff API (`/admin/v1/*`): factories, enrolment codes, rosters,
//! unlocking and resetting workers, retiring devices, case handler accounts,
//! the programme key and publishing the recipient directory.
//!
//! Every route goes through the staff gate (`crate::staff::guard`): a staff
//! session whose role holds the right the route needs (`crate::staff::roles`)
//! for the factory it is about; the admin token only bootstraps. The
//! handlers here only adapt HTTP to the domain functions in the submodules,
//! which the demo seeding calls directly, passing on who acts for the audit
//! log.

pub(crate) mod csv;
pub(crate) mod devices;
pub(crate) mod factories;
pub(crate) mod roster;

use axum::extract::{Extension, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use workervoice_protocol::admin::{
    CreateFactoryRequest, DeviceSummary, Factory, IssueCodesRequest, IssueCodesResponse, ProgrammeInfo,
    PublishDirectoryRequest, ResetWorkerResponse, RosterImport, RosterImportResponse, WorkerSummary,
};
use workervoice_protocol::handler::{HandlerSummary, ReaderInvitationRequest, ReaderInvitationResponse};
use workervoice_protocol::proposal::DirectoryProposed;

use crate::case_handlers::accounts;
use crate::directory;
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams, parse_json, read_body};
use crate::staff::audit::{self, ActorId};
use crate::staff::guard::{StaffActor, require_staff};
use crate::state::AppState;

/// The `/admin/v1/*` routes, behind the staff gate.
pub(crate) fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/admin/v1/factories", post(create_factory).get(list_factories))
        .route("/admin/v1/factories/{factory_id}/enrolment-codes", post(issue_codes))
        .route("/admin/v1/factories/{factory_id}/settings", post(update_factory_settings))
        .route("/admin/v1/factories/{factory_id}/roster", post(import_roster))
        .route("/admin/v1/factories/{factory_id}/workers", get(list_workers))
        .route("/admin/v1/factories/{factory_id}/workers/{worker_number}/unlock", post(unlock_worker))
        .route("/admin/v1/factories/{factory_id}/workers/{worker_number}/reset", post(reset_worker))
        .route("/admin/v1/factories/{factory_id}/devices", get(list_devices))
        .route("/admin/v1/factories/{factory_id}/training-report", get(training_report))
        .route("/admin/v1/factories/{factory_id}/surveys/{survey_id}/aggregates", get(survey_aggregates))
        .route("/admin/v1/factories/{factory_id}/grievance-report", get(crate::cases::grievance_report::report))
        .route("/admin/v1/factories/{factory_id}/category-counts", get(crate::cases::category_counts::factory_counts))
        .route("/admin/v1/factories/{factory_id}/survey-aggregates", get(crate::surveys::factory_aggregates::list))
        .route("/admin/v1/devices/{device_id}/retire", post(retire_device))
        .route("/admin/v1/devices/{device_id}/wipe", post(wipe_device))
        .route("/admin/v1/programme", get(programme))
        .route("/admin/v1/directory/propose", post(propose_directory))
        .merge(crate::proposals::admin_routes())
        .route("/admin/v1/readers/invitations", post(invite_reader))
        .route("/admin/v1/handlers", get(list_handlers))
        .route("/admin/v1/handlers/{handler_id}/disable", post(disable_handler))
        .route(
            "/admin/v1/surveys/{survey_id}/schedule",
            post(set_survey_schedule).get(crate::surveys::schedule_view::get_schedule),
        )
        .route("/admin/v1/content", get(crate::content::listing::list))
        .route("/admin/v1/deadlines", get(crate::cases::deadlines::list))
        .route("/admin/v1/deadlines/{route}", post(crate::cases::deadlines::set))
        .route("/admin/v1/events", post(record_event).get(crate::surveys::schedule_view::list_events))
        .merge(crate::staff::admin_routes())
        .route_layer(middleware::from_fn_with_state(state, require_staff))
}

/// Appends an audit row in a transaction of its own, for the actions whose
/// domain code lives outside the staff-facing modules (directory, handler
/// accounts) and runs its own transaction: written right after the action
/// succeeded, so a crash in between could lose the row (see ADR 0013).
async fn audit_after(
    state: &AppState,
    actor: ActorId,
    action: &'static str,
    object_kind: &'static str,
    object_id: String,
) -> Result<(), ApiError> {
    state.db.run(move |connection| audit::append(connection, &actor, action, object_kind, &object_id)).await
}

async fn set_survey_schedule(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams(survey_id): PathParams<String>,
    JsonBody(schedule): JsonBody<workervoice_protocol::admin::SurveySchedule>,
) -> Result<Json<workervoice_protocol::admin::SurveySchedule>, ApiError> {
    crate::surveys::schedule::set_schedule(&state, &actor.actor, survey_id, schedule).await.map(Json)
}

async fn record_event(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    JsonBody(request): JsonBody<workervoice_protocol::admin::RecordEventRequest>,
) -> Result<Json<workervoice_protocol::admin::RecordedEvent>, ApiError> {
    crate::surveys::schedule::record_event(&state, &actor.actor, request).await.map(Json)
}

async fn create_factory(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    JsonBody(request): JsonBody<CreateFactoryRequest>,
) -> Result<Json<Factory>, ApiError> {
    factories::create_factory_as(&state, &actor.actor, request).await.map(Json)
}

/// The factories the actor's scope covers (all for programme admins and auditors).
async fn list_factories(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
) -> Result<Json<Vec<Factory>>, ApiError> {
    let all = factories::factories(&state).await?;
    Ok(Json(all.into_iter().filter(|factory| actor.sees_factory(&factory.id)).collect()))
}

async fn update_factory_settings(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams(factory_id): PathParams<String>,
    JsonBody(settings): JsonBody<workervoice_protocol::admin::FactorySettings>,
) -> Result<Json<workervoice_protocol::auth::Ok>, ApiError> {
    factories::update_settings(&state, &actor.actor, factory_id, settings).await?;
    Ok(Json(workervoice_protocol::auth::Ok { ok: true }))
}

async fn issue_codes(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams(factory_id): PathParams<String>,
    JsonBody(request): JsonBody<IssueCodesRequest>,
) -> Result<Json<IssueCodesResponse>, ApiError> {
    factories::issue_codes_as(&state, &actor.actor, factory_id, request).await.map(Json)
}

/// Accepts JSON ([`RosterImport`]) or, with `Content-Type: text/csv`, CSV
/// with the header `worker_number,display_name,language`.
async fn import_roster(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams(factory_id): PathParams<String>,
    request: Request,
) -> Result<Json<RosterImportResponse>, ApiError> {
    let is_csv = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().to_ascii_lowercase().starts_with("text/csv"));
    let body = read_body(request).await?;
    let roster: RosterImport = if is_csv { roster::roster_from_csv(&body)? } else { parse_json(&body)? };
    roster::import_roster_as(&state, &actor.actor, factory_id, roster).await.map(Json)
}

async fn list_workers(
    State(state): State<AppState>,
    PathParams(factory_id): PathParams<String>,
) -> Result<Json<Vec<WorkerSummary>>, ApiError> {
    roster::workers(&state, factory_id).await.map(Json)
}

async fn unlock_worker(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams((factory_id, worker_number)): PathParams<(String, String)>,
) -> Result<Json<WorkerSummary>, ApiError> {
    roster::unlock_worker(&state, &actor.actor, factory_id, worker_number).await.map(Json)
}

async fn reset_worker(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams((factory_id, worker_number)): PathParams<(String, String)>,
) -> Result<Json<ResetWorkerResponse>, ApiError> {
    roster::reset_worker_as(&state, &actor.actor, factory_id, worker_number).await.map(Json)
}

async fn list_devices(
    State(state): State<AppState>,
    PathParams(factory_id): PathParams<String>,
) -> Result<Json<Vec<DeviceSummary>>, ApiError> {
    devices::devices(&state, factory_id).await.map(Json)
}

/// A survey's aggregates an analyst published, this factory's group only.
async fn survey_aggregates(
    State(state): State<AppState>,
    PathParams((factory_id, survey_id)): PathParams<(String, String)>,
) -> Result<Json<workervoice_protocol::survey_response::SurveyResults>, ApiError> {
    crate::surveys::results::factory_aggregates(&state, factory_id, survey_id).await.map(Json)
}

/// Per module of a factory: workers who started it and who passed, with
/// small groups suppressed. JSON, or CSV with `?format=csv`.
async fn training_report(
    State(state): State<AppState>,
    PathParams(factory_id): PathParams<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Response, ApiError> {
    use axum::response::IntoResponse;
    let rows = state
        .db
        .read(move |connection| {
            factories::ensure_factory_exists(connection, &factory_id)?;
            crate::training::completion::completion_report(connection, &factory_id)
        })
        .await?;
    if query.as_deref() == Some("format=csv") {
        let count = |value: Option<u32>| value.map_or_else(|| "suppressed".to_owned(), |n| n.to_string());
        let mut text = String::from("module_id,workers_started,workers_passed\r\n");
        for row in &rows {
            text.push_str(&format!(
                "{},{},{}\r\n",
                csv::quote(&row.module_id),
                count(row.workers_started),
                count(row.workers_passed)
            ));
        }
        return Ok(([(CONTENT_TYPE, "text/csv; charset=utf-8")], text).into_response());
    }
    Ok(Json(rows).into_response())
}

async fn retire_device(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams(device_id): PathParams<String>,
) -> Result<Json<DeviceSummary>, ApiError> {
    devices::retire_device(&state, &actor.actor, device_id).await.map(Json)
}

async fn wipe_device(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams(device_id): PathParams<String>,
) -> Result<Json<DeviceSummary>, ApiError> {
    devices::wipe_device(&state, &actor.actor, device_id).await.map(Json)
}

async fn programme(State(state): State<AppState>) -> Json<ProgrammeInfo> {
    Json(directory::programme_info(&state))
}

/// The body is optional: none (or `{}`) proposes with the defaults. The
/// directory is published once the key holder signs the proposal.
async fn propose_directory(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    request: Request,
) -> Result<Json<DirectoryProposed>, ApiError> {
    let body = read_body(request).await?;
    let request: PublishDirectoryRequest =
        if body.iter().all(u8::is_ascii_whitespace) { PublishDirectoryRequest::default() } else { parse_json(&body)? };
    let proposed = directory::propose(&state, request, crate::proposals::BY_ADMIN_TOKEN).await?;
    audit_after(&state, actor.actor, "directory_proposed", "proposal", proposed.proposal_id.clone()).await?;
    Ok(Json(proposed))
}

async fn invite_reader(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    JsonBody(request): JsonBody<ReaderInvitationRequest>,
) -> Result<Json<ReaderInvitationResponse>, ApiError> {
    accounts::invite(&state, actor.actor, request).await.map(Json)
}

async fn list_handlers(State(state): State<AppState>) -> Result<Json<Vec<HandlerSummary>>, ApiError> {
    accounts::handlers(&state).await.map(Json)
}

async fn disable_handler(
    State(state): State<AppState>,
    Extension(actor): Extension<StaffActor>,
    PathParams(handler_id): PathParams<String>,
) -> Result<Json<HandlerSummary>, ApiError> {
    accounts::disable(&state, actor.actor, handler_id).await.map(Json)
}
