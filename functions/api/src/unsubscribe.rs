//! Public unsubscribe, linked from every email: `GET /u/{token}` asks for confirmation;
//! `POST /u/{token}` unsubscribes, from a plain form (`scope=shipment|customer`, works
//! without JavaScript) or from a mail client's RFC 8058 one-click POST
//! (`List-Unsubscribe=One-Click`, which stops messages about that shipment).

use crate::error::ApiError;
use crate::{App, Store};
use afterclick_domain::ports::SenderIdentities;
use afterclick_domain::render::escape_html;
use afterclick_domain::{Merchant, Shipment};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use std::sync::Arc;

fn page(status: StatusCode, brand: &str, colour: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{brand}</title></head><body style=\"margin:0;font-family:Helvetica,Arial,sans-serif;background:#f3f4f6;color:#111827\">\
<main style=\"max-width:480px;margin:48px auto;background:#fff;border-radius:8px;padding:24px;border-top:6px solid {colour}\">\
<h1 style=\"font-size:20px;margin:0 0 16px\">{brand}</h1>{body}</main></body></html>",
        brand = escape_html(brand),
        colour = escape_html(colour),
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

fn not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Link not found",
        "#6b7280",
        "<p>This unsubscribe link is not valid. If you copied it, check that it is complete.</p>",
    )
}

async fn load<S: Store, V>(
    app: &App<S, V>,
    token: &str,
) -> Result<Option<(Shipment, Merchant)>, ApiError> {
    // Tokens are 128-bit hex; anything else cannot match and is not worth a lookup.
    if token.len() != 32 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(shipment) = app.store.shipment_by_token(token).await? else {
        return Ok(None);
    };
    let merchant = app.store.merchant(&shipment.merchant_id).await?;
    Ok(merchant.map(|m| (shipment, m)))
}

pub async fn confirm<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let Some((shipment, merchant)) = load(&app, &token).await? else {
        return Ok(not_found());
    };
    let colour = &merchant.branding.primary_color;
    let button = |scope: &str, label: &str| {
        format!(
            "<form method=\"post\" style=\"margin:0 0 12px\"><input type=\"hidden\" name=\"scope\" value=\"{scope}\">\
<button type=\"submit\" style=\"width:100%;padding:12px;border:0;border-radius:6px;background:{c};color:#fff;font-size:16px\">{label}</button></form>",
            c = escape_html(colour)
        )
    };
    let body = format!(
        "<p>Stop delivery updates for order {order}?</p>{one}{all}",
        order = escape_html(&shipment.order_number),
        one = button("shipment", "Stop updates for this order"),
        all = button(
            "customer",
            &format!(
                "Stop all delivery updates from {}",
                escape_html(&merchant.brand_name)
            )
        ),
    );
    Ok(page(StatusCode::OK, &merchant.brand_name, colour, &body))
}

fn form_value<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then_some(v)
    })
}

pub async fn unsubscribe<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Some((shipment, merchant)) = load(&app, &token).await? else {
        return Ok(not_found());
    };
    let body = String::from_utf8_lossy(&body);
    // A customer-wide opt-out is keyed by email; without one, this shipment is what we can stop
    // (and the page says exactly that).
    let everything =
        form_value(&body, "scope") == Some("customer") && shipment.customer.email.is_some();
    match (everything, &shipment.customer.email) {
        (true, Some(email)) => {
            app.store
                .unsubscribe_customer(&merchant.merchant_id, email)
                .await?
        }
        _ => {
            app.store
                .unsubscribe_shipment(&merchant.merchant_id, &shipment.tracking_number)
                .await?
        }
    }
    tracing::info!(merchant_id = %merchant.merchant_id, customer_wide = everything, "unsubscribed");
    let message = if everything {
        format!(
            "You will not receive delivery updates from {} any more.",
            escape_html(&merchant.brand_name)
        )
    } else {
        format!(
            "You will not receive more updates about order {}.",
            escape_html(&shipment.order_number)
        )
    };
    Ok(page(
        StatusCode::OK,
        &merchant.brand_name,
        &merchant.branding.primary_color,
        &format!("<p>{message}</p>"),
    ))
}
