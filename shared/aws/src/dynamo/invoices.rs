//! Imported invoices: the summary under the merchant, claims and unmatched tracking numbers
//! in the invoice's own partition, open claims in the sparse `by_attention` index by
//! deadline. See [`crate::keys`].

use super::outgoing::delivery_item;
use super::{
    DynamoStore, Item, built, from_item, keyed, lost_a_race, readable, s, to_item, unavailable,
};
use crate::keys::{self, types};
use afterclick_domain::Shipment;
use afterclick_domain::invoices::{Finding, GuaranteeTable, InvoiceRecord};
use afterclick_domain::outgoing::Delivery;
use afterclick_domain::ports::{InvoiceSaved, InvoiceStore, StoreError};
use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// BatchWriteItem's own limit on items per request.
const BATCH_WRITE: usize = 25;
/// Unmatched tracking numbers per item (well under the 400 KB item limit).
const UNMATCHED_PER_ITEM: usize = 2_000;
/// Unprocessed items (throttling) are written again this often, with a growing pause.
const UNPROCESSED_RETRIES: u32 = 8;

fn claim_item(record: &InvoiceRecord, claim: &Finding) -> Result<Item, StoreError> {
    let mut item = keyed(
        to_item(claim)?,
        keys::invoice_pk(&record.merchant_id, &record.id),
        keys::claim_sk(&record.digest, &claim.id),
        types::INVOICE_CLAIM,
    );
    item.insert("digest".into(), s(&record.digest));
    item.insert(
        keys::ATTENTION_PK.into(),
        s(keys::claims_attention_pk(&record.merchant_id)),
    );
    item.insert(
        keys::LIST_SK.into(),
        s(keys::claim_list_sk(claim.deadline, &claim.id)),
    );
    Ok(item)
}

fn unmatched_items(record: &InvoiceRecord, unmatched: &[String]) -> Vec<Item> {
    unmatched
        .chunks(UNMATCHED_PER_ITEM)
        .enumerate()
        .map(|(i, chunk)| {
            let mut item = Item::new();
            item.insert(
                "tracking_numbers".into(),
                aws_sdk_dynamodb::types::AttributeValue::L(chunk.iter().map(s).collect()),
            );
            item.insert("digest".into(), s(&record.digest));
            keyed(
                item,
                keys::invoice_pk(&record.merchant_id, &record.id),
                keys::unmatched_sk(&record.digest, i),
                types::INVOICE_UNMATCHED,
            )
        })
        .collect()
}

impl DynamoStore {
    /// Puts every item, 25 per request, again for those DynamoDB left unprocessed.
    async fn batch_put(&self, items: Vec<Item>) -> Result<(), StoreError> {
        for chunk in items.chunks(BATCH_WRITE) {
            let mut requests: Vec<WriteRequest> = chunk
                .iter()
                .map(|item| {
                    built(PutRequest::builder().set_item(Some(item.clone())).build())
                        .map(|put| WriteRequest::builder().put_request(put).build())
                })
                .collect::<Result<_, _>>()?;
            let mut retries = 0;
            while !requests.is_empty() {
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, requests)
                    .send()
                    .await
                    .map_err(unavailable)?;
                requests = out
                    .unprocessed_items
                    .and_then(|mut u| u.remove(&self.table))
                    .unwrap_or_default();
                if !requests.is_empty() {
                    retries += 1;
                    if retries > UNPROCESSED_RETRIES {
                        return Err(StoreError::Unavailable(
                            "BatchWriteItem left items unprocessed after its retries".into(),
                        ));
                    }
                    tokio::time::sleep(Duration::from_millis(20 << retries.min(6))).await;
                }
            }
        }
        Ok(())
    }

    /// Items of an import's partition saved with this record's content.
    async fn import_items(
        &self,
        record: &InvoiceRecord,
        prefix: &str,
    ) -> Result<Vec<Item>, StoreError> {
        let query = self
            .prefix_query(keys::invoice_pk(&record.merchant_id, &record.id), prefix)
            .filter_expression("digest = :digest")
            .expression_attribute_values(":digest", s(&record.digest));
        Self::query_all(query).await
    }
}

impl InvoiceStore for DynamoStore {
    async fn shipments_by_tracking(
        &self,
        merchant_id: &str,
        tracking_numbers: &[String],
    ) -> Result<Vec<Shipment>, StoreError> {
        let unique: HashSet<&String> = tracking_numbers.iter().collect();
        let wanted: Vec<(String, String)> = unique
            .into_iter()
            .map(|tn| {
                (
                    keys::shipment_pk(merchant_id, tn),
                    keys::SHIPMENT_SK.to_owned(),
                )
            })
            .collect();
        let found = self.batch_get(&wanted).await?;
        Ok(readable(found.into_values().collect()))
    }

    async fn invoice(
        &self,
        merchant_id: &str,
        id: &str,
    ) -> Result<Option<InvoiceRecord>, StoreError> {
        self.get(keys::merchant_pk(merchant_id), &keys::invoice_sk(id))
            .await?
            .map(from_item)
            .transpose()
    }

    async fn invoices(&self, merchant_id: &str) -> Result<Vec<InvoiceRecord>, StoreError> {
        let mut list: Vec<InvoiceRecord> = readable(
            self.query_prefix(keys::merchant_pk(merchant_id), keys::INVOICE_PREFIX)
                .await?,
        );
        list.sort_by_key(|r| std::cmp::Reverse(r.imported_at));
        Ok(list)
    }

    async fn save_invoice(
        &self,
        record: &InvoiceRecord,
        claims: &[Finding],
        unmatched: &[String],
        deliveries: &[Delivery],
    ) -> Result<InvoiceSaved, StoreError> {
        let mut items = claims
            .iter()
            .map(|c| claim_item(record, c))
            .collect::<Result<Vec<_>, _>>()?;
        items.extend(unmatched_items(record, unmatched));
        self.batch_put(items).await?;
        // The summary makes the import visible; the deliveries go with it, once.
        let header = keyed(
            to_item(record)?,
            keys::merchant_pk(&record.merchant_id),
            keys::invoice_sk(&record.id),
            types::INVOICE,
        );
        let mut writes = vec![self.put(header, "attribute_not_exists(PK)")?];
        for d in deliveries {
            writes.push(self.put(delivery_item(d)?, "attribute_not_exists(PK)")?);
        }
        match self.transact(writes).await {
            Ok(()) => Ok(InvoiceSaved::Created),
            Err(err) if lost_a_race(&err) => Err(StoreError::Conflict),
            Err(err) => match self.invoice(&record.merchant_id, &record.id).await? {
                Some(existing) => Ok(InvoiceSaved::Existing(Box::new(existing))),
                None => Err(unavailable(err)),
            },
        }
    }

    async fn claims(&self, record: &InvoiceRecord) -> Result<Vec<Finding>, StoreError> {
        let mut claims: Vec<Finding> = readable(
            self.import_items(record, &keys::claims_prefix(&record.digest))
                .await?,
        );
        claims.sort_by(|a, b| {
            (a.deadline, &a.tracking_number, a.kind).cmp(&(b.deadline, &b.tracking_number, b.kind))
        });
        Ok(claims)
    }

    async fn unmatched(&self, record: &InvoiceRecord) -> Result<Vec<String>, StoreError> {
        let mut items = self
            .import_items(record, &keys::unmatched_prefix(&record.digest))
            .await?;
        items.sort_by_key(|i| super::text(i, keys::SK).map(str::to_owned));
        let mut out = Vec::new();
        for item in items {
            if let Some(aws_sdk_dynamodb::types::AttributeValue::L(list)) =
                item.get("tracking_numbers")
            {
                out.extend(list.iter().filter_map(|v| v.as_s().ok().cloned()));
            }
        }
        Ok(out)
    }

    async fn claims_due(
        &self,
        merchant_id: &str,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<Finding>, StoreError> {
        let query = self
            .query()
            .index_name(keys::ATTENTION_INDEX)
            .key_condition_expression("#pk = :pk AND #sk BETWEEN :from AND :until")
            .expression_attribute_names("#pk", keys::ATTENTION_PK)
            .expression_attribute_names("#sk", keys::LIST_SK)
            .expression_attribute_values(":pk", s(keys::claims_attention_pk(merchant_id)))
            .expression_attribute_values(":from", s(format!("{from}#")))
            .expression_attribute_values(":until", s(format!("{until}$")));
        let items = Self::query_all(query).await?;
        // Only claims of imports that completed, with the content they completed with.
        let mut digests: HashMap<String, Option<String>> = HashMap::new();
        let mut out = Vec::new();
        for item in items {
            let digest = super::text(&item, "digest").map(str::to_owned);
            let Ok(finding) = from_item::<Finding>(item) else {
                continue;
            };
            if !digests.contains_key(&finding.invoice_id) {
                let saved = self.invoice(merchant_id, &finding.invoice_id).await?;
                digests.insert(finding.invoice_id.clone(), saved.map(|r| r.digest));
            }
            if digests.get(&finding.invoice_id).cloned().flatten() == digest {
                out.push(finding);
            }
        }
        Ok(out)
    }

    async fn guarantees(&self, merchant_id: &str) -> Result<Option<GuaranteeTable>, StoreError> {
        self.get(keys::merchant_pk(merchant_id), keys::GUARANTEES_SK)
            .await?
            .map(from_item)
            .transpose()
    }

    async fn save_guarantees(
        &self,
        merchant_id: &str,
        table: &GuaranteeTable,
    ) -> Result<(), StoreError> {
        let item = keyed(
            to_item(table)?,
            keys::merchant_pk(merchant_id),
            keys::GUARANTEES_SK.to_owned(),
            types::GUARANTEES,
        );
        self.put_item(item).send().await.map_err(unavailable)?;
        Ok(())
    }
}
