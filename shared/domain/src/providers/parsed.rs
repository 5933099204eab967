//! What every provider parser shares: the provider names, what a parsed delivery holds,
//! and status tables as data. A leaf: the parsers and the dispatcher in `mod.rs` use it.

use crate::model::TrackingEvent;
use crate::reason::Reason;
use crate::status::Status;
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
    /// Canonical carrier slug (see `providers::carriers`), when the provider names one we know.
    pub carrier: Option<String>,
    /// The carrier's estimated delivery date, shipment-level, when sent.
    pub estimated_delivery: Option<NaiveDate>,
    /// Every event in the delivery, oldest first.
    pub events: Vec<TrackingEvent>,
    /// Codes afterclick did not know (logged by the webhook as warnings; never rejected).
    pub unknown_codes: Vec<String>,
    /// Scans left out because the delivery held more than `providers::generic::MAX_EVENTS`:
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
