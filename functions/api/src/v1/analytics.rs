//! `GET /v1/analytics/carriers?from=YYYY-MM-DD&to=YYYY-MM-DD`: how each carrier performs
//! for the merchant, from the monthly counters kept on registration and delivery (never a
//! scan of shipments). Counters are monthly, so `from` and `to` select whole months: the
//! months they fall in, and everything in between.

use crate::error::ApiError;
use crate::v1::AuthedMerchant;
use crate::{App, Store};
use afterclick_domain::analytics::{CarrierMetrics, carrier_report};
use afterclick_domain::ports::SenderIdentities;
use afterclick_domain::validate::FieldError;
use afterclick_web::Problem;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// The longest range asked for, in days (`to - from`).
pub const MAX_RANGE_DAYS: i64 = 366;

#[derive(Debug, Serialize)]
pub struct CarrierReport {
    /// The first day of `from`'s month.
    from: NaiveDate,
    /// The last day of `to`'s month.
    to: NaiveDate,
    carriers: Vec<CarrierMetrics>,
}

fn date(query: &HashMap<String, String>, field: &str) -> Result<NaiveDate, FieldError> {
    let raw = query
        .get(field)
        .ok_or_else(|| FieldError::new(field, "is required, as YYYY-MM-DD"))?;
    let shaped = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    shaped
        .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| FieldError::new(field, "must be a date as YYYY-MM-DD"))
}

/// The whole months the query selects, as (first day, last day).
pub fn months(query: &HashMap<String, String>) -> Result<(NaiveDate, NaiveDate), FieldError> {
    let from = date(query, "from")?;
    let to = date(query, "to")?;
    if to < from {
        return Err(FieldError::new("to", "must not be before `from`"));
    }
    if (to - from).num_days() > MAX_RANGE_DAYS {
        return Err(FieldError::new(
            "to",
            format!("must be at most {MAX_RANGE_DAYS} days after `from`"),
        ));
    }
    let first = from.with_day(1);
    let last = to
        .with_day(1)
        .and_then(|d| d.checked_add_months(Months::new(1)))
        .and_then(|d| d.pred_opt());
    match (first, last) {
        (Some(first), Some(last)) => Ok((first, last)),
        _ => Err(FieldError::new("to", "is out of range")),
    }
}

pub async fn carriers<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    AuthedMerchant(merchant_id): AuthedMerchant,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<CarrierReport>, ApiError> {
    let Query(query) = query.map_err(|_| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-query",
            "The query string is malformed",
            "send `from` and `to` as YYYY-MM-DD",
        )
        .with_field("query")
    })?;
    let (from, to) = months(&query).map_err(ApiError::Unprocessable)?;
    let month = |d: NaiveDate| d.format("%Y-%m").to_string();
    let counters = app
        .store
        .counters_between(&merchant_id, &month(from), &month(to))
        .await?;
    Ok(Json(CarrierReport {
        from,
        to,
        carriers: carrier_report(&counters),
    }))
}

#[cfg(test)]
mod tests;
