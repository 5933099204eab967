//! Outgoing webhooks end to end: endpoints registered over the API, a shipment driven to
//! delivered by carrier webhooks, and local receivers checking what arrives: each moment
//! once per endpoint, correctly signed, retried with the same id after a failure, nothing
//! for a deleted endpoint, and nothing of one merchant's endpoints visible to another.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::ports::SecretBox;
use afterclick_domain::signature::{SignedHeaders, verify};
use afterclick_e2e::{SETTLE_ATTEMPTS, Stack, generic_event, unique};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
struct Received {
    receiver: String,
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

#[derive(Clone, Default)]
struct Receivers {
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receivers {
    fn at(&self, receiver: &str) -> Vec<Received> {
        let all = self.received.lock().unwrap();
        all.iter()
            .filter(|r| r.receiver == receiver)
            .cloned()
            .collect()
    }

    async fn wait(&self, receiver: &str, count: usize) -> Vec<Received> {
        for _ in 0..SETTLE_ATTEMPTS {
            let got = self.at(receiver);
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{receiver} got {:#?}, wanted {count}", self.at(receiver));
    }
}

/// `/flaky...` answers 500 to its first request; everything else 204.
async fn receive(
    State(receivers): State<Receivers>,
    Path(receiver): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut all = receivers.received.lock().unwrap();
    let first = !all.iter().any(|r| r.receiver == receiver);
    all.push(Received {
        receiver: receiver.clone(),
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    if receiver.starts_with("flaky") && first {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

async fn start_receivers() -> (Receivers, String) {
    let receivers = Receivers::default();
    let app = Router::new()
        .route("/{receiver}", post(receive))
        .with_state(receivers.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (receivers, base)
}

fn checked(r: &Received, secret: &str, now: DateTime<Utc>) -> Value {
    let headers = SignedHeaders {
        id: Some(&r.id),
        timestamp: Some(&r.timestamp),
        signature: Some(&r.signature),
    };
    verify(&[secret.to_owned()], headers, r.body.as_bytes(), now)
        .unwrap_or_else(|e| panic!("{} from {}: {e}", r.id, r.receiver));
    serde_json::from_str(&r.body).unwrap()
}

async fn create_endpoint(stack: &Stack, key: &str, body: Value) -> Value {
    let created = stack
        .send(
            stack
                .http
                .post(stack.url("/v1/webhook-endpoints"))
                .bearer_auth(key)
                .json(&body),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body
}

fn an_hour_later() -> DateTime<Utc> {
    Utc::now() + Duration::hours(1)
}

/// Past a secret rotation's grace period.
fn a_day_later() -> DateTime<Utc> {
    Utc::now() + afterclick_domain::outgoing::SECRET_GRACE + Duration::hours(1)
}

fn verifies_with(r: &Received, secret: &str, now: DateTime<Utc>) -> bool {
    let headers = SignedHeaders {
        id: Some(&r.id),
        timestamp: Some(&r.timestamp),
        signature: Some(&r.signature),
    };
    verify(&[secret.to_owned()], headers, r.body.as_bytes(), now).is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_secret_co_signs_for_the_grace_period_and_then_only_the_new_one_signs() {
    use afterclick_domain::ports::EndpointStore;
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let (receivers, base) = start_receivers().await;
    let endpoint = create_endpoint(
        &stack,
        &info.api_key,
        json!({"url": format!("{base}/flaky_rotation")}),
    )
    .await;
    let id = endpoint["id"].as_str().unwrap().to_owned();
    let old = endpoint["secret"].as_str().unwrap().to_owned();

    let tracking = unique("1ZROT");
    let created = stack
        .register(
            &info.api_key,
            &json!({
                "tracking_number": tracking, "carrier": "ups", "order_number": "1002",
                "customer": {"name": "Ada Lovelace", "email": "ada@customer.example"}
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let post = |status: &'static str, at: DateTime<Utc>| {
        let body = generic_event(&tracking, status, at, status);
        let stack = &stack;
        let info = &info;
        async move {
            let r = stack
                .post_generic(
                    &info.merchant_id,
                    &info.webhook_secrets["generic"],
                    &unique("msg_"),
                    &body,
                )
                .await;
            assert_eq!(r.status, 202, "{}", r.body);
        }
    };
    let now = Utc::now();
    // Before the rotation: one signature, the old secret's (the receiver answers 500).
    post("in_transit", now - Duration::hours(2)).await;
    let before = receivers.wait("flaky_rotation", 1).await;
    assert_eq!(before[0].signature.split(' ').count(), 1);
    assert!(verifies_with(&before[0], &old, Utc::now()));
    let log_url = stack.url(&format!("/v1/webhook-endpoints/{id}/deliveries"));
    for _ in 0..SETTLE_ATTEMPTS {
        let log = stack
            .send(stack.http.get(&log_url).bearer_auth(&info.api_key))
            .await
            .body;
        if log["deliveries"][0]["state"] == "retrying" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let rotate_url = stack.url(&format!("/v1/webhook-endpoints/{id}/rotate-secret"));
    let rotated = stack
        .http
        .post(&rotate_url)
        .bearer_auth(&info.api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), 200);
    assert_eq!(rotated.headers()["cache-control"], "no-store");
    let rotated: Value = rotated.json().await.unwrap();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert!(new.starts_with("whsec_") && new != old, "{rotated}");
    assert_eq!(rotated["id"], id.as_str());
    assert!(rotated["previous_secret_valid_until"].is_string());

    // During the grace period: two signatures; a listener holding either secret accepts.
    post("out_for_delivery", now - Duration::hours(1)).await;
    let during = receivers.wait("flaky_rotation", 2).await;
    assert_eq!(
        during[1].signature.split(' ').count(),
        2,
        "{}",
        during[1].signature
    );
    assert!(verifies_with(&during[1], &old, Utc::now()));
    assert!(verifies_with(&during[1], &new, Utc::now()));

    // After it: the failed first delivery's retry carries the new secret's signature only.
    let report = stack.devstack.sweep_at(a_day_later).await.unwrap();
    assert_eq!(report.webhooks, 1, "{report:?}");
    let after = receivers.wait("flaky_rotation", 3).await;
    assert_eq!(after[2].id, before[0].id, "the retry of the first delivery");
    assert_eq!(after[2].signature.split(' ').count(), 1);
    assert!(verifies_with(&after[2], &new, a_day_later()));
    assert!(!verifies_with(&after[2], &old, a_day_later()));

    // The write is compare-and-set on the secret: a rotation from a stale read loses.
    let store = &stack.devstack.store;
    let current = store
        .endpoint(&info.merchant_id, &id)
        .await
        .unwrap()
        .unwrap();
    let stale = current.rotated("whsec_c3RhbGVzdGFsZXN0YWxlc3RhbGU=".into(), Utc::now());
    // What a read before the rotation saw: the old secret, as stored (sealed).
    let seen_before = current.previous_secret.as_ref().unwrap().secret.clone();
    assert!(
        !store
            .replace_endpoint_secret(&stale, &seen_before)
            .await
            .unwrap()
    );
    let unchanged = store
        .endpoint(&info.merchant_id, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged, current);
    // Stored sealed; it opens to the secret the rotation returned.
    assert!(unchanged.secret.starts_with("kms1:"));
    assert_eq!(
        store
            .open(&info.merchant_id, &unchanged.secret)
            .await
            .unwrap(),
        new
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn milestones_reach_endpoints_once_signed_retried_and_never_after_deletion() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let (receivers, base) = start_receivers().await;

    let refused = stack
        .send(
            stack
                .http
                .post(stack.url("/v1/webhook-endpoints"))
                .bearer_auth(&info.api_key)
                .json(&json!({"url": "http://hooks.example.com/in"})),
        )
        .await;
    assert_eq!(
        (refused.status, refused.body["field"].clone()),
        (422, json!("url"))
    );

    let all = create_endpoint(
        &stack,
        &info.api_key,
        json!({"url": format!("{base}/all"), "description": "ERP"}),
    )
    .await;
    let flaky = create_endpoint(
        &stack,
        &info.api_key,
        json!({"url": format!("{base}/flaky"), "milestones": ["delivered"]}),
    )
    .await;
    let gone = create_endpoint(
        &stack,
        &info.api_key,
        json!({"url": format!("{base}/gone")}),
    )
    .await;
    let secret = all["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(flaky["milestones"], json!(["delivered"]));

    let listed = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/webhook-endpoints"))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(listed.status, 200);
    let endpoints = listed.body["endpoints"].as_array().unwrap();
    assert_eq!(endpoints.len(), 3);
    assert!(
        endpoints.iter().all(|e| e.get("secret").is_none()),
        "secrets are shown once"
    );

    let tracking = unique("1ZWH");
    let promise = (Utc::now() + Duration::days(30)).date_naive().to_string();
    let created = stack
        .register(
            &info.api_key,
            &json!({
                "tracking_number": tracking, "carrier": "ups", "order_number": "1001",
                "customer": {"name": "Ada Lovelace", "email": "ada@customer.example", "phone": "+447700900123"},
                "promised_delivery_date": promise
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let shipment_id = created.body["id"].as_str().unwrap().to_owned();
    let webhook_secret = &info.webhook_secrets["generic"];
    let post = |status: &'static str, at: DateTime<Utc>| {
        let body = generic_event(&tracking, status, at, status);
        let merchant_id = info.merchant_id.clone();
        let stack = &stack;
        async move {
            let r = stack
                .post_generic(
                    &merchant_id,
                    webhook_secret,
                    &format!("msg_{status}"),
                    &body,
                )
                .await;
            assert_eq!(r.status, 202, "{}", r.body);
        }
    };
    let now = Utc::now();
    post("in_transit", now - Duration::hours(2)).await;
    receivers.wait("all", 1).await;
    receivers.wait("gone", 1).await;

    let deleted = stack
        .send(
            stack
                .http
                .delete(stack.url(&format!(
                    "/v1/webhook-endpoints/{}",
                    gone["id"].as_str().unwrap()
                )))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(deleted.status, 204);

    post("out_for_delivery", now - Duration::hours(1)).await;
    receivers.wait("all", 2).await;
    post("delivered", now - Duration::minutes(10)).await;
    // The carrier repeats itself: no new moment, no new webhook.
    post("delivered", now - Duration::minutes(10)).await;
    let first_flaky = receivers.wait("flaky", 1).await;
    let received = receivers.wait("all", 3).await;

    let bodies: Vec<Value> = received
        .iter()
        .map(|r| checked(r, &secret, Utc::now()))
        .collect();
    let types: Vec<&str> = bodies.iter().map(|b| b["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "shipment.in_transit",
            "shipment.out_for_delivery",
            "shipment.delivered"
        ]
    );
    let mut ids: Vec<&str> = received.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "each moment once, under its own id");
    let delivered = &bodies[2]["data"];
    assert_eq!(delivered["shipment_id"], shipment_id.as_str());
    assert_eq!(delivered["tracking_number"], tracking.as_str());
    assert_eq!(delivered["status"], "delivered");
    assert_eq!(delivered["promised_delivery_date"], promise.as_str());
    assert!(!received[2].body.contains("Ada") && !received[2].body.contains("customer.example"));
    assert_eq!(
        received[2].id, first_flaky[0].id,
        "one id per moment, whichever endpoint"
    );

    let flaky_id = flaky["id"].as_str().unwrap();
    let log_url = stack.url(&format!("/v1/webhook-endpoints/{flaky_id}/deliveries"));
    let mut log = Value::Null;
    for _ in 0..SETTLE_ATTEMPTS {
        log = stack
            .send(stack.http.get(&log_url).bearer_auth(&info.api_key))
            .await
            .body;
        if log["deliveries"][0]["state"] == "retrying" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let attempt = &log["deliveries"][0];
    assert_eq!(attempt["state"], "retrying", "{log:#}");
    assert_eq!(
        (attempt["attempts"].clone(), attempt["last_status"].clone()),
        (json!(1), json!(500))
    );
    assert!(attempt["next_attempt_at"].is_string());

    let report = stack.devstack.sweep_at(an_hour_later).await.unwrap();
    assert_eq!(report.webhooks, 1, "{report:?}");
    let retried = receivers.wait("flaky", 2).await;
    assert_eq!(retried[1].id, retried[0].id, "a retry keeps its webhook-id");
    checked(
        &retried[1],
        flaky["secret"].as_str().unwrap(),
        an_hour_later(),
    );
    let log = stack
        .send(stack.http.get(&log_url).bearer_auth(&info.api_key))
        .await
        .body;
    assert_eq!(log["deliveries"][0]["state"], "delivered");
    assert_eq!(log["deliveries"][0]["attempts"], 2);
    assert_eq!(log["deliveries"][0]["last_status"], 204);

    // Nothing further: a second sweep finds nothing, every receiver keeps its count.
    assert_eq!(
        stack
            .devstack
            .sweep_at(an_hour_later)
            .await
            .unwrap()
            .webhooks,
        0
    );
    assert_eq!(receivers.at("all").len(), 3);
    assert_eq!(receivers.at("flaky").len(), 2);
    assert_eq!(
        receivers.at("gone").len(),
        1,
        "a deleted endpoint receives nothing more"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_merchant_never_sees_or_touches_my_endpoints() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let mine = create_endpoint(
        &stack,
        &info.api_key,
        json!({"url": "https://hooks.example.com/in"}),
    )
    .await;
    let id = mine["id"].as_str().unwrap();
    let other = stack.another_merchant("m_other").await;

    for (method, path) in [
        ("GET", format!("/v1/webhook-endpoints/{id}")),
        ("GET", format!("/v1/webhook-endpoints/{id}/deliveries")),
        ("DELETE", format!("/v1/webhook-endpoints/{id}")),
    ] {
        let request = match method {
            "GET" => stack.http.get(stack.url(&path)),
            _ => stack.http.delete(stack.url(&path)),
        };
        let r = stack.send(request.bearer_auth(&other.api_key)).await;
        assert_eq!(r.status, 404, "{method} {path}: {}", r.body);
        assert_eq!(r.content_type, "application/problem+json");
    }
    let theirs = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/webhook-endpoints"))
                .bearer_auth(&other.api_key),
        )
        .await;
    assert_eq!(theirs.body, json!({"endpoints": []}));
    let still = stack
        .send(
            stack
                .http
                .get(stack.url(&format!("/v1/webhook-endpoints/{id}")))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(
        still.status, 200,
        "the other merchant's DELETE changed nothing"
    );
    assert!(still.body.get("secret").is_none());

    // The limit: ten endpoints, then a 409 that changes nothing.
    for n in 1..10 {
        create_endpoint(
            &stack,
            &info.api_key,
            json!({"url": format!("https://hooks.example.com/{n}")}),
        )
        .await;
    }
    let eleventh = stack
        .send(
            stack
                .http
                .post(stack.url("/v1/webhook-endpoints"))
                .bearer_auth(&info.api_key)
                .json(&json!({"url": "https://hooks.example.com/11"})),
        )
        .await;
    assert_eq!(eleventh.status, 409, "{}", eleventh.body);
    let listed = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/webhook-endpoints"))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(listed.body["endpoints"].as_array().unwrap().len(), 10);
}
