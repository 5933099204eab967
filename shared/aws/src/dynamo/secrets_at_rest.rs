//! Sealing the secrets stored before sealing existed (`afterclick-admin secrets seal`): a
//! one-off Scan for merchants' settings and webhook endpoints, each plaintext secret
//! rewritten sealed only if it is still the value read (a rotation meanwhile wins).

use super::{DynamoStore, applied, s, unavailable};
use crate::keys::{self, types};
use crate::sealing::SEALED_PREFIX;
use afterclick_domain::ports::{SecretBox, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;

/// What a sealing pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SealReport {
    /// Secrets found in the clear and now stored sealed.
    pub sealed: usize,
    /// Secrets found in the clear that changed before they could be rewritten (rotated
    /// meanwhile: the rotation stored them sealed).
    pub raced: usize,
    /// Secrets already sealed.
    pub already: usize,
}

fn plain(value: &AttributeValue) -> Option<&str> {
    match value {
        AttributeValue::S(v) if !v.starts_with(SEALED_PREFIX) => Some(v),
        _ => None,
    }
}

fn text<'a>(item: &'a super::Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v),
        _ => None,
    }
}

impl DynamoStore {
    pub async fn seal_plaintext_secrets(&self) -> Result<SealReport, StoreError> {
        let items: Vec<super::Item> = self
            .client()
            .scan()
            .table_name(self.table())
            .filter_expression("#type IN (:merchant, :endpoint)")
            .expression_attribute_names("#type", keys::TYPE)
            .expression_attribute_values(":merchant", s(types::MERCHANT))
            .expression_attribute_values(":endpoint", s(types::WEBHOOK_ENDPOINT))
            .consistent_read(true)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(unavailable)?;
        let mut report = SealReport::default();
        for item in items {
            let (Some(pk), Some(sk), Some(owner)) = (
                text(&item, keys::PK),
                text(&item, keys::SK),
                text(&item, "merchant_id"),
            ) else {
                continue;
            };
            if let Some(AttributeValue::M(providers)) = item.get("webhook_secrets") {
                for (provider, list) in providers {
                    let AttributeValue::L(secrets) = list else {
                        continue;
                    };
                    let mut sealed = Vec::with_capacity(secrets.len());
                    for secret in secrets {
                        sealed.push(match plain(secret) {
                            Some(p) => s(self.seal(owner, p).await?),
                            None => secret.clone(),
                        });
                    }
                    let found = secrets.iter().filter(|v| plain(v).is_some()).count();
                    report.already += secrets.len() - found;
                    if found == 0 {
                        continue;
                    }
                    let written = self
                        .update_item(pk, sk)
                        .update_expression("SET webhook_secrets.#p = :sealed")
                        .condition_expression("webhook_secrets.#p = :read")
                        .expression_attribute_names("#p", provider)
                        .expression_attribute_values(":sealed", AttributeValue::L(sealed))
                        .expression_attribute_values(":read", list.clone())
                        .send()
                        .await;
                    if applied(written)? {
                        report.sealed += found;
                    } else {
                        report.raced += found;
                    }
                }
            }
            for (path, value) in [
                ("secret", item.get("secret")),
                (
                    "previous_secret.secret",
                    match item.get("previous_secret") {
                        Some(AttributeValue::M(m)) => m.get("secret"),
                        _ => None,
                    },
                ),
            ] {
                let Some(value) = value else { continue };
                let Some(p) = plain(value) else {
                    report.already += 1;
                    continue;
                };
                let written = self
                    .update_item(pk, sk)
                    .update_expression(format!("SET {path} = :sealed"))
                    .condition_expression(format!("{path} = :read"))
                    .expression_attribute_values(":sealed", s(self.seal(owner, p).await?))
                    .expression_attribute_values(":read", value.clone())
                    .send()
                    .await;
                if applied(written)? {
                    report.sealed += 1;
                } else {
                    report.raced += 1;
                }
            }
        }
        Ok(report)
    }
}
