//! Carrier and aggregator webhooks: `POST /webhooks/{provider}/{merchant_id}`; store
//! platforms' at the same place (`stores`).
//!
//! Order of checks: known provider and merchant (404), body size (413), authenticity on the
//! raw bytes (401), then parsing (400). Nothing is stored unless every check passed; each
//! carrier event is then stored once, however often it is delivered.

mod error;
mod stores;

pub use error::WebhookError;

use afterclick_domain::platforms::Platform;
use afterclick_domain::ports::{
    EventStore, FetchStore, MerchantStore, OrderStore, SecretBox, ShipmentAdmin, ShipmentStore,
};
use afterclick_domain::providers::{self, Provider, auth};
use afterclick_web::ApiPath;
use afterclick_web::{Problem, require_json};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Arc;

/// Providers send whole histories; 256 KiB holds hundreds of events.
pub const BODY_LIMIT: usize = 256 * 1024;

pub struct Webhooks<S> {
    pub store: S,
    pub clock: fn() -> DateTime<Utc>,
}

impl<S> Webhooks<S> {
    pub fn new(store: S) -> Self {
        Self {
            store,
            clock: Utc::now,
        }
    }
}

/// Orders and shipments too: store platforms register shipments.
pub trait Store:
    MerchantStore
    + EventStore
    + SecretBox
    + OrderStore
    + ShipmentStore
    + ShipmentAdmin
    + FetchStore
    + 'static
{
}
impl<T> Store for T where
    T: MerchantStore
        + EventStore
        + SecretBox
        + OrderStore
        + ShipmentStore
        + ShipmentAdmin
        + FetchStore
        + 'static
{
}

/// The Lambda function's whole Router: its routes plus problem+json fallbacks.
pub fn router<S: Store>(webhooks: Webhooks<S>) -> Router {
    afterclick_web::with_fallbacks(routes(webhooks))
}

/// The routes alone, for composing with other Routers (the devstack serves both HTTP
/// functions on one port, as API Gateway does).
pub fn routes<S: Store>(webhooks: Webhooks<S>) -> Router {
    Router::new()
        .route("/webhooks/{provider}/{merchant_id}", post(receive::<S>))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(Arc::new(webhooks))
}

#[derive(Debug, Serialize)]
pub struct Receipt {
    pub tracking_number: String,
    /// Events in this delivery.
    pub received: usize,
    /// Events stored for the first time.
    pub stored: usize,
    /// Events already known (re-sent histories, repeated deliveries).
    pub duplicates: usize,
    /// Known events whose estimated delivery date changed.
    pub estimates_updated: usize,
    /// The oldest scans of a delivery longer than the per-delivery cap, left out.
    pub dropped: usize,
}

/// The `token` query parameter (Shippo's URL-token authentication).
fn token(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .filter(|t| !t.is_empty())
}

#[tracing::instrument(skip_all, fields(provider = %provider, merchant_id = %merchant_id))]
async fn receive<S: Store>(
    State(hooks): State<Arc<Webhooks<S>>>,
    ApiPath((provider, merchant_id)): ApiPath<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebhookError> {
    let platform = Platform::parse(&provider);
    let provider = match platform {
        Some(_) => None,
        None => Some(Provider::parse(&provider).ok_or(WebhookError::UnknownProvider)?),
    };
    let merchant = match afterclick_domain::ids::Id::parse(&merchant_id) {
        Some(id) => hooks.store.merchant(&id).await?,
        None => None,
    };
    let merchant = merchant.ok_or(WebhookError::UnknownMerchant)?;
    let body = body.map_err(|r| Problem::from_body_rejection(&r, BODY_LIMIT))?;
    let (Some(provider), None) = (provider, platform) else {
        let platform = platform.ok_or(WebhookError::UnknownProvider)?;
        return stores::receive(&hooks, platform, merchant, &headers, &body).await;
    };
    let now = (hooks.clock)();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let delivery = auth::Delivery {
        header: &header,
        token: token(query.as_deref()),
        body: &body,
    };
    // Stored sealed: opened only here, to check the signature.
    let secrets = hooks
        .store
        .open_all(
            &merchant.merchant_id,
            merchant.secrets_for(provider.as_str()),
        )
        .await?;
    auth::verify(provider, &secrets, &delivery, now)?;
    require_json(&headers)?;
    let parsed = providers::parse(provider, &body).map_err(WebhookError::InvalidBody)?;
    for code in &parsed.unknown_codes {
        tracing::warn!(code = %code, "unknown provider status code; stored as unknown_code");
    }

    // The delivery's own estimate belongs to its newest scan (it is today's estimate).
    // An implausible estimate is no estimate: never stored, never announced.
    let plausible = afterclick_domain::rules::plausible_estimate;
    let mut events = parsed.events.clone();
    for event in &mut events {
        event.estimated_delivery = event
            .estimated_delivery
            .filter(|&date| plausible(date, event.occurred_at));
    }
    events.sort_by_key(|e| std::cmp::Reverse(e.occurred_at));
    if let Some(newest) = events.first_mut()
        && newest.estimated_delivery.is_none()
    {
        newest.estimated_delivery = parsed
            .estimated_delivery
            .filter(|&date| plausible(date, newest.occurred_at));
    }
    // All new scans at once: the stream never evaluates a partial history (see
    // `plan_writes`), so a delivery's outcome always counts its whole journey.
    let recorded = hooks
        .store
        .record_events(&merchant.merchant_id, &parsed.tracking_number, &events, now)
        .await?;
    let mut estimates = 0;
    for event in recorded.known.iter().map(|&i| &events[i]) {
        if let Some(date) = event.estimated_delivery
            && hooks
                .store
                .update_estimate(&merchant.merchant_id, &parsed.tracking_number, event, date)
                .await?
        {
            // A known scan with a new estimate: the carrier moved the date without moving the
            // parcel. The update re-evaluates the shipment (delays against the promise).
            estimates += 1;
        }
    }
    let receipt = Receipt {
        received: parsed.events.len() + parsed.dropped,
        stored: recorded.stored,
        duplicates: recorded.duplicates(),
        estimates_updated: estimates,
        dropped: parsed.dropped,
        tracking_number: parsed.tracking_number,
    };
    if receipt.dropped > 0 {
        tracing::warn!(
            dropped = receipt.dropped,
            "scans left out: the delivery is over the per-delivery cap"
        );
    }
    tracing::info!(
        tracking_number = %receipt.tracking_number,
        received = receipt.received,
        stored = receipt.stored,
        "webhook accepted"
    );
    Ok((StatusCode::ACCEPTED, Json(receipt)).into_response())
}
