//! What SES reports about a sent email, recorded: the event on its notification (and in
//! the dashboard's counts), and for a hard bounce or a complaint, the address on the
//! merchant's suppression list, so notify sends it no more email (the merchant can lift it).
//! SNS delivers at least once and out of order; every write here is conditional, so a
//! repeated event changes nothing.

use afterclick_domain::email_events::{self, EmailEvent, Suppression};
use afterclick_domain::ports::{EmailEventStore, StoreError, SuppressionList};

/// What became of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// Recorded on its notification (and the address suppressed, if it asks for that).
    Recorded,
    /// Recorded before: a repeated delivery of the event, or a second one of its kind
    /// (another open).
    Repeated,
    /// Not ours to record: a kind we do not keep, mail without our tags, a notification
    /// that no longer exists, or not an SES event at all (retrying would not change it).
    Ignored(String),
}

pub struct EmailEvents<S> {
    pub store: S,
}

impl<S: EmailEventStore + SuppressionList> EmailEvents<S> {
    pub fn new(store: S) -> Self {
        Self { store }
    }

    /// One SES event, the body of the SNS message. An error is the store's (transient):
    /// the caller fails the invocation so the event is delivered again.
    pub async fn handle(&self, message: &str) -> Result<Handled, StoreError> {
        let event = match email_events::parse(message) {
            Ok(Some(event)) => event,
            Ok(None) => return Ok(Handled::Ignored("an event kind that is not kept".into())),
            Err(err) => return Ok(Handled::Ignored(err.to_string())),
        };
        self.record(&event).await
    }

    pub async fn record(&self, event: &EmailEvent) -> Result<Handled, StoreError> {
        let Some(key) = &event.notification else {
            return Ok(Handled::Ignored("mail without afterclick's tags".into()));
        };
        // The suppressions with the record, in one write: a repeated event (SNS retries)
        // must not put back an address the merchant lifted since.
        let suppressions = Suppression::from_event(event);
        if self
            .store
            .record_email_event(key, event, &suppressions)
            .await?
        {
            for s in &suppressions {
                tracing::info!(merchant_id = %s.merchant_id, reason = ?s.reason, "address suppressed");
            }
            Ok(Handled::Recorded)
        } else {
            Ok(Handled::Repeated)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use afterclick_domain::Channel;
    use afterclick_domain::email_events::{EmailEventKind, SuppressionReason};
    use afterclick_domain::fakes::{MemoryStore, notification, shipment};
    use afterclick_domain::milestone::Milestone;
    use afterclick_domain::ports::{NotificationKey, NotificationStatsStore, ShipmentStore};
    use chrono::{TimeZone, Utc};

    fn setup() -> (MemoryStore, NotificationKey) {
        let store = MemoryStore::default();
        let at = Utc.with_ymd_and_hms(2026, 3, 4, 10, 0, 0).unwrap();
        let s = shipment("m1", "TN1", at);
        store.put_shipment(s.clone());
        let n = notification(&s, Milestone::OutForDelivery, Channel::Email);
        let key = NotificationKey::from(&n);
        store.put_notification(n);
        (store, key)
    }

    fn event(key: &NotificationKey, kind: &str, body: serde_json::Value) -> String {
        let tags: serde_json::Map<String, serde_json::Value> = email_events::tags(key)
            .into_iter()
            .map(|(k, v)| (k, serde_json::json!([v])))
            .collect();
        let mut e = serde_json::json!({
            "eventType": kind,
            "mail": {"timestamp": "2026-03-04T10:00:00Z", "messageId": "m-1", "tags": tags}
        });
        let name = match kind {
            "Delivery" => "delivery",
            "Bounce" => "bounce",
            "Complaint" => "complaint",
            _ => "open",
        };
        e[name] = body;
        e.to_string()
    }

    #[tokio::test]
    async fn a_hard_bounce_is_recorded_once_and_suppresses_the_address() {
        let (store, key) = setup();
        let events = EmailEvents::new(store.clone());
        let bounce = event(
            &key,
            "Bounce",
            serde_json::json!({"bounceType": "Permanent", "bounceSubType": "NoEmail",
                "bouncedRecipients": [{"emailAddress": "ADA@example.com"}], "timestamp": "2026-03-04T10:00:05Z"}),
        );
        assert_eq!(events.handle(&bounce).await.unwrap(), Handled::Recorded);
        assert_eq!(events.handle(&bounce).await.unwrap(), Handled::Repeated);
        let n = store.notifications("m1", "TN1").await.unwrap();
        assert!(n[0].email.bounced_at.is_some());
        assert_eq!(n[0].email.bounce.as_deref(), Some("Permanent (NoEmail)"));
        assert_eq!(
            store.suppressed("m1", "ada@example.com").await.unwrap(),
            Some(SuppressionReason::Bounced)
        );
        let listed = store.suppressions("m1").await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].masked, "a***@example.com");
        // Lifted by the merchant, then SNS delivers the bounce again: it stays lifted.
        assert!(
            store
                .lift_suppression("m1", &listed[0].email_hash)
                .await
                .unwrap()
        );
        assert_eq!(events.handle(&bounce).await.unwrap(), Handled::Repeated);
        assert_eq!(
            store.suppressed("m1", "ada@example.com").await.unwrap(),
            None
        );
        // Another merchant's list is untouched.
        assert_eq!(
            store.suppressed("m2", "ada@example.com").await.unwrap(),
            None
        );
        let days = store
            .notification_stats("m1", chrono::NaiveDate::MIN, chrono::NaiveDate::MAX)
            .await
            .unwrap();
        let bounced: u64 = days
            .iter()
            .flat_map(|d| d.counts.iter())
            .filter(|(c, _)| {
                c.measure
                    == afterclick_domain::notification_stats::Measure::Email(
                        EmailEventKind::Bounced,
                    )
            })
            .map(|(_, n)| n)
            .sum();
        assert_eq!(bounced, 1, "counted once however often SNS delivers it");
    }

    #[tokio::test]
    async fn deliveries_and_opens_suppress_nothing_and_foreign_mail_is_ignored() {
        let (store, key) = setup();
        let events = EmailEvents::new(store.clone());
        let delivery = event(
            &key,
            "Delivery",
            serde_json::json!({"timestamp": "2026-03-04T10:00:02Z"}),
        );
        assert_eq!(events.handle(&delivery).await.unwrap(), Handled::Recorded);
        assert!(store.suppressions("m1").await.unwrap().is_empty());
        let mut gone = key.clone();
        gone.tracking_number = "ERASED".into();
        let unknown = event(
            &gone,
            "Delivery",
            serde_json::json!({"timestamp": "2026-03-04T10:00:02Z"}),
        );
        assert_eq!(events.handle(&unknown).await.unwrap(), Handled::Repeated);
        assert!(matches!(
            events.handle("not json").await.unwrap(),
            Handled::Ignored(_)
        ));
        let foreign = r#"{"eventType":"Delivery","mail":{"timestamp":"2026-03-04T10:00:00Z","messageId":"x","tags":{}},"delivery":{"timestamp":"2026-03-04T10:00:01Z"}}"#;
        assert!(matches!(
            events.handle(foreign).await.unwrap(),
            Handled::Ignored(_)
        ));
    }
}
