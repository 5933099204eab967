#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use afterclick_domain::fakes::{self, MemoryStore};
use afterclick_domain::invoices::generate::{UpsRow, ups_csv};
use afterclick_domain::invoices::{FindingKind, GuaranteeRule, InvoiceCarrier, read};
use afterclick_domain::model::TrackingEvent;
use afterclick_domain::ports::{EndpointStore, EventStore, InvoiceStore};
use afterclick_domain::status::Status;
use chrono::{NaiveDate, NaiveDateTime};

const M: &str = "m_1";
const LATE: &str = "1Z999AA10000000001";
const UNKNOWN: &str = "1Z999AA10000000009";

fn now() -> DateTime<Utc> {
    "2026-11-10T12:00:00Z".parse().unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn invoice(rows: &[UpsRow]) -> Invoice {
    read(ups_csv("UPS7", day("2026-11-07"), rows).as_bytes(), None).unwrap()
}

fn rows() -> Vec<UpsRow> {
    let d = day("2026-11-02");
    vec![
        UpsRow::freight(LATE, d, "Next Day Air", "24.10"),
        UpsRow::freight(UNKNOWN, d, "Ground", "9.80"),
    ]
}

async fn store() -> MemoryStore {
    let store = MemoryStore::default();
    let mut s = fakes::shipment(M, LATE, "2026-11-02T14:00:00Z".parse().unwrap());
    s.status = Status::Delivered;
    s.first_estimate = Some(day("2026-11-03"));
    store.put_shipment(s);
    let local = NaiveDateTime::parse_from_str("2026-11-04 09:40", "%Y-%m-%d %H:%M").unwrap();
    let delivered = TrackingEvent {
        occurred_at: (local + chrono::Duration::hours(5)).and_utc(),
        status: Status::Delivered,
        description: "Delivered".into(),
        location: None,
        estimated_delivery: None,
        provider: "generic".into(),
        raw_status: None,
        raw_substatus: None,
        reason: None,
        local_time: Some(local),
        time_basis: Default::default(),
        signed_by: None,
        pickup: None,
    };
    store
        .record_event(M, LATE, &delivered, now())
        .await
        .unwrap();
    store
        .create_endpoint(&fakes::endpoint(M, "whsec_x", now()), 10)
        .await
        .unwrap();
    store
}

#[tokio::test]
async fn an_import_saves_claims_unmatched_numbers_and_one_claims_ready_per_endpoint() {
    let store = store().await;
    let imported = import(&store, M, &invoice(&rows()), now()).await.unwrap();
    let Imported::Created(record) = imported else {
        panic!("created")
    };
    assert_eq!(
        (record.packages, record.matched, record.unmatched),
        (2, 1, 1)
    );
    assert_eq!(record.claims, 1);
    assert_eq!(record.claimable.to_string(), "24.10");
    assert_eq!(record.by_kind[&FindingKind::LateDelivery].count, 1);
    let claims = store.claims(&record).await.unwrap();
    assert_eq!(claims[0].tracking_number, LATE);
    assert_eq!(
        store.unmatched(&record).await.unwrap(),
        vec![UNKNOWN.to_owned()]
    );
    let deliveries = store.all_deliveries();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].event_type, "claims.ready");
    let body: serde_json::Value = serde_json::from_str(&deliveries[0].payload).unwrap();
    assert_eq!(body["data"]["invoice_id"], record.id.as_str());
    assert_eq!(body["data"]["claimable"], "24.10");
    assert_eq!(body["data"]["earliest_deadline"], "2026-11-19");

    // The same file again: unchanged, nothing new sent.
    let again = import(&store, M, &invoice(&rows()), now()).await.unwrap();
    assert!(matches!(again, Imported::Unchanged(r) if r == record));
    assert_eq!(store.all_deliveries().len(), 1);

    // Another file under the same invoice number: refused.
    let mut other = rows();
    other[1].amount = "19.80".into();
    let err = import(&store, M, &invoice(&other), now())
        .await
        .unwrap_err();
    assert!(matches!(err, ImportError::Conflict(r) if r.number == "UPS7"));
    assert_eq!(store.invoices(M).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_merchants_own_table_decides() {
    let store = store().await;
    let mut table = GuaranteeTable::defaults();
    table.rules.push(GuaranteeRule {
        carrier: InvoiceCarrier::Ups,
        services: vec!["next day air".into()],
        from: None,
        until: None,
        guaranteed: false,
        commit_time: None,
        business_days: None,
        note: "our contract waives it".into(),
    });
    store.save_guarantees(M, &table).await.unwrap();
    let Imported::Created(record) = import(&store, M, &invoice(&rows()), now()).await.unwrap()
    else {
        panic!("created")
    };
    assert_eq!(record.claims, 0);
    assert!(
        store.all_deliveries().is_empty(),
        "no claims, no claims.ready"
    );
    let due = claims_due(&store, M, day("2026-11-10"), 30).await.unwrap();
    assert!(due.is_empty());
}

#[tokio::test]
async fn claims_due_lists_open_deadlines_soonest_first() {
    let store = store().await;
    import(&store, M, &invoice(&rows()), now()).await.unwrap();
    let due = claims_due(&store, M, day("2026-11-10"), 14).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].deadline, day("2026-11-19"));
    assert!(
        claims_due(&store, M, day("2026-11-20"), 14)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        claims_due(&store, M, day("2026-11-01"), 5)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        claims_due(&store, "m_2", day("2026-11-10"), 14)
            .await
            .unwrap()
            .is_empty()
    );
}
