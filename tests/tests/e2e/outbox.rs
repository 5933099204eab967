//! The devstack's outbox: an email opened alone is served sandboxed, so its HTML (merchant
//! templates, carrier text) cannot run on the API's origin.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::{Stack, unique};
use chrono::{Duration, Utc};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_opened_alone_is_sandboxed() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let tracking = unique("1ZOB");
    let created = stack
        .register(
            &info.api_key,
            &json!({
                "tracking_number": tracking, "carrier": "ups", "order_number": "OB-1",
                "customer": {"name": "Ada", "email": format!("{}@customer.example", unique("o"))}
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    stack
        .scan(&tracking, "in_transit", Utc::now() - Duration::hours(1))
        .await;
    stack
        .wait_for_outbox("the email", |o| !o.emails.is_empty())
        .await;

    let response = reqwest::get(stack.url("/_dev/outbox/email/0"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(
        header("content-security-policy").as_deref(),
        Some("sandbox")
    );
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert!(response.text().await.unwrap().contains("<html"));
}
