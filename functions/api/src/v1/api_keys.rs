//! `GET /v1/api-keys` and `POST /v1/api-keys/rotate`: a merchant's keys (metadata only)
//! and self-service rotation. A rotated key keeps working for [`API_KEY_GRACE`] so every
//! deployment can switch over, then stops; it cannot be rotated again, so a key in its
//! grace period can never mint a key without an end.

use crate::error::ApiError;
use crate::v1::Caller;
use crate::{App, Store};
use afterclick_aws::secrets::{hash_api_key, new_api_key};
use afterclick_domain::ports::{API_KEY_GRACE, ApiKey, SenderIdentities, StoreError};
use afterclick_web::Problem;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    Active,
    /// Rotated: works until `expires_at`.
    Expiring,
    Expired,
    Revoked,
}

fn status(key: &ApiKey, now: DateTime<Utc>) -> KeyStatus {
    match (key.revoked_at, key.expires_at) {
        (Some(_), _) => KeyStatus::Revoked,
        (None, Some(end)) if now >= end => KeyStatus::Expired,
        (None, Some(_)) => KeyStatus::Expiring,
        (None, None) => KeyStatus::Active,
    }
}

/// One key as listed: never the key, never its hash.
#[derive(Debug, Serialize)]
pub struct KeyView {
    #[serde(flatten)]
    key: ApiKey,
    status: KeyStatus,
    /// The key this request was made with.
    current: bool,
}

#[derive(Debug, Serialize)]
pub struct KeyList {
    keys: Vec<KeyView>,
}

#[derive(Debug, Serialize)]
pub struct Rotated {
    /// Shown this once: only its SHA-256 is kept.
    api_key: String,
    key_id: String,
    created_at: DateTime<Utc>,
    previous_key_id: String,
    previous_key_expires_at: DateTime<Utc>,
}

pub async fn list<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    caller: Caller,
) -> Result<Json<KeyList>, ApiError> {
    let now = (app.clock)();
    let keys = app
        .store
        .api_keys(caller.merchant_id())
        .await?
        .into_iter()
        .map(|key| KeyView {
            status: status(&key, now),
            current: key.key_id == caller.key.key_id,
            key,
        })
        .collect();
    Ok(Json(KeyList { keys }))
}

pub async fn rotate<S: Store, V: SenderIdentities + 'static>(
    State(app): State<Arc<App<S, V>>>,
    caller: Caller,
) -> Result<Response, ApiError> {
    if caller.key.expires_at.is_some() {
        return Err(already_rotated());
    }
    let now = (app.clock)();
    let issued = new_api_key();
    let new = ApiKey {
        key_id: issued.key_id,
        merchant_id: caller.key.merchant_id.clone(),
        name: caller.key.name.clone(),
        created_at: now,
        expires_at: None,
        revoked_at: None,
    };
    let old_expires_at = now + API_KEY_GRACE;
    match app
        .store
        .rotate_api_key(
            &caller.key,
            old_expires_at,
            &new,
            &hash_api_key(&issued.key),
        )
        .await
    {
        Ok(()) => {}
        // Rotated (or revoked) by a concurrent request since it was read.
        Err(StoreError::Conflict) => return Err(already_rotated()),
        Err(err) => return Err(err.into()),
    }
    tracing::info!(
        merchant_id = %new.merchant_id,
        key_id = %new.key_id,
        previous_key_id = %caller.key.key_id,
        "api key rotated"
    );
    let body = Rotated {
        api_key: issued.key,
        key_id: new.key_id,
        created_at: now,
        previous_key_id: caller.key.key_id,
        previous_key_expires_at: old_expires_at,
    };
    Ok(secret_response(StatusCode::CREATED, Json(body)))
}

fn already_rotated() -> ApiError {
    ApiError::Problem(
        Problem::new(
            StatusCode::CONFLICT,
            "already-rotated",
            "This API key was already rotated",
            "a key can be rotated once; call again with the key its rotation returned",
        )
        .with_header("authorization"),
    )
}

/// A response carrying a secret: no cache may keep it.
pub fn secret_response(status: StatusCode, body: impl IntoResponse) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
pub(crate) mod tests;
