//! Test support for the public pages: the Router over the in-memory store with a pinned
//! clock, a branded merchant, shipments, and a request helper.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::App;
use afterclick_domain::fakes::{self, MemoryStore};
use afterclick_domain::model::{MilestoneReached, Product};
use afterclick_domain::ports::{EventStore, SendError, SenderIdentities};
use afterclick_domain::{Merchant, Milestone, Shipment, Status, TrackingEvent};
use axum::body::Body;
use axum::http::{HeaderMap, Request};
use chrono::{DateTime, Duration, TimeZone, Utc};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct NoSenders;

impl SenderIdentities for NoSenders {
    async fn is_verified(&self, _address: &str) -> Result<bool, SendError> {
        Ok(false)
    }
}

pub const MERCHANT: &str = "m_shop";
pub const TOKEN: &str = "0123456789abcdef0123456789abcdef";
pub const TRACKING: &str = "1Z999AA10123456784";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
}

/// A merchant with a logo, a light brand colour, support and four products.
pub fn merchant() -> Merchant {
    let mut m = fakes::merchant(MERCHANT);
    m.brand_name = "Acme Outdoor".into();
    m.branding.logo_url = Some("https://cdn.acme.example/logo.png".into());
    m.branding.primary_color = "#ffcc00".into();
    m.branding.support_url = Some("https://acme.example/help".into());
    m.branding.discount_code = Some("SORRY10".into());
    m.branding.recommendations = (1..=4)
        .map(|i| Product {
            name: format!("Tent {i}"),
            image_url: format!("https://img.acme.example/tent-{i}.jpg"),
            url: format!("https://acme.example/p/tent-{i}"),
            price: format!("€{i}9.00"),
        })
        .collect();
    m
}

pub fn shipment(status: Status) -> Shipment {
    let mut s = fakes::shipment(MERCHANT, TRACKING, now() - Duration::days(3));
    s.token = TOKEN.into();
    s.status = status;
    s.customer.timezone = "Europe/Berlin".into();
    s
}

pub fn delivered() -> Shipment {
    let mut s = shipment(Status::Delivered);
    s.service = Some("UPS_STANDARD".into());
    s.destination_country = Some(afterclick_domain::CountryCode::parse("DE").unwrap());
    s.milestones.insert(
        Milestone::Delivered.as_str().into(),
        MilestoneReached {
            at: now() - Duration::hours(20),
            notified: true,
        },
    );
    s
}

pub fn event(hours_ago: i64, status: Status, description: &str) -> TrackingEvent {
    let mut e = TrackingEvent::new(now() - Duration::hours(hours_ago), status, "generic");
    e.description = description.into();
    e.location = Some("Köln, DE".into());
    e
}

pub async fn store_with(
    merchant: Merchant,
    shipment: Shipment,
    events: &[TrackingEvent],
) -> MemoryStore {
    let store = MemoryStore::default();
    for e in events {
        store
            .record_event(&shipment.merchant_id, &shipment.tracking_number, e, now())
            .await
            .unwrap();
    }
    store.put_merchant(merchant);
    store.put_shipment(shipment);
    store
}

pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

/// The deployment's rate-limit pepper in these tests (each call builds its app anew).
pub const PEPPER: &[u8] = b"pepper-for-the-page-tests";

pub async fn call(
    store: &MemoryStore,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Page {
    call_with_pepper(store, method, uri, headers, body, PEPPER).await
}

pub async fn call_with_pepper(
    store: &MemoryStore,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
    pepper: &[u8],
) -> Page {
    let mut app =
        App::new(store.clone(), NoSenders, "https://track.example").with_rate_limit_pepper(pepper);
    app.clock = now;
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if method == "POST" {
        request = request.header("content-type", "application/x-www-form-urlencoded");
    }
    let response = crate::router(app)
        .oneshot(request.body(Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

pub async fn get(store: &MemoryStore, uri: &str) -> Page {
    call(store, "GET", uri, &[], "").await
}

pub async fn post(store: &MemoryStore, uri: &str, body: &str) -> Page {
    call(store, "POST", uri, &[], body).await
}

/// Every value of an attribute (`src`, `href`...) in the page.
pub fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}
