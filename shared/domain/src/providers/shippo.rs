//! Shippo `track_updated` webhooks: `{event, test, data}` where `data` is a Track
//! (`carrier, tracking_number, eta, tracking_status, tracking_history[]`). A bare Track is
//! accepted too. Shippo says these webhooks are not idempotent, and every one re-sends the
//! history: re-sent scans come out identical, so their [`TrackingEvent::event_id`] dedups
//! them in the store.
//!
//! `tracking_status` is the current status and normally also the last history entry (with
//! another `object_id`, and a timestamp a few milliseconds off). It is added as an event
//! unless the same scan (same codes, details and location, within a second) is already in
//! the history; when anything differs both are kept and the store decides.

use super::common::{location_text, non_empty, set_codes, timed_event, tracking_number};
use super::parsed::{ParsedWebhook, Provider, StatusRow, row};
use super::{carriers, time};
use crate::model::TrackingEvent;
use crate::reason::Reason;
use crate::status::Status;
use crate::validate::{FieldError, parse_date_or_datetime, parse_json};
use serde::Deserialize;
use serde::de::IgnoredAny;

const PROVIDER: Provider = Provider::Shippo;

/// `status`.
pub const SHIPPO_STATUS: &[StatusRow] = &[
    row("UNKNOWN", Some(Status::Pending), None),
    row("PRE_TRANSIT", Some(Status::InfoReceived), None),
    row("TRANSIT", Some(Status::InTransit), None),
    row("DELIVERED", Some(Status::Delivered), None),
    // Shippo uses one status for "on its way back" and "back": the earlier, weaker one.
    row(
        "RETURNED",
        Some(Status::ReturningToSender),
        Some(Reason::Returning),
    ),
    row("FAILURE", Some(Status::Exception), None),
];

/// `substatus.code`. `None` keeps the top-level status; a status is set only where the
/// sub-status alone decides it.
pub const SHIPPO_SUBSTATUS: &[StatusRow] = &[
    row("information_received", None, Some(Reason::LabelCreated)),
    row(
        "address_issue",
        Some(Status::Exception),
        Some(Reason::AddressIssue),
    ),
    // Shippo flags it action_required: the customer has to call the carrier.
    row(
        "contact_carrier",
        Some(Status::Exception),
        Some(Reason::ContactCarrier),
    ),
    row("delayed", None, Some(Reason::CarrierDelay)),
    row(
        "delivery_attempted",
        Some(Status::AttemptFailed),
        Some(Reason::RecipientUnavailable),
    ),
    row(
        "delivery_rescheduled",
        None,
        Some(Reason::DeliveryRescheduled),
    ),
    row("delivery_scheduled", None, Some(Reason::DeliveryScheduled)),
    row(
        "location_inaccessible",
        Some(Status::AttemptFailed),
        Some(Reason::AccessIssue),
    ),
    row(
        "notice_left",
        Some(Status::AttemptFailed),
        Some(Reason::NoticeLeft),
    ),
    row("out_for_delivery", Some(Status::OutForDelivery), None),
    row("package_accepted", None, Some(Reason::PickedUp)),
    row("package_arrived", None, Some(Reason::ArrivedAtFacility)),
    row(
        "package_damaged",
        Some(Status::Exception),
        Some(Reason::Damaged),
    ),
    row("package_departed", None, Some(Reason::DepartedFacility)),
    row("package_forwarded", None, Some(Reason::Forwarded)),
    row("package_held", None, Some(Reason::HeldByCarrier)),
    row("package_processed", None, None),
    row("package_processing", None, None),
    row("pickup_available", Some(Status::AvailableForPickup), None),
    // The recipient has to pick a new day (action_required): the date moves.
    row(
        "reschedule_delivery",
        None,
        Some(Reason::DeliveryRescheduled),
    ),
    row("delivered", Some(Status::Delivered), None),
    row(
        "return_to_sender",
        Some(Status::ReturningToSender),
        Some(Reason::Returning),
    ),
    row(
        "package_unclaimed",
        Some(Status::ReturningToSender),
        Some(Reason::Unclaimed),
    ),
    row(
        "package_undeliverable",
        Some(Status::Exception),
        Some(Reason::Undeliverable),
    ),
    row(
        "package_disposed",
        Some(Status::Exception),
        Some(Reason::Disposed),
    ),
    row("package_lost", Some(Status::Exception), Some(Reason::Lost)),
    row("other", None, Some(Reason::Other)),
];

/// Just enough to tell the envelope from a bare Track.
#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    data: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    data: Option<Track>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Track {
    tracking_number: Option<String>,
    carrier: Option<String>,
    eta: Option<String>,
    tracking_status: Option<Entry>,
    tracking_history: Option<Vec<Entry>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Entry {
    status: Option<String>,
    substatus: Option<Substatus>,
    status_details: Option<String>,
    status_date: Option<String>,
    location: Option<Location>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Substatus {
    code: Option<String>,
    text: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Location {
    city: Option<String>,
    state: Option<String>,
    country: Option<String>,
}

pub fn parse(body: &[u8]) -> Result<ParsedWebhook, FieldError> {
    let (track, prefix) = read(body)?;
    let field = |name: &str| format!("{prefix}{name}");
    let tracking_number =
        tracking_number(track.tracking_number.as_deref(), &field("tracking_number"))?;
    let estimated_delivery = non_empty(track.eta.as_deref())
        .map(|raw| parse_date_or_datetime(&field("eta"), raw))
        .transpose()?;
    let mut unknown_codes = Vec::new();
    let mut events = Vec::new();
    for (i, entry) in track.tracking_history.iter().flatten().enumerate() {
        let at_field = field(&format!("tracking_history[{i}].status_date"));
        events.extend(entry_event(entry, &at_field, &mut unknown_codes)?);
    }
    if let Some(current) = &track.tracking_status {
        let current = entry_event(
            current,
            &field("tracking_status.status_date"),
            &mut unknown_codes,
        )?;
        add_unless_present(&mut events, current, &tracking_number);
    }
    events.sort_by_key(|e| e.occurred_at);
    Ok(ParsedWebhook {
        tracking_number,
        carrier: non_empty(track.carrier.as_deref())
            .and_then(|c| carriers::normalize(PROVIDER, c))
            .map(str::to_owned),
        estimated_delivery,
        events,
        unknown_codes,
        dropped: 0,
    })
}

/// The Track and the JSON path prefix its fields are reported under.
fn read(body: &[u8]) -> Result<(Track, &'static str), FieldError> {
    let probe: Probe = parse_json(body)?;
    if probe.event.is_none() && probe.data.is_none() {
        return Ok((parse_json(body)?, ""));
    }
    // Other Shippo events (transaction_created, ...) carry other objects under `data`.
    if let Some(event) = probe.event.filter(|e| e != "track_updated") {
        return Err(FieldError::new(
            "event",
            format!("must be track_updated, not {event}"),
        ));
    }
    let envelope: Envelope = parse_json(body)?;
    let track = envelope
        .data
        .ok_or_else(|| FieldError::new("data", "is required"))?;
    Ok((track, "data."))
}

/// The current status is usually the last history entry again: skip it when its identity
/// is already there.
fn add_unless_present(
    events: &mut Vec<TrackingEvent>,
    current: Option<TrackingEvent>,
    tracking_number: &str,
) {
    let Some(current) = current else { return };
    let id = current.event_id(tracking_number);
    // Shippo stamps the copy a few milliseconds apart from the history entry
    // (`…41.659Z` and `…41.661Z`): the same scan, within a second, is one event.
    let same_scan = |e: &TrackingEvent| {
        e.event_id(tracking_number) == id
            || ((e.occurred_at - current.occurred_at).abs() < chrono::Duration::seconds(1)
                && (e.status, e.reason) == (current.status, current.reason)
                && (&e.raw_status, &e.raw_substatus)
                    == (&current.raw_status, &current.raw_substatus)
                && (&e.description, &e.location) == (&current.description, &current.location))
    };
    if !events.iter().any(same_scan) {
        events.push(current);
    }
}

/// `None` for an undated entry: it cannot be placed on the timeline and is never given an
/// invented time.
fn entry_event(
    entry: &Entry,
    at_field: &str,
    unknown: &mut Vec<String>,
) -> Result<Option<TrackingEvent>, FieldError> {
    let location = entry.location.as_ref();
    let country = location.and_then(|l| non_empty(l.country.as_deref()));
    let state = location.and_then(|l| non_empty(l.state.as_deref()));
    let Some(raw) = non_empty(entry.status_date.as_deref()) else {
        return Ok(None);
    };
    let at = time::parse(raw, country, state).ok_or_else(|| {
        FieldError::new(
            at_field,
            "must be an ISO 8601 date-time, e.g. 2016-12-08T15:19:00Z",
        )
    })?;
    let mut event = timed_event(PROVIDER.as_str(), at);
    let substatus = entry.substatus.as_ref();
    event.description = non_empty(entry.status_details.as_deref())
        .or_else(|| substatus.and_then(|s| non_empty(s.text.as_deref())))
        .unwrap_or_default()
        .to_owned();
    event.location = location
        .and_then(|l| location_text([l.city.as_deref(), l.state.as_deref(), l.country.as_deref()]));
    let sub = substatus.and_then(|s| non_empty(s.code.as_deref()));
    let top = non_empty(entry.status.as_deref());
    set_codes(
        &mut event,
        (SHIPPO_STATUS, top),
        (SHIPPO_SUBSTATUS, sub),
        unknown,
    );
    Ok(Some(event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimeBasis;
    use crate::providers::common::test_support::{
        Fixtures, assert_every_pair_maps_as_declared, assert_table_is_the_documented_list,
        assert_top_rows_map_as_declared, body, newest_statuses, statuses, utc,
    };
    use chrono::NaiveDate;

    const FIXTURES: Fixtures = Fixtures(PROVIDER);

    /// Every status and substatus code Shippo documents (PROVIDERS.md), spelled as there.
    const DOCUMENTED_STATUS: &[&str] = &[
        "UNKNOWN",
        "PRE_TRANSIT",
        "TRANSIT",
        "DELIVERED",
        "RETURNED",
        "FAILURE",
    ];
    const DOCUMENTED_SUBSTATUS: &[&str] = &[
        "information_received",
        "address_issue",
        "contact_carrier",
        "delayed",
        "delivery_attempted",
        "delivery_rescheduled",
        "delivery_scheduled",
        "location_inaccessible",
        "notice_left",
        "out_for_delivery",
        "package_accepted",
        "package_arrived",
        "package_damaged",
        "package_departed",
        "package_forwarded",
        "package_held",
        "package_processed",
        "package_processing",
        "pickup_available",
        "reschedule_delivery",
        "delivered",
        "return_to_sender",
        "package_unclaimed",
        "package_undeliverable",
        "package_disposed",
        "package_lost",
        "other",
    ];

    #[test]
    fn every_documented_code_is_in_the_tables_and_nothing_else() {
        assert_table_is_the_documented_list(DOCUMENTED_STATUS, SHIPPO_STATUS);
        assert_table_is_the_documented_list(DOCUMENTED_SUBSTATUS, SHIPPO_SUBSTATUS);
    }

    #[test]
    fn every_row_maps_as_declared() {
        assert_top_rows_map_as_declared(SHIPPO_STATUS, SHIPPO_SUBSTATUS);
        assert_every_pair_maps_as_declared(SHIPPO_STATUS, SHIPPO_SUBSTATUS);
    }

    #[test]
    fn first_scan_does_not_duplicate_the_current_status() {
        let p = FIXTURES.parsed("first_scan");
        assert_eq!(p.tracking_number, "9434650899562012345670");
        assert_eq!(p.carrier.as_deref(), Some("usps"));
        assert_eq!(
            statuses(&p),
            [
                (Status::InfoReceived, Some(Reason::LabelCreated)),
                (Status::InTransit, Some(Reason::PickedUp)),
            ]
        );
        let scan = &p.events[1];
        assert_eq!(scan.occurred_at, utc(2025, 9, 15, 21, 7, 0));
        assert_eq!(scan.time_basis, TimeBasis::Instant);
        assert_eq!(scan.location.as_deref(), Some("Columbus, OH, US"));
        assert_eq!(
            scan.description,
            "Your item was accepted at the Post Office."
        );
        assert_eq!(scan.raw_status.as_deref(), Some("TRANSIT"));
        assert_eq!(scan.raw_substatus.as_deref(), Some("package_accepted"));
        assert_eq!(scan.provider, "shippo");
        assert_eq!(p.estimated_delivery, NaiveDate::from_ymd_opt(2025, 9, 18));
        assert!(p.unknown_codes.is_empty());
    }

    #[test]
    fn shippos_own_test_numbers_are_accepted_as_sent() {
        for number in [
            "SHIPPO_TRANSIT",
            "SHIPPO_DELIVERED",
            "SHIPPO_FAILURE",
            "shippo_returned",
        ] {
            let mut doc = FIXTURES.json("first_scan");
            doc["data"]["tracking_number"] = number.into();
            let p = parse(&body(&doc)).unwrap();
            assert_eq!(p.tracking_number, number.to_ascii_uppercase());
        }
    }

    #[test]
    fn the_current_status_stamped_milliseconds_apart_is_the_same_scan() {
        let mut doc = FIXTURES.json("first_scan");
        let history = doc["data"]["tracking_history"].as_array().unwrap().clone();
        let newest = history.last().unwrap().clone();
        let mut current = newest.clone();
        let date = newest["status_date"].as_str().unwrap();
        let at =
            chrono::DateTime::parse_from_rfc3339(date).unwrap() + chrono::Duration::milliseconds(2);
        current["status_date"] = at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            .into();
        doc["data"]["tracking_status"] = current.clone();
        let p = parse(&body(&doc)).unwrap();
        assert_eq!(p.events.len(), history.len(), "{:#?}", p.events);

        // A different scan at nearly the same time stays.
        current["status_details"] = "Arrived at the Post Office".into();
        doc["data"]["tracking_status"] = current;
        let p = parse(&body(&doc)).unwrap();
        assert_eq!(p.events.len(), history.len() + 1);
    }

    #[test]
    fn out_for_delivery() {
        let p = FIXTURES.parsed("out_for_delivery");
        let last = p.events.last().unwrap();
        assert_eq!(last.status, Status::OutForDelivery);
        assert_eq!(last.occurred_at, utc(2025, 9, 18, 12, 36, 0));
        assert_eq!(last.location.as_deref(), Some("Ann Arbor, MI, US"));
    }

    #[test]
    fn delivered() {
        let p = FIXTURES.parsed("delivered");
        let last = p.events.last().unwrap();
        assert_eq!((last.status, last.reason), (Status::Delivered, None));
        assert_eq!(last.occurred_at, utc(2025, 9, 18, 18, 2, 0));
        assert_eq!(
            last.description,
            "Your item was delivered in or at the mailbox at 2:02 pm on September 18, 2025 in ANN ARBOR, MI 48104."
        );
        assert_eq!(last.signed_by, None, "Shippo sends no signature");
    }

    #[test]
    fn attempt_failed() {
        let p = FIXTURES.parsed("attempt_failed");
        assert_eq!(
            newest_statuses(&p, 2),
            [
                (Status::AttemptFailed, Some(Reason::NoticeLeft)),
                (Status::AttemptFailed, Some(Reason::RecipientUnavailable)),
            ]
        );
        assert_eq!(p.carrier.as_deref(), Some("ups"));
    }

    #[test]
    fn exception() {
        let p = FIXTURES.parsed("exception");
        assert_eq!(
            newest_statuses(&p, 2),
            [
                (Status::Exception, Some(Reason::AddressIssue)),
                (Status::InTransit, Some(Reason::CarrierDelay)),
            ]
        );
    }

    #[test]
    fn return_and_unclaimed() {
        let p = FIXTURES.parsed("return");
        assert_eq!(
            newest_statuses(&p, 3),
            [
                (Status::ReturningToSender, Some(Reason::Returning)),
                (Status::ReturningToSender, Some(Reason::Unclaimed)),
                (Status::AvailableForPickup, None),
            ]
        );
    }

    #[test]
    fn history_is_oldest_first_and_complete() {
        let p = FIXTURES.parsed("history");
        assert!(p.events.len() >= 15, "{}", p.events.len());
        assert!(
            p.events
                .windows(2)
                .all(|w| w[0].occurred_at <= w[1].occurred_at)
        );
        assert_eq!(p.events[0].status, Status::InfoReceived);
        assert_eq!(p.events.last().unwrap().status, Status::Delivered);
        assert_eq!(p.carrier.as_deref(), Some("fedex"));
        assert_eq!(p.estimated_delivery, NaiveDate::from_ymd_opt(2025, 10, 24));
        assert!(p.unknown_codes.is_empty());
    }

    #[test]
    fn a_current_status_that_differs_from_the_history_is_kept() {
        let mut doc = FIXTURES.json("out_for_delivery");
        doc["data"]["tracking_status"]["status_details"] =
            serde_json::json!("Out for delivery, expected by 8:00 pm");
        let history = doc["data"]["tracking_history"].as_array().unwrap().len();
        assert_eq!(FIXTURES.reparse(&doc).events.len(), history + 1);
        assert_eq!(FIXTURES.parsed("out_for_delivery").events.len(), history);
    }

    #[test]
    fn a_bare_track_is_accepted() {
        let data = FIXTURES.json("delivered")["data"].clone();
        assert_eq!(FIXTURES.reparse(&data), FIXTURES.parsed("delivered"));
        let mut missing = data;
        missing["tracking_number"] = serde_json::json!("");
        let err = parse(&body(&missing)).unwrap_err();
        assert_eq!(err.field, "tracking_number");
    }

    #[test]
    fn entries_without_a_substatus_map_by_status_alone() {
        let mut doc = FIXTURES.json("first_scan");
        doc["data"]["tracking_history"][1]["substatus"] = serde_json::Value::Null;
        doc["data"]["tracking_status"]["substatus"] = serde_json::Value::Null;
        let p = FIXTURES.reparse(&doc);
        assert_eq!(p.events.len(), 2);
        assert_eq!(
            (p.events[1].status, p.events[1].reason),
            (Status::InTransit, None)
        );
        assert_eq!(p.events[1].raw_substatus, None);
    }

    #[test]
    fn offsetless_times_are_local_to_the_scan_never_utc() {
        let mut doc = FIXTURES.json("first_scan");
        doc["data"]["tracking_history"][0]["status_date"] =
            serde_json::json!("2025-09-15T11:00:00");
        doc["data"]["tracking_history"][0]["location"] =
            serde_json::json!({"city": "Fresno", "state": "CA", "zip": "93721", "country": "US"});
        doc["data"]["tracking_history"][1]["status_date"] =
            serde_json::json!("2025-09-15T17:07:00");
        doc["data"]["tracking_history"][1]["location"]["state"] = serde_json::Value::Null;
        let p = FIXTURES.reparse(&doc);
        let fresno = p
            .events
            .iter()
            .find(|e| e.raw_status.as_deref() == Some("PRE_TRANSIT"))
            .unwrap();
        assert_eq!(fresno.time_basis, TimeBasis::LocalResolved);
        assert_eq!(fresno.occurred_at, utc(2025, 9, 15, 18, 0, 0), "PDT");
        let unknown_zone = p
            .events
            .iter()
            .find(|e| e.time_basis == TimeBasis::LocalUnresolved)
            .unwrap();
        assert_eq!(
            unknown_zone.local_time,
            NaiveDate::from_ymd_opt(2025, 9, 15)
                .unwrap()
                .and_hms_opt(17, 7, 0)
        );
    }

    #[test]
    fn undated_entries_are_skipped_but_bad_dates_are_named() {
        let mut doc = FIXTURES.json("first_scan");
        doc["data"]["tracking_history"][0]["status_date"] = serde_json::Value::Null;
        assert_eq!(FIXTURES.reparse(&doc).events.len(), 1);
        doc["data"]["tracking_history"][1]["status_date"] = serde_json::json!("15/09/2025");
        let err = parse(&body(&doc)).unwrap_err();
        assert_eq!(err.field, "data.tracking_history[1].status_date");
    }

    #[test]
    fn missing_tracking_number_and_wrong_types_name_the_path() {
        let cases: [(&[u8], &str); 7] = [
            (b"{", ""),
            (br#"{"event":"track_updated","test":false,"data":{"carrier":"usps"}}"#, "data.tracking_number"),
            (br#"{"event":"track_updated","data":{"tracking_number":null}}"#, "data.tracking_number"),
            (br#"{"event":"track_updated"}"#, "data"),
            (br#"{"event":"transaction_created","data":{}}"#, "event"),
            (
                br#"{"event":"track_updated","data":{"tracking_number":"9400100000000000000000","tracking_history":[{"substatus":{"code":7}}]}}"#,
                "data.tracking_history[0].substatus.code",
            ),
            (
                br#"{"event":"track_updated","data":{"tracking_number":"9400100000000000000000","tracking_status":"DELIVERED"}}"#,
                "data.tracking_status",
            ),
        ];
        FIXTURES.assert_rejected_at(cases);
    }

    #[test]
    fn unknown_extra_fields_are_ignored() {
        let mut doc = FIXTURES.json("delivered");
        doc["webhook_version"] = serde_json::json!("2025-01");
        doc["data"]["tracking_history"][0]["new_thing"] = serde_json::json!([1, 2, 3]);
        assert_eq!(FIXTURES.reparse(&doc), FIXTURES.parsed("delivered"));
    }

    #[test]
    fn unknown_codes_are_stored_and_reported() {
        let mut doc = FIXTURES.json("first_scan");
        doc["data"]["tracking_history"][1]["substatus"]["code"] =
            serde_json::json!("drone_dispatched");
        doc["data"]["tracking_history"][0]["status"] = serde_json::json!("LIMBO");
        let p = FIXTURES.reparse(&doc);
        assert!(p.unknown_codes.contains(&"LIMBO".to_owned()));
        assert!(p.unknown_codes.contains(&"drone_dispatched".to_owned()));
        let limbo = &p.events[0];
        assert_eq!(limbo.raw_status.as_deref(), Some("LIMBO"));
        assert_eq!(limbo.status, Status::Pending);
        let drone = p
            .events
            .iter()
            .find(|e| e.raw_substatus.as_deref() == Some("drone_dispatched"))
            .unwrap();
        assert_eq!(
            (drone.status, drone.reason),
            (Status::InTransit, Some(Reason::UnknownCode))
        );
    }
}
