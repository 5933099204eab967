//! Lambda entry point: build the store and the HTTP clients once; each invocation is one
//! stream batch of new webhook deliveries and store shipments to fetch.
// The SDK futures nest deeply; clippy's layout computation needs the headroom.
#![recursion_limit = "256"]

use afterclick_aws::config::secrets_key_id;
use afterclick_aws::sealing::KmsSealer;
use afterclick_aws::{Config, DynamoStore, init_tracing, sdk_config};
use afterclick_dispatch::{BIGCOMMERCE_API_URL, Dispatch, HttpSender, HttpStoreApi};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    // Operators point it elsewhere (a proxy, a test server); the default is BigCommerce's.
    let bigcommerce = std::env::var("BIGCOMMERCE_API_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| BIGCOMMERCE_API_URL.to_owned());
    afterclick_aws::stream::serve(
        Dispatch::new(
            DynamoStore::from_conf(&sdk, config.table_name)
                .with_sealer(KmsSealer::from_conf(&sdk, secrets_key_id()?)),
            HttpSender::new()?,
            HttpStoreApi::new()?,
            bigcommerce,
        )
        .with_ga4_endpoint(std::env::var("GA4_ENDPOINT").ok()),
    )
    .await
}
