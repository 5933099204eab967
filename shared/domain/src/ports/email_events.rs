//! What SES reports about sent emails: recorded on the notification, counted, and the
//! merchant's list of addresses that get no more email (`crate::email_events`).

use super::{NotificationKey, StoreError};
use crate::email_events::{EmailEvent, Suppression, SuppressionReason};
use crate::notification_stats::NotificationDay;
use chrono::NaiveDate;
use std::future::Future;

pub trait EmailEventStore: Send + Sync {
    /// Records the first event of its kind on the notification and counts it, in one
    /// write: false when it was recorded before (SNS delivers at least once) or the
    /// notification does not exist (erased).
    fn record_email_event(
        &self,
        key: &NotificationKey,
        event: &EmailEvent,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

pub trait SuppressionList: Send + Sync {
    /// Adds the address to the merchant's list; false when it is on it already (the first
    /// reason stays).
    fn suppress(
        &self,
        suppression: &Suppression,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Why the merchant sends no email to `email`, if it is on the list.
    fn suppressed(
        &self,
        merchant_id: &str,
        email: &str,
    ) -> impl Future<Output = Result<Option<SuppressionReason>, StoreError>> + Send;

    /// The merchant's list, newest first.
    fn suppressions(
        &self,
        merchant_id: &str,
    ) -> impl Future<Output = Result<Vec<Suppression>, StoreError>> + Send;

    /// Takes the address off the list (the merchant's decision); false if it was not on it.
    fn lift_suppression(
        &self,
        merchant_id: &str,
        email: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

pub trait NotificationStatsStore: Send + Sync {
    /// The merchant's days from `from` to `to` (inclusive) that have counts, oldest first.
    fn notification_stats(
        &self,
        merchant_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Future<Output = Result<Vec<NotificationDay>, StoreError>> + Send;
}
