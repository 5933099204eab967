//! Reading the monthly delivery-outcome counters (carrier analytics).

use super::StoreError;
use crate::analytics::OutcomeCounters;
use std::future::Future;

pub trait AnalyticsStore: Send + Sync {
    /// The merchant's counter items for the months `from_month..=to_month` (`yyyy-mm`),
    /// read by key range: never a scan of shipments.
    fn counters_between(
        &self,
        merchant_id: &str,
        from_month: &str,
        to_month: &str,
    ) -> impl Future<Output = Result<Vec<OutcomeCounters>, StoreError>> + Send;
}
