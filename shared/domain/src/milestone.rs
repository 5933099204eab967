//! The moments that matter to a customer, and which statuses reach them (as data).

use crate::status::Status;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    /// First carrier scan: "your parcel is on its way".
    InTransit,
    OutForDelivery,
    Delivered,
}

impl Milestone {
    pub const ALL: [Milestone; 3] = [
        Milestone::InTransit,
        Milestone::OutForDelivery,
        Milestone::Delivered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Milestone::InTransit => "in_transit",
            Milestone::OutForDelivery => "out_for_delivery",
            Milestone::Delivered => "delivered",
        }
    }

    pub fn parse(s: &str) -> Option<Milestone> {
        Milestone::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl fmt::Display for Milestone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The milestone a status announces when it becomes the shipment's current status.
/// Statuses without a row only update the timeline.
const MILESTONE_FOR_STATUS: &[(Status, Milestone)] = &[
    (Status::InTransit, Milestone::InTransit),
    (Status::OutForDelivery, Milestone::OutForDelivery),
    (Status::Delivered, Milestone::Delivered),
];

pub fn milestone_for(status: Status) -> Option<Milestone> {
    MILESTONE_FOR_STATUS
        .iter()
        .find(|(s, _)| *s == status)
        .map(|(_, m)| *m)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_three_customer_moments_map_to_milestones() {
        let mapped: Vec<_> = Status::ALL.into_iter().filter_map(milestone_for).collect();
        assert_eq!(mapped, Milestone::ALL.to_vec());
        assert_eq!(milestone_for(Status::InfoReceived), None);
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
    fn milestone_names_parse_back() {
        for m in Milestone::ALL {
            assert_eq!(Milestone::parse(m.as_str()), Some(m));
        }
        assert_eq!(Milestone::parse("nope"), None);
    }
}
