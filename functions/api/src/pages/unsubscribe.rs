//! Public unsubscribe, linked from every email: `GET /u/{token}` asks for confirmation (a
//! link scanner opening it changes nothing); `POST /u/{token}` unsubscribes, from the
//! page's plain forms (`scope=shipment|customer`, no JavaScript) or from a mail client's
//! RFC 8058 one-click POST (`List-Unsubscribe=One-Click`, which stops messages about that
//! shipment). Pages in the merchant's brand and the customer's language.

use crate::error::ApiError;
use crate::pages::{self, Asked, Brand, Chrome, ShipmentPage};
use crate::{App, Store};
use afterclick_domain::i18n::page::page_words;
use afterclick_domain::ports::SenderIdentities;
use afterclick_domain::{Merchant, Shipment};
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use std::sync::Arc;

#[derive(Serialize)]
struct Choice {
    scope: &'static str,
    label: String,
}

#[derive(Serialize)]
struct UnsubscribePage<'a> {
    #[serde(flatten)]
    chrome: &'a Chrome,
    action: String,
    question: Option<String>,
    choices: Vec<Choice>,
    done: Option<String>,
}

fn chrome(shipment: &Shipment, merchant: &Merchant, asked: &Asked) -> Chrome {
    let locale = pages::locale(asked, shipment, merchant);
    let words = page_words(locale);
    Chrome::new(
        locale,
        format!("{} · {}", words.unsubscribe_title, merchant.brand_name),
        Brand::of(merchant),
        Some(format!("/u/{}", shipment.token)),
    )
}

pub async fn confirm(
    ShipmentPage {
        shipment,
        merchant,
        asked,
        ..
    }: ShipmentPage,
) -> Result<Response, ApiError> {
    let chrome = chrome(&shipment, &merchant, &asked);
    let w = chrome.words;
    let mut choices = vec![Choice {
        scope: "shipment",
        label: w.unsubscribe_order.to_owned(),
    }];
    // A customer-wide opt-out is keyed by email: offered only when there is one.
    if shipment.customer.email.is_some() {
        choices.push(Choice {
            scope: "customer",
            label: w.unsubscribe_all.replace("{brand}", &merchant.brand_name),
        });
    }
    let page = UnsubscribePage {
        chrome: &chrome,
        action: format!("/u/{}", shipment.token),
        question: Some(
            w.unsubscribe_question
                .replace("{order}", &shipment.order_number),
        ),
        choices,
        done: None,
    };
    pages::respond(StatusCode::OK, "unsubscribe.html", &chrome, &page)
}

pub async fn unsubscribe<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    ShipmentPage {
        shipment,
        merchant,
        asked,
        ..
    }: ShipmentPage,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    // An unreadable body still means "stop": the safe reading is this shipment only.
    let body = body.unwrap_or_default();
    let everything = pages::form_value(&body, "scope").as_deref() == Some("customer");
    let email = shipment.customer.email.as_deref().filter(|_| everything);
    match email {
        Some(email) => {
            app.store
                .unsubscribe_customer(&merchant.merchant_id, email)
                .await?
        }
        None => {
            app.store
                .unsubscribe_shipment(&merchant.merchant_id, &shipment.tracking_number)
                .await?
        }
    }
    tracing::info!(merchant_id = %merchant.merchant_id, customer_wide = email.is_some(), "unsubscribed");
    let chrome = chrome(&shipment, &merchant, &asked);
    let w = chrome.words;
    let done = if email.is_some() {
        w.unsubscribed_all.replace("{brand}", &merchant.brand_name)
    } else {
        w.unsubscribed_order
            .replace("{order}", &shipment.order_number)
    };
    let page = UnsubscribePage {
        chrome: &chrome,
        action: format!("/u/{}", shipment.token),
        question: None,
        choices: Vec::new(),
        done: Some(done),
    };
    pages::respond(StatusCode::OK, "unsubscribe.html", &chrome, &page)
}
