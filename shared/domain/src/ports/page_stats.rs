//! Page analytics counters (`crate::page_stats`): one counter per merchant, day and event.

use super::StoreError;
use crate::page_stats::{PageDay, PageEvent};
use chrono::NaiveDate;
use std::future::Future;

pub trait PageStatsStore: Send + Sync {
    /// Adds one to the merchant's counter of `event` on `day`.
    fn count_page_event(
        &self,
        merchant_id: &str,
        day: NaiveDate,
        event: PageEvent,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The merchant's days from `from` to `to` (inclusive) that have counts, oldest first.
    fn page_stats(
        &self,
        merchant_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Future<Output = Result<Vec<PageDay>, StoreError>> + Send;
}
