//! What SES reports about sent emails: recorded on the notification, counted, and the
//! merchant's list of addresses that get no more email (`crate::email_events`).

use super::{NotificationKey, StoreError};
use crate::email_events::{EmailEvent, Suppression, SuppressionReason};
use crate::notification_stats::NotificationDay;
use chrono::NaiveDate;
use std::future::Future;

pub trait EmailEventStore: Send + Sync {
    /// Records the first event of its kind on the notification and counts it, with the
    /// suppressions it asks for, in one write: false (and nothing written) when it was
    /// recorded before (SNS delivers at least once: a repeat must not put back an address
    /// the merchant lifted since) or the notification does not exist.
    fn record_email_event(
        &self,
        key: &NotificationKey,
        event: &EmailEvent,
        suppressions: &[Suppression],
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

pub trait SuppressionList: Send + Sync {
    /// Adds an address to the merchant's list by hand (operators, seeding); false when it
    /// is on it already.
    fn suppress(
        &self,
        suppression: &Suppression,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Why the merchant sends no email to `email` (looked up by its hash), if it is listed.
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

    /// Takes the address (by its hash) off the list, the merchant's decision; false if it
    /// was not on it.
    fn lift_suppression(
        &self,
        merchant_id: &str,
        email_hash: &str,
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
