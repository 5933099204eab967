//! Pure milestone rules: (shipment state, events, now) -> (new state, moments, intents).
//!
//! The function is idempotent and order-independent: it may be handed the whole stored
//! timeline or only the scans new since the state was last evaluated (what the state needs
//! from older scans is kept in [`HistorySummary`]), and events already reflected in the state
//! change nothing. That is what lets the stream handler (and the sweeper) re-run it on every
//! at-least-once delivery at a cost that follows the new scans, not the history's length.
//!
//! What is announced:
//! - the moment the current status stands for (the newest scan), if it is at most
//!   [`NOTIFY_WINDOW`] old and newer than anything the customer was already told; earlier
//!   moments reached in the same evaluation are recorded, not announced;
//! - a delay, once per new expected date: the carrier's estimate moved past the promise,
//!   the carrier reported a delay reason, or the promised day ended (customer's time zone)
//!   without delivery;
//! - a stall, once per quiet spell: no carrier scan for the merchant's number of business
//!   hours (Monday to Friday).
//!
//! Scans more than a day in the future, or more than a day before the label was created,
//! are impossible: they stay on the timeline, flagged, and decide nothing (judged when they
//! are evaluated, which is when they arrive).

use crate::milestone::{Milestone, Moment, Occurrence, is_terminal, may_follow, milestone_for};
use crate::model::{
    Channel, Details, HistorySummary, Merchant, MilestoneReached, Shipment, TrackingEvent,
};
use crate::status::Status;
use chrono::{DateTime, Datelike, Duration, NaiveDate, SecondsFormat, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// A moment older than this is history, not news: recorded, never announced.
pub const NOTIFY_WINDOW: Duration = Duration::hours(24);
/// Carrier clocks drift; scans further in the future than this are impossible.
pub const FUTURE_TOLERANCE: Duration = Duration::hours(24);
/// A scan this long before the label was created is impossible.
pub const BEFORE_LABEL_TOLERANCE: Duration = Duration::hours(24);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    FarFuture,
    BeforeLabel,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    pub moment: Moment,
    pub channel: Channel,
    pub details: Details,
}

/// What a delivery tells about the carrier, counted once per shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryOutcome {
    pub carrier: String,
    pub service: Option<String>,
    pub destination_country: Option<String>,
    pub delivered_at: DateTime<Utc>,
    /// Against the promise, in the customer's time zone; none without a promise.
    pub on_time: Option<bool>,
    /// Against the carrier's first estimate, the same way; none without one.
    pub on_estimate: Option<bool>,
    /// First carrier scan to delivery.
    pub transit_hours: Option<i64>,
    /// The parcel had an exception on its way (any reason).
    pub had_exception: bool,
    /// The carrier failed at least one delivery attempt.
    pub had_failed_attempt: bool,
    /// The lanes it counts in, and what it adds to them (`crate::lanes`).
    pub lanes: Vec<crate::lanes::Lane>,
    pub sample: Option<crate::lanes::LaneSample>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub shipment: Shipment,
    /// Moments reached for the first time by this evaluation, oldest first.
    pub reached: Vec<Moment>,
    /// What to tell the customer, on each of the merchant's channels.
    pub intents: Vec<Intent>,
    /// Set when this evaluation found the delivery.
    pub outcome: Option<DeliveryOutcome>,
    pub changed: bool,
    /// The oldest scans deleted because the history went past its bound (set by
    /// `afterclick_app::reevaluate`, which counts the history).
    pub trimmed: usize,
}

/// When the label was created: the earliest pre-transit scan.
pub fn label_time(events: &[TrackingEvent]) -> Option<DateTime<Utc>> {
    events
        .iter()
        .filter(|e| e.status == Status::InfoReceived)
        .map(|e| e.occurred_at)
        .min()
}

/// Why a scan is impossible, if it is.
pub fn flag(
    event: &TrackingEvent,
    label_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<Flag> {
    if event.occurred_at > now + FUTURE_TOLERANCE {
        Some(Flag::FarFuture)
    } else if label_at.is_some_and(|label| event.occurred_at < label - BEFORE_LABEL_TOLERANCE) {
        Some(Flag::BeforeLabel)
    } else {
        None
    }
}

/// A moment found in the timeline or the clock, with when it happened and what to say.
#[derive(Debug, Clone)]
struct Candidate {
    moment: Moment,
    at: DateTime<Utc>,
    details: Details,
}

pub fn evaluate(
    state: &Shipment,
    events: &[TrackingEvent],
    now: DateTime<Utc>,
    merchant: &Merchant,
) -> Evaluation {
    let known = state.history.as_ref();
    let label_at = [known.and_then(|h| h.label_at), label_time(events)]
        .into_iter()
        .flatten()
        .min();
    let mut usable: Vec<&TrackingEvent> = events
        .iter()
        .filter(|e| flag(e, label_at, now).is_none())
        .collect();
    usable.sort_by_key(|e| (e.occurred_at, e.status));

    let mut next = state.clone();
    // The expectation before these scans: a scan-reported delay moves it.
    let expected = known
        .and(state.estimated_delivery)
        .or(state.promised_delivery_date);
    let estimate_at = apply_status(&mut next, &usable);
    if next.cancelled_by_store() {
        // The scans stay in the timeline; the parcel is no longer the customer's news.
        next.status = Status::Cancelled;
    }
    next.history = Some(HistorySummary {
        read_at: known.map_or(now, |h| h.read_at),
        label_at,
        estimate_at,
        // Without a summary the events are the whole timeline; new scans are counted by the
        // caller, which knows which of them are new (`afterclick_app::reevaluate`).
        scans: known.map_or(events.len(), |h| h.scans),
    });
    let mut candidates = scan_moments(&usable, expected);
    candidates.extend(delay_moments(&next, now));
    candidates.extend(stall_moment(&next, now, merchant.stall_after_hours));
    let mut reached = record(&mut next, &candidates);
    number_attempts(&next, &mut reached);
    let mut announced = announce(state, &next, &reached, now);
    if next.cancelled_by_store() {
        announced.clear();
    }
    for candidate in &announced {
        if let Some(entry) = next.milestones.get_mut(&candidate.moment.key()) {
            entry.notified = true;
        }
    }
    let intents = announced
        .iter()
        .flat_map(|c| {
            merchant
                .channels_for(c.moment.milestone)
                .iter()
                .filter(|&&channel| next.allows(channel))
                .map(|&channel| Intent {
                    moment: c.moment.clone(),
                    channel,
                    details: c.details.clone(),
                })
        })
        .collect();
    let outcome = reached
        .iter()
        .any(|c| c.moment.milestone == Milestone::Delivered)
        .then(|| outcome(&next))
        .flatten();
    next.due_at = next_due(&next, merchant.stall_after_hours);

    let changed = next != *state;
    if changed {
        next.updated_at = now;
    }
    Evaluation {
        shipment: next,
        reached: reached.into_iter().map(|c| c.moment).collect(),
        intents,
        outcome,
        changed,
        trimmed: 0,
    }
}

/// Status follows the latest scan by `occurred_at`, never arrival order, and never leaves
/// a terminal status except where `may_follow` allows. The estimate follows the newest scan
/// that carries one; returns that scan's time.
fn apply_status(shipment: &mut Shipment, sorted: &[&TrackingEvent]) -> Option<DateTime<Utc>> {
    for event in sorted {
        // Same time: the further status wins (carriers send "out for delivery" and
        // "delivered" with the same minute-precision stamp).
        let newer = shipment
            .status_at
            .is_none_or(|at| (event.occurred_at, event.status) > (at, shipment.status));
        if newer && may_follow(shipment.status, event.status) {
            shipment.status = event.status;
            shipment.status_at = Some(event.occurred_at);
        }
    }
    let mut estimate_at = shipment.history.as_ref().and_then(|h| h.estimate_at);
    if let Some((at, date)) = sorted
        .iter()
        .rev()
        .find_map(|e| Some((e.occurred_at, e.estimated_delivery?)))
        // Without a summary the scans are the whole timeline: the newest estimate wins.
        .filter(|(at, _)| shipment.history.is_none() || estimate_at.is_none_or(|e| *at >= e))
    {
        shipment.estimated_delivery = Some(date);
        shipment.first_estimate = shipment.first_estimate.or(Some(date));
        estimate_at = Some(at);
    }
    // Progress is read from in-transit scans only: "left the parcel at the door" is no
    // departure.
    for event in sorted.iter().filter(|e| e.status == Status::InTransit) {
        let slot = match crate::lanes::stage(event) {
            Some(crate::lanes::Stage::Departed) => &mut shipment.departed_at,
            Some(crate::lanes::Stage::AtDestination) => &mut shipment.at_destination_at,
            None => continue,
        };
        *slot = Some(slot.map_or(event.occurred_at, |at| at.min(event.occurred_at)));
    }
    shipment.last_scan_at = sorted
        .iter()
        .filter(|e| e.status.is_carrier_scan())
        .map(|e| e.occurred_at)
        .max()
        .max(shipment.last_scan_at);
    estimate_at
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The moments the scans show, in time order; `expected` is the date in force before them.
fn scan_moments(sorted: &[&TrackingEvent], mut expected: Option<NaiveDate>) -> Vec<Candidate> {
    let mut out = Vec::new();
    for event in sorted {
        let details = Details {
            reason: event.reason,
            pickup: event.pickup.clone(),
            signed_by: event.signed_by.clone(),
            location: event.location.clone(),
            ..Details::default()
        };
        if event.status.is_carrier_scan() {
            out.push(Candidate {
                moment: Moment::once(Milestone::InTransit),
                at: event.occurred_at,
                details: details.clone(),
            });
        }
        if let Some((milestone, occurrence)) = milestone_for(event.status) {
            let instance = match occurrence {
                Occurrence::Once => None,
                Occurrence::PerScan => Some(timestamp(event.occurred_at)),
                Occurrence::PerReason => Some(
                    event
                        .reason
                        .map_or("unspecified", |r| r.as_str())
                        .to_owned(),
                ),
            };
            out.push(Candidate {
                moment: Moment {
                    milestone,
                    instance,
                },
                at: event.occurred_at,
                details: details.clone(),
            });
        }
        if event.reason.is_some_and(|r| r.is_delay()) && !is_terminal(event.status) {
            let new_date = event.estimated_delivery;
            out.push(Candidate {
                moment: Moment::of(
                    Milestone::Delayed,
                    new_date.map_or_else(|| "unknown".to_owned(), |d| d.to_string()),
                ),
                at: event.occurred_at,
                details: Details {
                    old_date: expected,
                    new_date,
                    ..details
                },
            });
        }
        if let Some(date) = event.estimated_delivery {
            expected = Some(date);
        }
    }
    out
}

/// A carrier's estimate is believed only near its scan: from a month before (a date that
/// just passed) to a year after. `9999-12-31` or `1970-01-01` are placeholders or errors,
/// never news for the customer.
pub fn plausible_estimate(date: NaiveDate, scanned: DateTime<Utc>) -> bool {
    let days = (date - scanned.date_naive()).num_days();
    (-30..=366).contains(&days)
}

/// Today in the customer's time zone (UTC when it is unknown).
pub fn customer_today(shipment: &Shipment, now: DateTime<Utc>) -> NaiveDate {
    match shipment.customer.timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => now.with_timezone(&tz).date_naive(),
        Err(_) => now.date_naive(),
    }
}

/// The first instant after the promised day, in the customer's time zone.
fn promise_deadline(shipment: &Shipment) -> Option<DateTime<Utc>> {
    let day_after = shipment
        .promised_delivery_date?
        .succ_opt()?
        .and_hms_opt(0, 0, 0)?;
    let tz = shipment
        .customer
        .timezone
        .parse::<chrono_tz::Tz>()
        .unwrap_or(chrono_tz::UTC);
    crate::model::local_to_utc(tz, day_after)
}

pub fn awaiting_delivery(shipment: &Shipment) -> bool {
    // A delivered parcel is never late or stalled, even if a later exception moves its status.
    !shipment
        .milestones
        .contains_key(Milestone::Delivered.as_str())
        && !matches!(
            shipment.status,
            Status::Delivered
                | Status::ReturningToSender
                | Status::ReturnedToSender
                | Status::Cancelled
                | Status::Expired
        )
}

/// Delays the promise shows: the estimate moved past it, or its day ended undelivered.
fn delay_moments(shipment: &Shipment, now: DateTime<Utc>) -> Vec<Candidate> {
    let Some(promise) = shipment.promised_delivery_date else {
        return Vec::new();
    };
    if !awaiting_delivery(shipment) {
        return Vec::new();
    }
    let later_estimate = shipment.estimated_delivery.filter(|eta| *eta > promise);
    let details = Details {
        old_date: Some(promise),
        new_date: later_estimate,
        ..Details::default()
    };
    if let Some(eta) = later_estimate {
        return vec![Candidate {
            moment: Moment::of(Milestone::Delayed, eta.to_string()),
            at: now,
            details,
        }];
    }
    if customer_today(shipment, now) > promise {
        return vec![Candidate {
            moment: Moment::of(Milestone::Delayed, format!("overdue-{promise}")),
            at: now,
            details,
        }];
    }
    Vec::new()
}

/// Business hours (Monday to Friday, UTC days) from `from` to `to`.
pub fn business_hours_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let mut total = Duration::zero();
    let mut cursor = from;
    while cursor < to {
        let next_midnight = (cursor.date_naive() + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .map_or(to, |m| m.and_utc());
        let end = next_midnight.min(to);
        if !matches!(cursor.weekday(), Weekday::Sat | Weekday::Sun) {
            total += end - cursor;
        }
        cursor = end;
    }
    total.num_hours()
}

/// The instant `hours` business hours after `from`.
pub fn add_business_hours(from: DateTime<Utc>, hours: u32) -> DateTime<Utc> {
    let mut left = Duration::hours(i64::from(hours));
    let mut cursor = from;
    while left > Duration::zero() {
        let next_midnight = (cursor.date_naive() + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .map_or(cursor + left, |m| m.and_utc());
        if matches!(cursor.weekday(), Weekday::Sat | Weekday::Sun) {
            cursor = next_midnight;
            continue;
        }
        let step = (next_midnight - cursor).min(left);
        cursor += step;
        left -= step;
    }
    cursor
}

fn stall_anchor(shipment: &Shipment) -> DateTime<Utc> {
    shipment.last_scan_at.unwrap_or(shipment.created_at)
}

fn stall_moment(shipment: &Shipment, now: DateTime<Utc>, hours: u32) -> Option<Candidate> {
    let anchor = stall_anchor(shipment);
    (awaiting_delivery(shipment) && business_hours_between(anchor, now) >= i64::from(hours)).then(
        || Candidate {
            moment: Moment::of(Milestone::Stalled, timestamp(anchor)),
            at: now,
            details: Details::default(),
        },
    )
}

/// Records every moment shown for the first time (at its earliest occurrence), notified or
/// not: the tracking page shows what happened even when the customer was not told.
fn record(shipment: &mut Shipment, candidates: &[Candidate]) -> Vec<Candidate> {
    let mut reached: Vec<Candidate> = Vec::new();
    for candidate in candidates {
        let key = candidate.moment.key();
        if let Some(existing) = shipment.milestones.get_mut(&key) {
            // A late scan showing an already-known moment earlier moves its time, not its news.
            existing.at = existing.at.min(candidate.at);
            continue;
        }
        shipment.milestones.insert(
            key,
            MilestoneReached {
                at: candidate.at,
                notified: false,
            },
        );
        reached.push(candidate.clone());
    }
    reached
}

/// Each new failed attempt's number: its rank among all the attempts the shipment has seen
/// (older attempts are in the state, not necessarily among the scans evaluated now).
fn number_attempts(shipment: &Shipment, reached: &mut [Candidate]) {
    let attempts: Vec<DateTime<Utc>> = shipment
        .milestones
        .iter()
        .filter(|(key, _)| {
            Moment::parse_key(key).is_some_and(|m| m.milestone == Milestone::AttemptFailed)
        })
        .map(|(_, m)| m.at)
        .collect();
    for candidate in reached
        .iter_mut()
        .filter(|c| c.moment.milestone == Milestone::AttemptFailed)
    {
        let rank = attempts.iter().filter(|&&at| at <= candidate.at).count();
        candidate.details.attempt = u32::try_from(rank).ok();
    }
}

fn is_status_milestone(m: Milestone) -> bool {
    !matches!(
        m,
        Milestone::Delayed | Milestone::Stalled | Milestone::TrendingLate
    )
}

/// Of the newly reached moments, the ones worth telling the customer about.
fn announce(
    before: &Shipment,
    after: &Shipment,
    reached: &[Candidate],
    now: DateTime<Utc>,
) -> Vec<Candidate> {
    let fresh = |c: &Candidate| c.at >= now - NOTIFY_WINDOW;
    let last_told = before
        .milestones
        .iter()
        .filter(|(key, m)| {
            m.notified && Moment::parse_key(key).is_some_and(|k| is_status_milestone(k.milestone))
        })
        .map(|(_, m)| m.at)
        .max();
    let status_at = after.status_at;
    // The moment the current status stands for: its own milestone, else "on its way".
    let current = milestone_for(after.status).map(|(m, _)| m).or_else(|| {
        after
            .status
            .is_carrier_scan()
            .then_some(Milestone::InTransit)
    });
    let headline = reached
        .iter()
        .filter(|c| Some(c.moment.milestone) == current && Some(c.at) == status_at)
        .max_by_key(|c| c.at)
        // `>=`: a further status stamped the same minute as the last news is news too.
        .filter(|c| fresh(c) && last_told.is_none_or(|told| c.at >= told));
    let waiting = awaiting_delivery(after);
    let delay = reached
        .iter()
        .filter(|c| c.moment.milestone == Milestone::Delayed && waiting && fresh(c))
        .max_by_key(|c| c.at);
    // A delay already tells the customer we are on it: no stall message in the same breath.
    let stall = reached
        .iter()
        .find(|c| c.moment.milestone == Milestone::Stalled && waiting && delay.is_none());
    // A delay says "on its way, but later": no separate "on its way" in the same breath.
    let headline =
        headline.filter(|h| !(delay.is_some() && h.moment.milestone == Milestone::InTransit));
    [headline, delay, stall]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
}

fn outcome(shipment: &Shipment) -> Option<DeliveryOutcome> {
    // Every occurrence of these milestones has its own key (`exception#{reason}`,
    // `attempt_failed#{at}`): any key of the milestone counts.
    let reached = |milestone: Milestone| {
        shipment
            .milestones
            .keys()
            .any(|key| Moment::parse_key(key).is_some_and(|m| m.milestone == milestone))
    };
    let delivered_at = shipment.milestones.get(Milestone::Delivered.as_str())?.at;
    let first_scan = shipment
        .milestones
        .get(Milestone::InTransit.as_str())
        .map(|m| m.at);
    let delivered_day = match shipment.customer.timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => delivered_at.with_timezone(&tz).date_naive(),
        Err(_) => delivered_at.date_naive(),
    };
    Some(DeliveryOutcome {
        carrier: shipment.carrier.clone(),
        service: shipment.service.clone(),
        destination_country: shipment.destination_country.as_deref().map(str::to_owned),
        delivered_at,
        on_time: shipment.promised_delivery_date.map(|p| delivered_day <= p),
        on_estimate: shipment.first_estimate.map(|e| delivered_day <= e),
        transit_hours: first_scan.map(|f| (delivered_at - f).num_hours().max(0)),
        had_exception: reached(Milestone::Exception),
        had_failed_attempt: reached(Milestone::AttemptFailed),
        lanes: crate::lanes::lanes(shipment),
        sample: crate::lanes::sample(shipment),
    })
}

/// When the sweeper must look again: the end of the promised day (until the overdue delay
/// is known) and the stall deadline of the current quiet spell (until it is known).
fn next_due(shipment: &Shipment, stall_hours: u32) -> Option<DateTime<Utc>> {
    if !awaiting_delivery(shipment) {
        return None;
    }
    let reached = |moment: Moment| shipment.milestones.contains_key(&moment.key());
    let promise = promise_deadline(shipment).filter(|_| {
        shipment
            .promised_delivery_date
            .is_some_and(|p| !reached(Moment::of(Milestone::Delayed, format!("overdue-{p}"))))
    });
    let anchor = stall_anchor(shipment);
    let stall = (!reached(Moment::of(Milestone::Stalled, timestamp(anchor))))
        .then(|| add_business_hours(anchor, stall_hours));
    // A deadline already past is simply due: the sweeper's next run picks it up.
    [promise, stall].into_iter().flatten().min()
}

#[cfg(test)]
mod tests;
