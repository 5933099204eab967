//! The prologue every page about one shipment shares (`/t/{token}`, its rating, `/u/{token}`):
//! the token's shipment and merchant loaded, or the friendly 404 page, before the handler runs.

use super::{Asked, PagePath, not_found};
use crate::error::ApiError;
use crate::{App, Store};
use afterclick_domain::i18n::Locale;
use afterclick_domain::{Merchant, Shipment};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The shipment and merchant a page's token stands for, with what the request asks about
/// language. An undecodable, malformed or unknown token is answered with the 404 page.
pub struct ShipmentPage {
    pub shipment: Shipment,
    pub merchant: Merchant,
    pub asked: Asked,
    /// The raw query string (`?lang=`, `?rated=1`, `?before=`).
    pub query: Option<String>,
}

impl ShipmentPage {
    /// The page's language: `?lang=`, then the customer's, the browser's, the merchant's
    /// default.
    pub fn locale(&self) -> &'static Locale {
        locale(&self.asked, &self.shipment, &self.merchant)
    }
}

impl<S: Store, V: Send + Sync> FromRequestParts<Arc<App<S, V>>> for ShipmentPage {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<App<S, V>>,
    ) -> Result<Self, Self::Rejection> {
        let PagePath(token) = PagePath::<String>::from_request_parts(parts, app).await?;
        let query = parts.uri.query().map(str::to_owned);
        let asked = Asked::from(query.as_deref(), &parts.headers);
        match load(app, &token).await {
            Ok(Some((shipment, merchant))) => Ok(Self {
                shipment,
                merchant,
                asked,
                query,
            }),
            Ok(None) => Err(not_found(&asked).into_response()),
            Err(err) => Err(err.into_response()),
        }
    }
}

/// The shipment and merchant a token stands for; none for anything malformed or unknown.
pub(super) async fn load<S: Store, V>(
    app: &App<S, V>,
    token: &str,
) -> Result<Option<(Shipment, Merchant)>, ApiError> {
    if !super::well_formed_token(token) {
        return Ok(None);
    }
    let Some(shipment) = app.store.shipment_by_token(token).await? else {
        return Ok(None);
    };
    let merchant = app.store.merchant(&shipment.merchant_id).await?;
    Ok(merchant.map(|m| (shipment, m)))
}

/// The language of a page about one shipment (tracking, rating, unsubscribe), chosen the
/// same way on each: `?lang=`, then the customer's, the browser's, the merchant's default.
pub fn locale(asked: &Asked, shipment: &Shipment, merchant: &Merchant) -> &'static Locale {
    asked.locale(
        shipment.customer.locale.as_deref(),
        &merchant.branding.default_locale,
    )
}
