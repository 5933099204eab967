//! Two tenants, every route: merchant B's key, aimed at merchant A's shipments, endpoints,
//! templates, keys, secrets, settings and analytics, reads nothing of A's and changes nothing
//! of A's. The test walks the API's route table, so a new route fails it until it is covered.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_aws::{DynamoStore, SesIdentities};
use afterclick_domain::ports::{EndpointStore, SecretBox};
use afterclick_e2e::{Response, Stack, generic_event, unique};
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Routes that take no API key: the document itself, and pages reached by an unguessable
/// token; the lookup form is checked below with A's order on B's form.
const PUBLIC: [(&str, &str); 7] = [
    ("GET", "/v1/openapi.json"),
    ("GET", "/t/{token}"),
    ("GET", "/t/{token}/go/{target}"),
    ("POST", "/t/{token}/rating"),
    ("GET", "/u/{token}"),
    ("POST", "/u/{token}"),
    ("GET", "/lookup/{merchant_id}"),
];

/// The dashboard's routes, each aimed by merchant B's session at A's things below.
const DASHBOARD: [(&str, &str); 24] = [
    ("GET", "/app"),
    ("GET", "/app/pages"),
    ("GET", "/app/notifications"),
    ("POST", "/app/suppressions/lift"),
    ("GET", "/app/carriers"),
    ("GET", "/app/attention.csv"),
    ("GET", "/app/sign-in"),
    ("POST", "/app/sign-in"),
    ("POST", "/app/sign-out"),
    ("GET", "/app/shipments"),
    ("GET", "/app/shipments/{id}"),
    ("POST", "/app/shipments/{id}/handled"),
    ("POST", "/app/shipments/{id}/edit"),
    ("POST", "/app/shipments/{id}/erase"),
    ("POST", "/app/shipments/{id}/resend"),
    ("GET", "/app/shipments/{id}/message"),
    ("GET", "/app/shipments/{id}/message/html"),
    ("GET", "/app/settings"),
    ("POST", "/app/settings"),
    ("POST", "/app/settings/ga4"),
    (
        "GET",
        "/app/settings/preview/{milestone}/{channel}/{locale}",
    ),
    (
        "GET",
        "/app/settings/preview/{milestone}/{channel}/{locale}/html",
    ),
    (
        "POST",
        "/app/settings/preview/{milestone}/{channel}/{locale}",
    ),
    ("GET", "/app/settings/endpoints/{id}"),
];

struct Tenants<'a> {
    stack: &'a Stack,
    /// Routes merchant B's key was aimed at; only those count as covered.
    other_key: String,
    covered: BTreeSet<(String, String)>,
}

impl Tenants<'_> {
    async fn call(
        &mut self,
        key: &str,
        method: &str,
        route: &str,
        path: &str,
        body: Option<Value>,
    ) -> Response {
        if key == self.other_key {
            self.covered.insert((method.to_owned(), route.to_owned()));
        }
        let url = self.stack.url(path);
        let http = &self.stack.http;
        let request = match method {
            "GET" => http.get(url),
            "POST" => http.post(url),
            "PUT" => http.put(url),
            "PATCH" => http.patch(url),
            "DELETE" => http.delete(url),
            other => panic!("unexpected method {other}"),
        }
        .bearer_auth(key);
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        self.stack.send(request).await
    }
}

fn ids(list: &Value, field: &str, id: &str) -> Vec<String> {
    list[field]
        .as_array()
        .unwrap_or_else(|| panic!("no `{field}` array in {list}"))
        .iter()
        .map(|item| item[id].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_merchants_key_never_reads_or_changes_anything_of_yours() {
    let stack = Stack::start().await;
    let a = stack.info().clone();
    let b = stack.another_merchant(&unique("m_other_")).await;
    let mut t = Tenants {
        stack: &stack,
        other_key: b.api_key.clone(),
        covered: BTreeSet::new(),
    };

    // A's things: a delivered shipment (so A has analytics), a template, an endpoint.
    let tracking_number = unique("1ZTENANT");
    let order_number = unique("ORDER-");
    let registered = stack
        .register(
            &a.api_key,
            &json!({
                "tracking_number": tracking_number,
                "carrier": "ups",
                "order_number": order_number,
                "customer": {"name": "Ada A", "email": "ada@example.com", "locale": "en"}
            }),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    let shipment_id = registered.body["id"].as_str().unwrap().to_owned();
    let delivered_at = Utc::now() - Duration::hours(1);
    let body = generic_event(&tracking_number, "delivered", delivered_at, "Delivered");
    let posted = stack
        .post_generic(
            &a.merchant_id,
            &a.webhook_secrets["generic"],
            &unique("msg_"),
            &body,
        )
        .await;
    assert_eq!(posted.status, 202, "{}", posted.body);
    stack
        .wait_for_shipment(&a.api_key, &shipment_id, "delivery", |s| {
            s["status"] == "delivered"
        })
        .await;
    let template = "/v1/templates/delivered/sms/en";
    let a_template = json!({"body": "A's own words for {{ tracking_number }}"});
    let put = t
        .call(
            &a.api_key,
            "PUT",
            "/v1/templates/{milestone}/{channel}/{locale}",
            template,
            Some(a_template.clone()),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let endpoint = t
        .call(
            &a.api_key,
            "POST",
            "/v1/webhook-endpoints",
            "/v1/webhook-endpoints",
            Some(json!({"url": "https://hooks.a.example.com/afterclick"})),
        )
        .await;
    assert_eq!(endpoint.status, 201, "{}", endpoint.body);
    let endpoint_id = endpoint.body["id"].as_str().unwrap().to_owned();
    let a_endpoint_secret = endpoint.body["secret"].as_str().unwrap().to_owned();
    let a_keys = t
        .call(&a.api_key, "GET", "/v1/api-keys", "/v1/api-keys", None)
        .await;
    let a_key_ids = ids(&a_keys.body, "keys", "key_id");
    let a_settings = t
        .call(&a.api_key, "GET", "/v1/settings", "/v1/settings", None)
        .await;

    // B aims at A's shipment: 404, never 403, and nothing changes.
    let shipment_path = format!("/v1/shipments/{shipment_id}");
    let route = "/v1/shipments/{id}";
    assert_eq!(
        t.call(&b.api_key, "GET", route, &shipment_path, None)
            .await
            .status,
        404
    );
    let patch = t
        .call(
            &b.api_key,
            "PATCH",
            route,
            &shipment_path,
            Some(json!({"customer": {"name": "Mallory"}})),
        )
        .await;
    assert_eq!(patch.status, 404, "{}", patch.body);
    assert_eq!(
        t.call(&b.api_key, "DELETE", route, &shipment_path, None)
            .await
            .status,
        404
    );
    let resend = t
        .call(
            &b.api_key,
            "POST",
            "/v1/shipments/{id}/notifications/resend",
            &format!("{shipment_path}/notifications/resend"),
            Some(json!({"milestone": "delivered", "channel": "email"})),
        )
        .await;
    assert_eq!(resend.status, 404, "{}", resend.body);
    // A's timeline, even with a cursor of A's own, is as unknown to B.
    let events = t
        .call(
            &b.api_key,
            "GET",
            "/v1/shipments/{id}/events",
            &format!("{shipment_path}/events?before=4102444800000_0123456789abcdef01234567"),
            None,
        )
        .await;
    assert_eq!(events.status, 404, "{}", events.body);
    let a_view = stack.shipment(&a.api_key, &shipment_id).await;
    assert_eq!(a_view.body["customer"]["name"], "Ada A");
    assert_eq!(a_view.body["customer"]["email"], "ada@example.com");

    // B's list, even filtered by A's order number, never shows A's shipment.
    let list = "/v1/shipments";
    let filtered = t
        .call(
            &b.api_key,
            "GET",
            list,
            &format!("{list}?order_number={order_number}"),
            None,
        )
        .await;
    assert_eq!(filtered.status, 200, "{}", filtered.body);
    assert!(ids(&filtered.body, "items", "id").is_empty());
    // B registering the same tracking number gets its own shipment.
    let own = t
        .call(
            &b.api_key,
            "POST",
            list,
            list,
            Some(json!({
                "tracking_number": tracking_number,
                "carrier": "ups",
                "order_number": order_number,
                "customer": {"name": "Bob B", "email": "bob@example.com"}
            })),
        )
        .await;
    assert_eq!(own.status, 201, "{}", own.body);
    assert_ne!(own.body["id"], shipment_id);
    let all = t.call(&b.api_key, "GET", list, list, None).await;
    assert_eq!(
        ids(&all.body, "items", "id"),
        vec![own.body["id"].as_str().unwrap().to_owned()]
    );

    // Endpoints.
    let ep_path = format!("/v1/webhook-endpoints/{endpoint_id}");
    assert_eq!(
        t.call(
            &b.api_key,
            "GET",
            "/v1/webhook-endpoints/{id}",
            &ep_path,
            None
        )
        .await
        .status,
        404
    );
    assert_eq!(
        t.call(
            &b.api_key,
            "GET",
            "/v1/webhook-endpoints/{id}/deliveries",
            &format!("{ep_path}/deliveries"),
            None
        )
        .await
        .status,
        404
    );
    let rotate = t
        .call(
            &b.api_key,
            "POST",
            "/v1/webhook-endpoints/{id}/rotate-secret",
            &format!("{ep_path}/rotate-secret"),
            None,
        )
        .await;
    assert_eq!(rotate.status, 404, "{}", rotate.body);
    assert!(rotate.body.get("secret").is_none());
    let a_stored = stack
        .devstack
        .store
        .endpoint(&a.merchant_id, &endpoint_id)
        .await
        .unwrap()
        .unwrap();
    let a_secret = stack
        .devstack
        .store
        .open(&a.merchant_id, &a_stored.secret)
        .await
        .unwrap();
    assert_eq!(
        (a_secret.as_str(), a_stored.previous_secret),
        (a_endpoint_secret.as_str(), None),
        "A's endpoint still signs with A's secret alone"
    );
    assert_eq!(
        t.call(
            &b.api_key,
            "DELETE",
            "/v1/webhook-endpoints/{id}",
            &ep_path,
            None
        )
        .await
        .status,
        404
    );
    let b_endpoints = t
        .call(
            &b.api_key,
            "GET",
            "/v1/webhook-endpoints",
            "/v1/webhook-endpoints",
            None,
        )
        .await;
    assert!(!ids(&b_endpoints.body, "endpoints", "id").contains(&endpoint_id));
    // B's own endpoint is B's alone: A's list does not grow.
    let b_endpoint = t
        .call(
            &b.api_key,
            "POST",
            "/v1/webhook-endpoints",
            "/v1/webhook-endpoints",
            Some(json!({"url": "https://hooks.b.example.com/afterclick"})),
        )
        .await;
    assert_eq!(b_endpoint.status, 201, "{}", b_endpoint.body);
    let a_endpoints = t
        .call(
            &a.api_key,
            "GET",
            "/v1/webhook-endpoints",
            "/v1/webhook-endpoints",
            None,
        )
        .await;
    assert_eq!(
        ids(&a_endpoints.body, "endpoints", "id"),
        vec![endpoint_id.clone()]
    );
    assert_eq!(
        t.call(
            &a.api_key,
            "GET",
            "/v1/webhook-endpoints/{id}",
            &ep_path,
            None
        )
        .await
        .status,
        200
    );

    // Templates: B sees, replaces and deletes only its own.
    let template_route = "/v1/templates/{milestone}/{channel}/{locale}";
    assert_eq!(
        t.call(&b.api_key, "GET", template_route, template, None)
            .await
            .status,
        404
    );
    let b_put = t
        .call(
            &b.api_key,
            "PUT",
            template_route,
            template,
            Some(json!({"body": "B's words"})),
        )
        .await;
    assert_eq!(b_put.status, 200, "{}", b_put.body);
    let preview = t
        .call(
            &b.api_key,
            "POST",
            "/v1/templates/{milestone}/{channel}/{locale}/preview",
            &format!("{template}/preview"),
            Some(json!({"body": "Preview by {{ brand.name }}"})),
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        !preview.body.to_string().contains("Demo Shop"),
        "{}",
        preview.body
    );
    assert_eq!(
        t.call(&b.api_key, "DELETE", template_route, template, None)
            .await
            .status,
        204
    );
    let a_still = t
        .call(&a.api_key, "GET", template_route, template, None)
        .await;
    assert_eq!(a_still.status, 200);
    assert_eq!(a_still.body["body"], a_template["body"]);

    // Settings.
    let b_settings = t
        .call(&b.api_key, "GET", "/v1/settings", "/v1/settings", None)
        .await;
    assert_eq!(b_settings.body["brand_name"], "Other Shop");
    let mut changed = b_settings.body.clone();
    changed["brand_name"] = json!("Other Shop Renamed");
    let put = t
        .call(
            &b.api_key,
            "PUT",
            "/v1/settings",
            "/v1/settings",
            Some(changed),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let a_after = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/settings"))
                .bearer_auth(&a.api_key),
        )
        .await;
    assert_eq!(a_after.body, a_settings.body);
    // GA4: A links a property; B's link and unlink touch only B's.
    let ga4 = "/v1/settings/ga4";
    let a_link = t
        .call(
            &a.api_key,
            "PUT",
            ga4,
            ga4,
            Some(json!({"measurement_id": "G-SHOPA123", "api_secret": "a-secret-123"})),
        )
        .await;
    assert_eq!(a_link.status, 200, "{}", a_link.body);
    assert_eq!(
        t.call(&b.api_key, "GET", ga4, ga4, None).await.status,
        404,
        "B has none linked"
    );
    let b_link = t
        .call(
            &b.api_key,
            "PUT",
            ga4,
            ga4,
            Some(json!({"measurement_id": "G-SHOPB123", "api_secret": "b-secret-123"})),
        )
        .await;
    assert_eq!(b_link.status, 200, "{}", b_link.body);
    assert_eq!(
        t.call(&b.api_key, "DELETE", ga4, ga4, None).await.status,
        204
    );
    let a_ga4 = t.call(&a.api_key, "GET", ga4, ga4, None).await;
    assert_eq!(a_ga4.body["measurement_id"], "G-SHOPA123", "{}", a_ga4.body);
    assert!(!a_ga4.body.to_string().contains("a-secret-123"));

    // Keys and secrets: B's rotations leave A's key and A's webhook secret working.
    let b_keys = t
        .call(&b.api_key, "GET", "/v1/api-keys", "/v1/api-keys", None)
        .await;
    assert!(
        ids(&b_keys.body, "keys", "key_id")
            .iter()
            .all(|id| !a_key_ids.contains(id))
    );
    let rotated = t
        .call(
            &b.api_key,
            "POST",
            "/v1/api-keys/rotate",
            "/v1/api-keys/rotate",
            None,
        )
        .await;
    assert_eq!(rotated.status, 201, "{}", rotated.body);
    let secret = t
        .call(
            &b.api_key,
            "POST",
            "/v1/webhook-secrets/{provider}/rotate",
            "/v1/webhook-secrets/generic/rotate",
            None,
        )
        .await;
    assert_eq!(secret.status, 200, "{}", secret.body);
    let still_a = stack.shipment(&a.api_key, &shipment_id).await;
    assert_eq!(still_a.status, 200);
    let later = generic_event(&tracking_number, "delivered", delivered_at, "Delivered");
    let verified = stack
        .post_generic(
            &a.merchant_id,
            &a.webhook_secrets["generic"],
            &unique("msg_"),
            &later,
        )
        .await;
    assert_eq!(
        verified.status, 202,
        "A's secret still verifies: {}",
        verified.body
    );

    // Analytics: A's delivery is A's alone.
    let today = Utc::now().date_naive();
    let range = format!(
        "/v1/analytics/carriers?from={}&to={today}",
        today - Duration::days(31)
    );
    let delivered = |report: &Value| -> u64 {
        report["carriers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["delivered"].as_u64().unwrap())
            .sum()
    };
    let b_report = t
        .call(&b.api_key, "GET", "/v1/analytics/carriers", &range, None)
        .await;
    assert_eq!(b_report.status, 200, "{}", b_report.body);
    assert_eq!(delivered(&b_report.body), 0, "{}", b_report.body);
    let a_report = stack
        .send(stack.http.get(stack.url(&range)).bearer_auth(&a.api_key))
        .await;
    assert_eq!(delivered(&a_report.body), 1, "{}", a_report.body);

    // Orders and store connections: B never sees A's order nor A's shop; B's connection
    // is B's own, and disconnecting it leaves A's.
    let order_route = "/v1/orders/{order_number}";
    let b_order = t
        .call(
            &b.api_key,
            "GET",
            order_route,
            &format!("/v1/orders/{order_number}"),
            None,
        )
        .await;
    // B registered a shipment under the same order number: B's order is B's parcel alone.
    let parcel_ids = |order: &Value| -> Vec<String> {
        order["parcels"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .map(|p| p["id"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(
        !parcel_ids(&b_order.body).contains(&shipment_id),
        "{}",
        b_order.body
    );
    let a_order = stack
        .send(
            stack
                .http
                .get(stack.url(&format!("/v1/orders/{order_number}")))
                .bearer_auth(&a.api_key),
        )
        .await;
    assert_eq!(
        parcel_ids(&a_order.body),
        std::slice::from_ref(&shipment_id),
        "{}",
        a_order.body
    );
    let shop = |name: &str| json!({"shop_domain": format!("{name}.myshopify.com"), "secret": "secret-of-the-shop"});
    let a_connected = stack
        .send(
            stack
                .http
                .put(stack.url("/v1/integrations/shopify"))
                .bearer_auth(&a.api_key)
                .json(&shop("shop-a")),
        )
        .await;
    assert_eq!(a_connected.status, 201, "{}", a_connected.body);
    let integration = "/v1/integrations/{platform}";
    let b_sees = t
        .call(
            &b.api_key,
            "GET",
            integration,
            "/v1/integrations/shopify",
            None,
        )
        .await;
    assert_eq!(b_sees.body["connected"], false, "{}", b_sees.body);
    let b_list = t
        .call(
            &b.api_key,
            "GET",
            "/v1/integrations",
            "/v1/integrations",
            None,
        )
        .await;
    assert!(
        b_list.body["integrations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["connected"] == false && i["shop"].is_null()),
        "{}",
        b_list.body
    );
    let b_put = t
        .call(
            &b.api_key,
            "PUT",
            integration,
            "/v1/integrations/shopify",
            Some(shop("shop-b")),
        )
        .await;
    assert_eq!(b_put.status, 201, "{}", b_put.body);
    let b_delete = t
        .call(
            &b.api_key,
            "DELETE",
            integration,
            "/v1/integrations/shopify",
            None,
        )
        .await;
    assert_eq!(b_delete.status, 204);
    let a_still = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/integrations/shopify"))
                .bearer_auth(&a.api_key),
        )
        .await;
    assert_eq!(
        (&a_still.body["connected"], &a_still.body["shop"]),
        (&json!(true), &json!("shop-a.myshopify.com"))
    );

    // A's invoice: B uploading the same file makes B's own import (matched to B's own
    // shipment of that number, never A's),
    // and B reads none of A's imports, claims or guarantee table.
    let invoice_file = |number: &str| {
        use afterclick_domain::invoices::generate::{UpsRow, ups_csv};
        let day = Utc::now().date_naive() - Duration::days(10);
        let rows = [
            UpsRow::freight(&tracking_number, day, "Ground", "9.80"),
            UpsRow::freight(&tracking_number, day, "Ground", "9.80"),
        ];
        ups_csv(number, day, &rows)
    };
    let upload = |key: String, body: String| {
        stack.send(
            stack
                .http
                .post(stack.url("/v1/invoices"))
                .bearer_auth(key)
                .header("content-type", "text/csv")
                .body(body),
        )
    };
    let a_invoice = upload(a.api_key.clone(), invoice_file("T-1")).await;
    assert_eq!(a_invoice.status, 201, "{}", a_invoice.body);
    assert_eq!(a_invoice.body["matched"], 1);
    let a_invoice_id = a_invoice.body["id"].as_str().unwrap().to_owned();
    t.covered.insert(("POST".into(), "/v1/invoices".into()));
    let b_invoice = upload(b.api_key.clone(), invoice_file("T-1")).await;
    assert_eq!(b_invoice.status, 201, "{}", b_invoice.body);
    let b_claims = stack
        .send(
            stack
                .http
                .get(stack.url(&format!(
                    "/v1/invoices/{}/claims",
                    b_invoice.body["id"].as_str().unwrap()
                )))
                .bearer_auth(&b.api_key),
        )
        .await;
    assert_eq!(
        b_claims.body["claims"][0]["shipment_id"], own.body["id"],
        "B's import matched B's own shipment of that number, not A's: {}",
        b_claims.body
    );
    assert_ne!(b_invoice.body["id"], a_invoice.body["id"]);
    for route in ["/v1/invoices/{id}", "/v1/invoices/{id}/claims"] {
        let path = route.replace("{id}", &a_invoice_id);
        let r = t.call(&b.api_key, "GET", route, &path, None).await;
        assert_eq!(r.status, 404, "{route}: {}", r.body);
    }
    let b_list = t
        .call(&b.api_key, "GET", "/v1/invoices", "/v1/invoices", None)
        .await;
    assert_eq!(
        ids(&b_list.body, "invoices", "id"),
        vec![b_invoice.body["id"].as_str().unwrap().to_owned()]
    );
    let b_due = t
        .call(
            &b.api_key,
            "GET",
            "/v1/claims",
            "/v1/claims?due_within_days=366",
            None,
        )
        .await;
    assert!(
        b_due.body["claims"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["invoice_id"] != a_invoice_id.as_str()),
        "{}",
        b_due.body
    );
    let b_rules = json!({"rules": [{"carrier": "ups", "services": ["*"], "guaranteed": true}]});
    let put = t
        .call(
            &b.api_key,
            "PUT",
            "/v1/guarantees",
            "/v1/guarantees",
            Some(b_rules),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let b_table = t
        .call(&b.api_key, "GET", "/v1/guarantees", "/v1/guarantees", None)
        .await;
    assert_eq!(b_table.body["defaults"], false);
    let a_table = t
        .call(&a.api_key, "GET", "/v1/guarantees", "/v1/guarantees", None)
        .await;
    assert_eq!(a_table.body["defaults"], true, "B's table is B's");
    let a_claims = t
        .call(
            &a.api_key,
            "GET",
            "/v1/invoices/{id}/claims",
            &format!("/v1/invoices/{a_invoice_id}/claims"),
            None,
        )
        .await;
    assert_eq!(a_claims.body["totals"]["count"], 1, "{}", a_claims.body);

    // B's order lookup form does not find A's order, even with A's customer's email.
    t.covered
        .insert(("POST".into(), "/lookup/{merchant_id}".into()));
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let lookup = |merchant: String| {
        no_redirects
            .post(stack.url(&format!("/lookup/{merchant}")))
            .form(&[
                ("order_number", order_number.as_str()),
                ("email", "ada@example.com"),
            ])
            .send()
    };
    let on_a = lookup(a.merchant_id.clone()).await.unwrap();
    assert_eq!(on_a.status(), 303, "A's own form finds the order");
    let on_b = lookup(b.merchant_id.clone()).await.unwrap();
    assert_eq!(on_b.status(), 404);
    assert!(on_b.headers().get("location").is_none());

    // The dashboard: B, signed in with B's key, finds nothing of A's and changes nothing.
    let dashboard = crate::dashboard::Dashboard::sign_in(&stack, &b.api_key).await;
    let a_page = dashboard
        .get(&format!("/app/shipments/{shipment_id}"))
        .await;
    assert_eq!(a_page.status, 404);
    let a_handled = dashboard
        .post(&format!("/app/shipments/{shipment_id}/handled"), &[])
        .await;
    assert_eq!(a_handled.status, 404);
    let a_edit = dashboard
        .post(
            &format!("/app/shipments/{shipment_id}/edit"),
            &[("email", "mallory@example.com")],
        )
        .await;
    assert_eq!(a_edit.status, 404);
    let a_erase = dashboard
        .post(
            &format!("/app/shipments/{shipment_id}/erase"),
            &[("confirm", "erase")],
        )
        .await;
    assert_eq!(a_erase.status, 404);
    let a_resend = dashboard
        .post(
            &format!("/app/shipments/{shipment_id}/resend"),
            &[("milestone", "delivered"), ("channel", "email")],
        )
        .await;
    assert_eq!(a_resend.status, 404);
    for page in ["message", "message/html"] {
        let a_message = dashboard
            .get(&format!(
                "/app/shipments/{shipment_id}/{page}?milestone=delivered&channel=email"
            ))
            .await;
        assert_eq!(a_message.status, 404, "{page}");
    }
    let still = stack.shipment(&a.api_key, &shipment_id).await;
    assert_eq!(still.body["customer"]["email"], "ada@example.com");
    for search in [
        format!("/app/shipments?q={tracking_number}"),
        format!("/app/shipments?q={order_number}"),
        "/app/shipments?q=ada%40example.com".to_owned(),
        "/app/shipments".to_owned(),
        "/app?handled=show".to_owned(),
        "/app/attention.csv?handled=show".to_owned(),
    ] {
        let found = dashboard.get(&search).await;
        assert_eq!(found.status, 200, "{search}");
        assert!(!found.body.contains(&shipment_id), "{search}");
    }
    // A's endpoint and A's template are not B's; B's settings page shows B's own.
    let a_endpoint = dashboard
        .get(&format!("/app/settings/endpoints/{endpoint_id}"))
        .await;
    assert_eq!(a_endpoint.status, 404);
    let settings = dashboard.get("/app/settings").await;
    assert_eq!(settings.status, 200);
    assert!(!settings.body.contains(&endpoint_id));
    let preview = dashboard
        .get("/app/settings/preview/delivered/sms/en")
        .await;
    assert_eq!(preview.status, 200);
    assert!(!preview.body.contains("A's own words"));
    // B deleting "its" template from the dashboard leaves A's in place.
    let b_delete = dashboard
        .post(
            "/app/settings/preview/delivered/sms/en",
            &[("action", "delete")],
        )
        .await;
    assert_eq!(b_delete.status, 303);
    let a_still = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/templates/delivered/sms/en"))
                .bearer_auth(&a.api_key),
        )
        .await;
    assert_eq!(a_still.status, 200);
    assert_eq!(
        a_still.body["body"],
        "A's own words for {{ tracking_number }}"
    );
    let html = dashboard
        .get("/app/settings/preview/delivered/email/en/html")
        .await;
    assert_eq!(html.status, 200);
    // A form that changes nothing of A's: B's own settings, refused for B's unverified sender.
    let b_settings = dashboard
        .post("/app/settings", &[("brand_name", "Mallory")])
        .await;
    assert_eq!(b_settings.status, 422);
    // B unlinking from B's dashboard leaves A's property linked.
    let b_unlink = dashboard
        .post("/app/settings/ga4", &[("unlink", "1")])
        .await;
    assert_eq!(b_unlink.status, 303);
    let a_ga4 = stack
        .send(
            stack
                .http
                .get(stack.url("/v1/settings/ga4"))
                .bearer_auth(&a.api_key),
        )
        .await;
    assert_eq!(a_ga4.status, 200);
    // B's carrier page reads B's counters only (the unit tests tell the shops' figures apart).
    let carriers = dashboard.get("/app/carriers").await;
    assert_eq!(carriers.status, 200);
    assert!(!carriers.body.contains(&tracking_number));
    // A's suppression list: B neither sees the address nor lifts it.
    let suppressed = afterclick_domain::email_events::Suppression {
        merchant_id: a.merchant_id.clone(),
        email_hash: afterclick_domain::listing::email_hash("bounced-a@example.com"),
        masked: "b***@example.com".into(),
        reason: afterclick_domain::email_events::SuppressionReason::Bounced,
        at: Utc::now(),
        tracking_number: tracking_number.clone(),
        detail: None,
    };
    assert!(
        afterclick_domain::ports::SuppressionList::suppress(&stack.devstack.store, &suppressed)
            .await
            .unwrap()
    );
    let notifications = dashboard.get("/app/notifications").await;
    assert_eq!(notifications.status, 200);
    assert!(!notifications.body.contains("b***@example.com"));
    let lift = dashboard
        .post(
            "/app/suppressions/lift",
            &[(
                "hash",
                afterclick_domain::listing::email_hash("bounced-a@example.com").as_str(),
            )],
        )
        .await;
    assert_eq!(lift.status, 303);
    assert_eq!(
        afterclick_domain::ports::SuppressionList::suppressed(
            &stack.devstack.store,
            &a.merchant_id,
            "bounced-a@example.com"
        )
        .await
        .unwrap(),
        Some(afterclick_domain::email_events::SuppressionReason::Bounced)
    );
    let out = dashboard.post("/app/sign-out", &[]).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location, "/app/sign-in");
    for (method, route) in PUBLIC.iter().chain(&DASHBOARD) {
        t.covered.insert((method.to_string(), route.to_string()));
    }
    let routes: BTreeSet<(String, String)> = afterclick_api::table::<DynamoStore, SesIdentities>()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    let missing: Vec<_> = routes.difference(&t.covered).collect();
    assert!(
        missing.is_empty(),
        "routes this test does not cover yet: {missing:?}"
    );
    stack.devstack.stop().await;
}
