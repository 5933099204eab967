//! 17TRACK push webhooks (`POST /webhooks/17track/{merchant_id}`), API v2:
//!
//! ```json
//! {"event": "TRACKING_UPDATED",
//!  "data": {"number": "…", "carrier": 7041, "tag": null,
//!           "track_info": {"latest_status": {"status": "Exception", "sub_status": "Exception_Other"},
//!                          "latest_event": {"time_iso": "…", "time_utc": "…", "description": "…", "stage": "Exception"},
//!                          "time_metrics": {"estimated_delivery_date": {"from": null, "to": null}},
//!                          "milestone": [{"key_stage": "PickedUp", "time_iso": "…", "time_utc": "…"}],
//!                          "tracking": {"providers": [{"provider": {"key": 7041, "name": "DHL Paket"},
//!                                                      "events": [{"time_iso": "2022-09-14T08:47:00+01:00",
//!                                                                  "time_utc": "2022-09-14T07:47:00Z",
//!                                                                  "description": "…", "location": "…",
//!                                                                  "stage": "AvailableForPickup",
//!                                                                  "sub_status": "AvailableForPickup_Other"}]}]}}}}
//! ```
//!
//! - Every event of every `tracking.providers[]` (origin and destination carrier) is an
//!   event. `time_utc` gives the instant and `time_iso`'s wall time the local time; without
//!   `time_utc`, `time_iso` alone is used ([`time::parse`], local wall time stays flagged).
//! - An event's status is its own classification. A milestone `stage` (`PickedUp`,
//!   `Departure`, ..., [`SEVENTEEN_TRACK_STAGE`]) decides the status, its `sub_status` adding
//!   the reason when it agrees; otherwise the `sub_status` (`InTransit_PickedUp`, ...)
//!   refines its own status, or a `stage` spelled as a status (`Exception`).
//! - **Dated events win** (see [`super`]): `latest_status` never overrides an event's own
//!   status. It gives a status only to the newest event when that event carries neither
//!   `stage` nor `sub_status`, and makes the one event of a `TRACKING_UPDATED` push that
//!   has no events at all (at `latest_event`'s time). Other unclassified events (API
//!   versions before v2.2 sent neither field) are stored as `pending`: dated, never
//!   overriding a classified newer scan.
//! - `TRACKING_STOPPED` (17TRACK stopped tracking the number) carries no new scans: its
//!   events, if any, are returned and nothing is made from its summary. With no events the
//!   result is an empty list and the webhook stores nothing. An unknown event type is read
//!   the same way and its name reported in `unknown_codes`.
//! - `time_metrics.estimated_delivery_date.to` (else `from`) is the estimated delivery, as
//!   the carrier's local date. `data.carrier` (else a provider's key) is the carrier.

use super::common::{join_present, location_text, note_unknown, remember, text, timed_event};
use super::parsed::{Mapped, ParsedWebhook, StatusRow, map_status, row};
use super::{carriers, time};
use crate::model::{TrackingEvent, normalize_tracking_number};
use crate::reason::Reason;
use crate::status::Status;
use crate::validate::{FieldError, parse_json, validate_tracking_number};
use serde::Deserialize;

pub const PROVIDER: &str = "17track";

const UPDATED: &str = "TRACKING_UPDATED";
const STOPPED: &str = "TRACKING_STOPPED";

/// 17TRACK main statuses (`latest_status.status`, and the prefix of every sub-status).
pub const SEVENTEEN_TRACK_STATUS: &[StatusRow] = &[
    row("NotFound", Some(Status::Pending), None),
    row("InfoReceived", Some(Status::InfoReceived), None),
    row("InTransit", Some(Status::InTransit), None),
    row("Expired", Some(Status::Expired), Some(Reason::Expired)),
    row("AvailableForPickup", Some(Status::AvailableForPickup), None),
    row("OutForDelivery", Some(Status::OutForDelivery), None),
    row("DeliveryFailure", Some(Status::AttemptFailed), None),
    row("Delivered", Some(Status::Delivered), None),
    row("Exception", Some(Status::Exception), None),
];

/// 17TRACK sub-statuses (API v2 `sub_status`). `None` keeps the main status.
pub const SEVENTEEN_TRACK_SUBSTATUS: &[StatusRow] = &[
    row("NotFound_Other", None, None),
    row("NotFound_InvalidCode", None, None), // the number is not valid: still nothing known
    row("InfoReceived", None, None),
    row("InTransit_PickedUp", None, Some(Reason::PickedUp)),
    row("InTransit_Other", None, None),
    // Left the origin country's port / reached the destination country's port.
    row("InTransit_Departure", None, Some(Reason::DepartedFacility)),
    row("InTransit_Arrival", None, Some(Reason::ArrivedAtFacility)),
    row(
        "InTransit_CustomsProcessing",
        None,
        Some(Reason::CustomsProcessing),
    ),
    row(
        "InTransit_CustomsReleased",
        None,
        Some(Reason::CustomsCleared),
    ),
    row(
        "InTransit_CustomsRequiringInformation",
        None,
        Some(Reason::MissingDocuments),
    ),
    row("Expired_Other", None, None),
    row("AvailableForPickup_Other", None, None),
    row("OutForDelivery_Other", None, None),
    row("DeliveryFailure_Other", None, None),
    row(
        "DeliveryFailure_NoBody",
        None,
        Some(Reason::RecipientUnavailable),
    ),
    // Security, customs or fee problems found at the door.
    row(
        "DeliveryFailure_Security",
        None,
        Some(Reason::HeldByCarrier),
    ),
    row("DeliveryFailure_Rejected", None, Some(Reason::Refused)),
    row(
        "DeliveryFailure_InvalidAddress",
        None,
        Some(Reason::AddressIssue),
    ),
    row("Delivered_Other", None, None),
    row("Exception_Other", None, None),
    row(
        "Exception_Returning",
        Some(Status::ReturningToSender),
        Some(Reason::Returning),
    ),
    row(
        "Exception_Returned",
        Some(Status::ReturnedToSender),
        Some(Reason::Returned),
    ),
    // Recipient details found wrong before delivery.
    row("Exception_NoBody", None, Some(Reason::AddressIssue)),
    // Security, customs or fee problems found before delivery.
    row("Exception_Security", None, Some(Reason::HeldByCarrier)),
    row("Exception_Damage", None, Some(Reason::Damaged)),
    row("Exception_Rejected", None, Some(Reason::Refused)),
    row("Exception_Delayed", None, Some(Reason::CarrierDelay)),
    row("Exception_Lost", None, Some(Reason::Lost)),
    row("Exception_Destroyed", None, Some(Reason::Disposed)),
    row(
        "Exception_Cancel",
        Some(Status::Cancelled),
        Some(Reason::Cancelled),
    ),
];

/// Milestone stages: an event's `stage` and `milestone[].key_stage`.
pub const SEVENTEEN_TRACK_STAGE: &[StatusRow] = &[
    row("InfoReceived", Some(Status::InfoReceived), None),
    row("PickedUp", Some(Status::InTransit), Some(Reason::PickedUp)),
    row(
        "Departure",
        Some(Status::InTransit),
        Some(Reason::DepartedFacility),
    ),
    row(
        "Arrival",
        Some(Status::InTransit),
        Some(Reason::ArrivedAtFacility),
    ),
    row("AvailableForPickup", Some(Status::AvailableForPickup), None),
    row("OutForDelivery", Some(Status::OutForDelivery), None),
    row("Delivered", Some(Status::Delivered), None),
    row(
        "Returning",
        Some(Status::ReturningToSender),
        Some(Reason::Returning),
    ),
    row(
        "Returned",
        Some(Status::ReturnedToSender),
        Some(Reason::Returned),
    ),
];

#[derive(Debug, Deserialize)]
struct Push {
    event: String,
    data: Data,
}

#[derive(Debug, Deserialize)]
struct Data {
    number: String,
    #[serde(default)]
    carrier: Option<u32>,
    #[serde(default)]
    track_info: Option<TrackInfo>,
}

#[derive(Debug, Default, Deserialize)]
struct TrackInfo {
    #[serde(default)]
    latest_status: Option<LatestStatus>,
    #[serde(default)]
    latest_event: Option<Event>,
    #[serde(default)]
    time_metrics: Option<TimeMetrics>,
    #[serde(default)]
    tracking: Option<Tracking>,
}

#[derive(Debug, Deserialize)]
struct LatestStatus {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    sub_status: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TimeMetrics {
    #[serde(default)]
    estimated_delivery_date: Option<Estimate>,
}

#[derive(Debug, Deserialize)]
struct Estimate {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Tracking {
    #[serde(default)]
    providers: Option<Vec<History>>,
}

#[derive(Debug, Deserialize)]
struct History {
    #[serde(default)]
    provider: Option<ProviderInfo>,
    #[serde(default)]
    events: Option<Vec<Event>>,
}

#[derive(Debug, Deserialize)]
struct ProviderInfo {
    #[serde(default)]
    key: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct Event {
    #[serde(default)]
    time_iso: Option<String>,
    #[serde(default)]
    time_utc: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    stage: Option<String>,
    #[serde(default)]
    sub_status: Option<String>,
    #[serde(default)]
    address: Option<Address>,
}

#[derive(Debug, Deserialize)]
struct Address {
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    city: Option<String>,
    #[serde(default)]
    postal_code: Option<String>,
}

/// An event being built: its own status, when it has one.
struct Scan {
    event: TrackingEvent,
    classified: bool,
}

pub fn parse(body: &[u8]) -> Result<ParsedWebhook, FieldError> {
    let Push { event, data } = parse_json(body)?;
    let tracking_number = normalize_tracking_number(&data.number);
    validate_tracking_number("data.number", &tracking_number)?;
    let mut unknown_codes = Vec::new();
    if event != UPDATED && event != STOPPED {
        remember(&mut unknown_codes, &event);
    }
    let info = data.track_info.unwrap_or_default();
    let estimated_delivery = estimated_delivery(&info)?;
    let mut scans = scans(&info, &mut unknown_codes)?;
    let latest = info.latest_status.as_ref();
    if scans.is_empty() && event == UPDATED {
        scans.extend(summary_scan(&info, &mut unknown_codes)?);
    } else {
        classify_newest_from_latest_status(&mut scans, latest, &mut unknown_codes);
    }
    let mut events: Vec<TrackingEvent> = scans.into_iter().map(|s| s.event).collect();
    events.sort_by_key(|e| e.occurred_at);
    Ok(ParsedWebhook {
        tracking_number,
        carrier: carrier(data.carrier, &info),
        estimated_delivery,
        events,
        unknown_codes,
        dropped: 0,
    })
}

fn scans(info: &TrackInfo, unknown_codes: &mut Vec<String>) -> Result<Vec<Scan>, FieldError> {
    let histories = info
        .tracking
        .as_ref()
        .and_then(|t| t.providers.as_deref())
        .unwrap_or_default();
    let mut scans = Vec::new();
    for (p, history) in histories.iter().enumerate() {
        for (e, event) in history.events.iter().flatten().enumerate() {
            let field = format!("data.track_info.tracking.providers[{p}].events[{e}]");
            scans.push(scan(event, &field, unknown_codes)?);
        }
    }
    Ok(scans)
}

fn scan(e: &Event, field: &str, unknown_codes: &mut Vec<String>) -> Result<Scan, FieldError> {
    let at = event_time(e, field)?;
    let (stage, sub) = (text(&e.stage), text(&e.sub_status));
    let mapped = classify(stage, sub, unknown_codes);
    let mut event = timed_event(PROVIDER, at);
    event.description = text(&e.description).unwrap_or_default().to_owned();
    event.location = location(e);
    event.raw_status = stage.or_else(|| sub.map(main_status_of)).map(str::to_owned);
    event.raw_substatus = sub.map(str::to_owned);
    if let Some(mapped) = mapped {
        event.status = mapped.status;
        event.reason = mapped.reason;
    }
    Ok(Scan {
        event,
        classified: mapped.is_some(),
    })
}

/// `time_utc` is the instant and `time_iso` the wall time; `time_iso` alone is an instant
/// when it has an offset and local time at the event's address when it has none.
fn event_time(e: &Event, field: &str) -> Result<time::EventTime, FieldError> {
    let country = e.address.as_ref().and_then(|a| text(&a.country));
    let state = e.address.as_ref().and_then(|a| text(&a.state));
    let parse_field = |name: &str, raw: Option<&str>, country, state| {
        raw.map(|raw| {
            time::parse(raw, country, state).ok_or_else(|| {
                FieldError::new(
                    format!("{field}.{name}"),
                    "must be an ISO 8601 date-time, e.g. 2022-09-14T07:47:00Z",
                )
            })
        })
        .transpose()
    };
    let iso = parse_field("time_iso", text(&e.time_iso), country, state)?;
    // `time_utc` is UTC by definition, with or without its `Z`.
    let utc = parse_field("time_utc", text(&e.time_utc), None, None)?;
    match (utc, iso) {
        (Some(utc), iso) => Ok(time::EventTime {
            occurred_at: utc.occurred_at,
            local_time: iso.and_then(|t| t.local_time),
            basis: crate::model::TimeBasis::Instant,
        }),
        (None, Some(iso)) => Ok(iso),
        (None, None) => Err(FieldError::new(
            format!("{field}.time_utc"),
            "is required (or time_iso)",
        )),
    }
}

/// The event's own status: a milestone stage decides it, with the sub-status's reason when
/// both say the same; otherwise the sub-status refines its main status (or a stage spelled
/// as a main status). `None` when the event carries no code at all.
fn classify(
    stage: Option<&str>,
    sub: Option<&str>,
    unknown_codes: &mut Vec<String>,
) -> Option<Mapped> {
    if stage.is_none() && sub.is_none() {
        return None;
    }
    let find = |table: &[StatusRow], code: &str| table.iter().find(|r| r.code == code).copied();
    let milestone = stage.and_then(|s| find(SEVENTEEN_TRACK_STAGE, s));
    let stage_as_status = stage.and_then(|s| find(SEVENTEEN_TRACK_STATUS, s));
    if let Some(s) = stage.filter(|_| milestone.is_none() && stage_as_status.is_none()) {
        remember(unknown_codes, s);
    }
    note_unknown(SEVENTEEN_TRACK_SUBSTATUS, sub, unknown_codes);
    let by_sub = |top: Option<&str>| {
        map_status(
            SEVENTEEN_TRACK_STATUS,
            SEVENTEEN_TRACK_SUBSTATUS,
            top.or(sub.map(main_status_of)),
            sub,
        )
    };
    match milestone {
        Some(m) => {
            let status = m.status.unwrap_or(Status::Pending);
            let agreeing = sub.map(|_| by_sub(None)).filter(|s| s.status == status);
            Some(Mapped {
                status,
                reason: m.reason.or(agreeing.and_then(|s| s.reason)),
                known: true,
            })
        }
        None => Some(by_sub(stage_as_status.map(|r| r.code))),
    }
}

/// `InTransit_PickedUp` belongs to `InTransit`; `InfoReceived` is its own.
fn main_status_of(sub_status: &str) -> &str {
    sub_status.split('_').next().unwrap_or(sub_status)
}

/// Dated events win: the summary status only labels a newest event that has no status.
fn classify_newest_from_latest_status(
    scans: &mut [Scan],
    latest: Option<&LatestStatus>,
    unknown_codes: &mut Vec<String>,
) {
    let newest = scans
        .iter_mut()
        .max_by_key(|s| s.event.occurred_at)
        .filter(|s| !s.classified);
    if let (Some(scan), Some(latest)) = (newest, latest) {
        apply_latest_status(&mut scan.event, latest, unknown_codes);
    }
}

fn apply_latest_status(
    event: &mut TrackingEvent,
    latest: &LatestStatus,
    unknown_codes: &mut Vec<String>,
) {
    let (status, sub) = (text(&latest.status), text(&latest.sub_status));
    if status.is_none() && sub.is_none() {
        return;
    }
    note_unknown(SEVENTEEN_TRACK_STATUS, status, unknown_codes);
    note_unknown(SEVENTEEN_TRACK_SUBSTATUS, sub, unknown_codes);
    let mapped = map_status(
        SEVENTEEN_TRACK_STATUS,
        SEVENTEEN_TRACK_SUBSTATUS,
        status,
        sub,
    );
    event.status = mapped.status;
    event.reason = mapped.reason;
    event.raw_status = status.map(str::to_owned);
    event.raw_substatus = sub.map(str::to_owned);
}

/// No events at all: one event at `latest_event`'s time, status from `latest_status` (else
/// the latest event's own stage). Nothing when there is no dated latest event either.
fn summary_scan(
    info: &TrackInfo,
    unknown_codes: &mut Vec<String>,
) -> Result<Option<Scan>, FieldError> {
    let Some(latest_event) = info.latest_event.as_ref() else {
        return Ok(None);
    };
    if text(&latest_event.time_utc).is_none() && text(&latest_event.time_iso).is_none() {
        return Ok(None);
    }
    let mut scan = scan(latest_event, "data.track_info.latest_event", unknown_codes)?;
    if let Some(latest) = info.latest_status.as_ref() {
        apply_latest_status(&mut scan.event, latest, unknown_codes);
    }
    Ok(Some(scan))
}

fn estimated_delivery(info: &TrackInfo) -> Result<Option<chrono::NaiveDate>, FieldError> {
    let Some(estimate) = info
        .time_metrics
        .as_ref()
        .and_then(|m| m.estimated_delivery_date.as_ref())
    else {
        return Ok(None);
    };
    let (name, raw) = match (text(&estimate.to), text(&estimate.from)) {
        (Some(to), _) => ("to", to),
        (None, Some(from)) => ("from", from),
        (None, None) => return Ok(None),
    };
    time::parse_date(raw).map(Some).ok_or_else(|| {
        FieldError::new(
            format!("data.track_info.time_metrics.estimated_delivery_date.{name}"),
            "must be a date (YYYY-MM-DD) or an ISO 8601 date-time",
        )
    })
}

fn carrier(key: Option<u32>, info: &TrackInfo) -> Option<String> {
    let provider_keys = info
        .tracking
        .iter()
        .flat_map(|t| t.providers.iter().flatten())
        .filter_map(|h| h.provider.as_ref().and_then(|p| p.key));
    key.into_iter()
        .chain(provider_keys)
        .find_map(carriers::by_17track_key)
        .map(str::to_owned)
}

/// `location` when sent, else the address's city, state postcode and country.
fn location(e: &Event) -> Option<String> {
    if let Some(location) = text(&e.location) {
        return Some(location.to_owned());
    }
    let address = e.address.as_ref()?;
    let region = join_present([text(&address.state), text(&address.postal_code)], " ");
    location_text([
        text(&address.city),
        region.as_deref(),
        text(&address.country),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimeBasis;
    use crate::providers::Provider;
    use crate::providers::common::test_support::{
        Fixtures, assert_documented_codes_mapped, assert_sub_rows_map_under_their_prefix,
        assert_top_rows_map_as_declared, at, body, newest_statuses, statuses, statuses_and_codes,
        wall,
    };
    use chrono::NaiveDate;
    use serde_json::{Value, json};

    const FIXTURES: Fixtures = Fixtures(Provider::SeventeenTrack);

    /// Every status, sub-status and milestone stage PROVIDERS.md lists for 17TRACK, and the
    /// rest of 17TRACK's v2 sub-status list.
    const DOCUMENTED_STATUS: &[&str] = &[
        "NotFound",
        "InfoReceived",
        "InTransit",
        "Expired",
        "AvailableForPickup",
        "OutForDelivery",
        "DeliveryFailure",
        "Delivered",
        "Exception",
    ];
    const DOCUMENTED_SUBSTATUS: &[&str] = &[
        "InTransit_PickedUp",
        "InTransit_CustomsProcessing",
        "DeliveryFailure_InvalidAddress",
        "Exception_Returning",
        "Exception_Returned",
        "Exception_Other",
        "NotFound_Other",
        "NotFound_InvalidCode",
        "InfoReceived",
        "InTransit_Other",
        "InTransit_Departure",
        "InTransit_Arrival",
        "InTransit_CustomsReleased",
        "InTransit_CustomsRequiringInformation",
        "Expired_Other",
        "AvailableForPickup_Other",
        "OutForDelivery_Other",
        "DeliveryFailure_Other",
        "DeliveryFailure_NoBody",
        "DeliveryFailure_Security",
        "DeliveryFailure_Rejected",
        "Delivered_Other",
        "Exception_NoBody",
        "Exception_Security",
        "Exception_Damage",
        "Exception_Rejected",
        "Exception_Delayed",
        "Exception_Lost",
        "Exception_Destroyed",
        "Exception_Cancel",
    ];
    const DOCUMENTED_STAGE: &[&str] = &[
        "InfoReceived",
        "PickedUp",
        "Departure",
        "Arrival",
        "AvailableForPickup",
        "OutForDelivery",
        "Delivered",
        "Returning",
        "Returned",
    ];

    #[test]
    fn every_documented_code_is_in_its_table() {
        assert_documented_codes_mapped(DOCUMENTED_STATUS, &[SEVENTEEN_TRACK_STATUS]);
        assert_documented_codes_mapped(DOCUMENTED_SUBSTATUS, &[SEVENTEEN_TRACK_SUBSTATUS]);
        assert_documented_codes_mapped(DOCUMENTED_STAGE, &[SEVENTEEN_TRACK_STAGE]);
        assert_eq!(SEVENTEEN_TRACK_SUBSTATUS.len(), DOCUMENTED_SUBSTATUS.len());
    }

    #[test]
    fn the_status_table_maps_each_row_as_declared() {
        assert_top_rows_map_as_declared(SEVENTEEN_TRACK_STATUS, SEVENTEEN_TRACK_SUBSTATUS);
    }

    #[test]
    fn the_substatus_table_maps_each_row_as_declared_under_its_main_status() {
        let by_sub_status_alone = |_: &str, sub: &str| {
            let mut unknown = Vec::new();
            let m = classify(None, Some(sub), &mut unknown).unwrap();
            assert!(unknown.is_empty(), "{sub}");
            m
        };
        assert_sub_rows_map_under_their_prefix(
            SEVENTEEN_TRACK_STATUS,
            SEVENTEEN_TRACK_SUBSTATUS,
            by_sub_status_alone,
        );
    }

    #[test]
    fn the_stage_table_maps_each_row_as_declared() {
        for r in SEVENTEEN_TRACK_STAGE {
            let mut unknown = Vec::new();
            let m = classify(Some(r.code), None, &mut unknown).unwrap();
            assert_eq!(
                (Some(m.status), m.reason),
                (r.status, r.reason),
                "{}",
                r.code
            );
            assert!(unknown.is_empty());
        }
    }

    #[test]
    fn stage_and_sub_status_combine() {
        let c = |stage, sub| {
            let mut unknown = Vec::new();
            let m = classify(stage, sub, &mut unknown).unwrap();
            (m.status, m.reason)
        };
        // Agreeing: the milestone decides, the sub-status adds its reason.
        assert_eq!(
            c(Some("OutForDelivery"), Some("OutForDelivery_Other")),
            (Status::OutForDelivery, None)
        );
        assert_eq!(
            c(Some("Delivered"), Some("DeliveryFailure_NoBody")),
            (Status::Delivered, None),
            "a disagreeing sub-status lends no reason"
        );
        // A stage spelled as a main status is refined by the sub-status.
        assert_eq!(
            c(Some("Exception"), Some("Exception_Returning")),
            (Status::ReturningToSender, Some(Reason::Returning))
        );
        assert_eq!(c(Some("Exception"), None), (Status::Exception, None));
        assert_eq!(
            c(None, Some("DeliveryFailure_InvalidAddress")),
            (Status::AttemptFailed, Some(Reason::AddressIssue))
        );
    }

    #[test]
    fn first_scan() {
        let parsed = FIXTURES.parsed("first_scan");
        assert_eq!(parsed.tracking_number, "9400111899223197428490");
        assert_eq!(parsed.carrier.as_deref(), Some("usps"));
        assert_eq!(
            parsed.estimated_delivery,
            NaiveDate::from_ymd_opt(2024, 11, 22)
        );
        assert_eq!(
            statuses(&parsed),
            [
                (Status::InfoReceived, None),
                (Status::InTransit, Some(Reason::PickedUp))
            ]
        );
        let picked = &parsed.events[1];
        assert_eq!(picked.occurred_at, at("2024-11-19T23:12:00Z"));
        assert_eq!(picked.local_time, Some(wall("2024-11-19T18:12:00")));
        assert_eq!(picked.time_basis, TimeBasis::Instant);
        assert_eq!(picked.raw_status.as_deref(), Some("PickedUp"));
        assert_eq!(picked.raw_substatus.as_deref(), Some("InTransit_PickedUp"));
        assert!(parsed.unknown_codes.is_empty());
    }

    #[test]
    fn out_for_delivery() {
        let parsed = FIXTURES.parsed("out_for_delivery");
        assert_eq!(parsed.carrier.as_deref(), Some("postnl"));
        let last = parsed.events.last().unwrap();
        assert_eq!(last.status, Status::OutForDelivery);
        assert_eq!(last.occurred_at, at("2024-04-18T07:05:00Z"));
        assert_eq!(last.location.as_deref(), Some("Utrecht, NL"));
        assert_eq!(
            parsed.estimated_delivery,
            NaiveDate::from_ymd_opt(2024, 4, 18)
        );
    }

    #[test]
    fn delivered() {
        let parsed = FIXTURES.parsed("delivered");
        assert_eq!(parsed.carrier.as_deref(), Some("fedex"));
        assert!(parsed.events.len() >= 5);
        let last = parsed.events.last().unwrap();
        assert_eq!(last.status, Status::Delivered);
        assert_eq!(last.raw_substatus.as_deref(), Some("Delivered_Other"));
        assert_eq!(last.occurred_at, at("2024-10-02T17:31:00Z"));
        assert!(
            parsed
                .events
                .iter()
                .any(|e| e.reason == Some(Reason::DepartedFacility))
        );
    }

    #[test]
    fn attempt_failed() {
        let parsed = FIXTURES.parsed("attempt_failed");
        assert_eq!(parsed.carrier.as_deref(), Some("australia_post"));
        let last = parsed.events.last().unwrap();
        assert_eq!(
            (last.status, last.reason),
            (Status::AttemptFailed, Some(Reason::AddressIssue))
        );
        assert_eq!(last.local_time, Some(wall("2024-12-03T11:48:00")));
        assert_eq!(last.occurred_at, at("2024-12-03T00:48:00Z"));
    }

    #[test]
    fn exception() {
        let parsed = FIXTURES.parsed("exception");
        assert_eq!(parsed.carrier.as_deref(), Some("sf_express"));
        let last = parsed.events.last().unwrap();
        assert_eq!(
            (last.status, last.reason),
            (Status::Exception, Some(Reason::CarrierDelay))
        );
        assert!(last.reason.unwrap().is_delay());
        assert!(
            parsed
                .events
                .iter()
                .any(|e| e.reason == Some(Reason::CustomsProcessing))
        );
    }

    #[test]
    fn return_to_sender() {
        let parsed = FIXTURES.parsed("return");
        assert_eq!(parsed.carrier.as_deref(), Some("correos"));
        assert_eq!(
            newest_statuses(&parsed, 2),
            [
                (Status::ReturnedToSender, Some(Reason::Returned)),
                (Status::ReturningToSender, Some(Reason::Returning)),
            ]
        );
    }

    #[test]
    fn dated_events_win_over_a_disagreeing_latest_status() {
        // history.json: latest_status says Exception / Exception_Other (and latest_event's
        // stage says Exception) while the newest scan is an available-for-pick-up scan.
        let d = FIXTURES.json("history");
        assert_eq!(
            d["data"]["track_info"]["latest_status"]["status"],
            "Exception"
        );
        assert_eq!(
            d["data"]["track_info"]["latest_event"]["stage"],
            "Exception"
        );
        let parsed = FIXTURES.parsed("history");
        assert!(parsed.events.len() >= 5);
        let newest = parsed.events.last().unwrap();
        assert_eq!(newest.status, Status::AvailableForPickup);
        assert_eq!(newest.raw_status.as_deref(), Some("AvailableForPickup"));
        assert_eq!(newest.occurred_at, at("2024-03-12T15:47:00Z"));
        assert!(parsed.events.iter().all(|e| e.status != Status::Exception));
        assert_eq!(parsed.carrier.as_deref(), Some("dhl_paket"));
        assert_eq!(
            parsed.estimated_delivery,
            NaiveDate::from_ymd_opt(2024, 3, 13)
        );
        assert!(
            parsed
                .events
                .windows(2)
                .all(|w| w[0].occurred_at <= w[1].occurred_at),
            "oldest first, although 17TRACK sends newest first"
        );
        let failed = parsed
            .events
            .iter()
            .find(|e| e.status == Status::AttemptFailed)
            .unwrap();
        assert_eq!(failed.reason, Some(Reason::RecipientUnavailable));
        assert!(parsed.unknown_codes.is_empty());
    }

    #[test]
    fn latest_status_labels_only_an_unlabelled_newest_event() {
        let mut d = FIXTURES.json("history");
        let events = &mut d["data"]["track_info"]["tracking"]["providers"][0]["events"];
        events[0]["stage"] = Value::Null;
        events[0]["sub_status"] = Value::Null;
        events[1]["stage"] = Value::Null;
        events[1]["sub_status"] = Value::Null;
        let parsed = FIXTURES.reparse(&d);
        let newest = parsed.events.last().unwrap();
        assert_eq!(newest.status, Status::Exception);
        assert_eq!(newest.raw_status.as_deref(), Some("Exception"));
        assert_eq!(newest.raw_substatus.as_deref(), Some("Exception_Other"));
        let second = &parsed.events[parsed.events.len() - 2];
        assert_eq!(
            second.status,
            Status::Pending,
            "older unlabelled scans are not guessed"
        );
        assert_eq!(second.raw_status, None);
    }

    #[test]
    fn no_events_makes_one_from_the_latest_status_at_the_latest_event() {
        // The sample's shape: an empty history but a summary.
        let mut d = FIXTURES.json("history");
        d["data"]["track_info"]["tracking"]["providers"][0]["events"] = json!([]);
        let parsed = FIXTURES.reparse(&d);
        assert_eq!(parsed.events.len(), 1);
        let e = &parsed.events[0];
        assert_eq!(e.status, Status::Exception);
        assert_eq!(e.occurred_at, at("2024-03-12T15:47:00Z"));
        assert_eq!(e.raw_substatus.as_deref(), Some("Exception_Other"));
        assert!(
            e.description
                .starts_with("The shipment is available for pick-up")
        );

        // Nothing dated at all (a number 17TRACK has not found yet): nothing to store.
        d["data"]["track_info"]["latest_event"] = Value::Null;
        assert!(FIXTURES.reparse(&d).events.is_empty());
    }

    #[test]
    fn tracking_stopped_returns_its_events_or_none() {
        let mut d = FIXTURES.json("delivered");
        d["event"] = json!("TRACKING_STOPPED");
        let all = FIXTURES.reparse(&d);
        assert_eq!(all.events.len(), FIXTURES.parsed("delivered").events.len());

        let stopped = br#"{"event":"TRACKING_STOPPED","data":{"number":"RR123456789CN","carrier":3011,"param":null,"tag":"order-7"}}"#;
        let parsed = parse(stopped).unwrap();
        assert!(parsed.events.is_empty());
        assert_eq!(parsed.carrier.as_deref(), Some("china_post"));
        assert!(parsed.unknown_codes.is_empty());

        // A stopped push with an empty history and a summary still makes nothing up.
        let mut d = FIXTURES.json("history");
        d["event"] = json!("TRACKING_STOPPED");
        d["data"]["track_info"]["tracking"]["providers"][0]["events"] = json!([]);
        assert!(FIXTURES.reparse(&d).events.is_empty());
    }

    #[test]
    fn time_iso_alone_is_used_and_local_without_an_offset() {
        let mut d = FIXTURES.json("first_scan");
        let event = &mut d["data"]["track_info"]["tracking"]["providers"][0]["events"][0];
        event["time_utc"] = Value::Null;
        event["time_iso"] = json!("2024-11-19T18:12:00");
        event["address"]["country"] = json!("US");
        event["address"]["state"] = json!("OH");
        let parsed = FIXTURES.reparse(&d);
        let picked = parsed.events.last().unwrap();
        assert_eq!(picked.time_basis, TimeBasis::LocalResolved);
        assert_eq!(picked.occurred_at, at("2024-11-19T23:12:00Z"));

        event_without_place(&mut d);
        let parsed = FIXTURES.reparse(&d);
        let picked = parsed.events.last().unwrap();
        assert_eq!(picked.time_basis, TimeBasis::LocalUnresolved);
        assert_eq!(picked.local_time, Some(wall("2024-11-19T18:12:00")));
    }

    fn event_without_place(d: &mut Value) {
        let event = &mut d["data"]["track_info"]["tracking"]["providers"][0]["events"][0];
        event["address"]["country"] = Value::Null;
        event["address"]["state"] = Value::Null;
    }

    #[test]
    fn unknown_codes_are_kept_not_rejected() {
        let mut d = FIXTURES.json("first_scan");
        let events = &mut d["data"]["track_info"]["tracking"]["providers"][0]["events"];
        events[0]["stage"] = Value::Null;
        events[0]["sub_status"] = json!("InTransit_Teleported");
        events[1]["stage"] = json!("Hovering");
        events[1]["sub_status"] = Value::Null;
        d["event"] = json!("TRACKING_REWOUND");
        let parsed = FIXTURES.reparse(&d);
        assert_eq!(
            statuses_and_codes(&parsed),
            [
                (
                    Status::Pending,
                    Some(Reason::UnknownCode),
                    Some("Hovering"),
                    None
                ),
                (
                    Status::InTransit,
                    Some(Reason::UnknownCode),
                    Some("InTransit"),
                    Some("InTransit_Teleported")
                ),
            ]
        );
        assert_eq!(
            parsed.unknown_codes,
            ["TRACKING_REWOUND", "InTransit_Teleported", "Hovering"]
        );
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let mut d = FIXTURES.json("first_scan");
        d["data"]["brand_new"] = json!({"nested": [1, 2, 3]});
        d["data"]["track_info"]["tracking"]["providers"][0]["events"][0]["extra"] = json!(true);
        assert_eq!(FIXTURES.reparse(&d), FIXTURES.parsed("first_scan"));
    }

    #[test]
    fn names_the_field_at_fault() {
        let events = "data.track_info.tracking.providers[0].events";
        let cases: [(&[u8], String); 7] = [
            (b"{", String::new()),
            (br#"{"event":"TRACKING_UPDATED","data":{"carrier":7041}}"#, "data.number".into()),
            (br#"{"event":"TRACKING_UPDATED","data":{"number":1234567890}}"#, "data.number".into()),
            (br#"{"data":{"number":"1234567890"}}"#, "event".into()),
            (
                br#"{"event":"TRACKING_UPDATED","data":{"number":"1234567890","carrier":"DHL"}}"#,
                "data.carrier".into(),
            ),
            (
                br#"{"event":"TRACKING_UPDATED","data":{"number":"1234567890","track_info":{"tracking":{"providers":[{"events":[{"time_utc":"2024-01-01T00:00:00Z"},{"time_utc":"noon"}]}]}}}}"#,
                format!("{events}[1].time_utc"),
            ),
            (
                br#"{"event":"TRACKING_UPDATED","data":{"number":"1234567890","track_info":{"tracking":{"providers":[{"events":[{"description":"no time"}]}]}}}}"#,
                format!("{events}[0].time_utc"),
            ),
        ];
        FIXTURES.assert_rejected_at(cases);
        let mut d = FIXTURES.json("first_scan");
        d["data"]["track_info"]["time_metrics"]["estimated_delivery_date"]["to"] = json!("soon");
        assert_eq!(
            parse(&body(&d)).unwrap_err().field,
            "data.track_info.time_metrics.estimated_delivery_date.to"
        );
    }
}
