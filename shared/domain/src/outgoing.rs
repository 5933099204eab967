//! Outgoing webhooks: a merchant's HTTPS endpoints hear of every moment a shipment reaches,
//! signed the Standard Webhooks way ([`crate::signature::sign`]).
//!
//! A delivery is created once per (moment, endpoint) in the same commit as the shipment's
//! evaluation, then claimed with a lease, POSTed, and either `delivered` (2xx) or retried on
//! [`RETRY_DELAYS`] until `failed`. Its `webhook_id` never changes, so the merchant can drop
//! the duplicates that at-least-once delivery implies.

use crate::milestone::{Milestone, Moment};
use crate::model::Shipment;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

mod address;
mod endpoint_url;
mod rotation;
pub use address::{is_public_address, may_send_to};
pub use endpoint_url::{MAX_URL_LENGTH, validate_url};
pub use rotation::{RetiringSecret, SECRET_GRACE};

/// Endpoints one merchant may register.
pub const MAX_ENDPOINTS: usize = 10;
/// How long a claimed delivery belongs to its claimant. Longer than the POST's timeout and
/// the dispatch function's; after it the sweeper wakes the delivery and dispatch takes it
/// over (a crash).
pub const LEASE: Duration = Duration::seconds(120);
/// Wait before attempt n+2 after attempt n+1 failed: 8 attempts over about 22 hours.
pub const RETRY_DELAYS: [Duration; 7] = [
    Duration::seconds(30),
    Duration::minutes(2),
    Duration::minutes(10),
    Duration::hours(1),
    Duration::hours(3),
    Duration::hours(6),
    Duration::hours(12),
];
pub const MAX_ATTEMPTS: u32 = RETRY_DELAYS.len() as u32 + 1;

/// A merchant's registered receiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub id: String,
    pub merchant_id: String,
    pub url: String,
    /// The milestones it hears of (all of them unless the merchant chose).
    pub milestones: Vec<Milestone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `whsec_...`: shown once at creation (and at each rotation), signs every delivery.
    pub secret: String,
    /// The secret the last rotation replaced, co-signing until its grace period ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_secret: Option<RetiringSecret>,
    pub created_at: DateTime<Utc>,
}

impl WebhookEndpoint {
    pub fn wants(&self, milestone: Milestone) -> bool {
        self.milestones.contains(&milestone)
    }
}

/// `pending -> sending -> delivered | retrying -> sending ... | failed`; `cancelled` when the
/// endpoint was deleted before it could be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Sending,
    Retrying,
    Delivered,
    Failed,
    Cancelled,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sending => "sending",
            DeliveryState::Retrying => "retrying",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
            DeliveryState::Cancelled => "cancelled",
        }
    }
}

/// Identifies one delivery: one moment of one shipment to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryKey {
    pub merchant_id: String,
    pub tracking_number: String,
    pub endpoint_id: String,
    /// [`Moment::key`], e.g. `delivered` or `exception#address_issue`.
    pub moment: String,
}

/// One moment on its way to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub merchant_id: String,
    pub tracking_number: String,
    pub endpoint_id: String,
    pub moment: String,
    /// The `webhook-id` header, the same on every attempt.
    pub webhook_id: String,
    /// `shipment.delivered`, ...
    pub event_type: String,
    /// The exact body sent on every attempt (the listing of deliveries leaves it out).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub payload: String,
    pub state: DeliveryState,
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Delivery {
    /// A new delivery of `payload` to one endpoint, before its first attempt. `subject` is
    /// what it is about: a tracking number, or an invoice id for `claims.ready`.
    pub fn pending(
        merchant_id: &str,
        subject: &str,
        endpoint_id: &str,
        moment: &str,
        event_type: String,
        payload: String,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            merchant_id: merchant_id.to_owned(),
            tracking_number: subject.to_owned(),
            endpoint_id: endpoint_id.to_owned(),
            moment: moment.to_owned(),
            webhook_id: webhook_id(merchant_id, subject, moment),
            event_type,
            payload,
            state: DeliveryState::Pending,
            attempts: 0,
            last_status: None,
            last_error: None,
            next_attempt_at: None,
            lease_until: None,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn key(&self) -> DeliveryKey {
        DeliveryKey {
            merchant_id: self.merchant_id.clone(),
            tracking_number: self.tracking_number.clone(),
            endpoint_id: self.endpoint_id.clone(),
            moment: self.moment.clone(),
        }
    }

    /// What a conditional write expects to find: the state and attempt count as read.
    pub fn seen(&self) -> Seen {
        Seen {
            state: self.state,
            attempts: self.attempts,
        }
    }
}

/// A compare-and-set guard: two workers that read the same delivery cannot both act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub state: DeliveryState,
    pub attempts: u32,
}

/// The event id the merchant dedups on: one per moment of a shipment, whichever endpoint
/// (two endpoints feeding one system see the same id).
pub fn webhook_id(merchant_id: &str, tracking_number: &str, moment: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [merchant_id, tracking_number, moment] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    format!("msg_{}", hex::encode(&hasher.finalize()[..16]))
}

/// The JSON body: Standard Webhooks' `{type, timestamp, data}` envelope. No customer data:
/// no name, address, email, phone, nor who signed for the parcel.
pub fn payload(shipment: &Shipment, moment: &Moment, occurred_at: DateTime<Utc>) -> String {
    let at = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    serde_json::json!({
        "type": event_type(moment.milestone),
        "timestamp": at(occurred_at),
        "data": {
            "shipment_id": shipment.id,
            "tracking_number": shipment.tracking_number,
            "carrier": shipment.carrier,
            "order_number": shipment.order_number,
            "milestone": moment.milestone.as_str(),
            "moment": moment.key(),
            "occurred_at": at(occurred_at),
            "status": shipment.status.as_str(),
            "estimated_delivery": shipment.estimated_delivery,
            "promised_delivery_date": shipment.promised_delivery_date,
            // The shop's estimate from its delivery history (`crate::lanes`).
            "predicted_delivery": shipment
                .prediction
                .as_ref()
                .filter(|_| crate::rules::awaiting_delivery(shipment))
                .map(|p| serde_json::json!({
                "earliest": p.earliest,
                "latest": p.latest,
                "confidence": p.confidence,
                "late_probability": p.late_risk.map(|r| f64::from(r) / 100.0),
            })),
            // The store order this parcel belongs to (store platforms only; no line items:
            // the merchant has them).
            "order": shipment.parcel.as_ref().map(|p| serde_json::json!({
                "platform": p.platform,
                "order_id": p.order_id,
                "parcel_id": p.parcel_id,
                "parcel_name": p.name,
                "cancelled": p.cancelled_at.is_some(),
            })),
        }
    })
    .to_string()
}

pub fn event_type(milestone: Milestone) -> String {
    format!("shipment.{}", milestone.as_str())
}

/// The deliveries an evaluation creates: each reached moment to each endpoint subscribed to
/// its milestone. At most `budget` (a transaction holds 100 writes): when a long history is
/// reached at once, the newest moments win.
pub fn deliveries(
    shipment: &Shipment,
    reached: &[Moment],
    endpoints: &[WebhookEndpoint],
    budget: usize,
    now: DateTime<Utc>,
) -> Vec<Delivery> {
    let mut out: Vec<Delivery> = reached
        .iter()
        .flat_map(|moment| {
            let key = moment.key();
            let occurred_at = shipment.milestones.get(&key).map_or(now, |m| m.at);
            let body = payload(shipment, moment, occurred_at);
            endpoints
                .iter()
                .filter(|e| e.wants(moment.milestone))
                .map(move |e| {
                    Delivery::pending(
                        &shipment.merchant_id,
                        &shipment.tracking_number,
                        &e.id,
                        &key,
                        event_type(moment.milestone),
                        body.clone(),
                        now,
                    )
                })
        })
        .collect();
    let over = out.len().saturating_sub(budget);
    out.drain(..over);
    out
}

/// What to do with a delivery as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Claim it and POST.
    Attempt,
    /// Its last attempt was claimed and never finished (a crash): it will not be tried again.
    GiveUp,
    /// Someone holds it, or its next attempt is not due yet.
    Wait,
    /// Delivered, failed or cancelled.
    Done,
}

pub fn next_step(delivery: &Delivery, now: DateTime<Utc>) -> Step {
    let not_yet = |at: Option<DateTime<Utc>>| at.is_some_and(|at| at > now);
    match delivery.state {
        DeliveryState::Delivered | DeliveryState::Failed | DeliveryState::Cancelled => Step::Done,
        DeliveryState::Sending if not_yet(delivery.lease_until) => Step::Wait,
        DeliveryState::Retrying if not_yet(delivery.next_attempt_at) => Step::Wait,
        _ if delivery.attempts >= MAX_ATTEMPTS => Step::GiveUp,
        _ => Step::Attempt,
    }
}

/// When the sweeper must look at the delivery: a pending one the stream did not pick up, a
/// claim whose lease ran out (a crash), a scheduled retry. None once it is over.
pub fn due_at(delivery: &Delivery) -> Option<DateTime<Utc>> {
    match delivery.state {
        DeliveryState::Pending => Some(delivery.created_at + LEASE),
        DeliveryState::Sending => delivery.lease_until,
        DeliveryState::Retrying => delivery.next_attempt_at,
        DeliveryState::Delivered | DeliveryState::Failed | DeliveryState::Cancelled => None,
    }
}

/// How long to wait after `attempts` failed attempts; none once they are all used.
pub fn retry_delay(attempts: u32) -> Option<Duration> {
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    RETRY_DELAYS.get(index).copied()
}

/// What the receiver answered: a status code, or a transport failure (refused, timeout, TLS).
pub type Response = Result<u16, String>;

/// How a delivery's attempt (or the lack of one) ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish {
    Delivered {
        status: u16,
    },
    Retry {
        status: Option<u16>,
        error: String,
        at: DateTime<Utc>,
    },
    Failed {
        status: Option<u16>,
        error: String,
    },
    Cancelled {
        reason: String,
    },
}

impl Finish {
    /// After attempt number `attempts` got `response`: 2xx is delivered; anything else is
    /// retried on the schedule, then failed.
    pub fn after(attempts: u32, response: Response, now: DateTime<Utc>) -> Finish {
        let (status, error) = match response {
            Ok(status) if (200..300).contains(&status) => return Finish::Delivered { status },
            Ok(status) => (Some(status), format!("the endpoint answered HTTP {status}")),
            Err(error) => (None, error),
        };
        match retry_delay(attempts) {
            Some(delay) => Finish::Retry {
                status,
                error,
                at: now + delay,
            },
            None => Finish::Failed { status, error },
        }
    }

    pub fn state(&self) -> DeliveryState {
        match self {
            Finish::Delivered { .. } => DeliveryState::Delivered,
            Finish::Retry { .. } => DeliveryState::Retrying,
            Finish::Failed { .. } => DeliveryState::Failed,
            Finish::Cancelled { .. } => DeliveryState::Cancelled,
        }
    }
}

#[cfg(test)]
mod tests;
