//! `GET /v1/shipments?delayed=true` against the real stack: served by the sparse
//! `by_attention` index, it reads only the shipments delayed now (not every shipment of the
//! merchant), a delivered shipment leaves it, and its pages hold each shipment once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::listing::{ShipmentQuery, is_delayed};
use afterclick_domain::ports::ShipmentStore;
use afterclick_e2e::listing::{all_pages, get};
use afterclick_e2e::{SETTLE_ATTEMPTS, Stack, generic_event, unique};
use chrono::{Duration, Utc};
use serde_json::json;
use std::collections::BTreeSet;

/// Polls the stored shipment until `done` holds for it (the stream consumer decides).
async fn wait_until(
    stack: &Stack,
    merchant: &str,
    tracking: &str,
    what: &str,
    done: impl Fn(&afterclick_domain::Shipment) -> bool,
) {
    for _ in 0..SETTLE_ATTEMPTS {
        let stored = stack.devstack.store.shipment(merchant, tracking).await;
        if stored.unwrap().is_some_and(|s| done(&s)) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("gave up waiting until {tracking} was {what}");
}

fn delayed(carrier: Option<&str>) -> ShipmentQuery {
    ShipmentQuery {
        delayed: Some(true),
        carrier: carrier.map(str::to_owned),
        ..ShipmentQuery::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delayed_listing_reads_only_delayed_shipments() {
    let stack = Stack::start().await;
    // A merchant of its own: the demo merchant's seeded shipments stay out of the counts.
    let shop = stack.another_merchant(&unique("m_late")).await;
    let run = unique("D");
    let promise_passed = (Utc::now() - Duration::days(2)).date_naive().to_string();
    // 20 shipments; 3 promised for two days ago (late on arrival), 2 of those with DHL.
    let mut late: Vec<(String, String, &str)> = Vec::new();
    for i in 0..20 {
        let tracking = format!("{run}N{i:03}");
        let carrier = if i % 2 == 1 { "dhl" } else { "ups" };
        let mut body = json!({
            "tracking_number": tracking, "carrier": carrier, "order_number": format!("{run}-{i}"),
            "customer": {"name": "Ada", "email": format!("ada{i}@customer.example"), "timezone": "UTC"}
        });
        let is_late = i % 7 == 3;
        if is_late {
            body["promised_delivery_date"] = json!(promise_passed);
        }
        let r = stack.register(&shop.api_key, &body).await;
        assert_eq!(r.status, 201, "{}", r.body);
        if is_late {
            late.push((r.body["id"].as_str().unwrap().to_owned(), tracking, carrier));
        }
    }
    for (_, tracking, _) in &late {
        wait_until(&stack, &shop.merchant_id, tracking, "delayed", is_delayed).await;
    }
    let late_ids: BTreeSet<String> = late.iter().map(|l| l.0.clone()).collect();

    // The sparse index holds the 3 delayed shipments: 3 items read, not 20.
    let store = &stack.devstack.store;
    let (page, cost) = store
        .list_shipments_with_cost(&shop.merchant_id, &delayed(None), None, 100)
        .await
        .unwrap();
    assert_eq!(cost.index.map(|i| i.name()), Some("by_attention"));
    assert_eq!((cost.queries, cost.scanned), (1, 3));
    let listed: BTreeSet<String> = page.shipments.iter().map(|s| s.id.clone()).collect();
    assert_eq!(listed, late_ids);
    // Other filters narrow what the index read; `delayed=false` has no index to use.
    let (page, cost) = store
        .list_shipments_with_cost(&shop.merchant_id, &delayed(Some("dhl")), None, 100)
        .await
        .unwrap();
    assert_eq!((cost.scanned, page.shipments.len()), (3, 2));
    let on_time = ShipmentQuery {
        delayed: Some(false),
        ..ShipmentQuery::default()
    };
    let (page, cost) = store
        .list_shipments_with_cost(&shop.merchant_id, &on_time, None, 100)
        .await
        .unwrap();
    assert_eq!(cost.index.map(|i| i.name()), Some("by_created"));
    assert_eq!((cost.scanned, page.shipments.len()), (20, 17));

    // Pages of one: each delayed shipment exactly once, newest first.
    let paged = all_pages(&stack, &shop.api_key, "&delayed=true", 1).await;
    let newest_first: Vec<String> = late.iter().rev().map(|l| l.0.clone()).collect();
    assert_eq!(paged, newest_first);
    // A cursor of the delayed listing is not one of the on-time listing.
    let first = get(&stack, &shop.api_key, "/v1/shipments?limit=1&delayed=true").await;
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let elsewhere = get(
        &stack,
        &shop.api_key,
        &format!("/v1/shipments?limit=1&delayed=false&cursor={cursor}"),
    )
    .await;
    assert_eq!(
        (elsewhere.status, &elsewhere.body["field"]),
        (400, &json!("cursor"))
    );

    // Delivered: no longer delayed, out of the index (it is not read, let alone listed).
    let (delivered_id, delivered_tn, carrier) = late.iter().find(|l| l.2 == "ups").unwrap();
    assert_eq!(*carrier, "ups", "the generic event names UPS");
    let event = generic_event(
        delivered_tn,
        "delivered",
        Utc::now() - Duration::minutes(5),
        "Delivered",
    );
    let r = stack
        .post_generic(
            &shop.merchant_id,
            &shop.webhook_secrets["generic"],
            &unique("wh"),
            &event,
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    wait_until(&stack, &shop.merchant_id, delivered_tn, "delivered", |s| {
        s.status == afterclick_domain::Status::Delivered
    })
    .await;
    let (page, cost) = store
        .list_shipments_with_cost(&shop.merchant_id, &delayed(None), None, 100)
        .await
        .unwrap();
    assert_eq!(cost.scanned, 2);
    let still_late: BTreeSet<String> = page.shipments.iter().map(|s| s.id.clone()).collect();
    assert!(!still_late.contains(delivered_id));
    assert_eq!(still_late.len(), 2);
    let paged: BTreeSet<String> = all_pages(&stack, &shop.api_key, "&delayed=true", 1)
        .await
        .into_iter()
        .collect();
    assert_eq!(paged, still_late);
    stack.devstack.stop().await;
}
