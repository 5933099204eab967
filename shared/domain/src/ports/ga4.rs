//! Page analytics forwarded to a merchant's GA4 property (`crate::ga4`): the link, and the
//! hits queued for dispatch.

use super::{ApiFailure, StoreError};
use crate::ga4::{Ga4Hit, Ga4Link};
use chrono::{DateTime, Utc};
use std::future::Future;

pub trait Ga4Store: Send + Sync {
    /// Links the merchant's property (its secret sealed already), or unlinks it (`None`).
    /// False: no such merchant.
    fn set_ga4(
        &self,
        merchant_id: &str,
        link: Option<&Ga4Link>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Queues a hit; the stream brings it to dispatch.
    fn queue_ga4_hit(&self, hit: &Ga4Hit) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Takes a queued hit to send: false when it is gone (sent) or another worker is
    /// sending it (a claim lasts a few minutes).
    fn claim_ga4_hit(
        &self,
        hit: &Ga4Hit,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Sent, or never to be sent: forgotten.
    fn forget_ga4_hit(&self, hit: &Ga4Hit) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// The Measurement Protocol on the wire: a JSON body POSTed to a URL.
pub trait Collector: Send + Sync {
    fn collect(
        &self,
        url: &str,
        body: &[u8],
    ) -> impl Future<Output = Result<(), ApiFailure>> + Send;
}
