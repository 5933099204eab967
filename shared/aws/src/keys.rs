//! The single table's key design. Every key starts with the merchant id where the item
//! belongs to a merchant, so no query can cross tenants.
//!
//! | item              | PK                         | SK                          | type           |
//! |-------------------|----------------------------|-----------------------------|----------------|
//! | merchant settings | `M#{merchant_id}`          | `SETTINGS`                  | `merchant`     |
//! | shipment id ref   | `M#{merchant_id}`          | `SID#{shipment_id}`         | `shipment_ref` |
//! | API key (lookup)  | `KEY#{sha256(key)}`        | `KEY`                       | `api_key`      |
//! | API key (listing) | `M#{merchant_id}`          | `APIKEY#{key_id}`           | `api_key_listing` |
//! | shipment          | `S#{merchant_id}#{tn}`     | `SHIPMENT`                  | `shipment`     |
//! | tracking event    | `S#{merchant_id}#{tn}`     | `E#{occurred_at}#{event_id}`| `event`        |
//! | notification      | `S#{merchant_id}#{tn}`     | `N#{moment}#{channel}`      | `notification` |
//! | tracking token    | `T#{token}`                | `T`                         | `token`        |
//! | delivery outcomes | `M#{merchant_id}`          | `OUTCOME#{yyyy-mm}#{carrier}#{service}#{country}` | `outcome` |
//! | lane transit counters | `M#{merchant_id}`      | `LANE#{yyyy-mm}#{level}#{shard}#{lane key}` | `lane` |
//! | delivery rating   | `S#{merchant_id}#{tn}`     | `RATING`                    | `rating`       |
//! | rate-limit window | `RL#{sha256(key)}`         | `W#{window_start}`          | `rate_limit`   |
//! | webhook endpoint  | `M#{merchant_id}`          | `WH#{endpoint_id}`          | `webhook_endpoint` |
//! | endpoint count    | `M#{merchant_id}`          | `WHCOUNT`                   | `webhook_endpoint_count` |
//! | webhook delivery  | `S#{merchant_id}#{tn}`     | `W#{endpoint_id}#{moment}`  | `webhook_delivery` |
//! | idempotency key   | `M#{merchant_id}`          | `IDEM#{sha256(key)}`        | `idempotency`  |
//! | idempotency ref   | `S#{merchant_id}#{tn}`     | `IDEMREF#{sha256(key)}`     | `idempotency_ref` |
//! | store order       | `M#{merchant_id}`          | `ORDER#{platform}#{order_number}` | `order`  |
//! | handled platform delivery | `M#{merchant_id}`  | `HOOK#{platform}#{sha256(delivery id)}` | `handled_delivery` |
//! | store shipment to fetch | `M#{merchant_id}`    | `FETCH#{store_hash}#{order_id}#{shipment_id}` | `platform_fetch` |
//! | imported invoice  | `M#{merchant_id}`          | `INVOICE#{invoice_id}`      | `invoice`      |
//! | invoice claim     | `INV#{merchant_id}#{invoice_id}` | `C#{digest}#{claim_id}` | `invoice_claim` |
//! | unmatched numbers | `INV#{merchant_id}#{invoice_id}` | `U#{digest}#{chunk, 5 digits}` | `invoice_unmatched` |
//! | guarantee table   | `M#{merchant_id}`          | `GUARANTEES`                | `guarantees`   |
//! | dashboard session | `SESSION#{sha256(token)}`  | `SESSION`                   | `session`      |
//! | page analytics    | `M#{merchant_id}`          | `PAGES#{yyyy-mm-dd}`        | `page_stats`   |
//! | notification counts | `M#{merchant_id}`        | `NSTATS#{yyyy-mm-dd}#{shard}` | `notification_stats` |
//! | suppressed address | `M#{merchant_id}`         | `SUPPRESS#{sha256(email)}`  | `suppression`  |
//! | GA4 hit (queued)  | `M#{merchant_id}`          | `GA4#{at, fixed width}#{hit id}` | `ga4_hit` |
//!
//! `{moment}` is a milestone with its instance (`exception#address_issue`), so each
//! occurrence of a milestone has its own notification per channel.
//!
//! Sparse global secondary index `due` (`due_pk` HASH, `due_sk` RANGE): only shipments that
//! can still become due (undelivered, with a promise or a stall deadline) carry `due_pk`
//! (`DUE#0`..`DUE#3`, spread by tracking number) and `due_sk` (the due time, fixed-width
//! UTC). The sweeper queries `due_sk <= now` on each partition: it reads due shipments only.
//!
//! Webhook deliveries are in the `due` index too while they are not over: a pending one
//! (`due_sk` = creation + lease, in case its stream record is lost), a claimed one (the lease
//! expiry: a crashed sender is retried) and a retrying one (the next attempt). A second
//! sparse index `deliveries` (`endpoint_pk` = `WE#{merchant_id}#{endpoint_id}`, `created_sk`
//! = creation time, fixed-width, `#{tn}#{moment}`) lists an endpoint's recent deliveries.
//! `WHCOUNT` counts a merchant's endpoints so the limit holds under concurrent creation.
//!
//! Shipment listing indexes (ProjectionType ALL, so a page is one Query). Every shipment
//! item carries `list_sk` = `{created_at, fixed-width UTC millis}#{id}` as the RANGE key of
//! all of them: each lists newest created first, id as tiebreak, and `created_from`/`_to`
//! are a key condition on any of them. HASH keys, all starting with the merchant id:
//! - `by_created`: `list_pk` = `{merchant_id}`; every shipment of the merchant.
//! - `by_order`: `order_pk` = `{merchant_id}#{order_number as registered}` (also the
//!   public order-lookup form's index).
//! - `by_customer`: `customer_pk` = `{merchant_id}#{sha256(trimmed, lower-cased email)}`;
//!   never the address itself; removed when the customer's data is erased.
//! - `by_status`: `status_pk` = `{merchant_id}#{status}`.
//! - `by_attention` (sparse): `attention_pk` = `{merchant_id}#delayed` (named when it
//!   held delayed shipments only), present only while the shipment is on the merchant's
//!   watchlist (`afterclick_domain::attention::watch_reasons`: delayed, trending late,
//!   stalled, an exception, a failed attempt, at a pickup point, returning), with the
//!   reasons as the string set `reasons`. Every shipment write rebuilds the whole item
//!   (`shipment_item`: registration, milestone commits, merchant edits), so the attribute
//!   appears with the reason and is gone with the delivery. `delayed=true`, `attention=true`
//!   and the dashboard read only the watchlist instead of every shipment, and a shipment
//!   costs an index write only while it is on it.
//!
//! Invoice claims use `by_attention` too, under their own HASH key
//! `attention_pk` = `{merchant_id}#claims`, with `list_sk` = `{deadline}#{claim_id}`: the
//! claims due soon are one Query by deadline. An import writes its claims and unmatched
//! numbers first (BatchWriteItem, keys from the content's `digest`, its first 16 hex
//! digits, and the claim), then the summary with its `claims.ready` deliveries in one
//! transaction, conditional on the summary being new. Reads take only the items of the
//! summary's `digest`, so a crashed import leaves nothing visible, a retry rewrites the same
//! items, and another file racing under the same invoice number overwrites nothing.
//!
//! No carrier index, on purpose: with ProjectionType ALL it would cost one more index write
//! on every write of every shipment (each tracking event), while a merchant has a handful
//! of carriers, so `carrier=` alone keeps a large share of what `by_created` reads (two
//! carriers: half of it). Reads are a fifth of the price of writes and a filtered page is
//! capped at 10 Query pages (it returns a cursor to go on), so the filter is the cheaper
//! trade until carrier listings are frequent and carriers many. Add it as its own deploy:
//! CloudFormation creates one GSI per stack update.
//!
//! Derived attributes the listing filters on (FilterExpression): `delayed` and `exception`
//! (booleans, see `afterclick_domain::listing`), `reached` (string set of milestones
//! reached), `updated_sk` (fixed-width `updated_at`). No index on `updated_at`: a key that
//! changes on every write would reorder the listing under a client's cursor.
//!
//! An API key's two items are written, expired and revoked together, in one transaction;
//! the listing holds the key's hash (never shown) so revocation can delete the lookup.
//! Expiry (`expires_at`, epoch seconds, also the TTL attribute) is checked in code on every
//! lookup: TTL only tidies up, days late.
//!
//! Access patterns:
//! - API key -> merchant: GetItem `KEY#..`.
//! - page analytics of a merchant for days: Query `M#..` with `SK BETWEEN "PAGES#{from}"
//!   AND "PAGES#{to}"`; counting is `ADD` on the day's item.
//! - notification counts of a merchant for days: Query `M#..` with `SK BETWEEN
//!   "NSTATS#{from}#" AND "NSTATS#{to}#~"`. A notification's outcome (`finish`) and each
//!   first SES event on it are one transaction with an `ADD` on the day's item, spread over
//!   shards by tracking number so concurrent sends do not queue on one item.
//! - suppressed addresses: GetItem `SUPPRESS#..` (notify reads it with the shipment's
//!   other context, in the same BatchGetItem as the opt-out), Query `begins_with(SK,
//!   "SUPPRESS#")` for the dashboard's list.
//! - dashboard session: GetItem `SESSION#..`, then the key it names (`KEY#..`); expiry is
//!   checked in code (TTL tidies up).
//! - a merchant's API keys: Query `M#..` with `begins_with(SK, "APIKEY#")`.
//! - shipment by merchant + tracking number: GetItem `S#..`/`SHIPMENT`.
//! - shipment by id (API): GetItem `M#..`/`SID#..` -> tracking number -> GetItem.
//! - timeline / notifications of a shipment: Query `S#..` with `begins_with(SK, "E#"|"N#")`;
//!   events sort by occurrence because `occurred_at` is fixed-width UTC in the key.
//! - events stored before the shipment is registered sit under the same PK and are
//!   found by the same query once it is.
//! - due shipments (sweeper): Query index `due` per partition, `due_sk <= now`.
//! - delivery rating: GetItem `S#..`/`RATING`; rating it is one transaction with the
//!   outcome item it counts on (`rating_count`, `rating_sum`), guarded by its `revision`.
//! - order lookup (public form): Query index `by_order`, then GetItem each shipment.
//! - rate limits: conditional UpdateItem `ADD hits` on `RL#..`/`W#{window_start}`.
//! - delivery outcomes of a merchant for months: Query `M#..` with
//!   `SK BETWEEN "OUTCOME#{from}#" AND "OUTCOME#{to}$"` (`$` sorts right after `#`).
//!   A shipment counts in `shipments` of its registration month; everything measured on
//!   delivery (and its ratings) in its delivery month.
//! - a merchant's webhook endpoints: Query `M#..` with `begins_with(SK, "WH#")`.
//! - a merchant's shipments, filtered: Query the most selective listing index the filters
//!   allow (order number > customer email > delayed > status > all, decided by
//!   `ShipmentQuery::access_path`, which the cursor's fingerprint also names), descending
//!   on `list_sk`, the other filters as FilterExpression; never a Scan.
//! - an idempotency key: GetItem / conditional PutItem `M#..`/`IDEM#..`; completing it is
//!   one transaction: the record (only over its own `in_progress` claim), a check that the
//!   shipment it is about is not erased, and the reverse reference `S#..`/`IDEMREF#..`
//!   (same expiry) under the shipment. The responses an erasure must forget: Query the
//!   shipment's `begins_with(SK, "IDEMREF#")`, then delete each referenced `IDEM#..` by key
//!   (reads scale with the shipment, not with the merchant's traffic).
//! - an endpoint's recent deliveries: Query index `deliveries`, `endpoint_pk`, newest first.
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
pub const ENDPOINT_PREFIX: &str = "WH#";
pub const ENDPOINT_COUNT_SK: &str = "WHCOUNT";
pub const DELIVERY_PREFIX: &str = "W#";
pub const DELIVERIES_INDEX: &str = "deliveries";
pub const ENDPOINT_PK: &str = "endpoint_pk";
pub const CREATED_SK: &str = "created_sk";

pub mod types {
    pub const MERCHANT: &str = "merchant";
    pub const SHIPMENT_REF: &str = "shipment_ref";
    pub const API_KEY: &str = "api_key";
    pub const API_KEY_LISTING: &str = "api_key_listing";
    pub const SHIPMENT: &str = "shipment";
    pub const EVENT: &str = "event";
    pub const NOTIFICATION: &str = "notification";
    pub const TOKEN: &str = "token";
    pub const OUTCOME: &str = "outcome";
    pub const RATING: &str = "rating";
    pub const RATE_LIMIT: &str = "rate_limit";
    pub const WEBHOOK_ENDPOINT: &str = "webhook_endpoint";
    pub const WEBHOOK_ENDPOINT_COUNT: &str = "webhook_endpoint_count";
    pub const WEBHOOK_DELIVERY: &str = "webhook_delivery";
    pub const IDEMPOTENCY_REF: &str = "idempotency_ref";
    pub const ORDER: &str = "order";
    pub const HANDLED_DELIVERY: &str = "handled_delivery";
    pub const PLATFORM_FETCH: &str = "platform_fetch";
    pub const LANE: &str = "lane";
    pub const INVOICE: &str = "invoice";
    pub const INVOICE_CLAIM: &str = "invoice_claim";
    pub const INVOICE_UNMATCHED: &str = "invoice_unmatched";
    pub const GUARANTEES: &str = "guarantees";
    pub const SESSION: &str = "session";
    pub const PAGE_STATS: &str = "page_stats";
    pub const NOTIFICATION_STATS: &str = "notification_stats";
    pub const SUPPRESSION: &str = "suppression";
    pub const GA4_HIT: &str = "ga4_hit";
}

pub const INVOICE_PREFIX: &str = "INVOICE#";
pub const CLAIM_PREFIX: &str = "C#";
pub const UNMATCHED_PREFIX: &str = "U#";
pub const GUARANTEES_SK: &str = "GUARANTEES";
pub const ATTENTION_INDEX: &str = "by_attention";
pub const ATTENTION_PK: &str = "attention_pk";

pub fn invoice_sk(invoice_id: &str) -> String {
    format!("{INVOICE_PREFIX}{invoice_id}")
}

/// An import's own partition: its claims and unmatched tracking numbers.
pub fn invoice_pk(merchant_id: &str, invoice_id: &str) -> String {
    format!("INV#{merchant_id}#{invoice_id}")
}

/// The first 16 hex digits of an import's content digest: its items' key prefix.
pub fn content_key(digest: &str) -> &str {
    digest.get(..16).unwrap_or(digest)
}

pub fn claims_prefix(digest: &str) -> String {
    format!("{CLAIM_PREFIX}{}#", content_key(digest))
}

pub fn claim_sk(digest: &str, claim_id: &str) -> String {
    format!("{}{claim_id}", claims_prefix(digest))
}

pub fn unmatched_prefix(digest: &str) -> String {
    format!("{UNMATCHED_PREFIX}{}#", content_key(digest))
}

pub fn unmatched_sk(digest: &str, chunk: usize) -> String {
    format!("{}{chunk:05}", unmatched_prefix(digest))
}

pub fn claims_attention_pk(merchant_id: &str) -> String {
    format!("{merchant_id}#claims")
}

pub fn claim_list_sk(deadline: chrono::NaiveDate, claim_id: &str) -> String {
    format!("{deadline}#{claim_id}")
}

/// One month of one lane's transit counters (`afterclick_domain::lanes`), in one of its
/// shards: every delivery of a carrier counts in its carrier lane, so the lane is spread
/// over a few items, each delivery adding to one (reads sum them).
pub fn lane_sk(month: &str, level: &str, shard: u8, key: &str) -> String {
    format!("LANE#{month}#{level}#{shard}#{key}")
}

pub const FETCH_PREFIX: &str = "FETCH#";

/// A store platform's order, by the order number its customer knows (per platform: two
/// platforms may number orders alike).
pub fn order_sk(platform: &str, order_number: &str) -> String {
    format!("ORDER#{platform}#{order_number}")
}

pub const HANDLED_PREFIX: &str = "HOOK#";

pub fn merchant_pk(merchant_id: &str) -> String {
    format!("M#{merchant_id}")
}

pub fn shipment_ref_sk(shipment_id: &str) -> String {
    format!("SID#{shipment_id}")
}

pub const PAGES_PREFIX: &str = "PAGES#";
pub const NSTATS_PREFIX: &str = "NSTATS#";
pub const SUPPRESS_PREFIX: &str = "SUPPRESS#";
pub const GA4_PREFIX: &str = "GA4#";

/// A day's notification counters in one of its shards.
pub fn nstats_sk(day: chrono::NaiveDate, shard: u8) -> String {
    format!("{NSTATS_PREFIX}{}#{shard}", day.format("%Y-%m-%d"))
}

/// A suppressed address's item, by the address's hash (`listing::email_hash`).
pub fn suppress_sk(email_hash: &str) -> String {
    format!("{SUPPRESS_PREFIX}{email_hash}")
}

/// A merchant's page counters of one day: fixed-width dates, so a range is one Query.
pub fn pages_sk(day: chrono::NaiveDate) -> String {
    format!("{PAGES_PREFIX}{}", day.format("%Y-%m-%d"))
}

pub fn session_pk(token_hash: &str) -> String {
    format!("SESSION#{token_hash}")
}

pub const SESSION_SK: &str = "SESSION";

pub fn api_key_pk(key_hash: &str) -> String {
    format!("KEY#{key_hash}")
}

pub const API_KEY_SK: &str = "KEY";
pub const API_KEY_LISTING_PREFIX: &str = "APIKEY#";

pub fn api_key_listing_sk(key_id: &str) -> String {
    format!("{API_KEY_LISTING_PREFIX}{key_id}")
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

pub const LIST_SK: &str = "list_sk";
pub const UPDATED_SK: &str = "updated_sk";
pub const IDEMPOTENCY_PREFIX: &str = "IDEM#";

/// A shipment listing index: its name and its HASH attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListIndex {
    ByCreated,
    ByOrder,
    ByCustomer,
    ByStatus,
    /// Sparse: delayed shipments only.
    ByAttention,
}

impl ListIndex {
    pub fn name(self) -> &'static str {
        match self {
            ListIndex::ByCreated => "by_created",
            ListIndex::ByOrder => "by_order",
            ListIndex::ByCustomer => "by_customer",
            ListIndex::ByStatus => "by_status",
            ListIndex::ByAttention => "by_attention",
        }
    }

    pub fn hash_attribute(self) -> &'static str {
        match self {
            ListIndex::ByCreated => "list_pk",
            ListIndex::ByOrder => "order_pk",
            ListIndex::ByCustomer => "customer_pk",
            ListIndex::ByStatus => "status_pk",
            ListIndex::ByAttention => "attention_pk",
        }
    }
}

pub fn order_key(merchant_id: &str, order_number: &str) -> String {
    format!("{merchant_id}#{order_number}")
}

/// Takes the address in clear and keys by its hash only.
pub fn customer_key(merchant_id: &str, email: &str) -> String {
    format!(
        "{merchant_id}#{}",
        afterclick_domain::listing::email_hash(email)
    )
}

pub fn status_key(merchant_id: &str, status: afterclick_domain::Status) -> String {
    format!("{merchant_id}#{}", status.as_str())
}

/// The `by_attention` partition of a merchant's delayed shipments.
pub fn delayed_key(merchant_id: &str) -> String {
    format!("{merchant_id}#delayed")
}

pub fn idempotency_sk(key_hash: &str) -> String {
    format!("{IDEMPOTENCY_PREFIX}{key_hash}")
}

pub const IDEMPOTENCY_REF_PREFIX: &str = "IDEMREF#";

/// Under the shipment a stored response is about: which `IDEM#` record an erasure forgets.
pub fn idempotency_ref_sk(key_hash: &str) -> String {
    format!("{IDEMPOTENCY_REF_PREFIX}{key_hash}")
}

pub const DUE_INDEX: &str = "due";
pub const DUE_PK: &str = "due_pk";
pub const DUE_SK: &str = "due_sk";
pub const DUE_PARTITIONS: u32 = 4;
/// Set by the sweeper on a due notification or delivery: the stream record that wakes notify
/// or dispatch (their mappings filter on it). Every claim and finish removes it.
pub const WOKEN_AT: &str = "woken_at";

/// Spreads due shipments over a few index partitions so no single one runs hot.
pub fn due_partition(tracking_number: &str) -> String {
    let spread = tracking_number
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("DUE#{}", spread % DUE_PARTITIONS)
}

/// A wake-up's time: fixed-width UTC to the nanosecond (string order is time order; the
/// consumers act as of it, so a sweep's pinned clock reaches them whole).
pub fn woken_at(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
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

pub fn endpoint_sk(endpoint_id: &str) -> String {
    format!("{ENDPOINT_PREFIX}{endpoint_id}")
}

/// `{moment}` is [`Moment::key`]: one delivery per moment per endpoint, ever.
pub fn delivery_sk(endpoint_id: &str, moment: &str) -> String {
    format!("{DELIVERY_PREFIX}{endpoint_id}#{moment}")
}

pub fn endpoint_deliveries_pk(merchant_id: &str, endpoint_id: &str) -> String {
    format!("WE#{merchant_id}#{endpoint_id}")
}

/// Newest last in string order; the rest makes it unique within the endpoint.
pub fn delivery_created_sk(
    created_at: DateTime<Utc>,
    tracking_number: &str,
    moment: &str,
) -> String {
    format!(
        "{}#{tracking_number}#{moment}",
        created_at.to_rfc3339_opts(SecondsFormat::Millis, true)
    )
}

/// A shipment's delivery rating sits with the shipment.
pub const RATING_SK: &str = "RATING";

/// Rate-limit windows are keyed by a hash of what is limited (a client IP, a merchant), so
/// the table holds no IP addresses; the window start in the sort key is what expires a
/// window (TTL only cleans up).
pub fn rate_limit_pk(key_hash: &str) -> String {
    format!("RL#{key_hash}")
}

pub fn rate_limit_sk(window_start: i64) -> String {
    format!("W#{window_start}")
}

pub const OUTCOME_PREFIX: &str = "OUTCOME#";

/// The inclusive key range of the outcome items of the months `from..=to` (`yyyy-mm`).
pub fn outcome_range(from_month: &str, to_month: &str) -> (String, String) {
    (
        format!("{OUTCOME_PREFIX}{from_month}#"),
        format!("{OUTCOME_PREFIX}{to_month}$"),
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

    #[test]
    fn outcome_range_holds_exactly_its_months() {
        let (from, to) = outcome_range("2026-02", "2026-03");
        let inside = [
            outcome_sk("2026-02", "ups", None, None),
            outcome_sk("2026-03", "zz~", Some("~~~"), Some("~~")),
        ];
        let outside = [
            outcome_sk("2026-01", "zz~", Some("~"), None),
            outcome_sk("2026-04", "0", None, None),
        ];
        for sk in inside {
            assert!(from <= sk && sk <= to, "{sk}");
        }
        for sk in outside {
            assert!(!(from <= sk && sk <= to), "{sk}");
        }
    }
}
