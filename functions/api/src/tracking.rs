//! The customer's tracking page, `GET /t/{token}`: server-rendered HTML in the merchant's
//! brand and the customer's language, with the current moment, the expected date and the
//! carrier's timeline in the customer's time zone. No JavaScript; an unknown token gets a
//! friendly 404.

use crate::error::ApiError;
use crate::{App, Store};
use afterclick_domain::message::{self, headline, long_date};
use afterclick_domain::milestone::milestone_for;
use afterclick_domain::ports::SenderIdentities;
use afterclick_domain::providers::carriers;
use afterclick_domain::render::escape_html as esc;
use afterclick_domain::{Milestone, Status};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use std::sync::Arc;

fn page(status: StatusCode, lang: &str, title: &str, colour: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
<title>{title}</title></head><body style=\"margin:0;font-family:Helvetica,Arial,sans-serif;background:#f3f4f6;color:#111827\">\
<main style=\"max-width:640px;margin:24px auto;background:#fff;border-radius:8px;padding:24px;border-top:6px solid {colour}\">{body}</main></body></html>",
        lang = esc(lang),
        title = esc(title),
        colour = esc(colour),
    );
    // Personal data: never cached by shared caches.
    (
        status,
        [(header::CACHE_CONTROL, "private, no-store")],
        Html(html),
    )
        .into_response()
}

pub async fn show<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let well_formed = token.len() == 32 && token.chars().all(|c| c.is_ascii_hexdigit());
    let shipment = if well_formed {
        app.store.shipment_by_token(&token).await?
    } else {
        None
    };
    let merchant = match &shipment {
        Some(s) => app.store.merchant(&s.merchant_id).await?,
        None => None,
    };
    let (Some(shipment), Some(merchant)) = (shipment, merchant) else {
        return Ok(page(
            StatusCode::NOT_FOUND,
            "en",
            "Tracking link not found",
            "#6b7280",
            "<h1 style=\"font-size:20px\">We could not find this shipment</h1>\
<p>The link may be incomplete. Please use the link from your latest email or message, or contact the shop.</p>",
        ));
    };
    let locale =
        message::resolve_locale(&shipment.customer.locale, &merchant.branding.default_locale);
    let l = &locale.labels;
    let mut events = app
        .store
        .timeline(&shipment.merchant_id, &shipment.tracking_number)
        .await?;
    events.sort_by_key(|e| std::cmp::Reverse(e.occurred_at));
    let tz: chrono_tz::Tz = shipment.customer.timezone.parse().unwrap_or(chrono_tz::UTC);
    let moment = milestone_for(shipment.status)
        .map(|(m, _)| m)
        .or_else(|| {
            shipment
                .status
                .is_carrier_scan()
                .then_some(Milestone::InTransit)
        })
        .unwrap_or(Milestone::LabelCreated);
    let brand = match &merchant.branding.logo_url {
        Some(url) => format!(
            "<img src=\"{}\" alt=\"{}\" height=\"36\" style=\"height:36px\">",
            esc(url),
            esc(&merchant.brand_name)
        ),
        None => format!(
            "<strong style=\"font-size:20px;color:{}\">{}</strong>",
            esc(&merchant.branding.primary_color),
            esc(&merchant.brand_name)
        ),
    };
    let expected = shipment
        .estimated_delivery
        .filter(|_| shipment.status != Status::Delivered)
        .map(|d| {
            format!(
                "<p style=\"font-weight:bold\">{}: {}</p>",
                esc(l.expected_delivery),
                esc(&long_date(d, locale))
            )
        })
        .unwrap_or_default();
    let carrier = carriers::carrier(&shipment.carrier);
    let carrier_name =
        carrier.map_or_else(|| shipment.carrier.to_uppercase(), |c| c.name.to_owned());
    let tracking = match carrier {
        Some(c) => format!(
            "<a href=\"{}\" rel=\"noopener\">{}</a>",
            esc(&c
                .tracking_url
                .replace("{tracking_number}", &shipment.tracking_number)),
            esc(&shipment.tracking_number)
        ),
        None => esc(&shipment.tracking_number),
    };
    let timeline: String = events
        .iter()
        .map(|e| {
            let when = e.occurred_at.with_timezone(&tz).format("%Y-%m-%d %H:%M");
            let place = e.location.as_deref().map(|p| format!(" &middot; {}", esc(p))).unwrap_or_default();
            format!(
                "<li style=\"margin:0 0 12px\"><time style=\"color:#6b7280;font-size:14px\">{when}</time><br>{}{place}</li>",
                esc(&e.description)
            )
        })
        .collect();
    let support = merchant
        .branding
        .support_url
        .clone()
        .or_else(|| {
            merchant
                .branding
                .support_email
                .as_ref()
                .map(|e| format!("mailto:{e}"))
        })
        .map(|link| {
            format!(
                "<p style=\"font-size:14px\"><a href=\"{}\">{}</a></p>",
                esc(&link),
                esc(l.support)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "{brand}<h1 style=\"font-size:24px\">{title}</h1>{expected}\
<table style=\"font-size:14px;margin:0 0 16px\"><tr><td style=\"color:#6b7280;padding-right:16px\">{order_l}</td><td>{order}</td></tr>\
<tr><td style=\"color:#6b7280;padding-right:16px\">{carrier_l}</td><td>{carrier}</td></tr>\
<tr><td style=\"color:#6b7280;padding-right:16px\">{tn_l}</td><td>{tracking}</td></tr></table>\
<ol style=\"list-style:none;padding:0;margin:0 0 16px\">{timeline}</ol>{support}",
        title = esc(headline(locale, moment)),
        order_l = esc(l.order),
        order = esc(&shipment.order_number),
        carrier_l = esc(l.carrier),
        carrier = esc(&carrier_name),
        tn_l = esc(l.tracking_number),
    );
    Ok(page(
        StatusCode::OK,
        locale.tag,
        &merchant.brand_name,
        &merchant.branding.primary_color,
        &body,
    ))
}
