//! Rotation and listing against the in-memory store, with pinned clocks.

use crate::{App, router};
use afterclick_aws::secrets::{hash_api_key, new_api_key};
use afterclick_domain::fakes::{MemoryStore, merchant};
use afterclick_domain::ports::{ApiKey, ApiKeyStore, SendError, SenderIdentities};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Duration, TimeZone, Utc};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

pub struct NoSenders;

impl SenderIdentities for NoSenders {
    async fn is_verified(&self, _address: &str) -> Result<bool, SendError> {
        Ok(false)
    }
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap()
}

fn grace_almost_over() -> DateTime<Utc> {
    now() + Duration::hours(24) - Duration::seconds(1)
}

fn grace_over() -> DateTime<Utc> {
    now() + Duration::hours(24)
}

pub fn api(store: &MemoryStore, clock: fn() -> DateTime<Utc>) -> Router {
    let mut app = App::new(store.clone(), NoSenders, "https://track.example");
    app.clock = clock;
    router(app)
}

/// A store with merchants `m_a` and `m_b`, each with one key; returns their keys.
pub async fn two_merchants() -> (MemoryStore, String, String) {
    let store = MemoryStore::default();
    let mut keys = Vec::new();
    for id in ["m_a", "m_b"] {
        store.put_merchant(merchant(id));
        let issued = new_api_key();
        let key = ApiKey {
            key_id: issued.key_id,
            merchant_id: id.into(),
            name: Some("ci".into()),
            created_at: now() - Duration::days(30),
            expires_at: None,
            revoked_at: None,
        };
        store
            .create_api_key(&key, &hash_api_key(&issued.key))
            .await
            .unwrap();
        keys.push(issued.key);
    }
    let b = keys.pop().unwrap();
    (store, keys.pop().unwrap(), b)
}

pub async fn call(api: &Router, method: &str, uri: &str, key: &str) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {key}"))
        .body(Body::empty())
        .unwrap();
    let response = api.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn status_of(api: &Router, key: &str) -> StatusCode {
    call(api, "GET", "/v1/api-keys", key).await.0
}

#[tokio::test]
async fn a_rotated_key_works_through_its_grace_period_and_then_stops() {
    let (store, old, _) = two_merchants().await;
    let (status, body) = call(&api(&store, now), "POST", "/v1/api-keys/rotate", &old).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let new = body["api_key"].as_str().unwrap().to_owned();
    assert!(new.starts_with(&format!("ak_{}_", body["key_id"].as_str().unwrap())));
    assert_eq!(body["previous_key_expires_at"], "2026-11-19T12:00:00Z");

    for (clock, old_status) in [
        (now as fn() -> DateTime<Utc>, StatusCode::OK),
        (grace_almost_over, StatusCode::OK),
        (grace_over, StatusCode::UNAUTHORIZED),
    ] {
        let api = api(&store, clock);
        assert_eq!(status_of(&api, &old).await, old_status);
        assert_eq!(status_of(&api, &new).await, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_key_is_rotated_once_even_when_asked_twice_at_once() {
    let (store, old, _) = two_merchants().await;
    let api = api(&store, now);
    let (a, b) = tokio::join!(
        call(&api, "POST", "/v1/api-keys/rotate", &old),
        call(&api, "POST", "/v1/api-keys/rotate", &old)
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    let conflict = if a.0 == StatusCode::CONFLICT {
        a.1
    } else {
        b.1
    };
    assert_eq!(conflict["type"], "/problems/already-rotated");
    assert_eq!(store.api_keys("m_a").await.unwrap().len(), 2);
    // Later attempts with the old key are refused the same way.
    let again = call(&api, "POST", "/v1/api-keys/rotate", &old).await;
    assert_eq!(again.0, StatusCode::CONFLICT);
}

#[tokio::test]
async fn listing_shows_only_the_callers_keys_and_never_a_secret() {
    let (store, a, b) = two_merchants().await;
    let (_, rotated) = call(&api(&store, now), "POST", "/v1/api-keys/rotate", &a).await;
    let new = rotated["api_key"].as_str().unwrap();

    let (status, body) = call(&api(&store, now), "GET", "/v1/api-keys", new).await;
    assert_eq!(status, StatusCode::OK);
    let keys = body["keys"].as_array().unwrap();
    let summary: Vec<(&str, bool)> = keys
        .iter()
        .map(|k| {
            (
                k["status"].as_str().unwrap(),
                k["current"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(summary, [("expiring", false), ("active", true)]);
    assert_eq!(keys[0]["name"], "ci");
    let text = body.to_string();
    assert!(!text.contains(new) && !text.contains(&a) && !text.contains(&hash_api_key(new)));
    assert!(keys.iter().all(|k| k.get("merchant_id").is_none()));

    let (_, other) = call(&api(&store, grace_over), "GET", "/v1/api-keys", &b).await;
    assert_eq!(other["keys"].as_array().unwrap().len(), 1);
    let (_, mine) = call(&api(&store, grace_over), "GET", "/v1/api-keys", new).await;
    assert_eq!(mine["keys"][0]["status"], "expired");
}

#[tokio::test]
async fn revoked_unknown_and_missing_keys_are_refused() {
    let (store, a, _) = two_merchants().await;
    let api = api(&store, now);
    let key_id = store.api_keys("m_a").await.unwrap()[0].key_id.clone();
    assert!(store.revoke_api_key("m_a", &key_id, now()).await.unwrap());
    assert!(!store.revoke_api_key("m_a", &key_id, now()).await.unwrap());
    for key in [a.as_str(), "ak_nope_nope"] {
        let (status, body) = call(&api, "POST", "/v1/api-keys/rotate", key).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["header"], "authorization");
    }
    let request = Request::builder()
        .uri("/v1/api-keys")
        .body(Body::empty())
        .unwrap();
    let response = api.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

/// `call` with a JSON body (`null`: none).
pub async fn call_json(
    api: &Router,
    method: &str,
    uri: &str,
    key: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let body = if body.is_null() {
        Body::empty()
    } else {
        Body::from(body.to_string())
    };
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json")
        .body(body)
        .unwrap();
    let response = api.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}
