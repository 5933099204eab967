//! Lambda entry point: build the store once; each invocation is one stream batch.
// The SDK futures nest deeply; clippy's layout computation needs the headroom.
#![recursion_limit = "256"]

use afterclick_aws::{Config, DynamoStore, init_tracing, sdk_config};
use afterclick_milestones::Milestones;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    afterclick_aws::stream::serve(Milestones::new(DynamoStore::from_conf(
        &sdk,
        config.table_name,
    )))
    .await
}
