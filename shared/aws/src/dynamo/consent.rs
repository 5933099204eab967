//! Opt-outs (from one shipment, or a customer from a whole merchant) and the lookup of a
//! shipment by its tracking-page token.

use super::{DynamoStore, s, unavailable};
use crate::keys;
use afterclick_domain::Shipment;
use afterclick_domain::ports::{ConsentStore, ShipmentStore, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::Utc;

/// Opt-outs hold no address: the customer's is hashed (lower-cased first).
pub(super) fn email_hash(email: &str) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
        email.trim().to_lowercase().as_bytes(),
    ))
}

impl DynamoStore {
    async fn put_marker(&self, pk: String, sk: String, kind: &str) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item(keys::PK, s(pk))
            .item(keys::SK, s(sk))
            .item(keys::TYPE, s(kind))
            .item("created_at", s(Utc::now().to_rfc3339()))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

impl ConsentStore for DynamoStore {
    async fn unsubscribe_shipment(
        &self,
        merchant_id: &str,
        tracking_number: &str,
    ) -> Result<(), StoreError> {
        self.put_marker(
            keys::shipment_pk(merchant_id, tracking_number),
            "OPTOUT".into(),
            "opt_out",
        )
        .await
    }

    async fn unsubscribe_customer(&self, merchant_id: &str, email: &str) -> Result<(), StoreError> {
        self.put_marker(
            keys::merchant_pk(merchant_id),
            format!("OPTOUT#{}", email_hash(email)),
            "opt_out",
        )
        .await
    }

    async fn opted_out(&self, shipment: &Shipment) -> Result<Option<&'static str>, StoreError> {
        let pk = keys::shipment_pk(&shipment.merchant_id, &shipment.tracking_number);
        if self.get(pk, "OPTOUT").await?.is_some() {
            return Ok(Some("unsubscribed from this shipment"));
        }
        let Some(email) = &shipment.customer.email else {
            return Ok(None);
        };
        let customer = self
            .get(
                keys::merchant_pk(&shipment.merchant_id),
                &format!("OPTOUT#{}", email_hash(email)),
            )
            .await?;
        Ok(customer.map(|_| "unsubscribed from this merchant"))
    }

    async fn shipment_by_token(&self, token: &str) -> Result<Option<Shipment>, StoreError> {
        let Some(mut item) = self.get(keys::token_pk(token), "T").await? else {
            return Ok(None);
        };
        match (item.remove("merchant_id"), item.remove("tracking_number")) {
            (Some(AttributeValue::S(m)), Some(AttributeValue::S(t))) => self.shipment(&m, &t).await,
            _ => Ok(None),
        }
    }
}
