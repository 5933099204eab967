//! Lambda entry point: build clients once, hand them to the Router.

use afterclick_aws::{Config, DynamoStore, SesIdentities, init_tracing, sdk_config};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    init_tracing();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    let store = DynamoStore::from_conf(&sdk, config.table_name);
    let senders = SesIdentities::from_conf(&sdk);
    let app = afterclick_api::router(afterclick_api::App::new(
        store,
        senders,
        config.public_base_url,
    ));
    lambda_http::run(app).await
}
