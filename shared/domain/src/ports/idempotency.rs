//! Idempotent POSTs, the way Powertools for AWS Lambda does it: a record per key (scoped
//! to the merchant) claimed with a conditional write, `in_progress` while the request runs
//! (a lease, so a crashed request does not block the key forever), `completed` with the
//! response afterwards. The record's expiry is checked in code; the TTL attribute only
//! cleans up.

use super::StoreError;
use chrono::{DateTime, Duration, Utc};
use std::future::Future;

/// How long an in-progress claim holds the key before another request may take it over.
pub const IN_PROGRESS_LEASE: Duration = Duration::seconds(30);
/// How long a completed response is replayed.
pub const REPLAY_WINDOW: Duration = Duration::hours(24);

/// The response a completed request gave, replayed byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is ours: run the request, then `complete` (or `release` on failure).
    Claimed,
    /// Done before with the same body: answer with this.
    Replay(StoredResponse),
    /// Another request with this key is running.
    InProgress,
    /// The key was used with another body.
    Mismatch,
}

/// One idempotency key of one merchant, and the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pub merchant_id: String,
    /// SHA-256 (hex) of the client's key: bounded length, no client text in keys.
    pub key_hash: String,
    /// SHA-256 (hex) of the request body.
    pub request_hash: String,
}

/// The shipment a stored response is about (it echoes the customer's contact details):
/// erasing the customer's data forgets the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipmentResource {
    pub id: String,
    pub tracking_number: String,
}

pub trait IdempotencyStore: Send + Sync {
    fn claim(
        &self,
        key: &IdempotencyKey,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send;

    /// Stores the response for replays, only over this very claim: the record must still
    /// be `in_progress` with the same request hash and the lease `claim` gave at
    /// `claimed_at` (a request whose lease was taken over, or a late duplicate, stores
    /// nothing). `resource` names the shipment the response is about, so its erasure
    /// forgets it; if that shipment's data was already erased, nothing is stored (that
    /// would put the customer's details back) and the claim is given up. Both refusals
    /// are `Conflict`.
    fn complete(
        &self,
        key: &IdempotencyKey,
        response: &StoredResponse,
        resource: Option<&ShipmentResource>,
        claimed_at: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Gives the key up after a failure that changed nothing, so a retry may run.
    fn release(&self, key: &IdempotencyKey) -> impl Future<Output = Result<(), StoreError>> + Send;
}
