//! Lambda entry point: build clients once, hand them to the Router.

use afterclick_aws::config::secrets_key_id;
use afterclick_aws::sealing::KmsSealer;
use afterclick_aws::{Config, DynamoStore, SesIdentities, init_tracing, sdk_config};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    init_tracing();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    // Shared by every instance (a per-instance one would split each rate limit).
    let pepper = std::env::var("RATE_LIMIT_PEPPER")
        .ok()
        .filter(|p| p.len() >= 16)
        .ok_or("RATE_LIMIT_PEPPER must be set (16+ characters; the template generates it)")?;
    let store = DynamoStore::from_conf(&sdk, config.table_name)
        .with_sealer(KmsSealer::from_conf(&sdk, secrets_key_id()?));
    let senders = SesIdentities::from_conf(&sdk);
    let app = afterclick_api::router(
        afterclick_api::App::new(store, senders, config.public_base_url)
            .with_rate_limit_pepper(pepper),
    );
    lambda_http::run(app).await
}
