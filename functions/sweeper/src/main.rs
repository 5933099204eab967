//! Lambda entry point: an EventBridge schedule invokes it every 15 minutes.

use afterclick_aws::{Config, DynamoStore, init_tracing, sdk_config};
use afterclick_sweeper::Sweeper;
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    // No sealer: the sweep opens no secret (dispatch signs the deliveries it wakes).
    let sweeper = Sweeper::new(DynamoStore::from_conf(&sdk, config.table_name));
    let sweeper = &sweeper;
    lambda_runtime::run(service_fn(
        move |_: LambdaEvent<serde_json::Value>| async move {
            sweeper.run().await.map_err(lambda_runtime::Error::from)
        },
    ))
    .await
}
