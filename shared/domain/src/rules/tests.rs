use super::*;
use crate::model::{Customer, DEFAULT_STALL_HOURS, Pickup};
use crate::reason::Reason;
use chrono::TimeZone;

/// A Wednesday, noon UTC.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap()
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
        stall_after_hours: DEFAULT_STALL_HOURS,
        trending_late_percent: crate::lanes::DEFAULT_TRENDING_LATE_PERCENT,
        branding: Default::default(),
        sender_domains: vec!["acme.example".into()],
        integrations: Default::default(),
        ga4: None,
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
            email: Some(crate::EmailAddress::parse("ada@example.com").unwrap()),
            phone: Some(crate::PhoneNumber::parse("+4915112345678").unwrap()),
            locale: Some("en".into()),
            timezone: "Europe/Berlin".into(),
        },
        promised_delivery_date: None,
        service: None,
        destination_country: None,
        origin_country: None,
        origin_region: None,
        destination_region: None,
        status: Status::Pending,
        status_at: None,
        estimated_delivery: None,
        first_estimate: None,
        prediction: None,
        departed_at: None,
        at_destination_at: None,
        milestones: Default::default(),
        last_scan_at: None,
        due_at: None,
        token: "tok".into(),
        created_at: now() - Duration::days(2),
        updated_at: now() - Duration::days(2),
        version: 1,
        channels: None,
        erased_at: None,
        history: None,
        parcel: None,
        carrier_name: None,
        handled: None,
    }
}

fn event(hours_ago: i64, status: Status) -> TrackingEvent {
    TrackingEvent {
        description: format!("{status} scan"),
        ..TrackingEvent::new(now() - Duration::hours(hours_ago), status, "generic")
    }
}

fn with_reason(mut e: TrackingEvent, reason: Reason) -> TrackingEvent {
    e.reason = Some(reason);
    e
}

fn told(e: &Evaluation) -> Vec<String> {
    let mut keys: Vec<String> = e.intents.iter().map(|i| i.moment.key()).collect();
    keys.dedup();
    keys
}

fn run(state: &Shipment, events: &[TrackingEvent]) -> Evaluation {
    evaluate(state, events, now(), &merchant())
}

#[test]
fn each_fresh_moment_notifies_once_on_every_channel() {
    let first = run(&shipment(), &[event(3, Status::InTransit)]);
    assert_eq!(first.shipment.status, Status::InTransit);
    let channels: Vec<_> = first
        .intents
        .iter()
        .map(|i| (i.moment.key(), i.channel))
        .collect();
    assert_eq!(
        channels,
        [
            ("in_transit".to_owned(), Channel::Email),
            ("in_transit".to_owned(), Channel::Sms)
        ]
    );
    let again = run(&first.shipment, &[event(3, Status::InTransit)]);
    assert!(again.intents.is_empty());
    assert!(!again.changed);
}

#[test]
fn a_late_older_scan_never_moves_a_delivered_shipment_back() {
    let delivered = run(&shipment(), &[event(1, Status::Delivered)]);
    let late = run(&delivered.shipment, &[event(5, Status::OutForDelivery)]);
    assert_eq!(late.shipment.status, Status::Delivered);
    assert!(late.intents.is_empty(), "stale moment must not notify");
    assert!(!late.shipment.milestones["out_for_delivery"].notified);
}

#[test]
fn after_delivery_only_a_newer_return_or_exception_moves_the_status() {
    let delivered = run(&shipment(), &[event(4, Status::Delivered)]);
    let after = run(&delivered.shipment, &[event(3, Status::InTransit)]);
    assert_eq!(after.shipment.status, Status::Delivered);
    let returning = run(&delivered.shipment, &[event(1, Status::ReturningToSender)]);
    assert_eq!(returning.shipment.status, Status::ReturningToSender);
    assert_eq!(told(&returning), ["returning_to_sender"]);
}

#[test]
fn a_whole_history_at_once_announces_only_the_latest_moment() {
    let history = [
        event(5, Status::InTransit),
        event(3, Status::OutForDelivery),
        event(1, Status::Delivered),
    ];
    let result = run(&shipment(), &history);
    assert_eq!(result.shipment.status, Status::Delivered);
    assert_eq!(result.reached.len(), 3);
    assert_eq!(told(&result), ["delivered"]);
}

#[test]
fn moments_older_than_the_window_are_recorded_but_not_announced() {
    let backlog = [
        event(72, Status::InTransit),
        event(48, Status::OutForDelivery),
    ];
    let result = run(&shipment(), &backlog);
    assert_eq!(result.shipment.status, Status::OutForDelivery);
    assert_eq!(result.reached.len(), 2);
    assert!(result.intents.is_empty());
}

#[test]
fn first_scan_out_for_delivery_announces_out_for_delivery_not_in_transit() {
    let result = run(&shipment(), &[event(1, Status::OutForDelivery)]);
    assert_eq!(told(&result), ["out_for_delivery"]);
    assert!(result.shipment.milestones.contains_key("in_transit"));
}

#[test]
fn label_created_is_recorded_but_off_by_default() {
    let result = run(&shipment(), &[event(1, Status::InfoReceived)]);
    assert!(result.shipment.milestones.contains_key("label_created"));
    assert!(result.intents.is_empty());
    let mut opted_in = merchant();
    opted_in
        .channels
        .insert(Milestone::LabelCreated, vec![Channel::Email]);
    let result = evaluate(
        &shipment(),
        &[event(1, Status::InfoReceived)],
        now(),
        &opted_in,
    );
    assert_eq!(told(&result), ["label_created"]);
}

#[test]
fn every_failed_attempt_is_announced_with_its_number() {
    let first = run(
        &shipment(),
        &[
            event(30, Status::InTransit),
            event(6, Status::AttemptFailed),
        ],
    );
    assert_eq!(first.intents[0].moment.milestone, Milestone::AttemptFailed);
    assert_eq!(first.intents[0].details.attempt, Some(1));
    let events = [
        event(30, Status::InTransit),
        event(6, Status::AttemptFailed),
        event(2, Status::AttemptFailed),
    ];
    let second = run(&first.shipment, &events);
    assert_eq!(second.intents.len(), 2);
    assert_eq!(second.intents[0].details.attempt, Some(2));
    let again = run(&second.shipment, &events);
    assert!(
        again.intents.is_empty(),
        "the same attempt is not news twice"
    );
}

#[test]
fn a_new_exception_reason_is_news_the_same_reason_is_not() {
    let address = with_reason(event(5, Status::Exception), Reason::AddressIssue);
    let first = run(&shipment(), std::slice::from_ref(&address));
    assert_eq!(told(&first), ["exception#address_issue"]);
    assert_eq!(first.intents[0].details.reason, Some(Reason::AddressIssue));
    let same = with_reason(event(3, Status::Exception), Reason::AddressIssue);
    let second = run(&first.shipment, &[address.clone(), same.clone()]);
    assert!(second.intents.is_empty());
    let damaged = with_reason(event(1, Status::Exception), Reason::Damaged);
    let third = run(&second.shipment, &[address, same, damaged]);
    assert_eq!(told(&third), ["exception#damaged"]);
}

#[test]
fn delivered_carries_who_signed_and_pickup_carries_where() {
    let mut delivered = event(1, Status::Delivered);
    delivered.signed_by = Some("J. SMITH".into());
    let result = run(&shipment(), &[delivered]);
    assert_eq!(
        result.intents[0].details.signed_by.as_deref(),
        Some("J. SMITH")
    );
    let mut pickup = event(1, Status::AvailableForPickup);
    pickup.pickup = Some(Pickup {
        name: Some("Kiosk Valentinskamp".into()),
        address: Some("Valentinskamp 88, 20355 Hamburg".into()),
        hours: Some("Mo-Sa 8-20".into()),
    });
    let result = run(&shipment(), &[pickup]);
    assert_eq!(told(&result), ["available_for_pickup"]);
    assert_eq!(
        result.intents[0]
            .details
            .pickup
            .as_ref()
            .unwrap()
            .hours
            .as_deref(),
        Some("Mo-Sa 8-20")
    );
}

fn promised(date: (i32, u32, u32)) -> Shipment {
    Shipment {
        promised_delivery_date: NaiveDate::from_ymd_opt(date.0, date.1, date.2),
        ..shipment()
    }
}

fn with_eta(mut e: TrackingEvent, date: (i32, u32, u32)) -> TrackingEvent {
    e.estimated_delivery = NaiveDate::from_ymd_opt(date.0, date.1, date.2);
    e
}

#[test]
fn an_estimate_past_the_promise_is_one_delay_per_new_date() {
    let state = promised((2026, 11, 20));
    let on_time = run(
        &state,
        &[with_eta(event(5, Status::InTransit), (2026, 11, 20))],
    );
    assert_eq!(told(&on_time), ["in_transit"]);
    let events = [
        with_eta(event(5, Status::InTransit), (2026, 11, 20)),
        with_eta(event(2, Status::InTransit), (2026, 11, 23)),
    ];
    let late = run(&on_time.shipment, &events);
    assert_eq!(told(&late), ["delayed#2026-11-23"]);
    let d = &late.intents[0].details;
    assert_eq!(
        (d.old_date, d.new_date),
        (
            NaiveDate::from_ymd_opt(2026, 11, 20),
            NaiveDate::from_ymd_opt(2026, 11, 23)
        )
    );
    assert!(
        run(&late.shipment, &events).intents.is_empty(),
        "same new date: no second apology"
    );
    let mut later = events.to_vec();
    later.push(with_eta(event(1, Status::InTransit), (2026, 11, 25)));
    assert_eq!(told(&run(&late.shipment, &later)), ["delayed#2026-11-25"]);
}

#[test]
fn a_carrier_delay_reason_is_a_delay() {
    let first = run(&shipment(), &[event(6, Status::InTransit)]);
    let weather = with_eta(
        with_reason(event(1, Status::InTransit), Reason::WeatherDelay),
        (2026, 11, 24),
    );
    let result = run(&first.shipment, &[event(6, Status::InTransit), weather]);
    assert_eq!(told(&result), ["delayed#2026-11-24"]);
    assert_eq!(result.intents[0].details.reason, Some(Reason::WeatherDelay));
}

#[test]
fn a_promise_that_passed_undelivered_is_a_delay_found_by_the_clock() {
    // Promised for Monday the 16th; it is Wednesday in Berlin.
    let state = promised((2026, 11, 16));
    let result = run(&state, &[event(60, Status::InTransit)]);
    assert_eq!(told(&result), ["delayed#overdue-2026-11-16"]);
    assert!(
        run(&result.shipment, &[event(60, Status::InTransit)])
            .intents
            .is_empty()
    );
    let delivered = run(
        &state,
        &[event(60, Status::InTransit), event(1, Status::Delivered)],
    );
    assert!(
        !told(&delivered).iter().any(|k| k.starts_with("delayed")),
        "delivered is not late news"
    );
}

#[test]
fn the_promise_deadline_is_the_end_of_the_promised_day_in_the_customers_zone() {
    let state = promised((2026, 11, 20));
    let result = run(&state, &[event(1, Status::InTransit)]);
    // Midnight in Berlin (UTC+1) is 23:00 UTC the day before.
    assert_eq!(
        result.shipment.due_at,
        Some(Utc.with_ymd_and_hms(2026, 11, 20, 23, 0, 0).unwrap())
    );
    let delivered = run(
        &result.shipment,
        &[event(1, Status::InTransit), event(0, Status::Delivered)],
    );
    assert_eq!(
        delivered.shipment.due_at, None,
        "nothing is due for a delivered parcel"
    );
}

#[test]
fn no_scan_for_72_business_hours_is_one_stall_per_quiet_spell() {
    // Last scan Friday 12:00; the weekend does not count; Wednesday noon is 72 business hours.
    let friday = now() - Duration::days(5);
    let mut scan = event(0, Status::InTransit);
    scan.occurred_at = friday;
    let mut state = shipment();
    state.created_at = friday - Duration::days(1);
    let tuesday = evaluate(
        &state,
        &[scan.clone()],
        now() - Duration::hours(1),
        &merchant(),
    );
    assert!(!told(&tuesday).iter().any(|k| k.starts_with("stalled")));
    assert_eq!(tuesday.shipment.due_at, Some(now()));
    let wednesday = run(&tuesday.shipment, &[scan.clone()]);
    assert_eq!(told(&wednesday), ["stalled#2026-11-13T12:00:00Z"]);
    assert!(run(&wednesday.shipment, &[scan.clone()]).intents.is_empty());
    let moved = event(1, Status::InTransit);
    let after = run(&wednesday.shipment, &[scan, moved]);
    assert!(
        !told(&after).iter().any(|k| k.starts_with("stalled")),
        "a fresh scan ends the spell"
    );
    assert_eq!(
        after.shipment.due_at,
        Some(add_business_hours(now() - Duration::hours(1), 72))
    );
}

#[test]
fn business_hours_skip_weekends() {
    let friday_noon = Utc.with_ymd_and_hms(2026, 11, 13, 12, 0, 0).unwrap();
    let monday_noon = Utc.with_ymd_and_hms(2026, 11, 16, 12, 0, 0).unwrap();
    assert_eq!(business_hours_between(friday_noon, monday_noon), 24);
    assert_eq!(add_business_hours(friday_noon, 24), monday_noon);
}

#[test]
fn impossible_times_are_flagged_and_decide_nothing() {
    let mut future = event(0, Status::Delivered);
    future.occurred_at = now() + Duration::days(30);
    let mut before_label = event(0, Status::OutForDelivery);
    before_label.occurred_at = now() - Duration::days(20);
    let label = event(10, Status::InfoReceived);
    let events = [label.clone(), future.clone(), before_label.clone()];
    assert_eq!(
        flag(&future, label_time(&events), now()),
        Some(Flag::FarFuture)
    );
    assert_eq!(
        flag(&before_label, label_time(&events), now()),
        Some(Flag::BeforeLabel)
    );
    assert_eq!(flag(&label, label_time(&events), now()), None);
    let result = run(&shipment(), &events);
    assert_eq!(result.shipment.status, Status::InfoReceived);
    assert!(!result.shipment.milestones.contains_key("delivered"));
}

#[test]
fn delivery_reports_its_outcome_once() {
    let mut state = promised((2026, 11, 18));
    state.service = Some("GROUND".into());
    let events = [event(50, Status::InTransit), event(2, Status::Delivered)];
    let result = run(&state, &events);
    let outcome = result.outcome.clone().unwrap();
    assert_eq!(outcome.on_time, Some(true));
    assert_eq!(outcome.transit_hours, Some(48));
    assert_eq!(outcome.service.as_deref(), Some("GROUND"));
    assert_eq!(run(&result.shipment, &events).outcome, None);
}

#[test]
fn delivery_outcome_says_whether_the_way_had_an_exception_or_a_failed_attempt() {
    let cases: [(&[Status], bool, bool); 4] = [
        (&[], false, false),
        (&[Status::Exception], true, false),
        (&[Status::AttemptFailed, Status::AttemptFailed], false, true),
        (&[Status::Exception, Status::AttemptFailed], true, true),
    ];
    for (troubles, exception, failed_attempt) in cases {
        let mut events = vec![event(50, Status::InTransit), event(2, Status::Delivered)];
        events.extend(troubles.iter().zip(10..).map(|(&s, h)| event(h, s)));
        let outcome = run(&shipment(), &events).outcome.unwrap();
        assert_eq!(
            (outcome.had_exception, outcome.had_failed_attempt),
            (exception, failed_attempt),
            "{troubles:?}"
        );
    }
}

#[test]
fn arrival_order_does_not_change_the_final_state_or_the_announced_moments() {
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
        let mut seen = Vec::new();
        let mut announced = Vec::new();
        for i in order {
            seen.push(history[i].clone());
            let step = run(&state, &seen);
            announced.extend(told(&step));
            state = step.shipment;
        }
        let mut unique = announced.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            announced.len(),
            "a moment was announced twice"
        );
        assert!(announced.contains(&"delivered".to_owned()));
        finals.push((
            state.status,
            state.status_at,
            state.milestones.keys().cloned().collect::<Vec<_>>(),
        ));
    }
    finals.dedup();
    assert_eq!(finals.len(), 1);
}

#[test]
fn scans_with_the_same_stamp_take_the_further_status_whatever_the_arrival() {
    let mut delivered = event(2, Status::Delivered);
    let ofd = event(2, Status::OutForDelivery);
    delivered.occurred_at = ofd.occurred_at;
    let together = run(&shipment(), &[ofd.clone(), delivered.clone()]);
    assert_eq!(together.shipment.status, Status::Delivered);
    let first = run(&shipment(), std::slice::from_ref(&ofd));
    let then = run(&first.shipment, &[ofd, delivered]);
    assert_eq!(then.shipment.status, Status::Delivered);
    assert_eq!(told(&then), ["delivered"]);
}

#[test]
fn a_delivered_parcel_is_never_late_or_stalled_even_after_a_later_exception() {
    let state = promised((2026, 11, 15));
    let mut on_time = event(0, Status::Delivered);
    on_time.occurred_at = Utc.with_ymd_and_hms(2026, 11, 14, 10, 0, 0).unwrap();
    let delivered = run(&state, std::slice::from_ref(&on_time));
    let later = with_reason(event(1, Status::Exception), Reason::Damaged);
    let after = run(&delivered.shipment, &[on_time, later]);
    assert_eq!(after.shipment.status, Status::Exception);
    assert!(
        !told(&after)
            .iter()
            .any(|k| k.starts_with("delayed") || k.starts_with("stalled")),
        "{:?}",
        told(&after)
    );
    assert_eq!(after.shipment.due_at, None);
}

#[test]
fn a_deadline_in_a_dst_gap_moves_to_just_after_it() {
    // Santiago skips 00:00-01:00 on 2026-09-06 (clocks spring forward at midnight).
    let tz: chrono_tz::Tz = "America/Santiago".parse().unwrap();
    let gap = NaiveDate::from_ymd_opt(2026, 9, 6)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let at = crate::model::local_to_utc(tz, gap).expect("a deadline in a gap still exists");
    assert_eq!(
        at.with_timezone(&tz).date_naive(),
        NaiveDate::from_ymd_opt(2026, 9, 6).unwrap()
    );
}

#[test]
fn a_shipment_narrows_the_merchants_channels_and_never_widens_them() {
    let channels_for = |allowed: Option<Vec<Channel>>| {
        let state = Shipment {
            channels: allowed,
            ..shipment()
        };
        let e = run(&state, &[event(3, Status::InTransit)]);
        // The moment is recorded either way: only the messages depend on the channels.
        assert!(e.shipment.milestones.contains_key("in_transit"));
        e.intents.iter().map(|i| i.channel).collect::<Vec<_>>()
    };
    assert_eq!(channels_for(None), [Channel::Email, Channel::Sms]);
    assert_eq!(channels_for(Some(vec![Channel::Email])), [Channel::Email]);
    assert_eq!(channels_for(Some(vec![])), Vec::<Channel>::new());
    let mut email_only = merchant();
    for list in email_only.channels.values_mut() {
        list.retain(|c| *c == Channel::Email);
    }
    let state = Shipment {
        channels: Some(vec![Channel::Sms]),
        ..shipment()
    };
    let e = evaluate(&state, &[event(3, Status::InTransit)], now(), &email_only);
    assert!(
        e.intents.is_empty(),
        "SMS is not one of the merchant's channels"
    );
}
