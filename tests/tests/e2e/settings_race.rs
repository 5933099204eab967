//! Saving settings touches only the settings: a webhook-secret rotation or an operator's
//! sender-domain change landing between the settings read and the save survives it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::ports::{MerchantStore, SecretBox, StoreError};
use afterclick_e2e::{Stack, generic_event, unique};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::Utc;

/// An operator's write to the merchant's sender domains, as the admin tooling does it.
async fn set_sender_domains(stack: &Stack, merchant_id: &str, domains: &[String]) {
    stack
        .devstack
        .store
        .client()
        .update_item()
        .table_name(stack.table())
        .key("PK", AttributeValue::S(format!("M#{merchant_id}")))
        .key("SK", AttributeValue::S("SETTINGS".into()))
        .update_expression("SET sender_domains = :d")
        .expression_attribute_values(
            ":d",
            AttributeValue::L(domains.iter().cloned().map(AttributeValue::S).collect()),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_between_the_settings_read_and_save_survives() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let store = &stack.devstack.store;
    let mut stale = store.merchant(&info.merchant_id).await.unwrap().unwrap();

    // In between: the merchant rotates its generic secret, an operator adds a domain.
    let r = stack
        .send(
            stack
                .http
                .post(stack.url("/v1/webhook-secrets/generic/rotate"))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rotated = r.body["secret"].as_str().unwrap().to_owned();
    let mut domains = stale.sender_domains.clone();
    domains.push("new-brand.example".into());
    set_sender_domains(&stack, &info.merchant_id, &domains).await;

    stale.brand_name = "Renamed Shop".into();
    stale.reply_to = None;
    store.save_settings(&stale).await.unwrap();

    let saved = store.merchant(&info.merchant_id).await.unwrap().unwrap();
    assert_eq!(saved.brand_name, "Renamed Shop");
    assert_eq!(
        store
            .open(&info.merchant_id, &saved.webhook_secrets["generic"][0])
            .await
            .unwrap(),
        rotated
    );
    assert_eq!(saved.sender_domains, domains);
    let r = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/settings"))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(r.body["brand_name"], "Renamed Shop", "{}", r.body);
    // The rotated secret still verifies webhooks.
    let body = generic_event(&unique("SET"), "in_transit", Utc::now(), "Departed");
    let r = stack
        .post_generic(&info.merchant_id, &rotated, &unique("m"), &body)
        .await;
    assert_eq!(r.status, 202, "{}", r.body);

    // The sender's domain removed in between: the save is refused and changes nothing.
    let mut stale = saved.clone();
    set_sender_domains(&stack, &info.merchant_id, &["new-brand.example".into()]).await;
    stale.brand_name = "Again".into();
    assert_eq!(store.save_settings(&stale).await, Err(StoreError::Conflict));
    let stored = store.merchant(&info.merchant_id).await.unwrap().unwrap();
    assert_eq!(stored.brand_name, "Renamed Shop");
    stack.devstack.stop().await;
}
