//! Process configuration, read once at cold start. AWS endpoints come from the standard
//! `AWS_ENDPOINT_URL_*` variables, so local and AWS runs take the same code path.

use aws_config::{BehaviorVersion, SdkConfig};

#[derive(Debug, Clone, thiserror::Error)]
#[error("environment variable {0} is not set")]
pub struct MissingVariable(pub &'static str);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub table_name: String,
    /// Where customers reach tracking pages, e.g. `https://track.example.com` (no trailing slash).
    pub public_base_url: String,
}

impl Config {
    pub fn from_env() -> Result<Self, MissingVariable> {
        let var = |name: &'static str| std::env::var(name).map_err(|_| MissingVariable(name));
        Ok(Self {
            table_name: var("TABLE_NAME")?,
            public_base_url: var("PUBLIC_BASE_URL")?.trim_end_matches('/').to_owned(),
        })
    }
}

/// The KMS key secrets at rest are sealed under (`SECRETS_KEY_ID`, the template's
/// `SecretsKey`): a function that writes or opens secrets does not start without it.
pub fn secrets_key_id() -> Result<String, MissingVariable> {
    std::env::var("SECRETS_KEY_ID")
        .ok()
        .filter(|k| !k.is_empty())
        .ok_or(MissingVariable("SECRETS_KEY_ID"))
}

pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client())
        .load()
        .await
}

/// The SDK's HTTPS client: rustls on ring (see the workspace manifest for why not aws-lc).
/// Every SDK configuration takes this one; without it the SDK has no client at all.
pub fn https_client() -> aws_sdk_dynamodb::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// JSON logs, one line per event, level from `RUST_LOG` (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second init (tests, devstack) is harmless: keep the first subscriber.
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_target(false)
        .try_init();
}
