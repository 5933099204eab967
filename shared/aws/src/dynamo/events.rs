//! Tracking events: one item per carrier scan, written once (conditional puts), a webhook
//! delivery's new scans in atomic transactions (see [`plan_writes`] for why and in which
//! order).

use super::{
    DynamoStore, EVENT_RETENTION, Item, applied, failed_conditions, keyed, lost_a_race, n,
    readable, s, to_item, unavailable,
};
use crate::keys::{self, types};
use afterclick_domain::TrackingEvent;
use afterclick_domain::ports::{EventStore, Recorded, StoreError, plan_writes};
use afterclick_domain::service::MAX_TRANSACTION_WRITES;
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
    async fn record_event(
        &self,
        merchant_id: &str,
        tracking_number: &str,
        event: &TrackingEvent,
        received_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let item = event_item(merchant_id, tracking_number, event, received_at)?;
        let result = self
            .put_item(item)
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await;
        applied(result)
    }

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
