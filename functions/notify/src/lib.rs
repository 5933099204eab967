//! DynamoDB stream consumer: decodes new notification intents and hands each shipment's to
//! the use case (`afterclick_app::notify`: claim, render, send, record).

use afterclick_app::notify::{Notify as UseCase, Store};
pub use afterclick_aws::stream::MissingSequenceNumber;
use afterclick_aws::stream::{Malformed, StreamConsumer, each_key, image_key, new_image};
use afterclick_domain::Notification;
use afterclick_domain::ports::{Mailer, StoreError, Texter};
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use std::ops::{Deref, DerefMut};

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Malformed(#[from] Malformed),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// The use case behind the stream's decoding; it derefs to it (clock, `resume`).
pub struct Notify<S, M, T>(pub UseCase<S, M, T>);

impl<S, M, T> Deref for Notify<S, M, T> {
    type Target = UseCase<S, M, T>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<S, M, T> DerefMut for Notify<S, M, T> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<S: Store, M: Mailer, T: Texter> Notify<S, M, T> {
    /// The use case, counting its metrics into CloudWatch (embedded metric format).
    pub fn new(store: S, mailer: M, texter: T, public_base_url: impl Into<String>) -> Self {
        let mut notify = UseCase::new(store, mailer, texter, public_base_url);
        notify.count = afterclick_aws::metrics::count;
        Self(notify)
    }

    /// A shipment's intents in a batch go to the use case together (one read of the
    /// shipment); different shipments at once. A failure fails the shipment's first record,
    /// so all of its intents are retried (the sent ones are claimed already).
    pub async fn handle(
        &self,
        event: Event,
    ) -> Result<DynamoDbEventResponse, MissingSequenceNumber> {
        let shipment = |r: &EventRecord| image_key(r, &["merchant_id", "tracking_number"]);
        each_key(&event, shipment, |records| self.process(records)).await
    }

    async fn process(&self, records: Vec<&EventRecord>) -> Result<(), RecordError> {
        let intents = records
            .into_iter()
            .map(|r| new_image::<Notification>(r, "a notification item"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.0.send_new(intents).await?)
    }
}

impl<S: Store, M: Mailer, T: Texter> StreamConsumer for Notify<S, M, T> {
    async fn handle(&self, event: Event) -> Result<DynamoDbEventResponse, MissingSequenceNumber> {
        Notify::handle(self, event).await
    }
}
