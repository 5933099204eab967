//! The DynamoDB stream batch contract every stream consumer follows, written once: the
//! [`StreamConsumer`] trait the functions and the devstack share, decoding a record's image
//! ([`new_image`]), grouping, and partial-failure reporting.
//!
//! Records are grouped by an ordering key (a shipment, or a shipment's channel): one key's
//! records run in stream order, different keys run concurrently (at most [`CONCURRENCY`] at
//! once). A key's first failure stops that key; the lowest failed sequence number of the batch
//! is reported (ReportBatchItemFailures), so Lambda retries from there: nothing at or after it
//! counts as done, and a later record of a failed key never runs before the failed one. Other
//! keys' records after it that already succeeded run again on the retry, which their
//! conditional writes make harmless (a claimed notification is never sent twice).

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use futures::stream::{self, StreamExt};
use serde::de::DeserializeOwned;
use std::fmt::Display;
use std::future::Future;

/// A function fed by the table's stream: one batch in, the failed record (if any) out.
/// Lambda runs it through [`serve`]; the devstack calls it in process.
pub trait StreamConsumer: Send + Sync {
    fn handle(
        &self,
        event: Event,
    ) -> impl Future<Output = Result<DynamoDbEventResponse, MissingSequenceNumber>> + Send;
}

/// Runs a stream consumer as the Lambda function: each invocation is one batch.
pub async fn serve<C: StreamConsumer>(consumer: C) -> Result<(), lambda_runtime::Error> {
    let consumer = &consumer;
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<Event>| async move {
            consumer
                .handle(event.payload)
                .await
                .map_err(lambda_runtime::Error::from)
        },
    ))
    .await
}

/// A record whose new image is not the item the consumer is subscribed to: the record fails
/// (and is reported), the rest of the batch goes on.
#[derive(Debug, thiserror::Error)]
#[error("the record's new image is not {expected}: {reason}")]
pub struct Malformed {
    pub expected: &'static str,
    pub reason: String,
}

/// The record's new image as `T` (`expected` names the item, for the failure's reason).
pub fn new_image<T: DeserializeOwned>(
    record: &EventRecord,
    expected: &'static str,
) -> Result<T, Malformed> {
    serde_dynamo::from_item(record.change.new_image.clone()).map_err(|e| Malformed {
        expected,
        reason: e.to_string(),
    })
}

/// Keys processed at once inside one batch: enough to overlap the store's and the providers'
/// round trips, few enough not to trip their throttling.
pub const CONCURRENCY: usize = 16;

/// A record without a sequence number cannot be reported; failing the whole invocation makes
/// Lambda retry the batch (never a null `itemIdentifier`).
#[derive(Debug, thiserror::Error)]
#[error("stream record without a sequence number; the whole batch is retried")]
pub struct MissingSequenceNumber;

/// The table's partition key (`PK`): one shipment. AWS keeps order per partition key, so
/// this is also what a `ParallelizationFactor` keeps in order.
pub fn partition_key(record: &EventRecord) -> Option<String> {
    match record.change.keys.get("PK") {
        Some(serde_dynamo::AttributeValue::S(pk)) => Some(pk.clone()),
        _ => None,
    }
}

/// The new image's string attributes `names`, joined: a finer ordering key than the partition
/// (a shipment's channel, or its endpoint), for work whose order matters only within it.
pub fn image_key(record: &EventRecord, names: &[&str]) -> Option<String> {
    let mut key = String::new();
    for name in names {
        match record.change.new_image.get(*name) {
            Some(serde_dynamo::AttributeValue::S(value)) => {
                key.push_str(value);
                key.push('\u{1f}');
            }
            _ => return None,
        }
    }
    Some(key)
}

/// Each record on its own, in order per key.
pub async fn each_record<'a, K, F, Fut, E>(
    event: &'a Event,
    key: K,
    process: F,
) -> Result<DynamoDbEventResponse, MissingSequenceNumber>
where
    K: Fn(&EventRecord) -> Option<String>,
    F: Fn(&'a EventRecord) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: Display,
{
    let process = &process;
    run(event, key, |group| async move {
        for (position, record) in group.iter().enumerate() {
            if let Err(err) = process(record).await {
                return Some((position, err.to_string()));
            }
        }
        None
    })
    .await
}

/// One call per key with all of that key's records (for a consumer whose work depends only on
/// the key's current state, such as re-evaluating a shipment): a failure fails the key's
/// first record, so all of them are retried.
pub async fn each_key<'a, K, F, Fut, E>(
    event: &'a Event,
    key: K,
    process: F,
) -> Result<DynamoDbEventResponse, MissingSequenceNumber>
where
    K: Fn(&EventRecord) -> Option<String>,
    F: Fn(Vec<&'a EventRecord>) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: Display,
{
    let process = &process;
    run(event, key, |group| async move {
        process(group).await.err().map(|err| (0, err.to_string()))
    })
    .await
}

/// Groups, runs the groups concurrently, and reports the lowest failed sequence number.
/// `process` answers the failed record's position inside its group, with the reason.
async fn run<'a, K, F, Fut>(
    event: &'a Event,
    key: K,
    process: F,
) -> Result<DynamoDbEventResponse, MissingSequenceNumber>
where
    K: Fn(&EventRecord) -> Option<String>,
    F: Fn(Vec<&'a EventRecord>) -> Fut,
    Fut: Future<Output = Option<(usize, String)>>,
{
    let mut sequences = Vec::with_capacity(event.records.len());
    for record in &event.records {
        let sequence = record
            .change
            .sequence_number
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or(MissingSequenceNumber)?;
        sequences.push(sequence);
    }
    // Groups in order of first appearance, each with its records' batch positions.
    let mut groups: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    for (index, record) in event.records.iter().enumerate() {
        // A record without a key (malformed) is its own group: it fails alone.
        match key(record) {
            Some(k) => match groups.iter_mut().find(|(g, _)| g.as_deref() == Some(&k)) {
                Some((_, members)) => members.push(index),
                None => groups.push((Some(k), vec![index])),
            },
            None => groups.push((None, vec![index])),
        }
    }
    let process = &process;
    let failures: Vec<(usize, String)> = stream::iter(groups)
        .map(|(_, members)| async move {
            let records = members.iter().map(|&i| &event.records[i]).collect();
            process(records)
                .await
                .map(|(position, reason)| (members[position], reason))
        })
        .buffer_unordered(CONCURRENCY)
        .filter_map(|failure| async move { failure })
        .collect()
        .await;
    let mut response = DynamoDbEventResponse::default();
    if let Some((index, _)) = failures.iter().min_by_key(|(index, _)| *index) {
        for (failed, reason) in &failures {
            tracing::error!(sequence_number = %sequences[*failed], error = %reason, "record failed");
        }
        let mut failure = DynamoDbBatchItemFailure::default();
        failure.item_identifier = Some(sequences[*index].clone());
        response.batch_item_failures.push(failure);
    }
    Ok(response)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn record(sequence: &str, pk: &str) -> serde_json::Value {
        serde_json::json!({
            "eventID": sequence, "eventName": "INSERT", "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": {"ApproximateCreationDateTime": 1_795_000_000.0,
                         "Keys": {"PK": {"S": pk}, "SK": {"S": sequence}},
                         "SequenceNumber": sequence, "SizeBytes": 1,
                         "StreamViewType": "NEW_AND_OLD_IMAGES"}
        })
    }

    fn event(records: &[(&str, &str)]) -> Event {
        let records: Vec<_> = records.iter().map(|(s, pk)| record(s, pk)).collect();
        serde_json::from_value(serde_json::json!({ "Records": records })).unwrap()
    }

    fn sequence(r: &EventRecord) -> String {
        r.change.sequence_number.clone().unwrap_or_default()
    }

    fn reported(response: &DynamoDbEventResponse) -> Vec<String> {
        response
            .batch_item_failures
            .iter()
            .filter_map(|f| f.item_identifier.clone())
            .collect()
    }

    /// An interleaved batch: shipments A, B and C; B's second record fails.
    const BATCH: [(&str, &str); 7] = [
        ("100", "A"),
        ("101", "B"),
        ("102", "A"),
        ("103", "B"),
        ("104", "C"),
        ("105", "B"),
        ("106", "A"),
    ];

    #[tokio::test]
    async fn a_failure_mid_batch_reports_it_and_stops_only_its_own_key() {
        let seen = Mutex::new(Vec::new());
        let response = each_record(&event(&BATCH), partition_key, |r| {
            let s = sequence(r);
            if let Ok(mut seen) = seen.lock() {
                seen.push(s.clone());
            }
            async move { if s == "103" { Err("boom") } else { Ok(()) } }
        })
        .await
        .unwrap();
        assert_eq!(reported(&response), ["103"]);
        let seen = seen.into_inner().unwrap();
        assert!(!seen.contains(&"105".to_owned()), "B stops at its failure");
        for done in ["100", "101", "102", "104", "106"] {
            assert!(seen.contains(&done.to_owned()), "{done} ran: {seen:?}");
        }
        // One key's records in stream order.
        let a: Vec<_> = seen
            .iter()
            .filter(|s| ["100", "102", "106"].contains(&s.as_str()))
            .collect();
        assert_eq!(a, ["100", "102", "106"]);
    }

    #[tokio::test]
    async fn of_several_failures_the_lowest_sequence_number_is_reported() {
        let response = each_record(&event(&BATCH), partition_key, |r| {
            let s = sequence(r);
            async move {
                if s == "106" || s == "104" {
                    Err("boom")
                } else {
                    Ok(())
                }
            }
        })
        .await
        .unwrap();
        assert_eq!(reported(&response), ["104"]);
    }

    #[tokio::test]
    async fn different_keys_run_concurrently() {
        // Every key waits until all three have started: it only finishes if they overlap.
        let barrier = tokio::sync::Barrier::new(3);
        let batch = [("1", "A"), ("2", "B"), ("3", "C")];
        let response = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            each_record(&event(&batch), partition_key, |_| async {
                barrier.wait().await;
                Ok::<_, String>(())
            }),
        )
        .await;
        assert!(response.is_ok_and(|r| r.is_ok_and(|r| r.batch_item_failures.is_empty())));
    }

    #[tokio::test]
    async fn each_key_is_called_once_with_its_records_and_fails_from_its_first() {
        let calls = Mutex::new(Vec::new());
        let response = each_key(&event(&BATCH), partition_key, |group| {
            let sequences: Vec<String> = group.iter().map(|r| sequence(r)).collect();
            if let Ok(mut calls) = calls.lock() {
                calls.push(sequences.clone());
            }
            async move {
                if sequences.contains(&"105".to_owned()) {
                    Err("boom")
                } else {
                    Ok(())
                }
            }
        })
        .await
        .unwrap();
        let mut calls = calls.into_inner().unwrap();
        calls.sort();
        assert_eq!(
            calls,
            [
                vec!["100", "102", "106"],
                vec!["101", "103", "105"],
                vec!["104"]
            ]
        );
        assert_eq!(reported(&response), ["101"], "B's first record");
    }

    #[tokio::test]
    async fn a_record_without_a_key_fails_alone_and_one_without_a_sequence_fails_the_batch() {
        let mut batch = event(&[("1", "A"), ("2", "B")]);
        batch.records[1].change.keys.clear();
        let response = each_record(&batch, partition_key, |r| {
            let keyed = partition_key(r).is_some();
            async move { if keyed { Ok(()) } else { Err("malformed") } }
        })
        .await
        .unwrap();
        assert_eq!(reported(&response), ["2"]);

        batch.records[0].change.sequence_number = None;
        let whole = each_record(&batch, partition_key, |_| async { Ok::<_, String>(()) }).await;
        assert!(whole.is_err());
    }
}
