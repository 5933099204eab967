//! Lambda entry point: an EventBridge schedule invokes it every 15 minutes.

use afterclick_app::{Dispatch, Notify};
use afterclick_aws::config::secrets_key_id;
use afterclick_aws::sealing::KmsSealer;
use afterclick_aws::{Config, DynamoStore, SesMailer, SnsTexter, init_tracing, sdk_config};
use afterclick_dispatch::HttpSender;
use afterclick_sweeper::Sweeper;
use lambda_runtime::{LambdaEvent, service_fn};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    init_tracing();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    // It resumes outgoing webhooks, which are signed with the endpoints' sealed secrets.
    let store = DynamoStore::from_conf(&sdk, config.table_name)
        .with_sealer(KmsSealer::from_conf(&sdk, secrets_key_id()?));
    let mut notify = Notify::new(
        store.clone(),
        SesMailer::from_conf(&sdk),
        SnsTexter::from_conf(&sdk),
        config.public_base_url,
    );
    notify.count = afterclick_aws::metrics::count;
    let dispatch = Dispatch::new(store.clone(), HttpSender::new()?);
    let sweeper = Sweeper::new(store, Arc::new(notify), Arc::new(dispatch));
    let sweeper = &sweeper;
    lambda_runtime::run(service_fn(
        move |_: LambdaEvent<serde_json::Value>| async move {
            sweeper.run().await.map_err(lambda_runtime::Error::from)
        },
    ))
    .await
}
