//! Fetch a queued BigCommerce shipment: claim the job with a lease, read the shipment and
//! the order's products from the store's API with the merchant's token, take the order
//! update like any other platform's ([`crate::store_orders::ingest`]), and record how it
//! went: done, a retry on the outgoing webhooks' schedule, or failed for good (a 4xx, or
//! the last attempt). At least once, like a webhook delivery: a crash after the claim is
//! retried when the lease ends (the sweeper wakes the job).

use crate::store_orders::{self, IngestError, NewIds};
use afterclick_domain::outgoing::{LEASE, Step};
use afterclick_domain::platforms::Platform;
use afterclick_domain::platforms::bigcommerce::parse_shipment;
use afterclick_domain::platforms::fetch::{FetchFinish, FetchKey, FetchSeen, FetchState};
use afterclick_domain::ports::{
    ApiFailure, FetchStore, MerchantStore, OrderStore, SecretBox, ShipmentAdmin, ShipmentStore,
    StoreApi, StoreError,
};
use chrono::{DateTime, Utc};
use tracing::Instrument;

pub trait Store:
    FetchStore + MerchantStore + SecretBox + OrderStore + ShipmentStore + ShipmentAdmin
{
}
impl<T> Store for T where
    T: FetchStore + MerchantStore + SecretBox + OrderStore + ShipmentStore + ShipmentAdmin
{
}

pub struct StoreFetch<S, A, I> {
    pub store: S,
    pub api: A,
    /// BigCommerce's API base, `https://api.bigcommerce.com` (a local server in tests).
    pub base_url: String,
    pub ids: I,
    pub clock: fn() -> DateTime<Utc>,
}

impl<S: Store, A: StoreApi, I: NewIds> StoreFetch<S, A, I> {
    /// Takes the job one step; the state it ended in, or none when there was nothing to do.
    pub async fn run(&self, key: &FetchKey) -> Result<Option<FetchState>, StoreError> {
        let own = self.clock;
        self.run_at(key, &own).await
    }

    /// A job the sweeper woke at `woken_at`: [`Self::run`] as of then at the earliest.
    pub async fn resume(
        &self,
        key: &FetchKey,
        woken_at: DateTime<Utc>,
    ) -> Result<Option<FetchState>, StoreError> {
        let own = self.clock;
        self.run_at(key, &move || own().max(woken_at)).await
    }

    async fn run_at(
        &self,
        key: &FetchKey,
        clock: &(dyn Fn() -> DateTime<Utc> + Sync),
    ) -> Result<Option<FetchState>, StoreError> {
        let span = tracing::info_span!(
            "store_fetch",
            merchant_id = %key.merchant_id,
            order_id = %key.order_id,
            shipment_id = %key.shipment_id,
        );
        self.step(key, clock).instrument(span).await
    }

    async fn step(
        &self,
        key: &FetchKey,
        clock: &(dyn Fn() -> DateTime<Utc> + Sync),
    ) -> Result<Option<FetchState>, StoreError> {
        let Some(job) = self.store.fetch_job(key).await? else {
            return Ok(None);
        };
        let now = clock();
        match job.next_step(now) {
            Step::Done | Step::Wait => return Ok(None),
            Step::GiveUp => {
                let finish = FetchFinish::Failed {
                    error: "the last attempt never reported an answer".into(),
                };
                return self.finish(key, job.seen(), finish, clock()).await;
            }
            Step::Attempt => {}
        }
        let merchant = self.store.merchant(&key.merchant_id).await?;
        let integration = merchant.as_ref().and_then(|m| {
            m.integrations
                .get(Platform::BigCommerce.as_str())
                .filter(|i| i.shop == key.store_hash)
        });
        let Some(sealed) = integration.and_then(|i| i.api_token.clone()) else {
            let finish = FetchFinish::Failed {
                error: "the store is not connected (or not with this store hash)".into(),
            };
            return self.finish(key, job.seen(), finish, clock()).await;
        };
        // Before the claim: a token that cannot be opened now (KMS away) leaves the job as it
        // was, for the retry.
        let token = self.store.open(&key.merchant_id, &sealed).await?;
        if !self
            .store
            .claim_fetch(key, job.seen(), now + LEASE, now)
            .await?
        {
            tracing::info!("claimed by another worker");
            return Ok(None);
        }
        let claimed = FetchSeen {
            state: FetchState::Fetching,
            attempts: job.attempts + 1,
        };
        let finish = match self.fetch(key, &job.reference, &token, clock).await {
            Ok(()) => FetchFinish::Done,
            Err(Failure::Api(failure)) if !failure.transient() => FetchFinish::Failed {
                error: describe(&failure),
            },
            Err(Failure::Api(failure)) => {
                FetchFinish::failed(claimed.attempts, describe(&failure), clock())
            }
            Err(Failure::Body(error)) => FetchFinish::Failed { error },
            Err(Failure::Store(err)) => {
                FetchFinish::failed(claimed.attempts, err.to_string(), clock())
            }
        };
        self.finish(key, claimed, finish, clock()).await
    }

    async fn fetch(
        &self,
        key: &FetchKey,
        reference: &afterclick_domain::platforms::bigcommerce::ShipmentRef,
        token: &str,
        clock: &(dyn Fn() -> DateTime<Utc> + Sync),
    ) -> Result<(), Failure> {
        let base = self.base_url.trim_end_matches('/');
        let shipment = self
            .api
            .get(&format!("{base}{}", reference.shipment_path()), token)
            .await
            .map_err(Failure::Api)?;
        let products = self
            .api
            .get(&format!("{base}{}", reference.products_path()), token)
            .await
            .map_err(Failure::Api)?;
        let update = parse_shipment(reference, &shipment, &products)
            .map_err(|e| Failure::Body(e.to_string()))?;
        let as_of = update.as_of.unwrap_or_else(clock);
        let done = store_orders::ingest(
            &self.store,
            &self.ids,
            &key.merchant_id,
            &update,
            as_of,
            clock(),
        )
        .await
        .map_err(|e| match e {
            IngestError::Store(err) => Failure::Store(err),
            IngestError::Contended => Failure::Store(StoreError::Conflict),
        })?;
        tracing::info!(
            registered = done.registered,
            updated = done.updated,
            "bigcommerce shipment applied"
        );
        Ok(())
    }

    async fn finish(
        &self,
        key: &FetchKey,
        seen: FetchSeen,
        finish: FetchFinish,
        now: DateTime<Utc>,
    ) -> Result<Option<FetchState>, StoreError> {
        match &finish {
            FetchFinish::Done => {}
            FetchFinish::Retry { at, error } => {
                tracing::warn!(%at, error = %error, "store fetch failed; retry scheduled")
            }
            FetchFinish::Failed { error } => {
                tracing::warn!(error = %error, "store fetch failed for good")
            }
        }
        let recorded = self.store.finish_fetch(key, seen, &finish, now).await?;
        Ok(recorded.then(|| finish.state()))
    }
}

enum Failure {
    Api(ApiFailure),
    /// The store answered something that is not a shipment: the same next time.
    Body(String),
    Store(StoreError),
}

fn describe(failure: &ApiFailure) -> String {
    match failure.status {
        Some(status) => format!("HTTP {status}: {}", failure.error),
        None => failure.error.clone(),
    }
}

#[cfg(test)]
mod tests;
