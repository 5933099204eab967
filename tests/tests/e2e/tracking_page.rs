//! The customer's pages against the real stack: the tracking page in the customer's
//! language, the delivery rating counted once on the delivery's outcome item (and moved,
//! not recounted, when changed), and the order lookup form with its rate limit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::Stack;
use afterclick_e2e::fixtures::delivered_shipment;
use serde_json::Value;

/// A client that shows redirects instead of following them.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The outcome item the delivery was counted on (the one with `delivered`).
async fn delivery_outcome(stack: &Stack) -> Value {
    let items = stack
        .devstack
        .store
        .outcome_counters(&stack.info().merchant_id)
        .await
        .unwrap();
    let delivered: Vec<_> = items
        .into_iter()
        .filter(|i| i["delivered"].as_u64().unwrap_or(0) > 0)
        .collect();
    assert_eq!(delivered.len(), 1, "{delivered:#?}");
    delivered.into_iter().next().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_german_customer_sees_a_german_page_and_rates_the_delivery_once() {
    let stack = Stack::start().await;
    let shipment = delivered_shipment(&stack).await;
    let http = no_redirects();

    let page = http.get(&shipment.tracking_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"de\">"));
    assert!(html.contains("Sendungsverlauf") && html.contains("Zugestellt"));
    assert!(html.contains("Wie war Ihre Lieferung?"));
    assert!(html.contains("NO-20417"));

    let rate = stack.url(&format!("/t/{}/rating", shipment.token));
    let posted = http
        .post(&rate)
        .form(&[("stars", "5"), ("comment", "Schnell <b>und</b> freundlich")])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    assert_eq!(
        posted.headers()["location"],
        format!("/t/{}?rated=1#rating", shipment.token).as_str()
    );
    let outcome = delivery_outcome(&stack).await;
    assert_eq!(
        (
            outcome["rating_count"].as_u64(),
            outcome["rating_sum"].as_u64()
        ),
        (Some(1), Some(5))
    );

    let thanks = http
        .get(format!("{}?rated=1", shipment.tracking_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(thanks.contains("id=\"rating-thanks\"") && thanks.contains("Vielen Dank"));
    assert!(thanks.contains("Schnell &lt;b&gt;und&lt;/b&gt; freundlich"));

    // A changed rating, posted twice at once: the sum moves by the difference, once.
    let (a, b) = tokio::join!(
        http.post(&rate).form(&[("stars", "2")]).send(),
        http.post(&rate).form(&[("stars", "2")]).send()
    );
    assert_eq!(
        (a.unwrap().status().as_u16(), b.unwrap().status().as_u16()),
        (303, 303)
    );
    let outcome = delivery_outcome(&stack).await;
    assert_eq!(
        (
            outcome["rating_count"].as_u64(),
            outcome["rating_sum"].as_u64()
        ),
        (Some(1), Some(2))
    );

    let invalid = http
        .post(&rate)
        .form(&[("stars", "9")])
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 422);
    assert!(
        invalid
            .text()
            .await
            .unwrap()
            .contains("Bitte wählen Sie 1 bis 5 Sterne.")
    );
    let outcome = delivery_outcome(&stack).await;
    assert_eq!(
        outcome["rating_sum"].as_u64(),
        Some(2),
        "an invalid post changes nothing"
    );
    stack.devstack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lookup_form_finds_the_order_and_limits_guessing() {
    let stack = Stack::start().await;
    let shipment = delivered_shipment(&stack).await;
    let email = shipment.shipment["customer"]["email"]
        .as_str()
        .unwrap()
        .to_uppercase();
    let http = no_redirects();
    let lookup = stack.url(&format!("/lookup/{}", stack.info().merchant_id));

    let form = http
        .get(&lookup)
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    assert!(form.text().await.unwrap().contains("Bestellung finden"));

    let found = http
        .post(&lookup)
        .header("x-forwarded-for", "203.0.113.50")
        .form(&[("order_number", "NO-20417"), ("email", email.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(found.status(), 303);
    assert_eq!(
        found.headers()["location"],
        format!("/t/{}", shipment.token).as_str()
    );

    // Ten-minute windows are aligned to the clock: start the guesses well inside one.
    let into_window = chrono::Utc::now().timestamp().rem_euclid(600);
    if into_window > 570 {
        let wait = u64::try_from(601 - into_window).unwrap();
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    }
    for attempt in 1..=10 {
        let guess = http
            .post(&lookup)
            .header("x-forwarded-for", "198.51.100.77")
            .form(&[("order_number", "NO-20417"), ("email", "guess@example.com")])
            .send()
            .await
            .unwrap();
        assert_eq!(guess.status(), 404, "attempt {attempt}");
    }
    let refused = http
        .post(&lookup)
        .header("x-forwarded-for", "198.51.100.77")
        .form(&[("order_number", "NO-20417"), ("email", email.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    let retry_after: i64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&retry_after));
    let other = http
        .post(&lookup)
        .header("x-forwarded-for", "203.0.113.51")
        .form(&[("order_number", "NO-20417"), ("email", email.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 303, "another address is not limited");
    stack.devstack.stop().await;
}
