//! In-memory store-platform orders, handled deliveries and connections.

use super::MemoryStore;
use crate::model::Integration;
use crate::orders::Order;
use crate::ports::{IntegrationStore, OrderStore, StoreError};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Default)]
pub(super) struct OrderState {
    orders: BTreeMap<(String, String), Order>,
    handled: BTreeSet<(String, String, String)>,
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
        order_number: &str,
    ) -> Result<Option<Order>, StoreError> {
        let state = self.state.lock().unwrap();
        let key = (merchant_id.to_owned(), order_number.to_owned());
        Ok(state.orders.orders.get(&key).cloned())
    }

    async fn save_order(&self, order: &Order) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        let key = (order.merchant_id.clone(), order.order_number.clone());
        let stored = state.orders.orders.get(&key).map_or(0, |o| o.version);
        if stored + 1 != order.version {
            return Err(StoreError::Conflict);
        }
        state.orders.orders.insert(key, order.clone());
        Ok(())
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
