//! Secrets at rest, envelope-encrypted under the template's KMS key: each secret gets its own
//! data key from `GenerateDataKey` (AES-256), seals the secret with AES-256-GCM, and is stored
//! as `kms1:{encrypted data key}:{nonce and ciphertext}` (base64url). The merchant id is both
//! the KMS encryption context and the GCM associated data, so a sealed secret copied onto
//! another merchant's item does not open. Opening asks KMS to `Decrypt` the data key once per
//! few minutes per function instance (a small cache keyed by the encrypted data key), so a
//! webhook's verification costs no KMS call in the steady state.
//!
//! A value without the `kms1:` prefix is a secret stored before sealing existed: it opens as
//! itself, and `afterclick-admin secrets seal` rewrites those sealed.

use afterclick_domain::ports::StoreError;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::DataKeySpec;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const SEALED_PREFIX: &str = "kms1:";
/// How long an opened data key is kept: a key disabled in KMS stops opening secrets within it.
const CACHE_FOR: Duration = Duration::from_secs(300);
/// Data keys kept at most (one per secret; a merchant has a dozen).
const CACHE_ENTRIES: usize = 1024;
const CONTEXT_KEY: &str = "merchant_id";

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("KMS: {0}")]
    Kms(String),
    #[error("a sealed secret is malformed or belongs to someone else")]
    Malformed,
}

impl From<SealError> for StoreError {
    fn from(err: SealError) -> Self {
        match err {
            SealError::Kms(e) => StoreError::Unavailable(e),
            SealError::Malformed => StoreError::Corrupt(err.to_string()),
        }
    }
}

type DataKey = Arc<[u8; 32]>;
/// Opened data keys by encrypted data key and owner, with when they were opened.
type Opened = Arc<Mutex<HashMap<Vec<u8>, (DataKey, Instant)>>>;

/// The KMS key secrets are sealed under, and the data keys recently opened.
#[derive(Clone)]
pub struct KmsSealer {
    client: aws_sdk_kms::Client,
    key_id: String,
    opened: Opened,
    random: SystemRandom,
}

impl std::fmt::Debug for KmsSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KmsSealer")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

fn aead(key: &[u8; 32]) -> Result<LessSafeKey, SealError> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| SealError::Malformed)
}

fn kms_error(err: impl std::error::Error + 'static) -> SealError {
    SealError::Kms(aws_sdk_kms::error::DisplayErrorContext(err).to_string())
}

impl KmsSealer {
    pub fn new(client: aws_sdk_kms::Client, key_id: impl Into<String>) -> Self {
        Self {
            client,
            key_id: key_id.into(),
            opened: Arc::default(),
            random: SystemRandom::new(),
        }
    }

    pub fn from_conf(sdk: &aws_config::SdkConfig, key_id: impl Into<String>) -> Self {
        Self::new(aws_sdk_kms::Client::new(sdk), key_id)
    }

    pub async fn seal(&self, owner: &str, plaintext: &str) -> Result<String, SealError> {
        let generated = self
            .client
            .generate_data_key()
            .key_id(&self.key_id)
            .key_spec(DataKeySpec::Aes256)
            .encryption_context(CONTEXT_KEY, owner)
            .send()
            .await
            .map_err(kms_error)?;
        let key: [u8; 32] = generated
            .plaintext()
            .and_then(|k| k.as_ref().try_into().ok())
            .ok_or_else(|| SealError::Kms("GenerateDataKey returned no 256-bit key".into()))?;
        let wrapped = generated
            .ciphertext_blob()
            .ok_or_else(|| SealError::Kms("GenerateDataKey returned no ciphertext".into()))?;
        let mut nonce = [0u8; NONCE_LEN];
        self.random
            .fill(&mut nonce)
            .map_err(|_| SealError::Kms("no randomness for a nonce".into()))?;
        let mut sealed = plaintext.as_bytes().to_vec();
        aead(&key)?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(owner.as_bytes()),
                &mut sealed,
            )
            .map_err(|_| SealError::Malformed)?;
        let mut body = nonce.to_vec();
        body.extend(sealed);
        Ok(format!(
            "{SEALED_PREFIX}{}:{}",
            URL_SAFE_NO_PAD.encode(wrapped.as_ref()),
            URL_SAFE_NO_PAD.encode(body)
        ))
    }

    pub async fn open(&self, owner: &str, stored: &str) -> Result<String, SealError> {
        let Some(sealed) = stored.strip_prefix(SEALED_PREFIX) else {
            return Ok(stored.to_owned());
        };
        let (wrapped, body) = sealed.split_once(':').ok_or(SealError::Malformed)?;
        let wrapped = URL_SAFE_NO_PAD
            .decode(wrapped)
            .map_err(|_| SealError::Malformed)?;
        let mut body = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| SealError::Malformed)?;
        if body.len() < NONCE_LEN {
            return Err(SealError::Malformed);
        }
        let key = self.data_key(owner, wrapped).await?;
        let mut sealed = body.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&body).map_err(|_| SealError::Malformed)?;
        let plaintext = aead(&key)?
            .open_in_place(nonce, Aad::from(owner.as_bytes()), &mut sealed)
            .map_err(|_| SealError::Malformed)?;
        String::from_utf8(plaintext.to_vec()).map_err(|_| SealError::Malformed)
    }

    /// The data key, from the cache or from KMS (which also checks the owner: the encryption
    /// context must match the one it was generated with).
    async fn data_key(&self, owner: &str, wrapped: Vec<u8>) -> Result<DataKey, SealError> {
        let now = Instant::now();
        let mut cache_key = wrapped.clone();
        cache_key.extend(owner.as_bytes());
        if let Ok(opened) = self.opened.lock()
            && let Some((key, at)) = opened.get(&cache_key)
            && now.duration_since(*at) < CACHE_FOR
        {
            return Ok(key.clone());
        }
        let decrypted = self
            .client
            .decrypt()
            .key_id(&self.key_id)
            .ciphertext_blob(Blob::new(wrapped))
            .encryption_context(CONTEXT_KEY, owner)
            .send()
            .await
            .map_err(|err| {
                // A wrong owner is an invalid ciphertext to KMS: the secret is not this
                // merchant's.
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_invalid_ciphertext_exception())
                {
                    SealError::Malformed
                } else {
                    kms_error(err)
                }
            })?;
        let key: [u8; 32] = decrypted
            .plaintext()
            .and_then(|k| k.as_ref().try_into().ok())
            .ok_or(SealError::Malformed)?;
        let key: DataKey = Arc::new(key);
        if let Ok(mut opened) = self.opened.lock() {
            if opened.len() >= CACHE_ENTRIES {
                opened.retain(|_, (_, at)| now.duration_since(*at) < CACHE_FOR);
                if opened.len() >= CACHE_ENTRIES {
                    opened.clear();
                }
            }
            opened.insert(cache_key, (key.clone(), now));
        }
        Ok(key)
    }
}
