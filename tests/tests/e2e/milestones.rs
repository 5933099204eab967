//! Milestones over time: the sweeper finds passed promises through the due index (reading
//! only due shipments), deliveries are counted once, and a poison stream record is
//! dead-lettered without stopping the shard or duplicating anything.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::TrackingEvent;
use afterclick_domain::ports::{EventStore, ShipmentStore};
use afterclick_domain::{Status, TrackingEvent as Event};
use afterclick_e2e::{SETTLE_ATTEMPTS, Stack, generic_event, unique};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

fn body(tracking: &str, promise: chrono::NaiveDate, email: &str, phone: &str) -> Value {
    json!({
        "tracking_number": tracking, "carrier": "dhl", "order_number": "3003",
        "service": "EXPRESS", "destination_country": "DE",
        "promised_delivery_date": promise.to_string(),
        "customer": {"name": "Ada", "email": email, "phone": phone, "locale": "en", "timezone": "UTC"}
    })
}

async fn wait_for_due(stack: &Stack, merchant: &str, tracking: &[String]) {
    for _ in 0..SETTLE_ATTEMPTS {
        let mut all = true;
        for tn in tracking {
            let s = stack.devstack.store.shipment(merchant, tn).await.unwrap();
            all &= s.is_some_and(|s| s.due_at.is_some());
        }
        if all {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("registrations were not evaluated");
}

fn three_days_later() -> DateTime<Utc> {
    Utc::now() + Duration::days(3)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passed_promise_gets_exactly_one_delay_within_two_sweeps() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let tracking = unique("LATE");
    let email = format!("{}@customer.example", unique("late"));
    let phone = "+447700900321";
    let tomorrow = Utc::now().date_naive() + Duration::days(1);
    let created = stack
        .register(&info.api_key, &body(&tracking, tomorrow, &email, phone))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let scan = generic_event(
        &tracking,
        "in_transit",
        Utc::now() - Duration::hours(1),
        "Departed hub",
    );
    let r = stack
        .post_generic(
            &info.merchant_id,
            &info.webhook_secrets["generic"],
            "m1",
            &scan,
        )
        .await;
    assert_eq!(r.status, 202);
    stack
        .wait_for_outbox("the in_transit messages", |o| {
            o.emails.iter().any(|e| e.to == email)
        })
        .await;
    wait_for_due(&stack, &info.merchant_id, std::slice::from_ref(&tracking)).await;

    let today = stack.devstack.sweep().await.unwrap();
    assert_eq!(today.changed, 0, "the promise has not passed yet");
    let first = stack.devstack.sweep_at(three_days_later).await.unwrap();
    assert_eq!((first.changed, first.intents), (1, 2), "{first:?}");
    let second = stack.devstack.sweep_at(three_days_later).await.unwrap();
    assert_eq!(second.changed, 0, "{second:?}");

    let late = |o: &afterclick_e2e::afterclick_devstack::outbox::Outbox| {
        (
            o.emails
                .iter()
                .filter(|e| e.to == email && e.subject == "Your order 3003 is running late")
                .count(),
            o.sms
                .iter()
                .filter(|s| s.to == phone && s.body.contains("running late"))
                .count(),
        )
    };
    let outbox = stack
        .wait_for_outbox("the delay email and SMS", |o| late(o) == (1, 1))
        .await;
    let mail = outbox
        .emails
        .iter()
        .find(|e| e.subject.contains("running late"))
        .unwrap();
    assert!(
        mail.text
            .contains(&tomorrow.format("%A, %B %-d").to_string()),
        "{}",
        mail.text
    );
    let shipment = stack
        .wait_for_shipment(&info.api_key, &id, "the delay to be sent", |s| {
            s["notifications"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["milestone"] == "delayed" && n["state"] == "sent")
                .count()
                == 2
        })
        .await;
    assert_eq!(
        late(&stack.outbox().await),
        (1, 1),
        "exactly one delay message per channel"
    );
    let delayed: Vec<_> = shipment["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["milestone"] == "delayed")
        .collect();
    assert_eq!(delayed.len(), 1);
    assert_eq!(delayed[0]["instance"], format!("overdue-{tomorrow}"));
    stack.devstack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweeper_reads_only_due_shipments() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let soon = Utc::now().date_naive() + Duration::days(1);
    let later = Utc::now().date_naive() + Duration::days(40);
    let mut tracking = Vec::new();
    for i in 0..42 {
        let tn = unique("DUE");
        let promise = if i < 2 { soon } else { later };
        let r = stack
            .register(
                &info.api_key,
                &body(&tn, promise, &format!("{tn}@c.example"), "+447700900999"),
            )
            .await;
        assert_eq!(r.status, 201);
        tracking.push(tn);
    }
    wait_for_due(&stack, &info.merchant_id, &tracking).await;
    let (due, read) = stack
        .devstack
        .store
        .due_with_cost(Utc::now() + Duration::days(2))
        .await
        .unwrap();
    let mut found: Vec<_> = due
        .into_iter()
        .filter_map(|d| match d {
            afterclick_domain::ports::Due::Shipment(r) => Some(r.tracking_number),
            afterclick_domain::ports::Due::Notification(_)
            | afterclick_domain::ports::Due::Webhook(_)
            | afterclick_domain::ports::Due::Fetch(_) => None,
        })
        .collect();
    found.sort();
    let mut expected = tracking[..2].to_vec();
    expected.sort();
    assert_eq!(found, expected);
    assert_eq!(
        read, 2,
        "the index read only the due shipments, not the other 40"
    );
    let (none, read) = stack
        .devstack
        .store
        .due_with_cost(Utc::now())
        .await
        .unwrap();
    assert_eq!((none.len(), read), (0, 0));
    stack.devstack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivery_outcomes_are_counted_once_per_delivered_shipment() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = &info.webhook_secrets["generic"];
    let today = Utc::now().date_naive();
    let promises = [
        today + Duration::days(2),
        today + Duration::days(1),
        today - Duration::days(3),
    ];
    let mut ids = Vec::new();
    for promise in promises {
        let tn = unique("OUT");
        let r = stack
            .register(
                &info.api_key,
                &body(&tn, promise, &format!("{tn}@c.example"), "+447700900888"),
            )
            .await;
        assert_eq!(r.status, 201);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
        let history = json!({"tracking_number": tn, "carrier": "dhl", "events": [
            {"occurred_at": (Utc::now() - Duration::hours(40)).to_rfc3339(), "status": "in_transit", "description": "Picked up"},
            {"occurred_at": (Utc::now() - Duration::hours(2)).to_rfc3339(), "status": "delivered", "description": "Delivered"}
        ]});
        let bytes = serde_json::to_vec(&history).unwrap();
        for attempt in 0..2 {
            let r = stack
                .post_generic(&info.merchant_id, secret, &format!("m{attempt}"), &bytes)
                .await;
            assert_eq!(r.status, 202);
        }
    }
    for id in &ids {
        stack
            .wait_for_shipment(&info.api_key, id, "delivery", |s| {
                s["status"] == "delivered"
            })
            .await;
    }
    let counters = stack
        .devstack
        .store
        .outcome_counters(&info.merchant_id)
        .await
        .unwrap();
    // Registrations count in their own month's item, which may not be the delivery's.
    let counters: Vec<_> = counters
        .into_iter()
        .filter(|c| c["delivered"].as_u64().unwrap_or(0) > 0)
        .collect();
    assert_eq!(counters.len(), 1, "{counters:#?}");
    let c = &counters[0];
    assert_eq!(
        (
            c["carrier"].as_str(),
            c["service"].as_str(),
            c["destination_country"].as_str()
        ),
        (Some("dhl"), Some("EXPRESS"), Some("DE"))
    );
    let n = |k: &str| c[k].as_i64().unwrap_or(0);
    assert_eq!(n("delivered"), 3);
    assert_eq!(n("promised"), 3);
    assert_eq!(
        n("on_time"),
        2,
        "the shipment promised for three days ago was late"
    );
    assert_eq!(n("transit_count"), 3);
    assert_eq!(n("transit_hours_sum"), 3 * 38);
    assert_eq!(n("transit_36_48h"), 3);
    stack.devstack.stop().await;
}

fn scan(tracking_hours_ago: i64, status: Status) -> TrackingEvent {
    Event {
        description: format!("{status}"),
        ..Event::new(
            Utc::now() - Duration::hours(tracking_hours_ago),
            status,
            "generic",
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_record_is_dead_lettered_while_the_rest_is_processed_once() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let tracking = unique("POISON");
    let email = format!("{}@customer.example", unique("p"));
    let created = stack
        .register(
            &info.api_key,
            &body(
                &tracking,
                Utc::now().date_naive() + Duration::days(5),
                &email,
                "+447700900777",
            ),
        )
        .await;
    assert_eq!(created.status, 201);
    let id = created.body["id"].as_str().unwrap().to_owned();
    stack
        .wait_for_shipment(&info.api_key, &id, "registration", |s| {
            s["status"] == "pending"
        })
        .await;

    // Good, poison (an event item without its merchant and tracking number), good: written
    // back to back so the mapping sees them in one batch.
    let store = &stack.devstack.store;
    store
        .record_event(
            &info.merchant_id,
            &tracking,
            &scan(3, Status::InTransit),
            Utc::now(),
        )
        .await
        .unwrap();
    store
        .client()
        .put_item()
        .table_name(store.table())
        .item(
            "PK",
            aws_sdk_dynamodb::types::AttributeValue::S(format!(
                "S#{}#{tracking}",
                info.merchant_id
            )),
        )
        .item(
            "SK",
            aws_sdk_dynamodb::types::AttributeValue::S("E#poison".into()),
        )
        .item(
            "type",
            aws_sdk_dynamodb::types::AttributeValue::S("event".into()),
        )
        .send()
        .await
        .unwrap();
    store
        .record_event(
            &info.merchant_id,
            &tracking,
            &scan(1, Status::Delivered),
            Utc::now(),
        )
        .await
        .unwrap();

    stack
        .wait_for_shipment(&info.api_key, &id, "the good records", |s| {
            s["status"] == "delivered"
                && s["notifications"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|n| n["state"] == "sent")
        })
        .await;
    for _ in 0..SETTLE_ATTEMPTS {
        if !stack.devstack.dead_letters.entries().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let letters = stack.devstack.dead_letters.entries();
    assert_eq!(letters.len(), 1, "{letters:#?}");
    assert_eq!(letters[0].function, "MilestonesFunction");
    assert_eq!(
        letters[0].record["dynamodb"]["NewImage"]["SK"]["S"],
        "E#poison"
    );
    let outbox = stack
        .wait_for_outbox("the delivered email", |o| {
            o.emails.iter().any(|e| e.to == email)
        })
        .await;
    let mut subjects: Vec<_> = outbox
        .emails
        .iter()
        .filter(|e| e.to == email)
        .map(|e| e.subject.clone())
        .collect();
    let total = subjects.len();
    subjects.sort();
    subjects.dedup();
    assert_eq!(
        subjects.len(),
        total,
        "retries sent nothing twice: {subjects:?}"
    );
    assert!(subjects.contains(&"Your order 3003 has been delivered".to_owned()));
    stack.devstack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_estimate_moved_past_the_promise_without_a_new_scan_is_a_delay() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = &info.webhook_secrets["generic"];
    let tracking = unique("ETA");
    let email = format!("{}@customer.example", unique("eta"));
    let promise = Utc::now().date_naive() + Duration::days(2);
    let r = stack
        .register(
            &info.api_key,
            &body(&tracking, promise, &email, "+447700900444"),
        )
        .await;
    assert_eq!(r.status, 201);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let at = (Utc::now() - Duration::hours(1)).to_rfc3339();
    let scan = |eta: chrono::NaiveDate| {
        serde_json::to_vec(&json!({"tracking_number": tracking, "events": [
            {"occurred_at": at, "status": "in_transit", "description": "Departed hub", "estimated_delivery": eta.to_string()}
        ]}))
        .unwrap()
    };
    let first = stack
        .post_generic(&info.merchant_id, secret, "m1", &scan(promise))
        .await;
    assert_eq!(first.body["stored"], 1);
    stack
        .wait_for_outbox("the in_transit email", |o| {
            o.emails.iter().any(|e| e.to == email)
        })
        .await;
    // The same scan, re-sent with a later estimate: nothing new stored, the date moved.
    let later = promise + Duration::days(3);
    let moved = stack
        .post_generic(&info.merchant_id, secret, "m2", &scan(later))
        .await;
    assert_eq!(
        (
            moved.body["stored"].as_u64(),
            moved.body["estimates_updated"].as_u64()
        ),
        (Some(0), Some(1))
    );
    let shipment = stack
        .wait_for_shipment(&info.api_key, &id, "the delay", |s| {
            s["notifications"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["milestone"] == "delayed" && n["state"] == "sent")
        })
        .await;
    assert_eq!(shipment["estimated_delivery"], later.to_string());
    let delayed: Vec<_> = shipment["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["milestone"] == "delayed")
        .collect();
    assert_eq!(delayed.len(), 1);
    assert_eq!(delayed[0]["instance"], later.to_string());
    let again = stack
        .post_generic(&info.merchant_id, secret, "m3", &scan(later))
        .await;
    assert_eq!(
        again.body["estimates_updated"], 0,
        "the same estimate twice is not news"
    );
    // A placeholder far away (9999-12-31) or long gone is no estimate: nothing moves.
    for absurd in ["9999-12-31", "1970-01-01"] {
        let r = stack
            .post_generic(
                &info.merchant_id,
                secret,
                &unique("m"),
                &scan(absurd.parse().unwrap()),
            )
            .await;
        assert_eq!(r.status, 202, "{}", r.body);
        assert_eq!(r.body["estimates_updated"], 0, "{absurd}");
    }
    let shipment = stack.shipment(&info.api_key, &id).await.body;
    assert_eq!(shipment["estimated_delivery"], later.to_string());
    let delays = shipment["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["milestone"] == "delayed")
        .count();
    assert_eq!(delays, 1, "{shipment:#}");
    stack.devstack.stop().await;
}
