//! `POST /v1/shipments/{id}/notifications/resend`: sends one of the shipment's notifications
//! again, where that is safe: only one that never reached the customer (failed, or
//! suppressed, say before the merchant fixed the address or lifted a suppression). It is
//! put back on its way and notify decides again, so opt-outs still hold. Repeating the
//! request changes nothing: the notification is no longer failed or suppressed (409).

use crate::error::ApiError;
use crate::v1::{AuthedMerchant, shipments};
use crate::{App, BODY_LIMIT, Store};
use afterclick_domain::milestone::Milestone;
use afterclick_domain::ports::NotificationKey;
use afterclick_domain::validate::parse_json;
use afterclick_domain::{Channel, Notification, Shipment};
use afterclick_web::{ApiPath, Problem, require_json};
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use std::sync::Arc;

/// Which notification: the moment (milestone and its instance, as the shipment's
/// `notifications[]` list them) and the channel.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Which {
    pub milestone: Milestone,
    #[serde(default)]
    pub instance: Option<String>,
    pub channel: Channel,
}

#[tracing::instrument(skip_all, fields(merchant_id = %merchant_id, shipment_id = %id))]
pub async fn resend<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|r| Problem::from_body_rejection(&r, BODY_LIMIT))?;
    require_json(&headers)?;
    let which: Which = parse_json(&body).map_err(ApiError::InvalidBody)?;
    let shipment = resend_notification(&app, &merchant_id, &id, &which).await?;
    shipments::respond(&app, StatusCode::ACCEPTED, shipment).await
}

fn refused(detail: String) -> ApiError {
    ApiError::Problem(Problem::new(
        StatusCode::CONFLICT,
        "not-resendable",
        "This notification cannot be sent again",
        detail,
    ))
}

/// Puts the merchant's notification back on its way; the dashboard's resend form does the
/// same. Returns the shipment.
pub(crate) async fn resend_notification<S: Store, V>(
    app: &App<S, V>,
    merchant_id: &str,
    id: &str,
    which: &Which,
) -> Result<Shipment, ApiError> {
    let shipment = shipments::owned(app, merchant_id, id).await?;
    if shipment.erased_at.is_some() {
        return Err(refused(
            "the customer's personal data was erased; there is no one to send it to".into(),
        ));
    }
    let key = NotificationKey {
        merchant_id: merchant_id.to_owned(),
        tracking_number: shipment.tracking_number.clone(),
        milestone: which.milestone,
        instance: which.instance.clone(),
        channel: which.channel,
    };
    let notifications: Vec<Notification> = app
        .store
        .notifications(merchant_id, &shipment.tracking_number)
        .await?;
    let Some(current) = notifications
        .iter()
        .find(|n| NotificationKey::from(*n) == key)
    else {
        return Err(ApiError::NotFound("notification"));
    };
    if !app.store.reopen(&key, (app.clock)()).await? {
        return Err(refused(format!(
            "only a failed or suppressed notification is sent again (it never reached the \
             customer); this one is {}",
            current.state.as_str()
        )));
    }
    tracing::info!(milestone = %key.milestone.as_str(), channel = %key.channel.as_str(), "notification put back to be sent");
    Ok(shipment)
}
