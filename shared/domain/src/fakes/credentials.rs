//! API keys and webhook secrets in memory, with the store's conditions.

use super::MemoryStore;
use crate::ports::{ApiKey, ApiKeyStore, StoreError, WebhookSecretStore};
use chrono::{DateTime, Utc};

impl ApiKeyStore for MemoryStore {
    async fn api_key(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        Ok(self.state.lock().unwrap().keys.get(key_hash).cloned())
    }

    async fn create_api_key(&self, key: &ApiKey, key_hash: &str) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        let id_taken = state
            .keys
            .values()
            .any(|k| k.merchant_id == key.merchant_id && k.key_id == key.key_id);
        if id_taken || state.keys.contains_key(key_hash) {
            return Err(StoreError::Conflict);
        }
        state.keys.insert(key_hash.into(), key.clone());
        Ok(())
    }

    async fn api_keys(&self, merchant_id: &str) -> Result<Vec<ApiKey>, StoreError> {
        let state = self.state.lock().unwrap();
        let mut keys: Vec<ApiKey> = state
            .keys
            .values()
            .filter(|k| k.merchant_id == merchant_id)
            .cloned()
            .collect();
        keys.sort_by(|a, b| (a.created_at, &a.key_id).cmp(&(b.created_at, &b.key_id)));
        Ok(keys)
    }

    async fn revoke_api_key(
        &self,
        merchant_id: &str,
        key_id: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        let key = state
            .keys
            .values_mut()
            .find(|k| k.merchant_id == merchant_id && k.key_id == key_id && k.revoked_at.is_none());
        Ok(key.map(|k| k.revoked_at = Some(at)).is_some())
    }

    async fn rotate_api_key(
        &self,
        old: &ApiKey,
        old_expires_at: DateTime<Utc>,
        new: &ApiKey,
        new_hash: &str,
    ) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        if state.keys.contains_key(new_hash) {
            return Err(StoreError::Conflict);
        }
        let current = state.keys.values_mut().find(|k| {
            k.merchant_id == old.merchant_id
                && k.key_id == old.key_id
                && k.revoked_at.is_none()
                && k.expires_at.is_none()
        });
        let Some(current) = current else {
            return Err(StoreError::Conflict);
        };
        current.expires_at = Some(old_expires_at);
        state.keys.insert(new_hash.into(), new.clone());
        Ok(())
    }
}

impl WebhookSecretStore for MemoryStore {
    async fn replace_webhook_secrets(
        &self,
        merchant_id: &str,
        provider: &str,
        current: Option<&str>,
        next: &[String],
    ) -> Result<bool, StoreError> {
        let mut state = self.state.lock().unwrap();
        let Some(merchant) = state.merchants.get_mut(merchant_id) else {
            return Ok(false);
        };
        let stored = merchant
            .webhook_secrets
            .get(provider)
            .and_then(|s| s.first())
            .map(String::as_str);
        if stored != current {
            return Ok(false);
        }
        merchant
            .webhook_secrets
            .insert(provider.into(), next.to_vec());
        Ok(true)
    }
}
