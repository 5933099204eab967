//! Merchant REST API (`/v1`), an axum Router: served by `lambda_http` on Lambda and by
//! axum in the devstack.

mod auth;
mod error;
mod settings;
mod shipments;
mod templates;
mod tracking;
mod unsubscribe;
mod view;

pub use error::ApiError;

use afterclick_domain::ports::{
    ConsentStore, EventStore, MerchantStore, SenderIdentities, ShipmentStore, TemplateStore,
};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
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
}

impl<S, V> App<S, V> {
    pub fn new(store: S, senders: V, public_base_url: impl Into<String>) -> Self {
        Self {
            store,
            senders,
            public_base_url: public_base_url.into().trim_end_matches('/').to_owned(),
            clock: Utc::now,
        }
    }
}

pub trait Store:
    MerchantStore + ShipmentStore + EventStore + TemplateStore + ConsentStore + 'static
{
}
impl<T: MerchantStore + ShipmentStore + EventStore + TemplateStore + ConsentStore + 'static> Store
    for T
{
}

/// The Lambda function's whole Router: its routes plus problem+json fallbacks.
pub fn router<S: Store, V: SenderIdentities + 'static>(app: App<S, V>) -> Router {
    afterclick_web::with_fallbacks(routes(app))
}

/// The routes alone, for composing with other Routers (the devstack serves both HTTP
/// functions on one port, as API Gateway does).
pub fn routes<S: Store, V: SenderIdentities + 'static>(app: App<S, V>) -> Router {
    let template = "/v1/templates/{milestone}/{channel}/{locale}";
    Router::new()
        .route("/v1/shipments", post(shipments::register::<S, V>))
        .route("/v1/shipments/{id}", get(shipments::get::<S, V>))
        .route(
            "/v1/settings",
            get(settings::get::<S, V>).put(settings::put::<S, V>),
        )
        .route(
            template,
            get(templates::get::<S, V>)
                .put(templates::put::<S, V>)
                .delete(templates::delete::<S, V>),
        )
        .route(
            &format!("{template}/preview"),
            post(templates::preview::<S, V>),
        )
        .route("/t/{token}", get(tracking::show::<S, V>))
        .route(
            "/u/{token}",
            get(unsubscribe::confirm::<S, V>).post(unsubscribe::unsubscribe::<S, V>),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(Arc::new(app))
}
