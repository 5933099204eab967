//! Bearer API keys: looked up by their SHA-256, never stored or logged in clear. Expiry
//! (a rotated key's grace period) and revocation are checked here, on every request, by
//! the extractors a handler names: [`AuthedMerchant`] (who is calling) or [`Caller`] (with
//! which key). Their rejections are the 401 problems of [`ApiError`].

use crate::App;
use crate::error::ApiError;
use afterclick_aws::secrets::hash_api_key;
use afterclick_domain::ports::{ApiKey, ApiKeyStore};
use afterclick_web::bearer_token;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::sync::Arc;

/// Who is calling: the key, valid now, and so its merchant.
pub struct Caller {
    pub key: ApiKey,
}

impl Caller {
    pub fn merchant_id(&self) -> &str {
        &self.key.merchant_id
    }
}

impl<S, V> FromRequestParts<Arc<App<S, V>>> for Caller
where
    S: ApiKeyStore + Send + Sync,
    V: Send + Sync,
{
    type Rejection = ApiError;

    /// The request's key, if it is known, unrevoked and unexpired at the app's clock.
    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<App<S, V>>,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_token(&parts.headers).ok_or(ApiError::MissingCredentials)?;
        let key = app
            .store
            .api_key(&hash_api_key(token))
            .await?
            .filter(|key| key.is_valid_at((app.clock)()))
            .ok_or(ApiError::BadCredentials)?;
        Ok(Caller { key })
    }
}

/// The merchant the request's API key belongs to.
pub struct AuthedMerchant(pub String);

impl<S, V> FromRequestParts<Arc<App<S, V>>> for AuthedMerchant
where
    S: ApiKeyStore + Send + Sync,
    V: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<App<S, V>>,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, app).await?;
        Ok(Self(caller.key.merchant_id))
    }
}
