//! `GET /t/{token}/go/{target}`: the tracking page's links out (to the carrier, a
//! recommended product, support), counted on the way (`afterclick_domain::page_stats`) and
//! answered with a 303 to where the stored data says, never to a URL the request names.

use super::shipment_page::load;
use super::{Asked, Brand, PagePath, count, not_found, safe_link};
use crate::error::ApiError;
use crate::{App, Store};
use afterclick_domain::page_stats::Target;
use afterclick_domain::providers::carriers;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub async fn go<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    PagePath((token, target)): PagePath<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let asked = Asked::from(uri.query(), &headers);
    let (Some(target), Some((shipment, merchant))) =
        (Target::parse(&target), load(&app, &token).await?)
    else {
        return not_found(&asked);
    };
    let destination = match target {
        Target::Carrier => carriers::carrier(&shipment.carrier)
            .map(|c| c.tracking_url_for(&shipment.tracking_number)),
        Target::Support => Brand::of(&merchant).support_link,
        // The n-th product the page showed: those whose images it may load, as it chose them.
        Target::Product(n) => {
            let mut brand = Brand::of(&merchant);
            merchant
                .branding
                .recommendations_for(&shipment)
                .iter()
                .filter(|p| brand.allow_image(&p.image_url))
                .nth(n)
                .and_then(|p| safe_link(&p.url))
        }
    };
    // A header must be ASCII (Lambda's response encoding refuses anything else): bytes
    // beyond it, as in `/zelt-größe`, are percent-encoded as a browser would.
    let Some(location) = destination
        .map(|d| ascii_url(&d))
        .and_then(|d| HeaderValue::from_str(&d).ok())
    else {
        return not_found(&asked);
    };
    count(&app, &merchant, target.event(), Some(&shipment.token)).await;
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, location);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The token in this URL must not reach the destination.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

/// `url` with every byte outside printable ASCII percent-encoded.
fn ascii_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        if (0x21..0x7f).contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn destinations_become_ascii() {
        assert_eq!(
            super::ascii_url("https://shop.example/zelt-größe?a=b c"),
            "https://shop.example/zelt-gr%C3%B6%C3%9Fe?a=b%20c"
        );
    }
}
