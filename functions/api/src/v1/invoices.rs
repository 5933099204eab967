//! Carrier invoices: `POST /v1/invoices` (a UPS billing data or FedEx invoice CSV, plain or
//! gzip-compressed), the imports, their claims as JSON or CSV, the claims due soon across
//! invoices, and the merchant's guarantee table. The audit itself is
//! `afterclick_app::invoices`; this module decodes and answers.

use crate::error::ApiError;
use crate::v1::AuthedMerchant;
use crate::{App, Store};
use afterclick_app::invoices::{self as import, ImportError, Imported};
use afterclick_domain::invoices::{
    Finding, FindingKind, GuaranteeRule, GuaranteeTable, InvoiceCarrier, InvoiceError,
    InvoiceRecord, KindTotal, MAX_DECOMPRESSED, claims_csv, totals,
};
use afterclick_domain::ports::{InvoiceStore, SenderIdentities};
use afterclick_domain::validate::{FieldError, parse_json};
use afterclick_web::{Problem, require_json};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::sync::Arc;

/// An upload's largest body: under Lambda's 6 MB payload. A bigger file is sent
/// gzip-compressed (a 10,000-row invoice compresses to a few hundred KB).
pub const INVOICE_BODY_LIMIT: usize = 5 * 1024 * 1024;
/// The longest `due_within_days` asked for.
pub const MAX_DUE_DAYS: u64 = 366;
/// What `GET /v1/claims` looks ahead by default.
pub const DEFAULT_DUE_DAYS: u64 = 14;

const CSV_TYPES: [&str; 5] = [
    "text/csv",
    "application/csv",
    "text/plain",
    "application/vnd.ms-excel",
    "application/octet-stream",
];

/// An import's summary, as stored.
#[derive(Debug, Serialize)]
pub struct InvoiceView {
    id: String,
    carrier: InvoiceCarrier,
    invoice_number: String,
    invoice_date: NaiveDate,
    currency: Option<String>,
    rows: usize,
    packages: usize,
    matched: usize,
    unmatched: usize,
    billed: Decimal,
    claims: usize,
    claimable: Decimal,
    by_kind: BTreeMap<FindingKind, KindTotal>,
    excluded: BTreeMap<String, usize>,
    imported_at: DateTime<Utc>,
    /// The tracking numbers billed that afterclick does not know (single invoice only).
    #[serde(skip_serializing_if = "Option::is_none")]
    unmatched_tracking_numbers: Option<Vec<String>>,
}

impl InvoiceView {
    fn of(r: InvoiceRecord, unmatched: Option<Vec<String>>) -> Self {
        Self {
            id: r.id,
            carrier: r.carrier,
            invoice_number: r.number,
            invoice_date: r.date,
            currency: r.currency,
            rows: r.rows,
            packages: r.packages,
            matched: r.matched,
            unmatched: r.unmatched,
            billed: r.billed,
            claims: r.claims,
            claimable: r.claimable,
            by_kind: r.by_kind,
            excluded: r.excluded,
            imported_at: r.imported_at,
            unmatched_tracking_numbers: unmatched,
        }
    }
}

/// One claim, with whether its deadline has passed (judged now).
#[derive(Debug, Serialize)]
pub struct ClaimView {
    #[serde(flatten)]
    finding: Finding,
    deadline_passed: bool,
}

#[derive(Debug, Serialize)]
pub struct Totals {
    count: usize,
    amount: Decimal,
    by_kind: BTreeMap<FindingKind, KindTotal>,
    by_carrier: BTreeMap<InvoiceCarrier, KindTotal>,
}

fn totals_of(claims: &[Finding]) -> Totals {
    let mut by_carrier: BTreeMap<InvoiceCarrier, KindTotal> = BTreeMap::new();
    for c in claims {
        let t = by_carrier.entry(c.carrier).or_default();
        t.count += 1;
        t.amount += c.amount;
    }
    Totals {
        count: claims.len(),
        amount: claims.iter().map(|c| c.amount).sum(),
        by_kind: totals(claims),
        by_carrier,
    }
}

fn views(claims: Vec<Finding>, today: NaiveDate) -> Vec<ClaimView> {
    claims
        .into_iter()
        .map(|finding| ClaimView {
            deadline_passed: finding.deadline < today,
            finding,
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct Claims {
    invoice_id: String,
    totals: Totals,
    claims: Vec<ClaimView>,
}

#[derive(Debug, Serialize)]
pub struct ClaimsDue {
    from: NaiveDate,
    until: NaiveDate,
    totals: Totals,
    claims: Vec<ClaimView>,
}

fn media_type(headers: &HeaderMap, name: header::HeaderName) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn unsupported(header: &'static str, detail: &str) -> ApiError {
    Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        "Unsupported media type",
        detail,
    )
    .with_header(header)
    .into()
}

/// The file's bytes: as sent, or gunzipped up to [`MAX_DECOMPRESSED`].
fn file_bytes(headers: &HeaderMap, body: Bytes) -> Result<Vec<u8>, ApiError> {
    let content_type = media_type(headers, header::CONTENT_TYPE);
    if !CSV_TYPES.contains(&content_type.as_str()) {
        return Err(unsupported(
            "content-type",
            "send the invoice file as `Content-Type: text/csv`",
        ));
    }
    match media_type(headers, header::CONTENT_ENCODING).as_str() {
        "" | "identity" => Ok(body.to_vec()),
        "gzip" => {
            let mut out = Vec::new();
            let limit = u64::try_from(MAX_DECOMPRESSED).unwrap_or(u64::MAX);
            flate2::read::GzDecoder::new(&body[..])
                .take(limit + 1)
                .read_to_end(&mut out)
                .map_err(|_| {
                    Problem::new(
                        StatusCode::BAD_REQUEST,
                        "invalid-body",
                        "The request body is invalid",
                        "the body is not valid gzip",
                    )
                    .with_header("content-encoding")
                })?;
            if out.len() > MAX_DECOMPRESSED {
                return Err(Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload-too-large",
                    "The request body is too large",
                    format!(
                        "the file is larger than {} MB once decompressed: split it",
                        MAX_DECOMPRESSED / 1024 / 1024
                    ),
                )
                .into());
            }
            Ok(out)
        }
        _ => Err(unsupported(
            "content-encoding",
            "the body may be sent as is or with `Content-Encoding: gzip`",
        )),
    }
}

fn invalid_invoice(err: &InvoiceError) -> ApiError {
    let mut problem = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-invoice",
        "The invoice file cannot be read",
        format!("{err}; nothing was saved"),
    )
    .with_field(err.name.clone().unwrap_or_default());
    problem.line = err.line.and_then(|l| u32::try_from(l).ok());
    problem.column = err.column.and_then(|c| u32::try_from(c).ok());
    problem.into()
}

fn carrier_of(query: &HashMap<String, String>) -> Result<Option<InvoiceCarrier>, ApiError> {
    query
        .get("carrier")
        .map(|c| {
            InvoiceCarrier::parse(c).ok_or_else(|| {
                ApiError::Unprocessable(FieldError::new("carrier", "must be `ups` or `fedex`"))
            })
        })
        .transpose()
}

fn query_problem() -> ApiError {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "invalid-query",
        "The query string is malformed",
        "the query string could not be read",
    )
    .with_field("query")
    .into()
}

pub async fn upload<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    headers: HeaderMap,
    AuthedMerchant(merchant_id): AuthedMerchant,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|_| query_problem())?;
    let body = body.map_err(|r| Problem::from_body_rejection(&r, INVOICE_BODY_LIMIT))?;
    let carrier = carrier_of(&query)?;
    let bytes = file_bytes(&headers, body)?;
    // Reading 10,000 rows is CPU work: off the async threads.
    let invoice =
        tokio::task::spawn_blocking(move || afterclick_domain::invoices::read(&bytes, carrier))
            .await
            .map_err(|_| ApiError::Internal("invoice reading panicked"))?
            .map_err(|e| invalid_invoice(&e))?;
    let now = (app.clock)();
    let (status, record) = match import::import(&app.store, &merchant_id, &invoice, now).await {
        Ok(Imported::Created(record)) => (StatusCode::CREATED, record),
        Ok(Imported::Unchanged(record)) => (StatusCode::OK, record),
        Err(ImportError::Conflict(existing)) => {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "invoice-conflict",
                "Invoice already imported",
                format!(
                    "{} invoice {} was imported on {} from another file; nothing was saved",
                    existing.carrier.as_str(),
                    existing.number,
                    existing.imported_at.date_naive()
                ),
            )
            .into());
        }
        Err(ImportError::Store(e)) => return Err(e.into()),
    };
    let unmatched = app.store.unmatched(&record).await?;
    let location = format!("/v1/invoices/{}", record.id);
    let mut response = (status, Json(InvoiceView::of(record, Some(unmatched)))).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

async fn record<S: InvoiceStore>(
    store: &S,
    merchant_id: &str,
    id: &str,
) -> Result<InvoiceRecord, ApiError> {
    store
        .invoice(merchant_id, id)
        .await?
        .ok_or(ApiError::NotFound("invoice"))
}

pub async fn list<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Json<serde_json::Value>, ApiError> {
    let invoices: Vec<InvoiceView> = app
        .store
        .invoices(&merchant_id)
        .await?
        .into_iter()
        .map(|r| InvoiceView::of(r, None))
        .collect();
    Ok(Json(serde_json::json!({ "invoices": invoices })))
}

pub async fn get<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    AuthedMerchant(merchant_id): AuthedMerchant,
    Path(id): Path<String>,
) -> Result<Json<InvoiceView>, ApiError> {
    let record = record(&app.store, &merchant_id, &id).await?;
    let unmatched = app.store.unmatched(&record).await?;
    Ok(Json(InvoiceView::of(record, Some(unmatched))))
}

fn wants_csv(headers: &HeaderMap, query: &HashMap<String, String>) -> Result<bool, ApiError> {
    match query.get("format").map(String::as_str) {
        Some("csv") => Ok(true),
        Some("json") => Ok(false),
        Some(_) => Err(ApiError::Unprocessable(FieldError::new(
            "format",
            "must be `json` or `csv`",
        ))),
        None => Ok(headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv"))),
    }
}

/// The file name of an export: only characters safe in a header and a file system.
fn file_name(stem: &str) -> String {
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    format!("claims-{safe}.csv")
}

fn csv_response(claims: &[Finding], today: NaiveDate, stem: &str) -> Response {
    let mut response = claims_csv(claims, today).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file_name(stem))) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

pub async fn claims<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    headers: HeaderMap,
    AuthedMerchant(merchant_id): AuthedMerchant,
    Path(id): Path<String>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|_| query_problem())?;
    let csv = wants_csv(&headers, &query)?;
    let record = record(&app.store, &merchant_id, &id).await?;
    let claims = app.store.claims(&record).await?;
    let today = (app.clock)().date_naive();
    if csv {
        return Ok(csv_response(
            &claims,
            today,
            &format!("{}-{}", record.carrier.as_str(), record.number),
        ));
    }
    Ok(Json(Claims {
        invoice_id: record.id,
        totals: totals_of(&claims),
        claims: views(claims, today),
    })
    .into_response())
}

pub async fn due<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    headers: HeaderMap,
    AuthedMerchant(merchant_id): AuthedMerchant,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|_| query_problem())?;
    let csv = wants_csv(&headers, &query)?;
    let days = match query.get("due_within_days") {
        None => DEFAULT_DUE_DAYS,
        Some(d) => d
            .parse::<u64>()
            .ok()
            .filter(|d| *d <= MAX_DUE_DAYS)
            .ok_or_else(|| {
                ApiError::Unprocessable(FieldError::new(
                    "due_within_days",
                    format!("must be a whole number of days from 0 to {MAX_DUE_DAYS}"),
                ))
            })?,
    };
    let today = (app.clock)().date_naive();
    let claims = import::claims_due(&app.store, &merchant_id, today, days).await?;
    if csv {
        return Ok(csv_response(&claims, today, &format!("due-{today}")));
    }
    Ok(Json(ClaimsDue {
        from: today,
        until: today
            .checked_add_days(chrono::Days::new(days))
            .unwrap_or(NaiveDate::MAX),
        totals: totals_of(&claims),
        claims: views(claims, today),
    })
    .into_response())
}

#[derive(Debug, Serialize)]
pub struct Guarantees {
    rules: Vec<GuaranteeRule>,
    /// Whether these are afterclick's defaults (the merchant has not replaced them).
    defaults: bool,
}

/// What a PUT sends: the rules; `defaults` (as a GET returned it) is ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GuaranteesInput {
    rules: Vec<GuaranteeRule>,
    #[serde(default, rename = "defaults")]
    _defaults: bool,
}

pub async fn guarantees<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Json<Guarantees>, ApiError> {
    let saved = app.store.guarantees(&merchant_id).await?;
    Ok(Json(Guarantees {
        defaults: saved.is_none(),
        rules: saved.unwrap_or_else(GuaranteeTable::defaults).rules,
    }))
}

pub async fn put_guarantees<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    headers: HeaderMap,
    AuthedMerchant(merchant_id): AuthedMerchant,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Guarantees>, ApiError> {
    let body = body.map_err(|r| Problem::from_body_rejection(&r, crate::BODY_LIMIT))?;
    require_json(&headers)?;
    let sent: GuaranteesInput = parse_json(&body).map_err(ApiError::InvalidBody)?;
    let table = GuaranteeTable::parse(sent.rules).map_err(ApiError::Unprocessable)?;
    app.store.save_guarantees(&merchant_id, &table).await?;
    tracing::info!(merchant_id = %merchant_id, rules = table.rules.len(), "guarantees saved");
    Ok(Json(Guarantees {
        rules: table.rules,
        defaults: false,
    }))
}

#[cfg(test)]
mod tests;
