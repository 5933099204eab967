//! afterclick's own webhook format (`POST /webhooks/generic/{merchant_id}`):
//!
//! ```json
//! {
//!   "tracking_number": "1Z999AA10123456784",
//!   "carrier": "ups",
//!   "events": [{
//!     "occurred_at": "2026-11-20T08:15:00+01:00",
//!     "status": "in_transit",
//!     "description": "Departed facility",
//!     "location": "Cologne, DE",
//!     "estimated_delivery": "2026-11-22"
//!   }]
//! }
//! ```
//! `status` is a canonical status; `occurred_at` is RFC 3339 with an offset; unknown fields
//! are ignored so senders can add to it.

use super::carriers;
use super::parsed::{ParsedWebhook, Provider};
use crate::model::{TrackingEvent, normalize_tracking_number};
use crate::status::Status;
use crate::validate::{FieldError, parse_date_or_datetime, parse_json, validate_tracking_number};
use chrono::{DateTime, Utc};
use serde::Deserialize;

pub const PROVIDER: &str = "generic";
pub const MAX_EVENTS: usize = 500;
const MAX_TEXT: usize = 1000;

#[derive(Debug, Deserialize)]
struct Payload {
    tracking_number: String,
    #[serde(default)]
    carrier: Option<String>,
    events: Vec<Event>,
}

#[derive(Debug, Deserialize)]
struct Event {
    occurred_at: String,
    status: Status,
    #[serde(default)]
    description: String,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    estimated_delivery: Option<String>,
}

pub fn parse(body: &[u8]) -> Result<ParsedWebhook, FieldError> {
    let payload: Payload = parse_json(body)?;
    let tracking_number = normalize_tracking_number(&payload.tracking_number);
    validate_tracking_number("tracking_number", &tracking_number)?;
    if payload.events.is_empty() || payload.events.len() > MAX_EVENTS {
        return Err(FieldError::new(
            "events",
            format!("must hold between 1 and {MAX_EVENTS} events"),
        ));
    }
    let events = payload
        .events
        .into_iter()
        .enumerate()
        .map(|(i, e)| event(i, e))
        .collect::<Result<_, _>>()?;
    Ok(ParsedWebhook {
        tracking_number,
        carrier: payload
            .carrier
            .as_deref()
            .and_then(|c| carriers::normalize(Provider::Generic, c))
            .map(str::to_owned),
        estimated_delivery: None,
        events,
        unknown_codes: Vec::new(),
        dropped: 0,
    })
}

fn event(index: usize, e: Event) -> Result<TrackingEvent, FieldError> {
    let field = |name: &str| format!("events[{index}].{name}");
    let occurred_at = DateTime::parse_from_rfc3339(&e.occurred_at)
        .map_err(|_| {
            FieldError::new(
                field("occurred_at"),
                "must be an RFC 3339 date-time with an offset, e.g. 2026-11-20T08:15:00Z",
            )
        })?
        .with_timezone(&Utc);
    if e.description.chars().count() > MAX_TEXT {
        return Err(FieldError::new(
            field("description"),
            format!("must be at most {MAX_TEXT} characters"),
        ));
    }
    if e.location
        .as_ref()
        .is_some_and(|l| l.chars().count() > MAX_TEXT)
    {
        return Err(FieldError::new(
            field("location"),
            format!("must be at most {MAX_TEXT} characters"),
        ));
    }
    let estimated_delivery = e
        .estimated_delivery
        .as_deref()
        .map(|raw| parse_date_or_datetime(&field("estimated_delivery"), raw))
        .transpose()?;
    let mut event = TrackingEvent::new(occurred_at, e.status, PROVIDER);
    event.description = e.description.trim().to_owned();
    event.location = e
        .location
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty());
    event.estimated_delivery = estimated_delivery;
    event.raw_status = Some(e.status.as_str().to_owned());
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    #[test]
    fn parses_events_with_offsets_into_instants() {
        let body = br#"{"tracking_number":"1z 999","carrier":"ups","extra":true,"events":[
            {"occurred_at":"2026-11-20T08:15:00+01:00","status":"in_transit","description":" Departed ",
             "location":"Cologne, DE","estimated_delivery":"2026-11-22"}]}"#;
        let parsed = parse(body).unwrap();
        assert_eq!(parsed.tracking_number, "1Z999");
        assert_eq!(parsed.carrier.as_deref(), Some("ups"));
        let e = &parsed.events[0];
        assert_eq!(
            e.occurred_at,
            Utc.with_ymd_and_hms(2026, 11, 20, 7, 15, 0).unwrap()
        );
        assert_eq!(e.status, Status::InTransit);
        assert_eq!(e.description, "Departed");
        assert_eq!(e.estimated_delivery, NaiveDate::from_ymd_opt(2026, 11, 22));
    }

    #[test]
    fn names_the_field_at_fault() {
        let cases: [(&[u8], &str); 7] = [
            (b"{not json", ""),
            (br#"{"tracking_number":5,"events":[]}"#, "tracking_number"),
            (br#"{"tracking_number":"1Z99","events":[]}"#, "events"),
            (br#"{"events":[{"occurred_at":"2026-11-20T08:15:00Z","status":"in_transit"}]}"#, "tracking_number"),
            (br#"{"tracking_number":"1Z99","events":[{"occurred_at":"2026-11-20T08:15:00Z","status":"shipped"}]}"#, "events[0].status"),
            (br#"{"tracking_number":"1Z99","events":[{"occurred_at":"2026-11-20 08:15","status":"in_transit"}]}"#, "events[0].occurred_at"),
            (br#"{"tracking_number":"1Z<script>","events":[{"occurred_at":"2026-11-20T08:15:00Z","status":"in_transit"}]}"#, "tracking_number"),
        ];
        for (body, field) in cases {
            let err = parse(body).unwrap_err();
            assert_eq!(err.field, field, "{}", String::from_utf8_lossy(body));
        }
    }
}
