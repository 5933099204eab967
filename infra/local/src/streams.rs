//! Stands in for Lambda's DynamoDB event source mappings: polls every shard of the table's
//! stream in order, applies the mapping's FilterCriteria, invokes the handler with the same
//! event JSON Lambda would send, honours ReportBatchItemFailures (retry from the first
//! failed record), and after MaximumRetryAttempts sets the failing record aside in the
//! dead-letter log and moves on, as bisect-on-error plus an on-failure destination would.

use crate::filter::{Needs, matches_any};
use crate::template::StreamMapping;
use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use aws_sdk_dynamodbstreams::Client;
use aws_sdk_dynamodbstreams::error::DisplayErrorContext;
use aws_sdk_dynamodbstreams::types::{AttributeValue, Record, ShardIteratorType};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// How often the stream's shard list is read again while no shard has ended.
const DESCRIBE_EVERY: Duration = Duration::from_secs(5);

pub type HandlerFuture<'a> =
    Pin<Box<dyn Future<Output = Result<DynamoDbEventResponse, String>> + Send + 'a>>;

/// A function as the event source mapping sees it: event in, partial-failure response out.
pub trait StreamHandler: Send + Sync + 'static {
    fn invoke(&self, event: Event) -> HandlerFuture<'_>;
}

/// A stream consumer run in process, as its mapping would invoke its binary.
pub struct InProcess<C>(pub Arc<C>);

impl<C: afterclick_aws::stream::StreamConsumer + 'static> StreamHandler for InProcess<C> {
    fn invoke(&self, event: Event) -> HandlerFuture<'_> {
        Box::pin(async move { self.0.handle(event).await.map_err(|e| e.to_string()) })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DeadLetter {
    pub function: String,
    pub sequence_number: Option<String>,
    pub reason: String,
    pub record: Value,
}

#[derive(Clone, Default)]
pub struct DeadLetters {
    entries: Arc<Mutex<Vec<DeadLetter>>>,
    file: Option<Arc<std::path::PathBuf>>,
}

impl DeadLetters {
    pub fn with_file(path: std::path::PathBuf) -> Self {
        Self {
            entries: Default::default(),
            file: Some(Arc::new(path)),
        }
    }

    pub fn entries(&self) -> Vec<DeadLetter> {
        self.entries.lock().map(|e| e.clone()).unwrap_or_default()
    }

    fn push(&self, letter: DeadLetter) {
        tracing::error!(
            function = %letter.function,
            sequence_number = ?letter.sequence_number,
            reason = %letter.reason,
            "record dead-lettered after its retries"
        );
        if let Some(path) = &self.file {
            let line = serde_json::to_string(&letter).unwrap_or_default();
            let written = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path.as_ref())
                .and_then(|mut f| {
                    std::io::Write::write_all(&mut f, format!("{line}\n").as_bytes())
                });
            if let Err(err) = written {
                tracing::warn!(error = %err, "could not append to the dead-letter file");
            }
        }
        if let Ok(mut entries) = self.entries.lock() {
            entries.push(letter);
        }
    }
}

/// Where each shard of one mapping was left: the last sequence number whose batch completed,
/// kept in a JSON file (`{shard id: sequence number}`) so a restart resumes after it, as
/// Lambda's event source mapping does, instead of replaying the stream from its trim horizon.
#[derive(Debug, Clone)]
pub struct Checkpoints {
    path: std::path::PathBuf,
}

impl Checkpoints {
    pub fn new(dir: &std::path::Path, function: &str) -> Self {
        Self {
            path: dir.join(format!("{function}.json")),
        }
    }

    fn load(&self) -> BTreeMap<String, String> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// One shard's position, written whole to a temporary file and renamed, so a crash never
    /// leaves half a file. One poller owns a mapping's file.
    fn save(&self, shard_id: &str, done: &str) {
        let mut positions = self.load();
        positions.insert(shard_id.to_owned(), done.to_owned());
        let tmp = self.path.with_extension("json.tmp");
        let written = self
            .path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&tmp, serde_json::to_vec(&positions).unwrap_or_default()))
            .and_then(|()| std::fs::rename(&tmp, &self.path));
        if let Err(err) = written {
            tracing::warn!(path = %self.path.display(), error = %err, "could not keep the stream checkpoint");
        }
    }
}

/// What one function was handed, for tests and the load benchmark.
#[derive(Debug, Default)]
pub struct FunctionStats {
    /// Records handed over (each once, however often it was retried).
    pub records: AtomicU64,
    /// Invocations, retries included.
    pub invocations: AtomicU64,
    /// Records handed over again after a failure (at least once: tests that count need it).
    pub redelivered: AtomicU64,
    /// Time spent inside invocations, in microseconds (concurrent lanes add up).
    pub busy_micros: AtomicU64,
    /// Batches being worked on right now.
    pub in_flight: AtomicU64,
}

/// How far one mapping has read, for callers that must see the effects of their writes (the
/// devstack's sweep hooks): a pass over every shard that starts after the call covers every
/// record written before it.
#[derive(Debug)]
pub struct Progress {
    /// Passes asked for so far.
    asked: AtomicU64,
    /// The highest ask a completed pass covered.
    covered: watch::Sender<u64>,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            asked: AtomicU64::new(0),
            covered: watch::channel(0).0,
        }
    }
}

impl Progress {
    /// Waits (at most `limit`) until a full pass that started after this call has completed:
    /// every record written before it has been handled (or dead-lettered). False on timeout.
    pub async fn caught_up(&self, limit: Duration) -> bool {
        let ticket = self.asked.fetch_add(1, Ordering::SeqCst) + 1;
        let mut covered = self.covered.subscribe();
        tokio::time::timeout(limit, covered.wait_for(|c| *c >= ticket))
            .await
            .is_ok_and(|r| r.is_ok())
    }
}

pub struct Poller {
    pub client: Client,
    pub stream_arn: String,
    pub region: String,
    pub mapping: StreamMapping,
    pub handler: Arc<dyn StreamHandler>,
    pub dead_letters: DeadLetters,
    pub interval: Duration,
    pub checkpoints: Option<Checkpoints>,
    pub stats: Arc<FunctionStats>,
    pub progress: Arc<Progress>,
}

#[derive(Debug, Default)]
struct Shard {
    parent: Option<String>,
    iterator: Option<String>,
    /// The last record whose batch completed: where to resume with a fresh iterator.
    done: Option<String>,
    /// `done` came from a kept checkpoint: if the stream no longer has it, start over.
    restored: bool,
    /// The stream's description lists it.
    listed: bool,
    closed: bool,
    /// Open when the shard list was last read: its end calls for a fresh list.
    listed_open: bool,
}

fn attribute(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::B(b) => json!({ "B": STANDARD.encode(b.as_ref()) }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(_) => json!({ "NULL": true }),
        AttributeValue::M(m) => json!({ "M": item(m) }),
        AttributeValue::L(l) => json!({ "L": l.iter().map(attribute).collect::<Vec<_>>() }),
        AttributeValue::Ss(v) => json!({ "SS": v }),
        AttributeValue::Ns(v) => json!({ "NS": v }),
        AttributeValue::Bs(v) => {
            json!({ "BS": v.iter().map(|b| STANDARD.encode(b.as_ref())).collect::<Vec<_>>() })
        }
        _ => Value::Null,
    }
}

fn item(map: &HashMap<String, AttributeValue>) -> Value {
    image(map, |_| true)
}

fn image(map: &HashMap<String, AttributeValue>, keep: impl Fn(&str) -> bool) -> Value {
    Value::Object(
        map.iter()
            .filter(|(k, _)| keep(k))
            .map(|(k, v)| (k.clone(), attribute(v)))
            .collect(),
    )
}

/// The record exactly as Lambda delivers it inside `Records`.
fn lambda_record(record: &Record, stream_arn: &str, region: &str) -> Value {
    record_view(record, stream_arn, region, |_, _| true)
}

/// The record as Lambda delivers it, its images holding only what `keep` (image,
/// attribute) selects: enough to match a mapping's filters (see [`Needs`]).
fn record_view(
    record: &Record,
    stream_arn: &str,
    region: &str,
    keep: impl Fn(&str, &str) -> bool,
) -> Value {
    let change = record.dynamodb.as_ref();
    let mut dynamodb = serde_json::Map::new();
    if let Some(c) = change {
        if let Some(t) = c.approximate_creation_date_time {
            dynamodb.insert("ApproximateCreationDateTime".into(), json!(t.secs()));
        }
        for (name, map) in [
            ("Keys", &c.keys),
            ("NewImage", &c.new_image),
            ("OldImage", &c.old_image),
        ] {
            if let Some(map) = map {
                dynamodb.insert(name.into(), image(map, |attribute| keep(name, attribute)));
            }
        }
        dynamodb.insert("SequenceNumber".into(), json!(c.sequence_number));
        dynamodb.insert("SizeBytes".into(), json!(c.size_bytes.unwrap_or(0)));
        if let Some(v) = &c.stream_view_type {
            dynamodb.insert("StreamViewType".into(), json!(v.as_str()));
        }
    }
    json!({
        "eventID": record.event_id,
        "eventName": record.event_name.as_ref().map(|n| n.as_str()),
        "eventVersion": record.event_version,
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    })
}

/// The lane of a partition key, as Lambda hashes it for a parallelized shard.
pub fn lane(pk: &str, lanes: usize) -> usize {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    pk.hash(&mut hasher);
    usize::try_from(hasher.finish() % lanes.max(1) as u64).unwrap_or(0)
}

/// The lane of a record's partition key (`PK`).
fn lane_of(record: &Value, lanes: usize) -> usize {
    let pk = record
        .get("dynamodb")
        .and_then(|d| d.get("Keys"))
        .and_then(|k| k.get("PK"))
        .and_then(|pk| pk.get("S"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    lane(pk, lanes)
}

fn sequence_of(record: &Value) -> Option<&str> {
    record.get("dynamodb")?.get("SequenceNumber")?.as_str()
}

impl Poller {
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut shards: BTreeMap<String, Shard> = BTreeMap::new();
        if let Some(checkpoints) = &self.checkpoints {
            for (id, sequence) in checkpoints.load() {
                shards.insert(
                    id,
                    Shard {
                        done: Some(sequence),
                        restored: true,
                        ..Default::default()
                    },
                );
            }
        }
        let mut described = None;
        loop {
            let asked = self.progress.asked.load(Ordering::SeqCst);
            match self.tick(&mut shards, &mut described).await {
                Ok(()) => {
                    self.progress.covered.send_if_modified(|covered| {
                        let newer = asked > *covered;
                        if newer {
                            *covered = asked;
                        }
                        newer
                    });
                }
                Err(err) => {
                    tracing::warn!(function = %self.mapping.function, error = %err, "stream poll failed");
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(self.interval) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    async fn tick(
        &self,
        shards: &mut BTreeMap<String, Shard>,
        described: &mut Option<std::time::Instant>,
    ) -> Result<(), String> {
        // The shard list changes rarely (a shard closes, children open): re-read it now and
        // then, and at once when a shard has ended, not on every poll (DynamoDB Local
        // spends CPU on each DescribeStream that the pipeline then lacks).
        let stale = described.is_none_or(|at| at.elapsed() >= DESCRIBE_EVERY)
            || shards.values().any(|s| s.closed && s.listed_open);
        if stale {
            self.describe(shards).await?;
            *described = Some(std::time::Instant::now());
            for shard in shards.values_mut() {
                shard.listed_open = !shard.closed;
            }
        }
        self.drain_all(shards).await;
        Ok(())
    }

    async fn describe(&self, shards: &mut BTreeMap<String, Shard>) -> Result<(), String> {
        let mut start: Option<String> = None;
        loop {
            let out = self
                .client
                .describe_stream()
                .stream_arn(&self.stream_arn)
                .set_exclusive_start_shard_id(start)
                .send()
                .await
                .map_err(|e| DisplayErrorContext(&e).to_string())?;
            let description = out.stream_description;
            for shard in description.as_ref().map(|d| d.shards()).unwrap_or_default() {
                if let Some(id) = shard.shard_id() {
                    let known = shards.entry(id.to_owned()).or_default();
                    known.parent = shard.parent_shard_id().map(str::to_owned);
                    known.listed = true;
                }
            }
            start = description.and_then(|d| d.last_evaluated_shard_id);
            if start.is_none() {
                break;
            }
        }
        // A kept shard the stream no longer lists (trimmed away, or a re-created table).
        shards.retain(|_, shard| !shard.restored || shard.listed);
        Ok(())
    }

    async fn drain_all(&self, shards: &mut BTreeMap<String, Shard>) {
        let ids: Vec<String> = shards.keys().cloned().collect();
        for id in ids {
            // Parents first: a child shard's records are newer than everything in its parent.
            let parent_open = shards
                .get(&id)
                .and_then(|s| s.parent.as_ref())
                .and_then(|p| shards.get(p))
                .is_some_and(|p| !p.closed);
            let Some(shard) = shards.get_mut(&id) else {
                continue;
            };
            if shard.closed || parent_open {
                continue;
            }
            // One shard's trouble (an expired iterator) must not starve the others: drop its
            // iterator, resume after its last record next tick, and go on.
            if let Err(err) = self.drain(&id, shard).await {
                // The SDK's error can carry the whole response: a shard failing every tick
                // would flood the log (and a test's captured output) with it.
                let error: String = err.chars().take(400).collect();
                tracing::warn!(function = %self.mapping.function, shard = %id, error = %error, "shard read failed; resuming");
                shard.iterator = None;
            }
        }
    }

    async fn drain(&self, shard_id: &str, shard: &mut Shard) -> Result<(), String> {
        if shard.iterator.is_none() {
            let request = self
                .client
                .get_shard_iterator()
                .stream_arn(&self.stream_arn)
                .shard_id(shard_id);
            let request = match &shard.done {
                Some(seq) => request
                    .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
                    .sequence_number(seq),
                None => request.shard_iterator_type(ShardIteratorType::TrimHorizon),
            };
            let out = match request.send().await {
                Ok(out) => out,
                Err(err) => {
                    let gone = err.as_service_error().is_some_and(|e| {
                        e.is_trimmed_data_access_exception() || e.is_resource_not_found_exception()
                    });
                    if gone && shard.restored {
                        // A kept position the stream no longer holds: at least once means
                        // starting from what it still has.
                        tracing::warn!(function = %self.mapping.function, shard = %shard_id, "kept checkpoint is past the stream; reading from the trim horizon");
                        shard.done = None;
                        shard.restored = false;
                    }
                    return Err(DisplayErrorContext(&err).to_string());
                }
            };
            shard.iterator = out.shard_iterator;
        }
        let needs = Needs::of(&self.mapping.filters);
        while let Some(iterator) = shard.iterator.clone() {
            let out = self
                .client
                .get_records()
                .shard_iterator(iterator)
                // A shard read is up to 1,000 records; batches are cut after filtering.
                .limit(1000)
                .send()
                .await
                .map_err(|e| DisplayErrorContext(&e).to_string())?;
            shard.iterator = out.next_shard_iterator;
            if shard.iterator.is_none() {
                shard.closed = true;
            }
            // An iterator that worked: a restored position is the stream's own from here on.
            shard.restored = false;
            let records = out.records.unwrap_or_default();
            if records.is_empty() {
                return Ok(());
            }
            let last = records
                .last()
                .and_then(|r| r.dynamodb.as_ref())
                .and_then(|d| d.sequence_number.clone());
            let batch: Vec<Value> = records
                .iter()
                .filter(|r| {
                    let view = record_view(r, &self.stream_arn, &self.region, |image, name| {
                        needs.wants(image, name)
                    });
                    matches_any(&self.mapping.filters, &view)
                })
                .map(|r| lambda_record(r, &self.stream_arn, &self.region))
                .collect();
            // ParallelizationFactor: one batch per lane at once, a partition key always in
            // the same lane, so a shipment's records stay in order and others do not wait.
            let lanes = self.mapping.parallelization_factor.max(1);
            let mut by_lane: Vec<Vec<Value>> = vec![Vec::new(); lanes];
            for record in batch {
                let lane = lane_of(&record, lanes);
                by_lane[lane].push(record);
            }
            // Each lane in batches of the mapping's BatchSize (counted after filtering, as
            // Lambda does), one after another.
            futures::future::join_all(by_lane.into_iter().map(|lane| async move {
                let mut lane = lane.into_iter().peekable();
                while lane.peek().is_some() {
                    let batch: Vec<Value> =
                        lane.by_ref().take(self.mapping.batch_size.max(1)).collect();
                    self.deliver(batch).await;
                }
            }))
            .await;
            // Every record read is done (delivered, or dead-lettered after its retries).
            if last.is_some() {
                shard.done = last;
            }
            if let (Some(checkpoints), Some(done)) = (&self.checkpoints, &shard.done) {
                checkpoints.save(shard_id, done);
            }
        }
        Ok(())
    }

    /// Invokes the handler until the batch is done, retrying from the first reported
    /// failure; a record still failing after the retries is dead-lettered.
    async fn deliver(&self, pending: Vec<Value>) {
        self.stats
            .records
            .fetch_add(pending.len() as u64, Ordering::Relaxed);
        self.stats.in_flight.fetch_add(1, Ordering::Relaxed);
        self.deliver_until_done(pending).await;
        self.stats.in_flight.fetch_sub(1, Ordering::Relaxed);
    }

    async fn deliver_until_done(&self, mut pending: Vec<Value>) {
        let mut attempts = 0u32;
        while !pending.is_empty() {
            let failed_at = match self.invoke(&pending).await {
                Ok(response) => match response.batch_item_failures.first() {
                    None => return,
                    Some(failure) if self.mapping.report_batch_item_failures => failure
                        .item_identifier
                        .as_deref()
                        .and_then(|id| pending.iter().position(|r| sequence_of(r) == Some(id)))
                        .unwrap_or(0),
                    Some(_) => 0,
                },
                Err(_) => 0,
            };
            pending.drain(..failed_at);
            self.stats
                .redelivered
                .fetch_add(pending.len() as u64, Ordering::Relaxed);
            attempts += 1;
            if attempts > self.mapping.maximum_retry_attempts {
                let poison = pending.remove(0);
                self.dead_letters.push(DeadLetter {
                    function: self.mapping.function.clone(),
                    sequence_number: sequence_of(&poison).map(str::to_owned),
                    reason: format!("failed {attempts} times"),
                    record: poison,
                });
                attempts = 0;
            } else {
                tokio::time::sleep(Duration::from_millis(20 * u64::from(attempts))).await;
            }
        }
    }

    async fn invoke(&self, records: &[Value]) -> Result<DynamoDbEventResponse, String> {
        let event: Event = serde_json::from_value(json!({ "Records": records }))
            .map_err(|e| format!("event does not deserialize: {e}"))?;
        // Counted when it starts: its effects (an email in the outbox) can be seen before
        // it returns, and a test that saw them must also see the invocation.
        self.stats.invocations.fetch_add(1, Ordering::Relaxed);
        let started = std::time::Instant::now();
        let result = self.handler.invoke(event).await;
        self.stats.busy_micros.fetch_add(
            u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        if let Err(err) = &result {
            tracing::warn!(function = %self.mapping.function, error = %err, "invocation failed");
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodbstreams::types::{OperationType, StreamRecord};

    fn s(v: &str) -> AttributeValue {
        AttributeValue::S(v.to_owned())
    }

    fn record(event: OperationType, new_image: &[(&str, AttributeValue)]) -> Record {
        let image: HashMap<String, AttributeValue> = new_image
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        Record::builder()
            .event_name(event)
            .dynamodb(
                StreamRecord::builder()
                    .keys("PK", s("SHIP#m_1#1Z"))
                    .set_new_image(Some(image.clone()))
                    .set_old_image(Some(image))
                    .sequence_number("100")
                    .build(),
            )
            .build()
    }

    /// Every mapping of the template takes exactly the records it takes when matched on the
    /// whole record, from the view holding only what its filters read.
    #[test]
    fn filters_match_the_view_as_they_match_the_whole_record() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
        let template = crate::template::Template::load(&path).unwrap();
        let big = AttributeValue::M(HashMap::from([("history".to_owned(), s(&"x".repeat(500)))]));
        let mut records = Vec::new();
        for event in [
            OperationType::Insert,
            OperationType::Modify,
            OperationType::Remove,
        ] {
            for kind in [
                "event",
                "shipment",
                "notification",
                "webhook_delivery",
                "platform_fetch",
                "ga4_hit",
                "merchant",
            ] {
                records.push(record(
                    event.clone(),
                    &[("type", s(kind)), ("summary", big.clone())],
                ));
                records.push(record(
                    event.clone(),
                    &[("type", s(kind)), ("woken_at", s("2026-11-18T12:00:00Z"))],
                ));
                records.push(record(
                    event.clone(),
                    &[("type", s(kind)), ("edited_by", s("merchant"))],
                ));
            }
        }
        let mut taken = 0;
        for mapping in &template.mappings {
            let needs = Needs::of(&mapping.filters);
            assert!(!needs.wants("NewImage", "summary"), "{}", mapping.function);
            for r in &records {
                let whole = matches_any(&mapping.filters, &lambda_record(r, "arn", "eu-west-1"));
                let view = record_view(r, "arn", "eu-west-1", |i, a| needs.wants(i, a));
                assert_eq!(
                    matches_any(&mapping.filters, &view),
                    whole,
                    "{}: {r:?}",
                    mapping.function
                );
                taken += usize::from(whole);
            }
        }
        // Not a vacuous comparison: the filters take some records and leave others.
        assert!(taken > 0 && taken < records.len() * template.mappings.len());
    }

    #[test]
    fn needs_cover_whole_images_and_whole_records() {
        let whole_image = Needs::of(&[json!({"dynamodb": {"NewImage": [{"exists": true}]}})]);
        assert!(whole_image.wants("NewImage", "anything"));
        assert!(!whole_image.wants("OldImage", "anything"));
        let named = Needs::of(&[
            json!({"dynamodb": {"NewImage": {"type": {"S": ["event"]}}}}),
            json!({"dynamodb": {"NewImage": {"state": {"S": ["sent"]}}}}),
        ]);
        assert!(named.wants("NewImage", "type") && named.wants("NewImage", "state"));
        assert!(!named.wants("NewImage", "summary") && !named.wants("Keys", "PK"));
        assert!(Needs::of(&[json!({"dynamodb": [{"exists": true}]})]).wants("Keys", "PK"));
        assert!(!Needs::of(&[json!({"eventName": ["INSERT"]})]).wants("NewImage", "type"));
    }
}
