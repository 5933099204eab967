#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use afterclick_domain::fakes::{MemoryStore, RecordingSender, shipment};
use afterclick_domain::milestone::{Milestone, Moment};
use afterclick_domain::outgoing::{self, Delivery, deliveries};
use afterclick_domain::signature::{SignedHeaders, verify};
use chrono::{Duration, TimeZone};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap()
}

fn t0_plus_29s() -> DateTime<Utc> {
    t0() + Duration::seconds(29)
}

fn t0_plus_31s() -> DateTime<Utc> {
    t0() + Duration::seconds(31)
}

fn after_the_lease() -> DateTime<Utc> {
    t0() + LEASE + Duration::seconds(1)
}

async fn setup(
    responses: Vec<afterclick_domain::outgoing::Response>,
) -> (MemoryStore, RecordingSender, Delivery) {
    let store = MemoryStore::default();
    let endpoint = afterclick_domain::fakes::endpoint("m1", SECRET, t0());
    store.create_endpoint(&endpoint, 10).await.unwrap();
    let shipment = shipment("m1", "1Z1", t0());
    let delivery = deliveries(
        &shipment,
        &[Moment::once(Milestone::Delivered)],
        &[endpoint],
        100,
        t0(),
    )
    .remove(0);
    store.put_delivery(delivery.clone());
    (store, RecordingSender::answering(responses), delivery)
}

fn dispatch(
    store: &MemoryStore,
    sender: &RecordingSender,
    clock: fn() -> DateTime<Utc>,
) -> Dispatch<MemoryStore, RecordingSender> {
    Dispatch {
        store: store.clone(),
        sender: sender.clone(),
        clock,
    }
}

#[tokio::test]
async fn a_delivery_is_posted_once_signed_and_marked_delivered() {
    let (store, sender, delivery) = setup(vec![]).await;
    let d = dispatch(&store, &sender, t0);
    assert_eq!(
        d.run(&delivery.key()).await.unwrap(),
        Some(DeliveryState::Delivered)
    );
    assert_eq!(
        d.run(&delivery.key()).await.unwrap(),
        None,
        "a repeat does nothing"
    );
    let sent = sender.sent();
    assert_eq!(sent.len(), 1);
    let post = &sent[0];
    assert_eq!(post.webhook_id, delivery.webhook_id);
    assert_eq!(post.body, delivery.payload);
    let ts = post.timestamp.to_string();
    let headers = SignedHeaders {
        id: Some(&post.webhook_id),
        timestamp: Some(&ts),
        signature: Some(&post.signature),
    };
    assert_eq!(
        verify(&[SECRET.into()], headers, post.body.as_bytes(), t0()),
        Ok(())
    );
    let stored = store.delivery(&delivery.key()).await.unwrap().unwrap();
    assert_eq!(
        (stored.state, stored.attempts, stored.last_status),
        (DeliveryState::Delivered, 1, Some(200))
    );
}

fn after_the_grace() -> DateTime<Utc> {
    t0() + outgoing::SECRET_GRACE + Duration::seconds(1)
}

fn verifies(post: &OutgoingWebhook, secret: &str, now: DateTime<Utc>) -> bool {
    let ts = post.timestamp.to_string();
    let headers = SignedHeaders {
        id: Some(&post.webhook_id),
        timestamp: Some(&ts),
        signature: Some(&post.signature),
    };
    verify(&[secret.into()], headers, post.body.as_bytes(), now).is_ok()
}

#[tokio::test]
async fn after_a_rotation_both_secrets_sign_until_the_grace_period_ends() {
    let (store, sender, delivery) = setup(vec![Ok(500)]).await;
    let new = afterclick_domain::signature::secret_from_bytes(&[9u8; 24]);
    let endpoint = store.endpoint("m1", "we_1").await.unwrap().unwrap();
    let rotated = endpoint.rotated(new.clone(), t0());
    assert!(
        store
            .replace_endpoint_secret(&rotated, SECRET)
            .await
            .unwrap()
    );
    assert!(
        !store
            .replace_endpoint_secret(&rotated, SECRET)
            .await
            .unwrap(),
        "a rotation from a secret no longer current loses"
    );
    let first = dispatch(&store, &sender, t0).run(&delivery.key()).await;
    assert_eq!(first.unwrap(), Some(DeliveryState::Retrying));
    let retry = dispatch(&store, &sender, after_the_grace)
        .run(&delivery.key())
        .await;
    assert_eq!(retry.unwrap(), Some(DeliveryState::Delivered));
    let sent = sender.sent();
    let during = &sent[0];
    assert_eq!(during.signature.split(' ').count(), 2);
    assert!(verifies(during, SECRET, t0()) && verifies(during, &new, t0()));
    let after = &sent[1];
    assert_eq!(after.signature.split(' ').count(), 1);
    assert!(verifies(after, &new, after_the_grace()));
    assert!(!verifies(after, SECRET, after_the_grace()));
}

#[tokio::test]
async fn a_failed_attempt_is_retried_when_due_with_the_same_id() {
    let (store, sender, delivery) = setup(vec![Ok(500)]).await;
    let key = delivery.key();
    assert_eq!(
        dispatch(&store, &sender, t0).run(&key).await.unwrap(),
        Some(DeliveryState::Retrying)
    );
    let stored = store.delivery(&key).await.unwrap().unwrap();
    assert_eq!(stored.next_attempt_at, Some(t0() + Duration::seconds(30)));
    assert_eq!(stored.last_status, Some(500));
    assert_eq!(
        dispatch(&store, &sender, t0_plus_29s)
            .run(&key)
            .await
            .unwrap(),
        None,
        "not due yet"
    );
    assert_eq!(
        dispatch(&store, &sender, t0_plus_31s)
            .run(&key)
            .await
            .unwrap(),
        Some(DeliveryState::Delivered)
    );
    let ids: Vec<_> = sender.sent().into_iter().map(|w| w.webhook_id).collect();
    assert_eq!(ids, [delivery.webhook_id.clone(), delivery.webhook_id]);
    assert_eq!(store.delivery(&key).await.unwrap().unwrap().attempts, 2);
}

#[tokio::test]
async fn a_claim_is_won_once_and_a_crashed_claim_is_taken_over_after_its_lease() {
    let (store, sender, delivery) = setup(vec![]).await;
    let key = delivery.key();
    let seen = delivery.seen();
    assert!(
        store
            .claim_delivery(&key, seen, t0() + LEASE, t0())
            .await
            .unwrap()
    );
    assert!(
        !store
            .claim_delivery(&key, seen, t0() + LEASE, t0())
            .await
            .unwrap(),
        "the second worker with the same read loses"
    );
    // The winner "crashed" without finishing: within the lease nobody else sends.
    assert_eq!(dispatch(&store, &sender, t0).run(&key).await.unwrap(), None);
    assert!(sender.sent().is_empty());
    assert_eq!(
        dispatch(&store, &sender, after_the_lease)
            .run(&key)
            .await
            .unwrap(),
        Some(DeliveryState::Delivered)
    );
    assert_eq!(sender.sent().len(), 1);
    assert_eq!(store.delivery(&key).await.unwrap().unwrap().attempts, 2);
}

#[tokio::test]
async fn a_deleted_endpoint_gets_nothing_and_the_delivery_is_cancelled() {
    let (store, sender, delivery) = setup(vec![]).await;
    assert!(store.delete_endpoint("m1", "we_1").await.unwrap());
    assert_eq!(
        dispatch(&store, &sender, t0)
            .run(&delivery.key())
            .await
            .unwrap(),
        Some(DeliveryState::Cancelled)
    );
    assert!(sender.sent().is_empty());
}

#[tokio::test]
async fn after_the_last_attempt_the_delivery_fails_and_leaves_the_due_index() {
    let (store, sender, delivery) = setup(vec![]).await;
    store.put_delivery(Delivery {
        state: DeliveryState::Retrying,
        attempts: outgoing::MAX_ATTEMPTS - 1,
        next_attempt_at: Some(t0()),
        ..delivery.clone()
    });
    let failing = RecordingSender::answering(vec![Err("could not connect to the endpoint".into())]);
    assert_eq!(
        dispatch(&store, &failing, t0)
            .run(&delivery.key())
            .await
            .unwrap(),
        Some(DeliveryState::Failed)
    );
    let stored = store.delivery(&delivery.key()).await.unwrap().unwrap();
    assert_eq!(stored.attempts, outgoing::MAX_ATTEMPTS);
    assert_eq!(
        stored.last_error.as_deref(),
        Some("could not connect to the endpoint")
    );
    assert_eq!(outgoing::due_at(&stored), None);
    assert!(sender.sent().is_empty());
}
