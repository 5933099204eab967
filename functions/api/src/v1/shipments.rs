//! `POST /v1/shipments` (with an optional `Idempotency-Key`) and `GET /v1/shipments/{id}`.

use crate::error::ApiError;
use crate::v1::{AuthedMerchant, idempotency, view};
use crate::{App, BODY_LIMIT, Store};
use afterclick_aws::secrets::{new_shipment_id, new_token};
use afterclick_domain::ids::Id;
use afterclick_domain::lanes::postal_region;
use afterclick_domain::model::NewShipment;
use afterclick_domain::model::normalize_tracking_number;
use afterclick_domain::ports::{Registration, ShipmentResource, StoreError, StoredResponse};
use afterclick_domain::validate::{
    FieldError, parse_json, validate_locale, validate_promise, validate_text, validate_timezone,
    validate_tracking_number,
};
use afterclick_domain::{CountryCode, Customer, EmailAddress, PhoneNumber, Shipment};
use afterclick_web::ApiPath;
use afterclick_web::{Problem, require_json};
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Debug, Deserialize)]
struct RegisterShipment {
    tracking_number: String,
    carrier: String,
    order_number: String,
    customer: CustomerInput,
    #[serde(default)]
    promised_delivery_date: Option<String>,
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    destination_country: Option<String>,
    #[serde(default)]
    destination_postal_code: Option<String>,
    #[serde(default)]
    origin_country: Option<String>,
    #[serde(default)]
    origin_postal_code: Option<String>,
}

fn country(field: &str, raw: Option<String>) -> Result<Option<CountryCode>, FieldError> {
    raw.map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .map(|c| CountryCode::parse(&c).map_err(|err| err.at(field)))
        .transpose()
}

/// A postal code becomes its routing region (`US-100`); the code itself is not kept.
fn region(
    field: &str,
    country: Option<&CountryCode>,
    raw: Option<String>,
) -> Result<Option<String>, FieldError> {
    let Some(code) = raw.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let Some(country) = country else {
        return Err(FieldError::new(
            field,
            "needs its country (destination_country or origin_country)",
        ));
    };
    postal_region(country, &code)
        .map(Some)
        .ok_or_else(|| FieldError::new(field, "must be a postal code of letters and digits"))
}

#[derive(Debug, Deserialize)]
struct CustomerInput {
    name: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    locale: Option<String>,
    #[serde(default)]
    timezone: Option<String>,
}

/// The registration parsed: what the shipment is registered with.
fn parse(input: RegisterShipment, today: NaiveDate) -> Result<NewShipment, FieldError> {
    let tracking_number = normalize_tracking_number(&input.tracking_number);
    validate_tracking_number("tracking_number", &tracking_number)?;
    let carrier = input.carrier.trim().to_ascii_lowercase();
    let carrier_ok = (2..=32).contains(&carrier.len())
        && carrier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !carrier_ok {
        return Err(FieldError::new(
            "carrier",
            "must be a carrier code of 2 to 32 letters, digits, `-` or `_`, e.g. ups",
        ));
    }
    validate_text("order_number", &input.order_number, 64)?;
    let c = input.customer;
    validate_text("customer.name", &c.name, 200)?;
    let email = c
        .email
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty());
    let phone = c
        .phone
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    let email = email
        .map(|e| EmailAddress::parse(&e).map_err(|err| err.at("customer.email")))
        .transpose()?;
    let phone = phone
        .map(|p| PhoneNumber::parse(&p).map_err(|err| err.at("customer.phone")))
        .transpose()?;
    if email.is_none() && phone.is_none() {
        return Err(FieldError::new(
            "customer.email",
            "or customer.phone is required: the customer must be reachable",
        ));
    }
    // No default here: an unknown locale lets pages follow the browser and the shop.
    let locale = c
        .locale
        .map(|l| validate_locale("customer.locale", &l))
        .transpose()?;
    let timezone = c.timezone.unwrap_or_else(|| "UTC".into());
    validate_timezone("customer.timezone", &timezone)?;
    let promised_delivery_date = input
        .promised_delivery_date
        .map(|raw| {
            NaiveDate::parse_from_str(&raw, "%Y-%m-%d").map_err(|_| {
                FieldError::new("promised_delivery_date", "must be a date, YYYY-MM-DD")
            })
        })
        .transpose()?;
    if let Some(date) = promised_delivery_date {
        validate_promise("promised_delivery_date", date, today)?;
    }
    if let Some(service) = &input.service {
        validate_text("service", service, 64)?;
    }
    let destination_country = country("destination_country", input.destination_country)?;
    let origin_country = country("origin_country", input.origin_country)?;
    let destination_region = region(
        "destination_postal_code",
        destination_country.as_ref(),
        input.destination_postal_code,
    )?;
    let origin_region = region(
        "origin_postal_code",
        origin_country.as_ref(),
        input.origin_postal_code,
    )?;
    Ok(NewShipment {
        origin_country,
        origin_region,
        destination_region,
        service: input.service.map(|s| s.trim().to_owned()),
        destination_country,
        tracking_number,
        carrier,
        order_number: input.order_number.trim().to_owned(),
        customer: Customer {
            name: c.name.trim().to_owned(),
            email,
            phone,
            locale,
            timezone,
        },
        promised_delivery_date,
    })
}

#[tracing::instrument(skip_all, fields(merchant_id = %merchant_id))]
pub async fn register<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    AuthedMerchant(merchant_id): AuthedMerchant,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|r| Problem::from_body_rejection(&r, BODY_LIMIT))?;
    require_json(&headers)?;
    let input: RegisterShipment = parse_json(&body).map_err(ApiError::InvalidBody)?;
    let now = (app.clock)();
    let new = parse(input, now.date_naive()).map_err(ApiError::Unprocessable)?;
    // Claimed after validation: a request that fails it changed nothing and may be fixed
    // and retried under the same key.
    let idempotency_key = idempotency::key(&headers, &merchant_id, &body)?;
    if let Some(key) = &idempotency_key
        && let Some(answer) = idempotency::begin(&app.store, key, now).await?
    {
        return Ok(answer);
    }
    let shipment = Shipment::registered(new_shipment_id(), merchant_id, new_token(), new, now);
    let outcome = create(&app, &shipment).await;
    if let Some(key) = &idempotency_key {
        idempotency::finish(&app.store, key, &outcome, now).await;
    }
    let (response, _) = outcome?;
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK);
    Ok((
        status,
        [(header::CONTENT_TYPE, "application/json")],
        response.body,
    )
        .into_response())
}

/// Registers the shipment; the response as stored for idempotent replays, and the shipment
/// it is about.
async fn create<S: Store, V>(
    app: &App<S, V>,
    shipment: &Shipment,
) -> Result<(StoredResponse, ShipmentResource), ApiError> {
    let (status, stored) = match app.store.register(shipment).await? {
        Registration::Created(s) => (StatusCode::CREATED, s),
        Registration::Existing(s) => (StatusCode::OK, s),
    };
    tracing::info!(shipment_id = %stored.id, created = status == StatusCode::CREATED, "shipment registered");
    let body = body(app, &stored).await?;
    Ok((
        StoredResponse {
            status: status.as_u16(),
            body,
        },
        ShipmentResource {
            id: stored.id,
            tracking_number: stored.tracking_number,
        },
    ))
}

#[tracing::instrument(skip_all, fields(merchant_id = %merchant_id, shipment_id = %id))]
pub async fn get<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(id): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    let shipment = owned(&app, &merchant_id, &id).await?;
    respond(&app, StatusCode::OK, shipment).await
}

/// The merchant's shipment. Another merchant's id is as unknown as one that never existed:
/// 404, never 403.
pub(crate) async fn owned<S: Store, V>(
    app: &App<S, V>,
    merchant_id: &str,
    id: &str,
) -> Result<Shipment, ApiError> {
    let found = match Id::parse(id) {
        Some(id) => app.store.shipment_by_id(merchant_id, &id).await?,
        None => None,
    };
    found.ok_or(ApiError::NotFound("shipment"))
}

/// Where the merchant's customer pages live: its own domain, or the deployment's.
pub(crate) async fn pages_base<S: Store, V>(
    app: &App<S, V>,
    merchant_id: &str,
) -> Result<String, ApiError> {
    Ok(match app.store.merchant(merchant_id).await? {
        Some(m) => m.pages_base(&app.public_base_url).to_owned(),
        None => app.public_base_url.clone(),
    })
}

pub(crate) async fn respond<S: Store, V>(
    app: &App<S, V>,
    status: StatusCode,
    shipment: Shipment,
) -> Result<Response, ApiError> {
    let body = body(app, &shipment).await?;
    Ok((status, [(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// The shipment's JSON view, with the newest page of its timeline and its notifications.
async fn body<S: Store, V>(app: &App<S, V>, shipment: &Shipment) -> Result<String, ApiError> {
    let page = app
        .store
        .timeline_page(
            &shipment.merchant_id,
            &shipment.tracking_number,
            None,
            crate::v1::shipment_events::DEFAULT_LIMIT,
        )
        .await?;
    let notifications = app
        .store
        .notifications(&shipment.merchant_id, &shipment.tracking_number)
        .await?;
    let base = pages_base(app, &shipment.merchant_id).await?;
    let view = view::shipment(shipment, &page, &notifications, &base);
    serde_json::to_string(&view).map_err(|e| StoreError::Corrupt(e.to_string()).into())
}
