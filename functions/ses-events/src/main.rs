//! Lambda entry point: the configuration set's SNS topic invokes it with SES's events.
// The SDK futures nest deeply; clippy's layout computation needs the headroom.
#![recursion_limit = "256"]

use afterclick_aws::{Config, DynamoStore, init_tracing, sdk_config};
use afterclick_ses_events::SesEvents;
use aws_lambda_events::event::sns::SnsEvent;
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    let events = SesEvents::new(DynamoStore::from_conf(&sdk, config.table_name));
    let events = &events;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SnsEvent>| async move {
        events
            .handle(event.payload)
            .await
            .map(|handled| handled.len())
            .map_err(lambda_runtime::Error::from)
    }))
    .await
}
