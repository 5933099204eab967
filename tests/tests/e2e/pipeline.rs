//! The whole pipeline on real local engines: API -> webhook -> stream -> milestones ->

#![allow(clippy::unwrap_used, clippy::expect_used)]
//! stream -> notify -> SES v2 / SNS (moto).

use afterclick_e2e::{Stack, generic_event, unique};
use chrono::{Duration, Utc};
use futures::future::join_all;
use serde_json::{Value, json};

fn shipment_body(tracking_number: &str, email: &str, phone: &str) -> Value {
    json!({
        "tracking_number": tracking_number,
        "carrier": "ups",
        "order_number": "1001",
        "customer": {
            "name": "Ada Lovelace",
            "email": email,
            "phone": phone,
            "locale": "en-GB",
            "timezone": "Europe/London"
        },
        // A promise comfortably ahead of the clock the test runs on (it may be shifted).
        "promised_delivery_date": (Utc::now() + Duration::days(14)).date_naive().to_string()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shipment_is_announced_once_per_milestone_by_email_and_sms() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = &info.webhook_secrets["generic"];
    let tracking = unique("1ZE2E");
    let email = format!("{}@customer.example", unique("ada"));
    let phone = "+447700900123";

    let created = stack
        .register(&info.api_key, &shipment_body(&tracking, &email, phone))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.body["status"], "pending");
    let tracking_url = created.body["tracking_url"].as_str().unwrap().to_owned();
    assert!(tracking_url.starts_with(&format!("{}/t/", info.api_url)));

    let again = stack
        .register(&info.api_key, &shipment_body(&tracking, &email, phone))
        .await;
    assert_eq!(again.status, 200, "re-registering is idempotent");
    assert_eq!(again.body["id"], id.as_str());

    let mine = |o: &afterclick_e2e::afterclick_devstack::outbox::Outbox, n: usize| {
        o.emails.iter().filter(|e| e.to == email).count() == n
            && o.sms.iter().filter(|s| s.to == phone).count() == n
    };
    let now = Utc::now();
    let steps = [
        ("in_transit", now - Duration::hours(2), "Departed facility"),
        (
            "out_for_delivery",
            now - Duration::hours(1),
            "Out for delivery",
        ),
        (
            "delivered",
            now - Duration::minutes(10),
            "Delivered, front door",
        ),
    ];
    let mut delivered_body = Vec::new();
    for (n, (status, at, description)) in steps.iter().enumerate() {
        let body = generic_event(&tracking, status, *at, description);
        let receipt = stack
            .post_generic(&info.merchant_id, secret, &format!("msg_{status}"), &body)
            .await;
        assert_eq!(receipt.status, 202, "{}", receipt.body);
        assert_eq!(receipt.body["stored"], 1);
        stack
            .wait_for_outbox(&format!("the {status} email and SMS"), |o| mine(o, n + 1))
            .await;
        delivered_body = body;
    }

    // The delivered delivery again, ten times: five in a row, five at once.
    for _ in 0..5 {
        let r = stack
            .post_generic(&info.merchant_id, secret, "msg_delivered", &delivered_body)
            .await;
        assert_eq!((r.status, r.body["duplicates"].clone()), (202, json!(1)));
    }
    let concurrent =
        join_all((0..5).map(|_| {
            stack.post_generic(&info.merchant_id, secret, "msg_delivered", &delivered_body)
        }))
        .await;
    for r in concurrent {
        assert_eq!((r.status, r.body["stored"].clone()), (202, json!(0)));
    }

    let shipment = stack
        .wait_for_shipment(&info.api_key, &id, "six sent notifications", |s| {
            let n = s["notifications"].as_array().unwrap();
            n.len() == 6 && n.iter().all(|n| n["state"] == "sent")
        })
        .await;
    assert_eq!(shipment["status"], "delivered");
    assert_eq!(shipment["events"].as_array().unwrap().len(), 3);
    let reached: Vec<_> = shipment["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["milestone"].as_str().unwrap(),
                m["notified"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        reached,
        [
            ("in_transit", true),
            ("out_for_delivery", true),
            ("delivered", true)
        ]
    );
    for n in shipment["notifications"].as_array().unwrap() {
        assert!(
            !n["provider_message_id"].as_str().unwrap().is_empty(),
            "{n}"
        );
    }

    let outbox = stack.outbox().await;
    let emails: Vec<_> = outbox.emails.iter().filter(|e| e.to == email).collect();
    let sms: Vec<_> = outbox.sms.iter().filter(|s| s.to == phone).collect();
    assert_eq!(emails.len(), 3, "exactly one email per milestone");
    assert_eq!(sms.len(), 3, "exactly one SMS per milestone");
    let mut subjects: Vec<_> = emails.iter().map(|e| e.subject.as_str()).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 3, "subjects are distinct: {subjects:?}");
    assert_eq!(emails[2].subject, "Your order 1001 has been delivered");
    for e in &emails {
        assert!(e.text.contains(&tracking_url) && e.html.contains(&tracking_url));
        assert!(e.text.contains(&tracking) && e.text.contains("1001"));
        assert!(e.html.contains("<table"), "an HTML part is sent");
        assert!(e.from.starts_with("orders@"));
    }
    assert!(sms[1].body.contains("out for delivery") && sms[1].body.contains(&tracking_url));

    // The link in every message leads to the customer's tracking page.
    let page = stack.http.get(&tracking_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "private, no-store");
    let html = page.text().await.unwrap();
    assert!(html.contains("Demo Shop") && html.contains("Delivered") && html.contains("1001"));
    assert!(
        html.contains("Delivered, front door") && html.contains("Departed facility"),
        "the timeline"
    );
    // The link to the carrier is counted on the way (page analytics), then leads there.
    let carrier_link = format!("{tracking_url}/go/carrier");
    assert!(
        html.contains(&carrier_link.replace(&stack.url(""), "")),
        "a link to the carrier"
    );
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let out = no_redirects.get(&carrier_link).send().await.unwrap();
    assert_eq!(out.status(), 303);
    assert!(
        out.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("https://www.ups.com/track?tracknum="),
        "to the carrier"
    );
    let unknown = stack
        .http
        .get(stack.url("/t/00000000000000000000000000000000"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("We could not find this shipment")
    );
    stack.devstack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_before_registration_are_applied_on_registration_without_stale_notifications() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = &info.webhook_secrets["generic"];
    let tracking = unique("EARLY");
    let email = format!("{}@customer.example", unique("early"));
    let now = Utc::now();
    for (status, at) in [
        ("in_transit", now - Duration::days(3)),
        ("out_for_delivery", now - Duration::days(2)),
    ] {
        let r = stack
            .post_generic(
                &info.merchant_id,
                secret,
                &format!("msg_{status}"),
                &generic_event(&tracking, status, at, "scan"),
            )
            .await;
        assert_eq!(r.status, 202, "{}", r.body);
    }
    let created = stack
        .register(
            &info.api_key,
            &shipment_body(&tracking, &email, "+447700900456"),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap();
    let shipment = stack
        .wait_for_shipment(&info.api_key, id, "the backlog to be evaluated", |s| {
            s["status"] == "out_for_delivery"
        })
        .await;
    assert_eq!(shipment["events"].as_array().unwrap().len(), 2);
    assert_eq!(shipment["milestones"].as_array().unwrap().len(), 2);
    assert!(
        shipment["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["notified"] == false)
    );
    assert_eq!(shipment["notifications"], json!([]));
    let outbox = stack.outbox().await;
    assert!(!outbox.emails.iter().any(|e| e.to == email));
    stack.devstack.stop().await;
}
