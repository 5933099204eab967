//! Shipments from the store itself, end to end on the devstack: a merchant connects the
//! shop through the API, the platform's signed deliveries create the order's parcels once
//! however often and in whatever order they come, the carrier's scans then reach the
//! customer as usual, naming the parcel, and a split order is rated once.
//!
//! The payloads are our own, built from the shapes the platforms document.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::platforms::sign_body;
use afterclick_e2e::{Response, Stack, generic_event, unique};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

const SHOP: &str = "acme-e2e.myshopify.com";
const SITE: &str = "https://woo.acme.example/";

async fn connect(stack: &Stack, api_key: &str, platform: &str, body: Value) -> Response {
    stack
        .send(
            stack
                .http
                .put(stack.url(&format!("/v1/integrations/{platform}")))
                .bearer_auth(api_key)
                .json(&body),
        )
        .await
}

async fn get(stack: &Stack, api_key: &str, path: &str) -> Response {
    stack
        .send(stack.http.get(stack.url(path)).bearer_auth(api_key))
        .await
}

/// One Shopify fulfilment of order `#{order}`, in the REST resource's shape.
fn fulfilment(
    order: u64,
    counter: u64,
    tracking: &str,
    items: &[(&str, u32)],
    email: &str,
) -> Vec<u8> {
    let lines: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, (title, quantity))| {
            json!({"id": 9_000 + i, "title": title, "name": title, "quantity": quantity,
                   "sku": format!("SKU-{}", title.replace(' ', "-")), "product_id": 4_000 + i, "requires_shipping": true,
                   "fulfillment_status": "fulfilled", "grams": 100, "price": "10.00"})
        })
        .collect();
    serde_json::to_vec(&json!({
        "id": 5_550_000_000_000_000_000u64 + order * 10 + counter,
        "order_id": 7_770_000_000_000_000_000u64 + order,
        "name": format!("#{order}.{counter}"),
        "status": "success",
        "created_at": "2026-11-02T10:00:00-05:00",
        "updated_at": "2026-11-02T10:00:00-05:00",
        "service": "manual",
        "tracking_company": "UPS",
        "shipment_status": null,
        "tracking_number": tracking,
        "tracking_numbers": [tracking],
        "tracking_url": format!("https://www.ups.com/track?tracknum={tracking}"),
        "tracking_urls": [format!("https://www.ups.com/track?tracknum={tracking}")],
        "email": email,
        "destination": {"first_name": "Grace", "last_name": "Hopper", "address1": "1 Navy Way",
                        "city": "Arlington", "zip": "22201", "province": "Virginia",
                        "province_code": "VA", "country": "United States", "country_code": "US"},
        "line_items": lines
    }))
    .unwrap()
}

struct ShopifyDelivery<'a> {
    topic: &'a str,
    event_id: &'a str,
    triggered_at: DateTime<Utc>,
    shop: &'a str,
}

async fn post_shopify(
    stack: &Stack,
    merchant_id: &str,
    secret: Option<&str>,
    d: &ShopifyDelivery<'_>,
    body: &[u8],
) -> Response {
    let mut request = stack
        .http
        .post(stack.url(&format!("/webhooks/shopify/{merchant_id}")))
        .header("content-type", "application/json")
        .header("x-shopify-topic", d.topic)
        .header("x-shopify-shop-domain", d.shop)
        .header("x-shopify-api-version", "2026-07")
        .header("x-shopify-webhook-id", unique("wh"))
        .header("x-shopify-event-id", d.event_id)
        .header(
            "x-shopify-triggered-at",
            d.triggered_at.to_rfc3339_opts(SecondsFormat::Micros, true),
        )
        .body(body.to_vec());
    if let Some(secret) = secret {
        request = request.header("x-shopify-hmac-sha256", sign_body(secret, body));
    }
    stack.send(request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shopify_split_order_becomes_two_parcels_once_and_is_rated_once() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = "shpss_e2e_client_secret";
    let r = connect(
        &stack,
        &info.api_key,
        "shopify",
        json!({"shop_domain": SHOP, "secret": secret}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        r.body["webhook_url"],
        stack.url(&format!("/webhooks/shopify/{}", info.merchant_id))
    );

    let email = format!("{}@customer.example", unique("grace"));
    let (a, b) = (unique("1ZSHA"), unique("1ZSHB"));
    let first = fulfilment(1042, 1, &a, &[("Linen shirt", 2)], &email);
    let second = fulfilment(1042, 2, &b, &[("Belt", 1)], &email);
    let t0 = Utc::now() - Duration::minutes(30);
    let delivery = |event_id, at| ShopifyDelivery {
        topic: "fulfillments/create",
        event_id,
        triggered_at: at,
        shop: SHOP,
    };

    // Unsigned, mis-signed, or for another shop: 401 and nothing stored.
    let d1 = delivery("ev-1", t0);
    let unsigned = post_shopify(&stack, &info.merchant_id, None, &d1, &first).await;
    assert_eq!(unsigned.status, 401, "{}", unsigned.body);
    assert_eq!(
        unsigned.content_type, "application/problem+json",
        "{}",
        unsigned.body
    );
    let forged = post_shopify(&stack, &info.merchant_id, Some("wrong"), &d1, &first).await;
    assert_eq!(forged.status, 401);
    let elsewhere = ShopifyDelivery {
        shop: "someone-else.myshopify.com",
        ..delivery("ev-1", t0)
    };
    let other_shop =
        post_shopify(&stack, &info.merchant_id, Some(secret), &elsewhere, &first).await;
    assert_eq!(other_shop.status, 401);
    assert_eq!(
        get(&stack, &info.api_key, "/v1/orders/1042").await.status,
        404
    );

    // The first fulfilment five times (Shopify's retries share the event id), the second once.
    for _ in 0..5 {
        let r = post_shopify(&stack, &info.merchant_id, Some(secret), &d1, &first).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = post_shopify(
        &stack,
        &info.merchant_id,
        Some(secret),
        &delivery("ev-2", t0 + Duration::minutes(1)),
        &second,
    )
    .await;
    assert_eq!(r.body["registered"], 1, "{}", r.body);

    // A newer update of the second (one more belt), then the create again under a new
    // event id but its old time, as a late retry: the newer one stands.
    let more = fulfilment(1042, 2, &b, &[("Belt", 2)], &email);
    let update = ShopifyDelivery {
        topic: "fulfillments/update",
        ..delivery("ev-3", t0 + Duration::minutes(5))
    };
    let r = post_shopify(&stack, &info.merchant_id, Some(secret), &update, &more).await;
    assert_eq!(r.body["updated"], 1, "{}", r.body);
    let late = delivery("ev-2-late", t0 + Duration::minutes(1));
    let r = post_shopify(&stack, &info.merchant_id, Some(secret), &late, &second).await;
    assert_eq!((r.status, &r.body["stale"]), (200, &json!(1)), "{}", r.body);
    // An unknown topic is acknowledged and ignored.
    let ignored = ShopifyDelivery {
        topic: "products/update",
        ..delivery("ev-4", t0)
    };
    let r = post_shopify(&stack, &info.merchant_id, Some(secret), &ignored, b"{}").await;
    assert_eq!((r.status, &r.body["outcome"]), (200, &json!("ignored")));

    // A third part shipped without a tracking number: kept as lines waiting for one.
    let untracked = String::from_utf8(fulfilment(1042, 3, "X", &[("Socks", 3)], &email))
        .unwrap()
        .replace("\"X\"", "null")
        .replace("[null]", "[]");
    let waiting = delivery("ev-5", t0 + Duration::minutes(6));
    let r = post_shopify(
        &stack,
        &info.merchant_id,
        Some(secret),
        &waiting,
        untracked.as_bytes(),
    )
    .await;
    assert_eq!(
        (&r.body["registered"], &r.body["waiting_for_tracking"]),
        (&json!(0), &json!(1)),
        "{}",
        r.body
    );
    // A signed body that is no fulfilment: a problem naming it, nothing stored.
    let broken = delivery("ev-6", t0);
    let r = post_shopify(
        &stack,
        &info.merchant_id,
        Some(secret),
        &broken,
        b"{\"id\": [",
    )
    .await;
    assert_eq!(
        (r.status, r.content_type.as_str()),
        (400, "application/problem+json")
    );

    let order = get(&stack, &info.api_key, "/v1/orders/1042").await;
    assert_eq!(order.status, 200, "{}", order.body);
    assert_eq!(order.body["platform"], "shopify");
    let parcels = order.body["parcels"].as_array().unwrap();
    assert_eq!(parcels.len(), 2, "{}", order.body);
    assert_eq!(
        order.body["waiting_for_tracking"][0]["items"][0]["title"],
        "Socks"
    );
    assert_eq!(parcels[0]["tracking_number"], a.to_uppercase());
    assert_eq!(parcels[0]["position"], 1);
    assert_eq!(parcels[0]["items"][0]["title"], "Linen shirt");
    assert_eq!(
        parcels[1]["items"][0]["quantity"], 2,
        "the newer update stands"
    );
    let listed = get(&stack, &info.api_key, "/v1/shipments?order_number=1042").await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);

    // The shop offers a care kit with the shirt (and its usual list otherwise).
    let mut settings = get(&stack, &info.api_key, "/v1/settings").await.body;
    settings["recommendations_by_item"] = json!({"SKU-Linen-shirt": [{
        "name": "Shirt care kit", "image_url": "https://img.acme.example/care.jpg",
        "url": "https://acme.example/care-kit", "price": "€12.00"}]});
    let saved = stack
        .send(
            stack
                .http
                .put(stack.url("/v1/settings"))
                .bearer_auth(&info.api_key)
                .json(&settings),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);

    // The carrier delivers the first parcel: the customer hears of it by name, not asked
    // for a rating yet.
    let scan = |tracking: &str, at| generic_event(tracking, "delivered", at, "Delivered");
    stack
        .post_generic(
            &info.merchant_id,
            &info.webhook_secrets["generic"],
            &unique("msg"),
            &scan(&a.to_uppercase(), Utc::now() - Duration::hours(2)),
        )
        .await;
    let rating = "How was your delivery?";
    let mine = |outbox: &afterclick_devstack::outbox::Outbox| {
        outbox
            .emails
            .iter()
            .filter(|e| e.to == email)
            .cloned()
            .collect::<Vec<_>>()
    };
    let outbox = stack
        .wait_for_outbox("the first parcel's email", |o| !mine(o).is_empty())
        .await;
    let emails = mine(&outbox);
    assert_eq!(emails.len(), 1, "{emails:#?}");
    assert!(
        emails[0].text.contains("Parcel 1 of 2 · 2 of your 4 items"),
        "{}",
        emails[0].text
    );
    assert!(emails[0].text.contains("2 × Linen shirt"));
    assert!(!emails[0].text.contains(rating));
    assert!(
        emails[0].html.contains("Shirt care kit"),
        "{}",
        emails[0].html
    );

    // The second completes the order: its email asks for the rating, once.
    stack
        .post_generic(
            &info.merchant_id,
            &info.webhook_secrets["generic"],
            &unique("msg"),
            &scan(&b.to_uppercase(), Utc::now() - Duration::hours(1)),
        )
        .await;
    let outbox = stack
        .wait_for_outbox("the second parcel's email", |o| mine(o).len() == 2)
        .await;
    let emails = mine(&outbox);
    let asking: Vec<_> = emails.iter().filter(|e| e.text.contains(rating)).collect();
    assert_eq!(asking.len(), 1, "{emails:#?}");
    assert!(asking[0].text.contains("Parcel 2 of 2"));
    assert!(
        !asking[0].html.contains("Shirt care kit"),
        "the belt's parcel: the usual list"
    );

    // The page of the first parcel shows both and sends the rating to the second's.
    let first_page = parcels[0]["tracking_url"].as_str().unwrap();
    let second_page = parcels[1]["tracking_url"].as_str().unwrap();
    let html = stack.text(stack.http.get(first_page)).await;
    assert!(html.contains("Parcel 1 of 2"), "{html}");
    let second_path = second_page.split_once("/t/").unwrap().1;
    assert!(
        html.contains(&format!("href=\"/t/{second_path}#rating\"")),
        "{html}"
    );
    let html = stack.text(stack.http.get(second_page)).await;
    assert!(html.contains("id=\"rating\""));
    let order = get(&stack, &info.api_key, "/v1/orders/1042").await;
    assert_eq!(order.body["delivered"], true, "{}", order.body);
}

/// One WooCommerce order in the REST shape, with the Shipment Tracking extension's meta.
fn woo_order(id: u64, tracking: &[(&str, &str)], email: &str, modified: DateTime<Utc>) -> Vec<u8> {
    let items: Vec<Value> = tracking
        .iter()
        .map(|(id, number)| {
            json!({"tracking_provider": "UPS", "custom_tracking_provider": "", "custom_tracking_link": "",
                   "tracking_number": number, "date_shipped": modified.timestamp().to_string(),
                   "tracking_id": id})
        })
        .collect();
    serde_json::to_vec(&json!({
        "id": id, "number": id.to_string(), "status": "completed",
        "date_modified_gmt": modified.format("%Y-%m-%dT%H:%M:%S").to_string(),
        "billing": {"first_name": "Ada", "last_name": "Lovelace", "email": email, "country": "GB"},
        "shipping": {"first_name": "Ada", "last_name": "Lovelace", "postcode": "N1 9GU", "country": "GB"},
        "meta_data": [{"id": 1, "key": "_wc_shipment_tracking_items", "value": items}],
        "line_items": [{"id": 10, "name": "Teapot", "product_id": 41, "quantity": 1, "sku": "TP-1"}]
    }))
    .unwrap()
}

async fn post_woo(
    stack: &Stack,
    merchant_id: &str,
    secret: Option<&str>,
    delivery_id: &str,
    body: &[u8],
) -> Response {
    let mut request = stack
        .http
        .post(stack.url(&format!("/webhooks/woocommerce/{merchant_id}")))
        .header("content-type", "application/json")
        .header("x-wc-webhook-source", SITE)
        .header("x-wc-webhook-topic", "order.updated")
        .header("x-wc-webhook-resource", "order")
        .header("x-wc-webhook-event", "updated")
        .header("x-wc-webhook-id", "12")
        .header("x-wc-webhook-delivery-id", delivery_id)
        .body(body.to_vec());
    if let Some(secret) = secret {
        request = request.header("x-wc-webhook-signature", sign_body(secret, body));
    }
    stack.send(request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_woocommerce_tracking_item_becomes_a_parcel_once_and_its_removal_cancels_it() {
    let stack = Stack::start().await;
    let info = stack.info().clone();
    let secret = "ck_woo_webhook_secret";
    let r = connect(
        &stack,
        &info.api_key,
        "woocommerce",
        json!({"site_url": SITE, "secret": secret}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);

    // The ping sent when the webhook is created: unsigned, form-encoded, answered 200.
    let ping = stack
        .send(
            stack
                .http
                .post(stack.url(&format!("/webhooks/woocommerce/{}", info.merchant_id)))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("webhook_id=12"),
        )
        .await;
    assert_eq!((ping.status, &ping.body["outcome"]), (200, &json!("ping")));

    let email = format!("{}@customer.example", unique("ada"));
    let (t1, t2) = (unique("1ZWOA"), unique("1ZWOB"));
    let t = Utc::now() - Duration::minutes(20);
    let order_id = 3101;
    let number = order_id.to_string();
    let both = woo_order(order_id, &[("tid-1", &t1), ("tid-2", &t2)], &email, t);
    let unsigned = post_woo(&stack, &info.merchant_id, None, "d-1", &both).await;
    assert_eq!(unsigned.status, 401);
    for _ in 0..5 {
        let r = post_woo(&stack, &info.merchant_id, Some(secret), "d-1", &both).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let order = get(&stack, &info.api_key, &format!("/v1/orders/{number}")).await;
    assert_eq!(
        order.body["parcels"].as_array().unwrap().len(),
        2,
        "{}",
        order.body
    );

    // The merchant removes the second tracking item: its parcel is cancelled, the first
    // stays; the older delivery, retried, changes nothing back.
    let one = woo_order(
        order_id,
        &[("tid-1", &t1)],
        &email,
        t + Duration::minutes(5),
    );
    let r = post_woo(&stack, &info.merchant_id, Some(secret), "d-2", &one).await;
    assert_eq!(r.body["cancelled"], 1, "{}", r.body);
    let r = post_woo(&stack, &info.merchant_id, Some(secret), "d-1-retry", &both).await;
    assert_eq!(r.body["registered"], 0, "{}", r.body);
    let order = get(&stack, &info.api_key, &format!("/v1/orders/{number}")).await;
    let parcels = order.body["parcels"].as_array().unwrap();
    let cancelled: Vec<_> = parcels
        .iter()
        .filter(|p| !p["cancelled_at"].is_null())
        .map(|p| p["tracking_number"].as_str().unwrap())
        .collect();
    assert_eq!(cancelled, [t2.to_uppercase()], "{}", order.body);
    assert_eq!(order.body["statuses"], json!({"pending": 1}));
}

/// A local HTTP server playing BigCommerce's documented answers for one shipment and its
/// order's products (BigCommerce itself cannot run here): the first shipment request gets
/// a 503, so the fetch is retried; every request must carry the store's token.
mod bigcommerce_api {
    use axum::extract::{Path, State};
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    use axum::routing::get;
    use axum::{Json, Router};
    use serde_json::json;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub const TOKEN: &str = "bc-api-token-e2e";

    #[derive(Default)]
    pub struct Calls {
        pub shipment: AtomicUsize,
        pub products: AtomicUsize,
        pub without_token: AtomicUsize,
    }

    fn authorised(calls: &Calls, headers: &HeaderMap) -> bool {
        let ok = headers.get("x-auth-token").and_then(|v| v.to_str().ok()) == Some(TOKEN);
        if !ok {
            calls.without_token.fetch_add(1, Ordering::SeqCst);
        }
        ok
    }

    async fn shipment(
        State((calls, tracking)): State<(Arc<Calls>, String)>,
        Path((_hash, order, id)): Path<(String, u64, u64)>,
        headers: HeaderMap,
    ) -> axum::response::Response {
        if !authorised(&calls, &headers) {
            return StatusCode::UNAUTHORIZED.into_response();
        }
        if calls.shipment.fetch_add(1, Ordering::SeqCst) == 0 {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        Json(json!({
            "id": id, "order_id": order, "customer_id": 11, "order_address_id": 131,
            "date_created": "Mon, 02 Nov 2026 10:00:00 +0000", "tracking_number": tracking,
            "shipping_method": "UPS Ground", "shipping_provider": "ups", "tracking_carrier": "ups",
            "tracking_link": "", "comments": "",
            "billing_address": {"first_name": "Lin", "last_name": "Chen", "email": "billing@customer.example",
                                "country_iso2": "US", "state": "Texas"},
            "shipping_address": {"first_name": "Lin", "last_name": "Chen", "street_1": "1 Main St",
                                 "city": "Austin", "state": "Texas", "zip": "78751",
                                 "country": "United States", "country_iso2": "US",
                                 "email": "lin@customer.example", "phone": ""},
            "items": [{"order_product_id": 194, "product_id": 77, "quantity": 1}],
            "shipping_provider_display_name": "UPS"
        }))
        .into_response()
    }

    async fn products(
        State((calls, _)): State<(Arc<Calls>, String)>,
        headers: HeaderMap,
    ) -> axum::response::Response {
        if !authorised(&calls, &headers) {
            return StatusCode::UNAUTHORIZED.into_response();
        }
        calls.products.fetch_add(1, Ordering::SeqCst);
        Json(
            json!([{"id": 194, "order_id": 512, "product_id": 77, "name": "Desk lamp",
                     "sku": "DL-1", "quantity": 1}]),
        )
        .into_response()
    }

    /// Serves until the test ends; its base URL and its counters.
    pub async fn start(tracking: String) -> (String, Arc<Calls>) {
        let calls = Arc::new(Calls::default());
        let app = Router::new()
            .route(
                "/stores/{hash}/v2/orders/{order}/shipments/{id}",
                get(shipment),
            )
            .route("/stores/{hash}/v2/orders/{order}/products", get(products))
            .with_state((calls.clone(), tracking));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, calls)
    }
}

fn two_minutes_on() -> DateTime<Utc> {
    Utc::now() + Duration::minutes(2)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bigcommerce_shipment_is_queued_fetched_with_the_token_retried_and_registered_once() {
    use std::sync::atomic::Ordering;
    let tracking = unique("1ZBC");
    let (api_url, calls) = bigcommerce_api::start(tracking.clone()).await;
    let stack = Stack::start_with(afterclick_e2e::StackConfig {
        bigcommerce_api_url: Some(api_url),
        ..Default::default()
    })
    .await;
    let info = stack.info().clone();
    let secret = "bc-client-secret-e2e";
    let r = connect(
        &stack,
        &info.api_key,
        "bigcommerce",
        json!({"store_hash": "e2estore", "secret": secret, "api_token": bigcommerce_api::TOKEN}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["api_token_set"], true);
    assert!(!r.body.to_string().contains(bigcommerce_api::TOKEN));

    let body = serde_json::to_vec(&json!({
        "scope": "store/shipment/created", "store_id": "1025646",
        "data": {"type": "shipment", "id": 31, "orderId": 512},
        "hash": unique("hash"), "created_at": Utc::now().timestamp(), "producer": "stores/e2estore"
    }))
    .unwrap();
    let post = |signed: bool| {
        let id = unique("wh");
        let timestamp = Utc::now().timestamp();
        let mut request = stack
            .http
            .post(stack.url(&format!("/webhooks/bigcommerce/{}", info.merchant_id)))
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .body(body.clone());
        if signed {
            let signature = afterclick_domain::signature::sign_with_key(
                secret.as_bytes(),
                &id,
                timestamp,
                &body,
            )
            .unwrap();
            request = request.header("webhook-signature", signature);
        }
        stack.send(request)
    };
    assert_eq!(post(false).await.status, 401);
    let first = post(true).await;
    assert_eq!(
        (first.status, &first.body["outcome"]),
        (200, &json!("queued")),
        "{}",
        first.body
    );
    for _ in 0..4 {
        let again = post(true).await;
        assert_eq!(again.body["outcome"], "duplicate", "{}", again.body);
    }

    // The first fetch meets a 503 and is scheduled again; the sweep after the retry time
    // wakes it, and dispatch fetches it.
    for _ in 0..200 {
        if calls.shipment.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        calls.shipment.load(Ordering::SeqCst),
        1,
        "fetched once so far"
    );
    let report = stack.devstack.sweep_at(two_minutes_on).await.unwrap();
    assert_eq!(report.fetches, 1, "{report:?}");
    let mut order = get(&stack, &info.api_key, "/v1/orders/512").await;
    for _ in 0..200 {
        if order.status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        order = get(&stack, &info.api_key, "/v1/orders/512").await;
    }
    assert_eq!(order.status, 200, "{}", order.body);
    assert_eq!(order.body["platform"], "bigcommerce");
    let parcels = order.body["parcels"].as_array().unwrap();
    assert_eq!(parcels.len(), 1);
    assert_eq!(parcels[0]["tracking_number"], tracking.to_uppercase());
    assert_eq!(parcels[0]["carrier"], "ups");
    assert_eq!(parcels[0]["items"][0]["title"], "Desk lamp");
    assert_eq!(parcels[0]["customer"]["email"], "lin@customer.example");
    assert_eq!(calls.shipment.load(Ordering::SeqCst), 2);
    assert_eq!(calls.products.load(Ordering::SeqCst), 1);
    assert_eq!(calls.without_token.load(Ordering::SeqCst), 0);
    // Done is done: another sweep finds nothing to fetch.
    let report = stack.devstack.sweep_at(two_minutes_on).await.unwrap();
    assert_eq!(report.fetches, 0);
}
