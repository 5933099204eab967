//! In-memory endpoints and deliveries, honouring the real store's conditions: the endpoint
//! limit, deliveries created once, claims and finishes only from the state as seen.

use super::MemoryStore;
use crate::outgoing::{
    Delivery, DeliveryKey, DeliveryState, Finish, Response, Seen, WebhookEndpoint,
};
use crate::ports::{
    DeliveryStore, EndpointCreation, EndpointStore, OutgoingWebhook, StoreError, WebhookSender,
};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

type Key = (String, String, String, String);

#[derive(Default)]
pub(super) struct WebhookState {
    endpoints: BTreeMap<(String, String), WebhookEndpoint>,
    deliveries: BTreeMap<Key, Delivery>,
    /// The sweeper's wake-ups standing on deliveries (`woken_at`).
    woken: BTreeMap<Key, DateTime<Utc>>,
}

fn key(k: &DeliveryKey) -> Key {
    (
        k.merchant_id.clone(),
        k.tracking_number.clone(),
        k.endpoint_id.clone(),
        k.moment.clone(),
    )
}

impl WebhookState {
    pub(super) fn due(&self, now: DateTime<Utc>) -> Vec<DeliveryKey> {
        self.deliveries
            .values()
            .filter(|d| crate::outgoing::due_at(d).is_some_and(|at| at <= now))
            .map(Delivery::key)
            .collect()
    }

    /// Part of `wake_delivery`: wakes it if it is due at `now` and not woken lately.
    pub(super) fn wake(&mut self, k: &DeliveryKey, now: DateTime<Utc>) -> bool {
        let due = self
            .deliveries
            .get(&key(k))
            .and_then(crate::outgoing::due_at)
            .is_some_and(|at| at <= now);
        if !due || super::still_woken(self.woken.get(&key(k)), now) {
            return false;
        }
        self.woken.insert(key(k), now);
        true
    }

    /// When the sweeper woke this delivery, if the wake-up still stands on it.
    pub(super) fn woken_at(&self, k: &DeliveryKey) -> Option<DateTime<Utc>> {
        self.woken.get(&key(k)).copied()
    }

    /// Part of `commit`: a delivery that already exists is left alone.
    pub(super) fn insert_new(&mut self, deliveries: &[Delivery]) {
        for d in deliveries {
            self.deliveries
                .entry(key(&d.key()))
                .or_insert_with(|| d.clone());
        }
    }
}

impl MemoryStore {
    pub fn put_delivery(&self, delivery: Delivery) {
        let mut state = self.state.lock().unwrap();
        state
            .outgoing
            .deliveries
            .insert(key(&delivery.key()), delivery);
    }

    /// When the sweeper woke this delivery, if the wake-up still stands on it.
    pub fn delivery_woken_at(&self, k: &DeliveryKey) -> Option<DateTime<Utc>> {
        self.state.lock().unwrap().outgoing.woken_at(k)
    }

    pub fn all_deliveries(&self) -> Vec<Delivery> {
        let state = self.state.lock().unwrap();
        state.outgoing.deliveries.values().cloned().collect()
    }
}

impl EndpointStore for MemoryStore {
    async fn create_endpoint(
        &self,
        endpoint: &WebhookEndpoint,
        limit: usize,
    ) -> Result<EndpointCreation, StoreError> {
        let mut state = self.state.lock().unwrap();
        let endpoints = &mut state.outgoing.endpoints;
        let count = endpoints
            .keys()
            .filter(|(m, _)| *m == endpoint.merchant_id)
            .count();
        if count >= limit {
            return Ok(EndpointCreation::LimitReached);
        }
        endpoints.insert(
            (endpoint.merchant_id.clone(), endpoint.id.clone()),
            endpoint.clone(),
        );
        Ok(EndpointCreation::Created)
    }

    async fn endpoints(&self, merchant_id: &str) -> Result<Vec<WebhookEndpoint>, StoreError> {
        let state = self.state.lock().unwrap();
        let mut list: Vec<WebhookEndpoint> = state
            .outgoing
            .endpoints
            .values()
            .filter(|e| e.merchant_id == merchant_id)
            .cloned()
            .collect();
        list.sort_by_key(|e| e.created_at);
        Ok(list)
    }

    async fn endpoint(
        &self,
        merchant_id: &str,
        endpoint_id: &str,
    ) -> Result<Option<WebhookEndpoint>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .outgoing
            .endpoints
            .get(&(merchant_id.to_owned(), endpoint_id.to_owned()))
            .cloned())
    }

    async fn replace_endpoint_secret(
        &self,
        rotated: &WebhookEndpoint,
        seen_secret: &str,
    ) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        let key = (rotated.merchant_id.clone(), rotated.id.clone());
        match state.outgoing.endpoints.get_mut(&key) {
            Some(e) if e.secret == seen_secret => {
                e.secret = rotated.secret.clone();
                e.previous_secret = rotated.previous_secret.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn delete_endpoint(
        &self,
        merchant_id: &str,
        endpoint_id: &str,
    ) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        Ok(state
            .outgoing
            .endpoints
            .remove(&(merchant_id.to_owned(), endpoint_id.to_owned()))
            .is_some())
    }
}

impl DeliveryStore for MemoryStore {
    async fn delivery(&self, k: &DeliveryKey) -> Result<Option<Delivery>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state.outgoing.deliveries.get(&key(k)).cloned())
    }

    async fn claim_delivery(
        &self,
        k: &DeliveryKey,
        seen: Seen,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut guard = self.state.lock().unwrap();
        let state = &mut *guard;
        match state.outgoing.deliveries.get_mut(&key(k)) {
            Some(d) if d.seen() == seen => {
                d.state = DeliveryState::Sending;
                d.attempts += 1;
                d.lease_until = Some(lease_until);
                d.next_attempt_at = None;
                d.updated_at = now;
                state.outgoing.woken.remove(&key(k));
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn finish_delivery(
        &self,
        k: &DeliveryKey,
        seen: Seen,
        finish: &Finish,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut guard = self.state.lock().unwrap();
        let state = &mut *guard;
        let Some(d) = state.outgoing.deliveries.get_mut(&key(k)) else {
            return Ok(false);
        };
        if d.seen() != seen {
            return Ok(false);
        }
        d.state = finish.state();
        d.lease_until = None;
        d.updated_at = now;
        match finish {
            Finish::Delivered { status } => {
                d.last_status = Some(*status);
                d.last_error = None;
            }
            Finish::Retry { status, error, at } => {
                d.last_status = *status;
                d.last_error = Some(error.clone());
                d.next_attempt_at = Some(*at);
            }
            Finish::Failed { status, error } => {
                d.last_status = *status;
                d.last_error = Some(error.clone());
            }
            Finish::Cancelled { reason } => d.last_error = Some(reason.clone()),
        }
        state.outgoing.woken.remove(&key(k));
        Ok(true)
    }

    async fn endpoint_deliveries(
        &self,
        merchant_id: &str,
        endpoint_id: &str,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        let state = self.state.lock().unwrap();
        let mut list: Vec<Delivery> = state
            .outgoing
            .deliveries
            .values()
            .filter(|d| d.merchant_id == merchant_id && d.endpoint_id == endpoint_id)
            .map(|d| Delivery {
                payload: String::new(),
                ..d.clone()
            })
            .collect();
        list.sort_by_key(|d| std::cmp::Reverse(d.created_at));
        list.truncate(limit);
        Ok(list)
    }
}

/// Records every POST and answers from a script (`Ok(200)` once the script runs out).
#[derive(Clone, Default)]
pub struct RecordingSender {
    pub sent: Arc<Mutex<Vec<OutgoingWebhook>>>,
    pub responses: Arc<Mutex<Vec<Response>>>,
}

impl RecordingSender {
    pub fn answering(responses: Vec<Response>) -> Self {
        Self {
            sent: Arc::default(),
            responses: Arc::new(Mutex::new(responses)),
        }
    }

    pub fn sent(&self) -> Vec<OutgoingWebhook> {
        self.sent.lock().unwrap().clone()
    }
}

impl WebhookSender for RecordingSender {
    async fn post(&self, webhook: &OutgoingWebhook) -> Response {
        self.sent.lock().unwrap().push(webhook.clone());
        let mut script = self.responses.lock().unwrap();
        if script.is_empty() {
            Ok(200)
        } else {
            script.remove(0)
        }
    }
}
