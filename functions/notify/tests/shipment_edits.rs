//! Intents already written when the merchant narrowed the shipment's channels or erased the
//! customer's data are suppressed with the reason, never sent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::fakes::{MemoryStore, RecordingMailer, RecordingTexter, merchant, shipment};
use afterclick_domain::ports::NotificationKey;
use afterclick_domain::{Channel, Milestone, Notification, NotificationState, Shipment};
use afterclick_notify::Notify;
use aws_lambda_events::event::dynamodb::Event;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap()
}

fn intent(channel: Channel) -> Notification {
    afterclick_domain::fakes::notification(
        &shipment("m1", "TN01", noon()),
        Milestone::OutForDelivery,
        channel,
    )
}

fn batch(intents: &[Notification]) -> Event {
    let records: Vec<_> = intents
        .iter()
        .enumerate()
        .map(|(i, n)| {
            json!({
                "eventID": i.to_string(), "eventName": "INSERT", "awsRegion": "us-east-1",
                "dynamodb": {"SequenceNumber": i.to_string(), "SizeBytes": 10, "NewImage": {
                    "type": {"S": "notification"},
                    "merchant_id": {"S": n.merchant_id},
                    "tracking_number": {"S": n.tracking_number},
                    "milestone": {"S": n.milestone.as_str()},
                    "channel": {"S": n.channel.as_str()},
                    "state": {"S": "pending"},
                    "created_at": {"S": n.created_at.to_rfc3339()},
                    "updated_at": {"S": n.updated_at.to_rfc3339()}
                }}
            })
        })
        .collect();
    serde_json::from_value(json!({ "Records": records })).unwrap()
}

/// Runs one email and one SMS intent against the edited shipment; returns what was sent
/// and each intent's final state and reason.
async fn deliver(edit: impl FnOnce(&mut Shipment)) -> (usize, Vec<(NotificationState, String)>) {
    let store = MemoryStore::default();
    store.put_merchant(merchant("m1"));
    let mut s = shipment("m1", "TN01", noon());
    edit(&mut s);
    store.put_shipment(s);
    let intents = [intent(Channel::Email), intent(Channel::Sms)];
    for n in &intents {
        store.put_notification(n.clone());
    }
    let (mailer, texter) = (RecordingMailer::default(), RecordingTexter::default());
    let mut notify = Notify::new(store.clone(), mailer.clone(), texter.clone(), "https://t.x");
    notify.clock = noon;
    notify.handle(batch(&intents)).await.unwrap();
    let sent = mailer.sent.lock().unwrap().len() + texter.sent.lock().unwrap().len();
    let states = intents
        .iter()
        .map(|n| {
            let stored = store.notification(&NotificationKey::from(n)).unwrap();
            (stored.state, stored.detail.unwrap_or_default())
        })
        .collect();
    (sent, states)
}

#[tokio::test]
async fn channels_turned_off_for_the_shipment_are_suppressed() {
    let (sent, states) = deliver(|s| s.channels = Some(vec![Channel::Email])).await;
    assert_eq!(sent, 1);
    assert_eq!(states[0].0, NotificationState::Sent);
    assert_eq!(
        states[1],
        (
            NotificationState::Suppressed,
            "the channel is turned off for this shipment".to_owned()
        )
    );
}

#[tokio::test]
async fn nothing_is_sent_after_the_customers_data_was_erased() {
    let (sent, states) = deliver(|s| {
        s.customer.name = String::new();
        s.customer.email = None;
        s.customer.phone = None;
        s.erased_at = Some(noon());
    })
    .await;
    assert_eq!(sent, 0);
    for state in states {
        assert_eq!(
            state,
            (
                NotificationState::Suppressed,
                "the customer's personal data was erased".to_owned()
            )
        );
    }
}
