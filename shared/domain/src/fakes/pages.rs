//! In-memory ratings, order lookup and rate limiting for the public pages' unit tests.

use super::{MemoryStore, ShipmentKey, key};
use crate::model::Shipment;
use crate::ports::{
    Admission, Limit, OrderLookup, RateLimiter, Rating, RatingStore, StoreError, outcome_month,
};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};

#[derive(Default)]
pub(super) struct PageState {
    ratings: BTreeMap<ShipmentKey, (Rating, String)>,
    /// (merchant, outcome key) -> (rating_count, rating_sum), like the outcome item's counters.
    counters: BTreeMap<(String, String), (i64, i64)>,
    /// (key, window start) -> hits.
    hits: HashMap<(String, i64), u32>,
}

impl MemoryStore {
    /// Rating counters per delivery outcome of a merchant: (outcome key, count, sum).
    pub fn rating_counters(&self, merchant_id: &str) -> Vec<(String, i64, i64)> {
        let state = self.state.lock().unwrap();
        state
            .pages
            .counters
            .iter()
            .filter(|((m, _), _)| m == merchant_id)
            .map(|((_, k), (count, sum))| (k.clone(), *count, *sum))
            .collect()
    }
}

impl PageState {
    /// Removes the rating's comment, keeping its stars; whether there was one.
    pub(super) fn erase_rating_comment(&mut self, k: &ShipmentKey) -> bool {
        self.ratings
            .get_mut(k)
            .and_then(|(rating, _)| rating.comment.take())
            .is_some()
    }
}

fn outcome_key(shipment: &Shipment, month: &str) -> String {
    format!(
        "{month}#{}#{}#{}",
        shipment.carrier,
        shipment.service.as_deref().unwrap_or("-"),
        shipment.destination_country.as_deref().unwrap_or("-")
    )
}

impl RatingStore for MemoryStore {
    async fn rating(&self, merchant_id: &str, tn: &str) -> Result<Option<Rating>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .pages
            .ratings
            .get(&key(merchant_id, tn))
            .map(|(r, _)| r.clone()))
    }

    async fn rate(&self, shipment: &Shipment, rating: &Rating) -> Result<(), StoreError> {
        let month = outcome_month(shipment)
            .ok_or_else(|| StoreError::Corrupt("rating an undelivered shipment".into()))?;
        let mut state = self.state.lock().unwrap();
        let k = key(&shipment.merchant_id, &shipment.tracking_number);
        let previous = state.pages.ratings.get(&k).cloned();
        // A changed rating stays on the outcome it was first counted on.
        let outcome = previous
            .as_ref()
            .map_or_else(|| outcome_key(shipment, &month), |(_, o)| o.clone());
        let counter = state
            .pages
            .counters
            .entry((shipment.merchant_id.clone(), outcome.clone()))
            .or_default();
        match &previous {
            Some((old, _)) => counter.1 += i64::from(rating.stars) - i64::from(old.stars),
            None => *counter = (counter.0 + 1, counter.1 + i64::from(rating.stars)),
        }
        let mut rating = rating.clone();
        // As the DynamoDB store: the comment is never stored once the shipment is erased.
        let erased = state
            .shipments
            .get(&k)
            .is_none_or(|s| s.erased_at.is_some());
        if erased {
            rating.comment = None;
        }
        state.pages.ratings.insert(k, (rating, outcome));
        Ok(())
    }
}

impl OrderLookup for MemoryStore {
    async fn shipments_by_order(
        &self,
        merchant_id: &str,
        order_number: &str,
    ) -> Result<Vec<Shipment>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .shipments
            .values()
            .filter(|s| s.merchant_id == merchant_id && s.order_number == order_number)
            .cloned()
            .collect())
    }
}

impl RateLimiter for MemoryStore {
    async fn hit(
        &self,
        key: &str,
        limit: Limit,
        now: DateTime<Utc>,
    ) -> Result<Admission, StoreError> {
        let mut state = self.state.lock().unwrap();
        let hits = state
            .pages
            .hits
            .entry((key.to_owned(), limit.window_start(now)))
            .or_default();
        if *hits >= limit.limit {
            return Ok(Admission::Limited {
                retry_after_secs: limit.retry_after(now),
            });
        }
        *hits += 1;
        Ok(Admission::Allowed)
    }

    async fn check(
        &self,
        key: &str,
        limit: Limit,
        now: DateTime<Utc>,
    ) -> Result<Admission, StoreError> {
        let state = self.state.lock().unwrap();
        let hits = state
            .pages
            .hits
            .get(&(key.to_owned(), limit.window_start(now)))
            .copied()
            .unwrap_or_default();
        Ok(if hits >= limit.limit {
            Admission::Limited {
                retry_after_secs: limit.retry_after(now),
            }
        } else {
            Admission::Allowed
        })
    }
}
