//! Path parameters of the public pages: one that cannot be decoded (`/t/%FF`) names no
//! shipment or shop, so it gets the same friendly 404 page as an unknown link, in the
//! browser's language, never axum's `text/plain` 400 or a JSON problem.

use super::{Asked, not_found};
use afterclick_web::Problem;
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// `Path<T>` for the HTML pages under `/t`, `/u` and `/lookup`.
#[derive(Debug, Clone)]
pub struct PagePath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PagePath<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => {
                let problem = Problem::from_path_rejection(&rejection);
                if problem.status != StatusCode::NOT_FOUND.as_u16() {
                    return Err(problem.into_response());
                }
                let asked = Asked::from(parts.uri.query(), &parts.headers);
                Err(not_found(&asked).into_response())
            }
        }
    }
}
