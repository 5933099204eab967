//! In-memory store-platform orders, handled deliveries and connections.

use super::MemoryStore;
use crate::model::Integration;
use crate::orders::Order;
use crate::platforms::fetch::{FetchFinish, FetchJob, FetchKey, FetchSeen, FetchState};
use crate::ports::{FetchStore, IntegrationStore, OrderStore, StoreError};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

type JobKey = (String, String, String, String);

fn job_key(k: &FetchKey) -> JobKey {
    (
        k.merchant_id.clone(),
        k.store_hash.clone(),
        k.order_id.clone(),
        k.shipment_id.clone(),
    )
}

#[derive(Default)]
pub(super) struct OrderState {
    orders: BTreeMap<(String, String, String), Order>,
    handled: BTreeSet<(String, String, String)>,
    /// Fetch jobs with their wake-up, if any.
    fetches: BTreeMap<JobKey, (FetchJob, Option<DateTime<Utc>>)>,
}

impl OrderState {
    pub(super) fn due_fetches(&self, now: DateTime<Utc>) -> Vec<FetchKey> {
        self.fetches
            .values()
            .filter(|(j, _)| j.due_at().is_some_and(|at| at <= now))
            .map(|(j, _)| j.key())
            .collect()
    }
}

impl MemoryStore {
    pub fn all_orders(&self) -> Vec<Order> {
        self.state
            .lock()
            .unwrap()
            .orders
            .orders
            .values()
            .cloned()
            .collect()
    }
}

impl OrderStore for MemoryStore {
    async fn order(
        &self,
        merchant_id: &str,
        platform: &str,
        order_number: &str,
    ) -> Result<Option<Order>, StoreError> {
        let state = self.state.lock().unwrap();
        let key = (
            merchant_id.to_owned(),
            platform.to_owned(),
            order_number.to_owned(),
        );
        Ok(state.orders.orders.get(&key).cloned())
    }

    async fn save_order(&self, order: &Order) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        let key = (
            order.merchant_id.clone(),
            order.platform.clone(),
            order.order_number.clone(),
        );
        let stored = state.orders.orders.get(&key).map_or(0, |o| o.version);
        if stored + 1 != order.version {
            return Err(StoreError::Conflict);
        }
        state.orders.orders.insert(key, order.clone());
        Ok(())
    }

    async fn claim_rating_request(
        &self,
        merchant_id: &str,
        platform: &str,
        order_number: &str,
        tracking_number: &str,
    ) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        let key = (
            merchant_id.to_owned(),
            platform.to_owned(),
            order_number.to_owned(),
        );
        let Some(order) = state.orders.orders.get_mut(&key) else {
            return Ok(true);
        };
        match &order.rating_asked_by {
            Some(tn) => Ok(tn == tracking_number),
            None => {
                order.rating_asked_by = Some(tracking_number.to_owned());
                order.version += 1;
                Ok(true)
            }
        }
    }

    async fn delivery_handled(
        &self,
        merchant_id: &str,
        platform: &str,
        delivery_id: &str,
    ) -> Result<bool, StoreError> {
        let state = self.state.lock().unwrap();
        let key = (merchant_id.into(), platform.into(), delivery_id.into());
        Ok(state.orders.handled.contains(&key))
    }

    async fn mark_delivery_handled(
        &self,
        merchant_id: &str,
        platform: &str,
        delivery_id: &str,
        _now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        let key = (merchant_id.into(), platform.into(), delivery_id.into());
        state.orders.handled.insert(key);
        Ok(())
    }
}

impl IntegrationStore for MemoryStore {
    async fn save_integration(
        &self,
        merchant_id: &str,
        platform: &str,
        integration: Option<&Integration>,
    ) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        let merchant = state
            .merchants
            .get_mut(merchant_id)
            .ok_or_else(|| StoreError::Corrupt("no such merchant".into()))?;
        match integration {
            Some(i) => {
                merchant.integrations.insert(platform.into(), i.clone());
            }
            None => {
                merchant.integrations.remove(platform);
            }
        }
        Ok(())
    }
}

impl FetchStore for MemoryStore {
    async fn queue_fetch(&self, job: &FetchJob) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        let key = job_key(&job.key());
        let over = |j: &FetchJob| matches!(j.state, FetchState::Done | FetchState::Failed);
        if state
            .orders
            .fetches
            .get(&key)
            .is_some_and(|(j, _)| !over(j))
        {
            return Ok(false);
        }
        state.orders.fetches.insert(key, (job.clone(), None));
        Ok(true)
    }

    async fn fetch_job(&self, key: &FetchKey) -> Result<Option<FetchJob>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .orders
            .fetches
            .get(&job_key(key))
            .map(|(j, _)| j.clone()))
    }

    async fn claim_fetch(
        &self,
        key: &FetchKey,
        seen: FetchSeen,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        let Some((job, woken)) = state.orders.fetches.get_mut(&job_key(key)) else {
            return Ok(false);
        };
        if job.seen() != seen {
            return Ok(false);
        }
        job.state = FetchState::Fetching;
        job.attempts += 1;
        job.lease_until = Some(lease_until);
        job.updated_at = now;
        *woken = None;
        Ok(true)
    }

    async fn finish_fetch(
        &self,
        key: &FetchKey,
        seen: FetchSeen,
        finish: &FetchFinish,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        let Some((job, woken)) = state.orders.fetches.get_mut(&job_key(key)) else {
            return Ok(false);
        };
        if job.seen() != seen {
            return Ok(false);
        }
        job.state = finish.state();
        job.lease_until = None;
        job.next_attempt_at = match finish {
            FetchFinish::Retry { at, .. } => Some(*at),
            _ => None,
        };
        job.last_error = match finish {
            FetchFinish::Retry { error, .. } | FetchFinish::Failed { error } => Some(error.clone()),
            FetchFinish::Done => None,
        };
        job.updated_at = now;
        *woken = None;
        Ok(true)
    }

    async fn wake_fetch(&self, key: &FetchKey, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        let Some((job, woken)) = state.orders.fetches.get_mut(&job_key(key)) else {
            return Ok(false);
        };
        let due = job.due_at().is_some_and(|at| at <= now);
        if !due || super::still_woken(woken.as_ref(), now) {
            return Ok(false);
        }
        *woken = Some(now);
        state.wakes.push(crate::ports::Due::Fetch(key.clone()));
        Ok(true)
    }
}
