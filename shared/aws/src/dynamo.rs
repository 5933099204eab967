//! DynamoDB adapter for the store ports. Items are the domain structs (via serde_dynamo)
//! plus the key attributes of [`crate::keys`].

use crate::keys;
use afterclick_domain::ports::StoreError;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Put, TransactWriteItem};
use chrono::Duration;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

mod idempotency;
mod listing;
mod shipment_admin;
pub use shipment_admin::EDITED_BY;
mod outgoing;
pub use listing::{ListCost, QueryPlan};

mod lookup;
mod rating;

mod consent;
mod credentials;
mod due;
mod email_events;
mod events;
mod ga4;
mod invoices;
mod lanes;
mod merchants;
mod notifications;
mod orders;
mod outcomes;
mod page_stats;
mod reads;
mod secrets_at_rest;
mod sessions;
pub use secrets_at_rest::SealReport;
mod shipments;
mod templates;

type Item = HashMap<String, AttributeValue>;
type TransactError =
    SdkError<TransactWriteItemsError, aws_sdk_dynamodb::config::http::HttpResponse>;

/// How long tracking events are kept after they were received.
const EVENT_RETENTION: Duration = Duration::days(400);

#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
    /// Seals and opens secrets at rest; none where no secret is ever written or opened.
    sealer: Option<crate::sealing::KmsSealer>,
    /// Lane counter items read lately, shared by the store's clones.
    lanes: lanes::LaneCache,
    /// Reads waiting to share a BatchGetItem, shared by the store's clones.
    reads: reads::ReadQueue,
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// A string attribute of an item, if it is one.
fn text<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v),
        _ => None,
    }
}

/// A whole-number attribute of an item, if it is one.
fn number(item: &Item, name: &str) -> Option<i64> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

/// A request or item we built ourselves that the SDK refused: our bug, not the caller's.
fn built<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<T, StoreError> {
    result.map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn unavailable<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    StoreError::Unavailable(DisplayErrorContext(&err).to_string())
}

fn is_conditional_failure<E, R>(err: &SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "ConditionalCheckFailedException")
}

/// A conditional write: true if it was applied, false if its condition did not hold.
fn applied<T, E, R>(result: Result<T, SdkError<E, R>>) -> Result<bool, StoreError>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match result {
        Ok(_) => Ok(true),
        Err(err) if is_conditional_failure(&err) => Ok(false),
        Err(err) => Err(unavailable(err)),
    }
}

fn to_item<T: Serialize>(value: &T) -> Result<Item, StoreError> {
    built(serde_dynamo::to_item(value))
}

fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    built(serde_dynamo::from_item(item))
}

/// Items of a list that can be read; an unreadable one is logged (by key, no content) and
/// skipped, so one corrupt item never takes a whole timeline down with it.
fn readable<T: DeserializeOwned>(items: Vec<Item>) -> Vec<T> {
    items
        .into_iter()
        .filter_map(|item| {
            let sk = match item.get(keys::SK) {
                Some(AttributeValue::S(sk)) => sk.clone(),
                _ => String::new(),
            };
            match from_item(item) {
                Ok(value) => Some(value),
                Err(err) => {
                    tracing::warn!(sk = %sk, error = %err, "skipped an unreadable item");
                    None
                }
            }
        })
        .collect()
}

fn keyed(mut item: Item, pk: String, sk: String, kind: &str) -> Item {
    item.insert(keys::PK.into(), s(pk));
    item.insert(keys::SK.into(), s(sk));
    item.insert(keys::TYPE.into(), s(kind));
    item
}

/// Which of `shards` counter items a shipment adds to: fixed by its tracking number (FNV-1a),
/// so one shipment's counts always land on the same item and different ones spread.
fn shard_of(tracking_number: &str, shards: u8) -> u8 {
    let hash = tracking_number
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    u8::try_from(hash % u64::from(shards.max(1))).unwrap_or(0)
}

/// An UpdateItem inside a transaction.
fn update_write(update: UpdateBuilder) -> Result<TransactWriteItem, StoreError> {
    Ok(TransactWriteItem::builder()
        .update(built(update.build())?)
        .build())
}

/// Did the transaction lose to another one writing the same items at the same moment?
fn lost_a_race(err: &TransactError) -> bool {
    match err.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(e)) => e
            .cancellation_reasons()
            .iter()
            .any(|r| r.code() == Some("TransactionConflict")),
        _ => false,
    }
}

/// Which items of a cancelled transaction failed their condition.
fn failed_conditions(err: &TransactError) -> Vec<usize> {
    match err.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(e)) => e
            .cancellation_reasons()
            .iter()
            .enumerate()
            .filter(|(_, r)| r.code() == Some("ConditionalCheckFailed"))
            .map(|(i, _)| i)
            .collect(),
        _ => Vec::new(),
    }
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            sealer: None,
            lanes: lanes::LaneCache::default(),
            reads: reads::ReadQueue::default(),
        }
    }

    /// The store, sealing secrets under (and opening them with) this KMS key.
    pub fn with_sealer(self, sealer: crate::sealing::KmsSealer) -> Self {
        Self {
            sealer: Some(sealer),
            ..self
        }
    }

    pub fn from_conf(sdk: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        Self::new(Client::new(sdk), table)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    async fn get(&self, pk: String, sk: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(keys::PK, s(pk))
            .key(keys::SK, s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item)
    }

    /// A Query on the table, to be configured by the caller and read with [`Self::query_all`].
    fn query(&self) -> QueryFluentBuilder {
        self.client.query().table_name(&self.table)
    }

    /// Every item `query` matches, reading page after page until DynamoDB has no more.
    async fn query_all(query: QueryFluentBuilder) -> Result<Vec<Item>, StoreError> {
        query
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(unavailable)
    }

    /// A consistent Query of the items under `pk` whose sort key starts with `prefix`, to be
    /// narrowed (order, limit, start) by the caller. `#pk` and `#sk` name the keys.
    fn prefix_query(&self, pk: String, prefix: &str) -> QueryFluentBuilder {
        self.query()
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_names("#sk", keys::SK)
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":prefix", s(prefix))
            .consistent_read(true)
    }

    async fn query_prefix(&self, pk: String, prefix: &str) -> Result<Vec<Item>, StoreError> {
        Self::query_all(self.prefix_query(pk, prefix)).await
    }

    /// A PutItem of `item`, to be sent by the caller (unconditional unless it adds one).
    fn put_item(&self, item: Item) -> PutItemFluentBuilder {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
    }

    /// An UpdateItem aimed at one item, to be configured and sent by the caller.
    fn update_item(&self, pk: impl Into<String>, sk: impl Into<String>) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .key(keys::PK, s(pk))
            .key(keys::SK, s(sk))
    }

    fn put(&self, item: Item, condition: &str) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(condition);
        Ok(TransactWriteItem::builder()
            .put(built(put.build())?)
            .build())
    }

    /// A transaction step that holds only while the shipment exists and is not erased: what
    /// would store personal data about it is written with this, so nothing lands after an
    /// erasure, whatever the writer read before.
    fn shipment_not_erased(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> Result<TransactWriteItem, StoreError> {
        let check = ConditionCheck::builder()
            .table_name(&self.table)
            .key(keys::PK, s(keys::shipment_pk(merchant_id, tracking_number)))
            .key(keys::SK, s(keys::SHIPMENT_SK))
            .condition_expression("attribute_exists(PK) AND attribute_not_exists(erased_at)");
        Ok(TransactWriteItem::builder()
            .condition_check(built(check.build())?)
            .build())
    }

    async fn transact(&self, writes: Vec<TransactWriteItem>) -> Result<(), TransactError> {
        self.client
            .transact_write_items()
            .set_transact_items(Some(writes))
            .send()
            .await
            .map(|_| ())
    }
}

impl afterclick_domain::ports::SecretBox for DynamoStore {
    async fn seal(&self, owner: &str, plaintext: &str) -> Result<String, StoreError> {
        let sealer = self.sealer.as_ref().ok_or_else(|| {
            StoreError::Unavailable("no KMS key to seal secrets with (SECRETS_KEY_ID)".into())
        })?;
        Ok(sealer.seal(owner, plaintext).await?)
    }

    async fn open(&self, owner: &str, stored: &str) -> Result<String, StoreError> {
        match &self.sealer {
            Some(sealer) => Ok(sealer.open(owner, stored).await?),
            None if !stored.starts_with(crate::sealing::SEALED_PREFIX) => Ok(stored.to_owned()),
            None => Err(StoreError::Unavailable(
                "no KMS key to open secrets with (SECRETS_KEY_ID)".into(),
            )),
        }
    }
}
