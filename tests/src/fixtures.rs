//! Ready-made data for tests that need a realistic shipment rather than a particular path
//! to it (the contract and browser tests).

use crate::{Stack, generic_event, unique};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

pub struct Delivered {
    pub id: String,
    pub tracking_number: String,
    /// The tracking page's token, from `tracking_url`.
    pub token: String,
    pub tracking_url: String,
    /// The shipment's JSON once delivered, with events, milestones and notifications.
    pub shipment: Value,
}

/// Registers a shipment for the demo merchant and walks it through in transit, out for
/// delivery and delivered, waiting until the delivered notifications were sent.
pub async fn delivered_shipment(stack: &Stack) -> Delivered {
    let info = stack.info().clone();
    let tracking_number = unique("1ZDLV");
    let created = stack
        .register(
            &info.api_key,
            &json!({
                "tracking_number": tracking_number,
                "carrier": "ups",
                "order_number": "NO-20417",
                "customer": {
                    "name": "Erika Mustermann",
                    "email": format!("{}@kunde.example", unique("erika")),
                    "phone": "+4915112345678",
                    "locale": "de-DE",
                    "timezone": "Europe/Berlin"
                },
                "promised_delivery_date": (Utc::now() + Duration::days(7)).date_naive().to_string(),
                "service": "Standard",
                "destination_country": "DE"
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let tracking_url = created.body["tracking_url"].as_str().unwrap().to_owned();
    let token = tracking_url.rsplit('/').next().unwrap().to_owned();
    let secret = &info.webhook_secrets["generic"];
    let now = Utc::now();
    let steps = [
        ("in_transit", now - Duration::hours(30), "Abgangszentrum"),
        (
            "out_for_delivery",
            now - Duration::hours(3),
            "In Zustellung",
        ),
        ("delivered", now - Duration::minutes(20), "Zugestellt"),
    ];
    for (status, at, description) in steps {
        let body = generic_event(&tracking_number, status, at, description);
        let receipt = stack
            .post_generic(&info.merchant_id, secret, &unique(status), &body)
            .await;
        assert_eq!(receipt.status, 202, "{}", receipt.body);
    }
    let shipment = stack
        .wait_for_shipment(&info.api_key, &id, "the delivered notifications", |s| {
            s["status"] == "delivered"
                && s["notifications"].as_array().is_some_and(|n| {
                    n.iter()
                        .any(|n| n["milestone"] == "delivered" && n["state"] == "sent")
                })
        })
        .await;
    Delivered {
        id,
        tracking_number,
        token,
        tracking_url,
        shipment,
    }
}
