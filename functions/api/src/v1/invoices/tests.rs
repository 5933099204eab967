#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::v1::api_keys::tests::{api, call, now, two_merchants};
use afterclick_domain::fakes::{self, MemoryStore};
use afterclick_domain::invoices::generate::{UpsRow, ups_csv};
use afterclick_domain::ports::EventStore;
use afterclick_domain::status::Status;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{NaiveDate, NaiveDateTime};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::io::Write;
use tower::ServiceExt;

const LATE: &str = "1Z999AA10000000001";
const UNKNOWN: &str = "1Z999AA10000000009";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn file(number: &str, ground: &str) -> String {
    let d = day("2026-11-02");
    ups_csv(
        number,
        day("2026-11-07"),
        &[
            UpsRow::freight(LATE, d, "Next Day Air", "24.10"),
            UpsRow::fuel(LATE, d, "3.05"),
            UpsRow::freight(UNKNOWN, d, "Ground", ground),
        ],
    )
}

async fn late_shipment(store: &MemoryStore, merchant_id: &str) {
    let mut s = fakes::shipment(merchant_id, LATE, "2026-11-02T14:00:00Z".parse().unwrap());
    s.status = Status::Delivered;
    s.first_estimate = Some(day("2026-11-03"));
    store.put_shipment(s);
    let local = NaiveDateTime::parse_from_str("2026-11-04 09:40", "%Y-%m-%d %H:%M").unwrap();
    let event: afterclick_domain::model::TrackingEvent = serde_json::from_value(json!({
        "occurred_at": "2026-11-04T14:40:00Z",
        "status": "delivered",
        "description": "Delivered",
        "provider": "generic",
        "local_time": local,
    }))
    .unwrap();
    store
        .record_event(merchant_id, LATE, &event, now())
        .await
        .unwrap();
}

async fn send(
    api: &Router,
    method: &str,
    uri: &str,
    key: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (StatusCode, String, Vec<(String, String)>) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {key}"));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = api
        .clone()
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        String::from_utf8_lossy(&bytes).into_owned(),
        headers,
    )
}

async fn upload(api: &Router, key: &str, body: &str) -> (StatusCode, Value) {
    let (status, body, _) = send(
        api,
        "POST",
        "/v1/invoices",
        key,
        &[("content-type", "text/csv")],
        body.as_bytes().to_vec(),
    )
    .await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_upload_is_audited_once_and_its_claims_read_as_json_and_csv() {
    let (store, a, b) = two_merchants().await;
    late_shipment(&store, "m_a").await;
    let api = api(&store, now);
    let (status, invoice) = upload(&api, &a, &file("UPS7", "9.80")).await;
    assert_eq!(status, StatusCode::CREATED, "{invoice}");
    assert_eq!(invoice["carrier"], "ups");
    assert_eq!(invoice["invoice_number"], "UPS7");
    assert_eq!(
        (invoice["rows"].as_u64(), invoice["packages"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(
        (invoice["matched"].as_u64(), invoice["unmatched"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(invoice["billed"], "36.95");
    assert_eq!(invoice["claimable"], "24.10");
    assert_eq!(
        invoice["by_kind"]["late_delivery"],
        json!({"count": 1, "amount": "24.10"})
    );
    assert_eq!(invoice["unmatched_tracking_numbers"], json!([UNKNOWN]));
    let id = invoice["id"].as_str().unwrap().to_owned();

    // Again: the same import, unchanged.
    let (status, again) = upload(&api, &a, &file("UPS7", "9.80")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], id.as_str());
    assert_eq!(
        store.all_deliveries().len(),
        0,
        "no endpoints, no claims.ready"
    );

    // Another file under the same number: refused, nothing changed.
    let (status, problem) = upload(&api, &a, &file("UPS7", "19.80")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["type"], "/problems/invoice-conflict");
    let (_, list) = call(&api, "GET", "/v1/invoices", &a).await;
    assert_eq!(list["invoices"].as_array().unwrap().len(), 1);
    assert_eq!(list["invoices"][0]["billed"], "36.95");

    let (status, claims) = call(&api, "GET", &format!("/v1/invoices/{id}/claims"), &a).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(claims["totals"]["count"], 1);
    assert_eq!(claims["totals"]["by_carrier"]["ups"]["amount"], "24.10");
    let claim = &claims["claims"][0];
    assert_eq!(claim["kind"], "late_delivery");
    assert_eq!(claim["tracking_number"], LATE);
    assert_eq!(claim["deadline"], "2026-11-19");
    assert_eq!(claim["deadline_passed"], false);
    assert_eq!(claim["evidence"]["first_attempt"], "2026-11-04T09:40:00");

    let (status, csv, headers) = send(
        &api,
        "GET",
        &format!("/v1/invoices/{id}/claims"),
        &a,
        &[("accept", "text/csv")],
        vec![],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.contains(&("content-type".into(), "text/csv; charset=utf-8".into())));
    assert!(headers.contains(&(
        "content-disposition".into(),
        "attachment; filename=\"claims-ups-UPS7.csv\"".into()
    )));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("claim_id,carrier,invoice_number,tracking_number"));
    assert!(
        lines[1].contains(",late_delivery,Next Day Air,24.10,USD,2026-11-19,false,"),
        "{}",
        lines[1]
    );

    // Another merchant: 404 everywhere, and their list is empty.
    for uri in [
        format!("/v1/invoices/{id}"),
        format!("/v1/invoices/{id}/claims"),
    ] {
        let (status, problem) = call(&api, "GET", &uri, &b).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(problem["type"], "/problems/not-found");
    }
    let (_, list) = call(&api, "GET", "/v1/invoices", &b).await;
    assert_eq!(list["invoices"], json!([]));
    let (_, due) = call(&api, "GET", "/v1/claims", &b).await;
    assert_eq!(due["claims"], json!([]));

    // Due within 14 days of 2026-11-18: the claim due 11-19.
    let (status, due) = call(&api, "GET", "/v1/claims", &a).await;
    assert_eq!(status, StatusCode::OK, "{due}");
    assert_eq!(
        (due["from"].as_str(), due["until"].as_str()),
        (Some("2026-11-18"), Some("2026-12-02"))
    );
    assert_eq!(due["claims"][0]["id"], claim["id"]);
    let (_, none) = call(&api, "GET", "/v1/claims?due_within_days=0", &a).await;
    assert_eq!(none["claims"], json!([]));
    let (status, bad) = call(&api, "GET", "/v1/claims?due_within_days=400", &a).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["field"], "due_within_days");
}

#[tokio::test]
async fn gzip_uploads_and_refusals_that_name_the_place() {
    let (store, a, _) = two_merchants().await;
    let api = api(&store, now);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(file("UPS8", "9.80").as_bytes()).unwrap();
    let (status, body, headers) = send(
        &api,
        "POST",
        "/v1/invoices",
        &a,
        &[("content-type", "text/csv"), ("content-encoding", "gzip")],
        gz.finish().unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "location" && v.starts_with("/v1/invoices/inv_"))
    );

    let negative = file("UPS9", "-9.80");
    let (status, problem) = upload(&api, &a, &negative).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["type"], "/problems/invalid-invoice");
    assert_eq!(
        (problem["line"].as_u64(), problem["column"].as_u64()),
        (Some(3), Some(44))
    );
    assert_eq!(problem["field"], "net_amount");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .ends_with("nothing was saved")
    );

    let (status, problem) = upload(&api, &a, "not;a;csv\n1;2;3\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["line"], 1);

    let (status, _, _) = send(
        &api,
        "POST",
        "/v1/invoices",
        &a,
        &[("content-type", "application/json")],
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _, _) = send(
        &api,
        "POST",
        "/v1/invoices",
        &a,
        &[("content-type", "text/csv"), ("content-encoding", "br")],
        b"x".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, body, _) = send(
        &api,
        "POST",
        "/v1/invoices",
        &a,
        &[("content-type", "text/csv"), ("content-encoding", "gzip")],
        b"not gzip".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body, _) = send(
        &api,
        "POST",
        "/v1/invoices?carrier=dhl",
        &a,
        &[("content-type", "text/csv")],
        file("UPS10", "1.00").into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _, _) = send(
        &api,
        "POST",
        "/v1/invoices",
        &a,
        &[("content-type", "text/csv")],
        vec![b'a'; super::INVOICE_BODY_LIMIT + 1],
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // Only the gzip upload was kept.
    let (_, list) = call(&api, "GET", "/v1/invoices", &a).await;
    assert_eq!(list["invoices"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_guarantee_table_is_the_defaults_until_replaced() {
    let (store, a, b) = two_merchants().await;
    late_shipment(&store, "m_a").await;
    let api = api(&store, now);
    let (status, table) = call(&api, "GET", "/v1/guarantees", &a).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(table["defaults"], true);
    assert_eq!(table["rules"].as_array().unwrap().len(), 14);

    let put = |body: Value, key: String| {
        let api = api.clone();
        async move {
            let (status, body, _) = send(
                &api,
                "PUT",
                "/v1/guarantees",
                &key,
                &[("content-type", "application/json")],
                body.to_string().into_bytes(),
            )
            .await;
            (status, serde_json::from_str::<Value>(&body).unwrap())
        }
    };
    let (status, problem) = put(json!({"rules": [{"carrier": "ups", "services": ["*"], "guaranteed": true, "commit_time": "9am"}]}), a.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "rules[0].commit_time");
    let (status, _) = put(json!({"rules": [], "extra": 1}), a.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The merchant's contract has no Next Day Air guarantee: nothing to claim.
    let (status, saved) = put(json!({"rules": [{"carrier": "ups", "services": ["UPS Next Day Air"], "guaranteed": false, "note": "contract"}], "defaults": true}), a.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["defaults"], false);
    assert_eq!(saved["rules"][0]["services"], json!(["next day air"]));
    let (_, invoice) = upload(&api, &a, &file("UPS11", "9.80")).await;
    assert_eq!(invoice["claims"], 0);
    // Merchant b still has the defaults.
    let (_, theirs) = call(&api, "GET", "/v1/guarantees", &b).await;
    assert_eq!(theirs["defaults"], true);
}
