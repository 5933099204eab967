//! The DynamoDB stream batch contract both stream consumers follow: records in order, stop
//! at the first failure, report it by sequence number (ReportBatchItemFailures), so the
//! records before it stay done and it and those after are retried.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use std::fmt::Display;
use std::future::Future;

/// A record without a sequence number cannot be reported; failing the whole invocation makes
/// Lambda retry the batch (never a null `itemIdentifier`).
#[derive(Debug, thiserror::Error)]
#[error("stream record without a sequence number; the whole batch is retried")]
pub struct MissingSequenceNumber;

pub async fn each_record<'a, F, Fut, E>(
    event: &'a Event,
    mut process: F,
) -> Result<DynamoDbEventResponse, MissingSequenceNumber>
where
    F: FnMut(&'a EventRecord) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: Display,
{
    let mut response = DynamoDbEventResponse::default();
    for record in &event.records {
        let sequence = record
            .change
            .sequence_number
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or(MissingSequenceNumber)?;
        if let Err(err) = process(record).await {
            tracing::error!(sequence_number = %sequence, error = %err, "record failed");
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = Some(sequence);
            response.batch_item_failures.push(failure);
            break;
        }
    }
    Ok(response)
}
