//! Ports for outgoing webhooks: the merchant's endpoints, their deliveries, and the HTTP
//! client that POSTs them.

use super::StoreError;
use crate::outgoing::{Delivery, DeliveryKey, Finish, Response, Seen, WebhookEndpoint};
use chrono::{DateTime, Utc};
use std::future::Future;

/// Why an endpoint was not created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointCreation {
    Created,
    /// The merchant already has the maximum number of endpoints.
    LimitReached,
}

pub trait EndpointStore: Send + Sync {
    /// Creates the endpoint unless the merchant already has `limit` (counted atomically, so
    /// concurrent creations cannot overshoot).
    fn create_endpoint(
        &self,
        endpoint: &WebhookEndpoint,
        limit: usize,
    ) -> impl Future<Output = Result<EndpointCreation, StoreError>> + Send;

    /// The merchant's endpoints, oldest first.
    fn endpoints(
        &self,
        merchant_id: &str,
    ) -> impl Future<Output = Result<Vec<WebhookEndpoint>, StoreError>> + Send;

    fn endpoint(
        &self,
        merchant_id: &str,
        endpoint_id: &str,
    ) -> impl Future<Output = Result<Option<WebhookEndpoint>, StoreError>> + Send;

    /// Stores `rotated`'s secrets (`secret`, `previous_secret`) if the endpoint still signs
    /// with `seen_secret`; false if it is gone or another rotation came first (so no issued
    /// secret is silently overwritten).
    fn replace_endpoint_secret(
        &self,
        rotated: &WebhookEndpoint,
        seen_secret: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes the endpoint; false if the merchant has no such endpoint.
    fn delete_endpoint(
        &self,
        merchant_id: &str,
        endpoint_id: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

pub trait DeliveryStore: Send + Sync {
    fn delivery(
        &self,
        key: &DeliveryKey,
    ) -> impl Future<Output = Result<Option<Delivery>, StoreError>> + Send;

    /// Takes the delivery for one attempt if it is still as `seen`: `sending`, one more
    /// attempt, leased (and due in the sweeper's index) until `lease_until`. False if
    /// someone else changed it first.
    fn claim_delivery(
        &self,
        key: &DeliveryKey,
        seen: Seen,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records how the delivery ended (or when it is retried) if it is still as `seen`;
    /// false if it changed meanwhile.
    fn finish_delivery(
        &self,
        key: &DeliveryKey,
        seen: Seen,
        finish: &Finish,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The endpoint's most recently created deliveries, newest first, without payloads.
    fn endpoint_deliveries(
        &self,
        merchant_id: &str,
        endpoint_id: &str,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send;
}

/// One signed POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingWebhook {
    pub url: String,
    pub webhook_id: String,
    pub timestamp: i64,
    /// `v1,<base64>`
    pub signature: String,
    pub body: String,
}

pub trait WebhookSender: Send + Sync {
    /// POSTs the webhook; the receiver's status code, or why there was none.
    fn post(&self, webhook: &OutgoingWebhook) -> impl Future<Output = Response> + Send;
}
