//! Merchant REST API (`/v1`), an axum Router: served by `lambda_http` on Lambda and by
//! axum in the devstack.

mod auth;
mod error;
mod shipments;
mod view;

pub use error::ApiError;

use afterclick_domain::ports::{EventStore, MerchantStore, ShipmentStore};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Merchant API bodies are small; anything bigger is a mistake or an attack.
pub const BODY_LIMIT: usize = 64 * 1024;

/// What the API needs; generic over the store so handlers run against fakes in unit tests.
pub struct App<S> {
    pub store: S,
    /// Tracking pages live at `{public_base_url}/t/{token}`.
    pub public_base_url: String,
    pub clock: fn() -> DateTime<Utc>,
}

impl<S> App<S> {
    pub fn new(store: S, public_base_url: impl Into<String>) -> Self {
        Self {
            store,
            public_base_url: public_base_url.into().trim_end_matches('/').to_owned(),
            clock: Utc::now,
        }
    }
}

pub trait Store: MerchantStore + ShipmentStore + EventStore + 'static {}
impl<T: MerchantStore + ShipmentStore + EventStore + 'static> Store for T {}

/// The Lambda function's whole Router: its routes plus problem+json fallbacks.
pub fn router<S: Store>(app: App<S>) -> Router {
    afterclick_web::with_fallbacks(routes(app))
}

/// The routes alone, for composing with other Routers (the devstack serves both HTTP
/// functions on one port, as API Gateway does).
pub fn routes<S: Store>(app: App<S>) -> Router {
    Router::new()
        .route("/v1/shipments", post(shipments::register::<S>))
        .route("/v1/shipments/{id}", get(shipments::get::<S>))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(Arc::new(app))
}
