//! The API function, an axum Router served by `lambda_http` on Lambda and by axum in the
//! devstack. Three rooms by audience: `v1` (the merchant's JSON API, API-key
//! authenticated), `pages` (the customer's HTML pages: tracking, rating, unsubscribe, order
//! lookup) and `app` (the merchant's dashboard, signed in with a session).
//! This file is the route table; the state and its port groups are in `state`.

mod app;
mod error;
mod pages;
mod route;
mod state;
#[cfg(test)]
mod tests;
mod v1;

pub use error::ApiError;
pub use route::Route;
pub use state::{
    App, Credentials, PublicPages, ShipmentAdministration, Store, StoreConnections,
    WebhookEndpoints,
};

use afterclick_domain::ports::SenderIdentities;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use pages::{lookup, rating, tracking, unsubscribe};
use std::sync::Arc;
use v1::{
    analytics, api_keys, carrier_secrets, endpoint_secret, ga4, integrations, invoices,
    notification_resend, openapi, orders, outgoing_endpoints, settings, shipment_edit,
    shipment_events, shipment_list, shipments, templates,
};

/// Merchant API bodies are small; anything bigger is a mistake or an attack.
pub const BODY_LIMIT: usize = 64 * 1024;

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
        Route::post(
            "/v1/shipments/{id}/notifications/resend",
            notification_resend::resend::<S, V>,
        ),
        Route::get("/v1/settings", settings::get::<S, V>),
        Route::get("/v1/settings/ga4", ga4::get::<S, V>),
        Route::put("/v1/settings/ga4", ga4::put::<S, V>),
        Route::delete("/v1/settings/ga4", ga4::delete::<S, V>),
        Route::get("/v1/api-keys", api_keys::list::<S, V>),
        Route::post("/v1/api-keys/rotate", api_keys::rotate::<S, V>),
        Route::post(
            "/v1/webhook-secrets/{provider}/rotate",
            carrier_secrets::rotate::<S, V>,
        ),
        Route::get("/v1/analytics/carriers", analytics::carriers::<S, V>),
        Route::post("/v1/webhook-endpoints", outgoing_endpoints::create::<S, V>),
        Route::get("/v1/webhook-endpoints", outgoing_endpoints::list::<S, V>),
        Route::get(
            "/v1/webhook-endpoints/{id}",
            outgoing_endpoints::get::<S, V>,
        ),
        Route::delete(
            "/v1/webhook-endpoints/{id}",
            outgoing_endpoints::delete::<S, V>,
        ),
        Route::get(
            "/v1/webhook-endpoints/{id}/deliveries",
            outgoing_endpoints::deliveries::<S, V>,
        ),
        Route::post(
            "/v1/webhook-endpoints/{id}/rotate-secret",
            endpoint_secret::rotate::<S, V>,
        ),
        Route::put("/v1/settings", settings::put::<S, V>),
        Route::get("/v1/orders/{order_number}", orders::get::<S, V>),
        Route::get("/v1/integrations", integrations::list::<S, V>),
        Route::get("/v1/integrations/{platform}", integrations::get::<S, V>),
        Route::put("/v1/integrations/{platform}", integrations::put::<S, V>),
        Route::delete("/v1/integrations/{platform}", integrations::delete::<S, V>),
        Route::post("/v1/invoices", invoices::upload::<S, V>)
            .with_body_limit(invoices::INVOICE_BODY_LIMIT),
        Route::get("/v1/invoices", invoices::list::<S, V>),
        Route::get("/v1/invoices/{id}", invoices::get::<S, V>),
        Route::get("/v1/invoices/{id}/claims", invoices::claims::<S, V>),
        Route::get("/v1/claims", invoices::due::<S, V>),
        Route::get("/v1/guarantees", invoices::guarantees::<S, V>),
        Route::put("/v1/guarantees", invoices::put_guarantees::<S, V>),
        Route::get(TEMPLATE, templates::get::<S, V>),
        Route::put(TEMPLATE, templates::put::<S, V>),
        Route::delete(TEMPLATE, templates::delete::<S, V>),
        Route::post(TEMPLATE_PREVIEW, templates::preview::<S, V>),
        Route::get("/t/{token}", tracking::show::<S, V>),
        Route::get("/t/{token}/go/{target}", pages::go::go::<S, V>),
        Route::get("/u/{token}", unsubscribe::confirm),
        Route::post("/u/{token}", unsubscribe::unsubscribe::<S, V>),
        Route::post("/t/{token}/rating", rating::rate::<S, V>),
        Route::get("/lookup/{merchant_id}", lookup::show::<S, V>),
        Route::post("/lookup/{merchant_id}", lookup::find::<S, V>),
        // The merchant's dashboard (HTML; documented in docs/dashboard.md, not OpenAPI).
        Route::get("/app", app::attention::home::<S, V>),
        Route::get("/app/attention.csv", app::attention::csv::<S, V>),
        Route::get("/app/sign-in", app::session::form::<S, V>),
        Route::post("/app/sign-in", app::session::sign_in::<S, V>),
        Route::post("/app/sign-out", app::session::sign_out::<S, V>),
        Route::get("/app/carriers", app::carriers::show::<S, V>),
        Route::get("/app/pages", app::pages_stats::show::<S, V>),
        Route::get("/app/notifications", app::notifications::show::<S, V>),
        Route::post("/app/suppressions/lift", app::notifications::lift::<S, V>),
        Route::get("/app/settings", app::settings::show::<S, V>),
        Route::post("/app/settings", app::settings::save::<S, V>),
        Route::post("/app/settings/ga4", app::settings::ga4::<S, V>),
        Route::get(
            "/app/settings/preview/{milestone}/{channel}/{locale}",
            app::settings::preview::<S, V>,
        ),
        Route::post(
            "/app/settings/preview/{milestone}/{channel}/{locale}",
            app::settings::template::<S, V>,
        ),
        Route::get(
            "/app/settings/preview/{milestone}/{channel}/{locale}/html",
            app::settings::preview_html::<S, V>,
        ),
        Route::get(
            "/app/settings/endpoints/{id}",
            app::settings::endpoint::<S, V>,
        ),
        Route::get("/app/shipments", app::shipments::list::<S, V>),
        Route::get("/app/shipments/{id}", app::shipments::show::<S, V>),
        Route::post(
            "/app/shipments/{id}/handled",
            app::attention::handled::<S, V>,
        ),
        Route::post("/app/shipments/{id}/edit", app::shipments::edit::<S, V>),
        Route::post("/app/shipments/{id}/erase", app::shipments::erase::<S, V>),
        Route::post("/app/shipments/{id}/resend", app::shipments::resend::<S, V>),
        Route::get("/app/shipments/{id}/message", app::message::show::<S, V>),
        Route::get(
            "/app/shipments/{id}/message/html",
            app::message::html::<S, V>,
        ),
    ]
}

const TEMPLATE: &str = "/v1/templates/{milestone}/{channel}/{locale}";
const TEMPLATE_PREVIEW: &str = "/v1/templates/{milestone}/{channel}/{locale}/preview";
