//! The merchant editing a shipment or erasing its customer's personal data.

use super::StoreError;
use crate::model::Shipment;
use std::future::Future;

/// What an erasure removed, per kind of item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scrubbed {
    /// Notification items that lost personal data (who signed, a provider's error text).
    pub notifications: usize,
    /// Tracking events that lost who signed for the parcel.
    pub events: usize,
    /// Stored idempotent responses (they echo the customer) that were deleted.
    pub stored_responses: usize,
    /// Rating comments (the customer's own words) removed; the stars stay, anonymous.
    pub rating_comments: usize,
}

pub trait ShipmentAdmin: Send + Sync {
    /// Replaces the shipment if the stored one still has `expected_version` (else
    /// `Conflict`), and marks the write as the merchant's so the milestones consumer
    /// re-evaluates it (a moved promise can make it late).
    fn save_edit(
        &self,
        expected_version: u64,
        shipment: &Shipment,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Removes personal data copied onto the shipment's notifications and events, its
    /// rating's comment, and the stored idempotent responses that created it. Idempotent:
    /// run again, it finds nothing.
    fn scrub_personal_data(
        &self,
        shipment: &Shipment,
    ) -> impl Future<Output = Result<Scrubbed, StoreError>> + Send;
}
