//! Tracking providers' webhook formats: each module parses one provider's payload, exactly
//! as it is sent, into canonical [`TrackingEvent`]s. Status maps are data: tables of
//! [`StatusRow`], each walked by a test.
//!
//! Rule for a shipment-level status that disagrees with the latest event (17TRACK's sample
//! says `Exception` while its latest scan says "available for pick-up"): **dated events win.**
//! Each event keeps the status of its own scan; the shipment-level status is used only to
//! give a status to the latest event when that event has none, or to make one event when
//! the provider sent no history at all. Aggregator summaries lag and are computed by rules
//! we cannot see; a dated scan is a fact.

pub mod aftership;
pub mod auth;
pub mod carriers;
mod common;
pub mod docs;
pub mod easypost;
pub mod generic;
pub mod seventeen_track;
pub mod shippo;
pub mod time;
pub mod ups;

mod parsed;

pub use parsed::{Mapped, ParsedWebhook, Provider, StatusRow, map_status, row};

use crate::validate::FieldError;

/// Parses a provider's payload.
/// Every format has the generic format's cap on the scans of one delivery. The generic format
/// (the merchant's own code) refuses a longer one, so its author hears of it; aggregators
/// resend whole histories with every update, so refusing would lose the newest scan for good:
/// their newest [`generic::MAX_EVENTS`] scans are kept and the rest reported.
pub fn parse(provider: Provider, body: &[u8]) -> Result<ParsedWebhook, FieldError> {
    let mut parsed = match provider {
        Provider::Generic => generic::parse(body),
        Provider::EasyPost => easypost::parse(body),
        Provider::Shippo => shippo::parse(body),
        Provider::AfterShip => aftership::parse(body),
        Provider::SeventeenTrack => seventeen_track::parse(body),
        Provider::Ups => ups::parse(body),
    }?;
    let cap = generic::MAX_EVENTS;
    if parsed.events.len() > cap {
        parsed.events.sort_by_key(|e| e.occurred_at);
        parsed.dropped = parsed.events.len() - cap;
        parsed.events.drain(..parsed.dropped);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::Reason;
    use crate::status::Status;

    const TOP: &[StatusRow] = &[
        row("transit", Some(Status::InTransit), None),
        row("failure", Some(Status::Exception), None),
    ];
    const SUB: &[StatusRow] = &[
        row("weather", None, Some(Reason::WeatherDelay)),
        row(
            "returning",
            Some(Status::ReturningToSender),
            Some(Reason::Returning),
        ),
    ];

    #[test]
    fn sub_status_refines_or_overrides_and_unknowns_are_kept_not_rejected() {
        let m = |t, s| map_status(TOP, SUB, t, s);
        assert_eq!(
            m(Some("transit"), Some("weather")).status,
            Status::InTransit
        );
        assert_eq!(
            m(Some("transit"), Some("weather")).reason,
            Some(Reason::WeatherDelay)
        );
        assert_eq!(
            m(Some("failure"), Some("returning")).status,
            Status::ReturningToSender
        );
        let unknown_sub = m(Some("failure"), Some("zzz"));
        assert_eq!(
            (unknown_sub.status, unknown_sub.reason, unknown_sub.known),
            (Status::Exception, Some(Reason::UnknownCode), false)
        );
        let unknown_top = m(Some("zzz"), None);
        assert_eq!(
            (unknown_top.status, unknown_top.reason, unknown_top.known),
            (Status::Pending, Some(Reason::UnknownCode), false)
        );
        assert!(m(Some("transit"), None).known);
    }

    #[test]
    fn provider_names_round_trip() {
        for p in Provider::ALL {
            assert_eq!(Provider::parse(p.as_str()), Some(p));
        }
        assert_eq!(Provider::parse("fedex"), None);
    }
}
