#![allow(clippy::unwrap_used)]
use super::*;
use crate::fakes;
use crate::model::Channel;
use crate::rules::evaluate;
use chrono::{Duration, TimeZone};

/// Monday 2026-11-16, 09:00 in New York.
fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 16, 14, 0, 0).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A US parcel first scanned on `monday()`, promised `promise`.
fn parcel(promise: Option<NaiveDate>) -> Shipment {
    let mut s = fakes::shipment("m1", "1Z1", monday() - Duration::hours(20));
    s.customer.timezone = "America/New_York".into();
    s.destination_country = Some(crate::CountryCode::parse("US").unwrap());
    s.origin_country = s.destination_country.clone();
    s.origin_region = Some("US-100".into());
    s.destination_region = Some("US-940".into());
    s.service = Some("ground".into());
    s.promised_delivery_date = promise;
    s.status = Status::InTransit;
    s.status_at = Some(monday());
    s.milestones.insert(
        "in_transit".into(),
        MilestoneReached {
            at: monday(),
            notified: true,
        },
    );
    s
}

/// A lane whose deliveries took `days` business days, `n` of each.
fn counts(days: &[(usize, u64)]) -> LaneCounts {
    let mut c = LaneCounts::default();
    for (d, n) in days {
        c.days[*d] = *n;
    }
    c
}

fn history(c: LaneCounts) -> LaneHistory {
    let lane = lanes(&parcel(None)).remove(1);
    vec![(lane, c)]
}

#[test]
fn postal_regions_are_routing_prefixes() {
    assert_eq!(postal_region("US", "10001-1234").as_deref(), Some("US-100"));
    assert_eq!(postal_region("GB", "SW1A 1AA").as_deref(), Some("GB-SW"));
    assert_eq!(postal_region("GB", "M1 1AE").as_deref(), Some("GB-M"));
    assert_eq!(postal_region("DE", "10115").as_deref(), Some("DE-10"));
    assert_eq!(postal_region("CA", "K1A 0B1").as_deref(), Some("CA-K1A"));
    assert_eq!(postal_region("US", "1"), None);
    assert_eq!(postal_region("US", "<script>"), None);
    assert_eq!(postal_region("GB", "123"), None);
}

#[test]
fn lanes_run_from_the_narrowest_to_the_carrier() {
    let keys: Vec<(LaneLevel, String)> = lanes(&parcel(None))
        .into_iter()
        .map(|l| (l.level, l.key))
        .collect();
    assert_eq!(
        keys,
        vec![
            (LaneLevel::Region, "ups|ground|US-100>US-940".to_owned()),
            (LaneLevel::Country, "ups|ground|US>US".to_owned()),
            (LaneLevel::Service, "ups|ground".to_owned()),
            (LaneLevel::Carrier, "ups".to_owned()),
        ]
    );
    let mut bare = fakes::shipment("m1", "1Z1", monday());
    bare.service = None;
    let levels: Vec<LaneLevel> = lanes(&bare).into_iter().map(|l| l.level).collect();
    assert_eq!(
        levels,
        vec![LaneLevel::Carrier],
        "no service: the carrier's lane"
    );
    assert_eq!(lanes(&bare)[0].key, "ups");
    // A destination region without an origin: the region lane with `-`.
    bare.destination_region = Some("US-940".into());
    assert_eq!(lanes(&bare)[0].key, "ups|-|->US-940");
}

fn delivered(mut s: Shipment, at: DateTime<Utc>) -> Shipment {
    s.status = Status::Delivered;
    s.milestones
        .insert("delivered".into(), MilestoneReached { at, notified: true });
    s
}

#[test]
fn a_delivery_counts_business_days_to_the_first_attempt() {
    // Monday to the next Monday: 5 business days. Thanksgiving week: Monday 16th to
    // Monday 30th is 9 (the 26th is a holiday).
    let s = delivered(parcel(None), monday() + Duration::days(7));
    assert_eq!(sample(&s).unwrap().transit_days, Some(5));
    let s = delivered(parcel(None), monday() + Duration::days(14));
    assert_eq!(sample(&s).unwrap().transit_days, Some(9));
    // A failed attempt on Wednesday ends the transit there, whatever came after.
    let mut s = delivered(parcel(None), monday() + Duration::days(7));
    s.milestones.insert(
        format!("attempt_failed#{}", monday() + Duration::days(2)),
        MilestoneReached {
            at: monday() + Duration::days(2),
            notified: true,
        },
    );
    assert_eq!(sample(&s).unwrap().transit_days, Some(2));
    // Delivered before the first scan, or after 30 business days: impossible.
    let s = delivered(parcel(None), monday() - Duration::days(3));
    assert_eq!(sample(&s).unwrap().transit_days, None);
    let s = delivered(parcel(None), monday() + Duration::days(60));
    assert_eq!(sample(&s).unwrap().transit_days, None);
    // Judging: the carrier's first estimate and the first range.
    let mut s = delivered(parcel(None), monday() + Duration::days(3));
    s.first_estimate = Some(d(2026, 11, 18));
    s.prediction = Some(Prediction {
        earliest: d(2026, 11, 18),
        latest: d(2026, 11, 20),
        confidence: Confidence::Medium,
        lane: LaneLevel::Country,
        samples: 40,
        late_risk: None,
        preferred: false,
        counted_from: d(2026, 11, 16),
        first_earliest: d(2026, 11, 17),
        first_latest: d(2026, 11, 19),
    });
    let got = sample(&s).unwrap();
    assert_eq!(got.carrier_late, Some(true));
    assert_eq!(
        got.ours,
        Some(Judged {
            inside: true,
            late: false
        })
    );
}

#[test]
fn a_thin_or_contradictory_lane_predicts_nothing() {
    let s = parcel(None);
    let thin = counts(&[(3, 19)]);
    let f = forecast(&s, &history(thin), monday(), 60).unwrap();
    assert_eq!(f.prediction, None);
    let mut contradictory = counts(&[(3, 30)]);
    contradictory.rejected = 11;
    let f = forecast(&s, &history(contradictory), monday(), 60).unwrap();
    assert_eq!(f.prediction, None);
    // Not scanned yet, or delivered: no forecast at all (the stored one stays).
    let mut pending = fakes::shipment("m1", "1Z1", monday());
    pending.status = Status::Pending;
    assert_eq!(
        forecast(&pending, &history(counts(&[(3, 30)])), monday(), 60),
        None
    );
    let done = delivered(parcel(None), monday());
    assert_eq!(
        forecast(&done, &history(counts(&[(3, 30)])), monday(), 60),
        None
    );
}

#[test]
fn the_range_follows_the_lane_and_what_the_parcel_has_travelled() {
    // 10% in 2 days, 60% in 3, 25% in 4, 5% in 6.
    let lane = counts(&[(2, 10), (3, 60), (4, 25), (6, 5)]);
    let s = parcel(None);
    let p = forecast(&s, &history(lane.clone()), monday(), 60)
        .unwrap()
        .prediction
        .unwrap();
    // p25 = 3 days (Thu 19th), p93 = 4 days (Fri 20th).
    assert_eq!((p.earliest, p.latest), (d(2026, 11, 19), d(2026, 11, 20)));
    assert_eq!(p.lane, LaneLevel::Country);
    assert_eq!(p.samples, 100);
    assert_eq!(p.confidence, Confidence::High);
    assert!(p.preferred, "the carrier gave no estimate");
    assert_eq!(p.counted_from, d(2026, 11, 16));
    // Still travelling on Friday (4 days): only the slow deliveries count now.
    let friday = monday() + Duration::days(4);
    let mut later = s.clone();
    later.prediction = Some(p.clone());
    let q = forecast(&later, &history(lane.clone()), friday, 60)
        .unwrap()
        .prediction
        .unwrap();
    assert_eq!(q.earliest, d(2026, 11, 20));
    assert_eq!(q.latest, d(2026, 11, 24));
    assert_eq!((q.first_earliest, q.first_latest), (p.earliest, p.latest));
    // Out for delivery today: today.
    let mut out = later.clone();
    out.status = Status::OutForDelivery;
    out.status_at = Some(friday - Duration::hours(2));
    let r = forecast(&out, &history(lane.clone()), friday, 60)
        .unwrap()
        .prediction
        .unwrap();
    assert_eq!((r.earliest, r.latest), (d(2026, 11, 20), d(2026, 11, 20)));
    // Slower than nearly everything the lane has seen: no new guess; the range as made
    // stays (judged at delivery), without a risk.
    let three_weeks = monday() + Duration::days(21);
    let f = forecast(&later, &history(lane), three_weeks, 60).unwrap();
    let kept = f.prediction.unwrap();
    assert_eq!((kept.earliest, kept.latest), (p.earliest, p.latest));
    assert_eq!(kept.late_risk, None);
    assert!(!f.trending_late);
}

#[test]
fn a_scan_stamped_before_the_first_one_does_not_move_the_range_back() {
    let lane = counts(&[(2, 10), (3, 60), (4, 25), (6, 5)]);
    let mut s = parcel(None);
    let p = forecast(&s, &history(lane.clone()), monday(), 60)
        .unwrap()
        .prediction
        .unwrap();
    s.prediction = Some(p.clone());
    // A carrier clock a day behind: the first scan now looks like Sunday.
    s.milestones.insert(
        "in_transit".into(),
        MilestoneReached {
            at: monday() - Duration::days(1),
            notified: true,
        },
    );
    let q = forecast(&s, &history(lane), monday() + Duration::hours(1), 60)
        .unwrap()
        .prediction
        .unwrap();
    assert_eq!(q.counted_from, p.counted_from);
    assert!(q.earliest >= p.earliest && q.latest >= p.latest);
}

#[test]
fn the_risk_of_missing_the_promise_and_when_it_will_cross() {
    let lane = counts(&[(2, 10), (3, 60), (4, 25), (6, 5)]);
    // Promised for Thursday (3 days): 30% take longer.
    let s = parcel(Some(d(2026, 11, 19)));
    let f = forecast(&s, &history(lane.clone()), monday(), 60).unwrap();
    let p = f.prediction.clone().unwrap();
    assert_eq!(p.late_risk, Some(30));
    assert!(!f.trending_late);
    // With no news, on Thursday only deliveries of 3 days or more count: 30/90 = 33%;
    // still under 60%, so the sweeper looks again the day after the range ends.
    assert_eq!(
        f.due,
        Some(Utc.with_ymd_and_hms(2026, 11, 21, 5, 0, 0).unwrap())
    );
    // Promised for Wednesday (2 days): 90% take longer, trending late now.
    let tight = parcel(Some(d(2026, 11, 18)));
    let f = forecast(&tight, &history(lane.clone()), monday(), 60).unwrap();
    assert_eq!(f.prediction.unwrap().late_risk, Some(90));
    assert!(f.trending_late);
    // A lane of 3 or 5 days half and half, promised in 4: 50% until Thursday; a threshold
    // of 50 is reached now, one of 60 on Friday, when only the 5-day ones are left.
    let split = counts(&[(3, 20), (5, 20)]);
    let s = parcel(Some(d(2026, 11, 20)));
    assert!(
        forecast(&s, &history(split.clone()), monday(), 50)
            .unwrap()
            .trending_late
    );
    let f = forecast(&s, &history(split.clone()), monday(), 60).unwrap();
    assert!(!f.trending_late);
    assert_eq!(
        f.due,
        Some(Utc.with_ymd_and_hms(2026, 11, 20, 5, 0, 0).unwrap())
    );
    // A lane where the slow ones are the long tail: 1 day 80%, 4 days 20%; promised in 3.
    // Not delivered by Tuesday evening (day 1), Wednesday counts only the slow: 100%.
    let tail = counts(&[(1, 80), (4, 20)]);
    let s = parcel(Some(d(2026, 11, 19)));
    let f = forecast(&s, &history(tail), monday(), 60).unwrap();
    assert_eq!(f.prediction.unwrap().late_risk, Some(20));
    assert_eq!(
        f.due,
        Some(Utc.with_ymd_and_hms(2026, 11, 18, 5, 0, 0).unwrap()),
        "midnight in New York, the day the risk crosses"
    );
}

#[test]
fn the_shop_estimate_is_preferred_only_where_it_is_kept_better_than_the_carriers() {
    let mut lane = counts(&[(2, 10), (3, 60), (4, 25), (6, 5)]);
    let mut s = parcel(None);
    s.estimated_delivery = Some(d(2026, 11, 19));
    let preferred = |lane: &LaneCounts| {
        forecast(&s, &history(lane.clone()), monday(), 60)
            .unwrap()
            .prediction
            .unwrap()
            .preferred
    };
    assert!(
        !preferred(&lane),
        "no judged history: the carrier's date stands"
    );
    lane.carrier_judged = 40;
    lane.carrier_late = 10;
    lane.ours_judged = 40;
    lane.ours_late = 2;
    assert!(preferred(&lane));
    lane.ours_late = 12;
    assert!(!preferred(&lane));
}

/// Through `apply`: the moment once, the intents only on the merchant's channels for it,
/// never after a delay.
#[test]
fn trending_late_is_reached_once_and_never_after_a_delay() {
    let lane = counts(&[(2, 10), (3, 60), (4, 25), (6, 5)]);
    let mut merchant = fakes::merchant("m1");
    let s = parcel(Some(d(2026, 11, 18)));
    let mut e = evaluate(&s, &[], monday(), &merchant);
    apply(&mut e, &s, &history(lane.clone()), monday(), &merchant);
    assert!(e.changed);
    assert_eq!(e.reached, vec![Moment::once(Milestone::TrendingLate)]);
    assert!(e.intents.is_empty(), "off by default");
    assert!(!e.shipment.milestones["trending_late"].notified);
    // Again, an hour later: nothing new, nothing to write (the forecast's own due included).
    let again = e.shipment.clone();
    let mut e2 = evaluate(&again, &[], monday() + Duration::hours(1), &merchant);
    apply(
        &mut e2,
        &again,
        &history(lane.clone()),
        monday() + Duration::hours(1),
        &merchant,
    );
    assert!(e2.reached.is_empty());
    assert!(!e2.changed, "{:?} vs {:?}", e2.shipment, again);
    // With email on for it: one intent, promise and the range's end as its dates.
    merchant
        .channels
        .insert(Milestone::TrendingLate, vec![Channel::Email]);
    let mut e3 = evaluate(&s, &[], monday(), &merchant);
    apply(&mut e3, &s, &history(lane.clone()), monday(), &merchant);
    assert_eq!(e3.intents.len(), 1);
    assert_eq!(e3.intents[0].details.old_date, Some(d(2026, 11, 18)));
    assert_eq!(e3.intents[0].details.new_date, Some(d(2026, 11, 20)));
    assert!(e3.shipment.milestones["trending_late"].notified);
    // Already delayed: no trending-late moment at all.
    let mut late = s.clone();
    late.milestones.insert(
        "delayed#2026-11-25".into(),
        MilestoneReached {
            at: monday(),
            notified: true,
        },
    );
    let mut e4 = evaluate(&late, &[], monday(), &merchant);
    apply(&mut e4, &late, &history(lane), monday(), &merchant);
    assert!(!e4.shipment.milestones.contains_key("trending_late"));
    assert!(
        e4.intents
            .iter()
            .all(|i| i.moment.milestone != Milestone::TrendingLate)
    );
}

#[test]
fn scans_show_progress_through_sub_statuses_and_descriptions() {
    let scan = |description: &str, sub: Option<&str>| crate::model::TrackingEvent {
        description: description.into(),
        raw_substatus: sub.map(str::to_owned),
        ..crate::model::TrackingEvent::new(monday(), Status::InTransit, "easypost")
    };
    assert_eq!(
        stage(&scan("On the way", Some("departed_facility"))),
        Some(Stage::Departed)
    );
    assert_eq!(
        stage(&scan("Arrived at Destination Facility", None)),
        Some(Stage::AtDestination)
    );
    assert_eq!(
        stage(&scan(
            "Die Sendung wurde in der Zustellbasis bearbeitet",
            None
        )),
        Some(Stage::AtDestination)
    );
    assert_eq!(stage(&scan("Arrived at FedEx location", None)), None);
}

/// A lane whose parcels leave the day of their first scan (9 in 10) or the next, arrive
/// at the destination's facility 2 days later (9 in 10) or 3, and are delivered the day
/// after.
fn staged_lane() -> LaneCounts {
    let mut c = counts(&[(3, 90), (4, 10)]);
    c.to_departure[0] = 90;
    c.to_departure[1] = 10;
    c.departure_to_destination[2] = 90;
    c.departure_to_destination[3] = 10;
    c.after_departure[3] = 90;
    c.after_departure[4] = 10;
    c.after_destination[1] = 100;
    c
}

#[test]
fn progress_scans_and_their_absence_move_the_forecast() {
    let lane = staged_lane();
    // Promised for Thursday (3 days): at the first scan, 10% risk.
    let s = parcel(Some(d(2026, 11, 19)));
    let f = forecast(&s, &history(lane.clone()), monday(), 60).unwrap();
    assert_eq!(f.prediction.as_ref().unwrap().late_risk, Some(10));
    // Departed on Monday evening: Thursday, or Friday when the linehaul takes a day more.
    let mut departed = s.clone();
    departed.departed_at = Some(monday() + Duration::hours(9));
    let tuesday = monday() + Duration::days(1);
    let f = forecast(&departed, &history(lane.clone()), tuesday, 60).unwrap();
    let p = f.prediction.unwrap();
    assert_eq!(
        (p.earliest, p.latest, p.late_risk),
        (d(2026, 11, 19), d(2026, 11, 20), Some(10))
    );
    // Not seen departing by Monday's close (20:00 in New York): it leaves Tuesday at the
    // earliest, so Friday or Monday: late for sure, trending late at once.
    let closed = monday() + Duration::hours(11) + Duration::minutes(5);
    let f = forecast(&s, &history(lane.clone()), closed, 60).unwrap();
    assert_eq!(f.prediction.as_ref().unwrap().late_risk, Some(100));
    assert!(f.trending_late);
    assert_eq!(f.prediction.unwrap().latest, d(2026, 11, 23));
    // At first scan, the sweeper is told to look when Monday closes: that is when the
    // missing departure would make the risk cross.
    let f = forecast(&s, &history(lane.clone()), monday(), 60).unwrap();
    assert_eq!(
        f.due,
        Some(Utc.with_ymd_and_hms(2026, 11, 17, 1, 0, 0).unwrap())
    );
    // Departed, but not at the destination's facility when Wednesday closes: Friday.
    let wednesday_closed =
        monday() + Duration::days(2) + Duration::hours(11) + Duration::minutes(5);
    let f = forecast(&departed, &history(lane.clone()), wednesday_closed, 60).unwrap();
    assert!(f.trending_late);
    // At the facility on Wednesday: Thursday.
    let mut arrived = departed.clone();
    arrived.at_destination_at = Some(monday() + Duration::days(2) + Duration::hours(5));
    let f = forecast(&arrived, &history(lane), wednesday_closed, 60).unwrap();
    let p = f.prediction.unwrap();
    assert_eq!(
        (p.earliest, p.latest, p.late_risk),
        (d(2026, 11, 19), d(2026, 11, 19), Some(0))
    );
    assert!(!f.trending_late);
}

#[test]
fn a_delivery_with_progress_scans_counts_its_stages() {
    let mut s = delivered(parcel(None), monday() + Duration::days(3));
    s.departed_at = Some(monday() + Duration::hours(9));
    s.at_destination_at = Some(monday() + Duration::days(2) + Duration::hours(5));
    let got = sample(&s).unwrap();
    assert_eq!(got.transit_days, Some(3));
    assert_eq!(got.to_departure, Some(0));
    assert_eq!(got.after_departure, Some(3));
    assert_eq!(got.departure_to_destination, Some(2));
    assert_eq!(got.after_destination, Some(1));
    // A stage stamped outside the journey (before the first scan) is not counted.
    s.departed_at = Some(monday() - Duration::days(3));
    let got = sample(&s).unwrap();
    assert_eq!((got.to_departure, got.after_departure), (None, None));
}

/// A weekend is closed all day: the risk a missing departure makes does not fall back
/// between Friday night and Monday.
#[test]
fn the_carriers_closed_days_never_count_backwards() {
    let lane = staged_lane();
    let friday = Utc.with_ymd_and_hms(2026, 11, 20, 14, 0, 0).unwrap();
    let mut s = parcel(Some(d(2026, 11, 25)));
    s.status_at = Some(friday);
    s.milestones.insert(
        "in_transit".into(),
        MilestoneReached {
            at: friday,
            notified: true,
        },
    );
    let risk = |at: DateTime<Utc>| {
        forecast(&s, &history(lane.clone()), at, 60)
            .unwrap()
            .prediction
            .unwrap()
            .late_risk
    };
    let friday_closed = Utc.with_ymd_and_hms(2026, 11, 21, 1, 5, 0).unwrap();
    let saturday = Utc.with_ymd_and_hms(2026, 11, 21, 5, 5, 0).unwrap();
    let sunday_noon = Utc.with_ymd_and_hms(2026, 11, 22, 17, 0, 0).unwrap();
    assert_eq!(risk(friday), Some(10), "Friday morning, before the close");
    assert_eq!(risk(friday_closed), Some(100), "not seen leaving on Friday");
    assert_eq!(risk(saturday), Some(100));
    assert_eq!(risk(sunday_noon), Some(100));
    // At its destination without a departure scan seen: the arrival decides, not "leaves
    // no earlier than today".
    let mut arrived = s.clone();
    arrived.at_destination_at = Some(friday + Duration::hours(5));
    let p = forecast(&arrived, &history(lane), saturday, 60)
        .unwrap()
        .prediction
        .unwrap();
    assert_eq!(
        (p.earliest, p.latest, p.late_risk),
        (d(2026, 11, 23), d(2026, 11, 23), Some(0))
    );
}
