//! Lambda entry point: build the clients once; each invocation is one stream batch.
// The SDK futures nest deeply; clippy's layout computation needs the headroom.
#![recursion_limit = "256"]

use afterclick_aws::{Config, DynamoStore, SesMailer, SnsTexter, init_tracing, sdk_config};
use afterclick_notify::Notify;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    afterclick_aws::stream::serve(Notify::new(
        DynamoStore::from_conf(&sdk, config.table_name),
        SesMailer::from_conf(&sdk).with_configuration_set(SesMailer::configuration_set_from_env()),
        SnsTexter::from_conf(&sdk),
        config.public_base_url,
    ))
    .await
}
