//! Shopify: `fulfillments/create` and `fulfillments/update` carry one fulfilment (one part of
//! an order, with its tracking numbers and line items); `orders/cancelled` the whole order.
//!
//! A fulfilment is named after its order plus a counter (`#1001.2` is the second of order
//! `#1001`), so the order number is the name without the counter and the `#`. Shopify's docs
//! say one tracking number per fulfilment, yet its own example carries a list: every number
//! becomes a parcel, each listing the fulfilment's items (Shopify does not say which item
//! travels in which box). A cancelled (or failed) fulfilment cancels its parcels.

use super::{
    Completeness, Inbound, OrderUpdate, PlatformError, StoreCustomer, StoreParcel, bounded,
    carriers, id_text, malformed, optional_id, present, tracking_number,
};
use crate::model::LineItem;
use serde::Deserialize;

const WHAT: &str = "Shopify webhook";

#[derive(Debug, Deserialize)]
struct Fulfillment {
    #[serde(deserialize_with = "id_text")]
    id: String,
    #[serde(deserialize_with = "id_text")]
    order_id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    tracking_company: Option<String>,
    #[serde(default)]
    tracking_number: Option<String>,
    #[serde(default)]
    tracking_numbers: Vec<Option<String>>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    destination: Option<Address>,
    #[serde(default)]
    line_items: Vec<ShopifyLine>,
    #[serde(default)]
    updated_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

#[derive(Debug, Default, Deserialize)]
struct Address {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    country_code: Option<String>,
    #[serde(default)]
    province_code: Option<String>,
    #[serde(default)]
    zip: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ShopifyLine {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    quantity: Option<u32>,
    #[serde(default)]
    sku: Option<String>,
    #[serde(default, deserialize_with = "optional_id")]
    product_id: Option<String>,
    /// Not in the REST fulfilment, but apps and newer payloads send one.
    #[serde(default)]
    image_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Order {
    #[serde(deserialize_with = "id_text")]
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    customer_locale: Option<String>,
    #[serde(default)]
    cancelled_at: Option<String>,
}

/// `#1001.2` -> `1001`; `#1001` -> `1001`; a custom format keeps its prefix (`SHOP-1001`).
pub fn order_number(name: &str) -> String {
    let name = name.trim();
    let name = match name.rsplit_once('.') {
        Some((order, counter))
            if !counter.is_empty() && counter.chars().all(|c| c.is_ascii_digit()) =>
        {
            order
        }
        _ => name,
    };
    name.trim_start_matches('#').to_owned()
}

pub fn parse(topic: &str, body: &[u8]) -> Result<Inbound, PlatformError> {
    match topic {
        "fulfillments/create" | "fulfillments/update" => {
            let f: Fulfillment = serde_json::from_slice(body).map_err(|e| malformed(WHAT, e))?;
            let mut update = fulfilment(f);
            update.order_number = super::order_number(WHAT, update.order_number)?;
            update.parcels = bounded(WHAT, update.parcels)?;
            Ok(Inbound::Order(update))
        }
        "orders/cancelled" => {
            let o: Order = serde_json::from_slice(body).map_err(|e| malformed(WHAT, e))?;
            let number = o.name.as_deref().map_or_else(|| o.id.clone(), order_number);
            let number = super::order_number(WHAT, number)?;
            Ok(Inbound::Order(OrderUpdate {
                platform: super::Platform::Shopify,
                order_id: o.id,
                order_number: number,
                customer: StoreCustomer {
                    email: present(o.email),
                    locale: present(o.customer_locale),
                    ..StoreCustomer::default()
                },
                destination_country: None,
                destination_region: None,
                destination_postal_code: None,
                parcels: Vec::new(),
                complete: Completeness::Parts(Vec::new()),
                cancelled: o.cancelled_at.is_some() || topic == "orders/cancelled",
                as_of: None,
            }))
        }
        other => Ok(Inbound::Ignored(other.to_owned())),
    }
}

fn fulfilment(f: Fulfillment) -> OrderUpdate {
    let order_number = f
        .name
        .as_deref()
        .map_or_else(|| f.order_id.clone(), order_number);
    let cancelled = matches!(f.status.as_deref(), Some("cancelled" | "error" | "failure"));
    let items: Vec<LineItem> = f
        .line_items
        .into_iter()
        .filter_map(|l| {
            Some(LineItem {
                title: present(l.title).or(present(l.name))?,
                quantity: l.quantity.unwrap_or(1),
                sku: present(l.sku),
                product_id: l.product_id,
                image_url: present(l.image_url),
            })
        })
        .collect();
    let mut numbers: Vec<String> = f
        .tracking_numbers
        .into_iter()
        .chain(std::iter::once(f.tracking_number))
        .filter_map(tracking_number)
        .collect();
    let mut seen = std::collections::HashSet::new();
    numbers.retain(|n| seen.insert(n.clone()));
    let company = present(f.tracking_company);
    let parcel = |tracking_number: Option<String>| StoreParcel {
        parcel_id: f.id.clone(),
        name: present(f.name.clone()),
        carrier: carriers::resolve(
            carriers::shopify,
            company.as_deref(),
            tracking_number.as_deref().unwrap_or_default(),
        ),
        tracking_number,
        items: items.clone(),
        cancelled,
    };
    let parcels = if numbers.is_empty() {
        vec![parcel(None)]
    } else {
        numbers.into_iter().map(|n| parcel(Some(n))).collect()
    };
    let destination = f.destination.unwrap_or_default();
    let name = present(destination.name).or_else(|| {
        let full = format!(
            "{} {}",
            destination.first_name.unwrap_or_default().trim(),
            destination.last_name.unwrap_or_default().trim()
        );
        present(Some(full))
    });
    OrderUpdate {
        platform: super::Platform::Shopify,
        order_id: f.order_id,
        order_number,
        customer: StoreCustomer {
            name,
            email: present(f.email),
            phone: present(destination.phone),
            locale: None,
        },
        destination_country: present(destination.country_code),
        destination_region: present(destination.province_code),
        destination_postal_code: present(destination.zip),
        parcels,
        complete: Completeness::Parts(vec![f.id]),
        cancelled: false,
        as_of: f.updated_at.map(|t| t.with_timezone(&chrono::Utc)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    /// Our own fulfilment, in the shape Shopify documents for the REST resource.
    fn fulfilment_body(numbers: &[&str], company: &str, status: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "id": 5_555_000_000_000_000_001u64,
            "order_id": 7_777_000_000_000_000_002u64,
            "name": "#1042.2",
            "status": status,
            "created_at": "2026-11-02T10:00:00-05:00",
            "updated_at": "2026-11-02T10:05:00-05:00",
            "tracking_company": company,
            "tracking_number": numbers.first(),
            "tracking_numbers": numbers,
            "email": "grace@customer.example",
            "destination": {
                "first_name": "Grace", "last_name": "Hopper", "phone": "+15555550123",
                "city": "Arlington", "zip": "22201", "country": "United States",
                "country_code": "US"
            },
            "line_items": [
                {"id": 1, "title": "Linen shirt", "quantity": 2, "sku": "LS-2", "product_id": 99},
                {"id": 2, "title": "Belt", "quantity": 1, "sku": null, "product_id": null}
            ]
        }))
        .unwrap()
    }

    fn update(body: &[u8]) -> OrderUpdate {
        match parse("fulfillments/create", body).unwrap() {
            Inbound::Order(u) => u,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_fulfilment_is_one_parcel_per_tracking_number_of_its_order() {
        let u = update(&fulfilment_body(&["1z999aa10123456784"], "UPS", "success"));
        assert_eq!(
            u.order_id, "7777000000000000002",
            "ids past 2^53 stay exact"
        );
        assert_eq!(u.order_number, "1042");
        assert_eq!(u.customer.name.as_deref(), Some("Grace Hopper"));
        assert_eq!(u.customer.email.as_deref(), Some("grace@customer.example"));
        assert_eq!(u.destination_country.as_deref(), Some("US"));
        assert_eq!(u.destination_postal_code.as_deref(), Some("22201"));
        assert_eq!(
            u.complete,
            Completeness::Parts(vec!["5555000000000000001".into()])
        );
        assert_eq!(u.as_of.unwrap().to_rfc3339(), "2026-11-02T15:05:00+00:00");
        let [p] = &u.parcels[..] else { panic!() };
        assert_eq!(p.tracking_number.as_deref(), Some("1Z999AA10123456784"));
        assert_eq!(p.name.as_deref(), Some("#1042.2"));
        assert_eq!(p.carrier.slug, "ups");
        assert!(!p.cancelled);
        assert_eq!(p.items.len(), 2);
        assert_eq!(
            (
                p.items[0].title.as_str(),
                p.items[0].quantity,
                p.items[0].sku.as_deref()
            ),
            ("Linen shirt", 2, Some("LS-2"))
        );
        assert_eq!(p.items[0].product_id.as_deref(), Some("99"));
    }

    #[test]
    fn several_numbers_several_parcels_none_one_waiting_and_cancelled_cancels() {
        let u = update(&fulfilment_body(
            &["1Z999AA10123456784", "1Z999AA10123456785"],
            "UPS",
            "success",
        ));
        assert_eq!(u.parcels.len(), 2);
        let u = update(&fulfilment_body(&[], "UPS", "success"));
        assert_eq!(u.parcels.len(), 1);
        assert_eq!(u.parcels[0].tracking_number, None);
        let u = update(&fulfilment_body(
            &["1Z999AA10123456784"],
            "UPS",
            "cancelled",
        ));
        assert!(u.parcels[0].cancelled);
    }

    #[test]
    fn an_unlisted_company_keeps_its_name_and_the_number_decides() {
        let u = update(&fulfilment_body(
            &["1Z999AA10123456784"],
            "Bob's Vans",
            "success",
        ));
        assert_eq!(u.parcels[0].carrier.slug, "ups");
        assert_eq!(u.parcels[0].carrier.name.as_deref(), Some("Bob's Vans"));
    }

    #[test]
    fn order_numbers_drop_the_hash_and_the_counter_only() {
        for (name, number) in [
            ("#1001.2", "1001"),
            ("#1001", "1001"),
            ("SHOP-1001.10", "SHOP-1001"),
            ("#A.B", "A.B"),
        ] {
            assert_eq!(order_number(name), number, "{name}");
        }
    }

    #[test]
    fn cancelled_orders_and_other_topics() {
        let body = br##"{"id": 7777000000000000002, "name": "#1042", "cancelled_at": "2026-11-03T10:00:00Z"}"##;
        let Inbound::Order(u) = parse("orders/cancelled", body).unwrap() else {
            panic!()
        };
        assert!(u.cancelled);
        assert_eq!(u.order_number, "1042");
        assert_eq!(
            parse("products/update", b"{}").unwrap(),
            Inbound::Ignored("products/update".into())
        );
        assert!(parse("fulfillments/create", b"{\"id\": true}").is_err());
        // An unusable number leaves the part waiting; too many parcels is no fulfilment.
        let odd = update(&fulfilment_body(&["N/A"], "UPS", "success"));
        assert_eq!(odd.parcels[0].tracking_number, None);
        let numbers: Vec<String> = (0..=super::super::MAX_PARCELS)
            .map(|i| format!("1Z999AA1012345{i:04}"))
            .collect();
        let refs: Vec<&str> = numbers.iter().map(String::as_str).collect();
        assert!(
            parse(
                "fulfillments/create",
                &fulfilment_body(&refs, "UPS", "success")
            )
            .is_err()
        );
        assert!(parse("fulfillments/create", b"not json").is_err());
    }
}
