//! Shipments in the dashboard: search (tracking number, order number, customer email), the
//! list with filters and cursors, and one shipment's page (its timeline, every
//! notification, the rating, the watchlist's reasons) with its actions: edit the promise and
//! the customer's contact, erase the customer's personal data.

use super::attention::owned;
use super::session::{Posted, SignedIn};
use super::{AppError, Frame, PAGE_ROWS, milestone_label, respond, see_other, status_label, when};
use crate::error::ApiError;
use crate::v1::{notification_resend, shipment_edit};
use crate::{App, Store};
use afterclick_domain::Status;
use afterclick_domain::attention::{masked_contact, open_reasons, watch_reasons};
use afterclick_domain::listing::{ShipmentQuery, decode_cursor, encode_cursor, normalize_email};
use afterclick_domain::milestone::Milestone;
use afterclick_domain::milestone::Moment;
use afterclick_domain::ports::StoreError;
use afterclick_domain::validate::validate_tracking_number;
use afterclick_domain::{Channel, Shipment};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::Arc;

/// The newest scans a shipment's page shows.
const TIMELINE_ROWS: usize = 100;

#[derive(Debug, Default)]
struct Search {
    q: String,
    status: Option<Status>,
    carrier: Option<String>,
    cursor: Option<String>,
    errors: Vec<String>,
}

impl Search {
    fn parse(query: Option<&str>) -> Self {
        let mut s = Search::default();
        for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match &*name {
                "q" if value.chars().count() <= 254 => s.q = value.to_owned(),
                "q" => s.errors.push("The search is too long.".into()),
                "status" => match value.parse::<Status>() {
                    Ok(st) => s.status = Some(st),
                    Err(_) => s
                        .errors
                        .push("Unknown status: showing every status.".into()),
                },
                "carrier" if value.len() <= 64 => s.carrier = Some(value.to_lowercase()),
                "carrier" => s.errors.push("The carrier is too long.".into()),
                "cursor" => s.cursor = Some(value.to_owned()),
                _ => {}
            }
        }
        s
    }

    /// What the search box asks for: an email address is a customer; anything else an
    /// order number (and a tracking number, looked up directly).
    fn query(&self) -> ShipmentQuery {
        let mut q = ShipmentQuery {
            status: self.status,
            carrier: self.carrier.clone(),
            ..Default::default()
        };
        if self.q.contains('@') {
            q.customer_email = Some(normalize_email(&self.q));
        } else if !self.q.is_empty() {
            q.order_number = Some(self.q.clone());
        }
        q
    }

    fn link(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", super::encode(&self.q)));
        }
        if let Some(st) = self.status {
            parts.push(format!("status={}", st.as_str()));
        }
        if let Some(c) = &self.carrier {
            parts.push(format!("carrier={}", super::encode(c)));
        }
        parts.join("&")
    }
}

#[derive(Serialize)]
struct Row {
    id: String,
    tracking_number: String,
    carrier: String,
    order_number: String,
    status: &'static str,
    customer: String,
    created: String,
    last_scan: Option<String>,
    promise: Option<String>,
    attention: bool,
}

fn row(s: &Shipment, now: DateTime<Utc>) -> Row {
    Row {
        id: s.id.clone(),
        tracking_number: s.tracking_number.clone(),
        carrier: s.carrier.clone(),
        order_number: s.order_number.clone(),
        status: status_label(s.status),
        customer: masked_contact(s),
        created: when(s.created_at),
        last_scan: s.last_scan_at.map(when),
        promise: s.promised_delivery_date.map(|d| d.to_string()),
        attention: !open_reasons(s, now).is_empty(),
    }
}

#[derive(Serialize)]
struct StatusOption {
    name: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct ListPage {
    q: String,
    status: Option<&'static str>,
    carrier: String,
    statuses: Vec<StatusOption>,
    rows: Vec<Row>,
    errors: Vec<String>,
    next: Option<String>,
    searched: bool,
}

/// `GET /app/shipments`: search and the filtered list, newest first.
pub async fn list<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    who: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let now = (app.clock)();
    let search = Search::parse(query.as_deref());
    let q = search.query();
    let fingerprint = q.fingerprint(&who.merchant_id);
    let after = match &search.cursor {
        Some(raw) => Some(
            decode_cursor(raw, &q, &fingerprint)
                .map_err(|_| AppError::BadRequest("This page link is out of date."))?,
        ),
        None => None,
    };
    let mut shipments = Vec::new();
    // A tracking number is one GetItem, whatever else the search matches.
    if after.is_none()
        && !search.q.contains('@')
        && validate_tracking_number("q", &search.q).is_ok()
        && let Some(s) = app.store.shipment(&who.merchant_id, &search.q).await?
        && q.status.is_none_or(|st| s.status == st)
    {
        shipments.push(s);
    }
    let page = app
        .store
        .list_shipments(&who.merchant_id, &q, after.as_ref(), PAGE_ROWS)
        .await?;
    for s in page.shipments {
        if !shipments.iter().any(|found: &Shipment| found.id == s.id) {
            shipments.push(s);
        }
    }
    let link = search.link();
    let page = ListPage {
        q: search.q.clone(),
        status: search.status.map(Status::as_str),
        carrier: search.carrier.clone().unwrap_or_default(),
        statuses: Status::ALL
            .iter()
            .map(|st| StatusOption {
                name: st.as_str(),
                label: status_label(*st),
            })
            .collect(),
        rows: shipments.iter().map(|s| row(s, now)).collect(),
        errors: search.errors.clone(),
        next: page.next.map(|position| {
            let cursor = encode_cursor(&position, &fingerprint);
            let sep = if link.is_empty() { "" } else { "&" };
            format!("/app/shipments?{link}{sep}cursor={cursor}")
        }),
        searched: !search.q.is_empty(),
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let frame = Frame::new(&who, "Shipments", "shipments");
    respond(status, "app_shipments.html", &frame, &page)
}

#[derive(Serialize)]
struct EventRow {
    when: String,
    status: &'static str,
    description: String,
    location: Option<String>,
}

#[derive(Serialize)]
struct NotificationRow {
    moment: String,
    channel: &'static str,
    state: &'static str,
    created: String,
    updated: String,
    detail: Option<String>,
    /// What SES reported after the send: "delivered 2031-03-04 09:15 UTC", ...
    events: Vec<String>,
    /// The resend form's fields, for one that never reached the customer.
    resend: Option<ResendFields>,
    /// The query naming it on its message page (`/app/shipments/{id}/message?...`).
    message: String,
}

#[derive(Serialize)]
struct ResendFields {
    milestone: &'static str,
    instance: Option<String>,
    channel: &'static str,
}

fn notification_row(n: &afterclick_domain::Notification) -> NotificationRow {
    use afterclick_domain::NotificationState;
    NotificationRow {
        moment: milestone_label(n.milestone).to_owned(),
        channel: n.channel.as_str(),
        state: n.state.as_str(),
        created: when(n.created_at),
        updated: when(n.updated_at),
        detail: n.detail.clone(),
        events: crate::v1::email_events(n)
            .into_iter()
            .map(|e| match e.detail {
                Some(detail) => format!("{} {} ({detail})", e.event, when(e.at)),
                None => format!("{} {}", e.event, when(e.at)),
            })
            .collect(),
        resend: matches!(
            n.state,
            NotificationState::Failed | NotificationState::Suppressed
        )
        .then(|| ResendFields {
            milestone: n.milestone.as_str(),
            instance: n.instance.clone(),
            channel: n.channel.as_str(),
        }),
        message: {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("milestone", n.milestone.as_str());
            query.append_pair("channel", n.channel.as_str());
            if let Some(instance) = &n.instance {
                query.append_pair("instance", instance);
            }
            query.finish()
        },
    }
}

#[derive(Serialize)]
struct MomentRow {
    label: &'static str,
    when: String,
    notified: bool,
}

#[derive(Serialize)]
struct ShipmentPage {
    id: String,
    tracking_number: String,
    carrier: String,
    service: Option<String>,
    order_number: String,
    status: &'static str,
    created: String,
    last_scan: Option<String>,
    promise: Option<String>,
    estimate: Option<String>,
    prediction: Option<String>,
    customer_name: String,
    email: Option<String>,
    phone: Option<String>,
    locale: Option<String>,
    timezone: String,
    erased: Option<String>,
    tracking_url: String,
    reasons: Vec<&'static str>,
    open: bool,
    handled: Option<String>,
    moments: Vec<MomentRow>,
    events: Vec<EventRow>,
    earlier_events: bool,
    notifications: Vec<NotificationRow>,
    rating: Option<String>,
    rating_comment: Option<String>,
    back: String,
    /// A refused form's reason.
    error: Option<String>,
}

/// `GET /app/shipments/{id}`: one shipment, everything the merchant may want to check.
pub async fn show<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = owned(&app, &who.merchant_id, &id).await?;
    render(&app, &who, s, StatusCode::OK, None).await
}

/// The shipment's page, with a form's error when one was refused.
async fn render<S: Store, V>(
    app: &App<S, V>,
    who: &SignedIn,
    s: Shipment,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, AppError> {
    let now = (app.clock)();
    let (merchant_id, tn) = (&s.merchant_id, &s.tracking_number);
    let timeline = app
        .store
        .timeline_page(merchant_id, tn, None, TIMELINE_ROWS)
        .await?;
    let notifications = app.store.notifications(merchant_id, tn).await?;
    let rating = app.store.rating(merchant_id, tn).await?;
    let mut moments: Vec<(DateTime<Utc>, MomentRow)> = s
        .milestones
        .iter()
        .filter_map(|(key, reached)| {
            let moment = Moment::parse_key(key)?;
            Some((
                reached.at,
                MomentRow {
                    label: milestone_label(moment.milestone),
                    when: when(reached.at),
                    notified: reached.notified,
                },
            ))
        })
        .collect();
    moments.sort_by_key(|(at, _)| *at);
    let open = open_reasons(&s, now);
    let page = ShipmentPage {
        id: s.id.clone(),
        tracking_number: s.tracking_number.clone(),
        carrier: s.carrier_name.clone().unwrap_or_else(|| s.carrier.clone()),
        service: s.service.clone(),
        order_number: s.order_number.clone(),
        status: status_label(s.status),
        created: when(s.created_at),
        last_scan: s.last_scan_at.map(when),
        promise: s.promised_delivery_date.map(|d| d.to_string()),
        estimate: s.estimated_delivery.map(|d| d.to_string()),
        prediction: s
            .prediction
            .as_ref()
            .map(|p| format!("{} to {}", p.earliest, p.latest)),
        customer_name: s.customer.name.clone(),
        email: s.customer.email.as_deref().map(str::to_owned),
        phone: s.customer.phone.as_deref().map(str::to_owned),
        locale: s.customer.locale.as_deref().map(str::to_owned),
        timezone: s.customer.timezone.clone(),
        erased: s.erased_at.map(when),
        tracking_url: s.tracking_url(
            &crate::v1::shipments::pages_base(app, merchant_id)
                .await
                .map_err(|_| AppError::Render)?,
        ),
        reasons: if open.is_empty() {
            watch_reasons(&s).iter().map(|r| r.label()).collect()
        } else {
            open.iter().map(|r| r.label()).collect()
        },
        open: !open.is_empty(),
        handled: s
            .handled
            .as_ref()
            .map(|h| format!("{} on {}", h.by, when(h.at))),
        moments: moments.into_iter().map(|(_, m)| m).collect(),
        events: timeline
            .events
            .iter()
            .rev()
            .map(|e| EventRow {
                when: when(e.occurred_at),
                status: status_label(e.status),
                description: e.description.clone(),
                location: e.location.clone(),
            })
            .collect(),
        earlier_events: timeline.earlier.is_some(),
        notifications: notifications.iter().map(notification_row).collect(),
        rating: rating.as_ref().map(|r| format!("{} of 5", r.stars)),
        rating_comment: rating.and_then(|r| r.comment),
        back: format!("/app/shipments/{}", s.id),
        error,
    };
    let frame = Frame::new(who, format!("Shipment {}", s.tracking_number), "shipments");
    respond(status, "app_shipment.html", &frame, &page)
}

/// What a refused edit says on the page; anything that is not the merchant's input to fix
/// stays an error of the dashboard.
fn refusal(err: ApiError) -> Result<String, AppError> {
    match err {
        ApiError::Unprocessable(e) | ApiError::InvalidBody(e) => {
            Ok(format!("Not saved: {} {}.", label(&e.field), e.detail))
        }
        ApiError::Problem(p) if p.status == 409 => Ok(format!("Not saved: {}.", p.detail)),
        ApiError::NotFound(_) => Err(AppError::NotFound),
        ApiError::Store(e) => Err(AppError::Store(e)),
        _ => Err(AppError::Render),
    }
}

/// A patch field as the form names it.
fn label(field: &str) -> &str {
    match field {
        "promised_delivery_date" => "the promised date",
        "customer.email" => "the email address",
        "customer.phone" => "the phone number",
        other => other,
    }
}

/// `POST /app/shipments/{id}/edit`: the promise and the customer's contact, as
/// `PATCH /v1/shipments/{id}` changes them (the same checks; an emptied field is removed).
pub async fn edit<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, AppError> {
    let who = &posted.who;
    let field = |name: &str| posted.form.get(name).map_or(Value::Null, Value::String);
    let mut patch = serde_json::Map::new();
    if posted.form.has("promised_delivery_date") {
        patch.insert(
            "promised_delivery_date".into(),
            field("promised_delivery_date"),
        );
    }
    if posted.form.has("email") || posted.form.has("phone") {
        patch.insert(
            "customer".into(),
            json!({"email": field("email"), "phone": field("phone")}),
        );
    }
    let body = Value::Object(patch).to_string();
    match shipment_edit::edit(&app, &who.merchant_id, &id, body.as_bytes()).await {
        Ok(s) => Ok(see_other(&format!("/app/shipments/{}", s.id))),
        Err(err) => {
            let message = refusal(err)?;
            let s = owned(&app, &who.merchant_id, &id).await?;
            render(
                &app,
                who,
                s,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(message),
            )
            .await
        }
    }
}

/// `POST /app/shipments/{id}/resend`: a notification that never reached the customer, put
/// back on its way as `POST /v1/shipments/{id}/notifications/resend` does.
pub async fn resend<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, AppError> {
    let who = &posted.who;
    let milestone = posted
        .form
        .get("milestone")
        .and_then(|m| Milestone::parse(&m));
    let channel = match posted.form.get("channel").as_deref() {
        Some("email") => Some(Channel::Email),
        Some("sms") => Some(Channel::Sms),
        _ => None,
    };
    let (Some(milestone), Some(channel)) = (milestone, channel) else {
        return Err(AppError::NotFound);
    };
    let which = notification_resend::Which {
        milestone,
        instance: posted.form.get("instance"),
        channel,
    };
    match notification_resend::resend_notification(&app, &who.merchant_id, &id, &which).await {
        Ok(s) => Ok(see_other(&format!("/app/shipments/{}", s.id))),
        Err(err) => {
            let message = refusal(err)?.replacen("Not saved", "Not sent again", 1);
            let s = owned(&app, &who.merchant_id, &id).await?;
            render(&app, who, s, StatusCode::CONFLICT, Some(message)).await
        }
    }
}

/// `POST /app/shipments/{id}/erase`: the customer's personal data erased, as
/// `DELETE /v1/shipments/{id}` does; only with the confirmation ticked.
pub async fn erase<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, AppError> {
    let who = &posted.who;
    if posted.form.get("confirm").as_deref() != Some("erase") {
        let s = owned(&app, &who.merchant_id, &id).await?;
        let message = "Not erased: tick the confirmation first.".to_owned();
        return render(
            &app,
            who,
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(message),
        )
        .await;
    }
    match shipment_edit::erase_customer(&app, &who.merchant_id, &id).await {
        Ok((s, erased_now, _)) => {
            if erased_now {
                tracing::info!(merchant_id = %who.merchant_id, shipment_id = %s.id, "customer data erased from the dashboard");
            }
            Ok(see_other(&format!("/app/shipments/{}", s.id)))
        }
        // Nothing the merchant can fix in the form: the shipment kept changing (409), or
        // the dashboard's own error.
        Err(err) => Err(refusal(err).map_or_else(|e| e, |_| AppError::Store(StoreError::Conflict))),
    }
}
