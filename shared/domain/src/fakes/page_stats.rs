//! Page analytics counters in memory.

use super::MemoryStore;
use crate::page_stats::{PageDay, PageEvent};
use crate::ports::{PageStatsStore, StoreError};
use chrono::NaiveDate;

impl PageStatsStore for MemoryStore {
    async fn count_page_event(
        &self,
        merchant_id: &str,
        day: NaiveDate,
        event: PageEvent,
    ) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        *state
            .page_stats
            .entry((merchant_id.to_owned(), day))
            .or_default()
            .entry(event)
            .or_default() += 1;
        Ok(())
    }

    async fn page_stats(
        &self,
        merchant_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<PageDay>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .page_stats
            .iter()
            .filter(|((m, day), _)| m == merchant_id && (from..=to).contains(day))
            .map(|((_, day), counts)| PageDay {
                day: *day,
                counts: counts.clone(),
            })
            .collect())
    }
}
