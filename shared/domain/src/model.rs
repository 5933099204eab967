//! Shipments, tracking events, notifications and merchants as the domain sees them.

use crate::milestone::Milestone;
use crate::status::Status;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// E.164, e.g. `+4915112345678`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// BCP 47 tag, e.g. `de-DE`.
    pub locale: String,
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
    pub status: Status,
    /// `occurred_at` of the event that set `status`; none while pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_delivery: Option<NaiveDate>,
    // Empty maps are left out of stored items: DynamoDB Local's stream drops their type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub milestones: BTreeMap<Milestone, MilestoneReached>,
    /// Public tracking page token: 128 random bits, URL-safe.
    pub token: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic concurrency: every write expects the version it read.
    pub version: u64,
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
}

impl TrackingEvent {
    /// Identity of a carrier event: the same scan re-sent in another delivery or another
    /// history hashes the same, so a conditional put stores it once.
    pub fn event_id(&self, tracking_number: &str) -> String {
        let mut hasher = Sha256::new();
        for part in [
            tracking_number,
            &self.occurred_at.timestamp_millis().to_string(),
            self.status.as_str(),
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

/// `pending -> claimed -> sent | suppressed | failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationState {
    Pending,
    Claimed,
    Sent,
    Suppressed,
    Failed,
}

impl NotificationState {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationState::Pending => "pending",
            NotificationState::Claimed => "claimed",
            NotificationState::Sent => "sent",
            NotificationState::Suppressed => "suppressed",
            NotificationState::Failed => "failed",
        }
    }
}

/// One message to one customer for one milestone on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub merchant_id: String,
    pub tracking_number: String,
    pub milestone: Milestone,
    pub channel: Channel,
    pub state: NotificationState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_message_id: Option<String>,
    /// Why it was suppressed or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
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

    /// Every milestone on email and SMS: what a new merchant gets until it says otherwise.
    pub fn default_channels() -> BTreeMap<Milestone, Vec<Channel>> {
        Milestone::ALL
            .into_iter()
            .map(|m| (m, Channel::ALL.to_vec()))
            .collect()
    }
}

/// Tracking numbers are compared without spaces and case, as carriers print them both ways.
pub fn normalize_tracking_number(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event(description: &str) -> TrackingEvent {
        TrackingEvent {
            occurred_at: Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap(),
            status: Status::InTransit,
            description: description.into(),
            location: Some("Memphis, TN".into()),
            estimated_delivery: None,
            provider: "generic".into(),
            raw_status: None,
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
    }
}
