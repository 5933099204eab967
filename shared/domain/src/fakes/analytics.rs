//! Outcome counters in memory: tests put the items the store would hold.

use super::MemoryStore;
use crate::analytics::OutcomeCounters;
use crate::ports::{AnalyticsStore, StoreError};

impl MemoryStore {
    /// Adds a counter item for the merchant (as the store keeps them, by month).
    pub fn put_counters(&self, merchant_id: &str, counters: OutcomeCounters) {
        self.state
            .lock()
            .unwrap()
            .counters
            .push((merchant_id.into(), counters));
    }
}

impl AnalyticsStore for MemoryStore {
    async fn counters_between(
        &self,
        merchant_id: &str,
        from_month: &str,
        to_month: &str,
    ) -> Result<Vec<OutcomeCounters>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .counters
            .iter()
            .filter(|(m, c)| {
                m == merchant_id && (from_month..=to_month).contains(&c.month.as_str())
            })
            .map(|(_, c)| c.clone())
            .collect())
    }
}
