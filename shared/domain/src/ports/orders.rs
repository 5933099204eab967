//! Orders from store platforms, the connections they come through, and the deliveries
//! already handled.

use super::StoreError;
use crate::model::Integration;
use crate::orders::Order;
use chrono::{DateTime, Utc};
use std::future::Future;

pub trait OrderStore: Send + Sync {
    fn order(
        &self,
        merchant_id: &str,
        order_number: &str,
    ) -> impl Future<Output = Result<Option<Order>, StoreError>> + Send;

    /// Writes the order if the stored one still has `order.version - 1` (none stored for
    /// version 1); else `Conflict`.
    fn save_order(&self, order: &Order) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Was this platform delivery (its event id) handled already? Deliveries are marked once
    /// handled, never before: a crash in between makes the platform's retry do it again,
    /// which the order's merge makes harmless.
    fn delivery_handled(
        &self,
        merchant_id: &str,
        platform: &str,
        delivery_id: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Remembers a handled delivery for a few days (longer than the platforms retry).
    fn mark_delivery_handled(
        &self,
        merchant_id: &str,
        platform: &str,
        delivery_id: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

pub trait IntegrationStore: Send + Sync {
    /// Sets (or with `None` removes) the merchant's connection to a platform. The signing
    /// secrets are the merchant's webhook secrets under `Platform::secret_key`.
    fn save_integration(
        &self,
        merchant_id: &str,
        platform: &str,
        integration: Option<&Integration>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
