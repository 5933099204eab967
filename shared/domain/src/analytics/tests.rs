use super::*;

/// A histogram from (bucket lower bound, count) pairs.
fn histogram(pairs: &[(u32, u64)]) -> [u64; TRANSIT_BUCKETS.len()] {
    let mut h = [0; TRANSIT_BUCKETS.len()];
    for &(lower, count) in pairs {
        let i = TRANSIT_BUCKETS
            .iter()
            .position(|b| b.lower == lower)
            .unwrap();
        h[i] += count;
    }
    h
}

#[test]
fn buckets_are_contiguous_and_every_hour_has_one() {
    for pair in TRANSIT_BUCKETS.windows(2) {
        assert_eq!(pair[0].upper, Some(pair[1].lower));
    }
    let cases = [
        (-3, 0),
        (0, 0),
        (11, 0),
        (12, 12),
        (38, 36),
        (95, 84),
        (96, 96),
        (719, 504),
        (720, 720),
        (100_000, 720),
    ];
    for (hours, lower) in cases {
        assert_eq!(transit_bucket(hours).lower, lower, "{hours}h");
    }
}

/// (bucket lower bound, count) pairs, the quantile, the expected hours.
type PercentileCase = (&'static [(u32, u64)], f64, Option<f64>);

#[test]
fn percentiles_interpolate_inside_the_bucket_holding_the_rank() {
    let cases: [PercentileCase; 9] = [
        (&[], 0.5, None),
        // One shipment in 24..36: the median is the bucket's middle.
        (&[(24, 1)], 0.5, Some(30.0)),
        (&[(24, 1)], 0.9, Some(34.8)),
        // Four in 24..36, rank 2 of 4: halfway.
        (&[(24, 4)], 0.5, Some(30.0)),
        // Rank 2 of 4 ends the first bucket exactly.
        (&[(12, 2), (48, 2)], 0.5, Some(24.0)),
        // Rank 3.6 of 4: 1.6 of the 2 in the second bucket (48..60).
        (&[(12, 2), (48, 2)], 0.9, Some(57.6)),
        // Ten shipments: rank 9 is the first of the two in 96..120.
        (&[(0, 8), (96, 2)], 0.9, Some(108.0)),
        // Empty buckets before and between are skipped.
        (&[(168, 1), (336, 1)], 0.5, Some(216.0)),
        // The open bucket reports its floor.
        (&[(720, 3)], 0.5, Some(720.0)),
    ];
    for (pairs, p, expected) in cases {
        let got = transit_percentile(&histogram(pairs), p).map(|h| (h * 1e6).round() / 1e6);
        assert_eq!(got, expected, "{pairs:?} p{p}");
    }
}

#[test]
fn rates_with_nothing_to_share_are_none_not_nan() {
    let cases = [
        (0, 0, None),
        (3, 0, None),
        (0, 4, Some(0.0)),
        (1, 3, Some(0.3333)),
        (2, 3, Some(0.6667)),
        (5, 5, Some(1.0)),
    ];
    for (part, whole, expected) in cases {
        assert_eq!(rate(part, whole), expected, "{part}/{whole}");
    }
}

fn counters(
    carrier: &str,
    service: Option<&str>,
    country: Option<&str>,
    t: Totals,
) -> OutcomeCounters {
    OutcomeCounters {
        month: "2026-03".into(),
        carrier: carrier.into(),
        service: service.map(Into::into),
        destination_country: country.map(Into::into),
        totals: t,
    }
}

#[test]
fn report_sums_items_per_carrier_and_breaks_down_known_services_and_countries() {
    let ground_de = Totals {
        shipments: 3,
        delivered: 2,
        promised: 2,
        on_time: 1,
        estimated: 2,
        on_estimate: 2,
        exceptions: 1,
        failed_attempts: 0,
        transit: histogram(&[(24, 1), (48, 1)]),
        transit_hours: Default::default(),
        rating_count: 2,
        rating_sum: 9,
    };
    let unknown = Totals {
        shipments: 1,
        delivered: 1,
        failed_attempts: 1,
        transit: histogram(&[(96, 1)]),
        ..Totals::default()
    };
    let dhl = Totals {
        shipments: 2,
        ..Totals::default()
    };
    let report = carrier_report(&[
        counters("ups", Some("GROUND"), Some("DE"), ground_de.clone()),
        counters("ups", None, None, unknown),
        counters("dhl", None, Some("FR"), dhl),
    ]);
    assert_eq!(
        report
            .iter()
            .map(|c| c.carrier.as_str())
            .collect::<Vec<_>>(),
        ["dhl", "ups"]
    );
    let dhl = &report[0];
    assert_eq!(dhl.metrics.shipments, 2);
    assert_eq!(dhl.metrics.delivered, 0);
    assert_eq!(dhl.metrics.on_time_rate, None);
    assert_eq!(dhl.metrics.transit_median_hours, None);
    assert_eq!(dhl.metrics.exception_rate, None);
    assert_eq!(dhl.metrics.average_rating, None);
    assert!(dhl.services.is_empty());
    assert_eq!(dhl.destination_countries[0].country, "FR");

    let ups = &report[1];
    let expected = Metrics {
        shipments: 4,
        delivered: 3,
        on_time_rate: Some(0.5),
        on_estimate_rate: Some(1.0),
        // Ranks 1.5 and 2.7 of 3: in 48..60 (0.5 in) and 96..120 (0.7 in).
        transit_median_hours: Some(54.0),
        transit_p90_hours: Some(112.8),
        exception_rate: Some(0.3333),
        failed_attempt_rate: Some(0.3333),
        ratings: 2,
        average_rating: Some(4.5),
    };
    assert_eq!(ups.metrics, expected);
    assert_eq!(ups.services.len(), 1);
    assert_eq!(ups.services[0].service, "GROUND");
    assert_eq!(ups.services[0].metrics, Metrics::from(&ground_de));
    assert_eq!(ups.destination_countries[0].metrics.shipments, 3);
}

#[test]
fn metrics_serialise_missing_figures_as_null() {
    let json = serde_json::to_value(carrier_report(&[counters(
        "ups",
        None,
        None,
        Totals::default(),
    )]))
    .unwrap();
    assert_eq!(json[0]["carrier"], "ups");
    assert!(json[0]["on_time_rate"].is_null());
    assert!(json[0]["on_estimate_rate"].is_null());
    assert!(json[0]["transit_p90_hours"].is_null());
    assert_eq!(json[0]["shipments"], 0);
}

/// Totals of deliveries with these transit hours, sums kept as the store keeps them.
fn timed(hours: &[u64]) -> Totals {
    let mut t = Totals::default();
    for &h in hours {
        let i = TRANSIT_BUCKETS
            .iter()
            .position(|b| b.upper.is_none_or(|u| h < u64::from(u)))
            .unwrap();
        let one = Totals {
            delivered: 1,
            transit: std::array::from_fn(|j| u64::from(j == i)),
            transit_hours: std::array::from_fn(|j| Some(if j == i { h } else { 0 })),
            ..Totals::default()
        };
        t.add(&one);
    }
    t
}

#[test]
fn small_samples_report_their_exact_transit_times() {
    let median = |t: &Totals| Metrics::from(t).transit_median_hours;
    let p90 = |t: &Totals| Metrics::from(t).transit_p90_hours;
    // Delivered the hour it was scanned: 0 hours, not the first bucket's middle (6).
    assert_eq!(median(&timed(&[0])), Some(0.0));
    // One delivery per bucket: each percentile is a real delivery's time.
    let three = timed(&[28, 48, 98]);
    assert_eq!((median(&three), p90(&three)), (Some(48.0), Some(98.0)));
    // Two in one bucket (2 h and 10 h): spread around their mean, inside the bucket.
    let two = timed(&[2, 10]);
    assert_eq!(median(&two), Some(6.0));
    assert!(
        p90(&two).is_some_and(|h| h > 6.0 && h <= 12.0),
        "{:?}",
        p90(&two)
    );
    // Beyond 30 days the open bucket reports the mean, not its floor.
    assert_eq!(median(&timed(&[800])), Some(800.0));
    // Counters from before sums were kept: the bucket's interpolation, as before.
    let mut old = timed(&[0]);
    old.transit_hours = Default::default();
    assert_eq!(median(&old), Some(6.0));
    // Mixed with an old counter in the same bucket, the sum is unknown: interpolation.
    let mut mixed = timed(&[0]);
    mixed.add(&old);
    assert_eq!(mixed.transit_hours[0], None);
}
