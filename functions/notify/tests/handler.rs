//! Claim before send: duplicates never send twice; every outcome is recorded.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::fakes::{MemoryStore, RecordingMailer, RecordingTexter, merchant, shipment};
use afterclick_domain::ports::{NotificationKey, SendError};
use afterclick_domain::{Channel, Milestone, Notification, NotificationState};
use afterclick_notify::Notify;
use aws_lambda_events::event::dynamodb::Event;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};

fn intent(channel: Channel) -> Notification {
    Notification {
        merchant_id: "m1".into(),
        tracking_number: "TN01".into(),
        milestone: Milestone::OutForDelivery,
        instance: None,
        details: Default::default(),
        channel,
        state: NotificationState::Pending,
        created_at: Utc::now(),
        updated_at: Utc::now(),
        provider_message_id: None,
        detail: None,
        segments: None,
        deferred_until: None,
        expired_claims: 0,
        email: Default::default(),
    }
}

fn record(sequence: &str, n: &Notification) -> Value {
    let image = json!({
        "type": {"S": "notification"},
        "merchant_id": {"S": n.merchant_id},
        "tracking_number": {"S": n.tracking_number},
        "milestone": {"S": n.milestone.as_str()},
        "channel": {"S": n.channel.as_str()},
        "state": {"S": "pending"},
        "created_at": {"S": n.created_at.to_rfc3339()},
        "updated_at": {"S": n.updated_at.to_rfc3339()}
    });
    json!({
        "eventID": sequence, "eventName": "INSERT", "awsRegion": "us-east-1",
        "dynamodb": {"NewImage": image, "SequenceNumber": sequence, "SizeBytes": 10}
    })
}

fn setup(customer_phone: Option<&str>) -> MemoryStore {
    let store = MemoryStore::default();
    store.put_merchant(merchant("m1"));
    let mut s = shipment("m1", "TN01", Utc::now());
    s.customer.phone = customer_phone.map(|p| afterclick_domain::PhoneNumber::parse(p).unwrap());
    store.put_shipment(s);
    store
}

/// Tests pin the clock: noon in London is outside the default quiet hours (21:00-08:00).
fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap()
}

/// When the night's quiet hours are over (08:00 in London) and a little after.
fn next_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 19, 8, 5, 0).unwrap()
}

fn night() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 23, 30, 0).unwrap()
}

fn at_noon<S, M, T>(mut notify: Notify<S, M, T>) -> Notify<S, M, T> {
    notify.clock = noon;
    notify
}

fn batch(records: Vec<Value>) -> Event {
    serde_json::from_value(json!({ "Records": records })).unwrap()
}

#[tokio::test]
async fn duplicate_records_send_once_and_record_the_message_id() {
    let store = setup(Some("+447700900123"));
    let email = intent(Channel::Email);
    store.put_notification(email.clone());
    let mailer = RecordingMailer::default();
    let notify = at_noon(Notify::new(
        store.clone(),
        mailer.clone(),
        RecordingTexter::default(),
        "https://t.example",
    ));
    let response = notify
        .handle(batch(vec![
            record("1", &email),
            record("2", &email),
            record("3", &email),
        ]))
        .await
        .unwrap();
    assert!(response.batch_item_failures.is_empty());
    let sent = mailer.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "ada@example.com");
    assert_eq!(sent[0].subject, "Your order 1001 is out for delivery today");
    assert!(
        sent[0]
            .text
            .contains("https://t.example/t/0123456789abcdef0123456789abcdef")
    );
    let stored = store.notification(&NotificationKey::from(&email)).unwrap();
    assert_eq!(stored.state, NotificationState::Sent);
    assert_eq!(stored.provider_message_id.as_deref(), Some("email-1"));
}

#[tokio::test]
async fn a_customer_without_a_phone_is_suppressed_with_the_reason() {
    let store = setup(None);
    let sms = intent(Channel::Sms);
    store.put_notification(sms.clone());
    let texter = RecordingTexter::default();
    let notify = at_noon(Notify::new(
        store.clone(),
        RecordingMailer::default(),
        texter.clone(),
        "https://t.example",
    ));
    notify.handle(batch(vec![record("1", &sms)])).await.unwrap();
    assert!(texter.sent.lock().unwrap().is_empty());
    let stored = store.notification(&NotificationKey::from(&sms)).unwrap();
    assert_eq!(stored.state, NotificationState::Suppressed);
    assert_eq!(
        stored.detail.as_deref(),
        Some("the customer has no phone number")
    );
}

#[tokio::test]
async fn a_permanent_rejection_is_recorded_as_failed_and_not_retried() {
    let store = setup(Some("+447700900123"));
    let email = intent(Channel::Email);
    store.put_notification(email.clone());
    let mailer = RecordingMailer {
        failure: Some(SendError::Rejected("Email address is not verified".into())),
        ..Default::default()
    };
    let notify = at_noon(Notify::new(
        store.clone(),
        mailer,
        RecordingTexter::default(),
        "https://t.example",
    ));
    let response = notify
        .handle(batch(vec![record("1", &email)]))
        .await
        .unwrap();
    assert!(response.batch_item_failures.is_empty());
    let stored = store.notification(&NotificationKey::from(&email)).unwrap();
    assert_eq!(stored.state, NotificationState::Failed);
    assert!(stored.detail.unwrap().contains("not verified"));
}

#[tokio::test]
async fn sms_carries_the_brand_and_link() {
    let store = setup(Some("+447700900123"));
    let sms = intent(Channel::Sms);
    store.put_notification(sms.clone());
    let texter = RecordingTexter::default();
    let notify = at_noon(Notify::new(
        store,
        RecordingMailer::default(),
        texter.clone(),
        "https://t.example",
    ));
    notify.handle(batch(vec![record("9", &sms)])).await.unwrap();
    let sent = texter.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].body,
        "Acme: your order 1001 is out for delivery today. https://t.example/t/0123456789abcdef0123456789abcdef"
    );
}

#[tokio::test]
async fn sms_in_quiet_hours_is_deferred_until_they_end_and_email_is_not() {
    let store = setup(Some("+447700900123"));
    let sms = intent(Channel::Sms);
    let email = intent(Channel::Email);
    store.put_notification(sms.clone());
    store.put_notification(email.clone());
    let (mailer, texter) = (RecordingMailer::default(), RecordingTexter::default());
    let mut notify = Notify::new(
        store.clone(),
        mailer.clone(),
        texter.clone(),
        "https://t.example",
    );
    notify.clock = night;
    notify
        .handle(batch(vec![record("1", &sms), record("2", &email)]))
        .await
        .unwrap();
    assert!(texter.sent.lock().unwrap().is_empty());
    assert_eq!(
        mailer.sent.lock().unwrap().len(),
        1,
        "email is never deferred"
    );
    let stored = store.notification(&NotificationKey::from(&sms)).unwrap();
    assert_eq!(stored.state, NotificationState::Deferred);
    // London, 23:30 in November (UTC+0): quiet until 08:00 the next morning.
    assert_eq!(
        stored.deferred_until,
        Some(Utc.with_ymd_and_hms(2026, 11, 19, 8, 0, 0).unwrap())
    );
    // Woken before the quiet hours end (a stale wake-up): still held.
    notify.clock = noon;
    notify
        .resume(&NotificationKey::from(&sms), noon())
        .await
        .unwrap();
    assert!(texter.sent.lock().unwrap().is_empty());
    notify.clock = next_morning;
    notify
        .resume(&NotificationKey::from(&sms), next_morning())
        .await
        .unwrap();
    assert_eq!(texter.sent.lock().unwrap().len(), 1);
    let sent = store.notification(&NotificationKey::from(&sms)).unwrap();
    assert_eq!(sent.state, NotificationState::Sent);
    assert_eq!(sent.segments.unwrap().count, 1);
}

#[tokio::test]
async fn throttling_is_retried_with_backoff_then_sent_once() {
    let store = setup(Some("+447700900123"));
    let email = intent(Channel::Email);
    store.put_notification(email.clone());
    let mailer = RecordingMailer::default();
    *mailer.transient_failures.lock().unwrap() = 2;
    let notify = at_noon(Notify::new(
        store.clone(),
        mailer.clone(),
        RecordingTexter::default(),
        "https://t.example",
    ));
    notify
        .handle(batch(vec![record("1", &email)]))
        .await
        .unwrap();
    assert_eq!(mailer.sent.lock().unwrap().len(), 1);
    assert_eq!(
        store
            .notification(&NotificationKey::from(&email))
            .unwrap()
            .state,
        NotificationState::Sent
    );
}

fn noon_plus_4_minutes() -> DateTime<Utc> {
    noon() + chrono::Duration::minutes(4)
}

fn noon_plus_6_minutes() -> DateTime<Utc> {
    noon() + chrono::Duration::minutes(6)
}

#[tokio::test]
async fn an_expired_claim_is_taken_over_once_and_sent_and_a_live_one_is_left_alone() {
    let store = setup(None);
    // A sender claimed it at noon and died before recording anything.
    let mut email = intent(Channel::Email);
    email.state = NotificationState::Claimed;
    email.updated_at = noon();
    store.put_notification(email.clone());
    let key = NotificationKey::from(&email);
    let mailer = RecordingMailer::default();
    let mut notify = Notify::new(
        store.clone(),
        mailer.clone(),
        RecordingTexter::default(),
        "https://t.example",
    );

    // Inside the lease: maybe still sending; nobody takes it over.
    notify.clock = noon_plus_4_minutes;
    notify.resume(&key, noon_plus_4_minutes()).await.unwrap();
    assert!(mailer.sent.lock().unwrap().is_empty());
    assert_eq!(
        store.notification(&key).unwrap().state,
        NotificationState::Claimed
    );

    // After it: sent once, the takeover counted; a second sweep finds nothing to do.
    notify.clock = noon_plus_6_minutes;
    notify.resume(&key, noon_plus_6_minutes()).await.unwrap();
    notify.resume(&key, noon_plus_6_minutes()).await.unwrap();
    assert_eq!(mailer.sent.lock().unwrap().len(), 1);
    let stored = store.notification(&key).unwrap();
    assert_eq!(stored.state, NotificationState::Sent);
    assert_eq!(stored.expired_claims, 1);
}

/// A template that passed its checks but fails on this message's data (here: a pickup
/// point the carrier did not give) costs the customer nothing: the built-in message goes,
/// and the notification tells the merchant why.
#[tokio::test]
async fn a_template_failing_at_send_time_falls_back_and_tells_the_merchant() {
    use afterclick_domain::message::Override;
    use afterclick_domain::ports::{TemplateKey, TemplateStore};
    let store = setup(Some("+447700900123"));
    let key = TemplateKey {
        merchant_id: "m1".into(),
        milestone: Milestone::OutForDelivery,
        channel: Channel::Email,
        locale: "en".into(),
    };
    let template = Override {
        subject: Some("Collect it at {{ pickup.name }}".into()),
        ..Override::default()
    };
    store.save_template(&key, &template).await.unwrap();
    let email = intent(Channel::Email);
    store.put_notification(email.clone());
    let mailer = RecordingMailer::default();
    let notify = at_noon(Notify::new(
        store.clone(),
        mailer.clone(),
        RecordingTexter::default(),
        "https://t.example",
    ));
    let response = notify
        .handle(batch(vec![record("1", &email)]))
        .await
        .unwrap();
    assert!(response.batch_item_failures.is_empty());
    let sent = mailer.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].subject, "Your order 1001 is out for delivery today");
    let stored = store.notification(&NotificationKey::from(&email)).unwrap();
    assert_eq!(stored.state, NotificationState::Sent);
    let note = stored.detail.unwrap_or_default();
    assert!(
        note.contains("your template failed") && note.contains("subject"),
        "{note}"
    );
}

/// A notification's stream image as it is after an update: `woken_at` when the sweeper woke it.
fn modified(sequence: &str, n: &Notification, woken_at: Option<DateTime<Utc>>) -> Value {
    let mut image = serde_dynamo::to_item::<_, serde_dynamo::Item>(n).unwrap();
    image.insert(
        "type".into(),
        serde_dynamo::AttributeValue::S("notification".into()),
    );
    if let Some(at) = woken_at {
        image.insert(
            "woken_at".into(),
            serde_dynamo::AttributeValue::S(at.to_rfc3339()),
        );
    }
    json!({
        "eventID": sequence, "eventName": "MODIFY", "awsRegion": "us-east-1",
        "dynamodb": {"NewImage": image, "SequenceNumber": sequence, "SizeBytes": 10}
    })
}

#[tokio::test]
async fn a_wake_up_delivered_twice_sends_the_deferred_sms_once_as_of_the_wake() {
    use afterclick_domain::ports::DueStore;
    let store = setup(Some("+447700900123"));
    let mut sms = intent(Channel::Sms);
    sms.state = NotificationState::Deferred;
    sms.deferred_until = Some(noon() - chrono::Duration::hours(4));
    store.put_notification(sms.clone());
    let key = NotificationKey::from(&sms);
    // What the sweep does: it marks the item, the stream carries the mark.
    assert!(store.wake_notification(&key, noon()).await.unwrap());
    let texter = RecordingTexter::default();
    let mut notify = Notify::new(
        store.clone(),
        RecordingMailer::default(),
        texter.clone(),
        "https://t.example",
    );
    // Notify's own clock is in the quiet hours: a woken deferred SMS is not deferred again.
    notify.clock = night;
    let woken = modified("1", &sms, Some(noon()));
    // A MODIFY without the mark (an earlier update) is not a wake-up: nothing happens.
    let response = notify
        .handle(batch(vec![modified("0", &sms, None)]))
        .await
        .unwrap();
    assert!(response.batch_item_failures.is_empty());
    assert!(texter.sent.lock().unwrap().is_empty());
    let response = notify
        .handle(batch(vec![woken.clone(), woken.clone()]))
        .await
        .unwrap();
    assert!(response.batch_item_failures.is_empty());
    notify.handle(batch(vec![woken])).await.unwrap();
    assert_eq!(texter.sent.lock().unwrap().len(), 1);
    let sent = store.notification(&key).unwrap();
    assert_eq!(sent.state, NotificationState::Sent);
    assert_eq!(store.woken_at(&key), None, "the claim took the wake-up off");
}

#[tokio::test]
async fn a_brand_on_its_own_domain_links_there_and_its_email_names_the_notification_for_ses() {
    let store = setup(None);
    let mut m = merchant("m1");
    m.branding.page_base_url = Some("https://track.acme.example".into());
    store.put_merchant(m);
    let email = intent(Channel::Email);
    store.put_notification(email.clone());
    let mailer = RecordingMailer::default();
    let notify = at_noon(Notify::new(
        store.clone(),
        mailer.clone(),
        RecordingTexter::default(),
        "https://t.example",
    ));
    notify
        .handle(batch(vec![record("1", &email)]))
        .await
        .unwrap();
    let sent = mailer.sent.lock().unwrap().clone();
    assert!(
        sent[0]
            .text
            .contains("https://track.acme.example/t/0123456789abcdef0123456789abcdef"),
        "{}",
        sent[0].text
    );
    assert!(!sent[0].text.contains("https://t.example/"));
    assert_eq!(
        sent[0].unsubscribe_url.as_deref(),
        Some("https://track.acme.example/u/0123456789abcdef0123456789abcdef")
    );
    assert_eq!(
        sent[0].tags,
        afterclick_domain::email_events::tags(&NotificationKey::from(&email))
    );
    assert!(!sent[0].tags.is_empty());
}

#[tokio::test]
async fn an_address_on_the_suppression_list_gets_no_email() {
    use afterclick_domain::email_events::{Suppression, SuppressionReason};
    use afterclick_domain::ports::SuppressionList;
    let store = setup(None);
    store
        .suppress(&Suppression {
            merchant_id: "m1".into(),
            email_hash: afterclick_domain::listing::email_hash("ada@example.com"),
            masked: "a***@example.com".into(),
            reason: SuppressionReason::Complained,
            at: noon(),
            tracking_number: "TN00".into(),
            detail: None,
        })
        .await
        .unwrap();
    let email = intent(Channel::Email);
    store.put_notification(email.clone());
    let mailer = RecordingMailer::default();
    let notify = at_noon(Notify::new(
        store.clone(),
        mailer.clone(),
        RecordingTexter::default(),
        "https://t.example",
    ));
    notify
        .handle(batch(vec![record("1", &email)]))
        .await
        .unwrap();
    assert!(mailer.sent.lock().unwrap().is_empty());
    let stored = store.notification(&NotificationKey::from(&email)).unwrap();
    assert_eq!(stored.state, NotificationState::Suppressed);
    assert_eq!(
        stored.detail.as_deref(),
        Some("the customer reported an earlier email as spam")
    );
}

#[tokio::test]
async fn an_sms_sent_again_by_the_merchant_keeps_the_customers_quiet_hours() {
    use afterclick_domain::ports::NotificationResend;
    let store = setup(Some("+447700900123"));
    let mut sms = intent(Channel::Sms);
    sms.state = NotificationState::Failed;
    sms.detail = Some("SNS was unavailable".into());
    store.put_notification(sms.clone());
    let key = NotificationKey::from(&sms);
    assert!(store.reopen(&key, night()).await.unwrap());
    let reopened = store.notification(&key).unwrap();
    assert_eq!(reopened.state, NotificationState::Pending);
    let texter = RecordingTexter::default();
    let mut notify = Notify::new(
        store.clone(),
        RecordingMailer::default(),
        texter.clone(),
        "https://t.example",
    );
    notify.clock = night;
    let woken = modified("1", &reopened, Some(night()));
    notify.handle(batch(vec![woken.clone()])).await.unwrap();
    assert!(texter.sent.lock().unwrap().is_empty(), "not at 23:30");
    let held = store.notification(&key).unwrap();
    assert_eq!(held.state, NotificationState::Deferred);
    assert!(held.deferred_until.is_some());
    // The same wake-up again (a retried batch) sends nothing either.
    notify.handle(batch(vec![woken])).await.unwrap();
    assert!(texter.sent.lock().unwrap().is_empty());
}
