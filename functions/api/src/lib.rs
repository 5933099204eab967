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

pub fn router<S: Store>(app: App<S>) -> Router {
    Router::new()
        .route("/v1/shipments", post(shipments::register::<S>))
        .route("/v1/shipments/{id}", get(shipments::get::<S>))
        .fallback(afterclick_web::route_not_found)
        .method_not_allowed_fallback(afterclick_web::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(Arc::new(app))
}
