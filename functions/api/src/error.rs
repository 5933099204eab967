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
    /// A bug: work off the async runtime panicked.
    #[error("internal: {0}")]
    Internal(&'static str),
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
            // Conditional writes kept losing to concurrent changes of the same item: a state
            // the client resolves by retrying, not an outage.
            ApiError::Store(StoreError::Conflict) => Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                "Conflict",
                "the resource kept changing while this request was applied; nothing was saved, \
                 retry",
            ),
            ApiError::Store(err) => {
                tracing::error!(error = %err, "store failure");
                Problem::unavailable()
            }
            ApiError::Internal(what) => {
                tracing::error!(what, "internal error");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    "the request could not be completed; nothing was saved",
                )
            }
        };
        problem.into_response()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn store_errors_map_to_problems() {
        let cases = [
            (StoreError::Conflict, 409, "/problems/conflict"),
            (
                StoreError::Unavailable("x".into()),
                503,
                "/problems/unavailable",
            ),
            (
                StoreError::Corrupt("x".into()),
                503,
                "/problems/unavailable",
            ),
        ];
        for (err, status, kind) in cases {
            let response = ApiError::Store(err).into_response();
            assert_eq!(response.status().as_u16(), status);
            assert_eq!(
                response.headers()[axum::http::header::CONTENT_TYPE],
                afterclick_web::PROBLEM_JSON
            );
            let body = response.into_body().collect().await.unwrap().to_bytes();
            let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(body["type"], kind);
            assert_eq!(body["status"], status);
        }
    }
}
