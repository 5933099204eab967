//! Pure milestone rules: (shipment state, events, now) -> (new state, milestones, intents).
//!
//! The function is idempotent and order-independent: it may be handed the whole stored
//! timeline every time, and events already reflected in the state change nothing. That is
//! what lets the stream handler re-run it on every (at-least-once) record.

use crate::milestone::{Milestone, may_follow, milestone_for};
use crate::model::{Channel, Merchant, MilestoneReached, Shipment, TrackingEvent};
use chrono::{DateTime, Duration, Utc};

/// A moment older than this is history, not news: recorded, never announced.
pub const NOTIFY_WINDOW: Duration = Duration::hours(24);
/// Carrier clocks drift; scans further in the future than this are not trusted for status.
pub const FUTURE_TOLERANCE: Duration = Duration::hours(24);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intent {
    pub milestone: Milestone,
    pub channel: Channel,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub shipment: Shipment,
    /// Milestones reached for the first time by this evaluation, oldest first.
    pub reached: Vec<Milestone>,
    /// What to tell the customer: at most one milestone, on each of its channels.
    pub intents: Vec<Intent>,
    pub changed: bool,
}

pub fn evaluate(
    state: &Shipment,
    events: &[TrackingEvent],
    now: DateTime<Utc>,
    merchant: &Merchant,
) -> Evaluation {
    let mut usable: Vec<&TrackingEvent> = events
        .iter()
        .filter(|e| e.occurred_at <= now + FUTURE_TOLERANCE)
        .collect();
    usable.sort_by_key(|e| (e.occurred_at, e.status));

    let mut next = state.clone();
    apply_status(&mut next, &usable);
    let reached = record_milestones(&mut next, &usable);
    let headline = headline(state, &next, &reached, now);

    for milestone in &reached {
        if let Some(entry) = next.milestones.get_mut(milestone) {
            entry.notified = Some(*milestone) == headline;
        }
    }
    let intents = headline
        .map(|milestone| {
            merchant
                .channels_for(milestone)
                .iter()
                .map(|&channel| Intent { milestone, channel })
                .collect()
        })
        .unwrap_or_default();

    let changed = next != *state;
    if changed {
        next.updated_at = now;
    }
    Evaluation {
        shipment: next,
        reached,
        intents,
        changed,
    }
}

/// Status follows the latest event by `occurred_at`, never arrival order, and never leaves
/// a terminal status except where `may_follow` allows.
fn apply_status(shipment: &mut Shipment, sorted: &[&TrackingEvent]) {
    for event in sorted {
        let newer = shipment.status_at.is_none_or(|at| event.occurred_at > at);
        if newer && may_follow(shipment.status, event.status) {
            shipment.status = event.status;
            shipment.status_at = Some(event.occurred_at);
        }
    }
    if let Some(date) = sorted.iter().rev().find_map(|e| e.estimated_delivery) {
        shipment.estimated_delivery = Some(date);
    }
}

/// Records every milestone the timeline shows for the first time (the earliest scan that
/// shows it), notified or not: the tracking page shows what happened even when the
/// customer was not told.
fn record_milestones(shipment: &mut Shipment, sorted: &[&TrackingEvent]) -> Vec<Milestone> {
    let mut reached = Vec::new();
    for event in sorted {
        let implied = event
            .status
            .is_carrier_scan()
            .then_some(Milestone::InTransit)
            .into_iter()
            .chain(milestone_for(event.status));
        for milestone in implied {
            if let std::collections::btree_map::Entry::Vacant(slot) =
                shipment.milestones.entry(milestone)
            {
                slot.insert(MilestoneReached {
                    at: event.occurred_at,
                    notified: false,
                });
                reached.push(milestone);
            }
        }
    }
    reached
}

/// The one newly reached milestone worth telling: the one the current status stands for,
/// if it is fresh and newer than anything the customer was already told. Earlier moments
/// reached in the same evaluation are superseded (nobody wants "on its way" and "delivered"
/// in the same minute).
fn headline(
    before: &Shipment,
    after: &Shipment,
    reached: &[Milestone],
    now: DateTime<Utc>,
) -> Option<Milestone> {
    let current_at = after.status_at?;
    let milestone = milestone_for(after.status).or_else(|| {
        after
            .status
            .is_carrier_scan()
            .then_some(Milestone::InTransit)
    })?;
    let last_told = before
        .milestones
        .values()
        .filter(|m| m.notified)
        .map(|m| m.at)
        .max();
    let fresh = current_at >= now - NOTIFY_WINDOW;
    let news = last_told.is_none_or(|told| current_at > told);
    (reached.contains(&milestone) && fresh && news).then_some(milestone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Customer;
    use crate::status::Status;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap()
    }

    fn merchant() -> Merchant {
        Merchant {
            merchant_id: "m1".into(),
            brand_name: "Acme".into(),
            sender_email: "shop@acme.test".into(),
            reply_to: None,
            sms_sender_id: None,
            channels: Merchant::default_channels(),
            webhook_secrets: Default::default(),
        }
    }

    fn shipment() -> Shipment {
        Shipment {
            id: "shp_1".into(),
            merchant_id: "m1".into(),
            tracking_number: "1Z1".into(),
            carrier: "ups".into(),
            order_number: "1001".into(),
            customer: Customer {
                name: "Ada".into(),
                email: Some("ada@example.com".into()),
                phone: Some("+4915112345678".into()),
                locale: "en".into(),
                timezone: "Europe/Berlin".into(),
            },
            promised_delivery_date: None,
            status: Status::Pending,
            status_at: None,
            estimated_delivery: None,
            milestones: Default::default(),
            token: "tok".into(),
            created_at: now() - Duration::days(2),
            updated_at: now() - Duration::days(2),
            version: 1,
        }
    }

    fn event(hours_ago: i64, status: Status) -> TrackingEvent {
        TrackingEvent {
            description: format!("{status} scan"),
            ..TrackingEvent::new(now() - Duration::hours(hours_ago), status, "generic")
        }
    }

    fn notified(e: &Evaluation) -> Vec<Milestone> {
        let mut ms: Vec<_> = e.intents.iter().map(|i| i.milestone).collect();
        ms.dedup();
        ms
    }

    #[test]
    fn each_fresh_moment_notifies_once_on_every_channel() {
        let m = merchant();
        let first = evaluate(&shipment(), &[event(3, Status::InTransit)], now(), &m);
        assert_eq!(first.shipment.status, Status::InTransit);
        assert_eq!(
            first.intents,
            vec![
                Intent {
                    milestone: Milestone::InTransit,
                    channel: Channel::Email
                },
                Intent {
                    milestone: Milestone::InTransit,
                    channel: Channel::Sms
                },
            ]
        );
        let again = evaluate(&first.shipment, &[event(3, Status::InTransit)], now(), &m);
        assert!(again.intents.is_empty());
        assert!(!again.changed);
    }

    #[test]
    fn a_late_older_scan_never_moves_a_delivered_shipment_back() {
        let m = merchant();
        let delivered = evaluate(&shipment(), &[event(1, Status::Delivered)], now(), &m);
        let late = evaluate(
            &delivered.shipment,
            &[event(5, Status::OutForDelivery)],
            now(),
            &m,
        );
        assert_eq!(late.shipment.status, Status::Delivered);
        assert!(late.intents.is_empty(), "stale moment must not notify");
        assert!(!late.shipment.milestones[&Milestone::OutForDelivery].notified);
    }

    #[test]
    fn a_newer_scan_after_delivery_that_is_not_a_return_is_ignored_for_status() {
        let m = merchant();
        let delivered = evaluate(&shipment(), &[event(2, Status::Delivered)], now(), &m);
        let after = evaluate(
            &delivered.shipment,
            &[event(1, Status::InTransit)],
            now(),
            &m,
        );
        assert_eq!(after.shipment.status, Status::Delivered);
        let returning = evaluate(
            &delivered.shipment,
            &[event(1, Status::ReturningToSender)],
            now(),
            &m,
        );
        assert_eq!(returning.shipment.status, Status::ReturningToSender);
    }

    #[test]
    fn a_whole_history_at_once_announces_only_the_latest_moment() {
        let m = merchant();
        let history = [
            event(5, Status::InTransit),
            event(3, Status::OutForDelivery),
            event(1, Status::Delivered),
        ];
        let result = evaluate(&shipment(), &history, now(), &m);
        assert_eq!(result.shipment.status, Status::Delivered);
        assert_eq!(
            result.reached,
            vec![
                Milestone::InTransit,
                Milestone::OutForDelivery,
                Milestone::Delivered
            ]
        );
        assert_eq!(notified(&result), vec![Milestone::Delivered]);
    }

    #[test]
    fn moments_older_than_the_window_are_recorded_but_not_announced() {
        let m = merchant();
        let backlog = [
            event(72, Status::InTransit),
            event(48, Status::OutForDelivery),
        ];
        let result = evaluate(&shipment(), &backlog, now(), &m);
        assert_eq!(result.shipment.status, Status::OutForDelivery);
        assert_eq!(result.reached.len(), 2);
        assert!(result.intents.is_empty());
    }

    #[test]
    fn first_scan_out_for_delivery_announces_out_for_delivery_not_in_transit() {
        let m = merchant();
        let result = evaluate(&shipment(), &[event(1, Status::OutForDelivery)], now(), &m);
        assert_eq!(notified(&result), vec![Milestone::OutForDelivery]);
        assert!(
            result
                .shipment
                .milestones
                .contains_key(&Milestone::InTransit)
        );
    }

    #[test]
    fn a_non_milestone_scan_updates_the_timeline_state_without_notifying() {
        let m = merchant();
        let first = evaluate(&shipment(), &[event(5, Status::InTransit)], now(), &m);
        let mut scan = event(4, Status::InfoReceived);
        scan.estimated_delivery = chrono::NaiveDate::from_ymd_opt(2026, 11, 22);
        let second = evaluate(&first.shipment, &[scan], now(), &m);
        assert!(second.intents.is_empty());
        assert_eq!(
            second.shipment.estimated_delivery,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
        );
    }

    #[test]
    fn events_far_in_the_future_are_not_trusted() {
        let m = merchant();
        let mut future = event(0, Status::Delivered);
        future.occurred_at = now() + Duration::days(30);
        let result = evaluate(&shipment(), &[future], now(), &m);
        assert_eq!(result.shipment.status, Status::Pending);
        assert!(!result.changed);
    }

    #[test]
    fn arrival_order_does_not_change_the_final_state_or_the_announced_moments() {
        let m = merchant();
        let history = [
            event(6, Status::InTransit),
            event(4, Status::OutForDelivery),
            event(2, Status::Delivered),
        ];
        let orders: [[usize; 3]; 6] = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        let mut finals = Vec::new();
        for order in orders {
            let mut state = shipment();
            let mut told = Vec::new();
            for i in order {
                let step = evaluate(&state, &[history[i].clone()], now(), &m);
                told.extend(notified(&step));
                state = step.shipment;
            }
            assert_eq!(state.status, Status::Delivered);
            let mut unique = told.clone();
            unique.dedup();
            assert_eq!(unique, told, "a milestone was announced twice");
            assert!(told.contains(&Milestone::Delivered));
            finals.push((state.status, state.status_at));
        }
        finals.dedup();
        assert_eq!(finals.len(), 1);
    }
}
