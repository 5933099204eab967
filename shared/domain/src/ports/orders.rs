//! Orders from store platforms, the connections they come through, and the deliveries
//! already handled.

use super::StoreError;
use crate::model::Integration;
use crate::orders::Order;
use crate::platforms::fetch::{FetchFinish, FetchJob, FetchKey, FetchSeen};
use chrono::{DateTime, Utc};
use std::future::Future;

pub trait OrderStore: Send + Sync {
    /// One platform's order by its number: two platforms (or the API) may use one number
    /// for different orders.
    fn order(
        &self,
        merchant_id: &str,
        platform: &str,
        order_number: &str,
    ) -> impl Future<Output = Result<Option<Order>, StoreError>> + Send;

    /// Writes the order if the stored one still has `order.version - 1` (none stored for
    /// version 1); else `Conflict`.
    fn save_order(&self, order: &Order) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Claims the order's one rating request for this parcel (true), unless another parcel
    /// has it (false). Claiming again for the same parcel is true (a retried send); an order
    /// not stored is true (nothing to keep once). Moves the order's version, so a save made
    /// from an older read does not undo it.
    fn claim_rating_request(
        &self,
        merchant_id: &str,
        platform: &str,
        order_number: &str,
        tracking_number: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

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

/// BigCommerce shipments queued for fetching (see `platforms::fetch`).
pub trait FetchStore: Send + Sync {
    /// Queues the fetch unless the same one is waiting or under way already (a finished one
    /// is queued again: the shipment changed); true if queued.
    fn queue_fetch(&self, job: &FetchJob) -> impl Future<Output = Result<bool, StoreError>> + Send;

    fn fetch_job(
        &self,
        key: &FetchKey,
    ) -> impl Future<Output = Result<Option<FetchJob>, StoreError>> + Send;

    /// `seen` -> fetching with a lease, if the job is still as seen; true if claimed.
    fn claim_fetch(
        &self,
        key: &FetchKey,
        seen: FetchSeen,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records how the claimed attempt ended (and removes any wake-up), if the job is still
    /// as claimed; true if recorded.
    fn finish_fetch(
        &self,
        key: &FetchKey,
        seen: FetchSeen,
        finish: &FetchFinish,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The sweeper's wake-up of a due fetch (as for webhook deliveries); true if woken.
    fn wake_fetch(
        &self,
        key: &FetchKey,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// A failed call to a store's API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    pub status: Option<u16>,
    pub error: String,
}

impl ApiFailure {
    /// Worth another try later: no answer, a server error, or "too many requests". A 4xx is
    /// the same next time (a deleted shipment, a revoked token).
    pub fn transient(&self) -> bool {
        self.status.is_none_or(|s| s >= 500 || s == 429 || s == 408)
    }
}

/// A store platform's API, read with the merchant's token.
pub trait StoreApi: Send + Sync {
    fn get(
        &self,
        url: &str,
        token: &str,
    ) -> impl Future<Output = Result<Vec<u8>, ApiFailure>> + Send;
}

/// New shipment ids and page tokens for shipments a store registers: the adapters' entropy,
/// passed in (the domain and the use cases read none themselves).
pub trait NewIds: Send + Sync {
    fn shipment_id(&self) -> String;
    fn token(&self) -> String;
}
