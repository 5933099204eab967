//! API keys (lookup by hash + per-merchant listing, always changed together) and webhook
//! secrets, plus merchant creation for the admin CLI.

use super::{
    DynamoStore, Item, applied, built, failed_conditions, keyed, lost_a_race, n, s, text, to_item,
    unavailable, update_write,
};
use crate::keys::{self, types};
use afterclick_domain::Merchant;
use afterclick_domain::ports::{ApiKey, ApiKeyStore, StoreError, WebhookSecretStore};
use aws_sdk_dynamodb::types::{AttributeValue, Delete, TransactWriteItem, Update};
use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use std::collections::HashMap;

/// Keys written before per-merchant listings existed have no id of their own.
const LEGACY_KEY_ID: &str = "legacy";

fn time(at: DateTime<Utc>) -> AttributeValue {
    s(at.to_rfc3339_opts(SecondsFormat::Millis, true))
}

fn epoch(at: DateTime<Utc>) -> AttributeValue {
    n(at.timestamp())
}

fn parse_time(item: &Item, name: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    text(item, name)
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| StoreError::Corrupt(format!("api key {name} is not a time")))
        })
        .transpose()
}

fn parse_epoch(item: &Item, name: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    match item.get(name) {
        None => Ok(None),
        Some(AttributeValue::N(n)) => n
            .parse::<i64>()
            .ok()
            .and_then(|secs| Utc.timestamp_opt(secs, 0).single())
            .map(Some)
            .ok_or_else(|| StoreError::Corrupt(format!("api key {name} is not a time"))),
        Some(_) => Err(StoreError::Corrupt(format!("api key {name} is not a time"))),
    }
}

/// Either of a key's items: both carry the key's metadata.
fn api_key(item: &Item) -> Result<ApiKey, StoreError> {
    let merchant_id = text(item, "merchant_id")
        .ok_or_else(|| StoreError::Corrupt("api key without merchant".into()))?;
    Ok(ApiKey {
        key_id: text(item, "key_id").unwrap_or(LEGACY_KEY_ID).to_owned(),
        merchant_id: merchant_id.to_owned(),
        name: text(item, "name").map(str::to_owned),
        created_at: parse_time(item, "created_at")?.unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
        expires_at: parse_epoch(item, keys::EXPIRES_AT)?,
        revoked_at: parse_time(item, "revoked_at")?,
    })
}

/// The metadata attributes both items of a key carry.
fn key_attributes(key: &ApiKey) -> Item {
    let mut item = Item::from([
        ("key_id".into(), s(&key.key_id)),
        ("merchant_id".into(), s(&key.merchant_id)),
        ("created_at".into(), time(key.created_at)),
    ]);
    if let Some(name) = &key.name {
        item.insert("name".into(), s(name));
    }
    if let Some(at) = key.expires_at {
        item.insert(keys::EXPIRES_AT.into(), epoch(at));
    }
    item
}

impl DynamoStore {
    fn new_key_puts(
        &self,
        key: &ApiKey,
        key_hash: &str,
    ) -> Result<[TransactWriteItem; 2], StoreError> {
        let lookup = keyed(
            key_attributes(key),
            keys::api_key_pk(key_hash),
            keys::API_KEY_SK.into(),
            types::API_KEY,
        );
        let mut listing = keyed(
            key_attributes(key),
            keys::merchant_pk(&key.merchant_id),
            keys::api_key_listing_sk(&key.key_id),
            types::API_KEY_LISTING,
        );
        listing.insert("key_hash".into(), s(key_hash));
        let absent = "attribute_not_exists(PK)";
        Ok([self.put(lookup, absent)?, self.put(listing, absent)?])
    }

    async fn listing(&self, merchant_id: &str, key_id: &str) -> Result<Option<Item>, StoreError> {
        self.get(
            keys::merchant_pk(merchant_id),
            &keys::api_key_listing_sk(key_id),
        )
        .await
    }

    fn key_update(
        &self,
        pk: String,
        sk: String,
        set: &str,
        condition: &str,
        values: HashMap<String, AttributeValue>,
    ) -> Result<TransactWriteItem, StoreError> {
        update_write(
            Update::builder()
                .table_name(&self.table)
                .key(keys::PK, s(pk))
                .key(keys::SK, s(sk))
                .update_expression(set)
                .condition_expression(condition)
                .set_expression_attribute_values(Some(values)),
        )
    }

    /// Creates a merchant; false if the id is taken (nothing is changed then).
    pub async fn create_merchant(&self, merchant: &Merchant) -> Result<bool, StoreError> {
        let item = keyed(
            to_item(merchant)?,
            keys::merchant_pk(&merchant.merchant_id),
            keys::SETTINGS_SK.into(),
            types::MERCHANT,
        );
        let result = self
            .put_item(item)
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await;
        applied(result)
    }
}

impl ApiKeyStore for DynamoStore {
    async fn api_key(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        self.get(keys::api_key_pk(key_hash), keys::API_KEY_SK)
            .await?
            .map(|item| api_key(&item))
            .transpose()
    }

    async fn create_api_key(&self, key: &ApiKey, key_hash: &str) -> Result<(), StoreError> {
        let writes = self.new_key_puts(key, key_hash)?.to_vec();
        match self.transact(writes).await {
            Ok(()) => Ok(()),
            Err(err) if !failed_conditions(&err).is_empty() => Err(StoreError::Conflict),
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn api_keys(&self, merchant_id: &str) -> Result<Vec<ApiKey>, StoreError> {
        let items = self
            .query_prefix(keys::merchant_pk(merchant_id), keys::API_KEY_LISTING_PREFIX)
            .await?;
        let mut keys: Vec<ApiKey> = items.iter().map(api_key).collect::<Result<_, _>>()?;
        keys.sort_by(|a, b| (a.created_at, &a.key_id).cmp(&(b.created_at, &b.key_id)));
        Ok(keys)
    }

    async fn revoke_api_key(
        &self,
        merchant_id: &str,
        key_id: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let Some(listing) = self.listing(merchant_id, key_id).await? else {
            return Ok(false);
        };
        let Some(hash) = text(&listing, "key_hash") else {
            return Err(StoreError::Corrupt("api key listing without hash".into()));
        };
        // The lookup goes (it may already be gone: expired and swept by TTL); the listing
        // stays, marked, so the merchant sees what was revoked and when.
        let delete = Delete::builder()
            .table_name(&self.table)
            .key(keys::PK, s(keys::api_key_pk(hash)))
            .key(keys::SK, s(keys::API_KEY_SK));
        let mark = self.key_update(
            keys::merchant_pk(merchant_id),
            keys::api_key_listing_sk(key_id),
            "SET revoked_at = :at",
            "attribute_exists(PK) AND attribute_not_exists(revoked_at)",
            HashMap::from([(":at".to_owned(), time(at))]),
        )?;
        let delete = TransactWriteItem::builder()
            .delete(built(delete.build())?)
            .build();
        let writes = vec![delete, mark];
        match self.transact(writes).await {
            Ok(()) => Ok(true),
            Err(err) if !failed_conditions(&err).is_empty() => Ok(false),
            Err(err) => Err(unavailable(err)),
        }
    }

    async fn rotate_api_key(
        &self,
        old: &ApiKey,
        old_expires_at: DateTime<Utc>,
        new: &ApiKey,
        new_hash: &str,
    ) -> Result<(), StoreError> {
        let listing = self.listing(&old.merchant_id, &old.key_id).await?;
        let Some(old_hash) = listing.as_ref().and_then(|l| text(l, "key_hash")) else {
            // A legacy key has no listing to keep in step: it cannot be rotated.
            return Err(StoreError::Conflict);
        };
        let values = || HashMap::from([(":at".to_owned(), epoch(old_expires_at))]);
        // Only a key that is still unexpired and unrevoked, and was never rotated, may
        // rotate: each key has at most one successor.
        let unrotated = "attribute_exists(PK) AND attribute_not_exists(expires_at)";
        let [new_lookup, new_listing] = self.new_key_puts(new, new_hash)?;
        let writes = vec![
            new_lookup,
            new_listing,
            self.key_update(
                keys::api_key_pk(old_hash),
                keys::API_KEY_SK.into(),
                "SET expires_at = :at",
                unrotated,
                values(),
            )?,
            self.key_update(
                keys::merchant_pk(&old.merchant_id),
                keys::api_key_listing_sk(&old.key_id),
                "SET expires_at = :at",
                &format!("{unrotated} AND attribute_not_exists(revoked_at)"),
                values(),
            )?,
        ];
        match self.transact(writes).await {
            Ok(()) => Ok(()),
            // Lost to a concurrent rotation: finished before ours, or still in flight.
            Err(err) if !failed_conditions(&err).is_empty() || lost_a_race(&err) => {
                Err(StoreError::Conflict)
            }
            Err(err) => Err(unavailable(err)),
        }
    }
}

impl WebhookSecretStore for DynamoStore {
    async fn replace_webhook_secrets(
        &self,
        merchant_id: &str,
        provider: &str,
        current: Option<&str>,
        next: &[String],
    ) -> Result<bool, StoreError> {
        let list = AttributeValue::L(next.iter().map(s).collect());
        let update = || self.update_item(keys::merchant_pk(merchant_id), keys::SETTINGS_SK);
        if current.is_none() {
            // A merchant without any secret has no map to add a provider to yet.
            let created = update()
                .update_expression("SET webhook_secrets = :map")
                .condition_expression(
                    "attribute_exists(PK) AND attribute_not_exists(webhook_secrets)",
                )
                .expression_attribute_values(
                    ":map",
                    AttributeValue::M(HashMap::from([(provider.to_owned(), list.clone())])),
                )
                .send()
                .await;
            if applied(created)? {
                return Ok(true);
            }
        }
        // Compare-and-set on the current secret: every rotation makes a fresh first secret.
        let condition = match current {
            Some(_) => "webhook_secrets.#p[0] = :current",
            None => {
                "attribute_exists(webhook_secrets) AND \
                 (attribute_not_exists(webhook_secrets.#p) OR size(webhook_secrets.#p) = :zero)"
            }
        };
        let mut request = update()
            .update_expression("SET webhook_secrets.#p = :next")
            .condition_expression(condition)
            .expression_attribute_names("#p", provider)
            .expression_attribute_values(":next", list);
        request = match current {
            Some(current) => request.expression_attribute_values(":current", s(current)),
            None => request.expression_attribute_values(":zero", AttributeValue::N("0".into())),
        };
        applied(request.send().await)
    }
}
