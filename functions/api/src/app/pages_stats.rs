//! `GET /app/pages`: what customers did on the shop's pages, per day, counted on the server
//! (`afterclick_domain::page_stats`): tracking-page views, clicks to the carrier, to
//! recommended products and to support, order lookups (and how many found the order),
//! ratings. A bar chart of views per day, drawn as inline SVG, and the table it is drawn from.

use super::session::SignedIn;
use super::{AppError, Frame, respond};
use crate::{App, Store};
use afterclick_domain::page_stats::{PageDay, PageEvent};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use std::sync::Arc;

/// The longest range one page shows, in days.
const MAX_DAYS: i64 = 92;
const CHART_HEIGHT: u32 = 120;
const BAR_WIDTH: u32 = 14;

#[derive(Serialize)]
struct Row {
    day: String,
    counts: Vec<u64>,
}

/// One upright bar of a per-day chart (the notifications page draws the same).
#[derive(Serialize)]
pub(super) struct Bar {
    pub x: u32,
    pub y: u32,
    pub height: u32,
    pub label: String,
}

#[derive(Serialize)]
struct PagesPage {
    from: String,
    to: String,
    errors: Vec<String>,
    headings: Vec<&'static str>,
    rows: Vec<Row>,
    totals: Vec<u64>,
    click_through: String,
    lookups_found: String,
    bars: Vec<Bar>,
    chart_width: u32,
    chart_height: u32,
}

fn day(query: Option<&str>, name: &str, default: NaiveDate, errors: &mut Vec<String>) -> NaiveDate {
    let raw = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned());
    // `YYYY-MM-DD` exactly, years 2000 to 2100: chrono alone would take signed and
    // five-digit years, whose arithmetic can overflow and whose keys sort out of order.
    let parsed = raw.as_deref().map(|raw| {
        let shaped = raw.len() == 10
            && raw.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        shaped
            .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
            .flatten()
            .filter(|d| (2000..=2100).contains(&d.year()))
    });
    match parsed {
        None => default,
        Some(Some(day)) => day,
        Some(None) => {
            errors.push(format!("`{name}` must be a date as YYYY-MM-DD."));
            default
        }
    }
}

/// The days a page shows: `from` and `to` (inclusive) from the query, the last 30 days by
/// default, at most [`MAX_DAYS`]; what was wrong with the query, said in words.
pub(super) fn day_range(
    query: Option<&str>,
    today: NaiveDate,
) -> (NaiveDate, NaiveDate, Vec<String>) {
    let mut errors = Vec::new();
    let mut to = day(query, "to", today, &mut errors);
    let mut from = day(query, "from", to - Duration::days(29), &mut errors);
    if from > to {
        errors.push("`from` must not be after `to`.".into());
        (from, to) = (today - Duration::days(29), today);
    }
    if (to - from).num_days() >= MAX_DAYS {
        errors.push(format!("At most {MAX_DAYS} days at once."));
        from = to - Duration::days(MAX_DAYS - 1);
    }
    (from, to, errors)
}

pub(super) fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

pub async fn show<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    who: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let (from, to, errors) = day_range(query.as_deref(), (app.clock)().date_naive());
    let days: Vec<PageDay> = app.store.page_stats(&who.merchant_id, from, to).await?;
    let mut totals = vec![0u64; PageEvent::ALL.len()];
    let rows: Vec<Row> = days
        .iter()
        .map(|d| {
            let counts: Vec<u64> = PageEvent::ALL.iter().map(|e| d.get(*e)).collect();
            for (t, c) in totals.iter_mut().zip(&counts) {
                *t += c;
            }
            Row {
                day: d.day.to_string(),
                counts,
            }
        })
        .collect();
    let total = |e: PageEvent| totals[PageEvent::ALL.iter().position(|x| *x == e).unwrap_or(0)];
    let clicks = total(PageEvent::CarrierClick)
        + total(PageEvent::ProductClick)
        + total(PageEvent::SupportClick);
    let most = days
        .iter()
        .map(|d| d.get(PageEvent::View))
        .max()
        .unwrap_or(0)
        .max(1);
    let span = (to - from).num_days().max(0) as u32 + 1;
    let bars = days
        .iter()
        .map(|d| {
            let views = d.get(PageEvent::View);
            let height = (views as f64 / most as f64 * f64::from(CHART_HEIGHT)).round() as u32;
            let offset = (d.day - from).num_days().max(0) as u32;
            Bar {
                x: offset * (BAR_WIDTH + 2),
                y: CHART_HEIGHT - height,
                height,
                label: format!("{}: {views} views", d.day),
            }
        })
        .collect();
    let page = PagesPage {
        from: from.to_string(),
        to: to.to_string(),
        errors,
        headings: PageEvent::ALL.iter().map(|e| e.label()).collect(),
        rows,
        click_through: share(clicks, total(PageEvent::View)),
        lookups_found: share(total(PageEvent::LookupFound), total(PageEvent::Lookup)),
        totals,
        bars,
        chart_width: span * (BAR_WIDTH + 2),
        chart_height: CHART_HEIGHT,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let frame = Frame::new(&who, "Customer pages", "pages");
    respond(status, "app_pages.html", &frame, &page)
}
