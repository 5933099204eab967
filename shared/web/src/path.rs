//! Path parameters whose rejections are problems. axum's own `Path` answers a parameter it
//! cannot decode (`/v1/shipments/%FF`: invalid UTF-8) with a `text/plain` 400; a path
//! parameter names a resource, and one that cannot even be decoded names none, so it is a
//! `404` problem like any other unknown id.

use crate::Problem;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// `Path<T>` for the JSON API: a parameter that cannot be decoded is a `404` problem naming it.
#[derive(Debug, Clone, Copy)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(Problem::from_path_rejection(&rejection)),
        }
    }
}

impl Problem {
    /// What a path rejection means: an undecodable parameter is an unknown resource (404,
    /// naming the parameter); anything else is a route declared wrongly (a bug: 500, logged).
    pub fn from_path_rejection(rejection: &PathRejection) -> Self {
        if rejection.status().is_client_error() {
            let problem = Self::not_found("no such resource: a path parameter is not valid");
            return match parameter(rejection) {
                Some(key) => problem.with_field(key),
                None => problem,
            };
        }
        tracing::error!(rejection = %rejection, "path parameters do not match the route");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the request could not be handled",
        )
    }
}

fn parameter(rejection: &PathRejection) -> Option<&str> {
    use axum::extract::path::ErrorKind;
    let PathRejection::FailedToDeserializePathParams(failed) = rejection else {
        return None;
    };
    match failed.kind() {
        ErrorKind::InvalidUtf8InPathParam { key }
        | ErrorKind::ParseErrorAtKey { key, .. }
        | ErrorKind::DeserializeError { key, .. } => Some(key),
        _ => None,
    }
}
