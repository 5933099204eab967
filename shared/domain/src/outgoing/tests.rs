#![allow(clippy::unwrap_used)]

use super::*;
use crate::fakes::shipment;
use crate::model::MilestoneReached;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap()
}

fn endpoint(id: &str, milestones: &[Milestone]) -> WebhookEndpoint {
    WebhookEndpoint {
        id: id.into(),
        merchant_id: "m1".into(),
        url: "https://hooks.example/afterclick".into(),
        milestones: milestones.to_vec(),
        description: None,
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
        previous_secret: None,
        created_at: now(),
    }
}

fn delivery(state: DeliveryState, attempts: u32) -> Delivery {
    Delivery {
        merchant_id: "m1".into(),
        tracking_number: "1Z1".into(),
        endpoint_id: "we_1".into(),
        moment: "delivered".into(),
        webhook_id: "msg_1".into(),
        event_type: "shipment.delivered".into(),
        payload: "{}".into(),
        state,
        attempts,
        last_status: None,
        last_error: None,
        next_attempt_at: None,
        lease_until: None,
        created_at: now(),
        updated_at: now(),
    }
}

#[test]
fn the_retry_schedule_is_eight_attempts_over_less_than_a_day() {
    let table = [
        (1, Some(Duration::seconds(30))),
        (2, Some(Duration::minutes(2))),
        (3, Some(Duration::minutes(10))),
        (4, Some(Duration::hours(1))),
        (5, Some(Duration::hours(3))),
        (6, Some(Duration::hours(6))),
        (7, Some(Duration::hours(12))),
        (8, None),
        (9, None),
        (0, None),
    ];
    for (attempts, expected) in table {
        assert_eq!(retry_delay(attempts), expected, "after {attempts} attempts");
    }
    assert_eq!(MAX_ATTEMPTS, 8);
    let total: Duration = RETRY_DELAYS.iter().copied().sum();
    assert!(total < Duration::days(1) && total > Duration::hours(20));
}

#[test]
fn an_attempt_ends_delivered_retrying_or_failed() {
    let table: [(u32, Response, Finish); 5] = [
        (1, Ok(200), Finish::Delivered { status: 200 }),
        (1, Ok(204), Finish::Delivered { status: 204 }),
        (
            1,
            Ok(500),
            Finish::Retry {
                status: Some(500),
                error: "the endpoint answered HTTP 500".into(),
                at: now() + Duration::seconds(30),
            },
        ),
        (
            3,
            Err("timed out".into()),
            Finish::Retry {
                status: None,
                error: "timed out".into(),
                at: now() + Duration::minutes(10),
            },
        ),
        (
            8,
            Ok(301),
            Finish::Failed {
                status: Some(301),
                error: "the endpoint answered HTTP 301".into(),
            },
        ),
    ];
    for (attempts, response, expected) in table {
        assert_eq!(Finish::after(attempts, response, now()), expected);
    }
}

#[test]
fn the_next_step_follows_state_lease_schedule_and_attempts() {
    let later = Some(now() + Duration::seconds(1));
    let earlier = Some(now() - Duration::seconds(1));
    let with = |state, attempts, lease, next| Delivery {
        lease_until: lease,
        next_attempt_at: next,
        ..delivery(state, attempts)
    };
    let table = [
        (with(DeliveryState::Pending, 0, None, None), Step::Attempt),
        (with(DeliveryState::Sending, 1, later, None), Step::Wait),
        // A claimant that crashed: its lease ran out.
        (
            with(DeliveryState::Sending, 1, earlier, None),
            Step::Attempt,
        ),
        (with(DeliveryState::Sending, 8, earlier, None), Step::GiveUp),
        (with(DeliveryState::Retrying, 2, None, later), Step::Wait),
        (
            with(DeliveryState::Retrying, 2, None, earlier),
            Step::Attempt,
        ),
        (with(DeliveryState::Delivered, 1, None, None), Step::Done),
        (with(DeliveryState::Failed, 8, None, None), Step::Done),
        (with(DeliveryState::Cancelled, 0, None, None), Step::Done),
    ];
    for (d, expected) in table {
        assert_eq!(
            next_step(&d, now()),
            expected,
            "{:?} {}",
            d.state,
            d.attempts
        );
    }
}

#[test]
fn each_reached_moment_goes_to_each_subscribed_endpoint_with_a_stable_id() {
    let mut s = shipment("m1", "1Z1", now());
    let at = now() - Duration::hours(1);
    for key in ["in_transit", "delivered"] {
        s.milestones
            .insert(key.into(), MilestoneReached { at, notified: true });
    }
    let reached = [
        Moment::once(Milestone::InTransit),
        Moment::once(Milestone::Delivered),
    ];
    let endpoints = [
        endpoint("we_all", &Milestone::ALL),
        endpoint("we_delivered", &[Milestone::Delivered]),
    ];
    let out = deliveries(&s, &reached, &endpoints, 100, now());
    let keys: Vec<_> = out
        .iter()
        .map(|d| (d.moment.as_str(), d.endpoint_id.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("in_transit", "we_all"),
            ("delivered", "we_all"),
            ("delivered", "we_delivered")
        ]
    );
    assert_eq!(out[1].webhook_id, out[2].webhook_id);
    assert_ne!(out[0].webhook_id, out[1].webhook_id);
    assert_eq!(out[1].webhook_id, webhook_id("m1", "1Z1", "delivered"));
    assert!(out.iter().all(|d| d.state == DeliveryState::Pending));

    let budgeted = deliveries(&s, &reached, &endpoints, 2, now());
    assert!(
        budgeted.iter().all(|d| d.moment == "delivered"),
        "over budget, the newest moment wins"
    );
}

#[test]
fn the_payload_carries_the_shipment_facts_and_no_customer_data() {
    let mut s = shipment("m1", "1Z1", now());
    s.status = crate::Status::Delivered;
    s.estimated_delivery = chrono::NaiveDate::from_ymd_opt(2026, 11, 21);
    let body = payload(&s, &Moment::once(Milestone::Delivered), now());
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["type"], "shipment.delivered");
    assert_eq!(json["timestamp"], "2026-11-20T12:00:00Z");
    assert_eq!(json["data"]["tracking_number"], "1Z1");
    assert_eq!(json["data"]["shipment_id"], "shp_1Z1");
    assert_eq!(json["data"]["status"], "delivered");
    assert_eq!(json["data"]["estimated_delivery"], "2026-11-21");
    for personal in ["Ada", "ada@example.com", "+447700900123"] {
        assert!(!body.contains(personal), "{personal} leaked into {body}");
    }
}
