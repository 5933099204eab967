//! `GET /app/shipments/{id}/message?milestone=..&channel=..[&instance=..]`: what one of the
//! shipment's notifications says, rendered as notify renders it (the customer's language,
//! the merchant's template if any, the moment's details as stored), and
//! `.../message/html?...` the email's HTML, sandboxed. Rendered now: a template changed
//! since the send shows as it reads today, which the page says.

use super::attention::owned;
use super::session::SignedIn;
use super::settings::sandboxed_email;
use super::{AppError, Frame, milestone_label, respond, when};
use crate::{App, Store};
use afterclick_domain::message::{self, MessageInput, SampleMessage};
use afterclick_domain::milestone::Milestone;
use afterclick_domain::ports::{NotificationKey, TemplateKey};
use afterclick_domain::{Channel, Notification};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use std::sync::Arc;

#[derive(Serialize)]
struct MessagePage {
    id: String,
    tracking_number: String,
    milestone: &'static str,
    channel: &'static str,
    state: &'static str,
    when: String,
    locale: String,
    own_template: bool,
    subject: Option<String>,
    text: String,
    html_link: Option<String>,
    error: Option<String>,
}

/// The query's notification of the merchant's shipment, or 404.
async fn find<S: Store, V>(
    app: &App<S, V>,
    who: &SignedIn,
    id: &str,
    query: Option<&str>,
) -> Result<(afterclick_domain::Shipment, Notification), AppError> {
    let field = |name: &str| {
        form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .filter(|v| !v.is_empty())
    };
    let milestone = field("milestone")
        .and_then(|m| Milestone::parse(&m))
        .ok_or(AppError::NotFound)?;
    let channel = match field("channel").as_deref() {
        Some("email") => Channel::Email,
        Some("sms") => Channel::Sms,
        _ => return Err(AppError::NotFound),
    };
    let s = owned(app, &who.merchant_id, id).await?;
    let key = NotificationKey {
        merchant_id: who.merchant_id.clone(),
        tracking_number: s.tracking_number.clone(),
        milestone,
        instance: field("instance"),
        channel,
    };
    let n = app
        .store
        .notifications(&who.merchant_id, &s.tracking_number)
        .await?
        .into_iter()
        .find(|n| NotificationKey::from(n) == key)
        .ok_or(AppError::NotFound)?;
    Ok((s, n))
}

/// The notification's message, rendered as notify renders it; whether it is the merchant's
/// own template, and the locale it is in.
async fn render<S: Store, V>(
    app: &App<S, V>,
    s: &afterclick_domain::Shipment,
    n: &Notification,
) -> Result<(bool, String, Result<SampleMessage, String>), AppError> {
    let merchant = app
        .store
        .merchant(&s.merchant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let key = TemplateKey::for_message(&merchant, s, n.milestone, n.channel);
    let template = app.store.template(&key).await?;
    let own = template.is_some();
    let base = merchant.pages_base(&app.public_base_url).to_owned();
    let (s, n) = (s.clone(), n.clone());
    // Templates run with bounded fuel, off the async workers all the same.
    let rendered = tokio::task::spawn_blocking(move || {
        let tracking_url = s.tracking_url(&base);
        let unsubscribe_url = s.unsubscribe_url(&base);
        let carrier_name = message::carrier_display_name(&s);
        let input = MessageInput {
            milestone: n.milestone,
            details: &n.details,
            shipment: &s,
            merchant: &merchant,
            carrier_name: &carrier_name,
            tracking_url: &tracking_url,
            unsubscribe_url: &unsubscribe_url,
            today: afterclick_domain::rules::customer_today(&s, n.created_at),
            // A store parcel's place in its order is worked out as it is sent; the
            // preview leaves it out.
            order: None,
        };
        message::compose(&input, n.channel, template.as_ref()).map_err(|e| e.to_string())
    })
    .await
    .map_err(|_| AppError::Render)?;
    Ok((own, key.locale, rendered))
}

pub async fn show<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    who: SignedIn,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let (s, n) = find(&app, &who, &id, query.as_deref()).await?;
    let (own_template, locale, rendered) = render(&app, &s, &n).await?;
    let (subject, text, html, error) = match rendered {
        Ok(m) => (m.subject, m.text, m.html.is_some(), None),
        Err(e) => (None, String::new(), false, Some(e)),
    };
    let page = MessagePage {
        html_link: html.then(|| {
            format!(
                "/app/shipments/{}/message/html?{}",
                s.id,
                query.as_deref().unwrap_or_default()
            )
        }),
        id: s.id.clone(),
        tracking_number: s.tracking_number.clone(),
        milestone: milestone_label(n.milestone),
        channel: n.channel.as_str(),
        state: n.state.as_str(),
        when: when(n.updated_at),
        locale,
        own_template,
        subject,
        text,
        error,
    };
    let frame = Frame::new(
        &who,
        format!("Message for {}", s.tracking_number),
        "shipments",
    );
    respond(StatusCode::OK, "app_message.html", &frame, &page)
}

pub async fn html<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    who: SignedIn,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let (s, n) = find(&app, &who, &id, query.as_deref()).await?;
    let (_, _, rendered) = render(&app, &s, &n).await?;
    let html = rendered
        .ok()
        .and_then(|m| m.html)
        .ok_or(AppError::NotFound)?;
    Ok(sandboxed_email(html))
}
