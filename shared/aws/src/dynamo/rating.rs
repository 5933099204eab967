//! Delivery ratings: the rating item (`S#..`/`RATING`) and its count on the delivery
//! outcome item, written in one transaction guarded by the rating it replaces.

use super::{
    DynamoStore, Item, built, failed_conditions, n, number, s, text, unavailable, update_write,
};
use crate::keys::{self, types};
use afterclick_domain::Shipment;
use afterclick_domain::ports::{Rating, RatingStore, StoreError, outcome_month};
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Re-reads after losing a race to another post of the same shipment's rating.
const RACE_RETRIES: usize = 5;

fn read(item: &Item) -> Result<Rating, StoreError> {
    let corrupt = || StoreError::Corrupt("rating item".into());
    Ok(Rating {
        stars: number(item, "stars")
            .and_then(|v| u8::try_from(v).ok())
            .ok_or_else(corrupt)?,
        comment: text(item, "comment").map(str::to_owned),
        rated_at: text(item, "rated_at")
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
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
    // An item written before revisions existed has none: guard on its absence, since
    // `revision = :previous` could never hold and every post would conflict forever.
    let stored_revision = number(item, "revision");
    let revision = stored_revision.unwrap_or(0);
    let (condition, values) = match stored_revision {
        Some(previous) => (
            "revision = :previous",
            HashMap::from([(":previous".to_owned(), n(previous))]),
        ),
        None => (
            "attribute_exists(PK) AND attribute_not_exists(revision)",
            HashMap::new(),
        ),
    };
    Ok(Guard {
        condition: condition.into(),
        values,
        // A changed rating stays on the outcome it was first counted on.
        outcome_sk: text(item, "outcome_sk").map_or(fresh_outcome_sk, str::to_owned),
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
            .set_expression_attribute_values((!g.values.is_empty()).then(|| g.values.clone()));
        Ok(TransactWriteItem::builder()
            .put(built(put.build())?)
            .build())
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
            .expression_attribute_values(":sum", n(g.sum));
        update_write(update)
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
        let mut rating = rating.clone();
        for _ in 0..RACE_RETRIES {
            let previous = self.get(pk.clone(), keys::RATING_SK).await?;
            let g = guard(
                previous.as_ref(),
                fresh_outcome_sk.clone(),
                i64::from(rating.stars),
            )?;
            let mut writes = vec![self.rating_put(shipment, &rating, &g)?];
            if g.count != 0 || g.sum != 0 {
                writes.push(self.rating_counter(shipment, &month, &g)?);
            }
            // The comment is the customer's own words: never stored once they are erased.
            let erasure_check = rating.comment.is_some().then_some(writes.len());
            if erasure_check.is_some() {
                writes.push(
                    self.shipment_not_erased(&shipment.merchant_id, &shipment.tracking_number)?,
                );
            }
            match self.transact(writes).await {
                Ok(()) => return Ok(()),
                Err(err) => {
                    let failed = failed_conditions(&err);
                    if erasure_check.is_some_and(|i| failed.contains(&i)) {
                        // Erased since the page was read: the stars still count, anonymously.
                        rating.comment = None;
                    } else if !failed.contains(&0) {
                        return Err(unavailable(err));
                    }
                    // Otherwise another post of this rating won: apply ours on top of it.
                }
            }
        }
        Err(StoreError::Conflict)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn stored(revision: Option<i64>) -> Item {
        let mut item = Item::from([
            ("stars".to_owned(), n(2)),
            ("rated_at".to_owned(), s("2026-03-10T12:00:00+00:00")),
            ("outcome_sk".to_owned(), s("OUTCOME#first")),
        ]);
        if let Some(revision) = revision {
            item.insert("revision".into(), n(revision));
        }
        item
    }

    #[test]
    fn each_previous_rating_guards_the_write_it_allows() {
        let cases = [
            (None, "attribute_not_exists(PK)", None, 1, 1, 5),
            (
                Some(stored(Some(3))),
                "revision = :previous",
                Some("3"),
                4,
                0,
                3,
            ),
            (
                Some(stored(None)),
                "attribute_exists(PK) AND attribute_not_exists(revision)",
                None,
                1,
                0,
                3,
            ),
        ];
        for (previous, condition, previous_value, revision, count, sum) in cases {
            let g = guard(previous.as_ref(), "OUTCOME#fresh".into(), 5).unwrap();
            assert_eq!(g.condition, condition);
            let value = g
                .values
                .get(":previous")
                .map(|v| v.as_n().unwrap().as_str());
            assert_eq!(value, previous_value);
            assert_eq!((g.revision, g.count, g.sum), (revision, count, sum));
            let outcome = if previous.is_some() {
                "OUTCOME#first"
            } else {
                "OUTCOME#fresh"
            };
            assert_eq!(g.outcome_sk, outcome);
        }
    }
}
