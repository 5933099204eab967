//! Lambda entry point: build clients once, hand them to the Router.

use afterclick_aws::{Config, DynamoStore, init_tracing, sdk_config};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    init_tracing();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    let store = DynamoStore::from_conf(&sdk, config.table_name);
    lambda_http::run(afterclick_webhook::router(
        afterclick_webhook::Webhooks::new(store),
    ))
    .await
}
