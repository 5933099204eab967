//! Merchant edits of a shipment and the erasure of its customer's personal data.

use super::{DynamoStore, applied, s, shipment_item, unavailable};
use crate::keys;
use afterclick_domain::Shipment;
use afterclick_domain::listing::ERASED_DETAIL;
use afterclick_domain::ports::{Scrubbed, ShipmentAdmin, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;

/// Set on a shipment item written by a merchant's edit: the milestones consumer's stream
/// filter matches it, and its own commits (which rebuild the item) drop it, so an edit is
/// re-evaluated once and the evaluation does not trigger itself.
pub const EDITED_BY: &str = "edited_by";

impl ShipmentAdmin for DynamoStore {
    async fn save_edit(
        &self,
        expected_version: u64,
        shipment: &Shipment,
    ) -> Result<(), StoreError> {
        let mut next = shipment.clone();
        next.version = expected_version + 1;
        let mut item = shipment_item(&next)?;
        item.insert(EDITED_BY.into(), s("merchant"));
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(
                ":expected",
                AttributeValue::N(expected_version.to_string()),
            )
            .send()
            .await;
        if applied(result)? {
            Ok(())
        } else {
            Err(StoreError::Conflict)
        }
    }

    async fn scrub_personal_data(&self, shipment: &Shipment) -> Result<Scrubbed, StoreError> {
        let pk = keys::shipment_pk(&shipment.merchant_id, &shipment.tracking_number);
        let mut scrubbed = Scrubbed::default();
        for item in self
            .query_prefix(pk.clone(), keys::NOTIFICATION_PREFIX)
            .await?
        {
            let signed = matches!(item.get("details"), Some(AttributeValue::M(d)) if d.contains_key("signed_by"));
            let failed_text = matches!(item.get("state"), Some(AttributeValue::S(st)) if st == "failed")
                && matches!(item.get("detail"), Some(AttributeValue::S(d)) if d != ERASED_DETAIL);
            if !(signed || failed_text) {
                continue;
            }
            let mut update = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key_of(&item)))
                .condition_expression("attribute_exists(PK)");
            let mut expression = Vec::new();
            if failed_text {
                expression.push("SET detail = :erased".to_owned());
                update = update.expression_attribute_values(":erased", s(ERASED_DETAIL));
            }
            if signed {
                expression.push("REMOVE details.signed_by".to_owned());
            }
            let done = applied(update.update_expression(expression.join(" ")).send().await)?;
            scrubbed.notifications += usize::from(done);
        }
        for item in self.query_prefix(pk, keys::EVENT_PREFIX).await? {
            if !item.contains_key("signed_by") {
                continue;
            }
            let result = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key_of(&item)))
                .update_expression("REMOVE signed_by")
                .condition_expression("attribute_exists(PK)")
                .send()
                .await;
            scrubbed.events += usize::from(applied(result)?);
        }
        scrubbed.stored_responses = self
            .forget_stored_responses(&shipment.merchant_id, &shipment.id)
            .await?;
        Ok(scrubbed)
    }
}

fn key_of(item: &super::Item) -> super::Item {
    [keys::PK, keys::SK]
        .into_iter()
        .filter_map(|k| item.get(k).map(|v| (k.to_owned(), v.clone())))
        .collect()
}

impl DynamoStore {
    /// Deletes the merchant's stored idempotent responses for `resource` (they echo the
    /// customer's contact details); a replay of the key then runs as a new request.
    async fn forget_stored_responses(
        &self,
        merchant_id: &str,
        resource: &str,
    ) -> Result<usize, StoreError> {
        let mut forgotten = 0;
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .filter_expression("#resource = :resource")
                .expression_attribute_names("#pk", keys::PK)
                .expression_attribute_names("#sk", keys::SK)
                .expression_attribute_names("#resource", "resource")
                .expression_attribute_values(":pk", s(keys::merchant_pk(merchant_id)))
                .expression_attribute_values(":prefix", s(keys::IDEMPOTENCY_PREFIX))
                .expression_attribute_values(":resource", s(resource))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            for item in out.items.unwrap_or_default() {
                self.client
                    .delete_item()
                    .table_name(&self.table)
                    .set_key(Some(key_of(&item)))
                    .send()
                    .await
                    .map_err(unavailable)?;
                forgotten += 1;
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(forgotten);
            }
        }
    }
}
