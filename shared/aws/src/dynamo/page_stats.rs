//! Page analytics: one item per merchant and day (`M#{merchant}` / `PAGES#{yyyy-mm-dd}`),
//! one numeric attribute per event, each count an atomic `ADD`.

use super::{DynamoStore, Item, n, s, unavailable};
use crate::keys::{self, types};
use afterclick_domain::page_stats::{PageDay, PageEvent};
use afterclick_domain::ports::{PageStatsStore, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::NaiveDate;

fn read(item: &Item) -> Option<PageDay> {
    let day = match item.get(keys::SK) {
        Some(AttributeValue::S(sk)) => sk.strip_prefix(keys::PAGES_PREFIX)?.parse().ok()?,
        _ => return None,
    };
    let counts = PageEvent::ALL
        .iter()
        .filter_map(|e| match item.get(e.as_str()) {
            Some(AttributeValue::N(v)) => v.parse::<u64>().ok().map(|c| (*e, c)),
            _ => None,
        })
        .collect();
    Some(PageDay { day, counts })
}

impl PageStatsStore for DynamoStore {
    async fn count_page_event(
        &self,
        merchant_id: &str,
        day: NaiveDate,
        event: PageEvent,
    ) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::merchant_pk(merchant_id)))
            .key(keys::SK, s(keys::pages_sk(day)))
            .update_expression("SET #type = :type ADD #event :one")
            .expression_attribute_names("#type", keys::TYPE)
            .expression_attribute_names("#event", event.as_str())
            .expression_attribute_values(":type", s(types::PAGE_STATS))
            .expression_attribute_values(":one", n(1))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn page_stats(
        &self,
        merchant_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<PageDay>, StoreError> {
        let items = Self::query_all(
            self.query()
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .expression_attribute_names("#pk", keys::PK)
                .expression_attribute_names("#sk", keys::SK)
                .expression_attribute_values(":pk", s(keys::merchant_pk(merchant_id)))
                .expression_attribute_values(":from", s(keys::pages_sk(from)))
                .expression_attribute_values(":to", s(keys::pages_sk(to))),
        )
        .await?;
        Ok(items.iter().filter_map(read).collect())
    }
}
