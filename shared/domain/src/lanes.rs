//! Delivery dates from the merchant's own history: transit times per lane, a predicted
//! range for every parcel in transit, and the risk of missing the promise ("trending late").
//!
//! **Lanes.** A delivery counts in four lanes, from the narrowest: carrier × service ×
//! origin region → destination region (postal prefixes, [`postal_region`]); carrier ×
//! service × origin country → destination country; carrier × service; carrier. A
//! prediction uses the narrowest lane with at least [`MIN_SAMPLES`] deliveries in the last
//! [`WINDOW_MONTHS`] calendar months (recent months only: lanes change speed).
//!
//! **Transit** is counted in business days of the destination country's [`Calendar`] (the
//! carrier's working days there): from the first carrier scan (the label when there is
//! none) to the first delivery attempt, or the arrival at a pickup point, both as dates in
//! the customer's time zone. 0 is the same day. A delivery dated before its first scan, or
//! more than [`MAX_TRANSIT_DAYS`] after it, is impossible: it counts as rejected, not in the
//! histogram, and a lane where rejected deliveries pass a quarter of all is contradictory
//! and predicts nothing.
//!
//! **The range** comes from the lane's deliveries, narrowed by what the parcel has shown
//! so far: a parcel still on its way after 3 business days will not take 2; one that
//! reached the destination's delivery facility takes what the lane takes from there; one
//! not seen leaving its origin (or reaching its destination) by the time the carrier's day
//! closes ([`DAY_CLOSES`]), on a lane whose scans show those moves, leaves (or arrives) no
//! earlier than the next business day ([`Stage`], read from providers' sub-statuses and
//! carriers' descriptions). It runs from that distribution's [`RANGE_LOW`] to its
//! [`RANGE_HIGH`] quantile, chosen on the backtest. "Out for delivery" today narrows it to
//! today. A range never starts earlier than it did before (late or skewed scans do not move
//! it back), and the first scan it counts from is fixed once it is made.
//!
//! **Shown or not.** Each lane also counts, per delivery, whether the carrier's first
//! estimate and afterclick's first range were kept (delivered on or before their end). The
//! shop's estimate is preferred where the carrier gives none, or where its late rate on the
//! lane is lower than the carrier's (both judged on at least [`MIN_SAMPLES`] deliveries).
//!
//! **Trending late.** The risk of missing the promise is the share of the same deliveries
//! that took longer than the promise allows. When it reaches the merchant's threshold
//! ([`DEFAULT_TRENDING_LATE_PERCENT`] unless set), the shipment reaches the `trending_late`
//! moment once (attention list, outgoing webhook; a customer message only on the channels
//! the merchant turned on for it), never after a delay was recorded.

pub mod calendar;

pub use calendar::Calendar;

use crate::milestone::{Milestone, Moment};
use crate::model::{Details, MilestoneReached, Shipment};
use crate::rules::{Evaluation, Intent, awaiting_delivery, customer_today};
use crate::status::Status;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest plausible transit, in business days; later deliveries are rejected.
pub const MAX_TRANSIT_DAYS: usize = 30;
/// Deliveries a lane needs before it predicts (Retino publishes 10; a range from p25 to
/// p93 needs twice that to mean anything).
pub const MIN_SAMPLES: u64 = 20;
/// Calendar months of history a prediction reads (this one and the two before).
pub const WINDOW_MONTHS: u32 = 3;
/// The range's quantiles, chosen on the backtest (`make bench-edd`): at most 5% of
/// deliveries after its end, at least 85% inside, narrower than the promise.
pub const RANGE_LOW: f64 = 0.25;
pub const RANGE_HIGH: f64 = 0.93;
/// Risk of missing the promise (percent) from which a shipment is trending late: on the
/// backtest, 9 alerts in 10 are right and 9 late parcels in 10 are caught.
pub const DEFAULT_TRENDING_LATE_PERCENT: u8 = 60;
/// When a carrier's day is over for its scans: the last linehaul departures and arrivals
/// at delivery facilities are scanned by then (local time at the destination). Later, a
/// stage not seen today is taken as not happening today.
pub const DAY_CLOSES: NaiveTime = match NaiveTime::from_hms_opt(20, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};
/// Deliveries at least as slow as the parcel so far that a range needs; a parcel slower
/// than nearly all of its lane's history gets no range rather than a guess.
const MIN_CONDITIONAL: u64 = 3;

/// How narrow the lane a prediction came from is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LaneLevel {
    Region,
    Country,
    Service,
    Carrier,
}

impl LaneLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LaneLevel::Region => "region",
            LaneLevel::Country => "country",
            LaneLevel::Service => "service",
            LaneLevel::Carrier => "carrier",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lane {
    pub level: LaneLevel,
    /// `ups|ground|US-100>US-940`, `ups|ground|US>CA`, `ups|ground`, `ups` (`-` unknown).
    pub key: String,
}

/// Postal-code prefix length per country: the sorting region carriers route by (US SCF
/// three digits, Canada's FSA, Germany's Leitregion...). Others use two characters.
const PREFIX: &[(&str, usize)] = &[
    ("US", 3),
    ("CA", 3),
    ("IE", 3),
    ("AU", 2),
    ("DE", 2),
    ("FR", 2),
    ("NL", 2),
    ("ES", 2),
    ("IT", 2),
    ("BR", 2),
    ("JP", 2),
];

/// The region a postal code routes to: `US-100` for 10001. Great Britain uses the postcode
/// area (the letters before the first digit: `SW` for SW1A 1AA). None when the code is too
/// short or not made of letters and digits.
pub fn postal_region(country: &str, postal_code: &str) -> Option<String> {
    let code: String = postal_code
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.is_empty() || code.len() > 12 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let prefix: String = if country == "GB" {
        let area: String = code.chars().take_while(char::is_ascii_alphabetic).collect();
        (1..=2).contains(&area.len()).then_some(area)?
    } else {
        let n = PREFIX
            .iter()
            .find(|(c, _)| *c == country)
            .map_or(2, |(_, n)| *n);
        (code.len() >= n).then(|| code.chars().take(n).collect())?
    };
    Some(format!("{country}-{prefix}"))
}

/// The lanes a shipment counts in, narrowest first (`-` for a part not known).
pub fn lanes(s: &Shipment) -> Vec<Lane> {
    let carrier = s.carrier.as_str();
    let service = s.service.as_deref().unwrap_or("-");
    let mut out = Vec::with_capacity(4);
    // Region level with the origin's region when known: a merchant shipping from one
    // warehouse names none, and its parcels still share their destination's lane.
    if let Some(to) = &s.destination_region {
        let from = s.origin_region.as_deref().unwrap_or("-");
        out.push(Lane {
            level: LaneLevel::Region,
            key: format!("{carrier}|{service}|{from}>{to}"),
        });
    }
    if let Some(to) = s.destination_country.as_deref() {
        let from = s.origin_country.as_deref().unwrap_or("-");
        out.push(Lane {
            level: LaneLevel::Country,
            key: format!("{carrier}|{service}|{from}>{to}"),
        });
    }
    // Without a service, the carrier's lane says the same: one counter less per delivery.
    if s.service.is_some() {
        out.push(Lane {
            level: LaneLevel::Service,
            key: format!("{carrier}|{service}"),
        });
    }
    out.push(Lane {
        level: LaneLevel::Carrier,
        key: carrier.to_owned(),
    });
    out
}

const DAYS: usize = MAX_TRANSIT_DAYS + 1;

/// Progress a scan shows, beyond "on its way".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Left a facility (the first one is the origin's).
    Departed,
    /// At the delivery facility that serves the customer.
    AtDestination,
}

/// What providers' sub-statuses (EasyPost `status_detail`, 17TRACK sub-statuses) and
/// carriers' descriptions say about progress, matched case-insensitively as substrings;
/// the first row that matches wins.
const STAGES: &[(&str, Stage)] = &[
    ("arrived_at_destination", Stage::AtDestination),
    ("received_at_destination_facility", Stage::AtDestination),
    ("arrived at destination", Stage::AtDestination),
    ("at destination facility", Stage::AtDestination),
    ("at delivery facility", Stage::AtDestination),
    ("arrived at delivery", Stage::AtDestination),
    ("at local facility", Stage::AtDestination),
    ("at local post office", Stage::AtDestination),
    ("zustellbasis", Stage::AtDestination),
    ("delivery depot", Stage::AtDestination),
    ("departed_origin_facility", Stage::Departed),
    ("departed_facility", Stage::Departed),
    ("intransit_departure", Stage::Departed),
    ("departed", Stage::Departed),
    ("left the", Stage::Departed),
    ("has left", Stage::Departed),
];

/// The progress a scan shows, if any.
pub fn stage(event: &crate::model::TrackingEvent) -> Option<Stage> {
    let texts = [
        event.raw_substatus.as_deref(),
        Some(event.description.as_str()),
    ];
    texts.into_iter().flatten().find_map(|text| {
        let text = text.to_lowercase();
        STAGES
            .iter()
            .find(|(needle, _)| text.contains(needle))
            .map(|(_, stage)| *stage)
    })
}

/// One lane's counters (over the months read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneCounts {
    /// Deliveries per transit time in business days (`days[3]`: three days).
    pub days: [u64; DAYS],
    /// Of the deliveries whose scans showed it: business days from the first scan to the
    /// first departure, from the departure to delivery, from the arrival at the
    /// destination's facility to delivery.
    pub to_departure: [u64; DAYS],
    pub after_departure: [u64; DAYS],
    pub after_destination: [u64; DAYS],
    /// From the departure to the arrival at the destination's facility.
    pub departure_to_destination: [u64; DAYS],
    /// Deliveries whose transit was impossible.
    pub rejected: u64,
    /// Deliveries with a carrier estimate, and of those, delivered after it.
    pub carrier_judged: u64,
    pub carrier_late: u64,
    /// Deliveries afterclick had predicted, and of those, inside and after the range as it
    /// was first made.
    pub ours_judged: u64,
    pub ours_inside: u64,
    pub ours_late: u64,
}

impl Default for LaneCounts {
    fn default() -> Self {
        Self {
            days: [0; DAYS],
            to_departure: [0; DAYS],
            after_departure: [0; DAYS],
            after_destination: [0; DAYS],
            departure_to_destination: [0; DAYS],
            rejected: 0,
            carrier_judged: 0,
            carrier_late: 0,
            ours_judged: 0,
            ours_inside: 0,
            ours_late: 0,
        }
    }
}

impl LaneCounts {
    pub fn delivered(&self) -> u64 {
        self.days.iter().fold(0, |a, b| a.saturating_add(*b))
    }

    pub fn add(&mut self, other: &LaneCounts) {
        for (mine, theirs) in [
            (&mut self.days, &other.days),
            (&mut self.to_departure, &other.to_departure),
            (&mut self.after_departure, &other.after_departure),
            (&mut self.after_destination, &other.after_destination),
            (
                &mut self.departure_to_destination,
                &other.departure_to_destination,
            ),
        ] {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a = a.saturating_add(*b);
            }
        }
        self.rejected += other.rejected;
        self.carrier_judged += other.carrier_judged;
        self.carrier_late += other.carrier_late;
        self.ours_judged += other.ours_judged;
        self.ours_inside += other.ours_inside;
        self.ours_late += other.ours_late;
    }

    /// What one delivery adds.
    pub fn record(&mut self, sample: &LaneSample) {
        let slot = |h: &mut [u64; DAYS], d: u32| {
            if let Some(n) = usize::try_from(d).ok().and_then(|d| h.get_mut(d)) {
                *n = n.saturating_add(1);
            }
        };
        match sample.transit_days {
            Some(d) => slot(&mut self.days, d),
            None => self.rejected = self.rejected.saturating_add(1),
        }
        for (histogram, days) in [
            (&mut self.to_departure, sample.to_departure),
            (&mut self.after_departure, sample.after_departure),
            (&mut self.after_destination, sample.after_destination),
            (
                &mut self.departure_to_destination,
                sample.departure_to_destination,
            ),
        ] {
            if let Some(d) = days {
                slot(histogram, d);
            }
        }
        if let Some(late) = sample.carrier_late {
            self.carrier_judged += 1;
            self.carrier_late += u64::from(late);
        }
        if let Some(ours) = sample.ours {
            self.ours_judged += 1;
            self.ours_inside += u64::from(ours.inside);
            self.ours_late += u64::from(ours.late);
        }
    }

    /// Enough deliveries, and not contradictory.
    pub fn usable(&self) -> bool {
        let delivered = self.delivered();
        delivered >= MIN_SAMPLES
            && u128::from(self.rejected) * 4 <= u128::from(delivered) + u128::from(self.rejected)
    }

    /// The `p` quantile (nearest rank) of the deliveries that took at least `from` days.
    pub fn quantile_from(&self, from: usize, p: f64) -> Option<usize> {
        let mut w = weights(&self.days);
        w.iter_mut().take(from).for_each(|x| *x = 0.0);
        quantile(&w, p)
    }

    /// The transit distribution of a parcel that has travelled `travelled` business days
    /// (today included: it may still come today), of which `closed` are over for the
    /// carrier's scans ([`DAY_CLOSES`]), and reached the stages given (business days from
    /// its first scan), with the number of deliveries it rests on.
    ///
    /// The narrowest evidence wins: the arrival at the destination's facility plus the
    /// lane's days from there to delivery. A stage not seen yet, on a lane where nine in ten
    /// deliveries show it, has not happened yet: a departed parcel not at its destination
    /// arrives no earlier than today, then takes the days from arrival to delivery; a
    /// parcel not seen departing leaves no earlier than today, then takes the days from
    /// departure to delivery. Where the lane does not show the next stage, the days from the
    /// last one seen; otherwise the lane's transits of at least `travelled` days.
    fn transit_given(
        &self,
        travelled: usize,
        closed: usize,
        progress: Progress,
    ) -> Option<(Vec<f64>, u64)> {
        let total = |h: &[u64; DAYS]| h.iter().sum::<u64>();
        let shifted = |k: usize, rest: &[u64; DAYS]| {
            let mut w = vec![0.0; DAYS];
            for (r, n) in rest.iter().enumerate() {
                w[(k + r).min(DAYS - 1)] += *n as f64;
            }
            w
        };
        let shows = |h: &[u64; DAYS]| u128::from(total(h)) * 10 >= u128::from(self.delivered()) * 9;
        // A stage no earlier than `from` days (`first` + each of `to_stage`), then `rest`.
        let chained = |first: usize, to_stage: &[u64; DAYS], from: usize, rest: &[u64; DAYS]| {
            let mut w = vec![0.0; DAYS];
            let mut support = 0;
            for (b, n) in to_stage.iter().enumerate() {
                let k = first + b;
                if k < from || *n == 0 {
                    continue;
                }
                support += n;
                for (r, m) in rest.iter().enumerate() {
                    w[(k + r).min(DAYS - 1)] += (*n as f64) * (*m as f64);
                }
            }
            (w, support)
        };
        let (mut w, support) = match progress {
            Progress {
                at_destination: Some(k),
                ..
            } if total(&self.after_destination) >= MIN_SAMPLES => (
                shifted(k, &self.after_destination),
                total(&self.after_destination),
            ),
            Progress {
                departed: Some(k), ..
            } if shows(&self.departure_to_destination)
                && total(&self.after_destination) >= MIN_SAMPLES =>
            {
                chained(
                    k,
                    &self.departure_to_destination,
                    closed,
                    &self.after_destination,
                )
            }
            Progress {
                departed: Some(k), ..
            } if total(&self.after_departure) >= MIN_SAMPLES => (
                shifted(k, &self.after_departure),
                total(&self.after_departure),
            ),
            Progress {
                departed: None,
                at_destination: None,
            } if closed >= 1
                && shows(&self.to_departure)
                && total(&self.after_departure) >= MIN_SAMPLES =>
            {
                chained(0, &self.to_departure, closed, &self.after_departure)
            }
            _ => (weights(&self.days), self.days.iter().skip(travelled).sum()),
        };
        w.iter_mut().take(travelled).for_each(|x| *x = 0.0);
        (support >= MIN_CONDITIONAL && w.iter().sum::<f64>() > 0.0).then_some((w, support))
    }

    /// Afterclick's late rate on this lane is below the carrier's.
    fn ours_better(&self) -> bool {
        self.ours_judged >= MIN_SAMPLES
            && self.carrier_judged >= MIN_SAMPLES
            && u128::from(self.ours_late) * u128::from(self.carrier_judged)
                < u128::from(self.carrier_late) * u128::from(self.ours_judged)
    }
}

/// Stages a parcel in transit has reached: business days from its first scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Progress {
    departed: Option<usize>,
    at_destination: Option<usize>,
}

fn weights(h: &[u64; DAYS]) -> Vec<f64> {
    h.iter().map(|n| *n as f64).collect()
}

/// The smallest day whose cumulative share reaches `p`.
fn quantile(w: &[f64], p: f64) -> Option<usize> {
    let total: f64 = w.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let rank = p * total;
    let mut seen = 0.0;
    for (d, x) in w.iter().enumerate() {
        seen += x;
        // Nearest rank, with room for the rounding of sums of products.
        if seen >= rank - 1e-9 * total && seen > 0.0 {
            return Some(d);
        }
    }
    None
}

/// The share (percent) of `w` above `allowed` days.
fn late_percent(w: &[f64], allowed: i64) -> Option<u8> {
    let total: f64 = w.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let late: f64 = w
        .iter()
        .enumerate()
        .filter(|(d, _)| i64::try_from(*d).is_ok_and(|d| d > allowed))
        .map(|(_, x)| x)
        .sum();
    Some((late * 100.0 / total).floor().clamp(0.0, 100.0) as u8)
}

/// Whether one prediction was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judged {
    pub inside: bool,
    pub late: bool,
}

/// What one delivery adds to each of its lanes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneSample {
    /// None: impossible (before the first scan, or past [`MAX_TRANSIT_DAYS`]).
    pub transit_days: Option<u32>,
    /// Business days from the first scan to the departure, and from the departure and the
    /// arrival at the destination's facility to delivery (when the scans showed them).
    pub to_departure: Option<u32>,
    pub after_departure: Option<u32>,
    pub after_destination: Option<u32>,
    pub departure_to_destination: Option<u32>,
    pub carrier_late: Option<bool>,
    pub ours: Option<Judged>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// A region or country lane of 100 deliveries or more, and a range over at most three
    /// business days.
    High,
    Medium,
}

/// The shop's estimate for a parcel in transit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prediction {
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
    pub confidence: Confidence,
    pub lane: LaneLevel,
    /// Deliveries of its lane the range rests on (those at least as slow as the parcel so
    /// far, or that showed the stage it reached).
    pub samples: u64,
    /// Risk (percent) of missing the promise; none without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_risk: Option<u8>,
    /// Shown instead of the carrier's estimate (none, or less reliable on this lane).
    pub preferred: bool,
    /// The day of the first scan it counts from: fixed once a prediction is made.
    pub counted_from: NaiveDate,
    /// The range as first made, judged at delivery.
    pub first_earliest: NaiveDate,
    pub first_latest: NaiveDate,
}

fn local_date(s: &Shipment, at: DateTime<Utc>) -> NaiveDate {
    match s.customer.timezone.parse::<chrono_tz::Tz>() {
        Ok(tz) => at.with_timezone(&tz).date_naive(),
        Err(_) => at.date_naive(),
    }
}

fn milestone_times(s: &Shipment, milestone: Milestone) -> impl Iterator<Item = DateTime<Utc>> {
    s.milestones.iter().filter_map(move |(key, m)| {
        Moment::parse_key(key)
            .filter(|k| k.milestone == milestone)
            .map(|_| m.at)
    })
}

/// The first carrier scan, or the label when there is none.
fn transit_start(s: &Shipment) -> Option<DateTime<Utc>> {
    milestone_times(s, Milestone::InTransit)
        .min()
        .or_else(|| milestone_times(s, Milestone::LabelCreated).min())
}

/// What a delivered shipment adds to its lanes; none without a start or an end.
pub fn sample(s: &Shipment) -> Option<LaneSample> {
    let start = local_date(s, transit_start(s)?);
    let end = [
        Milestone::Delivered,
        Milestone::AttemptFailed,
        Milestone::AvailableForPickup,
    ]
    .into_iter()
    .flat_map(|m| milestone_times(s, m))
    .min()?;
    let end = local_date(s, end);
    let calendar = Calendar::of(s.destination_country.as_deref());
    let span = |from: NaiveDate, to: NaiveDate| {
        u32::try_from(calendar.business_days_between(from, to))
            .ok()
            .filter(|d| *d as usize <= MAX_TRANSIT_DAYS)
    };
    let transit_days = span(start, end);
    let departed = s.departed_at.map(|at| local_date(s, at));
    let at_destination = s.at_destination_at.map(|at| local_date(s, at));
    // A span between two points of the journey, when both fall inside a possible transit.
    let part = |from: Option<NaiveDate>, to: Option<NaiveDate>| {
        let (from, to) = (from?, to?);
        let inside = |d: NaiveDate| start <= d && d <= end;
        (transit_days.is_some() && inside(from) && inside(to))
            .then(|| span(from, to))
            .flatten()
    };
    Some(LaneSample {
        transit_days,
        to_departure: part(Some(start), departed),
        after_departure: part(departed, Some(end)),
        after_destination: part(at_destination, Some(end)),
        departure_to_destination: part(departed, at_destination),
        carrier_late: s.first_estimate.map(|estimate| end > estimate),
        ours: s.prediction.as_ref().map(|p| Judged {
            inside: p.first_earliest <= end && end <= p.first_latest,
            late: end > p.first_latest,
        }),
    })
}

/// A lane as read, with its counters over the window.
pub type LaneHistory = Vec<(Lane, LaneCounts)>;

/// What the history says about a parcel in transit now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    pub prediction: Option<Prediction>,
    pub trending_late: bool,
    /// When to look again without a scan: the day the risk would reach the threshold, or
    /// the day after the range ends.
    pub due: Option<DateTime<Utc>>,
}

fn zone(s: &Shipment) -> chrono_tz::Tz {
    s.customer
        .timezone
        .parse::<chrono_tz::Tz>()
        .unwrap_or(chrono_tz::UTC)
}

fn local_at(s: &Shipment, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    crate::model::local_to_utc(zone(s), date.and_time(time))
}

fn local_time(s: &Shipment, at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.with_timezone(&zone(s)).naive_local()
}

/// The forecast for a shipment awaiting delivery; none once it is delivered, at a pickup
/// point, or not yet scanned (the stored prediction then stays as it was).
pub fn forecast(
    s: &Shipment,
    history: &[(Lane, LaneCounts)],
    now: DateTime<Utc>,
    threshold_percent: u8,
) -> Option<Forecast> {
    if !awaiting_delivery(s) || s.status == Status::AvailableForPickup {
        return None;
    }
    let first_scan = milestone_times(s, Milestone::InTransit).min()?;
    let old = s.prediction.as_ref();
    let start = old.map_or_else(|| local_date(s, first_scan), |p| p.counted_from);
    // No range now (a lane too thin, or a parcel slower than its history): the range as
    // made stays, judged at delivery, without a risk it can no longer tell.
    let none = Forecast {
        prediction: old.map(|p| Prediction {
            late_risk: None,
            ..p.clone()
        }),
        trending_late: false,
        due: None,
    };
    let Some((lane, counts)) = history.iter().find(|(_, c)| c.usable()) else {
        return Some(none);
    };
    let calendar = Calendar::of(s.destination_country.as_deref());
    let today = customer_today(s, now);
    let days_to =
        |d: NaiveDate| usize::try_from(calendar.business_days_between(start, d)).unwrap_or(0);
    let travelled = days_to(today);
    // Business days whose scans are all in at `at`: the ones before its day, and its day
    // once the carrier's day has closed (a weekend or holiday is closed all day, so the
    // count never goes back between Friday night and Monday).
    let closed_at = |at: DateTime<Utc>| {
        let local = local_time(s, at);
        let day = local.date();
        days_to(day) + usize::from(local.time() >= DAY_CLOSES || !calendar.is_business_day(day))
    };
    let out_today = s.status == Status::OutForDelivery
        && s.status_at.is_some_and(|at| local_date(s, at) == today);
    let reached = |at: Option<DateTime<Utc>>| {
        at.map(|at| {
            usize::try_from(calendar.business_days_between(start, local_date(s, at))).unwrap_or(0)
        })
    };
    let progress = Progress {
        departed: reached(s.departed_at),
        at_destination: reached(s.at_destination_at),
    };
    // The distribution with no news from the carrier until then.
    let given = |travelled: usize, closed: usize| counts.transit_given(travelled, closed, progress);
    let now_given = given(travelled, closed_at(now));
    let range = if out_today {
        Some((travelled, travelled))
    } else {
        now_given
            .as_ref()
            .and_then(|(w, _)| Some((quantile(w, RANGE_LOW)?, quantile(w, RANGE_HIGH)?)))
    };
    let Some((low, high)) = range else {
        return Some(none);
    };
    let day = |n: usize| calendar.add_business_days(start, u32::try_from(n).unwrap_or(u32::MAX));
    let mut earliest = day(low).max(today);
    if let Some(old) = old.filter(|_| !out_today) {
        earliest = earliest.max(old.earliest);
    }
    let latest = day(high).max(earliest);
    let allowed = s
        .promised_delivery_date
        .map(|p| calendar.business_days_between(start, p));
    let late_risk = allowed.and_then(|allowed| {
        if out_today {
            Some(if today > s.promised_delivery_date? {
                100
            } else {
                0
            })
        } else {
            now_given
                .as_ref()
                .and_then(|(w, _)| late_percent(w, allowed))
        }
    });
    let samples = now_given.as_ref().map_or(counts.delivered(), |(_, n)| *n);
    let confidence = if matches!(lane.level, LaneLevel::Region | LaneLevel::Country)
        && samples >= 100
        && high - low <= 2
    {
        Confidence::High
    } else {
        Confidence::Medium
    };
    let prediction = Prediction {
        earliest,
        latest,
        confidence,
        lane: lane.level,
        samples,
        late_risk,
        preferred: s.estimated_delivery.is_none() || counts.ours_better(),
        counted_from: start,
        first_earliest: old.map_or(earliest, |p| p.first_earliest),
        first_latest: old.map_or(latest, |p| p.first_latest),
    };
    let trending_late = late_risk.is_some_and(|r| r >= threshold_percent);
    // The first moment (a midnight, or a carrier's day closing) the risk reaches the
    // threshold with no news from the carrier.
    let crossing = match (allowed, s.promised_delivery_date) {
        (Some(allowed), Some(promise)) if !trending_late && !out_today => (0..=45)
            .map(|i| today + chrono::Duration::days(i))
            .take_while(|d| *d <= promise)
            .flat_map(|d| [local_at(s, d, NaiveTime::MIN), local_at(s, d, DAY_CLOSES)])
            .flatten()
            .filter(|at| *at > now)
            .find(|at| {
                let day = local_time(s, *at).date();
                given(days_to(day), closed_at(*at))
                    .and_then(|(w, _)| late_percent(&w, allowed))
                    .is_some_and(|r| r >= threshold_percent)
            }),
        _ => None,
    };
    let refresh = latest
        .succ_opt()
        .and_then(|d| local_at(s, d, NaiveTime::MIN));
    let due = [crossing, refresh].into_iter().flatten().min();
    Some(Forecast {
        prediction: Some(prediction),
        trending_late,
        due,
    })
}

/// Applies the forecast to an evaluation: the prediction, the `trending_late` moment (once,
/// never after a delay) with its intents on the merchant's channels for it, the next look.
pub fn apply(
    evaluation: &mut Evaluation,
    before: &Shipment,
    history: &[(Lane, LaneCounts)],
    now: DateTime<Utc>,
    merchant: &crate::model::Merchant,
) {
    let s = &evaluation.shipment;
    let Some(forecast) = forecast(s, history, now, merchant.trending_late_percent) else {
        return;
    };
    let mut next = s.clone();
    next.prediction = forecast.prediction;
    let delayed = crate::listing::reached(&next).contains(&Milestone::Delayed);
    let moment = Moment::once(Milestone::TrendingLate);
    if forecast.trending_late && !delayed && !next.milestones.contains_key(&moment.key()) {
        let channels: Vec<_> = merchant
            .channels_for(Milestone::TrendingLate)
            .iter()
            .copied()
            .filter(|c| next.allows(*c))
            .collect();
        next.milestones.insert(
            moment.key(),
            MilestoneReached {
                at: now,
                notified: !channels.is_empty(),
            },
        );
        let details = Details {
            old_date: next.promised_delivery_date,
            new_date: next.prediction.as_ref().map(|p| p.latest),
            ..Details::default()
        };
        evaluation
            .intents
            .extend(channels.into_iter().map(|channel| Intent {
                moment: moment.clone(),
                channel,
                details: details.clone(),
            }));
        evaluation.reached.push(moment);
    }
    next.due_at = [next.due_at, forecast.due].into_iter().flatten().min();
    // Changed against what is stored, not against the evaluation's draft: the forecast's
    // due is part of the state, so looking again at an unchanged parcel writes nothing.
    let mut same = next.clone();
    same.updated_at = before.updated_at;
    if same == *before {
        evaluation.shipment = same;
        evaluation.changed = false;
    } else {
        next.updated_at = now;
        evaluation.shipment = next;
        evaluation.changed = true;
    }
}

#[cfg(test)]
mod tests;
