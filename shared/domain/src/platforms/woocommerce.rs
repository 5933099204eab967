//! WooCommerce: `order.created` and `order.updated` carry the whole order (the REST
//! `/wc/v3/orders/{id}` body). Core WooCommerce has no tracking field; the Shipment Tracking
//! extension keeps a list in the order meta `_wc_shipment_tracking_items`, one entry per
//! parcel with its own `tracking_id`. The list is complete: an entry that disappears was
//! removed by the merchant, and its parcel is cancelled. `order.deleted` and a cancelled,
//! refunded or failed order cancel every parcel.
//!
//! The extension does not say which line items travel in which parcel: a lone parcel holds
//! the order's items; of several, none is said to hold any (messages then name the parcel
//! without a share of the items, rather than a wrong one).

use super::{
    Completeness, Inbound, OrderUpdate, Platform, PlatformError, StoreCustomer, StoreParcel,
    bounded, carriers, id_text, malformed, optional_id, present, tracking_number,
};
use crate::model::LineItem;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

const WHAT: &str = "WooCommerce order";
const TRACKING_META: &str = "_wc_shipment_tracking_items";

#[derive(Debug, Deserialize)]
struct Order {
    #[serde(deserialize_with = "id_text")]
    id: String,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    date_modified_gmt: Option<String>,
    #[serde(default)]
    billing: Option<Contact>,
    #[serde(default)]
    shipping: Option<Contact>,
    #[serde(default)]
    meta_data: Vec<Meta>,
    #[serde(default)]
    line_items: Vec<WooLine>,
}

#[derive(Debug, Default, Deserialize)]
struct Contact {
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    postcode: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Meta {
    key: String,
    #[serde(default)]
    value: serde_json::Value,
}

#[derive(Debug, Deserialize)]
struct TrackingItem {
    #[serde(default)]
    tracking_provider: Option<String>,
    #[serde(default)]
    custom_tracking_provider: Option<String>,
    #[serde(default)]
    tracking_number: Option<String>,
    #[serde(default)]
    tracking_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WooLine {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    quantity: Option<u32>,
    #[serde(default)]
    sku: Option<String>,
    #[serde(default, deserialize_with = "optional_id")]
    product_id: Option<String>,
    #[serde(default)]
    image: Option<Image>,
}

#[derive(Debug, Deserialize)]
struct Image {
    #[serde(default)]
    src: Option<String>,
}

/// Is this the unsigned ping WooCommerce sends when the webhook is created (a form body
/// `webhook_id=<id>`)?
pub fn is_ping(body: &[u8]) -> bool {
    std::str::from_utf8(body).is_ok_and(|b| {
        b.strip_prefix("webhook_id=")
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()))
    })
}

pub fn parse(topic: &str, body: &[u8]) -> Result<Inbound, PlatformError> {
    let deleted = match topic {
        "order.created" | "order.updated" | "order.restored" => false,
        "order.deleted" => true,
        other => return Ok(Inbound::Ignored(other.to_owned())),
    };
    let order: Order = serde_json::from_slice(body).map_err(|e| malformed(WHAT, e))?;
    let cancelled = deleted
        || matches!(
            order.status.as_deref(),
            Some("cancelled" | "refunded" | "failed" | "trash")
        );
    let items: Vec<LineItem> = order
        .line_items
        .into_iter()
        .filter_map(|l| {
            Some(LineItem {
                title: present(l.name)?,
                quantity: l.quantity.unwrap_or(1),
                sku: present(l.sku),
                product_id: l.product_id,
                image_url: l.image.and_then(|i| present(i.src)),
            })
        })
        .collect();
    let mut parcels: Vec<StoreParcel> = Vec::new();
    for meta in order.meta_data.iter().filter(|m| m.key == TRACKING_META) {
        let tracking: Vec<TrackingItem> = serde_json::from_value(meta.value.clone())
            .map_err(|e| malformed(WHAT, format!("{TRACKING_META}: {e}")))?;
        for t in tracking {
            let number = tracking_number(t.tracking_number);
            // Entries written before the extension had ids are known by their number.
            let Some(parcel_id) = present(t.tracking_id).or_else(|| number.clone()) else {
                continue;
            };
            let provider = present(t.tracking_provider).or(present(t.custom_tracking_provider));
            parcels.push(StoreParcel {
                parcel_id,
                name: None,
                carrier: carriers::resolve(
                    carriers::woocommerce,
                    provider.as_deref(),
                    number.as_deref().unwrap_or_default(),
                ),
                tracking_number: number,
                items: items.clone(),
                cancelled,
            });
        }
    }
    if parcels.len() > 1 {
        for p in &mut parcels {
            p.items.clear();
        }
    }
    let parcels = bounded(WHAT, parcels)?;
    let billing = order.billing.unwrap_or_default();
    let shipping = order.shipping.unwrap_or_default();
    let name = |c: &Contact| {
        present(Some(format!(
            "{} {}",
            c.first_name.as_deref().unwrap_or_default().trim(),
            c.last_name.as_deref().unwrap_or_default().trim()
        )))
    };
    let as_of = order
        .date_modified_gmt
        .as_deref()
        .and_then(|t| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S").ok())
        .map(|t| DateTime::<Utc>::from_naive_utc_and_offset(t, Utc));
    Ok(Inbound::Order(OrderUpdate {
        platform: Platform::WooCommerce,
        order_number: super::order_number(
            WHAT,
            present(order.number).unwrap_or_else(|| order.id.clone()),
        )?,
        order_id: order.id,
        customer: StoreCustomer {
            name: name(&shipping).or_else(|| name(&billing)),
            email: present(billing.email),
            phone: present(billing.phone),
            locale: None,
        },
        destination_region: present(shipping.state.clone()).or(present(billing.state.clone())),
        // The postcode of the address the country comes from.
        destination_postal_code: if present(shipping.country.clone()).is_some() {
            present(shipping.postcode.clone())
        } else {
            present(billing.postcode.clone())
        },
        destination_country: present(shipping.country).or(present(billing.country)),
        parcels,
        complete: Completeness::Order,
        cancelled,
        as_of,
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::{Value, json};

    /// Our own order, in the shape of WooCommerce's REST order with the Shipment Tracking
    /// extension's meta.
    fn order(status: &str, tracking: Value) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "id": 3101, "number": "3101", "status": status,
            "date_modified_gmt": "2026-11-04T09:30:00",
            "billing": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@customer.example",
                        "phone": "+447700900123", "country": "GB"},
            "shipping": {"first_name": "Ada", "last_name": "Lovelace", "postcode": "N1 9GU", "country": "GB"},
            "meta_data": [
                {"id": 1, "key": "_order_source", "value": "web"},
                {"id": 2, "key": TRACKING_META, "value": tracking}
            ],
            "line_items": [
                {"id": 10, "name": "Teapot", "product_id": 41, "variation_id": 0, "quantity": 1, "sku": "TP-1"},
                {"id": 11, "name": "Cups (set of 4)", "product_id": 42, "quantity": 2, "sku": "",
                 "image": {"id": 5, "src": "https://shop.example/cups.jpg"}}
            ]
        }))
        .unwrap()
    }

    fn update(topic: &str, body: &[u8]) -> OrderUpdate {
        match parse(topic, body).unwrap() {
            Inbound::Order(u) => u,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_tracking_item_is_a_parcel_of_the_whole_order() {
        let u = update(
            "order.updated",
            &order(
                "completed",
                json!([
                    {"tracking_provider": "Royal Mail", "custom_tracking_provider": "", "custom_tracking_link": "",
                     "tracking_number": "ab 123456789 gb", "date_shipped": "1793700000", "tracking_id": "t-1"},
                    {"tracking_provider": "", "custom_tracking_provider": "Local Courier Co",
                     "tracking_number": "LC-77", "date_shipped": "1793700000", "tracking_id": "t-2"}
                ]),
            ),
        );
        assert_eq!(
            (u.order_id.as_str(), u.order_number.as_str()),
            ("3101", "3101")
        );
        assert_eq!(u.complete, Completeness::Order);
        assert_eq!(u.customer.email.as_deref(), Some("ada@customer.example"));
        assert_eq!(u.customer.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(u.destination_country.as_deref(), Some("GB"));
        assert_eq!(u.destination_postal_code.as_deref(), Some("N1 9GU"));
        assert_eq!(u.as_of.unwrap().to_rfc3339(), "2026-11-04T09:30:00+00:00");
        assert_eq!(u.parcels.len(), 2);
        assert_eq!(u.parcels[0].parcel_id, "t-1");
        assert_eq!(
            u.parcels[0].tracking_number.as_deref(),
            Some("AB123456789GB")
        );
        assert_eq!(u.parcels[0].carrier.slug, "royal_mail");
        assert_eq!(u.parcels[1].carrier.slug, "unknown");
        assert_eq!(
            u.parcels[1].carrier.name.as_deref(),
            Some("Local Courier Co")
        );
        assert!(
            u.parcels.iter().all(|p| p.items.is_empty()),
            "which items: unknown"
        );
        let one = update(
            "order.updated",
            &order(
                "completed",
                json!([{"tracking_provider": "UPS", "tracking_number": "1Z999AA10123456784", "tracking_id": "t-1"}]),
            ),
        );
        let cups = &one.parcels[0].items[1];
        assert_eq!((cups.title.as_str(), cups.quantity), ("Cups (set of 4)", 2));
        assert_eq!(cups.sku, None);
        assert_eq!(
            cups.image_url.as_deref(),
            Some("https://shop.example/cups.jpg")
        );
    }

    #[test]
    fn no_tracking_no_parcel_cancelled_orders_cancel_and_pings_are_recognised() {
        let u = update("order.created", &order("processing", json!([])));
        assert!(u.parcels.is_empty());
        assert!(!u.cancelled);
        let u = update(
            "order.updated",
            &order(
                "cancelled",
                json!([{"tracking_provider": "UPS", "tracking_number": "1Z999AA10123456784", "tracking_id": "t-1"}]),
            ),
        );
        assert!(u.cancelled && u.parcels[0].cancelled);
        assert!(is_ping(b"webhook_id=12"));
        assert!(!is_ping(b"webhook_id="));
        assert!(!is_ping(b"{}"));
        assert_eq!(
            parse("product.updated", b"{}").unwrap(),
            Inbound::Ignored("product.updated".into())
        );
        let bad = order("processing", json!("not a list"));
        assert!(parse("order.updated", &bad).is_err());
    }
}
