//! The public order lookup, `GET|POST /lookup/{merchant_id}`: a customer without the
//! tracking link gives the order number and email and is sent (303) to the tracking page.
//! A wrong combination gets one generic "not found", whether or not the order exists, and
//! attempts are limited per client IP, failed ones also per merchant and address range
//! (fixed windows in DynamoDB).

use crate::error::ApiError;
use crate::pages::{self, Asked, Brand, Chrome, PagePath};
use crate::{App, Store};
use afterclick_domain::Merchant;
use afterclick_domain::i18n::page::page_words;
use afterclick_domain::ids::Id;
use afterclick_domain::page_stats::PageEvent;
use afterclick_domain::ports::{Admission, Limit, SenderIdentities};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// Guessing order numbers and emails from one address stops after a few tries.
pub const PER_IP: Limit = Limit {
    limit: 10,
    window_secs: 600,
};
/// A cap on failed lookups per shop from one address range (see [`address_range`]),
/// against guessing spread over many addresses of one network. Per range, not per shop:
/// a shop-wide cap let one attacker lock every real customer out of the lookup.
pub const PER_RANGE: Limit = Limit {
    limit: 30,
    window_secs: 600,
};

/// The range failures are counted in: an IPv4 address's /24, an IPv6 address's /48 (the
/// usual size of one site's allocation; IPv4-mapped addresses count as IPv4). A network
/// that guesses locks out only its own neighbours.
pub fn address_range(ip: &str) -> String {
    use std::net::IpAddr;
    let v4 = |a: std::net::Ipv4Addr| {
        let [a, b, c, _] = a.octets();
        format!("{a}.{b}.{c}.0/24")
    };
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => v4(a),
        Ok(IpAddr::V6(a)) => match a.to_ipv4_mapped() {
            Some(mapped) => v4(mapped),
            None => {
                let s = a.segments();
                format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
            }
        },
        Err(_) => "unknown".into(),
    }
}
const MAX_FIELD_CHARS: usize = 254;

/// The client's address: API Gateway's view of the connection when on Lambda (clients
/// cannot forge it), else the first `X-Forwarded-For` hop (the devstack's proxy header).
pub fn client_ip(
    context: Option<&lambda_http::request::RequestContext>,
    headers: &HeaderMap,
) -> String {
    let from_gateway = match context {
        Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) => ctx.http.source_ip.clone(),
        _ => None,
    };
    from_gateway
        .or_else(|| {
            headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(|ip| ip.trim().to_owned())
                .filter(|ip| !ip.is_empty())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A counter's key, keyed with the deployment's secret pepper: the store then hashes it
/// again, and no one holding the table can tell which addresses tried.
pub(crate) fn peppered(pepper: &[u8], key: &str) -> String {
    use hmac::{Hmac, Mac};
    match <Hmac<sha2::Sha256> as Mac>::new_from_slice(pepper) {
        Ok(mut mac) => {
            mac.update(key.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length; kept total rather than panicking.
        Err(_) => key.to_owned(),
    }
}

/// Case-insensitive, in time independent of where the addresses differ.
pub fn same_email(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim().to_lowercase(), b.trim().to_lowercase());
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

async fn load<S: Store, V>(
    app: &App<S, V>,
    merchant_id: &str,
) -> Result<Option<Merchant>, ApiError> {
    let Some(merchant_id) = Id::parse(merchant_id) else {
        return Ok(None);
    };
    Ok(app.store.merchant(&merchant_id).await?)
}

#[derive(Serialize)]
struct LookupPage<'a> {
    #[serde(flatten)]
    chrome: &'a Chrome,
    action: String,
    order_number: String,
    email: String,
    error: Option<&'static str>,
}

fn form(
    status: StatusCode,
    merchant: &Merchant,
    asked: &Asked,
    sent: (String, String),
    error: Option<&'static str>,
) -> Result<Response, ApiError> {
    let locale = asked.locale(None, &merchant.branding.default_locale);
    let words = page_words(locale);
    let here = format!("/lookup/{}", merchant.merchant_id);
    let chrome = Chrome::new(
        locale,
        format!("{} · {}", words.lookup_title, merchant.brand_name),
        Brand::of(merchant).framed_by_shop(merchant),
        Some(here.clone()),
    );
    let page = LookupPage {
        chrome: &chrome,
        action: here,
        order_number: sent.0,
        email: sent.1,
        error,
    };
    pages::respond(status, "lookup.html", &chrome, &page)
}

pub async fn show<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    PagePath(merchant_id): PagePath<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let asked = Asked::from(query.as_deref(), &headers);
    match load(&app, &merchant_id).await? {
        Some(merchant) => form(StatusCode::OK, &merchant, &asked, Default::default(), None),
        None => pages::not_found(&asked),
    }
}

fn too_many(
    merchant: &Merchant,
    asked: &Asked,
    retry_after_secs: i64,
) -> Result<Response, ApiError> {
    let locale = asked.locale(None, &merchant.branding.default_locale);
    let words = page_words(locale);
    let chrome = Chrome::new(
        locale,
        words.lookup_title.to_owned(),
        Brand::of(merchant).framed_by_shop(merchant),
        Some(format!("/lookup/{}", merchant.merchant_id)),
    );
    let mut response = pages::notice(
        StatusCode::TOO_MANY_REQUESTS,
        &chrome,
        words.lookup_title,
        words.too_many,
    )?;
    if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Ok(response)
}

pub async fn find<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    PagePath(merchant_id): PagePath<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    context: Option<axum::Extension<lambda_http::request::RequestContext>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let asked = Asked::from(query.as_deref(), &headers);
    let Some(merchant) = load(&app, &merchant_id).await? else {
        return pages::not_found(&asked);
    };
    let now = (app.clock)();
    let ip = client_ip(context.as_ref().map(|c| &c.0), &headers);
    let keyed = |key: String| peppered(&app.rate_limit_pepper, &key);
    let shop_failures = keyed(format!(
        "lookup#merchant#{merchant_id}#{}",
        address_range(&ip)
    ));
    // Every attempt counts against the address; only failures against the shop, so its
    // customers finding their orders never use up the shop's budget. A full shop bucket
    // refuses successes too: otherwise a 303 among 429s would still answer a guess.
    let by_address = app
        .store
        .hit(&keyed(format!("lookup#ip#{ip}")), PER_IP, now)
        .await?;
    let by_shop = app.store.check(&shop_failures, PER_RANGE, now).await?;
    if let Admission::Limited { retry_after_secs } = by_address {
        // Routine (a customer retyping, a scripted guesser): not worth an operator's attention.
        tracing::debug!(merchant_id = %merchant_id, "order lookup limited for an address");
        return too_many(&merchant, &asked, retry_after_secs);
    }
    if let Admission::Limited { retry_after_secs } = by_shop {
        tracing::warn!(merchant_id = %merchant_id, "order lookups paused for an address range: too many failures");
        return too_many(&merchant, &asked, retry_after_secs);
    }
    let words = page_words(asked.locale(None, &merchant.branding.default_locale));
    let Ok(body) = body else {
        return form(
            StatusCode::PAYLOAD_TOO_LARGE,
            &merchant,
            &asked,
            Default::default(),
            Some(words.too_large),
        );
    };
    let field = |name| {
        pages::form_value(&body, name)
            .map(|v| v.trim().chars().take(MAX_FIELD_CHARS).collect::<String>())
            .unwrap_or_default()
    };
    let (order_number, email) = (field("order_number"), field("email"));
    if order_number.is_empty() || email.is_empty() {
        return form(
            StatusCode::UNPROCESSABLE_ENTITY,
            &merchant,
            &asked,
            (order_number, email),
            Some(words.lookup_missing),
        );
    }
    pages::count(&app, &merchant, PageEvent::Lookup, None).await;
    let found = app
        .store
        .shipments_by_order(&merchant_id, &order_number)
        .await?
        .into_iter()
        .filter(|s| {
            s.customer
                .email
                .as_deref()
                .is_some_and(|e| same_email(e, &email))
        })
        .max_by_key(|s| s.created_at);
    match found {
        Some(shipment) => {
            pages::count(
                &app,
                &merchant,
                PageEvent::LookupFound,
                Some(&shipment.token),
            )
            .await;
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("/t/{}", shipment.token)) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(response)
        }
        // The same answer whether the order is unknown or the email is wrong.
        None => {
            // This failure is already answered; the count only limits the next attempts.
            app.store.hit(&shop_failures, PER_RANGE, now).await?;
            form(
                StatusCode::NOT_FOUND,
                &merchant,
                &asked,
                (order_number, email),
                Some(words.lookup_not_found),
            )
        }
    }
}

#[cfg(test)]
mod tests;
