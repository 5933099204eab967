//! `GET /v1/openapi.json`: the API's OpenAPI 3.1 document, compiled into the binary so the
//! contract served is the contract the tests checked.

use axum::http::header;
use axum::response::IntoResponse;

pub const DOCUMENT: &str = include_str!("../../openapi.json");

pub async fn document() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        DOCUMENT,
    )
}

#[cfg(test)]
mod tests;
