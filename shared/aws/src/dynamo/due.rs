//! The sweeper's due work, found through the sparse due index: shipments, deferred
//! notifications and webhook deliveries to retry; and the wake-ups it sets on the latter two
//! for notify and dispatch (see `DueStore`).

use super::{DynamoStore, Item, applied, outgoing, s, unavailable};
use crate::keys;
use afterclick_domain::milestone::Moment;
use afterclick_domain::model::WAKE_AGAIN_AFTER;
use afterclick_domain::outgoing::DeliveryKey;
use afterclick_domain::ports::{Due, DueStore, NotificationKey, ShipmentRef, StoreError};
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};

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

/// A due-index entry: a shipment (SK `SHIPMENT`), a deferred notification (SK `N#...`), a
/// webhook delivery (`W#...`) or a store shipment to fetch (`FETCH#...`).
fn due_item(mut item: Item) -> Option<Due> {
    if let (Some(AttributeValue::S(sk)), Some(AttributeValue::S(merchant_id))) =
        (item.get(keys::SK), item.get("merchant_id"))
        && sk.starts_with(keys::FETCH_PREFIX)
    {
        return super::orders::due_fetch(merchant_id.clone(), sk).map(Due::Fetch);
    }
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
        return outgoing::due_delivery(merchant_id, tracking_number, &sk).map(Due::Webhook);
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

/// Sets `woken_at` on an item only while the due index still lists it at `now` (a claim or
/// finish since the sweep read it moved or removed its `due_sk`) and no wake-up of the last
/// [`WAKE_AGAIN_AFTER`] stands on it (a duplicate sweep wakes nothing twice).
pub(super) async fn wake(
    update: UpdateItemFluentBuilder,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let result = update
        .update_expression("SET #woken = :now")
        .condition_expression(
            "#due_sk <= :due AND (attribute_not_exists(#woken) OR #woken <= :again)",
        )
        .expression_attribute_names("#woken", keys::WOKEN_AT)
        .expression_attribute_names("#due_sk", keys::DUE_SK)
        .expression_attribute_values(":now", s(keys::woken_at(now)))
        .expression_attribute_values(":due", s(keys::due_sort_key(now)))
        .expression_attribute_values(":again", s(keys::woken_at(now - WAKE_AGAIN_AFTER)))
        .send()
        .await;
    applied(result)
}

impl DueStore for DynamoStore {
    async fn due(&self, now: DateTime<Utc>) -> Result<Vec<Due>, StoreError> {
        Ok(self.due_with_cost(now).await?.0)
    }

    async fn wake_notification(
        &self,
        key: &NotificationKey,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        wake(self.notification_update(key), now).await
    }

    async fn wake_delivery(
        &self,
        key: &DeliveryKey,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let update = self.update_item(
            keys::shipment_pk(&key.merchant_id, &key.tracking_number),
            keys::delivery_sk(&key.endpoint_id, &key.moment),
        );
        wake(update, now).await
    }
}
