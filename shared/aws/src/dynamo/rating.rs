//! Delivery ratings: the rating item (`S#..`/`RATING`) and its count on the delivery
//! outcome item, written in one transaction guarded by the rating it replaces.

use super::{DynamoStore, Item, failed_conditions, s, unavailable};
use crate::keys::{self, types};
use afterclick_domain::Shipment;
use afterclick_domain::ports::{Rating, RatingStore, StoreError, outcome_month};
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Re-reads after losing a race to another post of the same shipment's rating.
const RACE_RETRIES: usize = 5;

fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn number(item: &Item, name: &str) -> Option<i64> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

fn string(item: &Item, name: &str) -> Option<String> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v.clone()),
        _ => None,
    }
}

fn read(item: &Item) -> Result<Rating, StoreError> {
    let corrupt = || StoreError::Corrupt("rating item".into());
    Ok(Rating {
        stars: number(item, "stars")
            .and_then(|v| u8::try_from(v).ok())
            .ok_or_else(corrupt)?,
        comment: string(item, "comment"),
        rated_at: string(item, "rated_at")
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(corrupt)?,
    })
}

/// What the previous rating (if any) means for this write.
struct Guard {
    condition: String,
    values: HashMap<String, AttributeValue>,
    outcome_sk: String,
    revision: i64,
    count: i64,
    sum: i64,
}

fn guard(
    previous: Option<&Item>,
    fresh_outcome_sk: String,
    stars: i64,
) -> Result<Guard, StoreError> {
    let Some(item) = previous else {
        return Ok(Guard {
            condition: "attribute_not_exists(PK)".into(),
            values: HashMap::new(),
            outcome_sk: fresh_outcome_sk,
            revision: 1,
            count: 1,
            sum: stars,
        });
    };
    let old = read(item)?;
    let revision = number(item, "revision").unwrap_or(0);
    Ok(Guard {
        condition: "revision = :previous".into(),
        values: HashMap::from([(":previous".to_owned(), n(revision))]),
        // A changed rating stays on the outcome it was first counted on.
        outcome_sk: string(item, "outcome_sk").unwrap_or(fresh_outcome_sk),
        revision: revision + 1,
        count: 0,
        sum: stars - i64::from(old.stars),
    })
}

impl DynamoStore {
    fn rating_put(
        &self,
        shipment: &Shipment,
        rating: &Rating,
        g: &Guard,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut item = Item::from([
            (
                keys::PK.to_owned(),
                s(keys::shipment_pk(
                    &shipment.merchant_id,
                    &shipment.tracking_number,
                )),
            ),
            (keys::SK.to_owned(), s(keys::RATING_SK)),
            (keys::TYPE.to_owned(), s(types::RATING)),
            ("merchant_id".to_owned(), s(&shipment.merchant_id)),
            ("tracking_number".to_owned(), s(&shipment.tracking_number)),
            ("stars".to_owned(), n(i64::from(rating.stars))),
            ("rated_at".to_owned(), s(rating.rated_at.to_rfc3339())),
            ("outcome_sk".to_owned(), s(&g.outcome_sk)),
            ("revision".to_owned(), n(g.revision)),
        ]);
        if let Some(comment) = &rating.comment {
            item.insert("comment".into(), s(comment));
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(&g.condition)
            .set_expression_attribute_values((!g.values.is_empty()).then(|| g.values.clone()))
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// The counters on the outcome item the delivery was counted on (created with its
    /// identifying attributes if it somehow is not there, so analytics can read it).
    fn rating_counter(
        &self,
        shipment: &Shipment,
        month: &str,
        g: &Guard,
    ) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .key(keys::PK, s(keys::merchant_pk(&shipment.merchant_id)))
            .key(keys::SK, s(&g.outcome_sk))
            .update_expression(
                "SET #type = if_not_exists(#type, :type), merchant_id = if_not_exists(merchant_id, :merchant), \
                 carrier = if_not_exists(carrier, :carrier), #month = if_not_exists(#month, :month) \
                 ADD rating_count :count, rating_sum :sum",
            )
            .expression_attribute_names("#type", keys::TYPE)
            .expression_attribute_names("#month", "month")
            .expression_attribute_values(":carrier", s(&shipment.carrier))
            .expression_attribute_values(":month", s(month))
            .expression_attribute_values(":type", s(types::OUTCOME))
            .expression_attribute_values(":merchant", s(&shipment.merchant_id))
            .expression_attribute_values(":count", n(g.count))
            .expression_attribute_values(":sum", n(g.sum))
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}

impl RatingStore for DynamoStore {
    async fn rating(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> Result<Option<Rating>, StoreError> {
        self.get(
            keys::shipment_pk(merchant_id, tracking_number),
            keys::RATING_SK,
        )
        .await?
        .as_ref()
        .map(read)
        .transpose()
    }

    async fn rate(&self, shipment: &Shipment, rating: &Rating) -> Result<(), StoreError> {
        let month = outcome_month(shipment)
            .ok_or_else(|| StoreError::Corrupt("rating an undelivered shipment".into()))?;
        let fresh_outcome_sk = keys::outcome_sk(
            &month,
            &shipment.carrier,
            shipment.service.as_deref(),
            shipment.destination_country.as_deref(),
        );
        let pk = keys::shipment_pk(&shipment.merchant_id, &shipment.tracking_number);
        for _ in 0..RACE_RETRIES {
            let previous = self.get(pk.clone(), keys::RATING_SK).await?;
            let g = guard(
                previous.as_ref(),
                fresh_outcome_sk.clone(),
                i64::from(rating.stars),
            )?;
            let mut writes = vec![self.rating_put(shipment, rating, &g)?];
            if g.count != 0 || g.sum != 0 {
                writes.push(self.rating_counter(shipment, &month, &g)?);
            }
            match self.transact(writes).await {
                Ok(()) => return Ok(()),
                // Another post of this rating won: read what it wrote and apply ours on top.
                Err(err) if failed_conditions(&err).contains(&0) => continue,
                Err(err) => return Err(unavailable(err)),
            }
        }
        Err(StoreError::Conflict)
    }
}
