//! Carrier analytics over real DynamoDB Local: shipments registered and delivered through
//! the API and webhooks, figures read back from the monthly counters.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::{Stack, unique};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

struct Plan {
    carrier: &'static str,
    service: Option<&'static str>,
    country: &'static str,
    /// Days from today; none: no promise.
    promise_in_days: Option<i64>,
    /// Scans before the delivery: (status, hours before now).
    scans: &'static [(&'static str, i64)],
    delivered: bool,
}

fn registration(tn: &str, p: &Plan, now: DateTime<Utc>) -> Value {
    let mut body = json!({
        "tracking_number": tn, "carrier": p.carrier, "order_number": "A-1",
        "destination_country": p.country,
        "customer": {"name": "Ada", "email": format!("{tn}@c.example"), "locale": "en", "timezone": "UTC"}
    });
    if let Some(service) = p.service {
        body["service"] = json!(service);
    }
    if let Some(days) = p.promise_in_days {
        body["promised_delivery_date"] =
            json!((now + Duration::days(days)).date_naive().to_string());
    }
    body
}

fn events(tn: &str, carrier: &str, scans: &[(&str, i64)], now: DateTime<Utc>) -> Vec<u8> {
    let events: Vec<Value> = scans
        .iter()
        .map(|(status, hours)| {
            // The carrier expects every parcel tomorrow: each delivery keeps that estimate.
            json!({"occurred_at": (now - Duration::hours(*hours)).to_rfc3339(), "status": status, "description": status,
                   "estimated_delivery": (now + Duration::days(1)).date_naive().to_string()})
        })
        .collect();
    serde_json::to_vec(&json!({"tracking_number": tn, "carrier": carrier, "events": events}))
        .unwrap()
}

/// Registers and (per plan) delivers each shipment: scans first, then, once they are
/// evaluated, the delivery, so the delivery is always measured against all of them.
async fn ship(stack: &Stack, api_key: &str, merchant: &str, secret: &str, plans: &[Plan]) {
    let now = Utc::now();
    for p in plans {
        let tn = unique("AN");
        let r = stack.register(api_key, &registration(&tn, p, now)).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.body["id"].as_str().unwrap().to_owned();
        let body = events(&tn, p.carrier, p.scans, now);
        let r = stack
            .post_generic(merchant, secret, &unique("m"), &body)
            .await;
        assert_eq!(r.status, 202, "{}", r.body);
        let last = p.scans.last().unwrap().0;
        stack
            .wait_for_shipment(api_key, &id, "scans", |s| s["status"] == last)
            .await;
        if p.delivered {
            let body = events(&tn, p.carrier, &[("delivered", 2)], now);
            let r = stack
                .post_generic(merchant, secret, &unique("m"), &body)
                .await;
            assert_eq!(r.status, 202, "{}", r.body);
            stack
                .wait_for_shipment(api_key, &id, "delivery", |s| s["status"] == "delivered")
                .await;
        }
    }
}

async fn analytics(stack: &Stack, api_key: &str) -> Value {
    let today = Utc::now().date_naive();
    // Five weeks back: whatever side of a month boundary the test runs on.
    let uri = format!(
        "/v1/analytics/carriers?from={}&to={today}",
        today - Duration::days(35)
    );
    let r = stack
        .send(stack.http.get(stack.url(&uri)).bearer_auth(api_key))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

/// What the ratings path does on a delivery's counter item (stars 5 and 2).
async fn rate(stack: &Stack, merchant: &str) {
    let delivered = Utc::now() - Duration::hours(2);
    let sk = format!("OUTCOME#{}#ups#GROUND#DE", delivered.format("%Y-%m"));
    stack
        .devstack
        .store
        .client()
        .update_item()
        .table_name(stack.table())
        .key("PK", AttributeValue::S(format!("M#{merchant}")))
        .key("SK", AttributeValue::S(sk))
        .update_expression("ADD rating_count :n, rating_sum :sum")
        .expression_attribute_values(":n", AttributeValue::N("2".into()))
        .expression_attribute_values(":sum", AttributeValue::N("7".into()))
        .send()
        .await
        .unwrap();
}

fn pick<'a>(list: &'a Value, key: &str, name: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|v| v[key] == name)
        .unwrap_or_else(|| panic!("no {key} {name} in {list}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_come_from_the_counters_and_stay_within_the_merchant() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = info.webhook_secrets["generic"].clone();
    let plans = [
        // 28 h, on time.
        Plan {
            carrier: "ups",
            service: Some("GROUND"),
            country: "DE",
            promise_in_days: Some(1),
            scans: &[("in_transit", 30)],
            delivered: true,
        },
        // 98 h, late, with an exception on the way.
        Plan {
            carrier: "ups",
            service: Some("GROUND"),
            country: "DE",
            promise_in_days: Some(-3),
            scans: &[("in_transit", 100), ("exception", 80)],
            delivered: true,
        },
        // 48 h, no promise, one failed attempt; no service known.
        Plan {
            carrier: "ups",
            service: None,
            country: "FR",
            promise_in_days: None,
            scans: &[("in_transit", 50), ("attempt_failed", 20)],
            delivered: true,
        },
        // Registered, still on its way.
        Plan {
            carrier: "ups",
            service: Some("GROUND"),
            country: "DE",
            promise_in_days: None,
            scans: &[("in_transit", 5)],
            delivered: false,
        },
        // 8 h.
        Plan {
            carrier: "dhl",
            service: Some("EXPRESS"),
            country: "DE",
            promise_in_days: None,
            scans: &[("in_transit", 10)],
            delivered: true,
        },
    ];
    ship(&stack, &info.api_key, &info.merchant_id, &secret, &plans).await;
    rate(&stack, &info.merchant_id).await;

    // Another merchant ships with the same carrier, service and country.
    let other = stack.another_merchant("m_analytics_other").await;
    let rival = [Plan {
        carrier: "ups",
        service: Some("GROUND"),
        country: "DE",
        promise_in_days: Some(-5),
        scans: &[("in_transit", 200)],
        delivered: true,
    }];
    ship(
        &stack,
        &other.api_key,
        &other.merchant_id,
        &other.webhook_secrets["generic"],
        &rival,
    )
    .await;

    let report = analytics(&stack, &info.api_key).await;
    let carriers = &report["carriers"];
    assert_eq!(carriers.as_array().unwrap().len(), 2, "{report:#}");
    let ups = pick(carriers, "carrier", "ups");
    let expected = json!({
        "carrier": "ups", "shipments": 4, "delivered": 3, "on_time_rate": 0.5,
        "on_estimate_rate": 1.0,
        // 28 h, 48 h and 98 h, one per bucket: ranks 1.5 and 2.7 of 3 are real deliveries.
        "transit_median_hours": 48.0, "transit_p90_hours": 98.0,
        "exception_rate": 0.3333, "failed_attempt_rate": 0.3333,
        "ratings": 2, "average_rating": 3.5
    });
    for (field, value) in expected.as_object().unwrap() {
        assert_eq!(&ups[field], value, "ups {field}: {ups:#}");
    }
    let ground = pick(&ups["services"], "service", "GROUND");
    assert_eq!(ups["services"].as_array().unwrap().len(), 1);
    assert_eq!(
        (
            &ground["shipments"],
            &ground["delivered"],
            &ground["on_time_rate"]
        ),
        (&json!(3), &json!(2), &json!(0.5))
    );
    assert_eq!(
        (
            &ground["transit_median_hours"],
            &ground["transit_p90_hours"]
        ),
        (&json!(28.0), &json!(98.0))
    );
    assert_eq!(
        (&ground["exception_rate"], &ground["failed_attempt_rate"]),
        (&json!(0.5), &json!(0.0))
    );
    let france = pick(&ups["destination_countries"], "country", "FR");
    assert_eq!(france["on_time_rate"], Value::Null);
    assert_eq!(france["average_rating"], Value::Null);
    assert_eq!(
        (
            &france["transit_median_hours"],
            &france["failed_attempt_rate"]
        ),
        (&json!(48.0), &json!(1.0))
    );
    let dhl = pick(carriers, "carrier", "dhl");
    assert_eq!(
        (
            &dhl["delivered"],
            &dhl["on_time_rate"],
            &dhl["transit_median_hours"]
        ),
        (&json!(1), &Value::Null, &json!(8.0))
    );

    let theirs = analytics(&stack, &other.api_key).await;
    let rival_ups = pick(&theirs["carriers"], "carrier", "ups");
    assert_eq!(theirs["carriers"].as_array().unwrap().len(), 1);
    assert_eq!(
        (
            &rival_ups["shipments"],
            &rival_ups["on_time_rate"],
            &rival_ups["ratings"]
        ),
        (&json!(1), &json!(0.0), &json!(0))
    );

    // A registration counts once, however often it is sent.
    let again = stack
        .register(
            &other.api_key,
            &registration("ANAGAIN1", &rival[0], Utc::now()),
        )
        .await;
    assert_eq!(again.status, 201);
    let repeat = stack
        .register(
            &other.api_key,
            &registration("ANAGAIN1", &rival[0], Utc::now()),
        )
        .await;
    assert!(repeat.status < 300, "{}", repeat.body);
    let theirs = analytics(&stack, &other.api_key).await;
    assert_eq!(pick(&theirs["carriers"], "carrier", "ups")["shipments"], 2);

    let backwards = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/analytics/carriers?from=2026-03-01&to=2026-02-01"))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(backwards.status, 422);
    assert_eq!(backwards.body["field"], "to");
    stack.devstack.stop().await;
}
