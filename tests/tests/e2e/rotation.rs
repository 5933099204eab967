//! Self-service rotation over HTTP: API keys (grace period, once per key) and webhook
//! secrets (the new and exactly the previous one verify).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::{Stack, generic_event, unique};
use chrono::{DateTime, Duration, Utc};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_api_key_keeps_working_through_its_grace_period_and_rotates_only_once() {
    let stack = Stack::start().await;
    let old = stack.info().api_key.clone();
    let response = stack
        .http
        .post(stack.url("/v1/api-keys/rotate"))
        .bearer_auth(&old)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let rotated: serde_json::Value = response.json().await.unwrap();
    let new = rotated["api_key"].as_str().unwrap();
    let expires: DateTime<Utc> = rotated["previous_key_expires_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let grace = expires - Utc::now();
    assert!(grace > Duration::hours(23) && grace <= Duration::hours(24));

    for key in [old.as_str(), new] {
        let r = stack
            .send(stack.http.get(stack.url("/v1/api-keys")).bearer_auth(key))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let keys = r.body["keys"].as_array().unwrap();
        let statuses: Vec<&str> = keys.iter().map(|k| k["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, ["expiring", "active"]);
        assert!(!r.body.to_string().contains(new));
    }

    let again = stack
        .send(
            stack
                .http
                .post(stack.url("/v1/api-keys/rotate"))
                .bearer_auth(&old),
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.content_type, "application/problem+json");

    // Another merchant's listing never shows these keys.
    let other = stack.another_merchant("m_rotation_other").await;
    let theirs = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/api-keys"))
                .bearer_auth(&other.api_key),
        )
        .await;
    assert_eq!(theirs.body["keys"].as_array().unwrap().len(), 1);

    // Two rotations of one key at once: exactly one succeeds.
    let rotate = || {
        stack.send(
            stack
                .http
                .post(stack.url("/v1/api-keys/rotate"))
                .bearer_auth(&other.api_key),
        )
    };
    let (a, b) = tokio::join!(rotate(), rotate());
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{} {}", a.body, b.body);
    let theirs = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/api-keys"))
                .bearer_auth(&other.api_key),
        )
        .await;
    assert_eq!(theirs.body["keys"].as_array().unwrap().len(), 2);
    stack.devstack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_two_rotations_the_new_and_the_previous_webhook_secret_verify_and_the_first_does_not()
{
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let other = stack.another_merchant("m_secrets_other").await;
    let first = info.webhook_secrets["generic"].clone();
    let mut issued = Vec::new();
    for _ in 0..2 {
        let r = stack
            .send(
                stack
                    .http
                    .post(stack.url("/v1/webhook-secrets/generic/rotate"))
                    .bearer_auth(&info.api_key),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["previous_secret_valid"], true);
        issued.push(r.body["secret"].as_str().unwrap().to_owned());
    }
    let (previous, newest) = (&issued[0], &issued[1]);
    let tracking = unique("ROT");
    let body = generic_event(&tracking, "in_transit", Utc::now(), "Departed");
    for (secret, expected) in [(newest, 202), (previous, 202), (&first, 401)] {
        let r = stack
            .post_generic(&info.merchant_id, secret, &unique("msg"), &body)
            .await;
        assert_eq!(r.status, expected, "{}", r.body);
    }
    // The other merchant's secret is untouched, and ours never verify for it.
    let theirs = &other.webhook_secrets["generic"];
    let r = stack
        .post_generic(&other.merchant_id, theirs, &unique("msg"), &body)
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    let r = stack
        .post_generic(&other.merchant_id, newest, &unique("msg"), &body)
        .await;
    assert_eq!(r.status, 401, "{}", r.body);

    let unknown = stack
        .send(
            stack
                .http
                .post(stack.url("/v1/webhook-secrets/fedex/rotate"))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.content_type, "application/problem+json");
    assert_eq!(unknown.body["field"], "provider");
    stack.devstack.stop().await;
}
