//! Store platforms: what Shopify, WooCommerce and BigCommerce send when an order ships, and
//! how each proves it sent it. Each platform's parser turns its own payload into one
//! [`OrderUpdate`]: an order and the parcels a delivery describes, with their tracking
//! numbers, carriers and line items. What to do with it is the app's (`store_orders`).
//!
//! | platform | route | proof | dedupe | order of updates |
//! |---|---|---|---|---|
//! | shopify | `/webhooks/shopify/{merchant_id}` | `X-Shopify-Hmac-Sha256`: base64 HMAC-SHA256 of the raw body, app client secret | `X-Shopify-Event-Id` | `X-Shopify-Triggered-At` |
//! | woocommerce | `/webhooks/woocommerce/{merchant_id}` | `X-WC-Webhook-Signature`: base64 HMAC-SHA256 of the raw body, webhook secret | `X-WC-Webhook-Delivery-ID` | the order's `date_modified_gmt` |
//! | bigcommerce | `/webhooks/bigcommerce/{merchant_id}` | Standard Webhooks, keyed with the app client secret's bytes | the payload's `hash` | `created_at`, then the shipment as fetched |

pub mod bigcommerce;
pub mod carriers;
pub mod fetch;
pub mod shopify;
pub mod woocommerce;

use crate::model::LineItem;
use crate::signature::{self, SignatureError, SignedHeaders};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Deserializer};
use sha2::Sha256;

/// A store platform afterclick takes orders from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    Shopify,
    WooCommerce,
    BigCommerce,
}

impl Platform {
    pub const ALL: [Platform; 3] = [
        Platform::Shopify,
        Platform::WooCommerce,
        Platform::BigCommerce,
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Shopify => "shopify",
            Platform::WooCommerce => "woocommerce",
            Platform::BigCommerce => "bigcommerce",
        }
    }

    /// What identifies the merchant's shop on this platform, as the connection stores it.
    pub fn shop_field(self) -> &'static str {
        match self {
            Platform::Shopify => "shop_domain",
            Platform::WooCommerce => "site_url",
            Platform::BigCommerce => "store_hash",
        }
    }

    /// The key under which the connection's signing secrets sit among the merchant's
    /// webhook secrets (apart from the carriers' by construction: no provider has this name).
    pub fn secret_key(self) -> String {
        format!("platform:{}", self.as_str())
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An order as one delivery describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderUpdate {
    pub platform: Platform,
    /// The platform's order id.
    pub order_id: String,
    /// The order number the customer knows (`1001` for Shopify's `#1001`): the shipments'
    /// `order_number`, the key orders are grouped and looked up by.
    pub order_number: String,
    pub customer: StoreCustomer,
    /// ISO 3166-1 alpha-2, as sent.
    pub destination_country: Option<String>,
    /// State or province (code or name), which pins the customer's time zone down in
    /// countries with several.
    pub destination_region: Option<String>,
    /// The postal code as sent; only its routing region is kept (`crate::lanes`).
    pub destination_postal_code: Option<String>,
    pub parcels: Vec<StoreParcel>,
    /// Which parts of the order this delivery describes in full: a known parcel of one of
    /// them that is no longer listed was removed (its shipment is cancelled).
    pub complete: Completeness,
    /// The whole order was cancelled.
    pub cancelled: bool,
    /// The platform's time of this state of the order, when the payload carries one (the
    /// delivery's headers may give a better one).
    pub as_of: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completeness {
    /// Every parcel of the order is listed (WooCommerce sends the whole order).
    Order,
    /// Only these parts (Shopify: the fulfilment).
    Parts(Vec<String>),
}

/// The customer, as far as the platform tells; values are checked where the shipment is
/// built (an unusable phone number is left out, not an error).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreCustomer {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub locale: Option<String>,
}

/// One parcel: a tracking number on a part of the order, or that part still waiting for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreParcel {
    /// The platform's id of the part of the order (fulfilment, tracking item, shipment).
    pub parcel_id: String,
    /// The platform's own name for it (Shopify's `#1001.2`).
    pub name: Option<String>,
    /// `None`: shipped without tracking yet (kept as an order line waiting for it).
    pub tracking_number: Option<String>,
    pub carrier: carriers::CarrierGuess,
    pub items: Vec<LineItem>,
    pub cancelled: bool,
}

/// What a delivery is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    Order(OrderUpdate),
    /// BigCommerce names a shipment; its details must be fetched with the store's API token.
    FetchShipment(bigcommerce::ShipmentRef),
    /// A topic afterclick does not act on (answered 2xx so the platform keeps the hook).
    Ignored(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    #[error("the body is not a {what}: {reason}")]
    Malformed { what: &'static str, reason: String },
}

pub(crate) fn malformed(what: &'static str, err: impl std::fmt::Display) -> PlatformError {
    PlatformError::Malformed {
        what,
        reason: err.to_string(),
    }
}

/// Is a delivery really from the platform? Checked on the raw bytes, before parsing, in
/// constant time, against every current secret of the connection (two during a rotation).
/// `header` looks a header up case-insensitively.
pub fn verify(
    platform: Platform,
    secrets: &[String],
    header: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), crate::providers::auth::AuthError> {
    use crate::providers::auth::AuthError;
    let base64_hmac = |name: &'static str| {
        let given = header(name).ok_or(AuthError::Missing(name))?;
        let given = STANDARD
            .decode(given.trim())
            .map_err(|_| AuthError::Malformed(name))?;
        // Every secret is tried (no early exit) so timing says nothing about which matched.
        let matched = secrets.iter().fold(false, |found, secret| {
            let ok = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
                .map(|mut mac| {
                    mac.update(body);
                    mac.verify_slice(&given).is_ok()
                })
                .unwrap_or(false);
            ok | found
        });
        if matched {
            Ok(())
        } else {
            Err(AuthError::Mismatch(name))
        }
    };
    match platform {
        Platform::Shopify => base64_hmac("x-shopify-hmac-sha256"),
        Platform::WooCommerce => base64_hmac("x-wc-webhook-signature"),
        Platform::BigCommerce => {
            let keys: Vec<Vec<u8>> = secrets.iter().map(|s| s.as_bytes().to_vec()).collect();
            let (id, timestamp, sig) = (
                header("webhook-id"),
                header("webhook-timestamp"),
                header("webhook-signature"),
            );
            let headers = SignedHeaders {
                id: id.as_deref(),
                timestamp: timestamp.as_deref(),
                signature: sig.as_deref(),
            };
            signature::verify_keys(&keys, headers, body, now)
                .map_err(|e: SignatureError| AuthError::from(e))
        }
    }
}

/// The base64 HMAC-SHA256 Shopify and WooCommerce put in their signature header: what tests
/// and the devstack's demo send.
pub fn sign_body(secret: &str, body: &[u8]) -> String {
    let tag = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .map(|mut mac| {
            mac.update(body);
            mac.finalize().into_bytes().to_vec()
        })
        .unwrap_or_default();
    STANDARD.encode(tag)
}

/// Parses one signed delivery. `topic` is the platform's topic header (Shopify's
/// `X-Shopify-Topic`, WooCommerce's `X-WC-Webhook-Topic`); BigCommerce names it in the body.
pub fn parse(
    platform: Platform,
    topic: Option<&str>,
    body: &[u8],
) -> Result<Inbound, PlatformError> {
    match platform {
        Platform::Shopify => shopify::parse(topic.unwrap_or_default(), body),
        Platform::WooCommerce => woocommerce::parse(topic.unwrap_or_default(), body),
        Platform::BigCommerce => bigcommerce::parse_webhook(body),
    }
}

/// Platforms send ids as JSON numbers (Shopify's exceed 2^53) or strings: kept as text.
pub(crate) fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        other => Err(serde::de::Error::custom(format!(
            "expected an id (number or string), got {other}"
        ))),
    }
}

/// An optional id, as a number or a string; 0 and blanks are none (platforms send 0 for a
/// line without a product).
pub(crate) fn optional_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) if n.as_u64() != Some(0) => Some(n.to_string()),
        Some(serde_json::Value::String(s)) => present(Some(s)),
        _ => None,
    })
}

/// Parcels one delivery may describe, and line items kept per parcel: a real order is far
/// below both; a body past them is refused (or its items cut) rather than writing items too
/// large for the table.
pub const MAX_PARCELS: usize = 50;
pub const MAX_ITEMS: usize = 100;

/// A tracking number the API would accept (normalised), or none: an unusable one leaves
/// the part waiting for a number rather than registering a shipment no carrier knows.
pub(crate) fn tracking_number(raw: Option<String>) -> Option<String> {
    present(raw)
        .map(|n| crate::model::normalize_tracking_number(&n))
        .filter(|n| crate::validate::validate_tracking_number("tracking_number", n).is_ok())
}

/// An order number as the API's rule has it (1 to 64 characters, no control characters).
pub(crate) fn order_number(what: &'static str, raw: String) -> Result<String, PlatformError> {
    let n = raw.trim().to_owned();
    let ok = !n.is_empty() && n.chars().count() <= 64 && !n.chars().any(char::is_control);
    ok.then_some(n).ok_or_else(|| {
        malformed(
            what,
            "the order number is empty, longer than 64 characters or has control characters",
        )
    })
}

/// Checks the count of parcels and cuts each one's items to [`MAX_ITEMS`].
pub(crate) fn bounded(
    what: &'static str,
    mut parcels: Vec<StoreParcel>,
) -> Result<Vec<StoreParcel>, PlatformError> {
    if parcels.len() > MAX_PARCELS {
        return Err(malformed(
            what,
            format!("more than {MAX_PARCELS} parcels in one delivery"),
        ));
    }
    for p in &mut parcels {
        p.items.truncate(MAX_ITEMS);
    }
    Ok(parcels)
}

/// Text that is only worth keeping when not blank.
pub(crate) fn present(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    fn headers(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn shopify_and_woocommerce_sign_the_raw_body_with_base64_hmac() {
        // Vector computed independently (Python hmac): key "hush", body "{}".
        assert_eq!(
            sign_body("hush", b"{}"),
            "UFwgrGBPZilFtmKh8TqcovA78LGYb1BdWu9I4Q2oyRg="
        );
        let now = Utc::now();
        let body = br#"{"id":1}"#;
        for (platform, header) in [
            (Platform::Shopify, "X-Shopify-Hmac-Sha256"),
            (Platform::WooCommerce, "X-WC-Webhook-Signature"),
        ] {
            let signed = headers(&[(header, sign_body("new", body))]);
            let secrets = ["new".to_owned(), "old".to_owned()];
            assert!(verify(platform, &secrets, &signed, body, now).is_ok());
            let old = headers(&[(header, sign_body("old", body))]);
            assert!(
                verify(platform, &secrets, &old, body, now).is_ok(),
                "rotation"
            );
            assert!(verify(platform, &secrets[..1], &old, body, now).is_err());
            assert!(verify(platform, &secrets, &signed, br#"{"id":2}"#, now).is_err());
            assert!(verify(platform, &secrets, &headers(&[]), body, now).is_err());
        }
    }

    #[test]
    fn bigcommerce_keys_standard_webhooks_with_the_client_secret_bytes() {
        let now = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let body = br#"{"scope":"store/shipment/created"}"#;
        let sig =
            signature::sign_with_key(b"client-secret", "wh_1", now.timestamp(), body).unwrap();
        let signed = headers(&[
            ("webhook-id", "wh_1".into()),
            ("webhook-timestamp", now.timestamp().to_string()),
            ("webhook-signature", sig),
        ]);
        let secrets = ["client-secret".to_owned()];
        assert!(verify(Platform::BigCommerce, &secrets, &signed, body, now).is_ok());
        let later = now + chrono::Duration::minutes(6);
        assert!(verify(Platform::BigCommerce, &secrets, &signed, body, later).is_err());
        let other = ["another".to_owned()];
        assert!(verify(Platform::BigCommerce, &other, &signed, body, now).is_err());
    }

    #[test]
    fn platform_names_round_trip_and_never_collide_with_providers() {
        for p in Platform::ALL {
            assert_eq!(Platform::parse(p.as_str()), Some(p));
            assert!(crate::providers::Provider::parse(p.as_str()).is_none());
            assert!(crate::providers::Provider::parse(&p.secret_key()).is_none());
        }
    }
}
