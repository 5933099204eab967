//! Webhook errors and their one mapping to HTTP.

use afterclick_domain::ports::StoreError;
use afterclick_domain::providers::{Provider, auth::AuthError};
use afterclick_domain::validate::FieldError;
use afterclick_web::Problem;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("unknown provider")]
    UnknownProvider,
    #[error("unknown merchant")]
    UnknownMerchant,
    #[error("authenticity: {0}")]
    Auth(#[from] AuthError),
    /// Signed by the platform, but for another shop than the one connected.
    #[error("the delivery is for another shop (`{0}`)")]
    WrongShop(&'static str),
    #[error("invalid body: {0}")]
    InvalidBody(FieldError),
    #[error(transparent)]
    Problem(#[from] Problem),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("order: {0}")]
    Ingest(#[from] afterclick_app::store_orders::IngestError),
}

impl IntoResponse for WebhookError {
    fn into_response(self) -> Response {
        let problem = match self {
            WebhookError::UnknownProvider => {
                let names: Vec<_> = Provider::ALL
                    .iter()
                    .map(|p| p.as_str())
                    .chain(afterclick_domain::platforms::Platform::ALL.map(|p| p.as_str()))
                    .collect();
                Problem::not_found(format!("unknown provider; supported: {}", names.join(", ")))
                    .with_field("provider")
            }
            WebhookError::UnknownMerchant => {
                Problem::not_found("no merchant with this id").with_field("merchant_id")
            }
            WebhookError::Auth(err) => {
                tracing::warn!(error = %err, "webhook rejected");
                Problem::unauthorized(err.header(), err.to_string())
            }
            WebhookError::WrongShop(header) => {
                tracing::warn!(header, "platform delivery for another shop rejected");
                Problem::unauthorized(
                    header,
                    format!("`{header}` names another shop than the one connected"),
                )
            }
            WebhookError::InvalidBody(err) => Problem::invalid_body(&err),
            WebhookError::Problem(problem) => problem,
            WebhookError::Store(err) => {
                tracing::error!(error = %err, "store failure");
                Problem::unavailable()
            }
            WebhookError::Ingest(err) => {
                // The platform retries: every step is idempotent.
                tracing::error!(error = %err, "order not applied");
                Problem::unavailable()
            }
        };
        problem.into_response()
    }
}
