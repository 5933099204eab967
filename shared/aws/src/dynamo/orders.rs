//! Store-platform orders (`M#..`/`ORDER#{platform}#{order_number}`), handled platform deliveries
//! (`M#..`/`HOOK#{platform}#{sha256(delivery id)}`, kept a few days by TTL) and the
//! merchant's platform connections (`integrations` on the settings item), and BigCommerce
//! shipments queued for fetching (`M#..`/`FETCH#{store_hash}#{order_id}#{shipment_id}`, in
//! the due index like a webhook delivery until done or failed).

use super::{DynamoStore, applied, from_item, keyed, n, number, s, to_item};
use crate::keys::{self, types};
use afterclick_domain::model::Integration;
use afterclick_domain::orders::Order;
use afterclick_domain::platforms::fetch::{FetchFinish, FetchJob, FetchKey, FetchSeen, FetchState};
use afterclick_domain::ports::FetchStore;
use afterclick_domain::ports::{IntegrationStore, OrderStore, StoreError};
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Longer than any platform retries (Shopify: 4 hours, and up to a day late; BigCommerce:
/// about 48 hours).
const HANDLED_FOR: Duration = Duration::days(4);

/// How long a finished (done or failed) fetch job stays readable.
const FINISHED_FETCH_KEPT: Duration = Duration::days(30);

fn handled_sk(platform: &str, delivery_id: &str) -> String {
    let digest = hex::encode(Sha256::digest(delivery_id.as_bytes()));
    format!("{}{platform}#{digest}", keys::HANDLED_PREFIX)
}

impl OrderStore for DynamoStore {
    async fn order(
        &self,
        merchant_id: &str,
        platform: &str,
        order_number: &str,
    ) -> Result<Option<Order>, StoreError> {
        self.get(
            keys::merchant_pk(merchant_id),
            &keys::order_sk(platform, order_number),
        )
        .await?
        .map(from_item)
        .transpose()
    }

    async fn save_order(&self, order: &Order) -> Result<(), StoreError> {
        let item = keyed(
            to_item(order)?,
            keys::merchant_pk(&order.merchant_id),
            keys::order_sk(&order.platform, &order.order_number),
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

    async fn claim_rating_request(
        &self,
        merchant_id: &str,
        platform: &str,
        order_number: &str,
        tracking_number: &str,
    ) -> Result<bool, StoreError> {
        let pk = keys::merchant_pk(merchant_id);
        let sk = keys::order_sk(platform, order_number);
        let claimed = self
            .update_item(pk.clone(), sk.clone())
            .update_expression("SET rating_asked_by = :tn, version = version + :one")
            .condition_expression(
                "attribute_exists(PK) AND (attribute_not_exists(rating_asked_by) OR rating_asked_by = :tn)",
            )
            .expression_attribute_values(":tn", s(tracking_number))
            .expression_attribute_values(":one", n(1))
            .send()
            .await;
        if applied(claimed)? {
            return Ok(true);
        }
        // Either another parcel has it, or there is no order to keep it on.
        Ok(self.get(pk, &sk).await?.is_none())
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

fn fetch_sk(key: &FetchKey) -> String {
    format!(
        "{}{}#{}#{}",
        keys::FETCH_PREFIX,
        key.store_hash,
        key.order_id,
        key.shipment_id
    )
}

/// A due-index entry of a fetch job, from its keys.
pub(super) fn due_fetch(merchant_id: String, sk: &str) -> Option<FetchKey> {
    let mut parts = sk.strip_prefix(keys::FETCH_PREFIX)?.splitn(3, '#');
    Some(FetchKey {
        merchant_id,
        store_hash: parts.next()?.to_owned(),
        order_id: parts.next()?.to_owned(),
        shipment_id: parts.next()?.to_owned(),
    })
}

impl DynamoStore {
    fn fetch_update(&self, key: &FetchKey) -> UpdateItemFluentBuilder {
        self.update_item(keys::merchant_pk(&key.merchant_id), fetch_sk(key))
            .condition_expression("#state = :seen_state AND attempts = :seen_attempts")
            .expression_attribute_names("#state", "state")
    }
}

impl FetchStore for DynamoStore {
    async fn queue_fetch(&self, job: &FetchJob) -> Result<bool, StoreError> {
        let key = job.key();
        let mut item = keyed(
            to_item(job)?,
            keys::merchant_pk(&job.merchant_id),
            fetch_sk(&key),
            types::PLATFORM_FETCH,
        );
        if let Some(due) = job.due_at() {
            item.insert(
                keys::DUE_PK.into(),
                s(keys::due_partition(&key.shipment_id)),
            );
            item.insert(keys::DUE_SK.into(), s(keys::due_sort_key(due)));
        }
        // Once over, a later webhook for the shipment (an update) fetches it again.
        let put = self
            .put_item(item)
            .condition_expression("attribute_not_exists(PK) OR #state IN (:done, :failed)")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":done", state(FetchState::Done)?)
            .expression_attribute_values(":failed", state(FetchState::Failed)?)
            .send()
            .await;
        applied(put)
    }

    async fn fetch_job(&self, key: &FetchKey) -> Result<Option<FetchJob>, StoreError> {
        self.get(keys::merchant_pk(&key.merchant_id), &fetch_sk(key))
            .await?
            .map(from_item)
            .transpose()
    }

    async fn claim_fetch(
        &self,
        key: &FetchKey,
        seen: FetchSeen,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let result = self
            .fetch_update(key)
            .update_expression(
                "SET #state = :fetching, attempts = attempts + :one, lease_until = :lease, \
                 updated_at = :now, due_pk = :due_pk, due_sk = :due_sk \
                 REMOVE next_attempt_at, woken_at",
            )
            .expression_attribute_values(":seen_state", state(seen.state)?)
            .expression_attribute_values(":seen_attempts", n(seen.attempts))
            .expression_attribute_values(":fetching", state(FetchState::Fetching)?)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":lease", s(lease_until.to_rfc3339()))
            .expression_attribute_values(":now", s(now.to_rfc3339()))
            .expression_attribute_values(":due_pk", s(keys::due_partition(&key.shipment_id)))
            .expression_attribute_values(":due_sk", s(keys::due_sort_key(lease_until)))
            .send()
            .await;
        applied(result)
    }

    async fn finish_fetch(
        &self,
        key: &FetchKey,
        seen: FetchSeen,
        finish: &FetchFinish,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut sets = vec!["#state = :state", "updated_at = :now"];
        // Without the wake-up: only the sweeper's wakes match dispatch's MODIFY filter.
        let mut removes = vec!["lease_until", "woken_at"];
        let mut values = HashMap::from([
            (":seen_state".to_owned(), state(seen.state)?),
            (":seen_attempts".to_owned(), n(seen.attempts)),
            (":state".to_owned(), state(finish.state())?),
            (":now".to_owned(), s(now.to_rfc3339())),
        ]);
        match finish {
            FetchFinish::Retry { error, .. } | FetchFinish::Failed { error } => {
                sets.push("last_error = :error");
                values.insert(":error".into(), s(error.clone()));
            }
            FetchFinish::Done => removes.push("last_error"),
        }
        if let FetchFinish::Retry { at, .. } = finish {
            sets.extend(["next_attempt_at = :at", "due_sk = :due_sk"]);
            values.insert(":at".into(), s(at.to_rfc3339()));
            values.insert(":due_sk".into(), s(keys::due_sort_key(*at)));
        } else {
            removes.extend(["next_attempt_at", "due_pk", "due_sk"]);
            // Over: kept a while for the operator, then TTL tidies it up (a later webhook
            // about the shipment queues it afresh, without this).
            sets.push("expires_at = :expires");
            values.insert(
                ":expires".into(),
                n((now + FINISHED_FETCH_KEPT).timestamp()),
            );
        }
        let result = self
            .fetch_update(key)
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

    async fn wake_fetch(&self, key: &FetchKey, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let update = self.update_item(keys::merchant_pk(&key.merchant_id), fetch_sk(key));
        super::due::wake(update, now).await
    }
}

/// A state as stored (its serde name).
fn state(state: FetchState) -> Result<AttributeValue, StoreError> {
    match serde_dynamo::to_attribute_value(state) {
        Ok(value) => Ok(value),
        Err(err) => Err(StoreError::Corrupt(err.to_string())),
    }
}
