//! The stream handler's contract: one evaluation per shipment, shipments independent, the
//! lowest failure reported.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::fakes::{MemoryStore, merchant, shipment};
use afterclick_domain::ports::{EventStore, ShipmentStore};
use afterclick_domain::{Status, TrackingEvent};
use afterclick_milestones::Milestones;
use aws_lambda_events::event::dynamodb::Event;
use chrono::{Duration, Utc};
use serde_json::{Value, json};

fn record(sequence: &str, image: Value) -> Value {
    json!({
        "eventID": format!("id-{sequence}"),
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": 1_795_000_000.0,
            "Keys": {"PK": {"S": "x"}, "SK": {"S": "y"}},
            "NewImage": image,
            "SequenceNumber": sequence,
            "SizeBytes": 100,
            "StreamViewType": "NEW_AND_OLD_IMAGES"
        }
    })
}

fn event_image(tn: &str) -> Value {
    json!({"type": {"S": "event"}, "merchant_id": {"S": "m1"}, "tracking_number": {"S": tn}})
}

fn scan(status: Status, hours_ago: i64) -> TrackingEvent {
    TrackingEvent {
        description: format!("{status}"),
        ..TrackingEvent::new(Utc::now() - Duration::hours(hours_ago), status, "generic")
    }
}

async fn store_with(tns: &[&str]) -> MemoryStore {
    let store = MemoryStore::default();
    store.put_merchant(merchant("m1"));
    for tn in tns {
        store.put_shipment(shipment("m1", tn, Utc::now() - Duration::days(1)));
        store
            .record_event("m1", tn, &scan(Status::InTransit, 2), Utc::now())
            .await
            .unwrap();
    }
    store
}

#[tokio::test]
async fn a_bad_record_is_reported_and_holds_up_no_other_shipment() {
    let store = store_with(&["TN01", "TN03"]).await;
    let handler = Milestones::new(store.clone());
    let event: Event = serde_json::from_value(json!({"Records": [
        record("100", event_image("TN01")),
        record("200", json!({"type": {"S": "event"}, "tracking_number": {"S": "TN02"}})),
        record("300", event_image("TN03")),
    ]}))
    .unwrap();
    let response = handler.handle(event).await.unwrap();
    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect();
    assert_eq!(failed, vec![Some("200".to_owned())]);
    let first = store.shipment("m1", "TN01").await.unwrap().unwrap();
    assert_eq!(
        first.status,
        Status::InTransit,
        "records before the failure are done"
    );
    let third = store.shipment("m1", "TN03").await.unwrap().unwrap();
    assert_eq!(
        third.status,
        Status::InTransit,
        "another shipment's record after the failure is not held up (its retry changes nothing)"
    );
}

#[tokio::test]
async fn redelivered_records_create_each_intent_once() {
    let store = store_with(&["TN01"]).await;
    let handler = Milestones::new(store.clone());
    for _ in 0..3 {
        let event: Event =
            serde_json::from_value(json!({"Records": [record("1", event_image("TN01"))]})).unwrap();
        assert!(
            handler
                .handle(event)
                .await
                .unwrap()
                .batch_item_failures
                .is_empty()
        );
    }
    let intents = store.all_notifications();
    assert_eq!(
        intents.len(),
        2,
        "one in_transit intent per channel: {intents:?}"
    );
    let shipment = store.shipment("m1", "TN01").await.unwrap().unwrap();
    assert_eq!(
        shipment.version, 2,
        "only the first delivery changed the shipment"
    );
}

#[tokio::test]
async fn an_unregistered_tracking_number_is_not_a_failure() {
    let store = MemoryStore::default();
    store.put_merchant(merchant("m1"));
    let handler = Milestones::new(store.clone());
    let event: Event =
        serde_json::from_value(json!({"Records": [record("1", event_image("NOPE"))]})).unwrap();
    assert!(
        handler
            .handle(event)
            .await
            .unwrap()
            .batch_item_failures
            .is_empty()
    );
    assert!(store.all_notifications().is_empty());
}

#[tokio::test]
async fn a_record_without_sequence_number_fails_the_whole_batch() {
    let handler = Milestones::new(MemoryStore::default());
    let mut bad = record("1", event_image("TN01"));
    bad["dynamodb"]
        .as_object_mut()
        .unwrap()
        .remove("SequenceNumber");
    let event: Event = serde_json::from_value(json!({"Records": [bad]})).unwrap();
    assert!(handler.handle(event).await.is_err());
}
