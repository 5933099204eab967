//! Bearer API keys: looked up by their SHA-256, never stored or logged in clear. Expiry
//! (a rotated key's grace period) and revocation are checked here, on every request.

use crate::App;
use crate::error::ApiError;
use afterclick_aws::secrets::hash_api_key;
use afterclick_domain::ports::{ApiKey, ApiKeyStore};
use axum::http::{HeaderMap, header};

/// Who is calling: the key, valid now, and so its merchant.
pub struct Caller {
    pub key: ApiKey,
}

impl Caller {
    pub fn merchant_id(&self) -> &str {
        &self.key.merchant_id
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|token| !token.is_empty())
}

/// The request's key, if it is known, unrevoked and unexpired at the app's clock.
pub async fn caller<S: ApiKeyStore, V>(
    app: &App<S, V>,
    headers: &HeaderMap,
) -> Result<Caller, ApiError> {
    let token = bearer(headers).ok_or(ApiError::MissingCredentials)?;
    let key = app
        .store
        .api_key(&hash_api_key(token))
        .await?
        .filter(|key| key.is_valid_at((app.clock)()))
        .ok_or(ApiError::BadCredentials)?;
    Ok(Caller { key })
}

/// The merchant the request's API key belongs to.
pub async fn merchant_id<S: ApiKeyStore, V>(
    app: &App<S, V>,
    headers: &HeaderMap,
) -> Result<String, ApiError> {
    Ok(caller(app, headers).await?.key.merchant_id)
}
