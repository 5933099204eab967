//! SES's side of the email events, played locally: moto sends the email but publishes no
//! events, so the devstack builds the events SES would publish (the event-publishing JSON
//! SES documents, for one sent email and its tags), wraps each as SNS delivers it to a Lambda
//! subscriber (the `Records[].Sns` event), and hands it to the ses-events function: its
//! binary in binary mode, its handler in process otherwise.

use crate::REGION;
use afterclick_aws::DynamoStore;
use afterclick_domain::email_events;
use afterclick_domain::ports::NotificationKey;
use afterclick_domain::{Channel, Notification, NotificationState};
use afterclick_ses_events::{Outcome, SesEvents};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use std::sync::Arc;

const ACCOUNT: &str = "123456789012";

/// What SES reports, as the dashboard counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Delivery,
    Open,
    Click,
    /// `Permanent`: the address does not exist.
    HardBounce,
    /// `Transient`: a full mailbox.
    SoftBounce,
    Complaint,
}

/// One email SES accepted: what its events carry in `mail`.
#[derive(Debug, Clone)]
pub struct SentMail {
    pub message_id: String,
    pub sent_at: DateTime<Utc>,
    pub from: String,
    pub to: String,
    /// The message tags the email was sent with (`afterclick_domain::email_events::tags`).
    pub tags: Vec<(String, String)>,
}

impl SentMail {
    /// The email a sent notification went out as (none for an SMS or an unsent one).
    pub fn of(n: &Notification, from: &str, to: &str) -> Option<SentMail> {
        if n.channel != Channel::Email || n.state != NotificationState::Sent {
            return None;
        }
        Some(SentMail {
            message_id: n.provider_message_id.clone()?,
            sent_at: n.updated_at,
            from: from.to_owned(),
            to: to.to_owned(),
            tags: email_events::tags(&NotificationKey::from(n)),
        })
    }
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The event SES publishes for `mail` at `at`.
pub fn event(kind: Kind, mail: &SentMail, at: DateTime<Utc>) -> Value {
    let domain = mail.from.rsplit_once('@').map_or("", |(_, d)| d);
    let mut tags = serde_json::Map::new();
    tags.insert("ses:configuration-set".into(), json!(["afterclick-events"]));
    tags.insert("ses:source-ip".into(), json!(["192.0.2.10"]));
    tags.insert("ses:from-domain".into(), json!([domain]));
    tags.insert("ses:caller-identity".into(), json!(["afterclick-notify"]));
    tags.insert("ses:outgoing-ip".into(), json!(["198.51.100.25"]));
    for (name, value) in &mail.tags {
        tags.insert(name.clone(), json!([value]));
    }
    let mut e = json!({
        "eventType": match kind {
            Kind::Delivery => "Delivery",
            Kind::Open => "Open",
            Kind::Click => "Click",
            Kind::HardBounce | Kind::SoftBounce => "Bounce",
            Kind::Complaint => "Complaint",
        },
        "mail": {
            "timestamp": stamp(mail.sent_at),
            "source": mail.from,
            "sourceArn": format!("arn:aws:ses:{REGION}:{ACCOUNT}:identity/{domain}"),
            "sendingAccountId": ACCOUNT,
            "messageId": mail.message_id,
            "destination": [mail.to],
            "headersTruncated": false,
            "headers": [
                {"name": "From", "value": mail.from},
                {"name": "To", "value": mail.to}
            ],
            "commonHeaders": {"from": [mail.from], "to": [mail.to], "messageId": mail.message_id},
            "tags": tags
        }
    });
    let recipient = json!({"emailAddress": mail.to});
    let (name, body) = match kind {
        Kind::Delivery => (
            "delivery",
            json!({"timestamp": stamp(at), "processingTimeMillis": 1042, "recipients": [mail.to],
                   "smtpResponse": "250 2.0.0 OK", "reportingMTA": "a8-30.smtp-out.amazonses.com"}),
        ),
        Kind::Open => (
            "open",
            json!({"ipAddress": "192.0.2.44", "timestamp": stamp(at), "userAgent": "Mozilla/5.0"}),
        ),
        Kind::Click => (
            "click",
            json!({"ipAddress": "192.0.2.44", "timestamp": stamp(at), "userAgent": "Mozilla/5.0",
                   "link": "https://track.example/t/link", "linkTags": {}}),
        ),
        Kind::HardBounce => (
            "bounce",
            json!({"bounceType": "Permanent", "bounceSubType": "General",
                   "bouncedRecipients": [{"emailAddress": mail.to, "action": "failed", "status": "5.1.1",
                                          "diagnosticCode": "smtp; 550 5.1.1 user unknown"}],
                   "timestamp": stamp(at), "feedbackId": format!("{}-bounce", mail.message_id),
                   "reportingMTA": "dsn; a8-30.smtp-out.amazonses.com"}),
        ),
        Kind::SoftBounce => (
            "bounce",
            json!({"bounceType": "Transient", "bounceSubType": "MailboxFull",
                   "bouncedRecipients": [recipient], "timestamp": stamp(at),
                   "feedbackId": format!("{}-soft", mail.message_id)}),
        ),
        Kind::Complaint => (
            "complaint",
            json!({"complainedRecipients": [recipient], "timestamp": stamp(at),
                   "feedbackId": format!("{}-complaint", mail.message_id),
                   "userAgent": "ExampleCorp Feedback Loop (V0.01)",
                   "complaintFeedbackType": "abuse", "arrivalDate": stamp(at)}),
        ),
    };
    e[name] = body;
    e
}

/// How SNS invokes a Lambda subscriber with one message: the message as a string.
pub fn sns_event(message: &Value) -> Value {
    let topic = format!("arn:aws:sns:{REGION}:{ACCOUNT}:EmailEventsTopic");
    let id = crate::unique_suffix().to_lowercase();
    json!({
        "Records": [{
            "EventSource": "aws:sns",
            "EventVersion": "1.0",
            "EventSubscriptionArn": format!("{topic}:{id}"),
            "Sns": {
                "Type": "Notification",
                "MessageId": id,
                "TopicArn": topic,
                "Subject": null,
                "Message": message.to_string(),
                "Timestamp": stamp(Utc::now()),
                "SignatureVersion": "1",
                "Signature": "EXAMPLE",
                "SigningCertUrl": format!("https://sns.{REGION}.amazonaws.com/SimpleNotificationService-local.pem"),
                "UnsubscribeUrl": format!("https://sns.{REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic}:{id}"),
                "MessageAttributes": {}
            }
        }]
    })
}

/// The ses-events function as the topic's subscription reaches it.
#[derive(Clone)]
pub struct Target {
    pub(crate) in_process: Arc<SesEvents<DynamoStore>>,
    pub(crate) binary: Option<Arc<crate::lambda::FunctionHost>>,
}

impl Target {
    /// Delivers one SES event; an error is the function's (SNS would retry it).
    pub async fn deliver(&self, ses_event: &Value) -> Result<(), String> {
        let payload = sns_event(ses_event);
        match &self.binary {
            Some(host) => {
                let bytes = serde_json::to_vec(&payload).map_err(|e| e.to_string())?;
                host.invoke(bytes).await.map_err(|e| e.to_string())?;
                Ok(())
            }
            None => {
                let event = serde_json::from_value(payload).map_err(|e| e.to_string())?;
                let handled: Vec<Outcome> = self
                    .in_process
                    .handle(event)
                    .await
                    .map_err(|e| e.to_string())?;
                tracing::debug!(?handled, "ses event");
                Ok(())
            }
        }
    }
}
