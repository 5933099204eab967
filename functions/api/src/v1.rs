//! The merchant's JSON API under `/v1`: every route but the OpenAPI document needs an API
//! key (the [`AuthedMerchant`] extractor) and answers errors as RFC 9457 problems.

pub mod analytics;
pub mod api_keys;
mod auth;
pub mod carrier_secrets;
pub mod endpoint_secret;
pub mod ga4;
mod idempotency;
pub mod integrations;
pub mod invoices;
pub mod notification_resend;
pub mod openapi;
pub mod orders;
pub mod outgoing_endpoints;
pub mod settings;
pub mod shipment_edit;
pub mod shipment_events;
pub mod shipment_list;
pub mod shipments;
pub mod templates;
#[cfg(test)]
mod tests;
mod view;
pub(crate) use view::email_events;

pub(crate) use auth::{AuthedMerchant, Caller};
