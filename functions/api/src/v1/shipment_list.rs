//! `GET /v1/shipments`: the merchant's shipments, filtered, newest created first, with an
//! opaque cursor. Served from the listing indexes (see `afterclick_aws::keys`).

use crate::error::ApiError;
use crate::v1::AuthedMerchant;
use crate::v1::view::ShipmentCore;
use crate::{App, Store};
use afterclick_domain::EmailAddress;
use afterclick_domain::listing::{
    self, CursorError, DEFAULT_LIMIT, MAX_LIMIT, ShipmentQuery, decode_cursor, encode_cursor,
    is_delayed, is_exception, normalize_email,
};
use afterclick_domain::validate::FieldError;
use afterclick_domain::{Milestone, Shipment};
use afterclick_web::Problem;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Arc;

/// One shipment in a listing: what a list screen shows; the timeline and notifications
/// are on `GET /v1/shipments/{id}`.
#[derive(Debug, Serialize)]
pub struct ShipmentSummary<'a> {
    #[serde(flatten)]
    pub core: ShipmentCore<'a>,
    pub delayed: bool,
    /// The delivery history makes missing the promise likely.
    pub trending_late: bool,
    pub exception: bool,
    /// Milestones reached, in their canonical order.
    pub milestones: Vec<Milestone>,
}

#[derive(Debug, Serialize)]
struct ListView<'a> {
    items: Vec<ShipmentSummary<'a>>,
    next_cursor: Option<String>,
}

fn summary<'a>(s: &'a Shipment, public_base_url: &str) -> ShipmentSummary<'a> {
    ShipmentSummary {
        core: ShipmentCore::of(s, public_base_url),
        delayed: is_delayed(s),
        trending_late: listing::is_trending_late(s),
        exception: is_exception(s),
        milestones: listing::reached(s).into_iter().collect(),
    }
}

/// A listing request: filters, page size, and where to go on from.
#[derive(Debug, Default, PartialEq)]
struct ListRequest {
    query: ShipmentQuery,
    limit: usize,
    cursor: Option<String>,
}

fn bad(field: &str, detail: &str) -> FieldError {
    FieldError::new(field, detail)
}

fn boolean(field: &str, raw: &str) -> Result<bool, FieldError> {
    match raw {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(bad(field, "must be true or false")),
    }
}

fn instant(field: &str, raw: &str) -> Result<DateTime<Utc>, FieldError> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            bad(
                field,
                "must be an RFC 3339 date-time, e.g. 2026-11-18T12:00:00Z",
            )
        })
}

fn text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    afterclick_domain::validate::validate_text(field, value, max)?;
    Ok(value.to_owned())
}

/// Every parameter is known, given at most once, and well-formed.
fn parse(params: &[(String, String)]) -> Result<ListRequest, FieldError> {
    let mut r = ListRequest {
        limit: DEFAULT_LIMIT,
        ..ListRequest::default()
    };
    let mut seen = std::collections::BTreeSet::new();
    for (name, raw) in params {
        if !seen.insert(name.as_str()) {
            return Err(bad(name, "must be given at most once"));
        }
        let q = &mut r.query;
        match name.as_str() {
            "status" => {
                q.status = Some(
                    raw.parse()
                        .map_err(|_| bad(name, "must be a status, e.g. in_transit"))?,
                )
            }
            "milestone" => {
                q.milestone = Some(
                    Milestone::parse(raw)
                        .ok_or_else(|| bad(name, "must be a milestone, e.g. delivered"))?,
                )
            }
            "delayed" => q.delayed = Some(boolean(name, raw)?),
            "trending_late" => q.trending_late = Some(boolean(name, raw)?),
            "attention" => q.attention = Some(boolean(name, raw)?),
            "exception" => q.exception = Some(boolean(name, raw)?),
            "carrier" => q.carrier = Some(text(name, raw, 32)?.to_ascii_lowercase()),
            "created_from" => q.created_from = Some(instant(name, raw)?),
            "created_to" => q.created_to = Some(instant(name, raw)?),
            "updated_from" => q.updated_from = Some(instant(name, raw)?),
            "updated_to" => q.updated_to = Some(instant(name, raw)?),
            "order_number" => q.order_number = Some(text(name, raw, 64)?),
            "customer_email" => {
                let email = EmailAddress::parse(&normalize_email(raw)).map_err(|e| e.at(name))?;
                q.customer_email = Some(email.into_string());
            }
            "limit" => {
                r.limit = raw
                    .parse()
                    .ok()
                    .filter(|l| (1..=MAX_LIMIT).contains(l))
                    .ok_or_else(|| bad(name, "must be a whole number from 1 to 100"))?
            }
            "cursor" => r.cursor = Some(raw.clone()),
            _ => return Err(bad(name, "is not a parameter of this listing")),
        }
    }
    let q = &r.query;
    for (from, to, field) in [
        (q.created_from, q.created_to, "created_to"),
        (q.updated_from, q.updated_to, "updated_to"),
    ] {
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err(bad(field, "must not be before the range's start"));
        }
    }
    Ok(r)
}

pub(crate) fn invalid_parameter(err: FieldError) -> ApiError {
    ApiError::Problem(
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-parameter",
            "A query parameter is invalid",
            format!("`{}` {}", err.field, err.detail),
        )
        .with_field(err.field),
    )
}

#[tracing::instrument(skip_all, fields(merchant_id = %merchant_id))]
pub async fn list<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    AuthedMerchant(merchant_id): AuthedMerchant,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) =
        params.map_err(|_| invalid_parameter(bad("", "the query string is not valid")))?;
    let request = parse(&params).map_err(invalid_parameter)?;
    let fingerprint = request.query.fingerprint(&merchant_id);
    let after = request
        .cursor
        .as_deref()
        .map(|raw| decode_cursor(raw, &request.query, &fingerprint))
        .transpose()
        .map_err(|err: CursorError| invalid_parameter(bad("cursor", &err.to_string())))?;
    let page = app
        .store
        .list_shipments(&merchant_id, &request.query, after.as_ref(), request.limit)
        .await?;
    let base = crate::v1::shipments::pages_base(&app, &merchant_id).await?;
    let view = ListView {
        items: page.shipments.iter().map(|s| summary(s, &base)).collect(),
        next_cursor: page.next.map(|p| encode_cursor(&p, &fingerprint)),
    };
    Ok((StatusCode::OK, Json(view)).into_response())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;

    /// A query string's pairs, as axum's `Query<Vec<(String, String)>>` hands them over.
    pub(crate) fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn bad_parameters_name_their_field() {
        for (pairs, field) in [
            (vec![("status", "lost")], "status"),
            (vec![("milestone", "teleported")], "milestone"),
            (vec![("limit", "0")], "limit"),
            (vec![("limit", "101")], "limit"),
            (vec![("limit", "ten")], "limit"),
            (vec![("delayed", "yes")], "delayed"),
            (vec![("created_from", "yesterday")], "created_from"),
            (vec![("updated_to", "2026-13-01T00:00:00Z")], "updated_to"),
            (vec![("customer_email", "not-an-address")], "customer_email"),
            (vec![("colour", "red")], "colour"),
            (
                vec![("status", "delivered"), ("status", "pending")],
                "status",
            ),
            (
                vec![
                    ("created_from", "2026-11-18T00:00:00Z"),
                    ("created_to", "2026-11-17T00:00:00Z"),
                ],
                "created_to",
            ),
        ] {
            assert_eq!(
                parse(&params(&pairs)).unwrap_err().field,
                field,
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn good_parameters_are_normalised() {
        let r = parse(&params(&[
            ("customer_email", " Ada@Example.com "),
            ("carrier", "UPS"),
            ("limit", "7"),
            ("exception", "true"),
        ]))
        .unwrap();
        assert_eq!(r.limit, 7);
        assert_eq!(r.query.customer_email.as_deref(), Some("ada@example.com"));
        assert_eq!(r.query.carrier.as_deref(), Some("ups"));
        assert_eq!(r.query.exception, Some(true));
        assert_eq!(parse(&[]).unwrap().limit, DEFAULT_LIMIT);
    }
}
