//! Carrier analytics: pure aggregation of the monthly delivery-outcome counters.
//!
//! Counters are kept per merchant, month, carrier, service and destination country (see
//! the store's key design). Registrations count in the month a shipment was registered,
//! deliveries (and everything measured on delivery) in the month it was delivered.
//!
//! Transit time is kept as a histogram of [`TRANSIT_BUCKETS`], so percentiles are
//! estimated the way grouped data allows: find the bucket holding the rank `p * n`, then
//! interpolate linearly inside it, assuming its shipments are spread evenly over it
//! (`lower + (p * n - before) / in_bucket * width`). The open last bucket has no width:
//! a percentile that falls in it is reported as its lower bound (a floor). Buckets are
//! 12 hours wide for the first four days, where most parcels arrive, so the error there
//! is at most 6 hours.
//!
//! Each bucket also keeps the sum of its transit hours. Where it does, the bucket's
//! deliveries are taken as spread evenly around their mean (over a span that grows to the
//! bucket's width as they become many), so a bucket holding one delivery reports that
//! delivery's exact time: small samples, a merchant's first weeks, are not rounded to the
//! middle of a bucket (a parcel delivered the hour it was scanned is 0 hours, not 6).

use serde::Serialize;
use std::collections::BTreeMap;

/// A transit-time bucket: whole hours in `lower..upper` (no upper: open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransitBucket {
    pub lower: u32,
    pub upper: Option<u32>,
    /// The counter attribute on the outcome item.
    pub attribute: &'static str,
    /// The sum of the bucket's transit hours, and how many deliveries that sum holds
    /// (counters written before sums were kept hold fewer than the bucket's count).
    pub hours_attribute: &'static str,
    pub timed_attribute: &'static str,
}

macro_rules! bucket {
    ($lower:expr, $upper:expr, $name:literal) => {
        TransitBucket {
            lower: $lower,
            upper: $upper,
            attribute: $name,
            hours_attribute: concat!($name, "_hours"),
            timed_attribute: concat!($name, "_timed"),
        }
    };
}

pub const TRANSIT_BUCKETS: [TransitBucket; 17] = [
    bucket!(0, Some(12), "transit_0_12h"),
    bucket!(12, Some(24), "transit_12_24h"),
    bucket!(24, Some(36), "transit_24_36h"),
    bucket!(36, Some(48), "transit_36_48h"),
    bucket!(48, Some(60), "transit_48_60h"),
    bucket!(60, Some(72), "transit_60_72h"),
    bucket!(72, Some(84), "transit_72_84h"),
    bucket!(84, Some(96), "transit_84_96h"),
    bucket!(96, Some(120), "transit_96_120h"),
    bucket!(120, Some(144), "transit_120_144h"),
    bucket!(144, Some(168), "transit_144_168h"),
    bucket!(168, Some(216), "transit_168_216h"),
    bucket!(216, Some(264), "transit_216_264h"),
    bucket!(264, Some(336), "transit_264_336h"),
    bucket!(336, Some(504), "transit_336_504h"),
    bucket!(504, Some(720), "transit_504_720h"),
    bucket!(720, None, "transit_720h_plus"),
];

/// The bucket a transit time (whole hours, negative counts as zero) falls in.
pub fn transit_bucket(hours: i64) -> &'static TransitBucket {
    let last = &TRANSIT_BUCKETS[TRANSIT_BUCKETS.len() - 1];
    TRANSIT_BUCKETS
        .iter()
        .find(|b| b.upper.is_some_and(|upper| hours < i64::from(upper)))
        .unwrap_or(last)
}

/// One counter item: one month, carrier, service and destination country.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutcomeCounters {
    /// `yyyy-mm`
    pub month: String,
    pub carrier: String,
    pub service: Option<String>,
    pub destination_country: Option<String>,
    pub totals: Totals,
}

/// The additive part of the counters; sums of items are totals too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Registered shipments.
    pub shipments: u64,
    pub delivered: u64,
    /// Delivered shipments that had a promised delivery date, and of those, on time.
    pub promised: u64,
    pub on_time: u64,
    /// Delivered shipments that had a carrier estimate, and of those, by its first one.
    pub estimated: u64,
    pub on_estimate: u64,
    /// Delivered shipments that had an exception, or at least one failed attempt.
    pub exceptions: u64,
    pub failed_attempts: u64,
    /// Delivered shipments per transit bucket (index into [`TRANSIT_BUCKETS`]).
    pub transit: [u64; TRANSIT_BUCKETS.len()],
    /// Per bucket, the sum of its transit hours when every delivery in it is in the sum.
    pub transit_hours: [Option<u64>; TRANSIT_BUCKETS.len()],
    /// Delivery ratings (stars 1 to 5): how many, and their sum.
    pub rating_count: u64,
    pub rating_sum: u64,
}

impl Totals {
    fn add(&mut self, other: &Totals) {
        self.shipments += other.shipments;
        self.delivered += other.delivered;
        self.promised += other.promised;
        self.on_time += other.on_time;
        self.estimated += other.estimated;
        self.on_estimate += other.on_estimate;
        self.exceptions += other.exceptions;
        self.failed_attempts += other.failed_attempts;
        for i in 0..TRANSIT_BUCKETS.len() {
            // An empty side adds nothing, whether or not it kept sums.
            let known = |t: &Totals| {
                if t.transit[i] == 0 {
                    Some(0)
                } else {
                    t.transit_hours[i]
                }
            };
            self.transit_hours[i] = known(self).zip(known(other)).map(|(a, b)| a + b);
            self.transit[i] += other.transit[i];
        }
        self.rating_count += other.rating_count;
        self.rating_sum += other.rating_sum;
    }
}

/// The `p` quantile (0 < p <= 1) of a transit histogram, in hours; none when it is empty.
pub fn transit_percentile(histogram: &[u64; TRANSIT_BUCKETS.len()], p: f64) -> Option<f64> {
    transit_estimate(histogram, &[None; TRANSIT_BUCKETS.len()], p)
}

/// [`transit_percentile`], using each bucket's sum of hours where it is known.
pub fn transit_estimate(
    histogram: &[u64; TRANSIT_BUCKETS.len()],
    hours: &[Option<u64>; TRANSIT_BUCKETS.len()],
    p: f64,
) -> Option<f64> {
    let n: u64 = histogram.iter().sum();
    if n == 0 {
        return None;
    }
    let rank = p * n as f64;
    let mut before = 0u64;
    for ((bucket, &count), sum) in TRANSIT_BUCKETS.iter().zip(histogram).zip(hours) {
        if count > 0 && (before + count) as f64 >= rank {
            let lower = f64::from(bucket.lower);
            let share = ((rank - before as f64) / count as f64).clamp(0.0, 1.0);
            return Some(match (sum, bucket.upper) {
                (Some(sum), upper) => {
                    let mean = *sum as f64 / count as f64;
                    // Evenly around the mean, inside the bucket; one delivery: no spread.
                    let room =
                        upper.map_or(mean - lower, |u| (mean - lower).min(f64::from(u) - mean));
                    let span = 2.0 * room.max(0.0) * (count - 1) as f64 / count as f64;
                    mean + (share - 0.5) * span
                }
                (None, Some(upper)) => lower + share * (f64::from(upper) - lower),
                (None, None) => lower,
            });
        }
        before += count;
    }
    None
}

/// A share, or none when there is nothing to share (never NaN).
pub fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| round(part as f64 / whole as f64, 4))
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// What a merchant sees for a carrier, a service or a destination country.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub shipments: u64,
    pub delivered: u64,
    /// Of delivered shipments with a promised date.
    pub on_time_rate: Option<f64>,
    /// Of delivered shipments with a carrier estimate: by the carrier's first estimate.
    pub on_estimate_rate: Option<f64>,
    pub transit_median_hours: Option<f64>,
    pub transit_p90_hours: Option<f64>,
    /// Of delivered shipments.
    pub exception_rate: Option<f64>,
    pub failed_attempt_rate: Option<f64>,
    pub ratings: u64,
    pub average_rating: Option<f64>,
}

impl From<&Totals> for Metrics {
    fn from(t: &Totals) -> Self {
        let hours = |p| transit_estimate(&t.transit, &t.transit_hours, p).map(|h| round(h, 1));
        Self {
            shipments: t.shipments,
            delivered: t.delivered,
            on_time_rate: rate(t.on_time, t.promised),
            on_estimate_rate: rate(t.on_estimate, t.estimated),
            transit_median_hours: hours(0.5),
            transit_p90_hours: hours(0.9),
            exception_rate: rate(t.exceptions, t.delivered),
            failed_attempt_rate: rate(t.failed_attempts, t.delivered),
            ratings: t.rating_count,
            average_rating: (t.rating_count > 0)
                .then(|| round(t.rating_sum as f64 / t.rating_count as f64, 2)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceMetrics {
    pub service: String,
    #[serde(flatten)]
    pub metrics: Metrics,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountryMetrics {
    pub country: String,
    #[serde(flatten)]
    pub metrics: Metrics,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CarrierMetrics {
    pub carrier: String,
    #[serde(flatten)]
    pub metrics: Metrics,
    /// Only where the service was known; the carrier's figures include the rest.
    pub services: Vec<ServiceMetrics>,
    /// Only where the destination country was known.
    pub destination_countries: Vec<CountryMetrics>,
}

#[derive(Default)]
struct CarrierTotals {
    all: Totals,
    services: BTreeMap<String, Totals>,
    countries: BTreeMap<String, Totals>,
}

/// Per carrier (by name), with its services and destination countries (by name).
pub fn carrier_report(counters: &[OutcomeCounters]) -> Vec<CarrierMetrics> {
    let mut carriers: BTreeMap<&str, CarrierTotals> = BTreeMap::new();
    for c in counters {
        let entry = carriers.entry(&c.carrier).or_default();
        entry.all.add(&c.totals);
        if let Some(service) = &c.service {
            entry
                .services
                .entry(service.clone())
                .or_default()
                .add(&c.totals);
        }
        if let Some(country) = &c.destination_country {
            entry
                .countries
                .entry(country.clone())
                .or_default()
                .add(&c.totals);
        }
    }
    carriers
        .into_iter()
        .map(|(carrier, t)| CarrierMetrics {
            carrier: carrier.to_owned(),
            metrics: Metrics::from(&t.all),
            services: t
                .services
                .iter()
                .map(|(service, totals)| ServiceMetrics {
                    service: service.clone(),
                    metrics: totals.into(),
                })
                .collect(),
            destination_countries: t
                .countries
                .iter()
                .map(|(country, totals)| CountryMetrics {
                    country: country.clone(),
                    metrics: totals.into(),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
