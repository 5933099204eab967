//! UPS Track Alert webhooks: one flat event per call, no history ever re-sent (a re-sent
//! alert is the same event again and dedups in the store by its identity).
//!
//! ```json
//! {"trackingNumber": "1Z...", "localActivityDate": "20240423", "localActivityTime": "091519",
//!  "gmtActivityDate": "20240423", "gmtActivityTime": "131519",
//!  "activityLocation": {"city": "...", "stateProvince": "NC", "postalCode": "", "country": "US"},
//!  "activityStatus": {"type": "I", "code": "OT", "description": "Out for Delivery", "descriptionCode": "021"},
//!  "scheduledDeliveryDate": "20240423", "actualDeliveryDate": "", "actualDeliveryTime": "", "receivedBy": ""}
//! ```
//! UPS sends empty strings for fields without a value; they count as absent.
//!
//! Time: the GMT pair is the instant; the local pair is kept as the wall time. Without the
//! GMT pair the local time is resolved with the location's zone, or kept flagged as local
//! when the zone is unknown: never read as UTC.
//!
//! Codes: `activityStatus.type` maps with [`UPS_STATUS`], `activityStatus.code` with
//! [`UPS_SUBSTATUS`] (only codes confirmed in UPS's published examples or real payloads).
//! UPS has hundreds of codes; when one is not in that table, `descriptionCode` (UPS's
//! "overly simplified description of the event", a much smaller set) refines the type with
//! [`UPS_DESCRIPTION_CODE`], and the unknown `code` is still reported.

use super::common::{location_text, non_empty, set_mapped_codes, timed_event, tracking_number};
use super::parsed::{ParsedWebhook, Provider, StatusRow, map_status, row};
use super::{carriers, time};
use crate::model::{TimeBasis, TrackingEvent};
use crate::reason::Reason;
use crate::status::Status;
use crate::validate::{FieldError, parse_json};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;

const PROVIDER: Provider = Provider::Ups;

/// `activityStatus.type` (UPS Track Alert API, `ActivityStatus.type`).
pub const UPS_STATUS: &[StatusRow] = &[
    row("D", Some(Status::Delivered), None),
    // "On the Way": moving normally through the network.
    row("I", Some(Status::InTransit), None),
    // Manifest: label created / billing information received.
    row("M", Some(Status::InfoReceived), Some(Reason::LabelCreated)),
    // Manifest void: the label was cancelled.
    row("MV", Some(Status::Cancelled), Some(Reason::Cancelled)),
    // "Updated delivery date or time"; UPS: "it may still be delivered on time", so not a
    // delay by itself.
    row(
        "U",
        Some(Status::InTransit),
        Some(Reason::DeliveryScheduled),
    ),
    row("X", Some(Status::Exception), None),
];

/// `activityStatus.code`, confirmed in UPS's Track Alert / Track API examples or real
/// payloads. `None` keeps the type's status.
pub const UPS_SUBSTATUS: &[StatusRow] = &[
    // "Shipment Ready for UPS" (Track Alert example, type M).
    row("MP", Some(Status::InfoReceived), Some(Reason::LabelCreated)),
    // Origin scan (Track Alert example "UPS has your package"): first physical scan.
    row("OR", Some(Status::InTransit), Some(Reason::PickedUp)),
    // Arrival scan (public Track API fixtures; not in the Track Alert examples).
    row("AR", None, Some(Reason::ArrivedAtFacility)),
    // Departure from a UPS building (Track Alert example).
    row("DP", None, Some(Reason::DepartedFacility)),
    // "Preparing for Delivery" (Track Alert example): known, nothing to add.
    row("YP", None, None),
    row("OT", Some(Status::OutForDelivery), None),
    // "Delivered" (Track Alert example, type D).
    row("FS", Some(Status::Delivered), None),
    // "Delivered" (Track API payloads, type D).
    row("KB", Some(Status::Delivered), None),
    // "Your package was released by the customs agency." (Track API example). UPS types it
    // X, but a release is progress, not a problem.
    row("SR", Some(Status::InTransit), Some(Reason::CustomsCleared)),
];

/// `activityStatus.descriptionCode`, used only when `code` is not in [`UPS_SUBSTATUS`].
/// 003, 011, 021 are in UPS's Track Alert examples; the rest are from the status-code table
/// posted in UPS-API/api-documentation issue #7. Codes that would add nothing (005 "On the
/// Way", 013 "Exception", 071 "Preparing for Delivery") are left out.
pub const UPS_DESCRIPTION_CODE: &[StatusRow] = &[
    row(
        "003",
        Some(Status::InfoReceived),
        Some(Reason::LabelCreated),
    ),
    row("011", Some(Status::Delivered), None),
    row("012", None, Some(Reason::CustomsProcessing)),
    row("019", None, Some(Reason::DeliveryRescheduled)),
    row("021", Some(Status::OutForDelivery), None),
    row("025", None, Some(Reason::HandedToOtherCarrier)),
    row("028", None, Some(Reason::AddressCorrected)),
    row("032", None, Some(Reason::WeatherDelay)),
    // "On Its Way to UPS": the shipper has not handed it over yet.
    row(
        "044",
        Some(Status::InfoReceived),
        Some(Reason::AwaitingItem),
    ),
    row("048", None, Some(Reason::CarrierDelay)),
    row("051", None, Some(Reason::WeatherDelay)),
    row("052", None, Some(Reason::WeatherDelay)),
    row("054", None, Some(Reason::DeliveryRescheduled)),
    row("058", None, Some(Reason::MissingDocuments)),
];

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Alert {
    tracking_number: Option<String>,
    local_activity_date: Option<String>,
    local_activity_time: Option<String>,
    gmt_activity_date: Option<String>,
    gmt_activity_time: Option<String>,
    activity_location: Option<Location>,
    activity_status: Option<ActivityStatus>,
    scheduled_delivery_date: Option<String>,
    actual_delivery_date: Option<String>,
    actual_delivery_time: Option<String>,
    received_by: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Location {
    city: Option<String>,
    state_province: Option<String>,
    country: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ActivityStatus {
    #[serde(rename = "type")]
    kind: Option<String>,
    code: Option<String>,
    description: Option<String>,
    description_code: Option<String>,
}

pub fn parse(body: &[u8]) -> Result<ParsedWebhook, FieldError> {
    let alert: Alert = parse_json(body)?;
    let tracking_number = tracking_number(alert.tracking_number.as_deref(), "trackingNumber")?;
    let estimated_delivery = non_empty(alert.scheduled_delivery_date.as_deref())
        .map(|raw| ups_date(raw, "scheduledDeliveryDate"))
        .transpose()?;
    let at = activity_time(&alert)?;
    let mut event = timed_event(PROVIDER.as_str(), at);
    let location = alert.activity_location.as_ref();
    event.location = location.and_then(|l| {
        location_text([
            l.city.as_deref(),
            l.state_province.as_deref(),
            l.country.as_deref(),
        ])
    });
    let status = alert.activity_status.as_ref();
    event.description = status
        .and_then(|s| non_empty(s.description.as_deref()))
        .unwrap_or_default()
        .to_owned();
    let mut unknown_codes = Vec::new();
    set_activity_codes(&mut event, status, &mut unknown_codes);
    if event.status == Status::Delivered {
        event.signed_by = non_empty(alert.received_by.as_deref()).map(str::to_owned);
    }
    Ok(ParsedWebhook {
        tracking_number,
        // Track Alert only ever speaks for UPS.
        carrier: carriers::normalize(PROVIDER, "UPS").map(str::to_owned),
        estimated_delivery,
        events: vec![event],
        unknown_codes,
        dropped: 0,
    })
}

/// GMT pair -> instant (local pair kept as wall time); otherwise the local pair (or, for a
/// delivery, the actual delivery pair) resolved with the activity location's zone.
fn activity_time(alert: &Alert) -> Result<time::EventTime, FieldError> {
    let gmt = date_time(
        (alert.gmt_activity_date.as_deref(), "gmtActivityDate"),
        (alert.gmt_activity_time.as_deref(), "gmtActivityTime"),
    )?;
    let local = match date_time(
        (alert.local_activity_date.as_deref(), "localActivityDate"),
        (alert.local_activity_time.as_deref(), "localActivityTime"),
    )? {
        Some(local) => Some(local),
        None => date_time(
            (alert.actual_delivery_date.as_deref(), "actualDeliveryDate"),
            (alert.actual_delivery_time.as_deref(), "actualDeliveryTime"),
        )?,
    };
    let location = alert.activity_location.as_ref();
    let country = location.and_then(|l| non_empty(l.country.as_deref()));
    let state = location.and_then(|l| non_empty(l.state_province.as_deref()));
    match (gmt, local) {
        (Some(gmt), local) => Ok(time::EventTime {
            occurred_at: gmt.and_utc(),
            local_time: local,
            basis: TimeBasis::Instant,
        }),
        (None, Some(local)) => Ok(time::from_local(local, country, state)),
        (None, None) => Err(FieldError::new(
            "localActivityDate",
            "an activity needs a date and time (localActivityDate/Time or gmtActivityDate/Time)",
        )),
    }
}

/// A date and time pair; `None` unless both are present.
fn date_time(
    (date, date_field): (Option<&str>, &str),
    (time, time_field): (Option<&str>, &str),
) -> Result<Option<NaiveDateTime>, FieldError> {
    let (Some(date), Some(time)) = (non_empty(date), non_empty(time)) else {
        return Ok(None);
    };
    Ok(Some(
        ups_date(date, date_field)?.and_time(ups_time(time, time_field)?),
    ))
}

fn ups_date(raw: &str, field: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(raw, "%Y%m%d")
        .map_err(|_| FieldError::new(field, "must be a date as YYYYMMDD, e.g. 20240423"))
}

/// HHMMSS; UPS drops the leading zero in places (`74700` is 07:47:00).
fn ups_time(raw: &str, field: &str) -> Result<NaiveTime, FieldError> {
    let padded = format!("{raw:0>6}");
    NaiveTime::parse_from_str(&padded, "%H%M%S")
        .map_err(|_| FieldError::new(field, "must be a time as HHMMSS, e.g. 091519"))
}

/// Maps and records the raw codes (type as status, code as sub-status, see
/// [`set_mapped_codes`]), the description code standing in for a code not in the table.
fn set_activity_codes(
    event: &mut TrackingEvent,
    status: Option<&ActivityStatus>,
    unknown: &mut Vec<String>,
) {
    let kind = status.and_then(|s| non_empty(s.kind.as_deref()));
    let code = status.and_then(|s| non_empty(s.code.as_deref()));
    let description_code = status.and_then(|s| description_code(s.description_code.as_deref()));
    let code_known = code.is_some_and(|c| UPS_SUBSTATUS.iter().any(|r| r.code == c));
    let by_code = map_status(UPS_STATUS, UPS_SUBSTATUS, kind, code);
    let by_description = map_status(
        UPS_STATUS,
        UPS_DESCRIPTION_CODE,
        kind,
        description_code.as_deref(),
    );
    let use_description = !code_known && description_code.is_some() && by_description.known;
    let mapped = if use_description {
        by_description
    } else {
        by_code
    };
    set_mapped_codes(
        event,
        mapped,
        (UPS_STATUS, kind),
        (UPS_SUBSTATUS, code),
        unknown,
    );
}

/// Three digits as UPS's examples spell them ("021"); UPS's own code table drops the
/// leading zeros ("21").
fn description_code(raw: Option<&str>) -> Option<String> {
    let raw = non_empty(raw)?;
    if raw.bytes().all(|b| b.is_ascii_digit()) {
        Some(format!("{raw:0>3}"))
    } else {
        Some(raw.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::common::test_support::{
        Fixtures, assert_documented_codes_mapped, assert_every_pair_maps_as_declared,
        assert_table_is_the_documented_list, assert_top_rows_map_as_declared, assert_unique_codes,
        body, utc,
    };

    const FIXTURES: Fixtures = Fixtures(PROVIDER);

    fn only(parsed: &ParsedWebhook) -> &TrackingEvent {
        assert_eq!(parsed.events.len(), 1);
        &parsed.events[0]
    }

    fn wall(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap()
    }

    /// Every activityStatus.type PROVIDERS.md lists.
    const DOCUMENTED_TYPES: &[&str] = &["D", "I", "M", "MV", "U", "X"];
    /// The activity codes in UPS's own Track Alert examples.
    const DOCUMENTED_CODES: &[&str] = &["MP", "OR", "DP", "YP", "OT", "FS"];

    #[test]
    fn every_documented_code_is_in_the_tables() {
        // Every type UPS has is documented; its activity codes are too many to list.
        assert_table_is_the_documented_list(DOCUMENTED_TYPES, UPS_STATUS);
        assert_documented_codes_mapped(DOCUMENTED_CODES, &[UPS_SUBSTATUS]);
        assert_unique_codes(UPS_SUBSTATUS);
        assert_unique_codes(UPS_DESCRIPTION_CODE);
        assert!(UPS_DESCRIPTION_CODE.iter().all(|r| r.code.len() == 3));
    }

    #[test]
    fn every_row_maps_as_declared() {
        assert_top_rows_map_as_declared(UPS_STATUS, UPS_SUBSTATUS);
        for sub_table in [UPS_SUBSTATUS, UPS_DESCRIPTION_CODE] {
            assert_every_pair_maps_as_declared(UPS_STATUS, sub_table);
        }
    }

    #[test]
    fn first_scan_keeps_the_gmt_instant_and_the_local_wall_time() {
        let p = FIXTURES.parsed("first_scan");
        assert_eq!(p.tracking_number, "1Z7W68E90327145582");
        assert_eq!(p.carrier.as_deref(), Some("ups"));
        let e = only(&p);
        assert_eq!(
            (e.status, e.reason),
            (Status::InTransit, Some(Reason::PickedUp))
        );
        assert_eq!(e.occurred_at, utc(2025, 5, 12, 23, 48, 10));
        assert_eq!(e.local_time, Some(wall(2025, 5, 12, 18, 48, 10)));
        assert_eq!(e.time_basis, TimeBasis::Instant);
        assert_eq!(e.location.as_deref(), Some("Hodgkins, IL, US"));
        assert_eq!(e.raw_status.as_deref(), Some("I"));
        assert_eq!(e.raw_substatus.as_deref(), Some("OR"));
        assert_eq!(e.provider, "ups");
        assert_eq!(p.estimated_delivery, NaiveDate::from_ymd_opt(2025, 5, 15));
        assert!(p.unknown_codes.is_empty());
    }

    #[test]
    fn out_for_delivery() {
        let p = FIXTURES.parsed("out_for_delivery");
        let e = only(&p);
        assert_eq!((e.status, e.reason), (Status::OutForDelivery, None));
        assert_eq!(e.description, "Out for Delivery");
        assert_eq!(e.location.as_deref(), Some("Columbia, SC, US"));
        assert_eq!(e.occurred_at, utc(2025, 5, 15, 12, 31, 44));
        assert_eq!(p.estimated_delivery, NaiveDate::from_ymd_opt(2025, 5, 15));
    }

    #[test]
    fn delivered_is_signed() {
        let p = FIXTURES.parsed("delivered");
        let e = only(&p);
        assert_eq!(e.status, Status::Delivered);
        assert_eq!(e.signed_by.as_deref(), Some("HARPER"));
        assert_eq!(e.occurred_at, utc(2025, 5, 15, 17, 3, 27));
        assert_eq!(e.location.as_deref(), Some("COLUMBIA, SC, US"));
        assert_eq!(p.estimated_delivery, None, "UPS clears it once delivered");
    }

    #[test]
    fn attempt_without_a_confirmed_code_falls_back_to_the_type() {
        // No UPS failed-attempt code could be confirmed: the alert arrives as an exception
        // (type X) with its raw code kept and reported.
        let p = FIXTURES.parsed("attempt_failed");
        let e = only(&p);
        assert_eq!(
            (e.status, e.reason),
            (Status::Exception, Some(Reason::UnknownCode))
        );
        assert_eq!(e.raw_substatus.as_deref(), Some("7A"));
        assert_eq!(p.unknown_codes, ["7A"]);
        assert_eq!(e.occurred_at, utc(2025, 8, 19, 21, 22, 5));
    }

    #[test]
    fn exception_with_an_unknown_code_is_refined_by_its_description_code() {
        let p = FIXTURES.parsed("exception");
        let e = only(&p);
        assert_eq!(
            (e.status, e.reason),
            (Status::Exception, Some(Reason::WeatherDelay))
        );
        assert_eq!(e.raw_status.as_deref(), Some("X"));
        assert_eq!(e.raw_substatus.as_deref(), Some("7W"));
        assert_eq!(
            p.unknown_codes,
            ["7W"],
            "still reported so the table can grow"
        );
    }

    #[test]
    fn return_without_gmt_is_resolved_in_the_local_zone() {
        let p = FIXTURES.parsed("return");
        let e = only(&p);
        assert_eq!(e.time_basis, TimeBasis::LocalResolved);
        assert_eq!(e.local_time, Some(wall(2025, 11, 4, 14, 5, 0)));
        assert_eq!(e.occurred_at, utc(2025, 11, 4, 13, 5, 0), "CET is UTC+1");
        assert_eq!(e.location.as_deref(), Some("Neuss, DE"));
        assert_eq!(e.status, Status::Exception);
        assert_eq!(e.raw_substatus.as_deref(), Some("RS"));
        assert_eq!(p.unknown_codes, ["RS"]);
    }

    #[test]
    fn duplicate_alert_is_the_same_event() {
        assert_eq!(
            FIXTURES.bytes("duplicate"),
            FIXTURES.bytes("out_for_delivery")
        );
        let (a, b) = (
            FIXTURES.parsed("duplicate"),
            FIXTURES.parsed("out_for_delivery"),
        );
        assert_eq!(a, b);
        assert_eq!(
            only(&a).event_id(&a.tracking_number),
            only(&b).event_id(&b.tracking_number)
        );
    }

    #[test]
    fn local_time_in_an_unknown_zone_stays_flagged_as_local() {
        let mut doc = FIXTURES.json("first_scan");
        doc["gmtActivityDate"] = serde_json::json!("");
        doc["gmtActivityTime"] = serde_json::json!("");
        doc["activityLocation"]["stateProvince"] = serde_json::json!("");
        let e = FIXTURES.reparse(&doc).events.remove(0);
        assert_eq!(e.time_basis, TimeBasis::LocalUnresolved);
        assert_eq!(e.local_time, Some(wall(2025, 5, 12, 18, 48, 10)));
        doc["activityLocation"]["stateProvince"] = serde_json::json!("IL");
        let e = FIXTURES.reparse(&doc).events.remove(0);
        assert_eq!(e.time_basis, TimeBasis::LocalResolved);
        assert_eq!(e.occurred_at, utc(2025, 5, 12, 23, 48, 10), "CDT");
    }

    #[test]
    fn short_times_are_zero_padded() {
        let mut doc = FIXTURES.json("first_scan");
        doc["gmtActivityTime"] = serde_json::json!("74700");
        let e = FIXTURES.reparse(&doc).events.remove(0);
        assert_eq!(e.occurred_at, utc(2025, 5, 12, 7, 47, 0));
    }

    #[test]
    fn an_alert_without_any_date_or_with_a_bad_one_is_named() {
        let mut doc = FIXTURES.json("first_scan");
        for name in ["gmtActivityDate", "localActivityDate"] {
            doc[name] = serde_json::Value::Null;
        }
        let err = parse(&body(&doc)).unwrap_err();
        assert_eq!(err.field, "localActivityDate");
        doc["gmtActivityDate"] = serde_json::json!("2025-05-12");
        let err = parse(&body(&doc)).unwrap_err();
        assert_eq!(err.field, "gmtActivityDate");
        let mut doc = FIXTURES.json("first_scan");
        doc["scheduledDeliveryDate"] = serde_json::json!("May 15");
        let err = parse(&body(&doc)).unwrap_err();
        assert_eq!(err.field, "scheduledDeliveryDate");
    }

    #[test]
    fn missing_tracking_number_and_wrong_types_name_the_path() {
        let cases: [(&[u8], &str); 6] = [
            (b"not json", ""),
            (br#"{"localActivityDate":"20250512"}"#, "trackingNumber"),
            (br#"{"trackingNumber":" "}"#, "trackingNumber"),
            (br#"{"trackingNumber":"1Z$$"}"#, "trackingNumber"),
            (
                br#"{"trackingNumber":"1Z7W68E90327145582","activityStatus":{"type":["I"]}}"#,
                "activityStatus.type",
            ),
            (
                br#"{"trackingNumber":"1Z7W68E90327145582","activityLocation":"Louisville"}"#,
                "activityLocation",
            ),
        ];
        FIXTURES.assert_rejected_at(cases);
    }

    #[test]
    fn unknown_extra_fields_are_ignored() {
        let mut doc = FIXTURES.json("delivered");
        doc["deliveryPhoto"] = serde_json::json!("");
        doc["activityStatus"]["simplifiedTextDescription"] = serde_json::json!("Delivered");
        assert_eq!(FIXTURES.reparse(&doc), FIXTURES.parsed("delivered"));
    }

    #[test]
    fn unknown_codes_are_stored_and_reported() {
        let mut doc = FIXTURES.json("first_scan");
        doc["activityStatus"] = serde_json::json!({"type": "Q", "code": "ZZ", "description": "Teleported", "descriptionCode": "999"});
        let p = FIXTURES.reparse(&doc);
        let e = only(&p);
        assert_eq!(
            (e.status, e.reason),
            (Status::Pending, Some(Reason::UnknownCode))
        );
        assert_eq!(e.raw_status.as_deref(), Some("Q"));
        assert_eq!(e.raw_substatus.as_deref(), Some("ZZ"));
        assert_eq!(p.unknown_codes, ["Q", "ZZ"]);

        doc["activityStatus"]["type"] = serde_json::json!("I");
        let p = FIXTURES.reparse(&doc);
        let e = only(&p);
        assert_eq!(
            (e.status, e.reason),
            (Status::InTransit, Some(Reason::UnknownCode))
        );
        assert_eq!(p.unknown_codes, ["ZZ"]);
    }

    #[test]
    fn description_codes_match_with_or_without_leading_zeros() {
        assert_eq!(description_code(Some("21")).as_deref(), Some("021"));
        assert_eq!(description_code(Some("021")).as_deref(), Some("021"));
        assert_eq!(description_code(Some(" ")), None);
        let mut doc = FIXTURES.json("first_scan");
        doc["activityStatus"] = serde_json::json!({"type": "I", "code": "76", "description": "Out for Delivery Today", "descriptionCode": "21"});
        let e = FIXTURES.reparse(&doc).events.remove(0);
        assert_eq!(e.status, Status::OutForDelivery);
    }
}
