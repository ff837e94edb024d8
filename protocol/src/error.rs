//! The error body every hub endpoint returns with a non-2xx status.
//!
//! Codes are stable strings (`snake_case`) so that an older app can still
//! recognise them; the device maps each to its own localized message. The body
//! never carries free text that could echo a worker's input.

use serde::{Deserialize, Serialize};

/// Stable machine-readable reason for a refused request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HubErrorCode {
    /// The body does not parse or a field is out of range.
    BadRequest,
    /// Missing or invalid signature, unknown device, or bad staff token.
    Unauthorized,
    /// The (device, nonce) pair was already used.
    Replayed,
    /// The request's timestamp is too far from the hub's clock.
    ClockSkew,
    /// The enrolment code is unknown, used, expired, or for the other device mode.
    EnrolmentCodeInvalid,
    /// The device was retired or wiped by the hub.
    DeviceRetired,
    /// The PIN proof did not verify; `attempts_left` says how many remain.
    WrongPin,
    /// Too many wrong PINs: staff must unlock the worker.
    PinLocked,
    /// The activation code is unknown, used, or belongs to another worker.
    ActivationInvalid,
    /// The programme does not allow self-registration at this factory, or the join code is wrong.
    SelfRegistrationDisabled,
    /// A worker with that number already exists at this factory.
    WorkerExists,
    /// Another submission already uses this case id (a collision of ids chosen offline).
    CaseIdTaken,
    /// The submission names a directory version, route or handler the hub does not know.
    UnknownRecipient,
    /// The body is larger than the endpoint accepts.
    PayloadTooLarge,
    /// No such resource.
    NotFound,
    /// The hub is overloaded or throttling; retry after `retry_after_secs`.
    RateLimited,
    /// The worker already has this survey's one token, or the token was already used.
    AlreadyAnswered,
    /// The survey is not open to this worker now (dates or target).
    SurveyNotOpen,
    /// A survey token that the survey's key did not issue.
    TokenInvalid,
    /// A staff account asked for something outside its role or its factories.
    Forbidden,
    /// A signature uploaded for a proposal does not verify under the
    /// programme's public key (staff API; the proposal stays pending).
    BadSignature,
    /// Anything else on the hub's side; retryable.
    Internal,
}

impl HubErrorCode {
    /// The HTTP status the hub answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            Self::BadRequest | Self::WrongPin | Self::ActivationInvalid | Self::BadSignature => 400,
            Self::Unauthorized | Self::Replayed | Self::ClockSkew => 401,
            Self::EnrolmentCodeInvalid | Self::SelfRegistrationDisabled => 403,
            Self::DeviceRetired => 410,
            Self::PinLocked => 423,
            Self::WorkerExists | Self::CaseIdTaken | Self::AlreadyAnswered => 409,
            Self::SurveyNotOpen | Self::TokenInvalid | Self::Forbidden => 403,
            Self::UnknownRecipient => 422,
            Self::PayloadTooLarge => 413,
            Self::NotFound => 404,
            Self::RateLimited => 429,
            Self::Internal => 500,
        }
    }

    /// Whether a device should retry the same request later (as opposed to
    /// reporting the refusal to the worker).
    pub fn is_transient(self) -> bool {
        matches!(self, Self::RateLimited | Self::Internal | Self::ClockSkew)
    }
}

/// The JSON body of an error reply: `{"error": {"code": "...", ...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// The error itself.
    pub error: HubError,
}

/// A refused request, as the hub describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HubError {
    /// Stable reason.
    pub code: HubErrorCode,
    /// For [`HubErrorCode::WrongPin`]: wrong PINs left before the worker is locked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// For [`HubErrorCode::RateLimited`]: seconds to wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u32>,
}

impl HubError {
    /// An error with only a code.
    pub fn new(code: HubErrorCode) -> Self {
        Self { code, attempts_left: None, retry_after_secs: None }
    }
}
