//! The dashboard through the Router on the in-memory store: sign-in and its refusals,
//! sessions ending (sign-out, expiry, a revoked key), forms refused without the session's
//! token or from another site, the watchlist and its filters, "handled", the CSV, search,
//! a shipment's page, tenants, and escaping.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::pages::harness::{self, MERCHANT, Page, attribute_values, call, now};
use afterclick_aws::secrets::hash_api_key;
use afterclick_domain::analytics::{OutcomeCounters, TRANSIT_BUCKETS, Totals};
use afterclick_domain::fakes::{self, MemoryStore};
use afterclick_domain::model::{Channel, MilestoneReached, NotificationState};
use afterclick_domain::ports::{
    ApiKey, ApiKeyStore, MerchantStore, Rating, RatingStore, SESSION_LIFETIME, SendError,
    SenderIdentities, Session, SessionStore, ShipmentStore,
};
use afterclick_domain::{Milestone, Shipment, Status};
use chrono::Duration;
use http_body_util::BodyExt;
use tower::ServiceExt;

const KEY: &str = "ak_live_dashboard_test_key";
const OTHER: &str = "m_other";

fn api_key(merchant_id: &str, key_id: &str) -> ApiKey {
    ApiKey {
        key_id: key_id.into(),
        merchant_id: merchant_id.into(),
        name: Some("ops desk".into()),
        created_at: now() - Duration::days(30),
        expires_at: None,
        revoked_at: None,
    }
}

async fn store() -> MemoryStore {
    let store = MemoryStore::default();
    store.put_merchant(harness::merchant());
    store.put_merchant(fakes::merchant(OTHER));
    store
        .create_api_key(&api_key(MERCHANT, "key_1"), &hash_api_key(KEY))
        .await
        .unwrap();
    store
}

fn cookie_value(page: &Page, name: &str) -> Option<String> {
    page.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
}

/// The value of the first hidden `csrf` field.
fn csrf(page: &Page) -> String {
    let at = page
        .body
        .find("name=\"csrf\" value=\"")
        .expect("a form token");
    let rest = &page.body[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// A signed-in browser: its cookie header and the session's form token.
struct Browser {
    cookie: String,
    csrf: String,
}

async fn sign_in(store: &MemoryStore, key: &str) -> Page {
    let form = call(store, "GET", "/app/sign-in", &[], "").await;
    assert_eq!(form.status, 200, "{}", form.body);
    let pre = cookie_value(&form, "__Host-afterclick_sign_in").expect("a form cookie");
    let cookie = format!("__Host-afterclick_sign_in={pre}");
    let body = format!("csrf={}&api_key={key}", csrf(&form));
    call(
        store,
        "POST",
        "/app/sign-in",
        &[("cookie", &cookie), ("sec-fetch-site", "same-origin")],
        &body,
    )
    .await
}

async fn browser(store: &MemoryStore) -> Browser {
    let signed = sign_in(store, KEY).await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    assert_eq!(signed.header("location"), "/app");
    let token = cookie_value(&signed, "__Host-afterclick_session").unwrap();
    let cookie = format!("__Host-afterclick_session={token}");
    let home = call(store, "GET", "/app", &[("cookie", &cookie)], "").await;
    assert_eq!(home.status, 200, "{}", home.body);
    Browser {
        cookie,
        csrf: csrf(&home),
    }
}

impl Browser {
    async fn get(&self, store: &MemoryStore, uri: &str) -> Page {
        call(store, "GET", uri, &[("cookie", &self.cookie)], "").await
    }

    async fn post(&self, store: &MemoryStore, uri: &str, body: &str) -> Page {
        call(
            store,
            "POST",
            uri,
            &[("cookie", &self.cookie), ("sec-fetch-site", "same-origin")],
            body,
        )
        .await
    }
}

fn reached(s: &mut Shipment, key: &str, hours_ago: i64, notified: bool) {
    s.milestones.insert(
        key.into(),
        MilestoneReached {
            at: now() - Duration::hours(hours_ago),
            notified,
        },
    );
}

/// One shipment per state: what is on the watchlist and what is not.
fn shipments() -> Vec<Shipment> {
    let make = |tn: &str, status: Status, in_status_hours: i64| {
        let mut s = fakes::shipment(MERCHANT, tn, now() - Duration::days(6));
        s.status = status;
        s.status_at = Some(now() - Duration::hours(in_status_hours));
        s.last_scan_at = s.status_at;
        s
    };
    let mut delayed = make("1ZDELAYED0001", Status::InTransit, 30);
    delayed.promised_delivery_date = Some((now() - Duration::days(1)).date_naive());
    reached(&mut delayed, "in_transit", 100, true);
    reached(&mut delayed, "delayed#overdue-2026-03-09", 12, true);
    let mut exception = make("1ZEXCEPTION01", Status::Exception, 5);
    exception.carrier = "dhl".into();
    exception.order_number = "<script>alert(1)</script>".into();
    vec![
        delayed,
        exception,
        make("1ZATTEMPT0001", Status::AttemptFailed, 5),
        make("1ZPICKUPOLD01", Status::AvailableForPickup, 24 * 4),
        make("1ZPICKUPNEW01", Status::AvailableForPickup, 24),
        make("1ZINTRANSIT01", Status::InTransit, 5),
        make("1ZRETURNING01", Status::ReturningToSender, 5),
    ]
}

async fn store_with_shipments() -> MemoryStore {
    let store = store().await;
    for s in shipments() {
        store.put_shipment(s);
    }
    let mut theirs = fakes::shipment(OTHER, "1ZTHEIRS00001", now() - Duration::days(2));
    theirs.status = Status::Exception;
    store.put_shipment(theirs);
    store
}

#[tokio::test]
async fn a_page_without_a_session_goes_to_sign_in() {
    let store = store().await;
    for uri in [
        "/app",
        "/app/shipments",
        "/app/attention.csv",
        "/app/shipments/shp_1Z",
    ] {
        let page = call(&store, "GET", uri, &[], "").await;
        assert_eq!(page.status, 303, "{uri}");
        assert_eq!(page.header("location"), "/app/sign-in", "{uri}");
    }
}

#[tokio::test]
async fn an_api_key_signs_in_with_a_secure_http_only_session_cookie() {
    let store = store().await;
    let signed = sign_in(&store, KEY).await;
    assert_eq!(signed.status, 303);
    let set: Vec<&str> = signed
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("__Host-afterclick_session="))
        .unwrap();
    for attribute in [
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=43200",
    ] {
        assert!(session.contains(attribute), "{session}");
    }
    // The form's own cookie is spent.
    assert!(
        set.iter()
            .any(|c| c.starts_with("__Host-afterclick_sign_in=;"))
    );

    let browser = browser(&store).await;
    let home = browser.get(&store, "/app").await;
    assert!(home.body.contains("Needs attention"));
    assert!(home.body.contains("ops desk"), "who is signed in is shown");
    assert!(!home.body.contains(KEY), "the key is never shown");
}

#[tokio::test]
async fn a_wrong_key_a_missing_token_or_another_site_signs_nobody_in() {
    let store = store().await;
    let wrong = sign_in(&store, "ak_live_not_a_key").await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("That API key is not valid"));
    assert!(cookie_value(&wrong, "__Host-afterclick_session").is_none());

    // No form cookie: a forged sign-in form.
    let forged = call(
        &store,
        "POST",
        "/app/sign-in",
        &[("sec-fetch-site", "same-origin")],
        &format!("csrf=abc&api_key={KEY}"),
    )
    .await;
    assert_eq!(forged.status, 403);
    assert!(cookie_value(&forged, "__Host-afterclick_session").is_none());

    // The right token, but the browser says another site posted it.
    let form = call(&store, "GET", "/app/sign-in", &[], "").await;
    let pre = cookie_value(&form, "__Host-afterclick_sign_in").unwrap();
    let cross = call(
        &store,
        "POST",
        "/app/sign-in",
        &[
            ("cookie", &format!("__Host-afterclick_sign_in={pre}")),
            ("sec-fetch-site", "cross-site"),
        ],
        &format!("csrf={}&api_key={KEY}", csrf(&form)),
    )
    .await;
    assert_eq!(cross.status, 403);
    assert!(cookie_value(&cross, "__Host-afterclick_session").is_none());
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_address() {
    let store = store().await;
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(sign_in(&store, "ak_live_guess").await.status);
    }
    assert_eq!(statuses[..10], [401; 10]);
    assert_eq!(statuses[10], 429);
}

#[tokio::test]
async fn a_session_ends_with_sign_out_expiry_or_its_key() {
    let store = store().await;
    let b = browser(&store).await;
    let out = b
        .post(&store, "/app/sign-out", &format!("csrf={}", b.csrf))
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location"), "/app/sign-in");
    assert_eq!(b.get(&store, "/app").await.status, 303);
    // The same form again: the session is gone, nothing to sign out of.
    let replay = b
        .post(&store, "/app/sign-out", &format!("csrf={}", b.csrf))
        .await;
    assert_eq!(replay.status, 403);

    // Expired: stored with its end in the past.
    let token = "ab".repeat(32);
    let old = Session {
        merchant_id: MERCHANT.into(),
        key_hash: hash_api_key(KEY),
        signed_in_as: "ops desk".into(),
        csrf: "t".into(),
        created_at: now() - SESSION_LIFETIME - Duration::minutes(1),
        expires_at: now() - Duration::minutes(1),
    };
    store
        .create_session(&hash_api_key(&token), &old)
        .await
        .unwrap();
    let expired = call(
        &store,
        "GET",
        "/app",
        &[("cookie", &format!("__Host-afterclick_session={token}"))],
        "",
    )
    .await;
    assert_eq!(expired.status, 303);

    // A revoked key ends its sessions.
    let b = browser(&store).await;
    assert_eq!(b.get(&store, "/app").await.status, 200);
    store
        .revoke_api_key(MERCHANT, "key_1", now() - Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(b.get(&store, "/app").await.status, 303);
}

#[tokio::test]
async fn the_watchlist_shows_what_needs_attention_with_what_the_customer_was_told() {
    let store = store_with_shipments().await;
    let b = browser(&store).await;
    let home = b.get(&store, "/app").await;
    assert_eq!(home.status, 200);
    for shown in [
        "1ZDELAYED0001",
        "1ZEXCEPTION01",
        "1ZATTEMPT0001",
        "1ZPICKUPOLD01",
        "1ZRETURNING01",
    ] {
        assert!(home.body.contains(shown), "{shown} missing");
    }
    for hidden in ["1ZPICKUPNEW01", "1ZINTRANSIT01", "1ZTHEIRS00001"] {
        assert!(!home.body.contains(hidden), "{hidden} shown");
    }
    assert!(
        home.body.contains("a***@example.com"),
        "customers are masked"
    );
    assert!(!home.body.contains("ada@example.com"));
    assert!(home.body.contains("delayed (2026-03-10 00:00 UTC)"));
    // Escaped, never markup.
    assert!(home.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!home.body.contains("<script>"));

    let only = b.get(&store, "/app?reason=at_pickup").await;
    assert!(only.body.contains("1ZPICKUPOLD01"));
    assert!(!only.body.contains("1ZEXCEPTION01"));
    let dhl = b.get(&store, "/app?carrier=DHL").await;
    assert!(dhl.body.contains("1ZEXCEPTION01"));
    assert!(!dhl.body.contains("1ZDELAYED0001"));
    // Every one of them was registered 6 days ago.
    assert!(
        b.get(&store, "/app?min_age=5")
            .await
            .body
            .contains("1ZDELAYED0001")
    );
    assert!(
        !b.get(&store, "/app?min_age=7")
            .await
            .body
            .contains("1ZDELAYED0001")
    );

    let bad = b.get(&store, "/app?reason=lost&min_age=-1").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Unknown reason"));
    assert!(bad.body.contains("number of days"));
}

#[tokio::test]
async fn marking_handled_is_stored_with_who_and_when_and_a_forged_form_changes_nothing() {
    let store = store_with_shipments().await;
    let b = browser(&store).await;
    let uri = "/app/shipments/shp_1ZEXCEPTION01/handled";

    let without_token = b.post(&store, uri, "back=/app").await;
    assert_eq!(without_token.status, 403);
    let wrong_token = b.post(&store, uri, "csrf=0000&back=/app").await;
    assert_eq!(wrong_token.status, 403);
    let cross_site = call(
        &store,
        "POST",
        uri,
        &[("cookie", &b.cookie), ("sec-fetch-site", "cross-site")],
        &format!("csrf={}", b.csrf),
    )
    .await;
    assert_eq!(cross_site.status, 403);
    let untouched = store
        .shipment(MERCHANT, "1ZEXCEPTION01")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(untouched.handled, None);

    // Another merchant's shipment: 404, unchanged.
    let theirs = b
        .post(
            &store,
            "/app/shipments/shp_1ZTHEIRS00001/handled",
            &format!("csrf={}", b.csrf),
        )
        .await;
    assert_eq!(theirs.status, 404);
    assert_eq!(
        store
            .shipment(OTHER, "1ZTHEIRS00001")
            .await
            .unwrap()
            .unwrap()
            .handled,
        None
    );

    let done = b
        .post(
            &store,
            uri,
            &format!("csrf={}&back=/app?carrier%3Ddhl", b.csrf),
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(done.header("location"), "/app?carrier=dhl");
    let stored = store
        .shipment(MERCHANT, "1ZEXCEPTION01")
        .await
        .unwrap()
        .unwrap();
    let handled = stored.handled.unwrap();
    assert_eq!(handled.by, "ops desk");
    assert_eq!(handled.at, now());

    let home = b.get(&store, "/app").await;
    assert!(!home.body.contains("1ZEXCEPTION01"));
    let all = b.get(&store, "/app?handled=show").await;
    assert!(all.body.contains("1ZEXCEPTION01"));
    assert!(
        all.body
            .contains("Handled by ops desk on 2026-03-10 12:00 UTC")
    );

    // Only back into the dashboard.
    let away = b
        .post(
            &store,
            "/app/shipments/shp_1ZATTEMPT0001/handled",
            &format!("csrf={}&back=https://evil.example/", b.csrf),
        )
        .await;
    assert_eq!(away.header("location"), "/app");
}

#[tokio::test]
async fn the_csv_is_the_list_masked_and_defused() {
    let store = store_with_shipments().await;
    let b = browser(&store).await;
    let csv = b.get(&store, "/app/attention.csv?reason=exception").await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert!(
        csv.header("content-disposition")
            .contains("needs-attention.csv")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert!(lines[1].starts_with("1ZEXCEPTION01,dhl,exception,exception,"));
    assert!(!csv.body.contains("ada@example.com"));
}

#[tokio::test]
async fn search_finds_by_tracking_number_order_number_and_email_within_the_shop() {
    let store = store_with_shipments().await;
    let b = browser(&store).await;
    let by_number = b.get(&store, "/app/shipments?q=1ZATTEMPT0001").await;
    assert_eq!(by_number.status, 200);
    assert!(by_number.body.contains("1ZATTEMPT0001"));
    assert!(!by_number.body.contains("1ZDELAYED0001"));

    let by_email = b.get(&store, "/app/shipments?q=ADA@example.com").await;
    assert!(by_email.body.contains("1ZDELAYED0001"));
    assert!(
        !by_email.body.contains("1ZTHEIRS00001"),
        "not another shop's"
    );

    let by_order = b.get(&store, "/app/shipments?q=1001").await;
    assert!(by_order.body.contains("1ZATTEMPT0001"));

    let theirs = b.get(&store, "/app/shipments?q=1ZTHEIRS00001").await;
    // The search box shows what was typed; no row links to their shipment.
    assert!(!theirs.body.contains("shp_1ZTHEIRS00001"));
    assert!(theirs.body.contains("No shipment matches"));

    let exceptions = b.get(&store, "/app/shipments?status=exception").await;
    assert!(exceptions.body.contains("1ZEXCEPTION01"));
    assert!(!exceptions.body.contains("1ZATTEMPT0001"));
    assert_eq!(
        b.get(&store, "/app/shipments?status=lost").await.status,
        422
    );
    assert_eq!(
        b.get(&store, "/app/shipments?cursor=forged").await.status,
        400
    );
}

#[tokio::test]
async fn a_shipment_page_shows_its_timeline_notifications_and_rating() {
    let store = store_with_shipments().await;
    let mut s = store
        .shipment(MERCHANT, "1ZDELAYED0001")
        .await
        .unwrap()
        .unwrap();
    s.status = Status::Delivered;
    reached(&mut s, "delivered", 2, true);
    store.put_shipment(s.clone());
    use afterclick_domain::ports::EventStore;
    let mut e = harness::event(30, Status::InTransit, "Arrived at <b>hub</b>");
    e.location = Some("Köln, DE".into());
    store
        .record_event(MERCHANT, "1ZDELAYED0001", &e, now())
        .await
        .unwrap();
    let mut n = fakes::notification(&s, Milestone::Delayed, Channel::Email);
    n.state = NotificationState::Sent;
    store.put_notification(n);
    let mut n = fakes::notification(&s, Milestone::Delayed, Channel::Sms);
    n.state = NotificationState::Suppressed;
    n.detail = Some("quiet hours".into());
    store.put_notification(n);
    store
        .rate(
            &s,
            &Rating {
                stars: 5,
                comment: Some("<img src=x onerror=alert(1)>".into()),
                rated_at: now(),
            },
        )
        .await
        .unwrap();

    let b = browser(&store).await;
    let page = b.get(&store, "/app/shipments/shp_1ZDELAYED0001").await;
    assert_eq!(page.status, 200, "{}", page.body);
    for text in [
        "Shipment 1ZDELAYED0001",
        "Arrived at &lt;b&gt;hub&lt;/b&gt;",
        "Köln, DE",
        "<td>email</td><td>sent</td>",
        "<td>sms</td><td>suppressed</td>",
        "quiet hours",
        "5 of 5",
        "&lt;img src=x onerror=alert(1)&gt;",
        "ada@example.com",
        "https://track.example/t/0123456789abcdef0123456789abcdef",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    assert_eq!(
        attribute_values(&page.body, "src"),
        Vec::<&str>::new(),
        "no image, script or frame"
    );
    assert!(
        page.header("content-security-policy")
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(page.header("cache-control"), "private, no-store");

    for other in [
        "/app/shipments/shp_1ZTHEIRS00001",
        "/app/shipments/..%2F",
        "/app/shipments/nope",
    ] {
        assert_eq!(b.get(&store, other).await.status, 404, "{other}");
    }
}

#[tokio::test]
async fn the_promise_and_contact_are_edited_with_the_apis_checks_and_erasure_needs_a_tick() {
    let store = store_with_shipments().await;
    let b = browser(&store).await;
    let uri = "/app/shipments/shp_1ZATTEMPT0001/edit";

    let bad = b
        .post(
            &store,
            uri,
            &format!(
                "csrf={}&promised_delivery_date=2026-03-20&email=not-an-address&phone=",
                b.csrf
            ),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("Not saved: the email address"),
        "{}",
        bad.body
    );
    let unchanged = store
        .shipment(MERCHANT, "1ZATTEMPT0001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.promised_delivery_date, None);

    let forged = call(
        &store,
        "POST",
        uri,
        &[("cookie", &b.cookie), ("sec-fetch-site", "same-origin")],
        "promised_delivery_date=2026-03-20",
    )
    .await;
    assert_eq!(forged.status, 403);

    let saved = b
        .post(
            &store,
            uri,
            &format!(
                "csrf={}&promised_delivery_date=2026-03-20&email=grace%40example.com&phone=",
                b.csrf
            ),
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.header("location"), "/app/shipments/shp_1ZATTEMPT0001");
    let edited = store
        .shipment(MERCHANT, "1ZATTEMPT0001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        edited.promised_delivery_date.unwrap().to_string(),
        "2026-03-20"
    );
    assert_eq!(edited.customer.email.as_deref(), Some("grace@example.com"));
    assert_eq!(edited.customer.phone, None, "an emptied field is removed");

    let erase = "/app/shipments/shp_1ZATTEMPT0001/erase";
    let unticked = b.post(&store, erase, &format!("csrf={}", b.csrf)).await;
    assert_eq!(unticked.status, 422);
    assert!(unticked.body.contains("tick the confirmation"));
    assert!(
        store
            .shipment(MERCHANT, "1ZATTEMPT0001")
            .await
            .unwrap()
            .unwrap()
            .customer
            .email
            .is_some()
    );
    let erased = b
        .post(&store, erase, &format!("csrf={}&confirm=erase", b.csrf))
        .await;
    assert_eq!(erased.status, 303);
    let gone = store
        .shipment(MERCHANT, "1ZATTEMPT0001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gone.customer.email, None);
    assert!(gone.erased_at.is_some());
    let page = b.get(&store, "/app/shipments/shp_1ZATTEMPT0001").await;
    assert!(page.body.contains("personal data was erased"));
    assert!(!page.body.contains("grace@example.com"));
}

fn counters(month: &str, carrier: &str, delivered: u64, on_time: u64) -> OutcomeCounters {
    let mut transit = [0; TRANSIT_BUCKETS.len()];
    transit[2] = delivered;
    OutcomeCounters {
        month: month.into(),
        carrier: carrier.into(),
        service: Some("GROUND".into()),
        destination_country: Some("DE".into()),
        totals: Totals {
            shipments: delivered,
            delivered,
            promised: delivered,
            on_time,
            estimated: delivered,
            on_estimate: delivered / 2,
            transit,
            ..Totals::default()
        },
    }
}

#[tokio::test]
async fn carrier_performance_is_charted_and_tabled_for_the_months_asked() {
    let store = store().await;
    store.put_counters(MERCHANT, counters("2026-02", "ups", 10, 9));
    store.put_counters(MERCHANT, counters("2026-03", "dhl", 4, 1));
    store.put_counters(MERCHANT, counters("2025-06", "fedex", 4, 4));
    store.put_counters(OTHER, counters("2026-03", "dpd", 8, 8));
    let b = browser(&store).await;

    let page = b.get(&store, "/app/carriers").await;
    assert_eq!(page.status, 200, "{}", page.body);
    // The current month and the two before it: January to March 2026.
    assert!(page.body.contains("value=\"2026-01\""));
    assert!(page.body.contains(">UPS<"), "{}", page.body);
    assert!(page.body.contains(">90%<"));
    assert!(page.body.contains(">25%<"));
    assert!(page.body.contains(">50%<"), "against the first estimate");
    assert_eq!(page.body.matches("<svg role=\"img\"").count(), 2);
    assert!(!page.body.contains("FedEx"), "outside the months");
    assert!(!page.body.contains("DPD"), "another shop's counters");
    assert!(page.body.contains("GROUND"));

    let older = b.get(&store, "/app/carriers?from=2025-06&to=2025-06").await;
    assert!(older.body.contains("FedEx"));
    assert!(!older.body.contains(">UPS<"));
    let bad = b.get(&store, "/app/carriers?from=2026-13").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("must be a month"));
}

/// Every sender is verified: the settings form can save.
struct Verified;

impl SenderIdentities for Verified {
    async fn is_verified(&self, _address: &str) -> Result<bool, SendError> {
        Ok(true)
    }
}

/// Like `harness::call`, with verified senders.
async fn call_verified(store: &MemoryStore, b: &Browser, uri: &str, body: &str) -> Page {
    let mut app = crate::App::new(store.clone(), Verified, "https://track.example")
        .with_rate_limit_pepper(harness::PEPPER);
    app.clock = now;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri(uri)
        .header("cookie", &b.cookie)
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap();
    let response = crate::router(app).oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

fn settings_form(b: &Browser, brand: &str, colour: &str) -> String {
    format!(
        "csrf={}&brand_name={brand}&primary_color={colour}&accent_color=%23b45309\
         &default_locale=de&sender_email=orders%40acme.example&logo_url=&reply_to=\
         &sms_sender_id=&support_url=https%3A%2F%2Facme.example%2Fhelp&support_email=\
         &channel_delivered_email=on&channel_out_for_delivery_sms=on\
         &quiet_start=21%3A00&quiet_end=08%3A00&stall_after_hours=48&trending_late_percent=60\
         &discount_code=&product_0_name=Pegs&product_0_url=https%3A%2F%2Facme.example%2Fpegs\
         &product_0_image_url=https%3A%2F%2Fimg.acme.example%2Fpegs.jpg&product_0_price=4",
        b.csrf
    )
}

#[tokio::test]
async fn settings_are_saved_with_the_apis_checks_and_a_bad_value_saves_nothing() {
    let store = store().await;
    let b = browser(&store).await;
    let page = b.get(&store, "/app/settings").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("value=\"Acme Outdoor\""));
    assert!(
        page.body.contains("ops desk"),
        "the keys are listed by name"
    );

    let bad = call_verified(
        &store,
        &b,
        "/app/settings",
        &settings_form(&b, "Nordlicht", "red"),
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("primary_color"), "{}", bad.body);
    assert!(
        bad.body.contains("value=\"Nordlicht\""),
        "what was typed is kept"
    );
    let stored = store.merchant(MERCHANT).await.unwrap().unwrap();
    assert_eq!(stored.brand_name, "Acme Outdoor");

    // Not through the dashboard: 403, nothing saved.
    let forged = call(
        &store,
        "POST",
        "/app/settings",
        &[("cookie", &b.cookie), ("sec-fetch-site", "cross-site")],
        &settings_form(&b, "Evil", "%23000000"),
    )
    .await;
    assert_eq!(forged.status, 403);

    let saved = call_verified(
        &store,
        &b,
        "/app/settings",
        &settings_form(&b, "Nordlicht", "%230f766e"),
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.header("location"), "/app/settings?saved=1");
    let stored = store.merchant(MERCHANT).await.unwrap().unwrap();
    assert_eq!(stored.brand_name, "Nordlicht");
    assert_eq!(stored.branding.primary_color, "#0f766e");
    assert_eq!(stored.branding.default_locale.to_string(), "de");
    assert_eq!(stored.branding.recommendations.len(), 1);
    assert_eq!(stored.branding.recommendations[0].name, "Pegs");
    let channels: Vec<String> = stored
        .channels
        .iter()
        .map(|(m, cs)| {
            format!(
                "{m}:{}",
                cs.iter().map(|c| c.as_str()).collect::<Vec<_>>().join("+")
            )
        })
        .collect();
    assert_eq!(channels, ["out_for_delivery:sms", "delivered:email"]);
    let shown = b.get(&store, "/app/settings?saved=1").await;
    assert!(shown.body.contains("Saved."));
}

/// The settings page's GA4 form links a property with the API's checks (a bad id is named
/// on the page and links nothing; the secret is kept sealed, never as typed) and unlinks it.
#[tokio::test]
async fn ga4_is_linked_and_unlinked_from_the_settings_page() {
    let store = store().await;
    let b = browser(&store).await;
    let form =
        |id: &str, secret: &str| format!("csrf={}&measurement_id={id}&api_secret={secret}", b.csrf);

    let refused = call_verified(
        &store,
        &b,
        "/app/settings/ga4",
        &form("UA-1234-1", "s3cret"),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("GA4 not linked: measurement id"),
        "{}",
        refused.body
    );
    let stored = store.merchant(MERCHANT).await.unwrap().unwrap();
    assert!(stored.ga4.is_none());

    let linked = call_verified(
        &store,
        &b,
        "/app/settings/ga4",
        &form("g-ab12cd34", "Sec_ret-123"),
    )
    .await;
    assert_eq!(linked.status, 303, "{}", linked.body);
    assert_eq!(linked.header("location"), "/app/settings?saved=1");
    let link = store
        .merchant(MERCHANT)
        .await
        .unwrap()
        .unwrap()
        .ga4
        .unwrap();
    assert_eq!(link.measurement_id, "G-AB12CD34");
    assert_ne!(
        link.api_secret, "Sec_ret-123",
        "the secret is stored sealed"
    );
    let shown = b.get(&store, "/app/settings").await;
    assert!(shown.body.contains("G-AB12CD34"), "{}", shown.body);
    assert!(!shown.body.contains("Sec_ret-123"));

    let unlinked = call_verified(
        &store,
        &b,
        "/app/settings/ga4",
        &format!("csrf={}&unlink=1", b.csrf),
    )
    .await;
    assert_eq!(unlinked.status, 303, "{}", unlinked.body);
    assert!(
        store
            .merchant(MERCHANT)
            .await
            .unwrap()
            .unwrap()
            .ga4
            .is_none()
    );
}

#[tokio::test]
async fn every_milestone_is_previewed_in_every_locale_with_sample_data() {
    let store = store().await;
    let b = browser(&store).await;
    let email = b
        .get(&store, "/app/settings/preview/delivered/email/de")
        .await;
    assert_eq!(email.status, 200, "{}", email.body);
    assert!(email.body.contains("built-in copy"));
    assert!(email.body.contains("Subject:"));
    assert!(
        email
            .body
            .contains("/app/settings/preview/delivered/email/de/html")
    );
    // Both channels in all eight locales.
    assert!(
        email
            .body
            .matches("/app/settings/preview/delivered/")
            .count()
            >= 16
    );
    let sms = b
        .get(&store, "/app/settings/preview/out_for_delivery/sms/ja")
        .await;
    assert_eq!(sms.status, 200);
    assert!(!sms.body.contains("Subject:"));
    let html = b
        .get(&store, "/app/settings/preview/delivered/email/en/html")
        .await;
    assert_eq!(html.status, 200);
    assert!(
        html.header("content-security-policy")
            .starts_with("sandbox;")
    );
    assert!(html.body.contains("Acme Outdoor"));
    for unknown in [
        "/app/settings/preview/lost/email/en",
        "/app/settings/preview/delivered/fax/en",
        "/app/settings/preview/delivered/email/xx",
        "/app/settings/preview/delivered/sms/en/html",
        "/app/settings/endpoints/we_unknown",
    ] {
        assert_eq!(b.get(&store, unknown).await.status, 404, "{unknown}");
    }
}

#[tokio::test]
async fn the_shops_own_sites_may_frame_its_customer_pages_and_no_other() {
    let store = store().await;
    let b = browser(&store).await;
    let framed = || async {
        let page = call(&store, "GET", &format!("/lookup/{MERCHANT}"), &[], "").await;
        (
            page.header("content-security-policy").to_owned(),
            page.header("x-frame-options").to_owned(),
        )
    };
    let (csp, xfo) = framed().await;
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(xfo, "DENY");

    let form = settings_form(&b, "Acme", "%230f766e")
        + "&embed_origins=https%3A%2F%2Fshop.example%0D%0Ahttps%3A%2F%2Fwww.shop.example";
    let saved = call_verified(&store, &b, "/app/settings", &form).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let (csp, xfo) = framed().await;
    assert!(
        csp.contains("frame-ancestors https://shop.example https://www.shop.example"),
        "{csp}"
    );
    assert_eq!(xfo, "", "X-Frame-Options would forbid what the CSP allows");
    let settings = b.get(&store, "/app/settings").await;
    assert!(settings.body.contains(&format!(
        "&lt;iframe src=&quot;https://track.example/lookup/{MERCHANT}&quot;"
    )));

    let path = settings_form(&b, "Acme", "%230f766e")
        + "&embed_origins=https%3A%2F%2Fshop.example%2Faccount";
    let refused = call_verified(&store, &b, "/app/settings", &path).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("embed_origins[0]"),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn clicks_out_of_the_tracking_page_are_counted_and_shown_to_the_shop_only() {
    let store = store().await;
    store.put_shipment(harness::shipment(Status::InTransit));
    let page = call(&store, "GET", &format!("/t/{}", harness::TOKEN), &[], "").await;
    assert_eq!(page.status, 200);
    let go = |target: &str| format!("/t/{}/go/{target}", harness::TOKEN);
    for link in [go("carrier"), go("support"), go("product-0")] {
        assert!(page.body.contains(&format!("href=\"{link}\"")), "{link}");
    }
    let cases = [
        (
            "carrier",
            "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        ),
        ("support", "https://acme.example/help"),
        ("product-1", "https://acme.example/p/tent-2"),
    ];
    for (target, location) in cases {
        let r = call(&store, "GET", &go(target), &[], "").await;
        assert_eq!(r.status, 303, "{target}");
        assert_eq!(r.header("location"), location);
        assert_eq!(r.header("referrer-policy"), "no-referrer");
    }
    for bad in [
        go("product-9"),
        go("https:%2F%2Fevil.example"),
        "/t/ffffffffffffffffffffffffffffffff/go/carrier".to_owned(),
    ] {
        assert_eq!(
            call(&store, "GET", &bad, &[], "").await.status,
            404,
            "{bad}"
        );
    }

    let b = browser(&store).await;
    let stats = b.get(&store, "/app/pages").await;
    assert_eq!(stats.status, 200, "{}", stats.body);
    // One view, three clicks out: 300%; today's row and the totals.
    assert!(stats.body.contains("<dd>1</dd>"), "{}", stats.body);
    assert!(stats.body.contains("300.0%"));
    assert!(
        stats
            .body
            .contains("<th scope=\"row\">2026-03-10</th><td>1</td><td>1</td><td>1</td><td>1</td>")
    );
    for bad in [
        "/app/pages?from=yesterday",
        "/app/pages?to=-262143-01-10",
        "/app/pages?from=9999-12-01&to=%2B10000-01-15",
    ] {
        assert_eq!(b.get(&store, bad).await.status, 422, "{bad}");
    }
    // A first-page time from far away is ignored, never an overflow.
    let far = b.get(&store, "/app?min_age=1&as_of=-8334601228800").await;
    assert_eq!(far.status, 200);

    // Another shop sees none of it.
    store
        .create_api_key(
            &api_key(OTHER, "key_other"),
            &hash_api_key("ak_live_other_shop"),
        )
        .await
        .unwrap();
    let signed = sign_in(&store, "ak_live_other_shop").await;
    let token = cookie_value(&signed, "__Host-afterclick_session").unwrap();
    let theirs = call(
        &store,
        "GET",
        "/app/pages",
        &[("cookie", &format!("__Host-afterclick_session={token}"))],
        "",
    )
    .await;
    assert_eq!(theirs.status, 200);
    assert!(theirs.body.contains("No customer used the pages"));
}

#[tokio::test]
async fn the_watchlist_pages_on_with_its_filters_and_a_new_sign_in_ends_the_old_session() {
    let store = store().await;
    for i in 0..60 {
        let mut s = fakes::shipment(
            MERCHANT,
            &format!("1ZPAGE{i:05}"),
            now() - Duration::days(5),
        );
        s.id = format!("shp_page{i:05}");
        s.created_at = now() - Duration::days(5) + Duration::minutes(i);
        s.status = Status::Exception;
        s.status_at = Some(now() - Duration::hours(3));
        store.put_shipment(s);
    }
    let b = browser(&store).await;
    let first = b.get(&store, "/app?min_age=2").await;
    assert_eq!(first.status, 200);
    let next = attribute_values(&first.body, "href")
        .into_iter()
        .find(|h| h.contains("cursor="))
        .expect("a next page")
        .replace("&amp;", "&");
    assert!(
        next.contains("min_age=2") && next.contains("as_of="),
        "{next}"
    );
    let second = b.get(&store, &next).await;
    assert_eq!(second.status, 200, "{}", second.body);
    let rows = |body: &str| body.matches("href=\"/app/shipments/shp_page").count();
    assert_eq!(rows(&first.body) + rows(&second.body), 60);

    // Signing in again ends the session this browser had.
    let form = call(&store, "GET", "/app/sign-in", &[], "").await;
    let pre = cookie_value(&form, "__Host-afterclick_sign_in").unwrap();
    // Another tab's form keeps its token.
    let again = call(
        &store,
        "GET",
        "/app/sign-in",
        &[("cookie", &format!("__Host-afterclick_sign_in={pre}"))],
        "",
    )
    .await;
    assert_eq!(csrf(&again), pre);
    assert_eq!(
        cookie_value(&again, "__Host-afterclick_sign_in").as_deref(),
        Some(pre.as_str())
    );
    let signed = call(
        &store,
        "POST",
        "/app/sign-in",
        &[
            (
                "cookie",
                &format!("__Host-afterclick_sign_in={pre}; {}", b.cookie),
            ),
            ("sec-fetch-site", "same-origin"),
        ],
        &format!("csrf={pre}&api_key={KEY}"),
    )
    .await;
    assert_eq!(signed.status, 303);
    assert_eq!(
        b.get(&store, "/app").await.status,
        303,
        "the old session ended"
    );
}

#[tokio::test]
async fn a_message_that_never_reached_the_customer_is_sent_again_once_with_ses_reports_shown() {
    use afterclick_domain::ports::{NotificationKey, ShipmentStore};
    let store = store_with_shipments().await;
    let s = store
        .shipment(MERCHANT, "1ZDELAYED0001")
        .await
        .unwrap()
        .unwrap();
    let mut failed = fakes::notification(&s, Milestone::Delayed, Channel::Email);
    failed.state = NotificationState::Failed;
    failed.detail = Some("SES was unavailable".into());
    store.put_notification(failed.clone());
    // What the customer and the carrier wrote is escaped on the message page too.
    let mut s = s;
    s.customer.name = "<script>alert(1)</script>".into();
    store.put_shipment(s.clone());
    let mut sent = fakes::notification(&s, Milestone::InTransit, Channel::Email);
    sent.state = NotificationState::Sent;
    sent.email.delivered_at = Some(now() - Duration::hours(3));
    sent.email.opened_at = Some(now() - Duration::hours(2));
    store.put_notification(sent);

    let b = browser(&store).await;
    let page = b.get(&store, "/app/shipments/shp_1ZDELAYED0001").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("delivered 2026-03-10 09:00 UTC"),
        "{}",
        page.body
    );
    assert!(page.body.contains("opened 2026-03-10 10:00 UTC"));
    assert_eq!(
        page.body.matches("Send again").count(),
        1,
        "only the failed one may be sent again"
    );
    let form = format!("csrf={}&milestone=delayed&channel=email", b.csrf);
    let again = b
        .post(&store, "/app/shipments/shp_1ZDELAYED0001/resend", &form)
        .await;
    assert_eq!(again.status, 303, "{}", again.body);
    let failed_key = NotificationKey::from(&failed);
    let state = async |store: &MemoryStore| {
        store
            .notifications(MERCHANT, "1ZDELAYED0001")
            .await
            .unwrap()
            .into_iter()
            .find(|n| NotificationKey::from(n) == failed_key)
            .unwrap()
            .state
    };
    assert_eq!(state(&store).await, NotificationState::Pending);
    // Repeated (a second click, a replayed form): refused, nothing changes.
    let twice = b
        .post(&store, "/app/shipments/shp_1ZDELAYED0001/resend", &form)
        .await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    assert!(twice.body.contains("Not sent again"), "{}", twice.body);
    assert_eq!(state(&store).await, NotificationState::Pending);
    // Without the session's token: 403, nothing changes.
    let forged = b
        .post(
            &store,
            "/app/shipments/shp_1ZDELAYED0001/resend",
            "milestone=in_transit&channel=email",
        )
        .await;
    assert_eq!(forged.status, 403);
    // What the sent one said, as notify renders it; its HTML sandboxed.
    let message = b
        .get(
            &store,
            "/app/shipments/shp_1ZDELAYED0001/message?milestone=in_transit&channel=email",
        )
        .await;
    assert_eq!(message.status, 200, "{}", message.body);
    assert!(message.body.contains("Subject:"), "{}", message.body);
    assert!(
        !message.body.contains("<script>alert(1)"),
        "{}",
        message.body
    );
    assert!(message.body.contains("1ZDELAYED0001"));
    let html = b
        .get(
            &store,
            "/app/shipments/shp_1ZDELAYED0001/message/html?milestone=in_transit&channel=email",
        )
        .await;
    assert_eq!(html.status, 200);
    assert!(
        html.header("content-security-policy")
            .starts_with("sandbox")
    );
    for missing in [
        "/app/shipments/shp_1ZDELAYED0001/message?milestone=delivered&channel=email",
        "/app/shipments/shp_1ZDELAYED0001/message?milestone=in_transit&channel=fax",
        "/app/shipments/shp_1ZDELAYED0001/message",
        "/app/shipments/shp_1ZTHEIRS00001/message?milestone=in_transit&channel=email",
    ] {
        assert_eq!(b.get(&store, missing).await.status, 404, "{missing}");
    }
    let unknown = b
        .post(
            &store,
            "/app/shipments/shp_1ZDELAYED0001/resend",
            &format!("csrf={}&milestone=delivered&channel=email", b.csrf),
        )
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn the_notifications_page_counts_what_customers_received_and_lifts_a_suppression() {
    use afterclick_domain::email_events::{
        EmailEvent, EmailEventKind, Suppression, SuppressionReason,
    };
    use afterclick_domain::ports::{
        EmailEventStore, NotificationKey, NotificationStore, Outcome, SuppressionList,
    };
    let store = store_with_shipments().await;
    let s = store
        .shipment(MERCHANT, "1ZDELAYED0001")
        .await
        .unwrap()
        .unwrap();
    let mut email = fakes::notification(&s, Milestone::Delayed, Channel::Email);
    email.state = NotificationState::Claimed;
    let mut sms = fakes::notification(&s, Milestone::Delayed, Channel::Sms);
    sms.state = NotificationState::Claimed;
    store.put_notification(email.clone());
    store.put_notification(sms.clone());
    let (email_key, sms_key) = (NotificationKey::from(&email), NotificationKey::from(&sms));
    let sent = Outcome::Sent {
        provider_message_id: "ses-1".into(),
        segments: None,
        note: None,
    };
    store.finish(&email_key, &sent, now()).await.unwrap();
    // Finishing twice (a retried record) counts once.
    store.finish(&email_key, &sent, now()).await.unwrap();
    let opted_out = Outcome::Suppressed {
        reason: "the number opted out of SMS".into(),
    };
    store.finish(&sms_key, &opted_out, now()).await.unwrap();
    let delivered = EmailEvent {
        kind: EmailEventKind::Delivered,
        message_id: "ses-1".into(),
        sent_at: now(),
        at: now(),
        notification: Some(email_key.clone()),
        suppresses: false,
        detail: None,
        recipients: Vec::new(),
    };
    assert!(
        store
            .record_email_event(&email_key, &delivered, &[])
            .await
            .unwrap()
    );
    for (merchant_id, address) in [
        (MERCHANT, "Bounced@Example.com"),
        (OTHER, "theirs@example.com"),
    ] {
        let suppression = Suppression {
            merchant_id: merchant_id.into(),
            email_hash: afterclick_domain::listing::email_hash(address),
            masked: afterclick_domain::attention::mask_email(&address.to_lowercase()),
            reason: SuppressionReason::Bounced,
            at: now(),
            tracking_number: "1ZDELAYED0001".into(),
            detail: Some("Permanent (General): <b>550</b>".into()),
        };
        assert!(store.suppress(&suppression).await.unwrap());
    }

    let b = browser(&store).await;
    let page = b
        .get(&store, "/app/notifications?from=2026-03-01&to=2026-03-10")
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    for text in [
        "<th scope=\"row\">delayed · email</th><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>100.0%</td>",
        "<th scope=\"row\">delayed · SMS</th><td>0</td><td>0</td><td>1</td><td>0</td><td>–</td>",
        "<th scope=\"row\">The number opted out of SMS</th><td>1</td>",
        "<th scope=\"row\">b***@example.com</th>",
        "Permanent (General): &lt;b&gt;550&lt;/b&gt;",
    ] {
        assert!(page.body.contains(text), "{text} missing: {}", page.body);
    }
    assert!(!page.body.contains("t***@example.com"));
    let bad = b.get(&store, "/app/notifications?from=2026-13-01").await;
    assert_eq!(bad.status, 422);

    // Lifted by the shop: off the list; another shop's address cannot be lifted from here.
    let lift = |email: &str| {
        format!(
            "csrf={}&hash={}",
            b.csrf,
            afterclick_domain::listing::email_hash(email)
        )
    };
    let lifted = b
        .post(
            &store,
            "/app/suppressions/lift",
            &lift("bounced@example.com"),
        )
        .await;
    assert_eq!(lifted.status, 303);
    assert_eq!(lifted.header("location"), "/app/notifications?lifted=1");
    assert_eq!(
        store
            .suppressed(MERCHANT, "bounced@example.com")
            .await
            .unwrap(),
        None
    );
    b.post(
        &store,
        "/app/suppressions/lift",
        &lift("theirs@example.com"),
    )
    .await;
    assert_eq!(
        store.suppressed(OTHER, "theirs@example.com").await.unwrap(),
        Some(SuppressionReason::Bounced)
    );
    let forged = b
        .post(
            &store,
            "/app/suppressions/lift",
            "email=theirs%40example.com",
        )
        .await;
    assert_eq!(forged.status, 403);
}

#[tokio::test]
async fn a_template_is_previewed_unsaved_then_saved_and_a_broken_one_keeps_what_was_typed() {
    use afterclick_domain::ports::{TemplateKey, TemplateStore};
    let store = store().await;
    let b = browser(&store).await;
    let page = "/app/settings/preview/delivered/sms/en";
    let form = |action: &str, body: &str| {
        format!(
            "csrf={}&action={action}&body={}",
            b.csrf,
            super::encode(body)
        )
    };
    let key = TemplateKey {
        merchant_id: MERCHANT.into(),
        milestone: Milestone::Delivered,
        channel: Channel::Sms,
        locale: "en".into(),
    };
    let typed = "Delivered! <b>{{ brand.name }}</b> thanks you.";
    let previewed = b.post(&store, page, &form("preview", typed)).await;
    assert_eq!(previewed.status, 200, "{}", previewed.body);
    assert!(previewed.body.contains("your changes, not saved"));
    assert!(
        previewed
            .body
            .contains("Delivered! &lt;b&gt;Acme Outdoor&lt;/b&gt; thanks you."),
        "{}",
        previewed.body
    );
    assert_eq!(store.template(&key).await.unwrap(), None, "nothing saved");

    let broken = b
        .post(&store, page, &form("save", "Hi {{ nonsense_variable }}"))
        .await;
    assert_eq!(broken.status, 422, "{}", broken.body);
    assert!(broken.body.contains("nonsense_variable"));
    assert_eq!(store.template(&key).await.unwrap(), None);

    let saved = b.post(&store, page, &form("save", typed)).await;
    assert_eq!(saved.status, 303);
    assert_eq!(
        store.template(&key).await.unwrap().unwrap().body.as_deref(),
        Some(typed)
    );
    let shown = b.get(&store, page).await;
    assert!(shown.body.contains("(your template)"));
    let deleted = b
        .post(&store, page, &format!("csrf={}&action=delete", b.csrf))
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(store.template(&key).await.unwrap(), None);
    let forged = b.post(&store, page, "action=save&body=x").await;
    assert_eq!(forged.status, 403);
}
