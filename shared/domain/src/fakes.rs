//! In-memory implementations of the ports, for handler unit tests (feature `fakes`).
//! They honour the same conditions as the real store: conditional event puts, versioned
//! commits, intents created once, claims only from `pending`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::model::{
    Merchant, NOTIFICATION_CLAIM_LEASE, Notification, NotificationState, Shipment, TrackingEvent,
};
use crate::ports::*;
use crate::rules::DeliveryOutcome;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

mod outgoing;
mod pages;
pub use outgoing::RecordingSender;

mod analytics;
mod credentials;
mod email_events;
mod ga4;
pub use ga4::RecordingCollector;
mod invoices;
mod orders;
mod page_stats;
mod sessions;
mod shipments;

type ShipmentKey = (String, String);

#[derive(Default)]
struct State {
    merchants: HashMap<String, Merchant>,
    /// API keys by hash.
    keys: HashMap<String, ApiKey>,
    /// Outcome counter items, with their merchant.
    counters: Vec<(String, crate::analytics::OutcomeCounters)>,
    shipments: BTreeMap<ShipmentKey, Shipment>,
    events: BTreeMap<ShipmentKey, BTreeMap<(DateTime<Utc>, String), TrackingEvent>>,
    notifications: BTreeMap<(ShipmentKey, String), Notification>,
    outcomes: Vec<DeliveryOutcome>,
    /// Lane counters by merchant and lane key (no months: a fake's history is all recent).
    lanes: HashMap<(String, String), crate::lanes::LaneCounts>,
    templates: BTreeMap<String, crate::message::Override>,
    opt_outs: std::collections::BTreeSet<String>,
    idempotency: BTreeMap<(String, String), shipments::Record>,
    outgoing: outgoing::WebhookState,
    pages: pages::PageState,
    orders: orders::OrderState,
    invoices: invoices::InvoiceState,
    sessions: HashMap<String, crate::ports::Session>,
    page_stats: BTreeMap<(String, chrono::NaiveDate), BTreeMap<crate::page_stats::PageEvent, u64>>,
    email: email_events::EmailState,
    ga4: ga4::Ga4State,
    /// The sweeper's wake-ups standing on notifications (`woken_at`).
    woken: BTreeMap<(ShipmentKey, String), DateTime<Utc>>,
    /// Every wake-up made, in order: what the stream would carry to notify and dispatch.
    wakes: Vec<Due>,
}

/// Whether a wake-up made at `woken_at` still stands at `now` (see `DueStore`).
fn still_woken(woken_at: Option<&DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    woken_at.is_some_and(|at| *at > now - crate::model::WAKE_AGAIN_AFTER)
}

/// A notification the due index lists at `now`.
fn notification_due(n: &Notification, now: DateTime<Utc>) -> bool {
    match n.state {
        NotificationState::Deferred => n.deferred_until.is_some_and(|u| u <= now),
        NotificationState::Claimed => n.updated_at + NOTIFICATION_CLAIM_LEASE <= now,
        _ => false,
    }
}

#[derive(Clone, Default)]
pub struct MemoryStore {
    state: Arc<Mutex<State>>,
}

fn key(merchant_id: &str, tracking_number: &str) -> ShipmentKey {
    (merchant_id.to_owned(), tracking_number.to_owned())
}

fn notification_key(n: &NotificationKey) -> (ShipmentKey, String) {
    (
        key(&n.merchant_id, &n.tracking_number),
        format!("{}#{}", n.moment().key(), n.channel.as_str()),
    )
}

impl MemoryStore {
    pub fn put_merchant(&self, merchant: Merchant) {
        let mut state = self.state.lock().unwrap();
        state
            .merchants
            .insert(merchant.merchant_id.clone(), merchant);
    }

    /// A valid key for the merchant, with its hash as its id.
    pub fn put_api_key(&self, key_hash: &str, merchant_id: &str) {
        let mut state = self.state.lock().unwrap();
        let key = ApiKey {
            key_id: key_hash.into(),
            merchant_id: merchant_id.into(),
            name: None,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            expires_at: None,
            revoked_at: None,
        };
        state.keys.insert(key_hash.into(), key);
    }

    pub fn put_shipment(&self, shipment: Shipment) {
        let mut state = self.state.lock().unwrap();
        state.shipments.insert(
            key(&shipment.merchant_id, &shipment.tracking_number),
            shipment,
        );
    }

    pub fn put_notification(&self, notification: Notification) {
        let mut state = self.state.lock().unwrap();
        let k = notification_key(&NotificationKey::from(&notification));
        state.notifications.insert(k, notification);
    }

    pub fn notification(&self, k: &NotificationKey) -> Option<Notification> {
        self.state
            .lock()
            .unwrap()
            .notifications
            .get(&notification_key(k))
            .cloned()
    }

    pub fn outcomes(&self) -> Vec<DeliveryOutcome> {
        self.state.lock().unwrap().outcomes.clone()
    }

    /// Every wake-up the sweeper made, in order (each one a stream record on AWS).
    pub fn wakes(&self) -> Vec<Due> {
        self.state.lock().unwrap().wakes.clone()
    }

    /// When the sweeper woke this notification, if the wake-up still stands on it.
    pub fn woken_at(&self, k: &NotificationKey) -> Option<DateTime<Utc>> {
        self.state
            .lock()
            .unwrap()
            .woken
            .get(&notification_key(k))
            .copied()
    }

    pub fn all_notifications(&self) -> Vec<Notification> {
        self.state
            .lock()
            .unwrap()
            .notifications
            .values()
            .cloned()
            .collect()
    }
}

// Reads one item at a time: the ports' default bodies.
/// The fake seals reversibly but visibly (`sealed:{owner}:{base64}`), so a test sees a
/// secret stored in the clear, or opened for the wrong merchant, as the real store would.
pub const FAKE_SEAL: &str = "sealed:";

impl SecretBox for MemoryStore {
    async fn seal(&self, owner: &str, plaintext: &str) -> Result<String, StoreError> {
        use base64::Engine;
        Ok(format!(
            "{FAKE_SEAL}{owner}:{}",
            base64::engine::general_purpose::STANDARD.encode(plaintext)
        ))
    }

    async fn open(&self, owner: &str, stored: &str) -> Result<String, StoreError> {
        use base64::Engine;
        let Some(sealed) = stored.strip_prefix(FAKE_SEAL) else {
            return Ok(stored.to_owned());
        };
        let corrupt = || StoreError::Corrupt("a sealed secret belongs to someone else".into());
        let body = sealed
            .strip_prefix(owner)
            .and_then(|rest| rest.strip_prefix(':'))
            .ok_or_else(corrupt)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(body)
            .map_err(|_| corrupt())?;
        String::from_utf8(bytes).map_err(|_| corrupt())
    }
}

impl SnapshotReads for MemoryStore {}
impl NotificationReads for MemoryStore {}

impl MerchantStore for MemoryStore {
    async fn merchant(&self, merchant_id: &str) -> Result<Option<Merchant>, StoreError> {
        Ok(self
            .state
            .lock()
            .unwrap()
            .merchants
            .get(merchant_id)
            .cloned())
    }

    async fn save_settings(&self, merchant: &Merchant) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        let stored = state
            .merchants
            .get_mut(&merchant.merchant_id)
            .filter(|stored| stored.owns_sender(&merchant.sender_email))
            .ok_or(StoreError::Conflict)?;
        // Only the settings: secrets and sender domains stay as stored.
        stored.brand_name = merchant.brand_name.clone();
        stored.sender_email = merchant.sender_email.clone();
        stored.reply_to = merchant.reply_to.clone();
        stored.sms_sender_id = merchant.sms_sender_id.clone();
        stored.channels = merchant.channels.clone();
        stored.stall_after_hours = merchant.stall_after_hours;
        stored.branding = merchant.branding.clone();
        Ok(())
    }
}

impl TemplateStore for MemoryStore {
    async fn template(
        &self,
        key: &TemplateKey,
    ) -> Result<Option<crate::message::Override>, StoreError> {
        Ok(self
            .state
            .lock()
            .unwrap()
            .templates
            .get(&template_key(key))
            .cloned())
    }

    async fn save_template(
        &self,
        key: &TemplateKey,
        template: &crate::message::Override,
    ) -> Result<(), StoreError> {
        self.state
            .lock()
            .unwrap()
            .templates
            .insert(template_key(key), template.clone());
        Ok(())
    }

    async fn delete_template(&self, key: &TemplateKey) -> Result<(), StoreError> {
        self.state
            .lock()
            .unwrap()
            .templates
            .remove(&template_key(key));
        Ok(())
    }
}

fn template_key(k: &TemplateKey) -> String {
    format!(
        "{}#{}#{}#{}",
        k.merchant_id,
        k.milestone.as_str(),
        k.channel.as_str(),
        k.locale
    )
}

impl ConsentStore for MemoryStore {
    async fn unsubscribe_shipment(&self, merchant_id: &str, tn: &str) -> Result<(), StoreError> {
        self.state
            .lock()
            .unwrap()
            .opt_outs
            .insert(format!("S#{merchant_id}#{tn}"));
        Ok(())
    }

    async fn unsubscribe_customer(&self, merchant_id: &str, email: &str) -> Result<(), StoreError> {
        self.state
            .lock()
            .unwrap()
            .opt_outs
            .insert(format!("C#{merchant_id}#{}", email.to_lowercase()));
        Ok(())
    }

    async fn opted_out(&self, shipment: &Shipment) -> Result<Option<&'static str>, StoreError> {
        let state = self.state.lock().unwrap();
        if state.opt_outs.contains(&format!(
            "S#{}#{}",
            shipment.merchant_id, shipment.tracking_number
        )) {
            return Ok(Some("unsubscribed from this shipment"));
        }
        let customer = shipment
            .customer
            .email
            .as_deref()
            .map(str::to_lowercase)
            .unwrap_or_default();
        Ok(state
            .opt_outs
            .contains(&format!("C#{}#{customer}", shipment.merchant_id))
            .then_some("unsubscribed from this merchant"))
    }

    async fn shipment_by_token(&self, token: &str) -> Result<Option<Shipment>, StoreError> {
        Ok(self
            .state
            .lock()
            .unwrap()
            .shipments
            .values()
            .find(|s| s.token == token)
            .cloned())
    }
}

impl ShipmentStore for MemoryStore {
    async fn register(&self, shipment: &Shipment) -> Result<Registration, StoreError> {
        let mut state = self.state.lock().unwrap();
        let k = key(&shipment.merchant_id, &shipment.tracking_number);
        if let Some(existing) = state.shipments.get(&k) {
            return Ok(Registration::Existing(existing.clone()));
        }
        state.shipments.insert(k, shipment.clone());
        Ok(Registration::Created(shipment.clone()))
    }

    async fn shipment(&self, merchant_id: &str, tn: &str) -> Result<Option<Shipment>, StoreError> {
        Ok(self
            .state
            .lock()
            .unwrap()
            .shipments
            .get(&key(merchant_id, tn))
            .cloned())
    }

    async fn shipment_by_id(
        &self,
        merchant_id: &str,
        id: &str,
    ) -> Result<Option<Shipment>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .shipments
            .values()
            .find(|s| s.merchant_id == merchant_id && s.id == id)
            .cloned())
    }

    async fn notifications(
        &self,
        merchant_id: &str,
        tn: &str,
    ) -> Result<Vec<Notification>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .notifications
            .iter()
            .filter(|((k, _), _)| *k == key(merchant_id, tn))
            .map(|(_, n)| n.clone())
            .collect())
    }

    async fn commit(
        &self,
        expected_version: u64,
        shipment: &Shipment,
        intents: &[Notification],
        deliveries: &[crate::outgoing::Delivery],
        outcome: Option<&DeliveryOutcome>,
    ) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        let k = key(&shipment.merchant_id, &shipment.tracking_number);
        if state.shipments.get(&k).map(|s| s.version) != Some(expected_version) {
            return Err(StoreError::Conflict);
        }
        let mut next = shipment.clone();
        next.version = expected_version + 1;
        state.shipments.insert(k, next);
        for intent in intents {
            let nk = notification_key(&NotificationKey::from(intent));
            state
                .notifications
                .entry(nk)
                .or_insert_with(|| intent.clone());
        }
        state.outgoing.insert_new(deliveries);
        if let Some(outcome) = outcome {
            if let Some(sample) = &outcome.sample {
                for lane in &outcome.lanes {
                    state
                        .lanes
                        .entry((shipment.merchant_id.clone(), lane.key.clone()))
                        .or_default()
                        .record(sample);
                }
            }
            state.outcomes.push(outcome.clone());
        }
        Ok(())
    }
}

impl MemoryStore {
    /// Seeds a lane's counters.
    pub fn put_lane(&self, merchant_id: &str, lane_key: &str, counts: crate::lanes::LaneCounts) {
        let mut state = self.state.lock().unwrap();
        state
            .lanes
            .insert((merchant_id.to_owned(), lane_key.to_owned()), counts);
    }
}

impl LaneStore for MemoryStore {
    async fn lane_history(
        &self,
        merchant_id: &str,
        lanes: &[crate::lanes::Lane],
        _now: DateTime<Utc>,
    ) -> Result<crate::lanes::LaneHistory, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(lanes
            .iter()
            .map(|lane| {
                let counts = state
                    .lanes
                    .get(&(merchant_id.to_owned(), lane.key.clone()))
                    .cloned()
                    .unwrap_or_default();
                (lane.clone(), counts)
            })
            .collect())
    }
}

impl DueStore for MemoryStore {
    async fn due(&self, now: DateTime<Utc>) -> Result<Vec<Due>, StoreError> {
        let state = self.state.lock().unwrap();
        let shipments = state
            .shipments
            .values()
            .filter(|s| s.due_at.is_some_and(|due| due <= now))
            .map(|s| {
                Due::Shipment(ShipmentRef {
                    merchant_id: s.merchant_id.clone(),
                    tracking_number: s.tracking_number.clone(),
                })
            });
        let deferred = state
            .notifications
            .values()
            .filter(|n| notification_due(n, now))
            .map(|n| Due::Notification(NotificationKey::from(n)));
        let deliveries = state.outgoing.due(now).into_iter().map(Due::Webhook);
        let fetches = state.orders.due_fetches(now).into_iter().map(Due::Fetch);
        Ok(shipments
            .chain(deferred)
            .chain(deliveries)
            .chain(fetches)
            .collect())
    }

    async fn wake_notification(
        &self,
        k: &NotificationKey,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        let at = notification_key(k);
        let due = state
            .notifications
            .get(&at)
            .is_some_and(|n| notification_due(n, now));
        if !due || still_woken(state.woken.get(&at), now) {
            return Ok(false);
        }
        state.woken.insert(at, now);
        state.wakes.push(Due::Notification(k.clone()));
        Ok(true)
    }

    async fn wake_delivery(
        &self,
        k: &crate::outgoing::DeliveryKey,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        if !state.outgoing.wake(k, now) {
            return Ok(false);
        }
        state.wakes.push(Due::Webhook(k.clone()));
        Ok(true)
    }
}

impl EventStore for MemoryStore {
    async fn record_events(
        &self,
        merchant_id: &str,
        tn: &str,
        given: &[TrackingEvent],
        _received_at: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        let plan = plan_writes(given, tn, crate::ports::MAX_TRANSACTION_WRITES);
        // One lock for the whole delivery: atomic, as the store's transactions are.
        let mut state = self.state.lock().unwrap();
        let events = state.events.entry(key(merchant_id, tn)).or_default();
        let mut recorded = Recorded {
            stored: 0,
            known: plan.repeats,
        };
        for index in plan.chunks.into_iter().flatten() {
            let event = &given[index];
            let id = (event.occurred_at, event.event_id(tn));
            match events.entry(id) {
                std::collections::btree_map::Entry::Occupied(_) => recorded.known.push(index),
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(event.clone());
                    recorded.stored += 1;
                }
            }
        }
        recorded.known.sort_unstable();
        Ok(recorded)
    }

    async fn update_estimate(
        &self,
        merchant_id: &str,
        tn: &str,
        event: &TrackingEvent,
        date: chrono::NaiveDate,
    ) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        let stored = state
            .events
            .get_mut(&key(merchant_id, tn))
            .and_then(|events| events.get_mut(&(event.occurred_at, event.event_id(tn))));
        match stored {
            Some(e) if e.estimated_delivery != Some(date) => {
                e.estimated_delivery = Some(date);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn trim_history(
        &self,
        merchant_id: &str,
        tn: &str,
        oldest: usize,
    ) -> Result<usize, StoreError> {
        let mut state = self.state.lock().unwrap();
        let Some(events) = state.events.get_mut(&key(merchant_id, tn)) else {
            return Ok(0);
        };
        let doomed: Vec<_> = events.keys().take(oldest).cloned().collect();
        for id in &doomed {
            events.remove(id);
        }
        Ok(doomed.len())
    }

    async fn timeline_page(
        &self,
        merchant_id: &str,
        tn: &str,
        before: Option<&crate::ports::EventPosition>,
        limit: usize,
    ) -> Result<crate::ports::TimelinePage, StoreError> {
        let state = self.state.lock().unwrap();
        let Some(events) = state.events.get(&key(merchant_id, tn)) else {
            return Ok(crate::ports::TimelinePage::default());
        };
        let end = before.map(|p| (p.occurred_at, p.event_id.clone()));
        let mut newest: Vec<(&(DateTime<Utc>, String), &TrackingEvent)> = events
            .iter()
            .rev()
            .filter(|(k, _)| end.as_ref().is_none_or(|end| *k < end))
            .take(limit + 1)
            .collect();
        let more = newest.len() > limit;
        newest.truncate(limit);
        let earlier = more.then(|| newest.last()).flatten().map(|((at, id), _)| {
            crate::ports::EventPosition {
                occurred_at: *at,
                event_id: id.clone(),
            }
        });
        Ok(crate::ports::TimelinePage {
            events: newest.into_iter().rev().map(|(_, e)| e.clone()).collect(),
            earlier,
        })
    }

    async fn timeline(
        &self,
        merchant_id: &str,
        tn: &str,
    ) -> Result<Vec<TrackingEvent>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .events
            .get(&key(merchant_id, tn))
            .map(|e| e.values().cloned().collect())
            .unwrap_or_default())
    }
}

impl NotificationStore for MemoryStore {
    async fn claim(
        &self,
        k: &NotificationKey,
        from: NotificationState,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut guard = self.state.lock().unwrap();
        let state = &mut *guard;
        match state.notifications.get_mut(&notification_key(k)) {
            Some(n) if n.state == from => {
                n.state = NotificationState::Claimed;
                n.updated_at = now;
                state.woken.remove(&notification_key(k));
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn take_over(
        &self,
        k: &NotificationKey,
        claimed_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut guard = self.state.lock().unwrap();
        let state = &mut *guard;
        match state.notifications.get_mut(&notification_key(k)) {
            Some(n) if n.state == NotificationState::Claimed && n.updated_at == claimed_at => {
                n.updated_at = now;
                n.expired_claims += 1;
                state.woken.remove(&notification_key(k));
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn finish(
        &self,
        k: &NotificationKey,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut guard = self.state.lock().unwrap();
        let state = &mut *guard;
        if let Some(n) = state.notifications.get_mut(&notification_key(k))
            && n.state == NotificationState::Claimed
        {
            n.state = outcome.state();
            n.updated_at = now;
            match outcome {
                Outcome::Sent {
                    provider_message_id,
                    segments,
                    note,
                } => {
                    n.provider_message_id = Some(provider_message_id.clone());
                    n.segments = *segments;
                    n.detail.clone_from(note);
                }
                Outcome::Deferred { until } => n.deferred_until = Some(*until),
                Outcome::Suppressed { reason } => n.detail = Some(reason.clone()),
                Outcome::Failed { error } => n.detail = Some(error.clone()),
            }
            state.woken.remove(&notification_key(k));
            state.email.count(
                k,
                now.date_naive(),
                crate::notification_stats::Measure::of_outcome(outcome),
            );
        }
        Ok(())
    }
}

impl NotificationResend for MemoryStore {
    async fn reopen(&self, k: &NotificationKey, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut guard = self.state.lock().unwrap();
        let state = &mut *guard;
        match state.notifications.get_mut(&notification_key(k)) {
            Some(n)
                if matches!(
                    n.state,
                    NotificationState::Failed | NotificationState::Suppressed
                ) =>
            {
                n.state = NotificationState::Pending;
                n.deferred_until = None;
                n.updated_at = now;
                n.detail = None;
                state.woken.insert(notification_key(k), now);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// Records what it was asked to send; fails with `failure` when set, and with a transient
/// error for the first `transient_failures` sends.
#[derive(Clone, Default)]
pub struct RecordingMailer {
    pub sent: Arc<Mutex<Vec<OutgoingEmail>>>,
    pub failure: Option<SendError>,
    pub transient_failures: Arc<Mutex<u32>>,
}

impl Mailer for RecordingMailer {
    async fn send_email(&self, email: &OutgoingEmail) -> Result<String, SendError> {
        if let Some(err) = &self.failure {
            return Err(err.clone());
        }
        {
            let mut left = self.transient_failures.lock().unwrap();
            if *left > 0 {
                *left -= 1;
                return Err(SendError::Unavailable("Throttling: rate exceeded".into()));
            }
        }
        let mut sent = self.sent.lock().unwrap();
        sent.push(email.clone());
        Ok(format!("email-{}", sent.len()))
    }
}

#[derive(Clone, Default)]
pub struct RecordingTexter {
    pub sent: Arc<Mutex<Vec<OutgoingSms>>>,
}

impl Texter for RecordingTexter {
    async fn send_sms(&self, sms: &OutgoingSms) -> Result<String, SendError> {
        let mut sent = self.sent.lock().unwrap();
        sent.push(sms.clone());
        Ok(format!("sms-{}", sent.len()))
    }

    /// Like SNS's simulator (and moto): numbers ending in 99 have opted out.
    async fn is_opted_out(&self, phone: &str) -> Result<bool, SendError> {
        Ok(phone.ends_with("99"))
    }
}

/// A merchant that announces every milestone by email and SMS.
pub fn merchant(merchant_id: &str) -> Merchant {
    Merchant {
        merchant_id: merchant_id.into(),
        brand_name: "Acme".into(),
        sender_email: "orders@acme.example".into(),
        reply_to: None,
        sms_sender_id: None,
        channels: Merchant::default_channels(),
        webhook_secrets: Default::default(),
        stall_after_hours: crate::model::DEFAULT_STALL_HOURS,
        trending_late_percent: crate::lanes::DEFAULT_TRENDING_LATE_PERCENT,
        branding: Default::default(),
        sender_domains: vec!["acme.example".into()],
        integrations: Default::default(),
        ga4: None,
    }
}

/// A pending notification of `shipment`'s milestone on `channel`, made when it was updated.
pub fn notification(
    shipment: &Shipment,
    milestone: crate::milestone::Milestone,
    channel: crate::model::Channel,
) -> crate::model::Notification {
    crate::model::Notification {
        merchant_id: shipment.merchant_id.clone(),
        tracking_number: shipment.tracking_number.clone(),
        milestone,
        instance: None,
        details: Default::default(),
        channel,
        state: crate::model::NotificationState::Pending,
        created_at: shipment.updated_at,
        updated_at: shipment.updated_at,
        provider_message_id: None,
        detail: None,
        segments: None,
        deferred_until: None,
        expired_claims: 0,
        email: Default::default(),
    }
}

/// An outgoing webhook endpoint `we_1` of the merchant's, for every milestone.
pub fn endpoint(
    merchant_id: &str,
    secret: &str,
    created_at: DateTime<Utc>,
) -> crate::outgoing::WebhookEndpoint {
    crate::outgoing::WebhookEndpoint {
        id: "we_1".into(),
        merchant_id: merchant_id.into(),
        url: "https://hooks.example/in".into(),
        milestones: crate::milestone::Milestone::ALL.to_vec(),
        description: None,
        secret: secret.into(),
        previous_secret: None,
        created_at,
    }
}

/// A freshly registered shipment with an email and a phone number.
pub fn shipment(merchant_id: &str, tracking_number: &str, now: DateTime<Utc>) -> Shipment {
    Shipment::registered(
        format!("shp_{tracking_number}"),
        merchant_id.into(),
        "0123456789abcdef0123456789abcdef".into(),
        crate::model::NewShipment {
            tracking_number: tracking_number.into(),
            carrier: "ups".into(),
            order_number: "1001".into(),
            customer: crate::model::Customer {
                name: "Ada Lovelace".into(),
                email: Some(crate::EmailAddress::parse("ada@example.com").unwrap()),
                phone: Some(crate::PhoneNumber::parse("+447700900123").unwrap()),
                locale: Some("en".into()),
                timezone: "Europe/London".into(),
            },
            promised_delivery_date: None,
            service: None,
            destination_country: None,
            origin_country: None,
            origin_region: None,
            destination_region: None,
        },
        now,
    )
}
