//! Adapters behind the domain ports: DynamoDB, SES v2, SNS, and process configuration.

pub mod config;
pub mod dynamo;
pub mod keys;
pub mod metrics;
pub mod sealing;
pub mod secrets;
pub mod ses;
pub mod sns;
#[cfg(feature = "webhook-sender")]
pub mod store_api;
pub mod stream;
#[cfg(feature = "webhook-sender")]
pub mod webhook_sender;

pub use config::{Config, https_client, init_tracing, sdk_config};
pub use dynamo::DynamoStore;
pub use ses::{SesIdentities, SesMailer};
pub use sns::SnsTexter;
