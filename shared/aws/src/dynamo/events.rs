//! Tracking events: one item per carrier scan, written once (conditional puts), a webhook
//! delivery's new scans in atomic transactions (see [`plan_writes`] for why and in which
//! order).

use super::{
    DynamoStore, EVENT_RETENTION, Item, applied, failed_conditions, keyed, lost_a_race, n,
    readable, s, to_item, unavailable,
};
use crate::keys::{self, types};
use afterclick_domain::TrackingEvent;
use afterclick_domain::ports::MAX_TRANSACTION_WRITES;
use afterclick_domain::ports::{
    EventPosition, EventStore, Recorded, StoreError, TimelinePage, plan_writes,
};
use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};
use chrono::{DateTime, Utc};
use std::time::Duration;

const ABSENT: &str = "attribute_not_exists(PK)";
/// Retries of a chunk that raced another delivery writing the same scans at the same moment.
const CONFLICT_RETRIES: u32 = 4;

pub(super) fn event_item(
    merchant_id: &str,
    tracking_number: &str,
    event: &TrackingEvent,
    received_at: DateTime<Utc>,
) -> Result<Item, StoreError> {
    let mut item = keyed(
        to_item(event)?,
        keys::shipment_pk(merchant_id, tracking_number),
        keys::event_sk(event.occurred_at, &event.event_id(tracking_number)),
        types::EVENT,
    );
    item.insert("merchant_id".into(), s(merchant_id));
    item.insert("tracking_number".into(), s(tracking_number));
    item.insert("received_at".into(), s(received_at.to_rfc3339()));
    item.insert(
        keys::EXPIRES_AT.into(),
        n((received_at + EVENT_RETENTION).timestamp()),
    );
    Ok(item)
}

impl DynamoStore {
    pub(super) async fn record_delivery(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        events: &[TrackingEvent],
        received_at: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        let plan = plan_writes(events, tracking_number, MAX_TRANSACTION_WRITES);
        let mut recorded = Recorded {
            stored: 0,
            known: plan.repeats,
        };
        for chunk in plan.chunks {
            let items = chunk
                .iter()
                .map(|&i| {
                    Ok((
                        i,
                        event_item(merchant_id, tracking_number, &events[i], received_at)?,
                    ))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let (stored, known) = self.write_chunk(items).await?;
            recorded.stored += stored;
            recorded.known.extend(known);
        }
        recorded.known.sort_unstable();
        Ok(recorded)
    }

    /// Writes the items that do not exist yet, all or none; returns how many were written
    /// and the indexes of those that already existed.
    async fn write_chunk(
        &self,
        mut pending: Vec<(usize, Item)>,
    ) -> Result<(usize, Vec<usize>), StoreError> {
        let mut known = Vec::new();
        let mut races = 0;
        // Every round either ends or drops at least one existing item: it terminates.
        while !pending.is_empty() {
            if let [(index, item)] = pending.as_slice() {
                // One scan (the usual push): a conditional put is the same all-or-nothing
                // write at a lower price than a transaction.
                let stored = applied(
                    self.put_item(item.clone())
                        .condition_expression(ABSENT)
                        .send()
                        .await,
                )?;
                if !stored {
                    known.push(*index);
                }
                return Ok((usize::from(stored), known));
            }
            let writes = pending
                .iter()
                .map(|(_, item)| self.put(item.clone(), ABSENT))
                .collect::<Result<Vec<_>, _>>()?;
            let err = match self.transact(writes).await {
                Ok(()) => return Ok((pending.len(), known)),
                Err(err) => err,
            };
            let failed = failed_conditions(&err);
            if !failed.is_empty() {
                // Already stored (a re-sent history): keep them out, write the rest at once.
                let mut position = 0;
                pending.retain(|(index, _)| {
                    let exists = failed.contains(&position);
                    position += 1;
                    if exists {
                        known.push(*index);
                    }
                    !exists
                });
            } else if lost_a_race(&err) && races < CONFLICT_RETRIES {
                // The same history delivered twice at once: let the other write finish.
                races += 1;
                tokio::time::sleep(Duration::from_millis(25 << races)).await;
            } else {
                return Err(unavailable(err));
            }
        }
        Ok((0, known))
    }
}

impl EventStore for DynamoStore {
    async fn record_events(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        events: &[TrackingEvent],
        received_at: DateTime<Utc>,
    ) -> Result<afterclick_domain::ports::Recorded, StoreError> {
        self.record_delivery(merchant_id, tracking_number, events, received_at)
            .await
    }

    async fn update_estimate(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        event: &TrackingEvent,
        date: chrono::NaiveDate,
    ) -> Result<bool, StoreError> {
        let result = self
            .update_item(
                keys::shipment_pk(merchant_id, tracking_number),
                keys::event_sk(event.occurred_at, &event.event_id(tracking_number)),
            )
            .update_expression("SET estimated_delivery = :date")
            .condition_expression(
                "attribute_exists(PK) AND (attribute_not_exists(estimated_delivery) OR estimated_delivery <> :date)",
            )
            .expression_attribute_values(":date", s(date.to_string()))
            .send()
            .await;
        applied(result)
    }

    async fn trim_history(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        oldest: usize,
    ) -> Result<usize, StoreError> {
        if oldest == 0 {
            return Ok(0);
        }
        let items = self
            .prefix_query(
                keys::shipment_pk(merchant_id, tracking_number),
                keys::EVENT_PREFIX,
            )
            .projection_expression("#pk, #sk")
            .limit(i32::try_from(oldest).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(unavailable)?
            .items
            .unwrap_or_default();
        let deleted = items.len();
        // BatchWriteItem takes 25 requests at a time; what it leaves unprocessed is retried.
        for chunk in items.chunks(25) {
            let mut requests = chunk
                .iter()
                .map(|key| {
                    let delete = DeleteRequest::builder()
                        .set_key(Some(key.clone()))
                        .build()
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    Ok(WriteRequest::builder().delete_request(delete).build())
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            for attempt in 0..5u32 {
                let answer = self
                    .client()
                    .batch_write_item()
                    .request_items(self.table(), requests)
                    .send()
                    .await
                    .map_err(unavailable)?;
                requests = answer
                    .unprocessed_items
                    .and_then(|mut left| left.remove(self.table()))
                    .unwrap_or_default();
                if requests.is_empty() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(25 << attempt)).await;
            }
            if !requests.is_empty() {
                return Err(StoreError::Unavailable(
                    "DynamoDB left deletes of old scans unprocessed".into(),
                ));
            }
        }
        Ok(deleted)
    }

    async fn timeline_page(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        before: Option<&EventPosition>,
        limit: usize,
    ) -> Result<TimelinePage, StoreError> {
        let pk = keys::shipment_pk(merchant_id, tracking_number);
        // One more than asked: whether an earlier page exists, without a second request.
        let wanted = limit.saturating_add(1);
        let mut query = self
            .prefix_query(pk.clone(), keys::EVENT_PREFIX)
            .scan_index_forward(false)
            .limit(i32::try_from(wanted).unwrap_or(i32::MAX));
        if let Some(position) = before {
            query = query
                .exclusive_start_key(keys::PK, s(pk))
                .exclusive_start_key(
                    keys::SK,
                    s(keys::event_sk(position.occurred_at, &position.event_id)),
                );
        }
        let items = query
            .send()
            .await
            .map_err(unavailable)?
            .items
            .unwrap_or_default();
        let mut newest: Vec<TrackingEvent> = readable(items);
        let more = newest.len() > limit;
        newest.truncate(limit);
        let earlier = more
            .then(|| newest.last())
            .flatten()
            .map(|e| EventPosition::of(e, tracking_number));
        newest.reverse();
        Ok(TimelinePage {
            events: newest,
            earlier,
        })
    }

    async fn timeline(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> Result<Vec<TrackingEvent>, StoreError> {
        Ok(readable(
            self.query_prefix(
                keys::shipment_pk(merchant_id, tracking_number),
                keys::EVENT_PREFIX,
            )
            .await?,
        ))
    }
}
