//! `GET /v1/settings` and `PUT /v1/settings`: the merchant's brand, sender, channels per
//! milestone, quiet hours, delay apology and recommendations. Every value is checked; a bad
//! one is a 422 naming the field, and nothing is saved.

use crate::error::ApiError;
use crate::v1::AuthedMerchant;
use crate::{App, BODY_LIMIT, Store};
use afterclick_domain::i18n::{LOCALES, LocaleTag};
use afterclick_domain::model::{Branding, Product, QuietHours};
use afterclick_domain::ports::{SenderIdentities, StoreError};
use afterclick_domain::validate::{FieldError, parse_json, validate_email, validate_text};
use afterclick_domain::{Channel, Merchant, Milestone};
use afterclick_web::{Problem, require_json};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

pub const MAX_RECOMMENDATIONS: usize = 4;
/// SKUs (or product ids) with their own recommendations: the merchant's settings item is
/// read with every message, so the mapping stays small (50 x 4 products is ~60 KB at most).
pub const MAX_ITEM_MAPPINGS: usize = 50;

/// The settings document, as sent and as returned (secrets are never part of it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub brand_name: String,
    #[serde(default)]
    pub logo_url: Option<String>,
    pub primary_color: String,
    pub accent_color: String,
    pub sender_email: String,
    #[serde(default)]
    pub reply_to: Option<String>,
    #[serde(default)]
    pub sms_sender_id: Option<String>,
    #[serde(default)]
    pub support_url: Option<String>,
    #[serde(default)]
    pub support_email: Option<String>,
    pub default_locale: String,
    /// Milestone -> channels; a milestone left out is not announced.
    pub channels: BTreeMap<String, Vec<String>>,
    pub quiet_hours: QuietHours,
    #[serde(default)]
    pub discount_code: Option<String>,
    #[serde(default)]
    pub recommendations: Vec<Product>,
    /// A line item's SKU or product id -> the products offered with it.
    #[serde(default)]
    pub recommendations_by_item: BTreeMap<String, Vec<Product>>,
    pub stall_after_hours: u32,
    /// Risk of missing the promise (percent) from which a shipment is trending late.
    #[serde(default = "default_trending_late_percent")]
    pub trending_late_percent: u8,
    /// The shop's sites that may embed the tracking page and the order lookup.
    #[serde(default)]
    pub embed_origins: Vec<String>,
    /// The shop's own domain for its customer pages (several brands on one deployment).
    #[serde(default)]
    pub page_base_url: Option<String>,
}

/// Sites one shop may let embed its pages.
pub const MAX_EMBED_ORIGINS: usize = 10;

/// `https://host[:port]`, lower case, nothing after: what a CSP `frame-ancestors` source
/// names exactly.
fn origin(field: &str, value: &str) -> Result<String, FieldError> {
    let bad = || FieldError::new(field, "must be a site's origin, https://host (no path)");
    if value.len() > 262 || value.trim() != value {
        return Err(bad());
    }
    let lower = value.to_ascii_lowercase();
    let authority = lower.strip_prefix("https://").ok_or_else(bad)?;
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host.contains('.')
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    let port_ok = port.is_none_or(|p| {
        p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n > 0)
    });
    if host_ok && port_ok {
        Ok(lower)
    } else {
        Err(bad())
    }
}

fn default_trending_late_percent() -> u8 {
    afterclick_domain::lanes::DEFAULT_TRENDING_LATE_PERCENT
}

impl Settings {
    pub(crate) fn of(m: &Merchant) -> Self {
        let b = &m.branding;
        Self {
            brand_name: m.brand_name.clone(),
            logo_url: b.logo_url.clone(),
            primary_color: b.primary_color.clone(),
            accent_color: b.accent_color.clone(),
            sender_email: m.sender_email.clone(),
            reply_to: m.reply_to.clone(),
            sms_sender_id: m.sms_sender_id.clone(),
            support_url: b.support_url.clone(),
            support_email: b.support_email.clone(),
            default_locale: b.default_locale.to_string(),
            channels: m
                .channels
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        v.iter().map(|c| c.as_str().to_owned()).collect(),
                    )
                })
                .collect(),
            quiet_hours: b.quiet_hours,
            discount_code: b.discount_code.clone(),
            recommendations: b.recommendations.clone(),
            recommendations_by_item: b.recommendations_by_item.clone(),
            stall_after_hours: m.stall_after_hours,
            trending_late_percent: m.trending_late_percent,
            embed_origins: b.embed_origins.clone(),
            page_base_url: b.page_base_url.clone(),
        }
    }
}

fn https(field: &str, url: &str) -> Result<(), FieldError> {
    // A TAB, CR or LF (or any space) inside a URL is no URL: browsers strip some of them,
    // mail headers break on others.
    let ok = url.len() <= 2048
        && !url.chars().any(|c| {
            c.is_whitespace() || c.is_control() || afterclick_domain::validate::is_invisible(c)
        })
        && url.strip_prefix("https://").is_some_and(|rest| {
            rest.split('/')
                .next()
                .is_some_and(|host| host.contains('.') && !host.contains(' '))
        });
    ok.then_some(())
        .ok_or_else(|| FieldError::new(field, "must be an https:// URL"))
}

fn colour(field: &str, value: &str) -> Result<(), FieldError> {
    let ok = value.len() == 7
        && value.starts_with('#')
        && value[1..].chars().all(|c| c.is_ascii_hexdigit());
    ok.then_some(())
        .ok_or_else(|| FieldError::new(field, "must be a colour as #rrggbb"))
}

/// Applies validated settings to the merchant (secrets and id untouched).
fn apply(s: Settings, merchant: &mut Merchant) -> Result<(), FieldError> {
    validate_text("brand_name", &s.brand_name, 80)?;
    if let Some(url) = &s.logo_url {
        https("logo_url", url)?;
    }
    colour("primary_color", &s.primary_color)?;
    colour("accent_color", &s.accent_color)?;
    validate_email("sender_email", &s.sender_email)?;
    if let Some(r) = &s.reply_to {
        validate_email("reply_to", r)?;
    }
    if let Some(id) = &s.sms_sender_id {
        // SNS sender IDs: 1-11 alphanumerics, at least one letter.
        let ok = (1..=11).contains(&id.len())
            && id.chars().all(|c| c.is_ascii_alphanumeric())
            && id.chars().any(|c| c.is_ascii_alphabetic());
        if !ok {
            return Err(FieldError::new(
                "sms_sender_id",
                "must be 1 to 11 letters and digits, with at least one letter",
            ));
        }
    }
    if let Some(url) = &s.support_url {
        https("support_url", url)?;
    }
    if let Some(e) = &s.support_email {
        validate_email("support_email", e)?;
    }
    let default_locale = LocaleTag::builtin(&s.default_locale).ok_or_else(|| {
        FieldError::new(
            "default_locale",
            format!("must be one of {}", LOCALES.join(", ")),
        )
    })?;
    let mut channels = BTreeMap::new();
    for (name, list) in &s.channels {
        let field = format!("channels.{name}");
        let milestone =
            Milestone::parse(name).ok_or_else(|| FieldError::new(&field, "is not a milestone"))?;
        let list: Vec<Channel> = list
            .iter()
            .map(|c| {
                Channel::parse(c)
                    .ok_or_else(|| FieldError::new(&field, "channels are `email` and `sms`"))
            })
            .collect::<Result<_, _>>()?;
        channels.insert(milestone, list);
    }
    if let Some(code) = &s.discount_code {
        validate_text("discount_code", code, 40)?;
    }
    if s.recommendations.len() > MAX_RECOMMENDATIONS {
        return Err(FieldError::new(
            "recommendations",
            format!("at most {MAX_RECOMMENDATIONS} products"),
        ));
    }
    let product = |field: String, p: &Product| -> Result<(), FieldError> {
        validate_text(&format!("{field}.name"), &p.name, 80)?;
        https(&format!("{field}.image_url"), &p.image_url)?;
        https(&format!("{field}.url"), &p.url)?;
        validate_text(&format!("{field}.price"), &p.price, 20)
    };
    for (i, p) in s.recommendations.iter().enumerate() {
        product(format!("recommendations[{i}]"), p)?;
    }
    if s.recommendations_by_item.len() > MAX_ITEM_MAPPINGS {
        return Err(FieldError::new(
            "recommendations_by_item",
            format!("at most {MAX_ITEM_MAPPINGS} SKUs or product ids"),
        ));
    }
    for (key, products) in &s.recommendations_by_item {
        let field = format!("recommendations_by_item.{key}");
        validate_text(&field, key, 64)?;
        if products.is_empty() || products.len() > MAX_RECOMMENDATIONS {
            return Err(FieldError::new(
                &field,
                format!("1 to {MAX_RECOMMENDATIONS} products"),
            ));
        }
        for (i, p) in products.iter().enumerate() {
            product(format!("{field}[{i}]"), p)?;
        }
    }
    if !(8..=720).contains(&s.stall_after_hours) {
        return Err(FieldError::new(
            "stall_after_hours",
            "must be between 8 and 720 business hours",
        ));
    }
    merchant.brand_name = s.brand_name.trim().to_owned();
    merchant.sender_email = s.sender_email;
    merchant.reply_to = s.reply_to;
    merchant.sms_sender_id = s.sms_sender_id;
    merchant.channels = channels;
    if !(10..=95).contains(&s.trending_late_percent) {
        return Err(FieldError::new(
            "trending_late_percent",
            "must be a percentage between 10 and 95",
        ));
    }
    if s.embed_origins.len() > MAX_EMBED_ORIGINS {
        return Err(FieldError::new(
            "embed_origins",
            format!("must hold at most {MAX_EMBED_ORIGINS} sites"),
        ));
    }
    let mut embed_origins = s
        .embed_origins
        .iter()
        .enumerate()
        .map(|(i, o)| origin(&format!("embed_origins[{i}]"), o))
        .collect::<Result<Vec<_>, _>>()?;
    embed_origins.sort();
    embed_origins.dedup();
    let page_base_url = s
        .page_base_url
        .as_deref()
        .map(|u| origin("page_base_url", u))
        .transpose()?;
    merchant.stall_after_hours = s.stall_after_hours;
    merchant.trending_late_percent = s.trending_late_percent;
    merchant.branding = Branding {
        logo_url: s.logo_url,
        primary_color: s.primary_color.to_ascii_lowercase(),
        accent_color: s.accent_color.to_ascii_lowercase(),
        support_url: s.support_url,
        support_email: s.support_email,
        default_locale,
        quiet_hours: s.quiet_hours,
        discount_code: s.discount_code,
        recommendations: s.recommendations,
        recommendations_by_item: s.recommendations_by_item,
        embed_origins,
        page_base_url,
    };
    Ok(())
}

fn not_on_sender_domains() -> ApiError {
    ApiError::Unprocessable(FieldError::new(
        "sender_email",
        "is not on one of your sender domains (ask afterclick support to add your domain)",
    ))
}

async fn merchant<S: Store, V>(app: &App<S, V>, id: &str) -> Result<Merchant, ApiError> {
    app.store
        .merchant(id)
        .await?
        .ok_or(ApiError::NotFound("merchant"))
}

pub async fn get<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Json<Settings>, ApiError> {
    Ok(Json(Settings::of(&merchant(&app, &merchant_id).await?)))
}

pub async fn put<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    headers: HeaderMap,
    AuthedMerchant(merchant_id): AuthedMerchant,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Settings>, ApiError> {
    // The merchant first: an unknown one is a 404 whatever the body.
    let current = merchant(&app, &merchant_id).await?;
    let body = body.map_err(|r| Problem::from_body_rejection(&r, BODY_LIMIT))?;
    require_json(&headers)?;
    let settings: Settings = parse_json(&body).map_err(ApiError::InvalidBody)?;
    Ok(Json(save(&app, current, settings).await?))
}

/// Checks and saves a whole settings document (the sender must be on the merchant's own
/// domains and a verified SES identity); the dashboard's settings form saves the same way.
pub(crate) async fn save<S: Store, V: SenderIdentities + 'static>(
    app: &App<S, V>,
    mut current: Merchant,
    settings: Settings,
) -> Result<Settings, ApiError> {
    let sender = settings.sender_email.clone();
    if !current.owns_sender(&sender) {
        return Err(not_on_sender_domains());
    }
    apply(settings, &mut current).map_err(ApiError::Unprocessable)?;
    let verified = app
        .senders
        .is_verified(&sender)
        .await
        .map_err(|_| ApiError::Problem(Problem::unavailable()))?;
    if !verified {
        return Err(ApiError::Unprocessable(FieldError::new(
            "sender_email",
            "is not a verified SES identity (verify the address or its domain in SES first)",
        )));
    }
    match app.store.save_settings(&current).await {
        // An operator removed the domain since it was checked above.
        Err(StoreError::Conflict) => return Err(not_on_sender_domains()),
        saved => saved?,
    }
    tracing::info!(merchant_id = %current.merchant_id, "settings saved");
    Ok(Settings::of(&current))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedding_sites_are_origins_only() {
        for good in ["https://shop.example", "HTTPS://Shop.Example:8443"] {
            assert!(origin("embed_origins[0]", good).is_ok(), "{good}");
        }
        assert_eq!(
            origin("f", "HTTPS://Shop.Example:8443").unwrap(),
            "https://shop.example:8443"
        );
        for bad in [
            "http://shop.example",
            "https://shop.example/",
            "https://shop.example/account",
            "https://*.shop.example",
            "https://shop.example 'unsafe-inline'",
            "https://localhost",
            "https://shop.example:0",
            "https://shop.example:+80",
            " https://shop.example",
            "javascript:alert(1)",
        ] {
            let err = origin("embed_origins[0]", bad).unwrap_err();
            assert_eq!(err.field, "embed_origins[0]", "{bad}");
        }
    }

    #[test]
    fn recommendations_by_item_are_checked_like_the_list_and_saved() {
        let mut m = afterclick_domain::fakes::merchant("m1");
        let product = |url: &str| {
            serde_json::json!({"name": "Pegs", "image_url": "https://img.shop.example/p.jpg",
                               "url": url, "price": "€4"})
        };
        let base = serde_json::to_value(Settings::of(&m)).unwrap();
        let settings = |mapping: serde_json::Value| -> Settings {
            let mut v = base.clone();
            v["recommendations_by_item"] = mapping;
            serde_json::from_value(v).unwrap()
        };
        let good = settings(serde_json::json!({"TENT-2": [product("https://shop.example/pegs")]}));
        apply(good, &mut m).unwrap();
        assert_eq!(m.branding.recommendations_by_item["TENT-2"][0].name, "Pegs");
        for (mapping, field) in [
            (
                serde_json::json!({"TENT-2": []}),
                "recommendations_by_item.TENT-2",
            ),
            (
                serde_json::json!({"TENT-2": [product("javascript:alert(1)")]}),
                "recommendations_by_item.TENT-2[0].url",
            ),
            (
                serde_json::json!({" ": [product("https://shop.example/x")]}),
                "recommendations_by_item. ",
            ),
        ] {
            let err = apply(settings(mapping.clone()), &mut m.clone()).unwrap_err();
            assert_eq!(err.field, field, "{mapping}");
        }
        let many: serde_json::Map<String, serde_json::Value> = (0..=MAX_ITEM_MAPPINGS)
            .map(|i| {
                (
                    format!("SKU-{i}"),
                    serde_json::json!([product("https://shop.example/x")]),
                )
            })
            .collect();
        let err = apply(settings(serde_json::Value::Object(many)), &mut m.clone()).unwrap_err();
        assert_eq!(err.field, "recommendations_by_item");
    }

    #[test]
    fn urls_with_tabs_line_breaks_or_spaces_are_refused() {
        assert!(https("logo_url", "https://cdn.shop.example/logo.png").is_ok());
        for bad in [
            "https://cdn.shop.example/lo\tgo.png",
            "https://cdn.shop.example/\r\nSet-Cookie: a=b",
            "https://cdn.shop.example/logo.png\n",
            "https://cdn.shop.example/lo go.png",
            "https://cdn.shop.example/\u{200B}logo.png",
            "http://cdn.shop.example/logo.png",
        ] {
            let err = https("logo_url", bad).unwrap_err();
            assert_eq!(
                (err.field.as_str(), err.detail.as_str()),
                ("logo_url", "must be an https:// URL"),
                "{bad:?}"
            );
        }
    }
}
