//! DynamoDB stream consumer: a new tracking event (or a newly registered shipment) ->
//! re-evaluate the shipment's timeline -> status, milestones and notification intents,
//! written in one transaction guarded by the shipment's version.

use afterclick_domain::ports::{EventStore, MerchantStore, ShipmentStore, StoreError};
use afterclick_domain::rules::evaluate;
use afterclick_domain::{Notification, NotificationState};
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tracing::Instrument;

/// Optimistic-concurrency retries before the record is handed back to the stream.
const COMMIT_ATTEMPTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("the record's new image is not an event or shipment item: {0}")]
    Malformed(String),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("gave up after {COMMIT_ATTEMPTS} conflicting writes")]
    Contended,
}

#[derive(Debug, thiserror::Error)]
#[error("stream record without a sequence number; the whole batch is retried")]
pub struct MissingSequenceNumber;

/// The attributes every item this function is subscribed to carries.
#[derive(Debug, Deserialize)]
struct Trigger {
    merchant_id: String,
    tracking_number: String,
}

pub struct Milestones<S> {
    pub store: S,
    pub clock: fn() -> DateTime<Utc>,
}

pub trait Store: MerchantStore + ShipmentStore + EventStore {}
impl<T: MerchantStore + ShipmentStore + EventStore> Store for T {}

impl<S: Store> Milestones<S> {
    pub fn new(store: S) -> Self {
        Self {
            store,
            clock: Utc::now,
        }
    }

    /// Records in order; the first failure stops the batch and is reported by its sequence
    /// number, so the records before it stay done and it and those after are retried.
    pub async fn handle(
        &self,
        event: Event,
    ) -> Result<DynamoDbEventResponse, MissingSequenceNumber> {
        let mut response = DynamoDbEventResponse::default();
        for record in &event.records {
            let sequence = record
                .change
                .sequence_number
                .clone()
                .filter(|s| !s.is_empty())
                .ok_or(MissingSequenceNumber)?;
            if let Err(err) = self.process(record).await {
                tracing::error!(sequence_number = %sequence, error = %err, "record failed");
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = Some(sequence);
                response.batch_item_failures.push(failure);
                break;
            }
        }
        Ok(response)
    }

    async fn process(&self, record: &EventRecord) -> Result<(), RecordError> {
        let trigger: Trigger = serde_dynamo::from_item(record.change.new_image.clone())
            .map_err(|e| RecordError::Malformed(e.to_string()))?;
        let span = tracing::info_span!(
            "record",
            merchant_id = %trigger.merchant_id,
            tracking_number = %trigger.tracking_number
        );
        async {
            for _ in 0..COMMIT_ATTEMPTS {
                match self.evaluate_once(&trigger).await {
                    Err(RecordError::Store(StoreError::Conflict)) => continue,
                    other => return other,
                }
            }
            Err(RecordError::Contended)
        }
        .instrument(span)
        .await
    }

    async fn evaluate_once(&self, trigger: &Trigger) -> Result<(), RecordError> {
        let Some(shipment) = self
            .store
            .shipment(&trigger.merchant_id, &trigger.tracking_number)
            .await?
        else {
            // Not registered yet: the events wait under the shipment's key and are evaluated
            // when the registration's own stream record arrives.
            tracing::debug!("event for an unregistered tracking number kept");
            return Ok(());
        };
        let Some(merchant) = self.store.merchant(&trigger.merchant_id).await? else {
            tracing::warn!("shipment of an unknown merchant skipped");
            return Ok(());
        };
        let timeline = self
            .store
            .timeline(&trigger.merchant_id, &trigger.tracking_number)
            .await?;
        let now = (self.clock)();
        let outcome = evaluate(&shipment, &timeline, now, &merchant);
        if !outcome.changed {
            return Ok(());
        }
        let intents: Vec<Notification> = outcome
            .intents
            .iter()
            .map(|intent| Notification {
                merchant_id: shipment.merchant_id.clone(),
                tracking_number: shipment.tracking_number.clone(),
                milestone: intent.milestone,
                channel: intent.channel,
                state: NotificationState::Pending,
                created_at: now,
                updated_at: now,
                provider_message_id: None,
                detail: None,
            })
            .collect();
        self.store
            .commit(shipment.version, &outcome.shipment, &intents)
            .await?;
        tracing::info!(
            status = %outcome.shipment.status,
            reached = ?outcome.reached,
            intents = intents.len(),
            "shipment evaluated"
        );
        Ok(())
    }
}
