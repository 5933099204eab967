//! Listing a merchant's shipments: the filters, the derived flags they test, the sort key
//! (newest created first, id as tiebreak) and the opaque pagination cursor.

use crate::milestone::{Milestone, Moment};
use crate::model::Shipment;
use crate::rules::awaiting_delivery;
use crate::status::Status;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

mod access_path;
pub use access_path::*;

/// What a failed notification's provider text (which can name the recipient) becomes.
pub const ERASED_DETAIL: &str = "erased with the customer's personal data";

pub const DEFAULT_LIMIT: usize = 25;
pub const MAX_LIMIT: usize = 100;

/// Conjunctive filters of `GET /v1/shipments`; every bound is inclusive and compared at
/// millisecond precision (the precision of the sort key).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShipmentQuery {
    pub status: Option<Status>,
    /// Reached at least once (any instance).
    pub milestone: Option<Milestone>,
    pub delayed: Option<bool>,
    /// Trending late (`crate::lanes`): reached, and not delivered, returned or cancelled.
    pub trending_late: Option<bool>,
    /// Delayed or trending late: the attention list.
    pub attention: Option<bool>,
    pub exception: Option<bool>,
    pub carrier: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    pub updated_from: Option<DateTime<Utc>>,
    pub updated_to: Option<DateTime<Utc>>,
    pub order_number: Option<String>,
    /// Normalised with [`normalize_email`].
    pub customer_email: Option<String>,
    /// On the merchant's watchlist (`crate::attention::watch_reasons`: delayed, stalled,
    /// an exception, a failed attempt, at a pickup point, returning): the dashboard's
    /// "needs attention" page.
    pub watch: Option<bool>,
    /// On the watchlist for this reason.
    pub reason: Option<crate::attention::Reason>,
}

/// Where a page ended: the last returned shipment's sort key, and its tracking number
/// (which, with the merchant, names its item).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPosition {
    #[serde(rename = "k")]
    pub sort_key: String,
    #[serde(rename = "t")]
    pub tracking_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipmentPage {
    pub shipments: Vec<Shipment>,
    /// None on the last page.
    pub next: Option<ListPosition>,
}

/// Delayed: a delay was recorded (the carrier's estimate moved past the promise, the
/// carrier reported a delay reason, or the promised day ended) and the parcel is still on
/// its way (not delivered, returned or cancelled).
pub fn is_delayed(s: &Shipment) -> bool {
    awaiting_delivery(s) && reached(s).contains(&Milestone::Delayed)
}

/// Trending late: the delivery history made missing the promise likely (`crate::lanes`),
/// and the parcel is still on its way.
pub fn is_trending_late(s: &Shipment) -> bool {
    awaiting_delivery(s) && reached(s).contains(&Milestone::TrendingLate)
}

/// The attention list: delayed, or trending late.
pub fn needs_attention(s: &Shipment) -> bool {
    is_delayed(s) || is_trending_late(s)
}

/// Exception: the current status is `exception` (a later scan clears it).
pub fn is_exception(s: &Shipment) -> bool {
    s.status == Status::Exception
}

/// Every milestone reached, without its instances.
pub fn reached(s: &Shipment) -> BTreeSet<Milestone> {
    s.milestones
        .keys()
        .filter_map(|key| Moment::parse_key(key))
        .map(|m| m.milestone)
        .collect()
}

/// Addresses are compared trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// SHA-256 (hex) of the normalised address: indexes and opt-outs hold no addresses.
pub fn email_hash(email: &str) -> String {
    hex::encode(Sha256::digest(normalize_email(email).as_bytes()))
}

/// Fixed-width UTC with milliseconds, so string order is time order.
pub fn fixed_millis(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `{created_at, fixed width}#{id}`: unique per shipment, ordered by creation.
pub fn list_sort_key(s: &Shipment) -> String {
    format!("{}#{}", fixed_millis(s.created_at), s.id)
}

fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

/// The inclusive bounds the filters put on the sort key (the Query's key condition); an
/// open end is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKeyRange {
    pub lower: Option<String>,
    pub upper: Option<String>,
}

impl SortKeyRange {
    pub fn contains(&self, sort_key: &str) -> bool {
        self.lower.as_deref().is_none_or(|l| l <= sort_key)
            && self.upper.as_deref().is_none_or(|u| sort_key <= u)
    }

    /// Empty: the filters cannot match anything.
    pub fn is_empty(&self) -> bool {
        matches!((&self.lower, &self.upper), (Some(l), Some(u)) if l > u)
    }
}

impl ShipmentQuery {
    /// The filters' meaning, as the in-memory store applies them and the DynamoDB plan must.
    pub fn matches(&self, s: &Shipment) -> bool {
        let within = |at: DateTime<Utc>, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>| {
            from.is_none_or(|f| millis(at) >= millis(f))
                && to.is_none_or(|t| millis(at) <= millis(t))
        };
        self.status.is_none_or(|st| s.status == st)
            && self.milestone.is_none_or(|m| reached(s).contains(&m))
            && self.delayed.is_none_or(|d| is_delayed(s) == d)
            && self.trending_late.is_none_or(|t| is_trending_late(s) == t)
            && self.attention.is_none_or(|a| needs_attention(s) == a)
            && self.exception.is_none_or(|e| is_exception(s) == e)
            && self.carrier.as_ref().is_none_or(|c| s.carrier == *c)
            && within(s.created_at, self.created_from, self.created_to)
            && within(s.updated_at, self.updated_from, self.updated_to)
            && self
                .order_number
                .as_ref()
                .is_none_or(|o| s.order_number == *o)
            && self.customer_email.as_ref().is_none_or(|e| {
                s.customer
                    .email
                    .as_deref()
                    .is_some_and(|mine| normalize_email(mine) == *e)
            })
            && self
                .watch
                .is_none_or(|w| crate::attention::watch_reasons(s).is_empty() != w)
            && self
                .reason
                .is_none_or(|r| crate::attention::watch_reasons(s).contains(&r))
    }

    /// `created_from` as the lower bound; the earlier of `created_to` and `updated_to` (nothing
    /// is updated before it is created) as the upper one, `~` sorting after every id
    /// character so the whole millisecond is in.
    pub fn sort_key_range(&self) -> SortKeyRange {
        SortKeyRange {
            lower: self.created_from.map(fixed_millis),
            upper: [self.created_to, self.updated_to]
                .into_iter()
                .flatten()
                .min()
                .map(|t| format!("{}#~", fixed_millis(t))),
        }
    }

    /// Identifies the listing (merchant, filters and the index that serves them, not the
    /// page size): a cursor is only valid for the listing it came from, so one issued before
    /// a change of index choice is refused rather than resumed on another index.
    pub fn fingerprint(&self, merchant_id: &str) -> String {
        let time = |t: Option<DateTime<Utc>>| t.map(fixed_millis).unwrap_or_default();
        let flag = |b: Option<bool>| b.map(|b| b.to_string()).unwrap_or_default();
        let parts = [
            merchant_id.to_owned(),
            self.access_path().name().to_owned(),
            self.status
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            self.milestone
                .map(|m| m.as_str().to_owned())
                .unwrap_or_default(),
            flag(self.delayed),
            flag(self.trending_late),
            flag(self.attention),
            flag(self.exception),
            self.carrier.clone().unwrap_or_default(),
            time(self.created_from),
            time(self.created_to),
            time(self.updated_from),
            time(self.updated_to),
            self.order_number.clone().unwrap_or_default(),
            self.customer_email.clone().unwrap_or_default(),
        ];
        // The dashboard's filters only when set, so cursors issued before they existed
        // still resume.
        let dashboard = [
            self.watch.map(|w| format!("watch={w}")),
            self.reason.map(|r| format!("reason={}", r.as_str())),
        ];
        let mut hasher = Sha256::new();
        for part in parts.into_iter().chain(dashboard.into_iter().flatten()) {
            hasher.update(part.as_bytes());
            hasher.update([0u8]);
        }
        hex::encode(&hasher.finalize()[..12])
    }
}

#[derive(Serialize, Deserialize)]
struct CursorBody {
    #[serde(flatten)]
    position: ListPosition,
    #[serde(rename = "f")]
    fingerprint: String,
}

/// The opaque `next_cursor`: base64url of the position and the listing's fingerprint.
pub fn encode_cursor(position: &ListPosition, fingerprint: &str) -> String {
    let body = CursorBody {
        position: position.clone(),
        fingerprint: fingerprint.to_owned(),
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&body).unwrap_or_default())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    #[error("is not a cursor this API issued")]
    Malformed,
    #[error("belongs to a listing with other filters or another API key")]
    OtherListing,
}

/// `{fixed-width millis}#{shipment id}`, as [`list_sort_key`] writes it.
fn is_list_sort_key(sort_key: &str) -> bool {
    let Some((at, id)) = sort_key.split_once('#') else {
        return false;
    };
    let time_ok =
        DateTime::parse_from_rfc3339(at).is_ok_and(|t| fixed_millis(t.with_timezone(&Utc)) == at);
    time_ok && crate::ids::well_formed_id(id)
}

/// The position a cursor stands for, if it was issued for this very listing.
///
/// Cursors are not signed: everything in one is checked instead. The fingerprint ties it
/// to the merchant, the filters and the index (so the Query's partition is the plan's),
/// and the position must be one the listing can hold: a tracking number, a sort key of
/// the shape the API writes and within the filters' key range (DynamoDB refuses a start
/// key outside the key condition). Forged content that passes can only move within the
/// merchant's own listing, which a cursor is for anyway.
pub fn decode_cursor(
    raw: &str,
    query: &ShipmentQuery,
    fingerprint: &str,
) -> Result<ListPosition, CursorError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(raw.as_bytes())
        .map_err(|_| CursorError::Malformed)?;
    let body: CursorBody = serde_json::from_slice(&bytes).map_err(|_| CursorError::Malformed)?;
    let p = &body.position;
    // Only the shapes this API writes: the position becomes part of a DynamoDB key.
    let well_formed = is_list_sort_key(&p.sort_key)
        && crate::validate::validate_tracking_number("cursor", &p.tracking_number).is_ok();
    if !well_formed {
        return Err(CursorError::Malformed);
    }
    if body.fingerprint != fingerprint {
        return Err(CursorError::OtherListing);
    }
    if !query.sort_key_range().contains(&p.sort_key) {
        return Err(CursorError::Malformed);
    }
    Ok(body.position)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MilestoneReached;
    use chrono::TimeZone;

    fn shipment() -> Shipment {
        let now = Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap();
        let mut s = crate::fakes::shipment("m1", "1Z1", now);
        s.promised_delivery_date = now.date_naive().pred_opt();
        s
    }

    fn reach(s: &mut Shipment, key: &str) {
        s.milestones.insert(
            key.into(),
            MilestoneReached {
                at: s.created_at,
                notified: true,
            },
        );
    }

    #[test]
    fn delayed_means_a_recorded_delay_and_not_yet_delivered() {
        let mut s = shipment();
        assert!(!is_delayed(&s));
        reach(&mut s, "delayed#overdue-2026-11-17");
        assert!(is_delayed(&s));
        s.status = Status::Delivered;
        reach(&mut s, "delivered");
        assert!(!is_delayed(&s));
    }

    #[test]
    fn filters_are_a_conjunction() {
        let mut s = shipment();
        s.status = Status::Exception;
        reach(&mut s, "exception#address_issue");
        let q = |f: fn(&mut ShipmentQuery)| {
            let mut q = ShipmentQuery::default();
            f(&mut q);
            q.matches(&s)
        };
        assert!(q(|_| {}));
        assert!(q(|q| q.milestone = Some(Milestone::Exception)));
        assert!(q(|q| q.exception = Some(true)));
        assert!(!q(|q| q.exception = Some(false)));
        assert!(q(|q| q.customer_email = Some("ada@example.com".into())));
        assert!(!q(|q| q.customer_email = Some("bob@example.com".into())));
        assert!(!q(|q| {
            q.status = Some(Status::Exception);
            q.carrier = Some("dhl".into());
        }));
    }

    #[test]
    fn cursors_only_work_for_their_own_listing() {
        let position = ListPosition {
            sort_key: "2026-11-18T12:00:00.000Z#shp_1".into(),
            tracking_number: "1Z1AAAA".into(),
        };
        let q = ShipmentQuery::default();
        let mine = q.fingerprint("m1");
        let cursor = encode_cursor(&position, &mine);
        assert_eq!(decode_cursor(&cursor, &q, &mine), Ok(position));
        assert_eq!(
            decode_cursor(&cursor, &q, &q.fingerprint("m2")),
            Err(CursorError::OtherListing)
        );
        let carrier = ShipmentQuery {
            carrier: Some("ups".into()),
            ..ShipmentQuery::default()
        };
        assert_eq!(
            decode_cursor(&cursor, &carrier, &carrier.fingerprint("m1")),
            Err(CursorError::OtherListing)
        );
        assert_eq!(decode_cursor("!!", &q, &mine), Err(CursorError::Malformed));
    }

    /// A forged cursor carrying the right fingerprint (it is not secret) but a position the
    /// listing cannot hold: refused before anything is queried.
    #[test]
    fn forged_positions_are_refused_even_with_the_right_fingerprint() {
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 18, h, 0, 0).unwrap();
        let q = ShipmentQuery {
            created_from: Some(at(8)),
            created_to: Some(at(12)),
            ..ShipmentQuery::default()
        };
        let fingerprint = q.fingerprint("m1");
        let forge = |sort_key: &str| {
            let position = ListPosition {
                sort_key: sort_key.into(),
                tracking_number: "1Z1AAAA".into(),
            };
            decode_cursor(&encode_cursor(&position, &fingerprint), &q, &fingerprint)
        };
        assert!(forge("2026-11-18T08:00:00.000Z#shp_1").is_ok());
        assert!(forge("2026-11-18T12:00:00.000Z#shp_1").is_ok());
        for sort_key in [
            // Outside the key range: DynamoDB would refuse the start key.
            "2026-11-18T07:59:59.999Z#shp_1",
            "2026-11-18T12:00:00.001Z#shp_1",
            "9999-12-31T23:59:59.999Z#shp_1",
            // Not the shape the API writes.
            "zzz",
            "2026-11-18T10:00:00Z#shp_1",
            "2026-11-18T10:00:00.000Z#",
            "2026-11-18T10:00:00.000Z#shp 1",
            "2026-11-18T10:00:00.000Z#shp_1~",
        ] {
            assert_eq!(forge(sort_key), Err(CursorError::Malformed), "{sort_key}");
        }
    }

    #[test]
    fn the_sort_key_range_follows_the_created_and_updated_bounds() {
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 18, h, 0, 0).unwrap();
        let q = ShipmentQuery {
            created_from: Some(at(8)),
            created_to: Some(at(12)),
            updated_to: Some(at(10)),
            ..ShipmentQuery::default()
        };
        let range = q.sort_key_range();
        assert_eq!(range.lower.as_deref(), Some("2026-11-18T08:00:00.000Z"));
        assert_eq!(range.upper.as_deref(), Some("2026-11-18T10:00:00.000Z#~"));
        assert!(!range.is_empty());
        assert!(
            ShipmentQuery::default()
                .sort_key_range()
                .contains("anything")
        );
        let impossible = ShipmentQuery {
            created_from: Some(at(12)),
            updated_to: Some(at(10)),
            ..ShipmentQuery::default()
        };
        assert!(impossible.sort_key_range().is_empty());
    }

    #[test]
    fn emails_hash_after_trimming_and_lower_casing() {
        assert_eq!(
            email_hash(" Ada@Example.COM "),
            email_hash("ada@example.com")
        );
        assert_eq!(email_hash("ada@example.com").len(), 64);
    }
}
