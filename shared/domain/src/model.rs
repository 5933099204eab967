//! Shipments, tracking events, notifications and merchants as the domain sees them.

use crate::contact::{CountryCode, EmailAddress, PhoneNumber};
use crate::i18n::LocaleTag;
use crate::milestone::Milestone;
use crate::reason::Reason;
use crate::status::Status;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailAddress>,
    /// E.164, e.g. `+4915112345678`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<PhoneNumber>,
    /// BCP 47 tag, e.g. `de-DE`. None: not given at registration, so pages follow the
    /// browser's `Accept-Language` and messages the merchant's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<LocaleTag>,
    /// IANA time zone, e.g. `Europe/Berlin`.
    pub timezone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneReached {
    /// When the moment happened at the carrier, not when afterclick learnt of it.
    pub at: DateTime<Utc>,
    /// False when the moment was recorded without telling the customer (stale or superseded).
    pub notified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    pub id: String,
    pub merchant_id: String,
    pub tracking_number: String,
    pub carrier: String,
    pub order_number: String,
    pub customer: Customer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised_delivery_date: Option<NaiveDate>,
    /// Carrier service level (e.g. `FEDEX_GROUND`), for delivery analytics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// ISO 3166-1 alpha-2, for delivery analytics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_country: Option<CountryCode>,
    /// Where the parcel left from and the region it goes to (a postal prefix such as
    /// `US-100`, never a whole postal code): its lane, for transit statistics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_country: Option<CountryCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_region: Option<String>,
    pub status: Status,
    /// `occurred_at` of the event that set `status`; none while pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_delivery: Option<NaiveDate>,
    /// The carrier's first estimate: how reliable the carrier's dates are is judged on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_estimate: Option<NaiveDate>,
    /// The shop's estimate from its delivery history (`crate::lanes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prediction: Option<crate::lanes::Prediction>,
    /// Progress the scans show (`crate::lanes::stage`): the first departure from a
    /// facility, the first arrival at the destination's delivery facility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_destination_at: Option<DateTime<Utc>>,
    /// Moments reached, by [`crate::milestone::Moment::key`] (`delivered`,
    /// `exception#address_issue`...). Empty maps are left out of stored items: DynamoDB
    /// Local's stream drops their type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub milestones: BTreeMap<String, MilestoneReached>,
    /// The newest carrier scan, for stall detection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_scan_at: Option<DateTime<Utc>>,
    /// When the sweeper must look at this shipment again (promise deadline, stall
    /// deadline); none once nothing can be due. Drives the sparse due-time index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    /// Public tracking page token: 128 random bits, URL-safe.
    pub token: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic concurrency: every write expects the version it read.
    pub version: u64,
    /// The channels this shipment's customer may be messaged on, narrowing the merchant's
    /// (`[]`: no messages at all); none means the merchant's channels apply unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<Channel>>,
    /// When the customer's personal data was erased (`DELETE /v1/shipments/{id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erased_at: Option<DateTime<Utc>>,
    /// What evaluation needs from the timeline beyond the state above, so that new scans are
    /// judged without re-reading the history; none until an evaluation has read it whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<HistorySummary>,
    /// The order and the part of it this parcel carries, when a store platform registered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcel: Option<OrderParcel>,
    /// The carrier as the store named it, when that name is not one of afterclick's
    /// carriers (`carrier` then holds what the number's format says, or `unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_name: Option<String>,
    /// The merchant marked the watchlist's reasons as handled (`crate::attention`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handled: Option<crate::attention::Handled>,
}

/// One line of an order, as far as it travels in one parcel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    pub title: String,
    pub quantity: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
}

/// Where a store platform's parcel sits in its order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderParcel {
    /// `shopify`, `woocommerce` or `bigcommerce`.
    pub platform: String,
    /// The platform's order id (the order *number* is the shipment's `order_number`).
    pub order_id: String,
    /// The platform's id of the part of the order this parcel carries: the fulfilment
    /// (Shopify), the tracking item (WooCommerce), the shipment (BigCommerce).
    pub parcel_id: String,
    /// The platform's own name for it, e.g. Shopify's `#1001.2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<LineItem>,
    /// The platform's time of the newest update applied: an older one, delivered late or
    /// retried, never overwrites it.
    pub as_of: DateTime<Utc>,
    /// The store cancelled it (the fulfilment, the tracking item or the order): the
    /// shipment is cancelled and nothing more is announced, whatever the carrier scans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<DateTime<Utc>>,
}

impl Shipment {
    /// The customer's tracking page under `base` (the merchant's pages base URL).
    pub fn tracking_url(&self, base: &str) -> String {
        format!("{base}/t/{}", self.token)
    }

    /// The customer's unsubscribe page under `base`.
    pub fn unsubscribe_url(&self, base: &str) -> String {
        format!("{base}/u/{}", self.token)
    }

    /// Did the store cancel this parcel?
    pub fn cancelled_by_store(&self) -> bool {
        self.parcel
            .as_ref()
            .is_some_and(|p| p.cancelled_at.is_some())
    }
}

/// What registering a shipment says about it; everything else starts as
/// [`Shipment::registered`] sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShipment {
    pub tracking_number: String,
    pub carrier: String,
    pub order_number: String,
    pub customer: Customer,
    pub promised_delivery_date: Option<NaiveDate>,
    pub service: Option<String>,
    pub destination_country: Option<CountryCode>,
    pub origin_country: Option<CountryCode>,
    /// Postal regions (`crate::lanes::postal_region`).
    pub origin_region: Option<String>,
    pub destination_region: Option<String>,
}

impl Shipment {
    /// A shipment as registered at `now`: pending, no scans, no moments, version 1.
    pub fn registered(
        id: String,
        merchant_id: String,
        token: String,
        new: NewShipment,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            merchant_id,
            tracking_number: new.tracking_number,
            carrier: new.carrier,
            order_number: new.order_number,
            customer: new.customer,
            promised_delivery_date: new.promised_delivery_date,
            service: new.service,
            destination_country: new.destination_country,
            origin_country: new.origin_country,
            origin_region: new.origin_region,
            destination_region: new.destination_region,
            status: Status::Pending,
            status_at: None,
            estimated_delivery: None,
            first_estimate: None,
            prediction: None,
            departed_at: None,
            at_destination_at: None,
            milestones: BTreeMap::new(),
            last_scan_at: None,
            due_at: None,
            token,
            created_at: now,
            updated_at: now,
            version: 1,
            channels: None,
            erased_at: None,
            history: None,
            parcel: None,
            carrier_name: None,
            handled: None,
        }
    }
}

/// The part of a shipment's timeline that evaluation keeps (`rules::evaluate` reads it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistorySummary {
    /// When the whole timeline was read; the summary covers every scan since, one by one.
    pub read_at: DateTime<Utc>,
    /// The earliest label scan: scans long before it are impossible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_at: Option<DateTime<Utc>>,
    /// The scan `estimated_delivery` came from: only a scan at least as new replaces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate_at: Option<DateTime<Utc>>,
    /// Scans stored: the timeline's length when it was read, plus each scan received since
    /// (a stream record redelivered after a failure may count twice; a scan stored while the
    /// timeline's pages were read, not at all). Past
    /// [`crate::ports::MAX_HISTORY`] the oldest are deleted.
    #[serde(default)]
    pub scans: usize,
}

/// One carrier scan, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingEvent {
    pub occurred_at: DateTime<Utc>,
    pub status: Status,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_delivery: Option<NaiveDate>,
    /// Which webhook format it came in (`generic`, `easypost`, ...).
    pub provider: String,
    /// The provider's own status code, kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_status: Option<String>,
    /// The provider's sub-status / detail code, kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_substatus: Option<String>,
    /// Why: `exception` + `address_issue`, `delivered` + `delivered_to_neighbour`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The carrier's local wall-clock time of the scan, when the provider sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_time: Option<NaiveDateTime>,
    /// How `occurred_at` was obtained; see [`TimeBasis`].
    #[serde(default, skip_serializing_if = "TimeBasis::is_instant")]
    pub time_basis: TimeBasis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    /// Where the parcel waits for collection, when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup: Option<Pickup>,
}

/// How an event's instant is known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBasis {
    /// The provider sent UTC or an offset: `occurred_at` is exact.
    #[default]
    Instant,
    /// The provider sent local wall time; the location's time zone made it an instant.
    LocalResolved,
    /// Local wall time in an unknown zone: `occurred_at` holds the wall time read as UTC
    /// (for ordering only, possibly hours off); show `local_time`, never a converted time.
    LocalUnresolved,
}

impl TimeBasis {
    pub fn is_instant(&self) -> bool {
        *self == TimeBasis::Instant
    }
}

/// A pickup point holding the parcel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pickup {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
}

impl Shipment {
    /// May the customer be messaged on this channel? The merchant's settings decide which
    /// channels a milestone uses; a shipment can only narrow them.
    pub fn allows(&self, channel: Channel) -> bool {
        self.channels
            .as_ref()
            .is_none_or(|allowed| allowed.contains(&channel))
    }
}

impl TrackingEvent {
    /// An event with only the required fields set; parsers fill in what they know.
    pub fn new(occurred_at: DateTime<Utc>, status: Status, provider: &str) -> Self {
        Self {
            occurred_at,
            status,
            description: String::new(),
            location: None,
            estimated_delivery: None,
            provider: provider.to_owned(),
            raw_status: None,
            raw_substatus: None,
            reason: None,
            local_time: None,
            time_basis: TimeBasis::Instant,
            signed_by: None,
            pickup: None,
        }
    }

    #[cfg(test)]
    fn blank() -> Self {
        Self::new(DateTime::<Utc>::MIN_UTC, Status::Pending, "")
    }

    /// Identity of a carrier event: the same scan re-sent in another delivery or another
    /// history hashes the same, so a conditional put stores it once. It hashes the
    /// provider's raw codes, not our mapping of them, so a change to a status table never
    /// makes a re-sent old scan look new.
    pub fn event_id(&self, tracking_number: &str) -> String {
        let mut hasher = Sha256::new();
        for part in [
            tracking_number,
            &self.occurred_at.timestamp_millis().to_string(),
            self.raw_status.as_deref().unwrap_or(self.status.as_str()),
            self.raw_substatus.as_deref().unwrap_or(""),
            self.description.trim(),
            self.location.as_deref().unwrap_or("").trim(),
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0u8]);
        }
        hex::encode(&hasher.finalize()[..12])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Email, Channel::Sms];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// `pending -> claimed -> sent | suppressed | failed | deferred`; a deferred SMS is claimed
/// again by the sweeper when the customer's quiet hours end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationState {
    Pending,
    Claimed,
    Sent,
    Suppressed,
    Failed,
    Deferred,
}

impl NotificationState {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationState::Pending => "pending",
            NotificationState::Claimed => "claimed",
            NotificationState::Sent => "sent",
            NotificationState::Suppressed => "suppressed",
            NotificationState::Failed => "failed",
            NotificationState::Deferred => "deferred",
        }
    }
}

/// What a message needs to say about its moment beyond the shipment itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    /// Delays: the date the customer was expecting (the promise, or the previous estimate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_date: Option<NaiveDate>,
    /// Delays: the new expected date, when the carrier gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Failed attempts: which attempt this was (1, 2, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup: Option<Pickup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl Details {
    pub fn is_empty(&self) -> bool {
        *self == Details::default()
    }
}

/// One message to one customer for one moment on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub merchant_id: String,
    pub tracking_number: String,
    pub milestone: Milestone,
    /// Which occurrence of the milestone (see [`crate::milestone::Moment`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    #[serde(default, skip_serializing_if = "Details::is_empty")]
    pub details: Details,
    pub channel: Channel,
    pub state: NotificationState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_message_id: Option<String>,
    /// Why it was suppressed or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// SMS: how it was encoded and how many segments it took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segments: Option<crate::sms::Segments>,
    /// Deferred SMS: when the quiet hours end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred_until: Option<DateTime<Utc>>,
    /// Claims that expired before their send was recorded (the sender died); each one was
    /// taken over and sent again (see [`NOTIFICATION_CLAIM_LEASE`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub expired_claims: u32,
    /// Email: what SES said happened to it (stored flat: `delivered_at`, `bounced_at`, ...).
    #[serde(flatten)]
    pub email: EmailTrack,
}

/// When SES first reported each event about a sent email (see [`crate::email_events`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailTrack {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounced_at: Option<DateTime<Utc>>,
    /// The bounce's type and the receiving server's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complained_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clicked_at: Option<DateTime<Utc>>,
}

impl EmailTrack {
    /// The events in the order they happen to an email, with when.
    pub fn events(&self) -> Vec<(crate::email_events::EmailEventKind, DateTime<Utc>)> {
        use crate::email_events::EmailEventKind as K;
        [
            (K::Delivered, self.delivered_at),
            (K::Bounced, self.bounced_at),
            (K::Opened, self.opened_at),
            (K::Clicked, self.clicked_at),
            (K::Complained, self.complained_at),
        ]
        .into_iter()
        .filter_map(|(k, at)| at.map(|at| (k, at)))
        .collect()
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// How long a claim on a notification holds. Longer than the notify function's timeout
/// (30 s) many times over, so a live sender is never taken over; a claim older than this
/// belongs to a sender that died between the claim and the record of its send: the sweeper
/// finds it through the due index and wakes it, and notify takes it over and sends again.
/// SES and SNS take no idempotency key, so the first attempt may have reached the customer
/// too: a duplicate is preferred to a silent loss, and the takeover is counted on the notification
/// (`expired_claims`), in the log and in the `ExpiredNotificationClaims` metric, which
/// the template alarms on.
pub const NOTIFICATION_CLAIM_LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// How long a wake-up (the sweeper's `woken_at` on a due notification or delivery) stands
/// before a later sweep may wake the item again: shorter than the 15-minute schedule, so the
/// next sweep repeats a wake whose stream record was lost or gave up; longer than a duplicate
/// run of one sweep (a scheduler retry), which therefore wakes nothing twice.
pub const WAKE_AGAIN_AFTER: chrono::Duration = chrono::Duration::minutes(10);

impl Merchant {
    /// The base of this shop's customer pages: its own domain if it has one, else the
    /// deployment's (`PUBLIC_BASE_URL`).
    pub fn pages_base<'a>(&'a self, deployment: &'a str) -> &'a str {
        self.branding
            .page_base_url
            .as_deref()
            .unwrap_or(deployment)
            .trim_end_matches('/')
    }
}

/// A merchant's configuration, as the notification and webhook paths need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merchant {
    pub merchant_id: String,
    pub brand_name: String,
    /// SES identity messages are sent from.
    pub sender_email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_sender_id: Option<String>,
    /// Which channels each milestone is announced on.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub channels: BTreeMap<Milestone, Vec<Channel>>,
    /// Webhook signing secrets by provider; two during a rotation.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub webhook_secrets: BTreeMap<String, Vec<String>>,
    /// Business hours (Monday to Friday) without a carrier scan before a shipment is stalled.
    #[serde(default = "default_stall_hours")]
    pub stall_after_hours: u32,
    /// Risk (percent) of missing the promise from which a shipment is trending late.
    #[serde(default = "default_trending_late_percent")]
    pub trending_late_percent: u8,
    /// How messages look and what they offer.
    #[serde(default)]
    pub branding: Branding,
    /// Domains this merchant may send from, set by afterclick's operators when the
    /// merchant proves ownership: SES verification alone is account-wide, so without this a
    /// merchant could name another tenant's verified domain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sender_domains: Vec<String>,
    /// Store platforms connected, by platform name; their signing secrets are among
    /// `webhook_secrets` (under `Platform::secret_key`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub integrations: BTreeMap<String, Integration>,
    /// The GA4 property page analytics are forwarded to (off: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ga4: Option<crate::ga4::Ga4Link>,
}

/// A merchant's connection to a store platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integration {
    /// The shop as the platform identifies it in its deliveries: Shopify's shop domain,
    /// WooCommerce's site URL, BigCommerce's store hash.
    pub shop: String,
    pub connected_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// BigCommerce: the API token shipments are fetched with, sealed like the secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_token: Option<String>,
}

impl Merchant {
    /// Is this address on one of the merchant's own sender domains?
    pub fn owns_sender(&self, address: &str) -> bool {
        address.rsplit_once('@').is_some_and(|(_, domain)| {
            self.sender_domains
                .iter()
                .any(|d| d.eq_ignore_ascii_case(domain))
        })
    }
}

/// The merchant's look, words and offers in every message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// `#rrggbb`
    pub primary_color: String,
    pub accent_color: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_email: Option<String>,
    /// One of the built-in locales; used when the customer's is not.
    pub default_locale: LocaleTag,
    pub quiet_hours: QuietHours,
    /// Offered in the delay apology.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_code: Option<String>,
    /// "You might also like", at most four.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recommendations: Vec<Product>,
    /// Recommendations chosen by what the parcel holds: a line item's SKU (or the store's
    /// product id) -> products to offer with it. A parcel whose items map to none gets
    /// `recommendations`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub recommendations_by_item: BTreeMap<String, Vec<Product>>,
    /// The shop's own sites (`https://host`) that may show the tracking page and the order
    /// lookup in an iframe (CSP `frame-ancestors`); none: no site may.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embed_origins: Vec<String>,
    /// Where this shop's customers reach its pages (`https://track.shop.example`), when one
    /// deployment serves several brands on their own domains; none: the deployment's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_base_url: Option<String>,
}

impl Branding {
    /// What to offer with this shipment: the products its items map to (in item order, at
    /// most four, none twice), else the merchant's list.
    pub fn recommendations_for(&self, shipment: &Shipment) -> Vec<Product> {
        let mut chosen: Vec<Product> = Vec::new();
        let items = shipment.parcel.iter().flat_map(|p| &p.items);
        for item in items {
            let keys = [item.sku.as_deref(), item.product_id.as_deref()];
            let mapped = keys
                .into_iter()
                .flatten()
                .find_map(|k| self.recommendations_by_item.get(k));
            for product in mapped.into_iter().flatten() {
                if chosen.len() < 4 && !chosen.iter().any(|c| c.url == product.url) {
                    chosen.push(product.clone());
                }
            }
        }
        if chosen.is_empty() {
            self.recommendations.clone()
        } else {
            chosen
        }
    }
}

impl Default for Branding {
    fn default() -> Self {
        Self {
            logo_url: None,
            primary_color: "#111827".into(),
            accent_color: "#2563eb".into(),
            support_url: None,
            support_email: None,
            default_locale: LocaleTag::stored("en"),
            quiet_hours: QuietHours::default(),
            discount_code: None,
            recommendations: Vec::new(),
            recommendations_by_item: BTreeMap::new(),
            embed_origins: Vec::new(),
            page_base_url: None,
        }
    }
}

/// Local times (customer's time zone) during which SMS wait; `start` after `end` spans midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    #[serde(with = "hh_mm")]
    pub start: chrono::NaiveTime,
    #[serde(with = "hh_mm")]
    pub end: chrono::NaiveTime,
}

impl Default for QuietHours {
    fn default() -> Self {
        Self {
            start: chrono::NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default(),
            end: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
        }
    }
}

impl QuietHours {
    /// Is this local time inside the quiet period?
    pub fn contains(&self, t: chrono::NaiveTime) -> bool {
        if self.start <= self.end {
            t >= self.start && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

/// `HH:MM` on the wire and in the table.
pub mod hh_mm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let raw = String::deserialize(d)?;
        NaiveTime::parse_from_str(&raw, "%H:%M")
            .map_err(|_| serde::de::Error::custom("must be HH:MM, e.g. 21:00"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub name: String,
    pub image_url: String,
    pub url: String,
    /// As the shop displays it, e.g. `€49.00`.
    pub price: String,
}

/// Business hours without a scan before a shipment counts as stalled, unless the merchant
/// says otherwise.
pub const DEFAULT_STALL_HOURS: u32 = 72;

fn default_trending_late_percent() -> u8 {
    crate::lanes::DEFAULT_TRENDING_LATE_PERCENT
}

fn default_stall_hours() -> u32 {
    DEFAULT_STALL_HOURS
}

impl Merchant {
    pub fn channels_for(&self, milestone: Milestone) -> &[Channel] {
        self.channels
            .get(&milestone)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn secrets_for(&self, provider: &str) -> &[String] {
        self.webhook_secrets
            .get(provider)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Every milestone that is on by default, on email and SMS: what a new merchant gets
    /// until it says otherwise.
    pub fn default_channels() -> BTreeMap<Milestone, Vec<Channel>> {
        Milestone::ALL
            .into_iter()
            .filter(|m| m.on_by_default())
            .map(|m| (m, Channel::ALL.to_vec()))
            .collect()
    }
}

/// A local wall time as an instant. In a DST gap (the clock jumps over it) the first instant
/// after the gap is taken, so a deadline never disappears; in an overlap, the earlier one.
pub fn local_to_utc(tz: chrono_tz::Tz, local: chrono::NaiveDateTime) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    (0..=4)
        .map(|quarter| local + chrono::Duration::minutes(30 * quarter))
        .find_map(|t| tz.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
}

/// Tracking numbers are compared without spaces and case, as carriers print them both ways.
/// Only ASCII letters change case: `ß` would become `SS` and `ﬀ` `FF`, silently another
/// number; they are kept, and validation refuses them.
pub fn normalize_tracking_number(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn product(name: &str) -> Product {
        Product {
            name: name.into(),
            image_url: format!("https://img.shop.example/{name}.jpg"),
            url: format!("https://shop.example/{name}"),
            price: "€9".into(),
        }
    }

    #[test]
    fn a_parcel_is_offered_what_its_items_map_to_else_the_shop_list() {
        let mut branding = Branding {
            recommendations: vec![product("gift-card")],
            ..Branding::default()
        };
        branding
            .recommendations_by_item
            .insert("TENT-2".into(), vec![product("pegs"), product("mat")]);
        branding
            .recommendations_by_item
            .insert("4242".into(), vec![product("mat"), product("lamp")]);
        let item = |sku: Option<&str>, product_id: Option<&str>| LineItem {
            title: "x".into(),
            quantity: 1,
            sku: sku.map(str::to_owned),
            product_id: product_id.map(str::to_owned),
            image_url: None,
        };
        let mut shipment = crate::fakes::shipment("m1", "TN1", Utc::now());
        let names = |b: &Branding, s: &Shipment| -> Vec<String> {
            b.recommendations_for(s)
                .into_iter()
                .map(|p| p.name)
                .collect()
        };
        assert_eq!(
            names(&branding, &shipment),
            ["gift-card"],
            "no parcel: the list"
        );
        shipment.parcel = Some(OrderParcel {
            platform: "shopify".into(),
            order_id: "1".into(),
            parcel_id: "f1".into(),
            name: None,
            items: vec![item(Some("TENT-2"), None), item(Some("NONE"), Some("4242"))],
            as_of: Utc::now(),
            cancelled_at: None,
        });
        assert_eq!(
            names(&branding, &shipment),
            ["pegs", "mat", "lamp"],
            "by SKU, then id; none twice"
        );
        if let Some(p) = shipment.parcel.as_mut() {
            p.items = vec![item(Some("UNMAPPED"), None)];
        }
        assert_eq!(names(&branding, &shipment), ["gift-card"]);
    }

    fn event(description: &str) -> TrackingEvent {
        TrackingEvent {
            occurred_at: Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap(),
            status: Status::InTransit,
            description: description.into(),
            location: Some("Memphis, TN".into()),
            estimated_delivery: None,
            provider: "generic".into(),
            raw_status: None,
            ..TrackingEvent::blank()
        }
    }

    #[test]
    fn event_identity_ignores_provider_and_surrounding_space_but_not_content() {
        let a = event("Departed facility");
        let mut b = event(" Departed facility ");
        b.provider = "easypost".into();
        assert_eq!(a.event_id("1Z1"), b.event_id("1Z1"));
        assert_ne!(a.event_id("1Z1"), event("Arrived").event_id("1Z1"));
        assert_ne!(a.event_id("1Z1"), a.event_id("1Z2"));
    }

    #[test]
    fn tracking_numbers_normalise_case_and_spaces() {
        assert_eq!(normalize_tracking_number(" 1z 999aa1 "), "1Z999AA1");
        assert_eq!(
            normalize_tracking_number("shippo_transit"),
            "SHIPPO_TRANSIT"
        );
        // Never folded into another (ASCII) number: kept, and refused by validation.
        assert_eq!(normalize_tracking_number("1zßa"), "1ZßA");
        assert_eq!(normalize_tracking_number("ﬀ12345"), "ﬀ12345");
    }
}
