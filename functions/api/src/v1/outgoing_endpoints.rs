//! `/v1/webhook-endpoints`: the merchant's HTTPS receivers of milestone webhooks. The
//! signing secret is shown once, at creation; listings never carry it. Another merchant's
//! endpoint ids are 404s, like ids that do not exist.

use crate::error::ApiError;
use crate::v1::AuthedMerchant;
use crate::v1::api_keys::secret_response;
use crate::{App, BODY_LIMIT, Store};
use afterclick_aws::secrets::{new_endpoint_id, new_webhook_secret};
use afterclick_domain::Milestone;
use afterclick_domain::ids::Id;
use afterclick_domain::outgoing::{
    Delivery, DeliveryState, MAX_ENDPOINTS, WebhookEndpoint, validate_url,
};
use afterclick_domain::ports::{EndpointCreation, StoreError};
use afterclick_domain::validate::{FieldError, parse_json, validate_text};
use afterclick_web::ApiPath;
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

/// How many deliveries the delivery log shows.
pub const DELIVERY_LOG: usize = 50;
/// Random ids colliding is astronomically unlikely; a couple of tries cover it.
const CREATE_ATTEMPTS: usize = 3;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateEndpoint {
    url: String,
    #[serde(default, deserialize_with = "afterclick_domain::validate::present")]
    milestones: Option<Vec<String>>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct EndpointView {
    id: String,
    url: String,
    milestones: Vec<&'static str>,
    description: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<WebhookEndpoint> for EndpointView {
    fn from(e: WebhookEndpoint) -> Self {
        Self {
            id: e.id,
            url: e.url,
            milestones: e.milestones.iter().map(|m| m.as_str()).collect(),
            description: e.description,
            created_at: e.created_at,
        }
    }
}

#[derive(Debug, Serialize)]
struct CreatedEndpoint {
    #[serde(flatten)]
    endpoint: EndpointView,
    /// `whsec_...`: shown this once.
    secret: String,
}

#[derive(Debug, Serialize)]
pub struct EndpointList {
    endpoints: Vec<EndpointView>,
}

#[derive(Debug, Serialize)]
struct DeliveryView {
    webhook_id: String,
    event_type: String,
    tracking_number: String,
    moment: String,
    state: DeliveryState,
    attempts: u32,
    last_status: Option<u16>,
    last_error: Option<String>,
    next_attempt_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        // A claimed attempt's lease expiry is when the sweeper would try again.
        let next_attempt_at = match d.state {
            DeliveryState::Sending => d.lease_until,
            _ => d.next_attempt_at,
        };
        Self {
            webhook_id: d.webhook_id,
            event_type: d.event_type,
            tracking_number: d.tracking_number,
            moment: d.moment,
            state: d.state,
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            next_attempt_at,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

#[derive(Debug, Serialize)]
struct DeliveryList {
    deliveries: Vec<DeliveryView>,
}

fn milestones(requested: Option<Vec<String>>) -> Result<Vec<Milestone>, FieldError> {
    let Some(names) = requested else {
        return Ok(Milestone::ALL.to_vec());
    };
    if names.is_empty() {
        return Err(FieldError::new(
            "milestones",
            "must name at least one milestone (leave it out for all)",
        ));
    }
    let mut chosen = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let milestone = Milestone::parse(name).ok_or_else(|| {
            let all: Vec<&str> = Milestone::ALL.iter().map(|m| m.as_str()).collect();
            FieldError::new(
                format!("milestones[{i}]"),
                format!("is not a milestone (one of {})", all.join(", ")),
            )
        })?;
        if !chosen.contains(&milestone) {
            chosen.push(milestone);
        }
    }
    chosen.sort();
    Ok(chosen)
}

pub(crate) async fn owned<S: Store, V>(
    app: &App<S, V>,
    merchant_id: &str,
    id: &str,
) -> Result<WebhookEndpoint, ApiError> {
    let found = match Id::parse(id) {
        Some(id) => app.store.endpoint(merchant_id, &id).await?,
        None => None,
    };
    found.ok_or(ApiError::NotFound("webhook endpoint"))
}

pub async fn create<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    AuthedMerchant(merchant_id): AuthedMerchant,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|r| Problem::from_body_rejection(&r, BODY_LIMIT))?;
    require_json(&headers)?;
    let input: CreateEndpoint = parse_json(&body).map_err(ApiError::InvalidBody)?;
    let url = input.url.trim().to_owned();
    validate_url("url", &url, app.allow_local_webhook_urls).map_err(ApiError::Unprocessable)?;
    let milestones = milestones(input.milestones).map_err(ApiError::Unprocessable)?;
    let description = input
        .description
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    if let Some(d) = &description {
        validate_text("description", d, 200).map_err(ApiError::Unprocessable)?;
    }
    for _ in 0..CREATE_ATTEMPTS {
        // Shown once, stored sealed.
        let secret = new_webhook_secret();
        let endpoint = WebhookEndpoint {
            id: new_endpoint_id(),
            merchant_id: merchant_id.clone(),
            url: url.clone(),
            milestones: milestones.clone(),
            description: description.clone(),
            secret: app.store.seal(&merchant_id, &secret).await?,
            previous_secret: None,
            created_at: (app.clock)(),
        };
        match app.store.create_endpoint(&endpoint, MAX_ENDPOINTS).await {
            Ok(EndpointCreation::Created) => {
                tracing::info!(%merchant_id, endpoint_id = %endpoint.id, "webhook endpoint created");
                let body = CreatedEndpoint {
                    endpoint: endpoint.into(),
                    secret,
                };
                return Ok(secret_response(StatusCode::CREATED, Json(body)));
            }
            Ok(EndpointCreation::LimitReached) => {
                return Err(ApiError::Problem(
                    Problem::new(
                        StatusCode::CONFLICT,
                        "webhook-endpoint-limit",
                        "Too many webhook endpoints",
                        format!(
                            "a merchant may have at most {MAX_ENDPOINTS} webhook endpoints; delete one first"
                        ),
                    )
                    .with_field("url"),
                ));
            }
            Err(StoreError::Conflict) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Err(StoreError::Conflict.into())
}

pub async fn list<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Json<EndpointList>, ApiError> {
    let endpoints = app.store.endpoints(&merchant_id).await?;
    Ok(Json(EndpointList {
        endpoints: endpoints.into_iter().map(EndpointView::from).collect(),
    }))
}

pub async fn get<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(id): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Json<EndpointView>, ApiError> {
    Ok(Json(owned(&app, &merchant_id, &id).await?.into()))
}

/// Pending deliveries to a deleted endpoint are cancelled when they come up: nothing more
/// is sent to it.
pub async fn delete<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(id): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    let deleted = match Id::parse(&id) {
        Some(id) => app.store.delete_endpoint(&merchant_id, &id).await?,
        None => false,
    };
    if !deleted {
        return Err(ApiError::NotFound("webhook endpoint"));
    }
    tracing::info!(%merchant_id, endpoint_id = %id, "webhook endpoint deleted");
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn deliveries<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(id): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    let endpoint = owned(&app, &merchant_id, &id).await?;
    let deliveries = app
        .store
        .endpoint_deliveries(&merchant_id, &endpoint.id, DELIVERY_LOG)
        .await?;
    Ok(Json(DeliveryList {
        deliveries: deliveries.into_iter().map(DeliveryView::from).collect(),
    })
    .into_response())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::v1::api_keys::tests::{api, now, two_merchants};
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    #[tokio::test]
    async fn milestones_may_be_left_out_but_not_null() {
        let (store, a, _) = two_merchants().await;
        let api = api(&store, now);
        let post = |body: &'static str| {
            Request::builder()
                .method("POST")
                .uri("/v1/webhook-endpoints")
                .header("authorization", format!("Bearer {a}"))
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap()
        };
        let null = r#"{"url": "https://hooks.example.com/in", "milestones": null}"#;
        let response = api.clone().oneshot(post(null)).await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let left_out = r#"{"url": "https://hooks.example.com/in"}"#;
        let response = api.clone().oneshot(post(left_out)).await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
}
