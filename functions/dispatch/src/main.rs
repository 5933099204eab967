//! Lambda entry point: build the store and the HTTP client once; each invocation is one
//! stream batch of new webhook deliveries.
// The SDK futures nest deeply; clippy's layout computation needs the headroom.
#![recursion_limit = "256"]

use afterclick_aws::config::secrets_key_id;
use afterclick_aws::sealing::KmsSealer;
use afterclick_aws::{Config, DynamoStore, init_tracing, sdk_config};
use afterclick_dispatch::{Dispatch, HttpSender};
use aws_lambda_events::event::dynamodb::Event;
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    let handler = Dispatch::new(
        DynamoStore::from_conf(&sdk, config.table_name)
            .with_sealer(KmsSealer::from_conf(&sdk, secrets_key_id()?)),
        HttpSender::new()?,
    );
    let handler = &handler;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        handler
            .handle(event.payload)
            .await
            .map_err(lambda_runtime::Error::from)
    }))
    .await
}
