//! Faults in the middle of a stream batch, on the real stream: DynamoDB Local's stream read
//! by the devstack's event source mappings, the real `milestones` and `notify` handlers,
//! moto's outbox. A DynamoDB outage is injected for one shipment's request (the devstack's
//! fault interceptor); the batch fails from that shipment's first record, Lambda-style,
//! and is retried from there. A later record of the failed shipment must not overtake it;
//! another shipment whose records succeeded is handed over again and must not be sent to
//! twice.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_aws::dynamo::DynamoStore;
use afterclick_aws::keys::shipment_pk;
use afterclick_devstack::local_sdk_config;
use afterclick_domain::milestone::Milestone;
use afterclick_domain::model::Details;
use afterclick_domain::ports::ShipmentStore;
use afterclick_domain::{Channel, Notification, NotificationState};
use afterclick_e2e::{Stack, StackConfig, unique};
use chrono::{Duration, Utc};
use serde_json::json;
use std::sync::atomic::Ordering;

/// Long enough that everything a test writes at once is read in one batch.
const POLL: std::time::Duration = std::time::Duration::from_millis(1500);

async fn register(stack: &Stack, tracking: &str) -> String {
    let email = format!("{}@customer.example", tracking.to_lowercase());
    let r = stack
        .register(
            &stack.info().api_key,
            &json!({
                "tracking_number": tracking, "carrier": "ups", "order_number": tracking,
                "customer": {"name": "Ada", "email": email, "locale": "en-US"}
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    email
}

/// A store on the same table that the fault interceptor does not see (the test's writes
/// must not fail).
async fn own_store(stack: &Stack) -> DynamoStore {
    DynamoStore::from_conf(
        &local_sdk_config(&stack.dynamodb_endpoint).await,
        stack.table(),
    )
}

fn intent(merchant_id: &str, tracking: &str, milestone: Milestone) -> Notification {
    let now = Utc::now();
    Notification {
        merchant_id: merchant_id.into(),
        tracking_number: tracking.into(),
        milestone,
        instance: None,
        details: Details::default(),
        channel: Channel::Email,
        state: NotificationState::Pending,
        created_at: now,
        updated_at: now,
        provider_message_id: None,
        detail: None,
        segments: None,
        deferred_until: None,
        expired_claims: 0,
        email: Default::default(),
    }
}

/// A tracking number `prefix…` whose records go to `function`'s lane of `tracking`'s, so
/// both shipments' records share batches (with `ParallelizationFactor` most pairs do not).
fn same_lane(stack: &Stack, function: &str, tracking: &str, prefix: &str) -> String {
    let merchant = &stack.info().merchant_id;
    let lane = |t: &str| stack.devstack.lane(function, &shipment_pk(merchant, t));
    let wanted = lane(tracking).expect("a stream consumer");
    std::iter::repeat_with(|| unique(prefix))
        .find(|t| lane(t) == Some(wanted))
        .unwrap()
}

fn invocations(stack: &Stack, function: &str) -> u64 {
    stack
        .devstack
        .function_stats(function)
        .map_or(0, |s| s.invocations.load(Ordering::Relaxed))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_retries_a_failed_shipment_in_order_and_never_resends_another() {
    let stack = Stack::start_with(StackConfig {
        poll_interval: POLL,
        ..StackConfig::default()
    })
    .await;
    let merchant = stack.info().merchant_id.clone();
    let a = unique("1ZFA");
    let b = same_lane(&stack, "notify", &a, "1ZFB");
    let (a_email, b_email) = (register(&stack, &a).await, register(&stack, &b).await);
    stack.wait_for_records("milestones", 2).await;
    // Handed over is not done: let the registrations' evaluations end and the pollers go
    // back to sleep, so what follows is read in one go.
    tokio::time::sleep(POLL * 2).await;

    // Shipment A's first claim meets an outage; nothing else does.
    let faults = stack.devstack.faults();
    let rule = faults.fail(&[a.as_str(), "N#in_transit#email"], 1);
    let before = invocations(&stack, "notify");

    // Two of A's moments, then one of B's, in the stream in that order (as two milestone
    // commits of A and one of B would leave them), read in one batch.
    let store = own_store(&stack).await;
    for (tracking, milestones) in [
        (&a, vec![Milestone::InTransit, Milestone::OutForDelivery]),
        (&b, vec![Milestone::InTransit]),
    ] {
        let shipment = store.shipment(&merchant, tracking).await.unwrap().unwrap();
        let intents: Vec<_> = milestones
            .into_iter()
            .map(|m| intent(&merchant, tracking, m))
            .collect();
        store
            .commit(shipment.version, &shipment, &intents, &[], None)
            .await
            .unwrap();
    }

    let outbox = stack
        .wait_for_outbox("A's two emails and B's one", |o| {
            o.emails.iter().filter(|e| e.to == a_email).count() >= 2
                && o.emails.iter().any(|e| e.to == b_email)
        })
        .await;
    assert_eq!(faults.failed(rule), 1, "the outage was injected once");
    assert!(
        invocations(&stack, "notify") >= before + 2,
        "the failed batch was retried"
    );

    // B's record was handed over again with A's retry: still one email.
    let to_b: Vec<_> = outbox.emails.iter().filter(|e| e.to == b_email).collect();
    assert_eq!(to_b.len(), 1, "{to_b:#?}");
    // A's moments went out once each, the older first although it was the one that failed.
    let to_a: Vec<_> = outbox.emails.iter().filter(|e| e.to == a_email).collect();
    assert_eq!(to_a.len(), 2, "{to_a:#?}");
    let stored = stack
        .devstack
        .store
        .notifications(&merchant, &a)
        .await
        .unwrap();
    let id_of = |m: Milestone| {
        stored
            .iter()
            .find(|n| n.milestone == m)
            .and_then(|n| n.provider_message_id.clone())
            .unwrap()
    };
    assert_eq!(to_a[0].message_id, id_of(Milestone::InTransit));
    assert_eq!(to_a[1].message_id, id_of(Milestone::OutForDelivery));
    assert!(stored.iter().all(|n| n.state == NotificationState::Sent));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn milestones_retries_a_failed_shipment_and_another_is_not_announced_twice() {
    let stack = Stack::start_with(StackConfig {
        poll_interval: POLL,
        ..StackConfig::default()
    })
    .await;
    let info = stack.info().clone();
    let a = unique("1ZMA");
    let b = same_lane(&stack, "milestones", &a, "1ZMB");
    let (a_email, b_email) = (register(&stack, &a).await, register(&stack, &b).await);
    stack.wait_for_records("milestones", 2).await;
    // Handed over is not done: let the registrations' evaluations end and the pollers go
    // back to sleep, so what follows is read in one go.
    tokio::time::sleep(POLL * 2).await;

    // The commit of A's scan (the transaction guarded by its version, with the new intent)
    // meets an outage once.
    let faults = stack.devstack.faults();
    let rule = faults.fail(
        &[a.as_str(), "#version = :expected", "N#in_transit#email"],
        1,
    );
    let before = invocations(&stack, "milestones");
    let scanned = Utc::now() - Duration::hours(1);
    // Both scans inside one poll interval: one stream read, one batch in the shared lane.
    futures::join!(
        stack.scan(&a, "in_transit", scanned),
        stack.scan(&b, "in_transit", scanned)
    );

    stack
        .wait_for_outbox("one email to each customer", |o| {
            o.emails.iter().any(|e| e.to == a_email) && o.emails.iter().any(|e| e.to == b_email)
        })
        .await;
    assert_eq!(faults.failed(rule), 1, "the outage was injected once");
    assert!(
        invocations(&stack, "milestones") >= before + 2,
        "the failed batch was retried"
    );
    // Give a wrongly repeated evaluation time to show up before counting.
    tokio::time::sleep(POLL * 3).await;
    let emails = stack.outbox().await.emails;
    for (tracking, email) in [(&a, &a_email), (&b, &b_email)] {
        assert_eq!(
            emails.iter().filter(|e| &e.to == email).count(),
            1,
            "{tracking}"
        );
        let intents = stack
            .devstack
            .store
            .notifications(&info.merchant_id, tracking)
            .await
            .unwrap();
        // One intent per channel (the SMS one suppressed: no phone number), none twice.
        let moments: Vec<_> = intents.iter().map(|n| (n.milestone, n.channel)).collect();
        assert_eq!(
            moments,
            [
                (Milestone::InTransit, Channel::Email),
                (Milestone::InTransit, Channel::Sms)
            ],
            "{tracking}"
        );
        let shipment = stack
            .devstack
            .store
            .shipment(&info.merchant_id, tracking)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(shipment.status.as_str(), "in_transit");
    }
}
