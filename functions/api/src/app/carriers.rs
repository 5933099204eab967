//! Carrier performance over chosen months, from the monthly outcome counters (never a scan
//! of shipments): on time against the promise and against the carrier's first estimate,
//! transit p50/p90, exception and failed-attempt rates, ratings; per carrier, service and
//! destination. Two bar charts drawn on the server as inline SVG (bars are data: no script,
//! no library, no request), each with the table it is drawn from.

use super::session::SignedIn;
use super::{AppError, Frame, respond};
use crate::{App, Store};
use afterclick_domain::analytics::{CarrierMetrics, Metrics, carrier_report};
use afterclick_domain::providers::carriers;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use std::sync::Arc;

/// The most months one page compares.
const MAX_MONTHS: u32 = 12;
/// The chart's geometry, in SVG user units.
const LABEL_WIDTH: u32 = 150;
const BAR_AREA: u32 = 420;
const ROW_HEIGHT: u32 = 28;

fn month(raw: &str) -> Option<NaiveDate> {
    let shaped = raw.len() == 7
        && raw.bytes().enumerate().all(|(i, b)| {
            if i == 4 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    shaped
        .then(|| NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d").ok())
        .flatten()
}

/// `from` and `to` as months; by default the current month and the two before it.
fn range(query: Option<&str>, today: NaiveDate) -> (NaiveDate, NaiveDate, Vec<String>) {
    let this_month = today.with_day(1).unwrap_or(today);
    let mut errors = Vec::new();
    let mut pick = |name: &str, default: NaiveDate| {
        let raw = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned());
        match raw {
            None => default,
            Some(raw) => month(&raw).unwrap_or_else(|| {
                errors.push(format!("`{name}` must be a month as YYYY-MM."));
                default
            }),
        }
    };
    let default_from = this_month
        .checked_sub_months(Months::new(2))
        .unwrap_or(this_month);
    let (mut from, mut to) = (pick("from", default_from), pick("to", this_month));
    if to < from {
        errors.push("`to` must not be before `from`.".into());
        (from, to) = (default_from, this_month);
    }
    if from.checked_add_months(Months::new(MAX_MONTHS - 1)) < Some(to) {
        errors.push(format!("At most {MAX_MONTHS} months at once."));
        from = to
            .checked_sub_months(Months::new(MAX_MONTHS - 1))
            .unwrap_or(to);
    }
    (from, to, errors)
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_owned(), |r| format!("{:.0}%", r * 100.0))
}

fn days(hours: Option<f64>) -> String {
    hours.map_or_else(|| "–".to_owned(), |h| format!("{:.1} d", h / 24.0))
}

#[derive(Serialize)]
struct Line {
    name: String,
    shipments: u64,
    delivered: u64,
    on_time: String,
    on_estimate: String,
    transit_p50: String,
    transit_p90: String,
    exceptions: String,
    failed_attempts: String,
    rating: String,
}

fn line(name: String, m: &Metrics) -> Line {
    Line {
        name,
        shipments: m.shipments,
        delivered: m.delivered,
        on_time: percent(m.on_time_rate),
        on_estimate: percent(m.on_estimate_rate),
        transit_p50: days(m.transit_median_hours),
        transit_p90: days(m.transit_p90_hours),
        exceptions: percent(m.exception_rate),
        failed_attempts: percent(m.failed_attempt_rate),
        rating: m
            .average_rating
            .map_or_else(|| "–".to_owned(), |r| format!("{r:.1} ({})", m.ratings)),
    }
}

#[derive(Serialize)]
struct Table {
    caption: String,
    /// The first column's heading.
    first: &'static str,
    lines: Vec<Line>,
}

/// A group of tables; all but the first folded under a `<details>` summary.
#[derive(Serialize)]
struct TableGroup {
    details: Option<String>,
    tables: Vec<Table>,
}

/// One bar of a chart: where it is drawn and what it says.
#[derive(Serialize)]
struct Bar {
    label: String,
    y: u32,
    width: u32,
    value: String,
    /// The second series (p90 beside p50), if any.
    second_width: Option<u32>,
    second_value: Option<String>,
}

#[derive(Serialize)]
struct Chart {
    title: &'static str,
    id: &'static str,
    height: u32,
    label_width: u32,
    bar_area: u32,
    bars: Vec<Bar>,
}

fn name(slug: &str) -> String {
    carriers::carrier(slug).map_or_else(|| slug.to_owned(), |c| c.name.to_owned())
}

fn scaled(value: f64, max: f64) -> u32 {
    if max <= 0.0 {
        return 0;
    }
    ((value / max).clamp(0.0, 1.0) * f64::from(BAR_AREA)).round() as u32
}

fn on_time_chart(report: &[CarrierMetrics]) -> Chart {
    let bars = report
        .iter()
        .enumerate()
        .map(|(i, c)| Bar {
            label: name(&c.carrier),
            y: i as u32 * ROW_HEIGHT,
            width: scaled(c.metrics.on_time_rate.unwrap_or(0.0), 1.0),
            value: percent(c.metrics.on_time_rate),
            second_width: Some(scaled(c.metrics.on_estimate_rate.unwrap_or(0.0), 1.0)),
            second_value: Some(percent(c.metrics.on_estimate_rate)),
        })
        .collect::<Vec<_>>();
    Chart {
        title: "On time: against the promise (dark) and the carrier's first estimate (light)",
        id: "chart-on-time",
        height: bars.len() as u32 * ROW_HEIGHT * 2,
        label_width: LABEL_WIDTH,
        bar_area: BAR_AREA,
        bars,
    }
}

fn transit_chart(report: &[CarrierMetrics]) -> Chart {
    let max = report
        .iter()
        .filter_map(|c| c.metrics.transit_p90_hours)
        .fold(0.0, f64::max);
    let bars = report
        .iter()
        .enumerate()
        .map(|(i, c)| Bar {
            label: name(&c.carrier),
            y: i as u32 * ROW_HEIGHT,
            width: scaled(c.metrics.transit_median_hours.unwrap_or(0.0), max),
            value: days(c.metrics.transit_median_hours),
            second_width: Some(scaled(c.metrics.transit_p90_hours.unwrap_or(0.0), max)),
            second_value: Some(days(c.metrics.transit_p90_hours)),
        })
        .collect::<Vec<_>>();
    Chart {
        title: "Transit time: median (dark) and 90th percentile (light), in days",
        id: "chart-transit",
        height: bars.len() as u32 * ROW_HEIGHT * 2,
        label_width: LABEL_WIDTH,
        bar_area: BAR_AREA,
        bars,
    }
}

#[derive(Serialize)]
struct CarriersPage {
    from: String,
    to: String,
    errors: Vec<String>,
    /// Every carrier, then each carrier's services and destinations.
    groups: Vec<TableGroup>,
    charts: Vec<Chart>,
}

fn groups(report: &[CarrierMetrics], from: &str, to: &str) -> Vec<TableGroup> {
    let mut groups = vec![TableGroup {
        details: None,
        tables: vec![Table {
            caption: format!("Every carrier, {from} to {to}"),
            first: "Carrier",
            lines: report
                .iter()
                .map(|c| line(name(&c.carrier), &c.metrics))
                .collect(),
        }],
    }];
    for c in report {
        let carrier = name(&c.carrier);
        let mut tables = Vec::new();
        if !c.services.is_empty() {
            tables.push(Table {
                caption: format!("{carrier} per service"),
                first: "Service",
                lines: c
                    .services
                    .iter()
                    .map(|s| line(s.service.clone(), &s.metrics))
                    .collect(),
            });
        }
        if !c.destination_countries.is_empty() {
            tables.push(Table {
                caption: format!("{carrier} per destination country"),
                first: "Destination",
                lines: c
                    .destination_countries
                    .iter()
                    .map(|d| line(d.country.clone(), &d.metrics))
                    .collect(),
            });
        }
        if !tables.is_empty() {
            groups.push(TableGroup {
                details: Some(format!("{carrier}: per service and destination")),
                tables,
            });
        }
    }
    groups
}

/// `GET /app/carriers?from=YYYY-MM&to=YYYY-MM`.
pub async fn show<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    who: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let today = (app.clock)().date_naive();
    let (from, to, errors) = range(query.as_deref(), today);
    let ym = |d: NaiveDate| d.format("%Y-%m").to_string();
    let counters = app
        .store
        .counters_between(&who.merchant_id, &ym(from), &ym(to))
        .await?;
    let report = carrier_report(&counters);
    let page = CarriersPage {
        from: ym(from),
        to: ym(to),
        errors,
        charts: if report.is_empty() {
            Vec::new()
        } else {
            vec![on_time_chart(&report), transit_chart(&report)]
        },
        groups: if report.is_empty() {
            Vec::new()
        } else {
            groups(&report, &ym(from), &ym(to))
        },
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let frame = Frame::new(&who, "Carrier performance", "carriers");
    respond(status, "app_carriers.html", &frame, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_default_to_the_last_three_and_bad_ones_are_named() {
        let today = NaiveDate::from_ymd_opt(2031, 3, 17).unwrap();
        let (from, to, errors) = range(None, today);
        assert_eq!(
            (from.to_string(), to.to_string()),
            ("2031-01-01".into(), "2031-03-01".into())
        );
        assert!(errors.is_empty());
        let (from, to, errors) = range(Some("from=2030-01&to=2031-03"), today);
        assert_eq!(
            (from.to_string(), to.to_string()),
            ("2030-04-01".into(), "2031-03-01".into())
        );
        assert_eq!(errors, ["At most 12 months at once."]);
        let (_, _, errors) = range(Some("from=2031-13&to=march"), today);
        assert_eq!(errors.len(), 2);
    }
}
