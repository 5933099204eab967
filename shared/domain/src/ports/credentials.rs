//! Credentials a merchant holds: API keys (stored by hash only) and webhook signing secrets.

use super::StoreError;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::future::Future;

/// How long a rotated API key keeps working, so deployments can switch over.
pub const API_KEY_GRACE: chrono::Duration = chrono::Duration::hours(24);

/// An API key's metadata. The key itself is shown once when issued and never stored; the
/// store keeps its SHA-256 for lookups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKey {
    /// Public part of the key (`ak_{key_id}_{secret}`), for listing and revoking.
    pub key_id: String,
    #[serde(skip)]
    pub merchant_id: String,
    pub name: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Set when the key was rotated: it stops working at this instant.
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// Checked on every request: expiry is never left to the table's TTL, which deletes
    /// items only some time (up to days) after they expire.
    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|end| now < end)
    }
}

pub trait ApiKeyStore: Send + Sync {
    /// The key with this SHA-256, as stored; the caller checks `is_valid_at`.
    fn api_key(
        &self,
        key_hash: &str,
    ) -> impl Future<Output = Result<Option<ApiKey>, StoreError>> + Send;

    /// Stores a new key (its lookup by hash and its place in the merchant's list, together);
    /// `Conflict` if the hash or the key id is taken.
    fn create_api_key(
        &self,
        key: &ApiKey,
        key_hash: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The merchant's keys, metadata only, oldest first.
    fn api_keys(
        &self,
        merchant_id: &str,
    ) -> impl Future<Output = Result<Vec<ApiKey>, StoreError>> + Send;

    /// Revokes a key at once; false if the merchant has no such key or it is already revoked.
    fn revoke_api_key(
        &self,
        merchant_id: &str,
        key_id: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Issues `new` and makes `old` expire at `old_expires_at`, atomically, only if `old`
    /// is still valid and was never rotated (else `Conflict`): one successor per key, and a
    /// key in its grace period cannot mint a key without an end.
    fn rotate_api_key(
        &self,
        old: &ApiKey,
        old_expires_at: DateTime<Utc>,
        new: &ApiKey,
        new_hash: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

pub trait WebhookSecretStore: Send + Sync {
    /// Replaces the merchant's secrets for `provider` with `next`, only if the current
    /// secret (the first) is still `current` (`None`: the provider has none yet); false if
    /// someone else changed them first.
    fn replace_webhook_secrets(
        &self,
        merchant_id: &str,
        provider: &str,
        current: Option<&str>,
        next: &[String],
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}
