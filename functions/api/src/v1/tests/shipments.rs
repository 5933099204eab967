//! The shipment routes against the in-memory store: idempotent registration, listing,
//! editing, erasure, and tenant isolation.

use crate::v1::api_keys::tests::{api, now, two_merchants};
use afterclick_domain::fakes::MemoryStore;
use afterclick_domain::ports::{IdempotencyKey, IdempotencyStore, ShipmentStore};
use afterclick_domain::{Channel, Status};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

struct Reply {
    status: StatusCode,
    replayed: bool,
    raw: Vec<u8>,
    body: Value,
}

async fn send(
    api: &Router,
    method: &str,
    uri: &str,
    key: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {key}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Body::from(serde_json::to_vec(json).unwrap())
        }
        None => Body::empty(),
    };
    let response = api
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let replayed = response.headers().contains_key("idempotent-replayed");
    let raw = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    Reply {
        status,
        replayed,
        raw,
        body,
    }
}

fn registration(tracking_number: &str) -> Value {
    json!({
        "tracking_number": tracking_number,
        "carrier": "ups",
        "order_number": "1001",
        "customer": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+447700900123"}
    })
}

async fn register(api: &Router, key: &str, tracking_number: &str) -> String {
    let r = send(
        api,
        "POST",
        "/v1/shipments",
        key,
        &[],
        Some(&registration(tracking_number)),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn count(store: &MemoryStore, merchant_id: &str) -> usize {
    use afterclick_domain::ports::ShipmentList;
    store
        .list_shipments(merchant_id, &Default::default(), None, 100)
        .await
        .unwrap()
        .shipments
        .len()
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_response_and_refuses_another_body() {
    let (store, key, _) = two_merchants().await;
    let api = api(&store, now);
    let idem = [("idempotency-key", "order-1001-attempt")];
    let body = registration("1Z999AA10123456784");
    let first = send(&api, "POST", "/v1/shipments", &key, &idem, Some(&body)).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert!(!first.replayed);
    let again = send(&api, "POST", "/v1/shipments", &key, &idem, Some(&body)).await;
    assert_eq!((again.status, again.replayed), (StatusCode::CREATED, true));
    assert_eq!(again.raw, first.raw, "byte for byte");
    assert_eq!(count(&store, "m_a").await, 1);

    let other = registration("1Z999AA10123456785");
    let mismatch = send(&api, "POST", "/v1/shipments", &key, &idem, Some(&other)).await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(mismatch.body["header"], "idempotency-key");
    assert_eq!(count(&store, "m_a").await, 1, "nothing registered");

    // Without the header, registration is as before: the existing shipment, 200.
    let plain = send(&api, "POST", "/v1/shipments", &key, &[], Some(&body)).await;
    assert_eq!((plain.status, plain.replayed), (StatusCode::OK, false));
}

#[tokio::test]
async fn a_running_request_holds_its_key_until_its_lease_ends() {
    let (store, key, _) = two_merchants().await;
    let body = registration("1Z999AA10123456784");
    let bytes = serde_json::to_vec(&body).unwrap();
    let sha = |b: &[u8]| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b));
    // A request with this key claimed it and crashed before finishing.
    store
        .claim(
            &IdempotencyKey {
                merchant_id: "m_a".into(),
                key_hash: sha(b"k1"),
                request_hash: sha(&bytes),
            },
            now(),
        )
        .await
        .unwrap();
    let idem = [("idempotency-key", "k1")];
    let busy = send(
        &api(&store, now),
        "POST",
        "/v1/shipments",
        &key,
        &idem,
        Some(&body),
    )
    .await;
    assert_eq!(busy.status, StatusCode::CONFLICT);
    assert_eq!(busy.body["type"], "/problems/idempotency-in-progress");
    fn later() -> chrono::DateTime<chrono::Utc> {
        now() + chrono::Duration::minutes(1)
    }
    let taken_over = send(
        &api(&store, later),
        "POST",
        "/v1/shipments",
        &key,
        &idem,
        Some(&body),
    )
    .await;
    assert_eq!(taken_over.status, StatusCode::CREATED);
}

#[tokio::test]
async fn keys_are_scoped_to_the_merchant_and_malformed_keys_are_refused() {
    let (store, a, b) = two_merchants().await;
    let api = api(&store, now);
    let idem = [("idempotency-key", "same-key")];
    let first = send(
        &api,
        "POST",
        "/v1/shipments",
        &a,
        &idem,
        Some(&registration("1Z999AA1")),
    )
    .await;
    let second = send(
        &api,
        "POST",
        "/v1/shipments",
        &b,
        &idem,
        Some(&registration("1Z999AA2")),
    )
    .await;
    assert_eq!(
        (first.status, second.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    let long = "x".repeat(256);
    let bad = send(
        &api,
        "POST",
        "/v1/shipments",
        &a,
        &[("idempotency-key", &long)],
        Some(&registration("1Z999AA3")),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body["header"], "idempotency-key");
}

#[tokio::test]
async fn another_merchants_shipment_is_not_found_and_never_listed() {
    let (store, a, b) = two_merchants().await;
    let api = api(&store, now);
    let id = register(&api, &a, "1Z999AA10123456784").await;
    let uri = format!("/v1/shipments/{id}");
    let patch = json!({"channels": []});
    for (method, body) in [("GET", None), ("PATCH", Some(&patch)), ("DELETE", None)] {
        let r = send(&api, method, &uri, &b, &[], body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{method}");
    }
    let listed = send(&api, "GET", "/v1/shipments", &b, &[], None).await;
    assert_eq!(listed.body["items"], json!([]));
    let mine = send(&api, "GET", "/v1/shipments", &a, &[], None).await;
    assert_eq!(mine.body["items"][0]["id"], id.as_str());
    assert_eq!(mine.body["items"][0]["customer"]["name"], "Ada Lovelace");
    // The untouched shipment: B's requests changed nothing.
    let stored = store
        .shipment("m_a", "1Z999AA10123456784")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.version, stored.channels, stored.erased_at),
        (1, None, None)
    );
}

#[tokio::test]
async fn pages_hold_every_shipment_once_and_a_cursor_only_fits_its_listing() {
    let (store, a, b) = two_merchants().await;
    let api = api(&store, now);
    let mut ids = Vec::new();
    for i in 0..9 {
        ids.push(register(&api, &a, &format!("1Z999AA{i:04}")).await);
    }
    let mut seen = Vec::new();
    let mut uri = "/v1/shipments?limit=4".to_owned();
    loop {
        let page = send(&api, "GET", &uri, &a, &[], None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        seen.extend(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["id"].as_str().unwrap().to_owned()),
        );
        match page.body["next_cursor"].as_str() {
            Some(cursor) => uri = format!("/v1/shipments?limit=4&cursor={cursor}"),
            None => break,
        }
    }
    // Same creation instant (pinned clock): newest first by id, descending.
    let mut expected = ids.clone();
    expected.sort();
    expected.reverse();
    assert_eq!(seen, expected);

    let first = send(&api, "GET", "/v1/shipments?limit=4", &a, &[], None).await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    for (key, uri) in [
        (
            &a,
            format!("/v1/shipments?limit=4&carrier=ups&cursor={cursor}"),
        ),
        (&b, format!("/v1/shipments?limit=4&cursor={cursor}")),
        (&a, "/v1/shipments?cursor=garbage".to_owned()),
    ] {
        let r = send(&api, "GET", &uri, key, &[], None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(r.body["field"], "cursor");
    }
}

/// A promise long gone would announce a delay at once; one years away is a typo.
#[tokio::test]
async fn implausible_promises_are_refused_on_registration_and_patch() {
    let (store, a, _) = two_merchants().await;
    let api = api(&store, now);
    use afterclick_domain::validate::{PROMISE_DAYS_AHEAD, PROMISE_DAYS_BACK};
    // Relative to the pinned clock, so the calendar never moves them in or out.
    let today = now().date_naive();
    let day = |days: i64| (today + chrono::Duration::days(days)).to_string();
    let refused = [
        "1970-01-01".to_owned(),
        day(-PROMISE_DAYS_BACK - 1),
        day(PROMISE_DAYS_AHEAD + 1),
        "9999-12-31".to_owned(),
    ];
    for date in refused {
        let mut body = registration("1Z999AA10123456784");
        body["promised_delivery_date"] = json!(date);
        let r = send(&api, "POST", "/v1/shipments", &a, &[], Some(&body)).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{date}: {}",
            r.body
        );
        assert_eq!(r.body["field"], "promised_delivery_date");
    }
    assert_eq!(count(&store, "m_a").await, 0, "nothing was registered");
    let id = register(&api, &a, "1Z999AA10123456784").await;
    let uri = format!("/v1/shipments/{id}");
    let promise = |date: String| {
        let patch = json!({ "promised_delivery_date": date });
        let (api, uri, a) = (&api, &uri, &a);
        async move {
            let merge = [("content-type", "application/merge-patch+json")];
            send(api, "PATCH", uri, a, &merge, Some(&patch)).await
        }
    };
    let r = promise("9999-12-31".to_owned()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["field"], "promised_delivery_date");
    // Within a month back and a year ahead of the (pinned) clock: accepted.
    let r = promise(day(32)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_patch_changes_contact_and_channels_under_the_version() {
    let (store, a, _) = two_merchants().await;
    let api = api(&store, now);
    let id = register(&api, &a, "1Z999AA10123456784").await;
    let uri = format!("/v1/shipments/{id}");
    let patch = json!({"customer": {"email": "new@example.com", "phone": null}, "channels": ["email"], "promised_delivery_date": "2026-11-20"});
    let r = send(
        &api,
        "PATCH",
        &uri,
        &a,
        &[("content-type", "application/merge-patch+json")],
        Some(&patch),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["customer"]["email"], "new@example.com");
    assert_eq!(r.body["channels"], json!(["email"]));
    let stored = store
        .shipment("m_a", "1Z999AA10123456784")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.customer.phone, None);
    assert_eq!(stored.channels, Some(vec![Channel::Email]));

    let bad = send(
        &api,
        "PATCH",
        &uri,
        &a,
        &[],
        Some(&json!({"customer": {"email": "nope"}})),
    )
    .await;
    assert_eq!(
        (bad.status, bad.body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("customer.email"))
    );
    let unknown = send(
        &api,
        "PATCH",
        &uri,
        &a,
        &[],
        Some(&json!({"status": "delivered"})),
    )
    .await;
    assert_eq!(
        (unknown.status, unknown.body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("status"))
    );
    let stored = store
        .shipment("m_a", "1Z999AA10123456784")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.version, stored.status),
        (2, Status::Pending),
        "bad patches change nothing"
    );
}

#[tokio::test]
async fn a_shipment_registered_without_locale_keeps_none_until_patched() {
    let (store, a, _) = two_merchants().await;
    let api = api(&store, now);
    let id = register(&api, &a, "1Z999AA10123456784").await;
    let uri = format!("/v1/shipments/{id}");
    let shown = send(&api, "GET", &uri, &a, &[], None).await;
    assert_eq!(
        shown.body["customer"]["locale"],
        Value::Null,
        "{}",
        shown.body
    );
    let stored = |store: &MemoryStore| {
        let store = store.clone();
        async move {
            let s = store.shipment("m_a", "1Z999AA10123456784").await.unwrap();
            s.unwrap().customer.locale
        }
    };
    assert_eq!(stored(&store).await, None);
    for (locale, want) in [(json!("de-DE"), Some("de-DE")), (Value::Null, None)] {
        let r = send(
            &api,
            "PATCH",
            &uri,
            &a,
            &[],
            Some(&json!({"customer": {"locale": locale}})),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["customer"]["locale"], json!(want));
        assert_eq!(stored(&store).await.as_deref(), want);
    }
}

#[tokio::test]
async fn erasure_removes_personal_data_once_and_repeats_harmlessly() {
    let (store, a, _) = two_merchants().await;
    let api = api(&store, now);
    let idem = [("idempotency-key", "k")];
    let first = send(
        &api,
        "POST",
        "/v1/shipments",
        &a,
        &idem,
        Some(&registration("1Z999AA10123456784")),
    )
    .await;
    let id = first.body["id"].as_str().unwrap().to_owned();
    let uri = format!("/v1/shipments/{id}");
    let erased = send(&api, "DELETE", &uri, &a, &[], None).await;
    assert_eq!(erased.status, StatusCode::OK, "{}", erased.body);
    assert_eq!(
        erased.body["scrubbed"],
        json!({"shipment": true, "notifications": 0, "events": 0, "stored_responses": 1, "rating_comments": 0})
    );
    assert!(
        erased.body["erased"]
            .as_array()
            .unwrap()
            .contains(&json!("customer.email"))
    );
    let stored = store
        .shipment("m_a", "1Z999AA10123456784")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            stored.customer.name.as_str(),
            stored.customer.email.as_deref(),
            stored.customer.phone.as_deref()
        ),
        ("", None, None)
    );
    assert_eq!(
        store.idempotency_records("m_a"),
        0,
        "the stored response echoed the customer"
    );

    let again = send(&api, "DELETE", &uri, &a, &[], None).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["erased_at"], erased.body["erased_at"]);
    assert_eq!(again.body["scrubbed"]["shipment"], false);
    let refused = send(
        &api,
        "PATCH",
        &uri,
        &a,
        &[],
        Some(&json!({"customer": {"email": "ada@example.com"}})),
    )
    .await;
    assert_eq!(
        (refused.status, refused.body["type"].as_str()),
        (StatusCode::CONFLICT, Some("/problems/erased"))
    );
}

#[tokio::test]
async fn a_brand_on_its_own_domain_gets_its_tracking_links_there_and_only_it() {
    let (store, a, b) = two_merchants().await;
    let mut m = afterclick_domain::fakes::merchant("m_a");
    m.branding.page_base_url = Some("https://track.brand-a.example".into());
    store.put_merchant(m);
    let api = api(&store, now);
    let a_id = register(&api, &a, "1ZBRANDA").await;
    let b_id = register(&api, &b, "1ZBRANDB").await;
    let one = send(&api, "GET", &format!("/v1/shipments/{a_id}"), &a, &[], None).await;
    let url = one.body["tracking_url"].as_str().unwrap();
    assert!(url.starts_with("https://track.brand-a.example/t/"), "{url}");
    let listed = send(&api, "GET", "/v1/shipments", &a, &[], None).await;
    assert!(
        listed.body["items"][0]["tracking_url"]
            .as_str()
            .unwrap()
            .starts_with("https://track.brand-a.example/t/")
    );
    let other = send(&api, "GET", &format!("/v1/shipments/{b_id}"), &b, &[], None).await;
    assert!(
        other.body["tracking_url"]
            .as_str()
            .unwrap()
            .starts_with("https://track.example/t/")
    );
}
