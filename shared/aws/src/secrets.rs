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

/// An API key as shown once to the merchant: `ak_` and 40 alphanumerics (~238 bits).
pub fn new_api_key() -> String {
    format!("ak_{}", random_string(40))
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
        assert_ne!(a, b);
        assert!(a.starts_with("ak_") && a.len() == 43);
        assert_eq!(hash_api_key(&a), hash_api_key(&a));
        assert_eq!(hash_api_key(&a).len(), 64);
        assert_eq!(new_token().len(), 32);
        assert!(new_webhook_secret().starts_with("whsec_"));
    }
}
