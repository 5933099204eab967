//! Path parameters that cannot be decoded (`%FF` is not UTF-8) on every route that takes
//! one: a 404 problem on the JSON API, the friendly 404 page on the public pages, never
//! axum's `text/plain` 400.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::pages::harness::*;
use afterclick_domain::Status;

#[tokio::test]
async fn an_undecodable_id_on_the_api_is_a_404_problem_naming_the_parameter() {
    let store = store_with(merchant(), shipment(Status::InTransit), &[]).await;
    let cases = [
        ("GET", "/v1/shipments/%FF", "id"),
        ("PATCH", "/v1/shipments/%FF", "id"),
        ("DELETE", "/v1/shipments/%FF", "id"),
        ("GET", "/v1/webhook-endpoints/%FF", "id"),
        ("DELETE", "/v1/webhook-endpoints/%FF", "id"),
        ("GET", "/v1/webhook-endpoints/%FF/deliveries", "id"),
        ("POST", "/v1/webhook-secrets/%FF/rotate", "provider"),
        ("GET", "/v1/templates/shipped/email/%FF", "locale"),
        ("PUT", "/v1/templates/%C3%28/email/en", "milestone"),
        ("DELETE", "/v1/templates/shipped/%FF/en", "channel"),
        ("POST", "/v1/templates/shipped/email/%FF/preview", "locale"),
    ];
    for (method, uri, field) in cases {
        let response = call(&store, method, uri, &[], "").await;
        assert_eq!(response.status, 404, "{method} {uri}: {}", response.body);
        assert_eq!(
            response.header("content-type"),
            afterclick_web::PROBLEM_JSON,
            "{method} {uri}"
        );
        let problem: serde_json::Value = serde_json::from_str(&response.body).unwrap();
        assert_eq!(problem["type"], "/problems/not-found", "{method} {uri}");
        assert_eq!(problem["status"], 404);
        assert_eq!(problem["field"], field, "{method} {uri}");
    }
}

#[tokio::test]
async fn an_undecodable_link_on_a_public_page_gets_the_friendly_404_page() {
    let store = store_with(merchant(), shipment(Status::InTransit), &[]).await;
    let cases = [
        ("GET", "/t/%FF"),
        ("POST", "/t/%FF/rating"),
        ("GET", "/u/%FF"),
        ("POST", "/u/%FF"),
        ("GET", "/lookup/%FF"),
        ("POST", "/lookup/%FF"),
    ];
    for (method, uri) in cases {
        let page = call(&store, method, uri, &[("accept-language", "de")], "").await;
        assert_eq!(page.status, 404, "{method} {uri}: {}", page.body);
        assert!(page.header("content-type").starts_with("text/html"));
        assert_eq!(page.header("cache-control"), "private, no-store");
        assert!(page.body.contains("<html lang=\"de\">"), "{method} {uri}");
        assert!(!page.body.contains("Acme"), "names no merchant");
    }
}
