//! Random secrets: API keys, tracking tokens, ids, webhook secrets.

use afterclick_domain::signature::secret_from_bytes;
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

fn random_string(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// A freshly issued API key: shown once, then only its SHA-256 is kept.
pub struct NewApiKey {
    /// Public, inside the key, so a key can be named for revocation without being shown.
    pub key_id: String,
    /// `ak_{key_id}_{secret}`: the secret is 32 alphanumerics (~190 random bits).
    pub key: String,
}

pub fn new_api_key() -> NewApiKey {
    let key_id = random_string(12).to_ascii_lowercase();
    let key = format!("ak_{key_id}_{}", random_string(32));
    NewApiKey { key_id, key }
}

/// What is stored for an API key: its SHA-256, hex. Keys are high-entropy, so no salt is needed.
pub fn hash_api_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// A public tracking token: 128 random bits, hex.
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

pub fn new_shipment_id() -> String {
    format!("shp_{}", random_string(20))
}

/// A webhook endpoint's id: `we_` and 20 alphanumerics.
pub fn new_endpoint_id() -> String {
    format!("we_{}", random_string(20))
}

pub fn new_merchant_id() -> String {
    format!("m_{}", random_string(16).to_lowercase())
}

/// A provider webhook secret or credential (EasyPost, AfterShip, Shippo, 17TRACK, UPS).
pub fn new_shared_secret() -> String {
    random_string(40)
}

pub fn new_webhook_secret() -> String {
    secret_from_bytes(&rand::random::<[u8; 24]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_hash_stably() {
        let (a, b) = (new_api_key(), new_api_key());
        assert_ne!(a.key, b.key);
        assert_ne!(a.key_id, b.key_id);
        assert!(a.key.starts_with(&format!("ak_{}_", a.key_id)));
        assert_eq!(a.key.len(), 3 + 12 + 1 + 32);
        let a = a.key;
        assert_eq!(hash_api_key(&a), hash_api_key(&a));
        assert_eq!(hash_api_key(&a).len(), 64);
        assert_eq!(new_token().len(), 32);
        assert!(new_webhook_secret().starts_with("whsec_"));
    }
}

/// Fresh shipment ids and tracking-page tokens, for shipments registered from a store.
#[derive(Debug, Clone, Copy, Default)]
pub struct Entropy;

impl afterclick_domain::ports::NewIds for Entropy {
    fn shipment_id(&self) -> String {
        new_shipment_id()
    }
    fn token(&self) -> String {
        new_token()
    }
}
