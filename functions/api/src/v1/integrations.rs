//! `GET /v1/integrations`, `GET|PUT|DELETE /v1/integrations/{platform}`: connecting the
//! merchant's store. The merchant gives the shop's identity and the secret the platform signs
//! its webhooks with (Shopify's app client secret, the WooCommerce webhook's secret,
//! BigCommerce's app client secret, plus for BigCommerce the API token shipments are fetched
//! with); afterclick answers the URL to paste into the platform. Secrets are stored sealed
//! and never shown again. Putting a secret rotates: the previous one stays valid (deliveries
//! signed before the switch still verify) and the one before that stops working, as with
//! the carriers' secrets. Leaving it out once connected keeps the secrets (to change the
//! shop or BigCommerce's token only).

use crate::error::ApiError;
use crate::v1::AuthedMerchant;
use crate::v1::api_keys::secret_response;
use crate::v1::carrier_secrets::rotated;
use crate::{App, Store};
use afterclick_domain::Merchant;
use afterclick_domain::model::Integration;
use afterclick_domain::platforms::Platform;
use afterclick_domain::ports::StoreError;
use afterclick_domain::validate::{FieldError, parse_json};
use afterclick_web::{ApiPath, Problem, require_json};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Compare-and-set attempts against concurrent changes of the same connection.
const ATTEMPTS: usize = 3;

/// What a connection looks like to the merchant: never a secret.
#[derive(Debug, Serialize)]
pub struct IntegrationView {
    platform: &'static str,
    connected: bool,
    /// Shopify's shop domain, WooCommerce's site URL, BigCommerce's store hash.
    shop: Option<String>,
    /// Where the platform must send its webhooks.
    webhook_url: String,
    /// What to subscribe to on the platform.
    topics: &'static [&'static str],
    /// Whether a previous secret still verifies (until the next change).
    previous_secret_valid: bool,
    /// BigCommerce: whether an API token is stored.
    api_token_set: bool,
    connected_at: Option<chrono::DateTime<chrono::Utc>>,
    updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Serialize)]
pub struct IntegrationList {
    integrations: Vec<IntegrationView>,
}

fn topics(platform: Platform) -> &'static [&'static str] {
    match platform {
        Platform::Shopify => &[
            "fulfillments/create",
            "fulfillments/update",
            "orders/cancelled",
        ],
        Platform::WooCommerce => &["order.created", "order.updated", "order.deleted"],
        Platform::BigCommerce => &[
            "store/shipment/created",
            "store/shipment/updated",
            "store/shipment/deleted",
        ],
    }
}

fn view(app_base: &str, merchant: &Merchant, platform: Platform) -> IntegrationView {
    let integration = merchant.integrations.get(platform.as_str());
    IntegrationView {
        platform: platform.as_str(),
        connected: integration.is_some(),
        shop: integration.map(|i| i.shop.clone()),
        webhook_url: format!(
            "{app_base}/webhooks/{}/{}",
            platform.as_str(),
            merchant.merchant_id
        ),
        topics: topics(platform),
        previous_secret_valid: merchant.secrets_for(&platform.secret_key()).len() > 1,
        api_token_set: integration.is_some_and(|i| i.api_token.is_some()),
        connected_at: integration.map(|i| i.connected_at),
        updated_at: integration.map(|i| i.updated_at),
    }
}

fn platform(name: &str) -> Result<Platform, ApiError> {
    Platform::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
        ApiError::Problem(
            Problem::not_found(format!(
                "no such store platform (platforms: {})",
                names.join(", ")
            ))
            .with_field("platform"),
        )
    })
}

async fn merchant<S: Store, V>(app: &App<S, V>, merchant_id: &str) -> Result<Merchant, ApiError> {
    app.store
        .merchant(merchant_id)
        .await?
        .ok_or(ApiError::NotFound("merchant"))
}

pub async fn list<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    let merchant = merchant(&app, &merchant_id).await?;
    let integrations = Platform::ALL
        .into_iter()
        .map(|p| view(&app.public_base_url, &merchant, p))
        .collect();
    Ok(Json(IntegrationList { integrations }).into_response())
}

pub async fn get<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(name): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    let platform = platform(&name)?;
    let merchant = merchant(&app, &merchant_id).await?;
    Ok(Json(view(&app.public_base_url, &merchant, platform)).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Connect {
    #[serde(default)]
    shop_domain: Option<String>,
    #[serde(default)]
    site_url: Option<String>,
    #[serde(default)]
    store_hash: Option<String>,
    /// Required to connect; left out afterwards, the secrets stay as they are.
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    api_token: Option<String>,
}

/// A connection as given and checked; `None`s keep what is stored.
struct Connection {
    shop: String,
    secret: Option<String>,
    token: Option<String>,
}

/// The connection as given, checked: the shop in the platform's own form, a secret that can
/// be one, BigCommerce's token.
fn parse(platform: Platform, c: Connect, connected: bool) -> Result<Connection, FieldError> {
    let field = platform.shop_field();
    let given = match platform {
        Platform::Shopify => c.shop_domain,
        Platform::WooCommerce => c.site_url,
        Platform::BigCommerce => c.store_hash,
    };
    let shop = given
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| FieldError::new(field, "is required"))?;
    let ok = match platform {
        Platform::Shopify => {
            shop.len() <= 255
                && shop.strip_suffix(".myshopify.com").is_some_and(|name| {
                    !name.is_empty()
                        && !name.starts_with('-')
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                })
        }
        Platform::WooCommerce => {
            shop.len() <= 255
                && (shop.starts_with("https://") || shop.starts_with("http://"))
                && !shop.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        Platform::BigCommerce => {
            (1..=32).contains(&shop.len())
                && shop
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        }
    };
    if !ok {
        let rule = match platform {
            Platform::Shopify => "must be the shop's `<name>.myshopify.com` domain",
            Platform::WooCommerce => "must be the site's URL, e.g. https://shop.example/",
            Platform::BigCommerce => "must be the store hash: lower-case letters and digits",
        };
        return Err(FieldError::new(field, rule));
    }
    let secret = c.secret.map(|s| s.trim().to_owned());
    let secret_ok =
        |s: &String| (8..=256).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic());
    match &secret {
        None if !connected => {
            return Err(FieldError::new(
                "secret",
                "is required to connect the store",
            ));
        }
        Some(s) if !secret_ok(s) => {
            return Err(FieldError::new(
                "secret",
                "must be the platform's signing secret: 8 to 256 visible ASCII characters",
            ));
        }
        _ => {}
    }
    let token = c
        .api_token
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    match (platform, &token) {
        (Platform::BigCommerce, None) if !connected => Err(FieldError::new(
            "api_token",
            "is required: shipments are fetched from the store's API with it",
        )),
        (Platform::BigCommerce, Some(t))
            if !(8..=256).contains(&t.len()) || !t.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Err(FieldError::new(
                "api_token",
                "must be 8 to 256 visible ASCII characters",
            ))
        }
        (Platform::Shopify | Platform::WooCommerce, Some(_)) => {
            Err(FieldError::new("api_token", "is only for BigCommerce"))
        }
        _ => Ok(Connection {
            shop,
            secret,
            token,
        }),
    }
}

pub async fn put<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(name): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let platform = platform(&name)?;
    let body = body.map_err(|r| Problem::from_body_rejection(&r, crate::BODY_LIMIT))?;
    require_json(&headers)?;
    let input: Connect = parse_json(&body).map_err(ApiError::InvalidBody)?;
    let key = platform.secret_key();
    let now = (app.clock)();
    let connected = merchant(&app, &merchant_id)
        .await?
        .integrations
        .contains_key(platform.as_str());
    let given = parse(platform, input, connected).map_err(ApiError::Unprocessable)?;
    // Sealed once: a lost race below retries with the same sealed values.
    let sealed_secret = match &given.secret {
        Some(secret) => Some(app.store.seal(&merchant_id, secret).await?),
        None => None,
    };
    let sealed_token = match &given.token {
        Some(token) => Some(app.store.seal(&merchant_id, token).await?),
        None => None,
    };
    for _ in 0..ATTEMPTS {
        let current = merchant(&app, &merchant_id).await?;
        // Every secret given rotates (the API cannot open secrets to compare them: it holds
        // no decrypt right); none given keeps them.
        if let Some(sealed) = &sealed_secret {
            let sealed_now = current.secrets_for(&key).first().cloned();
            let next = rotated(sealed.clone(), sealed_now.as_deref());
            if !app
                .store
                .replace_webhook_secrets(&merchant_id, &key, sealed_now.as_deref(), &next)
                .await?
            {
                continue;
            }
        }
        let before = current.integrations.get(platform.as_str());
        let integration = Integration {
            shop: given.shop.clone(),
            connected_at: before.map_or(now, |i| i.connected_at),
            updated_at: now,
            api_token: sealed_token
                .clone()
                .or_else(|| before.and_then(|i| i.api_token.clone())),
        };
        app.store
            .save_integration(&merchant_id, platform.as_str(), Some(&integration))
            .await?;
        tracing::info!(
            merchant_id = %merchant_id,
            platform = platform.as_str(),
            rotated = sealed_secret.is_some(),
            "store connected"
        );
        let after = merchant(&app, &merchant_id).await?;
        let status = if before.is_some() {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        let body = Json(view(&app.public_base_url, &after, platform));
        return Ok(secret_response(status, body));
    }
    Err(StoreError::Conflict.into())
}

pub async fn delete<S: Store, V>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(name): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    let platform = platform(&name)?;
    let key = platform.secret_key();
    for _ in 0..ATTEMPTS {
        let current = merchant(&app, &merchant_id).await?;
        if !current.integrations.contains_key(platform.as_str())
            && current.secrets_for(&key).is_empty()
        {
            return Err(ApiError::NotFound("integration"));
        }
        app.store
            .save_integration(&merchant_id, platform.as_str(), None)
            .await?;
        let sealed_now = current.secrets_for(&key).first().cloned();
        if sealed_now.is_none()
            || app
                .store
                .replace_webhook_secrets(&merchant_id, &key, sealed_now.as_deref(), &[])
                .await?
        {
            tracing::info!(merchant_id = %merchant_id, platform = platform.as_str(), "store disconnected");
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
    }
    Err(StoreError::Conflict.into())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::v1::api_keys::tests::{api, call_json, now, two_merchants};
    use afterclick_domain::ports::{MerchantStore, SecretBox};
    use serde_json::json;

    #[tokio::test]
    async fn connecting_shows_the_url_never_the_secret_and_a_new_secret_keeps_the_last() {
        let (store, a, _) = two_merchants().await;
        let api = api(&store, now);
        let body =
            json!({"shop_domain": "acme-outdoor.myshopify.com", "secret": "shpss_first_secret"});
        let (status, view) = call_json(&api, "PUT", "/v1/integrations/shopify", &a, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{view}");
        assert_eq!(view["connected"], true);
        assert_eq!(view["shop"], "acme-outdoor.myshopify.com");
        assert!(
            view["webhook_url"]
                .as_str()
                .unwrap()
                .ends_with("/webhooks/shopify/m_a")
        );
        assert_eq!(view["previous_secret_valid"], false);
        assert!(!view.to_string().contains("shpss_first_secret"));
        let again =
            json!({"shop_domain": "acme-outdoor.myshopify.com", "secret": "shpss_second_secret"});
        let (status, view) = call_json(&api, "PUT", "/v1/integrations/shopify", &a, &again).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(view["previous_secret_valid"], true);
        let m = store.merchant("m_a").await.unwrap().unwrap();
        let open = store
            .open_all("m_a", m.secrets_for("platform:shopify"))
            .await
            .unwrap();
        assert_eq!(open, ["shpss_second_secret", "shpss_first_secret"]);
        // Without a secret: the shop changes, both secrets stay.
        let moved = json!({"shop_domain": "acme-outdoor-2.myshopify.com"});
        let (status, view) = call_json(&api, "PUT", "/v1/integrations/shopify", &a, &moved).await;
        assert_eq!(
            (status, &view["shop"]),
            (StatusCode::OK, &json!("acme-outdoor-2.myshopify.com"))
        );
        let m = store.merchant("m_a").await.unwrap().unwrap();
        let open = store
            .open_all("m_a", m.secrets_for("platform:shopify"))
            .await
            .unwrap();
        assert_eq!(open, ["shpss_second_secret", "shpss_first_secret"]);
        let other = store.merchant("m_b").await.unwrap().unwrap();
        assert!(other.integrations.is_empty() && other.webhook_secrets.is_empty());
        let (status, _) =
            call_json(&api, "DELETE", "/v1/integrations/shopify", &a, &json!(null)).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let m = store.merchant("m_a").await.unwrap().unwrap();
        assert!(m.integrations.is_empty() && m.secrets_for("platform:shopify").is_empty());
    }

    #[tokio::test]
    async fn bad_connections_name_their_field_and_change_nothing() {
        let (store, a, _) = two_merchants().await;
        let api = api(&store, now);
        let cases = [
            (
                "shopify",
                json!({"shop_domain": "evil.example.com", "secret": "longenough"}),
                "shop_domain",
            ),
            ("shopify", json!({"secret": "longenough"}), "shop_domain"),
            (
                "shopify",
                json!({"shop_domain": "a.myshopify.com"}),
                "secret",
            ),
            (
                "woocommerce",
                json!({"site_url": "ftp://shop", "secret": "longenough"}),
                "site_url",
            ),
            (
                "bigcommerce",
                json!({"store_hash": "abc123", "secret": "longenough"}),
                "api_token",
            ),
            (
                "bigcommerce",
                json!({"store_hash": "ABC/../", "secret": "longenough", "api_token": "tokentoken"}),
                "store_hash",
            ),
            (
                "shopify",
                json!({"shop_domain": "a.myshopify.com", "secret": "short"}),
                "secret",
            ),
        ];
        for (platform, body, field) in cases {
            let path = format!("/v1/integrations/{platform}");
            let (status, problem) = call_json(&api, "PUT", &path, &a, &body).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(problem["field"], field, "{body}");
        }
        let (status, problem) =
            call_json(&api, "PUT", "/v1/integrations/magento", &a, &json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(problem["field"], "platform");
        let m = store.merchant("m_a").await.unwrap().unwrap();
        assert!(m.integrations.is_empty() && m.webhook_secrets.is_empty());
    }
}
