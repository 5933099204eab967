//! The moments that matter to a customer, and which statuses reach them (as data).
//!
//! A milestone may be reached more than once when each time is news: every failed delivery
//! attempt, every new exception reason, every new expected date of a delay, every quiet
//! spell. Each such occurrence is a [`Moment`]: the milestone plus an instance key, and a
//! moment is reached (and announced) at most once.

use crate::status::Status;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    /// The shipper created a label; the carrier has not scanned the parcel yet.
    LabelCreated,
    /// First carrier scan: "your parcel is on its way".
    InTransit,
    OutForDelivery,
    AvailableForPickup,
    AttemptFailed,
    Delivered,
    Exception,
    /// The parcel will arrive later than expected or promised.
    Delayed,
    /// No carrier scan for too long.
    Stalled,
    /// The delivery history says the promise will probably be missed (`crate::lanes`).
    TrendingLate,
    ReturningToSender,
    ReturnedToSender,
}

impl Milestone {
    pub const ALL: [Milestone; 12] = [
        Milestone::LabelCreated,
        Milestone::InTransit,
        Milestone::OutForDelivery,
        Milestone::AvailableForPickup,
        Milestone::AttemptFailed,
        Milestone::Delivered,
        Milestone::Exception,
        Milestone::Delayed,
        Milestone::Stalled,
        Milestone::TrendingLate,
        Milestone::ReturningToSender,
        Milestone::ReturnedToSender,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Milestone::LabelCreated => "label_created",
            Milestone::InTransit => "in_transit",
            Milestone::OutForDelivery => "out_for_delivery",
            Milestone::AvailableForPickup => "available_for_pickup",
            Milestone::AttemptFailed => "attempt_failed",
            Milestone::Delivered => "delivered",
            Milestone::Exception => "exception",
            Milestone::Delayed => "delayed",
            Milestone::Stalled => "stalled",
            Milestone::TrendingLate => "trending_late",
            Milestone::ReturningToSender => "returning_to_sender",
            Milestone::ReturnedToSender => "returned_to_sender",
        }
    }

    pub fn parse(s: &str) -> Option<Milestone> {
        Milestone::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Announced unless the merchant switches it on: label creation is not news to most
    /// customers (the order confirmation already said "we're preparing it"), and a
    /// prediction of lateness is the merchant's call to share.
    pub fn on_by_default(self) -> bool {
        !matches!(self, Milestone::LabelCreated | Milestone::TrendingLate)
    }
}

impl fmt::Display for Milestone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One occurrence of a milestone: `attempt_failed` at a given scan, `exception` for a given
/// reason, `delayed` to a given date. Written `milestone` or `milestone#instance`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Moment {
    pub milestone: Milestone,
    pub instance: Option<String>,
}

impl Moment {
    pub fn once(milestone: Milestone) -> Self {
        Self {
            milestone,
            instance: None,
        }
    }

    pub fn of(milestone: Milestone, instance: impl Into<String>) -> Self {
        Self {
            milestone,
            instance: Some(instance.into()),
        }
    }

    pub fn key(&self) -> String {
        match &self.instance {
            Some(i) => format!("{}#{i}", self.milestone.as_str()),
            None => self.milestone.as_str().to_owned(),
        }
    }

    pub fn parse_key(key: &str) -> Option<Moment> {
        let (name, instance) = match key.split_once('#') {
            Some((n, i)) => (n, Some(i.to_owned())),
            None => (key, None),
        };
        Some(Moment {
            milestone: Milestone::parse(name)?,
            instance,
        })
    }
}

/// How a status reaches its milestone when it becomes a shipment's current status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurrence {
    /// Once per shipment.
    Once,
    /// Once per scan (each failed attempt is news).
    PerScan,
    /// Once per canonical reason (a new exception reason is news, the same one is not).
    PerReason,
}

/// Statuses that announce a milestone. Statuses without a row only update the timeline.
const MILESTONE_FOR_STATUS: &[(Status, Milestone, Occurrence)] = &[
    (
        Status::InfoReceived,
        Milestone::LabelCreated,
        Occurrence::Once,
    ),
    (Status::InTransit, Milestone::InTransit, Occurrence::Once),
    (
        Status::OutForDelivery,
        Milestone::OutForDelivery,
        Occurrence::Once,
    ),
    (
        Status::AvailableForPickup,
        Milestone::AvailableForPickup,
        Occurrence::Once,
    ),
    (
        Status::AttemptFailed,
        Milestone::AttemptFailed,
        Occurrence::PerScan,
    ),
    (Status::Delivered, Milestone::Delivered, Occurrence::Once),
    (
        Status::Exception,
        Milestone::Exception,
        Occurrence::PerReason,
    ),
    (
        Status::ReturningToSender,
        Milestone::ReturningToSender,
        Occurrence::Once,
    ),
    (
        Status::ReturnedToSender,
        Milestone::ReturnedToSender,
        Occurrence::Once,
    ),
];

pub fn milestone_for(status: Status) -> Option<(Milestone, Occurrence)> {
    MILESTONE_FOR_STATUS
        .iter()
        .find(|(s, _, _)| *s == status)
        .map(|(_, m, o)| (*m, *o))
}

/// Statuses after which the shipment only moves to the listed statuses: a late-arriving
/// older scan never takes a delivered parcel back to "in transit".
const TERMINAL: &[(Status, &[Status])] = &[
    (
        Status::Delivered,
        &[
            Status::Exception,
            Status::ReturningToSender,
            Status::ReturnedToSender,
        ],
    ),
    (Status::ReturnedToSender, &[]),
];

/// May a shipment currently in `from` move to `to`?
pub fn may_follow(from: Status, to: Status) -> bool {
    match TERMINAL.iter().find(|(terminal, _)| *terminal == from) {
        Some((_, allowed)) => allowed.contains(&to),
        None => true,
    }
}

pub fn is_terminal(status: Status) -> bool {
    TERMINAL.iter().any(|(t, _)| *t == status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_milestone_but_the_sweeper_ones_has_a_status() {
        for m in Milestone::ALL {
            let has_status = MILESTONE_FOR_STATUS.iter().any(|(_, x, _)| *x == m);
            assert_eq!(
                has_status,
                !matches!(
                    m,
                    Milestone::Delayed | Milestone::Stalled | Milestone::TrendingLate
                ),
                "{m}"
            );
        }
        assert_eq!(milestone_for(Status::Pending), None);
        assert_eq!(
            milestone_for(Status::AttemptFailed),
            Some((Milestone::AttemptFailed, Occurrence::PerScan))
        );
    }

    #[test]
    fn delivered_is_terminal_except_for_returns_and_exceptions() {
        assert!(!may_follow(Status::Delivered, Status::InTransit));
        assert!(!may_follow(Status::Delivered, Status::OutForDelivery));
        assert!(may_follow(Status::Delivered, Status::ReturningToSender));
        assert!(!may_follow(Status::ReturnedToSender, Status::InTransit));
        assert!(may_follow(Status::InTransit, Status::Delivered));
    }

    #[test]
    fn names_and_moment_keys_parse_back() {
        for m in Milestone::ALL {
            assert_eq!(Milestone::parse(m.as_str()), Some(m));
        }
        let moment = Moment::of(Milestone::Exception, "address_issue");
        assert_eq!(moment.key(), "exception#address_issue");
        assert_eq!(Moment::parse_key(&moment.key()), Some(moment));
        assert_eq!(
            Moment::parse_key("delivered"),
            Some(Moment::once(Milestone::Delivered))
        );
        assert_eq!(Moment::parse_key("nope#1"), None);
        assert!(!Milestone::LabelCreated.on_by_default());
    }
}
