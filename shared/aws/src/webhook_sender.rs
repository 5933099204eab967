//! The [`WebhookSender`] on the wire: reqwest over rustls, short timeouts, no redirects (a
//! webhook is answered by the URL the merchant registered, not wherever it points to), and
//! only to public addresses ([`PublicResolver`] for names, a check here for IP literals).

mod resolve;

use afterclick_domain::outgoing::{Response, may_send_to};
use afterclick_domain::ports::{OutgoingWebhook, WebhookSender};
use reqwest::Url;
use reqwest::redirect::Policy;
use resolve::{PublicResolver, Refused};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// The whole request, connect to last byte of the status line: receivers should answer
/// fast and do their work afterwards.
pub const TIMEOUT: Duration = Duration::from_secs(10);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Debug)]
pub struct HttpSender {
    client: reqwest::Client,
    allow_loopback: bool,
}

impl HttpSender {
    /// Production: public addresses only.
    pub fn new() -> Result<Self, reqwest::Error> {
        Self::build(false)
    }

    /// The devstack, whose API accepts `http://127.0.0.1`/`localhost` endpoints
    /// (`allow_local_webhook_urls`): loopback addresses are allowed too.
    pub fn allowing_loopback() -> Result<Self, reqwest::Error> {
        Self::build(true)
    }

    fn build(allow_loopback: bool) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(Policy::none())
            // A proxy (HTTPS_PROXY from the environment) would resolve the host itself,
            // around the resolver's check.
            .no_proxy()
            .dns_resolver(Arc::new(PublicResolver { allow_loopback }))
            .user_agent(concat!("afterclick-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            allow_loopback,
        })
    }

    /// reqwest connects to an IP-literal host without asking the resolver, so literals
    /// are checked here. The URL parser also turns `0x7f.1` or `2130706433` into
    /// `127.0.0.1`, so this looks at the parsed host, not the text.
    fn check_literal(&self, url: &Url) -> Result<(), Refused> {
        let host = url.host_str().unwrap_or_default();
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        match bare.parse::<IpAddr>() {
            Ok(ip) if !may_send_to(ip, self.allow_loopback) => Err(Refused::NonPublicLiteral),
            _ => Ok(()),
        }
    }
}

/// Why there was no status code, in words that hold neither the URL (it may carry a
/// merchant's token) nor the body.
fn describe(err: &reqwest::Error) -> String {
    if let Some(refused) = refusal(err) {
        refused.to_string()
    } else if err.is_timeout() {
        format!("no answer within {} seconds", TIMEOUT.as_secs())
    } else if err.is_connect() {
        "could not connect to the endpoint".to_owned()
    } else {
        "the request failed before an answer arrived".to_owned()
    }
}

/// The resolver's refusal, wherever the connector wrapped it.
fn refusal(err: &reqwest::Error) -> Option<Refused> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cause {
        if let Some(refused) = e.downcast_ref::<Refused>() {
            return Some(*refused);
        }
        cause = e.source();
    }
    None
}

impl WebhookSender for HttpSender {
    async fn post(&self, webhook: &OutgoingWebhook) -> Response {
        let url = Url::parse(&webhook.url).map_err(|_| "the endpoint URL is not valid")?;
        self.check_literal(&url).map_err(|r| r.to_string())?;
        let sent = self
            .client
            .post(url)
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

#[cfg(test)]
mod tests;
