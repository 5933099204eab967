//! Property: whatever order a provider's history arrives in, however often each scan is
//! repeated and however it is split into deliveries, the stored timeline is the same.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::TrackingEvent;
use afterclick_domain::fakes::MemoryStore;
use afterclick_domain::ports::EventStore;
use afterclick_domain::providers::{self, Provider};
use chrono::Utc;
use futures::executor::block_on;
use proptest::prelude::*;
use serde_json::Value;

/// Where each provider keeps the history in its payload.
const HISTORY_AT: &[(Provider, &[&str])] = &[
    (Provider::EasyPost, &["/result/tracking_details"]),
    (
        Provider::Shippo,
        &["/data/tracking_history", "/tracking_history"],
    ),
    (Provider::AfterShip, &["/msg/checkpoints"]),
    (
        Provider::SeventeenTrack,
        &["/data/track_info/tracking/providers/0/events"],
    ),
];

fn fixture(provider: Provider) -> Value {
    let path = format!(
        "{}/../../tests/fixtures/providers/{}/history.json",
        env!("CARGO_MANIFEST_DIR"),
        provider.as_str()
    );
    serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

fn history_pointer(provider: Provider, doc: &Value) -> &'static str {
    let (_, pointers) = HISTORY_AT.iter().find(|(p, _)| *p == provider).unwrap();
    pointers
        .iter()
        .find(|ptr| doc.pointer(ptr).is_some_and(Value::is_array))
        .unwrap_or_else(|| panic!("{provider:?}: no history array"))
}

/// The same payload carrying `scans` (raw history entries) in the given order, parsed.
fn delivery(
    provider: Provider,
    doc: &Value,
    pointer: &str,
    scans: Vec<Value>,
) -> Vec<TrackingEvent> {
    let mut doc = doc.clone();
    *doc.pointer_mut(pointer).unwrap() = Value::Array(scans);
    let body = serde_json::to_vec(&doc).unwrap();
    providers::parse(provider, &body).unwrap().events
}

fn stored(deliveries: &[Vec<TrackingEvent>]) -> Vec<TrackingEvent> {
    let store = MemoryStore::default();
    block_on(async {
        for delivery in deliveries {
            let recorded = store
                .record_events("m1", "TN", delivery, Utc::now())
                .await
                .unwrap();
            assert_eq!(recorded.stored + recorded.duplicates(), delivery.len());
        }
        store.timeline("m1", "TN").await.unwrap()
    })
}

/// Every index at least once, some repeated, in any order, cut into deliveries.
fn arrivals(n: usize) -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    let all: Vec<usize> = (0..n).collect();
    (prop::collection::vec(0..n, 0..2 * n), Just(all)).prop_flat_map(|(extra, all)| {
        let order: Vec<usize> = all.into_iter().chain(extra).collect();
        let len = order.len();
        (
            Just(order).prop_shuffle(),
            prop::collection::vec(1..=len, 1..4),
        )
    })
}

fn check(provider: Provider) {
    let doc = fixture(provider);
    let pointer = history_pointer(provider, &doc);
    let scans: Vec<Value> = doc.pointer(pointer).unwrap().as_array().unwrap().clone();
    assert!(
        scans.len() >= 5,
        "{provider:?}: the history is too short to be interesting"
    );
    let expected = stored(&[delivery(provider, &doc, pointer, scans.clone())]);
    assert!(
        expected.len() >= scans.len(),
        "{provider:?}: every scan is stored"
    );
    let config = ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    };
    proptest!(config, |((order, cuts) in arrivals(scans.len()))| {
        let mut deliveries = Vec::new();
        let mut rest = order.as_slice();
        for cut in cuts {
            let (head, tail) = rest.split_at(cut.min(rest.len()));
            deliveries.push(head);
            rest = tail;
        }
        deliveries.push(rest);
        let parsed: Vec<Vec<TrackingEvent>> = deliveries
            .into_iter()
            // An empty history is not a delivery any provider sends for a tracked parcel.
            .filter(|d| !d.is_empty())
            .map(|d| delivery(provider, &doc, pointer, d.iter().map(|&i| scans[i].clone()).collect()))
            .collect();
        prop_assert_eq!(stored(&parsed), expected.clone());
    });
}

#[test]
fn easypost_history_is_order_and_duplicate_proof() {
    check(Provider::EasyPost);
}

#[test]
fn shippo_history_is_order_and_duplicate_proof() {
    check(Provider::Shippo);
}

#[test]
fn aftership_history_is_order_and_duplicate_proof() {
    check(Provider::AfterShip);
}

#[test]
fn seventeen_track_history_is_order_and_duplicate_proof() {
    check(Provider::SeventeenTrack);
}

/// `value` with every RFC 3339 time in it moved `minutes` back.
fn earlier(value: &Value, minutes: i64) -> Value {
    match value {
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => Value::String((t - chrono::Duration::minutes(minutes)).to_rfc3339()),
            Err(_) => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(|v| earlier(v, minutes)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), earlier(v, minutes)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Every provider that sends histories has the afterclick format's cap per delivery: of a
/// longer history, the newest scans are kept and the rest counted as dropped.
#[test]
fn every_provider_keeps_the_newest_scans_of_an_overlong_delivery() {
    use afterclick_domain::providers::generic::MAX_EVENTS;
    for (provider, _) in HISTORY_AT {
        let doc = fixture(*provider);
        let pointer = history_pointer(*provider, &doc);
        let scans = doc.pointer(pointer).unwrap().as_array().unwrap().clone();
        // Copies of the history, each a week further back: distinct scans, many of them.
        let copies = (MAX_EVENTS + 100).div_ceil(scans.len());
        let long: Vec<Value> = (0..copies as i64)
            .flat_map(|k| scans.iter().map(move |s| earlier(s, k * 7 * 24 * 60)))
            .collect();
        let whole = delivery(*provider, &doc, pointer, scans.clone());
        let mut body = doc.clone();
        *body.pointer_mut(pointer).unwrap() = Value::Array(long);
        let parsed = providers::parse(*provider, &serde_json::to_vec(&body).unwrap()).unwrap();
        assert_eq!(parsed.events.len(), MAX_EVENTS, "{provider:?}");
        assert!(parsed.dropped >= 100, "{provider:?}: {}", parsed.dropped);
        let newest = |events: &[TrackingEvent]| events.iter().map(|e| e.occurred_at).max();
        assert_eq!(newest(&parsed.events), newest(&whole), "{provider:?}");
        let oldest_kept = parsed.events.iter().map(|e| e.occurred_at).min().unwrap();
        assert!(
            parsed.events.len() + parsed.dropped > MAX_EVENTS
                && oldest_kept
                    > newest(&whole).unwrap() - chrono::Duration::days(7 * copies as i64),
            "{provider:?}: the oldest are the ones dropped"
        );
    }
}
