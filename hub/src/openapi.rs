//! The hub's OpenAPI 3.1 description (ADR 0022), served at `GET /openapi.json`
//! and committed as `hub/openapi.json`.
//!
//! Body schemas are derived from the wire types themselves (`utoipa::ToSchema`
//! on `protocol`, behind its `openapi` feature, which only the hub enables).
//! Which route takes and returns which type is the table in [`operations`];
//! two tests keep it honest: the table must name exactly the routes the
//! router serves (path and method), and the committed file must equal what
//! this module generates. An API fuzzer (`scripts/api-fuzz`) checks the
//! answers of a running hub against it.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use axum::Json;
use axum::http::Method;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ArrayBuilder, ComponentsBuilder, ContentBuilder, HttpMethod, InfoBuilder, ObjectBuilder, OpenApi, OpenApiBuilder,
    PathItem, PathsBuilder, Ref, RefOr, Required, ResponseBuilder, Schema, Type,
};
use utoipa::{PartialSchema, ToSchema};
use workervoice_protocol::error::HubErrorCode as Code;
use workervoice_protocol::signing::{HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use workervoice_protocol::{
    admin, auth, category_counts, content, directory, enrol, error, grievance, handler, paths, progress, proposal,
    staff, staff_lists, survey_response,
};

/// Where the hub serves its description.
pub(crate) const OPENAPI_PATH: &str = "/openapi.json";

/// The description, built once.
static DOCUMENT: LazyLock<serde_json::Value> =
    LazyLock::new(|| serde_json::to_value(document()).unwrap_or(serde_json::Value::Null));

/// `GET /openapi.json`: no authentication, nothing but the description.
pub(crate) async fn serve() -> Json<serde_json::Value> {
    Json(DOCUMENT.clone())
}

/// The description as pretty JSON with a final newline: the committed
/// `hub/openapi.json` is exactly this.
pub fn document_json() -> String {
    let mut text = serde_json::to_string_pretty(&*DOCUMENT).unwrap_or_default();
    text.push('\n');
    text
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    /// Anyone (enrolment codes, tokens and the like travel in the body).
    Open,
    /// An enrolled device's Ed25519 signature over the request (four headers).
    Device,
    /// A staff session: bearer token, or the console's cookie.
    Staff,
    /// The bootstrap admin token (bearer), only for `POST /admin/v1/bootstrap`.
    AdminToken,
    /// A reader's (case handler's or analyst's) session: bearer token.
    Reader,
    /// Loopback, or the metrics token (bearer).
    Metrics,
}

/// A request or response body.
#[derive(Clone, Copy)]
enum Body {
    /// No body.
    None,
    /// JSON of one wire type.
    Json(fn() -> RefOr<Schema>, fn(&mut Vec<(String, RefOr<Schema>)>)),
    /// Bytes of a media type, not JSON.
    Bytes(&'static str),
}

fn one<T: ToSchema>() -> Body {
    Body::Json(|| RefOr::Ref(Ref::from_schema_name(T::name())), collect::<T>)
}

fn list<T: ToSchema>() -> Body {
    Body::Json(|| ArrayBuilder::new().items(RefOr::Ref(Ref::from_schema_name(T::name()))).build().into(), collect::<T>)
}

fn collect<T: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) {
    schemas.push((T::name().into_owned(), T::schema()));
    T::schemas(schemas);
}

/// One route and method.
struct Operation {
    method: Method,
    path: &'static str,
    auth: Auth,
    summary: &'static str,
    query: &'static [&'static str],
    request: Body,
    response: Body,
    /// Answers other than 200 and an `ErrorBody` refusal: status, what it
    /// means, its body.
    other: &'static [(&'static str, &'static str, OtherBody)],
    /// Refusals this route's handler makes beyond those every route of its
    /// kind makes ([`Operation::error_codes`] adds those).
    refuses: &'static [Code],
}

/// The body of one of an operation's [`Operation::other`] answers.
#[derive(Clone, Copy)]
enum OtherBody {
    /// None at all.
    Empty,
    /// The same as the 200 answer's.
    Same,
    /// Bytes, like the 200 answer's.
    Bytes,
}

fn op(
    method: Method,
    path: &'static str,
    auth: Auth,
    summary: &'static str,
    request: Body,
    response: Body,
) -> Operation {
    Operation { method, path, auth, summary, query: &[], request, response, other: &[], refuses: &[] }
}

impl Operation {
    fn query(mut self, names: &'static [&'static str]) -> Self {
        self.query = names;
        self
    }

    fn other(mut self, answers: &'static [(&'static str, &'static str, OtherBody)]) -> Self {
        self.other = answers;
        self
    }

    /// The refusals this route's handler makes itself (read from it), on top
    /// of the ones [`Operation::error_codes`] derives.
    fn refuses(mut self, codes: &'static [Code]) -> Self {
        self.refuses = codes;
        self
    }

    /// Every error code this operation can answer, derived from what stands
    /// in front of every handler plus the handler's own [`Operation::refuses`]:
    ///
    /// - every route: `payload_too_large` (the body limit applies to every
    ///   route, a `GET` included: `crate::limits::body_limit`) and
    ///   `rate_limited` (the request time-out, `crate::limits::request_timeout`;
    ///   on anonymous routes also the per-source limit); every route that
    ///   touches the database also `internal`;
    /// - a body or a query: `bad_request`; a path parameter: `not_found`
    ///   (`crate::extract::PathParams`, and no such resource);
    /// - by its authentication: a device signature refuses `unauthorized`,
    ///   `replayed`, `clock_skew` and `device_retired` (`crate::device_auth`);
    ///   a staff session or the admin token `unauthorized` and `forbidden`
    ///   (`crate::staff::guard`); a reader session `unauthorized`; the
    ///   metrics route off loopback without its token answers `not_found`.
    fn error_codes(&self) -> Vec<Code> {
        let mut codes = vec![Code::PayloadTooLarge, Code::RateLimited];
        if !STATIC_ANSWERS.contains(&self.path) {
            codes.push(Code::Internal);
        }
        if !matches!(self.request, Body::None) || !self.query.is_empty() {
            codes.push(Code::BadRequest);
        }
        if !path_parameters(self.path).is_empty() {
            codes.push(Code::NotFound);
        }
        codes.extend(match self.auth {
            Auth::Open => &[][..],
            Auth::Device => &[Code::Unauthorized, Code::Replayed, Code::ClockSkew, Code::DeviceRetired][..],
            Auth::Staff | Auth::AdminToken => &[Code::Unauthorized, Code::Forbidden][..],
            Auth::Reader => &[Code::Unauthorized][..],
            Auth::Metrics => &[Code::NotFound][..],
        });
        codes.extend(self.refuses.iter().copied());
        // (HubErrorCode has no order of its own.)
        codes.sort_by_key(|code| (code.http_status(), code_name(*code)));
        codes.dedup();
        codes
    }
}

/// Routes whose answer needs nothing that can fail (no database, no disk).
const STATIC_ANSWERS: [&str; 3] = [paths::HEALTH, crate::metrics::HEALTHZ, OPENAPI_PATH];

/// A code's name on the wire (`snake_case`), as in `ErrorBody`.
fn code_name(code: Code) -> String {
    serde_json::to_value(code).ok().and_then(|value| value.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Every route the hub serves. `router_and_description_name_the_same_routes`
/// fails when this and the router differ.
fn operations() -> Vec<Operation> {
    use Auth::*;
    use Body::None as Empty;
    let (get, post, put) = (Method::GET, Method::POST, Method::PUT);
    vec![
        // Operations.
        op(get.clone(), paths::HEALTH, Open, "The hub answers", Empty, one::<auth::Ok>()),
        op(
            get.clone(),
            crate::metrics::HEALTHZ,
            Open,
            "The process serves requests",
            Empty,
            one::<crate::metrics::Health>(),
        ),
        op(
            get.clone(),
            crate::metrics::READYZ,
            Open,
            "Database and disk are fine (503 says which is not)",
            Empty,
            one::<crate::metrics::Health>(),
        )
        .other(&[("503", "Not ready: `checks` says what fails.", OtherBody::Same)]),
        op(
            get.clone(),
            crate::metrics::METRICS,
            Metrics,
            "Counters and latencies, Prometheus text format",
            Empty,
            Body::Bytes("text/plain"),
        ),
        op(
            get.clone(),
            OPENAPI_PATH,
            Open,
            "This description",
            Empty,
            Body::Json(|| ObjectBuilder::new().build().into(), |_| {}),
        ),
        // Devices.
        op(
            post.clone(),
            paths::ENROL,
            Open,
            "Enrol a device with a one-time code",
            one::<enrol::EnrolRequest>(),
            one::<enrol::EnrolResponse>(),
        )
        .refuses(&[Code::Unauthorized, Code::EnrolmentCodeInvalid]),
        op(
            get.clone(),
            paths::DEVICE_STATUS,
            Device,
            "The device's own status",
            Empty,
            one::<enrol::DeviceStatusResponse>(),
        ),
        op(
            post.clone(),
            paths::DEVICE_HEALTH,
            Device,
            "A shared device's health report",
            one::<enrol::DeviceHealthReport>(),
            one::<enrol::DeviceStatusResponse>(),
        ),
        op(
            post.clone(),
            paths::AUTH_PARAMS,
            Device,
            "KDF parameters for a worker's PIN",
            one::<auth::AuthParamsRequest>(),
            one::<auth::AuthParamsResponse>(),
        ),
        op(
            post.clone(),
            paths::AUTH_ACTIVATE,
            Device,
            "First sign-in: activation code and new PIN proof",
            one::<auth::ActivateRequest>(),
            one::<auth::LoginResponse>(),
        )
        .refuses(&[Code::ActivationInvalid, Code::PinLocked]),
        op(
            post.clone(),
            paths::AUTH_REGISTER,
            Device,
            "Self-registration with the factory's join code",
            one::<auth::RegisterRequest>(),
            one::<auth::LoginResponse>(),
        )
        .refuses(&[Code::SelfRegistrationDisabled, Code::WorkerExists]),
        op(
            post.clone(),
            paths::AUTH_LOGIN,
            Device,
            "Sign in with a PIN proof; releases the hub share",
            one::<auth::LoginRequest>(),
            one::<auth::LoginResponse>(),
        )
        .refuses(&[Code::WrongPin, Code::PinLocked]),
        op(
            post.clone(),
            paths::AUTH_CHANGE_PIN,
            Device,
            "Change PIN",
            one::<auth::ChangePinRequest>(),
            one::<auth::Ok>(),
        )
        .refuses(&[Code::WrongPin, Code::PinLocked]),
        op(
            post.clone(),
            paths::AUTH_CONFIRM_OFFLINE,
            Device,
            "Confirm sign-ins a shared device made offline",
            one::<auth::ConfirmSignInRequest>(),
            one::<auth::ConfirmSignInResponse>(),
        )
        .refuses(&[Code::PinLocked]),
        op(
            post.clone(),
            paths::PROGRESS_UPLOAD,
            Device,
            "A sealed batch of training progress events",
            one::<progress::ProgressUpload>(),
            one::<progress::ProgressUploadResponse>(),
        ),
        op(
            post.clone(),
            paths::PROGRESS_PULL,
            Device,
            "A worker's merged training progress after a cursor",
            one::<progress::ProgressPullRequest>(),
            one::<progress::ProgressPullResponse>(),
        ),
        op(
            post.clone(),
            paths::PROGRESS_LEADERBOARD,
            Device,
            "Join or leave the leaderboard, and see it",
            one::<progress::LeaderboardRequest>(),
            one::<progress::LeaderboardResponse>(),
        ),
        op(
            post.clone(),
            paths::SURVEYS_OPEN,
            Device,
            "Surveys open to a worker now",
            one::<survey_response::OpenSurveysRequest>(),
            one::<survey_response::OpenSurveysResponse>(),
        ),
        op(
            post.clone(),
            paths::SURVEYS_TOKEN,
            Device,
            "A worker's one blinded token for a survey",
            one::<survey_response::TokenRequest>(),
            one::<survey_response::TokenResponse>(),
        )
        .refuses(&[Code::SurveyNotOpen, Code::AlreadyAnswered]),
        op(
            post.clone(),
            paths::SURVEYS_RESPONSES,
            Open,
            "An anonymous sealed survey response with its token",
            one::<survey_response::ResponseUpload>(),
            one::<survey_response::ResponseReceipt>(),
        )
        .refuses(&[Code::TokenInvalid, Code::NotFound, Code::UnknownRecipient, Code::AlreadyAnswered]),
        op(
            get.clone(),
            paths::DIRECTORY,
            Open,
            "The signed recipient directory (every version after `have`)",
            Empty,
            one::<directory::DirectoryResponse>(),
        )
        .query(&["have"]),
        op(
            get.clone(),
            paths::CONTENT_CATALOG,
            Device,
            "The content assigned to the device's factory (304 when `have` is current)",
            Empty,
            one::<content::Catalog>(),
        )
        .query(&["have"])
        .other(&[("304", "`have` is the current catalog's etag.", OtherBody::Empty)]),
        op(
            get.clone(),
            "/v1/content/manifests/{sha256}",
            Open,
            "A signed content manifest, by hash: unsigned and cacheable by any shared cache (ETag, immutable)",
            Empty,
            one::<content::SignedManifest>(),
        )
        .other(&[("304", "`If-None-Match` names this manifest's ETag.", OtherBody::Empty)]),
        op(
            get.clone(),
            "/v1/content/blobs/{sha256}",
            Open,
            "A content file, by hash (Range and If-Range allowed): unsigned and cacheable by any shared cache",
            Empty,
            Body::Bytes("application/octet-stream"),
        )
        .other(&[
            ("206", "The range asked for.", OtherBody::Bytes),
            ("304", "`If-None-Match` names this blob's ETag.", OtherBody::Empty),
            ("416", "The range starts past the end (Content-Range says the size).", OtherBody::Empty),
        ]),
        // Grievances: unsigned, they name no device.
        op(
            post.clone(),
            paths::SUBMISSIONS,
            Open,
            "A sealed grievance (a framed submission)",
            Body::Bytes(grievance::SUBMISSION_CONTENT_TYPE),
            one::<grievance::SubmitResponse>(),
        )
        .refuses(&[Code::UnknownRecipient, Code::CaseIdTaken]),
        op(
            post.clone(),
            paths::SUBMISSIONS_BATCH,
            Open,
            "Several sealed grievances in one request",
            Body::Bytes(grievance::BATCH_CONTENT_TYPE),
            one::<grievance::BatchSubmitResponse>(),
        ),
        op(
            put.clone(),
            "/v1/submissions/{client_id}/attachments/{attachment_id}",
            Open,
            "Append a chunk of a sealed attachment at `offset`",
            Body::Bytes("application/octet-stream"),
            one::<grievance::AttachmentProgress>(),
        )
        .query(&["offset"])
        .other(&[("409", "`offset` is not what the hub holds: resend from its offset.", OtherBody::Same)]),
        op(
            get.clone(),
            "/v1/submissions/{client_id}/attachments/{attachment_id}",
            Open,
            "How much of an attachment the hub holds",
            Empty,
            one::<grievance::AttachmentProgress>(),
        ),
        op(
            post.clone(),
            paths::CASES_SYNC,
            Open,
            "Follow cases up with their receipt tokens",
            one::<grievance::CaseSyncRequest>(),
            one::<grievance::CaseSyncResponse>(),
        ),
        op(
            post.clone(),
            "/v1/cases/{case_id}/replies",
            Open,
            "A worker's sealed reply on a case",
            one::<grievance::WorkerReplyRequest>(),
            one::<grievance::CaseEvent>(),
        )
        .refuses(&[Code::Unauthorized]),
        // Staff.
        op(
            post.clone(),
            "/admin/v1/bootstrap",
            AdminToken,
            "Invite the first programme admin",
            Empty,
            one::<staff::InvitationResponse>(),
        ),
        op(
            post.clone(),
            "/staff/v1/invitations/accept",
            Open,
            "Accept a staff invitation",
            one::<staff::AcceptInvitationRequest>(),
            one::<staff::StaffAccount>(),
        )
        .refuses(&[Code::Unauthorized, Code::NotFound, Code::WorkerExists]),
        op(
            post.clone(),
            "/staff/v1/login",
            Open,
            "Staff sign-in",
            one::<staff::StaffLoginRequest>(),
            one::<staff::StaffLoginResponse>(),
        )
        .refuses(&[Code::Unauthorized]),
        op(post.clone(), "/staff/v1/logout", Staff, "End this staff session", Empty, one::<auth::Ok>()),
        op(get.clone(), "/staff/v1/me", Staff, "The signed-in staff account", Empty, one::<staff::StaffAccount>()),
        op(
            post.clone(),
            "/staff/v1/password",
            Staff,
            "Change the staff password",
            one::<staff::ChangePasswordRequest>(),
            one::<auth::Ok>(),
        ),
        op(
            post.clone(),
            "/staff/v1/console/login",
            Open,
            "Console sign-in (sets the session cookie)",
            one::<staff::StaffLoginRequest>(),
            one::<crate::staff::console::ConsoleSession>(),
        )
        .refuses(&[Code::Unauthorized, Code::Forbidden]),
        op(
            get.clone(),
            "/staff/v1/console/session",
            Staff,
            "The console's session",
            Empty,
            one::<crate::staff::console::ConsoleSession>(),
        ),
        op(
            post.clone(),
            "/staff/v1/console/logout",
            Staff,
            "End the console session (clears the cookie)",
            Empty,
            one::<auth::Ok>(),
        ),
        op(
            post.clone(),
            "/admin/v1/staff/invitations",
            Staff,
            "Invite a staff member",
            one::<staff::CreateInvitationRequest>(),
            one::<staff::InvitationResponse>(),
        )
        // A factory or brand named in the body that does not exist.
        .refuses(&[Code::NotFound]),
        op(get.clone(), "/admin/v1/staff/accounts", Staff, "Staff accounts", Empty, list::<staff::StaffAccount>()),
        op(
            post.clone(),
            "/admin/v1/staff/accounts/{account_id}/revoke-sessions",
            Staff,
            "Sign a staff account out everywhere",
            Empty,
            one::<staff::StaffAccount>(),
        ),
        op(
            post.clone(),
            "/admin/v1/staff/accounts/{account_id}/disable",
            Staff,
            "Disable a staff account",
            Empty,
            one::<staff::StaffAccount>(),
        ),
        op(get.clone(), "/admin/v1/staff/roles", Staff, "Per-role settings", Empty, list::<staff::RoleSettings>()),
        op(
            get.clone(),
            "/admin/v1/deadlines",
            Staff,
            "Each route's case deadlines",
            Empty,
            list::<handler::RouteDeadlines>(),
        ),
        op(
            post.clone(),
            "/admin/v1/deadlines/{route}",
            Staff,
            "Set a route's case deadlines (programme admins)",
            one::<handler::SetRouteDeadlinesRequest>(),
            one::<handler::RouteDeadlines>(),
        ),
        op(
            post.clone(),
            "/admin/v1/staff/roles/{role}",
            Staff,
            "Change a role's settings",
            one::<staff::RoleSettings>(),
            one::<staff::RoleSettings>(),
        ),
        op(
            get.clone(),
            "/admin/v1/audit",
            Staff,
            "The staff audit log after `after`",
            Empty,
            list::<staff::StaffAuditEntry>(),
        )
        .query(&["after"]),
        op(
            post.clone(),
            "/admin/v1/brands",
            Staff,
            "Create a brand",
            one::<staff::CreateBrandRequest>(),
            one::<staff::Brand>(),
        ),
        op(get.clone(), "/admin/v1/brands", Staff, "Brands", Empty, list::<staff::Brand>()),
        op(
            post.clone(),
            "/admin/v1/brands/{brand_id}/factories",
            Staff,
            "Link a supplier factory to a brand",
            one::<staff::LinkFactoryRequest>(),
            one::<staff::Brand>(),
        ),
        op(
            post.clone(),
            "/admin/v1/factories",
            Staff,
            "Create a factory",
            one::<admin::CreateFactoryRequest>(),
            one::<admin::Factory>(),
        ),
        op(get.clone(), "/admin/v1/factories", Staff, "Factories", Empty, list::<admin::Factory>()),
        op(
            post.clone(),
            "/admin/v1/factories/{factory_id}/enrolment-codes",
            Staff,
            "Issue enrolment codes",
            one::<admin::IssueCodesRequest>(),
            one::<admin::IssueCodesResponse>(),
        ),
        op(
            post.clone(),
            "/admin/v1/factories/{factory_id}/settings",
            Staff,
            "Change a factory's settings",
            one::<admin::FactorySettings>(),
            one::<auth::Ok>(),
        ),
        op(
            post.clone(),
            "/admin/v1/factories/{factory_id}/roster",
            Staff,
            "Import a roster (JSON, or CSV as text/csv)",
            one::<admin::RosterImport>(),
            one::<admin::RosterImportResponse>(),
        ),
        op(
            get.clone(),
            "/admin/v1/factories/{factory_id}/workers",
            Staff,
            "A factory's workers",
            Empty,
            list::<admin::WorkerSummary>(),
        ),
        op(
            post.clone(),
            "/admin/v1/factories/{factory_id}/workers/{worker_number}/unlock",
            Staff,
            "Unlock a worker locked by wrong PINs",
            Empty,
            one::<admin::WorkerSummary>(),
        ),
        op(
            post.clone(),
            "/admin/v1/factories/{factory_id}/workers/{worker_number}/reset",
            Staff,
            "Reset a worker (new activation code)",
            Empty,
            one::<admin::ResetWorkerResponse>(),
        ),
        op(
            get.clone(),
            "/admin/v1/factories/{factory_id}/devices",
            Staff,
            "A factory's devices",
            Empty,
            list::<admin::DeviceSummary>(),
        ),
        op(
            get.clone(),
            "/admin/v1/factories/{factory_id}/training-report",
            Staff,
            "Training completion per module (CSV with `format=csv`)",
            Empty,
            list::<admin::ModuleCompletion>(),
        )
        .query(&["format"]),
        op(
            get.clone(),
            "/admin/v1/factories/{factory_id}/surveys/{survey_id}/aggregates",
            Staff,
            "A survey's published aggregates for a factory",
            Empty,
            one::<survey_response::SurveyResults>(),
        ),
        op(
            get.clone(),
            "/admin/v1/factories/{factory_id}/grievance-report",
            Staff,
            "Grievance cases per month of receipt, small counts suppressed",
            Empty,
            list::<admin::GrievanceMonth>(),
        ),
        op(
            post.clone(),
            "/admin/v1/devices/{device_id}/retire",
            Staff,
            "Retire a device",
            Empty,
            one::<admin::DeviceSummary>(),
        ),
        op(
            post.clone(),
            "/admin/v1/devices/{device_id}/wipe",
            Staff,
            "Wipe a shared device at its next sync",
            Empty,
            one::<admin::DeviceSummary>(),
        )
        .refuses(&[Code::BadRequest, Code::DeviceRetired]),
        op(
            get.clone(),
            "/admin/v1/programme",
            Staff,
            "The programme's public key and id",
            Empty,
            one::<admin::ProgrammeInfo>(),
        ),
        op(
            post.clone(),
            "/admin/v1/directory/propose",
            Staff,
            "Propose a recipient directory for the key holder to sign",
            one::<admin::PublishDirectoryRequest>(),
            one::<proposal::DirectoryProposed>(),
        ),
        op(
            get.clone(),
            "/admin/v1/proposals",
            Staff,
            "What waits for (or got) the key holder's signature",
            Empty,
            list::<proposal::ProposalSummary>(),
        )
        .query(&["state"]),
        op(
            get.clone(),
            "/admin/v1/proposals/{proposal_id}",
            Staff,
            "A proposal and the bytes to sign",
            Empty,
            one::<proposal::ProposalDetail>(),
        ),
        op(
            post.clone(),
            "/admin/v1/proposals/{proposal_id}/signature",
            Staff,
            "The key holder's signature of a proposal",
            one::<proposal::SignatureUpload>(),
            one::<proposal::ProposalSummary>(),
        )
        .refuses(&[Code::BadSignature]),
        op(
            post.clone(),
            "/admin/v1/readers/invitations",
            Staff,
            "Invite a reader (case handler or analyst)",
            one::<handler::ReaderInvitationRequest>(),
            one::<handler::ReaderInvitationResponse>(),
        )
        // A factory or brand named in the body that does not exist.
        .refuses(&[Code::NotFound]),
        op(get.clone(), "/admin/v1/handlers", Staff, "Readers", Empty, list::<handler::HandlerSummary>()),
        op(
            post.clone(),
            "/admin/v1/handlers/{handler_id}/disable",
            Staff,
            "Disable a reader",
            Empty,
            one::<handler::HandlerSummary>(),
        ),
        op(
            post.clone(),
            "/admin/v1/surveys/{survey_id}/schedule",
            Staff,
            "When and to whom a survey is open",
            one::<admin::SurveySchedule>(),
            one::<admin::SurveySchedule>(),
        ),
        op(
            post.clone(),
            "/admin/v1/events",
            Staff,
            "Record an event surveys can follow",
            one::<admin::RecordEventRequest>(),
            one::<admin::RecordedEvent>(),
        ),
        op(
            get.clone(),
            "/admin/v1/surveys/{survey_id}/schedule",
            Staff,
            "A survey's schedule as set (none: open to its factories' workers)",
            Empty,
            one::<staff_lists::SurveyScheduleView>(),
        )
        .refuses(&[Code::NotFound]),
        op(
            get.clone(),
            "/admin/v1/events",
            Staff,
            "Recorded events, newest first (workers counted, not named)",
            Empty,
            list::<staff_lists::EventSummary>(),
        )
        .query(&["factory_id"]),
        op(
            get.clone(),
            "/admin/v1/content",
            Staff,
            "Published training modules and surveys, their versions and assignment (within the scope)",
            Empty,
            list::<staff_lists::PublishedItem>(),
        ),
        op(
            get.clone(),
            "/admin/v1/factories/{factory_id}/category-counts",
            Staff,
            "Cases by category per month, as readers counted and published them",
            Empty,
            list::<category_counts::PublishedCategoryCounts>(),
        ),
        op(
            get.clone(),
            "/admin/v1/factories/{factory_id}/survey-aggregates",
            Staff,
            "Every survey's published aggregates for a factory",
            Empty,
            list::<category_counts::FactorySurveyAggregates>(),
        ),
        // Readers: sealed items only.
        op(
            post.clone(),
            "/handler/v1/invitations/accept",
            Open,
            "Accept a reader invitation with keys the client made",
            one::<handler::AcceptReaderInvitationRequest>(),
            one::<handler::HandlerSummary>(),
        )
        .refuses(&[Code::Unauthorized, Code::NotFound]),
        op(
            post.clone(),
            "/handler/v1/prelogin",
            Open,
            "The KDF salt and iterations of a reader's password",
            one::<handler::PreloginRequest>(),
            one::<handler::PreloginResponse>(),
        ),
        op(
            post.clone(),
            "/handler/v1/login",
            Open,
            "Reader sign-in with the login key",
            one::<handler::HandlerLoginRequest>(),
            one::<handler::HandlerLoginResponse>(),
        )
        .refuses(&[Code::Unauthorized]),
        op(post.clone(), "/handler/v1/logout", Reader, "End this reader session", Empty, one::<auth::Ok>()),
        op(
            post.clone(),
            "/handler/v1/password",
            Reader,
            "Re-wrap the reader's key under a new password",
            one::<handler::ReaderPasswordChangeRequest>(),
            one::<auth::Ok>(),
        ),
        op(
            get.clone(),
            "/handler/v1/cases",
            Reader,
            "The reader's inbox: filtered, sorted and paged (the total in `X-WorkerVoice-Total`)",
            Empty,
            list::<handler::InboxCase>(),
        )
        .query(&["status", "route", "factory", "overdue", "new", "assigned", "sort", "page", "limit"]),
        op(
            post.clone(),
            "/handler/v1/cases/{case_id}/assignment",
            Reader,
            "Assign a case to a reader of its route, or unassign it",
            one::<handler::AssignRequest>(),
            one::<handler::Assignment>(),
        ),
        op(
            get.clone(),
            "/handler/v1/colleagues",
            Reader,
            "The readers of this reader's route (for assignment)",
            Empty,
            list::<handler::Colleague>(),
        ),
        op(
            get.clone(),
            "/handler/v1/notifications",
            Reader,
            "The reader's e-mail notifications: address, language, pace, failed sends (ADR 0023)",
            Empty,
            one::<handler::NotificationSettings>(),
        ),
        op(
            post.clone(),
            "/handler/v1/notifications",
            Reader,
            "Opt in to e-mail notifications with an address, or opt out (no address)",
            one::<handler::SetNotificationsRequest>(),
            one::<handler::NotificationSettings>(),
        ),
        op(
            post.clone(),
            "/handler/v1/visits",
            Reader,
            "Record a visit to the inbox (for new since last visit)",
            Empty,
            one::<handler::VisitResponse>(),
        ),
        op(get.clone(), "/handler/v1/cases/{case_id}", Reader, "A case, sealed", Empty, one::<handler::SealedCase>()),
        op(
            post.clone(),
            "/handler/v1/cases/{case_id}/status",
            Reader,
            "Change a case's status",
            one::<handler::SetStatusRequest>(),
            one::<grievance::CaseEvent>(),
        ),
        op(
            post.clone(),
            "/handler/v1/cases/{case_id}/replies",
            Reader,
            "A sealed reply to the worker",
            one::<handler::HandlerReplyRequest>(),
            one::<grievance::CaseEvent>(),
        ),
        op(
            post.clone(),
            "/handler/v1/cases/{case_id}/notes",
            Reader,
            "A sealed internal note",
            one::<handler::NoteRequest>(),
            one::<auth::Ok>(),
        ),
        op(
            get.clone(),
            "/handler/v1/cases/{case_id}/readers",
            Reader,
            "Who may read a case",
            Empty,
            list::<handler::RouteReader>(),
        ),
        op(
            get.clone(),
            "/handler/v1/cases/{case_id}/audit",
            Reader,
            "A case's audit log",
            Empty,
            list::<handler::AuditEntry>(),
        ),
        op(
            get.clone(),
            "/handler/v1/cases/{case_id}/escalation",
            Reader,
            "Where a case stands among its allowed routes, and what it missed",
            Empty,
            one::<handler::CaseEscalation>(),
        ),
        op(
            post.clone(),
            "/handler/v1/cases/{case_id}/escalate",
            Reader,
            "Hand a case to the next route the worker allowed (readers of its current route)",
            Empty,
            one::<handler::CaseEscalation>(),
        ),
        op(
            get.clone(),
            "/handler/v1/cases/{case_id}/attachments/{attachment_id}",
            Reader,
            "A sealed attachment",
            Empty,
            Body::Bytes("application/octet-stream"),
        ),
        op(
            get.clone(),
            "/handler/v1/surveys",
            Reader,
            "The surveys this analyst may read (analysts)",
            Empty,
            list::<handler::AnalystSurvey>(),
        ),
        op(
            get.clone(),
            "/handler/v1/surveys/{survey_id}/responses",
            Reader,
            "A survey's sealed responses (analysts)",
            Empty,
            one::<survey_response::SealedSurveyResults>(),
        ),
        op(
            post.clone(),
            "/handler/v1/surveys/{survey_id}/aggregates",
            Reader,
            "Publish a survey's aggregates (analysts)",
            one::<survey_response::SurveyResults>(),
            one::<auth::Ok>(),
        ),
        op(
            post.clone(),
            "/handler/v1/category-counts",
            Reader,
            "Publish cases by category per factory and month, small counts suppressed",
            one::<category_counts::PublishCategoryCounts>(),
            one::<auth::Ok>(),
        ),
    ]
}

/// The security schemes, by name.
const DEVICE_SCHEMES: [(&str, &str); 4] = [
    ("device_id", HEADER_DEVICE),
    ("device_timestamp", HEADER_TIMESTAMP),
    ("device_nonce", HEADER_NONCE),
    ("device_signature", HEADER_SIGNATURE),
];

fn security(auth: Auth) -> Vec<SecurityRequirement> {
    let one = |name: &str| SecurityRequirement::new::<&str, [&str; 0], &str>(name, []);
    match auth {
        Auth::Open => Vec::new(),
        // All four headers together: one requirement naming each scheme.
        Auth::Device => vec![
            DEVICE_SCHEMES
                .iter()
                .fold(SecurityRequirement::default(), |all, (name, _)| all.add::<&str, [&str; 0], &str>(name, [])),
        ],
        Auth::Staff => vec![one("staff_session"), one("console_cookie")],
        Auth::AdminToken => vec![one("admin_token")],
        Auth::Reader => vec![one("reader_session")],
        // Loopback needs nothing; elsewhere the metrics token.
        Auth::Metrics => vec![SecurityRequirement::default(), one("metrics_token")],
    }
}

fn schemes(components: ComponentsBuilder) -> ComponentsBuilder {
    let bearer = |description: &str| {
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.description = Some(description.to_owned());
        SecurityScheme::Http(http)
    };
    let mut components = components
        .security_scheme("staff_session", bearer("A staff session token from /staff/v1/login."))
        .security_scheme(
            "console_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "wv_staff",
                "The console's session cookie (`__Host-wv_staff` over TLS), only with the console's request header.",
            ))),
        )
        .security_scheme("admin_token", bearer("The bootstrap admin token; only POST /admin/v1/bootstrap takes it."))
        .security_scheme("reader_session", bearer("A reader's session token from /handler/v1/login."))
        .security_scheme("metrics_token", bearer("The --metrics-token, for scrapers off the hub's machine."));
    for (name, header) in DEVICE_SCHEMES {
        components = components.security_scheme(
            name,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                header,
                "Device request signing (protocol::signing): the device id, a unix timestamp, a fresh nonce and \
                 an Ed25519 signature over method, path, query, timestamp, nonce and the body's SHA-256. All four \
                 headers together.",
            ))),
        );
    }
    components
}

fn content(body: Body) -> Option<utoipa::openapi::Content> {
    match body {
        Body::None => None,
        Body::Json(schema, _) => Some(ContentBuilder::new().schema(Some(schema())).build()),
        Body::Bytes(_) => Some(
            ContentBuilder::new()
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .content_media_type("application/octet-stream")
                        .build(),
                ))
                .build(),
        ),
    }
}

fn media_type(body: Body) -> &'static str {
    match body {
        Body::Bytes(media) => media,
        _ => "application/json",
    }
}

fn path_parameters(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')))
        .map(str::to_owned)
        .collect()
}

fn http_method(method: &Method) -> HttpMethod {
    match *method {
        Method::POST => HttpMethod::Post,
        Method::PUT => HttpMethod::Put,
        Method::DELETE => HttpMethod::Delete,
        Method::PATCH => HttpMethod::Patch,
        _ => HttpMethod::Get,
    }
}

/// Builds the description from [`operations`] and the wire types.
pub(crate) fn document() -> OpenApi {
    let mut schemas: Vec<(String, RefOr<Schema>)> = Vec::new();
    collect::<error::ErrorBody>(&mut schemas);
    let mut paths = PathsBuilder::new();
    for operation in operations() {
        for body in [operation.request, operation.response] {
            if let Body::Json(_, deps) = body {
                deps(&mut schemas);
            }
        }
        let mut ok = ResponseBuilder::new().description("Done.");
        if let Some(content) = content(operation.response) {
            ok = ok.content(media_type(operation.response), content);
        }
        let mut builder = OperationBuilder::new()
            .summary(Some(operation.summary))
            .operation_id(Some(operation_id(&operation)))
            .response("200", ok.build());
        for (status, meaning, body) in operation.other {
            let mut answer = ResponseBuilder::new().description(*meaning);
            let body = match body {
                OtherBody::Empty => Body::None,
                OtherBody::Same => operation.response,
                OtherBody::Bytes => Body::Bytes("application/octet-stream"),
            };
            if let Some(content) = content(body) {
                answer = answer.content(media_type(body), content);
            }
            builder = builder.response(*status, answer.build());
        }
        for (status, codes) in refusals_by_status(&operation) {
            builder = builder.response(status.to_string(), refusal(&codes));
        }
        builder = builder.securities(Some(security(operation.auth)));
        for name in path_parameters(operation.path) {
            builder = builder.parameter(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .schema(Some(String::schema())),
            );
        }
        for name in operation.query {
            builder = builder.parameter(
                ParameterBuilder::new()
                    .name(*name)
                    .parameter_in(ParameterIn::Query)
                    .required(Required::False)
                    .schema(Some(String::schema())),
            );
        }
        if let Some(content) = content(operation.request) {
            let limit = crate::limits::body_limit_for(&operation.method, Some(operation.path));
            builder = builder.request_body(Some(
                RequestBodyBuilder::new()
                    .description(Some(format!("At most {limit} bytes (larger is `payload_too_large`).")))
                    .content(media_type(operation.request), content)
                    .required(Some(Required::True))
                    .build(),
            ));
        }
        paths = paths.path(operation.path, PathItem::new(http_method(&operation.method), builder.build()));
    }
    // Sorted and deduplicated, so the committed file is stable.
    let mut components = ComponentsBuilder::new();
    let mut seen = BTreeSet::new();
    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, schema) in schemas {
        if seen.insert(name.clone()) {
            components = components.schema(name, schema);
        }
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Worker Voice hub")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "The hub's HTTP API: device enrolment and signed device requests, anonymous grievance \
                     submission and follow-up, staff and reader APIs. Every refusal is an ErrorBody.",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(schemes(components).build()))
        .build()
}

/// An operation's error codes grouped by the HTTP status each answers with.
fn refusals_by_status(operation: &Operation) -> std::collections::BTreeMap<u16, Vec<Code>> {
    let mut by_status: std::collections::BTreeMap<u16, Vec<Code>> = std::collections::BTreeMap::new();
    for code in operation.error_codes() {
        by_status.entry(code.http_status()).or_default().push(code);
    }
    by_status
}

/// One refusal status: `ErrorBody`, the codes it may carry in its
/// description and, for tools, in `x-error-codes`.
fn refusal(codes: &[Code]) -> utoipa::openapi::Response {
    let names: Vec<String> = codes.iter().map(|code| code_name(*code)).collect();
    let listed = names.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ");
    ResponseBuilder::new()
        .description(format!("Refused (ErrorBody); its code is one of {listed}."))
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(RefOr::Ref(Ref::from_schema_name(error::ErrorBody::name())))).build(),
        )
        .extensions(Some(ExtensionsBuilder::new().add("x-error-codes", names).build()))
        .build()
}

/// Statuses an operation lists twice: as one of its [`Operation::other`]
/// answers and as a refusal. Each status has one body, so this must be empty.
pub fn statuses_listed_twice() -> Vec<String> {
    let mut twice = Vec::new();
    for operation in operations() {
        let refusals = refusals_by_status(&operation);
        for (status, _, _) in operation.other {
            if status.parse::<u16>().is_ok_and(|status| refusals.contains_key(&status)) {
                twice.push(format!("{} {} {status}", operation.method, operation.path));
            }
        }
    }
    twice
}

/// Schema names that two different types claim (utoipa names a schema by
/// its type's name, not its module): each would silently describe the other.
pub fn schema_name_collisions() -> Vec<String> {
    let mut schemas: Vec<(String, RefOr<Schema>)> = Vec::new();
    collect::<error::ErrorBody>(&mut schemas);
    for operation in operations() {
        for body in [operation.request, operation.response] {
            if let Body::Json(_, deps) = body {
                deps(&mut schemas);
            }
        }
    }
    let mut first: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let mut clashing = BTreeSet::new();
    for (name, schema) in schemas {
        let text = serde_json::to_string(&schema).unwrap_or_default();
        if first.entry(name.clone()).or_insert_with(|| text.clone()) != &text {
            clashing.insert(name);
        }
    }
    clashing.into_iter().collect()
}

fn operation_id(operation: &Operation) -> String {
    let mut id = operation.method.as_str().to_ascii_lowercase();
    for segment in operation.path.split('/').filter(|segment| !segment.is_empty()) {
        id.push('_');
        id.extend(segment.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }));
    }
    id.replace("__", "_").trim_end_matches('_').to_owned()
}

/// The routes the description names, as `METHOD path` pairs.
pub fn described_routes() -> BTreeSet<String> {
    operations().iter().map(|operation| format!("{} {}", operation.method, operation.path)).collect()
}
