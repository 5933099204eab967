//! The single table's key design. Every key starts with the merchant id where the item
//! belongs to a merchant, so no query can cross tenants.
//!
//! | item              | PK                         | SK                          | type           |
//! |-------------------|----------------------------|-----------------------------|----------------|
//! | merchant settings | `M#{merchant_id}`          | `SETTINGS`                  | `merchant`     |
//! | shipment id ref   | `M#{merchant_id}`          | `SID#{shipment_id}`         | `shipment_ref` |
//! | API key           | `KEY#{sha256(key)}`        | `KEY`                       | `api_key`      |
//! | shipment          | `S#{merchant_id}#{tn}`     | `SHIPMENT`                  | `shipment`     |
//! | tracking event    | `S#{merchant_id}#{tn}`     | `E#{occurred_at}#{event_id}`| `event`        |
//! | notification      | `S#{merchant_id}#{tn}`     | `N#{moment}#{channel}`      | `notification` |
//! | tracking token    | `T#{token}`                | `T`                         | `token`        |
//! | delivery outcomes | `M#{merchant_id}`          | `OUTCOME#{yyyy-mm}#{carrier}#{service}#{country}` | `outcome` |
//!
//! `{moment}` is a milestone with its instance (`exception#address_issue`), so each
//! occurrence of a milestone has its own notification per channel.
//!
//! Sparse global secondary index `due` (`due_pk` HASH, `due_sk` RANGE): only shipments that
//! can still become due (undelivered, with a promise or a stall deadline) carry `due_pk`
//! (`DUE#0`..`DUE#3`, spread by tracking number) and `due_sk` (the due time, fixed-width
//! UTC). The sweeper queries `due_sk <= now` on each partition: it reads due shipments only.
//!
//! Access patterns:
//! - API key -> merchant: GetItem `KEY#..`.
//! - shipment by merchant + tracking number: GetItem `S#..`/`SHIPMENT`.
//! - shipment by id (API): GetItem `M#..`/`SID#..` -> tracking number -> GetItem.
//! - timeline / notifications of a shipment: Query `S#..` with `begins_with(SK, "E#"|"N#")`;
//!   events sort by occurrence because `occurred_at` is fixed-width UTC in the key.
//! - events stored before the shipment is registered sit under the same PK and are
//!   found by the same query once it is.
//! - due shipments (sweeper): Query index `due` per partition, `due_sk <= now`.
//! - delivery outcomes of a merchant for months: Query `M#..` with `begins_with(SK, "OUTCOME#")`.
//!
//! The `type` attribute is what the stream event source mappings filter on.

use afterclick_domain::Channel;
use afterclick_domain::milestone::Moment;
use chrono::{DateTime, SecondsFormat, Utc};

pub const PK: &str = "PK";
pub const SK: &str = "SK";
pub const TYPE: &str = "type";
/// Epoch seconds; DynamoDB TTL deletes the item some time after.
pub const EXPIRES_AT: &str = "expires_at";

pub const SHIPMENT_SK: &str = "SHIPMENT";
pub const SETTINGS_SK: &str = "SETTINGS";
pub const EVENT_PREFIX: &str = "E#";
pub const NOTIFICATION_PREFIX: &str = "N#";

pub mod types {
    pub const MERCHANT: &str = "merchant";
    pub const SHIPMENT_REF: &str = "shipment_ref";
    pub const API_KEY: &str = "api_key";
    pub const SHIPMENT: &str = "shipment";
    pub const EVENT: &str = "event";
    pub const NOTIFICATION: &str = "notification";
    pub const TOKEN: &str = "token";
    pub const OUTCOME: &str = "outcome";
}

pub fn merchant_pk(merchant_id: &str) -> String {
    format!("M#{merchant_id}")
}

pub fn shipment_ref_sk(shipment_id: &str) -> String {
    format!("SID#{shipment_id}")
}

pub fn api_key_pk(key_hash: &str) -> String {
    format!("KEY#{key_hash}")
}

pub fn shipment_pk(merchant_id: &str, tracking_number: &str) -> String {
    format!("S#{merchant_id}#{tracking_number}")
}

pub fn event_sk(occurred_at: DateTime<Utc>, event_id: &str) -> String {
    format!(
        "{EVENT_PREFIX}{}#{event_id}",
        occurred_at.to_rfc3339_opts(SecondsFormat::Millis, true)
    )
}

pub fn notification_sk(moment: &Moment, channel: Channel) -> String {
    format!("{NOTIFICATION_PREFIX}{}#{}", moment.key(), channel.as_str())
}

pub const DUE_INDEX: &str = "due";
pub const DUE_PK: &str = "due_pk";
pub const DUE_SK: &str = "due_sk";
pub const DUE_PARTITIONS: u32 = 4;

/// Spreads due shipments over a few index partitions so no single one runs hot.
pub fn due_partition(tracking_number: &str) -> String {
    let spread = tracking_number
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("DUE#{}", spread % DUE_PARTITIONS)
}

/// Fixed-width UTC, so string order is time order.
pub fn due_sort_key(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn outcome_sk(
    month: &str,
    carrier: &str,
    service: Option<&str>,
    country: Option<&str>,
) -> String {
    format!(
        "OUTCOME#{month}#{carrier}#{}#{}",
        service.unwrap_or("-"),
        country.unwrap_or("-")
    )
}

pub fn token_pk(token: &str) -> String {
    format!("T#{token}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn event_keys_sort_by_occurrence() {
        let early = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let late = Utc.with_ymd_and_hms(2026, 11, 2, 3, 4, 5).unwrap();
        assert_eq!(event_sk(early, "ab"), "E#2026-01-02T03:04:05.000Z#ab");
        assert!(event_sk(early, "ff") < event_sk(late, "00"));
    }
}
