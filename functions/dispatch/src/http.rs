//! The [`WebhookSender`] on the wire: reqwest over rustls, short timeouts, no redirects (a
//! webhook is answered by the URL the merchant registered, not wherever it points to).

use afterclick_domain::ports::{OutgoingWebhook, WebhookSender};
use afterclick_domain::webhooks::Response;
use reqwest::redirect::Policy;
use std::time::Duration;

/// The whole request, connect to last byte of the status line: receivers should answer
/// fast and do their work afterwards.
pub const TIMEOUT: Duration = Duration::from_secs(10);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Debug)]
pub struct HttpSender {
    client: reqwest::Client,
}

impl HttpSender {
    pub fn new() -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(Policy::none())
            .user_agent(concat!("afterclick-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client })
    }
}

/// Why there was no status code, in words that hold neither the URL (it may carry a
/// merchant's token) nor the body.
fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        format!("no answer within {} seconds", TIMEOUT.as_secs())
    } else if err.is_connect() {
        "could not connect to the endpoint".to_owned()
    } else {
        "the request failed before an answer arrived".to_owned()
    }
}

impl WebhookSender for HttpSender {
    async fn post(&self, webhook: &OutgoingWebhook) -> Response {
        let sent = self
            .client
            .post(&webhook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", &webhook.webhook_id)
            .header("webhook-timestamp", webhook.timestamp.to_string())
            .header("webhook-signature", &webhook.signature)
            .body(webhook.body.clone())
            .send()
            .await;
        // The body is not read: only the status counts, and a large one must not cost us.
        sent.map(|r| r.status().as_u16()).map_err(|e| describe(&e))
    }
}
