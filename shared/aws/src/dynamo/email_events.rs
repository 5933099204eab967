//! SES events on notifications, the merchant's suppression list and the notification
//! counters (see `keys` for the items).

use super::{
    DynamoStore, Item, built, failed_conditions, from_item, lost_a_race, n, s, to_item,
    unavailable, update_write,
};
use crate::keys::{self, types};
use afterclick_domain::email_events::{EmailEvent, EmailEventKind, Suppression, SuppressionReason};
use afterclick_domain::notification_stats::{Counter, Measure, NotificationDay};
use afterclick_domain::ports::{
    EmailEventStore, NotificationKey, NotificationStatsStore, StoreError, SuppressionList,
};
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::time::Duration;

/// Items each day's counters are spread over (by tracking number): a sale's concurrent
/// sends add to different items instead of conflicting on one, and a month is still one
/// Query of 4 × 31 small items.
const SHARDS: u8 = 4;

/// How often a transaction that lost a race for a counter item is tried again.
const CONFLICT_RETRIES: u32 = 5;

fn shard(tracking_number: &str) -> u8 {
    super::shard_of(tracking_number, SHARDS)
}

impl DynamoStore {
    /// One more of `measure` for the notification's milestone and channel on `day`.
    pub(super) fn notification_counter(
        &self,
        key: &NotificationKey,
        day: NaiveDate,
        measure: Measure,
    ) -> Result<TransactWriteItem, StoreError> {
        let counter = Counter {
            milestone: key.milestone,
            channel: key.channel,
            measure,
        };
        update_write(
            Update::builder()
                .table_name(&self.table)
                .key(keys::PK, s(keys::merchant_pk(&key.merchant_id)))
                .key(
                    keys::SK,
                    s(keys::nstats_sk(day, shard(&key.tracking_number))),
                )
                .update_expression("SET #type = :type, #day = :day ADD #counter :one")
                .expression_attribute_names("#type", keys::TYPE)
                .expression_attribute_names("#day", "day")
                .expression_attribute_names("#counter", counter.name())
                .expression_attribute_values(":type", s(types::NOTIFICATION_STATS))
                .expression_attribute_values(":day", s(day.format("%Y-%m-%d").to_string()))
                .expression_attribute_values(":one", n(1)),
        )
    }

    /// A write and its counter: `Ok(false)` when the write's condition (item 0) failed;
    /// a race with another transaction on the counter item is tried again.
    pub(super) async fn counted(&self, writes: Vec<TransactWriteItem>) -> Result<bool, StoreError> {
        let mut races = 0;
        loop {
            let err = match self.transact(writes.clone()).await {
                Ok(()) => return Ok(true),
                Err(err) => err,
            };
            if failed_conditions(&err).contains(&0) {
                return Ok(false);
            }
            if lost_a_race(&err) && races < CONFLICT_RETRIES {
                races += 1;
                tokio::time::sleep(Duration::from_millis(10 << races)).await;
                continue;
            }
            return Err(unavailable(err));
        }
    }
}

impl EmailEventStore for DynamoStore {
    async fn record_email_event(
        &self,
        key: &NotificationKey,
        event: &EmailEvent,
        suppressions: &[Suppression],
    ) -> Result<bool, StoreError> {
        let at = format!("{}_at", event.kind.as_str());
        let mut update = Update::builder()
            .table_name(&self.table)
            .key(
                keys::PK,
                s(keys::shipment_pk(&key.merchant_id, &key.tracking_number)),
            )
            .key(
                keys::SK,
                s(keys::notification_sk(&key.moment(), key.channel)),
            )
            .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#at)")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_names("#at", at)
            .expression_attribute_values(":at", s(event.at.to_rfc3339()));
        update = match (&event.detail, event.kind) {
            (Some(detail), EmailEventKind::Bounced) => update
                .update_expression("SET #at = :at, bounce = :bounce")
                .expression_attribute_values(":bounce", s(detail)),
            _ => update.update_expression("SET #at = :at"),
        };
        let mut writes = vec![
            update_write(update)?,
            self.notification_counter(key, event.sent_at.date_naive(), Measure::Email(event.kind))?,
        ];
        for s in suppressions {
            writes.push(
                TransactWriteItem::builder()
                    .put(built(
                        Put::builder()
                            .table_name(&self.table)
                            .set_item(Some(suppression_item(s)?))
                            .build(),
                    )?)
                    .build(),
            );
        }
        self.counted(writes).await
    }
}

fn suppression_item(suppression: &Suppression) -> Result<Item, StoreError> {
    let mut item = to_item(suppression)?;
    item.insert(
        keys::PK.into(),
        s(keys::merchant_pk(&suppression.merchant_id)),
    );
    item.insert(
        keys::SK.into(),
        s(keys::suppress_sk(&suppression.email_hash)),
    );
    item.insert(keys::TYPE.into(), s(types::SUPPRESSION));
    Ok(item)
}

impl SuppressionList for DynamoStore {
    async fn suppress(&self, suppression: &Suppression) -> Result<bool, StoreError> {
        let item = suppression_item(suppression)?;
        let result = self
            .put_item(item)
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await;
        super::applied(result)
    }

    async fn suppressed(
        &self,
        merchant_id: &str,
        email: &str,
    ) -> Result<Option<SuppressionReason>, StoreError> {
        let item = self
            .get(
                keys::merchant_pk(merchant_id),
                &keys::suppress_sk(&afterclick_domain::listing::email_hash(email)),
            )
            .await?;
        Ok(item
            .map(from_item::<Suppression>)
            .transpose()?
            .map(|s| s.reason))
    }

    async fn suppressions(&self, merchant_id: &str) -> Result<Vec<Suppression>, StoreError> {
        let items = self
            .query_prefix(keys::merchant_pk(merchant_id), keys::SUPPRESS_PREFIX)
            .await?;
        let mut list: Vec<Suppression> = super::readable(items);
        list.sort_by_key(|s| std::cmp::Reverse(s.at));
        Ok(list)
    }

    async fn lift_suppression(
        &self,
        merchant_id: &str,
        email_hash: &str,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::merchant_pk(merchant_id)))
            .key(keys::SK, s(keys::suppress_sk(email_hash)))
            .condition_expression("attribute_exists(PK)")
            .send()
            .await;
        super::applied(result)
    }
}

fn read(item: &Item) -> Option<NotificationDay> {
    let day = match item.get("day") {
        Some(AttributeValue::S(day)) => day.parse().ok()?,
        _ => return None,
    };
    let counts = item
        .iter()
        .filter_map(|(name, value)| {
            let counter = Counter::parse(name)?;
            match value {
                AttributeValue::N(v) => v.parse::<u64>().ok().map(|c| (counter, c)),
                _ => None,
            }
        })
        .collect();
    Some(NotificationDay { day, counts })
}

/// Days read by one Query: a month is read as four Queries at once (a day's four shards
/// hold up to a few hundred counters each; one Query would read them one page after another).
const DAYS_PER_QUERY: i64 = 8;

impl DynamoStore {
    async fn stats_items(
        &self,
        merchant_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Item>, StoreError> {
        Self::query_all(
            self.query()
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .expression_attribute_names("#pk", keys::PK)
                .expression_attribute_names("#sk", keys::SK)
                .expression_attribute_values(":pk", s(keys::merchant_pk(merchant_id)))
                .expression_attribute_values(
                    ":from",
                    s(format!(
                        "{}{}#",
                        keys::NSTATS_PREFIX,
                        from.format("%Y-%m-%d")
                    )),
                )
                .expression_attribute_values(
                    ":to",
                    s(format!(
                        "{}{}#~",
                        keys::NSTATS_PREFIX,
                        to.format("%Y-%m-%d")
                    )),
                ),
        )
        .await
    }
}

impl NotificationStatsStore for DynamoStore {
    async fn notification_stats(
        &self,
        merchant_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<NotificationDay>, StoreError> {
        let mut ranges = Vec::new();
        let mut start = from;
        while start <= to {
            let end = (start + chrono::Duration::days(DAYS_PER_QUERY - 1)).min(to);
            ranges.push((start, end));
            start = end + chrono::Duration::days(1);
        }
        let pages = futures::future::join_all(
            ranges
                .into_iter()
                .map(|(from, to)| self.stats_items(merchant_id, from, to)),
        )
        .await;
        // The shards of a day, added up.
        let mut days: BTreeMap<NaiveDate, NotificationDay> = BTreeMap::new();
        for items in pages {
            for shard in items?.iter().filter_map(read) {
                let day = days.entry(shard.day).or_insert_with(|| NotificationDay {
                    day: shard.day,
                    counts: BTreeMap::new(),
                });
                for (counter, count) in shard.counts {
                    *day.counts.entry(counter).or_default() += count;
                }
            }
        }
        Ok(days.into_values().collect())
    }
}
