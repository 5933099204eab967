//! Forwarding the page analytics to the merchant's Google Analytics 4 property through the
//! Measurement Protocol, server to server, when the merchant links a property (off by
//! default). What is forwarded is what `crate::page_stats` counts (views, clicks out,
//! lookups, ratings), one GA4 event each. No cookie is set and nothing personal is sent:
//! the `client_id` is a one-way hash of the shipment's tracking token (a token is a
//! credential for the page, so neither it nor the page's address goes to Google), and a
//! lookup that found nothing has a random one.

use crate::page_stats::PageEvent;
use crate::validate::FieldError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Google's collection endpoint (the operator may point it elsewhere: `GA4_ENDPOINT`).
pub const GA4_ENDPOINT: &str = "https://www.google-analytics.com/mp/collect";

/// A merchant's linked GA4 property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ga4Link {
    /// `G-` and the property's stream id, upper case.
    pub measurement_id: String,
    /// The Measurement Protocol API secret, sealed like the other secrets.
    pub api_secret: String,
    pub linked_at: DateTime<Utc>,
}

/// `G-XXXXXXX`: what GA4 shows as a web stream's measurement id.
pub fn parse_measurement_id(raw: &str) -> Result<String, FieldError> {
    let upper = raw.trim().to_ascii_uppercase();
    let ok = upper.strip_prefix("G-").is_some_and(|rest| {
        (4..=20).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    if ok {
        Ok(upper)
    } else {
        Err(FieldError::new(
            "measurement_id",
            "must be a GA4 measurement id, G- and 4 to 20 letters or digits",
        ))
    }
}

/// A Measurement Protocol API secret as GA4 issues them (letters, digits, `-`, `_`).
pub fn check_api_secret(raw: &str) -> Result<(), FieldError> {
    let ok = (8..=64).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            "api_secret",
            "must be the property's Measurement Protocol API secret (8 to 64 letters, digits, - or _)",
        ))
    }
}

/// One page event to forward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ga4Hit {
    pub merchant_id: String,
    /// Unique per hit: part of its item's key.
    pub hit_id: String,
    pub client_id: String,
    pub event: PageEvent,
    pub at: DateTime<Utc>,
}

/// The stable, anonymous id of one shipment's visitor, from its tracking token.
pub fn client_id(token: &str) -> String {
    let digest = Sha256::digest(format!("afterclick-ga4\0{token}").as_bytes());
    // GA's own client ids are two decimal numbers; any string is accepted, this keeps the look.
    let a = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    let b = u32::from_be_bytes([digest[4], digest[5], digest[6], digest[7]]);
    format!("{a}.{b}")
}

/// Each page event as a GA4 event: its name and, for clicks out, what was clicked.
const EVENTS: [(PageEvent, &str, Option<&str>); 7] = [
    (PageEvent::View, "page_view", None),
    (PageEvent::CarrierClick, "select_content", Some("carrier")),
    (PageEvent::ProductClick, "select_content", Some("product")),
    (PageEvent::SupportClick, "select_content", Some("support")),
    (PageEvent::Lookup, "order_lookup", None),
    (PageEvent::LookupFound, "order_lookup_found", None),
    (PageEvent::Rating, "delivery_rating", None),
];

/// The Measurement Protocol body for one hit.
pub fn body(hit: &Ga4Hit) -> Value {
    let (name, content_type) = EVENTS
        .iter()
        .find(|(e, ..)| *e == hit.event)
        .map_or(("page_view", None), |(_, n, c)| (*n, *c));
    let mut params = json!({
        // GA4 counts a user as engaged only with some engagement time.
        "engagement_time_msec": 1,
        "page_title": "afterclick tracking page",
    });
    if let Some(content_type) = content_type {
        params["content_type"] = json!(content_type);
    }
    json!({
        "client_id": hit.client_id,
        "timestamp_micros": hit.at.timestamp_micros(),
        "non_personalized_ads": true,
        "events": [{"name": name, "params": params}]
    })
}

/// Where to send it: the endpoint with the property's id and secret as GA4 wants them.
pub fn collect_url(endpoint: &str, measurement_id: &str, api_secret: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("measurement_id", measurement_id)
        .append_pair("api_secret", api_secret)
        .finish();
    format!("{endpoint}?{query}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn measurement_ids_and_secrets_are_checked() {
        assert_eq!(parse_measurement_id(" g-ab12cd34 ").unwrap(), "G-AB12CD34");
        for bad in [
            "",
            "UA-1234-1",
            "G-",
            "G-AB",
            "G-AB CD",
            "G-ABCD1234<script>",
        ] {
            assert!(parse_measurement_id(bad).is_err(), "{bad}");
        }
        assert!(check_api_secret("Zx8_kP2-aQ").is_ok());
        for bad in ["short", "has space in it", "x&measurement_id=G-EVIL1"] {
            assert!(check_api_secret(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_hit_carries_no_token_and_names_the_event() {
        let token = "0123456789abcdef0123456789abcdef";
        let hit = Ga4Hit {
            merchant_id: "m1".into(),
            hit_id: "h1".into(),
            client_id: client_id(token),
            event: PageEvent::CarrierClick,
            at: Utc.with_ymd_and_hms(2026, 3, 4, 10, 0, 0).unwrap(),
        };
        let body = body(&hit);
        assert_eq!(body["events"][0]["name"], "select_content");
        assert_eq!(body["events"][0]["params"]["content_type"], "carrier");
        assert_eq!(body["timestamp_micros"], 1_772_618_400_000_000_i64);
        assert!(!body.to_string().contains(token));
        assert_eq!(client_id(token), client_id(token));
        assert_ne!(
            client_id(token),
            client_id("fedcba9876543210fedcba9876543210")
        );
        assert_eq!(
            collect_url(GA4_ENDPOINT, "G-AB12CD34", "s3cr/t"),
            "https://www.google-analytics.com/mp/collect?measurement_id=G-AB12CD34&api_secret=s3cr%2Ft"
        );
    }
}
