//! One chatty feed cannot make a shipment, or the stack, pay for its whole history again and
//! again: merchant B's parcel gets a 2,600-scan history (an EasyPost delivery of 2,600 scans,
//! of which the newest 500 are kept, then the rest through the afterclick format), while
//! merchant A's customer still hears of their parcel; one more scan costs the same reads on top
//! of 2,600 scans as on top of 10; the API pages the timeline; past its bound the history
//! keeps its newest scans.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_aws::DynamoStore;
use afterclick_devstack::{StackInfo, local_sdk_config};
use afterclick_domain::ports::{EventStore, MAX_HISTORY, SnapshotReads};
use afterclick_domain::providers::Provider;
use afterclick_e2e::{Stack, generic_event, generic_history, unique, wait_until_evaluated};
use chrono::{DateTime, Duration, DurationRound, Utc};
use serde_json::{Value, json};

/// An EasyPost tracker event carrying `count` scans, one a minute up to `newest`, each as
/// small as EasyPost sends them (so 2,600 fit in the webhook's body limit).
fn easypost_history(tracking: &str, newest: DateTime<Utc>, count: usize) -> Vec<u8> {
    let details: Vec<Value> = (0..count)
        .rev()
        .map(|i| {
            json!({
                "status": "in_transit",
                "message": format!("Hub {}", count - i),
                "datetime": (newest - Duration::minutes(i as i64)).format("%Y-%m-%dT%H:%M:%SZ").to_string()
            })
        })
        .collect();
    serde_json::to_vec(&json!({
        "object": "Event",
        "description": "tracker.updated",
        "result": {
            "object": "Tracker",
            "tracking_code": tracking,
            "status": "in_transit",
            "carrier": "UPS",
            "tracking_details": details
        }
    }))
    .unwrap()
}

/// A signed afterclick-format delivery for merchant `to`.
async fn post(stack: &Stack, to: &StackInfo, body: &[u8]) -> afterclick_e2e::Response {
    stack
        .post_generic(
            &to.merchant_id,
            &to.webhook_secrets["generic"],
            &unique("msg"),
            body,
        )
        .await
}

async fn register(stack: &Stack, key: &str, tracking: &str, email: &str) -> String {
    let r = stack
        .register(
            key,
            &json!({
                "tracking_number": tracking, "carrier": "ups", "order_number": unique("L"),
                "customer": {"name": "Ada", "email": email, "timezone": "UTC"}
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_str().unwrap().to_owned()
}

/// The read units one more (unremarkable) scan costs, from the webhook to the committed
/// evaluation.
async fn read_units_of_one_scan(
    stack: &Stack,
    own: &DynamoStore,
    b: &StackInfo,
    tracking: &str,
    at: DateTime<Utc>,
) -> f64 {
    let before = stack.devstack.capacity();
    let r = post(
        stack,
        b,
        &generic_event(tracking, "in_transit", at, "Sorted again"),
    )
    .await;
    assert_eq!(r.body["stored"], 1, "{}", r.body);
    wait_until_evaluated(own, &b.merchant_id, tracking, at).await;
    stack.devstack.capacity().since(&before).read_units
}

#[tokio::test]
async fn a_long_history_is_capped_paged_bounded_and_costs_only_its_new_scans() {
    let stack = Stack::start().await;
    let own = DynamoStore::from_conf(
        &local_sdk_config(&stack.dynamodb_endpoint).await,
        stack.table(),
    );
    let a = stack.info().clone();
    let b = stack.another_merchant(&unique("m_chatty")).await;
    let newest = (Utc::now() - Duration::hours(2))
        .duration_trunc(Duration::minutes(1))
        .unwrap();

    // B's parcel: one EasyPost delivery of 2,600 scans keeps the newest 500.
    let long = unique("1ZLONG");
    let long_id = register(&stack, &b.api_key, &long, "b@customer.example").await;
    // Its registration evaluated first. That evaluation reads the whole timeline, page by
    // page, and counts it; a scan stored while those pages are read may be missed by both the
    // read and the count (the bound errs towards keeping more, never deleting early: see
    // `afterclick_app::reevaluate`), which would make the exact counts below vary.
    let mut summarised = false;
    for _ in 0..600 {
        let snapshot = own.snapshot(&b.merchant_id, &long).await.unwrap();
        summarised = snapshot.shipment.is_some_and(|s| s.history.is_some());
        if summarised {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(summarised, "the registration was never evaluated");
    let body = easypost_history(&long, newest, 2_600);
    assert!(body.len() < 256 * 1024, "{} bytes", body.len());
    let r = stack
        .post_provider(
            Provider::EasyPost,
            &b.merchant_id,
            &b.webhook_secrets["easypost"],
            &body,
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(
        (&r.body["received"], &r.body["stored"], &r.body["dropped"]),
        (&json!(2_600), &json!(500), &json!(2_100)),
        "{}",
        r.body
    );
    // The older 2,100 through the afterclick format, in deliveries of at most 500.
    let mut stored = 500;
    for delivery in generic_history(&long, newest - Duration::minutes(500), 2_100) {
        let r = post(&stack, &b, &delivery).await;
        assert_eq!(r.status, 202, "{}", r.body);
        stored += r.body["stored"].as_u64().unwrap();
    }
    assert_eq!(stored, 2_600);

    // Meanwhile A's parcel goes out for delivery, and A's customer hears of it.
    let a_tracking = unique("1ZA");
    let a_email = format!("{}@customer.example", a_tracking.to_lowercase());
    register(&stack, &a.api_key, &a_tracking, &a_email).await;
    stack
        .scan(
            &a_tracking,
            "out_for_delivery",
            Utc::now() - Duration::minutes(1),
        )
        .await;
    stack
        .wait_for_outbox("A's out-for-delivery email", |o| {
            o.emails.iter().any(|e| e.to.contains(&a_email))
        })
        .await;
    wait_until_evaluated(&own, &b.merchant_id, &long, newest).await;

    // The shipment carries the newest 50 scans; the rest is paged, each scan once, in order.
    let view = stack.shipment(&b.api_key, &long_id).await;
    assert_eq!(view.status, 200);
    let events = view.body["events"].as_array().unwrap();
    assert_eq!(events.len(), 50);
    assert_eq!(
        events.last().unwrap()["occurred_at"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        newest
    );
    assert!(
        serde_json::to_vec(&view.body).unwrap().len() < 64 * 1024,
        "the shipment's size does not follow its history"
    );
    let mut all: Vec<DateTime<Utc>> = Vec::new();
    let mut before = view.body["events_before"].as_str().map(str::to_owned);
    assert!(before.is_some());
    let mut pages = 0;
    let first = format!("/v1/shipments/{long_id}/events?limit=200");
    let mut next = Some(first);
    while let Some(path) = next.take() {
        let page = stack
            .send(stack.http.get(stack.url(&path)).bearer_auth(&b.api_key))
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        pages += 1;
        let mut times: Vec<DateTime<Utc>> = page.body["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["occurred_at"].as_str().unwrap().parse().unwrap())
            .collect();
        times.append(&mut all);
        all = times;
        before = page.body["before"].as_str().map(str::to_owned);
        next = before
            .as_ref()
            .map(|c| format!("/v1/shipments/{long_id}/events?limit=200&before={c}"));
    }
    assert_eq!(pages, 13);
    assert_eq!(all.len(), 2_600);
    assert!(
        all.windows(2).all(|w| w[0] < w[1]),
        "oldest first, each once"
    );
    let bad = stack
        .send(
            stack
                .http
                .get(stack.url(&format!("/v1/shipments/{long_id}/events?before=E%23x")))
                .bearer_auth(&b.api_key),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.content_type, "application/problem+json");

    // One more scan costs the same reads on top of 2,600 scans as on top of 10.
    let short = unique("1ZSHORT");
    register(&stack, &b.api_key, &short, "c@customer.example").await;
    for delivery in generic_history(&short, newest, 10) {
        post(&stack, &b, &delivery).await;
    }
    wait_until_evaluated(&own, &b.merchant_id, &short, newest).await;
    let later = newest + Duration::minutes(5);
    let on_short = read_units_of_one_scan(&stack, &own, &b, &short, later).await;
    let on_long = read_units_of_one_scan(&stack, &own, &b, &long, later).await;
    eprintln!("read units of one scan: {on_short} on 10 scans, {on_long} on 2,600");
    assert!(on_short > 0.0);
    assert!(
        on_long <= on_short + 1.0,
        "one scan on a 2,600-scan history read {on_long} units, on a 10-scan one {on_short}"
    );

    // The history keeps its newest MAX_HISTORY scans: 100 more than fit, all older than any
    // stored, and the oldest 100 of them are deleted.
    let stored_before = 2_601;
    let oldest = newest - Duration::minutes(2_600);
    let more = MAX_HISTORY - stored_before + 100;
    let records = stack.devstack.records_delivered("milestones");
    let redelivered_before = stack.devstack.records_redelivered("milestones");
    for delivery in generic_history(&long, oldest, more) {
        let r = post(&stack, &b, &delivery).await;
        assert_eq!(r.status, 202, "{}", r.body);
    }
    // Every new scan's stream record handed to milestones, then its work done. A record
    // handed over more than once (at least once: a retried batch, a stream position read
    // again; one engine serves every test, so both happen) is counted again: the bound errs
    // towards keeping fewer, by at most the records handed over again.
    let mut kept = Vec::new();
    for _ in 0..600 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let shipment = own
            .snapshot(&b.merchant_id, &long)
            .await
            .unwrap()
            .shipment
            .unwrap();
        if shipment.history.is_none_or(|h| h.scans < MAX_HISTORY)
            || stack.devstack.records_delivered("milestones") < records + more as u64
        {
            continue;
        }
        kept = own.timeline(&b.merchant_id, &long).await.unwrap();
        if kept.len() <= MAX_HISTORY {
            break;
        }
    }
    let handed = stack.devstack.records_delivered("milestones") - records;
    assert!(handed >= more as u64);
    let again = (handed - more as u64 + stack.devstack.records_redelivered("milestones")
        - redelivered_before) as usize;
    assert!(
        (MAX_HISTORY - again.min(MAX_HISTORY)..=MAX_HISTORY).contains(&kept.len()),
        "kept {} scans; {handed} records handed over for {more} scans, {again} again",
        kept.len()
    );
    if again == 0 {
        assert_eq!(kept.len(), MAX_HISTORY);
    }
    // What went: exactly the oldest scans posted (the 100 over the bound, without redeliveries).
    let went = stored_before + more - kept.len();
    let first_kept = oldest - Duration::minutes((more - went - 1) as i64);
    assert_eq!(kept.first().unwrap().occurred_at, first_kept);
    assert_eq!(kept.last().unwrap().occurred_at, later);
    let status = own
        .snapshot(&b.merchant_id, &long)
        .await
        .unwrap()
        .shipment
        .unwrap();
    assert_eq!(status.status_at, Some(later), "trimming changes no state");
}
