//! Lane transit counters: one item per merchant, month and lane, added to by the delivery
//! transaction (exactly when the delivery is counted), read by one BatchGetItem of the
//! months a prediction looks at, kept in memory for [`CACHE_FOR`] (every scan of every parcel
//! on a lane reads the same few items, which move by one delivery at a time). Items expire
//! by TTL once no prediction reads them.

use super::{DynamoStore, Item, n, s, update_write};
use crate::keys::{self, types};
use afterclick_domain::lanes::{
    Lane, LaneCounts, LaneHistory, LaneSample, MAX_TRANSIT_DAYS, WINDOW_MONTHS,
};
use afterclick_domain::ports::{LaneStore, StoreError};
use afterclick_domain::rules::DeliveryOutcome;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a lane item read stays in memory: a delivery counted meanwhile reaches the
/// forecasts at most this late, and a busy lane costs one read a minute, not one per scan
/// (at 40 scans per second, a fifth more requests to DynamoDB otherwise).
const CACHE_FOR: Duration = Duration::from_secs(60);
/// Items kept at most; past it the cache starts again (a process sees few lanes).
const CACHE_ITEMS: usize = 10_000;
/// Items each lane's month is spread over: concurrent deliveries of one carrier add to
/// different items instead of queueing on one (a transaction holding a hot item slows every
/// other transaction on it), and a read is still one BatchGetItem (at most 48 keys).
const SHARDS: u8 = 4;

/// The shard a shipment's deliveries count in: fixed by its tracking number.
fn shard(tracking_number: &str) -> u8 {
    super::shard_of(tracking_number, SHARDS)
}

type Key = (String, String);

/// A lane item as read (none: not there), and when.
type Read = (Instant, Option<LaneCounts>);

/// Lane items by key.
#[derive(Clone, Debug, Default)]
pub(super) struct LaneCache(Arc<Mutex<HashMap<Key, Read>>>);

impl LaneCache {
    fn fresh(&self, key: &Key) -> Option<Option<LaneCounts>> {
        let cache = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cache
            .get(key)
            .filter(|(at, _)| at.elapsed() < CACHE_FOR)
            .map(|(_, counts)| counts.clone())
    }

    fn keep(&self, read: Vec<(Key, Option<LaneCounts>)>) {
        let mut cache = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if cache.len() + read.len() > CACHE_ITEMS {
            cache.clear();
        }
        let now = Instant::now();
        for (key, counts) in read {
            cache.insert(key, (now, counts));
        }
    }
}

fn day_attribute(days: usize) -> String {
    format!("d{days}")
}

/// The stage histograms' attributes: `t` first scan to departure, `a` departure to
/// delivery, `z` arrival at the destination's facility to delivery, `b` departure to that
/// arrival.
fn stage_attribute(prefix: char, days: u32) -> String {
    format!("{prefix}{days}")
}

/// `yyyy-mm` of `at` and of the months before it in the window, newest first.
fn window(at: DateTime<Utc>) -> Vec<String> {
    let first = NaiveDate::from_ymd_opt(at.year(), at.month(), 1);
    (0..WINDOW_MONTHS)
        .filter_map(|back| first?.checked_sub_months(Months::new(back)))
        .map(|m| m.format("%Y-%m").to_string())
        .collect()
}

/// Kept one month past the window: a late prediction of the last day still reads it.
fn expiry(delivered_at: DateTime<Utc>) -> i64 {
    NaiveDate::from_ymd_opt(delivered_at.year(), delivered_at.month(), 1)
        .and_then(|m| m.checked_add_months(Months::new(WINDOW_MONTHS + 1)))
        .and_then(|m| m.and_hms_opt(0, 0, 0))
        .map_or(delivered_at.timestamp(), |m| m.and_utc().timestamp())
}

fn adds(sample: &LaneSample) -> Vec<(String, i64)> {
    let mut out = vec![match sample.transit_days {
        Some(d) => (day_attribute(d as usize), 1),
        None => ("rejected".to_owned(), 1),
    }];
    for (prefix, days) in [
        ('t', sample.to_departure),
        ('a', sample.after_departure),
        ('z', sample.after_destination),
        ('b', sample.departure_to_destination),
    ] {
        if let Some(d) = days {
            out.push((stage_attribute(prefix, d), 1));
        }
    }
    if let Some(late) = sample.carrier_late {
        out.push(("carrier_judged".into(), 1));
        out.push(("carrier_late".into(), i64::from(late)));
    }
    if let Some(ours) = sample.ours {
        out.push(("ours_judged".into(), 1));
        out.push(("ours_inside".into(), i64::from(ours.inside)));
        out.push(("ours_late".into(), i64::from(ours.late)));
    }
    out
}

/// What one delivery adds to each of its lanes, in the month it was delivered.
pub(super) fn lane_updates(
    table: &str,
    merchant_id: &str,
    tracking_number: &str,
    outcome: &DeliveryOutcome,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let shard = shard(tracking_number);
    let Some(sample) = outcome.sample.as_ref() else {
        return Ok(Vec::new());
    };
    let month = outcome.delivered_at.format("%Y-%m").to_string();
    let counters = adds(sample);
    outcome
        .lanes
        .iter()
        .map(|lane| {
            let mut names = HashMap::from([
                ("#type".to_owned(), keys::TYPE.to_owned()),
                ("#month".to_owned(), "month".to_owned()),
                ("#level".to_owned(), "level".to_owned()),
                ("#expires".to_owned(), keys::EXPIRES_AT.to_owned()),
            ]);
            let mut values = HashMap::from([
                (":type".to_owned(), s(types::LANE)),
                (":merchant".to_owned(), s(merchant_id)),
                (":month".to_owned(), s(&month)),
                (":level".to_owned(), s(lane.level.as_str())),
                (":lane".to_owned(), s(&lane.key)),
                (":expires".to_owned(), n(expiry(outcome.delivered_at))),
            ]);
            let mut add_terms = Vec::new();
            for (i, (attribute, amount)) in counters.iter().enumerate() {
                names.insert(format!("#c{i}"), attribute.clone());
                values.insert(format!(":c{i}"), n(amount));
                add_terms.push(format!("#c{i} :c{i}"));
            }
            let update = Update::builder()
                .table_name(table)
                .key(keys::PK, s(keys::merchant_pk(merchant_id)))
                .key(
                    keys::SK,
                    s(keys::lane_sk(&month, lane.level.as_str(), shard, &lane.key)),
                )
                .update_expression(format!(
                    "SET #type = :type, merchant_id = :merchant, #month = :month, \
                     #level = :level, lane = :lane, #expires = :expires ADD {}",
                    add_terms.join(", ")
                ))
                .set_expression_attribute_names(Some(names))
                .set_expression_attribute_values(Some(values));
            update_write(update)
        })
        .collect()
}

fn count(item: &Item, name: &str) -> u64 {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().unwrap_or(0),
        _ => 0,
    }
}

fn counts(item: &Item) -> LaneCounts {
    let mut c = LaneCounts::default();
    for d in 0..=MAX_TRANSIT_DAYS {
        c.days[d] = count(item, &day_attribute(d));
        let day = u32::try_from(d).unwrap_or(u32::MAX);
        c.to_departure[d] = count(item, &stage_attribute('t', day));
        c.after_departure[d] = count(item, &stage_attribute('a', day));
        c.after_destination[d] = count(item, &stage_attribute('z', day));
        c.departure_to_destination[d] = count(item, &stage_attribute('b', day));
    }
    c.rejected = count(item, "rejected");
    c.carrier_judged = count(item, "carrier_judged");
    c.carrier_late = count(item, "carrier_late");
    c.ours_judged = count(item, "ours_judged");
    c.ours_inside = count(item, "ours_inside");
    c.ours_late = count(item, "ours_late");
    c
}

impl LaneStore for DynamoStore {
    async fn lane_history(
        &self,
        merchant_id: &str,
        lanes: &[Lane],
        now: DateTime<Utc>,
    ) -> Result<LaneHistory, StoreError> {
        let pk = keys::merchant_pk(merchant_id);
        let months = window(now);
        let key = |lane: &Lane, month: &str, shard: u8| {
            (
                pk.clone(),
                keys::lane_sk(month, lane.level.as_str(), shard, &lane.key),
            )
        };
        let mut known: HashMap<Key, Option<LaneCounts>> = HashMap::new();
        let mut missing: Vec<Key> = Vec::new();
        for lane in lanes {
            for month in &months {
                for shard in 0..SHARDS {
                    let k = key(lane, month, shard);
                    match self.lanes.fresh(&k) {
                        Some(counts) => {
                            known.insert(k, counts);
                        }
                        None => missing.push(k),
                    }
                }
            }
        }
        if !missing.is_empty() {
            let found = self.batch_get(&missing).await?;
            let read: Vec<(Key, Option<LaneCounts>)> = missing
                .into_iter()
                .map(|k| {
                    let c = found.get(&k).map(counts);
                    (k, c)
                })
                .collect();
            known.extend(read.iter().cloned());
            self.lanes.keep(read);
        }
        Ok(lanes
            .iter()
            .map(|lane| {
                let mut total = LaneCounts::default();
                for month in &months {
                    for shard in 0..SHARDS {
                        if let Some(Some(c)) = known.get(&key(lane, month, shard)) {
                            total.add(c);
                        }
                    }
                }
                (lane.clone(), total)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_window_is_this_month_and_the_two_before() {
        let at = Utc.with_ymd_and_hms(2027, 2, 10, 0, 0, 0).unwrap();
        assert_eq!(window(at), vec!["2027-02", "2027-01", "2026-12"]);
        assert_eq!(
            expiry(at),
            Utc.with_ymd_and_hms(2027, 6, 1, 0, 0, 0)
                .unwrap()
                .timestamp()
        );
    }
}
