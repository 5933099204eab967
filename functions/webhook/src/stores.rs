//! Store-platform webhooks: `POST /webhooks/{shopify|woocommerce|bigcommerce}/{merchant_id}`.
//!
//! Order of checks: known merchant (404), a connection to that platform (401), body size
//! (413), WooCommerce's unsigned creation ping (200, nothing stored), authenticity on the raw
//! bytes (401), the shop the delivery is for (401), a delivery already handled (200), the
//! body (400). Unknown topics are answered 200 and ignored: a platform disables hooks that
//! keep failing.

use crate::{Store, WebhookError, Webhooks};
use afterclick_app::store_orders::{self, Ingested};
use afterclick_aws::secrets::Entropy;
use afterclick_domain::Merchant;
use afterclick_domain::model::Integration;
use afterclick_domain::platforms::fetch::FetchJob;
use afterclick_domain::platforms::{self, Inbound, Platform, woocommerce};
use afterclick_domain::providers::auth::AuthError;
use afterclick_domain::validate::FieldError;
use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
enum Receipt {
    /// The order update was applied.
    Applied(Ingested),
    /// Handled before (a retry or a duplicate): nothing changed.
    Duplicate,
    /// A topic afterclick does not act on.
    Ignored { topic: String },
    /// WooCommerce's ping when the webhook is created.
    Ping,
    /// BigCommerce: the shipment will be fetched from the store's API.
    Queued,
}

pub(crate) async fn receive<S: Store>(
    hooks: &Webhooks<S>,
    platform: Platform,
    merchant: Merchant,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, WebhookError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let integration = merchant
        .integrations
        .get(platform.as_str())
        .ok_or(WebhookError::Auth(AuthError::NotConfigured(
            platform.as_str(),
        )))?;
    if platform == Platform::WooCommerce && woocommerce::is_ping(body) {
        tracing::info!("woocommerce webhook created (ping)");
        return Ok(answer(StatusCode::OK, &Receipt::Ping));
    }
    let now = (hooks.clock)();
    // Stored sealed: opened only here, to check the signature.
    let secrets = hooks
        .store
        .open_all(
            &merchant.merchant_id,
            merchant.secrets_for(&platform.secret_key()),
        )
        .await?;
    platforms::verify(platform, &secrets, &header, body, now)?;
    check_shop(platform, integration, &header, body)?;
    let delivery_id = delivery_id(platform, &header, body);
    if let Some(id) = &delivery_id
        && hooks
            .store
            .delivery_handled(&merchant.merchant_id, platform.as_str(), id)
            .await?
    {
        tracing::info!("platform delivery already handled");
        return Ok(answer(StatusCode::OK, &Receipt::Duplicate));
    }
    let topic = match platform {
        Platform::Shopify => header("x-shopify-topic"),
        Platform::WooCommerce => header("x-wc-webhook-topic"),
        Platform::BigCommerce => None,
    };
    let inbound = platforms::parse(platform, topic.as_deref(), body)
        .map_err(|e| WebhookError::InvalidBody(FieldError::new("body", e.to_string())))?;
    let receipt = match inbound {
        Inbound::Ignored(topic) => {
            tracing::debug!(topic = %topic, "platform topic ignored");
            return Ok(answer(StatusCode::OK, &Receipt::Ignored { topic }));
        }
        Inbound::FetchShipment(reference) => {
            // The details come from the store's API: queued (its stream record is dispatch's
            // work), so the platform has its answer at once.
            let job = FetchJob::new(&merchant.merchant_id, reference, now);
            let queued = hooks.store.queue_fetch(&job).await?;
            tracing::info!(queued, "bigcommerce shipment queued for fetching");
            Receipt::Queued
        }
        Inbound::Order(update) => {
            let as_of = as_of(platform, &header, update.as_of).unwrap_or(now);
            let done = store_orders::ingest(
                &hooks.store,
                &Entropy,
                &merchant.merchant_id,
                &update,
                as_of,
                now,
            )
            .await?;
            tracing::info!(
                registered = done.registered,
                updated = done.updated,
                cancelled = done.cancelled,
                waiting = done.waiting_for_tracking,
                stale = done.stale,
                conflicts = done.conflicts.len(),
                "platform order applied"
            );
            Receipt::Applied(done)
        }
    };
    if let Some(id) = &delivery_id {
        hooks
            .store
            .mark_delivery_handled(&merchant.merchant_id, platform.as_str(), id, now)
            .await?;
    }
    Ok(answer(StatusCode::OK, &receipt))
}

fn answer(status: StatusCode, receipt: &Receipt) -> Response {
    (status, Json(receipt)).into_response()
}

/// What identifies a delivery across the platform's retries: Shopify's event id (shared by
/// every delivery of one change, its dedupe guidance), WooCommerce's delivery id,
/// BigCommerce's payload `hash`.
fn delivery_id(
    platform: Platform,
    header: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
) -> Option<String> {
    match platform {
        // One merchant action can fire several topics under one event id.
        Platform::Shopify => header("x-shopify-event-id")
            .or_else(|| header("x-shopify-webhook-id"))
            .map(|id| format!("{}:{id}", header("x-shopify-topic").unwrap_or_default())),
        Platform::WooCommerce => header("x-wc-webhook-delivery-id"),
        Platform::BigCommerce => {
            // `hash` is the same on a duplicate firing; with the scope and the firing time,
            // two different hooks about one shipment never pass for each other.
            #[derive(serde::Deserialize)]
            struct Firing {
                scope: Option<String>,
                created_at: Option<i64>,
                hash: Option<String>,
            }
            let f = serde_json::from_slice::<Firing>(body).ok()?;
            Some(format!(
                "{}:{}:{}",
                f.scope.unwrap_or_default(),
                f.created_at.unwrap_or_default(),
                f.hash?
            ))
        }
    }
    .filter(|id| !id.trim().is_empty())
}

/// The platform's time of this state of the order: Shopify's `X-Shopify-Triggered-At`
/// (retries keep it), else the payload's own.
fn as_of(
    platform: Platform,
    header: &dyn Fn(&str) -> Option<String>,
    payload: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let triggered = match platform {
        Platform::Shopify => header("x-shopify-triggered-at")
            .and_then(|t| DateTime::parse_from_rfc3339(t.trim()).ok())
            .map(|t| t.with_timezone(&Utc)),
        _ => None,
    };
    triggered.or(payload)
}

/// A signed delivery for another shop (an app's secret can serve many shops) is refused.
fn check_shop(
    platform: Platform,
    integration: &Integration,
    header: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
) -> Result<(), WebhookError> {
    let (name, given) = match platform {
        Platform::Shopify => ("x-shopify-shop-domain", header("x-shopify-shop-domain")),
        Platform::WooCommerce => ("x-wc-webhook-source", header("x-wc-webhook-source")),
        Platform::BigCommerce => {
            #[derive(serde::Deserialize)]
            struct Producer {
                producer: Option<String>,
            }
            let producer = serde_json::from_slice::<Producer>(body)
                .ok()
                .and_then(|p| p.producer);
            (
                "producer",
                producer.and_then(|p| p.strip_prefix("stores/").map(str::to_owned)),
            )
        }
    };
    let normal = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
    match given {
        Some(shop) if normal(&shop) == normal(&integration.shop) => Ok(()),
        _ => Err(WebhookError::WrongShop(name)),
    }
}
