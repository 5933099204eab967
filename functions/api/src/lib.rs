//! Merchant REST API (`/v1`), an axum Router: served by `lambda_http` on Lambda and by
//! axum in the devstack.

mod analytics;
mod api_keys;
mod auth;
mod endpoint_secret;
#[cfg(test)]
mod erasure_tests;
mod error;
mod idempotency;
mod ids;
mod lookup;
mod openapi;
mod page;
#[cfg(test)]
mod path_tests;
mod rating;
mod route;
mod settings;
mod shipment_edit;
mod shipment_events;
mod shipment_list;
#[cfg(test)]
mod shipment_tests;
mod shipments;
mod templates;
mod tracking;
mod unsubscribe;
mod view;
mod webhook_endpoints;
mod webhook_secrets;

pub use error::ApiError;
pub use route::Route;

use afterclick_domain::ports::{
    AnalyticsStore, ApiKeyStore, ConsentStore, EventStore, MerchantStore, SecretBox,
    SenderIdentities, ShipmentStore, TemplateStore, WebhookSecretStore,
};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Merchant API bodies are small; anything bigger is a mistake or an attack.
pub const BODY_LIMIT: usize = 64 * 1024;

/// What the API needs; generic over its ports so handlers run against fakes in unit tests.
pub struct App<S, V> {
    pub store: S,
    /// SES identities: a merchant may only send from a verified address or domain.
    pub senders: V,
    /// Tracking pages live at `{public_base_url}/t/{token}`.
    pub public_base_url: String,
    pub clock: fn() -> DateTime<Utc>,
    /// Lets webhook endpoints be `http://127.0.0.1` / `http://localhost` (the devstack's
    /// local receivers); off everywhere else.
    pub allow_local_webhook_urls: bool,
    /// Keys rate-limit counters (client addresses) with HMAC, so the stored hashes cannot
    /// be reversed by hashing all 2^32 IPv4 addresses. Every instance must share it: the
    /// template generates one secret; `App::new` starts with a random one (one process).
    pub rate_limit_pepper: Vec<u8>,
}

impl<S, V> App<S, V> {
    pub fn new(store: S, senders: V, public_base_url: impl Into<String>) -> Self {
        Self {
            store,
            senders,
            public_base_url: public_base_url.into().trim_end_matches('/').to_owned(),
            clock: Utc::now,
            allow_local_webhook_urls: false,
            rate_limit_pepper: afterclick_aws::secrets::new_token().into_bytes(),
        }
    }

    pub fn with_rate_limit_pepper(mut self, pepper: impl Into<Vec<u8>>) -> Self {
        self.rate_limit_pepper = pepper.into();
        self
    }
}

/// Declares a trait that is exactly the sum of its bounds, implemented for every type that
/// has them all, so handlers name one bound and the list is written once.
macro_rules! port_group {
    ($(#[$doc:meta])* $name:ident: $($bound:tt)+) => {
        $(#[$doc])*
        pub trait $name: $($bound)+ {}
        impl<T: $($bound)+> $name for T {}
    };
}
pub(crate) use port_group;

port_group!(
    /// Every port the API's handlers use.
    Store: MerchantStore
        + ShipmentStore
        + EventStore
        + TemplateStore
        + ConsentStore
        + Credentials
        + PublicPages
        + ShipmentAdministration
        + webhook_endpoints::WebhookEndpoints
        + 'static
);

port_group!(
    /// What the customer-facing pages need: delivery ratings, order lookup, rate limits.
    PublicPages: afterclick_domain::ports::RatingStore
        + afterclick_domain::ports::OrderLookup
        + afterclick_domain::ports::RateLimiter
);

port_group!(
    /// Listing, editing and erasing shipments; idempotent POSTs.
    ShipmentAdministration: afterclick_domain::ports::ShipmentList
        + afterclick_domain::ports::ShipmentAdmin
        + afterclick_domain::ports::IdempotencyStore
);

port_group!(
    /// API keys, webhook secrets and the outcome counters (carrier analytics).
    Credentials: ApiKeyStore + WebhookSecretStore + AnalyticsStore + SecretBox
);

/// The Lambda function's whole Router: its routes plus problem+json fallbacks.
pub fn router<S: Store, V: SenderIdentities + 'static>(app: App<S, V>) -> Router {
    afterclick_web::with_fallbacks(routes(app))
}

/// The routes alone, for composing with other Routers (the devstack serves both HTTP
/// functions on one port, as API Gateway does).
pub fn routes<S: Store, V: SenderIdentities + 'static>(app: App<S, V>) -> Router {
    table::<S, V>()
        .into_iter()
        .fold(Router::new(), |router, r| router.route(r.path, r.endpoint))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(Arc::new(app))
}

/// Every route the API serves, one row per method and path. Each one must be documented in
/// `openapi.json` (a unit test compares the two). Add rows; same-path rows merge.
pub fn table<S: Store, V: SenderIdentities + 'static>() -> Vec<Route<Arc<App<S, V>>>> {
    vec![
        Route::get("/v1/openapi.json", openapi::document),
        Route::post("/v1/shipments", shipments::register::<S, V>),
        Route::get("/v1/shipments/{id}", shipments::get::<S, V>),
        Route::get("/v1/shipments/{id}/events", shipment_events::list::<S, V>),
        Route::get("/v1/shipments", shipment_list::list::<S, V>),
        Route::patch("/v1/shipments/{id}", shipment_edit::patch::<S, V>),
        Route::delete("/v1/shipments/{id}", shipment_edit::erase::<S, V>),
        Route::get("/v1/settings", settings::get::<S, V>),
        Route::get("/v1/api-keys", api_keys::list::<S, V>),
        Route::post("/v1/api-keys/rotate", api_keys::rotate::<S, V>),
        Route::post(
            "/v1/webhook-secrets/{provider}/rotate",
            webhook_secrets::rotate::<S, V>,
        ),
        Route::get("/v1/analytics/carriers", analytics::carriers::<S, V>),
        Route::post("/v1/webhook-endpoints", webhook_endpoints::create::<S, V>),
        Route::get("/v1/webhook-endpoints", webhook_endpoints::list::<S, V>),
        Route::get("/v1/webhook-endpoints/{id}", webhook_endpoints::get::<S, V>),
        Route::delete(
            "/v1/webhook-endpoints/{id}",
            webhook_endpoints::delete::<S, V>,
        ),
        Route::get(
            "/v1/webhook-endpoints/{id}/deliveries",
            webhook_endpoints::deliveries::<S, V>,
        ),
        Route::post(
            "/v1/webhook-endpoints/{id}/rotate-secret",
            endpoint_secret::rotate::<S, V>,
        ),
        Route::put("/v1/settings", settings::put::<S, V>),
        Route::get(TEMPLATE, templates::get::<S, V>),
        Route::put(TEMPLATE, templates::put::<S, V>),
        Route::delete(TEMPLATE, templates::delete::<S, V>),
        Route::post(TEMPLATE_PREVIEW, templates::preview::<S, V>),
        Route::get("/t/{token}", tracking::show::<S, V>),
        Route::get("/u/{token}", unsubscribe::confirm::<S, V>),
        Route::post("/u/{token}", unsubscribe::unsubscribe::<S, V>),
        Route::post("/t/{token}/rating", rating::rate::<S, V>),
        Route::get("/lookup/{merchant_id}", lookup::show::<S, V>),
        Route::post("/lookup/{merchant_id}", lookup::find::<S, V>),
    ]
}

const TEMPLATE: &str = "/v1/templates/{milestone}/{channel}/{locale}";
const TEMPLATE_PREVIEW: &str = "/v1/templates/{milestone}/{channel}/{locale}/preview";
