//! Order lookup through the `by_order` index (`order_pk` = `{merchant_id}#{order_number}`),
//! and fixed-window rate limiting.

use super::{DynamoStore, applied, n, number, s, text};
use crate::keys::{self, ListIndex, types};
use afterclick_domain::Shipment;
use afterclick_domain::ports::{
    Admission, Limit, OrderLookup, RateLimiter, ShipmentStore, StoreError,
};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

impl OrderLookup for DynamoStore {
    async fn shipments_by_order(
        &self,
        merchant_id: &str,
        order_number: &str,
    ) -> Result<Vec<Shipment>, StoreError> {
        let prefix = keys::shipment_pk(merchant_id, "");
        let items = Self::query_all(
            self.query()
                .index_name(ListIndex::ByOrder.name())
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", ListIndex::ByOrder.hash_attribute())
                .expression_attribute_values(":pk", s(keys::order_key(merchant_id, order_number))),
        )
        .await?;
        // Whatever the index projects, the table keys are there: the shipment's PK names
        // its tracking number after the merchant's prefix.
        let tracking_numbers: Vec<&str> = items
            .iter()
            .filter(|item| text(item, keys::SK) == Some(keys::SHIPMENT_SK))
            .filter_map(|item| text(item, keys::PK)?.strip_prefix(&prefix))
            .collect();
        let mut shipments = Vec::new();
        // The index is eventually consistent: read each shipment itself, consistently.
        for tn in tracking_numbers {
            if let Some(shipment) = ShipmentStore::shipment(self, merchant_id, tn).await?
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
        let result = self
            .update_item(
                keys::rate_limit_pk(&hex::encode(Sha256::digest(key.as_bytes()))),
                keys::rate_limit_sk(start),
            )
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

    async fn check(
        &self,
        key: &str,
        limit: Limit,
        now: DateTime<Utc>,
    ) -> Result<Admission, StoreError> {
        let start = limit.window_start(now);
        let item = self
            .get(
                keys::rate_limit_pk(&hex::encode(Sha256::digest(key.as_bytes()))),
                &keys::rate_limit_sk(start),
            )
            .await?;
        let hits = item.as_ref().and_then(|i| number(i, "hits")).unwrap_or(0);
        Ok(if hits >= i64::from(limit.limit) {
            Admission::Limited {
                retry_after_secs: limit.retry_after(now),
            }
        } else {
            Admission::Allowed
        })
    }
}
