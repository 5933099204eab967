//! GA4 links and queued hits in memory; a collector that records what it was sent.

use super::MemoryStore;
use crate::ga4::{Ga4Hit, Ga4Link};
use crate::ports::{ApiFailure, Collector, Ga4Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub(super) struct Ga4State {
    /// Queued hits by id, with when they were claimed.
    hits: BTreeMap<String, (Ga4Hit, Option<DateTime<Utc>>)>,
}

impl MemoryStore {
    /// The hits queued and not yet forgotten.
    pub fn queued_ga4_hits(&self) -> Vec<Ga4Hit> {
        let state = self.state.lock().unwrap();
        state.ga4.hits.values().map(|(h, _)| h.clone()).collect()
    }
}

impl Ga4Store for MemoryStore {
    async fn set_ga4(&self, merchant_id: &str, link: Option<&Ga4Link>) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        match state.merchants.get_mut(merchant_id) {
            Some(m) => {
                m.ga4 = link.cloned();
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn queue_ga4_hit(&self, hit: &Ga4Hit) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        state
            .ga4
            .hits
            .insert(hit.hit_id.clone(), (hit.clone(), None));
        Ok(())
    }

    async fn claim_ga4_hit(&self, hit: &Ga4Hit, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        match state.ga4.hits.get_mut(&hit.hit_id) {
            Some((_, claimed)) if claimed.is_none_or(|at| at + Duration::minutes(5) <= now) => {
                *claimed = Some(now);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn forget_ga4_hit(&self, hit: &Ga4Hit) -> Result<(), StoreError> {
        self.state.lock().unwrap().ga4.hits.remove(&hit.hit_id);
        Ok(())
    }
}

/// Records every URL and body it was sent; answers `failure` when set.
#[derive(Clone, Default)]
pub struct RecordingCollector {
    pub sent: Arc<Mutex<Vec<(String, serde_json::Value)>>>,
    pub failure: Arc<Mutex<Option<ApiFailure>>>,
}

impl Collector for RecordingCollector {
    async fn collect(&self, url: &str, body: &[u8]) -> Result<(), ApiFailure> {
        if let Some(failure) = self.failure.lock().unwrap().clone() {
            return Err(failure);
        }
        let body = serde_json::from_slice(body).unwrap_or_default();
        self.sent.lock().unwrap().push((url.to_owned(), body));
        Ok(())
    }
}
