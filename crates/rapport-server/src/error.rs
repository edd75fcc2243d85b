//! One error type for the API: every failure answers `{"error": {"code", "message"}}` with
//! the status it means. Internal detail is logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rapport_core::Error;

/// An API failure.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// Unknown, and another workspace's, ids answer exactly this.
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such {what}"),
        )
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sign in, or send an API token as Authorization: Bearer",
        )
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("{field}: {}", message.into()),
        )
    }

    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        eprintln!("rapport: internal error: {detail}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side; it has been logged",
        )
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        match e {
            Error::Invalid(i) => ApiError::invalid(i.field, i.message),
            // The core's not-found messages name what was looked for, never another
            // workspace's data: the same answer as for an unknown id.
            Error::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, "not_found", m),
            Error::Ambiguous { .. } => {
                ApiError::new(StatusCode::CONFLICT, "ambiguous", e.to_string())
            }
            Error::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            // Send `"anyway": true` to record it all the same.
            Error::DayFull(full) => {
                ApiError::new(StatusCode::CONFLICT, "day_full", full.to_string())
            }
            Error::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m),
            Error::Busy => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", e.to_string()),
            other => ApiError::internal(other),
        }
    }
}

impl From<rapport_core::Invalid> for ApiError {
    fn from(i: rapport_core::Invalid) -> ApiError {
        ApiError::invalid(i.field, i.message)
    }
}

impl From<rapport_core::StoreError> for ApiError {
    fn from(e: rapport_core::StoreError) -> ApiError {
        Error::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": {"code": self.code, "message": self.message}});
        let mut res = (self.status, Json(body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            // Busy (a long import holds the database, or every hashing slot is taken).
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        res
    }
}

/// The result of an API handler.
pub type ApiResult<T> = Result<T, ApiError>;
