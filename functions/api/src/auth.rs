//! Bearer API keys: looked up by their SHA-256, never stored or logged in clear.

use crate::error::ApiError;
use afterclick_aws::secrets::hash_api_key;
use afterclick_domain::ports::MerchantStore;
use axum::http::{HeaderMap, header};

/// The merchant the request's API key belongs to.
pub async fn merchant_id<S: MerchantStore>(
    store: &S,
    headers: &HeaderMap,
) -> Result<String, ApiError> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|token| !token.is_empty())
        .ok_or(ApiError::MissingCredentials)?;
    store
        .merchant_for_key(&hash_api_key(key))
        .await?
        .ok_or(ApiError::BadCredentials)
}
