//! The one error type handlers return, and its mapping to the protocol's
//! [`ErrorBody`] with the HTTP status of [`HubErrorCode::http_status`].
//!
//! A refusal carries only a stable code (and, for a wrong PIN, the attempts
//! left): nothing the worker typed is ever echoed. Internal failures are
//! logged with their cause — which never includes request data, since SQL
//! only ever sees it as bound parameters — and answered with a bare
//! `internal` code.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use workervoice_protocol::error::{ErrorBody, HubError, HubErrorCode};

/// How long a device is asked to wait when the hub's storage is full.
pub(crate) const STORAGE_FULL_RETRY_SECS: u32 = 300;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    /// The request was refused for a reason the caller can act on.
    #[error("request refused: {:?}", .0.code)]
    Refused(HubError),
    /// The database failed.
    #[error("storage failed: {0}")]
    Storage(#[from] crate::db::sql::Error),
    /// Anything else on the hub's side (a failed task, a failed RNG).
    #[error("internal failure: {0}")]
    Internal(String),
}

impl ApiError {
    /// The same error once more, for work that runs again after a
    /// serialization conflict (a storage failure keeps only its message).
    pub(crate) fn again(&self) -> Self {
        match self {
            Self::Refused(refusal) => Self::Refused(refusal.clone()),
            Self::Storage(error) => Self::Internal(error.to_string()),
            Self::Internal(what) => Self::Internal(what.clone()),
        }
    }

    /// A refusal with only a code.
    pub(crate) fn code(code: HubErrorCode) -> Self {
        Self::Refused(HubError::new(code))
    }

    pub(crate) fn bad_request() -> Self {
        Self::code(HubErrorCode::BadRequest)
    }

    pub(crate) fn unauthorized() -> Self {
        Self::code(HubErrorCode::Unauthorized)
    }

    pub(crate) fn not_found() -> Self {
        Self::code(HubErrorCode::NotFound)
    }

    /// A wrong PIN, saying how many attempts remain before the lock.
    pub(crate) fn wrong_pin(attempts_left: u32) -> Self {
        Self::Refused(HubError {
            code: HubErrorCode::WrongPin,
            attempts_left: Some(attempts_left),
            retry_after_secs: None,
        })
    }

    pub(crate) fn internal(what: impl Into<String>) -> Self {
        Self::Internal(what.into())
    }

    /// The hub's storage is full (or over a configured limit): nothing of
    /// the request was kept; the device keeps its item and sends it again
    /// later, as for any `rate_limited` answer (ADR 0014).
    pub(crate) fn storage_full() -> Self {
        Self::Refused(HubError {
            code: HubErrorCode::RateLimited,
            attempts_left: None,
            retry_after_secs: Some(STORAGE_FULL_RETRY_SECS),
        })
    }
}

impl From<ring::error::Unspecified> for ApiError {
    fn from(_: ring::error::Unspecified) -> Self {
        Self::internal("cryptographic operation failed")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = match self {
            Self::Refused(error) => error,
            Self::Storage(cause) if cause.is_disk_full() => {
                tracing::error!(%cause, "storage full: refusing writes until there is room");
                return Self::storage_full().into_response();
            }
            Self::Storage(cause) => {
                tracing::error!(%cause, "storage failure");
                HubError::new(HubErrorCode::Internal)
            }
            Self::Internal(cause) => {
                tracing::error!(%cause, "internal failure");
                HubError::new(HubErrorCode::Internal)
            }
        };
        error_response(error)
    }
}

/// The protocol error body with its HTTP status.
pub(crate) fn error_response(error: HubError) -> Response {
    let status = StatusCode::from_u16(error.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(ErrorBody { error })).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_pin_answers_400_with_attempts_left() {
        let response = ApiError::wrong_pin(3).into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn internal_failures_hide_their_cause() {
        let response = ApiError::internal("disk on fire").into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
