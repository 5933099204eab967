//! The dashboard's home page: the watchlist, what needs someone now (delayed, stalled, an
//! exception, a failed attempt, returning, waiting at a pickup point for more than
//! `PICKUP_WAIT_DAYS`), filtered by reason, carrier and age; each row marked handled in
//! one click (stored with who and when); the same list as CSV.

use super::session::{Posted, SignedIn};
use super::{AppError, Frame, PAGE_ROWS, age, encode, milestone_label, respond, see_other, when};
use crate::{App, Store};
use afterclick_domain::Shipment;
use afterclick_domain::attention::{
    Reason, handle, last_told, masked_contact, open_reasons, watch_reasons, watchlist_csv,
};
use afterclick_domain::ids::Id;
use afterclick_domain::listing::{ShipmentQuery, decode_cursor, encode_cursor};
use afterclick_domain::ports::StoreError;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde::Serialize;
use std::sync::Arc;

/// Store pages one request reads to fill a page of rows (handled ones and pickups not yet
/// overdue are on the index but not shown).
const MAX_READS: usize = 5;
/// Rows in one CSV export, read in at most this many listing calls (each at most 10 Query
/// pages): a bound on what one request may read.
const CSV_ROWS: usize = 5_000;
const CSV_READS: usize = 50;
const EDIT_ATTEMPTS: usize = 3;

/// The page's filters, parsed once; a value that cannot be one is named, not guessed.
#[derive(Debug, Default)]
struct Filters {
    reason: Option<Reason>,
    carrier: Option<String>,
    min_age_days: Option<u32>,
    include_handled: bool,
    cursor: Option<String>,
    /// The time "older than" was measured from on the first page, so the next pages
    /// continue the same listing (seconds since the epoch, never after now).
    as_of: Option<DateTime<Utc>>,
    errors: Vec<String>,
}

impl Filters {
    fn parse(query: Option<&str>) -> Self {
        let mut f = Filters::default();
        for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match &*name {
                "reason" => match Reason::parse(value) {
                    Some(r) => f.reason = Some(r),
                    None => f
                        .errors
                        .push("Unknown reason: showing every reason.".into()),
                },
                "carrier" if value.len() <= 64 => f.carrier = Some(value.to_lowercase()),
                "carrier" => f.errors.push("The carrier is too long.".into()),
                "min_age" => match value.parse::<u32>() {
                    Ok(days) if days <= 3650 => f.min_age_days = Some(days),
                    _ => f
                        .errors
                        .push("The age must be a number of days, 0 to 3650.".into()),
                },
                "handled" => f.include_handled = value == "show",
                "cursor" => f.cursor = Some(value.to_owned()),
                "as_of" => {
                    f.as_of = value
                        .parse::<i64>()
                        .ok()
                        .and_then(|secs| DateTime::from_timestamp(secs, 0));
                }
                _ => {}
            }
        }
        f
    }

    /// What "older than" is measured from: the first page's time (whole seconds, as the
    /// next link carries it; at most a day old), else now.
    fn base(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let now = now.trunc_subsecs(0);
        self.as_of
            .filter(|t| *t <= now && now - *t <= Duration::days(1))
            .unwrap_or(now)
    }

    fn query(&self, now: DateTime<Utc>) -> ShipmentQuery {
        let base = self.base(now);
        ShipmentQuery {
            watch: Some(true),
            reason: self.reason,
            carrier: self.carrier.clone(),
            created_to: self
                .min_age_days
                .map(|days| base - Duration::days(i64::from(days))),
            ..Default::default()
        }
    }

    /// Whether a row the index returned is shown: open for the reason asked (or for any),
    /// or handled when handled ones are asked for too.
    fn shows(&self, s: &Shipment, now: DateTime<Utc>) -> bool {
        let open = open_reasons(s, now);
        let current = watch_reasons(s);
        let (open_here, handled_here) = match self.reason {
            Some(r) => (
                open.contains(&r),
                s.handled
                    .as_ref()
                    .is_some_and(|h| h.reasons.contains(&r) && current.contains(&r)),
            ),
            None => (
                !open.is_empty(),
                s.handled
                    .as_ref()
                    .is_some_and(|h| h.reasons.iter().any(|r| current.contains(r))),
            ),
        };
        open_here || (self.include_handled && handled_here)
    }

    /// The filters as a query string (no cursor), for links and the CSV.
    fn link(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = self.reason {
            parts.push(format!("reason={}", r.as_str()));
        }
        if let Some(c) = &self.carrier {
            parts.push(format!("carrier={}", encode(c)));
        }
        if let Some(d) = self.min_age_days {
            parts.push(format!("min_age={d}"));
        }
        if self.include_handled {
            parts.push("handled=show".into());
        }
        parts.join("&")
    }
}

/// Reads the watchlist from `cursor` until `rows` are shown or `reads` store pages were
/// read; returns what is shown and where to go on.
async fn read<S: Store, V>(
    app: &App<S, V>,
    merchant_id: &str,
    filters: &Filters,
    now: DateTime<Utc>,
    rows: usize,
    reads: usize,
    page_size: usize,
) -> Result<(Vec<Shipment>, Option<String>), AppError> {
    let query = filters.query(now);
    let fingerprint = query.fingerprint(merchant_id);
    let mut after = match &filters.cursor {
        Some(raw) => Some(
            decode_cursor(raw, &query, &fingerprint)
                .map_err(|_| AppError::BadRequest("This page link is out of date."))?,
        ),
        None => None,
    };
    let mut shown = Vec::new();
    for _ in 0..reads {
        let page = app
            .store
            .list_shipments(merchant_id, &query, after.as_ref(), page_size)
            .await?;
        shown.extend(page.shipments.into_iter().filter(|s| filters.shows(s, now)));
        after = page.next;
        if after.is_none() || shown.len() >= rows {
            break;
        }
    }
    Ok((
        shown,
        after.map(|position| encode_cursor(&position, &fingerprint)),
    ))
}

#[derive(Serialize)]
struct ReasonView {
    name: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct Row {
    id: String,
    tracking_number: String,
    carrier: String,
    order_number: String,
    status: &'static str,
    reasons: Vec<ReasonView>,
    age: String,
    last_scan: Option<String>,
    promise: Option<String>,
    customer: String,
    told: Option<String>,
    handled: Option<String>,
}

fn row(s: &Shipment, now: DateTime<Utc>) -> Row {
    let open = open_reasons(s, now);
    let shown = if open.is_empty() {
        watch_reasons(s)
    } else {
        open
    };
    Row {
        id: s.id.clone(),
        tracking_number: s.tracking_number.clone(),
        carrier: s.carrier.clone(),
        order_number: s.order_number.clone(),
        status: super::status_label(s.status),
        reasons: shown
            .into_iter()
            .map(|r| ReasonView {
                name: r.as_str(),
                label: r.label(),
            })
            .collect(),
        age: age(s.created_at, now),
        last_scan: s
            .last_scan_at
            .map(|at| format!("{} ago, {}", age(at, now), when(at))),
        promise: s.promised_delivery_date.map(|d| d.to_string()),
        customer: masked_contact(s),
        told: last_told(s).map(|(m, at)| format!("{} ({})", milestone_label(m), when(at))),
        handled: s
            .handled
            .as_ref()
            .map(|h| format!("{} on {}", h.by, when(h.at))),
    }
}

#[derive(Serialize)]
struct AttentionPage {
    rows: Vec<Row>,
    reasons: Vec<ReasonView>,
    reason: Option<&'static str>,
    carrier: String,
    min_age: Option<u32>,
    include_handled: bool,
    errors: Vec<String>,
    /// The current filters as a query string: the CSV link and the "handled" forms' way back.
    filters: String,
    next: Option<String>,
}

/// `GET /app`: the watchlist.
pub async fn home<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    who: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let now = (app.clock)();
    let filters = Filters::parse(query.as_deref());
    let (shipments, next) = read(
        &app,
        &who.merchant_id,
        &filters,
        now,
        PAGE_ROWS,
        MAX_READS,
        PAGE_ROWS,
    )
    .await?;
    let link = filters.link();
    let page = AttentionPage {
        rows: shipments.iter().map(|s| row(s, now)).collect(),
        reasons: Reason::ALL
            .iter()
            .map(|r| ReasonView {
                name: r.as_str(),
                label: r.label(),
            })
            .collect(),
        reason: filters.reason.map(Reason::as_str),
        carrier: filters.carrier.clone().unwrap_or_default(),
        min_age: filters.min_age_days,
        include_handled: filters.include_handled,
        errors: filters.errors.clone(),
        next: next.map(|cursor| {
            let sep = if link.is_empty() { "" } else { "&" };
            let as_of = filters.base(now).timestamp();
            format!("/app?{link}{sep}as_of={as_of}&cursor={cursor}")
        }),
        filters: link,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let frame = Frame::new(&who, "Needs attention", "attention");
    respond(status, "app_attention.html", &frame, &page)
}

/// `GET /app/attention.csv`: the same list, every page of it (up to 5,000 rows).
pub async fn csv<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    who: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let now = (app.clock)();
    let filters = Filters {
        cursor: None,
        ..Filters::parse(query.as_deref())
    };
    let (mut shipments, _) = read(
        &app,
        &who.merchant_id,
        &filters,
        now,
        CSV_ROWS,
        CSV_READS,
        afterclick_domain::listing::MAX_LIMIT,
    )
    .await?;
    shipments.truncate(CSV_ROWS);
    let body = watchlist_csv(&shipments, now);
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"needs-attention.csv\""),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// The merchant's shipment by id; anything else (malformed, unknown, another merchant's)
/// is the same 404.
pub(super) async fn owned<S: Store, V>(
    app: &App<S, V>,
    merchant_id: &str,
    id: &str,
) -> Result<Shipment, AppError> {
    let Some(id) = Id::parse(id) else {
        return Err(AppError::NotFound);
    };
    app.store
        .shipment_by_id(merchant_id, &id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Where a form sends the merchant back: a dashboard path only (never another site).
pub(super) fn back(posted: &Posted, default: &str) -> String {
    posted
        .form
        .get("back")
        .filter(|b| b.starts_with("/app") && !b.starts_with("/app//") && !b.contains('\\'))
        .unwrap_or_else(|| default.to_owned())
}

/// `POST /app/shipments/{id}/handled`: every reason the shipment is on the list for now is
/// marked handled by the signed-in key; a new reason later puts it back.
pub async fn handled<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, AppError> {
    let merchant_id = posted.who.merchant_id.clone();
    for _ in 0..EDIT_ATTEMPTS {
        let current = owned(&app, &merchant_id, &id).await?;
        let now = (app.clock)();
        if open_reasons(&current, now).is_empty() {
            return Ok(see_other(&back(&posted, "/app")));
        }
        let mut next = current.clone();
        next.handled = Some(handle(&current, &posted.who.session.signed_in_as, now));
        match app.store.save_edit(current.version, &next).await {
            Ok(()) => {
                tracing::info!(merchant_id = %merchant_id, shipment_id = %current.id, "marked handled");
                return Ok(see_other(&back(&posted, "/app")));
            }
            Err(StoreError::Conflict) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Err(AppError::Store(StoreError::Conflict))
}
