//! `POST /v1/webhook-secrets/{provider}/rotate`: a new signing secret for one provider,
//! shown once. The previous secret stays valid too (the webhook checks every current
//! secret), so deliveries signed before the provider was switched over still verify; the
//! one before that stops working. Rotating again retires the previous secret: rotate
//! twice to end a leaked secret's life at once.

use crate::error::ApiError;
use crate::v1::AuthedMerchant;
use crate::v1::api_keys::secret_response;
use crate::{App, Store};
use afterclick_aws::secrets::{new_shared_secret, new_webhook_secret};
use afterclick_domain::ports::{SenderIdentities, StoreError};
use afterclick_domain::providers::Provider;
use afterclick_web::ApiPath;
use afterclick_web::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use std::sync::Arc;

/// Compare-and-set attempts before giving up on concurrent rotations of the same secret.
const ATTEMPTS: usize = 3;

#[derive(Debug, Serialize)]
pub struct RotatedSecret {
    provider: &'static str,
    /// Shown this once.
    secret: String,
    /// Whether a previous secret exists and stays valid until the next rotation.
    previous_secret_valid: bool,
}

/// The secrets after a rotation: the new one first, then exactly the previous current one.
pub fn rotated(new: String, current: Option<&str>) -> Vec<String> {
    std::iter::once(new)
        .chain(current.map(str::to_owned))
        .collect()
}

fn new_secret(provider: Provider) -> String {
    match provider {
        // Standard Webhooks signs with a `whsec_` base64 key.
        Provider::Generic => new_webhook_secret(),
        _ => new_shared_secret(),
    }
}

pub async fn rotate<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    ApiPath(provider): ApiPath<String>,
    AuthedMerchant(merchant_id): AuthedMerchant,
) -> Result<Response, ApiError> {
    let provider = Provider::parse(&provider).ok_or_else(|| {
        let names: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
        ApiError::Problem(
            Problem::not_found(format!(
                "no such webhook provider (providers: {})",
                names.join(", ")
            ))
            .with_field("provider"),
        )
    })?;
    for _ in 0..ATTEMPTS {
        let merchant = app
            .store
            .merchant(&merchant_id)
            .await?
            .ok_or(ApiError::NotFound("merchant"))?;
        let current = merchant.secrets_for(provider.as_str()).first().cloned();
        // Shown once, stored sealed.
        let secret = new_secret(provider);
        let sealed = app.store.seal(&merchant_id, &secret).await?;
        let next = rotated(sealed, current.as_deref());
        if app
            .store
            .replace_webhook_secrets(&merchant_id, provider.as_str(), current.as_deref(), &next)
            .await?
        {
            tracing::info!(merchant_id = %merchant_id, provider = provider.as_str(), "webhook secret rotated");
            let body = RotatedSecret {
                provider: provider.as_str(),
                secret,
                previous_secret_valid: current.is_some(),
            };
            return Ok(secret_response(StatusCode::OK, Json(body)));
        }
    }
    Err(StoreError::Conflict.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v1::api_keys::tests::{api, call, now, two_merchants};
    use afterclick_domain::ports::{MerchantStore, SecretBox};

    #[test]
    fn rotation_keeps_exactly_the_previous_secret() {
        let cases: [(Option<&str>, &[&str]); 2] = [(None, &["new"]), (Some("s2"), &["new", "s2"])];
        for (current, expected) in cases {
            assert_eq!(rotated("new".into(), current), expected);
        }
    }

    #[tokio::test]
    async fn each_rotation_keeps_the_previous_secret_and_drops_the_one_before() {
        let (store, a, _) = two_merchants().await;
        let api = api(&store, now);
        let mut issued = Vec::new();
        for round in 0..3 {
            let (status, body) = call(&api, "POST", "/v1/webhook-secrets/generic/rotate", &a).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["provider"], "generic");
            assert_eq!(body["previous_secret_valid"], round > 0);
            let secret = body["secret"].as_str().unwrap().to_owned();
            assert!(secret.starts_with("whsec_"));
            issued.push(secret);
        }
        let stored = store.merchant("m_a").await.unwrap().unwrap();
        let kept = stored.secrets_for("generic");
        assert!(
            kept.iter()
                .all(|s| !issued.iter().any(|i| s.contains(i.as_str()))),
            "stored sealed: {kept:?}"
        );
        assert_eq!(
            store.open_all("m_a", kept).await.unwrap(),
            [issued[2].clone(), issued[1].clone()]
        );
        assert!(
            store.open_all("m_b", kept).await.is_err(),
            "bound to its merchant"
        );
        let (_, ups) = call(&api, "POST", "/v1/webhook-secrets/ups/rotate", &a).await;
        assert!(!ups["secret"].as_str().unwrap().starts_with("whsec_"));
        let other = store.merchant("m_b").await.unwrap().unwrap();
        assert!(
            other.webhook_secrets.is_empty(),
            "another tenant's secrets never change"
        );
    }

    #[tokio::test]
    async fn an_unknown_provider_is_a_404_problem_and_changes_nothing() {
        let (store, a, _) = two_merchants().await;
        let api = api(&store, now);
        let (status, body) = call(&api, "POST", "/v1/webhook-secrets/fedex/rotate", &a).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["field"], "provider");
        assert!(body["detail"].as_str().unwrap().contains("17track"));
        let unauthenticated = call(&api, "POST", "/v1/webhook-secrets/generic/rotate", "x").await;
        assert_eq!(unauthenticated.0, StatusCode::UNAUTHORIZED);
        let stored = store.merchant("m_a").await.unwrap().unwrap();
        assert!(stored.webhook_secrets.is_empty());
    }
}
