//! DynamoDB adapter for the store ports. Items are the domain structs (via serde_dynamo)
//! plus the key attributes of [`crate::keys`].

use crate::keys::{self, types};
use afterclick_domain::message::Override;
use afterclick_domain::milestone::Moment;
use afterclick_domain::model::Notification;
use afterclick_domain::ports::{
    ConsentStore, Due, DueStore, ShipmentRef, TemplateKey, TemplateStore,
};
use afterclick_domain::ports::{
    EventStore, MerchantStore, NotificationKey, NotificationStore, Outcome, Registration,
    ShipmentStore, StoreError,
};
use afterclick_domain::rules::DeliveryOutcome;
use afterclick_domain::{Merchant, NotificationState, Shipment, TrackingEvent};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

mod idempotency;
mod listing;
mod shipment_admin;
pub use shipment_admin::EDITED_BY;
mod webhooks;
pub use listing::{ListCost, QueryPlan};

mod lookup;
mod rating;

mod credentials;
mod events;
mod merchants;
mod outcomes;

use outcomes::{outcome_update, registration_update};

type Item = HashMap<String, AttributeValue>;
type TransactError =
    SdkError<TransactWriteItemsError, aws_sdk_dynamodb::config::http::HttpResponse>;

/// How long tracking events are kept after they were received.
const EVENT_RETENTION: Duration = Duration::days(400);
/// Retries of a commit whose optional intents already existed (see `commit`).
const INTENT_RETRIES: usize = 3;

#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
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

fn shipment_item(shipment: &Shipment) -> Result<Item, StoreError> {
    let mut item = keyed(
        to_item(shipment)?,
        keys::shipment_pk(&shipment.merchant_id, &shipment.tracking_number),
        keys::SHIPMENT_SK.into(),
        types::SHIPMENT,
    );
    // Only shipments that can become due are in the sparse index.
    if let Some(due) = shipment.due_at {
        item.insert(
            keys::DUE_PK.into(),
            s(keys::due_partition(&shipment.tracking_number)),
        );
        item.insert(keys::DUE_SK.into(), s(keys::due_sort_key(due)));
    }
    listing::add_listing_attributes(&mut item, shipment);
    Ok(item)
}

fn notification_item(n: &Notification) -> Result<Item, StoreError> {
    Ok(keyed(
        to_item(n)?,
        keys::shipment_pk(&n.merchant_id, &n.tracking_number),
        keys::notification_sk(&NotificationKey::from(n).moment(), n.channel),
        types::NOTIFICATION,
    ))
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

    async fn query_prefix(&self, pk: String, prefix: &str) -> Result<Vec<Item>, StoreError> {
        Self::query_all(
            self.query()
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#pk", keys::PK)
                .expression_attribute_names("#sk", keys::SK)
                .expression_attribute_values(":pk", s(pk))
                .expression_attribute_values(":prefix", s(prefix))
                .consistent_read(true),
        )
        .await
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

    async fn transact(&self, writes: Vec<TransactWriteItem>) -> Result<(), TransactError> {
        self.client
            .transact_write_items()
            .set_transact_items(Some(writes))
            .send()
            .await
            .map(|_| ())
    }

    /// Creates or replaces a merchant's settings (administration and devstack seeding).
    pub async fn put_merchant(&self, merchant: &Merchant) -> Result<(), StoreError> {
        let item = keyed(
            to_item(merchant)?,
            keys::merchant_pk(&merchant.merchant_id),
            keys::SETTINGS_SK.into(),
            types::MERCHANT,
        );
        self.put_item(item).send().await.map_err(unavailable)?;
        Ok(())
    }
}

impl MerchantStore for DynamoStore {
    async fn merchant(&self, merchant_id: &str) -> Result<Option<Merchant>, StoreError> {
        self.get(keys::merchant_pk(merchant_id), keys::SETTINGS_SK)
            .await?
            .map(from_item)
            .transpose()
    }

    async fn save_settings(&self, merchant: &Merchant) -> Result<(), StoreError> {
        self.update_settings(merchant).await
    }
}

impl ShipmentStore for DynamoStore {
    async fn register(&self, shipment: &Shipment) -> Result<Registration, StoreError> {
        let reference = Item::from([
            (keys::PK.into(), s(keys::merchant_pk(&shipment.merchant_id))),
            (keys::SK.into(), s(keys::shipment_ref_sk(&shipment.id))),
            (keys::TYPE.into(), s(types::SHIPMENT_REF)),
            ("tracking_number".into(), s(&shipment.tracking_number)),
        ]);
        let token = Item::from([
            (keys::PK.into(), s(keys::token_pk(&shipment.token))),
            (keys::SK.into(), s("T")),
            (keys::TYPE.into(), s(types::TOKEN)),
            ("merchant_id".into(), s(&shipment.merchant_id)),
            ("tracking_number".into(), s(&shipment.tracking_number)),
        ]);
        let absent = "attribute_not_exists(PK)";
        let writes = vec![
            self.put(shipment_item(shipment)?, absent)?,
            self.put(reference, absent)?,
            self.put(token, absent)?,
            // Counted in the same transaction: once per shipment, however often registered.
            registration_update(&self.table, shipment)?,
        ];
        match self.transact(writes).await {
            Ok(()) => Ok(Registration::Created(shipment.clone())),
            Err(err) if failed_conditions(&err).contains(&0) => self
                .shipment(&shipment.merchant_id, &shipment.tracking_number)
                .await?
                .map(Registration::Existing)
                // Registered and deleted in between: let the caller retry.
                .ok_or(StoreError::Conflict),
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn shipment(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> Result<Option<Shipment>, StoreError> {
        self.get(
            keys::shipment_pk(merchant_id, tracking_number),
            keys::SHIPMENT_SK,
        )
        .await?
        .map(from_item)
        .transpose()
    }

    async fn shipment_by_id(
        &self,
        merchant_id: &str,
        id: &str,
    ) -> Result<Option<Shipment>, StoreError> {
        let reference = self
            .get(keys::merchant_pk(merchant_id), &keys::shipment_ref_sk(id))
            .await?;
        let Some(AttributeValue::S(tracking_number)) =
            reference.and_then(|mut r| r.remove("tracking_number"))
        else {
            return Ok(None);
        };
        self.shipment(merchant_id, &tracking_number).await
    }

    async fn notifications(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> Result<Vec<Notification>, StoreError> {
        Ok(readable(
            self.query_prefix(
                keys::shipment_pk(merchant_id, tracking_number),
                keys::NOTIFICATION_PREFIX,
            )
            .await?,
        ))
    }

    async fn commit(
        &self,
        expected_version: u64,
        shipment: &Shipment,
        intents: &[Notification],
        deliveries: &[afterclick_domain::webhooks::Delivery],
        outcome: Option<&DeliveryOutcome>,
    ) -> Result<(), StoreError> {
        let mut next = shipment.clone();
        next.version = expected_version + 1;
        let mut intents: Vec<&Notification> = intents.iter().collect();
        let mut deliveries: Vec<_> = deliveries.iter().collect();
        for _ in 0..=INTENT_RETRIES {
            let mut writes = vec![{
                let mut guarded = self.put(shipment_item(&next)?, "#version = :expected")?;
                if let Some(p) = guarded.put.as_mut() {
                    p.expression_attribute_names =
                        Some(HashMap::from([("#version".into(), "version".into())]));
                    p.expression_attribute_values =
                        Some(HashMap::from([(":expected".into(), n(expected_version))]));
                }
                guarded
            }];
            // Counters ride in the same transaction: counted exactly when the delivery is.
            if let Some(outcome) = outcome {
                writes.push(outcome_update(&self.table, &shipment.merchant_id, outcome)?);
            }
            let first_intent = writes.len();
            for intent in &intents {
                writes.push(self.put(notification_item(intent)?, "attribute_not_exists(PK)")?);
            }
            let first_delivery = writes.len();
            for delivery in &deliveries {
                let item = webhooks::delivery_item(delivery)?;
                writes.push(self.put(item, "attribute_not_exists(PK)")?);
            }
            match self.transact(writes).await {
                Ok(()) => return Ok(()),
                Err(err) => {
                    let failed = failed_conditions(&err);
                    if failed.is_empty() {
                        return Err(unavailable(err));
                    }
                    if failed.contains(&0) {
                        return Err(StoreError::Conflict);
                    }
                    // An intent or delivery that already exists was already decided: keep
                    // it, drop ours.
                    let mut index = first_intent;
                    intents.retain(|_| {
                        let keep = !failed.contains(&index);
                        index += 1;
                        keep
                    });
                    let mut index = first_delivery;
                    deliveries.retain(|_| {
                        let keep = !failed.contains(&index);
                        index += 1;
                        keep
                    });
                }
            }
        }
        Err(StoreError::Conflict)
    }
}

impl DynamoStore {
    /// Due shipments and how many index entries the queries read to find them (for the
    /// test that shows the sweeper's cost follows due shipments, not table size).
    pub async fn due_with_cost(&self, now: DateTime<Utc>) -> Result<(Vec<Due>, i64), StoreError> {
        let mut refs = Vec::new();
        let mut scanned = 0i64;
        for partition in 0..keys::DUE_PARTITIONS {
            // Page by page rather than `query_all`: the cost needs each page's scanned count.
            let mut pages = self
                .query()
                .index_name(keys::DUE_INDEX)
                .key_condition_expression("#pk = :pk AND #sk <= :now")
                .expression_attribute_names("#pk", keys::DUE_PK)
                .expression_attribute_names("#sk", keys::DUE_SK)
                .expression_attribute_values(":pk", s(format!("DUE#{partition}")))
                .expression_attribute_values(":now", s(keys::due_sort_key(now)))
                .into_paginator()
                .send();
            while let Some(out) = pages.try_next().await.map_err(unavailable)? {
                scanned += i64::from(out.scanned_count);
                refs.extend(
                    out.items
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(due_item),
                );
            }
        }
        Ok((refs, scanned))
    }
}

impl DynamoStore {
    /// A merchant's delivery-outcome counter items (carrier analytics reads these).
    pub async fn outcome_counters(
        &self,
        merchant_id: &str,
    ) -> Result<Vec<serde_json::Value>, StoreError> {
        self.query_prefix(keys::merchant_pk(merchant_id), "OUTCOME#")
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }
}

/// A due-index entry: a shipment (SK `SHIPMENT`) or a deferred notification (SK `N#...`).
fn due_item(mut item: Item) -> Option<Due> {
    let (
        Some(AttributeValue::S(merchant_id)),
        Some(AttributeValue::S(tracking_number)),
        Some(AttributeValue::S(sk)),
    ) = (
        item.remove("merchant_id"),
        item.remove("tracking_number"),
        item.remove(keys::SK),
    )
    else {
        return None;
    };
    if sk == keys::SHIPMENT_SK {
        return Some(Due::Shipment(ShipmentRef {
            merchant_id,
            tracking_number,
        }));
    }
    if sk.starts_with(keys::DELIVERY_PREFIX) {
        return webhooks::due_delivery(merchant_id, tracking_number, &sk).map(Due::Webhook);
    }
    let rest = sk.strip_prefix(keys::NOTIFICATION_PREFIX)?;
    let (moment, channel) = rest.rsplit_once('#')?;
    let moment = Moment::parse_key(moment)?;
    Some(Due::Notification(NotificationKey {
        merchant_id,
        tracking_number,
        milestone: moment.milestone,
        instance: moment.instance,
        channel: afterclick_domain::Channel::parse(channel)?,
    }))
}

fn template_sk(key: &TemplateKey) -> String {
    format!(
        "TPL#{}#{}#{}",
        key.milestone.as_str(),
        key.channel.as_str(),
        key.locale
    )
}

impl TemplateStore for DynamoStore {
    async fn template(&self, key: &TemplateKey) -> Result<Option<Override>, StoreError> {
        self.get(keys::merchant_pk(&key.merchant_id), &template_sk(key))
            .await?
            .map(from_item)
            .transpose()
    }

    async fn save_template(
        &self,
        key: &TemplateKey,
        template: &Override,
    ) -> Result<(), StoreError> {
        let item = keyed(
            to_item(template)?,
            keys::merchant_pk(&key.merchant_id),
            template_sk(key),
            "template",
        );
        self.put_item(item).send().await.map_err(unavailable)?;
        Ok(())
    }

    async fn delete_template(&self, key: &TemplateKey) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::merchant_pk(&key.merchant_id)))
            .key(keys::SK, s(template_sk(key)))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

/// Opt-outs hold no address: the customer's is hashed (lower-cased first).
fn email_hash(email: &str) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
        email.trim().to_lowercase().as_bytes(),
    ))
}

impl DynamoStore {
    async fn put_marker(&self, pk: String, sk: String, kind: &str) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item(keys::PK, s(pk))
            .item(keys::SK, s(sk))
            .item(keys::TYPE, s(kind))
            .item("created_at", s(Utc::now().to_rfc3339()))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

impl ConsentStore for DynamoStore {
    async fn unsubscribe_shipment(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> Result<(), StoreError> {
        self.put_marker(
            keys::shipment_pk(merchant_id, tracking_number),
            "OPTOUT".into(),
            "opt_out",
        )
        .await
    }

    async fn unsubscribe_customer(&self, merchant_id: &str, email: &str) -> Result<(), StoreError> {
        self.put_marker(
            keys::merchant_pk(merchant_id),
            format!("OPTOUT#{}", email_hash(email)),
            "opt_out",
        )
        .await
    }

    async fn opted_out(&self, shipment: &Shipment) -> Result<Option<&'static str>, StoreError> {
        let pk = keys::shipment_pk(&shipment.merchant_id, &shipment.tracking_number);
        if self.get(pk, "OPTOUT").await?.is_some() {
            return Ok(Some("unsubscribed from this shipment"));
        }
        let Some(email) = &shipment.customer.email else {
            return Ok(None);
        };
        let customer = self
            .get(
                keys::merchant_pk(&shipment.merchant_id),
                &format!("OPTOUT#{}", email_hash(email)),
            )
            .await?;
        Ok(customer.map(|_| "unsubscribed from this merchant"))
    }

    async fn shipment_by_token(&self, token: &str) -> Result<Option<Shipment>, StoreError> {
        let Some(mut item) = self.get(keys::token_pk(token), "T").await? else {
            return Ok(None);
        };
        match (item.remove("merchant_id"), item.remove("tracking_number")) {
            (Some(AttributeValue::S(m)), Some(AttributeValue::S(t))) => self.shipment(&m, &t).await,
            _ => Ok(None),
        }
    }
}

impl DueStore for DynamoStore {
    async fn due(&self, now: DateTime<Utc>) -> Result<Vec<Due>, StoreError> {
        Ok(self.due_with_cost(now).await?.0)
    }
}

impl EventStore for DynamoStore {
    async fn record_event(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        event: &TrackingEvent,
        received_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let item = events::event_item(merchant_id, tracking_number, event, received_at)?;
        let result = self
            .put_item(item)
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await;
        applied(result)
    }

    async fn record_events(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        events: &[TrackingEvent],
        received_at: DateTime<Utc>,
    ) -> Result<afterclick_domain::ports::Recorded, StoreError> {
        self.record_delivery(merchant_id, tracking_number, events, received_at)
            .await
    }

    async fn update_estimate(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        event: &TrackingEvent,
        date: chrono::NaiveDate,
    ) -> Result<bool, StoreError> {
        let result = self
            .update_item(
                keys::shipment_pk(merchant_id, tracking_number),
                keys::event_sk(event.occurred_at, &event.event_id(tracking_number)),
            )
            .update_expression("SET estimated_delivery = :date")
            .condition_expression(
                "attribute_exists(PK) AND (attribute_not_exists(estimated_delivery) OR estimated_delivery <> :date)",
            )
            .expression_attribute_values(":date", s(date.to_string()))
            .send()
            .await;
        applied(result)
    }

    async fn timeline(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> Result<Vec<TrackingEvent>, StoreError> {
        Ok(readable(
            self.query_prefix(
                keys::shipment_pk(merchant_id, tracking_number),
                keys::EVENT_PREFIX,
            )
            .await?,
        ))
    }
}

impl DynamoStore {
    /// An UpdateItem aimed at one notification item.
    fn notification_update(&self, key: &NotificationKey) -> UpdateItemFluentBuilder {
        self.update_item(
            keys::shipment_pk(&key.merchant_id, &key.tracking_number),
            keys::notification_sk(&key.moment(), key.channel),
        )
    }
}

impl NotificationStore for DynamoStore {
    async fn claim(
        &self,
        key: &NotificationKey,
        from: NotificationState,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let result = self
            .notification_update(key)
            // Leaving the due index too: a claimed notification is nobody's to sweep.
            .update_expression("SET #state = :claimed, updated_at = :now REMOVE due_pk, due_sk")
            .condition_expression("#state = :from")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":claimed", s(NotificationState::Claimed.as_str()))
            .expression_attribute_values(":from", s(from.as_str()))
            .expression_attribute_values(":now", s(now.to_rfc3339()))
            .send()
            .await;
        applied(result)
    }

    async fn finish(
        &self,
        key: &NotificationKey,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut sets = vec!["#state = :state", "updated_at = :now"];
        let mut names = HashMap::from([("#state".to_owned(), "state".to_owned())]);
        let mut values = HashMap::from([
            (":state".to_owned(), s(outcome.state().as_str())),
            (
                ":claimed".to_owned(),
                s(NotificationState::Claimed.as_str()),
            ),
            (":now".to_owned(), s(now.to_rfc3339())),
        ]);
        match outcome {
            Outcome::Sent {
                provider_message_id,
                segments,
            } => {
                sets.push("provider_message_id = :id");
                values.insert(":id".into(), s(provider_message_id));
                if let Some(segments) = segments {
                    // `segments` is a DynamoDB reserved word.
                    sets.push("#segments = :segments");
                    names.insert("#segments".to_owned(), "segments".to_owned());
                    values.insert(
                        ":segments".into(),
                        built(serde_dynamo::to_attribute_value(segments))?,
                    );
                }
            }
            Outcome::Deferred { until } => {
                // Into the due index: the sweeper sends it when the quiet hours end.
                sets.extend([
                    "deferred_until = :until",
                    "due_pk = :due_pk",
                    "due_sk = :due_sk",
                ]);
                values.insert(":until".into(), s(until.to_rfc3339()));
                values.insert(
                    ":due_pk".into(),
                    s(keys::due_partition(&key.tracking_number)),
                );
                values.insert(":due_sk".into(), s(keys::due_sort_key(*until)));
            }
            Outcome::Suppressed { reason: detail } | Outcome::Failed { error: detail } => {
                sets.push("detail = :detail");
                values.insert(":detail".into(), s(detail));
            }
        }
        let result = self
            .notification_update(key)
            .update_expression(format!("SET {}", sets.join(", ")))
            .condition_expression("#state = :claimed")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            // Already finished by an earlier attempt: nothing left to record.
            Err(err) if is_conditional_failure(&err) => Ok(()),
            Err(err) => Err(unavailable(err)),
        }
    }
}
