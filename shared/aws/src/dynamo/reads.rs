//! The batched reads of [`SnapshotReads`] and [`NotificationReads`]: BatchGetItem instead
//! of one GetItem per item. Under load every round trip counts (a webhook event used to
//! cost nine GetItems across the pipeline).

use super::consent::email_hash;
use super::templates::template_sk;
use super::{DynamoStore, Item, from_item, number, s, unavailable};
use crate::keys;
use afterclick_domain::milestone::Milestone;
use afterclick_domain::ports::{
    NotificationContext, NotificationReads, OrderLookup, Snapshot, SnapshotReads, StoreError,
    TemplateKey,
};
use afterclick_domain::{Channel, Merchant, Shipment};
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use std::collections::HashMap;
use std::time::Duration;

type Key = (String, String);

/// BatchGetItem's own limit on keys per request.
const MAX_KEYS: usize = 100;
/// Unprocessed keys (throttling) are asked for again this often, with a growing pause.
const UNPROCESSED_RETRIES: u32 = 5;

fn key_of(item: &Item) -> Option<Key> {
    match (item.get(keys::PK), item.get(keys::SK)) {
        (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) => {
            Some((pk.clone(), sk.clone()))
        }
        _ => None,
    }
}

impl DynamoStore {
    /// The items that exist among `wanted`, by key; strongly consistent like every
    /// single read of this store.
    pub(super) async fn batch_get(&self, wanted: &[Key]) -> Result<HashMap<Key, Item>, StoreError> {
        let mut found = HashMap::new();
        for chunk in wanted.chunks(MAX_KEYS) {
            let mut request = Some(super::built(
                KeysAndAttributes::builder()
                    .set_keys(Some(
                        chunk
                            .iter()
                            .map(|(pk, sk)| {
                                HashMap::from([
                                    (keys::PK.to_owned(), s(pk.clone())),
                                    (keys::SK.to_owned(), s(sk.clone())),
                                ])
                            })
                            .collect(),
                    ))
                    .consistent_read(true)
                    .build(),
            )?);
            let mut retries = 0;
            while let Some(keys_and_attributes) = request.take() {
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, keys_and_attributes)
                    .send()
                    .await
                    .map_err(unavailable)?;
                for item in out
                    .responses
                    .and_then(|mut r| r.remove(&self.table))
                    .unwrap_or_default()
                {
                    if let Some(key) = key_of(&item) {
                        found.insert(key, item);
                    }
                }
                request = out
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .filter(|k| !k.keys.is_empty());
                if request.is_some() {
                    retries += 1;
                    if retries > UNPROCESSED_RETRIES {
                        return Err(StoreError::Unavailable(
                            "BatchGetItem left keys unprocessed after its retries".into(),
                        ));
                    }
                    tokio::time::sleep(Duration::from_millis(20 << retries)).await;
                }
            }
        }
        Ok(found)
    }
}

fn shipment_key(merchant_id: &str, tracking_number: &str) -> Key {
    (
        keys::shipment_pk(merchant_id, tracking_number),
        keys::SHIPMENT_SK.to_owned(),
    )
}

fn merchant_key(merchant_id: &str) -> Key {
    (keys::merchant_pk(merchant_id), keys::SETTINGS_SK.to_owned())
}

fn take<T: serde::de::DeserializeOwned>(
    found: &mut HashMap<Key, Item>,
    key: &Key,
) -> Result<Option<T>, StoreError> {
    found.remove(key).map(from_item).transpose()
}

impl SnapshotReads for DynamoStore {
    /// The shipment, the merchant and the merchant's endpoint count in one request.
    async fn snapshot(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> Result<Snapshot, StoreError> {
        let count = (
            keys::merchant_pk(merchant_id),
            keys::ENDPOINT_COUNT_SK.to_owned(),
        );
        let (shipment, merchant) = (
            shipment_key(merchant_id, tracking_number),
            merchant_key(merchant_id),
        );
        let mut found = self
            .batch_get(&[shipment.clone(), merchant.clone(), count.clone()])
            .await?;
        let may_have_endpoints = found
            .get(&count)
            .and_then(|item| number(item, "endpoints"))
            .is_some_and(|n| n > 0);
        Ok(Snapshot {
            shipment: take(&mut found, &shipment)?,
            merchant: take(&mut found, &merchant)?,
            may_have_endpoints,
        })
    }
}

impl NotificationReads for DynamoStore {
    /// Two requests whatever the number of intents: the shipment, its merchant and the
    /// shipment's opt-out; then what depends on them (the customer's opt-out, by the hash
    /// of their address, and the templates in their locale).
    async fn notification_context(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        messages: &[(Milestone, Channel)],
    ) -> Result<NotificationContext, StoreError> {
        let shipment_optout = (
            keys::shipment_pk(merchant_id, tracking_number),
            "OPTOUT".to_owned(),
        );
        let (shipment, merchant) = (
            shipment_key(merchant_id, tracking_number),
            merchant_key(merchant_id),
        );
        let mut found = self
            .batch_get(&[shipment.clone(), merchant.clone(), shipment_optout.clone()])
            .await?;
        let shipment: Option<Shipment> = take(&mut found, &shipment)?;
        let merchant: Option<Merchant> = take(&mut found, &merchant)?;
        let (Some(s), Some(m)) = (&shipment, &merchant) else {
            return Ok(NotificationContext {
                shipment,
                merchant,
                ..Default::default()
            });
        };
        let mut opted_out = found
            .contains_key(&shipment_optout)
            .then_some("unsubscribed from this shipment");
        let customer_optout = s
            .customer
            .email
            .as_deref()
            .filter(|_| opted_out.is_none())
            .map(|email| {
                (
                    keys::merchant_pk(merchant_id),
                    format!("OPTOUT#{}", email_hash(email)),
                )
            });
        let wanted: Vec<TemplateKey> = messages
            .iter()
            .map(|&(milestone, channel)| TemplateKey::for_message(m, s, milestone, channel))
            .collect();
        let mut second: Vec<Key> = wanted
            .iter()
            .map(|k| (keys::merchant_pk(&k.merchant_id), template_sk(k)))
            .collect();
        second.extend(customer_optout.clone());
        // The merchant's suppression list (hard bounces, complaints), by the same address.
        let suppression = s.customer.email.as_deref().map(|email| {
            (
                keys::merchant_pk(merchant_id),
                keys::suppress_sk(&afterclick_domain::listing::email_hash(email)),
            )
        });
        second.extend(suppression.clone());
        second.sort();
        second.dedup();
        let mut found = self.batch_get(&second).await?;
        if customer_optout.is_some_and(|k| found.contains_key(&k)) {
            opted_out = Some("unsubscribed from this merchant");
        }
        let email_suppressed = match suppression {
            Some(k) => take::<afterclick_domain::email_events::Suppression>(&mut found, &k)?
                .map(|s| s.reason),
            None => None,
        };
        let mut templates = Vec::new();
        for key in wanted {
            let item_key = (keys::merchant_pk(&key.merchant_id), template_sk(&key));
            if templates.iter().any(|(k, _)| *k == key) {
                continue;
            }
            if let Some(template) = take(&mut found, &item_key)? {
                templates.push((key, template));
            }
        }
        // Only a store platform's parcel can be one of several (one Query on `by_order`).
        let order_parcels = if s.parcel.is_some() {
            self.shipments_by_order(merchant_id, &s.order_number)
                .await?
        } else {
            Vec::new()
        };
        Ok(NotificationContext {
            shipment,
            merchant,
            opted_out,
            email_suppressed,
            templates,
            order_parcels,
        })
    }
}
