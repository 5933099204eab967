//! Lambda entry point: build clients once, hand them to the Router.

use afterclick_aws::config::secrets_key_id;
use afterclick_aws::sealing::KmsSealer;
use afterclick_aws::{Config, DynamoStore, init_tracing, sdk_config};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    init_tracing();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    let store = DynamoStore::from_conf(&sdk, config.table_name)
        .with_sealer(KmsSealer::from_conf(&sdk, secrets_key_id()?));
    lambda_http::run(afterclick_webhook::router(
        afterclick_webhook::Webhooks::new(store),
    ))
    .await
}
