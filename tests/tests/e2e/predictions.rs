//! Delivery dates from the merchant's own history, against the real stack: 25 deliveries
//! played through the carrier webhook and the pipeline fill a lane's counters (in the
//! delivery transactions), then a new parcel on that slow lane, promised too soon, trends
//! late at its first scan: it enters the attention list, the `shipment.trending_late`
//! webhook event fires once, the customer is not told (off by default), and its tracking
//! page shows the shop's estimate, labelled as such, in English and German. Then the
//! merchant turns the early message on: the next such parcel's customer gets it once, a
//! parcel already announced as delayed gets none, and erasing a delivered shipment leaves
//! the lane's anonymous counts as they were.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::lanes::Calendar;
use afterclick_domain::message::long_date;
use afterclick_e2e::listing::get;
use afterclick_e2e::{SETTLE_ATTEMPTS, Stack, unique, wait_until_evaluated};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const ZONE: chrono_tz::Tz = chrono_tz::America::New_York;
/// Every delivery of the seeded lane took this many business days.
const SLOW: u32 = 6;

fn at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    ZONE.from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap()))
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

/// A signed generic delivery of `events` (status, time) for `tracking`.
async fn scans(
    stack: &Stack,
    merchant: &str,
    secret: &str,
    tracking: &str,
    events: &[(&str, DateTime<Utc>)],
) {
    let body = serde_json::to_vec(&json!({
        "tracking_number": tracking,
        "carrier": "ups",
        "events": events.iter().map(|(status, at)| json!({
            "occurred_at": at.to_rfc3339(),
            "status": status,
            "description": status,
            "location": "Secaucus, NJ, US"
        })).collect::<Vec<_>>()
    }))
    .unwrap();
    let r = stack
        .post_generic(merchant, secret, &unique("msg"), &body)
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
}

fn registration(tracking: &str, order: &str, promise: Option<NaiveDate>) -> Value {
    json!({
        "tracking_number": tracking,
        "carrier": "ups",
        "service": "ground",
        "order_number": order,
        "origin_country": "US",
        "origin_postal_code": "10001",
        "destination_country": "US",
        "destination_postal_code": "94016",
        "promised_delivery_date": promise.map(|p| p.to_string()),
        "customer": {"name": "Ada", "email": format!("{order}@customer.example"), "timezone": "America/New_York"}
    })
}

#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<Value>>>);

async fn receive(State(received): State<Received>, body: Bytes) -> axum::http::StatusCode {
    received
        .0
        .lock()
        .unwrap()
        .push(serde_json::from_slice(&body).unwrap_or(Value::Null));
    axum::http::StatusCode::NO_CONTENT
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_lane_makes_a_new_parcel_trend_late_once_with_the_shops_estimate_on_its_page() {
    let stack = Stack::start().await;
    let shop = stack.another_merchant(&unique("m_edd")).await;
    let secret = shop.webhook_secrets["generic"].clone();
    let received = Received::default();
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let endpoint = stack
        .send(
            stack
                .http
                .post(stack.url("/v1/webhook-endpoints"))
                .bearer_auth(&shop.api_key)
                .json(&json!({"url": hook, "milestones": ["trending_late"]})),
        )
        .await;
    assert_eq!(endpoint.status, 201, "{}", endpoint.body);

    // The history: 25 parcels, each delivered 6 business days (New York's calendar) after
    // its first scan, three weeks ago. Their moments are old news: nobody is messaged.
    let us = Calendar::of(Some("US"));
    let today = Utc::now().with_timezone(&ZONE).date_naive();
    let run = unique("EDD");
    let start = today - Duration::days(21);
    let delivered_day = us.add_business_days(start, SLOW);
    for i in 0..25 {
        let tracking = format!("{run}H{i:02}");
        let r = stack
            .register(
                &shop.api_key,
                &registration(&tracking, &format!("{run}-{i}"), None),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let delivered_at = at(delivered_day, 15);
        scans(
            &stack,
            &shop.merchant_id,
            &secret,
            &tracking,
            &[("in_transit", at(start, 15)), ("delivered", delivered_at)],
        )
        .await;
        wait_until_evaluated(
            &stack.devstack.store,
            &shop.merchant_id,
            &tracking,
            delivered_at,
        )
        .await;
    }

    // A new parcel on that lane, promised in 2 business days: it will take 6.
    let tracking = format!("{run}NEW");
    let promise = us.add_business_days(today, 2);
    let r = stack
        .register(
            &shop.api_key,
            &registration(&tracking, &format!("{run}-new"), Some(promise)),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let token_url = r.body["tracking_url"].as_str().unwrap().to_owned();
    let first_scan = Utc::now() - Duration::minutes(30);
    scans(
        &stack,
        &shop.merchant_id,
        &secret,
        &tracking,
        &[("in_transit", first_scan)],
    )
    .await;
    let shipment = stack
        .wait_for_shipment(&shop.api_key, &id, "a prediction", |s| {
            !s["predicted_delivery"].is_null()
        })
        .await;
    let expected = us.add_business_days(first_scan.with_timezone(&ZONE).date_naive(), SLOW);
    let predicted = &shipment["predicted_delivery"];
    assert_eq!(
        predicted["earliest"],
        json!(expected.to_string()),
        "{predicted}"
    );
    assert_eq!(predicted["latest"], json!(expected.to_string()));
    assert_eq!(predicted["lane"], "region");
    assert_eq!(predicted["samples"], 25);
    assert_eq!(predicted["late_probability"], json!(1.0));
    assert_eq!(predicted["preferred"], true, "the carrier gave no estimate");
    let reached: Vec<&str> = shipment["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["milestone"].as_str())
        .collect();
    assert!(reached.contains(&"trending_late"), "{reached:?}");
    assert!(
        shipment["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["milestone"] != "trending_late"),
        "the customer is not told unless the merchant turned it on"
    );

    // The attention list: trending late, not (yet) delayed.
    for (query, listed) in [
        ("trending_late=true", true),
        ("attention=true", true),
        ("delayed=true", false),
    ] {
        let page = get(&stack, &shop.api_key, &format!("/v1/shipments?{query}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let ids: Vec<&str> = page.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["id"].as_str())
            .collect();
        assert_eq!(ids.contains(&id.as_str()), listed, "{query}: {ids:?}");
    }

    // The webhook event, once.
    let mut events = Vec::new();
    for _ in 0..SETTLE_ATTEMPTS {
        events = received.0.lock().unwrap().clone();
        if !events.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0]["type"], "shipment.trending_late");
    assert_eq!(events[0]["data"]["tracking_number"], json!(tracking));
    assert_eq!(
        events[0]["data"]["predicted_delivery"]["late_probability"],
        json!(1.0)
    );
    // Another scan re-evaluates it: still trending late, no second event.
    let second = Utc::now() - Duration::minutes(10);
    scans(
        &stack,
        &shop.merchant_id,
        &secret,
        &tracking,
        &[("in_transit", second)],
    )
    .await;
    wait_until_evaluated(&stack.devstack.store, &shop.merchant_id, &tracking, second).await;
    let endpoint_id = endpoint.body["id"].as_str().unwrap();
    let log = get(
        &stack,
        &shop.api_key,
        &format!("/v1/webhook-endpoints/{endpoint_id}/deliveries"),
    )
    .await;
    assert_eq!(log.status, 200, "{}", log.body);
    assert_eq!(
        log.body["deliveries"].as_array().unwrap().len(),
        1,
        "{}",
        log.body
    );

    // The tracking page says it is the shop's estimate, in the customer's language.
    for (lang, label) in [
        ("en", "Estimate from Other Shop, based on past deliveries: "),
        (
            "de",
            "Schätzung von Other Shop anhand bisheriger Lieferungen: ",
        ),
    ] {
        let html = stack
            .text(stack.http.get(format!("{token_url}?lang={lang}")))
            .await;
        let locale = afterclick_domain::i18n::locale(lang).unwrap();
        let text = format!("{label}{}", long_date(expected, locale, today));
        assert!(html.contains(&text), "{lang}: {text:?} not in {html}");
    }

    // The merchant opts in to the early message (and a threshold out of range is refused).
    let bad = stack
        .put_settings(&shop.api_key, &json!({"trending_late_percent": 5}))
        .await;
    assert_eq!(
        (bad.status, &bad.body["field"]),
        (422, &json!("trending_late_percent"))
    );
    let settings = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/settings"))
                .bearer_auth(&shop.api_key),
        )
        .await;
    let mut channels = settings.body["channels"].clone();
    channels["trending_late"] = json!(["email"]);
    let saved = stack
        .put_settings(&shop.api_key, &json!({"channels": channels}))
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["trending_late_percent"], 60);

    let told = format!("{run}TOLD");
    let order = format!("{run}-told");
    let r = stack
        .register(&shop.api_key, &registration(&told, &order, Some(promise)))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let told_id = r.body["id"].as_str().unwrap().to_owned();
    let scanned = Utc::now() - Duration::minutes(20);
    scans(
        &stack,
        &shop.merchant_id,
        &secret,
        &told,
        &[("in_transit", scanned)],
    )
    .await;
    let address = format!("{order}@customer.example");
    let early = |outbox: &afterclick_e2e::afterclick_devstack::outbox::Outbox| {
        outbox
            .emails
            .iter()
            .filter(|e| e.to.contains(&address) && e.subject.contains("may arrive a little late"))
            .count()
    };
    stack
        .wait_for_outbox("the early message", |o| early(o) >= 1)
        .await;
    // A second scan: still trending late, still one message.
    let again = Utc::now() - Duration::minutes(5);
    scans(
        &stack,
        &shop.merchant_id,
        &secret,
        &told,
        &[("in_transit", again)],
    )
    .await;
    wait_until_evaluated(&stack.devstack.store, &shop.merchant_id, &told, again).await;
    let shipment = stack
        .wait_for_shipment(&shop.api_key, &told_id, "the early message recorded", |s| {
            s["notifications"].as_array().is_some_and(|n| {
                n.iter()
                    .any(|n| n["milestone"] == "trending_late" && n["state"] == "sent")
            })
        })
        .await;
    let early_notes = shipment["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["milestone"] == "trending_late")
        .count();
    assert_eq!(early_notes, 1);
    assert_eq!(early(&stack.outbox().await), 1);

    // Already announced as delayed (its promised day is over): no early message after it.
    let overdue = format!("{run}LATE");
    let r = stack
        .register(
            &shop.api_key,
            &registration(
                &overdue,
                &format!("{run}-late"),
                Some(today - Duration::days(1)),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let overdue_id = r.body["id"].as_str().unwrap().to_owned();
    let scanned = Utc::now() - Duration::minutes(15);
    scans(
        &stack,
        &shop.merchant_id,
        &secret,
        &overdue,
        &[("in_transit", scanned)],
    )
    .await;
    wait_until_evaluated(&stack.devstack.store, &shop.merchant_id, &overdue, scanned).await;
    let late = stack.shipment(&shop.api_key, &overdue_id).await.body;
    let reached: Vec<&str> = late["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["milestone"].as_str())
        .collect();
    assert!(reached.contains(&"delayed"), "{reached:?}");
    assert!(!reached.contains(&"trending_late"), "{reached:?}");
    assert!(
        !late["predicted_delivery"].is_null(),
        "predicted all the same"
    );

    // Erasing a delivered shipment of the history keeps the lane's counts.
    let history = get(
        &stack,
        &shop.api_key,
        &format!("/v1/shipments?order_number={run}-0"),
    )
    .await;
    let erased_id = history.body["items"][0]["id"].as_str().unwrap().to_owned();
    let erased = stack
        .send(
            stack
                .http
                .delete(stack.url(&format!("/v1/shipments/{erased_id}")))
                .bearer_auth(&shop.api_key),
        )
        .await;
    assert_eq!(erased.status, 200, "{}", erased.body);
    let last = Utc::now() - Duration::minutes(1);
    scans(
        &stack,
        &shop.merchant_id,
        &secret,
        &told,
        &[("in_transit", last)],
    )
    .await;
    wait_until_evaluated(&stack.devstack.store, &shop.merchant_id, &told, last).await;
    let after = stack.shipment(&shop.api_key, &told_id).await.body;
    assert_eq!(after["predicted_delivery"]["samples"], 25, "{after}");
}
