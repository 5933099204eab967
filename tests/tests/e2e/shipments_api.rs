//! The shipment routes against the real stack: listing from indexes (never a Scan),
//! PATCH (channels, a moved promise re-evaluated through the stream), erasure, idempotent
//! registration under concurrency, and tenant isolation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::listing::{ListPosition, ShipmentQuery, encode_cursor};
use afterclick_e2e::listing::{all_pages, get};
use afterclick_e2e::{Response, Stack, generic_event, unique};
use chrono::{Duration, Utc};
use futures::future::join_all;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// (id, carrier, order number, email, created_at) of a registered shipment.
type Registered = (String, &'static str, String, String, String);

fn registration(tracking: &str, carrier: &str, order: &str, email: &str) -> Value {
    json!({
        "tracking_number": tracking, "carrier": carrier, "order_number": order,
        "customer": {"name": "Grace Hopper", "email": email, "phone": "+15555550123"}
    })
}

async fn patch(stack: &Stack, key: &str, id: &str, body: &Value) -> Response {
    stack
        .send(
            stack
                .http
                .patch(stack.url(&format!("/v1/shipments/{id}")))
                .bearer_auth(key)
                .header("content-type", "application/merge-patch+json")
                .body(body.to_string()),
        )
        .await
}

async fn delete(stack: &Stack, key: &str, id: &str) -> Response {
    stack
        .send(
            stack
                .http
                .delete(stack.url(&format!("/v1/shipments/{id}")))
                .bearer_auth(key),
        )
        .await
}

/// A cursor is not signed, and its fingerprint is no secret: a forged one with the right
/// fingerprint and a well-formed position outside `created_from..` is a 400 naming
/// `cursor` (DynamoDB would refuse the start key), and the store itself answers such a
/// position as the in-memory store does instead of failing.
async fn forged_cursors_are_refused(stack: &Stack, key: &str, merchant_id: &str, from: &str) {
    let query = ShipmentQuery {
        created_from: Some(from.parse().unwrap()),
        ..ShipmentQuery::default()
    };
    let fingerprint = query.fingerprint(merchant_id);
    let at = |sort_key: &str| ListPosition {
        sort_key: sort_key.into(),
        tracking_number: "FORGED1".into(),
    };
    let before = at("2000-01-01T00:00:00.000Z#shp_forged");
    let cursor = encode_cursor(&before, &fingerprint);
    let path = format!(
        "/v1/shipments?created_from={}&cursor={cursor}",
        urlencode(from)
    );
    let forged = get(stack, key, &path).await;
    assert_eq!(forged.status, 400, "{}", forged.body);
    assert_eq!(forged.content_type, "application/problem+json");
    assert_eq!(forged.body["field"], "cursor");

    let store = &stack.devstack.store;
    let (all, _) = store
        .list_shipments_with_cost(merchant_id, &query, None, 100)
        .await
        .unwrap();
    let (past_the_end, _) = store
        .list_shipments_with_cost(merchant_id, &query, Some(&before), 100)
        .await
        .unwrap();
    assert_eq!((past_the_end.shipments.len(), past_the_end.next), (0, None));
    let after = at("2999-01-01T00:00:00.000Z#shp_forged");
    let (from_the_top, _) = store
        .list_shipments_with_cost(merchant_id, &query, Some(&after), 100)
        .await
        .unwrap();
    assert_eq!(from_the_top, all);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_pages_and_filters_come_from_indexes() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let run = unique("L");
    // (id, carrier, order, email), in registration (= creation) order.
    let mut registered = Vec::new();
    for i in 0..30 {
        let carrier = if i % 3 == 0 { "dhl" } else { "ups" };
        let order = format!("{run}-O{}", i % 5);
        let email = format!("buyer{}-{run}@example.com", i % 4).to_lowercase();
        let r = stack
            .register(
                &info.api_key,
                &registration(&format!("{run}N{i:03}"), carrier, &order, &email),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.body["id"].as_str().unwrap().to_owned();
        let created = r.body["created_at"].as_str().unwrap().to_owned();
        registered.push((id, carrier, order, email, created));
    }
    // Newest created first, id as tiebreak.
    let mut expected: Vec<&Registered> = registered.iter().collect();
    expected.sort_by(|a, b| (&b.4, &b.0).cmp(&(&a.4, &a.0)));
    let expected_ids: Vec<String> = expected.iter().map(|r| r.0.clone()).collect();

    let listed = all_pages(&stack, &info.api_key, "", 7).await;
    let demo_shipments = listed.len() - 30;
    let ours: Vec<String> = listed
        .iter()
        .filter(|id| registered.iter().any(|r| &r.0 == *id))
        .cloned()
        .collect();
    assert_eq!(ours, expected_ids, "each exactly once, in order");
    assert_eq!(
        listed.iter().collect::<BTreeSet<_>>().len(),
        listed.len(),
        "no duplicates"
    );
    assert!(demo_shipments < 30);

    let set = |f: &dyn Fn(&&Registered) -> bool| -> BTreeSet<String> {
        registered.iter().filter(f).map(|r| r.0.clone()).collect()
    };
    let order = format!("{run}-O2");
    let email = format!("buyer1-{run}@example.com").to_lowercase();
    let shouted = email.to_uppercase();
    let middle = &expected[20].4; // the 21st newest's creation time
    let cases: Vec<(String, BTreeSet<String>)> = vec![
        (format!("&order_number={order}"), set(&|r| r.2 == order)),
        (format!("&customer_email={shouted}"), set(&|r| r.3 == email)),
        (
            format!("&carrier=dhl&order_number={order}"),
            set(&|r| r.1 == "dhl" && r.2 == order),
        ),
        (
            format!("&created_from={}", urlencode(middle)),
            set(&|r| millis(&r.4) >= millis(middle)),
        ),
    ];
    for (filters, want) in cases {
        let got: BTreeSet<String> = all_pages(&stack, &info.api_key, &filters, 4)
            .await
            .into_iter()
            .collect();
        assert_eq!(got, want, "{filters}");
    }
    // The filtered sets that include the demo merchant's own shipments: ours within them.
    let dhl: BTreeSet<String> = all_pages(&stack, &info.api_key, "&carrier=dhl", 7)
        .await
        .into_iter()
        .filter(|id| registered.iter().any(|r| &r.0 == id))
        .collect();
    assert_eq!(dhl, set(&|r| r.1 == "dhl"));
    let pending = all_pages(&stack, &info.api_key, "&status=pending", 100).await;
    assert!(set(&|_| true).is_subset(&pending.into_iter().collect()));
    assert!(
        all_pages(
            &stack,
            &info.api_key,
            &format!("&status=delivered&order_number={order}"),
            5
        )
        .await
        .is_empty()
    );

    // Never a Scan: each filter is a Query of the index its plan names, reading only
    // what the key condition selects.
    let store = &stack.devstack.store;
    let by_order = ShipmentQuery {
        order_number: Some(order.clone()),
        ..ShipmentQuery::default()
    };
    let (page, cost) = store
        .list_shipments_with_cost(&info.merchant_id, &by_order, None, 100)
        .await
        .unwrap();
    assert_eq!(cost.index.map(|i| i.name()), Some("by_order"));
    assert_eq!(
        (cost.queries, cost.scanned),
        (1, page.shipments.len() as i64)
    );
    let by_customer = ShipmentQuery {
        customer_email: Some(email.clone()),
        carrier: Some("ups".into()),
        ..ShipmentQuery::default()
    };
    let (page, cost) = store
        .list_shipments_with_cost(&info.merchant_id, &by_customer, None, 100)
        .await
        .unwrap();
    assert_eq!(cost.index.map(|i| i.name()), Some("by_customer"));
    assert_eq!(cost.scanned, set(&|r| r.3 == email).len() as i64);
    assert_eq!(
        page.shipments.len(),
        set(&|r| r.3 == email && r.1 == "ups").len()
    );

    // Bad parameters name their field.
    for (path, field) in [
        ("/v1/shipments?limit=0", "limit"),
        ("/v1/shipments?limit=101", "limit"),
        ("/v1/shipments?status=lost", "status"),
        ("/v1/shipments?created_from=yesterday", "created_from"),
        ("/v1/shipments?cursor=bm9wZQ", "cursor"),
    ] {
        let r = get(&stack, &info.api_key, path).await;
        assert_eq!(r.status, 400, "{path}");
        assert_eq!(r.content_type, "application/problem+json");
        assert_eq!(r.body["field"], field, "{path}");
    }
    let first = get(&stack, &info.api_key, "/v1/shipments?limit=3").await;
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let other_filters = get(
        &stack,
        &info.api_key,
        &format!("/v1/shipments?limit=3&carrier=dhl&cursor={cursor}"),
    )
    .await;
    assert_eq!(
        (other_filters.status, &other_filters.body["field"]),
        (400, &json!("cursor"))
    );
    forged_cursors_are_refused(&stack, &info.api_key, &info.merchant_id, middle).await;

    // Another merchant sees none of it, and none of it by id.
    let other = stack.another_merchant(&unique("m_other")).await;
    let theirs = get(&stack, &other.api_key, "/v1/shipments?limit=100").await;
    assert_eq!(theirs.body["items"], json!([]));
    let id = &registered[0].0;
    let path = format!("/v1/shipments/{id}");
    assert_eq!(get(&stack, &other.api_key, &path).await.status, 404);
    assert_eq!(
        patch(&stack, &other.api_key, id, &json!({"channels": []}))
            .await
            .status,
        404
    );
    assert_eq!(delete(&stack, &other.api_key, id).await.status, 404);
    let mine = get(&stack, &info.api_key, &path).await;
    assert_eq!(mine.body["customer"]["name"], "Grace Hopper");
    assert_eq!(mine.body["channels"], Value::Null);
}

/// Listing filters compare at millisecond precision.
fn millis(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp_millis()
}

fn urlencode(raw: &str) -> String {
    raw.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patched_channels_and_a_promise_moved_into_the_past() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = &info.webhook_secrets["generic"];

    // Channels `[]`: delivered, and nobody is told.
    let quiet_tn = unique("Q");
    let quiet_mail = format!("{}@example.com", unique("quiet")).to_lowercase();
    let r = stack
        .register(
            &info.api_key,
            &registration(&quiet_tn, "ups", "Q-1", &quiet_mail),
        )
        .await;
    let quiet_id = r.body["id"].as_str().unwrap().to_owned();
    let r = patch(&stack, &info.api_key, &quiet_id, &json!({"channels": []})).await;
    assert_eq!(
        (r.status, &r.body["channels"]),
        (200, &json!([])),
        "{}",
        r.body
    );

    // A promise moved into the past: the stream re-evaluates the edit, the delay is news.
    let late_tn = unique("P");
    let late_mail = format!("{}@example.com", unique("late")).to_lowercase();
    let r = stack
        .register(
            &info.api_key,
            &registration(&late_tn, "ups", "P-1", &late_mail),
        )
        .await;
    let late_id = r.body["id"].as_str().unwrap().to_owned();
    let past = (Utc::now() - Duration::days(2)).date_naive().to_string();
    let r = patch(
        &stack,
        &info.api_key,
        &late_id,
        &json!({"promised_delivery_date": past, "customer": {"phone": null, "timezone": "UTC"}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["customer"].get("phone"), Some(&Value::Null));

    let delivered = generic_event(
        &quiet_tn,
        "delivered",
        Utc::now() - Duration::minutes(5),
        "Delivered",
    );
    let r = stack
        .post_generic(&info.merchant_id, secret, &unique("wh"), &delivered)
        .await;
    assert_eq!(r.status, 202);
    let quiet = stack
        .wait_for_shipment(&info.api_key, &quiet_id, "delivered", |s| {
            s["status"] == "delivered"
        })
        .await;
    assert_eq!(quiet["notifications"], json!([]), "no intents at all");

    let late = stack
        .wait_for_shipment(&info.api_key, &late_id, "the delay notification", |s| {
            s["notifications"]
                .as_array()
                .is_some_and(|n| n.iter().any(|n| n["milestone"] == "delayed"))
        })
        .await;
    // The phone was removed: the SMS is suppressed, never sent.
    let sms = stack
        .wait_for_shipment(&info.api_key, &late_id, "the SMS decided", |s| {
            s["notifications"].as_array().is_some_and(|n| {
                n.iter()
                    .any(|n| n["channel"] == "sms" && n["state"] == "suppressed")
            })
        })
        .await;
    let sms = sms["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["channel"] == "sms")
        .unwrap()
        .clone();
    assert_eq!(sms["detail"], "the customer has no phone number");
    assert_eq!(late["notifications"][0]["milestone"], "delayed");
    let outbox = stack
        .wait_for_outbox("the delay email", |o| {
            o.emails.iter().any(|e| e.to == late_mail)
        })
        .await;
    assert!(!outbox.emails.iter().any(|e| e.to == quiet_mail));
    assert_eq!(
        outbox.emails.iter().filter(|e| e.to == late_mail).count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_keeps_the_anonymous_shipment_and_sends_nothing_after() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = &info.webhook_secrets["generic"];
    let tn = unique("E");
    let mail = format!("{}@example.com", unique("erase")).to_lowercase();
    let r = stack
        .register(&info.api_key, &registration(&tn, "ups", "E-1", &mail))
        .await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let scan = generic_event(
        &tn,
        "in_transit",
        Utc::now() - Duration::minutes(30),
        "Departed",
    );
    stack
        .post_generic(&info.merchant_id, secret, &unique("wh"), &scan)
        .await;
    stack
        .wait_for_outbox("the in-transit email and SMS", |o| {
            o.emails.iter().any(|e| e.to == mail) && o.sms.iter().any(|s| s.to == "+15555550123")
        })
        .await;

    let erased = delete(&stack, &info.api_key, &id).await;
    assert_eq!(erased.status, 200, "{}", erased.body);
    assert_eq!(erased.body["scrubbed"]["shipment"], true);
    let kept: Vec<&str> = erased.body["kept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(kept.contains(&"events") && kept.contains(&"milestones"));
    let (sort_keys, text) = stack.partition(&info.merchant_id, &tn).await;
    let kinds: Vec<&str> = sort_keys
        .iter()
        .filter_map(|k| k.split('#').next())
        .collect();
    for personal in ["Grace Hopper", mail.as_str(), "+15555550123"] {
        assert!(!text.contains(personal), "{personal} left in {text}");
    }
    assert!(kinds.contains(&"SHIPMENT") && kinds.contains(&"E"));
    assert!(kinds.contains(&"N"), "notification states are kept");

    // After erasure: a delivery is recorded and counted, but nobody is messaged.
    let sent_before = stack.outbox().await;
    let delivered = generic_event(
        &tn,
        "delivered",
        Utc::now() - Duration::minutes(5),
        "Delivered",
    );
    stack
        .post_generic(&info.merchant_id, secret, &unique("wh"), &delivered)
        .await;
    let shipment = stack
        .wait_for_shipment(&info.api_key, &id, "delivered, on both channels", |s| {
            // Both channels decided, not just the first: each is judged below.
            let decided: Vec<_> = s["notifications"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["milestone"] == "delivered")
                .map(|n| n["state"] != "pending" && n["state"] != "claimed")
                .collect();
            decided.len() == 2 && decided.iter().all(|d| *d)
        })
        .await;
    for n in shipment["notifications"].as_array().unwrap() {
        if n["milestone"] == "delivered" {
            assert_eq!(n["state"], "suppressed", "{n}");
            assert_eq!(n["detail"], "the customer's personal data was erased");
        }
    }
    let sent_after = stack.outbox().await;
    assert_eq!(sent_after.emails.len(), sent_before.emails.len());
    assert_eq!(sent_after.sms.len(), sent_before.sms.len());
    let counters = stack
        .devstack
        .store
        .outcome_counters(&info.merchant_id)
        .await
        .unwrap();
    assert!(!counters.is_empty(), "the delivery still counts");

    let again = delete(&stack, &info.api_key, &id).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["erased_at"], erased.body["erased_at"]);
    assert_eq!(again.body["scrubbed"]["shipment"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_idempotency_key_registers_once_under_concurrency() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let tn = unique("I");
    let body = registration(&tn, "ups", "I-1", "idem@example.com");
    let post = |body: Value, key: &'static str| {
        let request = stack
            .http
            .post(stack.url("/v1/shipments"))
            .bearer_auth(&info.api_key)
            .header("idempotency-key", key)
            .json(&body);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let replayed = response.headers().contains_key("idempotent-replayed");
            (status, replayed, response.bytes().await.unwrap())
        }
    };
    let results = join_all((0..10).map(|_| post(body.clone(), "concurrent-key"))).await;
    let created = results.iter().filter(|r| r.0 == 201 && !r.1).count();
    assert_eq!(created, 1, "{results:?}");
    // The rest: refused while the first ran, or its response replayed.
    for (status, replayed, _) in &results {
        assert!(*status == 409 || (*status == 201), "{status}");
        assert!(!*replayed || *status == 201);
    }
    let first = results
        .iter()
        .find(|r| r.0 == 201 && !r.1)
        .unwrap()
        .2
        .clone();
    let again = post(body.clone(), "concurrent-key").await;
    assert_eq!((again.0, again.1), (201, true));
    assert_eq!(again.2, first, "the same response, byte for byte");
    let other = post(
        registration(&unique("I"), "ups", "I-2", "idem@example.com"),
        "concurrent-key",
    )
    .await;
    assert_eq!(other.0, 422);
    let listed = get(&stack, &info.api_key, "/v1/shipments?order_number=I-1").await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    let nothing = get(&stack, &info.api_key, "/v1/shipments?order_number=I-2").await;
    assert_eq!(nothing.body["items"], json!([]));
}

/// Without an idempotency key, registration is still idempotent by tracking number: the
/// same shipment posted ten times at once is created once, and every other answer is that
/// shipment (200), never a 5xx from the transactions racing on its items.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_registrations_of_one_tracking_number_create_one_shipment() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let tn = unique("C");
    let body = registration(&tn, "ups", "C-1", "race@example.com");
    let results = join_all((0..10).map(|_| stack.register(&info.api_key, &body))).await;
    let statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 200),
        "{statuses:?}"
    );
    let ids: BTreeSet<&str> = results
        .iter()
        .map(|r| r.body["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "every answer is the one shipment");
    let listed = get(&stack, &info.api_key, "/v1/shipments?order_number=C-1").await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}
