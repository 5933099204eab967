//! Order lookup through the `by_order` index (`order_pk` = `{merchant_id}#{order_number}`),
//! and fixed-window rate limiting.

use super::{DynamoStore, Item, applied, s, unavailable};
use crate::keys::{self, ListIndex, types};
use afterclick_domain::Shipment;
use afterclick_domain::ports::{Admission, Limit, OrderLookup, RateLimiter, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

impl OrderLookup for DynamoStore {
    async fn shipments_by_order(
        &self,
        merchant_id: &str,
        order_number: &str,
    ) -> Result<Vec<Shipment>, StoreError> {
        let prefix = keys::shipment_pk(merchant_id, "");
        let mut tracking_numbers = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(ListIndex::ByOrder.name())
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", ListIndex::ByOrder.hash_attribute())
                .expression_attribute_values(":pk", s(keys::order_key(merchant_id, order_number)))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            for item in out.items.unwrap_or_default() {
                // Whatever the index projects, the table keys are there: the shipment's
                // PK names its tracking number after the merchant's prefix.
                let (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) =
                    (item.get(keys::PK), item.get(keys::SK))
                else {
                    continue;
                };
                if sk == keys::SHIPMENT_SK
                    && let Some(tn) = pk.strip_prefix(&prefix)
                {
                    tracking_numbers.push(tn.to_owned());
                }
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        let mut shipments = Vec::new();
        // The index is eventually consistent: read each shipment itself, consistently.
        for tn in tracking_numbers {
            if let Some(shipment) = super::ShipmentStore::shipment(self, merchant_id, &tn).await?
                && shipment.order_number == order_number
            {
                shipments.push(shipment);
            }
        }
        Ok(shipments)
    }
}

impl RateLimiter for DynamoStore {
    async fn hit(
        &self,
        key: &str,
        limit: Limit,
        now: DateTime<Utc>,
    ) -> Result<Admission, StoreError> {
        let start = limit.window_start(now);
        let n = |v: i64| AttributeValue::N(v.to_string());
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(
                keys::PK,
                s(keys::rate_limit_pk(&hex::encode(Sha256::digest(
                    key.as_bytes(),
                )))),
            )
            .key(keys::SK, s(keys::rate_limit_sk(start)))
            .update_expression("SET #type = :type, #expires = :expires ADD hits :one")
            .condition_expression("attribute_not_exists(hits) OR hits < :limit")
            .expression_attribute_names("#type", keys::TYPE)
            .expression_attribute_names("#expires", keys::EXPIRES_AT)
            .expression_attribute_values(":type", s(types::RATE_LIMIT))
            .expression_attribute_values(":expires", n(start + limit.window_secs + 60))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":limit", n(i64::from(limit.limit)))
            .send()
            .await;
        Ok(if applied(result)? {
            Admission::Allowed
        } else {
            Admission::Limited {
                retry_after_secs: limit.retry_after(now),
            }
        })
    }
}
