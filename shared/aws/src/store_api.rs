//! The [`StoreApi`] on the wire: a store platform's REST API (BigCommerce's), read with the
//! merchant's token. Its base URL is the operator's configuration, not merchant input, so
//! unlike outgoing webhooks it is not limited to public addresses; redirects are not
//! followed all the same (the token goes to the configured host only).

use afterclick_domain::ports::{ApiFailure, Collector, StoreApi};
use reqwest::redirect::Policy;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A shipment and an order's products are a few KB; anything far bigger is not them.
const MAX_BODY: usize = 1024 * 1024;

#[derive(Clone, Debug)]
pub struct HttpStoreApi {
    client: reqwest::Client,
}

impl HttpStoreApi {
    pub fn new() -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(Policy::none())
            .user_agent(concat!("afterclick/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client })
    }
}

impl StoreApi for HttpStoreApi {
    async fn get(&self, url: &str, token: &str) -> Result<Vec<u8>, ApiFailure> {
        let failure = |status: Option<u16>, error: String| ApiFailure { status, error };
        let response = self
            .client
            .get(url)
            .header("x-auth-token", token)
            .header("accept", "application/json")
            .send()
            .await
            // Without the URL: it carries ids, and errors end up in the job's record.
            .map_err(|e| failure(None, e.without_url().to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(failure(
                Some(status.as_u16()),
                status.canonical_reason().unwrap_or("error").to_owned(),
            ));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| failure(None, e.without_url().to_string()))?;
        if body.len() > MAX_BODY {
            return Err(failure(
                Some(status.as_u16()),
                "the answer is too large".into(),
            ));
        }
        Ok(body.to_vec())
    }
}

/// The Measurement Protocol's endpoint is the operator's configuration too (GA4's own, or a
/// test server): the same client, the same rules.
impl Collector for HttpStoreApi {
    async fn collect(&self, url: &str, body: &[u8]) -> Result<(), ApiFailure> {
        let failure = |status: Option<u16>, error: String| ApiFailure { status, error };
        let response = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            // Without the URL: it carries the property's API secret.
            .map_err(|e| failure(None, e.without_url().to_string()))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(failure(
                Some(status.as_u16()),
                status.canonical_reason().unwrap_or("error").to_owned(),
            ))
        }
    }
}
