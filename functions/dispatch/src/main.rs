//! Lambda entry point: build the store and the HTTP client once; each invocation is one
//! stream batch of new webhook deliveries.
// The SDK futures nest deeply; clippy's layout computation needs the headroom.
#![recursion_limit = "256"]

use afterclick_aws::config::secrets_key_id;
use afterclick_aws::sealing::KmsSealer;
use afterclick_aws::{Config, DynamoStore, init_tracing, sdk_config};
use afterclick_dispatch::{Dispatch, HttpSender};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    afterclick_aws::stream::serve(Dispatch::new(
        DynamoStore::from_conf(&sdk, config.table_name)
            .with_sealer(KmsSealer::from_conf(&sdk, secrets_key_id()?)),
        HttpSender::new()?,
    ))
    .await
}
