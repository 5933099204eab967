//! The two KMS calls afterclick makes (`GenerateDataKey`, `Decrypt`), played over KMS's own
//! JSON 1.1 protocol so the SDK (in the devstack and in the function binaries) talks to it as
//! to KMS. Why not moto's KMS: its keys live only as long as its process, while `make run`
//! keeps the table in `.local/data`, so secrets sealed yesterday would never open again. Here
//! the one key's material is a file in `.local/` (a temporary one in tests), created on
//! first use. Data keys are wrapped with AES-256-GCM under it, bound to the key id and the
//! encryption context, as KMS binds them.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// The key the template's `SecretsKey` stands for locally.
pub const LOCAL_KEY_ID: &str = "alias/afterclick-secrets";
const KEY_ARN: &str = "arn:aws:kms:us-east-1:000000000000:key/afterclick-local-secrets";

#[derive(Clone)]
pub struct LocalKms {
    master: Arc<LessSafeKey>,
    random: SystemRandom,
}

#[derive(Debug, thiserror::Error)]
pub enum KmsError {
    #[error("the local KMS key {0}: {1}")]
    KeyFile(String, std::io::Error),
    #[error("the local KMS key file {0} does not hold a 256-bit key")]
    BadKey(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Request {
    #[serde(default)]
    ciphertext_blob: Option<String>,
    #[serde(default)]
    encryption_context: BTreeMap<String, String>,
}

fn error(kind: &str, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [("content-type", "application/x-amz-json-1.1")],
        Json(json!({"__type": kind, "message": message})),
    )
        .into_response()
}

/// What binds a wrapped key: the key and the whole encryption context.
fn aad(context: &BTreeMap<String, String>) -> Vec<u8> {
    let mut aad = KEY_ARN.as_bytes().to_vec();
    for (k, v) in context {
        aad.push(0);
        aad.extend(k.as_bytes());
        aad.push(0);
        aad.extend(v.as_bytes());
    }
    aad
}

impl LocalKms {
    /// The key in `file` (created with a fresh random key when missing), or a random key for
    /// this process when there is no file.
    pub fn open(file: Option<&Path>) -> Result<Self, KmsError> {
        let random = SystemRandom::new();
        let mut key = [0u8; 32];
        let name = |f: &Path| f.display().to_string();
        match file {
            Some(f) if f.exists() => {
                let stored = std::fs::read(f).map_err(|e| KmsError::KeyFile(name(f), e))?;
                key = stored
                    .as_slice()
                    .try_into()
                    .map_err(|_| KmsError::BadKey(name(f)))?;
            }
            _ => {
                random
                    .fill(&mut key)
                    .map_err(|_| KmsError::BadKey("(random)".into()))?;
                if let Some(f) = file {
                    if let Some(dir) = f.parent() {
                        std::fs::create_dir_all(dir).map_err(|e| KmsError::KeyFile(name(f), e))?;
                    }
                    std::fs::write(f, key).map_err(|e| KmsError::KeyFile(name(f), e))?;
                }
            }
        }
        let master = UnboundKey::new(&AES_256_GCM, &key)
            .map(LessSafeKey::new)
            .map_err(|_| KmsError::BadKey("(unusable)".into()))?;
        Ok(Self {
            master: Arc::new(master),
            random,
        })
    }

    pub fn router(self) -> axum::Router {
        axum::Router::new()
            .route("/", post(handle))
            .with_state(self)
    }

    fn generate(&self, context: &BTreeMap<String, String>) -> Option<serde_json::Value> {
        let mut data_key = [0u8; 32];
        let mut nonce = [0u8; NONCE_LEN];
        self.random.fill(&mut data_key).ok()?;
        self.random.fill(&mut nonce).ok()?;
        let mut wrapped = data_key.to_vec();
        self.master
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(context)),
                &mut wrapped,
            )
            .ok()?;
        let mut blob = nonce.to_vec();
        blob.extend(wrapped);
        Some(json!({
            "CiphertextBlob": STANDARD.encode(blob),
            "Plaintext": STANDARD.encode(data_key),
            "KeyId": KEY_ARN,
        }))
    }

    fn decrypt(&self, blob: &str, context: &BTreeMap<String, String>) -> Option<serde_json::Value> {
        let mut blob = STANDARD.decode(blob).ok()?;
        if blob.len() < NONCE_LEN {
            return None;
        }
        let mut wrapped = blob.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&blob).ok()?;
        let key = self
            .master
            .open_in_place(nonce, Aad::from(aad(context)), &mut wrapped)
            .ok()?;
        Some(json!({
            "Plaintext": STANDARD.encode(key),
            "KeyId": KEY_ARN,
            "EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
        }))
    }
}

async fn handle(State(kms): State<LocalKms>, headers: HeaderMap, body: String) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Ok(request) = serde_json::from_str::<Request>(&body) else {
        return error("ValidationException", "the request is not KMS JSON");
    };
    let answer = match target {
        "TrentService.GenerateDataKey" => kms.generate(&request.encryption_context),
        "TrentService.Decrypt" => {
            match request
                .ciphertext_blob
                .as_deref()
                .and_then(|b| kms.decrypt(b, &request.encryption_context))
            {
                Some(answer) => Some(answer),
                None => {
                    return error(
                        "InvalidCiphertextException",
                        "the ciphertext or its encryption context is not this key's",
                    );
                }
            }
        }
        other => {
            return error(
                "UnsupportedOperationException",
                &format!("the local KMS plays GenerateDataKey and Decrypt only, not {other}"),
            );
        }
    };
    match answer {
        Some(answer) => (
            StatusCode::OK,
            [("content-type", "application/x-amz-json-1.1")],
            Json(answer),
        )
            .into_response(),
        None => error("KMSInternalException", "no randomness"),
    }
}
