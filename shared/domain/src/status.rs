//! The canonical status taxonomy every provider's codes are mapped onto.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a shipment is, in the carrier-neutral words afterclick uses everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    InfoReceived,
    InTransit,
    OutForDelivery,
    AvailableForPickup,
    AttemptFailed,
    Delivered,
    Exception,
    ReturningToSender,
    ReturnedToSender,
    Expired,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 12] = [
        Status::Pending,
        Status::InfoReceived,
        Status::InTransit,
        Status::OutForDelivery,
        Status::AvailableForPickup,
        Status::AttemptFailed,
        Status::Delivered,
        Status::Exception,
        Status::ReturningToSender,
        Status::ReturnedToSender,
        Status::Expired,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::InfoReceived => "info_received",
            Status::InTransit => "in_transit",
            Status::OutForDelivery => "out_for_delivery",
            Status::AvailableForPickup => "available_for_pickup",
            Status::AttemptFailed => "attempt_failed",
            Status::Delivered => "delivered",
            Status::Exception => "exception",
            Status::ReturningToSender => "returning_to_sender",
            Status::ReturnedToSender => "returned_to_sender",
            Status::Expired => "expired",
            Status::Cancelled => "cancelled",
        }
    }

    /// True once the carrier physically has the parcel: the "first scan" that makes it "on its way".
    pub fn is_carrier_scan(self) -> bool {
        !matches!(
            self,
            Status::Pending | Status::InfoReceived | Status::Expired | Status::Cancelled
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status `{0}`")]
pub struct UnknownStatus(pub String);

impl FromStr for Status {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_snake_case_name() {
        for status in Status::ALL {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(status.as_str().parse::<Status>().unwrap(), status);
        }
        assert!("shipped".parse::<Status>().is_err());
    }
}
