//! BigCommerce: the `store/shipment/*` webhooks are thin (a shipment id and its order id);
//! the tracking number, carrier and items come from the store's API,
//! `GET /stores/{store_hash}/v2/orders/{order_id}/shipments/{id}`, with the item names from
//! `.../orders/{order_id}/products`. `tracking_carrier` is an AfterShip courier slug;
//! without one, `shipping_provider` names the shipping integration. BigCommerce order ids are
//! the order numbers its customers see.

use super::{
    Completeness, Inbound, OrderUpdate, Platform, PlatformError, StoreCustomer, StoreParcel,
    carriers, id_text, malformed, present, tracking_number,
};
use crate::model::LineItem;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

const WHAT: &str = "BigCommerce webhook";
const SHIPMENT: &str = "BigCommerce shipment";

/// A shipment to fetch: what the webhook names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentRef {
    pub store_hash: String,
    pub order_id: String,
    pub shipment_id: String,
    /// When BigCommerce fired the hook.
    pub created_at: DateTime<Utc>,
}

impl ShipmentRef {
    /// The shipment's API path under the store's base URL.
    pub fn shipment_path(&self) -> String {
        format!(
            "/stores/{}/v2/orders/{}/shipments/{}",
            self.store_hash, self.order_id, self.shipment_id
        )
    }

    /// The order's products (for the items' names).
    pub fn products_path(&self) -> String {
        // BigCommerce pages products 50 at a time by default; 250 is its maximum.
        format!(
            "/stores/{}/v2/orders/{}/products?limit=250",
            self.store_hash, self.order_id
        )
    }
}

#[derive(Debug, Deserialize)]
struct Webhook {
    scope: String,
    #[serde(default)]
    producer: Option<String>,
    #[serde(default)]
    created_at: Option<i64>,
    data: Data,
}

#[derive(Debug, Deserialize)]
struct Data {
    #[serde(deserialize_with = "id_text")]
    id: String,
    #[serde(rename = "orderId", deserialize_with = "id_text")]
    order_id: String,
}

/// BigCommerce's ids are numbers; they go into the API's path and afterclick's keys, so
/// nothing else passes.
fn numeric(id: &str) -> Result<(), PlatformError> {
    let ok = !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(())
        .ok_or_else(|| malformed(WHAT, "an id is not a number"))
}

/// The store hash a webhook's `producer` (`stores/{store_hash}`) names.
fn store_hash(producer: Option<&str>) -> Option<String> {
    let hash = producer?.strip_prefix("stores/")?;
    let ok = !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then(|| hash.to_owned())
}

pub fn parse_webhook(body: &[u8]) -> Result<Inbound, PlatformError> {
    // Other scopes have other `data` shapes: look at the scope first.
    #[derive(Deserialize)]
    struct Scope {
        scope: String,
    }
    let scope: Scope = serde_json::from_slice(body).map_err(|e| malformed(WHAT, e))?;
    let deleted = match scope.scope.as_str() {
        "store/shipment/created" | "store/shipment/updated" => false,
        "store/shipment/deleted" => true,
        other => return Ok(Inbound::Ignored(other.to_owned())),
    };
    let hook: Webhook = serde_json::from_slice(body).map_err(|e| malformed(WHAT, e))?;
    numeric(&hook.data.id)?;
    numeric(&hook.data.order_id)?;
    let created_at = hook
        .created_at
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .ok_or_else(|| malformed(WHAT, "`created_at` is not a Unix time"))?;
    if deleted {
        return Ok(Inbound::Order(OrderUpdate {
            platform: Platform::BigCommerce,
            order_number: hook.data.order_id.clone(),
            order_id: hook.data.order_id,
            customer: StoreCustomer::default(),
            destination_country: None,
            destination_region: None,
            destination_postal_code: None,
            parcels: vec![StoreParcel {
                parcel_id: hook.data.id.clone(),
                name: None,
                tracking_number: None,
                carrier: carriers::CarrierGuess::unknown(),
                items: Vec::new(),
                cancelled: true,
            }],
            complete: Completeness::Parts(vec![hook.data.id]),
            cancelled: false,
            as_of: Some(created_at),
        }));
    }
    let store_hash = store_hash(hook.producer.as_deref()).ok_or_else(|| {
        malformed(
            WHAT,
            format!("`{}` is not `stores/{{store_hash}}`", hook.scope),
        )
    })?;
    Ok(Inbound::FetchShipment(ShipmentRef {
        store_hash,
        order_id: hook.data.order_id,
        shipment_id: hook.data.id,
        created_at,
    }))
}

#[derive(Debug, Deserialize)]
struct Shipment {
    #[serde(deserialize_with = "id_text")]
    id: String,
    #[serde(deserialize_with = "id_text")]
    order_id: String,
    #[serde(default)]
    tracking_number: Option<String>,
    #[serde(default)]
    tracking_carrier: Option<String>,
    #[serde(default)]
    shipping_provider: Option<String>,
    #[serde(default)]
    shipping_address: Option<Address>,
    #[serde(default)]
    billing_address: Option<Address>,
    #[serde(default)]
    items: Vec<ShipmentItem>,
}

#[derive(Debug, Default, Deserialize)]
struct Address {
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    country_iso2: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    zip: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ShipmentItem {
    #[serde(deserialize_with = "id_text")]
    order_product_id: String,
    #[serde(default)]
    quantity: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct OrderProduct {
    #[serde(deserialize_with = "id_text")]
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    sku: Option<String>,
    #[serde(default)]
    product_id: Option<serde_json::Value>,
}

/// BigCommerce's own shipping integrations (`shipping_provider`), for when no
/// `tracking_carrier` is set.
fn provider_slug(provider: &str) -> Option<&'static str> {
    Some(match provider {
        "ups" | "upsready" => "ups",
        "fedex" => "fedex",
        "usps" | "endicia" => "usps",
        "royalmail" => "royal_mail",
        "auspost" => "australia_post",
        "canadapost" => "canada_post",
        _ => return None,
    })
}

/// The fetched shipment (and the order's products, for item names) as an order update.
pub fn parse_shipment(
    reference: &ShipmentRef,
    shipment: &[u8],
    products: &[u8],
) -> Result<OrderUpdate, PlatformError> {
    let s: Shipment = serde_json::from_slice(shipment).map_err(|e| malformed(SHIPMENT, e))?;
    // The shipment asked for, not another one.
    if s.id != reference.shipment_id || s.order_id != reference.order_id {
        return Err(malformed(SHIPMENT, "not the shipment that was asked for"));
    }
    let products: Vec<OrderProduct> =
        serde_json::from_slice(products).map_err(|e| malformed("BigCommerce order products", e))?;
    let items = s
        .items
        .iter()
        .take(super::MAX_ITEMS)
        .map(|i| {
            let product = products.iter().find(|p| p.id == i.order_product_id);
            LineItem {
                title: product
                    .and_then(|p| present(p.name.clone()))
                    .unwrap_or_else(|| format!("Item {}", i.order_product_id)),
                quantity: i.quantity.unwrap_or(1),
                sku: product.and_then(|p| present(p.sku.clone())),
                product_id: product.and_then(|p| match &p.product_id {
                    Some(serde_json::Value::Number(n)) if n.as_u64() != Some(0) => {
                        Some(n.to_string())
                    }
                    _ => None,
                }),
                image_url: None,
            }
        })
        .collect();
    let number = tracking_number(s.tracking_number);
    let carrier_name = present(s.tracking_carrier).or(present(s.shipping_provider));
    let table = |name: &str| carriers::bigcommerce(name).or_else(|| provider_slug(name));
    let carrier = carriers::resolve(
        table,
        carrier_name.as_deref(),
        number.as_deref().unwrap_or_default(),
    );
    let shipping = s.shipping_address.unwrap_or_default();
    let billing = s.billing_address.unwrap_or_default();
    let name = present(Some(format!(
        "{} {}",
        shipping.first_name.as_deref().unwrap_or_default().trim(),
        shipping.last_name.as_deref().unwrap_or_default().trim()
    )));
    Ok(OrderUpdate {
        platform: Platform::BigCommerce,
        order_number: s.order_id.clone(),
        order_id: s.order_id,
        customer: StoreCustomer {
            name,
            email: present(shipping.email).or(present(billing.email)),
            phone: present(shipping.phone).or(present(billing.phone)),
            locale: None,
        },
        destination_region: present(shipping.state.clone()),
        destination_postal_code: present(shipping.zip.clone()),
        destination_country: present(shipping.country_iso2),
        parcels: vec![StoreParcel {
            parcel_id: s.id.clone(),
            name: None,
            tracking_number: number,
            carrier,
            items,
            cancelled: false,
        }],
        complete: Completeness::Parts(vec![s.id]),
        cancelled: false,
        as_of: Some(reference.created_at),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn hook(scope: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "scope": scope, "store_id": "1001", "hash": "0f1e2d3c",
            "data": {"type": "shipment", "id": 31, "orderId": 512},
            "created_at": 1_793_700_000, "producer": "stores/abc123"
        }))
        .unwrap()
    }

    #[test]
    fn a_created_shipment_is_fetched_a_deleted_one_cancelled() {
        let Inbound::FetchShipment(r) = parse_webhook(&hook("store/shipment/created")).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            r.shipment_path(),
            "/stores/abc123/v2/orders/512/shipments/31"
        );
        assert_eq!(
            r.products_path(),
            "/stores/abc123/v2/orders/512/products?limit=250"
        );
        let Inbound::Order(u) = parse_webhook(&hook("store/shipment/deleted")).unwrap() else {
            panic!()
        };
        assert!(u.parcels[0].cancelled);
        assert_eq!(u.parcels[0].parcel_id, "31");
        assert_eq!(
            parse_webhook(&hook("store/order/created")).unwrap(),
            Inbound::Ignored("store/order/created".into())
        );
        let hostile = String::from_utf8(hook("store/shipment/created"))
            .unwrap()
            .replace("stores/abc123", "stores/../../x");
        assert!(parse_webhook(hostile.as_bytes()).is_err());
        let not_a_number = String::from_utf8(hook("store/shipment/created"))
            .unwrap()
            .replace("\"id\":31", "\"id\":\"5#1/../x\"");
        assert!(
            parse_webhook(not_a_number.as_bytes()).is_err(),
            "{not_a_number}"
        );
    }

    #[test]
    fn the_fetched_shipment_names_its_items_carrier_and_customer() {
        let r = ShipmentRef {
            store_hash: "abc123".into(),
            order_id: "512".into(),
            shipment_id: "31".into(),
            created_at: DateTime::from_timestamp(1_793_700_000, 0).unwrap(),
        };
        let shipment = json!({
            "id": 31, "order_id": 512, "tracking_number": "9400 1000 0000 0000 0000 00",
            "tracking_carrier": "", "shipping_provider": "usps",
            "shipping_address": {"first_name": "Lin", "last_name": "Chen", "email": "lin@customer.example",
                                 "phone": "", "country_iso2": "US"},
            "items": [{"order_product_id": 7, "product_id": 70, "quantity": 2}]
        });
        let products =
            json!([{"id": 7, "product_id": 70, "name": "Desk lamp", "sku": "DL-1", "quantity": 2}]);
        let u = parse_shipment(
            &r,
            &serde_json::to_vec(&shipment).unwrap(),
            &serde_json::to_vec(&products).unwrap(),
        )
        .unwrap();
        assert_eq!(u.order_number, "512");
        assert_eq!(u.customer.email.as_deref(), Some("lin@customer.example"));
        assert_eq!(u.customer.phone, None);
        let p = &u.parcels[0];
        assert_eq!(p.tracking_number.as_deref(), Some("9400100000000000000000"));
        assert_eq!(p.carrier.slug, "usps");
        assert_eq!(p.items[0].title, "Desk lamp");
        assert_eq!(p.items[0].quantity, 2);
        let with_slug = json!({"id": 31, "order_id": 512, "tracking_number": "JD0002",
                               "tracking_carrier": "royal-mail", "items": []});
        let u = parse_shipment(&r, &serde_json::to_vec(&with_slug).unwrap(), b"[]").unwrap();
        assert_eq!(u.parcels[0].carrier.slug, "royal_mail");
    }
}
