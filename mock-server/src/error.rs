//! The one error type of the server: every failure becomes a status and an Octopus error body.

use api_model::ErrorBody;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

pub const VALIDATION_SUMMARY: &str = "There was a problem with your request.";

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody::new(message),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 400 with the summary and one line per problem.
    pub fn validation(errors: Vec<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            body: ErrorBody::with_errors(VALIDATION_SUMMARY, errors),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "You must provide a valid API key to use this API: send it in the X-Octopus-ApiKey header.",
        )
    }

    /// An internal error (500). The cause goes to the log under a reference; the answer has only
    /// the reference, never the database's own text.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
        tracing::error!("internal error {reference}: {cause}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("The server failed to handle the request (reference {reference}; the server log has the details)."),
        )
    }

    pub fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The request body is too large: the limit is {} KiB.",
                crate::BODY_LIMIT / 1024
            ),
        )
    }

    /// 503: the database work ran out of time (or no connection came free within it).
    pub fn busy() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "The server is busy: the request needed more than {} seconds of database time and was stopped. Try again, or narrow the filters.",
                crate::db::QUERY_BUDGET.as_secs()
            ),
        )
    }

    /// 409: the resource is in use; `names` lists what uses it, one per line in `Errors`.
    pub fn in_use(message: impl Into<String>, names: Vec<String>) -> Self {
        Self {
            status: StatusCode::CONFLICT,
            body: ErrorBody::with_errors(message, names),
        }
    }

    /// 412: an `If-Match` that no longer matches what is stored.
    pub fn changed_since_loaded(noun: &str) -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            format!(
                "This {noun} was changed since you loaded it (its ETag no longer matches If-Match). Load it again, then make your change."
            ),
        )
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::{ErrorCode, SQLITE_CONSTRAINT_UNIQUE};
        match e.sqlite_error() {
            Some(err) if err.code == ErrorCode::OperationInterrupted => Self::busy(),
            Some(err) if err.code == ErrorCode::DatabaseBusy => Self::busy(),
            // The rules check names before writing; this is the index catching what they missed.
            Some(err) if err.extended_code == SQLITE_CONSTRAINT_UNIQUE => {
                tracing::warn!("unique index refused a write the rules let through: {e}");
                Self::validation(vec![
                    "Name is already used by another item in this space.".into()
                ])
            }
            _ => Self::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}
