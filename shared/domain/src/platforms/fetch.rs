//! A BigCommerce shipment to fetch from the store's API. The webhook only queues it (an item
//! in the table; its stream record is the work), so the platform gets its answer at once;
//! dispatch, which makes afterclick's outgoing HTTP calls, fetches it with the store's
//! token, retrying on the outgoing webhooks' schedule ([`RETRY_DELAYS`]) with a lease
//! against crashes, exactly like a webhook delivery.

use super::bigcommerce::ShipmentRef;
use crate::outgoing::{LEASE, MAX_ATTEMPTS, RETRY_DELAYS, Step};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchState {
    Pending,
    /// Claimed by a worker until the lease ends.
    Fetching,
    Retrying,
    Done,
    /// Every attempt failed; the merchant sees it in the log, the platform is not asked again.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchJob {
    pub merchant_id: String,
    pub reference: ShipmentRef,
    pub state: FetchState,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_until: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// What the last failed attempt got (a status, a transport error): never the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which fetch: one shipment of one order of one store, for one merchant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FetchKey {
    pub merchant_id: String,
    pub store_hash: String,
    pub order_id: String,
    pub shipment_id: String,
}

/// A job's state and attempts as read: claims and finishes are compare-and-set on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchSeen {
    pub state: FetchState,
    pub attempts: u32,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchFinish {
    Done,
    Retry { at: DateTime<Utc>, error: String },
    Failed { error: String },
}

impl FetchFinish {
    /// After a failed attempt: the next one on the schedule, or failed for good.
    pub fn failed(attempts: u32, error: String, now: DateTime<Utc>) -> Self {
        let delay = usize::try_from(attempts.saturating_sub(1))
            .ok()
            .and_then(|i| RETRY_DELAYS.get(i));
        match delay {
            Some(delay) if attempts < MAX_ATTEMPTS => FetchFinish::Retry {
                at: now + *delay,
                error,
            },
            _ => FetchFinish::Failed { error },
        }
    }

    pub fn state(&self) -> FetchState {
        match self {
            FetchFinish::Done => FetchState::Done,
            FetchFinish::Retry { .. } => FetchState::Retrying,
            FetchFinish::Failed { .. } => FetchState::Failed,
        }
    }
}

impl FetchJob {
    pub fn new(merchant_id: &str, reference: ShipmentRef, now: DateTime<Utc>) -> Self {
        Self {
            merchant_id: merchant_id.to_owned(),
            reference,
            state: FetchState::Pending,
            attempts: 0,
            lease_until: None,
            next_attempt_at: None,
            last_error: None,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn key(&self) -> FetchKey {
        FetchKey {
            merchant_id: self.merchant_id.clone(),
            store_hash: self.reference.store_hash.clone(),
            order_id: self.reference.order_id.clone(),
            shipment_id: self.reference.shipment_id.clone(),
        }
    }

    pub fn seen(&self) -> FetchSeen {
        FetchSeen {
            state: self.state,
            attempts: self.attempts,
        }
    }

    /// What to do with it now: the same rules as a webhook delivery's.
    pub fn next_step(&self, now: DateTime<Utc>) -> Step {
        let not_yet = |at: Option<DateTime<Utc>>| at.is_some_and(|at| at > now);
        match self.state {
            FetchState::Done | FetchState::Failed => Step::Done,
            FetchState::Fetching if not_yet(self.lease_until) => Step::Wait,
            FetchState::Retrying if not_yet(self.next_attempt_at) => Step::Wait,
            _ if self.attempts >= MAX_ATTEMPTS => Step::GiveUp,
            _ => Step::Attempt,
        }
    }

    /// When the sweeper must look at it: pending (in case its stream record is lost), a
    /// claim's lease end, a retry; none once over.
    pub fn due_at(&self) -> Option<DateTime<Utc>> {
        match self.state {
            FetchState::Pending => Some(self.created_at + LEASE),
            FetchState::Fetching => self.lease_until,
            FetchState::Retrying => self.next_attempt_at,
            FetchState::Done | FetchState::Failed => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::{Duration, TimeZone};

    fn job() -> FetchJob {
        let now = Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).unwrap();
        FetchJob::new(
            "m1",
            ShipmentRef {
                store_hash: "abc".into(),
                order_id: "1".into(),
                shipment_id: "2".into(),
                created_at: now,
            },
            now,
        )
    }

    #[test]
    fn a_fetch_is_retried_on_the_webhook_schedule_then_given_up() {
        let j = job();
        let now = j.created_at;
        assert_eq!(j.next_step(now), Step::Attempt);
        assert_eq!(j.due_at(), Some(now + LEASE));
        let first = FetchFinish::failed(1, "503".into(), now);
        assert_eq!(
            first,
            FetchFinish::Retry {
                at: now + Duration::seconds(30),
                error: "503".into()
            }
        );
        let mut retrying = j.clone();
        retrying.state = FetchState::Retrying;
        retrying.attempts = 1;
        retrying.next_attempt_at = Some(now + Duration::seconds(30));
        assert_eq!(retrying.next_step(now), Step::Wait);
        assert_eq!(
            retrying.next_step(now + Duration::seconds(30)),
            Step::Attempt
        );
        assert!(matches!(
            FetchFinish::failed(MAX_ATTEMPTS, "503".into(), now),
            FetchFinish::Failed { .. }
        ));
        let mut done = j;
        done.state = FetchState::Done;
        assert_eq!((done.next_step(now), done.due_at()), (Step::Done, None));
    }
}
