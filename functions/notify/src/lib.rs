//! DynamoDB stream consumer: decodes new notification intents and hands each shipment's to
//! the use case (`afterclick_app::notify`: claim, render, send, record); and the sweeper's
//! wake-ups (a MODIFY whose new image carries `woken_at`: a deferred SMS whose quiet hours
//! ended, a claim whose sender died, a notification the merchant sends again), which the
//! use case resumes as of the wake-up.

use afterclick_app::notify::{Notify as UseCase, Store};
pub use afterclick_aws::stream::MissingSequenceNumber;
use afterclick_aws::stream::{Malformed, StreamConsumer, each_key, image_key, new_image};
use afterclick_domain::Notification;
use afterclick_domain::ports::{Mailer, NotificationKey, StoreError, Texter};
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
        let mut intents = Vec::with_capacity(records.len());
        let mut woken = Vec::new();
        for record in records {
            let notification = new_image::<Notification>(record, "a notification item")?;
            match new_image::<Wake>(record, "a notification item")?.woken_at {
                Some(at) => woken.push((NotificationKey::from(&notification), at)),
                None => intents.push(notification),
            }
        }
        self.0.send_new(intents).await?;
        // A wake-up delivered twice (or after the item moved on) finds nothing to do: the
        // use case acts only on the state it reads, through conditional claims.
        for (key, at) in woken {
            self.0.resume(&key, at).await?;
        }
        Ok(())
    }
}

/// The sweeper's mark on a due notification's stream image.
#[derive(Deserialize)]
struct Wake {
    woken_at: Option<DateTime<Utc>>,
}

impl<S: Store, M: Mailer, T: Texter> StreamConsumer for Notify<S, M, T> {
    async fn handle(&self, event: Event) -> Result<DynamoDbEventResponse, MissingSequenceNumber> {
        Notify::handle(self, event).await
    }
}
