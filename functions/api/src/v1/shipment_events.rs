//! `GET /v1/shipments/{id}/events`: a shipment's timeline, page by page, newest page first.
//! `GET /v1/shipments/{id}` carries the newest page; its `events_before` (and each page's
//! `before`) is the cursor of the page of earlier scans, null at the label.

use crate::error::ApiError;
use crate::v1::AuthedMerchant;
use crate::v1::shipment_list::invalid_parameter;
use crate::v1::shipments::owned;
use crate::v1::view::EventView;
use crate::{App, Store};
use afterclick_domain::ports::EventPosition;
use afterclick_domain::validate::FieldError;
use afterclick_web::ApiPath;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;

/// Scans per page, unless the request asks for another number up to [`MAX_LIMIT`]. Also what
/// the shipment itself shows: its response stays small whatever the history's length.
pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 200;

#[derive(Debug, Serialize)]
struct EventPage<'a> {
    /// Oldest first.
    events: Vec<EventView<'a>>,
    /// The cursor of the page of earlier scans; null when these are the first.
    before: Option<String>,
}

struct PageRequest {
    before: Option<EventPosition>,
    limit: usize,
}

fn parse(params: &[(String, String)]) -> Result<PageRequest, FieldError> {
    let mut request = PageRequest {
        before: None,
        limit: DEFAULT_LIMIT,
    };
    for (name, raw) in params {
        match name.as_str() {
            "before" => {
                request.before = Some(
                    EventPosition::parse(raw)
                        .ok_or_else(|| FieldError::new(name, "is not a cursor this API issued"))?,
                )
            }
            "limit" => {
                request.limit = raw
                    .parse()
                    .ok()
                    .filter(|l| (1..=MAX_LIMIT).contains(l))
                    .ok_or_else(|| {
                        FieldError::new(
                            name,
                            format!("must be a whole number from 1 to {MAX_LIMIT}"),
                        )
                    })?
            }
            _ => return Err(FieldError::new(name, "is not a parameter of this list")),
        }
    }
    Ok(request)
}

#[tracing::instrument(skip_all, fields(merchant_id = %merchant_id, shipment_id = %id))]
pub async fn list<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(id): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params
        .map_err(|_| invalid_parameter(FieldError::new("", "the query string is not valid")))?;
    let request = parse(&params).map_err(invalid_parameter)?;
    // Unknown and other merchants' ids are 404 before any cursor is used.
    let shipment = owned(&app, &merchant_id, &id).await?;
    let page = app
        .store
        .timeline_page(
            &shipment.merchant_id,
            &shipment.tracking_number,
            request.before.as_ref(),
            request.limit,
        )
        .await?;
    let view = EventPage {
        events: page.events.iter().map(EventView::from).collect(),
        before: page.earlier.map(|p| p.cursor()),
    };
    Ok((StatusCode::OK, Json(view)).into_response())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::v1::shipment_list::tests::params;

    #[test]
    fn cursors_and_limits_are_checked() {
        let ok = parse(&params(&[
            ("before", "1764950400000_0123456789abcdef01234567"),
            ("limit", "200"),
        ]))
        .unwrap();
        assert_eq!(ok.limit, 200);
        assert_eq!(
            ok.before.unwrap().cursor(),
            "1764950400000_0123456789abcdef01234567"
        );
        for bad in [
            ("before", "E#2026-12-01"),
            ("before", "1764950400000_xyz"),
            ("before", "abc_0123456789abcdef01234567"),
            ("limit", "0"),
            ("limit", "201"),
            ("cursor", "x"),
        ] {
            let err = parse(&params(&[bad])).err().unwrap();
            assert_eq!(err.field, bad.0, "{bad:?}");
        }
    }
}
