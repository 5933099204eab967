//! EasyPost `tracker.updated` webhooks: an Event `{id, object: "Event", description, result}`
//! whose `result` is the whole Tracker, history included. Every update re-sends the whole
//! history and delivery is at least once, so a re-sent scan must come out identical (its
//! [`TrackingEvent::event_id`] then dedups it in the store). A bare Tracker
//! (`object: "Tracker"`) is accepted too.
//!
//! `datetime` is UTC (`Z`): kept as an instant. `status` is the top-level code,
//! `status_detail` the sub-status; both are mapped with [`EASYPOST_STATUS`] and
//! [`EASYPOST_SUBSTATUS`].

use super::common::{location_text, non_empty, set_codes, text, timed_event, tracking_number};
use super::parsed::{ParsedWebhook, Provider, StatusRow, row};
use super::{carriers, time};
use crate::model::TrackingEvent;
use crate::reason::Reason;
use crate::status::Status;
use crate::validate::{FieldError, parse_date_or_datetime, parse_json};
use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::IgnoredAny;

const PROVIDER: Provider = Provider::EasyPost;

/// Tracker / TrackingDetail `status`.
pub const EASYPOST_STATUS: &[StatusRow] = &[
    // "unknown" is EasyPost's "nothing from the carrier yet".
    row("unknown", Some(Status::Pending), None),
    row("pre_transit", Some(Status::InfoReceived), None),
    row("in_transit", Some(Status::InTransit), None),
    row("out_for_delivery", Some(Status::OutForDelivery), None),
    row("delivered", Some(Status::Delivered), None),
    row(
        "available_for_pickup",
        Some(Status::AvailableForPickup),
        None,
    ),
    // On its way back; EasyPost has no separate "arrived back" status.
    row(
        "return_to_sender",
        Some(Status::ReturningToSender),
        Some(Reason::Returning),
    ),
    row("failure", Some(Status::Exception), None),
    row(
        "cancelled",
        Some(Status::Cancelled),
        Some(Reason::Cancelled),
    ),
    // EasyPost could not track (bad number, carrier outage): says nothing about the parcel.
    row("error", Some(Status::Pending), None),
];

/// `status_detail`. `None` keeps the top-level status; a status is set only where the
/// detail alone decides it (a refused parcel is an exception whatever the top level says).
pub const EASYPOST_SUBSTATUS: &[StatusRow] = &[
    row("address_correction", None, Some(Reason::AddressCorrected)),
    // Sent with in_transit (destination facility) and with delivered (the door) alike.
    row("arrived_at_destination", None, None),
    row("arrived_at_facility", None, Some(Reason::ArrivedAtFacility)),
    row(
        "arrived_at_pickup_location",
        Some(Status::AvailableForPickup),
        None,
    ),
    // The carrier waits for paperwork or data from the shipper.
    row("awaiting_information", None, Some(Reason::MissingDocuments)),
    row(
        "cancelled",
        Some(Status::Cancelled),
        Some(Reason::Cancelled),
    ),
    row("damaged", Some(Status::Exception), Some(Reason::Damaged)),
    row("delayed", None, Some(Reason::CarrierDelay)),
    // Carriers report "no one home / business closed / no access" this way: an attempt.
    row("delivery_exception", Some(Status::AttemptFailed), None),
    row("departed_facility", None, Some(Reason::DepartedFacility)),
    row(
        "departed_origin_facility",
        None,
        Some(Reason::DepartedFacility),
    ),
    row("expired", Some(Status::Expired), Some(Reason::Expired)),
    row("failure", Some(Status::Exception), None),
    row("held", None, Some(Reason::HeldByCarrier)),
    row("in_transit", None, None),
    row("label_created", None, Some(Reason::LabelCreated)),
    row("lost", Some(Status::Exception), Some(Reason::Lost)),
    row("missorted", None, Some(Reason::Missorted)),
    row("out_for_delivery", Some(Status::OutForDelivery), None),
    row(
        "received_at_destination_facility",
        None,
        Some(Reason::ArrivedAtFacility),
    ),
    // The carrier has it at origin: the first physical scan.
    row(
        "received_at_origin_facility",
        Some(Status::InTransit),
        Some(Reason::PickedUp),
    ),
    row("refused", Some(Status::Exception), Some(Reason::Refused)),
    row(
        "return",
        Some(Status::ReturningToSender),
        Some(Reason::Returning),
    ),
    row("status_update", None, None),
    row(
        "transferred_to_destination_carrier",
        None,
        Some(Reason::HandedToOtherCarrier),
    ),
    row("transit_exception", Some(Status::Exception), None),
    row("unknown", None, None),
    // A delay, not a stop: the parcel keeps its top-level status.
    row("weather_delay", None, Some(Reason::WeatherDelay)),
];

/// Just enough to tell an Event envelope from a bare Tracker.
#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    object: Option<String>,
    #[serde(default)]
    result: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct Event {
    #[serde(default)]
    result: Option<Tracker>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Tracker {
    tracking_code: Option<String>,
    carrier: Option<String>,
    status: Option<String>,
    status_detail: Option<String>,
    updated_at: Option<String>,
    est_delivery_date: Option<String>,
    signed_by: Option<String>,
    carrier_detail: Option<CarrierDetail>,
    tracking_details: Option<Vec<Detail>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CarrierDetail {
    est_delivery_date_local: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Detail {
    message: Option<String>,
    description: Option<String>,
    status: Option<String>,
    status_detail: Option<String>,
    datetime: Option<String>,
    tracking_location: Option<Location>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Location {
    city: Option<String>,
    state: Option<String>,
    country: Option<String>,
}

pub fn parse(body: &[u8]) -> Result<ParsedWebhook, FieldError> {
    let (tracker, prefix) = read(body)?;
    let field = |name: &str| format!("{prefix}{name}");
    let tracking_number =
        tracking_number(tracker.tracking_code.as_deref(), &field("tracking_code"))?;
    let estimated_delivery = estimated_delivery(&tracker, &field)?;
    let mut unknown_codes = Vec::new();
    let mut events = history(&tracker, &field, &mut unknown_codes)?;
    if events.is_empty() {
        events.extend(tracker_event(&tracker, &field, &mut unknown_codes)?);
    }
    sign_deliveries(&mut events, tracker.signed_by.as_deref());
    Ok(ParsedWebhook {
        tracking_number,
        carrier: non_empty(tracker.carrier.as_deref())
            .and_then(|c| carriers::normalize(PROVIDER, c))
            .map(str::to_owned),
        estimated_delivery,
        events,
        unknown_codes,
        dropped: 0,
    })
}

/// The Tracker and the JSON path prefix its fields are reported under.
fn read(body: &[u8]) -> Result<(Tracker, &'static str), FieldError> {
    let probe: Probe = parse_json(body)?;
    let is_event = probe.object.as_deref() == Some("Event") || probe.result.is_some();
    if !is_event {
        return Ok((parse_json(body)?, ""));
    }
    let event: Event = parse_json(body)?;
    let tracker = event
        .result
        .ok_or_else(|| FieldError::new("result", "is required"))?;
    Ok((tracker, "result."))
}

/// The carrier-local date when EasyPost has it: `est_delivery_date` is that date at midnight
/// UTC for some carriers and a real UTC instant (possibly the next day) for others.
fn estimated_delivery(
    tracker: &Tracker,
    field: &dyn Fn(&str) -> String,
) -> Result<Option<NaiveDate>, FieldError> {
    let local = tracker
        .carrier_detail
        .as_ref()
        .and_then(|d| non_empty(d.est_delivery_date_local.as_deref()));
    let (name, raw) = match local {
        Some(raw) => ("carrier_detail.est_delivery_date_local", Some(raw)),
        None => (
            "est_delivery_date",
            non_empty(tracker.est_delivery_date.as_deref()),
        ),
    };
    raw.map(|raw| parse_date_or_datetime(&field(name), raw))
        .transpose()
}

/// Every dated detail, oldest first. An undated detail cannot be placed on the timeline and
/// is skipped (never given an invented time). Dated events win: the tracker-level status
/// only fills in the latest scan when that scan has no status of its own.
fn history(
    tracker: &Tracker,
    field: &dyn Fn(&str) -> String,
    unknown: &mut Vec<String>,
) -> Result<Vec<TrackingEvent>, FieldError> {
    let details = tracker.tracking_details.as_deref().unwrap_or_default();
    let mut events = Vec::with_capacity(details.len());
    for (i, detail) in details.iter().enumerate() {
        let at_field = field(&format!("tracking_details[{i}].datetime"));
        if let Some(event) = detail_event(detail, &at_field, unknown)? {
            events.push(event);
        }
    }
    events.sort_by_key(|e| e.occurred_at);
    if let Some(latest) = events.last_mut().filter(|e| e.raw_status.is_none()) {
        let own_sub = latest.raw_substatus.clone();
        let sub = own_sub.as_deref().or_else(|| text(&tracker.status_detail));
        set_easypost_codes(latest, text(&tracker.status), sub, unknown);
    }
    Ok(events)
}

fn detail_event(
    detail: &Detail,
    at_field: &str,
    unknown: &mut Vec<String>,
) -> Result<Option<TrackingEvent>, FieldError> {
    let location = detail.tracking_location.as_ref();
    let country = location.and_then(|l| non_empty(l.country.as_deref()));
    let state = location.and_then(|l| non_empty(l.state.as_deref()));
    let Some(at) = event_time(detail.datetime.as_deref(), country, state, at_field)? else {
        return Ok(None);
    };
    let mut event = timed_event(PROVIDER.as_str(), at);
    event.description = non_empty(detail.message.as_deref())
        .or(non_empty(detail.description.as_deref()))
        .unwrap_or_default()
        .to_owned();
    event.location = location
        .and_then(|l| location_text([l.city.as_deref(), l.state.as_deref(), l.country.as_deref()]));
    set_easypost_codes(
        &mut event,
        text(&detail.status),
        text(&detail.status_detail),
        unknown,
    );
    Ok(Some(event))
}

/// No dated history at all: one event from the tracker's own status at `updated_at`.
fn tracker_event(
    tracker: &Tracker,
    field: &dyn Fn(&str) -> String,
    unknown: &mut Vec<String>,
) -> Result<Option<TrackingEvent>, FieldError> {
    let at = event_time(
        tracker.updated_at.as_deref(),
        None,
        None,
        &field("updated_at"),
    )?;
    Ok(at.map(|at| {
        let mut event = timed_event(PROVIDER.as_str(), at);
        set_easypost_codes(
            &mut event,
            text(&tracker.status),
            text(&tracker.status_detail),
            unknown,
        );
        event
    }))
}

/// `None` when absent; an error naming the field when present but not a date-time.
fn event_time(
    raw: Option<&str>,
    country: Option<&str>,
    state: Option<&str>,
    field: &str,
) -> Result<Option<time::EventTime>, FieldError> {
    non_empty(raw)
        .map(|raw| {
            time::parse(raw, country, state).ok_or_else(|| {
                FieldError::new(
                    field,
                    "must be an ISO 8601 date-time, e.g. 2024-08-02T18:50:00Z",
                )
            })
        })
        .transpose()
}

/// Maps with [`EASYPOST_STATUS`] and [`EASYPOST_SUBSTATUS`] (see [`set_codes`]).
fn set_easypost_codes(
    event: &mut TrackingEvent,
    top: Option<&str>,
    sub: Option<&str>,
    unknown: &mut Vec<String>,
) {
    set_codes(
        event,
        (EASYPOST_STATUS, top),
        (EASYPOST_SUBSTATUS, sub),
        unknown,
    );
}

/// `signed_by` is tracker-level; it belongs to the delivery scan(s).
fn sign_deliveries(events: &mut [TrackingEvent], signed_by: Option<&str>) {
    let Some(name) = non_empty(signed_by) else {
        return;
    };
    for event in events.iter_mut().filter(|e| e.status == Status::Delivered) {
        event.signed_by = Some(name.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimeBasis;
    use crate::providers::common::test_support::{
        Fixtures, assert_every_pair_maps_as_declared, assert_table_is_the_documented_list,
        assert_top_rows_map_as_declared, body, newest_statuses, statuses, utc,
    };

    const FIXTURES: Fixtures = Fixtures(PROVIDER);

    /// Every status and status_detail EasyPost documents (PROVIDERS.md), spelled as there.
    const DOCUMENTED_STATUS: &[&str] = &[
        "unknown",
        "pre_transit",
        "in_transit",
        "out_for_delivery",
        "delivered",
        "available_for_pickup",
        "return_to_sender",
        "failure",
        "cancelled",
        "error",
    ];
    const DOCUMENTED_SUBSTATUS: &[&str] = &[
        "address_correction",
        "arrived_at_destination",
        "arrived_at_facility",
        "arrived_at_pickup_location",
        "awaiting_information",
        "cancelled",
        "damaged",
        "delayed",
        "delivery_exception",
        "departed_facility",
        "departed_origin_facility",
        "expired",
        "failure",
        "held",
        "in_transit",
        "label_created",
        "lost",
        "missorted",
        "out_for_delivery",
        "received_at_destination_facility",
        "received_at_origin_facility",
        "refused",
        "return",
        "status_update",
        "transferred_to_destination_carrier",
        "transit_exception",
        "unknown",
        "weather_delay",
    ];

    #[test]
    fn every_documented_code_is_in_the_tables_and_nothing_else() {
        assert_table_is_the_documented_list(DOCUMENTED_STATUS, EASYPOST_STATUS);
        assert_table_is_the_documented_list(DOCUMENTED_SUBSTATUS, EASYPOST_SUBSTATUS);
    }

    #[test]
    fn every_row_maps_as_declared() {
        assert_top_rows_map_as_declared(EASYPOST_STATUS, EASYPOST_SUBSTATUS);
        assert_every_pair_maps_as_declared(EASYPOST_STATUS, EASYPOST_SUBSTATUS);
    }

    #[test]
    fn first_scan() {
        let p = FIXTURES.parsed("first_scan");
        assert_eq!(p.tracking_number, "9400111202555842761023");
        assert_eq!(p.carrier.as_deref(), Some("usps"));
        assert_eq!(
            statuses(&p),
            [
                (Status::InfoReceived, Some(Reason::LabelCreated)),
                (Status::InTransit, Some(Reason::PickedUp)),
            ]
        );
        let scan = &p.events[1];
        assert_eq!(scan.occurred_at, utc(2025, 3, 10, 22, 41, 0));
        assert_eq!(scan.time_basis, TimeBasis::Instant);
        assert_eq!(scan.location.as_deref(), Some("PORTLAND, OR, US"));
        assert_eq!(scan.description, "Accepted at USPS Origin Facility");
        assert_eq!(scan.provider, "easypost");
        assert_eq!(scan.raw_status.as_deref(), Some("in_transit"));
        assert_eq!(
            scan.raw_substatus.as_deref(),
            Some("received_at_origin_facility")
        );
        // Label data carries only a country and a zip: the text is what is known.
        assert_eq!(p.events[0].location.as_deref(), Some("US"));
        assert_eq!(p.estimated_delivery, NaiveDate::from_ymd_opt(2025, 3, 14));
        assert!(p.unknown_codes.is_empty());
    }

    #[test]
    fn out_for_delivery() {
        let p = FIXTURES.parsed("out_for_delivery");
        assert_eq!(p.carrier.as_deref(), Some("ups"));
        let last = p.events.last().unwrap();
        assert_eq!(last.status, Status::OutForDelivery);
        assert_eq!(last.occurred_at, utc(2025, 6, 3, 12, 58, 0));
        assert_eq!(last.location.as_deref(), Some("AURORA, CO, US"));
        assert_eq!(p.estimated_delivery, NaiveDate::from_ymd_opt(2025, 6, 3));
    }

    #[test]
    fn delivered_is_signed_and_only_the_delivery_carries_the_name() {
        let p = FIXTURES.parsed("delivered");
        let last = p.events.last().unwrap();
        assert_eq!(last.status, Status::Delivered);
        assert_eq!(last.signed_by.as_deref(), Some("R.OKAFOR"));
        assert_eq!(last.occurred_at, utc(2025, 6, 3, 19, 12, 0));
        assert!(
            p.events[..p.events.len() - 1]
                .iter()
                .all(|e| e.signed_by.is_none())
        );
    }

    #[test]
    fn attempt_failed() {
        let p = FIXTURES.parsed("attempt_failed");
        let last = p.events.last().unwrap();
        assert_eq!(last.status, Status::AttemptFailed);
        assert_eq!(last.raw_status.as_deref(), Some("failure"));
        assert_eq!(last.raw_substatus.as_deref(), Some("delivery_exception"));
        assert_eq!(last.location.as_deref(), Some("SAVANNAH, GA, US"));
        assert_eq!(p.carrier.as_deref(), Some("fedex"));
    }

    #[test]
    fn exception_keeps_weather_delay_on_its_transit_status() {
        let p = FIXTURES.parsed("exception");
        assert_eq!(
            newest_statuses(&p, 2),
            [
                (Status::Exception, Some(Reason::Damaged)),
                (Status::InTransit, Some(Reason::WeatherDelay)),
            ]
        );
    }

    #[test]
    fn return_goes_refused_then_returning() {
        let p = FIXTURES.parsed("return");
        assert_eq!(
            newest_statuses(&p, 2),
            [
                (Status::ReturningToSender, Some(Reason::Returning)),
                (Status::Exception, Some(Reason::Refused)),
            ]
        );
    }

    #[test]
    fn history_is_oldest_first_and_prefers_the_carrier_local_eta() {
        let p = FIXTURES.parsed("history");
        assert!(p.events.len() >= 15, "{}", p.events.len());
        assert!(
            p.events
                .windows(2)
                .all(|w| w[0].occurred_at <= w[1].occurred_at)
        );
        assert_eq!(p.events[0].status, Status::InfoReceived);
        assert_eq!(p.events.last().unwrap().status, Status::Delivered);
        assert_eq!(
            p.events.last().unwrap().signed_by.as_deref(),
            Some("M GARCIA")
        );
        // est_delivery_date is 2025-03-14T03:00:00Z; the carrier's local date is the 13th.
        assert_eq!(p.estimated_delivery, NaiveDate::from_ymd_opt(2025, 3, 13));
        assert!(p.unknown_codes.is_empty());
    }

    #[test]
    fn a_resent_history_produces_the_same_event_ids() {
        let a = FIXTURES.parsed("out_for_delivery");
        let b = FIXTURES.parsed("delivered");
        let ids = |p: &ParsedWebhook| -> Vec<String> {
            p.events
                .iter()
                .map(|e| e.event_id(&p.tracking_number))
                .collect()
        };
        let (a, b) = (ids(&a), ids(&b));
        assert_eq!(a[..], b[..a.len()]);
    }

    #[test]
    fn a_bare_tracker_is_accepted_and_names_fields_without_the_prefix() {
        let tracker = FIXTURES.json("delivered")["result"].clone();
        let bare = FIXTURES.reparse(&tracker);
        assert_eq!(bare, FIXTURES.parsed("delivered"));
        let mut missing = tracker;
        missing["tracking_code"] = serde_json::Value::Null;
        let err = parse(&body(&missing)).unwrap_err();
        assert_eq!(err.field, "tracking_code");
    }

    #[test]
    fn no_history_makes_one_event_from_the_tracker_status() {
        let mut doc = FIXTURES.json("first_scan");
        doc["result"]["tracking_details"] = serde_json::json!([]);
        let p = FIXTURES.reparse(&doc);
        assert_eq!(p.events.len(), 1);
        let e = &p.events[0];
        assert_eq!(e.occurred_at, utc(2025, 3, 10, 22, 44, 7));
        assert_eq!(
            (e.status, e.reason),
            (Status::InTransit, Some(Reason::PickedUp))
        );
    }

    #[test]
    fn the_latest_scan_without_a_status_takes_the_trackers() {
        let mut doc = FIXTURES.json("out_for_delivery");
        let details = doc["result"]["tracking_details"].as_array_mut().unwrap();
        let last = details.last_mut().unwrap();
        last["status"] = serde_json::Value::Null;
        last["status_detail"] = serde_json::Value::Null;
        let p = FIXTURES.reparse(&doc);
        let last = p.events.last().unwrap();
        assert_eq!(last.status, Status::OutForDelivery);
        assert_eq!(last.raw_status.as_deref(), Some("out_for_delivery"));
    }

    #[test]
    fn undated_details_are_skipped_but_bad_dates_are_named() {
        let mut doc = FIXTURES.json("first_scan");
        doc["result"]["tracking_details"][0]["datetime"] = serde_json::Value::Null;
        let p = FIXTURES.reparse(&doc);
        assert_eq!(p.events.len(), 1);
        doc["result"]["tracking_details"][1]["datetime"] = serde_json::json!("yesterday");
        let err = parse(&body(&doc)).unwrap_err();
        assert_eq!(err.field, "result.tracking_details[1].datetime");
    }

    #[test]
    fn offsetless_times_are_local_to_the_scan_never_utc() {
        let local = NaiveDate::from_ymd_opt(2025, 3, 10)
            .unwrap()
            .and_hms_opt(15, 41, 0)
            .unwrap();
        let mut doc = FIXTURES.json("first_scan");
        let detail = &mut doc["result"]["tracking_details"][1];
        detail["datetime"] = serde_json::json!("2025-03-10T15:41:00");
        detail["tracking_location"]["state"] = serde_json::json!("CA");
        let p = FIXTURES.reparse(&doc);
        let scan = &p.events[1];
        assert_eq!(scan.time_basis, TimeBasis::LocalResolved);
        assert_eq!(scan.occurred_at, utc(2025, 3, 10, 22, 41, 0), "PDT");
        assert_eq!(scan.local_time, Some(local));

        doc["result"]["tracking_details"][1]["tracking_location"]["country"] =
            serde_json::json!("XX");
        let p = FIXTURES.reparse(&doc);
        // Read as UTC for ordering only, so it now sorts before the 17:05Z label scan.
        let scan = &p.events[0];
        assert_eq!(scan.time_basis, TimeBasis::LocalUnresolved);
        assert_eq!(scan.local_time, Some(local));
    }

    #[test]
    fn missing_tracking_number_and_wrong_types_name_the_path() {
        let cases: [(&[u8], &str); 6] = [
            (b"[", ""),
            (br#"{"object":"Event","result":{"status":"delivered"}}"#, "result.tracking_code"),
            (br#"{"object":"Event","result":{"tracking_code":"  "}}"#, "result.tracking_code"),
            (br#"{"object":"Event"}"#, "result"),
            (
                br#"{"object":"Event","result":{"tracking_code":"EZ1000000001","tracking_details":[{"datetime":5}]}}"#,
                "result.tracking_details[0].datetime",
            ),
            (
                br#"{"object":"Event","result":{"tracking_code":"EZ1000000001","tracking_details":{}}}"#,
                "result.tracking_details",
            ),
        ];
        FIXTURES.assert_rejected_at(cases);
    }

    #[test]
    fn unknown_extra_fields_are_ignored() {
        let mut doc = FIXTURES.json("delivered");
        doc["brand_new_field"] = serde_json::json!({"nested": [1, 2]});
        doc["result"]["tracking_details"][0]["future"] = serde_json::json!(true);
        let p = FIXTURES.reparse(&doc);
        assert_eq!(p, FIXTURES.parsed("delivered"));
    }

    #[test]
    fn unknown_codes_are_stored_and_reported() {
        let mut doc = FIXTURES.json("first_scan");
        doc["result"]["tracking_details"][1]["status_detail"] = serde_json::json!("teleported");
        doc["result"]["tracking_details"][0]["status"] = serde_json::json!("in_orbit");
        let p = FIXTURES.reparse(&doc);
        assert_eq!(p.unknown_codes, ["in_orbit", "teleported"]);
        let orbit = &p.events[0];
        // An unknown top-level code maps to pending; the known detail still adds its reason.
        assert_eq!(
            (orbit.status, orbit.reason),
            (Status::Pending, Some(Reason::LabelCreated))
        );
        assert_eq!(orbit.raw_status.as_deref(), Some("in_orbit"));
        let teleported = &p.events[1];
        assert_eq!(
            (teleported.status, teleported.reason),
            (Status::InTransit, Some(Reason::UnknownCode))
        );
        assert_eq!(teleported.raw_substatus.as_deref(), Some("teleported"));
    }
}
