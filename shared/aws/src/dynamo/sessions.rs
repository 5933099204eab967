//! Dashboard sessions: one item per session under the hash of its token; expiry is both
//! checked in code and the item's TTL.

use super::{DynamoStore, Item, applied, keyed, n, s, text, unavailable};
use crate::keys::{self, types};
use afterclick_domain::ports::{Session, SessionStore, StoreError};
use chrono::{DateTime, SecondsFormat, Utc};

fn read(item: &Item) -> Result<Session, StoreError> {
    let field = |name: &str| {
        text(item, name)
            .map(str::to_owned)
            .ok_or_else(|| StoreError::Corrupt(format!("session without {name}")))
    };
    let time = |name: &str| {
        field(name).and_then(|v| {
            DateTime::parse_from_rfc3339(&v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| StoreError::Corrupt(format!("session {name} is not a time")))
        })
    };
    Ok(Session {
        merchant_id: field("merchant_id")?,
        key_hash: field("key_hash")?,
        signed_in_as: field("signed_in_as")?,
        csrf: field("csrf")?,
        created_at: time("created_at")?,
        expires_at: time("expires")?,
    })
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl SessionStore for DynamoStore {
    async fn create_session(&self, token_hash: &str, session: &Session) -> Result<(), StoreError> {
        let item = keyed(
            Item::from([
                ("merchant_id".into(), s(&session.merchant_id)),
                ("key_hash".into(), s(&session.key_hash)),
                ("signed_in_as".into(), s(&session.signed_in_as)),
                ("csrf".into(), s(&session.csrf)),
                ("created_at".into(), s(time(session.created_at))),
                ("expires".into(), s(time(session.expires_at))),
                (keys::EXPIRES_AT.into(), n(session.expires_at.timestamp())),
            ]),
            keys::session_pk(token_hash),
            keys::SESSION_SK.into(),
            types::SESSION,
        );
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await;
        if applied(put)? {
            Ok(())
        } else {
            Err(StoreError::Conflict)
        }
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        self.get(keys::session_pk(token_hash), keys::SESSION_SK)
            .await?
            .as_ref()
            .map(read)
            .transpose()
    }

    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::session_pk(token_hash)))
            .key(keys::SK, s(keys::SESSION_SK))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
