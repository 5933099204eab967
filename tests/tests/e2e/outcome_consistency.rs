//! A delivery's outcome counts its whole journey: a webhook delivery's new scans are stored
//! atomically, so the stream never evaluates `delivered` before the older scans that came
//! with it (first scan, exception, failed attempt), and replays change nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::{Stack, unique};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

/// The full history: (status, hours before now). The first carrier scan is `in_transit`.
fn history(first_scan_hours: i64) -> Vec<(&'static str, i64)> {
    vec![
        ("info_received", first_scan_hours + 10),
        ("in_transit", first_scan_hours),
        ("exception", 60),
        ("attempt_failed", 20),
        ("delivered", 2),
    ]
}

fn delivery(tn: &str, scans: &[(&str, i64)], now: DateTime<Utc>) -> Vec<u8> {
    let events: Vec<Value> = scans
        .iter()
        .map(|(status, hours)| {
            json!({
                "occurred_at": (now - Duration::hours(*hours)).to_rfc3339(),
                "status": status,
                "description": format!("{status} {hours}h"),
            })
        })
        .collect();
    serde_json::to_vec(&json!({"tracking_number": tn, "carrier": "ups", "events": events})).unwrap()
}

fn counts(r: &afterclick_e2e::Response) -> (u16, Value, Value, Value) {
    (
        r.status,
        r.body["received"].clone(),
        r.body["stored"].clone(),
        r.body["duplicates"].clone(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcomes_count_every_scan_of_a_history_delivered_at_once() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = &info.webhook_secrets["generic"];
    let now = Utc::now();
    let mut ids = Vec::new();
    let mut transit_sum = 0;
    for n in 0..5 {
        let tn = unique("OC");
        let r = stack
            .register(
                &info.api_key,
                &json!({
                    "tracking_number": tn, "carrier": "ups", "service": "GROUND",
                    "destination_country": "DE", "order_number": format!("OC-{n}"),
                    "customer": {"name": "Ada", "email": format!("{tn}@c.example"), "locale": "en", "timezone": "UTC"}
                }),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
        let first_scan = 80 + n;
        transit_sum += first_scan - 2;
        let scans = history(first_scan);
        if n == 0 {
            // Part of the history first: the full one then stores only what is new, in one
            // write, however the existing scans are interleaved with the new ones.
            let r = stack
                .post_generic(
                    &info.merchant_id,
                    secret,
                    &unique("m"),
                    &delivery(&tn, &scans[..2], now),
                )
                .await;
            assert_eq!(
                counts(&r),
                (202, json!(2), json!(2), json!(0)),
                "{}",
                r.body
            );
        }
        let body = delivery(&tn, &scans, now);
        let r = stack
            .post_generic(&info.merchant_id, secret, &unique("m"), &body)
            .await;
        let fresh = if n == 0 { 3 } else { 5 };
        assert_eq!(
            counts(&r),
            (202, json!(5), json!(fresh), json!(5 - fresh)),
            "{}",
            r.body
        );
        // The same delivery again: nothing new.
        let r = stack
            .post_generic(&info.merchant_id, secret, &unique("m"), &body)
            .await;
        assert_eq!(
            counts(&r),
            (202, json!(5), json!(0), json!(5)),
            "{}",
            r.body
        );
    }
    for id in &ids {
        stack
            .wait_for_shipment(&info.api_key, id, "delivery", |s| {
                s["status"] == "delivered"
            })
            .await;
    }

    // The counters are written in the transaction that records the delivery.
    let counters = stack
        .devstack
        .store
        .outcome_counters(&info.merchant_id)
        .await
        .unwrap();
    let delivered: Vec<_> = counters
        .iter()
        .filter(|c| c["delivered"].as_u64().unwrap_or(0) > 0)
        .collect();
    assert_eq!(delivered.len(), 1, "{counters:#?}");
    let c = delivered[0];
    let n = |k: &str| c[k].as_i64().unwrap_or(0);
    assert_eq!(
        (n("delivered"), n("exceptions"), n("failed_attempts")),
        (5, 5, 5),
        "{c:#}"
    );
    assert_eq!(
        (n("transit_count"), n("transit_hours_sum")),
        (5, transit_sum)
    );
    assert_eq!(transit_sum, 5 * 78 + 10);
    stack.devstack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_longer_than_one_transaction_is_stored_whole_and_once() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = &info.webhook_secrets["generic"];
    let now = Utc::now();
    let tn = unique("LONG");
    // 249 scans a minute apart, then the delivery: three transactions of at most 100.
    let minutes: Vec<Value> = (0..250)
        .map(|i| {
            let status = if i == 249 { "delivered" } else { "in_transit" };
            json!({
                "occurred_at": (now - Duration::hours(30) + Duration::minutes(i)).to_rfc3339(),
                "status": status,
                "description": format!("scan {i}"),
            })
        })
        .collect();
    let body = |events: &[Value]| {
        serde_json::to_vec(&json!({"tracking_number": tn, "carrier": "ups", "events": events}))
            .unwrap()
    };
    // Every fifth scan first: each chunk then holds scans that already exist.
    let some: Vec<Value> = minutes.iter().step_by(5).cloned().collect();
    let r = stack
        .post_generic(&info.merchant_id, secret, &unique("m"), &body(&some))
        .await;
    assert_eq!(
        counts(&r),
        (202, json!(50), json!(50), json!(0)),
        "{}",
        r.body
    );
    let r = stack
        .post_generic(&info.merchant_id, secret, &unique("m"), &body(&minutes))
        .await;
    assert_eq!(
        counts(&r),
        (202, json!(250), json!(200), json!(50)),
        "{}",
        r.body
    );
    let timeline = afterclick_domain::ports::EventStore::timeline(
        &stack.devstack.store,
        &info.merchant_id,
        &tn,
    )
    .await
    .unwrap();
    assert_eq!(timeline.len(), 250);
    stack.devstack.stop().await;
}
