//! What SES reports about sent emails, through the devstack: moto sends the email, the
//! devstack plays SES's side (the event-publishing JSON SES documents, for the message id
//! moto returned and the tags notify sent) and delivers each event to the ses-events
//! function as the configuration set's SNS topic would. Recorded once on the notification
//! and in the counts; a hard bounce or a complaint suppresses email to the address for this
//! merchant only, visible on the dashboard and lifted there; a failed or suppressed
//! notification is sent again through the API, once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::dashboard::Dashboard;
use afterclick_devstack::ses_events::{self, Kind, SentMail};
use afterclick_domain::email_events::SuppressionReason;
use afterclick_domain::notification_stats::summarise;
use afterclick_domain::ports::{NotificationStatsStore, SuppressionList};
use afterclick_domain::{Channel, Milestone, Notification, NotificationState};
use afterclick_e2e::{Stack, unique};
use chrono::{Duration, SubsecRound, Utc};
use serde_json::json;

async fn notification(
    stack: &Stack,
    tracking: &str,
    milestone: Milestone,
    channel: Channel,
) -> Option<Notification> {
    let merchant_id = &stack.info().merchant_id;
    stack
        .devstack
        .store_notifications(merchant_id, tracking)
        .await
        .into_iter()
        .find(|n| n.milestone == milestone && n.channel == channel)
}

/// Polls until the notification has left the pipeline (sent, suppressed or failed).
async fn settled(
    stack: &Stack,
    tracking: &str,
    milestone: Milestone,
    channel: Channel,
) -> Notification {
    for _ in 0..200 {
        if let Some(n) = notification(stack, tracking, milestone, channel).await
            && matches!(
                n.state,
                NotificationState::Sent | NotificationState::Suppressed | NotificationState::Failed
            )
        {
            return n;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{milestone:?} by {channel:?} never settled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ses_reports_are_recorded_once_and_a_bounce_stops_email_until_the_merchant_lifts_it() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let tracking = unique("1ZSES");
    let address = format!("{}@customer.example", unique("ada")).to_lowercase();
    let created = stack
        .register(
            &info.api_key,
            &json!({"tracking_number": tracking, "carrier": "ups", "order_number": "S-1",
                    "customer": {"name": "Ada", "email": address, "phone": "+4915112345678", "timezone": "UTC"}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    stack
        .scan(&tracking, "in_transit", Utc::now() - Duration::hours(5))
        .await;
    let email = settled(&stack, &tracking, Milestone::InTransit, Channel::Email).await;
    assert_eq!(email.state, NotificationState::Sent);
    let outbox = stack.outbox().await;
    let sent = outbox
        .emails
        .iter()
        .find(|e| Some(&e.message_id) == email.provider_message_id.as_ref())
        .expect("moto has the email under the id notify recorded");
    let mail = SentMail::of(&email, &sent.from, &address).unwrap();

    // Delivered, opened twice, clicked; each delivered by SNS twice.
    let at = |s: i64| mail.sent_at + Duration::seconds(s);
    for (kind, when) in [
        (Kind::Delivery, at(2)),
        (Kind::Open, at(60)),
        (Kind::Open, at(120)),
        (Kind::Click, at(90)),
    ] {
        let event = ses_events::event(kind, &mail, when);
        for _ in 0..2 {
            stack.devstack.ses_event(&event).await.unwrap();
        }
    }
    let view = stack.shipment(&info.api_key, &id).await;
    let reported = view.body["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["milestone"] == "in_transit" && n["channel"] == "email")
        .unwrap()["email_events"]
        .clone();
    let kinds: Vec<&str> = reported
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["delivered", "opened", "clicked"], "{reported}");
    // SES stamps events to the millisecond.
    let opened: chrono::DateTime<Utc> = reported[1]["at"].as_str().unwrap().parse().unwrap();
    assert_eq!(opened, at(60).trunc_subsecs(3));
    let day = mail.sent_at.date_naive();
    let counts = summarise(
        &stack
            .devstack
            .store
            .notification_stats(&info.merchant_id, day, day)
            .await
            .unwrap(),
    );
    assert!(counts.total.sent >= 2, "the email and the SMS: {counts:?}");
    assert_eq!(
        (
            counts.total.delivered,
            counts.total.opened,
            counts.total.clicked
        ),
        (1, 1, 1),
        "each counted once"
    );

    // A hard bounce: recorded, and the address is on this merchant's list only.
    let bounce = ses_events::event(Kind::HardBounce, &mail, at(3));
    stack.devstack.ses_event(&bounce).await.unwrap();
    stack.devstack.ses_event(&bounce).await.unwrap();
    let store = &stack.devstack.store;
    assert_eq!(
        store.suppressed(&info.merchant_id, &address).await.unwrap(),
        Some(SuppressionReason::Bounced)
    );
    let other = stack.another_merchant(&unique("m_ses")).await;
    assert_eq!(
        store
            .suppressed(&other.merchant_id, &address)
            .await
            .unwrap(),
        None
    );

    // The next moment: no email to the address, the SMS still goes.
    stack
        .scan(
            &tracking,
            "out_for_delivery",
            Utc::now() - Duration::hours(1),
        )
        .await;
    let held = settled(&stack, &tracking, Milestone::OutForDelivery, Channel::Email).await;
    assert_eq!(held.state, NotificationState::Suppressed);
    assert_eq!(
        held.detail.as_deref(),
        Some("the address bounced permanently")
    );
    let sms = settled(&stack, &tracking, Milestone::OutForDelivery, Channel::Sms).await;
    assert_eq!(sms.state, NotificationState::Sent);

    // The dashboard shows the address and the counts; the merchant lifts it there.
    let dashboard = Dashboard::sign_in(&stack, &info.api_key).await;
    let page = dashboard.get("/app/notifications").await;
    assert_eq!(page.status, 200);
    let masked = afterclick_domain::attention::mask_email(&address);
    assert!(page.body.contains(&masked), "the suppression is listed");
    assert!(!page.body.contains(&address), "by its masked address only");
    assert!(page.body.contains("Hard bounce"));
    assert!(
        page.body
            .contains("<th scope=\"row\">The address bounced</th><td>1</td>"),
        "{}",
        page.body
    );
    let lifted = dashboard
        .post(
            "/app/suppressions/lift",
            &[(
                "hash",
                afterclick_domain::listing::email_hash(&address).as_str(),
            )],
        )
        .await;
    assert_eq!(lifted.status, 303);
    assert_eq!(
        store.suppressed(&info.merchant_id, &address).await.unwrap(),
        None
    );

    // Sent again through the API, once: the suppressed email goes now.
    let emails_before = stack.outbox().await.emails.len();
    let resend = json!({"milestone": "out_for_delivery", "channel": "email"});
    let url = stack.url(&format!("/v1/shipments/{id}/notifications/resend"));
    let answer = stack
        .send(
            stack
                .http
                .post(&url)
                .bearer_auth(&info.api_key)
                .json(&resend),
        )
        .await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    let again = settled(&stack, &tracking, Milestone::OutForDelivery, Channel::Email).await;
    assert_eq!(again.state, NotificationState::Sent);
    let repeated = stack
        .send(
            stack
                .http
                .post(&url)
                .bearer_auth(&info.api_key)
                .json(&resend),
        )
        .await;
    assert_eq!(repeated.status, 409, "{}", repeated.body);
    assert_eq!(repeated.content_type, "application/problem+json");
    stack.devstack.settle().await;
    assert_eq!(stack.outbox().await.emails.len(), emails_before + 1);
    let delivered = stack
        .send(
            stack
                .http
                .post(&url)
                .bearer_auth(&info.api_key)
                .json(&json!({"milestone": "delivered", "channel": "email"})),
        )
        .await;
    assert_eq!(delivered.status, 404, "{}", delivered.body);
    let malformed = stack
        .send(
            stack
                .http
                .post(&url)
                .bearer_auth(&info.api_key)
                .json(&json!({"milestone": "out_for_delivery", "channel": "fax"})),
        )
        .await;
    assert_eq!(malformed.status, 400, "{}", malformed.body);

    // A complaint about the resent email suppresses the address again, as a complaint.
    let resent = SentMail::of(&again, &sent.from, &address).unwrap();
    stack
        .devstack
        .ses_event(&ses_events::event(Kind::Complaint, &resent, Utc::now()))
        .await
        .unwrap();
    assert_eq!(
        store.suppressed(&info.merchant_id, &address).await.unwrap(),
        Some(SuppressionReason::Complained)
    );
    // Not an SES event, or mail without our tags: accepted and ignored (a retry would not
    // change it), nothing recorded.
    stack
        .devstack
        .ses_event(&json!({"hello": "world"}))
        .await
        .unwrap();
    let mut foreign = mail.clone();
    foreign.tags.clear();
    stack
        .devstack
        .ses_event(&ses_events::event(Kind::HardBounce, &foreign, Utc::now()))
        .await
        .unwrap();
    assert_eq!(
        store.suppressions(&info.merchant_id).await.unwrap().len(),
        1
    );
    stack.devstack.stop().await;
}
