//! Merchant settings: read and seeded whole; saved by the merchant with an UpdateItem of
//! the merchant-editable attributes only, so a save made from an older read never undoes a
//! webhook-secret rotation or an operator's sender-domain change that landed in between.

use super::{DynamoStore, applied, from_item, keyed, s, to_item, unavailable};
use crate::keys::{self, types};
use afterclick_domain::Merchant;
use afterclick_domain::ports::{MerchantStore, StoreError};
use std::collections::HashMap;

/// What `PUT /v1/settings` may change. Everything else on the item (`webhook_secrets`,
/// `sender_domains`, `integrations`, `ga4`, the id) has its own guarded writes.
const SETTINGS_FIELDS: [&str; 8] = [
    "brand_name",
    "sender_email",
    "reply_to",
    "sms_sender_id",
    "channels",
    "stall_after_hours",
    "trending_late_percent",
    "branding",
];

impl DynamoStore {
    pub(super) async fn update_settings(&self, merchant: &Merchant) -> Result<(), StoreError> {
        // The stored spelling of the domain the sender was checked against.
        let domain = merchant
            .sender_email
            .rsplit_once('@')
            .and_then(|(_, domain)| {
                merchant
                    .sender_domains
                    .iter()
                    .find(|d| d.eq_ignore_ascii_case(domain))
            })
            .ok_or(StoreError::Conflict)?;
        let mut item = to_item(merchant)?;
        let mut names = HashMap::new();
        let mut values = HashMap::from([(":domain".to_owned(), s(domain))]);
        let (mut sets, mut removes) = (Vec::new(), Vec::new());
        for (i, field) in SETTINGS_FIELDS.iter().enumerate() {
            names.insert(format!("#f{i}"), (*field).to_owned());
            // Absent when empty (serde skips it): cleared, as a whole-item put would.
            match item.remove(*field) {
                Some(value) => {
                    values.insert(format!(":f{i}"), value);
                    sets.push(format!("#f{i} = :f{i}"));
                }
                None => removes.push(format!("#f{i}")),
            }
        }
        let mut expression = format!("SET {}", sets.join(", "));
        if !removes.is_empty() {
            expression.push_str(&format!(" REMOVE {}", removes.join(", ")));
        }
        let result = self
            .update_item(keys::merchant_pk(&merchant.merchant_id), keys::SETTINGS_SK)
            .update_expression(expression)
            // The merchant still exists and still owns the sender's domain (an operator may
            // have removed it since the handler checked).
            .condition_expression("contains(sender_domains, :domain)")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        if applied(result)? {
            Ok(())
        } else {
            Err(StoreError::Conflict)
        }
    }
}

impl DynamoStore {
    /// Creates or replaces a merchant's settings (administration and devstack seeding).
    pub async fn put_merchant(&self, merchant: &Merchant) -> Result<(), StoreError> {
        let item = keyed(
            to_item(merchant)?,
            keys::merchant_pk(&merchant.merchant_id),
            keys::SETTINGS_SK.into(),
            types::MERCHANT,
        );
        self.put_item(item).send().await.map_err(unavailable)?;
        Ok(())
    }
}

impl MerchantStore for DynamoStore {
    async fn merchant(&self, merchant_id: &str) -> Result<Option<Merchant>, StoreError> {
        self.get(keys::merchant_pk(merchant_id), keys::SETTINGS_SK)
            .await?
            .map(from_item)
            .transpose()
    }

    async fn save_settings(&self, merchant: &Merchant) -> Result<(), StoreError> {
        self.update_settings(merchant).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use afterclick_domain::fakes::merchant;

    #[test]
    fn every_merchant_attribute_is_either_a_setting_or_guarded_elsewhere() {
        let mut m = merchant("m1");
        m.reply_to = Some("help@shop.example".into());
        m.sms_sender_id = Some("Shop".into());
        m.webhook_secrets
            .insert("generic".into(), vec!["whsec".into()]);
        m.sender_domains = vec!["shop.example".into()];
        let guarded = [
            "merchant_id",
            "webhook_secrets",
            "sender_domains",
            "integrations",
            "ga4",
        ];
        for attribute in to_item(&m).unwrap().keys() {
            assert!(
                SETTINGS_FIELDS.contains(&attribute.as_str())
                    || guarded.contains(&attribute.as_str()),
                "`{attribute}`: decide whether PUT /v1/settings may change it"
            );
        }
    }
}
