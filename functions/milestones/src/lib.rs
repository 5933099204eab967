//! DynamoDB stream consumer: a new tracking event (or a newly registered shipment) ->
//! re-evaluate the shipment -> status, milestones and notification intents, written in one
//! transaction guarded by the shipment's version. The records carry the new scans themselves,
//! so evaluation reads the shipment, never its whole history (see `afterclick_app::reevaluate`).
//! This crate decodes the records; the use case is the app's.

use afterclick_app::{ReevaluateError, reevaluate};
use afterclick_aws::keys::types::EVENT;
pub use afterclick_aws::stream::MissingSequenceNumber;
use afterclick_aws::stream::{Malformed, StreamConsumer, each_key, image_key, new_image};
use afterclick_domain::TrackingEvent;
use afterclick_domain::ports::{EndpointStore, EventStore, LaneStore, SnapshotReads};
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tracing::Instrument;

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Malformed(#[from] Malformed),
    #[error(transparent)]
    Evaluation(#[from] ReevaluateError),
}

const WHAT: &str = "an event or shipment item";

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

/// Endpoints too: the webhook deliveries of reached moments ride in the same commit.
pub trait Store: SnapshotReads + EventStore + EndpointStore + LaneStore {}
impl<T: SnapshotReads + EventStore + EndpointStore + LaneStore> Store for T {}

impl<S: Store> Milestones<S> {
    pub fn new(store: S) -> Self {
        Self {
            store,
            clock: Utc::now,
        }
    }

    /// One evaluation per shipment in the batch, whatever number of its records arrived (a
    /// delivery of many scans is one evaluation, not one per scan); different shipments at
    /// once. A failed shipment's first record is reported, so all of its records are retried.
    pub async fn handle(
        &self,
        event: Event,
    ) -> Result<DynamoDbEventResponse, MissingSequenceNumber> {
        let shipment = |r: &EventRecord| image_key(r, &["merchant_id", "tracking_number"]);
        each_key(&event, shipment, |records| self.process(records)).await
    }

    async fn process(&self, records: Vec<&EventRecord>) -> Result<(), RecordError> {
        // All of them name the same shipment (the grouping key); any well-formed one will do.
        let mut last_error = Malformed {
            expected: WHAT,
            reason: "no records".into(),
        };
        let mut trigger = None;
        for record in &records {
            match new_image::<Trigger>(record, WHAT) {
                Ok(t) => {
                    trigger = Some(t);
                    break;
                }
                Err(e) => last_error = e,
            }
        }
        let trigger = trigger.ok_or(last_error)?;
        let scans = new_scans(&records);
        // New scans (INSERTs) count into the history's size; a moved estimate (MODIFY) not.
        let stored = received_times(&records);
        let span = tracing::info_span!(
            "shipment",
            records = records.len(),
            merchant_id = %trigger.merchant_id,
            tracking_number = %trigger.tracking_number
        );
        let result = reevaluate(
            &self.store,
            &trigger.merchant_id,
            &trigger.tracking_number,
            scans.as_deref(),
            &stored,
            &self.clock,
        )
        .instrument(span.clone())
        .await?;
        let _entered = span.enter();
        match result {
            None => tracing::debug!("not registered yet: the events wait for the registration"),
            Some(e) if e.changed => tracing::info!(
                status = %e.shipment.status,
                reached = e.reached.len(),
                intents = e.intents.len(),
                trimmed = e.trimmed,
                "shipment evaluated"
            ),
            Some(_) => {}
        }
        Ok(())
    }
}

impl<S: Store> StreamConsumer for Milestones<S> {
    async fn handle(&self, event: Event) -> Result<DynamoDbEventResponse, MissingSequenceNumber> {
        Milestones::handle(self, event).await
    }
}

/// The scans the records carry (new ones, and known ones whose estimate changed); `None` if an
/// event record cannot be read, so that evaluation reads the stored timeline instead of
/// deciding without a scan.
fn new_scans(records: &[&EventRecord]) -> Option<Vec<TrackingEvent>> {
    let mut scans = Vec::new();
    for record in records.iter().filter(|r| is_event(r)) {
        match new_image::<TrackingEvent>(record, "an event item") {
            Ok(scan) => scans.push(scan),
            Err(err) => {
                tracing::warn!(error = %err, "an event record is unreadable; reading the timeline");
                return None;
            }
        }
    }
    Some(scans)
}

/// When each newly stored scan was received (an item without the time counts as received
/// now: counted rather than missed).
fn received_times(records: &[&EventRecord]) -> Vec<DateTime<Utc>> {
    #[derive(Deserialize)]
    struct Received {
        received_at: Option<DateTime<Utc>>,
    }
    records
        .iter()
        .filter(|r| r.event_name == "INSERT" && is_event(r))
        .map(|r| {
            new_image::<Received>(r, "an event item")
                .ok()
                .and_then(|x| x.received_at)
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
        })
        .collect()
}

fn is_event(record: &EventRecord) -> bool {
    matches!(
        record.change.new_image.get("type"),
        Some(serde_dynamo::AttributeValue::S(t)) if t == EVENT
    )
}
