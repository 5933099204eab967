//! `GET /app/notifications`: what customers received. Per day, for each milestone and
//! channel: sent, deferred (SMS in quiet hours), suppressed (by reason) and failed, and for
//! email what SES said afterwards: delivered, bounced, complained, opened, clicked
//! (`afterclick_domain::notification_stats`). Below, the suppression list: addresses that
//! get no more email after a hard bounce or a complaint, each with a form to lift it
//! (`POST /app/suppressions/lift`).

use super::pages_stats::{Bar, day_range, share};
use super::session::{Posted, SignedIn};
use super::{AppError, Frame, milestone_label, respond, see_other, when};
use crate::{App, Store};
use afterclick_domain::Channel;
use afterclick_domain::notification_stats::{Totals, summarise, suppressed_label};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use std::sync::Arc;

const CHART_HEIGHT: u32 = 120;
const BAR_WIDTH: u32 = 6;

#[derive(Serialize)]
struct Row {
    label: String,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct Suppressed {
    /// `a***@example.com`: the list keeps no address.
    masked: String,
    /// What the lift form names it by.
    hash: String,
    reason: &'static str,
    since: String,
    tracking_number: String,
    search: String,
    detail: Option<String>,
}

#[derive(Serialize)]
struct NotificationsPage {
    from: String,
    to: String,
    errors: Vec<String>,
    lifted: bool,
    headings: [&'static str; 10],
    total: Vec<String>,
    rows: Vec<Row>,
    days: Vec<Row>,
    reasons: Vec<(&'static str, u64)>,
    sent_bars: Vec<Bar>,
    delivered_bars: Vec<Bar>,
    chart_width: u32,
    chart_height: u32,
    suppressions: Vec<Suppressed>,
}

const HEADINGS: [&str; 10] = [
    "Sent",
    "Deferred",
    "Suppressed",
    "Failed",
    "Delivered",
    "Bounced",
    "Complained",
    "Opened",
    "Clicked",
    "Delivered of sent emails",
];

/// One table row's cells, in [`HEADINGS`]' order. SMS has no SES events: dashes.
fn cells(t: &Totals, channel: Option<Channel>) -> Vec<String> {
    let email = channel != Some(Channel::Sms);
    let mut cells: Vec<String> = [t.sent, t.deferred, t.suppressed, t.failed]
        .iter()
        .map(u64::to_string)
        .collect();
    for n in [t.delivered, t.bounced, t.complained, t.opened, t.clicked] {
        cells.push(if email { n.to_string() } else { "–".into() });
    }
    cells.push(if email {
        share(t.delivered, t.emails_sent)
    } else {
        "–".into()
    });
    cells
}

pub async fn show<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    who: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let (from, to, errors) = day_range(query.as_deref(), (app.clock)().date_naive());
    let days = app
        .store
        .notification_stats(&who.merchant_id, from, to)
        .await?;
    let summary = summarise(&days);
    let most = summary
        .days
        .iter()
        // Delivered counts on the day SES says the email was sent, which can differ from
        // the day notify recorded it (around midnight): the scale takes both.
        .map(|(_, t)| t.sent.max(t.delivered))
        .max()
        .unwrap_or(0)
        .max(1);
    let bar = |day: chrono::NaiveDate, n: u64, shift: u32, what: &str| {
        let height =
            ((n as f64 / most as f64 * f64::from(CHART_HEIGHT)).round() as u32).min(CHART_HEIGHT);
        let offset = (day - from).num_days().max(0) as u32;
        Bar {
            x: offset * (2 * BAR_WIDTH + 2) + shift,
            y: CHART_HEIGHT.saturating_sub(height),
            height,
            label: format!("{day}: {n} {what}"),
        }
    };
    let sent_bars = summary
        .days
        .iter()
        .map(|(d, t)| bar(*d, t.sent, 0, "sent"))
        .collect();
    let delivered_bars = summary
        .days
        .iter()
        .map(|(d, t)| bar(*d, t.delivered, BAR_WIDTH, "emails delivered"))
        .collect();
    let suppressions = app
        .store
        .suppressions(&who.merchant_id)
        .await?
        .into_iter()
        .map(|s| Suppressed {
            search: super::encode(&s.tracking_number),
            reason: s.reason.label(),
            since: when(s.at),
            masked: s.masked,
            hash: s.email_hash,
            tracking_number: s.tracking_number,
            detail: s.detail,
        })
        .collect();
    let span = (to - from).num_days().max(0) as u32 + 1;
    let page = NotificationsPage {
        from: from.to_string(),
        to: to.to_string(),
        lifted: query
            .as_deref()
            .is_some_and(|q| q.split('&').any(|p| p == "lifted=1")),
        errors,
        headings: HEADINGS,
        total: cells(&summary.total, None),
        rows: summary
            .rows
            .iter()
            .map(|((milestone, channel), t)| Row {
                label: format!(
                    "{} · {}",
                    milestone_label(*milestone),
                    match channel {
                        Channel::Email => "email",
                        Channel::Sms => "SMS",
                    }
                ),
                cells: cells(t, Some(*channel)),
            })
            .collect(),
        days: summary
            .days
            .iter()
            .map(|(d, t)| Row {
                label: d.to_string(),
                cells: cells(t, None),
            })
            .collect(),
        reasons: summary
            .suppressed
            .iter()
            .map(|(code, n)| (suppressed_label(code), *n))
            .collect(),
        sent_bars,
        delivered_bars,
        chart_width: span * (2 * BAR_WIDTH + 2),
        chart_height: CHART_HEIGHT,
        suppressions,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let frame = Frame::new(&who, "Notifications", "notifications");
    respond(status, "app_notifications.html", &frame, &page)
}

/// `POST /app/suppressions/lift`: the merchant takes an address (named by its hash, as
/// the list shows it) off the list: they know the customer fixed their mailbox, or asked
/// for the emails again; the next message goes by email again. Lifting an address not on
/// the list changes nothing.
pub async fn lift<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    posted: Posted,
) -> Result<Response, AppError> {
    let hash = posted
        .form
        .get("hash")
        .map(|h| h.to_ascii_lowercase())
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    let Some(hash) = hash else {
        return Ok(see_other("/app/notifications"));
    };
    if app
        .store
        .lift_suppression(&posted.who.merchant_id, &hash)
        .await?
    {
        tracing::info!(merchant_id = %posted.who.merchant_id, by = %posted.who.session.signed_in_as, "suppression lifted");
        return Ok(see_other("/app/notifications?lifted=1"));
    }
    Ok(see_other("/app/notifications"))
}
