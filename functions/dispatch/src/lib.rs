//! DynamoDB stream consumer: decodes new webhook deliveries, and the sweeper's wake-ups of
//! due ones (a MODIFY whose new image carries `woken_at`: a retry, an expired lease, one the
//! stream never delivered), and takes each one step with the use case
//! (`afterclick_app::dispatch`: claim with a lease, sign, POST, record) through the HTTP
//! adapter (`afterclick_aws::webhook_sender`: only public addresses).

pub use afterclick_aws::stream::MissingSequenceNumber;
pub use afterclick_aws::webhook_sender::HttpSender;

use afterclick_app::dispatch::{Dispatch as UseCase, Store};
use afterclick_aws::stream::{Malformed, StreamConsumer, each_record, image_key, new_image};
use afterclick_domain::outgoing::{DeliveryKey, DeliveryState};
use afterclick_domain::ports::{StoreError, WebhookSender};
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

/// The use case behind the stream's decoding; it derefs to it (clock, `run`).
pub struct Dispatch<S, W>(pub UseCase<S, W>);

impl<S, W> Deref for Dispatch<S, W> {
    type Target = UseCase<S, W>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<S, W> DerefMut for Dispatch<S, W> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

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

impl<S: Store, W: WebhookSender> Dispatch<S, W> {
    pub fn new(store: S, sender: W) -> Self {
        Self(UseCase::new(store, sender))
    }

    pub async fn handle(
        &self,
        event: Event,
    ) -> Result<DynamoDbEventResponse, MissingSequenceNumber> {
        // One endpoint's deliveries for one shipment in order; everything else at once, so a
        // slow endpoint holds up only its own.
        let key =
            |r: &EventRecord| image_key(r, &["merchant_id", "tracking_number", "endpoint_id"]);
        each_record(&event, key, |record| self.process(record)).await
    }

    async fn process(&self, record: &EventRecord) -> Result<(), RecordError> {
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
            Some(at) => self.0.resume(&key, at).await?,
            None => self.0.run(&key).await?,
        };
        Ok(())
    }
}

impl<S: Store, W: WebhookSender> StreamConsumer for Dispatch<S, W> {
    async fn handle(&self, event: Event) -> Result<DynamoDbEventResponse, MissingSequenceNumber> {
        Dispatch::handle(self, event).await
    }
}
