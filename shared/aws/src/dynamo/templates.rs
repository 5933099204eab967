//! A merchant's message template overrides: one item per milestone, channel and locale.

use super::{DynamoStore, from_item, keyed, s, to_item, unavailable};
use crate::keys;
use afterclick_domain::message::Override;
use afterclick_domain::ports::{StoreError, TemplateKey, TemplateStore};

pub(super) fn template_sk(key: &TemplateKey) -> String {
    format!(
        "TPL#{}#{}#{}",
        key.milestone.as_str(),
        key.channel.as_str(),
        key.locale
    )
}

impl TemplateStore for DynamoStore {
    async fn template(&self, key: &TemplateKey) -> Result<Option<Override>, StoreError> {
        self.get(keys::merchant_pk(&key.merchant_id), &template_sk(key))
            .await?
            .map(from_item)
            .transpose()
    }

    async fn save_template(
        &self,
        key: &TemplateKey,
        template: &Override,
    ) -> Result<(), StoreError> {
        let item = keyed(
            to_item(template)?,
            keys::merchant_pk(&key.merchant_id),
            template_sk(key),
            "template",
        );
        self.put_item(item).send().await.map_err(unavailable)?;
        Ok(())
    }

    async fn delete_template(&self, key: &TemplateKey) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::merchant_pk(&key.merchant_id)))
            .key(keys::SK, s(template_sk(key)))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
