//! Bad input gets a problem+json naming what was wrong, and changes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::ports::{EventStore, ShipmentStore};
use afterclick_e2e::{Response, Stack, generic_event, unique};
use chrono::{Duration, Utc};
use serde_json::json;

fn assert_problem(r: &Response, status: u16, names: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.content_type, "application/problem+json", "{}", r.body);
    assert_eq!(r.body["status"], status);
    assert!(r.body["type"].as_str().unwrap().starts_with("/problems/"));
    assert!(!r.body["title"].as_str().unwrap().is_empty());
    let named = [r.body["field"].as_str(), r.body["header"].as_str()];
    assert!(
        named.contains(&Some(names)),
        "expected {names} in {}",
        r.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_reject_forgeries_replays_and_garbage_without_storing_anything() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = &info.webhook_secrets["generic"];
    let mid = &info.merchant_id;
    let tracking = unique("BAD");
    let body = generic_event(&tracking, "in_transit", Utc::now(), "Departed");

    let forged = stack
        .post_generic(
            mid,
            "whsec_Zm9yZ2VkZm9yZ2VkZm9yZ2VkZm9yZ2Vk",
            "msg_1",
            &body,
        )
        .await;
    assert_problem(&forged, 401, "webhook-signature");

    let old = (Utc::now() - Duration::minutes(10)).timestamp();
    let replayed = stack
        .post_generic_at(mid, secret, "msg_2", old, &body)
        .await;
    assert_problem(&replayed, 401, "webhook-timestamp");

    let unsigned = stack
        .send(
            stack
                .http
                .post(stack.url(&format!("/webhooks/generic/{mid}")))
                .header("content-type", "application/json")
                .body(body.clone()),
        )
        .await;
    assert_problem(&unsigned, 401, "webhook-id");

    let malformed = stack
        .post_generic(mid, secret, "msg_3", b"{\"tracking_number\": ")
        .await;
    assert_eq!(malformed.status, 400, "{}", malformed.body);
    assert_eq!(malformed.content_type, "application/problem+json");

    let wrong_type = br#"{"tracking_number": ["x"], "events": []}"#;
    let typed = stack.post_generic(mid, secret, "msg_4", wrong_type).await;
    assert_problem(&typed, 400, "tracking_number");

    let bad_status = format!(
        r#"{{"tracking_number":"{tracking}","events":[{{"occurred_at":"{}","status":"teleported"}}]}}"#,
        (Utc::now() - Duration::hours(1)).to_rfc3339()
    );
    let status = stack
        .post_generic(mid, secret, "msg_5", bad_status.as_bytes())
        .await;
    assert_problem(&status, 400, "events[0].status");

    let mut huge = br#"{"tracking_number":"1Z","events":[],"pad":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'x', 300 * 1024));
    huge.extend(b"\"}");
    let oversized = stack.post_generic(mid, secret, "msg_6", &huge).await;
    assert_eq!(oversized.status, 413, "{}", oversized.body);
    assert_eq!(oversized.content_type, "application/problem+json");

    let unknown_merchant = stack.post_generic("m_nobody", secret, "msg_7", &body).await;
    assert_problem(&unknown_merchant, 404, "merchant_id");
    let unknown_provider = stack
        .send(
            stack
                .http
                .post(stack.url(&format!("/webhooks/pigeon/{mid}")))
                .body(body.clone()),
        )
        .await;
    assert_problem(&unknown_provider, 404, "provider");

    let timeline = stack.devstack.store.timeline(mid, &tracking).await.unwrap();
    assert!(timeline.is_empty(), "nothing stored: {timeline:?}");

    // The same body, properly signed, is accepted: the rejections were about the input.
    let good = stack.post_generic(mid, secret, "msg_8", &body).await;
    assert_eq!(good.status, 202, "{}", good.body);
    assert_eq!(
        stack
            .devstack
            .store
            .timeline(mid, &tracking)
            .await
            .unwrap()
            .len(),
        1
    );
    stack.devstack.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_rejects_bad_requests_and_never_crosses_tenants() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let other = stack.another_merchant(&unique("m_other")).await;
    let tracking = unique("TEN");
    let body = json!({
        "tracking_number": tracking,
        "carrier": "dhl",
        "order_number": "A-7",
        "customer": {"name": "Grace", "email": "grace@example.com", "locale": "en", "timezone": "UTC"}
    });
    let created = stack.register(&info.api_key, &body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();

    let theirs = stack.shipment(&other.api_key, &id).await;
    assert_problem(&theirs, 404, "id");
    let mine = stack.shipment(&info.api_key, &id).await;
    assert_eq!(mine.status, 200);

    // The other merchant registering the same tracking number gets its own shipment.
    let other_created = stack.register(&other.api_key, &body).await;
    assert_eq!(other_created.status, 201, "{}", other_created.body);
    assert_ne!(other_created.body["id"], id.as_str());

    let anonymous = stack
        .send(stack.http.get(stack.url(&format!("/v1/shipments/{id}"))))
        .await;
    assert_problem(&anonymous, 401, "authorization");
    let bad_key = stack.shipment("ak_not_a_key", &id).await;
    assert_problem(&bad_key, 401, "authorization");
    let unknown = stack.shipment(&info.api_key, "shp_doesnotexist").await;
    assert_problem(&unknown, 404, "id");
    // An id that is not even UTF-8 names nothing either: a problem on the API, the
    // friendly page on the public pages.
    let undecodable = stack.shipment(&info.api_key, "%FF").await;
    assert_problem(&undecodable, 404, "id");
    let webhook = stack
        .send(
            stack
                .http
                .post(stack.url("/webhooks/generic/%FF"))
                .header("content-type", "application/json")
                .body("{}"),
        )
        .await;
    assert_problem(&webhook, 404, "merchant_id");
    let page = stack.send(stack.http.get(stack.url("/t/%FF"))).await;
    assert_eq!(page.status, 404);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );

    let not_json = stack
        .send(
            stack
                .http
                .post(stack.url("/v1/shipments"))
                .bearer_auth(&info.api_key)
                .header("content-type", "application/json")
                .body("{oops"),
        )
        .await;
    assert_eq!(not_json.status, 400);
    assert_eq!(not_json.content_type, "application/problem+json");

    let invalid = [
        ("tracking_number", json!({"tracking_number": 12})),
        (
            "customer.email",
            json!({"customer": {"name": "G", "email": "nope", "locale": "en", "timezone": "UTC"}}),
        ),
        (
            "customer.phone",
            json!({"customer": {"name": "G", "phone": "0151", "locale": "en", "timezone": "UTC"}}),
        ),
        (
            "customer.timezone",
            json!({"customer": {"name": "G", "email": "g@example.com", "timezone": "Mars/Base"}}),
        ),
        (
            "promised_delivery_date",
            json!({"promised_delivery_date": "soon"}),
        ),
        ("carrier", json!({"carrier": "U P S!"})),
        (
            "promised_delivery_date",
            json!({"promised_delivery_date": "1970-01-01"}),
        ),
        (
            "customer.name",
            json!({"customer": {"name": "Ada\u{202E}ecalevoL", "email": "g@example.com"}}),
        ),
    ];
    for (field, patch) in invalid {
        let mut request = body.clone();
        request["tracking_number"] = json!(unique("INV"));
        for (k, v) in patch.as_object().unwrap() {
            request[k] = v.clone();
        }
        let r = stack.register(&info.api_key, &request).await;
        assert!(matches!(r.status, 400 | 422), "{field}: {}", r.body);
        assert_problem(&r, r.status, field);
        let stored = stack
            .devstack
            .store
            .shipment(
                &info.merchant_id,
                request["tracking_number"].as_str().unwrap_or(""),
            )
            .await
            .unwrap();
        assert!(stored.is_none(), "{field}: nothing stored");
    }

    let huge = json!({"tracking_number": "X".repeat(100 * 1024)});
    let oversized = stack.register(&info.api_key, &huge).await;
    assert_eq!(oversized.status, 413);
    assert_eq!(oversized.content_type, "application/problem+json");

    let wrong_method = stack
        .send(
            stack
                .http
                .delete(stack.url("/v1/shipments"))
                .bearer_auth(&info.api_key),
        )
        .await;
    assert_eq!(wrong_method.status, 405);

    // Oversized request headers: one huge field, or too many, get a 431 problem too.
    let huge_header = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/shipments"))
                .bearer_auth(&info.api_key)
                .header("x-padding", "x".repeat(20 * 1024)),
        )
        .await;
    let mut many = stack
        .http
        .get(stack.url("/v1/shipments"))
        .bearer_auth(&info.api_key);
    for i in 0..150 {
        many = many.header(format!("x-field-{i}"), "1");
    }
    let many = stack.send(many).await;
    for r in [huge_header, many] {
        assert_eq!(r.status, 431, "{}", r.body);
        assert_eq!(r.content_type, "application/problem+json");
        assert_eq!(r.body["type"], "/problems/header-fields-too-large");
    }
    assert_eq!(wrong_method.content_type, "application/problem+json");
    stack.devstack.stop().await;
}
