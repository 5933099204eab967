//! Tracking events: one item per carrier scan, written once (conditional puts), a webhook
//! delivery's new scans in atomic transactions (see [`plan_writes`] for why and in which
//! order), each with the shipment's scan counter, which bounds the history.

use super::{
    DynamoStore, EVENT_RETENTION, Item, applied, failed_conditions, keyed, lost_a_race, n,
    readable, s, to_item, unavailable, update_write,
};
use crate::keys::{self, types};
use afterclick_domain::TrackingEvent;
use afterclick_domain::ports::{
    EventPosition, EventStore, MAX_HISTORY, Recorded, StoreError, TimelinePage, plan_writes,
};
use afterclick_domain::service::MAX_TRANSACTION_WRITES;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
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
        // One write of each transaction is the history counter.
        let plan = plan_writes(events, tracking_number, MAX_TRANSACTION_WRITES - 1);
        let mut recorded = Recorded {
            stored: 0,
            known: plan.repeats,
            refused: 0,
        };
        for chunk in plan.chunks {
            if recorded.refused > 0 {
                // Older scans were refused: newer ones cannot fit either.
                recorded.refused += chunk.len();
                continue;
            }
            let items = chunk
                .iter()
                .map(|&i| {
                    Ok((
                        i,
                        event_item(merchant_id, tracking_number, &events[i], received_at)?,
                    ))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let written = self
                .write_chunk(merchant_id, tracking_number, items, received_at)
                .await?;
            recorded.stored += written.stored;
            recorded.known.extend(written.known);
            recorded.refused += written.refused;
        }
        recorded.known.sort_unstable();
        Ok(recorded)
    }

    /// Counts `added` scans into the shipment's history, only while it stays within
    /// [`MAX_HISTORY`]: written in the same transaction as the scans, so the count is exact.
    fn count_scans(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        added: usize,
        received_at: DateTime<Utc>,
    ) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(self.table())
            .key(keys::PK, s(keys::shipment_pk(merchant_id, tracking_number)))
            .key(keys::SK, s(keys::EVENT_COUNT_SK))
            .update_expression("SET #type = :type, #expires = :expires ADD #n :added")
            .condition_expression("attribute_not_exists(#n) OR #n <= :room")
            .expression_attribute_names("#type", keys::TYPE)
            .expression_attribute_names("#expires", keys::EXPIRES_AT)
            .expression_attribute_names("#n", "scans")
            .expression_attribute_values(":type", s(types::EVENT_COUNT))
            // The count lives as long as the newest scan it counts.
            .expression_attribute_values(":expires", n((received_at + EVENT_RETENTION).timestamp()))
            .expression_attribute_values(":added", n(added))
            .expression_attribute_values(":room", n(MAX_HISTORY.saturating_sub(added)));
        update_write(update)
    }

    /// Writes the items that do not exist yet, all or none, with the history counter; reports
    /// how many were written, the indexes of those that already existed, and how many did
    /// not fit in the history.
    async fn write_chunk(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        mut pending: Vec<(usize, Item)>,
        received_at: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        let mut known = Vec::new();
        let mut races = 0;
        // Every round either ends or drops at least one existing item: it terminates.
        while !pending.is_empty() {
            let mut writes = pending
                .iter()
                .map(|(_, item)| self.put(item.clone(), ABSENT))
                .collect::<Result<Vec<_>, _>>()?;
            writes.push(self.count_scans(
                merchant_id,
                tracking_number,
                pending.len(),
                received_at,
            )?);
            let err = match self.transact(writes).await {
                Ok(()) => {
                    return Ok(Recorded {
                        stored: pending.len(),
                        known,
                        refused: 0,
                    });
                }
                Err(err) => err,
            };
            let mut failed = failed_conditions(&err);
            let full = failed.last() == Some(&pending.len());
            if full {
                failed.pop();
            }
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
            } else if full {
                return Ok(Recorded {
                    stored: 0,
                    known,
                    refused: pending.len(),
                });
            } else if lost_a_race(&err) && races < CONFLICT_RETRIES {
                // The same history delivered twice at once: let the other write finish.
                races += 1;
                tokio::time::sleep(Duration::from_millis(25 << races)).await;
            } else {
                return Err(unavailable(err));
            }
        }
        Ok(Recorded {
            stored: 0,
            known,
            refused: 0,
        })
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
            .query()
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_names("#sk", keys::SK)
            .expression_attribute_values(":pk", s(pk.clone()))
            .expression_attribute_values(":prefix", s(keys::EVENT_PREFIX))
            .scan_index_forward(false)
            .limit(i32::try_from(wanted).unwrap_or(i32::MAX))
            .consistent_read(true);
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
