//! AfterShip `tracking_update` webhooks (`POST /webhooks/aftership/{merchant_id}`):
//!
//! ```json
//! {"event_id": "…", "event": "tracking_update", "is_tracking_first_tag": false, "ts": 1722600000,
//!  "msg": {"tracking_number": "…", "slug": "dhl-germany", "tag": "InTransit", "subtag": "InTransit_007",
//!          "subtag_message": "…", "expected_delivery": "2024-08-05", "signed_by": null,
//!          "pickup_location": null, "pickup_note": null, "last_updated_at": "…",
//!          "checkpoints": [{"checkpoint_time": "2024-08-02T18:50:00", "message": "…",
//!                           "tag": "InTransit", "subtag": "InTransit_007", "city": "Köln",
//!                           "state": null, "zip": "50679", "country_iso3": "DEU", "slug": "dhl-germany"}]}}
//! ```
//!
//! - Every checkpoint is an event. `checkpoint_time` often has no offset (the carrier's
//!   local wall time): it is resolved with the checkpoint's `country_iso3` and `state`
//!   ([`time::parse`]) or kept flagged as local, never read as UTC.
//! - With no checkpoints (AfterShip has only the shipment's tag), one event is made from
//!   `msg.tag` / `subtag` at `last_updated_at` (else `updated_at`, `created_at`). Its time
//!   is when AfterShip last updated the tracking, the best instant there is.
//! - Status is the tag, refined by the subtag ([`AFTERSHIP_STATUS`], [`AFTERSHIP_SUBSTATUS`]).
//!   Unknown codes are stored with reason `unknown_code` and reported, never rejected.
//! - Shipment-level facts go on every event they describe: `signed_by` on delivered events,
//!   `pickup_location` (as the address) and `pickup_note` (opening hours or collection
//!   instructions, as the hours) on available-for-pickup events. Putting them on every such
//!   event, not only the newest, keeps an event the same whichever part of the history a
//!   delivery carries.
//! - `expected_delivery` is the estimated delivery date; `order_promised_delivery_date` is
//!   the merchant's own promise, which afterclick already has, and is ignored.
//! - `msg.slug` (else the newest checkpoint's `slug`) is the carrier ([`carriers`]).

use super::common::{join_present, location_text, note_unknown, text, timed_event};
use super::parsed::{Mapped, ParsedWebhook, Provider, StatusRow, map_status, row};
use super::{carriers, time};
use crate::model::{Pickup, TrackingEvent, normalize_tracking_number};
use crate::reason::Reason;
use crate::status::Status;
use crate::validate::{FieldError, parse_json, validate_tracking_number};
use serde::Deserialize;

pub const PROVIDER: &str = "aftership";

/// AfterShip tags (delivery statuses).
pub const AFTERSHIP_STATUS: &[StatusRow] = &[
    row("Pending", Some(Status::Pending), None),
    row("InfoReceived", Some(Status::InfoReceived), None),
    row("InTransit", Some(Status::InTransit), None),
    row("OutForDelivery", Some(Status::OutForDelivery), None),
    row("AttemptFail", Some(Status::AttemptFailed), None),
    row("Delivered", Some(Status::Delivered), None),
    row("AvailableForPickup", Some(Status::AvailableForPickup), None),
    row("Exception", Some(Status::Exception), None),
    row("Expired", Some(Status::Expired), Some(Reason::Expired)),
];

/// AfterShip subtags (delivery sub-statuses), as AfterShip documents them. `None` keeps the
/// tag's status; returns and cancellations change it.
pub const AFTERSHIP_SUBSTATUS: &[StatusRow] = &[
    // "No information yet" / "info received": the tag says it all.
    row("Pending_001", None, None),
    row("InfoReceived_001", None, None),
    // In transit
    row("InTransit_001", None, None),                   // on the way
    row("InTransit_002", None, Some(Reason::PickedUp)), // accepted by the carrier
    row("InTransit_003", None, Some(Reason::ArrivedAtFacility)), // hub or sorting center
    row("InTransit_004", None, Some(Reason::ArrivedAtFacility)), // destination country
    row("InTransit_005", None, Some(Reason::CustomsCleared)),
    row("InTransit_006", None, Some(Reason::CustomsProcessing)), // handed to customs
    row("InTransit_007", None, Some(Reason::DepartedFacility)),
    row("InTransit_008", None, None), // problem resolved, in transit again
    row("InTransit_009", None, Some(Reason::Forwarded)), // to a different address
    // Out for delivery
    row("OutForDelivery_001", None, None),
    row("OutForDelivery_003", None, None), // customer contacted before delivery
    row("OutForDelivery_004", None, Some(Reason::DeliveryScheduled)), // appointment
    // Failed attempts
    row("AttemptFail_001", None, None), // unspecified; a notice is usually left
    row("AttemptFail_002", None, Some(Reason::RecipientUnavailable)),
    row("AttemptFail_003", None, Some(Reason::BusinessClosed)),
    // Delivered
    row("Delivered_001", None, None),
    row("Delivered_002", None, Some(Reason::CollectedByRecipient)),
    row("Delivered_003", None, Some(Reason::DeliveredToRecipient)), // signed by customer
    row("Delivered_004", None, Some(Reason::DeliveredToRecipient)), // cash on delivery
    row("Delivered_005", None, Some(Reason::DeliveredToNeighbour)),
    row("AvailableForPickup_001", None, None),
    // Exceptions
    row("Exception_001", None, None), // unspecified shipping exception
    row("Exception_002", None, Some(Reason::RecipientMoved)),
    row("Exception_003", None, Some(Reason::Refused)),
    row("Exception_004", None, Some(Reason::CustomsDelay)),
    row("Exception_005", None, Some(Reason::ExternalDelay)),
    row("Exception_006", None, Some(Reason::AwaitingPayment)),
    row("Exception_007", None, Some(Reason::AddressIssue)),
    row("Exception_008", None, Some(Reason::PickupMissed)), // not collected in time
    row("Exception_009", None, Some(Reason::RejectedByCarrier)),
    row(
        "Exception_010",
        Some(Status::ReturningToSender),
        Some(Reason::Returning),
    ),
    row(
        "Exception_011",
        Some(Status::ReturnedToSender),
        Some(Reason::Returned),
    ),
    row("Exception_012", None, Some(Reason::Damaged)),
    row("Exception_013", None, Some(Reason::Lost)),
    row("Exception_016", None, Some(Reason::CarrierDelay)), // processing issue
    row("Exception_017", None, Some(Reason::WeatherDelay)),
    row("Exception_018", None, Some(Reason::MissingDocuments)),
    row("Exception_019", None, Some(Reason::LateFlight)),
    row(
        "Exception_020",
        Some(Status::Cancelled),
        Some(Reason::Cancelled),
    ),
    row("Exception_021", None, Some(Reason::Disposed)),
    row("Expired_001", None, None),
];

#[derive(Debug, Deserialize)]
struct Envelope {
    msg: Tracking,
}

#[derive(Debug, Deserialize)]
struct Tracking {
    tracking_number: String,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    tag: Option<String>,
    #[serde(default)]
    subtag: Option<String>,
    #[serde(default)]
    subtag_message: Option<String>,
    #[serde(default)]
    expected_delivery: Option<String>,
    #[serde(default)]
    signed_by: Option<String>,
    #[serde(default)]
    pickup_location: Option<String>,
    #[serde(default)]
    pickup_note: Option<String>,
    #[serde(default)]
    last_updated_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    // `null` as well as absent: AfterShip sends both.
    #[serde(default)]
    checkpoints: Option<Vec<Checkpoint>>,
}

#[derive(Debug, Deserialize)]
struct Checkpoint {
    checkpoint_time: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    tag: Option<String>,
    #[serde(default)]
    subtag: Option<String>,
    #[serde(default)]
    subtag_message: Option<String>,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    city: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    zip: Option<String>,
    #[serde(default)]
    postal_code: Option<String>,
    // Newer API versions call it `country_region`.
    #[serde(default, alias = "country_region")]
    country_iso3: Option<String>,
    #[serde(default)]
    country_name: Option<String>,
    #[serde(default)]
    slug: Option<String>,
}

pub fn parse(body: &[u8]) -> Result<ParsedWebhook, FieldError> {
    let Envelope { msg } = parse_json(body)?;
    let tracking_number = normalize_tracking_number(&msg.tracking_number);
    validate_tracking_number("msg.tracking_number", &tracking_number)?;
    let estimated_delivery = text(&msg.expected_delivery)
        .map(|raw| {
            time::parse_date(raw).ok_or_else(|| {
                FieldError::new(
                    "msg.expected_delivery",
                    "must be a date (YYYY-MM-DD) or an ISO 8601 date-time",
                )
            })
        })
        .transpose()?;
    let mut unknown_codes = Vec::new();
    let checkpoints = msg.checkpoints.as_deref().unwrap_or_default();
    let mut events = if checkpoints.is_empty() {
        vec![summary_event(&msg, &mut unknown_codes)?]
    } else {
        checkpoints
            .iter()
            .enumerate()
            .map(|(i, c)| checkpoint_event(i, c, &mut unknown_codes))
            .collect::<Result<Vec<_>, _>>()?
    };
    attach_shipment_facts(&msg, &mut events);
    events.sort_by_key(|e| e.occurred_at);
    Ok(ParsedWebhook {
        tracking_number,
        carrier: carrier(&msg, checkpoints),
        estimated_delivery,
        events,
        unknown_codes,
        dropped: 0,
    })
}

fn checkpoint_event(
    index: usize,
    c: &Checkpoint,
    unknown_codes: &mut Vec<String>,
) -> Result<TrackingEvent, FieldError> {
    let at = time::parse(&c.checkpoint_time, text(&c.country_iso3), text(&c.state)).ok_or_else(
        || {
            FieldError::new(
                format!("msg.checkpoints[{index}].checkpoint_time"),
                "must be an ISO 8601 date-time, with or without an offset",
            )
        },
    )?;
    let (tag, subtag) = (text(&c.tag), text(&c.subtag));
    let mapped = classify(tag, subtag, unknown_codes);
    let mut event = timed_event(PROVIDER, at);
    event.status = mapped.status;
    event.description = [&c.message, &c.subtag_message, &c.tag]
        .into_iter()
        .find_map(text)
        .unwrap_or_default()
        .to_owned();
    event.location = location(c);
    event.raw_status = tag.map(str::to_owned);
    event.raw_substatus = subtag.map(str::to_owned);
    event.reason = mapped.reason;
    Ok(event)
}

/// The one event a tracking without checkpoints stands for.
fn summary_event(
    msg: &Tracking,
    unknown_codes: &mut Vec<String>,
) -> Result<TrackingEvent, FieldError> {
    let (field, raw) = [
        ("msg.last_updated_at", &msg.last_updated_at),
        ("msg.updated_at", &msg.updated_at),
        ("msg.created_at", &msg.created_at),
    ]
    .into_iter()
    .find_map(|(field, raw)| text(raw).map(|raw| (field, raw)))
    .ok_or_else(|| {
        FieldError::new(
            "msg.last_updated_at",
            "is required when the tracking has no checkpoints",
        )
    })?;
    let at = time::parse(raw, None, None)
        .ok_or_else(|| FieldError::new(field, "must be an ISO 8601 date-time"))?;
    let (tag, subtag) = (text(&msg.tag), text(&msg.subtag));
    let mapped = classify(tag, subtag, unknown_codes);
    let mut event = timed_event(PROVIDER, at);
    event.status = mapped.status;
    event.description = [&msg.subtag_message, &msg.tag]
        .into_iter()
        .find_map(text)
        .unwrap_or_default()
        .to_owned();
    event.raw_status = tag.map(str::to_owned);
    event.raw_substatus = subtag.map(str::to_owned);
    event.reason = mapped.reason;
    Ok(event)
}

/// Maps a tag / subtag pair, recording codes the tables lack. A missing tag is read from the
/// subtag's prefix (`Exception_011` is an `Exception`).
fn classify(tag: Option<&str>, subtag: Option<&str>, unknown_codes: &mut Vec<String>) -> Mapped {
    let tag = tag.or_else(|| subtag.and_then(|s| s.split('_').next()));
    if tag.is_none() && subtag.is_none() {
        // Nothing to map and nothing unknown: a scan AfterShip did not tag.
        return Mapped {
            status: Status::Pending,
            reason: None,
            known: true,
        };
    }
    note_unknown(AFTERSHIP_STATUS, tag, unknown_codes);
    note_unknown(AFTERSHIP_SUBSTATUS, subtag, unknown_codes);
    map_status(AFTERSHIP_STATUS, AFTERSHIP_SUBSTATUS, tag, subtag)
}

fn attach_shipment_facts(msg: &Tracking, events: &mut [TrackingEvent]) {
    let signed_by = text(&msg.signed_by);
    let pickup =
        (text(&msg.pickup_location).is_some() || text(&msg.pickup_note).is_some()).then(|| {
            Pickup {
                name: None,
                address: text(&msg.pickup_location).map(str::to_owned),
                hours: text(&msg.pickup_note).map(str::to_owned),
            }
        });
    for event in events {
        match event.status {
            Status::Delivered => event.signed_by = signed_by.map(str::to_owned),
            Status::AvailableForPickup => event.pickup = pickup.clone(),
            _ => {}
        }
    }
}

/// `location` when AfterShip sends one, else "city, state postcode, country".
fn location(c: &Checkpoint) -> Option<String> {
    if let Some(location) = text(&c.location) {
        return Some(location.to_owned());
    }
    let postal = text(&c.zip).or(text(&c.postal_code));
    let region = join_present([text(&c.state), postal], " ");
    let country = text(&c.country_name).or(text(&c.country_iso3));
    location_text([text(&c.city), region.as_deref(), country])
}

fn carrier(msg: &Tracking, checkpoints: &[Checkpoint]) -> Option<String> {
    text(&msg.slug)
        .or_else(|| checkpoints.iter().rev().find_map(|c| text(&c.slug)))
        .and_then(|slug| carriers::normalize(Provider::AfterShip, slug))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimeBasis;
    use crate::providers::common::test_support::{
        Fixtures, assert_documented_codes_mapped, assert_sub_rows_map_under_their_prefix,
        assert_top_rows_map_as_declared, at, newest_statuses, statuses_and_codes, utc, wall,
    };
    use chrono::NaiveDate;

    const FIXTURES: Fixtures = Fixtures(Provider::AfterShip);

    /// Every top-level status and sub-status PROVIDERS.md lists for AfterShip.
    const DOCUMENTED: &[&str] = &[
        "Pending",
        "InfoReceived",
        "InTransit",
        "OutForDelivery",
        "AttemptFail",
        "Delivered",
        "AvailableForPickup",
        "Exception",
        "Expired",
        "Delivered_001",
        "Delivered_002",
        "Delivered_003",
        "Delivered_004",
        "Delivered_005",
        "AttemptFail_001",
        "AttemptFail_002",
        "AttemptFail_003",
        "InTransit_001",
        "InTransit_002",
        "InTransit_003",
        "InTransit_004",
        "InTransit_005",
        "InTransit_006",
        "InTransit_007",
        "InTransit_008",
        "InTransit_009",
        "OutForDelivery_001",
        "OutForDelivery_003",
        "OutForDelivery_004",
        "Exception_001",
        "Exception_002",
        "Exception_003",
        "Exception_004",
        "Exception_005",
        "Exception_006",
        "Exception_007",
        "Exception_008",
        "Exception_009",
        "Exception_010",
        "Exception_011",
        "Exception_012",
        "Exception_013",
        "Exception_016",
        "Exception_017",
        "Exception_018",
        "Exception_019",
        "Exception_020",
        "Exception_021",
        "Pending_001",
        "InfoReceived_001",
        "AvailableForPickup_001",
        "Expired_001",
    ];

    #[test]
    fn every_documented_code_is_in_the_tables() {
        assert_documented_codes_mapped(DOCUMENTED, &[AFTERSHIP_STATUS, AFTERSHIP_SUBSTATUS]);
    }

    #[test]
    fn the_status_table_maps_each_row_as_declared() {
        assert_top_rows_map_as_declared(AFTERSHIP_STATUS, AFTERSHIP_SUBSTATUS);
    }

    #[test]
    fn the_substatus_table_maps_each_row_as_declared_under_its_own_tag() {
        assert_sub_rows_map_under_their_prefix(
            AFTERSHIP_STATUS,
            AFTERSHIP_SUBSTATUS,
            |tag, sub| map_status(AFTERSHIP_STATUS, AFTERSHIP_SUBSTATUS, Some(tag), Some(sub)),
        );
    }

    #[test]
    fn meaningful_subtags_keep_their_meaning() {
        let m = |sub: &str| {
            let tag = sub.split('_').next().unwrap();
            let m = map_status(AFTERSHIP_STATUS, AFTERSHIP_SUBSTATUS, Some(tag), Some(sub));
            (m.status, m.reason)
        };
        assert_eq!(
            m("Exception_010"),
            (Status::ReturningToSender, Some(Reason::Returning))
        );
        assert_eq!(
            m("Exception_011"),
            (Status::ReturnedToSender, Some(Reason::Returned))
        );
        assert_eq!(
            m("Delivered_005"),
            (Status::Delivered, Some(Reason::DeliveredToNeighbour))
        );
        assert_eq!(
            m("AttemptFail_002"),
            (Status::AttemptFailed, Some(Reason::RecipientUnavailable))
        );
        assert_eq!(
            m("Exception_020"),
            (Status::Cancelled, Some(Reason::Cancelled))
        );
        assert_eq!(m("Expired_001"), (Status::Expired, Some(Reason::Expired)));
    }

    #[test]
    fn first_scan_resolves_local_time_and_carrier() {
        let parsed = FIXTURES.parsed("first_scan");
        assert_eq!(parsed.tracking_number, "00340434161094042557");
        assert_eq!(parsed.carrier.as_deref(), Some("dhl_paket"));
        assert_eq!(
            parsed.estimated_delivery,
            NaiveDate::from_ymd_opt(2024, 8, 5)
        );
        let statuses: Vec<_> = parsed.events.iter().map(|e| e.status).collect();
        assert_eq!(statuses, [Status::InfoReceived, Status::InTransit]);
        let scan = &parsed.events[1];
        // 18:50 in Cologne in August is 16:50 UTC.
        assert_eq!(scan.occurred_at, at("2024-08-02T16:50:00Z"));
        assert_eq!(scan.local_time, Some(wall("2024-08-02T18:50:00")));
        assert_eq!(scan.time_basis, TimeBasis::LocalResolved);
        assert_eq!(scan.reason, Some(Reason::PickedUp));
        assert_eq!(scan.raw_status.as_deref(), Some("InTransit"));
        assert_eq!(scan.raw_substatus.as_deref(), Some("InTransit_002"));
        assert_eq!(scan.location.as_deref(), Some("Köln, 50679, Germany"));
        assert!(parsed.unknown_codes.is_empty());
    }

    #[test]
    fn out_for_delivery_keeps_an_offset_time_as_an_instant() {
        let parsed = FIXTURES.parsed("out_for_delivery");
        assert_eq!(parsed.carrier.as_deref(), Some("ups"));
        let last = parsed.events.last().unwrap();
        assert_eq!(last.status, Status::OutForDelivery);
        assert_eq!(last.time_basis, TimeBasis::Instant);
        assert_eq!(last.occurred_at, at("2024-09-10T12:02:00Z"));
        assert_eq!(last.local_time, Some(wall("2024-09-10T08:02:00")));
        assert_eq!(last.location.as_deref(), Some("Brooklyn, NY 11201, USA"));
    }

    #[test]
    fn delivered_carries_the_signature_on_the_delivery_only() {
        let parsed = FIXTURES.parsed("delivered");
        let delivered = parsed.events.last().unwrap();
        assert_eq!(delivered.status, Status::Delivered);
        assert_eq!(delivered.reason, Some(Reason::DeliveredToNeighbour));
        assert_eq!(delivered.signed_by.as_deref(), Some("MUELLER"));
        assert!(
            parsed.events[..parsed.events.len() - 1]
                .iter()
                .all(|e| e.signed_by.is_none())
        );
        assert_eq!(parsed.carrier.as_deref(), Some("dpd"));
    }

    #[test]
    fn attempt_failed_gives_the_reason() {
        let parsed = FIXTURES.parsed("attempt_failed");
        let failed = parsed.events.last().unwrap();
        assert_eq!(failed.status, Status::AttemptFailed);
        assert_eq!(failed.reason, Some(Reason::RecipientUnavailable));
        assert_eq!(parsed.carrier.as_deref(), Some("royal_mail"));
        // A GB wall time in British Summer Time.
        assert_eq!(failed.occurred_at, at("2024-07-16T12:41:00Z"));
        assert_eq!(failed.time_basis, TimeBasis::LocalResolved);
    }

    #[test]
    fn exception_is_a_delay_with_its_reason() {
        let parsed = FIXTURES.parsed("exception");
        let last = parsed.events.last().unwrap();
        assert_eq!(last.status, Status::Exception);
        assert_eq!(last.reason, Some(Reason::CustomsDelay));
        assert!(last.reason.unwrap().is_delay());
        // Japan Post scan with no offset and no state: Japan has one zone.
        assert_eq!(last.time_basis, TimeBasis::LocalResolved);
        assert_eq!(last.occurred_at, at("2024-10-03T01:15:00Z"));
        assert_eq!(parsed.carrier.as_deref(), Some("japan_post"));
    }

    #[test]
    fn return_moves_to_returning_then_returned() {
        let parsed = FIXTURES.parsed("return");
        assert_eq!(
            newest_statuses(&parsed, 2),
            [
                (Status::ReturnedToSender, Some(Reason::Returned)),
                (Status::ReturningToSender, Some(Reason::Returning)),
            ]
        );
        assert_eq!(parsed.carrier.as_deref(), Some("evri"));
    }

    #[test]
    fn history_mixes_local_and_offset_times_and_holds_a_pickup() {
        let parsed = FIXTURES.parsed("history");
        assert!(parsed.events.len() >= 5);
        assert!(
            parsed
                .events
                .windows(2)
                .all(|w| w[0].occurred_at <= w[1].occurred_at),
            "oldest first"
        );
        let bases: Vec<_> = parsed.events.iter().map(|e| e.time_basis).collect();
        assert!(bases.contains(&TimeBasis::Instant));
        assert!(bases.contains(&TimeBasis::LocalResolved));
        assert!(bases.contains(&TimeBasis::LocalUnresolved));
        // The arrival scan names no place, so its wall time stays local (read as UTC only
        // for ordering).
        let unresolved = parsed
            .events
            .iter()
            .find(|e| e.time_basis == TimeBasis::LocalUnresolved)
            .unwrap();
        assert_eq!(unresolved.local_time, Some(wall("2024-06-03T04:10:00")));
        assert_eq!(unresolved.occurred_at, at("2024-06-03T04:10:00Z"));

        let pickup = parsed
            .events
            .iter()
            .find(|e| e.status == Status::AvailableForPickup)
            .unwrap();
        assert_eq!(
            pickup.pickup,
            Some(Pickup {
                name: None,
                address: Some(
                    "Loja CTT Restauradores, Praça dos Restauradores 58, 1250-188 Lisboa".into()
                ),
                hours: Some("Mon-Fri 09:00-18:00, bring ID".into()),
            })
        );
        assert!(
            parsed
                .events
                .iter()
                .filter(|e| e.status != Status::AvailableForPickup)
                .all(|e| e.pickup.is_none())
        );
        assert_eq!(
            parsed.estimated_delivery,
            NaiveDate::from_ymd_opt(2024, 6, 12)
        );
        assert_eq!(parsed.carrier.as_deref(), Some("cainiao"));
    }

    #[test]
    fn the_sample_shape_with_no_checkpoints_makes_one_event_from_the_tag() {
        let body = br#"{"event_id":"e1","event":"tracking_update","is_tracking_first_tag":true,"ts":1629801608,
            "msg":{"id":"x","tracking_number":"123456789","tag":"Delivered","subtag":"Delivered_001",
                   "subtag_message":"Delivered","expected_delivery":null,"signed_by":"J SMITH","slug":"tnt",
                   "created_at":"2021-08-24T07:19:56+00:00","updated_at":"2021-08-24T10:40:08+00:00",
                   "last_updated_at":"2021-08-24T10:40:08+00:00","checkpoints":[],"custom_fields":{"a":"b"}}}"#;
        let parsed = parse(body).unwrap();
        assert_eq!(parsed.carrier.as_deref(), Some("tnt"));
        assert_eq!(parsed.events.len(), 1);
        let e = &parsed.events[0];
        assert_eq!(e.status, Status::Delivered);
        assert_eq!(e.occurred_at, utc(2021, 8, 24, 10, 40, 8));
        assert_eq!(e.description, "Delivered");
        assert_eq!(e.raw_substatus.as_deref(), Some("Delivered_001"));
        assert_eq!(e.signed_by.as_deref(), Some("J SMITH"));
        assert_eq!(parsed.estimated_delivery, None);
    }

    #[test]
    fn unknown_codes_are_kept_not_rejected() {
        let body = br#"{"msg":{"tracking_number":"1Z999","updated_at":"2024-08-01T10:00:00Z","checkpoints":[
            {"checkpoint_time":"2024-08-01T09:00:00Z","tag":"InTransit","subtag":"InTransit_099","message":"?"},
            {"checkpoint_time":"2024-08-01T10:00:00Z","tag":"Teleported","subtag":"Teleported_001"}]}}"#;
        let parsed = parse(body).unwrap();
        assert_eq!(
            statuses_and_codes(&parsed),
            [
                (
                    Status::InTransit,
                    Some(Reason::UnknownCode),
                    Some("InTransit"),
                    Some("InTransit_099")
                ),
                (
                    Status::Pending,
                    Some(Reason::UnknownCode),
                    Some("Teleported"),
                    Some("Teleported_001")
                ),
            ]
        );
        assert_eq!(
            parsed.unknown_codes,
            ["InTransit_099", "Teleported", "Teleported_001"]
        );
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let mut doc = FIXTURES.json("history");
        doc["brand_new"] = serde_json::json!({"nested": [1, 2]});
        doc["msg"]["aftership_estimated_delivery_date"] = serde_json::json!({"x": 1});
        doc["msg"]["checkpoints"][0]["events"] = serde_json::json!([{"code": "X"}]);
        let body = serde_json::to_vec(&doc).unwrap();
        assert_eq!(parse(&body).unwrap(), FIXTURES.parsed("history"));
    }

    #[test]
    fn a_missing_tag_is_read_from_the_subtag() {
        let body = br#"{"msg":{"tracking_number":"1Z999","checkpoints":[
            {"checkpoint_time":"2024-08-01T09:00:00Z","subtag":"Exception_011"}]}}"#;
        let parsed = parse(body).unwrap();
        assert_eq!(parsed.events[0].status, Status::ReturnedToSender);
        assert!(parsed.unknown_codes.is_empty());
    }

    #[test]
    fn names_the_field_at_fault() {
        let cases: [(&[u8], &str); 7] = [
            (b"[", ""),
            (br#"{"event":"tracking_update"}"#, "msg"),
            (br#"{"msg":{"tag":"Delivered","checkpoints":[]}}"#, "msg.tracking_number"),
            (br#"{"msg":{"tracking_number":12345}}"#, "msg.tracking_number"),
            (
                br#"{"msg":{"tracking_number":"1Z999","checkpoints":[{"checkpoint_time":"2024-08-01T09:00:00Z"},{"checkpoint_time":"soon"}]}}"#,
                "msg.checkpoints[1].checkpoint_time",
            ),
            (
                br#"{"msg":{"tracking_number":"1Z999","checkpoints":[{"checkpoint_time":"2024-08-01T09:00:00Z","tag":7}]}}"#,
                "msg.checkpoints[0].tag",
            ),
            (
                br#"{"msg":{"tracking_number":"1Z999","expected_delivery":"Tuesday","updated_at":"2024-08-01T09:00:00Z"}}"#,
                "msg.expected_delivery",
            ),
        ];
        FIXTURES.assert_rejected_at(cases);
        let no_time = parse(br#"{"msg":{"tracking_number":"1Z999","tag":"Pending"}}"#).unwrap_err();
        assert_eq!(no_time.field, "msg.last_updated_at");
    }
}
