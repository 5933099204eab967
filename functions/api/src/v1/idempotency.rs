//! The `Idempotency-Key` request header for POST routes: a retried request with the same
//! key and body gets the first response again (status and body, byte for byte) instead of
//! running twice. Keys are scoped to the merchant; see the `IdempotencyStore` port.

use crate::error::ApiError;
use afterclick_domain::ports::{
    Claim, IdempotencyKey, IdempotencyStore, ShipmentResource, StoreError, StoredResponse,
};
use afterclick_web::Problem;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

pub const HEADER: &str = "idempotency-key";
/// Set on a replayed response.
pub const REPLAYED: &str = "idempotent-replayed";

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The request's key, if it sent one: 1 to 255 visible ASCII characters.
pub fn key(
    headers: &HeaderMap,
    merchant_id: &str,
    body: &[u8],
) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(raw) = headers.get(HEADER) else {
        return Ok(None);
    };
    let value = raw.as_bytes();
    if value.is_empty() || value.len() > 255 || !value.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-header",
            "A header is invalid",
            "`Idempotency-Key` must be 1 to 255 visible ASCII characters, e.g. a UUID",
        )
        .with_header(HEADER)
        .into());
    }
    Ok(Some(IdempotencyKey {
        merchant_id: merchant_id.to_owned(),
        key_hash: sha256(value),
        request_hash: sha256(body),
    }))
}

/// What to do before running the request: go on (`None`), or answer right away.
pub async fn begin<S: IdempotencyStore>(
    store: &S,
    key: &IdempotencyKey,
    now: DateTime<Utc>,
) -> Result<Option<Response>, ApiError> {
    match store.claim(key, now).await? {
        Claim::Claimed => Ok(None),
        Claim::Replay(stored) => Ok(Some(replay(stored))),
        Claim::InProgress => Err(Problem::new(
            StatusCode::CONFLICT,
            "idempotency-in-progress",
            "A request with this key is in progress",
            "another request with this Idempotency-Key is still running; retry shortly",
        )
        .with_header(HEADER)
        .into()),
        Claim::Mismatch => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-key-reused",
            "The key was used with another body",
            "this Idempotency-Key was already used with a different request body",
        )
        .with_header(HEADER)
        .into()),
    }
}

fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = (status, stored.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

/// Records how the request ended: its response for replays, or (on an error that changed
/// nothing) the key given back so a retry may run. `claimed_at` is the instant `begin`
/// claimed the key at: it names the claim, so only this request's claim is completed.
pub async fn finish<S: IdempotencyStore>(
    store: &S,
    key: &IdempotencyKey,
    outcome: &Result<(StoredResponse, ShipmentResource), ApiError>,
    claimed_at: DateTime<Utc>,
) {
    let result = match outcome {
        Ok((response, resource)) => {
            store
                .complete(key, response, Some(resource), claimed_at)
                .await
        }
        Err(_) => store.release(key).await,
    };
    // The request itself is done either way; a retry meets the lease (or no record) and
    // then re-runs safely (registration is idempotent by tracking number).
    match result {
        Ok(()) => {}
        // Expected: the shipment was erased (the key is given back rather than storing a
        // response that would put the customer back), or another request took the claim over.
        Err(StoreError::Conflict) => {
            tracing::info!("idempotency key given back: its claim or its shipment is gone");
        }
        Err(err) => tracing::warn!(error = %err, "idempotency record not updated"),
    }
}
