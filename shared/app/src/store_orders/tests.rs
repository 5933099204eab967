#![allow(clippy::unwrap_used)]

use super::*;
use afterclick_domain::fakes::{MemoryStore, merchant, shipment};
use afterclick_domain::model::LineItem;
use afterclick_domain::platforms::carriers::CarrierGuess;
use afterclick_domain::platforms::{Completeness, Platform, StoreCustomer};
use chrono::{Duration, TimeZone};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counter(AtomicUsize);

impl NewIds for Counter {
    fn shipment_id(&self) -> String {
        format!("shp_{}", self.0.fetch_add(1, Ordering::SeqCst))
    }
    fn token(&self) -> String {
        format!("{:032x}", self.0.fetch_add(1, Ordering::SeqCst))
    }
}

fn ids() -> Counter {
    Counter(AtomicUsize::new(0))
}

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn parcel(id: &str, tn: &str, cancelled: bool) -> StoreParcel {
    StoreParcel {
        parcel_id: id.into(),
        name: Some(format!("#1042.{id}")),
        tracking_number: Some(tn.into()),
        carrier: CarrierGuess {
            slug: "ups".into(),
            name: None,
        },
        items: vec![LineItem {
            title: "Linen shirt".into(),
            quantity: 2,
            sku: Some("LS-2".into()),
            product_id: None,
            image_url: None,
        }],
        cancelled,
    }
}

fn fulfilment(parcels: Vec<StoreParcel>) -> OrderUpdate {
    let ids = parcels.iter().map(|p| p.parcel_id.clone()).collect();
    OrderUpdate {
        platform: Platform::Shopify,
        order_id: "7777".into(),
        order_number: "1042".into(),
        customer: StoreCustomer {
            name: Some("Grace Hopper".into()),
            email: Some("grace@customer.example".into()),
            phone: Some("555-555-SHIP".into()),
            locale: Some("fr".into()),
        },
        destination_country: Some("US".into()),
        destination_region: Some("VA".into()),
        destination_postal_code: Some("22201".into()),
        parcels,
        complete: Completeness::Parts(ids),
        cancelled: false,
        as_of: None,
    }
}

fn store() -> MemoryStore {
    let store = MemoryStore::default();
    store.put_merchant(merchant("m1"));
    store
}

#[tokio::test]
async fn a_fulfilment_registers_its_parcel_once_however_often_it_comes() {
    let store = store();
    let ids = ids();
    let update = fulfilment(vec![parcel("1", "1Z001", false)]);
    let first = ingest(&store, &ids, "m1", &update, t(0), t(1))
        .await
        .unwrap();
    assert_eq!((first.registered, first.waiting_for_tracking), (1, 0));
    for _ in 0..4 {
        let again = ingest(&store, &ids, "m1", &update, t(0), t(2))
            .await
            .unwrap();
        assert_eq!(again.registered, 0);
    }
    let s = store.shipment("m1", "1Z001").await.unwrap().unwrap();
    assert_eq!(s.order_number, "1042");
    assert_eq!(s.carrier, "ups");
    assert_eq!(s.customer.name, "Grace Hopper");
    assert_eq!(
        s.customer.email.as_ref().map(|e| e.as_str()),
        Some("grace@customer.example")
    );
    assert_eq!(s.customer.phone, None, "not E.164: left out");
    assert_eq!(s.customer.timezone, "America/New_York");
    // The postal code's routing region, for the lane; never the code itself.
    assert_eq!(s.destination_region.as_deref(), Some("US-222"));
    assert_eq!(s.customer.locale.as_ref().map(|l| l.as_str()), Some("fr"));
    let p = s.parcel.unwrap();
    assert_eq!(
        (
            p.platform.as_str(),
            p.order_id.as_str(),
            p.parcel_id.as_str()
        ),
        ("shopify", "7777", "1")
    );
    assert_eq!(p.items[0].title, "Linen shirt");
    assert_eq!(store.all_orders().len(), 1);
    assert_eq!(store.all_orders()[0].version, 1, "duplicates saved nothing");
}

#[tokio::test]
async fn a_cancellation_wins_over_an_older_delivery_arriving_after_it() {
    let store = store();
    let ids = ids();
    ingest(
        &store,
        &ids,
        "m1",
        &fulfilment(vec![parcel("1", "1Z001", false)]),
        t(0),
        t(0),
    )
    .await
    .unwrap();
    let cancelled = fulfilment(vec![parcel("1", "1Z001", true)]);
    let done = ingest(&store, &ids, "m1", &cancelled, t(10), t(11))
        .await
        .unwrap();
    assert_eq!(done.cancelled, 1);
    // The create, retried by the platform after the cancellation.
    let late = fulfilment(vec![parcel("1", "1Z001", false)]);
    let done = ingest(&store, &ids, "m1", &late, t(0), t(12))
        .await
        .unwrap();
    assert_eq!(done.stale, 1);
    let s = store.shipment("m1", "1Z001").await.unwrap().unwrap();
    assert!(s.cancelled_by_store());
    assert_eq!(s.parcel.unwrap().cancelled_at, Some(t(10)));
}

#[tokio::test]
async fn a_number_of_another_order_stays_with_it_and_an_api_registration_of_this_order_is_joined() {
    let store = store();
    let ids = ids();
    let mut other = shipment("m1", "1Z001", t(0));
    other.order_number = "999".into();
    store.put_shipment(other.clone());
    let mut same = shipment("m1", "1Z002", t(0));
    same.order_number = "1042".into();
    store.put_shipment(same);
    let update = fulfilment(vec![
        parcel("1", "1Z001", false),
        parcel("2", "1Z002", false),
    ]);
    let done = ingest(&store, &ids, "m1", &update, t(1), t(1))
        .await
        .unwrap();
    assert_eq!(done.conflicts, ["1Z001"]);
    assert_eq!(done.registered, 0);
    assert_eq!(store.shipment("m1", "1Z001").await.unwrap().unwrap(), other);
    let joined = store.shipment("m1", "1Z002").await.unwrap().unwrap();
    assert_eq!(joined.parcel.unwrap().parcel_id, "2");
    // Cancelling the order never touches the other order's parcel.
    let mut cancel = fulfilment(Vec::new());
    cancel.cancelled = true;
    let done = ingest(&store, &ids, "m1", &cancel, t(2), t(2))
        .await
        .unwrap();
    assert_eq!(done.cancelled, 1);
    assert_eq!(store.shipment("m1", "1Z001").await.unwrap().unwrap(), other);
}

#[tokio::test]
async fn items_changed_by_a_newer_update_follow_and_a_waiting_part_is_counted() {
    let store = store();
    let ids = ids();
    ingest(
        &store,
        &ids,
        "m1",
        &fulfilment(vec![parcel("1", "1Z001", false)]),
        t(0),
        t(0),
    )
    .await
    .unwrap();
    let mut more = parcel("1", "1Z001", false);
    more.items[0].quantity = 3;
    let done = ingest(&store, &ids, "m1", &fulfilment(vec![more]), t(5), t(5))
        .await
        .unwrap();
    assert_eq!(done.updated, 1);
    let s = store.shipment("m1", "1Z001").await.unwrap().unwrap();
    assert_eq!(s.parcel.unwrap().items[0].quantity, 3);
    let mut waiting = parcel("3", "", false);
    waiting.tracking_number = None;
    let done = ingest(&store, &ids, "m1", &fulfilment(vec![waiting]), t(6), t(6))
        .await
        .unwrap();
    assert_eq!((done.registered, done.waiting_for_tracking), (0, 1));
}
