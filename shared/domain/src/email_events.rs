//! What SES says happened to an email after it was sent: delivered, bounced, complained,
//! opened, clicked. SES publishes these (event publishing, through the configuration set's
//! SNS destination) as JSON; this module reads that JSON, finds the notification the email
//! belongs to from the message tags notify set on it, and says which events suppress
//! further email to the address (a hard bounce, a complaint).
//!
//! The tags, not the message id, name the notification: an event can arrive before notify
//! recorded the message id (SES is fast, the record comes after the send), and a resent
//! email has a second id. Tag values may only hold ASCII letters, digits, `_` and `-`, so
//! the tracking number and the moment's instance travel base64url-encoded.

use crate::attention::mask_email;
use crate::milestone::Milestone;
use crate::model::Channel;
use crate::ports::NotificationKey;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::HashMap;

const TAG_MERCHANT: &str = "afterclick-merchant";
const TAG_SHIPMENT: &str = "afterclick-shipment";
const TAG_MILESTONE: &str = "afterclick-milestone";
const TAG_INSTANCE: &str = "afterclick-instance";

/// SES's limit on a tag value.
const MAX_TAG_VALUE: usize = 256;

/// The message tags that name `key`'s notification on the email and on its events. Empty
/// when a value would not fit SES's limit (the email still goes; its events are not matched).
pub fn tags(key: &NotificationKey) -> Vec<(String, String)> {
    let mut tags = vec![
        (TAG_MERCHANT.to_owned(), key.merchant_id.clone()),
        (
            TAG_SHIPMENT.to_owned(),
            URL_SAFE_NO_PAD.encode(&key.tracking_number),
        ),
        (TAG_MILESTONE.to_owned(), key.milestone.as_str().to_owned()),
    ];
    if let Some(instance) = &key.instance {
        tags.push((TAG_INSTANCE.to_owned(), URL_SAFE_NO_PAD.encode(instance)));
    }
    let fits = tags.iter().all(|(_, v)| {
        (1..=MAX_TAG_VALUE).contains(&v.len())
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    });
    if fits { tags } else { Vec::new() }
}

/// The notification the tags of an event name, if they name one.
fn notification_of(tags: &HashMap<String, Vec<String>>) -> Option<NotificationKey> {
    let one = |name: &str| tags.get(name).and_then(|v| v.first());
    let decode = |value: &String| {
        URL_SAFE_NO_PAD
            .decode(value)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
    };
    let merchant_id = one(TAG_MERCHANT)?.clone();
    if !crate::ids::well_formed_id(&merchant_id) {
        return None;
    }
    let tracking_number = decode(one(TAG_SHIPMENT)?)?;
    let milestone = Milestone::parse(one(TAG_MILESTONE)?)?;
    let instance = match one(TAG_INSTANCE) {
        Some(v) => Some(decode(v)?),
        None => None,
    };
    Some(NotificationKey {
        merchant_id,
        tracking_number,
        milestone,
        instance,
        channel: Channel::Email,
    })
}

/// What happened, as the dashboard counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EmailEventKind {
    Delivered,
    Bounced,
    Complained,
    Opened,
    Clicked,
}

impl EmailEventKind {
    pub const ALL: [EmailEventKind; 5] = [
        EmailEventKind::Delivered,
        EmailEventKind::Bounced,
        EmailEventKind::Complained,
        EmailEventKind::Opened,
        EmailEventKind::Clicked,
    ];

    /// The stored name: the notification's `{name}_at` attribute and the counter.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailEventKind::Delivered => "delivered",
            EmailEventKind::Bounced => "bounced",
            EmailEventKind::Complained => "complained",
            EmailEventKind::Opened => "opened",
            EmailEventKind::Clicked => "clicked",
        }
    }
}

/// One SES event about one of our emails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailEvent {
    pub kind: EmailEventKind,
    pub message_id: String,
    /// When SES accepted the email (`mail.timestamp`): the day the dashboard counts it on,
    /// so a day's delivered and opened line up with its sent.
    pub sent_at: DateTime<Utc>,
    /// When it happened.
    pub at: DateTime<Utc>,
    pub notification: Option<NotificationKey>,
    /// A hard bounce (SES's `Permanent`), or a complaint: no more email to the address.
    pub suppresses: bool,
    /// For the merchant: the bounce's type and the receiving server's words, or the
    /// complaint's feedback type.
    pub detail: Option<String>,
    /// The addresses it concerns (bounced or complained recipients).
    pub recipients: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EventError {
    #[error("not an SES event: {0}")]
    Malformed(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    /// Event publishing says `eventType`; identity feedback notifications, `notificationType`.
    #[serde(alias = "notificationType")]
    event_type: String,
    mail: Mail,
    bounce: Option<Bounce>,
    complaint: Option<Complaint>,
    delivery: Option<Stamp>,
    open: Option<Stamp>,
    click: Option<Stamp>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Mail {
    timestamp: DateTime<Utc>,
    message_id: String,
    #[serde(default)]
    tags: HashMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    email_address: String,
    diagnostic_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce {
    bounce_type: String,
    bounce_sub_type: Option<String>,
    #[serde(default)]
    bounced_recipients: Vec<Recipient>,
    timestamp: DateTime<Utc>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Complaint {
    #[serde(default)]
    complained_recipients: Vec<Recipient>,
    timestamp: DateTime<Utc>,
    complaint_feedback_type: Option<String>,
}

#[derive(Deserialize)]
struct Stamp {
    timestamp: DateTime<Utc>,
}

/// Reads one SES event (the SNS message's body). `Ok(None)`: a kind of event we do not
/// record (Send, Reject, DeliveryDelay, Rendering Failure, Subscription).
pub fn parse(json: &str) -> Result<Option<EmailEvent>, EventError> {
    let raw: Raw = serde_json::from_str(json).map_err(|e| EventError::Malformed(e.to_string()))?;
    let missing =
        |what: &str| EventError::Malformed(format!("a {} event without `{what}`", raw.event_type));
    let (kind, at, suppresses, detail, recipients) = match raw.event_type.as_str() {
        "Delivery" => {
            let d = raw.delivery.as_ref().ok_or_else(|| missing("delivery"))?;
            (
                EmailEventKind::Delivered,
                d.timestamp,
                false,
                None,
                Vec::new(),
            )
        }
        "Bounce" => {
            let b = raw.bounce.as_ref().ok_or_else(|| missing("bounce"))?;
            let permanent = b.bounce_type == "Permanent";
            let mut detail = match &b.bounce_sub_type {
                Some(sub) => format!("{} ({sub})", b.bounce_type),
                None => b.bounce_type.clone(),
            };
            if let Some(code) = b
                .bounced_recipients
                .iter()
                .find_map(|r| r.diagnostic_code.as_deref())
            {
                detail = format!("{detail}: {code}");
            }
            let recipients = b
                .bounced_recipients
                .iter()
                .map(|r| r.email_address.clone())
                .collect();
            (
                EmailEventKind::Bounced,
                b.timestamp,
                permanent,
                Some(detail),
                recipients,
            )
        }
        "Complaint" => {
            let c = raw.complaint.as_ref().ok_or_else(|| missing("complaint"))?;
            let recipients = c
                .complained_recipients
                .iter()
                .map(|r| r.email_address.clone())
                .collect();
            // A feedback report that says "not spam" is no reason to stop writing.
            let suppresses = c.complaint_feedback_type.as_deref() != Some("not-spam");
            (
                EmailEventKind::Complained,
                c.timestamp,
                suppresses,
                c.complaint_feedback_type.clone(),
                recipients,
            )
        }
        "Open" => {
            let o = raw.open.as_ref().ok_or_else(|| missing("open"))?;
            (EmailEventKind::Opened, o.timestamp, false, None, Vec::new())
        }
        "Click" => {
            let c = raw.click.as_ref().ok_or_else(|| missing("click"))?;
            (
                EmailEventKind::Clicked,
                c.timestamp,
                false,
                None,
                Vec::new(),
            )
        }
        _ => return Ok(None),
    };
    // A receiving server's words often quote the address: kept masked, like the list.
    let detail = detail.map(|d| {
        let mut d: String = d.chars().take(500).collect();
        for r in &recipients {
            d = replace_ignoring_case(&d, r, &mask_email(r));
        }
        d
    });
    Ok(Some(EmailEvent {
        kind,
        message_id: raw.mail.message_id,
        sent_at: raw.mail.timestamp,
        at,
        notification: notification_of(&raw.mail.tags),
        suppresses,
        detail,
        recipients,
    }))
}

/// `text` with every occurrence of `needle` (ASCII case-insensitive) replaced.
fn replace_ignoring_case(text: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() || !needle.is_ascii() {
        return text.replace(needle, with);
    }
    let (lower, needle_lower) = (text.to_ascii_lowercase(), needle.to_ascii_lowercase());
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    while let Some(found) = lower[rest..].find(&needle_lower) {
        let start = rest + found;
        out.push_str(&text[rest..start]);
        out.push_str(with);
        rest = start + needle.len();
    }
    out.push_str(&text[rest..]);
    out
}

/// Why an address gets no more email from a merchant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    /// A hard bounce: the address does not exist or never accepts mail.
    Bounced,
    /// The customer marked one of the merchant's emails as spam.
    Complained,
}

impl SuppressionReason {
    /// What notify records on an email it does not send (see [`crate::notification_stats`]).
    pub fn notification_detail(self) -> &'static str {
        match self {
            SuppressionReason::Bounced => "the address bounced permanently",
            SuppressionReason::Complained => "the customer reported an earlier email as spam",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SuppressionReason::Bounced => "Hard bounce",
            SuppressionReason::Complained => "Spam complaint",
        }
    }
}

/// An address a merchant sends no more email to, until the merchant lifts it. The address
/// itself is not kept (like the opt-outs): its hash finds it, its masked form shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Suppression {
    pub merchant_id: String,
    /// `crate::listing::email_hash` of the address.
    pub email_hash: String,
    /// `a***@example.com`.
    pub masked: String,
    pub reason: SuppressionReason,
    pub at: DateTime<Utc>,
    /// The shipment whose email bounced or was complained about.
    pub tracking_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Suppression {
    /// The suppressions an event asks for (one per recipient it names).
    pub fn from_event(event: &EmailEvent) -> Vec<Suppression> {
        let (Some(key), true) = (&event.notification, event.suppresses) else {
            return Vec::new();
        };
        let reason = match event.kind {
            EmailEventKind::Complained => SuppressionReason::Complained,
            _ => SuppressionReason::Bounced,
        };
        let mut emails: Vec<String> = event
            .recipients
            .iter()
            .map(|e| e.trim().to_lowercase())
            .filter(|e| e.contains('@'))
            .collect();
        emails.sort();
        emails.dedup();
        emails
            .into_iter()
            .map(|email| Suppression {
                merchant_id: key.merchant_id.clone(),
                email_hash: crate::listing::email_hash(&email),
                masked: mask_email(&email),
                reason,
                at: event.at,
                tracking_number: key.tracking_number.clone(),
                detail: event.detail.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
