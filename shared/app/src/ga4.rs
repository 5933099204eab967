//! Forward one queued page event to the merchant's GA4 property (`afterclick_domain::ga4`):
//! claim the hit, open the property's API secret (kept opened per merchant while it does
//! not change), POST the Measurement Protocol body, forget the hit. Best effort: a
//! transient failure is tried again a few times at once, then the hit is dropped and
//! logged, so a Google outage never fails dispatch's records (webhook deliveries and store
//! fetches share its lanes); a refusal (a 4xx: a wrong secret) or a property unlinked in
//! the meantime drops it too. A hit is analytics, not a customer's message: if a worker
//! dies between its claim and its send, that one hit is lost rather than counted twice.

use afterclick_domain::ga4::{self, Ga4Hit};
use afterclick_domain::ports::{Collector, Ga4Store, MerchantStore, SecretBox, StoreError};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Attempts at a hit when Google does not answer or answers 5xx/429.
const ATTEMPTS: u32 = 3;
const BACKOFF: Duration = Duration::from_millis(200);
/// Merchants whose opened secret is kept (a KMS call per hit otherwise).
const SECRETS_KEPT: usize = 1_000;

pub trait Store: Ga4Store + MerchantStore + SecretBox {}
impl<T: Ga4Store + MerchantStore + SecretBox> Store for T {}

pub struct Ga4Forward<S, C> {
    pub store: S,
    pub collector: C,
    /// The Measurement Protocol endpoint (`afterclick_domain::ga4::GA4_ENDPOINT` on AWS).
    pub endpoint: String,
    pub clock: fn() -> DateTime<Utc>,
    /// Opened API secrets by merchant, with the sealed form they were opened from.
    pub secrets: Mutex<HashMap<String, (String, String)>>,
}

/// What became of a hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forwarded {
    Sent,
    /// Sent by another worker, or being sent.
    Skipped,
    /// Never to be sent: why.
    Dropped(String),
}

impl<S: Store, C: Collector> Ga4Forward<S, C> {
    pub async fn forward(&self, hit: &Ga4Hit) -> Result<Forwarded, StoreError> {
        let Some(link) = self
            .store
            .merchant(&hit.merchant_id)
            .await?
            .and_then(|m| m.ga4)
        else {
            self.store.forget_ga4_hit(hit).await?;
            return Ok(Forwarded::Dropped("the property was unlinked".into()));
        };
        // Before the claim: a secret that cannot be opened now (KMS away) is retried.
        let secret = self.secret(&hit.merchant_id, &link.api_secret).await?;
        if !self.store.claim_ga4_hit(hit, (self.clock)()).await? {
            return Ok(Forwarded::Skipped);
        }
        let url = ga4::collect_url(&self.endpoint, &link.measurement_id, &secret);
        let body = ga4::body(hit).to_string();
        let mut attempt = 0;
        let outcome = loop {
            attempt += 1;
            match self.collector.collect(&url, body.as_bytes()).await {
                Ok(()) => break Forwarded::Sent,
                Err(failure) if failure.transient() && attempt < ATTEMPTS => {
                    tokio::time::sleep(BACKOFF * 2u32.pow(attempt - 1)).await;
                }
                Err(failure) => {
                    break Forwarded::Dropped(format!(
                        "GA4 did not take the hit ({}): {}",
                        failure
                            .status
                            .map_or_else(|| "no answer".to_owned(), |s| s.to_string()),
                        failure.error
                    ));
                }
            }
        };
        self.store.forget_ga4_hit(hit).await?;
        Ok(outcome)
    }

    /// The merchant's opened API secret, opened once per sealed value.
    async fn secret(&self, merchant_id: &str, sealed: &str) -> Result<String, StoreError> {
        let kept = self
            .secrets
            .lock()
            .ok()
            .and_then(|m| m.get(merchant_id).cloned());
        if let Some((kept_sealed, opened)) = kept
            && kept_sealed == sealed
        {
            return Ok(opened);
        }
        let opened = self.store.open(merchant_id, sealed).await?;
        if let Ok(mut kept) = self.secrets.lock() {
            if kept.len() >= SECRETS_KEPT {
                kept.clear();
            }
            kept.insert(merchant_id.to_owned(), (sealed.to_owned(), opened.clone()));
        }
        Ok(opened)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use afterclick_domain::fakes::{MemoryStore, RecordingCollector, merchant};
    use afterclick_domain::ga4::Ga4Link;
    use afterclick_domain::page_stats::PageEvent;
    use afterclick_domain::ports::ApiFailure;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 4, 10, 0, 0).unwrap()
    }

    fn setup(
        linked: bool,
    ) -> (
        MemoryStore,
        Ga4Forward<MemoryStore, RecordingCollector>,
        Ga4Hit,
    ) {
        let store = MemoryStore::default();
        let mut m = merchant("m1");
        if linked {
            m.ga4 = Some(Ga4Link {
                measurement_id: "G-TEST1234".into(),
                // The fake's seal is the identity.
                api_secret: "sec_ret-1".into(),
                linked_at: at(),
            });
        }
        store.put_merchant(m);
        let hit = Ga4Hit {
            merchant_id: "m1".into(),
            hit_id: "h1".into(),
            client_id: "1.2".into(),
            event: PageEvent::View,
            at: at(),
        };
        let forward = Ga4Forward {
            store: store.clone(),
            collector: RecordingCollector::default(),
            endpoint: "https://ga.example/mp/collect".into(),
            clock: at,
            secrets: Default::default(),
        };
        (store, forward, hit)
    }

    #[tokio::test]
    async fn a_hit_is_sent_once_and_forgotten() {
        let (store, forward, hit) = setup(true);
        store.queue_ga4_hit(&hit).await.unwrap();
        assert_eq!(forward.forward(&hit).await.unwrap(), Forwarded::Sent);
        // The stream delivers the record again: nothing left to send.
        assert_eq!(forward.forward(&hit).await.unwrap(), Forwarded::Skipped);
        let sent = forward.collector.sent.lock().unwrap().clone();
        assert_eq!(sent.len(), 1);
        assert!(
            sent[0]
                .0
                .starts_with("https://ga.example/mp/collect?measurement_id=G-TEST1234&api_secret=")
        );
        assert_eq!(sent[0].1["events"][0]["name"], "page_view");
        assert!(store.queued_ga4_hits().is_empty());
    }

    #[tokio::test]
    async fn an_outage_or_a_refusal_drops_the_hit_without_failing_the_record() {
        let (store, forward, hit) = setup(true);
        store.queue_ga4_hit(&hit).await.unwrap();
        *forward.collector.failure.lock().unwrap() = Some(ApiFailure {
            status: Some(503),
            error: "unavailable".into(),
        });
        assert!(matches!(
            forward.forward(&hit).await.unwrap(),
            Forwarded::Dropped(_)
        ));
        assert!(store.queued_ga4_hits().is_empty());
        *forward.collector.failure.lock().unwrap() = None;

        store.queue_ga4_hit(&hit).await.unwrap();
        *forward.collector.failure.lock().unwrap() = Some(ApiFailure {
            status: Some(400),
            error: "bad secret".into(),
        });
        assert!(matches!(
            forward.forward(&hit).await.unwrap(),
            Forwarded::Dropped(_)
        ));
        assert!(store.queued_ga4_hits().is_empty());
    }

    #[tokio::test]
    async fn an_unlinked_property_gets_nothing() {
        let (store, forward, hit) = setup(false);
        store.queue_ga4_hit(&hit).await.unwrap();
        assert!(matches!(
            forward.forward(&hit).await.unwrap(),
            Forwarded::Dropped(_)
        ));
        assert!(forward.collector.sent.lock().unwrap().is_empty());
    }
}
