//! The merchant's dashboard, the API function's third room beside `/v1` (the merchant's
//! JSON) and the customer pages: server-rendered HTML under `/app`, signed in with an API
//! key exchanged for a session (`session`), every form carrying the session's token.
//! Pages read without JavaScript; none is served.
//!
//! - `session`: sign-in, sign-out, the `SignedIn` and `Posted` extractors.
//! - `attention`: the home page, the watchlist (what needs someone now), its CSV, "handled".
//! - `shipments`: search, the list, one shipment's page and its actions.
//! - `carriers`: carrier performance over chosen months, charts and tables.
//! - `notifications`: what customers received (sent, deferred, suppressed, failed; SES's
//!   delivered, bounced, complained, opened, clicked) and the suppression list.
//! - `pages_stats`: what customers did on the tracking and lookup pages, per day.
//! - `settings`: brand, channels, quiet hours, recommendations; message previews; keys,
//!   endpoints and their delivery log, store connections.

pub mod attention;
pub mod carriers;
mod error;
pub mod message;
pub mod notifications;
pub mod pages_stats;
pub mod session;
pub mod settings;
pub mod shipments;

pub use error::AppError;

use crate::pages;
use afterclick_domain::Milestone;
use afterclick_domain::Status;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Serialize;
use session::SignedIn;
use sha2::{Digest, Sha256};

/// Rows per page of the dashboard's lists.
pub const PAGE_ROWS: usize = 50;

/// What every signed-in page shows around its content: who is signed in, the navigation,
/// and the session's form token (for the sign-out form every page has).
#[derive(Debug, Serialize)]
pub struct Frame {
    pub title: String,
    pub merchant_id: String,
    pub signed_in_as: String,
    pub csrf: String,
    /// The navigation entry to mark as current.
    pub section: &'static str,
}

impl Frame {
    pub fn new(who: &SignedIn, title: impl Into<String>, section: &'static str) -> Self {
        Self {
            title: title.into(),
            merchant_id: who.merchant_id.clone(),
            signed_in_as: who.session.signed_in_as.clone(),
            csrf: who.session.csrf.clone(),
            section,
        }
    }
}

#[derive(Serialize)]
struct Styled<'a, T: Serialize> {
    frame: &'a Frame,
    #[serde(flatten)]
    page: &'a T,
    css: minijinja::Value,
}

/// The dashboard's style sheet (inline) and its hash, which the CSP names.
fn stylesheet() -> Result<(minijinja::Value, String), AppError> {
    let css = pages::render("app.css", &()).map_err(|_| AppError::Render)?;
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
    Ok((minijinja::Value::from_safe_string(css), hash))
}

/// Every dashboard answer's headers: no caching (personal data), no framing, a CSP that
/// allows this origin's forms and the inline style sheet by its hash only.
fn secured(mut response: Response, css_hash: &str) -> Response {
    let csp = format!(
        "default-src 'none'; img-src 'self'; style-src 'sha256-{css_hash}'; \
         form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    );
    let headers = response.headers_mut();
    pages::private_html(headers, "same-origin");
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// Renders a dashboard page: `template` gets the frame as `frame` and the page's fields.
pub fn respond<T: Serialize>(
    status: StatusCode,
    template: &str,
    frame: &Frame,
    page: &T,
) -> Result<Response, AppError> {
    let (css, hash) = stylesheet()?;
    let html =
        pages::render(template, &Styled { frame, page, css }).map_err(|_| AppError::Render)?;
    Ok(secured((status, html).into_response(), &hash))
}

/// 303 to a path of this site.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The dashboard's words for statuses and milestones: data, one row each.
const STATUS_LABELS: [(Status, &str); 12] = [
    (Status::Pending, "Registered"),
    (Status::InfoReceived, "Label created"),
    (Status::InTransit, "In transit"),
    (Status::OutForDelivery, "Out for delivery"),
    (Status::AvailableForPickup, "At a pickup point"),
    (Status::AttemptFailed, "Delivery attempt failed"),
    (Status::Delivered, "Delivered"),
    (Status::Exception, "Exception"),
    (Status::ReturningToSender, "Returning to sender"),
    (Status::ReturnedToSender, "Returned to sender"),
    (Status::Expired, "Tracking expired"),
    (Status::Cancelled, "Cancelled"),
];

const MILESTONE_LABELS: [(Milestone, &str); 12] = [
    (Milestone::LabelCreated, "label created"),
    (Milestone::InTransit, "on its way"),
    (Milestone::OutForDelivery, "out for delivery"),
    (Milestone::AvailableForPickup, "ready for pickup"),
    (Milestone::AttemptFailed, "delivery attempt failed"),
    (Milestone::Delivered, "delivered"),
    (Milestone::Exception, "a problem with the delivery"),
    (Milestone::Delayed, "delayed"),
    (Milestone::Stalled, "no news for a while"),
    (Milestone::TrendingLate, "may arrive late"),
    (Milestone::ReturningToSender, "returning to sender"),
    (Milestone::ReturnedToSender, "returned to sender"),
];

pub fn status_label(status: Status) -> &'static str {
    STATUS_LABELS
        .iter()
        .find(|(s, _)| *s == status)
        .map_or(status.as_str(), |(_, label)| label)
}

pub fn milestone_label(milestone: Milestone) -> &'static str {
    MILESTONE_LABELS
        .iter()
        .find(|(m, _)| *m == milestone)
        .map_or(milestone.as_str(), |(_, label)| label)
}

/// `2031-03-04 09:15 UTC`: the dashboard shows times in UTC, said so.
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// "3 days", "5 hours", "12 minutes": how long ago, roughly.
pub fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let d = now - since;
    let (n, unit) = if d.num_days() >= 1 {
        (d.num_days(), "day")
    } else if d.num_hours() >= 1 {
        (d.num_hours(), "hour")
    } else {
        (d.num_minutes().max(0), "minute")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// A query string value, percent-encoded for a link.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests;
