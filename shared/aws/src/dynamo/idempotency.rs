//! Idempotency records (`M#{merchant}` / `IDEM#{sha256(key)}`), Powertools-style: a
//! conditional put claims the key; the expiry is checked in the condition and in code, the
//! TTL attribute only cleans up.

use super::{DynamoStore, Item, applied, s, unavailable};
use crate::keys;
use afterclick_domain::ports::{
    Claim, IN_PROGRESS_LEASE, IdempotencyKey, IdempotencyStore, REPLAY_WINDOW, StoreError,
    StoredResponse,
};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, Utc};

const IN_PROGRESS: &str = "in_progress";
const COMPLETED: &str = "completed";
/// DynamoDB's TTL deletes within days; the record is dead at `expiry` anyway.
const CLEANUP_DELAY: Duration = Duration::days(1);

fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

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

fn text(item: &Item, name: &str) -> Option<String> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v.clone()),
        _ => None,
    }
}

fn number(item: &Item, name: &str) -> Option<i64> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

/// What an existing, live record means for a request with `key`.
fn decide(item: &Item, key: &IdempotencyKey, now: DateTime<Utc>) -> Claim {
    let live = number(item, "expiry").is_some_and(|e| e >= now.timestamp_millis());
    if !live {
        // Expired between our put and our read: someone else is taking it over.
        return Claim::InProgress;
    }
    if text(item, "request_hash").as_deref() != Some(key.request_hash.as_str()) {
        return Claim::Mismatch;
    }
    let completed = text(item, "status").as_deref() == Some(COMPLETED);
    match (
        completed,
        number(item, "response_status"),
        text(item, "response_body"),
    ) {
        (true, Some(status), Some(body)) => Claim::Replay(StoredResponse {
            status: u16::try_from(status).unwrap_or(500),
            body,
        }),
        _ => Claim::InProgress,
    }
}

impl IdempotencyStore for DynamoStore {
    async fn claim(&self, key: &IdempotencyKey, now: DateTime<Utc>) -> Result<Claim, StoreError> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(record(key, IN_PROGRESS, now + IN_PROGRESS_LEASE)))
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
        resource: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut item = record(key, COMPLETED, now + REPLAY_WINDOW);
        item.insert("response_status".into(), n(i64::from(response.status)));
        item.insert("response_body".into(), s(&response.body));
        if let Some(resource) = resource {
            item.insert("resource".into(), s(resource));
        }
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
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
