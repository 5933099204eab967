//! Carrier and aggregator webhooks: `POST /webhooks/{provider}/{merchant_id}`.
//!
//! Order of checks: known provider and merchant (404), body size (413), authenticity on the
//! raw bytes (401), then parsing (400). Nothing is stored unless every check passed; each
//! carrier event is then stored once, however often it is delivered.

mod error;

pub use error::WebhookError;

use afterclick_domain::generic;
use afterclick_domain::ports::{EventStore, MerchantStore};
use afterclick_domain::signature::{self, SignedHeaders};
use afterclick_web::{Problem, require_json};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Arc;

/// Providers send whole histories; 256 KiB holds hundreds of events.
pub const BODY_LIMIT: usize = 256 * 1024;

pub const PROVIDERS: &[&str] = &[generic::PROVIDER];

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

pub trait Store: MerchantStore + EventStore + 'static {}
impl<T: MerchantStore + EventStore + 'static> Store for T {}

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
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[tracing::instrument(skip_all, fields(provider = %provider, merchant_id = %merchant_id))]
async fn receive<S: Store>(
    State(hooks): State<Arc<Webhooks<S>>>,
    Path((provider, merchant_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebhookError> {
    if !PROVIDERS.contains(&provider.as_str()) {
        return Err(WebhookError::UnknownProvider);
    }
    let merchant = if merchant_id.len() <= 64 {
        hooks.store.merchant(&merchant_id).await?
    } else {
        None
    };
    let merchant = merchant.ok_or(WebhookError::UnknownMerchant)?;
    let body = body.map_err(|r| Problem::from_body_rejection(&r, BODY_LIMIT))?;
    let now = (hooks.clock)();
    let signed = SignedHeaders {
        id: header(&headers, "webhook-id"),
        timestamp: header(&headers, "webhook-timestamp"),
        signature: header(&headers, "webhook-signature"),
    };
    signature::verify(merchant.secrets_for(&provider), signed, &body, now)?;
    require_json(&headers)?;
    let parsed = generic::parse(&body).map_err(WebhookError::InvalidBody)?;

    let mut stored = 0;
    for event in &parsed.events {
        if hooks
            .store
            .record_event(&merchant.merchant_id, &parsed.tracking_number, event, now)
            .await?
        {
            stored += 1;
        }
    }
    let receipt = Receipt {
        received: parsed.events.len(),
        stored,
        duplicates: parsed.events.len() - stored,
        tracking_number: parsed.tracking_number,
    };
    tracing::info!(
        tracking_number = %receipt.tracking_number,
        received = receipt.received,
        stored = receipt.stored,
        "webhook accepted"
    );
    Ok((StatusCode::ACCEPTED, Json(receipt)).into_response())
}
