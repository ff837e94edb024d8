//! Extractors that turn every malformed request into a protocol
//! [`ErrorBody`](workervoice_protocol::error::ErrorBody) rather than axum's
//! plain-text rejections, so a device always gets JSON it can read.
//!
//! Body size limits are set on the router, per route (`crate::limits`),
//! under the protocol's [`MAX_BODY_BYTES`](workervoice_protocol::MAX_BODY_BYTES);
//! reading a larger body fails here and is answered `payload_too_large`.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use serde::de::DeserializeOwned;
use workervoice_protocol::error::{HubError, HubErrorCode};

use crate::error::{ApiError, error_response};

/// Reads the whole body, within the router's size limit.
pub(crate) async fn read_body(request: Request) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, &()).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::code(HubErrorCode::PayloadTooLarge)
        } else {
            ApiError::bad_request()
        }
    })
}

/// Parses a JSON body; any syntax or type error is `bad_request`.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|_| ApiError::bad_request())
}

/// A JSON request body (for the unsigned and staff endpoints).
pub(crate) struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let body = read_body(request).await?;
        parse_json(&body).map(JsonBody)
    }
}

/// Path parameters; a value that does not parse is `not_found` (the
/// resource it names cannot exist).
pub(crate) struct PathParams<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| PathParams(value))
            .map_err(|_| ApiError::not_found())
    }
}

/// The value of `name` in a query string as an unsigned number: `None` when
/// absent, `bad_request` when present twice or not a number.
pub(crate) fn query_u64(query: Option<&str>, name: &str) -> Result<Option<u64>, ApiError> {
    let mut found = None;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if key == name {
            if found.is_some() {
                return Err(ApiError::bad_request());
            }
            found = Some(value.parse::<u64>().map_err(|_| ApiError::bad_request())?);
        }
    }
    Ok(found)
}

/// Answer for any path no route matches.
pub(crate) async fn unknown_route() -> Response {
    error_response(HubError::new(HubErrorCode::NotFound))
}

/// Answer for a known path with the wrong method. The protocol has no code
/// of its own for it, so it is a `bad_request` (400, not 405: every status
/// the hub sends is the one its code maps to).
pub(crate) async fn wrong_method() -> Response {
    error_response(HubError::new(HubErrorCode::BadRequest))
}
