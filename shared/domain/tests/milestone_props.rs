//! Property: however a realistic history arrives (any order, any duplication, processed one
//! arrival at a time as the stream does), the final state is the same, each moment is
//! announced at most once, and nothing stale is ever announced. Evaluating only the new scans
//! (what the stream handler does) decides exactly what evaluating the whole timeline decides.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use afterclick_domain::fakes::{merchant, shipment};
use afterclick_domain::milestone::{Milestone, Moment};
use afterclick_domain::reason::Reason;
use afterclick_domain::rules::{NOTIFY_WINDOW, evaluate};
use afterclick_domain::{Status, TrackingEvent};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap()
}

fn scan(hours_ago: i64, status: Status, reason: Option<Reason>) -> TrackingEvent {
    let mut e = TrackingEvent::new(now() - Duration::hours(hours_ago), status, "generic");
    e.description = format!("{status} {hours_ago}h");
    e.reason = reason;
    e
}

/// Histories a carrier really produces: the happy path, failed attempts then pickup,
/// an exception and a return, a weather delay with a new date.
fn histories() -> Vec<Vec<TrackingEvent>> {
    let eta = |mut e: TrackingEvent, d: u32| {
        e.estimated_delivery = NaiveDate::from_ymd_opt(2026, 11, d);
        e
    };
    vec![
        vec![
            scan(60, Status::InfoReceived, Some(Reason::LabelCreated)),
            scan(50, Status::InTransit, Some(Reason::PickedUp)),
            scan(30, Status::InTransit, Some(Reason::ArrivedAtFacility)),
            scan(20, Status::InTransit, Some(Reason::DepartedFacility)),
            scan(5, Status::OutForDelivery, None),
            scan(1, Status::Delivered, Some(Reason::DeliveredToNeighbour)),
        ],
        vec![
            scan(70, Status::InTransit, None),
            scan(20, Status::OutForDelivery, None),
            scan(
                18,
                Status::AttemptFailed,
                Some(Reason::RecipientUnavailable),
            ),
            scan(8, Status::OutForDelivery, None),
            scan(6, Status::AttemptFailed, Some(Reason::BusinessClosed)),
            scan(2, Status::AvailableForPickup, None),
        ],
        vec![
            scan(90, Status::InTransit, None),
            scan(40, Status::Exception, Some(Reason::AddressIssue)),
            scan(22, Status::Exception, Some(Reason::AddressIssue)),
            scan(10, Status::Exception, Some(Reason::RecipientMoved)),
            scan(4, Status::ReturningToSender, Some(Reason::Returning)),
        ],
        vec![
            eta(scan(48, Status::InTransit, None), 18),
            eta(scan(12, Status::InTransit, Some(Reason::WeatherDelay)), 20),
            eta(scan(3, Status::InTransit, Some(Reason::WeatherDelay)), 21),
            scan(1, Status::OutForDelivery, None),
        ],
    ]
}

fn arrivals(n: usize) -> impl Strategy<Value = Vec<usize>> {
    (
        prop::collection::vec(0..n, 0..n),
        Just((0..n).collect::<Vec<_>>()),
    )
        .prop_flat_map(|(extra, all)| {
            Just(all.into_iter().chain(extra).collect::<Vec<_>>()).prop_shuffle()
        })
}

fn status_moment(m: &Moment) -> bool {
    !matches!(m.milestone, Milestone::Delayed | Milestone::Stalled)
}

/// What one arrival order announces, step by step (moment keys and attempt numbers), and the
/// final state. `incremental`: each step sees only the scan that is new, as the stream handler
/// does; otherwise every stored scan, as a full re-read would.
type Run = (Vec<Vec<(String, Option<u32>)>>, afterclick_domain::Shipment);

fn play(
    history: &[TrackingEvent],
    order: &[usize],
    incremental: bool,
) -> Result<Run, TestCaseError> {
    // Registered just before the first scan (as shops do): a shipment registered days
    // before any scan is legitimately stalled while its scans are still unknown, a
    // clock-based moment that depends on what was known when, not on arrival order.
    let first_scan = history.iter().map(|e| e.occurred_at).min().unwrap();
    let mut state = shipment("m1", "TN1", first_scan - Duration::hours(1));
    state.promised_delivery_date = NaiveDate::from_ymd_opt(2026, 11, 19);

    let mut stored: BTreeMap<String, TrackingEvent> = BTreeMap::new();
    let mut announced: Vec<(String, DateTime<Utc>)> = Vec::new();
    let mut steps = Vec::new();
    let mut told_until: Option<DateTime<Utc>> = None;
    for &i in order {
        let e = &history[i];
        // A scan already stored is no stream record: nothing is evaluated for it.
        let new = stored.insert(e.event_id("TN1"), e.clone()).is_none();
        let seen: Vec<TrackingEvent> = if incremental {
            if !new {
                continue;
            }
            vec![e.clone()]
        } else {
            stored.values().cloned().collect()
        };
        let step = evaluate(&state, &seen, now(), &merchant("m1"));
        let mut keys = BTreeSet::new();
        for intent in &step.intents {
            keys.insert(intent.moment.key());
            let at = step.shipment.milestones[&intent.moment.key()].at;
            prop_assert!(
                at >= now() - NOTIFY_WINDOW,
                "stale moment {} announced",
                intent.moment.key()
            );
            if status_moment(&intent.moment) {
                prop_assert!(
                    told_until.is_none_or(|t| at > t),
                    "{} is older than news already told",
                    intent.moment.key()
                );
            }
        }
        for key in keys {
            prop_assert!(
                !announced.iter().any(|(k, _)| *k == key),
                "{key} announced twice"
            );
            let at = step.shipment.milestones[&key].at;
            if Moment::parse_key(&key).is_some_and(|m| status_moment(&m)) {
                told_until = Some(told_until.map_or(at, |t| t.max(at)));
            }
            announced.push((key, at));
        }
        if new {
            steps.push(
                step.intents
                    .iter()
                    .map(|i| (i.moment.key(), i.details.attempt))
                    .collect(),
            );
        }
        state = step.shipment;
    }
    Ok((steps, state))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_arrival_order_gives_the_same_state_and_announces_each_moment_at_most_once(
        (which, order) in (0usize..4).prop_flat_map(|w| (Just(w), arrivals(histories()[w].len()))),
    ) {
        let history = &histories()[which];
        let first_scan = history.iter().map(|e| e.occurred_at).min().unwrap();
        let mut registered = shipment("m1", "TN1", first_scan - Duration::hours(1));
        registered.promised_delivery_date = NaiveDate::from_ymd_opt(2026, 11, 19);
        let reference = evaluate(&registered, history, now(), &merchant("m1")).shipment;

        let (whole_steps, state) = play(history, &order, false)?;
        prop_assert_eq!(state.status, reference.status);
        prop_assert_eq!(state.status_at, reference.status_at);
        prop_assert_eq!(state.estimated_delivery, reference.estimated_delivery);
        let keys = |s: &afterclick_domain::Shipment| s.milestones.iter().map(|(k, m)| (k.clone(), m.at)).collect::<Vec<_>>();
        prop_assert_eq!(keys(&state), keys(&reference));

        let (new_steps, incremental) = play(history, &order, true)?;
        prop_assert_eq!(&new_steps, &whole_steps);
        prop_assert_eq!(&incremental.milestones, &state.milestones);
        prop_assert_eq!(
            (incremental.status, incremental.status_at, incremental.estimated_delivery, incremental.last_scan_at, incremental.due_at),
            (state.status, state.status_at, state.estimated_delivery, state.last_scan_at, state.due_at)
        );
        prop_assert_eq!(&incremental.history, &state.history);
    }
}
