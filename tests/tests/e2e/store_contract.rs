//! The store contract: the same checks of the ports (`afterclick_domain::ports`) run against
//! the in-memory fake the unit tests use and against the DynamoDB store on DynamoDB Local,
//! so a unit test that passes on the fake means what it would on the table. Each behaviour
//! is one generic body, instantiated once per store by `contract!`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::Status;
use afterclick_domain::fakes::MemoryStore;
use afterclick_domain::listing::ShipmentQuery;
use afterclick_domain::milestone::{Milestone, Moment};
use afterclick_domain::model::{
    Channel, NOTIFICATION_CLAIM_LEASE, Notification, NotificationState, Shipment, TrackingEvent,
};
use afterclick_domain::outgoing::{DeliveryState, LEASE, Seen, deliveries};
use afterclick_domain::ports::{
    DeliveryStore, Due, DueStore, EmailEventStore, EventStore, FetchStore, InvoiceSaved,
    InvoiceStore, NotificationKey, NotificationResend, NotificationStatsStore, NotificationStore,
    OrderStore, Outcome, Registration, Session, SessionStore, ShipmentAdmin, ShipmentList,
    ShipmentStore, StoreError, SuppressionList,
};
use afterclick_e2e::unique;
use chrono::{DateTime, Duration, DurationRound, Utc};
use futures::future::join_all;

/// What every store under contract is.
trait Store:
    ShipmentStore
    + EventStore
    + NotificationStore
    + ShipmentList
    + DueStore
    + DeliveryStore
    + OrderStore
    + FetchStore
    + InvoiceStore
    + ShipmentAdmin
    + SessionStore
    + EmailEventStore
    + SuppressionList
    + NotificationStatsStore
    + NotificationResend
{
}
impl<S> Store for S where
    S: ShipmentStore
        + EventStore
        + NotificationStore
        + ShipmentList
        + DueStore
        + DeliveryStore
        + OrderStore
        + FetchStore
        + InvoiceStore
        + ShipmentAdmin
        + SessionStore
        + EmailEventStore
        + SuppressionList
        + NotificationStatsStore
        + NotificationResend
{
}

/// Millisecond precision: what the table keeps.
fn now() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::milliseconds(1))
        .unwrap()
}

/// The fakes' shipment with a tracking page token of its own: the table keeps tokens
/// unique across shipments (the fake does not check; real tokens are 128 random bits).
fn shipment(merchant_id: &str, tracking_number: &str, at: DateTime<Utc>) -> Shipment {
    Shipment {
        token: unique("token").to_lowercase(),
        ..afterclick_domain::fakes::shipment(merchant_id, tracking_number, at)
    }
}

fn intent(s: &Shipment, milestone: Milestone, channel: Channel) -> Notification {
    afterclick_domain::fakes::notification(s, milestone, channel)
}

fn scan(at: DateTime<Utc>, description: &str) -> TrackingEvent {
    TrackingEvent {
        description: description.into(),
        ..TrackingEvent::new(at, Status::InTransit, "generic")
    }
}

/// A merchant of its own per check, so the checks never see each other's data.
fn merchant() -> String {
    unique("m_contract_").to_lowercase()
}

async fn registering_twice_keeps_the_first(store: impl Store) {
    let m = merchant();
    let first = shipment(&m, "1ZREG", now());
    assert!(matches!(
        store.register(&first).await.unwrap(),
        Registration::Created(_)
    ));
    let again = Shipment {
        id: "shp_other".into(),
        ..first.clone()
    };
    match store.register(&again).await.unwrap() {
        Registration::Existing(kept) => assert_eq!(kept.id, first.id),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        store.shipment(&m, "1ZREG").await.unwrap().unwrap().id,
        first.id
    );
    assert_eq!(
        store
            .shipment_by_id(&m, &first.id)
            .await
            .unwrap()
            .unwrap()
            .tracking_number,
        "1ZREG"
    );
}

async fn a_commit_expects_the_version_it_read(store: impl Store) {
    let m = merchant();
    let registered = shipment(&m, "1ZVER", now());
    store.register(&registered).await.unwrap();
    let moved = Shipment {
        status: Status::InTransit,
        ..registered.clone()
    };
    store
        .commit(registered.version, &moved, &[], &[], None)
        .await
        .unwrap();
    let stored = store.shipment(&m, "1ZVER").await.unwrap().unwrap();
    assert_eq!(stored.version, registered.version + 1);
    assert_eq!(stored.status, Status::InTransit);
    // A writer that read the old version loses.
    assert_eq!(
        store
            .commit(registered.version, &moved, &[], &[], None)
            .await,
        Err(StoreError::Conflict)
    );
    // Of concurrent writers that read the same version, exactly one wins.
    let results =
        join_all((0..8).map(|_| store.commit(stored.version, &stored, &[], &[], None))).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .all(|r| r.is_ok() || *r == Err(StoreError::Conflict))
    );
}

async fn a_notification_is_claimed_exactly_once(store: impl Store) {
    let m = merchant();
    let s = shipment(&m, "1ZCLM", now());
    store.register(&s).await.unwrap();
    let email = intent(&s, Milestone::InTransit, Channel::Email);
    store
        .commit(s.version, &s, std::slice::from_ref(&email), &[], None)
        .await
        .unwrap();
    let key = NotificationKey::from(&email);
    let claims =
        join_all((0..10).map(|_| store.claim(&key, NotificationState::Pending, now()))).await;
    assert_eq!(
        claims.iter().filter(|c| *c.as_ref().unwrap()).count(),
        1,
        "{claims:?}"
    );
    store
        .finish(
            &key,
            &Outcome::Sent {
                provider_message_id: "msg-1".into(),
                segments: None,
                note: None,
            },
            now(),
        )
        .await
        .unwrap();
    assert!(
        !store
            .claim(&key, NotificationState::Pending, now())
            .await
            .unwrap()
    );
    // The same intent committed again (a replayed evaluation) leaves the sent one alone.
    let again = store.shipment(&m, "1ZCLM").await.unwrap().unwrap();
    store
        .commit(again.version, &again, &[email], &[], None)
        .await
        .unwrap();
    let notifications = store.notifications(&m, "1ZCLM").await.unwrap();
    assert_eq!(notifications.len(), 1, "{notifications:?}");
    assert_eq!(notifications[0].state, NotificationState::Sent);
    assert_eq!(
        notifications[0].provider_message_id.as_deref(),
        Some("msg-1")
    );
}

/// The sweeper's wake-up of an expired claim: not while the lease lasts, once after it (a
/// repeated sweep wakes nothing), one takeover of many, and the takeover's new lease can be
/// woken again when it runs out (a takeover clears the wake).
async fn an_expired_claim_is_woken_once_and_taken_over_once(store: impl Store) {
    let m = merchant();
    let s = shipment(&m, "1ZWAKE", now());
    store.register(&s).await.unwrap();
    let email = intent(&s, Milestone::InTransit, Channel::Email);
    store
        .commit(s.version, &s, std::slice::from_ref(&email), &[], None)
        .await
        .unwrap();
    let key = NotificationKey::from(&email);
    let claimed_at = now();
    assert!(
        store
            .claim(&key, NotificationState::Pending, claimed_at)
            .await
            .unwrap()
    );
    let live = claimed_at + Duration::minutes(1);
    assert!(
        !store.wake_notification(&key, live).await.unwrap(),
        "a live lease"
    );

    // Whole seconds past the lease: the table's due index keeps seconds.
    let after = claimed_at + NOTIFICATION_CLAIM_LEASE + Duration::seconds(2);
    let due = store.due(after).await.unwrap();
    assert!(
        due.iter()
            .any(|d| matches!(d, Due::Notification(k) if *k == key)),
        "{due:?}"
    );
    assert!(store.wake_notification(&key, after).await.unwrap());
    assert!(
        !store.wake_notification(&key, after).await.unwrap(),
        "a repeated sweep wakes nothing"
    );
    let takeovers = join_all((0..5).map(|_| store.take_over(&key, claimed_at, after))).await;
    assert_eq!(
        takeovers.iter().filter(|t| *t.as_ref().unwrap()).count(),
        1,
        "{takeovers:?}"
    );
    let again = after + NOTIFICATION_CLAIM_LEASE + Duration::seconds(2);
    assert!(
        store.wake_notification(&key, again).await.unwrap(),
        "the takeover's lease ran out too"
    );
}

/// The same for an outgoing webhook delivery the stream never handed over: woken once after
/// its grace, claimed once of many, and its claim clears the wake, so an expired lease is
/// woken again.
async fn a_due_delivery_is_woken_once_and_claimed_once(store: impl Store) {
    let m = merchant();
    let created = now();
    let s = shipment(&m, "1ZDLV", created);
    store.register(&s).await.unwrap();
    let endpoint =
        afterclick_domain::fakes::endpoint(&m, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", created);
    let made = deliveries(
        &s,
        &[Moment::once(Milestone::Delivered)],
        &[endpoint],
        100,
        created,
    );
    assert_eq!(made.len(), 1);
    store.commit(s.version, &s, &[], &made, None).await.unwrap();
    let key = made[0].key();
    assert!(
        !store
            .wake_delivery(&key, created + Duration::seconds(30))
            .await
            .unwrap(),
        "the stream has it for now"
    );
    // Whole seconds past the grace: the table's due index keeps seconds.
    let after = created + LEASE + Duration::seconds(2);
    assert!(store.wake_delivery(&key, after).await.unwrap());
    assert!(
        !store.wake_delivery(&key, after).await.unwrap(),
        "woken once"
    );
    let seen = Seen {
        state: DeliveryState::Pending,
        attempts: 0,
    };
    let claims =
        join_all((0..5).map(|_| store.claim_delivery(&key, seen, after + LEASE, after))).await;
    assert_eq!(
        claims.iter().filter(|c| *c.as_ref().unwrap()).count(),
        1,
        "{claims:?}"
    );
    let stored = store.delivery(&key).await.unwrap().unwrap();
    assert_eq!(stored.state, DeliveryState::Sending);
    let expired = after + LEASE + Duration::seconds(2);
    assert!(
        store.wake_delivery(&key, expired).await.unwrap(),
        "the claim's lease ran out"
    );
}

async fn an_event_is_recorded_once(store: impl Store) {
    let m = merchant();
    let start = now() - Duration::hours(3);
    let events: Vec<_> = (0..3)
        .map(|i| scan(start + Duration::minutes(i), &format!("scan {i}")))
        .collect();
    let first = store
        .record_events(&m, "1ZEVT", &events[..2], now())
        .await
        .unwrap();
    assert_eq!(first.stored, 2);
    assert_eq!(first.duplicates(), 0);
    let second = store
        .record_events(&m, "1ZEVT", &events, now())
        .await
        .unwrap();
    assert_eq!(second.stored, 1);
    assert_eq!(second.duplicates(), 2);
    assert!(
        !store
            .record_event(&m, "1ZEVT", &events[0], now())
            .await
            .unwrap()
    );
    let timeline = store.timeline(&m, "1ZEVT").await.unwrap();
    let descriptions: Vec<_> = timeline.iter().map(|e| e.description.as_str()).collect();
    assert_eq!(descriptions, ["scan 0", "scan 1", "scan 2"]);
}

async fn timeline_pages_go_back_from_the_newest(store: impl Store) {
    let m = merchant();
    let start = now() - Duration::hours(3);
    let events: Vec<_> = (0..7)
        .map(|i| scan(start + Duration::minutes(i), &format!("scan {i}")))
        .collect();
    store
        .record_events(&m, "1ZPGE", &events, now())
        .await
        .unwrap();
    let mut pages = Vec::new();
    let mut before = None;
    loop {
        let page = store
            .timeline_page(&m, "1ZPGE", before.as_ref(), 3)
            .await
            .unwrap();
        pages.push(
            page.events
                .iter()
                .map(|e| e.description.clone())
                .collect::<Vec<_>>(),
        );
        match page.earlier {
            Some(position) => before = Some(position),
            None => break,
        }
    }
    assert_eq!(
        pages,
        [
            vec!["scan 4", "scan 5", "scan 6"],
            vec!["scan 1", "scan 2", "scan 3"],
            vec!["scan 0"],
        ]
    );
}

async fn shipments_list_newest_first_page_by_page(store: impl Store) {
    let m = merchant();
    let start = now() - Duration::hours(1);
    for i in 0..5 {
        let s = shipment(&m, &format!("1ZLST{i}"), start + Duration::minutes(i));
        store.register(&s).await.unwrap();
    }
    // Another merchant's shipment is never listed.
    store
        .register(&shipment(&merchant(), "1ZLST9", now()))
        .await
        .unwrap();
    let query = ShipmentQuery::default();
    let mut listed = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_shipments(&m, &query, after.as_ref(), 2)
            .await
            .unwrap();
        listed.extend(page.shipments.into_iter().map(|s| s.tracking_number));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(listed, ["1ZLST4", "1ZLST3", "1ZLST2", "1ZLST1", "1ZLST0"]);
}

async fn merchants_see_only_their_own(store: impl Store) {
    let (a, b) = (merchant(), merchant());
    let s = shipment(&a, "1ZTEN", now());
    store.register(&s).await.unwrap();
    store
        .record_events(&a, "1ZTEN", &[scan(now(), "scan")], now())
        .await
        .unwrap();
    assert_eq!(store.shipment(&b, "1ZTEN").await.unwrap(), None);
    assert_eq!(store.shipment_by_id(&b, &s.id).await.unwrap(), None);
    assert!(store.timeline(&b, "1ZTEN").await.unwrap().is_empty());
    assert!(store.notifications(&b, "1ZTEN").await.unwrap().is_empty());
    // The same tracking number is another merchant's own shipment.
    assert!(matches!(
        store.register(&shipment(&b, "1ZTEN", now())).await.unwrap(),
        Registration::Created(_)
    ));
}

async fn an_order_saves_on_the_version_it_read(store: impl Store) {
    use afterclick_domain::orders::Order;
    let m = merchant();
    let at = now();
    let order = Order {
        merchant_id: m.clone(),
        order_number: "1042".into(),
        platform: "shopify".into(),
        order_id: "77".into(),
        parts: Vec::new(),
        cancelled_at: None,
        rating_asked_by: None,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    let saves = join_all((0..4).map(|_| store.save_order(&order))).await;
    assert_eq!(saves.iter().filter(|r| r.is_ok()).count(), 1, "{saves:?}");
    assert!(matches!(
        store.save_order(&order).await,
        Err(StoreError::Conflict)
    ));
    let next = Order {
        version: 2,
        ..order.clone()
    };
    store.save_order(&next).await.unwrap();
    assert_eq!(
        store.order(&m, "shopify", "1042").await.unwrap(),
        Some(next.clone())
    );
    // The order's one rating request: claimed by one parcel (again by it on a retry),
    // never by another; the claim moves the version, so an older save conflicts.
    let claims = join_all(
        ["TN-A", "TN-B", "TN-A", "TN-B"]
            .map(|tn| store.claim_rating_request(&m, "shopify", "1042", tn)),
    )
    .await;
    let won: Vec<bool> = claims.into_iter().map(Result::unwrap).collect();
    assert!(
        won == [true, false, true, false] || won == [false, true, false, true],
        "{won:?}"
    );
    let stale = Order {
        version: 3,
        ..next.clone()
    };
    assert!(matches!(
        store.save_order(&stale).await,
        Err(StoreError::Conflict)
    ));
    assert!(
        store
            .claim_rating_request(&m, "shopify", "9999", "TN-A")
            .await
            .unwrap(),
        "no order: ask"
    );
    assert_eq!(store.order(&m, "woocommerce", "1042").await.unwrap(), None);
    assert_eq!(
        store
            .order("someone-else", "shopify", "1042")
            .await
            .unwrap(),
        None
    );
    assert!(!store.delivery_handled(&m, "shopify", "ev-1").await.unwrap());
    store
        .mark_delivery_handled(&m, "shopify", "ev-1", at)
        .await
        .unwrap();
    assert!(store.delivery_handled(&m, "shopify", "ev-1").await.unwrap());
    assert!(
        !store
            .delivery_handled(&m, "woocommerce", "ev-1")
            .await
            .unwrap()
    );
}

async fn a_store_fetch_is_queued_once_claimed_once_and_woken_for_its_retry(store: impl Store) {
    use afterclick_domain::platforms::bigcommerce::ShipmentRef;
    use afterclick_domain::platforms::fetch::{FetchFinish, FetchJob, FetchSeen, FetchState};
    let m = merchant();
    let created = now();
    let job = FetchJob::new(
        &m,
        ShipmentRef {
            store_hash: "abc123".into(),
            order_id: "512".into(),
            shipment_id: "31".into(),
            created_at: created,
        },
        created,
    );
    let key = job.key();
    let queued = join_all((0..3).map(|_| store.queue_fetch(&job))).await;
    assert_eq!(queued.iter().filter(|q| *q.as_ref().unwrap()).count(), 1);
    let seen = FetchSeen {
        state: FetchState::Pending,
        attempts: 0,
    };
    let claims =
        join_all((0..5).map(|_| store.claim_fetch(&key, seen, created + LEASE, created))).await;
    assert_eq!(claims.iter().filter(|c| *c.as_ref().unwrap()).count(), 1);
    let claimed = FetchSeen {
        state: FetchState::Fetching,
        attempts: 1,
    };
    let retry_at = created + Duration::seconds(30);
    let finish = FetchFinish::Retry {
        at: retry_at,
        error: "HTTP 503".into(),
    };
    assert!(
        store
            .finish_fetch(&key, claimed, &finish, created)
            .await
            .unwrap()
    );
    assert!(
        !store
            .finish_fetch(&key, claimed, &finish, created)
            .await
            .unwrap()
    );
    let stored = store.fetch_job(&key).await.unwrap().unwrap();
    assert_eq!((stored.state, stored.attempts), (FetchState::Retrying, 1));
    assert!(
        !store.wake_fetch(&key, created).await.unwrap(),
        "not due yet"
    );
    // Whole seconds past the retry: the due index keeps seconds.
    let due_at = retry_at + Duration::seconds(2);
    let due = store.due(due_at).await.unwrap();
    assert!(due.contains(&Due::Fetch(key.clone())), "{due:?}");
    assert!(store.wake_fetch(&key, due_at).await.unwrap());
    assert!(!store.wake_fetch(&key, due_at).await.unwrap(), "woken once");
    let retried = FetchSeen {
        state: FetchState::Retrying,
        attempts: 1,
    };
    assert!(
        store
            .claim_fetch(&key, retried, due_at + LEASE, due_at)
            .await
            .unwrap()
    );
    let done = FetchSeen {
        state: FetchState::Fetching,
        attempts: 2,
    };
    assert!(
        store
            .finish_fetch(&key, done, &FetchFinish::Done, due_at)
            .await
            .unwrap()
    );
    let later = store.due(due_at + Duration::days(1)).await.unwrap();
    assert!(
        !later.contains(&Due::Fetch(key.clone())),
        "done: out of the due index"
    );
    // A later webhook about the shipment (an update) queues it again, once.
    let again = FetchJob::new(&m, job.reference.clone(), due_at);
    assert!(store.queue_fetch(&again).await.unwrap());
    assert!(!store.queue_fetch(&again).await.unwrap());
    let requeued = store.fetch_job(&key).await.unwrap().unwrap();
    assert_eq!(
        (requeued.state, requeued.attempts),
        (FetchState::Pending, 0)
    );
}

/// An invoice with a duplicate charge on a known parcel and `unknown` numbers nobody
/// registered, audited as of `today`, under `merchant_id`.
fn audited(
    merchant_id: &str,
    number: &str,
    known: &Shipment,
    unknown: usize,
    amount: &str,
) -> (
    afterclick_domain::invoices::InvoiceRecord,
    afterclick_domain::invoices::Audit,
) {
    use afterclick_domain::invoices::generate::{UpsRow, ups_csv};
    use afterclick_domain::invoices::{self, GuaranteeTable, Matched};
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let mut rows = vec![
        UpsRow::freight(&known.tracking_number, day, "Ground", amount),
        UpsRow::freight(&known.tracking_number, day, "Ground", amount),
    ];
    rows.extend(
        (0..unknown).map(|i| UpsRow::freight(&format!("1ZUNKNOWN{i:09}"), day, "Ground", "1.00")),
    );
    let invoice = invoices::read(ups_csv(number, day, &rows).as_bytes(), None).unwrap();
    let id = invoice.id(merchant_id);
    let matched = std::collections::HashMap::from([(
        known.tracking_number.clone(),
        Matched {
            shipment: known.clone(),
            timeline: vec![],
        },
    )]);
    let at = day.and_hms_opt(12, 0, 0).unwrap().and_utc();
    let audit = invoices::audit(&invoice, &id, &matched, &GuaranteeTable::defaults(), at);
    (
        invoices::InvoiceRecord::new(merchant_id, &invoice, &audit, at),
        audit,
    )
}

async fn an_invoice_import_is_saved_once_and_its_claims_read_by_deadline(store: impl Store) {
    let (m, other) = (merchant(), merchant());
    let known = shipment(&m, &unique("1ZKNOWN"), now());
    store.register(&known).await.unwrap();
    let theirs = shipment(&other, &unique("1ZTHEIRS"), now());
    store.register(&theirs).await.unwrap();
    let asked = vec![
        known.tracking_number.clone(),
        theirs.tracking_number.clone(),
        "1ZNOBODY".into(),
    ];
    let found = store.shipments_by_tracking(&m, &asked).await.unwrap();
    assert_eq!(
        found
            .iter()
            .map(|s| s.tracking_number.clone())
            .collect::<Vec<_>>(),
        vec![known.tracking_number.clone()]
    );

    // 2,500 unknown numbers: more than one item's worth on the table.
    let (record, audit) = audited(&m, "INV-1", &known, 2_500, "9.80");
    assert_eq!(audit.findings.len(), 1);
    let saved = store
        .save_invoice(&record, &audit.findings, &audit.unmatched, &[])
        .await
        .unwrap();
    assert_eq!(saved, InvoiceSaved::Created);
    assert_eq!(
        store.invoice(&m, &record.id).await.unwrap(),
        Some(record.clone())
    );
    assert_eq!(store.invoice(&other, &record.id).await.unwrap(), None);
    assert_eq!(store.claims(&record).await.unwrap(), audit.findings);
    assert_eq!(store.unmatched(&record).await.unwrap(), audit.unmatched);

    // Another file racing under the same number: the first one stays, whole.
    let (rival, rival_audit) = audited(&m, "INV-1", &known, 3, "19.80");
    assert_eq!(rival.id, record.id);
    let again = store
        .save_invoice(&rival, &rival_audit.findings, &rival_audit.unmatched, &[])
        .await
        .unwrap();
    assert_eq!(again, InvoiceSaved::Existing(Box::new(record.clone())));
    assert_eq!(store.claims(&record).await.unwrap(), audit.findings);
    assert_eq!(store.unmatched(&record).await.unwrap().len(), 2_500);
    assert_eq!(store.invoices(&m).await.unwrap(), vec![record.clone()]);

    let deadline = audit.findings[0].deadline;
    let due = store.claims_due(&m, deadline, deadline).await.unwrap();
    assert_eq!(due, audit.findings, "the rival's claims are not listed");
    assert!(
        store
            .claims_due(
                &m,
                deadline.succ_opt().unwrap(),
                deadline + Duration::days(30)
            )
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .claims_due(&other, deadline, deadline)
            .await
            .unwrap()
            .is_empty()
    );

    let table = afterclick_domain::invoices::GuaranteeTable { rules: vec![] };
    assert_eq!(store.guarantees(&m).await.unwrap(), None);
    store.save_guarantees(&m, &table).await.unwrap();
    assert_eq!(store.guarantees(&m).await.unwrap(), Some(table));
    assert_eq!(store.guarantees(&other).await.unwrap(), None);
}

async fn a_session_is_created_once_read_and_ended(store: impl Store) {
    let hash = unique("session_hash_");
    let session = Session {
        merchant_id: merchant(),
        key_hash: unique("key_hash_"),
        signed_in_as: "ops desk".into(),
        csrf: unique("csrf_"),
        created_at: now(),
        expires_at: now() + Duration::hours(12),
    };
    store.create_session(&hash, &session).await.unwrap();
    assert_eq!(store.session(&hash).await.unwrap(), Some(session.clone()));
    assert_eq!(
        store.create_session(&hash, &session).await,
        Err(StoreError::Conflict)
    );
    store.end_session(&hash).await.unwrap();
    assert_eq!(store.session(&hash).await.unwrap(), None);
    // Ending it again is no error.
    store.end_session(&hash).await.unwrap();
}

async fn the_watchlist_holds_every_reason_and_attention_only_delays(store: impl Store) {
    let m = merchant();
    let states = [
        ("1ZWLTRANSIT", Status::InTransit, false),
        ("1ZWLEXCEPT", Status::Exception, false),
        ("1ZWLPICKUP", Status::AvailableForPickup, false),
        ("1ZWLDELAY", Status::InTransit, true),
    ];
    for (i, (tn, status, delayed)) in states.into_iter().enumerate() {
        let s = shipment(&m, tn, now() - Duration::minutes(10 - i as i64));
        store.register(&s).await.unwrap();
        let mut next = s.clone();
        next.status = status;
        next.status_at = Some(now());
        next.last_scan_at = Some(now());
        if delayed {
            next.milestones.insert(
                Moment::of(Milestone::Delayed, "overdue-2031-01-01").key(),
                afterclick_domain::model::MilestoneReached {
                    at: now(),
                    notified: true,
                },
            );
        }
        store.save_edit(s.version, &next).await.unwrap();
    }
    let listed = |q: ShipmentQuery| {
        let store = &store;
        let m = m.clone();
        async move {
            let page = store.list_shipments(&m, &q, None, 10).await.unwrap();
            page.shipments
                .into_iter()
                .map(|s| s.tracking_number)
                .collect::<Vec<_>>()
        }
    };
    let watch = ShipmentQuery {
        watch: Some(true),
        ..Default::default()
    };
    assert_eq!(
        listed(watch.clone()).await,
        ["1ZWLDELAY", "1ZWLPICKUP", "1ZWLEXCEPT"]
    );
    let pickups = ShipmentQuery {
        reason: Some(afterclick_domain::attention::Reason::AtPickup),
        ..watch
    };
    assert_eq!(listed(pickups).await, ["1ZWLPICKUP"]);
    let attention = ShipmentQuery {
        attention: Some(true),
        ..Default::default()
    };
    assert_eq!(listed(attention).await, ["1ZWLDELAY"]);
}

/// What customers received is counted once per outcome and per first SES event, whatever
/// repeats; an event's suppression goes with it, and a repeat after a lift changes nothing;
/// a failed notification is put back once.
async fn notifications_are_counted_once_and_ses_events_suppress_once(store: impl Store) {
    use afterclick_domain::email_events::{
        EmailEvent, EmailEventKind, Suppression, SuppressionReason,
    };
    use afterclick_domain::notification_stats::summarise;
    let m = merchant();
    let s = shipment(&m, "1ZSES", now());
    store.register(&s).await.unwrap();
    let email = intent(&s, Milestone::InTransit, Channel::Email);
    let sms = intent(&s, Milestone::InTransit, Channel::Sms);
    store
        .commit(s.version, &s, &[email.clone(), sms.clone()], &[], None)
        .await
        .unwrap();
    let (key, sms_key) = (NotificationKey::from(&email), NotificationKey::from(&sms));
    let at = now();
    assert!(
        store
            .claim(&key, NotificationState::Pending, at)
            .await
            .unwrap()
    );
    let sent = Outcome::Sent {
        provider_message_id: "msg-1".into(),
        segments: None,
        note: None,
    };
    for _ in 0..3 {
        store.finish(&key, &sent, at).await.unwrap();
    }
    assert!(
        store
            .claim(&sms_key, NotificationState::Pending, at)
            .await
            .unwrap()
    );
    let failed = Outcome::Failed {
        error: "SNS was unavailable".into(),
    };
    store.finish(&sms_key, &failed, at).await.unwrap();
    let bounce = EmailEvent {
        kind: EmailEventKind::Bounced,
        message_id: "msg-1".into(),
        sent_at: at,
        at,
        notification: Some(key.clone()),
        suppresses: true,
        detail: Some("Permanent (General)".into()),
        recipients: vec!["Ada@Example.com".into()],
    };
    let suppressions = Suppression::from_event(&bounce);
    assert!(
        store
            .record_email_event(&key, &bounce, &suppressions)
            .await
            .unwrap()
    );
    assert_eq!(
        store.suppressed(&m, "ada@example.com").await.unwrap(),
        Some(SuppressionReason::Bounced)
    );
    let hash = afterclick_domain::listing::email_hash("ada@example.com");
    assert!(store.lift_suppression(&m, &hash).await.unwrap());
    assert!(!store.lift_suppression(&m, &hash).await.unwrap());
    // SNS delivers the bounce again: nothing recorded, the lift stands.
    assert!(
        !store
            .record_email_event(&key, &bounce, &suppressions)
            .await
            .unwrap()
    );
    assert_eq!(store.suppressed(&m, "ada@example.com").await.unwrap(), None);
    let day = at.date_naive();
    let totals = summarise(&store.notification_stats(&m, day, day).await.unwrap()).total;
    assert_eq!((totals.sent, totals.failed, totals.bounced), (1, 1, 1));
    let stored = store.notifications(&m, "1ZSES").await.unwrap();
    let stored_email = stored.iter().find(|n| n.channel == Channel::Email).unwrap();
    assert_eq!(stored_email.email.bounced_at, Some(at));
    // The failed SMS put back once; the sent email never.
    assert!(store.reopen(&sms_key, at).await.unwrap());
    assert!(!store.reopen(&sms_key, at).await.unwrap());
    assert!(!store.reopen(&key, at).await.unwrap());
    let reopened = store.notifications(&m, "1ZSES").await.unwrap();
    let reopened = reopened.iter().find(|n| n.channel == Channel::Sms).unwrap();
    assert_eq!(reopened.state, NotificationState::Pending);
    assert!(
        store
            .claim(&sms_key, NotificationState::Pending, at)
            .await
            .unwrap()
    );
}

/// Each behaviour as two tests: `memory::<name>` on the fake, `dynamodb::<name>` on a fresh
/// table of DynamoDB Local.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::MemoryStore::default()).await;
                }
            )*
        }
        mod dynamodb {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(afterclick_e2e::fresh_store().await).await;
                }
            )*
        }
    };
}

contract!(
    registering_twice_keeps_the_first,
    a_commit_expects_the_version_it_read,
    a_notification_is_claimed_exactly_once,
    an_expired_claim_is_woken_once_and_taken_over_once,
    a_due_delivery_is_woken_once_and_claimed_once,
    an_event_is_recorded_once,
    timeline_pages_go_back_from_the_newest,
    shipments_list_newest_first_page_by_page,
    merchants_see_only_their_own,
    an_order_saves_on_the_version_it_read,
    a_store_fetch_is_queued_once_claimed_once_and_woken_for_its_retry,
    an_invoice_import_is_saved_once_and_its_claims_read_by_deadline,
    a_session_is_created_once_read_and_ended,
    the_watchlist_holds_every_reason_and_attention_only_delays,
    notifications_are_counted_once_and_ses_events_suppress_once,
);

/// Concurrent reads share BatchGetItem requests (a stream batch's records read at once) and
/// each still gets exactly its own items: the DynamoDB adapter only, counted at its client.
#[tokio::test]
async fn concurrent_reads_share_requests_and_each_gets_its_own() {
    use afterclick_domain::ports::SnapshotReads;
    let plain = afterclick_e2e::fresh_store().await;
    let meter = afterclick_devstack::capacity::Meter::default();
    let client = aws_sdk_dynamodb::Client::from_conf(
        plain
            .client()
            .config()
            .to_builder()
            .interceptor(meter.clone())
            .build(),
    );
    let store = afterclick_aws::DynamoStore::new(client, plain.table());
    let m = merchant();
    let numbers: Vec<String> = (0..40).map(|i| format!("1ZSHARE{i:02}")).collect();
    for number in &numbers {
        store.register(&shipment(&m, number, now())).await.unwrap();
    }
    let before = meter.requests().get("BatchGetItem").copied().unwrap_or(0);
    // Every registered one, and as many that do not exist, all at once.
    let wanted: Vec<String> = numbers
        .iter()
        .cloned()
        .chain((0..40).map(|i| format!("1ZNONE{i:02}")))
        .collect();
    let snapshots = join_all(wanted.iter().map(|n| store.snapshot(&m, n))).await;
    for (number, snapshot) in wanted.iter().zip(snapshots) {
        let shipment = snapshot.unwrap().shipment;
        if number.starts_with("1ZSHARE") {
            assert_eq!(shipment.unwrap().tracking_number, *number);
        } else {
            assert!(shipment.is_none(), "{number}");
        }
    }
    let requests = meter.requests().get("BatchGetItem").copied().unwrap_or(0) - before;
    // 80 reads of three keys each (the merchant's two shared): 82 distinct keys, at most
    // 100 per request; one request alone if nothing else was out.
    assert!(
        (1..=4).contains(&requests),
        "{requests} BatchGetItem requests"
    );

    // Another merchant's reads share those requests and never see the first one's items.
    let other = merchant();
    let theirs: Vec<String> = (0..10).map(|i| format!("1ZTHEIRS{i:02}")).collect();
    for number in &theirs {
        store
            .register(&shipment(&other, number, now()))
            .await
            .unwrap();
    }
    let everything: Vec<String> = numbers.iter().chain(&theirs).cloned().collect();
    let reads = join_all((0..6).map(|i| {
        let who = if i % 2 == 0 { &m } else { &other };
        store.shipments_by_tracking(who, &everything)
    }))
    .await;
    for (i, read) in reads.into_iter().enumerate() {
        let (who, count) = if i % 2 == 0 { (&m, 40) } else { (&other, 10) };
        let found = read.unwrap();
        assert_eq!(found.len(), count, "read {i}");
        assert!(found.iter().all(|s| &s.merchant_id == who), "read {i}");
    }
}
