//! DynamoDB stream consumer for afterclick's outgoing HTTP calls: new webhook deliveries and
//! BigCommerce shipments queued for fetching, and the sweeper's wake-ups of due ones (a
//! MODIFY whose new image carries `woken_at`: a retry, an expired lease, one the stream
//! never delivered). Each is taken one step with its use case: `afterclick_app::dispatch`
//! (claim with a lease, sign, POST, record) through `afterclick_aws::webhook_sender` (only
//! public addresses), or `afterclick_app::store_fetch` (claim, GET with the store's token,
//! take the order update, record) through `afterclick_aws::store_api`; and page events
//! queued for a merchant's GA4 property (`afterclick_app::ga4`: claim, POST, forget).

pub use afterclick_aws::store_api::HttpStoreApi;
pub use afterclick_aws::stream::MissingSequenceNumber;
pub use afterclick_aws::webhook_sender::HttpSender;

use afterclick_app::dispatch::Dispatch as UseCase;
use afterclick_app::ga4::{Forwarded, Ga4Forward};
use afterclick_app::store_fetch::StoreFetch;
use afterclick_aws::keys::types::GA4_HIT;
use afterclick_aws::keys::types::PLATFORM_FETCH;
pub use afterclick_aws::secrets::Entropy;
use afterclick_aws::stream::{Malformed, StreamConsumer, each_record, image_key, new_image};
use afterclick_domain::ga4::Ga4Hit;
use afterclick_domain::outgoing::{DeliveryKey, DeliveryState};
use afterclick_domain::platforms::bigcommerce::ShipmentRef;
use afterclick_domain::platforms::fetch::{FetchKey, FetchState};
use afterclick_domain::ports::{Collector, StoreApi, StoreError, WebhookSender};
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::ops::{Deref, DerefMut};

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Malformed(#[from] Malformed),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// Every port the use cases need.
pub trait Store:
    afterclick_app::dispatch::Store + afterclick_app::store_fetch::Store + afterclick_app::ga4::Store
{
}
impl<
    T: afterclick_app::dispatch::Store
        + afterclick_app::store_fetch::Store
        + afterclick_app::ga4::Store,
> Store for T
{
}

/// The use cases behind the stream's decoding; it derefs to the deliveries' (clock, `run`).
pub struct Dispatch<S, W, A = HttpStoreApi> {
    pub deliveries: UseCase<S, W>,
    pub fetches: StoreFetch<S, A, Entropy>,
    pub ga4: Ga4Forward<S, A>,
}

impl<S, W, A> Deref for Dispatch<S, W, A> {
    type Target = UseCase<S, W>;
    fn deref(&self) -> &Self::Target {
        &self.deliveries
    }
}

impl<S, W, A> DerefMut for Dispatch<S, W, A> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.deliveries
    }
}

/// BigCommerce's API, unless configured otherwise (`BIGCOMMERCE_API_URL`).
pub const BIGCOMMERCE_API_URL: &str = "https://api.bigcommerce.com";

/// The key attributes of a delivery item's stream image.
#[derive(Debug, Deserialize)]
struct Trigger {
    merchant_id: String,
    tracking_number: String,
    endpoint_id: String,
    moment: String,
    state: DeliveryState,
    /// Set by the sweeper: the delivery is due, act as of this time at the earliest.
    woken_at: Option<DateTime<Utc>>,
}

/// What every item this function is subscribed to carries: its kind.
#[derive(Debug, Deserialize)]
struct Kind {
    #[serde(rename = "type")]
    kind: String,
}

/// A fetch job's stream image.
#[derive(Debug, Deserialize)]
struct FetchTrigger {
    merchant_id: String,
    reference: ShipmentRef,
    state: FetchState,
    woken_at: Option<DateTime<Utc>>,
}

impl<S: Store + Clone, W: WebhookSender, A: StoreApi + Collector + Clone> Dispatch<S, W, A> {
    pub fn new(store: S, sender: W, api: A, bigcommerce_api_url: impl Into<String>) -> Self {
        Self {
            deliveries: UseCase::new(store.clone(), sender),
            ga4: Ga4Forward {
                store: store.clone(),
                collector: api.clone(),
                endpoint: afterclick_domain::ga4::GA4_ENDPOINT.to_owned(),
                clock: Utc::now,
                secrets: Default::default(),
            },
            fetches: StoreFetch {
                store,
                api,
                base_url: bigcommerce_api_url.into(),
                ids: Entropy,
                clock: Utc::now,
            },
        }
    }

    /// Where GA4 hits go (`GA4_ENDPOINT`; tests: a local server playing Google's).
    pub fn with_ga4_endpoint(mut self, endpoint: Option<String>) -> Self {
        if let Some(endpoint) = endpoint.filter(|e| !e.trim().is_empty()) {
            self.ga4.endpoint = endpoint;
        }
        self
    }

    /// Every use case on one clock (tests move it).
    pub fn set_clock(&mut self, clock: fn() -> DateTime<Utc>) {
        self.deliveries.clock = clock;
        self.fetches.clock = clock;
        self.ga4.clock = clock;
    }

    pub async fn handle(
        &self,
        event: Event,
    ) -> Result<DynamoDbEventResponse, MissingSequenceNumber> {
        // One endpoint's deliveries for one shipment in order; everything else at once, so a
        // slow endpoint holds up only its own. A fetch job is its own key (PK and SK).
        let key = |r: &EventRecord| {
            image_key(r, &["merchant_id", "tracking_number", "endpoint_id"])
                .or_else(|| image_key(r, &["PK", "SK"]))
        };
        each_record(&event, key, |record| self.process(record)).await
    }

    async fn process(&self, record: &EventRecord) -> Result<(), RecordError> {
        let kind: Kind = new_image(record, "a webhook delivery or store fetch item")?;
        if kind.kind == PLATFORM_FETCH {
            return self.fetch(record).await;
        }
        if kind.kind == GA4_HIT {
            let hit: Ga4Hit = new_image(record, "a GA4 hit item")?;
            match self.ga4.forward(&hit).await? {
                Forwarded::Dropped(why) => {
                    tracing::warn!(merchant_id = %hit.merchant_id, %why, "GA4 hit dropped")
                }
                Forwarded::Sent | Forwarded::Skipped => {}
            }
            return Ok(());
        }
        let trigger: Trigger = new_image(record, "a webhook delivery item")?;
        if trigger.woken_at.is_none() && trigger.state != DeliveryState::Pending {
            return Ok(());
        }
        let key = DeliveryKey {
            merchant_id: trigger.merchant_id,
            tracking_number: trigger.tracking_number,
            endpoint_id: trigger.endpoint_id,
            moment: trigger.moment,
        };
        // Repeats (a record delivered twice, a wake-up after the delivery moved on) do
        // nothing: the use case claims compare-and-set on the state it reads.
        match trigger.woken_at {
            Some(at) => self.deliveries.resume(&key, at).await?,
            None => self.deliveries.run(&key).await?,
        };
        Ok(())
    }

    async fn fetch(&self, record: &EventRecord) -> Result<(), RecordError> {
        let trigger: FetchTrigger = new_image(record, "a store fetch item")?;
        if trigger.woken_at.is_none() && trigger.state != FetchState::Pending {
            return Ok(());
        }
        let key = FetchKey {
            merchant_id: trigger.merchant_id,
            store_hash: trigger.reference.store_hash,
            order_id: trigger.reference.order_id,
            shipment_id: trigger.reference.shipment_id,
        };
        match trigger.woken_at {
            Some(at) => self.fetches.resume(&key, at).await?,
            None => self.fetches.run(&key).await?,
        };
        Ok(())
    }
}

impl<S: Store + Clone, W: WebhookSender, A: StoreApi + Collector + Clone> StreamConsumer
    for Dispatch<S, W, A>
{
    async fn handle(&self, event: Event) -> Result<DynamoDbEventResponse, MissingSequenceNumber> {
        Dispatch::handle(self, event).await
    }
}
