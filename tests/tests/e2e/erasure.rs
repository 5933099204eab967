//! Erasure against the real table: the rating's comment goes (its stars stay, counted, and
//! a later rating's comment is never stored),
//! stored idempotent responses are found by their reference under the shipment and
//! forgotten, and an idempotency record is completed only over its own live claim and
//! never after the erasure.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::model::MilestoneReached;
use afterclick_domain::ports::{
    Claim, IdempotencyKey, IdempotencyStore, Rating, RatingStore, ShipmentResource, ShipmentStore,
    StoreError, StoredResponse,
};
use afterclick_e2e::{Stack, unique};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

const NAME: &str = "Grace Hopper";
const PHONE: &str = "+15555550123";

fn registration(tracking: &str, email: &str) -> Value {
    json!({
        "tracking_number": tracking, "carrier": "ups", "order_number": "X-1",
        "customer": {"name": NAME, "email": email, "phone": PHONE}
    })
}

/// Status, whether replayed, and the body of a registration under an idempotency key.
async fn post(stack: &Stack, api_key: &str, idem: &str, body: &Value) -> (u16, bool, String) {
    let response = stack
        .http
        .post(stack.url("/v1/shipments"))
        .bearer_auth(api_key)
        .header("idempotency-key", idem)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let replayed = response.headers().contains_key("idempotent-replayed");
    (status, replayed, response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_forgets_stored_responses_by_reference_and_the_rating_comment() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let store = &stack.devstack.store;
    let tn = unique("R");
    let mail = format!("{}@example.com", unique("erase")).to_lowercase();
    let body = registration(&tn, &mail);
    let idem = unique("idem");
    let (status, replayed, first) = post(&stack, &info.api_key, &idem, &body).await;
    assert_eq!((status, replayed), (201, false), "{first}");
    let first: Value = serde_json::from_str(&first).unwrap();
    let id = first["id"].as_str().unwrap().to_owned();
    let (sort_keys, _) = stack.partition(&info.merchant_id, &tn).await;
    assert_eq!(
        sort_keys
            .iter()
            .filter(|k| k.starts_with("IDEMREF#"))
            .count(),
        1,
        "completing wrote the reverse reference: {sort_keys:?}"
    );

    // The customer rated the delivery with a comment.
    let mut delivered = store
        .shipment(&info.merchant_id, &tn)
        .await
        .unwrap()
        .unwrap();
    delivered.milestones.insert(
        "delivered".into(),
        MilestoneReached {
            at: Utc::now(),
            notified: true,
        },
    );
    let comment = format!("Ask {NAME} next door, flat 3");
    let rating = Rating {
        stars: 2,
        comment: Some(comment.clone()),
        rated_at: Utc::now(),
    };
    store.rate(&delivered, &rating).await.unwrap();
    let counted = store.outcome_counters(&info.merchant_id).await.unwrap();

    let erased = stack
        .send(
            stack
                .http
                .delete(stack.url(&format!("/v1/shipments/{id}")))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(erased.status, 200, "{}", erased.body);
    assert_eq!(erased.body["scrubbed"]["stored_responses"], 1);
    assert_eq!(erased.body["scrubbed"]["rating_comments"], 1);
    let kept = store.rating(&info.merchant_id, &tn).await.unwrap().unwrap();
    assert_eq!((kept.stars, kept.comment), (2, None));
    assert_eq!(
        store.outcome_counters(&info.merchant_id).await.unwrap(),
        counted,
        "the stars still count"
    );
    // A post racing the erasure, from a page read before it: its stars count, its words
    // are not stored.
    let late_comment = format!("{NAME} again: leave it with the porter");
    let late = Rating {
        stars: 4,
        comment: Some(late_comment.clone()),
        rated_at: Utc::now(),
    };
    assert!(delivered.erased_at.is_none(), "read before the erasure");
    store.rate(&delivered, &late).await.unwrap();
    let kept = store.rating(&info.merchant_id, &tn).await.unwrap().unwrap();
    assert_eq!((kept.stars, kept.comment), (4, None));
    let (sort_keys, text) = stack.partition(&info.merchant_id, &tn).await;
    assert!(!sort_keys.iter().any(|k| k.starts_with("IDEMREF#")));
    for personal in [
        NAME,
        mail.as_str(),
        PHONE,
        comment.as_str(),
        late_comment.as_str(),
    ] {
        assert!(!text.contains(personal), "{personal} left in {text}");
    }

    // The key's response was forgotten: the same request runs again, on the erased
    // shipment, and repeats nothing personal.
    let (status, replayed, again) = post(&stack, &info.api_key, &idem, &body).await;
    assert_eq!((status, replayed), (200, false), "{again}");
    for personal in [NAME, mail.as_str(), PHONE] {
        assert!(!again.contains(personal), "{personal} in {again}");
    }

    let repeat = stack
        .send(
            stack
                .http
                .delete(stack.url(&format!("/v1/shipments/{id}")))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(repeat.body["scrubbed"]["rating_comments"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_is_completed_only_over_its_own_claim_and_never_after_erasure() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let store = &stack.devstack.store;
    let tn = unique("C");
    let r = stack
        .register(&info.api_key, &registration(&tn, "late@example.com"))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let shipment = ShipmentResource {
        id: r.body["id"].as_str().unwrap().to_owned(),
        tracking_number: tn.clone(),
    };
    let response = StoredResponse {
        status: 201,
        body: format!(r#"{{"customer":{{"name":"{NAME}"}}}}"#),
    };
    let key = |body: &str, key_hash: &str| IdempotencyKey {
        merchant_id: info.merchant_id.clone(),
        key_hash: key_hash.to_owned(),
        request_hash: body.to_owned(),
    };

    let first = key("body-a", &unique("k"));
    let t0 = Utc::now();
    assert_eq!(store.claim(&first, t0).await.unwrap(), Claim::Claimed);
    let other_body = key("body-b", &first.key_hash);
    let refused = store
        .complete(&other_body, &response, Some(&shipment), t0)
        .await;
    assert_eq!(refused, Err(StoreError::Conflict));
    // The lease ran out and another request took over: the late finisher stores nothing.
    let t1 = t0 + Duration::minutes(1);
    assert_eq!(store.claim(&first, t1).await.unwrap(), Claim::Claimed);
    let late = store.complete(&first, &response, Some(&shipment), t0).await;
    assert_eq!(late, Err(StoreError::Conflict));
    assert_eq!(store.claim(&first, t1).await.unwrap(), Claim::InProgress);
    store
        .complete(&first, &response, Some(&shipment), t1)
        .await
        .unwrap();
    assert_eq!(
        store.claim(&first, t1).await.unwrap(),
        Claim::Replay(response.clone())
    );
    let duplicate = store.complete(&first, &response, Some(&shipment), t1).await;
    assert_eq!(duplicate, Err(StoreError::Conflict));

    // A request that claimed before the erasure and finishes after it stores nothing and
    // gives its claim up.
    let slow = key("body-a", &unique("k"));
    assert_eq!(store.claim(&slow, t0).await.unwrap(), Claim::Claimed);
    let erased = stack
        .send(
            stack
                .http
                .delete(stack.url(&format!("/v1/shipments/{}", shipment.id)))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(erased.status, 200, "{}", erased.body);
    // The completed one above was forgotten by its reference.
    assert_eq!(erased.body["scrubbed"]["stored_responses"], 1);
    let after = store.complete(&slow, &response, Some(&shipment), t0).await;
    assert_eq!(after, Err(StoreError::Conflict));
    assert_eq!(store.claim(&slow, t0).await.unwrap(), Claim::Claimed);
    let (_, text) = stack.partition(&info.merchant_id, &tn).await;
    assert!(!text.contains("IDEMREF#"), "{text}");
}
