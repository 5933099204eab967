//! Settings in the dashboard: the brand, sender, channels per milestone, quiet hours,
//! recommendations and thresholds in one form saved as `PUT /v1/settings` saves them (the
//! same checks); every milestone's message previewed in every locale (the merchant's own
//! template over the built-in copy, with sample data); the API keys; the outgoing webhook
//! endpoints with their delivery log; the store connections.

use super::session::{Posted, SignedIn};
use super::{AppError, Frame, milestone_label, respond, see_other, when};
use crate::error::ApiError;
use crate::v1::settings::{self as v1_settings, Settings};
use crate::{App, Store};
use afterclick_domain::i18n::LOCALES;
use afterclick_domain::message::{Override, sample_message};
use afterclick_domain::ports::{SenderIdentities, TemplateKey};
use afterclick_domain::{Channel, Merchant, Milestone};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::Arc;

/// Deliveries an endpoint's log shows.
const DELIVERY_LOG: usize = 50;
/// Rows of recommended products the form offers (the settings' own limit).
const PRODUCT_ROWS: usize = v1_settings::MAX_RECOMMENDATIONS;
const CHANNELS: [Channel; 2] = [Channel::Email, Channel::Sms];

async fn merchant<S: Store, V>(app: &App<S, V>, who: &SignedIn) -> Result<Merchant, AppError> {
    app.store
        .merchant(&who.merchant_id)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Serialize)]
struct ChannelBox {
    name: String,
    label: &'static str,
    checked: bool,
}

#[derive(Serialize)]
struct MilestoneRow {
    name: &'static str,
    label: &'static str,
    channels: Vec<ChannelBox>,
}

#[derive(Serialize, Default)]
struct ProductRow {
    index: usize,
    name: String,
    image_url: String,
    url: String,
    price: String,
}

#[derive(Serialize)]
struct KeyRow {
    id: String,
    name: String,
    created: String,
    state: String,
}

#[derive(Serialize)]
struct EndpointRow {
    id: String,
    url: String,
    description: String,
    milestones: usize,
    created: String,
}

#[derive(Serialize)]
struct ConnectionRow {
    platform: String,
    shop: String,
    connected: String,
}

#[derive(Serialize)]
struct SettingsPage {
    settings: Settings,
    quiet_start: String,
    quiet_end: String,
    locales: &'static [&'static str],
    milestones: Vec<MilestoneRow>,
    products: Vec<ProductRow>,
    item_mappings: usize,
    keys: Vec<KeyRow>,
    endpoints: Vec<EndpointRow>,
    connections: Vec<ConnectionRow>,
    error: Option<String>,
    saved: bool,
    /// The order lookup in an iframe, to paste on the shop's own pages.
    snippet: String,
    /// The linked GA4 property: its measurement id and since when.
    ga4: Option<(String, String)>,
}

async fn page<S: Store, V>(
    app: &App<S, V>,
    who: &SignedIn,
    m: &Merchant,
    shown: Settings,
    error: Option<String>,
    saved: bool,
) -> Result<Response, AppError> {
    let now = (app.clock)();
    let keys = app.store.api_keys(&who.merchant_id).await?;
    let endpoints = app.store.endpoints(&who.merchant_id).await?;
    let mut products: Vec<ProductRow> = shown
        .recommendations
        .iter()
        .enumerate()
        .map(|(index, p)| ProductRow {
            index,
            name: p.name.clone(),
            image_url: p.image_url.clone(),
            url: p.url.clone(),
            price: p.price.clone(),
        })
        .collect();
    while products.len() < PRODUCT_ROWS {
        products.push(ProductRow {
            index: products.len(),
            ..ProductRow::default()
        });
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let pages = shown
        .page_base_url
        .clone()
        .unwrap_or_else(|| app.public_base_url.clone());
    let page = SettingsPage {
        quiet_start: shown.quiet_hours.start.format("%H:%M").to_string(),
        quiet_end: shown.quiet_hours.end.format("%H:%M").to_string(),
        locales: &LOCALES,
        milestones: Milestone::ALL
            .iter()
            .map(|m| MilestoneRow {
                name: m.as_str(),
                label: milestone_label(*m),
                channels: CHANNELS
                    .iter()
                    .map(|c| ChannelBox {
                        name: format!("channel_{}_{}", m.as_str(), c.as_str()),
                        label: c.as_str(),
                        checked: shown
                            .channels
                            .get(m.as_str())
                            .is_some_and(|list| list.iter().any(|x| x == c.as_str())),
                    })
                    .collect(),
            })
            .collect(),
        products,
        item_mappings: shown.recommendations_by_item.len(),
        keys: keys
            .iter()
            .map(|k| KeyRow {
                id: k.key_id.clone(),
                name: k.name.clone().unwrap_or_default(),
                created: when(k.created_at),
                state: match (k.revoked_at, k.expires_at) {
                    (Some(at), _) => format!("revoked {}", when(at)),
                    (None, Some(at)) if at <= now => format!("expired {}", when(at)),
                    (None, Some(at)) => format!("valid until {}", when(at)),
                    (None, None) => "valid".into(),
                },
            })
            .collect(),
        endpoints: endpoints
            .iter()
            .map(|e| EndpointRow {
                id: e.id.clone(),
                url: e.url.clone(),
                description: e.description.clone().unwrap_or_default(),
                milestones: e.milestones.len(),
                created: when(e.created_at),
            })
            .collect(),
        connections: m
            .integrations
            .iter()
            .map(|(platform, i)| ConnectionRow {
                platform: platform.clone(),
                shop: i.shop.clone(),
                connected: when(i.connected_at),
            })
            .collect(),
        settings: shown,
        error,
        saved,
        ga4: m
            .ga4
            .as_ref()
            .map(|l| (l.measurement_id.clone(), when(l.linked_at))),
        snippet: format!(
            "<iframe src=\"{pages}/lookup/{}\" title=\"Track your order\" width=\"100%\" height=\"560\" style=\"border:0\"></iframe>",
            who.merchant_id
        ),
    };
    let frame = Frame::new(who, "Settings", "settings");
    respond(status, "app_settings.html", &frame, &page)
}

/// `POST /app/settings/ga4`: links a GA4 property as `PUT /v1/settings/ga4` does, or
/// unlinks it (`unlink`).
pub async fn ga4<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    posted: Posted,
) -> Result<Response, AppError> {
    let who = &posted.who;
    if posted.form.has("unlink") {
        app.store.set_ga4(&who.merchant_id, None).await?;
        tracing::info!(merchant_id = %who.merchant_id, "GA4 property unlinked from the dashboard");
        return Ok(see_other("/app/settings?saved=1"));
    }
    let (measurement_id, api_secret) = (
        posted.form.get("measurement_id").unwrap_or_default(),
        posted.form.get("api_secret").unwrap_or_default(),
    );
    match crate::v1::ga4::link(&app, &who.merchant_id, &measurement_id, &api_secret).await {
        Ok(_) => Ok(see_other("/app/settings?saved=1")),
        Err(ApiError::Unprocessable(e)) => {
            let m = merchant(&app, who).await?;
            let message = format!(
                "GA4 not linked: {} {}.",
                e.field.replace('_', " "),
                e.detail
            );
            page(&app, who, &m, Settings::of(&m), Some(message), false).await
        }
        Err(ApiError::Store(e)) => Err(AppError::Store(e)),
        Err(_) => Err(AppError::NotFound),
    }
}

/// `GET /app/settings`.
pub async fn show<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    who: SignedIn,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Response, AppError> {
    let m = merchant(&app, &who).await?;
    let saved = query.as_deref() == Some("saved=1");
    page(&app, &who, &m, Settings::of(&m), None, saved).await
}

/// The form as a settings document: every field the form has replaces the stored one
/// (an emptied optional field is removed); the rest (products per line item) is kept.
fn document(current: &Settings, posted: &Posted) -> Value {
    let form = &posted.form;
    let mut doc = serde_json::to_value(current).unwrap_or(Value::Null);
    let text = |name: &str| form.get(name).map_or(Value::Null, Value::String);
    for name in [
        "brand_name",
        "primary_color",
        "accent_color",
        "sender_email",
        "default_locale",
    ] {
        doc[name] = Value::String(form.get(name).unwrap_or_default());
    }
    for name in [
        "logo_url",
        "reply_to",
        "sms_sender_id",
        "support_url",
        "support_email",
        "discount_code",
        "page_base_url",
    ] {
        doc[name] = text(name);
    }
    // A number that is not one stays text, and the settings' parser names the field.
    for name in ["stall_after_hours", "trending_late_percent"] {
        let raw = form.get(name).unwrap_or_default();
        doc[name] = raw
            .parse::<u64>()
            .map_or(Value::String(raw), |n| Value::Number(n.into()));
    }
    doc["quiet_hours"] = json!({
        "start": form.get("quiet_start").unwrap_or_default(),
        "end": form.get("quiet_end").unwrap_or_default(),
    });
    let mut channels = serde_json::Map::new();
    for m in Milestone::ALL {
        let on: Vec<Value> = CHANNELS
            .iter()
            .filter(|c| form.has(&format!("channel_{}_{}", m.as_str(), c.as_str())))
            .map(|c| Value::String(c.as_str().to_owned()))
            .collect();
        if !on.is_empty() {
            channels.insert(m.as_str().to_owned(), Value::Array(on));
        }
    }
    doc["channels"] = Value::Object(channels);
    let products: Vec<Value> = (0..PRODUCT_ROWS)
        .filter_map(|i| {
            let field = |f: &str| form.get(&format!("product_{i}_{f}")).unwrap_or_default();
            let row = [
                field("name"),
                field("image_url"),
                field("url"),
                field("price"),
            ];
            (!row.iter().all(String::is_empty)).then(
                || json!({"name": row[0], "image_url": row[1], "url": row[2], "price": row[3]}),
            )
        })
        .collect();
    doc["recommendations"] = Value::Array(products);
    if form.has("embed_origins") {
        let sites: Vec<Value> = form
            .get("embed_origins")
            .unwrap_or_default()
            .split_whitespace()
            .map(|s| Value::String(s.to_owned()))
            .collect();
        doc["embed_origins"] = Value::Array(sites);
    }
    doc
}

/// `POST /app/settings`: saved, or the form again with what was wrong.
pub async fn save<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    posted: Posted,
) -> Result<Response, AppError> {
    let who = &posted.who;
    let m = merchant(&app, who).await?;
    let current = Settings::of(&m);
    let doc = document(&current, &posted);
    let parsed: Result<Settings, String> =
        serde_json::from_value(doc.clone()).map_err(|e| format!("Not saved: {e}."));
    let refused = match parsed {
        Ok(settings) => match v1_settings::save(&app, m.clone(), settings).await {
            Ok(_) => return Ok(see_other("/app/settings?saved=1")),
            Err(ApiError::Unprocessable(e) | ApiError::InvalidBody(e)) => {
                format!("Not saved: `{}` {}.", e.field, e.detail)
            }
            Err(ApiError::Store(e)) => return Err(AppError::Store(e)),
            Err(_) => return Err(AppError::Render),
        },
        Err(message) => message,
    };
    // Show what was sent, so nothing typed is lost.
    let shown = serde_json::from_value(doc).unwrap_or(current);
    page(&app, who, &m, shown, Some(refused), false).await
}

#[derive(Serialize)]
struct PreviewPage {
    milestone: &'static str,
    channel: &'static str,
    locale: &'static str,
    own_template: bool,
    subject: Option<String>,
    text: String,
    html_link: Option<String>,
    error: Option<String>,
    links: Vec<PreviewLink>,
    /// The template form: the saved template, or what was typed.
    form: TemplateForm,
    /// Previewing what was typed (not saved yet).
    unsaved: bool,
    warnings: Vec<String>,
    /// The form's own action (this page's path).
    action: String,
}

#[derive(Serialize, Default)]
struct TemplateForm {
    sms: bool,
    subject: String,
    html: String,
    text: String,
    body: String,
}

impl TemplateForm {
    fn of(channel: Channel, t: Option<&Override>) -> Self {
        let part = |p: Option<&Option<String>>| p.and_then(Option::clone).unwrap_or_default();
        Self {
            sms: channel == Channel::Sms,
            subject: part(t.map(|t| &t.subject)),
            html: part(t.map(|t| &t.html)),
            text: part(t.map(|t| &t.text)),
            body: part(t.map(|t| &t.body)),
        }
    }
}

#[derive(Serialize)]
struct PreviewLink {
    href: String,
    label: String,
    current: bool,
}

/// The path's milestone, channel and locale, each one the dashboard knows; else 404.
fn parse_key(
    merchant_id: &str,
    (milestone, channel, locale): (String, String, String),
) -> Result<(TemplateKey, &'static str), AppError> {
    let milestone = Milestone::parse(&milestone).ok_or(AppError::NotFound)?;
    let channel = CHANNELS
        .into_iter()
        .find(|c| c.as_str() == channel)
        .ok_or(AppError::NotFound)?;
    let locale = LOCALES
        .iter()
        .find(|l| **l == locale)
        .ok_or(AppError::NotFound)?;
    Ok((
        TemplateKey {
            merchant_id: merchant_id.to_owned(),
            milestone,
            channel,
            locale: (*locale).to_owned(),
        },
        locale,
    ))
}

async fn render_sample<S: Store, V>(
    app: &App<S, V>,
    m: &Merchant,
    key: &TemplateKey,
) -> Result<
    (
        bool,
        Result<afterclick_domain::message::SampleMessage, String>,
    ),
    AppError,
> {
    let template = app.store.template(key).await?;
    let (m, key, now) = (m.clone(), key.clone(), (app.clock)());
    let own = template.is_some();
    // Templates run with bounded fuel, off the async workers all the same.
    let sample = tokio::task::spawn_blocking(move || {
        sample_message(
            key.milestone,
            key.channel,
            &m,
            &key.locale,
            template.as_ref(),
            now,
        )
        .map_err(|e| e.to_string())
    })
    .await
    .map_err(|_| AppError::Render)?;
    Ok((own, sample))
}

/// `GET /app/settings/preview/{milestone}/{channel}/{locale}`: the message with sample data,
/// and the form to write the merchant's own template for it.
pub async fn preview<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    who: SignedIn,
    Path(path): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let (key, locale) = parse_key(&who.merchant_id, path)?;
    let m = merchant(&app, &who).await?;
    let saved = app.store.template(&key).await?;
    let form = TemplateForm::of(key.channel, saved.as_ref());
    let (own_template, sample) = render_sample(&app, &m, &key).await?;
    let sample = sample.map(|s| (s.subject, s.text, s.html.is_some()));
    preview_page(&who, &key, locale, own_template, sample, form, None).await
}

/// What the preview page shows: the message (`Ok((subject, text, has HTML))`, or why it
/// cannot render), the form, and for an unsaved template its warnings.
async fn preview_page(
    who: &SignedIn,
    key: &TemplateKey,
    locale: &'static str,
    own_template: bool,
    message: Result<(Option<String>, String, bool), String>,
    form: TemplateForm,
    unsaved: Option<(StatusCode, Vec<String>)>,
) -> Result<Response, AppError> {
    let base = format!("/app/settings/preview/{}", key.milestone.as_str());
    let mut links = Vec::new();
    for c in CHANNELS {
        for l in LOCALES {
            links.push(PreviewLink {
                href: format!("{base}/{}/{l}", c.as_str()),
                label: format!("{} {l}", c.as_str()),
                current: c == key.channel && l == locale,
            });
        }
    }
    let (subject, text, html_link, error) = match message {
        Ok((subject, text, html)) => (
            subject,
            text,
            (html && unsaved.is_none())
                .then(|| format!("{base}/{}/{locale}/html", key.channel.as_str())),
            None,
        ),
        Err(e) => (None, String::new(), None, Some(e)),
    };
    let (status, warnings) = unsaved.clone().unwrap_or((StatusCode::OK, Vec::new()));
    let page = PreviewPage {
        milestone: milestone_label(key.milestone),
        channel: key.channel.as_str(),
        locale,
        own_template,
        subject,
        text,
        html_link,
        error,
        links,
        form,
        unsaved: unsaved.is_some(),
        warnings,
        action: format!("{base}/{}/{locale}", key.channel.as_str()),
    };
    let frame = Frame::new(who, "Message preview", "settings");
    respond(status, "app_preview.html", &frame, &page)
}

/// `POST /app/settings/preview/{milestone}/{channel}/{locale}`: the template form. `preview`
/// renders what was typed with sample data and saves nothing; `save` checks it as
/// `PUT /v1/templates/...` does and saves it; `delete` goes back to the built-in copy. A
/// template that does not render keeps what was typed, with where it broke.
pub async fn template<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    Path(path): Path<(String, String, String)>,
    posted: Posted,
) -> Result<Response, AppError> {
    let who = &posted.who;
    let (key, locale) = parse_key(&who.merchant_id, path)?;
    let back = format!(
        "/app/settings/preview/{}/{}/{locale}",
        key.milestone.as_str(),
        key.channel.as_str()
    );
    let action = posted.form.get("action").unwrap_or_default();
    if action == "delete" {
        app.store.delete_template(&key).await?;
        return Ok(see_other(&back));
    }
    let part = |name: &str| posted.form.get(name);
    let typed = match key.channel {
        Channel::Email => Override {
            subject: part("subject"),
            html: part("html"),
            text: part("text"),
            body: None,
        },
        Channel::Sms => Override {
            body: part("body"),
            ..Override::default()
        },
    };
    let form = TemplateForm::of(key.channel, Some(&typed));
    let own = app.store.template(&key).await?.is_some();
    match crate::v1::templates::check(&app, &key, &typed).await {
        Ok(_) if action == "save" => {
            app.store.save_template(&key, &typed).await?;
            tracing::info!(merchant_id = %who.merchant_id, milestone = key.milestone.as_str(), "template saved from the dashboard");
            Ok(see_other(&back))
        }
        Ok(preview) => {
            let r = &preview.rendered;
            let text = r
                .text
                .clone()
                .or_else(|| r.body.clone())
                .unwrap_or_default();
            let message = Ok((r.subject.clone(), text, false));
            let unsaved = Some((StatusCode::OK, preview.warnings.clone()));
            preview_page(who, &key, locale, own, message, form, unsaved).await
        }
        Err(err) => {
            let why = match err {
                ApiError::Unprocessable(e) => format!("{} {}", e.field, e.detail),
                ApiError::Problem(p) => p.detail,
                ApiError::Store(e) => return Err(AppError::Store(e)),
                _ => return Err(AppError::Render),
            };
            let unsaved = Some((StatusCode::UNPROCESSABLE_ENTITY, Vec::new()));
            preview_page(who, &key, locale, own, Err(why), form, unsaved).await
        }
    }
}

/// `GET /app/settings/preview/{milestone}/{channel}/{locale}/html`: the email's HTML as
/// the customer's mail client gets it, sandboxed (no script, no form, no same origin).
pub async fn preview_html<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    who: SignedIn,
    Path(path): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let (key, _) = parse_key(&who.merchant_id, path)?;
    let m = merchant(&app, &who).await?;
    let (_, sample) = render_sample(&app, &m, &key).await?;
    let html = sample.ok().and_then(|s| s.html).ok_or(AppError::NotFound)?;
    Ok(sandboxed_email(html))
}

/// An email's HTML as the customer's mail client gets it, served sandboxed: it holds the
/// merchant's template and carrier text, so on this origin nothing in it may run or load
/// but its inline styles and images.
pub(super) fn sandboxed_email(html: String) -> Response {
    let mut response = (StatusCode::OK, html).into_response();
    let headers = response.headers_mut();
    crate::pages::private_html(headers, "no-referrer");
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; \
             frame-ancestors 'none'",
        ),
    );
    response
}

#[derive(Serialize)]
struct DeliveryRow {
    created: String,
    tracking_number: String,
    event_type: String,
    state: &'static str,
    attempts: u32,
    last_status: Option<u16>,
    last_error: Option<String>,
}

#[derive(Serialize)]
struct EndpointPage {
    url: String,
    description: String,
    deliveries: Vec<DeliveryRow>,
}

/// `GET /app/settings/endpoints/{id}`: an endpoint's newest deliveries.
pub async fn endpoint<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    if afterclick_domain::ids::Id::parse(&id).is_none() {
        return Err(AppError::NotFound);
    }
    let e = app
        .store
        .endpoint(&who.merchant_id, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let deliveries = app
        .store
        .endpoint_deliveries(&who.merchant_id, &e.id, DELIVERY_LOG)
        .await?;
    let page = EndpointPage {
        url: e.url.clone(),
        description: e.description.clone().unwrap_or_default(),
        deliveries: deliveries
            .into_iter()
            .map(|d| DeliveryRow {
                created: when(d.created_at),
                tracking_number: d.tracking_number,
                event_type: d.event_type,
                state: d.state.as_str(),
                attempts: d.attempts,
                last_status: d.last_status,
                last_error: d.last_error,
            })
            .collect(),
    };
    let frame = Frame::new(&who, "Webhook endpoint", "settings");
    respond(StatusCode::OK, "app_endpoint.html", &frame, &page)
}
