//! The customer's HTML pages (tracking, rating, unsubscribe, order lookup) and what they
//! all share: the minijinja environment (templates in
//! `functions/api/templates`, HTML auto-escaped), the merchant's brand made safe (colours,
//! links, image hosts), the language switcher, and the response headers (no caching,
//! a CSP allowing only this origin and the merchant's image hosts, no referrer).

pub mod colour;
pub mod go;
pub mod lookup;
mod path;
pub mod rating;
mod shipment_page;
pub mod tracking;
pub mod unsubscribe;

pub use path::PagePath;
pub use shipment_page::{ShipmentPage, locale};

use crate::error::ApiError;
use afterclick_domain::Merchant;
use afterclick_domain::i18n::Locale;
use afterclick_domain::i18n::page::{PageWords, page_locale, page_words};
use afterclick_domain::render::html_formatter;
use afterclick_web::Problem;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

const TEMPLATES: &[(&str, &str)] = &[
    ("page.css", include_str!("../templates/page.css.j2")),
    ("layout.html", include_str!("../templates/layout.html.j2")),
    (
        "tracking.html",
        include_str!("../templates/tracking.html.j2"),
    ),
    ("notice.html", include_str!("../templates/notice.html.j2")),
    (
        "unsubscribe.html",
        include_str!("../templates/unsubscribe.html.j2"),
    ),
    ("lookup.html", include_str!("../templates/lookup.html.j2")),
    ("app.css", include_str!("../templates/app/app.css.j2")),
    (
        "app_layout.html",
        include_str!("../templates/app/layout.html.j2"),
    ),
    (
        "app_notice.html",
        include_str!("../templates/app/notice.html.j2"),
    ),
    (
        "app_sign_in.html",
        include_str!("../templates/app/sign_in.html.j2"),
    ),
    (
        "app_attention.html",
        include_str!("../templates/app/attention.html.j2"),
    ),
    (
        "app_shipments.html",
        include_str!("../templates/app/shipments.html.j2"),
    ),
    (
        "app_shipment.html",
        include_str!("../templates/app/shipment.html.j2"),
    ),
    (
        "app_carriers.html",
        include_str!("../templates/app/carriers.html.j2"),
    ),
    (
        "app_settings.html",
        include_str!("../templates/app/settings.html.j2"),
    ),
    (
        "app_preview.html",
        include_str!("../templates/app/preview.html.j2"),
    ),
    (
        "app_endpoint.html",
        include_str!("../templates/app/endpoint.html.j2"),
    ),
    (
        "app_pages.html",
        include_str!("../templates/app/pages.html.j2"),
    ),
    (
        "app_message.html",
        include_str!("../templates/app/message.html.j2"),
    ),
    (
        "app_notifications.html",
        include_str!("../templates/app/notifications.html.j2"),
    ),
];

fn environment() -> Result<&'static Environment<'static>, String> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_formatter(html_formatter);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        for (name, source) in TEMPLATES {
            env.add_template(name, source).map_err(|e| e.to_string())?;
        }
        Ok(env)
    })
    .as_ref()
    .map_err(Clone::clone)
}

pub(crate) fn render(name: &str, ctx: &impl Serialize) -> Result<String, ApiError> {
    environment()
        .and_then(|env| {
            env.get_template(name)
                .and_then(|t| t.render(ctx))
                .map_err(|e| e.to_string())
        })
        .map_err(|err| {
            tracing::error!(template = name, error = %err, "page template failed");
            ApiError::Problem(Problem::unavailable())
        })
}

/// A link a page may show: http(s) only (never `javascript:` or `data:`).
pub fn safe_link(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| url.to_owned())
}

/// The origin (`https://host[:port]`) of an image the page may load: https only, a plain
/// host name, so it can be named in the CSP header.
pub fn image_origin(url: &str) -> Option<String> {
    let rest = url.trim().strip_prefix("https://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    let plain = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b':');
    plain.then(|| format!("https://{host}"))
}

/// The merchant's brand as the pages show it, every part checked.
#[derive(Debug, Clone, Serialize)]
pub struct Brand {
    pub name: String,
    pub logo_url: Option<String>,
    pub primary: String,
    pub on_primary: String,
    pub on_white: String,
    pub support_link: Option<String>,
    #[serde(skip)]
    image_origins: Vec<String>,
    /// The merchant's sites that may frame the page (none: no site may).
    #[serde(skip)]
    frame_ancestors: Vec<String>,
}

impl Brand {
    pub fn of(merchant: &Merchant) -> Self {
        let b = &merchant.branding;
        let palette = colour::palette(&b.primary_color);
        let logo_url = b.logo_url.clone().filter(|u| image_origin(u).is_some());
        let support_link = b.support_url.as_deref().and_then(safe_link).or_else(|| {
            b.support_email
                .as_deref()
                .filter(|e| e.contains('@') && !e.contains([':', '/', '?', ' ']))
                .map(|e| format!("mailto:{e}"))
        });
        let mut brand = Self {
            name: merchant.brand_name.clone(),
            logo_url,
            primary: palette.primary,
            on_primary: palette.on_primary,
            on_white: palette.on_white,
            support_link,
            image_origins: Vec::new(),
            frame_ancestors: Vec::new(),
        };
        if let Some(logo) = brand.logo_url.clone() {
            brand.allow_image(&logo);
        }
        brand
    }

    /// No merchant: afterclick's own neutral look (unknown links).
    pub fn neutral() -> Self {
        let palette = colour::palette("#374151");
        Self {
            name: String::new(),
            logo_url: None,
            primary: palette.primary,
            on_primary: palette.on_primary,
            on_white: palette.on_white,
            support_link: None,
            image_origins: Vec::new(),
            frame_ancestors: Vec::new(),
        }
    }

    /// The merchant's own sites may frame this page (the tracking page and the order
    /// lookup: the embeddable widget); every other page stays unframeable.
    pub fn framed_by_shop(mut self, merchant: &Merchant) -> Self {
        self.frame_ancestors = merchant.branding.embed_origins.clone();
        self
    }

    /// Lets the page load this image (its host joins the CSP); false if it may not.
    pub fn allow_image(&mut self, url: &str) -> bool {
        match image_origin(url) {
            Some(origin) => {
                if !self.image_origins.contains(&origin) {
                    self.image_origins.push(origin);
                }
                true
            }
            None => false,
        }
    }
}

/// What the request says about language: `?lang=` and `Accept-Language`.
#[derive(Debug, Clone, Default)]
pub struct Asked {
    pub lang: Option<String>,
    pub accept_language: Option<String>,
}

impl Asked {
    pub fn from(query: Option<&str>, headers: &HeaderMap) -> Self {
        Self {
            lang: query_value(query, "lang"),
            accept_language: headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        }
    }

    pub fn locale(&self, customer: Option<&str>, merchant_default: &str) -> &'static Locale {
        page_locale(
            self.lang.as_deref(),
            customer,
            self.accept_language.as_deref(),
            merchant_default,
        )
    }
}

/// One value of an `application/x-www-form-urlencoded` query or body.
pub fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    form_value(query.unwrap_or_default().as_bytes(), name)
}

pub fn form_value(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[derive(Debug, Serialize)]
pub struct LanguageLink {
    pub tag: &'static str,
    pub name: &'static str,
    pub current: bool,
}

/// The frame every page shares: language, words, brand, switcher.
#[derive(Debug, Serialize)]
pub struct Chrome {
    pub lang: &'static str,
    pub title: String,
    pub words: &'static PageWords,
    pub support: &'static str,
    pub brand: Brand,
    /// The page's own path, for the language switcher's links; none hides the switcher.
    pub here: Option<String>,
    pub languages: Vec<LanguageLink>,
}

impl Chrome {
    pub fn new(locale: &'static Locale, title: String, brand: Brand, here: Option<String>) -> Self {
        Self {
            lang: locale.tag,
            title,
            words: page_words(locale),
            support: locale.labels.support,
            brand,
            here,
            languages: afterclick_domain::i18n::ALL
                .iter()
                .map(|l| LanguageLink {
                    tag: l.tag,
                    name: page_words(l).language_name,
                    current: l.tag == locale.tag,
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct Styled<'a, T: Serialize> {
    #[serde(flatten)]
    page: &'a T,
    css: minijinja::Value,
}

/// Renders a page of `Chrome` + `page` fields with security headers. The style sheet is
/// inline and allowed by its hash, so the CSP needs no `unsafe-inline`.
pub fn respond<T: Serialize>(
    status: StatusCode,
    template: &str,
    chrome: &Chrome,
    page: &T,
) -> Result<Response, ApiError> {
    let css = render("page.css", &chrome.brand)?;
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
    let html = render(
        template,
        &Styled {
            page,
            css: minijinja::Value::from_safe_string(css),
        },
    )?;
    let images = std::iter::once("'self'".to_owned())
        .chain(chrome.brand.image_origins.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    // Framed only by the merchant's own sites, when it named some (the embeddable widget).
    let ancestors = if chrome.brand.frame_ancestors.is_empty() {
        "'none'".to_owned()
    } else {
        chrome.brand.frame_ancestors.join(" ")
    };
    let csp = format!(
        "default-src 'none'; img-src {images}; style-src 'sha256-{hash}'; form-action 'self'; \
         base-uri 'none'; frame-ancestors {ancestors}"
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    // The token in the URL must not leak to the carrier's or the merchant's sites.
    private_html(headers, "no-referrer");
    // `frame-ancestors` supersedes it where both are known; kept for old browsers when
    // no site may frame the page.
    if chrome.brand.frame_ancestors.is_empty() {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Ok(response)
}

#[derive(Serialize)]
struct Notice<'a> {
    #[serde(flatten)]
    chrome: &'a Chrome,
    heading: &'a str,
    message: &'a str,
}

/// What every HTML answer about a customer carries: HTML, never stored by any cache
/// (personal data), never sniffed as something else, and the referrer policy given.
pub(crate) fn private_html(headers: &mut HeaderMap, referrer_policy: &'static str) {
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static(referrer_policy),
    );
}

/// A page with one heading and one message (not found, too many attempts...).
pub fn notice(
    status: StatusCode,
    chrome: &Chrome,
    heading: &str,
    message: &str,
) -> Result<Response, ApiError> {
    respond(
        status,
        "notice.html",
        chrome,
        &Notice {
            chrome,
            heading,
            message,
        },
    )
}

/// The friendly 404 for unknown or malformed links: neutral (the link names no merchant
/// we can trust), in the browser's language.
pub fn not_found(asked: &Asked) -> Result<Response, ApiError> {
    let locale = asked.locale(None, "en");
    let words = page_words(locale);
    let chrome = Chrome::new(
        locale,
        words.not_found_title.to_owned(),
        Brand::neutral(),
        None,
    );
    notice(
        StatusCode::NOT_FOUND,
        &chrome,
        words.not_found_title,
        words.not_found_body,
    )
}

/// Counts what a customer did on a merchant's page (`afterclick_domain::page_stats`), and
/// queues it for the merchant's GA4 property if they linked one (`afterclick_domain::ga4`;
/// `token`: the shipment's, for an anonymous visitor id). Neither write is the customer's
/// problem: a failure is logged.
pub async fn count<S: crate::Store, V>(
    app: &crate::App<S, V>,
    merchant: &Merchant,
    event: afterclick_domain::page_stats::PageEvent,
    token: Option<&str>,
) {
    let merchant_id = &merchant.merchant_id;
    let now = (app.clock)();
    if let Err(err) = app
        .store
        .count_page_event(merchant_id, now.date_naive(), event)
        .await
    {
        tracing::warn!(merchant_id = %merchant_id, event = event.as_str(), error = %err, "page counter not written");
    }
    if merchant.ga4.is_none() {
        return;
    }
    let random = || afterclick_aws::secrets::new_token();
    let hit = afterclick_domain::ga4::Ga4Hit {
        merchant_id: merchant_id.clone(),
        hit_id: random(),
        client_id: afterclick_domain::ga4::client_id(&token.map_or_else(random, str::to_owned)),
        event,
        at: now,
    };
    if let Err(err) = app.store.queue_ga4_hit(&hit).await {
        tracing::warn!(merchant_id = %merchant_id, error = %err, "GA4 hit not queued");
    }
}

/// Tracking tokens are 128 random bits in lowercase hex; anything else cannot match and is
/// not worth a lookup.
pub fn well_formed_token(token: &str) -> bool {
    token.len() == 32
        && token
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
pub(crate) mod harness;
#[cfg(test)]
mod tests;
