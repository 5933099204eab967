//! Monthly delivery-outcome counters: written by registration and delivery transactions,
//! read by key range for carrier analytics.

use super::{DynamoStore, Item, from_item, n, s, text, update_write};
use crate::keys::{self, types};
use afterclick_domain::Shipment;
use afterclick_domain::analytics::{OutcomeCounters, TRANSIT_BUCKETS, Totals, transit_bucket};
use afterclick_domain::ports::{AnalyticsStore, StoreError};
use afterclick_domain::rules::DeliveryOutcome;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

fn month(at: DateTime<Utc>) -> String {
    at.format("%Y-%m").to_string()
}

/// Where a shipment's counters live: merchant, month, carrier, service, country.
struct CounterKey<'a> {
    merchant_id: &'a str,
    month: String,
    carrier: &'a str,
    service: Option<&'a str>,
    country: Option<&'a str>,
}

/// Atomic `ADD`s on one counter item, naming the item (whoever creates it first).
fn counter_update(
    table: &str,
    key: &CounterKey<'_>,
    adds: &[(&str, i64)],
) -> Result<TransactWriteItem, StoreError> {
    let mut names = HashMap::from([
        ("#type".to_owned(), keys::TYPE.to_owned()),
        ("#month".to_owned(), "month".to_owned()),
    ]);
    let mut values = HashMap::from([
        (":type".to_owned(), s(types::OUTCOME)),
        (":merchant".to_owned(), s(key.merchant_id)),
        (":carrier".to_owned(), s(key.carrier)),
        (":month".to_owned(), s(&key.month)),
    ]);
    let mut sets = vec![
        "#type = :type",
        "merchant_id = :merchant",
        "carrier = :carrier",
        "#month = :month",
    ];
    if let Some(service) = key.service {
        sets.push("service = :service");
        values.insert(":service".into(), s(service));
    }
    if let Some(country) = key.country {
        sets.push("destination_country = :country");
        values.insert(":country".into(), s(country));
    }
    // Counter names go through placeholders: some are DynamoDB reserved words.
    let mut add_terms = Vec::new();
    for (i, (attribute, amount)) in adds.iter().enumerate() {
        names.insert(format!("#c{i}"), (*attribute).to_owned());
        values.insert(format!(":c{i}"), n(amount));
        add_terms.push(format!("#c{i} :c{i}"));
    }
    let update = Update::builder()
        .table_name(table)
        .key(keys::PK, s(keys::merchant_pk(key.merchant_id)))
        .key(
            keys::SK,
            s(keys::outcome_sk(
                &key.month,
                key.carrier,
                key.service,
                key.country,
            )),
        )
        .update_expression(format!(
            "SET {} ADD {}",
            sets.join(", "),
            add_terms.join(", ")
        ))
        .set_expression_attribute_names(Some(names))
        .set_expression_attribute_values(Some(values));
    update_write(update)
}

/// One more registered shipment, in the month it was registered.
pub(super) fn registration_update(
    table: &str,
    shipment: &Shipment,
) -> Result<TransactWriteItem, StoreError> {
    let key = CounterKey {
        merchant_id: &shipment.merchant_id,
        month: month(shipment.created_at),
        carrier: &shipment.carrier,
        service: shipment.service.as_deref(),
        country: shipment.destination_country.as_deref(),
    };
    counter_update(table, &key, &[("shipments", 1)])
}

/// What one delivery adds, in the month it was delivered: delivered, on time against the
/// promise and the carrier's first estimate, exception, failed attempt, transit time (sum and histogram bucket).
pub(super) fn outcome_update(
    table: &str,
    merchant_id: &str,
    o: &DeliveryOutcome,
) -> Result<TransactWriteItem, StoreError> {
    let mut adds = vec![("delivered", 1)];
    if let Some(on_time) = o.on_time {
        adds.extend([("promised", 1), ("on_time", i64::from(on_time))]);
    }
    if let Some(on_estimate) = o.on_estimate {
        adds.extend([("estimated", 1), ("on_estimate", i64::from(on_estimate))]);
    }
    if o.had_exception {
        adds.push(("exceptions", 1));
    }
    if o.had_failed_attempt {
        adds.push(("failed_attempts", 1));
    }
    if let Some(hours) = o.transit_hours {
        adds.extend([
            ("transit_count", 1),
            ("transit_hours_sum", hours),
            (transit_bucket(hours).attribute, 1),
            (transit_bucket(hours).hours_attribute, hours),
            (transit_bucket(hours).timed_attribute, 1),
        ]);
    }
    let key = CounterKey {
        merchant_id,
        month: month(o.delivered_at),
        carrier: &o.carrier,
        service: o.service.as_deref(),
        country: o.destination_country.as_deref(),
    };
    counter_update(table, &key, &adds)
}

fn count(item: &Item, name: &str) -> Result<u64, StoreError> {
    match item.get(name) {
        None => Ok(0),
        Some(AttributeValue::N(n)) => n
            .parse::<u64>()
            .map_err(|_| StoreError::Corrupt(format!("counter {name} is not a count"))),
        Some(_) => Err(StoreError::Corrupt(format!(
            "counter {name} is not a number"
        ))),
    }
}

fn counters(item: &Item) -> Result<OutcomeCounters, StoreError> {
    let mut transit = [0; TRANSIT_BUCKETS.len()];
    let mut transit_hours = [None; TRANSIT_BUCKETS.len()];
    for (i, bucket) in TRANSIT_BUCKETS.iter().enumerate() {
        transit[i] = count(item, bucket.attribute)?;
        // Known only when every delivery of the bucket was counted with its hours.
        transit_hours[i] = (count(item, bucket.timed_attribute)? == transit[i])
            .then(|| count(item, bucket.hours_attribute))
            .transpose()?;
    }
    let owned = |name| text(item, name).map(str::to_owned);
    let (Some(month), Some(carrier)) = (owned("month"), owned("carrier")) else {
        return Err(StoreError::Corrupt(
            "outcome item without month or carrier".into(),
        ));
    };
    Ok(OutcomeCounters {
        month,
        carrier,
        service: owned("service"),
        destination_country: owned("destination_country"),
        totals: Totals {
            shipments: count(item, "shipments")?,
            delivered: count(item, "delivered")?,
            promised: count(item, "promised")?,
            on_time: count(item, "on_time")?,
            estimated: count(item, "estimated")?,
            on_estimate: count(item, "on_estimate")?,
            exceptions: count(item, "exceptions")?,
            failed_attempts: count(item, "failed_attempts")?,
            transit,
            transit_hours,
            // Written by the ratings path on the delivery's item (stars 1 to 5).
            rating_count: count(item, "rating_count")?,
            rating_sum: count(item, "rating_sum")?,
        },
    })
}

impl AnalyticsStore for DynamoStore {
    async fn counters_between(
        &self,
        merchant_id: &str,
        from_month: &str,
        to_month: &str,
    ) -> Result<Vec<OutcomeCounters>, StoreError> {
        let (from, to) = keys::outcome_range(from_month, to_month);
        let items = Self::query_all(
            self.query()
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .expression_attribute_names("#pk", keys::PK)
                .expression_attribute_names("#sk", keys::SK)
                .expression_attribute_values(":pk", s(keys::merchant_pk(merchant_id)))
                .expression_attribute_values(":from", s(from))
                .expression_attribute_values(":to", s(to))
                .consistent_read(true),
        )
        .await?;
        let mut found = Vec::new();
        for item in items {
            // One unreadable item must not hide every carrier's figures.
            match counters(&item) {
                Ok(c) => found.push(c),
                Err(err) => tracing::warn!(
                    sk = text(&item, keys::SK).unwrap_or_default(),
                    error = %err,
                    "skipped an unreadable outcome item"
                ),
            }
        }
        Ok(found)
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
