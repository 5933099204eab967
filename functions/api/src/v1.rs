//! The merchant's JSON API under `/v1`: every route but the OpenAPI document needs an API
//! key (the [`auth::Merchant`] extractor) and answers errors as RFC 9457 problems.

pub mod analytics;
pub mod api_keys;
mod auth;
pub mod endpoint_secret;
#[cfg(test)]
mod erasure_tests;
mod idempotency;
pub mod openapi;
pub mod settings;
pub mod shipment_edit;
pub mod shipment_events;
pub mod shipment_list;
#[cfg(test)]
mod shipment_tests;
pub mod shipments;
pub mod templates;
mod view;
pub mod webhook_endpoints;
pub mod webhook_secrets;

pub(crate) use auth::{AuthedMerchant, Caller};
