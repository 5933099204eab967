//! Storing one webhook delivery's events: which writes, in which atomic groups, in which
//! order. Shared by the DynamoDB store and the in-memory fake so both behave alike.

use crate::model::TrackingEvent;
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// The most scans kept for one tracking number: its newest. Real parcels have tens; past this
/// a feed is broken or hostile, and the oldest scans are deleted as new ones arrive, so a
/// shipment's storage (and the one full read at registration) stays bounded.
pub const MAX_HISTORY: usize = 5_000;
/// DynamoDB's limit on the writes of one transaction.
pub const MAX_TRANSACTION_WRITES: usize = 100;

/// What storing one delivery's events did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Events stored for the first time.
    pub stored: usize,
    /// Indexes (into the events given) of the events that were already stored, or that
    /// repeat an earlier event of the same delivery; ascending.
    pub known: Vec<usize>,
}

impl Recorded {
    pub fn duplicates(&self) -> usize {
        self.known.len()
    }
}

/// Where a page of a timeline ends: a scan's time and id, in the order the store keeps them.
/// Written as an opaque cursor (`{epoch millis}_{event id}`); a cursor only moves within the
/// timeline of the shipment it is used on, so a forged one reveals nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPosition {
    pub occurred_at: DateTime<Utc>,
    pub event_id: String,
}

impl EventPosition {
    pub fn of(event: &TrackingEvent, tracking_number: &str) -> Self {
        Self {
            occurred_at: event.occurred_at,
            event_id: event.event_id(tracking_number),
        }
    }

    pub fn cursor(&self) -> String {
        format!("{}_{}", self.occurred_at.timestamp_millis(), self.event_id)
    }

    pub fn parse(cursor: &str) -> Option<Self> {
        let (millis, id) = cursor.split_once('_')?;
        let well_formed = id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit());
        let occurred_at = DateTime::from_timestamp_millis(millis.parse().ok()?)?;
        well_formed.then(|| Self {
            occurred_at,
            event_id: id.to_ascii_lowercase(),
        })
    }
}

/// The newest scans before a position, oldest first, and where the next (earlier) page
/// ends, if there is one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimelinePage {
    pub events: Vec<TrackingEvent>,
    pub earlier: Option<EventPosition>,
}

/// How to write a delivery's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WritePlan {
    /// Indexes of distinct events, grouped into atomic writes of at most `max` events,
    /// oldest group first.
    pub chunks: Vec<Vec<usize>>,
    /// Indexes of events repeating an earlier event of the delivery (the first one given is
    /// the one written).
    pub repeats: Vec<usize>,
}

/// Plans the writes of one delivery. Each chunk is written atomically, and the oldest chunk
/// first, so that whenever the stream evaluates a scan, every older scan of the delivery is
/// already stored: a `delivered` scan is never evaluated before the scans its outcome counts
/// (first scan, exceptions, failed attempts), and those counters are written once. Writing
/// older scans first cannot announce stale news either: the rules announce only the newest
/// fresh moment that is newer than anything already told, in any arrival order (the
/// `milestone_props` property), so a newer chunk only ever supersedes. A delivery of at most
/// `max` events (practically every one) is a single chunk and is seen whole.
pub fn plan_writes(events: &[TrackingEvent], tracking_number: &str, max: usize) -> WritePlan {
    let mut seen = HashSet::new();
    let mut distinct = Vec::new();
    let mut repeats = Vec::new();
    for (index, event) in events.iter().enumerate() {
        if seen.insert((event.occurred_at, event.event_id(tracking_number))) {
            distinct.push(index);
        } else {
            repeats.push(index);
        }
    }
    // Stable: events of the same instant keep the order they were given in.
    distinct.sort_by_key(|&i| events[i].occurred_at);
    WritePlan {
        chunks: distinct.chunks(max.max(1)).map(<[usize]>::to_vec).collect(),
        repeats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Status;
    use chrono::{Duration, TimeZone, Utc};

    fn scan(hour: i64, status: Status) -> TrackingEvent {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap() + Duration::hours(hour);
        TrackingEvent::new(at, status, "generic")
    }

    #[test]
    fn repeats_are_written_once_and_chunks_go_oldest_first() {
        let events = vec![
            scan(5, Status::Delivered),
            scan(1, Status::InTransit),
            scan(3, Status::OutForDelivery),
            scan(1, Status::InTransit),
            scan(0, Status::InfoReceived),
        ];
        let plan = plan_writes(&events, "TN", 2);
        assert_eq!(plan.repeats, vec![3]);
        assert_eq!(plan.chunks, vec![vec![4, 1], vec![2, 0]]);
        assert_eq!(
            plan_writes(&events, "TN", 100).chunks,
            vec![vec![4, 1, 2, 0]]
        );
    }
}
