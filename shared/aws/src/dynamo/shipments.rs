//! Shipments: registration (the shipment, its id reference and its tracking-page token in
//! one transaction) and the versioned commit of a shipment together with its notification
//! intents, webhook deliveries and outcome counters.

use super::notifications::notification_item;
use super::outcomes::{outcome_update, registration_update};
use super::{
    DynamoStore, Item, failed_conditions, from_item, keyed, listing, n, outgoing, readable, s,
    to_item, unavailable,
};
use crate::keys::{self, types};
use afterclick_domain::Shipment;
use afterclick_domain::model::Notification;
use afterclick_domain::ports::{Registration, ShipmentStore, StoreError};
use afterclick_domain::rules::DeliveryOutcome;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// Retries of a commit whose optional intents already existed (see `commit`).
const INTENT_RETRIES: usize = 3;

pub(super) fn shipment_item(shipment: &Shipment) -> Result<Item, StoreError> {
    let mut item = keyed(
        to_item(shipment)?,
        keys::shipment_pk(&shipment.merchant_id, &shipment.tracking_number),
        keys::SHIPMENT_SK.into(),
        types::SHIPMENT,
    );
    // Only shipments that can become due are in the sparse index.
    if let Some(due) = shipment.due_at {
        item.insert(
            keys::DUE_PK.into(),
            s(keys::due_partition(&shipment.tracking_number)),
        );
        item.insert(keys::DUE_SK.into(), s(keys::due_sort_key(due)));
    }
    listing::add_listing_attributes(&mut item, shipment);
    Ok(item)
}

impl ShipmentStore for DynamoStore {
    async fn register(&self, shipment: &Shipment) -> Result<Registration, StoreError> {
        let reference = Item::from([
            (keys::PK.into(), s(keys::merchant_pk(&shipment.merchant_id))),
            (keys::SK.into(), s(keys::shipment_ref_sk(&shipment.id))),
            (keys::TYPE.into(), s(types::SHIPMENT_REF)),
            ("tracking_number".into(), s(&shipment.tracking_number)),
        ]);
        let token = Item::from([
            (keys::PK.into(), s(keys::token_pk(&shipment.token))),
            (keys::SK.into(), s("T")),
            (keys::TYPE.into(), s(types::TOKEN)),
            ("merchant_id".into(), s(&shipment.merchant_id)),
            ("tracking_number".into(), s(&shipment.tracking_number)),
        ]);
        let absent = "attribute_not_exists(PK)";
        let writes = vec![
            self.put(shipment_item(shipment)?, absent)?,
            self.put(reference, absent)?,
            self.put(token, absent)?,
            // Counted in the same transaction: once per shipment, however often registered.
            registration_update(&self.table, shipment)?,
        ];
        match self.transact(writes).await {
            Ok(()) => Ok(Registration::Created(shipment.clone())),
            Err(err) if failed_conditions(&err).contains(&0) => self
                .shipment(&shipment.merchant_id, &shipment.tracking_number)
                .await?
                .map(Registration::Existing)
                // Registered and deleted in between: let the caller retry.
                .ok_or(StoreError::Conflict),
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn shipment(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> Result<Option<Shipment>, StoreError> {
        self.get(
            keys::shipment_pk(merchant_id, tracking_number),
            keys::SHIPMENT_SK,
        )
        .await?
        .map(from_item)
        .transpose()
    }

    async fn shipment_by_id(
        &self,
        merchant_id: &str,
        id: &str,
    ) -> Result<Option<Shipment>, StoreError> {
        let reference = self
            .get(keys::merchant_pk(merchant_id), &keys::shipment_ref_sk(id))
            .await?;
        let Some(AttributeValue::S(tracking_number)) =
            reference.and_then(|mut r| r.remove("tracking_number"))
        else {
            return Ok(None);
        };
        self.shipment(merchant_id, &tracking_number).await
    }

    async fn notifications(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> Result<Vec<Notification>, StoreError> {
        Ok(readable(
            self.query_prefix(
                keys::shipment_pk(merchant_id, tracking_number),
                keys::NOTIFICATION_PREFIX,
            )
            .await?,
        ))
    }

    async fn commit(
        &self,
        expected_version: u64,
        shipment: &Shipment,
        intents: &[Notification],
        deliveries: &[afterclick_domain::outgoing::Delivery],
        outcome: Option<&DeliveryOutcome>,
    ) -> Result<(), StoreError> {
        let mut next = shipment.clone();
        next.version = expected_version + 1;
        let mut intents: Vec<&Notification> = intents.iter().collect();
        let mut deliveries: Vec<_> = deliveries.iter().collect();
        for _ in 0..=INTENT_RETRIES {
            let mut writes = vec![{
                let mut guarded = self.put(shipment_item(&next)?, "#version = :expected")?;
                if let Some(p) = guarded.put.as_mut() {
                    p.expression_attribute_names =
                        Some(HashMap::from([("#version".into(), "version".into())]));
                    p.expression_attribute_values =
                        Some(HashMap::from([(":expected".into(), n(expected_version))]));
                }
                guarded
            }];
            // Counters ride in the same transaction: counted exactly when the delivery is.
            if let Some(outcome) = outcome {
                writes.push(outcome_update(&self.table, &shipment.merchant_id, outcome)?);
                writes.extend(super::lanes::lane_updates(
                    &self.table,
                    &shipment.merchant_id,
                    &shipment.tracking_number,
                    outcome,
                )?);
            }
            let first_intent = writes.len();
            for intent in &intents {
                writes.push(self.put(notification_item(intent)?, "attribute_not_exists(PK)")?);
            }
            let first_delivery = writes.len();
            for delivery in &deliveries {
                let item = outgoing::delivery_item(delivery)?;
                writes.push(self.put(item, "attribute_not_exists(PK)")?);
            }
            match self.transact(writes).await {
                Ok(()) => return Ok(()),
                Err(err) => {
                    let failed = failed_conditions(&err);
                    if failed.is_empty() {
                        return Err(unavailable(err));
                    }
                    if failed.contains(&0) {
                        return Err(StoreError::Conflict);
                    }
                    // An intent or delivery that already exists was already decided: keep
                    // it, drop ours.
                    let mut index = first_intent;
                    intents.retain(|_| {
                        let keep = !failed.contains(&index);
                        index += 1;
                        keep
                    });
                    let mut index = first_delivery;
                    deliveries.retain(|_| {
                        let keep = !failed.contains(&index);
                        index += 1;
                        keep
                    });
                }
            }
        }
        Err(StoreError::Conflict)
    }
}
