//! Ports: what handlers need from the outside world. Adapters live in `afterclick-aws`;
//! unit tests use in-memory fakes.

use crate::message::Override;
use crate::milestone::{Milestone, Moment};
use crate::model::{Channel, Merchant, Notification, NotificationState, Shipment, TrackingEvent};
use crate::rules::DeliveryOutcome;
use chrono::{DateTime, Utc};
use std::future::Future;

mod idempotency;
mod listing;
mod shipment_admin;
pub use idempotency::*;
pub use listing::*;
pub use shipment_admin::*;

mod analytics;
mod credentials;
pub use analytics::*;
pub use credentials::*;

mod lookup;
mod rating;
pub use lookup::*;
pub use rating::*;
mod outgoing;
pub use outgoing::*;
mod orders;
pub use orders::*;
mod events;
pub use events::*;
mod reads;
pub use reads::*;
mod invoices;
pub use invoices::*;
mod sessions;
pub use sessions::*;
mod page_stats;
pub use page_stats::*;
mod email_events;
pub use email_events::*;
mod ga4;
pub use ga4::*;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// A conditional write lost a race; reload and try again.
    #[error("the item changed since it was read")]
    Conflict,
    #[error("a stored item could not be read: {0}")]
    Corrupt(String),
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    Created(Shipment),
    /// The merchant had already registered this tracking number.
    Existing(Shipment),
}

/// Identifies one notification: one moment on one channel for one shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationKey {
    pub merchant_id: String,
    pub tracking_number: String,
    pub milestone: Milestone,
    pub instance: Option<String>,
    pub channel: Channel,
}

impl NotificationKey {
    pub fn moment(&self) -> Moment {
        Moment {
            milestone: self.milestone,
            instance: self.instance.clone(),
        }
    }
}

impl From<&Notification> for NotificationKey {
    fn from(n: &Notification) -> Self {
        Self {
            merchant_id: n.merchant_id.clone(),
            tracking_number: n.tracking_number.clone(),
            milestone: n.milestone,
            instance: n.instance.clone(),
            channel: n.channel,
        }
    }
}

/// A shipment's identity, as the due-time index returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipmentRef {
    pub merchant_id: String,
    pub tracking_number: String,
}

/// What the due-time index says needs attention now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// A promise ended or a quiet spell ran out: re-evaluate.
    Shipment(ShipmentRef),
    /// An SMS held back for quiet hours may now be sent.
    Notification(NotificationKey),
    /// A webhook delivery to (re)try: not picked up from the stream, its claimant crashed,
    /// or its next attempt is due.
    Webhook(crate::outgoing::DeliveryKey),
    /// A store shipment to fetch (again), for the same reasons.
    Fetch(crate::platforms::fetch::FetchKey),
}

pub trait MerchantStore: Send + Sync {
    fn merchant(
        &self,
        merchant_id: &str,
    ) -> impl Future<Output = Result<Option<Merchant>, StoreError>> + Send;

    /// Saves the merchant-editable settings (brand, sender, reply-to, SMS sender, channels,
    /// stall hours, branding) and nothing else: webhook secrets and sender domains have
    /// their own writes, which a save made from an older read must not undo. `Conflict` if
    /// the merchant is gone or no longer owns the sender address's domain.
    fn save_settings(
        &self,
        merchant: &Merchant,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Identifies one merchant template: milestone, channel, locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateKey {
    pub merchant_id: String,
    pub milestone: Milestone,
    pub channel: Channel,
    pub locale: String,
}

pub trait TemplateStore: Send + Sync {
    fn template(
        &self,
        key: &TemplateKey,
    ) -> impl Future<Output = Result<Option<Override>, StoreError>> + Send;
    fn save_template(
        &self,
        key: &TemplateKey,
        template: &Override,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn delete_template(
        &self,
        key: &TemplateKey,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Who asked not to hear from a merchant again: per shipment, or per customer (by the
/// SHA-256 of the email address, so the opt-out list holds no addresses).
pub trait ConsentStore: Send + Sync {
    fn unsubscribe_shipment(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn unsubscribe_customer(
        &self,
        merchant_id: &str,
        email: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Why this shipment's customer must not be messaged, if they opted out.
    fn opted_out(
        &self,
        shipment: &Shipment,
    ) -> impl Future<Output = Result<Option<&'static str>, StoreError>> + Send;
    /// The shipment a public tracking token stands for.
    fn shipment_by_token(
        &self,
        token: &str,
    ) -> impl Future<Output = Result<Option<Shipment>, StoreError>> + Send;
}

/// SES: may the merchant send from this address (is it, or its domain, a verified identity)?
pub trait SenderIdentities: Send + Sync {
    fn is_verified(&self, address: &str) -> impl Future<Output = Result<bool, SendError>> + Send;
}

pub trait ShipmentStore: Send + Sync {
    /// Creates the shipment, or returns the one the merchant already registered under the
    /// same tracking number.
    fn register(
        &self,
        shipment: &Shipment,
    ) -> impl Future<Output = Result<Registration, StoreError>> + Send;

    fn shipment(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> impl Future<Output = Result<Option<Shipment>, StoreError>> + Send;

    fn shipment_by_id(
        &self,
        merchant_id: &str,
        id: &str,
    ) -> impl Future<Output = Result<Option<Shipment>, StoreError>> + Send;

    fn notifications(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> impl Future<Output = Result<Vec<Notification>, StoreError>> + Send;

    /// Writes the evaluated shipment, its new notification intents, its new webhook
    /// deliveries and (on delivery) the delivery-outcome counters atomically, only if the
    /// stored shipment still has `expected_version` (else `Conflict`). Intents and
    /// deliveries that already exist are left alone: one per moment and channel (endpoint),
    /// ever; counters are therefore counted once per shipment.
    fn commit(
        &self,
        expected_version: u64,
        shipment: &Shipment,
        intents: &[Notification],
        deliveries: &[crate::outgoing::Delivery],
        outcome: Option<&DeliveryOutcome>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// A merchant's lane counters over the months a prediction reads
/// ([`crate::lanes::WINDOW_MONTHS`] up to `now`'s), summed per lane, in the order asked.
pub trait LaneStore {
    fn lane_history(
        &self,
        merchant_id: &str,
        lanes: &[crate::lanes::Lane],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<crate::lanes::LaneHistory, StoreError>> + Send;
}

/// The sweeper's view: shipments whose `due_at` has come, read from a sparse index (its cost
/// follows the number of due shipments, not the table size).
///
/// The sweeper acts on due shipments itself; due notifications and webhook deliveries it
/// only wakes: `woken_at` set on the item is a stream record for notify or dispatch, which
/// act on it with their own claims. A wake is conditional on the item being still due at
/// `now` and not woken in the last [`crate::model::WAKE_AGAIN_AFTER`], so a duplicate sweep
/// wakes nothing more; every claim and finish removes `woken_at`, so only wakes match the
/// consumers' stream filter. The item stays in the due index until it is acted on, so a wake
/// whose record was lost is made again by a later sweep.
pub trait DueStore: Send + Sync {
    fn due(&self, now: DateTime<Utc>) -> impl Future<Output = Result<Vec<Due>, StoreError>> + Send;

    /// Wakes a due notification (a deferred SMS, an expired claim) for notify; true if this
    /// call woke it.
    fn wake_notification(
        &self,
        key: &NotificationKey,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Wakes a due webhook delivery (a retry, an expired lease, one the stream never
    /// delivered) for dispatch; true if this call woke it.
    fn wake_delivery(
        &self,
        key: &crate::outgoing::DeliveryKey,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// Secrets at rest (providers' webhook secrets, outgoing-webhook endpoint secrets) are
/// stored sealed and opened only where a signature is made or checked. `owner` (the merchant)
/// is bound into the seal: a sealed secret copied to another merchant's item does not open.
/// A secret stored before sealing existed opens as itself.
pub trait SecretBox: Send + Sync {
    fn seal(
        &self,
        owner: &str,
        plaintext: &str,
    ) -> impl Future<Output = Result<String, StoreError>> + Send;

    fn open(
        &self,
        owner: &str,
        stored: &str,
    ) -> impl Future<Output = Result<String, StoreError>> + Send;

    /// Every stored secret of a list (a provider's current and previous ones), opened.
    fn open_all(
        &self,
        owner: &str,
        stored: &[String],
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send {
        async move {
            let mut opened = Vec::with_capacity(stored.len());
            for secret in stored {
                opened.push(self.open(owner, secret).await?);
            }
            Ok(opened)
        }
    }
}

pub trait EventStore: Send + Sync {
    /// Stores the event unless the same carrier event is already stored; true if it was new.
    fn record_event(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        event: &TrackingEvent,
        received_at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        async move {
            let recorded = self
                .record_events(
                    merchant_id,
                    tracking_number,
                    std::slice::from_ref(event),
                    received_at,
                )
                .await?;
            Ok(recorded.stored == 1)
        }
    }

    /// Stores the new events of one webhook delivery atomically, in the chunks and order of
    /// [`plan_writes`] (at most [`MAX_TRANSACTION_WRITES`] per chunk); events
    /// already stored are left alone and reported as known.
    fn record_events(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        events: &[TrackingEvent],
        received_at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Recorded, StoreError>> + Send;

    /// The carrier moved its estimate without a new scan: update a stored event's estimated
    /// delivery date if it differs; true if it changed (which re-evaluates the shipment).
    fn update_estimate(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        event: &TrackingEvent,
        date: chrono::NaiveDate,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes the `oldest` oldest scans of a tracking number (the history bound); returns how
    /// many there were.
    fn trim_history(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        oldest: usize,
    ) -> impl Future<Output = Result<usize, StoreError>> + Send;

    /// The newest `limit` scans strictly before `before` (or the newest of all), oldest first.
    fn timeline_page(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        before: Option<&EventPosition>,
        limit: usize,
    ) -> impl Future<Output = Result<TimelinePage, StoreError>> + Send;

    /// Every stored event of a tracking number, oldest first.
    fn timeline(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> impl Future<Output = Result<Vec<TrackingEvent>, StoreError>> + Send;
}

pub trait NotificationStore: Send + Sync {
    /// Moves a notification from `from` (pending, or deferred when its quiet hours end) to
    /// `claimed`; false if it is not in `from` any more (someone else claimed it). The claim
    /// is a lease: until the send is recorded it stays due at `now` +
    /// [`crate::model::NOTIFICATION_CLAIM_LEASE`].
    fn claim(
        &self,
        key: &NotificationKey,
        from: NotificationState,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Takes over a claim whose lease expired: only if it is still the claim made at
    /// `claimed_at` (no other sweeper took it over first). Renews the lease and counts the
    /// takeover in `expired_claims`.
    fn take_over(
        &self,
        key: &NotificationKey,
        claimed_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records how a claimed notification ended.
    fn finish(
        &self,
        key: &NotificationKey,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Sending a notification again, on the merchant's word.
pub trait NotificationResend: Send + Sync {
    /// Puts a notification that was never sent (failed, or suppressed) back on its way:
    /// pending again, due at once and woken for notify, which takes it as a new intent
    /// (opt-outs, suppressions and quiet hours hold) and sends.
    /// False when it is in any other state: already sent, or already put back (a repeated
    /// request changes nothing).
    fn reopen(
        &self,
        key: &NotificationKey,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// How a claimed notification ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent {
        provider_message_id: String,
        segments: Option<crate::sms::Segments>,
        /// For the merchant: the built-in message went instead of their template, and why.
        note: Option<String>,
    },
    /// SMS held back during the customer's quiet hours, until `until`.
    Deferred {
        until: DateTime<Utc>,
    },
    Suppressed {
        reason: String,
    },
    Failed {
        error: String,
    },
}

impl Outcome {
    pub fn state(&self) -> NotificationState {
        match self {
            Outcome::Sent { .. } => NotificationState::Sent,
            Outcome::Deferred { .. } => NotificationState::Deferred,
            Outcome::Suppressed { .. } => NotificationState::Suppressed,
            Outcome::Failed { .. } => NotificationState::Failed,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// RFC 8058 one-click unsubscribe URL (List-Unsubscribe + List-Unsubscribe-Post).
    pub unsubscribe_url: Option<String>,
    pub from_name: String,
    pub from_address: String,
    pub reply_to: Option<String>,
    pub to: String,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// SES message tags naming the notification, so SES's events about the email find it
    /// (`crate::email_events::tags`).
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingSms {
    pub to: String,
    pub body: String,
    pub sender_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The provider refused this message for good (bad address, unverified sender...).
    #[error("rejected: {0}")]
    Rejected(String),
    /// Throttled or down, after the client's own retries.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

pub trait Mailer: Send + Sync {
    /// Sends one email; returns the provider's message id.
    fn send_email(
        &self,
        email: &OutgoingEmail,
    ) -> impl Future<Output = Result<String, SendError>> + Send;
}

pub trait Texter: Send + Sync {
    /// Sends one SMS; returns the provider's message id.
    fn send_sms(&self, sms: &OutgoingSms)
    -> impl Future<Output = Result<String, SendError>> + Send;

    /// Has this number opted out of SMS (replied STOP)? SNS keeps that list.
    fn is_opted_out(&self, phone: &str) -> impl Future<Output = Result<bool, SendError>> + Send;
}
