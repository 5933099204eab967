//! In-memory listing, editing, erasure and idempotency records, with the real store's
//! conditions (versioned edits, conditional claims, expiry checked in code).

use super::{MemoryStore, key};
use crate::listing::{ListPosition, ShipmentPage, ShipmentQuery, list_sort_key};
use crate::model::{NotificationState, Shipment};
use crate::ports::*;
use chrono::{DateTime, Utc};

/// One idempotency record.
#[derive(Debug, Clone)]
pub(super) struct Record {
    request_hash: String,
    response: Option<StoredResponse>,
    resource: Option<String>,
    expires: DateTime<Utc>,
}

impl ShipmentList for MemoryStore {
    async fn list_shipments(
        &self,
        merchant_id: &str,
        query: &ShipmentQuery,
        after: Option<&ListPosition>,
        limit: usize,
    ) -> Result<ShipmentPage, StoreError> {
        let state = self.state.lock().unwrap();
        let mut matching: Vec<(String, &Shipment)> = state
            .shipments
            .values()
            .filter(|s| s.merchant_id == merchant_id && query.matches(s))
            .map(|s| (list_sort_key(s), s))
            .filter(|(k, _)| after.is_none_or(|a| *k < a.sort_key))
            .collect();
        matching.sort_by(|a, b| b.0.cmp(&a.0));
        let more = matching.len() > limit;
        matching.truncate(limit);
        let next = more
            .then(|| matching.last())
            .flatten()
            .map(|(k, s)| ListPosition {
                sort_key: k.clone(),
                tracking_number: s.tracking_number.clone(),
            });
        Ok(ShipmentPage {
            shipments: matching.into_iter().map(|(_, s)| s.clone()).collect(),
            next,
        })
    }
}

impl ShipmentAdmin for MemoryStore {
    async fn save_edit(
        &self,
        expected_version: u64,
        shipment: &Shipment,
    ) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        let k = key(&shipment.merchant_id, &shipment.tracking_number);
        if state.shipments.get(&k).map(|s| s.version) != Some(expected_version) {
            return Err(StoreError::Conflict);
        }
        let mut next = shipment.clone();
        next.version = expected_version + 1;
        state.shipments.insert(k, next);
        Ok(())
    }

    async fn scrub_personal_data(&self, shipment: &Shipment) -> Result<Scrubbed, StoreError> {
        let mut state = self.state.lock().unwrap();
        let k = key(&shipment.merchant_id, &shipment.tracking_number);
        let mut scrubbed = Scrubbed::default();
        for ((nk, _), n) in state.notifications.iter_mut() {
            let failed_text = n.state == NotificationState::Failed && n.detail.is_some();
            if *nk == k && (n.details.signed_by.is_some() || failed_text) {
                n.details.signed_by = None;
                if failed_text {
                    n.detail = Some(crate::listing::ERASED_DETAIL.into());
                }
                scrubbed.notifications += 1;
            }
        }
        if let Some(events) = state.events.get_mut(&k) {
            for e in events.values_mut().filter(|e| e.signed_by.is_some()) {
                e.signed_by = None;
                scrubbed.events += 1;
            }
        }
        scrubbed.rating_comments = usize::from(state.pages.erase_rating_comment(&k));
        let before = state.idempotency.len();
        state.idempotency.retain(|(merchant, _), r| {
            !(*merchant == shipment.merchant_id && r.resource.as_deref() == Some(&shipment.id))
        });
        scrubbed.stored_responses = before - state.idempotency.len();
        Ok(scrubbed)
    }
}

impl IdempotencyStore for MemoryStore {
    async fn claim(&self, k: &IdempotencyKey, now: DateTime<Utc>) -> Result<Claim, StoreError> {
        let mut state = self.state.lock().unwrap();
        let id = (k.merchant_id.clone(), k.key_hash.clone());
        match state.idempotency.get(&id) {
            Some(r) if r.expires > now => {
                return Ok(if r.request_hash != k.request_hash {
                    Claim::Mismatch
                } else if let Some(response) = &r.response {
                    Claim::Replay(response.clone())
                } else {
                    Claim::InProgress
                });
            }
            _ => {}
        }
        state.idempotency.insert(
            id,
            Record {
                request_hash: k.request_hash.clone(),
                response: None,
                resource: None,
                expires: now + IN_PROGRESS_LEASE,
            },
        );
        Ok(Claim::Claimed)
    }

    async fn complete(
        &self,
        k: &IdempotencyKey,
        response: &StoredResponse,
        resource: Option<&ShipmentResource>,
        claimed_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        let id = (k.merchant_id.clone(), k.key_hash.clone());
        let our_claim = state.idempotency.get(&id).is_some_and(|r| {
            r.response.is_none()
                && r.request_hash == k.request_hash
                && r.expires == claimed_at + IN_PROGRESS_LEASE
        });
        if !our_claim {
            return Err(StoreError::Conflict);
        }
        let erased = resource.is_some_and(|r| {
            state
                .shipments
                .get(&key(&k.merchant_id, &r.tracking_number))
                .is_none_or(|s| s.erased_at.is_some())
        });
        if erased {
            state.idempotency.remove(&id);
            return Err(StoreError::Conflict);
        }
        state.idempotency.insert(
            id,
            Record {
                request_hash: k.request_hash.clone(),
                response: Some(response.clone()),
                resource: resource.map(|r| r.id.clone()),
                expires: claimed_at + REPLAY_WINDOW,
            },
        );
        Ok(())
    }

    async fn release(&self, k: &IdempotencyKey) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        let id = (k.merchant_id.clone(), k.key_hash.clone());
        if state
            .idempotency
            .get(&id)
            .is_some_and(|r| r.response.is_none())
        {
            state.idempotency.remove(&id);
        }
        Ok(())
    }
}

impl MemoryStore {
    /// The tracking events stored for a shipment (tests inspect erasures).
    pub fn events(&self, merchant_id: &str, tracking_number: &str) -> Vec<crate::TrackingEvent> {
        self.state
            .lock()
            .unwrap()
            .events
            .get(&key(merchant_id, tracking_number))
            .map(|e| e.values().cloned().collect())
            .unwrap_or_default()
    }

    /// How many idempotency records the merchant has.
    pub fn idempotency_records(&self, merchant_id: &str) -> usize {
        let state = self.state.lock().unwrap();
        state
            .idempotency
            .keys()
            .filter(|(m, _)| m == merchant_id)
            .count()
    }
}
