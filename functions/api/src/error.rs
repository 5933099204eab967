//! The API's errors, mapped to HTTP in exactly one place.

use afterclick_domain::ports::StoreError;
use afterclick_domain::validate::FieldError;
use afterclick_web::Problem;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("missing or malformed bearer token")]
    MissingCredentials,
    #[error("unknown API key")]
    BadCredentials,
    #[error("invalid body: {0}")]
    InvalidBody(FieldError),
    #[error("unprocessable: {0}")]
    Unprocessable(FieldError),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error(transparent)]
    Problem(Problem),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        ApiError::Problem(p)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = match self {
            ApiError::MissingCredentials => Problem::unauthorized(
                "authorization",
                "send your API key as `Authorization: Bearer <key>`",
            ),
            ApiError::BadCredentials => {
                Problem::unauthorized("authorization", "the API key is not valid")
            }
            ApiError::InvalidBody(err) => Problem::invalid_body(&err),
            ApiError::Unprocessable(err) => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "A field has an invalid value",
                format!("`{}` {}", err.field, err.detail),
            )
            .with_field(err.field),
            ApiError::NotFound(what) => {
                Problem::not_found(format!("no such {what} for this API key")).with_field("id")
            }
            ApiError::Problem(problem) => problem,
            ApiError::Store(err) => {
                tracing::error!(error = %err, "store failure");
                Problem::unavailable()
            }
        };
        problem.into_response()
    }
}
