//! Page analytics forwarded to a merchant's GA4 property through the Measurement Protocol:
//! off by default; once linked, the tracking page's view and its click to the carrier reach
//! the property (a local server playing Google's `/mp/collect`, which answers 204 No
//! Content to every well-formed hit, as documented) server to server, once each, with an
//! anonymous client id and neither the tracking token nor the customer in them. Unlinked,
//! nothing more goes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_e2e::{Stack, StackConfig, unique};
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

type Hits = Arc<Mutex<Vec<(String, Value)>>>;

async fn collect(State(hits): State<Hits>, RawQuery(query): RawQuery, body: String) -> StatusCode {
    let body = serde_json::from_str(&body).unwrap_or(Value::Null);
    hits.lock().unwrap().push((query.unwrap_or_default(), body));
    StatusCode::NO_CONTENT
}

async fn google() -> (String, Hits) {
    let hits: Hits = Arc::default();
    let app = Router::new()
        .route("/mp/collect", post(collect))
        .with_state(hits.clone());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let url = format!("http://{}/mp/collect", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, hits)
}

async fn wait_for(hits: &Hits, count: usize) -> Vec<(String, Value)> {
    for _ in 0..100 {
        if hits.lock().unwrap().len() >= count {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    hits.lock().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_property_gets_each_page_event_once_and_nothing_personal() {
    let (endpoint, hits) = google().await;
    let stack = Stack::start_with(StackConfig {
        ga4_endpoint: Some(endpoint),
        ..StackConfig::default()
    })
    .await;
    let info = stack.info().clone();
    let tracking = unique("1ZGA");
    let created = stack
        .register(
            &info.api_key,
            &json!({"tracking_number": tracking, "carrier": "ups", "order_number": "GA-1",
                    "customer": {"name": "Grace", "email": "grace@example.com"}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let page = created.body["tracking_url"].as_str().unwrap().to_owned();
    let token = page.rsplit('/').next().unwrap().to_owned();
    let open = |path: String| {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let url = stack.url(&path);
        async move { http.get(url).send().await.unwrap().status().as_u16() }
    };

    // Off by default: a view sends nothing.
    assert_eq!(open(format!("/t/{token}")).await, 200);
    stack.devstack.settle().await;
    assert!(hits.lock().unwrap().is_empty());
    let ga4 = stack.url("/v1/settings/ga4");
    let off = stack
        .send(stack.http.get(&ga4).bearer_auth(&info.api_key))
        .await;
    assert_eq!(off.status, 404);
    assert_eq!(off.content_type, "application/problem+json");

    // A bad id or secret links nothing.
    let bad = stack
        .send(
            stack
                .http
                .put(&ga4)
                .bearer_auth(&info.api_key)
                .json(&json!({"measurement_id": "UA-1234-1", "api_secret": "s3cret-value"})),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    let linked = stack
        .send(
            stack
                .http
                .put(&ga4)
                .bearer_auth(&info.api_key)
                .json(&json!({"measurement_id": "g-e2etest1", "api_secret": "s3cret-value"})),
        )
        .await;
    assert_eq!(linked.status, 200, "{}", linked.body);
    assert_eq!(linked.body["measurement_id"], "G-E2ETEST1");
    assert!(!linked.body.to_string().contains("s3cret"));

    assert_eq!(open(format!("/t/{token}")).await, 200);
    assert_eq!(open(format!("/t/{token}/go/carrier")).await, 303);
    let sent = wait_for(&hits, 2).await;
    stack.devstack.settle().await;
    let sent_after = hits.lock().unwrap().clone();
    assert_eq!(sent_after.len(), 2, "each event once: {sent_after:?}");
    let names: Vec<&str> = sent
        .iter()
        .map(|(_, b)| b["events"][0]["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"page_view") && names.contains(&"select_content"),
        "{names:?}"
    );
    for (query, body) in &sent {
        assert_eq!(query, "measurement_id=G-E2ETEST1&api_secret=s3cret-value");
        let text = body.to_string();
        assert!(!text.contains(&token), "the token is a credential: {text}");
        assert!(!text.contains("grace"), "{text}");
        assert!(body["client_id"].as_str().is_some_and(|c| !c.is_empty()));
    }
    assert_eq!(
        sent[0].1["client_id"], sent[1].1["client_id"],
        "one parcel, one visitor"
    );

    // Unlinked: nothing more goes.
    let unlinked = stack
        .send(stack.http.delete(&ga4).bearer_auth(&info.api_key))
        .await;
    assert_eq!(unlinked.status, 204);
    assert_eq!(open(format!("/t/{token}")).await, 200);
    stack.devstack.settle().await;
    assert_eq!(hits.lock().unwrap().len(), 2);
    stack.devstack.stop().await;
}
