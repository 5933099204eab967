//! Erasure against the in-memory store: the rating's comment goes (its stars stay), and
//! an idempotency record is only completed over its own live claim, never after erasure.

use crate::v1::api_keys::tests::{api, now, two_merchants};
use afterclick_domain::fakes::MemoryStore;
use afterclick_domain::model::MilestoneReached;
use afterclick_domain::ports::{
    Claim, IdempotencyKey, IdempotencyStore, Rating, RatingStore, ShipmentResource, ShipmentStore,
    StoreError, StoredResponse,
};
use axum::Router;
use axum::body::Body;
use axum::http::Request;
use chrono::Duration;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const TN: &str = "1Z999AA10123456784";

async fn send(api: &Router, method: &str, uri: &str, key: &str, idem: Option<&str>) -> Value {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {key}"));
    let body = if method == "POST" {
        request = request.header("content-type", "application/json");
        let json = json!({
            "tracking_number": TN, "carrier": "ups", "order_number": "1001",
            "customer": {"name": "Ada Lovelace", "email": "ada@example.com"}
        });
        Body::from(json.to_string())
    } else {
        Body::empty()
    };
    if let Some(idem) = idem {
        request = request.header("idempotency-key", idem);
    }
    let response = api
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let raw = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&raw).unwrap()
}

fn idempotency_key(body: &str) -> IdempotencyKey {
    IdempotencyKey {
        merchant_id: "m_a".into(),
        key_hash: "k".into(),
        request_hash: body.into(),
    }
}

fn response() -> StoredResponse {
    StoredResponse {
        status: 201,
        body: r#"{"customer":{"name":"Ada Lovelace"}}"#.into(),
    }
}

fn resource(id: &str) -> ShipmentResource {
    ShipmentResource {
        id: id.into(),
        tracking_number: TN.into(),
    }
}

#[tokio::test]
async fn erasure_removes_the_rating_comment_and_keeps_its_stars() {
    let (store, a, _) = two_merchants().await;
    let api = api(&store, now);
    let id = send(&api, "POST", "/v1/shipments", &a, None).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut delivered = store.shipment("m_a", TN).await.unwrap().unwrap();
    delivered.milestones.insert(
        "delivered".into(),
        MilestoneReached {
            at: now(),
            notified: true,
        },
    );
    let rating = Rating {
        stars: 4,
        comment: Some("Left with Ada's neighbour at no. 12".into()),
        rated_at: now(),
    };
    store.rate(&delivered, &rating).await.unwrap();
    let counters = store.rating_counters("m_a");

    let erased = send(&api, "DELETE", &format!("/v1/shipments/{id}"), &a, None).await;
    assert_eq!(erased["scrubbed"]["rating_comments"], 1);
    assert!(
        erased["erased"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e.as_str().unwrap().starts_with("rating.comment"))
    );
    let kept = store.rating("m_a", TN).await.unwrap().unwrap();
    assert_eq!((kept.stars, kept.comment), (4, None));
    assert_eq!(store.rating_counters("m_a"), counters, "still counted");

    let again = send(&api, "DELETE", &format!("/v1/shipments/{id}"), &a, None).await;
    assert_eq!(again["scrubbed"]["rating_comments"], 0);
}

#[tokio::test]
async fn only_the_live_claim_with_the_same_body_is_completed() {
    let store = MemoryStore::default();
    let registered = afterclick_domain::fakes::shipment("m_a", TN, now());
    store.register(&registered).await.unwrap();
    let shipment = resource(&registered.id);
    let key = idempotency_key("body-a");
    assert_eq!(store.claim(&key, now()).await.unwrap(), Claim::Claimed);

    // Another body under the key completes nothing.
    let other = idempotency_key("body-b");
    let refused = store
        .complete(&other, &response(), Some(&shipment), now())
        .await;
    assert_eq!(refused, Err(StoreError::Conflict));

    // The lease ran out and another request took the key over: the late finisher of the
    // first claim stores nothing; the one holding the key does.
    let later = now() + Duration::minutes(1);
    assert_eq!(store.claim(&key, later).await.unwrap(), Claim::Claimed);
    let late = store
        .complete(&key, &response(), Some(&shipment), now())
        .await;
    assert_eq!(late, Err(StoreError::Conflict));
    assert_eq!(store.claim(&key, later).await.unwrap(), Claim::InProgress);
    store
        .complete(&key, &response(), Some(&shipment), later)
        .await
        .unwrap();
    let replay = store.claim(&key, later).await.unwrap();
    assert_eq!(replay, Claim::Replay(response()));

    // Completed once: a duplicate completion does not overwrite it.
    let duplicate = store
        .complete(&key, &response(), Some(&shipment), later)
        .await;
    assert_eq!(duplicate, Err(StoreError::Conflict));
}

#[tokio::test]
async fn a_request_finishing_after_the_erasure_stores_no_personal_data() {
    let (store, a, _) = two_merchants().await;
    let api = api(&store, now);
    let id = send(&api, "POST", "/v1/shipments", &a, None).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A request claimed a key and registered; the erasure ran before it completed.
    let key = idempotency_key("body-a");
    assert_eq!(store.claim(&key, now()).await.unwrap(), Claim::Claimed);
    send(&api, "DELETE", &format!("/v1/shipments/{id}"), &a, None).await;
    let late = store
        .complete(&key, &response(), Some(&resource(&id)), now())
        .await;
    assert_eq!(late, Err(StoreError::Conflict));
    assert_eq!(store.idempotency_records("m_a"), 0, "the claim is given up");
    assert_eq!(store.claim(&key, now()).await.unwrap(), Claim::Claimed);
}

#[tokio::test]
async fn a_replay_after_the_erasure_repeats_no_personal_data() {
    let (store, a, _) = two_merchants().await;
    let api = api(&store, now);
    let first = send(&api, "POST", "/v1/shipments", &a, Some("k1")).await;
    assert_eq!(first["customer"]["name"], "Ada Lovelace");
    let id = first["id"].as_str().unwrap();
    let erased = send(&api, "DELETE", &format!("/v1/shipments/{id}"), &a, None).await;
    assert_eq!(erased["scrubbed"]["stored_responses"], 1);
    let replay = send(&api, "POST", "/v1/shipments", &a, Some("k1")).await;
    assert_eq!(replay["id"], first["id"]);
    let text = replay.to_string();
    assert!(
        !text.contains("Ada") && !text.contains("ada@example.com"),
        "{text}"
    );
}
