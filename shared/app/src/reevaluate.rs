//! Re-evaluating one shipment: load, apply the pure rules, commit guarded by the version,
//! retry on conflict. Shared by the stream consumer and the sweeper; it talks to the
//! outside only through the ports.

use afterclick_domain::lanes;
use afterclick_domain::model::{Notification, NotificationState, TrackingEvent};
use afterclick_domain::outgoing;
use afterclick_domain::ports::{
    EndpointStore, EventStore, LaneStore, MAX_HISTORY, MAX_TRANSACTION_WRITES, SnapshotReads,
    StoreError,
};
use afterclick_domain::rules::awaiting_delivery;
use afterclick_domain::rules::{Evaluation, evaluate};
use chrono::{DateTime, Utc};

/// Optimistic-concurrency retries before giving the work back to the caller's retry.
pub const COMMIT_ATTEMPTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum ReevaluateError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("gave up after {COMMIT_ATTEMPTS} conflicting writes")]
    Contended,
}

/// How many scans the history holds: as read, or as before plus the ones just stored.
enum Count {
    Exactly(usize),
    /// When the scans just stored were received: only those received after the timeline was
    /// read are new to the count (the read saw the others).
    Added(Vec<DateTime<Utc>>),
}

/// Counts the shipment's scans and caps the count at [`MAX_HISTORY`]; returns how many of
/// the oldest scans are over it.
fn count_scans(outcome: &mut Evaluation, count: Count, now: DateTime<Utc>) -> usize {
    let Some(history) = outcome.shipment.history.as_mut() else {
        return 0;
    };
    let counted = match count {
        Count::Exactly(n) => n,
        Count::Added(received) => {
            let unseen = received.iter().filter(|at| **at >= history.read_at).count();
            history.scans.saturating_add(unseen)
        }
    };
    let excess = counted.saturating_sub(MAX_HISTORY);
    let scans = counted - excess;
    if scans != history.scans {
        history.scans = scans;
        outcome.changed = true;
        outcome.shipment.updated_at = now;
    }
    excess
}

/// What happened to the shipment; `None` when it is not registered (yet) or its merchant
/// is gone.
///
/// `scans` are the events new since the last evaluation: the stream's records, none for the
/// sweeper's clock-driven look, `None` when they are not known. A shipment whose state already
/// summarises its history is judged on them alone, so the cost follows the new scans, never
/// the history's length. The first evaluation (registration, or a shipment stored before
/// summaries existed) reads the whole timeline once, which the history bound keeps finite.
/// `stored` holds when each of `scans` stored just now was received (the others changed an
/// estimate): counted into the history, whose oldest scans past [`MAX_HISTORY`] are deleted,
/// unless the history's whole-timeline read came after them and counted them already (their
/// records can arrive in a later batch than the registration's).
pub async fn reevaluate<S>(
    store: &S,
    merchant_id: &str,
    tracking_number: &str,
    scans: Option<&[TrackingEvent]>,
    stored: &[DateTime<Utc>],
    clock: &(dyn Fn() -> DateTime<Utc> + Sync),
) -> Result<Option<Evaluation>, ReevaluateError>
where
    S: SnapshotReads + EventStore + EndpointStore + LaneStore,
{
    let now = clock();
    for _ in 0..COMMIT_ATTEMPTS {
        let snapshot = store.snapshot(merchant_id, tracking_number).await?;
        let (Some(shipment), Some(merchant)) = (snapshot.shipment, snapshot.merchant) else {
            return Ok(None);
        };
        let timeline;
        let mut read_at = None;
        let (events, count) = if let Some(scans) = scans.filter(|_| shipment.history.is_some()) {
            (scans, Count::Added(stored.to_vec()))
        } else {
            timeline = store.timeline(merchant_id, tracking_number).await?;
            // Read after the timeline: every scan it holds was received before this time, so
            // none of their records is counted again. A scan stored while the pages were read
            // may be missed by both (the query is no snapshot): the bound errs towards keeping
            // more, never towards deleting a scan early.
            read_at = Some(clock().max(now));
            (&timeline[..], Count::Exactly(timeline.len()))
        };
        let mut outcome = evaluate(&shipment, events, now, &merchant);
        // The shop's estimate and the risk of missing the promise, for a parcel in transit
        // (read only then: a delivered parcel needs no lanes). Before the read time is
        // moved: whether anything changed is judged as `evaluate` judges it.
        let in_transit = awaiting_delivery(&outcome.shipment)
            && outcome.shipment.milestones.contains_key("in_transit");
        if in_transit {
            // The estimate is an extra: a failed read leaves it as it was, never the news.
            match store
                .lane_history(merchant_id, &lanes::lanes(&outcome.shipment), now)
                .await
            {
                Ok(history) => lanes::apply(&mut outcome, &shipment, &history, now, &merchant),
                Err(err) => tracing::warn!(error = %err, "lane counters unreadable; no forecast"),
            }
        }
        if let (Some(at), Some(history)) = (read_at, outcome.shipment.history.as_mut()) {
            history.read_at = at;
        }
        let excess = count_scans(&mut outcome, count, now);
        if !outcome.changed {
            // Already counted at the bound: nothing to commit, but the new scans' room is
            // made all the same.
            outcome.trimmed = store
                .trim_history(merchant_id, tracking_number, excess)
                .await?;
            return Ok(Some(outcome));
        }
        let intents: Vec<Notification> = outcome
            .intents
            .iter()
            .map(|intent| Notification {
                merchant_id: shipment.merchant_id.clone(),
                tracking_number: shipment.tracking_number.clone(),
                milestone: intent.moment.milestone,
                instance: intent.moment.instance.clone(),
                details: intent.details.clone(),
                channel: intent.channel,
                state: NotificationState::Pending,
                created_at: now,
                updated_at: now,
                provider_message_id: None,
                detail: None,
                segments: None,
                deferred_until: None,
                expired_claims: 0,
                email: Default::default(),
            })
            .collect();
        let deliveries = if outcome.reached.is_empty() || !snapshot.may_have_endpoints {
            Vec::new()
        } else {
            let endpoints = store.endpoints(merchant_id).await?;
            // One transaction holds 100 writes: the shipment, the counters (outcome and
            // lanes), the intents.
            let counters = outcome.outcome.as_ref().map_or(0, |o| 1 + o.lanes.len());
            let budget = MAX_TRANSACTION_WRITES.saturating_sub(1 + counters + intents.len());
            outgoing::deliveries(&outcome.shipment, &outcome.reached, &endpoints, budget, now)
        };
        match store
            .commit(
                shipment.version,
                &outcome.shipment,
                &intents,
                &deliveries,
                outcome.outcome.as_ref(),
            )
            .await
        {
            Ok(()) => {
                // After the commit that capped the count: a failure here is retried with the
                // records, which counts them again and trims again.
                outcome.trimmed = store
                    .trim_history(merchant_id, tracking_number, excess)
                    .await?;
                return Ok(Some(outcome));
            }
            Err(StoreError::Conflict) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Err(ReevaluateError::Contended)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use afterclick_domain::Status;
    use afterclick_domain::fakes::{MemoryStore, merchant, shipment};
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap()
    }

    fn scan(minute: i64) -> TrackingEvent {
        TrackingEvent {
            description: format!("Hub {minute}"),
            ..TrackingEvent::new(
                t0() - Duration::hours(1) + Duration::minutes(minute),
                Status::InTransit,
                "generic",
            )
        }
    }

    async fn counted(store: &MemoryStore) -> usize {
        let snapshot = store.snapshot("m1", "TN1").await.unwrap();
        snapshot.shipment.unwrap().history.unwrap().scans
    }

    /// The registration's evaluation reads the whole timeline, scans stored before it
    /// included; when those scans' own records arrive afterwards they are not counted again
    /// (they were, and the history was trimmed early), while a scan received after the
    /// read is.
    #[tokio::test]
    async fn scans_the_first_read_saw_are_counted_once_when_their_records_come_later() {
        let store = MemoryStore::default();
        store.put_merchant(merchant("m1"));
        store.put_shipment(shipment("m1", "TN1", t0() - Duration::hours(2)));
        let early: Vec<_> = (0..3).map(scan).collect();
        // Received after the evaluation started but stored before it read the timeline: the
        // race behind the early trims.
        let received_early = t0() + Duration::milliseconds(500);
        store
            .record_events("m1", "TN1", &early, received_early)
            .await
            .unwrap();

        // The registration's record: no scans of its own, the timeline read counts three.
        let ticks = std::sync::atomic::AtomicI64::new(0);
        let clock =
            || t0() + Duration::seconds(ticks.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
        reevaluate(&store, "m1", "TN1", Some(&[]), &[], &clock)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(counted(&store).await, 3);

        // The three scans' records, in a later batch.
        let later = t0() + Duration::seconds(5);
        reevaluate(
            &store,
            "m1",
            "TN1",
            Some(&early),
            &[received_early; 3],
            &|| later,
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(counted(&store).await, 3, "counted twice");

        // A scan received after the read is new to the count.
        let fresh = [scan(10)];
        store
            .record_events("m1", "TN1", &fresh, later)
            .await
            .unwrap();
        reevaluate(&store, "m1", "TN1", Some(&fresh), &[later], &|| later)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(counted(&store).await, 4);
        assert_eq!(store.timeline("m1", "TN1").await.unwrap().len(), 4);
    }
}
