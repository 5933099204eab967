//! Canonical reasons: the "why" beside a canonical status (`exception` + `address_issue`,
//! `attempt_failed` + `recipient_unavailable`, `delivered` + `delivered_to_neighbour`).

use serde::{Deserialize, Serialize};

macro_rules! reasons {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Reason { $($variant),+ }

        impl Reason {
            pub const ALL: &'static [Reason] = &[$(Reason::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Reason::$variant => $name),+ }
            }
        }
    };
}

reasons! {
    // Before and during transit
    LabelCreated => "label_created",
    AwaitingItem => "awaiting_item",
    PickedUp => "picked_up",
    ArrivedAtFacility => "arrived_at_facility",
    DepartedFacility => "departed_facility",
    Forwarded => "forwarded",
    HandedToOtherCarrier => "handed_to_other_carrier",
    CustomsProcessing => "customs_processing",
    CustomsCleared => "customs_cleared",
    DeliveryScheduled => "delivery_scheduled",
    DeliveryRescheduled => "delivery_rescheduled",
    // Delays (feed delay detection)
    CarrierDelay => "carrier_delay",
    WeatherDelay => "weather_delay",
    CustomsDelay => "customs_delay",
    ExternalDelay => "external_delay",
    Missorted => "missorted",
    LateFlight => "late_flight",
    // Failed attempts and exceptions
    RecipientUnavailable => "recipient_unavailable",
    BusinessClosed => "business_closed",
    AccessIssue => "access_issue",
    NoticeLeft => "notice_left",
    AddressIssue => "address_issue",
    AddressCorrected => "address_corrected",
    RecipientMoved => "recipient_moved",
    Refused => "refused",
    AwaitingPayment => "awaiting_payment",
    MissingDocuments => "missing_documents",
    HeldByCarrier => "held_by_carrier",
    PickupMissed => "pickup_missed",
    RejectedByCarrier => "rejected_by_carrier",
    Damaged => "damaged",
    Lost => "lost",
    Disposed => "disposed",
    Undeliverable => "undeliverable",
    Unclaimed => "unclaimed",
    ContactCarrier => "contact_carrier",
    // Delivery outcomes
    DeliveredToRecipient => "delivered_to_recipient",
    DeliveredToNeighbour => "delivered_to_neighbour",
    DeliveredToSafePlace => "delivered_to_safe_place",
    DeliveredToMailbox => "delivered_to_mailbox",
    DeliveredToPickupPoint => "delivered_to_pickup_point",
    CollectedByRecipient => "collected_by_recipient",
    // Returns and ends
    Returning => "returning",
    Returned => "returned",
    Cancelled => "cancelled",
    Expired => "expired",
    Other => "other",
    // The provider sent a code afterclick does not know; the raw code is on the event.
    UnknownCode => "unknown_code",
}

impl Reason {
    /// Reasons that mean the parcel will be late: what makes the `delayed` milestone.
    pub fn is_delay(self) -> bool {
        matches!(
            self,
            Reason::CarrierDelay
                | Reason::WeatherDelay
                | Reason::CustomsDelay
                | Reason::ExternalDelay
                | Reason::Missorted
                | Reason::LateFlight
                | Reason::DeliveryRescheduled
        )
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_serde_agrees() {
        let mut seen = std::collections::BTreeSet::new();
        for r in Reason::ALL {
            assert!(seen.insert(r.as_str()), "{r} twice");
            assert_eq!(
                serde_json::to_string(r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
    }
}
