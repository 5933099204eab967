//! Store-platform orders (`M#..`/`ORDER#{order_number}`), handled platform deliveries
//! (`M#..`/`HOOK#{platform}#{sha256(delivery id)}`, kept a few days by TTL) and the
//! merchant's platform connections (`integrations` on the settings item).

use super::{DynamoStore, applied, from_item, keyed, n, number, s, to_item};
use crate::keys::{self, types};
use afterclick_domain::model::Integration;
use afterclick_domain::orders::Order;
use afterclick_domain::ports::{IntegrationStore, OrderStore, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Longer than any platform retries (Shopify: 4 hours, and up to a day late; BigCommerce:
/// about 48 hours).
const HANDLED_FOR: Duration = Duration::days(4);

fn handled_sk(platform: &str, delivery_id: &str) -> String {
    let digest = hex::encode(Sha256::digest(delivery_id.as_bytes()));
    format!("{}{platform}#{digest}", keys::HANDLED_PREFIX)
}

impl OrderStore for DynamoStore {
    async fn order(
        &self,
        merchant_id: &str,
        order_number: &str,
    ) -> Result<Option<Order>, StoreError> {
        self.get(
            keys::merchant_pk(merchant_id),
            &keys::order_sk(order_number),
        )
        .await?
        .map(from_item)
        .transpose()
    }

    async fn save_order(&self, order: &Order) -> Result<(), StoreError> {
        let item = keyed(
            to_item(order)?,
            keys::merchant_pk(&order.merchant_id),
            keys::order_sk(&order.order_number),
            types::ORDER,
        );
        let request = self.put_item(item);
        let request = if order.version <= 1 {
            request.condition_expression("attribute_not_exists(PK)")
        } else {
            request
                .condition_expression("version = :previous")
                .expression_attribute_values(":previous", n(order.version - 1))
        };
        if applied(request.send().await)? {
            Ok(())
        } else {
            Err(StoreError::Conflict)
        }
    }

    async fn delivery_handled(
        &self,
        merchant_id: &str,
        platform: &str,
        delivery_id: &str,
    ) -> Result<bool, StoreError> {
        let item = self
            .get(
                keys::merchant_pk(merchant_id),
                &handled_sk(platform, delivery_id),
            )
            .await?;
        // TTL deletes days late: an expired marker is no marker.
        let now = Utc::now().timestamp();
        Ok(item.is_some_and(|i| number(&i, keys::EXPIRES_AT).is_none_or(|at| at > now)))
    }

    async fn mark_delivery_handled(
        &self,
        merchant_id: &str,
        platform: &str,
        delivery_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut item = keyed(
            HashMap::new(),
            keys::merchant_pk(merchant_id),
            handled_sk(platform, delivery_id),
            types::HANDLED_DELIVERY,
        );
        item.insert("handled_at".into(), s(now.to_rfc3339()));
        item.insert(keys::EXPIRES_AT.into(), n((now + HANDLED_FOR).timestamp()));
        self.put_item(item)
            .send()
            .await
            .map_err(super::unavailable)?;
        Ok(())
    }
}

impl IntegrationStore for DynamoStore {
    async fn save_integration(
        &self,
        merchant_id: &str,
        platform: &str,
        integration: Option<&Integration>,
    ) -> Result<(), StoreError> {
        let update = || self.update_item(keys::merchant_pk(merchant_id), keys::SETTINGS_SK);
        let Some(integration) = integration else {
            let removed = update()
                .update_expression("REMOVE integrations.#p")
                .condition_expression("attribute_exists(integrations)")
                .expression_attribute_names("#p", platform)
                .send()
                .await;
            // No map: nothing was connected, nothing to remove.
            applied(removed)?;
            return Ok(());
        };
        let value = AttributeValue::M(to_item(integration)?);
        // A merchant without any connection has no map to add one to yet.
        let created = update()
            .update_expression("SET integrations = :map")
            .condition_expression("attribute_exists(PK) AND attribute_not_exists(integrations)")
            .expression_attribute_values(
                ":map",
                AttributeValue::M(HashMap::from([(platform.to_owned(), value.clone())])),
            )
            .send()
            .await;
        if applied(created)? {
            return Ok(());
        }
        let set = update()
            .update_expression("SET integrations.#p = :v")
            .condition_expression("attribute_exists(integrations)")
            .expression_attribute_names("#p", platform)
            .expression_attribute_values(":v", value)
            .send()
            .await;
        if applied(set)? {
            Ok(())
        } else {
            Err(StoreError::Conflict)
        }
    }
}
