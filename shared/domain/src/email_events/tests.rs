//! Fixtures written for these tests in the shapes SES documents for event publishing
//! ("Contents of event data that Amazon SES publishes to Amazon SNS").

use super::*;
use crate::milestone::Milestone;

fn key(instance: Option<&str>) -> NotificationKey {
    NotificationKey {
        merchant_id: "m_demo-1".into(),
        tracking_number: "1Z 999/AA1".into(),
        milestone: Milestone::OutForDelivery,
        instance: instance.map(str::to_owned),
        channel: Channel::Email,
    }
}

/// SES's `mail.tags`: its own tags beside ours, each a list of values.
fn mail(tags: &[(String, String)]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert(
        "ses:configuration-set".into(),
        serde_json::json!(["afterclick-events"]),
    );
    map.insert("ses:source-ip".into(), serde_json::json!(["198.51.100.7"]));
    map.insert(
        "ses:from-domain".into(),
        serde_json::json!(["shop.example"]),
    );
    for (k, v) in tags {
        map.insert(k.clone(), serde_json::json!([v]));
    }
    serde_json::json!({
        "timestamp": "2026-03-04T10:00:00.123Z",
        "source": "Shop <ship@shop.example>",
        "sourceArn": "arn:aws:ses:us-east-1:123456789012:identity/shop.example",
        "sendingAccountId": "123456789012",
        "messageId": "0100018e0a1b2c3d-aaaa-bbbb-cccc-000000000000-000000",
        "destination": ["ada@example.com"],
        "headersTruncated": false,
        "headers": [{"name": "From", "value": "Shop <ship@shop.example>"}],
        "commonHeaders": {"from": ["Shop <ship@shop.example>"], "to": ["ada@example.com"], "messageId": "0100018e0a1b2c3d", "subject": "Out for delivery"},
        "tags": map
    })
}

fn event(kind: &str, body_name: &str, body: serde_json::Value, instance: Option<&str>) -> String {
    let mut e = serde_json::json!({ "eventType": kind, "mail": mail(&tags(&key(instance))) });
    e[body_name] = body;
    e.to_string()
}

#[test]
fn a_delivery_names_its_notification_through_the_tags() {
    let json = event(
        "Delivery",
        "delivery",
        serde_json::json!({"timestamp": "2026-03-04T10:00:02.500Z", "processingTimeMillis": 2377, "recipients": ["ada@example.com"], "smtpResponse": "250 2.6.0 Message received", "reportingMTA": "a8-70.smtp-out.amazonses.com"}),
        Some("2026-03-04T08"),
    );
    let e = parse(&json).unwrap().unwrap();
    assert_eq!(e.kind, EmailEventKind::Delivered);
    assert_eq!(e.notification, Some(key(Some("2026-03-04T08"))));
    assert_eq!(
        e.message_id,
        "0100018e0a1b2c3d-aaaa-bbbb-cccc-000000000000-000000"
    );
    assert_eq!(e.sent_at.to_rfc3339(), "2026-03-04T10:00:00.123+00:00");
    assert_eq!(e.at.to_rfc3339(), "2026-03-04T10:00:02.500+00:00");
    assert!(!e.suppresses);
}

#[test]
fn a_hard_bounce_suppresses_and_says_why() {
    let json = event(
        "Bounce",
        "bounce",
        serde_json::json!({
            "bounceType": "Permanent", "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": "Ada@Example.com", "action": "failed", "status": "5.1.1", "diagnosticCode": "smtp; 550 5.1.1 <ADA@example.com> user unknown"}],
            "timestamp": "2026-03-04T10:00:03Z", "feedbackId": "0100018e-feedback", "reportingMTA": "dsn; a8-70.smtp-out.amazonses.com"
        }),
        None,
    );
    let e = parse(&json).unwrap().unwrap();
    assert_eq!(e.kind, EmailEventKind::Bounced);
    assert!(e.suppresses);
    assert_eq!(
        e.detail.as_deref(),
        Some("Permanent (General): smtp; 550 5.1.1 <A***@Example.com> user unknown")
    );
    let s = Suppression::from_event(&e);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].masked, "a***@example.com");
    assert_eq!(
        s[0].email_hash,
        crate::listing::email_hash("ada@example.com")
    );
    assert!(!format!("{s:?}").contains("ada@"), "no address kept");
    assert_eq!(s[0].reason, SuppressionReason::Bounced);
    assert_eq!(s[0].merchant_id, "m_demo-1");
    assert_eq!(s[0].tracking_number, "1Z 999/AA1");
}

#[test]
fn a_soft_bounce_is_counted_but_suppresses_nothing() {
    let json = event(
        "Bounce",
        "bounce",
        serde_json::json!({"bounceType": "Transient", "bounceSubType": "MailboxFull", "bouncedRecipients": [{"emailAddress": "ada@example.com"}], "timestamp": "2026-03-04T10:00:03Z", "feedbackId": "x"}),
        None,
    );
    let e = parse(&json).unwrap().unwrap();
    assert_eq!(e.kind, EmailEventKind::Bounced);
    assert!(!e.suppresses);
    assert!(Suppression::from_event(&e).is_empty());
}

#[test]
fn a_complaint_suppresses() {
    let json = event(
        "Complaint",
        "complaint",
        serde_json::json!({"complainedRecipients": [{"emailAddress": "ada@example.com"}], "timestamp": "2026-03-05T09:00:00Z", "feedbackId": "x", "userAgent": "Mail/1.0", "complaintFeedbackType": "abuse", "arrivalDate": "2026-03-05T08:59:00Z"}),
        None,
    );
    let e = parse(&json).unwrap().unwrap();
    assert_eq!(e.kind, EmailEventKind::Complained);
    let s = Suppression::from_event(&e);
    assert_eq!(s[0].reason, SuppressionReason::Complained);
    assert_eq!(s[0].detail.as_deref(), Some("abuse"));
    // A report that it is not spam stops nothing.
    let json = event(
        "Complaint",
        "complaint",
        serde_json::json!({"complainedRecipients": [{"emailAddress": "ada@example.com"}], "timestamp": "2026-03-05T09:00:00Z", "complaintFeedbackType": "not-spam"}),
        None,
    );
    assert!(Suppression::from_event(&parse(&json).unwrap().unwrap()).is_empty());
}

#[test]
fn opens_and_clicks_are_read() {
    let open = event(
        "Open",
        "open",
        serde_json::json!({"ipAddress": "192.0.2.1", "timestamp": "2026-03-04T11:00:00Z", "userAgent": "Mozilla/5.0"}),
        None,
    );
    let click = event(
        "Click",
        "click",
        serde_json::json!({"ipAddress": "192.0.2.1", "link": "https://track.example/t/abc", "linkTags": {}, "timestamp": "2026-03-04T11:01:00Z", "userAgent": "Mozilla/5.0"}),
        None,
    );
    assert_eq!(parse(&open).unwrap().unwrap().kind, EmailEventKind::Opened);
    assert_eq!(
        parse(&click).unwrap().unwrap().kind,
        EmailEventKind::Clicked
    );
}

#[test]
fn events_we_do_not_record_and_foreign_mail_are_told_apart_from_garbage() {
    let send = serde_json::json!({"eventType": "Send", "mail": mail(&[]), "send": {}}).to_string();
    assert_eq!(parse(&send), Ok(None));
    let delay = serde_json::json!({"eventType": "DeliveryDelay", "mail": mail(&[]), "deliveryDelay": {"timestamp": "2026-03-04T10:00:00Z", "delayType": "MailboxFull"}}).to_string();
    assert_eq!(parse(&delay), Ok(None));
    // Mail another sender put through the same configuration set: no notification.
    let foreign = serde_json::json!({"eventType": "Delivery", "mail": mail(&[]), "delivery": {"timestamp": "2026-03-04T10:00:00Z"}}).to_string();
    assert_eq!(parse(&foreign).unwrap().unwrap().notification, None);
    assert!(parse("{").is_err());
    assert!(parse(r#"{"eventType": "Bounce", "mail": {"timestamp": "2026-03-04T10:00:00Z", "messageId": "x"}}"#).is_err());
}

#[test]
fn tags_are_safe_values_and_refuse_what_does_not_fit() {
    for (_, v) in tags(&key(Some("2026-03-04T08:00:00+01:00"))) {
        assert!(
            v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
            "{v}"
        );
    }
    let mut long = key(None);
    long.tracking_number = "X".repeat(200);
    assert!(tags(&long).is_empty());
    // A forged merchant tag that is not an id of ours names nothing.
    let mut t = tags(&key(None));
    t[0].1 = "m 1".into();
    let json = serde_json::json!({"eventType": "Delivery", "mail": mail(&t), "delivery": {"timestamp": "2026-03-04T10:00:00Z"}}).to_string();
    assert_eq!(parse(&json).unwrap().unwrap().notification, None);
}
