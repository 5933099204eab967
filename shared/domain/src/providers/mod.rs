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

use crate::model::TrackingEvent;
use crate::reason::Reason;
use crate::status::Status;
use crate::validate::FieldError;
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provider {
    Generic,
    EasyPost,
    Shippo,
    AfterShip,
    SeventeenTrack,
    Ups,
}

impl Provider {
    pub const ALL: [Provider; 6] = [
        Provider::Generic,
        Provider::EasyPost,
        Provider::Shippo,
        Provider::AfterShip,
        Provider::SeventeenTrack,
        Provider::Ups,
    ];

    /// The name in the webhook URL and in the merchant's `webhook_secrets`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Generic => "generic",
            Provider::EasyPost => "easypost",
            Provider::Shippo => "shippo",
            Provider::AfterShip => "aftership",
            Provider::SeventeenTrack => "17track",
            Provider::Ups => "ups",
        }
    }

    pub fn parse(name: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// One delivery from a provider, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedWebhook {
    /// Normalised (see [`crate::model::normalize_tracking_number`]).
    pub tracking_number: String,
    /// Canonical carrier slug (see [`carriers`]), when the provider names one we know.
    pub carrier: Option<String>,
    /// The carrier's estimated delivery date, shipment-level, when sent.
    pub estimated_delivery: Option<NaiveDate>,
    /// Every event in the delivery, oldest first.
    pub events: Vec<TrackingEvent>,
    /// Codes afterclick did not know (logged by the webhook as warnings; never rejected).
    pub unknown_codes: Vec<String>,
    /// Scans left out because the delivery held more than [`generic::MAX_EVENTS`]:
    /// the oldest ones.
    pub dropped: usize,
}

/// One row of a provider's status map: a provider code -> canonical status and reason.
/// In a sub-status table, `status: None` keeps the top-level status and adds the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusRow {
    pub code: &'static str,
    pub status: Option<Status>,
    pub reason: Option<Reason>,
}

/// Shorthand for table rows.
pub const fn row(code: &'static str, status: Option<Status>, reason: Option<Reason>) -> StatusRow {
    StatusRow {
        code,
        status,
        reason,
    }
}

/// The outcome of looking a code pair up in a provider's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapped {
    pub status: Status,
    pub reason: Option<Reason>,
    /// False when a code was not in the tables (reason is then `unknown_code`).
    pub known: bool,
}

/// Maps (top-level code, sub-status code) with the provider's two tables. Matching is
/// exact (providers' codes are case-sensitive identifiers). An unknown sub-status falls back
/// to the top-level status with reason `unknown_code`; an unknown top-level status gives
/// `pending` + `unknown_code`.
pub fn map_status(
    top_table: &[StatusRow],
    sub_table: &[StatusRow],
    top: Option<&str>,
    sub: Option<&str>,
) -> Mapped {
    let find = |table: &[StatusRow], code: &str| table.iter().find(|r| r.code == code).copied();
    let top_row = top.and_then(|code| find(top_table, code));
    let top_status = top_row.and_then(|r| r.status);
    let sub = sub.filter(|s| !s.is_empty());
    if let Some(row) = sub.and_then(|code| find(sub_table, code)) {
        return Mapped {
            status: row.status.or(top_status).unwrap_or(Status::Pending),
            reason: row.reason.or(top_row.and_then(|r| r.reason)),
            known: true,
        };
    }
    match top_row {
        Some(row) => Mapped {
            status: row.status.unwrap_or(Status::Pending),
            reason: if sub.is_some() {
                Some(Reason::UnknownCode)
            } else {
                row.reason
            },
            known: sub.is_none(),
        },
        None => Mapped {
            status: Status::Pending,
            reason: Some(Reason::UnknownCode),
            known: false,
        },
    }
}

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
