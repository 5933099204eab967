//! Each provider end to end: its real payload shape, signed its way, through the devstack,
//! to the customer's email and SMS; repeated deliveries store and send nothing new.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::providers::{self, Provider};
use afterclick_e2e::providers::{fixture, retimed};
use afterclick_e2e::{Stack, unique};
use chrono::Duration;
use serde_json::json;

async fn delivered_end_to_end(provider: Provider, phone: &str) {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = info.webhook_secrets[provider.as_str()].clone();
    let body = retimed(&fixture(provider, "delivered"), Duration::minutes(5));
    let parsed = providers::parse(provider, &body).unwrap();
    let email = format!("{}@customer.example", unique(provider.as_str()));

    let created = stack
        .register(
            &info.api_key,
            &json!({
                "tracking_number": parsed.tracking_number,
                "carrier": parsed.carrier.clone().unwrap_or_else(|| "ups".into()),
                "order_number": "2002",
                "customer": {"name": "Grace Hopper", "email": email, "phone": phone,
                             "locale": "en", "timezone": "America/New_York"}
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();

    let forged = stack
        .post_provider(provider, &info.merchant_id, "not-the-secret", &body)
        .await;
    assert_eq!(forged.status, 401, "{}", forged.body);
    assert_eq!(forged.content_type, "application/problem+json");

    let receipt = stack
        .post_provider(provider, &info.merchant_id, &secret, &body)
        .await;
    assert_eq!(receipt.status, 202, "{}", receipt.body);
    assert_eq!(receipt.body["stored"], parsed.events.len());

    let outbox = stack
        .wait_for_outbox("the delivered email and SMS", |o| {
            o.emails.iter().any(|e| e.to == email) && o.sms.iter().any(|s| s.to == phone)
        })
        .await;
    let mine: Vec<_> = outbox.emails.iter().filter(|e| e.to == email).collect();
    assert_eq!(mine.len(), 1, "only the newest moment is announced");
    assert_eq!(mine[0].subject, "Your order 2002 has been delivered");

    let again = stack
        .post_provider(provider, &info.merchant_id, &secret, &body)
        .await;
    assert_eq!(again.status, 202);
    assert_eq!(again.body["stored"], 0, "a re-sent delivery stores nothing");

    let shipment = stack
        .wait_for_shipment(&info.api_key, &id, "the notifications to be sent", |s| {
            let n = s["notifications"].as_array().unwrap();
            n.len() == 2 && n.iter().all(|n| n["state"] == "sent")
        })
        .await;
    assert_eq!(shipment["status"], "delivered");
    assert_eq!(
        shipment["events"].as_array().unwrap().len(),
        parsed.events.len()
    );
    let providers_seen: Vec<_> = shipment["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["provider"].as_str().unwrap())
        .collect();
    assert!(providers_seen.iter().all(|p| *p == provider.as_str()));
    let outbox = stack.outbox().await;
    assert_eq!(outbox.emails.iter().filter(|e| e.to == email).count(), 1);
    assert_eq!(outbox.sms.iter().filter(|s| s.to == phone).count(), 1);
    stack.devstack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn easypost_end_to_end() {
    delivered_end_to_end(Provider::EasyPost, "+12025550101").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shippo_end_to_end() {
    delivered_end_to_end(Provider::Shippo, "+12025550102").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aftership_end_to_end() {
    delivered_end_to_end(Provider::AfterShip, "+12025550103").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seventeen_track_end_to_end() {
    delivered_end_to_end(Provider::SeventeenTrack, "+12025550104").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ups_end_to_end() {
    delivered_end_to_end(Provider::Ups, "+12025550105").await;
}
