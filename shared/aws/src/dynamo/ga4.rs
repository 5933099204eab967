//! A merchant's GA4 link (on the merchant item, written alone like the other guarded
//! attributes) and the hits queued for dispatch: `M#{merchant}` / `GA4#{at}#{hit id}`, type
//! `ga4_hit`, gone once sent (a day's TTL tidies up any that never were).

use super::{DynamoStore, applied, built, keyed, n, s, to_item, unavailable};
use crate::keys::{self, types};
use afterclick_domain::ga4::{Ga4Hit, Ga4Link};
use afterclick_domain::ports::{Ga4Store, StoreError};
use chrono::{DateTime, Duration, Utc};

/// How long a claim on a hit holds before another worker may send it.
const CLAIM: Duration = Duration::minutes(5);

fn hit_sk(hit: &Ga4Hit) -> String {
    format!(
        "{}{}#{}",
        keys::GA4_PREFIX,
        afterclick_domain::listing::fixed_millis(hit.at),
        hit.hit_id
    )
}

impl Ga4Store for DynamoStore {
    async fn set_ga4(&self, merchant_id: &str, link: Option<&Ga4Link>) -> Result<bool, StoreError> {
        let update = self
            .update_item(keys::merchant_pk(merchant_id), keys::SETTINGS_SK)
            .condition_expression("attribute_exists(PK)");
        let update = match link {
            Some(link) => update
                .update_expression("SET ga4 = :link")
                .expression_attribute_values(
                    ":link",
                    built(serde_dynamo::to_attribute_value(link))?,
                ),
            None => update.update_expression("REMOVE ga4"),
        };
        applied(update.send().await)
    }

    async fn queue_ga4_hit(&self, hit: &Ga4Hit) -> Result<(), StoreError> {
        let mut item = keyed(
            to_item(hit)?,
            keys::merchant_pk(&hit.merchant_id),
            hit_sk(hit),
            types::GA4_HIT,
        );
        item.insert(
            keys::EXPIRES_AT.into(),
            n((hit.at + Duration::days(1)).timestamp()),
        );
        self.put_item(item).send().await.map_err(unavailable)?;
        Ok(())
    }

    async fn claim_ga4_hit(&self, hit: &Ga4Hit, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let result = self
            .update_item(keys::merchant_pk(&hit.merchant_id), hit_sk(hit))
            .update_expression("SET claimed_at = :now")
            .condition_expression(
                "attribute_exists(PK) AND (attribute_not_exists(claimed_at) OR claimed_at < :stale)",
            )
            .expression_attribute_values(":now", s(now.to_rfc3339()))
            .expression_attribute_values(":stale", s((now - CLAIM).to_rfc3339()))
            .send()
            .await;
        applied(result)
    }

    async fn forget_ga4_hit(&self, hit: &Ga4Hit) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::merchant_pk(&hit.merchant_id)))
            .key(keys::SK, s(hit_sk(hit)))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
