//! `/v1/settings/ga4`: the merchant's Google Analytics 4 property, which the page analytics
//! are forwarded to (`afterclick_domain::ga4`; off until linked). `PUT` links it with the
//! property's measurement id and a Measurement Protocol API secret (sealed at rest, never
//! shown again), `GET` says which property is linked, `DELETE` unlinks it.

use crate::error::ApiError;
use crate::v1::AuthedMerchant;
use crate::{App, BODY_LIMIT, Store};
use afterclick_domain::ga4::{Ga4Link, check_api_secret, parse_measurement_id};
use afterclick_domain::validate::parse_json;
use afterclick_web::{Problem, require_json};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkRequest {
    measurement_id: String,
    api_secret: String,
}

#[derive(Debug, Serialize)]
struct LinkView<'a> {
    measurement_id: &'a str,
    linked_at: DateTime<Utc>,
}

fn view(link: &Ga4Link) -> Response {
    Json(LinkView {
        measurement_id: &link.measurement_id,
        linked_at: link.linked_at,
    })
    .into_response()
}

fn not_linked() -> ApiError {
    ApiError::Problem(Problem::new(
        StatusCode::NOT_FOUND,
        "not-linked",
        "No GA4 property is linked",
        "page analytics are not forwarded; PUT a measurement id and API secret to link one",
    ))
}

pub async fn get<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    let merchant = app
        .store
        .merchant(&merchant_id)
        .await?
        .ok_or(ApiError::NotFound("merchant"))?;
    merchant.ga4.as_ref().map(view).ok_or_else(not_linked)
}

pub async fn put<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    headers: HeaderMap,
    AuthedMerchant(merchant_id): AuthedMerchant,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|r| Problem::from_body_rejection(&r, BODY_LIMIT))?;
    require_json(&headers)?;
    let request: LinkRequest = parse_json(&body).map_err(ApiError::InvalidBody)?;
    let link = link(
        &app,
        &merchant_id,
        &request.measurement_id,
        &request.api_secret,
    )
    .await?;
    Ok(view(&link))
}

/// Checks and seals the property's credentials and links it; the dashboard's form does the same.
pub(crate) async fn link<S: Store, V>(
    app: &App<S, V>,
    merchant_id: &str,
    measurement_id: &str,
    api_secret: &str,
) -> Result<Ga4Link, ApiError> {
    let measurement_id = parse_measurement_id(measurement_id).map_err(ApiError::Unprocessable)?;
    check_api_secret(api_secret).map_err(ApiError::Unprocessable)?;
    let link = Ga4Link {
        measurement_id,
        api_secret: app.store.seal(merchant_id, api_secret).await?,
        linked_at: (app.clock)(),
    };
    if !app.store.set_ga4(merchant_id, Some(&link)).await? {
        return Err(ApiError::NotFound("merchant"));
    }
    tracing::info!(merchant_id = %merchant_id, "GA4 property linked");
    Ok(link)
}

pub async fn delete<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    if !app.store.set_ga4(&merchant_id, None).await? {
        return Err(ApiError::NotFound("merchant"));
    }
    tracing::info!(merchant_id = %merchant_id, "GA4 property unlinked");
    Ok(StatusCode::NO_CONTENT.into_response())
}
