//! Merchant edits of a shipment and the erasure of its customer's personal data.

use super::shipments::shipment_item;
use super::{DynamoStore, applied, n, s, text, unavailable};
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
            .put_item(item)
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", n(expected_version))
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
        for item in self.query_prefix(pk.clone(), keys::EVENT_PREFIX).await? {
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
        scrubbed.rating_comments = usize::from(self.erase_rating_comment(&pk).await?);
        scrubbed.stored_responses = self.forget_stored_responses(shipment, pk).await?;
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
    /// The customer's free text goes; the stars stay (anonymous, still counted), and so
    /// does the revision the next rating post is guarded by.
    async fn erase_rating_comment(&self, pk: &str) -> Result<bool, StoreError> {
        let result = self
            .update_item(pk, keys::RATING_SK)
            .update_expression("REMOVE #comment")
            .condition_expression("attribute_exists(#comment)")
            .expression_attribute_names("#comment", "comment")
            .send()
            .await;
        applied(result)
    }

    /// Deletes the stored idempotent responses about the shipment (they echo the
    /// customer's contact details), found by the references under its partition that
    /// completing them wrote; a replay of such a key then runs as a new request.
    async fn forget_stored_responses(
        &self,
        shipment: &Shipment,
        pk: String,
    ) -> Result<usize, StoreError> {
        let mut forgotten = 0;
        for reference in self.query_prefix(pk, keys::IDEMPOTENCY_REF_PREFIX).await? {
            let Some(key_hash) = text(&reference, keys::SK)
                .and_then(|sk| sk.strip_prefix(keys::IDEMPOTENCY_REF_PREFIX))
            else {
                continue;
            };
            // Only while the record is still this shipment's: an expired key may since
            // have been claimed by another request.
            let result = self
                .client
                .delete_item()
                .table_name(&self.table)
                .key(keys::PK, s(keys::merchant_pk(&shipment.merchant_id)))
                .key(keys::SK, s(keys::idempotency_sk(key_hash)))
                .condition_expression("#resource = :resource")
                .expression_attribute_names("#resource", "resource")
                .expression_attribute_values(":resource", s(&shipment.id))
                .send()
                .await;
            forgotten += usize::from(applied(result)?);
            // The reference last: a failure before this leaves it for the repeat to find.
            self.client
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(key_of(&reference)))
                .send()
                .await
                .map_err(unavailable)?;
        }
        Ok(forgotten)
    }
}
