#![allow(clippy::unwrap_used)]

use super::*;
use afterclick_domain::fakes::{MemoryStore, merchant};
use afterclick_domain::model::Integration;
use afterclick_domain::platforms::bigcommerce::ShipmentRef;
use afterclick_domain::platforms::fetch::FetchJob;
use afterclick_domain::ports::IntegrationStore;
use chrono::{Duration, TimeZone};
use serde_json::json;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap()
}

struct Ids(AtomicUsize);

impl NewIds for Ids {
    fn shipment_id(&self) -> String {
        format!("shp_{}", self.0.fetch_add(1, Ordering::SeqCst))
    }
    fn token(&self) -> String {
        format!("{:032x}", self.0.fetch_add(1, Ordering::SeqCst))
    }
}

/// A store API that answers from a script, and records what it was asked.
#[derive(Default)]
struct Script {
    failures: Mutex<Vec<ApiFailure>>,
    asked: Mutex<Vec<(String, String)>>,
}

impl StoreApi for Script {
    async fn get(&self, url: &str, token: &str) -> Result<Vec<u8>, ApiFailure> {
        self.asked.lock().unwrap().push((url.into(), token.into()));
        if let Some(failure) = self.failures.lock().unwrap().pop() {
            return Err(failure);
        }
        let body = if url.contains("/products") {
            json!([{"id": 7, "product_id": 70, "name": "Desk lamp", "sku": "DL-1", "quantity": 1}])
        } else {
            json!({"id": 31, "order_id": 512, "tracking_number": "1Z999AA10123456784",
                   "tracking_carrier": "ups", "items": [{"order_product_id": 7, "quantity": 1}],
                   "shipping_address": {"first_name": "Lin", "last_name": "Chen",
                                        "email": "lin@customer.example", "country_iso2": "US",
                                        "state": "Texas"}})
        };
        Ok(serde_json::to_vec(&body).unwrap())
    }
}

async fn setup() -> (MemoryStore, FetchKey) {
    let store = MemoryStore::default();
    store.put_merchant(merchant("m1"));
    let token = store.seal("m1", "bc-token").await.unwrap();
    store
        .save_integration(
            "m1",
            "bigcommerce",
            Some(&Integration {
                shop: "abc123".into(),
                connected_at: t0(),
                updated_at: t0(),
                api_token: Some(token),
            }),
        )
        .await
        .unwrap();
    let job = FetchJob::new(
        "m1",
        ShipmentRef {
            store_hash: "abc123".into(),
            order_id: "512".into(),
            shipment_id: "31".into(),
            created_at: t0(),
        },
        t0(),
    );
    assert!(store.queue_fetch(&job).await.unwrap());
    assert!(!store.queue_fetch(&job).await.unwrap(), "queued once");
    (store, job.key())
}

fn fetcher(
    store: &MemoryStore,
    api: Script,
    clock: fn() -> DateTime<Utc>,
) -> StoreFetch<MemoryStore, Script, Ids> {
    StoreFetch {
        store: store.clone(),
        api,
        base_url: "https://api.bigcommerce.example/".into(),
        ids: Ids(AtomicUsize::new(0)),
        clock,
    }
}

#[tokio::test]
async fn a_fetched_shipment_registers_its_parcel_with_the_merchants_token() {
    let (store, key) = setup().await;
    let f = fetcher(&store, Script::default(), t0);
    assert_eq!(f.run(&key).await.unwrap(), Some(FetchState::Done));
    let asked = f.api.asked.lock().unwrap().clone();
    assert_eq!(
        asked,
        [
            (
                "https://api.bigcommerce.example/stores/abc123/v2/orders/512/shipments/31"
                    .to_owned(),
                "bc-token".to_owned()
            ),
            (
                "https://api.bigcommerce.example/stores/abc123/v2/orders/512/products?limit=250"
                    .to_owned(),
                "bc-token".to_owned()
            )
        ]
    );
    let s = store
        .shipment("m1", "1Z999AA10123456784")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.order_number.as_str(), s.carrier.as_str()),
        ("512", "ups")
    );
    assert_eq!(s.customer.timezone, "America/Chicago");
    assert_eq!(s.parcel.unwrap().items[0].title, "Desk lamp");
    assert_eq!(f.run(&key).await.unwrap(), None, "done is done");
}

#[tokio::test]
async fn a_failing_api_is_retried_on_schedule_and_a_4xx_fails_for_good() {
    let (store, key) = setup().await;
    let api = Script::default();
    api.failures.lock().unwrap().push(ApiFailure {
        status: Some(503),
        error: "busy".into(),
    });
    let f = fetcher(&store, api, t0);
    assert_eq!(f.run(&key).await.unwrap(), Some(FetchState::Retrying));
    let job = store.fetch_job(&key).await.unwrap().unwrap();
    assert_eq!(job.next_attempt_at, Some(t0() + Duration::seconds(30)));
    assert_eq!(job.last_error.as_deref(), Some("HTTP 503: busy"));
    assert_eq!(f.run(&key).await.unwrap(), None, "not yet");
    // The sweeper finds it due and wakes it; dispatch resumes it as of the wake-up.
    let later = t0() + Duration::seconds(31);
    assert!(store.wake_fetch(&key, later).await.unwrap());
    assert!(!store.wake_fetch(&key, later).await.unwrap(), "woken once");
    assert_eq!(f.resume(&key, later).await.unwrap(), Some(FetchState::Done));

    let (store, key) = setup().await;
    let api = Script::default();
    api.failures.lock().unwrap().push(ApiFailure {
        status: Some(404),
        error: "no such shipment".into(),
    });
    let f = fetcher(&store, api, t0);
    assert_eq!(f.run(&key).await.unwrap(), Some(FetchState::Failed));
}

#[tokio::test]
async fn a_store_no_longer_connected_is_not_fetched() {
    let (store, key) = setup().await;
    store
        .save_integration("m1", "bigcommerce", None)
        .await
        .unwrap();
    let f = fetcher(&store, Script::default(), t0);
    assert_eq!(f.run(&key).await.unwrap(), Some(FetchState::Failed));
    assert!(f.api.asked.lock().unwrap().is_empty());
}
