//! `GET /v1/orders/{order_number}`: one order with its parcels (every shipment registered
//! under the order number, from the API or a store platform) and, for store orders, the
//! lines shipped without a tracking number yet.

use crate::error::ApiError;
use crate::v1::AuthedMerchant;
use crate::v1::view::{LineItemView, ShipmentCore};
use crate::{App, Store};
use afterclick_domain::Status;
use afterclick_domain::orders::position;
use afterclick_web::ApiPath;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Serialize)]
struct OrderView<'a> {
    order_number: &'a str,
    /// The store platform it came from; null for orders registered through the API.
    platform: Option<&'a str>,
    order_id: Option<&'a str>,
    cancelled_at: Option<DateTime<Utc>>,
    /// Parcels by status, e.g. `{"delivered": 1, "in_transit": 1}`.
    statuses: BTreeMap<Status, usize>,
    /// Every parcel has been delivered.
    delivered: bool,
    parcels: Vec<ParcelView<'a>>,
    waiting_for_tracking: Vec<WaitingView<'a>>,
}

#[derive(Debug, Serialize)]
struct ParcelView<'a> {
    #[serde(flatten)]
    core: ShipmentCore<'a>,
    /// 1-based position among the order's parcels (cancelled ones aside); null when alone
    /// or cancelled.
    position: Option<usize>,
    name: Option<&'a str>,
    items: Vec<LineItemView<'a>>,
    cancelled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
struct WaitingView<'a> {
    parcel_id: &'a str,
    items: Vec<LineItemView<'a>>,
}

pub async fn get<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(order_number): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    let order_number = order_number.trim();
    if order_number.is_empty() || order_number.chars().count() > 64 {
        return Err(ApiError::NotFound("order"));
    }
    let mut shipments = app
        .store
        .shipments_by_order(&merchant_id, order_number)
        .await?;
    // The store order under this number, if one platform sent one (the first found if two
    // platforms number alike; the parcels below are every shipment under the number).
    let mut order = None;
    for platform in afterclick_domain::platforms::Platform::ALL {
        order = app
            .store
            .order(&merchant_id, platform.as_str(), order_number)
            .await?;
        if order.is_some() {
            break;
        }
    }
    if shipments.is_empty() && order.is_none() {
        return Err(ApiError::NotFound("order"));
    }
    shipments.sort_by(|a, b| {
        (a.created_at, &a.tracking_number).cmp(&(b.created_at, &b.tracking_number))
    });
    let mut statuses = BTreeMap::new();
    for s in shipments.iter().filter(|s| !s.cancelled_by_store()) {
        *statuses.entry(s.status).or_insert(0) += 1;
    }
    let live: Vec<_> = shipments
        .iter()
        .filter(|s| !s.cancelled_by_store())
        .collect();
    let base = crate::v1::shipments::pages_base(&app, &merchant_id).await?;
    let view = OrderView {
        order_number,
        platform: order.as_ref().map(|o| o.platform.as_str()),
        order_id: order.as_ref().map(|o| o.order_id.as_str()),
        cancelled_at: order.as_ref().and_then(|o| o.cancelled_at),
        delivered: !live.is_empty() && live.iter().all(|s| s.status == Status::Delivered),
        statuses,
        parcels: shipments
            .iter()
            .map(|s| ParcelView {
                core: ShipmentCore::of(s, &base),
                position: position(s, &shipments).map(|(i, _)| i),
                name: s.parcel.as_ref().and_then(|p| p.name.as_deref()),
                items: s
                    .parcel
                    .iter()
                    .flat_map(|p| p.items.iter().map(LineItemView::from))
                    .collect(),
                cancelled_at: s.parcel.as_ref().and_then(|p| p.cancelled_at),
            })
            .collect(),
        waiting_for_tracking: order
            .iter()
            .flat_map(|o| o.parts.iter().filter(|p| p.waiting()))
            .map(|p| WaitingView {
                parcel_id: &p.parcel_id,
                items: p.items.iter().map(LineItemView::from).collect(),
            })
            .collect(),
    };
    Ok(Json(view).into_response())
}
