//! Delivery ratings: one per shipment, changeable, counted on the shipment's delivery
//! outcome (the analytics item its delivery was counted on).

use crate::model::Shipment;
use crate::ports::StoreError;
use chrono::{DateTime, Utc};
use std::future::Future;

/// Longest comment a customer may leave, in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    /// 1 to 5.
    pub stars: u8,
    pub comment: Option<String>,
    pub rated_at: DateTime<Utc>,
}

pub trait RatingStore: Send + Sync {
    fn rating(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> impl Future<Output = Result<Option<Rating>, StoreError>> + Send;

    /// Stores the shipment's rating (replacing an earlier one) and counts it on the
    /// delivery outcome in the same transaction, guarded by the rating it replaces: a new
    /// rating adds one to `rating_count` and its stars to `rating_sum`; a changed one moves
    /// `rating_sum` by the difference only. Duplicate or concurrent posts count once.
    /// The shipment must be delivered. Once it is erased (even after the caller read it),
    /// the comment is dropped and the stars are stored alone.
    fn rate(
        &self,
        shipment: &Shipment,
        rating: &Rating,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// The month of the delivery outcome a shipment's rating counts on (`yyyy-mm`, UTC, as the
/// delivery counters use); none until it is delivered.
pub fn outcome_month(shipment: &Shipment) -> Option<String> {
    shipment
        .milestones
        .get(crate::Milestone::Delivered.as_str())
        .map(|d| d.at.format("%Y-%m").to_string())
}
