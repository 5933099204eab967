//! Webhook endpoints (under the merchant) and deliveries (under the shipment); see
//! [`crate::keys`] for the items and the two sparse indexes they use.

use super::{
    DynamoStore, Item, applied, built, failed_conditions, from_item, keyed, n, s, to_item,
    unavailable, update_write,
};
use crate::keys::{self, types};
use afterclick_domain::outgoing::{
    self, Delivery, DeliveryKey, DeliveryState, Finish, Seen, WebhookEndpoint,
};
use afterclick_domain::ports::{DeliveryStore, EndpointCreation, EndpointStore, StoreError};
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// A delivery as stored: in the `due` index until it is over, and in the endpoint's
/// `deliveries` index.
pub(super) fn delivery_item(d: &Delivery) -> Result<Item, StoreError> {
    let mut item = keyed(
        to_item(d)?,
        keys::shipment_pk(&d.merchant_id, &d.tracking_number),
        keys::delivery_sk(&d.endpoint_id, &d.moment),
        types::WEBHOOK_DELIVERY,
    );
    if let Some(due) = outgoing::due_at(d) {
        item.insert(
            keys::DUE_PK.into(),
            s(keys::due_partition(&d.tracking_number)),
        );
        item.insert(keys::DUE_SK.into(), s(keys::due_sort_key(due)));
    }
    item.insert(
        keys::ENDPOINT_PK.into(),
        s(keys::endpoint_deliveries_pk(&d.merchant_id, &d.endpoint_id)),
    );
    item.insert(
        keys::CREATED_SK.into(),
        s(keys::delivery_created_sk(
            d.created_at,
            &d.tracking_number,
            &d.moment,
        )),
    );
    Ok(item)
}

impl DynamoStore {
    /// The merchant's endpoint count, moved by `delta`; with `limit`, only below it.
    fn endpoint_counter_for(
        &self,
        merchant_id: &str,
        delta: i64,
        limit: Option<usize>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut update = Update::builder()
            .table_name(self.table())
            .key(keys::PK, s(keys::merchant_pk(merchant_id)))
            .key(keys::SK, s(keys::ENDPOINT_COUNT_SK))
            .update_expression("SET #type = :type ADD #n :delta")
            .expression_attribute_names("#type", keys::TYPE)
            .expression_attribute_names("#n", "endpoints")
            .expression_attribute_values(":type", s(types::WEBHOOK_ENDPOINT_COUNT))
            .expression_attribute_values(":delta", n(delta));
        if let Some(limit) = limit {
            update = update
                .condition_expression("attribute_not_exists(#n) OR #n < :limit")
                .expression_attribute_values(":limit", n(limit));
        }
        update_write(update)
    }

    fn delivery_update(
        &self,
        key: &DeliveryKey,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.update_item(
            keys::shipment_pk(&key.merchant_id, &key.tracking_number),
            keys::delivery_sk(&key.endpoint_id, &key.moment),
        )
        // Compare-and-set on what the caller read: one winner among racing workers.
        .condition_expression("#state = :seen_state AND attempts = :seen_attempts")
        .expression_attribute_names("#state", "state")
    }
}

impl EndpointStore for DynamoStore {
    async fn create_endpoint(
        &self,
        endpoint: &WebhookEndpoint,
        limit: usize,
    ) -> Result<EndpointCreation, StoreError> {
        let item = keyed(
            to_item(endpoint)?,
            keys::merchant_pk(&endpoint.merchant_id),
            keys::endpoint_sk(&endpoint.id),
            types::WEBHOOK_ENDPOINT,
        );
        let counter = self.endpoint_counter_for(&endpoint.merchant_id, 1, Some(limit))?;
        let writes = vec![counter, self.put(item, "attribute_not_exists(PK)")?];
        match self.transact(writes).await {
            Ok(()) => Ok(EndpointCreation::Created),
            Err(err) if failed_conditions(&err).contains(&0) => Ok(EndpointCreation::LimitReached),
            // The random id collided: the caller may try again with another.
            Err(err) if failed_conditions(&err).contains(&1) => Err(StoreError::Conflict),
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn endpoints(&self, merchant_id: &str) -> Result<Vec<WebhookEndpoint>, StoreError> {
        let mut list: Vec<WebhookEndpoint> = self
            .query_prefix(keys::merchant_pk(merchant_id), keys::ENDPOINT_PREFIX)
            .await?
            .into_iter()
            .map(from_item)
            .collect::<Result<_, _>>()?;
        list.sort_by_key(|e| e.created_at);
        Ok(list)
    }

    async fn endpoint(
        &self,
        merchant_id: &str,
        endpoint_id: &str,
    ) -> Result<Option<WebhookEndpoint>, StoreError> {
        self.get(
            keys::merchant_pk(merchant_id),
            &keys::endpoint_sk(endpoint_id),
        )
        .await?
        .map(from_item)
        .transpose()
    }

    async fn replace_endpoint_secret(
        &self,
        rotated: &WebhookEndpoint,
        seen_secret: &str,
    ) -> Result<bool, StoreError> {
        let update = self
            .update_item(
                keys::merchant_pk(&rotated.merchant_id),
                keys::endpoint_sk(&rotated.id),
            )
            // Compare-and-set on the secret as read: of two concurrent rotations one loses
            // instead of silently replacing the secret the other just handed out.
            .condition_expression("attribute_exists(PK) AND secret = :seen")
            .expression_attribute_values(":seen", s(seen_secret))
            .expression_attribute_values(":secret", s(&rotated.secret));
        let update = match &rotated.previous_secret {
            Some(previous) => update
                .update_expression("SET secret = :secret, previous_secret = :previous")
                .expression_attribute_values(
                    ":previous",
                    built(serde_dynamo::to_attribute_value(previous))?,
                ),
            None => update.update_expression("SET secret = :secret REMOVE previous_secret"),
        };
        applied(update.send().await)
    }

    async fn delete_endpoint(
        &self,
        merchant_id: &str,
        endpoint_id: &str,
    ) -> Result<bool, StoreError> {
        let delete = built(
            Delete::builder()
                .table_name(self.table())
                .key(keys::PK, s(keys::merchant_pk(merchant_id)))
                .key(keys::SK, s(keys::endpoint_sk(endpoint_id)))
                .condition_expression("attribute_exists(PK)")
                .build(),
        )?;
        let writes = vec![
            TransactWriteItem::builder().delete(delete).build(),
            self.endpoint_counter_for(merchant_id, -1, None)?,
        ];
        match self.transact(writes).await {
            Ok(()) => Ok(true),
            Err(err) if failed_conditions(&err).contains(&0) => Ok(false),
            Err(err) => Err(unavailable(err)),
        }
    }
}

impl DeliveryStore for DynamoStore {
    async fn delivery(&self, key: &DeliveryKey) -> Result<Option<Delivery>, StoreError> {
        self.get(
            keys::shipment_pk(&key.merchant_id, &key.tracking_number),
            &keys::delivery_sk(&key.endpoint_id, &key.moment),
        )
        .await?
        .map(from_item)
        .transpose()
    }

    async fn claim_delivery(
        &self,
        key: &DeliveryKey,
        seen: Seen,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let result = self
            .delivery_update(key)
            .update_expression(
                "SET #state = :sending, attempts = attempts + :one, lease_until = :lease, \
                 updated_at = :now, due_pk = :due_pk, due_sk = :due_sk \
                 REMOVE next_attempt_at, woken_at",
            )
            .expression_attribute_values(":seen_state", s(seen.state.as_str()))
            .expression_attribute_values(":seen_attempts", n(seen.attempts))
            .expression_attribute_values(":sending", s(DeliveryState::Sending.as_str()))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":lease", s(lease_until.to_rfc3339()))
            .expression_attribute_values(":now", s(now.to_rfc3339()))
            .expression_attribute_values(":due_pk", s(keys::due_partition(&key.tracking_number)))
            .expression_attribute_values(":due_sk", s(keys::due_sort_key(lease_until)))
            .send()
            .await;
        applied(result)
    }

    async fn finish_delivery(
        &self,
        key: &DeliveryKey,
        seen: Seen,
        finish: &Finish,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut sets = vec!["#state = :state", "updated_at = :now"];
        // Without the wake-up: only the sweeper's wakes match dispatch's MODIFY filter.
        let mut removes = vec!["lease_until", "woken_at"];
        let mut values = HashMap::from([
            (":seen_state".to_owned(), s(seen.state.as_str())),
            (":seen_attempts".to_owned(), n(seen.attempts)),
            (":state".to_owned(), s(finish.state().as_str())),
            (":now".to_owned(), s(now.to_rfc3339())),
        ]);
        let (status, error) = match finish {
            Finish::Delivered { status } => (Some(*status), None),
            Finish::Retry { status, error, .. } | Finish::Failed { status, error } => {
                (*status, Some(error))
            }
            Finish::Cancelled { reason } => (None, Some(reason)),
        };
        match status {
            Some(code) => {
                sets.push("last_status = :status");
                values.insert(":status".into(), n(code));
            }
            None => removes.push("last_status"),
        }
        match error {
            Some(error) => {
                sets.push("last_error = :error");
                values.insert(":error".into(), s(error));
            }
            None => removes.push("last_error"),
        }
        if let Finish::Retry { at, .. } = finish {
            // Back into the due index at the next attempt.
            sets.extend(["next_attempt_at = :at", "due_sk = :due_sk"]);
            values.insert(":at".into(), s(at.to_rfc3339()));
            values.insert(":due_sk".into(), s(keys::due_sort_key(*at)));
        } else {
            removes.extend(["next_attempt_at", "due_pk", "due_sk"]);
        }
        let result = self
            .delivery_update(key)
            .update_expression(format!(
                "SET {} REMOVE {}",
                sets.join(", "),
                removes.join(", ")
            ))
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        applied(result)
    }

    async fn endpoint_deliveries(
        &self,
        merchant_id: &str,
        endpoint_id: &str,
        limit: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(keys::DELIVERIES_INDEX)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", keys::ENDPOINT_PK)
            .expression_attribute_values(
                ":pk",
                s(keys::endpoint_deliveries_pk(merchant_id, endpoint_id)),
            )
            .scan_index_forward(false)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(unavailable)?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect()
    }
}

/// Used by `due_item`: a due-index entry whose SK is a delivery's.
pub(super) fn due_delivery(
    merchant_id: String,
    tracking_number: String,
    sk: &str,
) -> Option<DeliveryKey> {
    let (endpoint_id, moment) = sk.strip_prefix(keys::DELIVERY_PREFIX)?.split_once('#')?;
    Some(DeliveryKey {
        merchant_id,
        tracking_number,
        endpoint_id: endpoint_id.to_owned(),
        moment: moment.to_owned(),
    })
}
