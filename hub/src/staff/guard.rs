//! The gate in front of every staff route: who is asking (a staff session,
//! or the admin token for bootstrap only), which right the route needs
//! ([`roles::right_for`]), which factory the request is about (named in the
//! path, or through a device), and the one decision ([`roles::allows`]).
//! The handlers behind it only read the [`StaffActor`] it leaves in the
//! request, to write the audit log and filter lists.

use crate::db::sql::OptionalExtension;
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use workervoice_protocol::error::HubErrorCode;

use super::audit::ActorId;
use super::roles::{self, Right};
use super::sessions::{self, Principal};
use crate::clock::unix_now;
use crate::error::ApiError;
use crate::keys::tokens_match;
use crate::state::AppState;

/// Who is acting on a staff route, as the gate established it.
#[derive(Debug, Clone)]
pub(crate) struct StaffActor {
    /// For the audit log.
    pub(crate) actor: ActorId,
    /// The staff account (absent for the admin token).
    pub(crate) principal: Option<Principal>,
}

impl StaffActor {
    /// Whether this actor sees `factory_id` in lists.
    pub(crate) fn sees_factory(&self, factory_id: &str) -> bool {
        self.principal.as_ref().is_some_and(|p| roles::sees_factory(p.role, &p.scope, factory_id))
    }
}

/// The session token of a request, if any: its bearer token, or else the
/// console's session cookie when the request may use it
/// ([`super::console::cookie_token`]: the console header, not cross-site).
pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned())
        .or_else(|| super::console::cookie_token(headers))
}

fn forbidden() -> ApiError {
    ApiError::code(HubErrorCode::Forbidden)
}

/// Middleware on every `/admin/v1` route: authenticates, then allows the
/// request only if the role holds the route's right within its scope.
/// No token or an unknown or ended session: `unauthorized`; a valid one
/// without the right: `forbidden`.
pub(crate) async fn require_staff(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let token = bearer(request.headers()).ok_or_else(ApiError::unauthorized)?;
    let method = request.method().as_str().to_owned();
    let template = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned());
    let Some(right) = template.as_deref().and_then(|template| roles::right_for(&method, template)) else {
        tracing::error!(%method, route = template.as_deref().unwrap_or("<unmatched>"), "a staff route has no right");
        return Err(forbidden());
    };
    let (mut parts, body) = request.into_parts();
    if tokens_match(&token, &state.admin_token) {
        // The bootstrap handler itself refuses once a programme admin exists.
        if right != Right::Bootstrap {
            return Err(forbidden());
        }
        parts.extensions.insert(StaffActor { actor: ActorId::AdminToken, principal: None });
        return Ok(next.run(Request::from_parts(parts, body)).await);
    }
    let path_params: Vec<(String, String)> = RawPathParams::from_request_parts(&mut parts, &state)
        .await
        .map(|params| params.iter().map(|(key, value)| (key.to_owned(), value.to_owned())).collect())
        .unwrap_or_default();
    let idle = state.staff.session_idle_secs;
    let now = unix_now();
    let lookup = token.clone();
    let decision = state
        .db
        .read(move |connection| {
            let (principal, due) =
                sessions::check(connection, &lookup, now, idle)?.ok_or_else(ApiError::unauthorized)?;
            let factory = if right.is_per_factory() { factory_of(connection, &path_params)? } else { None };
            if !roles::allows(principal.role, &principal.scope, right, factory.as_deref()) {
                return Err(forbidden());
            }
            Ok((principal, due))
        })
        .await;
    let (principal, due) = decision?;
    if due {
        state.db.run(move |connection| sessions::touch(connection, &token, now)).await?;
    }
    parts
        .extensions
        .insert(StaffActor { actor: ActorId::Staff(principal.account_id.clone()), principal: Some(principal) });
    Ok(next.run(Request::from_parts(parts, body)).await)
}

/// The factory a request is about: `{factory_id}` in the path, or the
/// factory of `{device_id}`.
fn factory_of(
    connection: &crate::db::sql::Connection,
    params: &[(String, String)],
) -> Result<Option<String>, ApiError> {
    let find = |name: &str| params.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    if let Some(factory_id) = find("factory_id") {
        return Ok(Some(factory_id.to_owned()));
    }
    if let Some(device_id) = find("device_id") {
        return Ok(connection
            .query_row("SELECT factory_id FROM devices WHERE id = ?1", [device_id], |row| row.get(0))
            .optional()?);
    }
    Ok(None)
}

/// A signed-in staff member on `/staff/v1` routes: the session's principal
/// and its token (for logout). No or a dead session is `unauthorized`.
pub(crate) struct StaffSession {
    pub(crate) principal: Principal,
    pub(crate) token: String,
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or_else(ApiError::unauthorized)?;
        let principal = sessions::authenticate_request(state, token.clone(), unix_now())
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        Ok(Self { principal, token })
    }
}
