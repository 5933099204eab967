//! Forward one queued page event to the merchant's GA4 property (`afterclick_domain::ga4`):
//! claim the hit, open the property's API secret, POST the Measurement Protocol body,
//! forget the hit. A transient failure releases the claim and fails the record, so the
//! stream's retry sends it again; a refusal (a 4xx: a wrong secret) or a property unlinked
//! in the meantime drops it. A hit is analytics, not a customer's message: if a worker dies
//! between its claim and its send, that one hit is lost rather than risk counting it twice.

use afterclick_domain::ga4::{self, Ga4Hit};
use afterclick_domain::ports::{Collector, Ga4Store, MerchantStore, SecretBox, StoreError};
use chrono::{DateTime, Utc};

pub trait Store: Ga4Store + MerchantStore + SecretBox {}
impl<T: Ga4Store + MerchantStore + SecretBox> Store for T {}

pub struct Ga4Forward<S, C> {
    pub store: S,
    pub collector: C,
    /// The Measurement Protocol endpoint (`afterclick_domain::ga4::GA4_ENDPOINT` on AWS).
    pub endpoint: String,
    pub clock: fn() -> DateTime<Utc>,
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
        let secret = self.store.open(&hit.merchant_id, &link.api_secret).await?;
        if !self.store.claim_ga4_hit(hit, (self.clock)()).await? {
            return Ok(Forwarded::Skipped);
        }
        let url = ga4::collect_url(&self.endpoint, &link.measurement_id, &secret);
        let body = ga4::body(hit).to_string();
        match self.collector.collect(&url, body.as_bytes()).await {
            Ok(()) => {
                self.store.forget_ga4_hit(hit).await?;
                Ok(Forwarded::Sent)
            }
            Err(failure) if failure.transient() => {
                self.store.release_ga4_hit(hit).await?;
                Err(StoreError::Unavailable(format!(
                    "GA4 did not take the hit: {}",
                    failure.error
                )))
            }
            Err(failure) => {
                self.store.forget_ga4_hit(hit).await?;
                Ok(Forwarded::Dropped(format!(
                    "GA4 refused the hit ({}): {}",
                    failure.status.unwrap_or_default(),
                    failure.error
                )))
            }
        }
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
    async fn a_transient_failure_is_retried_and_a_refusal_dropped() {
        let (store, forward, hit) = setup(true);
        store.queue_ga4_hit(&hit).await.unwrap();
        *forward.collector.failure.lock().unwrap() = Some(ApiFailure {
            status: Some(503),
            error: "unavailable".into(),
        });
        assert!(forward.forward(&hit).await.is_err());
        assert_eq!(store.queued_ga4_hits().len(), 1, "released for the retry");
        *forward.collector.failure.lock().unwrap() = None;
        assert_eq!(forward.forward(&hit).await.unwrap(), Forwarded::Sent);

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
