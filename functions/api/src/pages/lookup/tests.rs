//! The order lookup form and the unsubscribe pages, against the in-memory store.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::pages::harness::*;
use afterclick_domain::Status;
use afterclick_domain::ports::ConsentStore;

#[test]
fn emails_match_without_case_or_surrounding_space() {
    assert!(same_email("Ada@Example.com ", "ada@example.COM"));
    assert!(!same_email("ada@example.com", "ada@example.org"));
    assert!(!same_email("ada@example.com", "ada@example.co"));
}

#[test]
fn the_first_forwarded_hop_is_the_client_without_a_gateway_context() {
    let mut headers = HeaderMap::new();
    assert_eq!(client_ip(None, &headers), "unknown");
    headers.insert(
        "x-forwarded-for",
        HeaderValue::from_static("203.0.113.7, 10.0.0.1"),
    );
    assert_eq!(client_ip(None, &headers), "203.0.113.7");
}

const LOOKUP: &str = "/lookup/m_shop";

async fn two_orders() -> afterclick_domain::fakes::MemoryStore {
    let store = store_with(merchant(), shipment(Status::InTransit), &[]).await;
    let mut other = shipment(Status::Pending);
    other.tracking_number = "OTHER1".into();
    other.order_number = "2002".into();
    other.token = "ffffffffffffffffffffffffffffffff".into();
    other.customer.email = Some(afterclick_domain::EmailAddress::parse("bob@example.com").unwrap());
    store.put_shipment(other);
    store
}

async fn find(store: &afterclick_domain::fakes::MemoryStore, ip: &str, body: &str) -> Page {
    call(store, "POST", LOOKUP, &[("x-forwarded-for", ip)], body).await
}

#[tokio::test]
async fn the_lookup_form_sends_the_right_customer_to_the_tracking_page() {
    let store = two_orders().await;
    let form = call(&store, "GET", LOOKUP, &[("accept-language", "de")], "").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Bestellung finden") && form.body.contains("Acme Outdoor"));
    assert!(
        form.body
            .contains("<form method=\"post\" action=\"/lookup/m_shop\" id=\"lookup\">")
    );
    assert!(form.body.contains("<label class=\"field\" for=\"email\">"));

    let found = find(
        &store,
        "203.0.113.1",
        "order_number=+1001+&email=ADA%40example.com",
    )
    .await;
    assert_eq!(found.status, 303);
    assert_eq!(found.header("location"), format!("/t/{TOKEN}"));
}

#[tokio::test]
async fn a_wrong_email_and_an_unknown_order_get_the_same_answer() {
    let store = two_orders().await;
    let wrong_email = find(
        &store,
        "203.0.113.2",
        "order_number=1001&email=bob%40example.com",
    )
    .await;
    let unknown = find(
        &store,
        "203.0.113.2",
        "order_number=9999&email=ada%40example.com",
    )
    .await;
    assert_eq!((wrong_email.status, unknown.status), (404, 404));
    let message = "We could not find an order with these details.";
    assert!(wrong_email.body.contains(message) && unknown.body.contains(message));
    let missing = find(&store, "203.0.113.2", "order_number=1001").await;
    assert_eq!(missing.status, 422);
    assert!(
        missing
            .body
            .contains("Please enter your order number and your email address.")
    );
    let nobody = get(&store, "/lookup/m_nobody").await;
    assert_eq!(nobody.status, 404);
    assert_eq!(get(&store, "/lookup/..%2F..").await.status, 404);
}

#[tokio::test]
async fn the_eleventh_attempt_from_one_address_is_refused_with_retry_after() {
    let store = two_orders().await;
    for _ in 0..10 {
        let page = find(
            &store,
            "198.51.100.9",
            "order_number=1001&email=x%40example.com",
        )
        .await;
        assert_eq!(page.status, 404);
    }
    let refused = find(
        &store,
        "198.51.100.9",
        "order_number=1001&email=ada%40example.com",
    )
    .await;
    assert_eq!(refused.status, 429);
    assert!(refused.body.contains("Too many attempts."));
    // 12:00:00 is the start of a ten-minute window.
    assert_eq!(refused.header("retry-after"), "600");
    let elsewhere = find(
        &store,
        "198.51.100.10",
        "order_number=1001&email=ada%40example.com",
    )
    .await;
    assert_eq!(elsewhere.status, 303, "other addresses are not limited");
}

#[tokio::test]
async fn every_attempt_counts_against_the_address_even_a_successful_one() {
    let store = two_orders().await;
    let right = "order_number=1001&email=ada%40example.com";
    for _ in 0..PER_IP.limit {
        assert_eq!(find(&store, "198.51.100.20", right).await.status, 303);
    }
    assert_eq!(find(&store, "198.51.100.20", right).await.status, 429);
}

#[test]
fn failures_are_counted_per_24_or_48() {
    for (ip, range) in [
        ("203.0.113.77", "203.0.113.0/24"),
        ("::ffff:203.0.113.9", "203.0.113.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("unknown", "unknown"),
    ] {
        assert_eq!(address_range(ip), range, "{ip}");
    }
}

#[tokio::test]
async fn only_failed_lookups_use_up_a_range_and_other_ranges_keep_working() {
    let store = two_orders().await;
    let right = "order_number=1001&email=ada%40example.com";
    let wrong = "order_number=1001&email=eve%40example.com";
    // Successes from one network never use up its budget.
    for i in 0..PER_RANGE.limit + 20 {
        let ip = format!("198.51.100.{}", i + 1);
        assert_eq!(find(&store, &ip, right).await.status, 303, "success {i}");
    }
    // Guesses from many addresses of another /24 (each under its own limit).
    let guesser = |i: u32| format!("203.0.113.{}", i + 1);
    for i in 0..PER_RANGE.limit {
        assert_eq!(
            find(&store, &guesser(i), wrong).await.status,
            404,
            "failure {i}"
        );
    }
    // That range's budget is spent: every attempt from it waits for the window, a right
    // one too (a 303 among 429s would still answer a guess)...
    for body in [wrong, right] {
        let refused = find(&store, &guesser(200), body).await;
        assert_eq!(refused.status, 429);
        assert_eq!(refused.header("retry-after"), "600");
    }
    // ...while customers anywhere else still find their orders.
    for ip in ["198.51.100.250", "192.0.2.10", "2001:db8::1"] {
        assert_eq!(find(&store, ip, right).await.status, 303, "{ip}");
    }
}

#[tokio::test]
async fn unsubscribe_asks_first_in_the_customers_language_then_stops_messages() {
    let mut s = shipment(Status::InTransit);
    s.customer.locale = Some("de".into());
    let store = store_with(merchant(), s.clone(), &[]).await;
    let path = format!("/u/{TOKEN}");
    let confirm = get(&store, &path).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("<html lang=\"de\">"));
    assert!(
        confirm
            .body
            .contains("Keine Lieferbenachrichtigungen mehr zur Bestellung 1001?")
    );
    assert!(confirm.body.contains("name=\"scope\" value=\"customer\""));
    assert!(
        store.opted_out(&s).await.unwrap().is_none(),
        "opening the page changes nothing"
    );

    let one_click = post(&store, &path, "List-Unsubscribe=One-Click").await;
    assert_eq!(one_click.status, 200);
    assert!(
        one_click
            .body
            .contains("Sie erhalten keine Benachrichtigungen mehr zur Bestellung 1001.")
    );
    assert_eq!(
        store.opted_out(&s).await.unwrap(),
        Some("unsubscribed from this shipment")
    );

    let all = post(&store, &path, "scope=customer").await;
    assert!(
        all.body
            .contains("Sie erhalten keine Lieferbenachrichtigungen mehr von Acme Outdoor.")
    );
    assert_eq!(get(&store, "/u/0000").await.status, 404);
}

/// Counters are keyed with the deployment's pepper: the same address under another pepper
/// is another counter, so what is stored says nothing about the address without it.
#[tokio::test]
async fn rate_limit_keys_depend_on_the_secret_pepper() {
    let store = two_orders().await;
    let wrong = "order_number=1001&email=eve%40example.com";
    let ip = [("x-forwarded-for", "192.0.2.44")];
    for _ in 0..PER_IP.limit {
        assert_eq!(find(&store, "192.0.2.44", wrong).await.status, 404);
    }
    assert_eq!(find(&store, "192.0.2.44", wrong).await.status, 429);
    let other = call_with_pepper(&store, "POST", LOOKUP, &ip, wrong, b"another-deployment").await;
    assert_eq!(other.status, 404, "a fresh counter under another pepper");
}
