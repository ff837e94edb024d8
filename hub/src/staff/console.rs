//! Staff sessions for the console (ADR 0018): the same sessions as
//! `/staff/v1/login`, carried in an `HttpOnly; SameSite=Strict` cookie the
//! page's script can never read, instead of a bearer token it would hold.
//!
//! Cross-site request forgery: the cookie is only taken from a request that
//! also carries the header [`CONSOLE_HEADER`] and does not say it is
//! cross-site (`Sec-Fetch-Site`). A page on another origin cannot add a
//! custom header without a CORS preflight, which the hub never grants, and a
//! form or a link cannot add one at all; `SameSite=Strict` keeps browsers from
//! sending the cookie cross-site in the first place. Logging in needs the
//! header too, so another site cannot sign a browser into an account of its
//! choosing.
//!
//! Routes (all `/staff/v1/console/…`):
//! - `POST login`: password (and TOTP code); sets the cookie; answers what
//!   [`session`] answers, never the token;
//! - `GET session`: who is signed in and which rights the role holds, for
//!   the page to show only what the hub would allow (the hub still decides
//!   every request);
//! - `POST logout`: ends the session and clears the cookie.

use axum::extract::State;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use workervoice_protocol::staff::{StaffAccount, StaffLoginRequest, StaffRole};

use super::guard::StaffSession;
use super::roles::{self, Right};
use super::sessions::Principal;
use crate::clock::unix_now;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

/// The header every console request carries; the session cookie counts only
/// with it.
pub(crate) const CONSOLE_HEADER: &str = "x-workervoice-console";
/// The cookie's name over plain HTTP (a loopback demo).
const COOKIE_PLAIN: &str = "wv_staff";
/// The cookie's name over HTTPS: the `__Host-` prefix makes the browser
/// refuse it unless it is `Secure`, host-only and for `/`.
const COOKIE_SECURE: &str = "__Host-wv_staff";

/// Every right the page may ask about (bootstrap is the admin token's).
const RIGHTS: [Right; 7] = [
    Right::ListFactories,
    Right::ReadFactory,
    Right::ReadAggregates,
    Right::ManageFactory,
    Right::ReadProgramme,
    Right::ReadAudit,
    Right::ManageProgramme,
];

/// `GET /staff/v1/console/session` (and the reply to a console login).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ConsoleSession {
    /// Who is signed in.
    account: StaffAccount,
    /// The rights the role holds on at least one factory (names as in
    /// `staff::roles`), so the page hides what the hub would refuse.
    rights: Vec<&'static str>,
    /// Whether the account sees every factory (programme admins, auditors);
    /// otherwise only `factory_ids`.
    all_factories: bool,
    /// The factories in scope (factory admins; brand staff: the brand's suppliers).
    factory_ids: Vec<String>,
    /// Seconds without a request after which the hub ends the session.
    idle_secs: i64,
}

/// `/staff/v1/console/…` routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/v1/console/login", post(login))
        .route("/staff/v1/console/session", get(session))
        .route("/staff/v1/console/logout", post(logout))
}

/// Whether a request may use the session cookie: it carries the console
/// header and is not marked cross-site by the browser.
fn console_request(headers: &HeaderMap) -> bool {
    let marked = headers.get(CONSOLE_HEADER).is_some_and(|value| value.as_bytes() == b"1");
    let cross_site = headers.get("sec-fetch-site").is_some_and(|value| value.as_bytes() == b"cross-site");
    marked && !cross_site
}

/// The session token from the console's cookie, when the request may use it.
pub(crate) fn cookie_token(headers: &HeaderMap) -> Option<String> {
    if !console_request(headers) {
        return None;
    }
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_SECURE || *name == COOKIE_PLAIN)
        .map(|(_, token)| token.trim().to_owned())
        .filter(|token| !token.is_empty())
}

fn secure(state: &AppState) -> bool {
    state.public_url.starts_with("https://")
}

/// `Set-Cookie` for a session token (`max_age` seconds), or clearing it.
fn set_cookie(state: &AppState, token: Option<&str>, max_age: i64) -> Result<HeaderValue, ApiError> {
    let (name, flags) = if secure(state) { (COOKIE_SECURE, "; Secure") } else { (COOKIE_PLAIN, "") };
    let value = match token {
        Some(token) => format!("{name}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{flags}"),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{flags}"),
    };
    HeaderValue::from_str(&value).map_err(|_| ApiError::internal("a session cookie is not a header value"))
}

fn rights_of(principal: &Principal) -> Vec<&'static str> {
    let (role, scope) = (principal.role, &principal.scope);
    RIGHTS
        .into_iter()
        .filter(|right| {
            if right.is_per_factory() {
                // Roles that are not limited to factories ignore the factory.
                roles::allows(role, scope, *right, Some(""))
                    || scope.factory_ids.iter().any(|factory| roles::allows(role, scope, *right, Some(factory)))
            } else {
                roles::allows(role, scope, *right, None)
            }
        })
        .map(Right::as_str)
        .collect()
}

fn describe(state: &AppState, principal: &Principal, account: StaffAccount) -> ConsoleSession {
    ConsoleSession {
        account,
        rights: rights_of(principal),
        all_factories: matches!(principal.role, StaffRole::ProgrammeAdmin | StaffRole::Auditor),
        factory_ids: principal.scope.factory_ids.clone(),
        idle_secs: state.staff.session_idle_secs,
    }
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<StaffLoginRequest>,
) -> Result<Response, ApiError> {
    if !console_request(&headers) {
        return Err(ApiError::code(workervoice_protocol::error::HubErrorCode::Forbidden));
    }
    let signed_in = super::accounts::login(&state, request).await?;
    let token = signed_in.session_token;
    let lookup = token.clone();
    let idle = state.staff.session_idle_secs;
    let principal = state
        .db
        .run(move |connection| super::sessions::authenticate(connection, &lookup, unix_now(), idle))
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let cookie = set_cookie(&state, Some(&token), signed_in.expires_at.saturating_sub(unix_now()).max(0))?;
    let body = describe(&state, &principal, signed_in.account);
    Ok(([(SET_COOKIE, cookie)], Json(body)).into_response())
}

async fn session(State(state): State<AppState>, session: StaffSession) -> Result<Json<ConsoleSession>, ApiError> {
    let account = super::accounts::me(&state, session.principal.clone()).await?;
    Ok(Json(describe(&state, &session.principal, account)))
}

/// Ends the session if there is one, and clears the cookie either way. Like
/// the login it needs the console header, so another site cannot sign a
/// browser out.
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Result<StaffSession, ApiError>,
) -> Result<Response, ApiError> {
    if !console_request(&headers) {
        return Err(ApiError::code(workervoice_protocol::error::HubErrorCode::Forbidden));
    }
    if let Ok(session) = session {
        super::accounts::logout(&state, session.principal, session.token).await?;
    }
    let cookie = set_cookie(&state, None, 0)?;
    // The browser drops what it cached or stored for the hub's origin too.
    let clear = HeaderValue::from_static("\"cache\", \"storage\"");
    Ok((
        [(SET_COOKIE, cookie), (HeaderName::from_static("clear-site-data"), clear)],
        Json(workervoice_protocol::auth::Ok { ok: true }),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn the_cookie_counts_only_with_the_console_header() {
        assert_eq!(cookie_token(&headers(&[("cookie", "wv_staff=abc")])), None);
        assert_eq!(
            cookie_token(&headers(&[("cookie", "other=1; wv_staff=abc"), (CONSOLE_HEADER, "1")])),
            Some("abc".to_owned())
        );
    }

    #[test]
    fn a_request_the_browser_marks_cross_site_never_uses_the_cookie() {
        let request = headers(&[("cookie", "wv_staff=abc"), (CONSOLE_HEADER, "1"), ("sec-fetch-site", "cross-site")]);
        assert_eq!(cookie_token(&request), None);
    }
}
