//! Idempotency records (`M#{merchant}` / `IDEM#{sha256(key)}`), Powertools-style: a
//! conditional put claims the key; the expiry is checked in the condition and in code, the
//! TTL attribute only cleans up.

use super::{
    DynamoStore, Item, applied, built, failed_conditions, lost_a_race, n, number, s, text,
    unavailable,
};
use crate::keys::{self, types};
use afterclick_domain::ports::{
    Claim, IN_PROGRESS_LEASE, IdempotencyKey, IdempotencyStore, REPLAY_WINDOW, ShipmentResource,
    StoreError, StoredResponse,
};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use chrono::{DateTime, Duration, Utc};

const IN_PROGRESS: &str = "in_progress";
const COMPLETED: &str = "completed";
/// DynamoDB's TTL deletes within days; the record is dead at `expiry` anyway.
const CLEANUP_DELAY: Duration = Duration::days(1);
/// Attempts of the completion transaction that lost to a concurrent one (an erasure).
const RACE_RETRIES: usize = 3;

fn record(key: &IdempotencyKey, status: &str, expiry: DateTime<Utc>) -> Item {
    Item::from([
        (keys::PK.into(), s(keys::merchant_pk(&key.merchant_id))),
        (keys::SK.into(), s(keys::idempotency_sk(&key.key_hash))),
        (keys::TYPE.into(), s("idempotency")),
        ("status".into(), s(status)),
        ("request_hash".into(), s(&key.request_hash)),
        ("expiry".into(), n(expiry.timestamp_millis())),
        (
            keys::EXPIRES_AT.into(),
            n((expiry + CLEANUP_DELAY).timestamp()),
        ),
    ])
}

/// What an existing, live record means for a request with `key`.
fn decide(item: &Item, key: &IdempotencyKey, now: DateTime<Utc>) -> Claim {
    let live = number(item, "expiry").is_some_and(|e| e >= now.timestamp_millis());
    if !live {
        // Expired between our put and our read: someone else is taking it over.
        return Claim::InProgress;
    }
    if text(item, "request_hash") != Some(key.request_hash.as_str()) {
        return Claim::Mismatch;
    }
    let completed = text(item, "status") == Some(COMPLETED);
    match (
        completed,
        number(item, "response_status"),
        text(item, "response_body"),
    ) {
        (true, Some(status), Some(body)) => Claim::Replay(StoredResponse {
            status: u16::try_from(status).unwrap_or(500),
            body: body.to_owned(),
        }),
        _ => Claim::InProgress,
    }
}

impl DynamoStore {
    /// The completion transaction: [0] the record, over our own claim only; with a
    /// resource, [1] the shipment not erased and [2] the reverse reference an erasure
    /// finds the record by.
    fn completion(
        &self,
        key: &IdempotencyKey,
        response: &StoredResponse,
        resource: Option<&ShipmentResource>,
        claimed_at: DateTime<Utc>,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let expiry = claimed_at + REPLAY_WINDOW;
        let mut item = record(key, COMPLETED, expiry);
        item.insert("response_status".into(), n(i64::from(response.status)));
        item.insert("response_body".into(), s(&response.body));
        if let Some(r) = resource {
            item.insert("resource".into(), s(&r.id));
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(
                "#status = :in_progress AND request_hash = :hash AND #expiry = :lease_end",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#expiry", "expiry")
            .expression_attribute_values(":in_progress", s(IN_PROGRESS))
            .expression_attribute_values(":hash", s(&key.request_hash))
            .expression_attribute_values(
                ":lease_end",
                n((claimed_at + IN_PROGRESS_LEASE).timestamp_millis()),
            );
        let mut writes = vec![
            TransactWriteItem::builder()
                .put(built(put.build())?)
                .build(),
        ];
        let Some(r) = resource else {
            return Ok(writes);
        };
        writes.push(self.shipment_not_erased(&key.merchant_id, &r.tracking_number)?);
        let pk = keys::shipment_pk(&key.merchant_id, &r.tracking_number);
        let reference = Item::from([
            (keys::PK.into(), s(pk)),
            (keys::SK.into(), s(keys::idempotency_ref_sk(&key.key_hash))),
            (keys::TYPE.into(), s(types::IDEMPOTENCY_REF)),
            (
                keys::EXPIRES_AT.into(),
                n((expiry + CLEANUP_DELAY).timestamp()),
            ),
        ]);
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(reference));
        writes.push(
            TransactWriteItem::builder()
                .put(built(put.build())?)
                .build(),
        );
        Ok(writes)
    }
}

impl IdempotencyStore for DynamoStore {
    async fn claim(&self, key: &IdempotencyKey, now: DateTime<Utc>) -> Result<Claim, StoreError> {
        let put = self
            .put_item(record(key, IN_PROGRESS, now + IN_PROGRESS_LEASE))
            .condition_expression("attribute_not_exists(PK) OR #expiry < :now")
            .expression_attribute_names("#expiry", "expiry")
            .expression_attribute_values(":now", n(now.timestamp_millis()))
            .send()
            .await;
        if applied(put)? {
            return Ok(Claim::Claimed);
        }
        let existing = self
            .get(
                keys::merchant_pk(&key.merchant_id),
                &keys::idempotency_sk(&key.key_hash),
            )
            .await?;
        Ok(existing.map_or(Claim::InProgress, |item| decide(&item, key, now)))
    }

    async fn complete(
        &self,
        key: &IdempotencyKey,
        response: &StoredResponse,
        resource: Option<&ShipmentResource>,
        claimed_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let writes = self.completion(key, response, resource, claimed_at)?;
        for _ in 0..RACE_RETRIES {
            let err = match self.transact(writes.clone()).await {
                Ok(()) => return Ok(()),
                Err(err) => err,
            };
            let failed = failed_conditions(&err);
            if failed.contains(&1) && !failed.contains(&0) {
                // Erased while the request ran: the response would put the customer back.
                self.release(key).await?;
                return Err(StoreError::Conflict);
            }
            if !failed.is_empty() {
                // No longer our claim: taken over, or already completed.
                return Err(StoreError::Conflict);
            }
            if !lost_a_race(&err) {
                return Err(unavailable(err));
            }
        }
        Err(StoreError::Conflict)
    }

    async fn release(&self, key: &IdempotencyKey) -> Result<(), StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::merchant_pk(&key.merchant_id)))
            .key(keys::SK, s(keys::idempotency_sk(&key.key_hash)))
            // Only our unfinished claim: never a completed response.
            .condition_expression("#status = :in_progress AND request_hash = :hash")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":in_progress", s(IN_PROGRESS))
            .expression_attribute_values(":hash", s(&key.request_hash))
            .send()
            .await;
        applied(result).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(body: &str) -> IdempotencyKey {
        IdempotencyKey {
            merchant_id: "m1".into(),
            key_hash: "k".into(),
            request_hash: body.into(),
        }
    }

    #[test]
    fn a_live_record_replays_conflicts_or_mismatches() {
        let now = Utc::now();
        let mut done = record(&key("a"), COMPLETED, now + REPLAY_WINDOW);
        done.insert("response_status".into(), n(201));
        done.insert("response_body".into(), s("{}"));
        let replay = Claim::Replay(StoredResponse {
            status: 201,
            body: "{}".into(),
        });
        assert_eq!(decide(&done, &key("a"), now), replay);
        assert_eq!(decide(&done, &key("b"), now), Claim::Mismatch);
        let running = record(&key("a"), IN_PROGRESS, now + IN_PROGRESS_LEASE);
        assert_eq!(decide(&running, &key("a"), now), Claim::InProgress);
        assert_eq!(decide(&running, &key("b"), now), Claim::Mismatch);
    }
}
