//! Dispatch an outgoing webhook: a delivery -> claim it with a lease -> sign -> POST to the
//! merchant's endpoint -> delivered, or retried on the backoff schedule, or failed after the
//! last attempt.
//!
//! At least once: the claim puts the delivery in the sweeper's due index at its lease
//! expiry, so a crash between claim and finish is retried (the sweeper wakes it, dispatch
//! resumes it: [`Dispatch::resume`]); the `webhook-id` is the same on every attempt so the
//! merchant can drop repeats. Claims and finishes are compare-and-set on the state and
//! attempt count as read, so racing workers (a stream retry, a repeated wake-up) cannot both
//! send one attempt.

use afterclick_domain::outgoing::{
    DeliveryKey, DeliveryState, Finish, LEASE, Seen, Step, WebhookEndpoint, next_step,
};
use afterclick_domain::ports::{
    DeliveryStore, EndpointStore, OutgoingWebhook, SecretBox, StoreError, WebhookSender,
};
use chrono::{DateTime, Utc};
use tracing::Instrument;

pub trait Store: EndpointStore + DeliveryStore + SecretBox {}
impl<T: EndpointStore + DeliveryStore + SecretBox> Store for T {}

pub struct Dispatch<S, W> {
    pub store: S,
    pub sender: W,
    pub clock: fn() -> DateTime<Utc>,
}

impl<S: Store, W: WebhookSender> Dispatch<S, W> {
    pub fn new(store: S, sender: W) -> Self {
        Self {
            store,
            sender,
            clock: Utc::now,
        }
    }

    /// Takes the delivery one step: attempts it if it is due, gives it up if its last
    /// attempt never finished, and otherwise leaves it. Returns the state it ended in, or
    /// none when there was nothing to do (already over, not due, or taken by another worker).
    pub async fn run(&self, key: &DeliveryKey) -> Result<Option<DeliveryState>, StoreError> {
        self.run_at(key, &self.clock).await
    }

    /// A delivery the sweeper woke at `woken_at` (a retry, an expired lease, one the stream
    /// never delivered): [`Self::run`] as of the wake-up at the earliest, so a sweep pinned
    /// to a later time finds the retries it selected due.
    pub async fn resume(
        &self,
        key: &DeliveryKey,
        woken_at: DateTime<Utc>,
    ) -> Result<Option<DeliveryState>, StoreError> {
        let own = self.clock;
        self.run_at(key, &move || own().max(woken_at)).await
    }

    /// [`Self::run`] on another clock.
    pub async fn run_at(
        &self,
        key: &DeliveryKey,
        clock: &(dyn Fn() -> DateTime<Utc> + Sync),
    ) -> Result<Option<DeliveryState>, StoreError> {
        let span = tracing::info_span!(
            "delivery",
            merchant_id = %key.merchant_id,
            tracking_number = %key.tracking_number,
            endpoint_id = %key.endpoint_id,
            moment = %key.moment,
        );
        self.step(key, clock).instrument(span).await
    }

    async fn step(
        &self,
        key: &DeliveryKey,
        clock: &(dyn Fn() -> DateTime<Utc> + Sync),
    ) -> Result<Option<DeliveryState>, StoreError> {
        let Some(delivery) = self.store.delivery(key).await? else {
            return Ok(None);
        };
        let now = clock();
        match next_step(&delivery, now) {
            Step::Done | Step::Wait => return Ok(None),
            Step::GiveUp => {
                let finish = Finish::Failed {
                    status: delivery.last_status,
                    error: "the last attempt never reported an answer".into(),
                };
                return self.finish(key, delivery.seen(), finish, clock()).await;
            }
            Step::Attempt => {}
        }
        let endpoint = self
            .store
            .endpoint(&key.merchant_id, &key.endpoint_id)
            .await?;
        let Some(endpoint) = endpoint else {
            let finish = Finish::Cancelled {
                reason: "the endpoint was deleted".into(),
            };
            return self.finish(key, delivery.seen(), finish, clock()).await;
        };
        // Before the claim: a secret that cannot be opened now (KMS away) leaves the delivery
        // as it was, for the retry.
        let endpoint = self.opened(endpoint).await?;
        if !self
            .store
            .claim_delivery(key, delivery.seen(), now + LEASE, now)
            .await?
        {
            tracing::info!("claimed by another worker; not sending again");
            return Ok(None);
        }
        let claimed = Seen {
            state: DeliveryState::Sending,
            attempts: delivery.attempts + 1,
        };
        let sent_at = clock();
        let body = delivery.payload;
        // Two signatures during a rotation's grace period: either secret verifies.
        let signature = endpoint.signature_header(&delivery.webhook_id, sent_at, body.as_bytes());
        let finish = match signature {
            Ok(signature) => {
                let response = self
                    .sender
                    .post(&OutgoingWebhook {
                        url: endpoint.url,
                        webhook_id: delivery.webhook_id.clone(),
                        timestamp: sent_at.timestamp(),
                        signature,
                        body,
                    })
                    .await;
                Finish::after(claimed.attempts, response, clock())
            }
            Err(err) => Finish::Failed {
                status: None,
                error: err.to_string(),
            },
        };
        self.finish(key, claimed, finish, clock()).await
    }

    /// The endpoint with its secrets opened (they are stored sealed).
    async fn opened(&self, mut endpoint: WebhookEndpoint) -> Result<WebhookEndpoint, StoreError> {
        endpoint.secret = self
            .store
            .open(&endpoint.merchant_id, &endpoint.secret)
            .await?;
        if let Some(previous) = endpoint.previous_secret.as_mut() {
            previous.secret = self
                .store
                .open(&endpoint.merchant_id, &previous.secret)
                .await?;
        }
        Ok(endpoint)
    }

    async fn finish(
        &self,
        key: &DeliveryKey,
        seen: Seen,
        finish: Finish,
        now: DateTime<Utc>,
    ) -> Result<Option<DeliveryState>, StoreError> {
        match &finish {
            Finish::Delivered { status } => tracing::info!(status, "webhook delivered"),
            Finish::Retry { status, at, .. } => {
                tracing::warn!(?status, attempts = seen.attempts, %at, "webhook failed; retry scheduled")
            }
            Finish::Failed { status, .. } => {
                tracing::warn!(?status, attempts = seen.attempts, "webhook failed for good")
            }
            Finish::Cancelled { .. } => tracing::info!("webhook cancelled: endpoint deleted"),
        }
        let recorded = self.store.finish_delivery(key, seen, &finish, now).await?;
        Ok(recorded.then(|| finish.state()))
    }
}

#[cfg(test)]
mod tests;
