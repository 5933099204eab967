//! Carrier invoices through the whole stack: shipments tracked by signed carrier webhooks,
//! then a month's UPS billing data and FedEx invoice uploaded to the API, audited on
//! DynamoDB Local, their claims read as JSON and CSV, `claims.ready` delivered to the
//! merchant's endpoint by the dispatch function once, and hostile files refused whole.
//! Every date is relative to the stack's clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::invoices::generate::{FedexRow, UpsRow, fedex_csv, ups_csv};
use afterclick_e2e::{Response, Stack, unique};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde_json::{Value, json};
use std::io::Write;
use std::sync::{Arc, Mutex};

type Inbox = Arc<Mutex<Vec<Value>>>;

/// Keeps the `claims.ready` events (the endpoint hears every shipment moment too).
async fn receive(State(inbox): State<Inbox>, body: Bytes) -> axum::http::StatusCode {
    if let Ok(v) = serde_json::from_slice::<Value>(&body)
        && v["type"] == "claims.ready"
    {
        inbox.lock().unwrap().push(v);
    }
    axum::http::StatusCode::NO_CONTENT
}

async fn receiver() -> (Inbox, String) {
    let inbox = Inbox::default();
    let app = Router::new()
        .route("/claims", post(receive))
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/claims", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (inbox, url)
}

async fn upload(stack: &Stack, key: &str, body: Vec<u8>, gzip: bool) -> Response {
    let mut request = stack
        .http
        .post(stack.url("/v1/invoices"))
        .bearer_auth(key)
        .header("content-type", "text/csv");
    let body = if gzip {
        request = request.header("content-encoding", "gzip");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&body).unwrap();
        gz.finish().unwrap()
    } else {
        body
    };
    stack.send(request.body(body)).await
}

async fn get(stack: &Stack, key: &str, path: &str) -> Response {
    stack
        .send(stack.http.get(stack.url(path)).bearer_auth(key))
        .await
}

/// A registered shipment, scanned by its carrier through the signed generic webhook.
async fn tracked(
    stack: &Stack,
    carrier: &str,
    extra: Value,
    scans: &[(&str, DateTime<Utc>, Option<NaiveDate>)],
) -> (String, String) {
    let info = stack.info();
    let tracking_number = unique(if carrier == "ups" { "1ZINV" } else { "7946" }).to_uppercase();
    let mut body = json!({
        "tracking_number": tracking_number,
        "carrier": carrier,
        "order_number": unique("INV-ORDER-"),
        "customer": {"name": "Ada", "email": "ada@example.com", "locale": "en"},
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let registered = stack.register(&info.api_key, &body).await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    let id = registered.body["id"].as_str().unwrap().to_owned();
    for (status, at, estimate) in scans {
        let mut event =
            json!({"occurred_at": at.to_rfc3339(), "status": status, "description": status});
        if let Some(d) = estimate {
            event["estimated_delivery"] = json!(d.to_string());
        }
        let payload =
            json!({"tracking_number": tracking_number, "carrier": carrier, "events": [event]});
        let posted = stack
            .post_generic(
                &info.merchant_id,
                &info.webhook_secrets["generic"],
                &unique("msg_"),
                &serde_json::to_vec(&payload).unwrap(),
            )
            .await;
        assert_eq!(posted.status, 202, "{}", posted.body);
    }
    if let Some((last, _, _)) = scans.last() {
        let want = (*last).to_owned();
        stack
            .wait_for_shipment(&info.api_key, &id, "its last scan", |s| s["status"] == want)
            .await;
    }
    (tracking_number, id)
}

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour, 0, 0).unwrap().and_utc()
}

fn kinds(claims: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = claims["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["tracking_number"].as_str().unwrap().to_owned(),
                c["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_months_invoices_give_the_claims_they_are_owed_once() {
    let stack = Stack::start().await;
    let key = stack.info().api_key.clone();
    let (inbox, url) = receiver().await;
    let endpoint = stack
        .send(
            stack
                .http
                .post(stack.url("/v1/webhook-endpoints"))
                .bearer_auth(&key)
                .json(&json!({"url": url})),
        )
        .await;
    assert_eq!(endpoint.status, 201, "{}", endpoint.body);

    let today = Utc::now().date_naive();
    let ship = today - Days::new(10);
    let next = ship + Days::new(1);
    let invoice_date = today - Days::new(3);
    let in_transit = |d: NaiveDate| ("in_transit", at(ship, 20), Some(d));
    // Next Day Air, promised for the next day in tracking, delivered a day and a half late.
    let (late, late_id) = tracked(
        &stack,
        "ups",
        json!({}),
        &[
            in_transit(next),
            ("delivered", at(ship + Days::new(2), 18), None),
        ],
    )
    .await;
    // The same service on time (15:00 UTC on the day: before its end anywhere).
    let (on_time, _) = tracked(
        &stack,
        "ups",
        json!({}),
        &[in_transit(next), ("delivered", at(next, 15), None)],
    )
    .await;
    // Ground, billed twice.
    let (twice, _) = tracked(
        &stack,
        "ups",
        json!({}),
        &[
            in_transit(ship + Days::new(4)),
            ("delivered", at(ship + Days::new(3), 15), None),
        ],
    )
    .await;
    // A label never scanned.
    let (never, _) = tracked(&stack, "ups", json!({}), &[]).await;
    // Delivered to the destination registered, billed an address correction.
    let (corrected, _) = tracked(
        &stack,
        "ups",
        json!({"destination_country": "US", "destination_postal_code": "94107"}),
        &[
            in_transit(ship + Days::new(4)),
            ("delivered", at(ship + Days::new(3), 15), None),
        ],
    )
    .await;
    // FedEx Priority Overnight delivered late (the invoice's proof of delivery), and Home
    // Delivery late too, whose guarantee stays suspended.
    let (fx_late, _) = tracked(
        &stack,
        "fedex",
        json!({}),
        &[
            in_transit(next),
            ("delivered", at(ship + Days::new(2), 19), None),
        ],
    )
    .await;
    let (fx_home, _) = tracked(
        &stack,
        "fedex",
        json!({}),
        &[
            in_transit(next),
            ("delivered", at(ship + Days::new(3), 19), None),
        ],
    )
    .await;
    let unknown = unique("1ZNOBODY").to_uppercase();

    let formula = "=HYPERLINK(\"http://evil.example\",\"Ground\")";
    let mut fee = UpsRow::address_correction(&corrected, ship, "21.00");
    fee.receiver_postal = "94107-1234".into();
    let ups_rows = vec![
        UpsRow::freight(&late, ship, "Next Day Air", "24.10"),
        UpsRow::fuel(&late, ship, "3.05"),
        UpsRow::freight(&on_time, ship, "Next Day Air", "24.10"),
        UpsRow::freight(&twice, ship, formula, "9.80"),
        UpsRow::freight(&twice, ship, formula, "9.80"),
        UpsRow::freight(&never, ship, "Ground", "8.40"),
        UpsRow::fuel(&never, ship, "1.10"),
        UpsRow::freight(&corrected, ship, "Ground", "9.80"),
        fee,
        UpsRow::freight(&unknown, ship, "Ground", "7.00"),
    ];
    let ups_file = ups_csv("0000A1B2C3-47", invoice_date, &ups_rows);
    let imported = upload(&stack, &key, ups_file.clone().into_bytes(), false).await;
    assert_eq!(imported.status, 201, "{}", imported.body);
    let ups = imported.body;
    assert_eq!(
        (ups["rows"].as_u64(), ups["packages"].as_u64()),
        (Some(10), Some(6))
    );
    assert_eq!(
        (ups["matched"].as_u64(), ups["unmatched"].as_u64()),
        (Some(5), Some(1))
    );
    assert_eq!(ups["unmatched_tracking_numbers"], json!([unknown]));
    assert_eq!(ups["billed"], "118.15");
    assert_eq!(ups["claimable"], "64.40");
    let ups_id = ups["id"].as_str().unwrap().to_owned();

    let claims = get(&stack, &key, &format!("/v1/invoices/{ups_id}/claims")).await;
    assert_eq!(claims.status, 200, "{}", claims.body);
    let mut want = vec![
        (
            "address_correction".to_owned(),
            corrected.clone(),
            "21.00".to_owned(),
        ),
        ("duplicate_charge".into(), twice.clone(), "9.80".into()),
        ("late_delivery".into(), late.clone(), "24.10".into()),
        ("never_scanned".into(), never.clone(), "9.50".into()),
    ];
    want.sort();
    assert_eq!(kinds(&claims.body), want);
    let late_claim = claims.body["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "late_delivery")
        .unwrap();
    assert_eq!(late_claim["shipment_id"], late_id.as_str());
    assert_eq!(late_claim["evidence"]["scheduled_on"], next.to_string());
    assert_eq!(late_claim["deadline"], (ship + Days::new(17)).to_string());
    assert_eq!(late_claim["deadline_passed"], false);
    assert_eq!(
        claims.body["totals"]["by_carrier"]["ups"]["amount"],
        "64.40"
    );

    // The CSV to submit: one row per claim, the invoice's formula inert.
    let csv = stack
        .text(
            stack
                .http
                .get(stack.url(&format!("/v1/invoices/{ups_id}/claims?format=csv")))
                .bearer_auth(&key),
        )
        .await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let service = headers.iter().position(|h| h == "service").unwrap();
    let dup = rows.iter().find(|r| &r[5] == "duplicate_charge").unwrap();
    assert_eq!(&dup[service], format!("'{formula}"));

    // FedEx: the late Priority Overnight only.
    let mut fx_row = FedexRow::new(&fx_late, "Priority Overnight", ship, "31.40");
    fx_row.pod = Some((ship + Days::new(2)).and_hms_opt(14, 5, 0).unwrap());
    let mut home = FedexRow::new(&fx_home, "Home Delivery", ship, "12.00");
    home.pod = Some((ship + Days::new(3)).and_hms_opt(14, 0, 0).unwrap());
    let fedex_file = fedex_csv("7-123-45678", invoice_date, &[fx_row, home]);
    let fedex = upload(&stack, &key, fedex_file.into_bytes(), true).await;
    assert_eq!(fedex.status, 201, "{}", fedex.body);
    assert_eq!(fedex.body["carrier"], "fedex");
    assert_eq!(fedex.body["claimable"], "31.40");
    let fedex_id = fedex.body["id"].as_str().unwrap().to_owned();
    let fx_claims = get(&stack, &key, &format!("/v1/invoices/{fedex_id}/claims")).await;
    assert_eq!(
        kinds(&fx_claims.body),
        vec![("late_delivery".into(), fx_late.clone(), "31.40".into())]
    );
    // 15 days from the earlier of the invoice date and the delivery.
    assert_eq!(
        fx_claims.body["claims"][0]["deadline"],
        (ship + Days::new(17)).to_string()
    );

    // Due within 30 days, across both invoices, soonest first.
    let due = get(&stack, &key, "/v1/claims?due_within_days=30").await;
    assert_eq!(due.body["totals"]["count"], 5, "{}", due.body);
    assert_eq!(due.body["totals"]["amount"], "95.80");
    let deadlines: Vec<&str> = due.body["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["deadline"].as_str().unwrap())
        .collect();
    let mut sorted = deadlines.clone();
    sorted.sort();
    assert_eq!(deadlines, sorted);

    // claims.ready: one per invoice with claims, through dispatch.
    for _ in 0..100 {
        if inbox.lock().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let received = inbox.lock().unwrap().clone();
    assert_eq!(received.len(), 2, "{received:#?}");
    let ready = received
        .iter()
        .find(|b| b["data"]["invoice_id"] == ups_id.as_str())
        .unwrap();
    assert_eq!(ready["type"], "claims.ready");
    assert_eq!(ready["data"]["claims"], 4);
    assert_eq!(ready["data"]["claimable"], "64.40");

    // The same file again changes nothing and sends nothing; another under its number is
    // refused.
    let again = upload(&stack, &key, ups_file.clone().into_bytes(), true).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["id"], ups_id.as_str());
    let changed = ups_file.replace(",9.80,", ",19.80,");
    let refused = upload(&stack, &key, changed.into_bytes(), false).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(refused.body["type"], "/problems/invoice-conflict");
    let endpoint_id = endpoint.body["id"].as_str().unwrap();
    let deliveries = get(
        &stack,
        &key,
        &format!("/v1/webhook-endpoints/{endpoint_id}/deliveries"),
    )
    .await;
    let ready_count = deliveries.body["items"]
        .as_array()
        .or(deliveries.body["deliveries"].as_array())
        .unwrap()
        .iter()
        .filter(|d| d["event_type"] == "claims.ready")
        .count();
    assert_eq!(ready_count, 2, "{}", deliveries.body);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(inbox.lock().unwrap().len(), 2);

    // Hostile files: a clear problem naming the place; nothing stored.
    let semicolons = ups_csv("HOSTILE-1", invoice_date, &ups_rows[..2]).replace(',', ";");
    let r = upload(&stack, &key, semicolons.into_bytes(), false).await;
    assert_eq!(
        (r.status, r.body["line"].as_u64()),
        (422, Some(1)),
        "{}",
        r.body
    );
    let huge = ups_csv("HOSTILE-2", invoice_date, &ups_rows[..2]).replacen(
        "A. Customer",
        &"x".repeat(10 << 20),
        1,
    );
    let r = upload(&stack, &key, huge.into_bytes(), true).await;
    assert_eq!(
        (r.status, r.body["line"].as_u64(), r.body["column"].as_u64()),
        (422, Some(1), Some(53)),
        "{}",
        r.body
    );
    let mut negative = ups_rows[..2].to_vec();
    negative[1].amount = "-3.05".into();
    let r = upload(
        &stack,
        &key,
        ups_csv("HOSTILE-3", invoice_date, &negative).into_bytes(),
        false,
    )
    .await;
    assert_eq!(
        (r.status, r.body["field"].as_str()),
        (422, Some("net_amount")),
        "{}",
        r.body
    );
    let list = get(&stack, &key, "/v1/invoices").await;
    assert_eq!(
        list.body["invoices"].as_array().unwrap().len(),
        2,
        "{}",
        list.body
    );
    stack.devstack.stop().await;
}

/// 10,000 charge rows (5,000 parcels, 40 of them tracked) in one gzip upload through the
/// devstack: the size a busy month brings. Time and memory are measured by `make
/// bench-invoice`; this shows the stack takes it whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_thousand_row_invoice_is_imported_whole() {
    let stack = Stack::start().await;
    let key = stack.info().api_key.clone();
    let ship = Utc::now().date_naive() - Days::new(12);
    let mut known = Vec::new();
    for _ in 0..40 {
        known.push(tracked(&stack, "ups", json!({}), &[]).await.0);
    }
    let rows: Vec<UpsRow> = (0..5_000)
        .flat_map(|i| {
            let tn = known
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("1ZBULK{i:012}"));
            [
                UpsRow::freight(&tn, ship, "Ground", "9.80"),
                UpsRow::fuel(&tn, ship, "1.20"),
            ]
        })
        .collect();
    let file = ups_csv("BULK-1", ship + Days::new(5), &rows);
    assert!(file.len() > 4_000_000, "{} bytes", file.len());
    let r = upload(&stack, &key, file.into_bytes(), true).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        (r.body["rows"].as_u64(), r.body["packages"].as_u64()),
        (Some(10_000), Some(5_000))
    );
    assert_eq!(
        (r.body["matched"].as_u64(), r.body["unmatched"].as_u64()),
        (Some(40), Some(4_960))
    );
    // The 40 labels were never scanned.
    assert_eq!(
        r.body["by_kind"]["never_scanned"],
        json!({"count": 40, "amount": "440.00"})
    );
    assert_eq!(
        r.body["unmatched_tracking_numbers"]
            .as_array()
            .unwrap()
            .len(),
        4_960
    );
    stack.devstack.stop().await;
}
