//! The public order lookup: a customer without the tracking link finds their shipment by
//! order number and email, behind a fixed-window rate limit.

use crate::model::Shipment;
use crate::ports::StoreError;
use chrono::{DateTime, Utc};
use std::future::Future;

pub trait OrderLookup: Send + Sync {
    /// Every shipment the merchant registered under this order number (split orders have
    /// several).
    fn shipments_by_order(
        &self,
        merchant_id: &str,
        order_number: &str,
    ) -> impl Future<Output = Result<Vec<Shipment>, StoreError>> + Send;
}

/// A fixed-window limit: at most `limit` hits per `window_secs`-second window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub limit: u32,
    pub window_secs: i64,
}

impl Limit {
    /// The window `now` falls in, as its start (epoch seconds).
    pub fn window_start(&self, now: DateTime<Utc>) -> i64 {
        let secs = now.timestamp();
        secs - secs.rem_euclid(self.window_secs.max(1))
    }

    /// Seconds until the window `now` falls in ends (at least 1).
    pub fn retry_after(&self, now: DateTime<Utc>) -> i64 {
        (self.window_start(now) + self.window_secs - now.timestamp()).max(1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Allowed,
    /// Over the limit; the window ends in this many seconds.
    Limited {
        retry_after_secs: i64,
    },
}

pub trait RateLimiter: Send + Sync {
    /// Counts one hit on `key` in the current window unless that would exceed the limit.
    fn hit(
        &self,
        key: &str,
        limit: Limit,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Admission, StoreError>> + Send;

    /// Whether `key` could take another hit in the current window, without counting one
    /// (for buckets that count only some outcomes, checked before the outcome is known).
    fn check(
        &self,
        key: &str,
        limit: Limit,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Admission, StoreError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn windows_are_aligned_and_retry_after_counts_to_their_end() {
        let limit = Limit {
            limit: 10,
            window_secs: 600,
        };
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 10, 7, 30).unwrap();
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        assert_eq!(limit.window_start(now), start.timestamp());
        assert_eq!(limit.retry_after(now), 150);
    }
}
