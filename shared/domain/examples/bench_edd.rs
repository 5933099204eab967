//! `make bench-edd`: the delivery-date backtest. A seeded generator writes 18 months of one
//! merchant's deliveries (lanes with their own medians and spreads, counted in business
//! days of the destination's calendar so weekends and public holidays fall where they
//! fall, a December peak, a carrier whose own estimate is a day optimistic, a lane that
//! slows down by two days halfway). Each parcel waits at the origin for a handling time
//! (the same day for most, one or two days for some: a missed linehaul), travels the
//! lane's linehaul, arrives at the destination's facility the evening before delivery,
//! and shows both moves in its scans ("departed facility", "arrived at destination"),
//! except on the one lane whose carrier never reports them. The replay walks the days in
//! order and, at each first scan, asks `afterclick_domain::lanes::forecast` (the shipped
//! code) with only the deliveries made before that moment, and at each midnight re-checks
//! the parcels still on their way, with the scans seen so far, for trending late. Prints one
//! table per method and the targets of issue 16; exits 1 when one is missed.
//!
//! `cargo run --profile load -p afterclick-domain --example bench_edd -- [--seed N]`

use afterclick_domain::fakes;
use afterclick_domain::lanes::{
    self, Calendar, DEFAULT_TRENDING_LATE_PERCENT, Lane, LaneCounts, RANGE_HIGH,
};
use afterclick_domain::model::MilestoneReached;
use afterclick_domain::{CountryCode, Shipment, Status};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use std::collections::HashMap;

/// SplitMix64: small, seeded, good enough to draw shipments (no dependency for a bench).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Poisson by inversion (small means).
    fn poisson(&mut self, mean: f64) -> u32 {
        let limit = (-mean).exp();
        let (mut k, mut p) = (0, 1.0);
        loop {
            p *= self.unit();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }

    /// A draw from a discrete distribution of (business days, weight).
    fn transit(&mut self, dist: &[(u32, f64)]) -> u32 {
        let total: f64 = dist.iter().map(|(_, w)| w).sum();
        let mut x = self.unit() * total;
        for (d, w) in dist {
            if x < *w {
                return *d;
            }
            x -= w;
        }
        dist.last().map_or(0, |(d, _)| *d)
    }
}

struct LaneSpec {
    carrier: &'static str,
    service: &'static str,
    from: (&'static str, &'static str),
    to: (&'static str, &'static str),
    tz: &'static str,
    /// Shipments per business day.
    volume: f64,
    /// Transit in business days of the destination's calendar, with weights.
    transit: &'static [(u32, f64)],
    /// The shop's promise: business days after the first scan ("3 to 5 days": 5).
    promise: u32,
    /// The day after which the lane takes two days more.
    slows_from: Option<NaiveDate>,
    /// The carrier's estimate: none, the lane's mode, or a day before it.
    estimate: Estimate,
    /// The carrier's scans show the departure and the arrival at destination.
    progress_scans: bool,
}

/// Handling at the origin before the parcel leaves: business days, weights.
const HANDLING: &[(u32, f64)] = &[(0, 86.0), (1, 10.0), (2, 4.0)];

#[derive(Clone, Copy, PartialEq)]
enum Estimate {
    None,
    Mode,
    Optimistic,
}

fn lanes_spec() -> Vec<LaneSpec> {
    let slows = NaiveDate::from_ymd_opt(2025, 10, 1);
    vec![
        LaneSpec {
            carrier: "ups",
            service: "ground",
            from: ("US", "US-100"),
            to: ("US", "US-940"),
            tz: "America/Los_Angeles",
            volume: 9.0,
            transit: &[
                (3, 10.0),
                (4, 30.0),
                (5, 35.0),
                (6, 17.0),
                (7, 6.0),
                (8, 2.0),
            ],
            promise: 5,
            slows_from: None,
            estimate: Estimate::Mode,
            progress_scans: true,
        },
        LaneSpec {
            carrier: "ups",
            service: "ground",
            from: ("US", "US-100"),
            to: ("US", "US-021"),
            tz: "America/New_York",
            volume: 12.0,
            transit: &[(1, 35.0), (2, 45.0), (3, 15.0), (4, 5.0)],
            promise: 5,
            slows_from: None,
            estimate: Estimate::Mode,
            progress_scans: true,
        },
        LaneSpec {
            carrier: "ups",
            service: "2nd_day_air",
            from: ("US", "US-100"),
            to: ("US", "US-940"),
            tz: "America/Los_Angeles",
            volume: 3.0,
            transit: &[(2, 88.0), (3, 10.0), (4, 2.0)],
            promise: 2,
            slows_from: None,
            estimate: Estimate::Mode,
            progress_scans: true,
        },
        LaneSpec {
            carrier: "usps",
            service: "priority",
            from: ("US", "US-100"),
            to: ("US", "US-331"),
            tz: "America/New_York",
            volume: 8.0,
            transit: &[(2, 25.0), (3, 45.0), (4, 18.0), (5, 8.0), (6, 4.0)],
            promise: 4,
            slows_from: None,
            estimate: Estimate::Optimistic,
            progress_scans: true,
        },
        LaneSpec {
            carrier: "fedex",
            service: "home_delivery",
            from: ("US", "US-606"),
            to: ("US", "US-100"),
            tz: "America/New_York",
            volume: 6.0,
            transit: &[(2, 20.0), (3, 50.0), (4, 25.0), (5, 5.0)],
            promise: 4,
            slows_from: slows,
            estimate: Estimate::Mode,
            progress_scans: true,
        },
        LaneSpec {
            carrier: "dhl_paket",
            service: "paket",
            from: ("DE", "DE-10"),
            to: ("DE", "DE-80"),
            tz: "Europe/Berlin",
            volume: 10.0,
            transit: &[(1, 70.0), (2, 24.0), (3, 5.0), (4, 1.0)],
            promise: 2,
            slows_from: None,
            estimate: Estimate::None,
            progress_scans: true,
        },
        LaneSpec {
            carrier: "dhl_paket",
            service: "paket_international",
            from: ("DE", "DE-10"),
            to: ("FR", "FR-75"),
            tz: "Europe/Paris",
            volume: 3.0,
            transit: &[(3, 20.0), (4, 40.0), (5, 25.0), (6, 10.0), (8, 5.0)],
            promise: 5,
            slows_from: None,
            estimate: Estimate::None,
            progress_scans: true,
        },
        LaneSpec {
            carrier: "royal_mail",
            service: "tracked_48",
            from: ("GB", "GB-SW"),
            to: ("GB", "GB-M"),
            tz: "Europe/London",
            volume: 7.0,
            transit: &[(1, 25.0), (2, 55.0), (3, 14.0), (4, 4.0), (6, 2.0)],
            promise: 3,
            slows_from: None,
            estimate: Estimate::None,
            progress_scans: false,
        },
        LaneSpec {
            carrier: "postnl",
            service: "parcel_eu",
            from: ("NL", "NL-10"),
            to: ("DE", "DE-50"),
            tz: "Europe/Berlin",
            volume: 4.0,
            transit: &[(2, 45.0), (3, 35.0), (4, 12.0), (6, 8.0)],
            promise: 3,
            slows_from: None,
            estimate: Estimate::Mode,
            progress_scans: true,
        },
    ]
}

fn mode(dist: &[(u32, f64)]) -> u32 {
    dist.iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(0, |(d, _)| *d)
}

/// One generated parcel and what the methods said about it.
struct Parcel {
    shipment: Shipment,
    lane: usize,
    start: NaiveDate,
    delivered: NaiveDate,
    promise: NaiveDate,
    carrier_estimate: Option<NaiveDate>,
    /// At the first scan: the lane's p50 day, and the range.
    p50: Option<NaiveDate>,
    range: Option<(NaiveDate, NaiveDate)>,
    /// When trending late first fired.
    alerted: Option<DateTime<Utc>>,
    /// When the scans show the departure and the arrival at destination (if they do).
    departs: Option<DateTime<Utc>>,
    arrives: Option<DateTime<Utc>>,
    done: bool,
}

fn local(tz: &str, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    tz.from_local_datetime(&date.and_time(time))
        .earliest()
        .map_or_else(|| date.and_time(time).and_utc(), |t| t.with_timezone(&Utc))
}

fn month(at: DateTime<Utc>) -> (i32, u32) {
    (at.year(), at.month())
}

/// The lane counters of the window (this month and the two before) as the store reads them.
fn history(
    counts: &HashMap<(String, (i32, u32)), LaneCounts>,
    wanted: &[Lane],
    now: DateTime<Utc>,
) -> Vec<(Lane, LaneCounts)> {
    let (y, m) = month(now);
    let months: Vec<(i32, u32)> = (0..lanes::WINDOW_MONTHS as i32)
        .map(|back| {
            let index = y * 12 + m as i32 - 1 - back;
            (index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
        })
        .collect();
    wanted
        .iter()
        .map(|lane| {
            let mut total = LaneCounts::default();
            for mo in &months {
                if let Some(c) = counts.get(&(lane.key.clone(), *mo)) {
                    total.add(c);
                }
            }
            (lane.clone(), total)
        })
        .collect()
}

#[derive(Default)]
struct Score {
    n: usize,
    covered: usize,
    exact: usize,
    inside: usize,
    late: usize,
    width: usize,
}

impl Score {
    fn add(&mut self, delivered: NaiveDate, range: Option<(NaiveDate, NaiveDate)>, cal: &Calendar) {
        self.n += 1;
        let Some((from, to)) = range else {
            return;
        };
        self.covered += 1;
        // Exact day: delivered on the method's date (a range's last day: the date it promises).
        self.exact += usize::from(delivered == to);
        self.inside += usize::from(from <= delivered && delivered <= to);
        self.late += usize::from(delivered > to);
        self.width += usize::try_from(cal.business_days_between(from, to).max(0)).unwrap_or(0) + 1;
    }

    fn pct(part: usize, whole: usize) -> f64 {
        if whole == 0 {
            0.0
        } else {
            100.0 * part as f64 / whole as f64
        }
    }
}

/// One of the sweeper's looks at the parcels still on their way.
fn check(
    parcels: &mut [Parcel],
    in_transit: &mut Vec<usize>,
    specs: &[LaneSpec],
    counts: &HashMap<(String, (i32, u32)), LaneCounts>,
    day: NaiveDate,
    time: NaiveTime,
    threshold: u8,
) {
    in_transit.retain(|&i| !parcels[i].done);
    for &i in in_transit.iter() {
        let p = &mut parcels[i];
        let spec = &specs[p.lane];
        let now = local(spec.tz, day, time);
        // The scans received since the last look.
        p.shipment.departed_at = p.departs.filter(|at| *at < now);
        p.shipment.at_destination_at = p.arrives.filter(|at| *at < now);
        if p.alerted.is_some() || day > p.promise {
            continue;
        }
        let h = history(counts, &lanes::lanes(&p.shipment), now);
        if let Some(f) = lanes::forecast(&p.shipment, &h, now, threshold) {
            if f.trending_late {
                p.alerted = Some(now);
            }
            if f.prediction.is_some() {
                p.shipment.prediction = f.prediction;
            }
        }
    }
}

fn main() {
    let seed = std::env::args()
        .skip_while(|a| a != "--seed")
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_206u64);
    let mut rng = Rng(seed);
    let specs = lanes_spec();
    let first = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap_or_default();
    let last_ship = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default();
    let threshold = std::env::args()
        .skip_while(|a| a != "--threshold")
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_TRENDING_LATE_PERCENT);
    let merchant_tz_scan = NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default();
    let delivery_time = NaiveTime::from_hms_opt(14, 0, 0).unwrap_or_default();
    // The sweeper's looks: after midnight and after the carrier's day closes.
    let check_times = [
        NaiveTime::from_hms_opt(0, 5, 0).unwrap_or_default(),
        lanes::DAY_CLOSES + Duration::minutes(5),
    ];

    let mut parcels: Vec<Parcel> = Vec::new();
    let mut counts: HashMap<(String, (i32, u32)), LaneCounts> = HashMap::new();
    let mut by_delivery: HashMap<NaiveDate, Vec<usize>> = HashMap::new();
    let mut in_transit: Vec<usize> = Vec::new();
    let mut day = first;
    let end = last_ship + Duration::days(60);
    while day <= end {
        // 00:05: parcels still on their way, checked for trending late (the sweeper's due).
        check(
            &mut parcels,
            &mut in_transit,
            &specs,
            &counts,
            day,
            check_times[0],
            threshold,
        );
        // 14:00: today's deliveries count, as the delivery transaction counts them.
        for i in by_delivery.remove(&day).unwrap_or_default() {
            let p = &mut parcels[i];
            let spec = &specs[p.lane];
            let at = local(spec.tz, day, delivery_time);
            p.shipment.status = Status::Delivered;
            p.shipment
                .milestones
                .insert("delivered".into(), MilestoneReached { at, notified: true });
            p.done = true;
            if let Some(sample) = lanes::sample(&p.shipment) {
                for lane in lanes::lanes(&p.shipment) {
                    counts
                        .entry((lane.key, month(at)))
                        .or_default()
                        .record(&sample);
                }
            }
        }
        // 18:00: first scans of the parcels shipped today, and their forecast.
        if day <= last_ship {
            for (l, spec) in specs.iter().enumerate() {
                let cal = Calendar::of(Some(spec.to.0));
                if !cal.is_business_day(day) {
                    continue;
                }
                let peak = day.month() == 12 && day.day() <= 24;
                for _ in 0..rng.poisson(spec.volume) {
                    let handling = rng.transit(HANDLING);
                    // The lane's transit when the parcel leaves the same day: linehaul, then
                    // one day from the destination's facility.
                    let mut linehaul = rng.transit(spec.transit).saturating_sub(1);
                    if spec.slows_from.is_some_and(|from| day >= from) {
                        linehaul += 2;
                    }
                    if peak && rng.unit() < 0.4 {
                        linehaul += 1;
                    }
                    let departs = cal.add_business_days(day, handling);
                    let arrives = cal.add_business_days(departs, linehaul);
                    let delivered = cal.add_business_days(arrives, 1);
                    let (departs, arrives) = if spec.progress_scans {
                        (
                            Some(local(
                                spec.tz,
                                departs,
                                NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
                            )),
                            Some(local(
                                spec.tz,
                                arrives,
                                NaiveTime::from_hms_opt(19, 0, 0).unwrap_or_default(),
                            )),
                        )
                    } else {
                        (None, None)
                    };
                    let promise = cal.add_business_days(day, spec.promise);
                    let carrier_estimate = match spec.estimate {
                        Estimate::None => None,
                        Estimate::Mode => Some(cal.add_business_days(day, mode(spec.transit))),
                        Estimate::Optimistic => {
                            Some(cal.add_business_days(day, mode(spec.transit).saturating_sub(1)))
                        }
                    };
                    let scanned = local(spec.tz, day, merchant_tz_scan);
                    let mut s = fakes::shipment("m1", &format!("TN{}", parcels.len()), scanned);
                    s.carrier = spec.carrier.into();
                    s.service = Some(spec.service.into());
                    s.origin_country = CountryCode::parse(spec.from.0).ok();
                    s.origin_region = Some(spec.from.1.into());
                    s.destination_country = CountryCode::parse(spec.to.0).ok();
                    s.destination_region = Some(spec.to.1.into());
                    s.customer.timezone = spec.tz.into();
                    s.promised_delivery_date = Some(promise);
                    s.estimated_delivery = carrier_estimate;
                    s.first_estimate = carrier_estimate;
                    s.status = Status::InTransit;
                    s.status_at = Some(scanned);
                    s.milestones.insert(
                        "in_transit".into(),
                        MilestoneReached {
                            at: scanned,
                            notified: true,
                        },
                    );
                    let now = scanned + Duration::minutes(5);
                    let h = history(&counts, &lanes::lanes(&s), now);
                    let f = lanes::forecast(&s, &h, now, threshold);
                    let prediction = f.as_ref().and_then(|f| f.prediction.clone());
                    let p50 = h
                        .iter()
                        .find(|(_, c)| c.usable())
                        .and_then(|(_, c)| c.quantile_from(0, 0.5))
                        .map(|d| cal.add_business_days(day, d as u32));
                    let range = prediction.as_ref().map(|p| (p.earliest, p.latest));
                    let alerted = f.filter(|f| f.trending_late).map(|_| now);
                    s.prediction = prediction;
                    let index = parcels.len();
                    by_delivery.entry(delivered).or_default().push(index);
                    in_transit.push(index);
                    parcels.push(Parcel {
                        shipment: s,
                        lane: l,
                        start: day,
                        delivered,
                        promise,
                        carrier_estimate,
                        p50,
                        range,
                        alerted,
                        departs,
                        arrives,
                        done: false,
                    });
                }
            }
        }
        // 20:05: the carrier's day is over; a stage not seen today did not happen today.
        check(
            &mut parcels,
            &mut in_transit,
            &specs,
            &counts,
            day,
            check_times[1],
            threshold,
        );
        day += Duration::days(1);
    }

    // Scores, over every parcel (coverage counts those a method had nothing for).
    let (mut carrier, mut promise, mut p50, mut range) = (
        Score::default(),
        Score::default(),
        Score::default(),
        Score::default(),
    );
    let (mut alerts, mut true_alerts, mut late_total, mut late_caught) = (0, 0, 0, 0);
    let mut leads: Vec<f64> = Vec::new();
    for p in &parcels {
        let spec = &specs[p.lane];
        let cal = Calendar::of(Some(spec.to.0));
        carrier.add(p.delivered, p.carrier_estimate.map(|d| (d, d)), cal);
        // A promise as a range: from the next business day to the promised day.
        let promise_from = cal.add_business_days(p.start, 1);
        promise.add(p.delivered, Some((promise_from, p.promise)), cal);
        p50.add(p.delivered, p.p50.map(|d| (d, d)), cal);
        range.add(p.delivered, p.range, cal);
        let late = p.delivered > p.promise;
        let deadline = local(spec.tz, p.promise + Duration::days(1), NaiveTime::MIN);
        late_total += usize::from(late);
        if let Some(at) = p.alerted {
            alerts += 1;
            if late {
                true_alerts += 1;
                late_caught += 1;
                leads.push((deadline - at).num_minutes() as f64 / 60.0);
            }
        }
    }
    leads.sort_by(f64::total_cmp);
    let lead = |q: f64| {
        let i = ((leads.len() as f64 - 1.0) * q).round() as usize;
        leads.get(i).copied().unwrap_or(0.0)
    };
    let median_lead = lead(0.5);
    let precision = Score::pct(true_alerts, alerts);
    let recall = Score::pct(late_caught, late_total);

    println!(
        "Generated history (seed {seed}): {} parcels on {} lanes shipped {first} to {last_ship}, \
         {} delivered after the promise ({:.1}%). Range = the lane's p10 to p{:.0} in business days.",
        parcels.len(),
        specs.len(),
        late_total,
        Score::pct(late_total, parcels.len()),
        RANGE_HIGH * 100.0
    );
    println!();
    println!(
        "| method | coverage | exact day | inside the range | after its end (late) | mean width (business days) |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, s, exact_applies) in [
        ("carrier estimate", &carrier, true),
        (
            "promise (next business day to the promised day)",
            &promise,
            true,
        ),
        ("lane p50", &p50, true),
        ("lane range (afterclick)", &range, false),
    ] {
        let exact = if exact_applies {
            format!("{:.1}%", Score::pct(s.exact, s.covered))
        } else {
            "n/a".to_owned()
        };
        println!(
            "| {name} | {:.1}% | {exact} | {:.1}% | {:.1}% | {:.2} |",
            Score::pct(s.covered, s.n),
            Score::pct(s.inside, s.covered),
            Score::pct(s.late, s.covered),
            s.width as f64 / s.covered.max(1) as f64,
        );
    }
    println!();
    println!(
        "Trending late (threshold {threshold}%): {alerts} alerts, precision {precision:.1}%, \
         recall {recall:.1}% of {late_total} late parcels; lead before the end of the promised day: \
         p10 {:.1} h, median {median_lead:.1} h, p90 {:.1} h.",
        lead(0.1),
        lead(0.9)
    );
    let inside = Score::pct(range.inside, range.covered);
    let after = Score::pct(range.late, range.covered);
    let width = range.width as f64 / range.covered.max(1) as f64;
    let promise_width = promise.width as f64 / promise.covered.max(1) as f64;
    let checks = [
        ("deliveries inside the range >= 85%", inside >= 85.0),
        ("deliveries after the range's end <= 5%", after <= 5.0),
        ("range narrower than the promise's", width < promise_width),
        ("trending-late recall >= 80%", recall >= 80.0),
        ("trending-late precision >= 70%", precision >= 70.0),
        ("median lead >= 24 h", median_lead >= 24.0),
    ];
    println!();
    let mut ok = true;
    for (name, pass) in checks {
        println!("{} {name}", if pass { "PASS" } else { "FAIL" });
        ok &= pass;
    }
    if !ok {
        std::process::exit(1);
    }
}
